/**
 * nft bitmask matches (`ip saddr & 0.0.0.255 == 0.0.0.2`, `meta mark & 0x0000ff00 == 0x00000100`, `udp
 * dport & 65280 == 256`), as written in a file, as `nft list ruleset` prints them (also for iptables-nft's
 * `-s 10.0.0.0/255.0.255.0`) and as `nft -j` writes them; matched as kernel 6.18 matched them (nft 1.0.6,
 * counters of a chain in a namespace: the `KERNEL` table below); and the errors of a malformed mask.
 */
import { describe, expect, it } from "vitest";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { nftInputText, nftJsonInput, onlyInputRule, textWorld } from "./helpers.ts";

/** The conditions the reader makes of `rule` in an inet input chain, with its diagnostics. */
function read(rule: string) {
  const { rule: r, diagnostics } = onlyInputRule(nftInputText("inet", rule), "t.nft");
  return { conditions: r.conditions, diagnostics };
}

/** The diagnostics of a file whose one rule is `rule`, as `line:col severity: message (hint)`, and its rules. */
function refused(rule: string) {
  const rs = parseRulesetFile(nftInputText("inet", rule), "t.nft");
  return {
    diagnostics: rs.diagnostics.map(
      (d) => `${d.position?.line}:${d.position?.column} ${d.severity}: ${d.message} (${d.hint})`,
    ),
    rules: [...(rs.nft?.[0]?.chains.values() ?? [])].flatMap((c) => c.rules).length,
  };
}

