/**
 * Which tables run at each hook, in the kernel's priority order, for IPv4 (iptables), IPv6 (ip6tables) and the bridge
 * (ebtables, legacy or nft), and the nftables base chains among them. The numbers are the kernel's
 * hook priorities.
 */
import { emptyFamily, type Ruleset, type TableDef } from "./ruleset.ts";

/** A table at a hook with its priority. */
export interface TableAtHook {
  table: string;
  priority: number;
}

/** IPv4 tables per hook (NF_IP_PRI_*: raw -300, conntrack -200, mangle -150, nat dst -100, filter 0, security 50, nat src 100). */
export const IP_HOOK_TABLES: Record<string, TableAtHook[]> = {
  PREROUTING: [
    { table: "raw", priority: -300 },
    { table: "mangle", priority: -150 },
    { table: "nat", priority: -100 },
  ],
  INPUT: [
    { table: "mangle", priority: -150 },
    { table: "filter", priority: 0 },
    { table: "security", priority: 50 },
    { table: "nat", priority: 100 },
  ],
  FORWARD: [
    { table: "mangle", priority: -150 },
    { table: "filter", priority: 0 },
    { table: "security", priority: 50 },
  ],
  OUTPUT: [
    { table: "raw", priority: -300 },
    { table: "mangle", priority: -150 },
    { table: "nat", priority: -100 },
    { table: "filter", priority: 0 },
    { table: "security", priority: 50 },
  ],
  POSTROUTING: [
    { table: "mangle", priority: -150 },
    { table: "nat", priority: 100 },
  ],
};

/** The conntrack lookup priority (between raw and mangle). */
export const CONNTRACK_PRIORITY = -200;

/**
 * Bridge tables per hook. ebtables-nft registers filter OUTPUT at -200 (NF_BR_PRI_FILTER_BRIDGED), so it
 * runs before nat OUTPUT (100); legacy ebtables registers filter OUTPUT at 200 (NF_BR_PRI_FILTER_OTHER),
 * after nat OUTPUT. br_netfilter's IP hooks sit at 0 (PREROUTING and FORWARD) and last (POSTROUTING).
 */
export function bridgeHookTables(impl: "nft" | "legacy"): Record<string, TableAtHook[]> {
  return {
    BROUTING: impl === "legacy" ? [{ table: "broute", priority: -450 }] : [],
    PREROUTING: [{ table: "nat", priority: -300 }],
    INPUT: [{ table: "filter", priority: -200 }],
    FORWARD: [{ table: "filter", priority: -200 }],
    OUTPUT:
      impl === "nft"
        ? [
            { table: "filter", priority: -200 },
            { table: "nat", priority: 100 },
          ]
        : [
            { table: "nat", priority: 100 },
            { table: "filter", priority: 200 },
          ],
    POSTROUTING: [{ table: "nat", priority: 300 }],
  };
}

/** One base chain at a hook: an iptables/ebtables table's built-in chain or an nftables base chain. */
export interface HookSlot {
  /** The packet family the hook runs for (an inet table's chain is `ip` for IPv4, `ip6` for IPv6). */
  family: "ip" | "ip6" | "bridge";
  table: TableDef;
  /** The chain's name in its table (`PREROUTING`, `raw-PREROUTING`, ...). */
  chain: string;
  priority: number;
  /** A NAT chain: run only for a connection's first packet, through the NAT core. */
  nat: boolean;
}

const slotCache = new WeakMap<Ruleset, Map<string, HookSlot[]>>();

/** The NAT core's own priority at a hook: every nat chain of the hook runs from there, in its own priority order. */
export function natCorePriority(hook: string): number {
  return hook === "PREROUTING" || hook === "OUTPUT" ? -100 : 100;
}

/**
 * Every base chain that runs at IPv4 hook `hook` (`PREROUTING`, ...) or bridge hook (`family` bridge), in
 * the kernel's order: by priority, and at equal priority the one registered last first (the listing
 * order of `nft list ruleset` is taken as the registration order; iptables/ebtables tables come
 * before the nft tables, except those marked {@link TableDef.beforeXtables}). iptables-nft's tables
 * read from an `nft list ruleset` are nft tables like any other, so they interleave with Docker's by
 * their priorities.
 */
export function hookSlots(
  ruleset: Ruleset,
  family: "ip" | "ip6" | "bridge",
  hook: string,
  ebtables: "nft" | "legacy" = "nft",
): HookSlot[] {
  let cache = slotCache.get(ruleset);
  if (!cache) {
    cache = new Map();
    slotCache.set(ruleset, cache);
  }
  const key = `${family}:${hook}:${ebtables}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const slots: (HookSlot & { order: number })[] = [];
  const ipFamily = family !== "bridge";
  // ip6tables registers at the same priorities as iptables (NF_IP6_PRI_* equal NF_IP_PRI_*).
  const fixed = ipFamily ? (IP_HOOK_TABLES[hook] ?? []) : (bridgeHookTables(ebtables)[hook] ?? []);
  const rules =
    family === "ip" ? ruleset.ip : family === "ip6" ? (ruleset.ip6 ?? emptyFamily()) : ruleset.bridge;
  const families = family === "ip" ? ["ip", "inet"] : family === "ip6" ? ["ip6", "inet"] : ["bridge"];
  const nftSlots = (before: boolean) => {
    for (const def of ruleset.nft ?? []) {
      if (!families.includes(def.family ?? "") || def.dormant || !!def.beforeXtables !== before) continue;
      for (const c of def.chains.values()) {
        if (c.base?.hook !== hook.toLowerCase()) continue;
        const nat = ipFamily && c.base.type === "nat";
        slots.push({
          family,
          table: def,
          chain: c.name,
          priority: c.base.priority,
          nat,
          order: slots.length,
        });
      }
    }
  };
  // Registration order: nft tables created before the iptables ones, the iptables tables, the other nft tables.
  nftSlots(true);
  for (const { table, priority } of fixed) {
    const def = rules.tables.get(table);
    if (!def?.chains.has(hook)) continue;
    const nat = ipFamily && table === "nat";
    slots.push({ family, table: def, chain: hook, priority, nat, order: slots.length });
  }
  nftSlots(false);
  const effective = (s: HookSlot) => (s.nat ? natCorePriority(hook) : s.priority);
  // The NAT core is one hook, registered with the first nat chain; it runs its chains by their own priority.
  const natOrder = Math.min(...slots.filter((s) => s.nat).map((s) => s.order));
  const registered = (s: (typeof slots)[number]) => (s.nat ? natOrder : s.order);
  // The kernel inserts a new hook before those of equal priority: at a tie, the later registered runs first.
  slots.sort(
    (a, b) =>
      effective(a) - effective(b) ||
      registered(b) - registered(a) ||
      a.priority - b.priority ||
      b.order - a.order,
  );
  const out = slots.map(({ order: _order, ...slot }) => slot);
  cache.set(key, out);
  return out;
}
