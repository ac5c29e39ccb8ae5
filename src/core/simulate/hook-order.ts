/**
 * Which tables run at each hook, in the kernel's priority order, for IPv4 (iptables) and the bridge
 * (ebtables, legacy or nft). The numbers are the kernel's hook priorities.
 */

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
 * after nat OUTPUT. br_netfilter's IP hooks sit at 0 (PREROUTING), -1 (FORWARD) and last (POSTROUTING).
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
