import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { hookKey } from "../../../src/core/render/netfilter-map.ts";
import { type ToMermaidOptions, toMermaid, VIEWS } from "../../../src/core/render/to-mermaid.ts";
import { RENDER_CASES } from "./fixture-packets.ts";

const root = join(import.meta.dirname, "../../fixtures/render");
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, "input.json")));

function load(name: string): { packet: Packet; options: ToMermaidOptions } {
  return {
    packet: JSON.parse(readFileSync(join(root, name, "input.json"), "utf8")),
    options: JSON.parse(readFileSync(join(root, name, "options.json"), "utf8")),
  };
}

function caseNamed(name: string): { packet: Packet; options: ToMermaidOptions } {
  const c = RENDER_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
}

/** The line that declares node `key` (with the class assignments resolved). */
function classesOf(src: string, key: string): string[] {
  return [...src.matchAll(/^ {2}class (\S+) (\w+)$/gm)]
    .filter((m) => m[1]?.split(",").includes(key))
    .map((m) => m[2] as string);
}

describe("toMermaid snapshots (test/fixtures/render/<case>/expected.mmd; UPDATE=1 rewrites)", () => {
  it("has fixture cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(RENDER_CASES.length);
  });
  for (const name of cases) {
    it(name, () => {
      const { packet, options } = load(name);
      const actual = toMermaid(packet, options);
      const file = join(root, name, "expected.mmd");
      if (process.env.UPDATE === "1") writeFileSync(file, actual);
      expect(actual).toBe(readFileSync(file, "utf8"));
    });
  }
});

