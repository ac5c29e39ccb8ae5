/**
 * Canonical names for the places in the kernel where netfilter runs rules.
 *
 * A hook id is `<family>:<table>:<CHAIN>`, e.g. `ip:nat:PREROUTING` or
 * `bridge:filter:FORWARD`. Chain names are always spelled in full and in
 * upper case; tables in lower case.
 */

/** Netfilter families packetwalk knows: ebtables is `bridge`, iptables is `ip`. */
export const FAMILIES = ["bridge", "ip", "ip6", "arp"] as const;
/** One of {@link FAMILIES}. */
export type Family = (typeof FAMILIES)[number];

/** The built-in chains, in full. */
export const CHAINS = ["BROUTING", "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"] as const;
/** One of {@link CHAINS}. */
export type Chain = (typeof CHAINS)[number];

/** A canonical hook id: `<family>:<table>:<CHAIN>`. */
export type HookId = `${Family}:${string}:${string}`;

/** Build a hook id from its parts (table lower-cased, chain upper-cased). */
export function hookId(family: Family, table: string, chain: string): HookId {
  return `${family}:${table.toLowerCase()}:${chain.toUpperCase()}`;
}

/** Split a hook id into its parts; returns undefined when it is not of the form `family:table:CHAIN`. */
export function splitHookId(id: string): { family: Family; table: string; chain: string } | undefined {
  const parts = id.split(":");
  if (parts.length !== 3) return undefined;
  const [family, table, chain] = parts as [string, string, string];
  if (!(FAMILIES as readonly string[]).includes(family) || !table || !chain) return undefined;
  return { family: family as Family, table, chain };
}
