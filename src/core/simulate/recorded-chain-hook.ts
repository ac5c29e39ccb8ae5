/** The hook a chain of a recorded trace is attached to, whatever the family (see {@link recordedChainHook}). */
import type { Ruleset } from "./ruleset.ts";

/** The nft table families whose base chains a parsed hook of each family can name (`inet` is read as `ip`/`ip6`). */
const NFT_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  ip: ["ip", "inet"],
  ip6: ["ip6", "inet"],
  bridge: ["bridge"],
  arp: ["arp"],
};

/**
 * The hook (lower case: `prerouting`, `input`...) a traced chain is attached to, in any family:
 * iptables', ip6tables' and ebtables' built-in chains by their names; nftables base chains by
 * `ruleset` when it declares the chain (`nft monitor trace` names no hook; the chain's name may not
 * either: `trace_chain`, `c_in`), else by a name `<type>-<hook>` (Docker 29's `raw-PREROUTING`, the
 * nft lab's `trace-prerouting`). Undefined for any other chain: regular nft chains
 * (`nat-prerouting-and-output`) and iptables user chains (`DOCKER-OUTPUT`).
 */
export function recordedChainHook(hook: string, ruleset: Ruleset | undefined): string | undefined {
  const m = /^([a-z0-9]+):([^:]+):(.+)$/.exec(hook);
  if (!m) return undefined;
  const [, family, table, chain] = m as unknown as [string, string, string, string];
  for (const t of ruleset?.nft ?? []) {
    if (t.name !== table || !NFT_FAMILIES[family]?.includes(t.family ?? "")) continue;
    const def = t.chains.get(chain);
    if (def) return def.base?.hook;
  }
  const named = /^(?:[a-z]+-)?([A-Za-z]+)$/.exec(chain)?.[1];
  // Built-in chains are upper case, nft names of hooks lower case: a mixed `Output` is a user chain.
  if (!named || (named !== named.toUpperCase() && named !== named.toLowerCase())) return undefined;
  return named.toLowerCase();
}
