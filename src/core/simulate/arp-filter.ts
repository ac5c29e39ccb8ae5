/**
 * Where a ruleset may stop ARP. The walk sends no ARP (neighbours are taken as resolved), but on a
 * real machine an arp-family chain or a bridge rule that drops ARP frames leaves the neighbour
 * unresolved, and the IP packet behind it is never sent (kernel 6.18: `ebtables -A FORWARD -p ARP -j
 * DROP` on br0, or an `arp` table's input chain with policy drop, and a ping across or to the bridge
 * was lost, the sender's neighbour entry INCOMPLETE).
 */
import type { Condition, Ruleset, TableDef } from "./ruleset.ts";

/** Whether a rule's conditions ask for an ARP frame (`-p ARP`, `ether type arp`, an `arp ...` field). */
function arpOnly(conditions: readonly Condition[]): boolean {
  return conditions.some((c) => c.kind === "ethertype" && c.ethertype === "0x0806" && !c.neg);
}

/** The first line in `table` that drops ARP: a drop or reject rule, or a base chain's drop policy. */
function dropLine(table: TableDef, arpFamily: boolean): number | undefined {
  for (const chain of table.chains.values()) {
    if (arpFamily && chain.base && chain.policy?.toUpperCase() === "DROP") return chain.line;
    for (const rule of chain.rules) {
      const drops = rule.target.kind === "DROP" || rule.target.kind === "REJECT";
      if (drops && (arpFamily || arpOnly(rule.conditions))) return rule.line;
    }
  }
  return undefined;
}

/**
 * The line of the first rule (or policy) of `ruleset` that may drop ARP frames: any drop in an nft
 * `arp` table, or a bridge rule (ebtables or an nft bridge table) that drops frames it matched as ARP.
 * Undefined when none does.
 */
export function arpDropLine(ruleset: Ruleset): number | undefined {
  const lines: number[] = [];
  for (const table of ruleset.nft ?? []) {
    if (table.family !== "arp" && table.family !== "bridge") continue;
    const line = dropLine(table, table.family === "arp");
    if (line !== undefined) lines.push(line);
  }
  for (const table of ruleset.bridge.tables.values()) {
    const line = dropLine(table, false);
    if (line !== undefined) lines.push(line);
  }
  return lines.length ? Math.min(...lines) : undefined;
}
