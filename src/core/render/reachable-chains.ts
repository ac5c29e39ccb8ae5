/**
 * The chains a listing shows for one chain: the chain itself, then every chain its rules lead to,
 * each once, depth first and after all of a chain's rules (the order `iptables -L` readers expect).
 * One walk for the iptables, nftables and playground listings. Pure.
 */
import type { ChainDef, Rule, TableDef, Target } from "../simulate/ruleset.ts";

/** The chains a rule's target leads to: a jump or goto, or each jump and goto of a verdict map. */
export function targetChains(t: Target, table: TableDef): string[] {
  if (t.kind === "jump" || t.kind === "goto") return [t.chain];
  if (t.kind !== "vmap") return [];
  const elements = t.elements ?? table.sets?.get(t.map ?? "")?.verdicts ?? [];
  return elements.flatMap((e) => targetChains(e.verdict, table));
}

/**
 * The chains `rule` leads to: those of its target and of every verdict written after it (a second
 * verdict map past a `continue` jumps too).
 */
export function ruleChains(rule: Rule, table: TableDef): string[] {
  return [rule.target, ...(rule.afterVerdicts ?? []).map((a) => a.verdict)].flatMap((t) =>
    targetChains(t, table),
  );
}

/**
 * `base` and the chains it reaches in `table` (names `leadsTo` gives for each rule; default
 * {@link ruleChains}), each once; a name the table lacks is left out.
 */
export function reachableChains(
  table: TableDef,
  base: string,
  leadsTo: (rule: Rule) => string[] = (rule) => ruleChains(rule, table),
): ChainDef[] {
  const out: ChainDef[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const def = table.chains.get(name);
    if (!def) return;
    out.push(def);
    for (const next of def.rules.flatMap(leadsTo)) visit(next);
  };
  visit(base);
  return out;
}
