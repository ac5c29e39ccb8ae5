/**
 * Extension header, fragment and TTL / hop limit matches, in the forms real tools print them: every
 * rule text below was loaded into the kernel and printed back by ip6tables-save / iptables-save 1.8.9
 * and nft 1.0.6 (text and -j) in a scratch namespace. The simulator's packets carry no extension
 * header and are never fragments, so these are decided, not left to both ways: ufw puts
 * `-m rt --rt-type 0 -j DROP` in front of every IPv6 chain, and every IPv6 packet was undecided.
 */
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseNftRule } from "../../../src/core/simulate/parse-nft-rule.ts";
import { parseRuleArgs } from "../../../src/core/simulate/parse-rule-args.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { tokenizeNft } from "../../../src/core/simulate/tokenize-nft.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";
import { nftJsonInput } from "./helpers.ts";

const v6: SimPacket = {
  v6: true,
  src: "2001:db8:2::10",
  dst: "2001:db8:1::10",
  proto: "icmpv6",
  icmpType: 128,
  icmpCode: 0,
  ttl: 64,
  id: 1,
  len: 104,
  ipFlags: [],
  mark: 0,
};
const v4: SimPacket = {
  ...v6,
  v6: undefined,
  src: "198.51.100.7",
  dst: "203.0.113.10",
  proto: "icmp",
  icmpType: 8,
};
const nd: SimPacket = { ...v6, icmpType: 135, ttl: 255 };

function ctx(p: SimPacket) {
  return { bridged: false, ethType: p.v6 ? "0x86dd" : "0x0800", addrType: () => "UNICAST" };
}

function rule(conditions: Rule["conditions"], text: string): Rule {
  return { table: "filter", chain: "INPUT", index: 1, line: 1, text, conditions, target: { kind: "ACCEPT" } };
}

function ipt(text: string, family: "ip" | "ip6" = "ip6"): Rule {
  const tk = tokenizeRule(text);
  if (!tk.ok) throw new Error(tk.message);
  const r = parseRuleArgs(tk.tokens, family);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return rule(r.conditions, text);
}

function nft(text: string): Rule {
  const tk = tokenizeNft(text);
  if (!tk.ok) throw new Error(text);
  const r = parseNftRule(tk.tokens.filter((t) => t.type !== "nl"));
  expect(
    r.problems.map((p) => p.message),
    text,
  ).toEqual([]);
  return rule(r.conditions, text);
}

describe("ip6tables extension header matches (ip6tables-save's printing)", () => {
  it.each([
    // [rule, IPv6 echo request, IPv4 echo request]
    ["-m rt --rt-type 0 -j DROP", false, false],
    ["-m rt ! --rt-type 0 --rt-segsleft 2 -j DROP", false, false],
    ["-m frag --fragmore -j DROP", false, false],
    ["-m hbh --hbh-len 8 -j DROP", false, false],
    ["-m dst --dst-len 8 -j DROP", false, false],
    ["-m ah --ahspi 5 -j DROP", false, false],
    ["-p mobility-header -m mh --mh-type 3 -j DROP", false, false],
    // The packet's headers are just the upper layer (`protocol`).
    ["-m ipv6header --header hop-by-hop,ipv6-route --soft -j DROP", false, false],
    ["-m ipv6header ! --header hop-by-hop,ipv6-route --soft -j DROP", true, false],
    ["-m ipv6header --header protocol -j DROP", true, false],
    ["-m ipv6header ! --header protocol -j DROP", false, false],
    ["-m ipv6header --header protocol,frag -j DROP", false, false],
    ["-m ipv6header --header none -j DROP", false, false],
  ])("%s: IPv6 %s, IPv4 %s", (text, want6, want4) => {
    const r = ipt(text);
    expect(r.conditions.some((c) => c.kind === "unknown")).toBe(false);
    expect(matchRule(r, v6, ctx(v6))).toBe(want6);
    expect(matchRule(r, v4, ctx(v4))).toBe(want4);
  });

  it("keeps the options after the header match (`-j`, `-m comment`) as the rule's", () => {
    const r = ipt('-m rt --rt-type 0 -m comment --comment "RH0" -j DROP');
    expect(r.conditions).toEqual([{ kind: "exthdr", header: "rt", field: "--rt-type 0", neg: false }]);
  });

  it("names what is wrong in a header match", () => {
    const tk = tokenizeRule("-m ipv6header --header bogus -j DROP");
    if (!tk.ok) throw new Error(tk.message);
    expect(parseRuleArgs(tk.tokens, "ip6")).toMatchObject({
      ok: false,
      error: { column: 4, message: "'bogus' is not a list of IPv6 headers" },
    });
    const tk2 = tokenizeRule("-m rt --rt-type -j DROP");
    if (!tk2.ok) throw new Error(tk2.message);
    expect(parseRuleArgs(tk2.tokens, "ip6")).toMatchObject({
      ok: false,
      error: { column: 7, message: "--rt-type needs a value" },
    });
  });
});

