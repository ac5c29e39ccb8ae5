/**
 * `@th,16,16` and `@th,0,16` (the nftables wiki's raw payload examples) are the transport header's
 * destination and source ports: nft lists them back as `th dport` and `th sport`, and on kernel 6.18 in
 * namespaces `@th,16,16 8443 drop` blocked TCP 8443 as `tcp dport 8443 drop` does (rulesets43 R4). The
 * reader left them unmodelled, so a policy-drop chain that accepts by them stopped the exchange, uncertain.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { routedContext, synPacket } from "./helpers.ts";

const TEXT =
  "table inet t {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\t@th,16,16 8443 accept\n\t\tmeta l4proto udp @th,0,16 { 53, 123 } accept\n\t}\n}\n";

describe("raw payload matches on the transport header's ports", () => {
  const parsed = parseNftRuleset(TEXT, { file: "raw.nft" });
  const table = parsed.tables[0] as TableDef;
  it("load without a problem, and show the rule as written", () => {
    expect(parsed.diagnostics).toEqual([]);
    expect(table.chains.get("input")?.rules[0]?.text).toBe("@th,16,16 8443 accept");
  });
  it.each([
    ["tcp", 40000, 8443, "ACCEPT"],
    ["tcp", 40000, 8444, "DROP"],
    ["udp", 53, 9999, "ACCEPT"],
    ["udp", 54, 9999, "DROP"],
  ] as const)("%s %i -> %i: %s, decided", (proto, sport, dport, verdict) => {
    const run = runChain(table, "input", synPacket({ proto, sport, dport }), routedContext());
    expect(run.verdict).toBe(verdict);
    expect(run.unmodelled).toEqual([]);
  });
});