describe("toMermaid behaviour", () => {
  it("exports the view names", () => {
    expect(VIEWS).toEqual(["map", "path"]);
  });

  it("is deterministic", () => {
    const { packet, options } = caseNamed("c2c-request-map");
    expect(toMermaid(packet, options)).toBe(toMermaid(structuredClone(packet), { ...options }));
  });

  it("map view holds every hook of both layers, broute only for legacy", () => {
    const { packet } = caseNamed("c2c-request-map");
    const nft = toMermaid(packet, { view: "map", ebtables: "nft" });
    const legacy = toMermaid(packet, { view: "map", ebtables: "legacy" });
    const hooks = [
      "bridge:nat:PREROUTING",
      "bridge:filter:INPUT",
      "bridge:filter:FORWARD",
      "bridge:filter:OUTPUT",
      "bridge:nat:OUTPUT",
      "bridge:nat:POSTROUTING",
      "ip:raw:PREROUTING",
      "ip:mangle:PREROUTING",
      "ip:nat:PREROUTING",
      "ip:mangle:INPUT",
      "ip:filter:INPUT",
      "ip:nat:INPUT",
      "ip:mangle:FORWARD",
      "ip:filter:FORWARD",
      "ip:raw:OUTPUT",
      "ip:mangle:OUTPUT",
      "ip:nat:OUTPUT",
      "ip:filter:OUTPUT",
      "ip:mangle:POSTROUTING",
      "ip:nat:POSTROUTING",
    ];
    for (const h of hooks) {
      expect(nft).toMatch(new RegExp(`^ +${hookKey(h)}\\["`, "m"));
      expect(legacy).toMatch(new RegExp(`^ +${hookKey(h)}\\["`, "m"));
    }
    expect(nft).toContain('br_decide["bridging decision"]');
    expect(nft).toContain('ip_route["routing decision"]');
    expect(nft).toMatch(/local\["local process/);
    expect(nft).not.toContain("bridge_broute_BROUTING");
    expect(legacy).toMatch(/^ +bridge_broute_BROUTING\["broute BROUTING"\]/m);
    expect(nft).toMatch(/subgraph layer_bridge\[/);
    expect(nft).toMatch(/subgraph layer_ip\[/);
  });

  it("highlights and numbers the hooks crossed, fades the rest", () => {
    const { packet, options } = caseNamed("c2c-request-map");
    const src = toMermaid(packet, options);
    packet.hooks.forEach((h, i) => {
      expect(classesOf(src, hookKey(h))).toEqual(["hit"]);
      expect(src).toMatch(new RegExp(`${hookKey(h)}\\["[^"]* #35;${i + 1}"\\]`));
    });
    for (const h of ["ip:filter:INPUT", "ip:raw:OUTPUT", "bridge:nat:OUTPUT"]) {
      expect(classesOf(src, hookKey(h))).toEqual(["faded"]);
    }
    // br_netfilter: nat PREROUTING -> bridging decision -> bridge filter FORWARD.
    expect(src).toContain("ip_nat_PREROUTING stepx4@--> br_decide");
    expect(src).toContain("br_decide step5@--> bridge_filter_FORWARD");
    expect(src).toContain('entry("c2 172.17.0.3 via veth-c2")');
    expect(src).toContain('exit("c1 172.17.0.2 via veth-c1")');
  });

  it("draws a map arrow once: the path replaces the map arrow it runs along", () => {
    const { packet, options } = caseNamed("c2c-request-map");
    const src = toMermaid(packet, options);
    expect(src.match(/ip_raw_PREROUTING (?:\S+@)?--> ip_mangle_PREROUTING/g)).toHaveLength(1);
    expect(src).toContain("ip_raw_PREROUTING step3@--> ip_mangle_PREROUTING");
  });

  it("keeps a hook crossed twice unambiguous", () => {
    const { packet, options } = caseNamed("hook-crossed-twice-map");
    const src = toMermaid(packet, options);
    expect(src).toMatch(/t2_ip_raw_PREROUTING\["raw PREROUTING #35;2 #35;5"\]/);
    expect(src).toContain("t2_bridge_filter_INPUT t2_step5@--> t2_ip_raw_PREROUTING");
    expect(src).toContain("t2_br_decide t2_step4@--> t2_bridge_filter_INPUT");
    // Both crossings of raw PREROUTING have their own numbered arrow.
    expect(src).toContain("t2_bridge_nat_PREROUTING t2_step2@--> t2_ip_raw_PREROUTING");
  });

  it("labels the NAT rewrite on the step where it happens", () => {
    const { packet, options } = caseNamed("wan-to-container-dnat-map");
    const src = toMermaid(packet, options);
    expect(src).toContain(
      'ip_route step4@-->|"DNAT 203.0.113.2#58;8080 -#62; 172.17.0.2#58;80"| ip_mangle_FORWARD',
    );
    expect(src.match(/DNAT/g)).toHaveLength(1);
    const path = toMermaid(packet, { view: "path" });
    expect(path).toContain('s3 step4@-->|"DNAT 203.0.113.2#58;8080 -#62; 172.17.0.2#58;80"| s4');
  });

  it("starts at the local process for locally generated packets and ends there for local delivery", () => {
    const out = caseNamed("host-to-container-map");
    const src = toMermaid(out.packet, out.options);
    expect(src).toContain('local["local process<br/>host 172.17.0.1"]');
    expect(src).toContain("local stepx0@--> ip_route_out");
    expect(src).not.toMatch(/^ {2}entry\(/m);
    const back = caseNamed("container-to-host-reply-map");
    const src2 = toMermaid(back.packet, back.options);
    expect(src2).toMatch(/ip_filter_INPUT stepx\d+@--> local$/m);
    expect(src2).not.toMatch(/^ {2}exit\(/m);
  });

  it("path view has one box per step and no hook that was not crossed", () => {
    const { packet, options } = caseNamed("c2c-request-path");
    const src = toMermaid(packet, options);
    expect(src.match(/^ {2}s\d+\["/gm)).toHaveLength(packet.events.length);
    expect(src).toContain('s1["#35;1 ebtables nat PREROUTING"]');
    expect(src).toContain('s2["#35;2 iptables raw PREROUTING"]');
    expect(src).not.toContain("filter INPUT");
    expect(src).not.toContain("OUTPUT");
  });

  it("escapes every label from a file and draws a hook that is not on the map", () => {
    const { packet, options } = caseNamed("legacy-hostile-labels-map");
    const src = toMermaid(packet, options);
    const body = src.split("\n").filter((l) => /\["|\("/.test(l));
    for (const line of body) {
      const inside = line.slice(line.indexOf('"') + 1, line.lastIndexOf('"'));
      expect(inside).not.toMatch(/["<>&`[\]{}|]/);
    }
    expect(src).toContain("#60;script#62;");
    expect(src).toMatch(/^ {4}ip_security_FORWARD\["security FORWARD #35;3"\]/m);
  });

  it("prefixes every node id", () => {
    const { packet } = caseNamed("c2c-request-map");
    const src = toMermaid(packet, { view: "map", idPrefix: "fig-2" });
    const ids = [...src.matchAll(/^ +(\w+)(?:\[|\()/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) expect(id).toMatch(/^fig_2_/);
  });

  it("refuses a packet without events with a clear message", () => {
    const { packet } = caseNamed("c2c-request-map");
    expect(() => toMermaid({ ...packet, events: [], hooks: [] }, { view: "map" })).toThrow(
      /packet 1 has no events/,
    );
  });
});
