/**
 * nft gives each rule one transport protocol (the first `meta l4proto`, `ip protocol` or `ip6 nexthdr`
 * compare, or header field, that names one) and refuses a header field of another ("conflicting protocols
 * specified: tcp vs. udp") and `reject with tcp reset` for another. The reader took all of these, so a
 * ruleset nft refuses to load was simulated. Each row was loaded with nft 1.0.6 on kernel 6.18 (`nft -c -f`,
 * in `unshare -n`): the column is nft's, "loads" where nft took the rule.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";

const problems = (rule: string, family = "inet") =>
  parseNftRuleset(
    `table ${family} t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\t${rule}\n\t}\n}\n`,
  )
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position.column} ${d.message}`);

const ONE_PROTOCOL =
  "a rule matches one transport protocol: write one rule per protocol, or match ports of several with 'meta l4proto { tcp, udp } th dport'";

describe("a rule's transport protocol", () => {
  it.each([
    ["tcp dport 22 udp dport 53 accept", 16, "udp dport", "tcp dport", "tcp vs. udp"],
    [
      "meta l4proto tcp meta l4proto udp udp dport 1 accept",
      37,
      "udp dport",
      "meta l4proto tcp",
      "tcp vs. udp",
    ],
    ["tcp dport 22 meta l4proto udp udp dport 1 accept", 33, "udp dport", "tcp dport", "tcp vs. udp"],
    ["ip protocol udp tcp dport 22 accept", 19, "tcp dport", "ip protocol udp", "udp vs. tcp"],
    ["ip6 nexthdr tcp udp dport 53 accept", 19, "udp dport", "ip6 nexthdr tcp", "tcp vs. udp"],
    ["meta l4proto 6 udp dport 1 accept", 18, "udp dport", "meta l4proto 6", "tcp vs. udp"],
    ["meta l4proto { tcp } udp dport 1 accept", 24, "udp dport", "meta l4proto { tcp }", "tcp vs. udp"],
    [
      "meta l4proto ipv6-icmp icmp type echo-request accept",
      26,
      "icmp type",
      "meta l4proto ipv6-icmp",
      "icmpv6 vs. icmp",
    ],
    [
      "icmp type echo-request icmpv6 type echo-request accept",
      26,
      "icmpv6 type",
      "icmp type",
      "icmp vs. icmpv6",
    ],
    ["tcp dport . udp dport { 1 . 2 } accept", 15, "udp dport", "tcp dport", "tcp vs. udp"],
    ["meta l4proto tcp th dport 1 udp dport 2 accept", 31, "udp dport", "meta l4proto tcp", "tcp vs. udp"],
    ["tcp dport 22 ip saddr 1.2.3.4 udp dport 1 accept", 33, "udp dport", "tcp dport", "tcp vs. udp"],
    ["esp spi 1 ah spi 2 accept", 13, "ah spi", "esp spi", "esp vs. ah"],
    ["udp dport 22 tcp flags syn accept", 16, "tcp flags", "udp dport", "udp vs. tcp"],
  ])("'%s' is refused at column %i", (rule, column, what, before, vs) => {
    const proto = what.split(" ")[0] as string;
    expect(problems(rule)).toEqual([
      `${column} '${what}' reads ${/^(?:ah|esp|icmp|igmp)/.test(proto) ? "an" : "a"} ${proto} header, but '${before}' before it already took the rule to ${vs.split(" ")[0]}: nft refuses the rule ("conflicting protocols specified: ${vs}")`,
    ]);
  });

  it("says so in a bridge table too, with a hint", () => {
    const d = parseNftRuleset(
      "table bridge t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n\t\ttcp dport 22 udp dport 1 accept\n\t}\n}\n",
    ).diagnostics;
    expect(d.map((x) => [x.position.column, x.hint])).toEqual([[16, ONE_PROTOCOL]]);
  });

  it.each([
    ["meta l4proto udp reject with tcp reset", 20, "meta l4proto udp", "udp"],
    ["ip protocol udp reject with tcp reset", 19, "ip protocol udp", "udp"],
    ["icmp type echo-request reject with tcp reset", 26, "icmp type", "icmp"],
  ])("'%s': a tcp reset is refused at column %i", (rule, column, before, proto) => {
    expect(problems(rule)).toEqual([
      `${column} 'reject with tcp reset' answers TCP alone, but '${before}' before it took the rule to ${proto}: nft refuses the rule ("you cannot use tcp reset with this protocol")`,
    ]);
  });

  it.each([
    "tcp dport 22 th dport 22 accept",
    "meta l4proto != tcp udp dport 53 accept",
    "meta l4proto tcp meta l4proto udp accept",
    "tcp dport 22 meta l4proto udp accept",
    "tcp dport 22 ip protocol udp accept",
    "th dport 53 tcp dport 53 accept",
    "meta l4proto ipv6-icmp icmpv6 type echo-request accept",
    "udp dport 53 ct original proto-dst 53 accept",
    "tcp dport 22 tcp option maxseg size 1 accept",
    "udp dport 22 tcp option maxseg size 1 accept",
    "icmp type echo-request ip protocol icmp accept",
    "udp dport 53 reject",
    "tcp dport 22 reject with tcp reset",
    // iptables-translate's REJECT: the ICMP type names the answer, not a header read (rulesets43 R1).
    "tcp dport 3306 counter reject with icmp type host-prohibited",
    "meta l4proto tcp reject with icmpv6 type admin-prohibited",
    "ip protocol gre udp dport 1 accept",
    "meta l4proto { tcp, udp } th dport 53 accept",
    "ip protocol . th dport { tcp . 22, udp . 53 } accept",
    'tcp dport 22 accept comment "udp dport 53"',
  ])("'%s' loads", (rule) => {
    expect(problems(rule)).toEqual([]);
  });
});
