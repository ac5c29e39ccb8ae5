/**
 * Rules a probe fed one by one to nft 1.0.6 (`nft -f` in a fresh network namespace, kernel 6.18) that the
 * reader misjudged: each refusal is said at nft's column with nft's words, and each form nft loaded is
 * taken. Queue rules were checked for nft's grammar only: this kernel has no nfnetlink_queue module, so
 * every `queue` that nft parses fails at the kernel ("No such file or directory").
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

/** The problems of a table of `family` with one base chain at `hook` holding `rule` (line 4, column 3). */
function problems(rule: string, family = "inet", hook = "input"): string[] {
  const text = `table ${family} t {\n chain c {\n  type filter hook ${hook} priority 0; policy accept;\n  ${rule}\n }\n}\n`;
  return parseRulesetFile(text, "r.nft").diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );
}

describe("nft rules the probe found misjudged", () => {
  it.each([
    // nft: 4:19-27 "syntax error, unexpected string" (at the unit, the rule at column 5).
    ["limit rate 10/fortnight accept", "4:17 'fortnight' is not a time unit"],
    ["limit rate 10/seconds accept", "4:17 'seconds' is not a time unit"],
    // The kernel: "Could not process rule: Invalid argument", at the rule.
    ["limit rate 0/second accept", "4:3 'limit rate 0' passes no packet"],
    ["limit rate over 0 kbytes/second drop", "4:3 'limit rate 0' passes no packet"],
    // nft: "packet limit burst must be > 0", at `burst 0 packets`.
    ["limit rate 10/second burst 0 packets accept", "4:24 'burst 0 packets' passes no packet"],
    // nft: "Prefix length 255 is invalid for type of 32 bits width", at the value.
    ["meta mark 0x1 / 0xff accept", "4:13 '0x1 / 0xff': a mark has 32 bits"],
    ["ct mark set 0x1/33", "4:15 '0x1/33': a mark has 32 bits"],
    // nft 1.0.6 aborts: "BUG: unknown expression type range".
    ["meta mark set 0x3/16", "4:17 'mark set 0x3/16': a mark is set to a value, not a prefix"],
    // nft: "syntax error, unexpected bypass, expecting newline or semicolon".
    ["queue to 3 bypass", "4:14 'bypass' where nft's queue takes no bypass"],
    ["queue flags bypass num 1-2 fanout", "4:30 'fanout' where nft's queue takes no fanout"],
    // nft: "syntax error, unexpected to".
    ["queue bypass to 3", "4:16 'to' where nft's queue takes no to"],
    ["queue num 1 to 2", "4:15 'to' where nft's queue takes no to"],
    // nft: "fanout requires a range to be specified", at `num 3` (old form) or at the number (with flags).
    ["queue num 3 bypass fanout", "4:9 'fanout' needs a range of queues, and 'num 3' names one"],
    ["queue flags bypass,fanout to 3", "4:32 'fanout' needs a range of queues, and 'to 3' names one"],
    // nft: "Statement after terminal statement has no effect", at the statement after the verdict.
    ["accept counter", "4:10 statement 'counter' after the rule's verdict or NAT"],
    ["accept tcp dport 22", "4:10 statement 'tcp dport 22' after the rule's verdict or NAT"],
    ["queue num 3 counter", "4:15 statement 'counter' after the rule's verdict or NAT"],
    // nft: "No such file or directory" at `@nosuch`.
    ["ct original proto-dst @nosuch accept", "4:25 set '@nosuch' does not exist in table inet t"],
    // The kernel: "Could not process rule: File exists", at the second key.
    ["tcp dport vmap { 22 : accept, 22 : drop }", "4:33 map key '22' is given twice with other data"],
    [
      "ip saddr . tcp dport vmap { 198.51.100.1 . 22 : accept, 198.51.100.1 . 22 : drop }",
      "4:59 map key '198.51.100.1 . 22' is given twice",
    ],
  ])("refuses %s as nft does", (rule, said) => {
    const errors = problems(rule).filter((p) => p.startsWith("error"));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.startsWith(`error ${said}`), errors[0]).toBe(true);
  });

  it.each([
    "limit rate 10/week accept",
    "limit rate 10 kbytes/second burst 0 bytes accept",
    "limit rate 10 / second accept",
    "meta mark 0x10/28 accept",
    "meta mark set 0x1 & 0xff",
    "queue num 1 bypass",
    "queue bypass num 1",
    "queue num 1-2 fanout bypass",
    "queue flags bypass,fanout to 1-3",
    "queue flags bypass num 1",
    'accept comment "x"',
    "tcp dport vmap { 22 : continue } counter accept",
    "tcp dport vmap { 22 : accept, 22 : accept }",
  ])("takes %s, as nft's grammar does", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });

  it("reads a mark's prefix as the mark's top bits (nft lists 'meta mark 0xf0000001/4' as 0xf0000000/4)", () => {
    const r = parseRulesetFile(
      "table ip t {\n chain c {\n  type filter hook input priority 0;\n  meta mark 0xf0000001/4 accept\n  ct mark 0x10/28 accept\n }\n}\n",
    );
    const rules = r.nft?.[0]?.chains.get("c")?.rules ?? [];
    expect(rules.map((x) => x.conditions)).toEqual([
      [{ kind: "mark", value: 0xf0000000, mask: 0xf0000000, neg: false }],
      [{ kind: "ctmark", value: 0x10, mask: 0xfffffff0, neg: false }],
    ]);
  });

  it("refuses fib in a bridge or arp table, in any chain (the kernel: 'No such file or directory'); netdev takes it", () => {
    expect(problems("fib daddr type local accept", "bridge", "prerouting")).toEqual([
      `error 4:3 'fib daddr type' in an nft bridge table: the kernel has no fib lookup for its packets and refuses the rule (nft: "Could not process rule: No such file or directory")`,
    ]);
    const regular = parseRulesetFile("table arp t {\n chain u {\n  fib daddr oif missing drop\n }\n}\n");
    expect(regular.diagnostics.filter((d) => d.severity === "error").map((d) => d.position.line)).toEqual([
      3,
    ]);
    const netdev = parseRulesetFile(
      'table netdev t {\n chain c {\n  type filter hook ingress device "lo" priority 0;\n  fib daddr type local accept\n }\n}\n',
    );
    expect(netdev.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("refuses a concatenated element in a set of one value, at the element (nft: 'Can't parse symbolic invalid expressions')", () => {
    const r = parseRulesetFile(
      "table inet t {\n set s {\n  type ipv4_addr\n  elements = { 198.51.100.1, 198.51.100.2 . 22 }\n }\n}\n",
    );
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `4:30 set s: element '198.51.100.2 . 22' joins values with '.', and the set holds one value of type ipv4_addr: nft refuses it ("Can't parse symbolic invalid expressions")`,
    ]);
  });

  it("refuses a named verdict map's key given twice with other verdicts, at the second", () => {
    const r = parseRulesetFile(
      "table inet t {\n map m {\n  type inet_service : verdict\n  elements = { 22 : accept, 80 : drop, 22 : drop }\n }\n}\n",
    );
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `4:40 map key '22' is given twice with other data: the kernel refuses it (nft: "Could not process rule: File exists")`,
    ]);
  });
  it("takes IPv6 addresses in a named set without 'flags interval', and refuses its prefixes (nft: 4:16)", () => {
    // review48: nft -f took both sets; each was refused as holding a prefix (an address alone is read as its /128).
    const ok = parseRulesetFile(
      "table inet t {\n set s {\n  type ipv6_addr\n  elements = { ::1, 2001:db8::1 }\n }\n set u {\n  type ipv6_addr . inet_service\n  elements = { ::1 . 22, 2001:db8::1 . 80 }\n }\n}\n",
    );
    expect(ok.diagnostics).toEqual([]);
    const prefix = parseRulesetFile(
      "table inet t {\n set s {\n  type ipv6_addr\n  elements = { 2001:db8::/64 }\n }\n}\n",
    );
    expect(prefix.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity}`)).toEqual([
      "4:16 error",
    ]);
  });

  it("takes keys that only look alike: a leading zero is octal to nft (review48: nft -f loaded both)", () => {
    for (const rule of [
      "tcp dport vmap { 022 : accept, 22 : drop }",
      "meta mark vmap { 010 : accept, 10 : drop }",
    ]) {
      const r = parseRulesetFile(
        `table inet t {\n chain c {\n  type filter hook input priority 0;\n  ${rule}\n }\n}\n`,
      );
      expect(
        r.diagnostics.filter((d) => d.severity === "error"),
        rule,
      ).toEqual([]);
    }
    // `0x16` is 22: the same key, refused as before.
    const same = parseRulesetFile(
      "table inet t {\n chain c {\n  type filter hook input priority 0;\n  tcp dport vmap { 0x16 : accept, 22 : drop }\n }\n}\n",
    );
    expect(same.diagnostics.map((d) => d.message)).toEqual([
      `map key '22' is given twice with other data: the kernel refuses it (nft: "Could not process rule: File exists")`,
    ]);
  });
});