describe("the reader", () => {
  it("reads an address under a mask as the prefix-shaped condition iptables' `-s ADDR/MASK` is", () => {
    const want = { kind: "src", cidr: { net: 2, len: 32, mask: 255 }, neg: false };
    expect(read("ip saddr & 0.0.0.255 == 0.0.0.2")).toEqual({ conditions: [want], diagnostics: [] });
    // Implicit equality, nft's word forms, and a number for the mask as nft takes it.
    for (const form of [
      "ip saddr & 0.0.0.255 0.0.0.2",
      "ip saddr and 0.0.0.255 eq 0.0.0.2",
      "ip saddr & 0xff == 2",
    ])
      expect(read(form).conditions).toEqual([want]);
    expect(read("ip saddr & 0.0.0.255 ne 0.0.0.2").conditions).toEqual([{ ...want, neg: true }]);
    // A prefix mask is the prefix (nft lists `ip saddr & 255.255.0.0 == 10.1.0.0` as `10.1.0.0/16`).
    expect(read("ip daddr & 255.255.0.0 == 10.1.0.0").conditions).toEqual(
      read("ip daddr 10.1.0.0/16").conditions,
    );
  });

  it("reads iptables-nft's non-contiguous netmasks as nft lists them, like iptables-save's", () => {
    // `iptables-nft -A FORWARD ! -d 10.0.0.0/255.0.255.0` is listed `ip daddr & 255.0.255.0 != 10.0.0.0`.
    const nft = read("ip daddr & 255.0.255.0 != 10.0.0.0").conditions;
    const save = parseRulesetFile(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ! -d 10.0.0.0/255.0.255.0\nCOMMIT\n",
      "t.rules",
    );
    expect(nft).toEqual(save.ip.tables.get("filter")?.chains.get("INPUT")?.rules[0]?.conditions);
    expect(read("ip saddr & 255.255.0.255 == 10.0.0.1").conditions).toEqual([
      { kind: "src", cidr: { net: 0x0a000001, len: 32, mask: 0xffff00ff }, neg: false },
    ]);
  });

  it("reads an IPv6 address under a mask, a prefix mask as its length", () => {
    expect(read("ip6 daddr & ::ffff == ::1").conditions).toEqual([
      { kind: "dst", cidr: { v6: true, net: 1n, len: 128, mask: 0xffffn }, neg: false },
    ]);
    // `ip6tables-nft -s fd00::/ffff:0:ffff::` is listed so.
    expect(read("ip6 saddr & ffff:0:ffff:: != fd00::").conditions).toEqual([
      {
        kind: "src",
        cidr: { v6: true, net: 0xfd00n << 112n, len: 128, mask: (0xffffn << 112n) | (0xffffn << 80n) },
        neg: true,
      },
    ]);
    expect(read("ip6 saddr & ffff:ffff:: == fd00::").conditions).toEqual(
      read("ip6 saddr fd00::/32").conditions,
    );
  });

  it("reads the packet's and the connection's mark under a mask in every printed form", () => {
    expect(read("meta mark & 0x0000ff00 == 0x00000100").conditions).toEqual([
      { kind: "mark", value: 0x100, mask: 0xff00, neg: false },
    ]);
    expect(read("mark and 0xff 0x1").conditions).toEqual([
      { kind: "mark", value: 1, mask: 0xff, neg: false },
    ]);
    expect(read("ct mark & 0x0000000f != 0x00000000").conditions).toEqual([
      { kind: "ctmark", value: 0, mask: 0xf, neg: true },
    ]);
    // iptables-nft's `-m connmark --mark 0x1/0xf`.
    expect(read("ct mark and 0xf == 0x1").conditions).toEqual([
      { kind: "ctmark", value: 1, mask: 0xf, neg: false },
    ]);
  });

  it("keeps a value with bits outside the mask, which never matches, and says so", () => {
    const { conditions, diagnostics } = read("meta mark & 0x000000ff == 0x00000100");
    expect(conditions).toEqual([{ kind: "mark", value: 0x100, mask: 0xff, neg: false }]);
    expect(diagnostics).toEqual([
      "'meta mark & 0x000000ff == 0x00000100' never matches: 0x00000100 has bits outside the mask 0x000000ff",
    ]);
    expect(read("ip saddr & 0.0.0.255 != 0.0.1.2").diagnostics).toEqual([
      "'ip saddr & 0.0.0.255 != 0.0.1.2' holds for every packet that has this field: 0.0.1.2 has bits outside the mask 0.0.0.255",
    ]);
  });

  it("reads a port under a mask as a one-value set of the masked port, after its protocol", () => {
    expect(read("tcp dport & 65280 == 256").conditions).toEqual([
      { kind: "proto", proto: "tcp", neg: false },
      {
        kind: "nft-set",
        key: "tcp dport",
        elements: [{ kind: "value", value: "256" }],
        neg: false,
        mask: "65280",
      },
    ]);
    expect(read("th dport & 0xff00 != 0x100").conditions).toEqual([
      {
        kind: "nft-set",
        key: "th dport",
        elements: [{ kind: "value", value: "256" }],
        neg: true,
        mask: "65280",
      },
    ]);
  });

  it("reads a set, a range or a prefix under a mask as a masked set", () => {
    expect(read("ip saddr & 0.0.0.255 == { 0.0.0.2, 0.0.0.9 }").conditions).toEqual([
      {
        kind: "nft-set",
        key: "ip saddr",
        elements: [
          { kind: "value", value: "0.0.0.2" },
          { kind: "value", value: "0.0.0.9" },
        ],
        neg: false,
        mask: "0.0.0.255",
      },
    ]);
    expect(read("meta mark & 0x0000ff00 == @marks").conditions).toEqual([
      { kind: "nft-set", key: "meta mark", set: "marks", neg: false, mask: "65280" },
    ]);
    expect(read("meta mark & 0x0000ff00 0x00000100-0x00000300").conditions).toEqual([
      {
        kind: "nft-set",
        key: "meta mark",
        elements: [{ kind: "range", lo: "256", hi: "768" }],
        neg: false,
        mask: "65280",
      },
    ]);
    expect(read("ip saddr & 0.0.0.255 == 0.0.0.2/31").conditions).toMatchObject([
      { kind: "nft-set", elements: [{ kind: "prefix", cidr: { net: 2, len: 31 } }], mask: "0.0.0.255" },
    ]);
  });

  it("reads the connection's address under a mask", () => {
    expect(read("ct original ip saddr & 0.0.0.255 == 0.0.0.2").conditions).toEqual([
      { kind: "ct-tuple", dir: "orig", field: "src", cidr: { net: 2, len: 32, mask: 255 }, neg: false },
    ]);
    expect(read("ct reply ip6 daddr & ::ffff != ::1").conditions).toEqual([
      {
        kind: "ct-tuple",
        dir: "repl",
        field: "dst",
        cidr: { v6: true, net: 1n, len: 128, mask: 0xffffn },
        neg: true,
      },
    ]);
  });

  it("matches a TTL under a mask as nft lists it (`ip ttl & 240 == 64`)", () => {
    const { rule, diagnostics } = onlyInputRule(nftInputText("inet", "ip ttl & 240 == 64"), "t.nft");
    expect(diagnostics).toEqual([]);
    const at = (ttl: number) => {
      const p = { ...(PACKETS.p1 as SimPacket), ttl };
      return matchRule(rule, p, ctxOf(p));
    };
    expect([64, 79, 63, 80].map(at)).toEqual([true, true, false, false]);
  });

  it("leaves a comparison or a map under a mask unmodelled, not guessed", () => {
    const cmp = read("ip saddr & 0.0.0.255 > 0.0.0.2");
    expect(cmp.conditions).toEqual([{ kind: "unknown", text: "ip saddr & 0.0.0.255 > 0.0.0.2", neg: false }]);
    expect(cmp.diagnostics).toEqual(["expression 'ip saddr & 0.0.0.255 > 0.0.0.2' is not modelled"]);
    const { rule } = onlyInputRule(nftInputText("inet", "meta mark & 0xff vmap { 0x1 : drop }"), "t.nft");
    expect(rule.target).toMatchObject({ kind: "unknown", name: "meta mark & 0xff vmap { 0x1 : drop}" });
    expect(rule.conditions).toEqual([]);
  });

  it("reads nft -j's `&` expressions as the text listing", () => {
    const pay = (protocol: string, field: string) => ({ payload: { protocol, field } });
    const json = nftJsonInput("inet", [
      [{ match: { op: "==", left: { "&": [pay("ip", "saddr"), "0.0.0.255"] }, right: "0.0.0.2" } }],
      [{ match: { op: "!=", left: { "&": [pay("ip6", "daddr"), "::ffff"] }, right: "::1" } }],
      [{ match: { op: "==", left: { "&": [{ meta: { key: "mark" } }, 65280] }, right: 256 } }],
      [{ match: { op: "!=", left: { "&": [{ ct: { key: "mark" } }, 15] }, right: 0 } }],
      [{ match: { op: "==", left: { "&": [pay("udp", "dport"), 65280] }, right: 256 } }],
    ]);
    const rs = parseRulesetFile(json, "t.json");
    expect(rs.diagnostics).toEqual([]);
    const rules = [...(rs.nft?.[0]?.chains.values() ?? [])].flatMap((c) => c.rules);
    expect(rules.map((r) => r.conditions)).toEqual(
      [
        "ip saddr & 0.0.0.255 == 0.0.0.2",
        "ip6 daddr & ::ffff != ::1",
        "meta mark & 0x0000ff00 == 0x00000100",
        "ct mark & 0x0000000f != 0x00000000",
        "udp dport & 65280 == 256",
      ].map((r) => read(r).conditions),
    );
  });
});

