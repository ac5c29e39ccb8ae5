/**
 * A set's, map's or verdict map's element must have its key's form: nft 1.0.6 (`nft -c -f`, kernel
 * 6.18 host) refused each element below and with it the whole file; packetwalk read them as values
 * that never match, and so simulated rules the kernel never loaded.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetText } from "../../../src/core/simulate/read-ruleset-text.ts";

/** A one-rule input chain of table `ip t`, the rule on line 4 at column 3. */
function chainWith(rule: string): string {
  return `table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\t${rule}\n\t}\n}\n`;
}

function errorsOf(text: string) {
  return parseRulesetText(text, "p.nft")
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => ({ at: `${d.position.line}:${d.position.column}`, message: d.message, hint: d.hint }));
}

describe("set elements of the key's form", () => {
  it.each([
    // [rule, nft 1.0.6's error, where nft pointed (review49: packetwalk said the element's first column for
    // `1.2.3`, `1.2.3.q`, `1.2.3.y`, `1.2.3.z` and `0xzz`, where nft's lexer reads a number first and refuses
    // the word after it, one column on), what packetwalk says the element is not]
    [
      "ip saddr { 1.2.3.4, 1.2.3.256 } accept",
      "Could not resolve hostname",
      "4:23",
      "'1.2.3.256' is not an IPv4 address or prefix",
    ],
    [
      "ip saddr { 1.2.3.0/33 } accept",
      "Prefix length 33 is invalid",
      "4:14",
      "'1.2.3.0/33' is not an IPv4 address or prefix",
    ],
    [
      "ip saddr { 1.2.3 } accept",
      "syntax error, unexpected string",
      "4:15",
      "'1.2.3' is not an IPv4 address or prefix",
    ],
    [
      "ip daddr != { 1.2.3.4, 1.2.3.q } accept",
      "syntax error, unexpected string",
      "4:27",
      "'1.2.3.q' is not an IPv4 address or prefix",
    ],
    [
      "ip saddr . tcp dport { 1.2.3.4 . 22, 1.2.3.y . 80 } accept",
      "syntax error",
      "4:41",
      "'1.2.3.y' is not an IPv4 address or prefix",
    ],
    [
      "ip daddr vmap { 1.2.3.4 : accept, 1.2.3.z : drop }",
      "syntax error, unexpected string, expecting colon",
      "4:38",
      "'1.2.3.z' is not an IPv4 address or prefix",
    ],
    [
      "ether saddr { 00:11:22:33:44:55, 00:11:22:33:44:zz } accept",
      "syntax error, unexpected colon",
      "4:36",
      "'00:11:22:33:44:zz' is not a MAC address",
    ],
    ["meta mark { 0x1, 0xzz } accept", "syntax error, unexpected string", "4:21", "'0xzz' is not a mark"],
    [
      "ct state { new, bogus } accept",
      "Could not parse conntrack state",
      "4:19",
      "'bogus' is not a conntrack state",
    ],
    [
      "icmp type { echo-request, bogus-type } accept",
      "Could not parse ICMP type",
      "4:29",
      "'bogus-type' is not an ICMP type",
    ],
    [
      "meta pkttype { host, bogus } accept",
      "Could not parse packet type",
      "4:24",
      "'bogus' is not a packet type",
    ],
    [
      "ip dscp { cs1, bogus } accept",
      "Could not parse Differentiated Services Code Point",
      "4:18",
      "'bogus' is not a DSCP",
    ],
    [
      "tcp flags vmap { syn : accept, bogus : drop }",
      "Could not parse TCP flag",
      "4:34",
      "'bogus' is not a TCP flag",
    ],
  ])("%s: nft says %s", (rule, _nft, at, what) => {
    const errors = errorsOf(chainWith(rule));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.at).toBe(at);
    expect(errors[0]?.message).toMatch(
      new RegExp(`^${what.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: nft refuses it`),
    );
    expect(errors[0]?.message).toContain("and with it the whole file");
  });

  it("ends the rule at a refused verdict map element: the rest of the map is not read as expressions", () => {
    for (const rule of [
      "ct state vmap { new : accept, bogus : drop }",
      "ip dscp vmap { 64 : accept, 1 : drop }",
    ]) {
      const all = parseRulesetText(chainWith(rule), "p.nft").diagnostics;
      expect(
        all.map((d) => d.severity),
        rule,
      ).toEqual(["error"]);
    }
  });

  it("refuses an IPv6 element not of its form, in an ip6 table", () => {
    const errors = errorsOf(
      "table ip6 t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tip6 saddr { fd00::1, fd00::g } accept\n\t}\n}\n",
    );
    // nft 1.0.6 -c -f: "4:30-30: Error: syntax error, unexpected string, expecting comma or '}'", at the `g`
    // after the `fd00::` its lexer took (this said 4:24, the element's first column, until session 50).
    expect(errors.map((e) => [e.at, e.message])).toEqual([
      ["4:30", "'fd00::g' is not an IPv6 address or prefix: nft refuses it, and with it the whole file"],
    ]);
  });

  it("takes nft's own listing of interval sets of marks and MACs, and bracketed IPv6 (review47)", () => {
    const listed = `table ip t {
	set m {
		type mark
		flags interval
		elements = { 0x00000001-0x00000005, 0x10000000/4 }
	}
	set e {
		type ether_addr
		flags interval
		elements = { 02:42:00:00:00:00/24 }
	}
	chain c {
		type filter hook input priority 0;
		meta mark @m accept
	}
}
`;
    expect(errorsOf(listed)).toEqual([]);
    expect(
      errorsOf(
        "table ip6 t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tip6 saddr { [::1], fe80::/0x40 } accept\n\t}\n}\n",
      ),
    ).toEqual([]);
  });

  it("points where nft's lexer ends the address or number it read first (nft 1.0.6 -c -f, each column)", () => {
    // review49: `{ 1.2.3.x }` was refused at the `1`, nft at `.2.3.x`; "syntax error, unexpected string".
    const at = (rule: string) => errorsOf(chainWith(rule)).map((e) => e.at);
    expect(at("ip saddr { 1.2.3.x } accept")).toEqual(["4:15"]);
    expect(at("ip saddr { 192.168.1.x } accept")).toEqual(["4:17"]);
    expect(at("ip saddr { 10.0.0.1-10.0.0.x } accept")).toEqual(["4:25"]);
    expect(at("ip saddr { 1.2.3.4x } accept")).toEqual(["4:21"]);
    expect(at("ip saddr { 1.2.3.4.5 } accept")).toEqual(["4:21"]);
    // "expecting number" after the slash.
    expect(at("ip saddr { 1.2.3.4/x } accept")).toEqual(["4:22"]);
    // The whole word: "Could not resolve hostname" (an address past 255, or not one at all).
    expect(at("ip saddr { 1.2.3.256/24 } accept")).toEqual(["4:14"]);
    expect(at("ip saddr { x.x.x.x } accept")).toEqual(["4:14"]);
    expect(at("ip saddr vmap { 1.2.3.x : drop }")).toEqual(["4:20"]);
  });

  it("holds a named set's elements to its type", () => {
    const errors = errorsOf(
      "table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 1.2.3.4, 1.2.3.x }\n\t}\n}\n",
    );
    // nft 1.0.6: 4:26, at `.2.3.x` (its lexer reads `1` as a number first).
    expect(errors.map((e) => e.at)).toEqual(["4:26"]);
    // A placeholder where an address was: said so.
    expect(errors[0]?.hint).toContain("an address was replaced");
  });

  it("takes every form nft took (nft -c -f: no error)", () => {
    for (const rule of [
      "ip saddr { 01.02.03.04, 0x01020304, 16909060, 10.0.0.0/8, 10.0.0.1-10.0.0.9 } accept",
      'ip saddr . iifname { 1.2.3.4 . "eth0", 1.2.3.5 . eth1 } accept',
      "ct status { dying, expected, seen-reply, assured, confirmed, snat, dnat } accept",
      "ct state { untracked, 0x8 } accept",
      "meta pkttype { other, multicast } accept",
      "ether saddr { 00:11:22:33:44:55-00:11:22:33:44:66 } accept",
      "meta mark { 1-5, 0x10 } accept",
      "icmp type { 8, echo-reply, 3-5 } accept",
      "ip dscp { cs1, af11, 0x10 } accept",
      "tcp flags vmap { syn : accept, syn | ack : drop }",
      'iifname { "eth0", eth1 } accept',
      // Forms nft takes and its own listings print (review47: each was refused for a while).
      "icmp type { info-request, info-reply, address-mask-request, address-mask-reply } accept",
      "ip dscp { df, lephb, cs0 } accept",
      "meta mark { 0x00000001-0x00000005, 0x10000000/4 } accept",
      "ct mark { 0x10/28, 0x1/32 } accept",
      "ether saddr { 02:42:00:00:00:00/24, 00:11:22:33:44:55/48 } accept",
      "ip saddr { localhost, 10.0.0.0/0x8, 10.0.0.0/024 } accept",
      "meta pkttype { 4, 255 } accept",
    ])
      expect(errorsOf(chainWith(rule)), rule).toEqual([]);
  });
});

describe("protocol names", () => {
  it("warns of a protocol name nft cannot resolve, where nft says it (nft 1.0.6: 'Could not resolve protocol name')", () => {
    const all = parseRulesetText(chainWith("meta l4proto tpc accept"), "p.nft").diagnostics;
    expect(all.map((d) => [d.severity, `${d.position.line}:${d.position.column}`])).toEqual([
      ["warning", "4:16"],
    ]);
    expect(all[0]?.message).toContain("'tpc' is not a protocol name of /etc/protocols");
    const ip = parseRulesetText(chainWith("ip protocol IPV6-ICMP accept"), "p.nft").diagnostics;
    expect(ip.map((d) => d.position.column)).toEqual([15]);
  });

  it("takes the names and numbers nft resolved", () => {
    for (const rule of [
      "meta l4proto TCP accept",
      "ip protocol OSPFIGP accept",
      "meta l4proto ipv6-icmp accept",
      "meta l4proto icmpv6 accept",
      "ip protocol 47 accept",
      "meta l4proto mptcp accept",
    ])
      expect(parseRulesetText(chainWith(rule), "p.nft").diagnostics, rule).toEqual([]);
  });
});
