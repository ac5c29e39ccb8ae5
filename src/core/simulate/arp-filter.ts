/**
 * Where a ruleset may stop ARP. The walk sends no ARP (neighbours are taken as resolved), but on a
 * real machine an arp-family chain or a bridge rule that drops ARP frames leaves the neighbour
 * unresolved, and the IP packet behind it is never sent (kernel 6.18: `ebtables -A FORWARD -p ARP -j
 * DROP` on br0, or an `arp` table's input chain with policy drop, and a ping across or to the bridge
 * was lost, the sender's neighbour entry INCOMPLETE).
 */
import type { ChainDef, Condition, Ruleset, TableDef, Target } from "./ruleset.ts";

/** Whether a rule's conditions ask for an ARP frame (`-p ARP`, `ether type arp`, an `arp ...` field). */
function arpOnly(conditions: readonly Condition[]): boolean {
  return conditions.some((c) => c.kind === "ethertype" && c.ethertype === "0x0806" && !c.neg);
}

/**
 * Where an ARP exchange goes through the machine the ruleset filters: `forward`, between two ports of its
 * bridge (the request and the reply cross bridge PREROUTING, FORWARD and POSTROUTING, no arp hook); `local`,
 * between a port and the bridge itself or sent by the bridge (bridge PREROUTING, INPUT, OUTPUT, POSTROUTING,
 * and the arp family's input and output); `routed`, on a link that is no bridge port (the arp hooks alone).
 */
export type ArpHop = "forward" | "local" | "routed";

/** The bridge chains (ebtables' names) each hop crosses. */
const BRIDGE_CHAINS: Record<ArpHop, readonly string[]> = {
  forward: ["PREROUTING", "FORWARD", "POSTROUTING"],
  local: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  routed: [],
};

/** The arp family's hooks each hop crosses (an arp chain never sees a bridged frame). */
const ARP_HOOKS: Record<ArpHop, readonly string[]> = {
  forward: [],
  local: ["input", "output"],
  routed: ["input", "output"],
};

/** ebtables' built-in chains (the filter and nat tables'). */
const EBT_BUILTIN: readonly string[] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

/** Targets that decide nothing: the rules after them still run. */
function decides(t: Target): boolean {
  return !["NONE", "LOG", "CONTINUE", "MARK", "TRACE"].includes(t.kind);
}

/** A drop of ARP in `chain` (and the chains it jumps to): its line, and whether it drops every ARP frame. */
function chainDrop(
  table: TableDef,
  chain: ChainDef,
  arpFamily: boolean,
  seen: Set<string>,
): { line: number; certain: boolean } | undefined {
  seen.add(chain.name);
  let decided = false;
  for (const rule of chain.rules) {
    const t = rule.target;
    if (t.kind === "DROP" || t.kind === "REJECT") {
      const arpOnlyRule = rule.conditions.every(
        (c) => c.kind === "ethertype" && c.ethertype === "0x0806" && !c.neg,
      );
      if (arpFamily || arpOnly(rule.conditions))
        return { line: rule.line, certain: !decided && arpOnlyRule && base(table, chain) };
    }
    if ((t.kind === "jump" || t.kind === "goto") && !seen.has(t.chain)) {
      const to = table.chains.get(t.chain);
      const inner = to ? chainDrop(table, to, arpFamily, seen) : undefined;
      if (inner) return { ...inner, certain: false };
    }
    if (decides(t)) decided = true;
  }
  if (arpFamily && chain.base && chain.policy?.toUpperCase() === "DROP")
    return { line: chain.line, certain: !chain.rules.some((r) => decides(r.target)) };
  return undefined;
}

/** Whether `chain` is one a hook calls: an nft base chain, or an ebtables built-in chain. */
function base(table: TableDef, chain: ChainDef): boolean {
  return table.family === undefined ? EBT_BUILTIN.includes(chain.name) : !!chain.base;
}

/**
 * The first rule (or arp-family policy) of `ruleset` that drops the ARP a `hop` needs, in a chain that hop
 * crosses, and whether it drops every ARP frame there (an unconditional ARP drop, or a policy, that no
 * earlier rule of its chain decides before): then the neighbour stays unresolved and the packet is lost.
 * Undefined when no crossed chain drops ARP.
 */
export function arpDropOnHop(ruleset: Ruleset, hop: ArpHop): { line: number; certain: boolean } | undefined {
  const found: { line: number; certain: boolean }[] = [];
  for (const table of ruleset.nft ?? []) {
    if (table.family !== "arp" && table.family !== "bridge") continue;
    const hooks = table.family === "arp" ? ARP_HOOKS[hop] : BRIDGE_CHAINS[hop].map((c) => c.toLowerCase());
    for (const chain of table.chains.values())
      if (chain.base && hooks.includes(chain.base.hook)) {
        const d = chainDrop(table, chain, table.family === "arp", new Set());
        if (d) found.push(d);
      }
  }
  for (const table of ruleset.bridge.tables.values())
    for (const name of BRIDGE_CHAINS[hop]) {
      const chain = table.chains.get(name);
      const d = chain ? chainDrop(table, chain, false, new Set()) : undefined;
      if (d) found.push(d);
    }
  return found.find((d) => d.certain) ?? found.sort((a, b) => a.line - b.line)[0];
}
