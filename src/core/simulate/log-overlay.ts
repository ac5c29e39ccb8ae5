/**
 * Inserts extra rules into a parsed ruleset, the way the capture lab inserts its tagged LOG (or
 * TRACE) rules at the top of chains: the saved ruleset files show Docker's rules without them, so
 * the simulator must add them back to predict which hooks print a line.
 */
import type { Diagnostic } from "../model/packet.ts";
import { parseEbtRuleArgs } from "./parse-ebtables.ts";
import { parseRuleArgs } from "./parse-rule-args.ts";
import { emptyFamily, type Rule, type Ruleset } from "./ruleset.ts";
import type { Token } from "./tokenize-rule.ts";

/** One rule to insert: its family, table, chain, 1-based position and its words after the chain name. */
export interface OverlayRule {
  /** `ip` (iptables), `ip6` (ip6tables) or `bridge` (ebtables). */
  family: "ip" | "ip6" | "bridge";
  table: string;
  chain: string;
  /** 1-based position (as `-I CHAIN N`); default 1. */
  position?: number;
  /** The rule's words, e.g. `["-p", "icmp", "-j", "LOG", "--log-prefix", "x"]`. */
  args: string[];
}

/** Returns diagnostics for rules that did not parse; creates missing tables and chains (policy ACCEPT). */
export function insertRules(ruleset: Ruleset, rules: readonly OverlayRule[], file = "overlay"): Diagnostic[] {
  const problems: Diagnostic[] = [];
  rules.forEach((r, i) => {
    if (r.family === "ip6") ruleset.ip6 ??= emptyFamily();
    const family =
      r.family === "ip" ? ruleset.ip : r.family === "ip6" ? (ruleset.ip6 ?? emptyFamily()) : ruleset.bridge;
    let table = family.tables.get(r.table);
    if (!table) {
      table = { name: r.table, chains: new Map() };
      family.tables.set(r.table, table);
    }
    let chain = table.chains.get(r.chain);
    if (!chain) {
      chain = { name: r.chain, policy: "ACCEPT", line: 0, rules: [] };
      table.chains.set(r.chain, chain);
    }
    const tokens: Token[] = r.args.map((value, k) => ({ value, column: k + 1 }));
    const result = r.family === "bridge" ? parseEbtRuleArgs(tokens) : parseRuleArgs(tokens, r.family);
    const error = "error" in result ? result.error : undefined;
    if (error || ("ok" in result && !result.ok)) {
      const e = error ?? { message: "rule did not parse", hint: undefined };
      problems.push({
        severity: "error",
        message: e.message,
        hint: e.hint,
        position: { file, line: i + 1, column: 1 },
      });
      return;
    }
    const parsed = result as { conditions: Rule["conditions"]; target: Rule["target"]; log?: Rule["log"] };
    const text = `-A ${r.chain} ${r.args.map((a) => (/[\s"]/.test(a) || a === "" ? JSON.stringify(a) : a)).join(" ")}`;
    const rule: Rule = {
      table: r.table,
      chain: r.chain,
      index: 0,
      line: 0,
      text,
      conditions: parsed.conditions,
      target: parsed.target,
    };
    if (parsed.log) rule.log = parsed.log;
    chain.rules.splice(Math.min((r.position ?? 1) - 1, chain.rules.length), 0, rule);
    chain.rules.forEach((x, k) => {
      x.index = k + 1;
    });
  });
  return problems;
}
