/**
 * The ruleset a reader sees keeps every rule that decides something: a logging rule goes, an nft
 * rule that logs and also decides keeps its decision without the `log` statement.
 */
import { describe, expect, it } from "vitest";
import { rulesetTexts, withoutLogging } from "../../../src/core/import/ruleset-material.ts";

describe("withoutLogging", () => {
  it("drops logging rules (iptables LOG, nft log alone or with a counter, nftrace marks)", () => {
    for (const line of [
      '-A FORWARD -p icmp -j LOG --log-prefix "[fwd] " --log-level 7',
      '\t\tmeta l4proto icmp log prefix "host fw: "',
      '\t\tmeta l4proto icmp log prefix "dbg: " counter',
      "\t\tmeta l4proto icmp meta nftrace set 1",
    ])
      expect(withoutLogging(line), line).toBeUndefined();
  });

  it("keeps what an nft rule decides, without its log statement and its options", () => {
    expect(withoutLogging('\t\ttcp dport 23 log prefix "telnet: " drop')).toBe("\t\ttcp dport 23 drop");
    expect(withoutLogging('\t\tlog prefix "x" level warn flags all accept')).toBe("\t\taccept");
    expect(
      withoutLogging('\t\tct state invalid log prefix "inv: " level info drop comment "drop invalid"'),
    ).toBe('\t\tct state invalid drop comment "drop invalid"');
    expect(withoutLogging('\t\tiifname "br-a" accept')).toBe('\t\tiifname "br-a" accept');
  });

  it("a host firewall's drop that logs stays in the reader's ruleset next to an iptables-save", () => {
    const nft =
      'table inet fw {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\ttcp dport 23 log prefix "telnet: " drop\n\t}\n}\n';
    const ipt = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
    const t = rulesetTexts(ipt, "", "note", nft);
    expect(t.clean).toContain("table inet fw {");
    expect(t.clean).toContain("\t\ttcp dport 23 drop\n");
    expect(t.clean).not.toContain("log prefix");
    expect(t.instrumented).toContain('tcp dport 23 log prefix "telnet: " drop');
  });
});