describe("hop limit and TTL", () => {
  it.each([
    ["-p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT", "ip6", false, true],
    ["-m hl ! --hl-eq 1 -j ACCEPT", "ip6", true, true],
    ["-m hl --hl-lt 5 -j ACCEPT", "ip6", false, false],
    ["-m hl --hl-gt 64 -j ACCEPT", "ip6", false, true],
    ["-m hl --hl-gt 255 -j ACCEPT", "ip6", false, false],
    // An empty range (ip6tables-restore took `--hl-lt 0`; `! --hl-lt 0` it refused: hl: option "--hl-lt"
    // cannot be inverted.).
    ["-m hl --hl-lt 0 -j ACCEPT", "ip6", false, false],
  ] as const)(
    "%s (%s): echo request, hop limit 64: %s; neighbour solicitation, 255: %s",
    (text, family, echo, ns) => {
      const r = ipt(text, family);
      expect(matchRule(r, v6, ctx(v6))).toBe(echo);
      expect(matchRule(r, nd, ctx(nd))).toBe(ns);
      // A hop limit match never matches an IPv4 packet.
      expect(matchRule(r, v4, ctx(v4))).toBe(false);
    },
  );

  it("iptables: -m ttl and -f (a non-first fragment, which no simulated packet is)", () => {
    expect(matchRule(ipt("-m ttl ! --ttl-eq 64 -j ACCEPT", "ip"), v4, ctx(v4))).toBe(false);
    expect(matchRule(ipt("-m ttl --ttl-gt 63 -j ACCEPT", "ip"), v4, ctx(v4))).toBe(true);
    expect(matchRule(ipt("-f -j DROP", "ip"), v4, ctx(v4))).toBe(false);
    expect(matchRule(ipt("! -f -m ttl --ttl-lt 5 -j DROP", "ip"), { ...v4, ttl: 3 }, ctx(v4))).toBe(true);
    expect(matchRule(ipt("-m ttl --ttl-eq 64 -j ACCEPT", "ip"), v6, ctx(v6))).toBe(false);
  });

  it("ip6tables has no -f: a positioned error naming -m frag", () => {
    const tk = tokenizeRule("-f -j DROP");
    if (!tk.ok) throw new Error(tk.message);
    expect(parseRuleArgs(tk.tokens, "ip6")).toMatchObject({
      ok: false,
      error: {
        column: 1,
        message: "-f is an iptables (IPv4) option",
        hint: "ip6tables matches fragments with -m frag",
      },
    });
  });

  it("rejects a hop limit that is not 0-255, at its column", () => {
    const tk = tokenizeRule("-m hl --hl-eq 256 -j ACCEPT");
    if (!tk.ok) throw new Error(tk.message);
    expect(parseRuleArgs(tk.tokens, "ip6")).toMatchObject({
      ok: false,
      error: { column: 15, message: "--hl-eq needs a hop limit from 0 to 255" },
    });
  });
});

