/**
 * The rule listing of one step for any ruleset the simulator reads: iptables and ebtables chains
 * as the lesson pages list them ({@link toListing}), and nftables chains (`nft list ruleset`) the
 * same way: the base chain the hook id names, then the chains its rules jump to (verdict maps
 * included), each rule with the lesson pages' note ({@link explainNftRule}) and the rules that matched, from
 * the kernel's trace or the simulator's `matched`, never guessed.
 */
import { splitHookId } from "../model/hook.ts";
import type { TraceEvent } from "../model/packet.ts";
import { explainNftRule } from "../render/explain-nft-rule.ts";
import { reachableChains } from "../render/reachable-chains.ts";
import { type ListedChain, type StepListing, toListing } from "../render/to-listing.ts";
import type { ChainDef, Ruleset, TableDef } from "../simulate/ruleset.ts";
import { chainOf } from "./log-step-matches.ts";

// nft monitor trace prints a rule without its counter's numbers and handle; the listing may have them.
function normalizeNft(text: string): string {
  return text
    .replace(/\s+#\s*handle\s+\d+\s*$/, "")
    .replace(/\bcounter(\s+packets\s+\d+\s+bytes\s+\d+)?/g, "counter")
    .replace(/\s+/g, " ")
    .trim();
}

function nftListing(event: TraceEvent, table: TableDef, base: ChainDef): StepListing {
  const byKernel = new Map<string, string>();
  const policies = new Map<string, string>();
  for (const v of event.verdicts ?? []) {
    if (v.kind === "policy" && v.verdict) policies.set(v.chain, v.verdict);
    if (v.kind === "rule" && v.text && v.verdict)
      byKernel.set(`${v.chain}\n${normalizeNft(v.text)}`, v.verdict);
  }
  const bySimulator = new Map<number, string>();
  for (const m of event.matched ?? []) {
    if (m.ruleLine > 0) bySimulator.set(m.ruleLine, m.verdict);
    else if (m.text.startsWith("policy")) policies.set(m.chain, m.verdict);
  }
  const verdictsKnown = (event.verdicts?.length ?? 0) > 0 || (event.matched?.length ?? 0) > 0;
  const chains = reachableChains(table, base.name).map((chain) => {
    const listed: ListedChain = {
      table: `${table.family ?? ""} ${table.name}`.trim(),
      chain: chain.name,
      rules: [],
    };
    if (chain.policy) listed.policy = chain.policy.toUpperCase();
    const applied = policies.get(chain.name);
    if (applied) listed.policyApplied = applied;
    for (const rule of chain.rules) {
      const item: ListedChain["rules"][number] = {
        index: rule.index,
        line: rule.line,
        text: rule.text,
        note: explainNftRule(rule.text, table.sets),
      };
      const kernel = byKernel.get(`${chain.name}\n${normalizeNft(rule.text)}`);
      const simulator = bySimulator.get(rule.line);
      if (kernel) Object.assign(item, { matched: kernel, matchedBy: "kernel" });
      else if (simulator) Object.assign(item, { matched: simulator, matchedBy: "simulator" });
      listed.rules.push(item);
    }
    return listed;
  });
  // Rules the kernel traced that no listed chain has (keys as `chain\ntext`, quoted as the trace printed them).
  const listedKeys = new Set(
    chains.flatMap((c) => c.rules.map((r) => `${c.chain}\n${normalizeNft(r.text)}`)),
  );
  const unlisted = (event.verdicts ?? []).flatMap((v) =>
    v.kind === "rule" &&
    v.text &&
    v.verdict &&
    // The rule that switched tracing on is the capture's own, often gone from a later save.
    !/\bnftrace set 1\b/.test(v.text) &&
    !listedKeys.has(`${v.chain}\n${normalizeNft(v.text)}`)
      ? [`${v.chain}: ${v.text}`]
      : [],
  );
  return { chains, verdictsKnown, ...(unlisted.length ? { unlisted: [...new Set(unlisted)] } : {}) };
}

/**
 * The listing of the chain at `event.hook`: {@link toListing} for iptables and ebtables tables, the
 * nftables base chain of that name (and what it jumps to) for an `nft list ruleset`.
 */
export function listStep(event: TraceEvent, ruleset: Ruleset): StepListing {
  const found = chainOf(ruleset, event.hook);
  if (!found?.nft || !splitHookId(event.hook)) return toListing(event, ruleset);
  return nftListing(event, found.table, found.chain);
}
