/**
 * iptables' REJECT is registered for the filter table alone. Kernel 6.18: `-A FORWARD -j REJECT` in
 * *mangle and `-A PREROUTING -j REJECT` in *nat both failed with "RULE_APPEND failed (Invalid
 * argument)" (iptables-nft and iptables-legacy). The reader took them and the simulator rejected.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const problems = (text: string) =>
  parseRulesetFile(text, "r.rules").diagnostics.map((d) => ({
    at: `${d.position?.line}:${d.position?.column}`,
    message: d.message,
    hint: d.hint,
  }));

describe("REJECT outside the filter table", () => {
  it.each([
    ["mangle", "FORWARD", "-A FORWARD -p icmp -j REJECT", 20],
    ["nat", "PREROUTING", "-A PREROUTING -p icmp -j REJECT --reject-with icmp-host-prohibited", 23],
    ["mangle", "MYCHAIN", "-N MYCHAIN\n-A MYCHAIN -j REJECT", 12],
  ])("is refused in %s %s, at its -j", (table, chain, rule, column) => {
    const found = problems(`*${table}\n${rule}\nCOMMIT\n`);
    expect(found).toEqual([
      {
        at: `${rule.split("\n").length + 1}:${column}`,
        message: `target REJECT is only valid in the filter table's INPUT, FORWARD and OUTPUT, not in ${table} ${chain}: the kernel refuses it (iptables-restore: "RULE_APPEND failed (Invalid argument)")`,
        hint: "put the rule in *filter, in INPUT, FORWARD or OUTPUT",
      },
    ]);
  });

  it("is taken in the filter table, also in a user chain", () => {
    expect(problems("*filter\n-N MYCHAIN\n-A MYCHAIN -j REJECT\n-A FORWARD -j REJECT\nCOMMIT\n")).toEqual([]);
  });
});
