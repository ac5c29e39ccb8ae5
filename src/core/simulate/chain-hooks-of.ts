/**
 * The hook of every nftables base chain of a read ruleset, by the hook id trace lines give it: what the
 * parser's grouping needs for a chain whose name does not say its hook (`inet pw pw_pre`). Apart from
 * the text readers, so that a page holding a read ruleset loads no reader for it.
 */
import { CHAINS, type Chain, type ChainHooks } from "../model/hook.ts";
import type { Ruleset } from "./ruleset.ts";

const BUILTIN = new Set<string>(CHAINS);

/** The ids an nft table's chain gets in trace lines: an inet table's by the packet's family. */
const FAMILY_IDS: Readonly<Record<string, readonly string[]>> = {
  ip: ["ip"],
  ip6: ["ip6"],
  inet: ["ip", "ip6"],
  bridge: ["bridge"],
};

/**
 * `hook id -> built-in hook` for the base chains of `ruleset`'s nftables tables (iptables tables have
 * none: their chains are named by their hooks). netdev and arp chains, which the map does not draw,
 * are left out.
 */
export function chainHooksOf(ruleset: Pick<Ruleset, "nft">): ChainHooks {
  const out: Record<string, Chain | null> = {};
  for (const table of ruleset.nft ?? []) {
    const ids = FAMILY_IDS[table.family ?? ""];
    if (!ids) continue;
    for (const chain of table.chains.values()) {
      const hook = chain.base?.hook.toUpperCase();
      // A regular chain is said to be one: its name may look like a base chain's (`guest_output`).
      const at = !chain.base ? null : hook && BUILTIN.has(hook) ? (hook as Chain) : undefined;
      if (at === undefined) continue;
      for (const family of ids) out[`${family}:${table.name}:${chain.name}`] = at;
    }
  }
  return out;
}