describe("nft extension headers, hop limit and TTL (nft list ruleset's printing)", () => {
  it.each([
    ["exthdr rt exists drop", false, false],
    ["exthdr hbh missing accept", true, false],
    ["rt type 0 drop", false, false],
    ["rt type != 0 rt seg-left 2 drop", false, false],
    ["frag more-fragments 1 drop", false, false],
    ["hbh hdrlength 8 drop", false, false],
    ["ah spi 5 drop", false, false],
    ["meta l4proto mobility-header mh type 3 drop", false, false],
    ["ip6 hoplimit 255 accept", false, false],
    ["ip6 hoplimit != 1 accept", true, false],
    ["ip6 hoplimit lt 5 drop", false, false],
    ["ip6 hoplimit < 65 drop", true, false],
    ["ip6 hoplimit { 1, 64 } accept", true, false],
    ["ip6 hoplimit 1-254 drop", true, false],
    ["ip6 hoplimit != 65-255 accept", true, false],
    ["ip ttl != 64 accept", false, false],
    ["ip ttl 64 accept", false, true],
    ["ip frag-off & 8191 != 0 drop", false, false],
    ["ip frag-off & 8191 == 0 ip ttl lt 65 drop", false, true],
  ])("%s: IPv6 %s, IPv4 %s", (text, want6, want4) => {
    const r = nft(text);
    expect(r.conditions.some((c) => c.kind === "unknown")).toBe(false);
    expect(matchRule(r, v6, ctx(v6))).toBe(want6);
    expect(matchRule(r, v4, ctx(v4))).toBe(want4);
  });

  it("reads nft -j's exthdr and hop limit expressions as the text form", () => {
    const json = nftJsonInput(
      "inet",
      [
        { match: { op: "==", left: { exthdr: { name: "rt" } }, right: true } },
        { match: { op: "==", left: { exthdr: { name: "hbh" } }, right: false } },
        { match: { op: "==", left: { exthdr: { name: "rt", field: "type" } }, right: 0 } },
        { match: { op: "<", left: { payload: { protocol: "ip6", field: "hoplimit" } }, right: 5 } },
      ].map((m) => [m, { drop: null }]),
    );
    const rs = parseRulesetFile(json, "ruleset.json");
    expect(rs.diagnostics).toEqual([]);
    const rules = rs.nft?.[0]?.chains.get("c")?.rules ?? [];
    expect(rules.map((r) => r.text)).toEqual([
      "exthdr rt exists drop",
      "exthdr hbh missing drop",
      "rt type 0 drop",
      "ip6 hoplimit < 5 drop",
    ]);
    expect(rules.map((r) => matchRule(r, v6, ctx(v6)))).toEqual([false, true, false, false]);
  });
});

describe("the listings' notes say what these matches test", () => {
  it("iptables and nft forms, in English and Traditional Chinese, with nothing left unexplained", () => {
    const ufw = explainRule("-A ufw6-before-input -m rt --rt-type 0 -j DROP");
    expect(ufw.unknown).toEqual([]);
    expect(ufw.en).toContain("IPv6 extension header with rt-type 0 (a packet without one never matches)");
    const nd = explainRule(
      "-A ufw6-before-input -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT",
    );
    expect(nd.unknown).toEqual([]);
    expect(nd.en).toContain("the ICMPv6 type is 135 and the hop limit is 255");
    const rt = explainNftRule("rt type 0 drop");
    expect(rt.unknown).toEqual([]);
    expect(rt.en).toContain("with an IPv6 routing header matching 'rt type 0'");
    expect(rt["zh-TW"]).toContain("路由標頭");
    expect(explainNftRule("exthdr hbh missing accept").en).toContain(
      "without an IPv6 hop-by-hop options header",
    );
    expect(explainNftRule("ip6 hoplimit 255 accept").en).toContain("whose hop limit is 255");
  });
});
