/**
 * Which base chains reach each regular chain of an nft table, by jumps, gotos and verdict maps: the kernel
 * checks a rule of a regular chain against the hook and type of every base chain that reaches it (nft_chain
 * validation), and refuses the rule or the jump that makes it reachable ("Could not process rule: Operation
 * not supported", kernel 6.18) where an expression needs another hook or chain type.
 */
import type { ChainDef, Rule, TableDef, Target } from "./ruleset.ts";

/** A base chain that reaches a regular one, and the line of the first jump on the way. */
export interface Reacher {
  chain: ChainDef;
  line: number;
}

/** The chains a rule's verdicts name: its target, verdicts written after it, and a verdict map's elements. */
function targetsOf(rule: Rule, table: TableDef): string[] {
  const out: string[] = [];
  const add = (t: Target) => {
    if (t.kind === "jump" || t.kind === "goto") out.push(t.chain);
    if (t.kind === "vmap") {
      for (const e of t.elements ?? []) add(e.verdict);
      if (t.map) for (const e of table.sets?.get(t.map)?.verdicts ?? []) add(e.verdict);
    }
  };
  add(rule.target);
  for (const a of rule.afterVerdicts ?? []) add(a.verdict);
  return out;
}

/** Regular chain name -> the base chains of `table` that reach it (each once, with its first jump's line). */
export function reachingBaseChains(table: TableDef): Map<string, Reacher[]> {
  const out = new Map<string, Reacher[]>();
  for (const base of table.chains.values()) {
    if (!base.base) continue;
    const seen = new Set<string>();
    const queue: { chain: ChainDef; line: number | undefined }[] = [{ chain: base, line: undefined }];
    for (let q = queue.shift(); q; q = queue.shift())
      for (const rule of q.chain.rules)
        for (const name of targetsOf(rule, table)) {
          const to = table.chains.get(name);
          if (!to || to.base || seen.has(name)) continue;
          seen.add(name);
          const line = q.line ?? rule.line;
          const list = out.get(name) ?? [];
          list.push({ chain: base, line });
          out.set(name, list);
          queue.push({ chain: to, line });
        }
  }
  return out;
}