describe("a malformed mask", () => {
  it("without a value to compare with is an error where the value should be, and the rule is dropped", () => {
    // nft: "syntax error, unexpected counter".
    expect(refused("ip saddr & 0.0.0.255")).toEqual({
      diagnostics: [
        "4:24 error: 'ip saddr & 0.0.0.255' needs a value to compare the masked ip saddr with (write e.g. ip saddr & 0.0.0.255 == 0.0.0.2)",
      ],
      rules: 0,
    });
    expect(refused("meta mark & 0xff ==").diagnostics).toEqual([
      "4:23 error: 'meta mark & 0xff' needs a value to compare the masked meta mark with (write e.g. meta mark & 0xff00 == 0x100)",
    ]);
    expect(refused("ct mark &").diagnostics).toEqual([
      "4:13 error: 'ct mark &' needs a mask after '&' (write e.g. ct mark & 0xff00 == 0x100)",
    ]);
  });

  it("of the other family, or a value of it, is an error at that word, with nft's reason", () => {
    const hint =
      'ip saddr compares IPv4 addresses (nft: "Address family for hostname not supported"); write e.g. ip saddr & 0.0.0.255 == 0.0.0.2';
    expect(refused("ip saddr & ::ff == 0.0.0.1")).toEqual({
      diagnostics: [`4:14 error: '::ff' is not a mask of ip saddr: an IPv4 address is expected (${hint})`],
      rules: 0,
    });
    expect(refused("ip saddr & 0.0.0.255 == ::1").diagnostics).toEqual([
      `4:27 error: '::1' is not a value of ip saddr: an IPv4 address is expected (${hint})`,
    ]);
    expect(refused("ip6 saddr & 0.0.0.255 == ::1").diagnostics).toEqual([
      `4:15 error: '0.0.0.255' is not a mask of ip6 saddr: an IPv6 address is expected (ip6 saddr compares IPv6 addresses (nft: "Address family for hostname not supported"); write e.g. ip6 saddr & ::ffff == ::1)`,
    ]);
  });

  it("wider than its key, or not a number, is an error", () => {
    expect(refused("meta mark & 0x1ffffffff == 0x1").diagnostics).toEqual([
      "4:15 error: '0x1ffffffff' is not a mask of meta mark: a number of 32 bits is expected (write e.g. meta mark & 0xff00 == 0x100)",
    ]);
    expect(refused("tcp dport & 0xff00 == http").diagnostics).toEqual([
      "4:25 error: 'http' is not a value of tcp dport: a number of 16 bits is expected (write e.g. tcp dport & 0xff00 == 0x100)",
    ]);
  });
});

