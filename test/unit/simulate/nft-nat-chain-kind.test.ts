/**
 * nf_nat does destination NAT (dnat, redirect) at prerouting and output and source NAT (snat,
 * masquerade) at postrouting and input, in chains of type nat only. Kernel 6.18 refused every other
 * placement when the file was loaded (nft 1.0.6 `nft -f`: "Could not process rule: Operation not
 * supported"), while `nft -c` took them all. The reader listed a masquerade in a filter chain, a dnat in
 * a filter prerouting chain, and applied a dnat in a postrouting chain as a source rewrite.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";

const errors = (type: string, hook: string, statement: string) =>
  parseNftRuleset(
    `table ip t {\n\tchain c {\n\t\ttype ${type} hook ${hook} priority 0; policy accept;\n\t\ttcp dport 82 ${statement}\n\t}\n}\n`,
  )
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position.line}:${d.position.column} ${d.message}`);

describe("a NAT statement's chain", () => {
  it.each([
    [
      "filter",
      "forward",
      "masquerade",
      "'masquerade' works only in a chain of type nat at hook postrouting, not in a filter chain at hook forward",
    ],
    [
      "filter",
      "prerouting",
      "dnat to 10.0.0.1",
      "'dnat' works only in a chain of type nat at hook prerouting or output, not in a filter chain at hook prerouting",
    ],
    [
      "nat",
      "postrouting",
      "dnat to 10.0.0.1",
      "'dnat' works only in a chain of type nat at hook prerouting or output, not in a nat chain at hook postrouting",
    ],
    [
      "nat",
      "prerouting",
      "masquerade",
      "'masquerade' works only in a chain of type nat at hook postrouting, not in a nat chain at hook prerouting",
    ],
    [
      "nat",
      "postrouting",
      "redirect to :80",
      "'redirect' works only in a chain of type nat at hook prerouting or output, not in a nat chain at hook postrouting",
    ],
    [
      "nat",
      "input",
      "masquerade",
      "'masquerade' works only in a chain of type nat at hook postrouting, not in a nat chain at hook input",
    ],
  ])("type %s hook %s: '%s' is refused at the rule", (type, hook, statement, message) => {
    expect(errors(type, hook, statement)).toEqual([
      `4:3 ${message}: the kernel refuses the rule when the file is loaded ("Could not process rule: Operation not supported"), though nft -c takes it`,
    ]);
  });

  it.each([
    ["nat", "input", "snat to 10.0.0.1"],
    ["nat", "output", "redirect to :80"],
    ["nat", "output", "dnat to 10.0.0.1"],
    ["nat", "postrouting", "masquerade"],
  ])("type %s hook %s: '%s' loads", (type, hook, statement) => {
    expect(errors(type, hook, statement)).toEqual([]);
  });
});

describe("a NAT to an address in an inet table", () => {
  const inet = (statement: string) =>
    parseNftRuleset(
      `table inet t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 82 ${statement}\n\t}\n}\n`,
    ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`);

  // nft 1.0.6 (`nft -c`) refused the first two at the keyword, and took the others.
  it.each(["dnat to 192.168.100.10:80", "dnat to tcp dport map { 80 : 10.0.0.1 }"])(
    "'%s' without ip or ip6 is refused at the keyword",
    (statement) => {
      expect(inet(statement)).toEqual([
        `error 4:16 in an inet table 'dnat to' with an address needs its family: nft refuses it ("ip or ip6 must be specified with address for inet tables")`,
      ]);
    },
  );

  it("a match that names no network header gives no family: refused", () => {
    expect(inet("meta l4proto tcp dnat to 10.0.0.4")).toEqual([
      `error 4:33 in an inet table 'dnat to' with an address needs its family: nft refuses it ("ip or ip6 must be specified with address for inet tables")`,
    ]);
  });

  // nft takes the family from a match on a network header before the NAT; a port alone names no address.
  it.each([
    "dnat ip to 192.168.100.10:80",
    "dnat ip6 to [fd00::2]:80",
    "redirect to :8080",
    "dnat to :8080",
    "ip daddr 1.2.3.4 dnat to 10.0.0.1",
    "meta nfproto ipv4 dnat to 10.0.0.2",
  ])("'%s' loads", (s) => {
    expect(inet(s)).toEqual([]);
  });

  // Without the `tcp dport 82` above: nft refuses an ICMP header after it ("tcp vs. icmp").
  it("an ICMP header gives the family too: 'icmp type echo-request dnat to 10.0.0.3' loads", () => {
    const text =
      "table inet t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ticmp type echo-request dnat to 10.0.0.3\n\t}\n}\n";
    expect(parseNftRuleset(text).diagnostics).toEqual([]);
  });
});

describe("problems found once the whole file is read", () => {
  it("are listed in the file's order, with the ones read on the way", () => {
    const text = [
      "table ip t {",
      "\tchain c {",
      "\t\ttype filter hook forward priority 0; policy accept;",
      "\t\tmasquerade",
      "\t\tip saddr @missing accept",
      "\t\tfrobnicate 3",
      "\t}",
      "}",
      "",
    ].join("\n");
    const lines = parseNftRuleset(text).diagnostics.map((d) => `${d.position.line}:${d.position.column}`);
    // The NAT chain (line 4) and the missing set (line 5) are checked after the unknown word (line 6) is read.
    expect(lines).toEqual([...lines].sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
    expect(lines.map((l) => l.split(":")[0])).toEqual(expect.arrayContaining(["4", "5", "6"]));
  });
});
