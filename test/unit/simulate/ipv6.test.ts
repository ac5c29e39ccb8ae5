/**
 * The simulator on IPv6: address forms, the family dependency of header matches, the sysctls that
 * gate IPv6 forwarding and bridged ip6tables, and simulated LOG lines the parser reads back as the
 * kernel's. The lab is the one `packetwalk import` wrote from a real dual-stack recording
 * (test/fixtures/import/ipv6-iptables/expected: ip6tables, MASQUERADE, a published port).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { addressInCidr6, canonicalIpv6, kernelIpv6, parseCidr6 } from "../../../src/core/parse/ipv6.ts";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseNftRule } from "../../../src/core/simulate/parse-nft-rule.ts";
import { parseRuleArgs } from "../../../src/core/simulate/parse-rule-args.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { routeLookup } from "../../../src/core/simulate/route.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { Rule, TableDef } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { tokenizeNft } from "../../../src/core/simulate/tokenize-nft.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

const LAB = join(import.meta.dirname, "../../fixtures/import/ipv6-iptables/expected");

function world(sysctls: Record<string, string> = {}): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB, "lab.json"), "utf8")));
  const name = lab.rulesets.find((r) => !r.includes("instrumented")) as string;
  return {
    topology: buildTopology(lab),
    ruleset: parseRulesetFile(readFileSync(join(LAB, "rulesets", `${name}.rules`), "utf8"), "x.rules"),
    ebtables: lab.ebtables,
    sysctls: { ...lab.sysctls, ...sysctls },
  };
}

const v6packet: SimPacket = {
  v6: true,
  src: "fd00:a::2",
  dst: "2001:db8:2::10",
  proto: "icmpv6",
  icmpType: 128,
  icmpCode: 0,
  ttl: 64,
  id: 1,
  len: 104,
  ipFlags: [],
  mark: 0,
};
const v4packet: SimPacket = {
  ...v6packet,
  v6: undefined,
  src: "172.20.0.2",
  dst: "198.51.100.10",
  proto: "icmp",
  icmpType: 8,
};

function ctx(v6: boolean) {
  return { bridged: false, ethType: v6 ? "0x86dd" : "0x0800", addrType: () => "UNICAST" };
}

function nftRule(text: string): Rule {
  const tk = tokenizeNft(text);
  if (!tk.ok) throw new Error(text);
  const r = parseNftRule(tk.tokens.filter((t) => t.type !== "nl"));
  return { table: "t", chain: "c", index: 1, line: 1, text, conditions: r.conditions, target: r.target };
}

function iptRule(words: string, family: "ip" | "ip6"): Rule {
  const r = parseRuleArgs(
    words.split(" ").map((value, i) => ({ value, column: i + 1 })),
    family,
  );
  if (!r.ok) throw new Error(r.error.message);
  return {
    table: "filter",
    chain: "FORWARD",
    index: 1,
    line: 1,
    text: words,
    conditions: r.conditions,
    target: r.target,
  };
}

describe("IPv6 addresses", () => {
  it("reads the kernel's full form and writes it back, keys by the short form", () => {
    expect(canonicalIpv6("fd00:000a:0000:0000:0000:0000:0000:0002")).toBe("fd00:a::2");
    expect(kernelIpv6("fd00:a::2")).toBe("fd00:000a:0000:0000:0000:0000:0000:0002");
    const c = parseCidr6("fd00:a::/64");
    expect(c && addressInCidr6("fd00:000a:0000:0000:0000:0000:0000:0002", c)).toBe(true);
    expect(c && addressInCidr6("fd00:b::2", c)).toBe(false);
    expect(parseCidr6("fd00::/129")).toBeUndefined();
  });
});

describe("a header match of the other family fails the rule, negated or not", () => {
  it.each([
    ["ip saddr != 10.0.0.0/8 drop", false, true],
    ["ip6 saddr != 2001:db8::/32 drop", true, false],
    ["ip saddr { 172.20.0.0/16 } accept", false, true],
    ["ip6 daddr { 2001:db8:2::10 } accept", true, false],
    ["meta l4proto ipv6-icmp accept", true, false],
    ["icmpv6 type echo-request accept", true, false],
    ["icmp type echo-request accept", false, true],
    ["ip protocol icmp accept", false, true],
  ])("%s: matches IPv6 %s, IPv4 %s", (text, v6, v4) => {
    const rule = nftRule(text);
    expect(matchRule(rule, v6packet, ctx(true))).toBe(v6);
    expect(matchRule(rule, v4packet, ctx(false))).toBe(v4);
  });

  it("ip6tables: -p icmp is protocol 1, not ICMPv6; --icmpv6-type by name or number", () => {
    expect(matchRule(iptRule("-p icmp -j ACCEPT", "ip6"), v6packet, ctx(true))).toBe(false);
    expect(
      matchRule(
        iptRule("-p ipv6-icmp -m icmp6 --icmpv6-type echo-request -j ACCEPT", "ip6"),
        v6packet,
        ctx(true),
      ),
    ).toBe(true);
    expect(
      matchRule(iptRule("-p ipv6-icmp -m icmp6 --icmpv6-type 129 -j ACCEPT", "ip6"), v6packet, ctx(true)),
    ).toBe(false);
    expect(matchRule(iptRule("! -s fd00:a::/64 -j DROP", "ip6"), v6packet, ctx(true))).toBe(false);
    expect(
      parseRuleArgs(
        [
          { value: "-s", column: 1 },
          { value: "fd00::/64", column: 4 },
        ],
        "ip",
      ),
    ).toMatchObject({
      ok: false,
      error: { message: "'fd00::/64' is not an IPv4 address or CIDR" },
    });
  });
});

describe("NAT of one family in an inet table", () => {
  it("leaves a packet of the other family alone: the rule goes on, its NAT does nothing (nft_nat_inet_eval)", () => {
    const rs = parseRulesetFile(
      [
        "table inet fw {",
        "\tchain pre {",
        "\t\ttype nat hook prerouting priority dstnat; policy accept;",
        "\t\ttcp dport 8080 dnat ip to 172.20.0.2:80",
        "\t\ttcp dport 8080 dnat ip6 to [fd00:a::2]:80",
        "\t}",
        "}",
      ].join("\n"),
      "fw.rules",
    );
    const table = rs.nft?.[0] as TableDef;
    const tcp6 = { ...v6packet, proto: "tcp" as const, sport: 40000, dport: 8080 };
    const tcp4 = { ...v4packet, proto: "tcp" as const, sport: 40000, dport: 8080 };
    const walked = (p: SimPacket, v6: boolean) => {
      const run = runChain(table, "pre", { ...p }, ctx(v6));
      return [run.steps.map((s) => `${s.index ?? s.kind}:${s.verdict}`), run.nat];
    };
    expect(walked(tcp6, true)).toEqual([
      ["1:CONTINUE", "2:DNAT"],
      { kind: "DNAT", addr: "fd00:a::2", port: 80 },
    ]);
    expect(walked(tcp4, false)).toEqual([["1:DNAT"], { kind: "DNAT", addr: "172.20.0.2", port: 80 }]);
  });
});

describe("an IPv6 packet through the lab", () => {
  it("takes the IPv6 route and a global source address, never the link-local one", () => {
    const w = world();
    expect(routeLookup(w.topology, "a1", "2001:db8:2::10")).toEqual({
      kind: "unicast",
      dev: "eth0",
      via: "fd00:a::1",
      src: "fd00:a::2",
      mtu: 1500,
    });
    expect(routeLookup(w.topology, "host", "2001:0db8:0002::10")).toMatchObject({
      dev: "wan0",
      via: "2001:db8:1::1",
    });
  });

  it("is masqueraded on the way out, un-masqueraded on the way back", () => {
    const r = runScenario(world(), { from: "a1", to: "2001:db8:2::10", proto: "icmp" });
    expect(r.stopped).toBeUndefined();
    // The reader's ruleset (the logging rules, and the mangle tables only they filled, left out).
    expect(r.packets.map((p) => p.events.filter((e) => e.family !== "bridge").map((e) => e.hook))).toEqual([
      ["ip6:raw:PREROUTING", "ip6:nat:PREROUTING", "ip6:filter:FORWARD", "ip6:nat:POSTROUTING"],
      ["ip6:raw:PREROUTING", "ip6:filter:FORWARD"],
    ]);
    expect(r.packets[0]?.received).toMatchObject({
      src: "2001:db8:1::10",
      proto: "icmpv6",
      icmpType: 128,
      ttl: 63,
    });
    expect(r.packets[1]?.received).toMatchObject({ dst: "fd00:a::2", icmpType: 129 });
  });

  it("is not forwarded with net.ipv6.conf.all.forwarding=0, and crosses no ip6tables on the bridge without bridge-nf-call-ip6tables", () => {
    const off = runScenario(world({ "net.ipv6.conf.all.forwarding": "0" }), {
      from: "a1",
      to: "2001:db8:2::10",
      proto: "icmp",
    });
    expect(off.packets[0]?.fate).toEqual({
      kind: "lost",
      reason: "host does not forward (net.ipv6.conf.all.forwarding=0)",
    });
    // The IPv4 switch does not gate IPv6.
    const v4off = runScenario(world({ "net.ipv4.ip_forward": "0" }), {
      from: "a1",
      to: "2001:db8:2::10",
      proto: "icmp",
    });
    expect(v4off.stopped).toBeUndefined();
    const bridged = runScenario(world({ "net.bridge.bridge-nf-call-ip6tables": "0" }), {
      from: "a1",
      to: "fd00:a::3",
      proto: "icmp",
    });
    // (The lab has no bridge table: nothing else is crossed.)
    expect(bridged.packets[0]?.events.map((e) => e.hook)).toEqual([]);
    expect(bridged.packets[0]?.fate).toEqual({ kind: "delivered", host: "a2" });
    const brnf = runScenario(world(), { from: "a1", to: "fd00:a::3", proto: "icmp" });
    expect(
      brnf.packets[0]?.events.some((e) => e.hook === "ip6:filter:FORWARD" && e.physOut === "vetha2"),
    ).toBe(true);
  });

  it("writes LOG lines in the kernel's IPv6 form, which the parser reads back to the same hooks", () => {
    const r = runScenario(world(), { from: "wan", to: "2001:db8:1::10", proto: "tcp", dport: 8080 });
    const trace = toTrace(r.packets, { events: "all" });
    const first = trace.lines.find((l) => l.includes("ip6table/raw-PREROUTE")) ?? "";
    expect(first).toContain(
      "SRC=2001:0db8:0001:0000:0000:0000:0000:0001 DST=2001:0db8:0001:0000:0000:0000:0000:0010 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=8080",
    );
    const parsed = parseTraceText(trace.lines.join("\n"));
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.packets.map((p) => p.hooks)).toEqual(trace.packets.map((p) => p.hooks));
    expect(parsed.packets[0]?.summary).toBe(
      "TCP SYN [2001:db8:1::1]:40000 -> [2001:db8:1::10]:8080, DNAT to [fd00:a::2]:80",
    );
  });
});
