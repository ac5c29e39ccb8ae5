/**
 * Which user chains of an iptables or ebtables listing the packet never entered: no jump or goto the
 * simulator marked leads to them. The lesson pages and the playground fold those chains, so the
 * packet's way reads first; one decision for both. Pure.
 */
import type { ListedChain } from "./to-listing.ts";

/** The chain a jump or goto rule leads to: the word after -j/-g, quoted strings (a comment, a log prefix) left out. */
function jumpTarget(text: string): string | undefined {
  const words = ` ${text.replace(/"(?:[^"\\]|\\.)*"/g, '""')}`;
  return /\s(?:-[jg]|--jump|--goto)\s+(\S+)/.exec(words)?.[1];
}

/**
 * The names of the chains in `chains` (the listed chain first, then those it reaches) that no marked
 * jump leads to. Empty unless the simulator marked the step's rules: a TRACE step's chains come from
 * the kernel's lines, which name no jump, and an unmarked LOG step says nothing of the way, so every
 * chain stays open.
 */
export function unenteredChains(chains: readonly ListedChain[]): Set<string> {
  const rules = chains.flatMap((c) => c.rules);
  if (!rules.some((r) => r.matchedBy === "simulator") || rules.some((r) => r.matchedBy === "kernel"))
    return new Set();
  const entered = new Set<string>(chains[0] ? [chains[0].chain] : []);
  for (const r of rules) {
    const target = r.matched === "JUMP" || r.matched === "GOTO" ? jumpTarget(r.text) : undefined;
    if (target) entered.add(target);
  }
  return new Set(chains.map((c) => c.chain).filter((name) => !entered.has(name)));
}
