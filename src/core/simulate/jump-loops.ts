/**
 * Jump loops the kernel refuses. A chain that jumps (or goes, or maps a verdict) back to a chain on its
 * own way from a base chain makes `nft -f` fail with "Could not process rule: Too many links"; a loop
 * no base chain reaches is taken (kernel 6.18 with nft 1.0.6: `u -> v -> u` alone loaded, the same
 * with an output chain jumping to `v` did not).
 */
import type { ChainDef, NftSet, Rule, TableDef, Target } from "./ruleset.ts";

/** A jump that closes a loop a base chain reaches. */
export interface JumpLoop {
  rule: Rule;
  message: string;
  hint: string;
}

/** The chains a target may go on to: a jump, a goto, or any of a verdict map's. */
function nextChains(t: Target, sets: ReadonlyMap<string, NftSet> | undefined): string[] {
  if (t.kind === "jump" || t.kind === "goto") return [t.chain];
  if (t.kind !== "vmap") return [];
  const elements = t.elements ?? (t.map ? sets?.get(t.map)?.verdicts : undefined) ?? [];
  return elements.flatMap((e) => nextChains(e.verdict, sets));
}

/** The chains each rule of `chain` may go on to, with the rule. */
export function chainExits(chain: ChainDef, table: TableDef): { rule: Rule; to: string }[] {
  return chain.rules.flatMap((rule) =>
    [rule.target, ...(rule.afterVerdicts ?? []).map((a) => a.verdict)].flatMap((t) =>
      nextChains(t, table.sets).map((to) => ({ rule, to })),
    ),
  );
}

/** How a table's loops are told: which chains are entered from a hook, and what refuses the loop. */
export interface LoopRules {
  /** Whether the chain is entered from a hook. Default: an nftables base chain. */
  entered?: (chain: ChainDef) => boolean;
  /** What refuses the loop, for the message. Default: `the kernel refuses it (Too many links)`, as nft says. */
  refusal?: string;
}

/**
 * The jumps of `table` that close a loop a base chain reaches, each reported once. iptables and
 * ebtables tables pass their built-in chains as `entered`: x_tables checks only the chains a hook
 * reaches for loops too (mark_source_chains), and so does nf_tables for iptables-nft.
 */
export function jumpLoops(table: TableDef, rules: LoopRules = {}): JumpLoop[] {
  const entered = rules.entered ?? ((c: ChainDef) => c.base !== undefined);
  const refusal = rules.refusal ?? "the kernel refuses it (Too many links)";
  const found = new Map<Rule, JumpLoop>();
  const done = new Set<string>();
  const walk = (chain: ChainDef, path: string[]): void => {
    if (done.has(chain.name)) return;
    for (const { rule, to } of chainExits(chain, table)) {
      const next = table.chains.get(to);
      if (!next) continue;
      const at = path.indexOf(to);
      if (at >= 0) {
        if (!found.has(rule))
          found.set(rule, {
            rule,
            message: `chain ${chain.name} goes back to chain ${to} (${[...path.slice(at), to].join(" -> ")}), a loop chain ${path[0]} reaches: ${refusal}`,
            hint: "remove one of the loop's jumps: the kernel refuses the loop whatever the rules match",
          });
        continue;
      }
      walk(next, [...path, to]);
    }
    // Every loop through this chain was found on this walk; later walks need not enter it again.
    done.add(chain.name);
  };
  for (const chain of table.chains.values()) if (entered(chain)) walk(chain, [chain.name]);
  return [...found.values()];
}