/**
 * The rules of a chain as `nft list chain` printed them (kernel 6.18, nft 1.0.6) after the packets of
 * {@link PACKETS} reached it, each with the packets its counter counted. Sent from a namespace to a
 * router namespace's input hook: ICMP echo requests from 198.51.100.2 (mark 0x100, connection mark 0x3)
 * and 198.51.100.3 (0x201, 0x10), ICMPv6 ones from fd00:1::2 and fd00:1::3 (no marks), and UDP to ports
 * 256, 300 and 512 from 198.51.100.2 (0x100, 0x3).
 */
const KERNEL: [string, string[]][] = [
  ["ip saddr & 0.0.0.255 == 0.0.0.2", ["p1", "u256", "u300", "u512"]],
  ["ip saddr & 0.0.0.255 != 0.0.0.2", ["p2"]],
  ["ip saddr & 0.0.0.255 == 0.0.1.2", []],
  ["ip saddr & 0.0.0.255 != 0.0.1.2", ["p1", "p2", "u256", "u300", "u512"]],
  ["ip saddr & 255.255.0.255 == 198.51.0.2", ["p1", "u256", "u300", "u512"]],
  ["ip6 saddr & ::ffff == ::2", ["p3"]],
  ["ip6 saddr & ::ffff != ::2", ["p4"]],
  ["meta mark & 0x0000ff00 == 0x00000100", ["p1", "u256", "u300", "u512"]],
  ["meta mark & 0x0000ff00 != 0x00000100", ["p2", "p3", "p4"]],
  ["meta mark & 0x000000ff == 0x00000100", []],
  ["ct mark & 0x0000000f != 0x00000000", ["p1", "u256", "u300", "u512"]],
  ["ct mark & 0x0000000f == 0x00000003", ["p1", "u256", "u300", "u512"]],
  ["udp dport & 65280 == 256", ["u256", "u300"]],
  ["ip saddr & 0.0.0.255 == { 0.0.0.2, 0.0.0.9 }", ["p1", "u256", "u300", "u512"]],
  ["meta mark & 0x0000ff00 == { 0x00000100, 0x00000300 }", ["p1", "u256", "u300", "u512"]],
  ["ip saddr & 0.0.0.254 == 0.0.0.2", ["p1", "p2", "u256", "u300", "u512"]],
  ["ip saddr & 0.0.0.255 == 0.0.0.2-0.0.0.3", ["p1", "p2", "u256", "u300", "u512"]],
  ["ip saddr & 0.0.0.255 == 0.0.0.2/31", ["p1", "p2", "u256", "u300", "u512"]],
  // Written `ip6 saddr & ffff:: == fd00::`.
  ["ip6 saddr fd00::/16", ["p3", "p4"]],
  ["ip6 saddr & ::ff00 == ::2", []],
];

