/**
 * nft gives each rule one network family (the table's, or the first expression's that needs one) and
 * refuses an expression of the other ("conflicting protocols specified"), and `meta nfproto` outside an
 * inet table. The reader took all of these. Each row was loaded with nft 1.0.6 on kernel 6.18 (`nft -c
 * -f`, in `unshare -n`): the column is nft's, "loads" where nft took the rule.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";

const problems = (family: string, rule: string) =>
  parseNftRuleset(
    `table ${family} t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n ${rule}\n\t}\n}\n`,
  )
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position.line}:${d.position.column} ${d.message} | ${d.hint}`);

const TWO_RULES = "a rule matches one family: write one rule for IPv4 and another for IPv6";

describe("a rule's network family", () => {
  it.each([
    [
      "ip",
      "ip6 saddr ::1 accept",
      2,
      "'ip6 saddr' reads IPv6 packets, but this table ip sees IPv4 alone",
      "ip vs. ip6",
    ],
    [
      "ip",
      "tcp dport 22 ip6 nexthdr tcp accept",
      15,
      "'ip6 nexthdr' reads IPv6 packets, but this table ip sees IPv4 alone",
      "ip vs. ip6",
    ],
    [
      "ip",
      "reject with icmpv6 port-unreachable",
      21,
      "'reject with icmpv6' reads IPv6 packets, but this table ip sees IPv4 alone",
      "ip vs ip6",
    ],
    [
      "ip6",
      "ip saddr 10.0.0.1 accept",
      2,
      "'ip saddr' reads IPv4 packets, but this table ip6 sees IPv6 alone",
      "ip6 vs. ip",
    ],
    [
      "ip6",
      "ct original ip saddr 10.0.0.1 accept",
      2,
      "'ct original ip saddr' reads IPv4 packets, but this table ip6 sees IPv6 alone",
      "ip6 vs. ip",
    ],
    [
      "ip6",
      "reject with icmp type port-unreachable",
      24,
      "'reject with icmp' reads IPv4 packets, but this table ip6 sees IPv6 alone",
      "ip6 vs ip",
    ],
  ])("%s table: '%s' is refused at column %i", (family, rule, column, message, vs) => {
    expect(problems(family, rule)).toEqual([
      `4:${column} ${message}: nft refuses the rule ("conflicting protocols specified: ${vs}") | move the rule to a table of family ${vs.split(" ").at(-1)} or inet`,
    ]);
  });

  it.each([
    [
      "inet",
      "ip saddr 10.0.0.1 ip6 daddr ::1 accept",
      20,
      "'ip6 daddr' reads IPv6 packets, but 'ip saddr' before it",
      "IPv4",
      "ip vs. ip6",
    ],
    [
      "bridge",
      "ip saddr 10.0.0.1 ip6 daddr ::1 accept",
      20,
      "'ip6 daddr' reads IPv6 packets, but 'ip saddr' before it",
      "IPv4",
      "ip vs. ip6",
    ],
    [
      "inet",
      "ip saddr 10.0.0.1 reject with icmpv6 port-unreachable",
      39,
      "'reject with icmpv6' reads IPv6 packets, but 'ip saddr' before it",
      "IPv4",
      "ip vs ip6",
    ],
    [
      "inet",
      "meta nfproto ipv4 ip6 saddr ::1 accept",
      20,
      "'ip6 saddr' reads IPv6 packets, but 'meta nfproto ipv4' before it",
      "IPv4",
      "ip vs. ip6",
    ],
    [
      "inet",
      "icmpv6 type echo-request ip saddr 10.0.0.1 accept",
      27,
      "'ip saddr' reads IPv4 packets, but 'icmpv6 type' before it",
      "IPv6",
      "ip6 vs. ip",
    ],
    [
      "netdev",
      "icmp type echo-request ip6 saddr ::1 accept",
      25,
      "'ip6 saddr' reads IPv6 packets, but 'icmp type' before it",
      "IPv4",
      "ip vs. ip6",
    ],
  ])("%s table: '%s' is refused at column %i", (family, rule, column, message, took, vs) => {
    expect(problems(family, rule)).toEqual([
      `4:${column} ${message} already took the rule to ${took}: nft refuses the rule ("conflicting protocols specified: ${vs}") | ${TWO_RULES}`,
    ]);
  });

  it.each([["ip"], ["ip6"], ["bridge"]])("meta nfproto in a %s table is refused", (family) => {
    expect(problems(family, "meta nfproto ipv6 accept")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^4:2 'meta nfproto ipv6' in ${family === "bridge" ? "a" : "an"} ${family} table: nft refuses it \\("meta nfproto is only useful in the inet family"\\) \\| `,
        ),
      ),
    ]);
  });

  it.each([
    ["ip", "icmpv6 type echo-request ip saddr 10.0.0.1 accept"],
    ["ip", "ip saddr 10.0.0.1 icmpv6 type echo-request accept"],
    ["ip", "ct original ip saddr 10.0.0.1 accept"],
    ["ip6", "icmp type echo-request ip6 saddr ::1 accept"],
    ["ip6", "meta l4proto icmp ip6 saddr ::1 accept"],
    ["inet", "ip saddr 10.0.0.1 icmpv6 type echo-request accept"],
    ["inet", "ct original ip6 saddr ::1 ip saddr 10.0.0.1 accept"],
    ["inet", "meta nfproto ipv6 reject with icmpv6 port-unreachable"],
    ["inet", "ip6 saddr ::1 reject with icmpv6 type port-unreachable"],
    ["inet", 'ip saddr 10.0.0.1 accept comment "ip6 saddr"'],
    ["bridge", "ip6 saddr ::1 accept"],
  ])("%s table: '%s' loads", (family, rule) => {
    expect(problems(family, rule)).toEqual([]);
  });
});

describe("a rule's network family, from the review (each checked with nft 1.0.6)", () => {
  it("conntrack's tuple and a NAT's family conflict with a family set before them", () => {
    expect(problems("inet", "ip6 saddr ::1 ct original ip saddr 1.2.3.4 accept")).toEqual([
      `4:16 'ct original ip saddr' reads IPv4 packets, but 'ip6 saddr' before it already took the rule to IPv6: nft refuses the rule ("conflicting protocols specified: ip6 vs. ip") | ${TWO_RULES}`,
    ]);
    const nat = (rule: string) =>
      parseNftRuleset(
        `table inet t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat;\n ${rule}\n\t}\n}\n`,
      ).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`);
    expect(nat("ip saddr 10.0.0.1 dnat ip6 to ::1")).toEqual([
      `4:20 'dnat ip6' reads IPv6 packets, but 'ip saddr' before it already took the rule to IPv4: nft refuses the rule ("conflicting protocols specified: ip vs. ip6. You must specify ip or ip6 family in nat statement")`,
    ]);
    expect(nat("dnat ip to 10.0.0.1")).toEqual([]);
  });

  it.each([
    "ip6 saddr ::1 meta nfproto ipv4 accept",
    "ip saddr 1.1.1.1 meta nfproto ipv6 ip6 saddr ::1 accept",
  ])("meta nfproto sets the family whatever came before: '%s' loads", (rule) => {
    expect(problems("inet", rule)).toEqual([]);
  });
});

describe("a bridge or netdev rule's ethertype match gives it a family (each checked with nft 1.0.6)", () => {
  it.each([
    [
      "bridge",
      "meta protocol ip6 ip saddr 10.0.0.1 accept",
      20,
      "ip saddr",
      "meta protocol ip6",
      "ip6 vs. ip",
    ],
    ["bridge", "ether type ip6 ip saddr 10.0.0.1 accept", 17, "ip saddr", "ether type ip6", "ip6 vs. ip"],
    ["bridge", "ether type ip ip6 saddr ::1 accept", 16, "ip6 saddr", "ether type ip", "ip vs. ip6"],
    [
      "bridge",
      "meta protocol { ip6 } ip saddr 10.0.0.1 accept",
      24,
      "ip saddr",
      "meta protocol { ip6 }",
      "ip6 vs. ip",
    ],
    [
      "netdev",
      "meta protocol ip6 ip saddr 10.0.0.1 accept",
      20,
      "ip saddr",
      "meta protocol ip6",
      "ip6 vs. ip",
    ],
  ])("%s table: '%s' is refused at column %i", (family, rule, column, what, before, vs) => {
    const [took, reads] = vs.startsWith("ip6") ? ["IPv6", "IPv4"] : ["IPv4", "IPv6"];
    expect(problems(family, rule)).toEqual([
      `4:${column} '${what}' reads ${reads} packets, but '${before}' before it already took the rule to ${took}: nft refuses the rule ("conflicting protocols specified: ${vs}") | ${TWO_RULES}`,
    ]);
  });

  it.each([
    ["bridge", "meta protocol ip ip saddr 10.0.0.1 accept"],
    ["bridge", "meta protocol ip6 meta protocol ip ip saddr 10.0.0.1 accept"],
    ["bridge", "ip saddr 10.0.0.1 meta protocol ip6 ip6 saddr ::1 accept"],
    ["inet", "meta protocol ip6 ip saddr 10.0.0.1 accept"],
  ])("%s table: '%s' loads", (family, rule) => {
    expect(problems(family, rule)).toEqual([]);
  });
});
