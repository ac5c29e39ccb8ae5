/**
 * The ruleset a reader sees keeps the contributor's own base chains: a base chain that held only a
 * `log` rule (the home router's `chain output`) stays with its type, hook, priority and policy,
 * only the logging rule taken out, so the map draws the hook the packet crossed. A table that held
 * nothing but logging (the contributor's logging table) still goes, as does a regular chain left
 * empty that nothing jumps to.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rulesetTexts } from "../../../src/core/import/ruleset-material.ts";

const nft = readFileSync(
  join(import.meta.dirname, "../../fixtures/import/home-router/input/nft-ruleset.txt"),
  "utf8",
);

/** The lines of chain `name` in `text` (from `chain name {` to its closing brace). */
function chainLines(text: string, name: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === `chain ${name} {`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.trim() === "}");
  return lines.slice(start, end + 1).map((l) => l.trim());
}

describe("the reader's ruleset of an nftables-only host", () => {
  it("keeps a base chain whose only rule logged, without the rule", () => {
    const t = rulesetTexts("", "", "note", nft);
    expect(chainLines(t.clean, "output")).toEqual([
      "chain output {",
      "type filter hook output priority filter; policy accept;",
      "}",
    ]);
    // Every base chain of the table, each without its log rule.
    for (const name of ["prerouting", "input", "forward", "output", "postrouting"])
      expect(t.clean, name).toContain(`\tchain ${name} {\n`);
    expect(t.clean).not.toMatch(/\blog\b/);
    expect(chainLines(t.clean, "forward")).toEqual([
      "chain forward {",
      "type filter hook forward priority filter; policy drop;",
      "tcp dport 23 drop",
      "ct state established,related accept",
      'iifname "lan0" oifname "wan0" accept',
      "ct status dnat accept",
      "}",
    ]);
    // The instrumentation is as installed.
    expect(chainLines(t.instrumented, "output")).toContain('log prefix "home out: "');
  });

  it("still leaves out a table of logging chains only, and an empty regular chain nothing jumps to", () => {
    const logging = `table ip mylog {
	chain log-pre {
		type filter hook prerouting priority raw - 1; policy accept;
		log prefix "dbg pre: "
	}
}`;
    const withSpare = nft.replace(
      "\tchain output {",
      '\tchain spare {\n\t\tlog prefix "spare: "\n\t}\n\n\tchain output {',
    );
    const t = rulesetTexts("", "", "note", `${withSpare}\n${logging}\n`);
    expect(t.clean).not.toMatch(/table ip mylog|log-pre|chain spare/);
    expect(t.clean).toContain(
      "\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n\t}\n",
    );
    // One blank line between chains where one went, none before the table's closing brace.
    expect(t.clean).not.toMatch(/\n\n\n|\n\n}/);
  });

  it("keeps the base chains of the host's own table next to an iptables-save", () => {
    const ipt = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
    const t = rulesetTexts(ipt, "", "note", nft);
    expect(t.clean).toContain("table inet home {");
    expect(chainLines(t.clean, "output")).toEqual([
      "chain output {",
      "type filter hook output priority filter; policy accept;",
      "}",
    ]);
  });

  it("iptables: a user chain whose only rule logged stays declared, and a jump to a chain named LOG-... stays", () => {
    const ipt = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:LOG-IN - [0:0]
:LOG-DROP - [0:0]
-A INPUT -j LOG-IN
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp --dport 23 -j LOG-DROP
-A OUTPUT -j LOG --log-prefix "out: "
-A LOG-IN -j LOG --log-prefix "in: "
-A LOG-DROP -j LOG --log-prefix "drop: "
-A LOG-DROP -j DROP
COMMIT
`;
    const t = rulesetTexts(ipt, "", "note");
    expect(t.loggingRules).toBe(3);
    const clean = t.clean.split("\n");
    for (const line of [
      ":OUTPUT ACCEPT [0:0]",
      ":LOG-IN - [0:0]",
      "-A INPUT -j LOG-IN",
      "-A INPUT -p tcp --dport 23 -j LOG-DROP",
      "-A LOG-DROP -j DROP",
    ])
      expect(clean, line).toContain(line);
    expect(t.clean).not.toMatch(/-j LOG(\s|$)|--log-prefix/);
  });
});