/** A packet at the input hook of 198.51.100.1 / fd00:1::1, with its marks. */
function packet(src: string, proto: SimPacket["proto"], mark: number, ctmark: number, dport?: number) {
  const v6 = src.includes(":");
  const dst = v6 ? "fd00:1::1" : "198.51.100.1";
  // An echo without an id has 0 for both ports of its connection's tuple.
  const ports = dport === undefined ? undefined : { sport: 40000, dport };
  const p: SimPacket = {
    ...(v6 ? { v6 } : {}),
    src,
    dst,
    proto,
    ...(dport === undefined ? { icmpType: v6 ? 128 : 8, icmpCode: 0 } : ports),
    ttl: 64,
    id: 1,
    len: 84,
    ipFlags: [],
    mark,
    ct: {
      entry: {
        id: 1,
        orig: { proto, src, dst, ...(ports ?? { sport: 0, dport: 0 }) },
        seenReply: false,
        mark: ctmark,
      },
      dir: "original",
      state: "NEW",
    },
  };
  return p;
}

const PACKETS: Record<string, SimPacket> = {
  p1: packet("198.51.100.2", "icmp", 0x100, 0x3),
  p2: packet("198.51.100.3", "icmp", 0x201, 0x10),
  p3: packet("fd00:1::2", "icmpv6", 0, 0),
  p4: packet("fd00:1::3", "icmpv6", 0, 0),
  u256: packet("198.51.100.2", "udp", 0x100, 0x3, 256),
  u300: packet("198.51.100.2", "udp", 0x100, 0x3, 300),
  u512: packet("198.51.100.2", "udp", 0x100, 0x3, 512),
};

describe("the matcher", () => {
  it.each(KERNEL)("matches `%s` on the packets kernel 6.18 counted", (text, counted) => {
    const { rule, diagnostics } = onlyInputRule(nftInputText("inet", text), "t.nft");
    // The two rules whose value has bits outside the mask are warned about; nothing else is said.
    expect(diagnostics.every((d) => d.includes("bits outside the mask"))).toBe(true);
    const matched = Object.entries(PACKETS)
      .filter(([, p]) => matchRule(rule as Rule, p, ctxOf(p)) === true)
      .map(([name]) => name);
    expect(matched).toEqual(counted);
  });

  it("fails a mark match under a mask for a packet without a connection, negated or not", () => {
    const { conditions } = read("ct mark & 0x0000000f != 0x00000000");
    const rule = { conditions } as Rule;
    const p = { ...(PACKETS.p2 as SimPacket), ct: undefined };
    expect(matchRule(rule, p, ctxOf(p))).toBe(false);
  });

  it("drops the forwarded packets of the README's example and lets the others through", () => {
    const w = textWorld(`table inet fw {
  chain forward {
    type filter hook forward priority filter; policy accept;
    ip saddr & 0.0.0.255 == 0.0.0.2 counter drop
  }
}
`);
    expect(w.ruleset.diagnostics).toEqual([]);
    const fate = (from: string) =>
      runScenario(w, { from, to: "203.0.113.1", proto: "icmp" }).packets[0]?.fate.kind;
    // c1 is 172.17.0.2, c2 172.17.0.3.
    expect(fate("c1")).toBe("dropped");
    expect(fate("c2")).toBe("delivered");
  });
});

/** The context of `p` at an input hook. */
function ctxOf(p: SimPacket) {
  return { bridged: false, ethType: p.v6 ? "0x86dd" : "0x0800", addrType: () => "UNICAST", in: "pwr0" };
}
