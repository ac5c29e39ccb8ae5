import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { boxKey, mapEdges } from "../../../src/core/render/netfilter-map.ts";
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

  it("map view holds every hook of both layers in its hook's box, broute only for legacy", () => {
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
      const [family, table, chain] = h.split(":");
      const box = new RegExp(
        `^ +${boxKey(h)}\\["<b>${family === "bridge" ? "bridge" : "IP"} ${chain}</b><br/>[^"]*>${table}</span>`,
        "m",
      );
      expect(nft).toMatch(box);
      expect(legacy).toMatch(box);
    }
    // conntrack where its lookups run: after raw on PREROUTING and OUTPUT; confirmed last on INPUT and POSTROUTING.
    expect(nft).toMatch(
      /ip_PREROUTING\[".*>raw<\/span> · <span class='pwt pwt-ct' style='padding-left:1.2em'>conntrack<\/span> · <span[^>]*>mangle</,
    );
    expect(nft).toMatch(
      /ip_OUTPUT\[".*>raw<\/span> · <span class='pwt pwt-ct' style='padding-left:1.2em'>conntrack</,
    );
    expect(nft).toMatch(/ip_POSTROUTING\[".*>confirm<\/span>"\]/);
    expect(nft).toMatch(/ip_INPUT\[".*>confirm<\/span>"\]/);
    expect(nft).toContain('br_decide{{"bridging decision"}}');
    expect(nft).toContain('ip_route{{"routing decision"}}');
    expect(nft).toContain('local(["local process"])');
    // ebtables-nft runs filter OUTPUT before nat OUTPUT; legacy the other way round.
    expect(nft).toMatch(/br_OUTPUT\[".*>filter<\/span> · <span[^>]*>nat</);
    expect(legacy).toMatch(/br_OUTPUT\[".*>nat<\/span> · <span[^>]*>filter</);
    expect(nft).not.toContain("BROUTING");
    expect(legacy).toMatch(/^ +br_BROUTING\["<b>bridge BROUTING<\/b>/m);
  });

  it("is one picture for every packet: only classes, step numbers, arrow ids and styles differ", () => {
    // What decides the layout: boxes, their text without step marks, and the arrows in order.
    const structure = (src: string) =>
      src
        .split("\n")
        .filter((l) => !/^ +(%%|class |classDef |linkStyle )/.test(l))
        .map((l) => l.replace(/ data-step='[^']*'| data-drop='true'/g, "").replace(/ \w+@-->/, " -->"))
        .join("\n");
    const maps = RENDER_CASES.filter((c) => c.options.view === "map" && !c.name.startsWith("legacy"));
    expect(maps.length).toBeGreaterThanOrEqual(5);
    const first = structure(toMermaid(maps[0]?.packet as Packet, { view: "map" }));
    for (const c of maps) expect(structure(toMermaid(c.packet, { view: "map" })), c.name).toBe(first);
  });

  it("walks the map's own arrows for every kernel order it knows", () => {
    for (const c of RENDER_CASES.filter((x) => !x.name.startsWith("legacy"))) {
      const src = toMermaid(c.packet, { view: "map" });
      const plain = toMermaid(c.packet, { view: "map" })
        .split("\n")
        .filter((l) => l.includes("@-->"));
      expect(plain.length, c.name).toBe(mapEdges("nft").length);
      expect(src, c.name).not.toContain("%% extra");
    }
  });

  it("highlights and numbers the hooks crossed, fades the rest", () => {
    const { packet, options } = caseNamed("c2c-request-map");
    const src = toMermaid(packet, options);
    packet.hooks.forEach((h, i) => {
      const table = h.split(":")[1];
      expect(src).toMatch(
        new RegExp(
          `^ +${boxKey(h)}\\[".*<span class='pwt' style='padding-left:1.2em' data-step='${i + 1}'>${table}</span>`,
          "m",
        ),
      );
      expect(classesOf(src, boxKey(h))).toEqual([h.startsWith("bridge") ? "brHit" : "ipHit"]);
    });
    expect(classesOf(src, "ip_INPUT")).toEqual(["ipFaded"]);
    expect(classesOf(src, "br_OUTPUT")).toEqual(["brFaded"]);
    expect(classesOf(src, "local")).toEqual(["faded"]);
    // br_netfilter: IP PREROUTING, then the bridging decision (lit), then the bridge's FORWARD.
    expect(classesOf(src, "br_decide")).toEqual(["passed"]);
    expect(src).toMatch(/^ {2}ip_PREROUTING p\d+@--> br_decide$/m);
    expect(src).toContain("br_decide step5@--> br_FORWARD");
    expect(classesOf(src, "in_port")).toEqual(["endpoint"]);
    expect(classesOf(src, "out_port")).toEqual(["endpoint"]);
    expect(classesOf(src, "in_routed")).toEqual(["faded"]);
  });

  it("keeps a hook crossed twice unambiguous", () => {
    const { packet, options } = caseNamed("hook-crossed-twice-map");
    const src = toMermaid(packet, options);
    expect(src).toMatch(
      /t2_ip_PREROUTING\[".*<span class='pwt' style='padding-left:1.2em' data-step='2 5'>raw<\/span>/,
    );
    // Without br_netfilter the frame climbs back from the bridge's INPUT to IP PREROUTING.
    expect(src).toContain("t2_br_INPUT t2_step5@--> t2_ip_PREROUTING");
    expect(src).toContain("t2_br_PREROUTING t2_step2@--> t2_ip_PREROUTING");
  });

  it("starts at the local process for locally generated packets and ends there for local delivery", () => {
    const out = caseNamed("host-to-container-map");
    const src = toMermaid(out.packet, out.options);
    expect(classesOf(src, "local")).toEqual(["endpoint"]);
    expect(src).toMatch(/^ {2}local p0@--> ip_route_out$/m);
    expect(classesOf(src, "in_port")).toEqual(["faded"]);
    const back = caseNamed("container-to-host-reply-map");
    const src2 = toMermaid(back.packet, back.options);
    expect(src2).toMatch(/^ {2}ip_INPUT p\d+@--> local$/m);
    expect(classesOf(src2, "out_port")).toEqual(["faded"]);
  });

  it("names the lab's endpoints and enters and leaves by the right ones", () => {
    const { packet } = caseNamed("c2c-request-map");
    const endpoints = [
      {
        id: "c1",
        label: "c1 172.17.0.2",
        layer: "bridge" as const,
        interfaces: ["veth-c1"],
        addresses: ["172.17.0.2"],
      },
      {
        id: "c2",
        label: "c2 172.17.0.3",
        layer: "bridge" as const,
        interfaces: ["veth-c2"],
        addresses: ["172.17.0.3"],
      },
      { id: "wan", label: "wan via eth0", layer: "ip" as const, interfaces: ["eth0"], addresses: [] },
    ];
    const src = toMermaid(packet, { view: "map", endpoints });
    expect(src).toContain('in_c2("from c2 172.17.0.3")');
    expect(src).toContain('out_c1("to c1 172.17.0.2")');
    expect(classesOf(src, "in_c2")).toEqual(["endpoint"]);
    expect(classesOf(src, "out_c1")).toEqual(["endpoint"]);
    expect(classesOf(src, "in_c1")).toEqual(["faded"]);
    expect(src).toMatch(/^ {2}in_c2 step1@--> br_PREROUTING$/m);
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

  it("escapes every label from a file and puts a hook that is not on the map in its hook's box", () => {
    const { packet, options } = caseNamed("legacy-hostile-labels-map");
    const endpoints = [
      { id: "x", label: 'c"2 <script>|', layer: "bridge" as const, interfaces: ['ve"th<1>'], addresses: [] },
    ];
    const src = toMermaid(packet, { ...options, endpoints });
    expect(src).toMatch(/^ {2}in_x\("from c#34;2 #60;script#62;#124;"\)$/m);
    const body = src.split("\n").filter((l) => /\["|\("/.test(l));
    for (const line of body) {
      // Outside the tags packetwalk writes itself, nothing from a file may open one.
      const inside = line
        .slice(line.indexOf('"') + 1, line.lastIndexOf('"'))
        .replace(
          /<\/?b>|<br\/>|<span class='pwt(?: pwt-ct)?' style='padding-left:1\.2em'(?: data-step='[\d ]+')?(?: data-drop='true')?>|<\/span>/g,
          "",
        );
      expect(inside).not.toMatch(/["<>&`[\]{}|]/);
    }
    expect(src).toContain("#60;script#62;");
    expect(src).toMatch(
      /^ {2}ip_FORWARD\[".*<span class='pwt' style='padding-left:1.2em' data-step='3'>security<\/span>"\]/m,
    );
  });

  it("prefixes every node id", () => {
    const { packet } = caseNamed("c2c-request-map");
    const src = toMermaid(packet, { view: "map", idPrefix: "fig-2" });
    const ids = [...src.matchAll(/^ +(\w+)(?:\[|\(|\{)/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(18);
    for (const id of ids) expect(id).toMatch(/^fig_2_/);
  });

  it("refuses a packet without events with a clear message", () => {
    const { packet } = caseNamed("c2c-request-map");
    expect(() => toMermaid({ ...packet, events: [], hooks: [] }, { view: "map" })).toThrow(
      /packet 1 has no events/,
    );
  });
});
