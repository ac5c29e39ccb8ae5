/**
 * REDIRECT (`-j REDIRECT [--to-ports P]`, nft `redirect [to :P]`): a DNAT to the host itself, its
 * address on the packet's input interface (the loopback address for a packet it sends), the port as
 * given or the packet's own; an input interface without an address of the packet's family drops it.
 * The recorded kernel's behaviour is the fixture test/fixtures/simulate/nat-redirect.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SendSpec } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { type Lab, labSchema } from "../../../src/core/trace-file/schema.ts";
import { LAB_DIR } from "./helpers.ts";

/** Where the first packet of `spec` arrives in the docker-bridge lab under `text`, and whether it was decided. */
function arrives(text: string, spec: Omit<SendSpec, "direction">): string {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const ruleset = parseRulesetFile(text, "t.rules");
  expect(ruleset.diagnostics).toEqual([]);
  const world = { topology: buildTopology(lab), ruleset, ebtables: lab.ebtables, sysctls: lab.sysctls };
  const p = runScenario(world, spec).packets[0];
  expect(p?.unmodelled).toEqual([]);
  const r = p?.received;
  return `${p?.fate.kind === "delivered" ? p.fate.host : p?.fate.kind} ${r?.dst}:${r?.dport}`;
}

const ipt = (rule: string) => `*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`;
const nft = (hook: string, rule: string) =>
  `table ip nat {\n\tchain c {\n\t\ttype nat hook ${hook} priority -100; policy accept;\n\t\t${rule}\n\t}\n}\n`;
const c1Web = { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 } as const;

describe("REDIRECT", () => {
  it("sends a forwarded packet to the host's address on its input interface, at the given port", () => {
    expect(
      arrives(ipt("-A PREROUTING -i docker0 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128"), c1Web),
    ).toBe("host 172.17.0.1:3128");
    expect(arrives(nft("prerouting", 'iifname "docker0" tcp dport 80 redirect to :3128'), c1Web)).toBe(
      "host 172.17.0.1:3128",
    );
    // Without a port the packet keeps its own; from the WAN side the address is eth0's.
    expect(arrives(nft("prerouting", "redirect"), c1Web)).toBe("host 172.17.0.1:80");
    expect(
      arrives(nft("prerouting", "redirect"), { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 81 }),
    ).toBe("host 203.0.113.2:81");
  });

  it("sends a packet the host itself sends to the loopback address (nat OUTPUT)", () => {
    expect(arrives(nft("output", "tcp dport 80 redirect to :3128"), { ...c1Web, from: "host" })).toBe(
      "host 127.0.0.1:3128",
    );
  });

  it("reads nft -j's redirect, and is explained in both rule grammars", () => {
    const json = readFileSync(
      join(import.meta.dirname, "../../fixtures/simulate/nat-redirect/nft-list.json"),
      "utf8",
    );
    const rs = parseRulesetFile(json, "nft-list.json");
    expect(rs.diagnostics).toEqual([]);
    expect(rs.nft?.[0]?.chains.get("prerouting")?.rules.map((r) => r.target)).toEqual([
      { kind: "REDIRECT", port: { lo: 3128, hi: 3128 } },
      { kind: "REDIRECT" },
      { kind: "REDIRECT", port: { lo: 22, hi: 22 } },
    ]);
    expect(
      explainRule("-A PREROUTING -i br-lan -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128").en,
    ).toBe(
      "if it came in on br-lan and it is protocol tcp and the destination port is 80, rewrite the destination to this host's address on the input interface (DNAT to the host itself) to port 3128",
    );
    // The host's own packet (nat OUTPUT) goes to the loopback address.
    expect(explainRule("-A OUTPUT -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128").en).toBe(
      "if it is protocol tcp and the destination port is 80, rewrite the destination to this host's loopback address (127.0.0.1 or ::1; DNAT to the host itself) to port 3128",
    );
    // (A port needs a transport protocol before it: nft refuses `redirect to :3128` alone.)
    expect(explainNftRule("meta l4proto tcp redirect to :3128").en).toBe(
      "tcp: rewrite the destination to this host's address on the input interface, port 3128 (redirect), which accepts (ends this base chain only)",
    );
  });

  it("drops a packet whose input interface has no address of its family (nf_nat_redirect's NF_DROP)", () => {
    // A bridge without an address, its frames passed to iptables (br_netfilter): c1 -> c2 is bridged.
    const p = bridged(
      LAB_DIR,
      [],
      ipt("-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128"),
      {
        from: "c1",
        to: "172.17.0.3",
        proto: "tcp",
        dport: 80,
      },
    );
    expect(p?.fate).toMatchObject({
      kind: "dropped",
      reason:
        "REDIRECT by rule at line 4 of t.rules: -A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128: its input interface docker0 has no IPv4 address to redirect to, so the kernel drops it",
    });
    expect(p?.unmodelled).toEqual([]);
    const steps = p?.events.find((e) => e.hook === "ip:nat:PREROUTING")?.steps ?? [];
    expect(steps.map((s) => `${s.line}:${s.verdict}`)).toEqual(["4:DROP"]);
    // IPv6 alike: br-a keeps its IPv4 address only.
    const v6 = bridged(V6_LAB, ["172.20.0.1/16"], v6Redirect, a1ToA2);
    expect(v6?.fate).toMatchObject({
      kind: "dropped",
      reason: expect.stringMatching(/br-a has no IPv6 address/),
    });
  });

  it("sends an IPv6 packet to a global or unique-local address of the interface, else to its link-local one", () => {
    const received = (addresses: string[]) => {
      const p = bridged(V6_LAB, addresses, v6Redirect, a1ToA2);
      return `${p?.fate.kind === "delivered" ? p.fate.host : p?.fate.kind} ${p?.received?.dst}:${p?.received?.dport}`;
    };
    expect(received(["fe80::1/64", "fd00:a::1/64"])).toBe("host fd00:a::1:3128");
    expect(received(["172.20.0.1/16", "fe80::1/64"])).toBe("host fe80::1:3128");
  });
});

/** The dual-stack lab `packetwalk import` wrote: a1 fd00:a::2 and a2 fd00:a::3 on the host's bridge br-a. */
const V6_LAB = join(import.meta.dirname, "../../fixtures/import/ipv6-iptables/expected");
const v6Redirect = nft("prerouting", "tcp dport 80 redirect to :3128").replace("table ip ", "table ip6 ");
const a1ToA2 = { from: "a1", to: "fd00:a::3", proto: "tcp", dport: 80 } as const;

/**
 * The first packet of `spec` in the lab at `dir` whose host bridge (docker0, br-a) has only `addresses`,
 * under ruleset `text`.
 */
function bridged(dir: string, addresses: string[], text: string, spec: Omit<SendSpec, "direction">) {
  const lab: Lab = labSchema.parse(JSON.parse(readFileSync(join(dir, "lab.json"), "utf8")));
  for (const i of lab.hosts[0]?.interfaces ?? [])
    if (i.kind === "bridge" && i.name !== "br-b") i.addresses = addresses;
  const ruleset = parseRulesetFile(text, "t.rules");
  expect(ruleset.diagnostics).toEqual([]);
  const world = { topology: buildTopology(lab), ruleset, ebtables: lab.ebtables, sysctls: lab.sysctls };
  return runScenario(world, spec).packets[0];
}
