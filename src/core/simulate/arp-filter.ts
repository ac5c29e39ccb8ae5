/**
 * Where a ruleset may stop ARP. The walk sends no ARP (neighbours are taken as resolved), but on a
 * real machine an arp-family chain or a bridge rule that drops ARP frames leaves the neighbour
 * unresolved, and the IP packet behind it is never sent (kernel 6.18: `ebtables -A FORWARD -p ARP -j
 * DROP` on br0, or an `arp` table's input chain with policy drop, and a ping across or to the bridge
 * was lost, the sender's neighbour entry INCOMPLETE).
 */
import type { NdLeg } from "./neighbour-discovery-filter.ts";
import type { ChainDef, Ruleset, TableDef, Target } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";

/**
 * Where an ARP exchange goes through the machine the ruleset filters: `forward`, between two ports of its
 * bridge (the request and the reply cross bridge PREROUTING, FORWARD and POSTROUTING, no arp hook); `local`,
 * between a port and the bridge itself or sent by the bridge (bridge PREROUTING, INPUT, OUTPUT, POSTROUTING,
 * and the arp family's input and output); `routed`, on a link that is no bridge port (the arp hooks alone).
 */
export type ArpHop = "forward" | "local" | "routed";

/** The arp family's hooks each hop crosses (an arp chain never sees a bridged frame). */
const ARP_HOOKS: Record<ArpHop, readonly string[]> = {
  forward: [],
  local: ["input", "output"],
  routed: ["input", "output"],
};

/** Targets that decide nothing: the rules after them still run. */
function decides(t: Target): boolean {
  return !["NONE", "LOG", "CONTINUE", "MARK", "TRACE"].includes(t.kind);
}

/** A drop in the arp chain `chain` (and the chains it jumps to): its line, and whether it drops every ARP frame. */
function chainDrop(
  table: TableDef,
  chain: ChainDef,
  seen: Set<string>,
): { line: number; certain: boolean } | undefined {
  seen.add(chain.name);
  let decided = false;
  for (const rule of chain.rules) {
    const t = rule.target;
    if (t.kind === "DROP" || t.kind === "REJECT")
      return { line: rule.line, certain: !decided && rule.conditions.length === 0 && !!chain.base };
    if ((t.kind === "jump" || t.kind === "goto") && !seen.has(t.chain)) {
      const to = table.chains.get(t.chain);
      const inner = to ? chainDrop(table, to, seen) : undefined;
      if (inner) return { ...inner, certain: false };
    }
    if (decides(t)) decided = true;
  }
  if (chain.base && chain.policy?.toUpperCase() === "DROP")
    return { line: chain.line, certain: !chain.rules.some((r) => decides(r.target)) };
  return undefined;
}

/**
 * The first rule (or policy) of an `arp` table of `ruleset` that drops the ARP a `hop` needs, in a chain
 * that hop crosses, and whether it drops every ARP frame there (an unconditional drop, or a policy, that no
 * earlier rule of its chain decides before): then the neighbour stays unresolved and the packet is lost.
 * Undefined when no crossed chain drops ARP. The bridge chains are walked with a real ARP frame instead
 * (see {@link arpLegs}).
 */
export function arpDropOnHop(ruleset: Ruleset, hop: ArpHop): { line: number; certain: boolean } | undefined {
  const found: { line: number; certain: boolean }[] = [];
  for (const table of ruleset.nft ?? []) {
    if (table.family !== "arp") continue;
    for (const chain of table.chains.values())
      if (chain.base && ARP_HOOKS[hop].includes(chain.base.hook)) {
        const d = chainDrop(table, chain, new Set());
        if (d) found.push(d);
      }
  }
  return found.find((d) => d.certain) ?? found.sort((a, b) => a.line - b.line)[0];
}

/** Where the asker and the asked stand on the filtering machine's bridge. */
export interface ArpEnds {
  /** The bridge. */
  bridge: string;
  /** The port the asker's request comes in on; undefined: the bridge itself asks. */
  askerPort?: string;
  /** The port toward the asked neighbour; undefined: the bridge itself is asked. */
  targetPort?: string;
}

/**
 * The bridge hooks an ARP request and its reply cross on the filtering machine (ebtables' chain names,
 * nft bridge hooks alike): between two ports, PREROUTING, FORWARD and POSTROUTING each way; from a port to
 * the bridge itself, PREROUTING and INPUT, the reply OUTPUT and POSTROUTING (sent by the host); the other
 * way round when the bridge asks. A routed hop crosses no bridge hook.
 */
export function arpLegs(ends: ArpEnds): { request: NdLeg[]; reply: NdLeg[] } {
  const leg = (hook: string, io: Omit<NdLeg, "family" | "hook" | "bridge">): NdLeg => ({
    family: "bridge",
    hook,
    bridge: ends.bridge,
    ...io,
  });
  const { askerPort: a, targetPort: t } = ends;
  if (a !== undefined && t !== undefined) {
    const hooks = ["PREROUTING", "FORWARD", "POSTROUTING"];
    return {
      request: hooks.map((h) => leg(h, { in: a, out: t })),
      reply: hooks.map((h) => leg(h, { in: t, out: a })),
    };
  }
  const port = (a ?? t) as string;
  const into = [leg("PREROUTING", { in: port }), leg("INPUT", { in: port })];
  const outOf = [leg("OUTPUT", { out: port, own: true }), leg("POSTROUTING", { out: port, own: true })];
  return a !== undefined ? { request: into, reply: outOf } : { request: outOf, reply: into };
}

/**
 * An ARP request (broadcast, who-has `target` tell `sender`) or its reply (unicast back to the asker:
 * `replyType` `other` where a bridge forwards it to another host's MAC, default `host`).
 */
export function arpFrame(
  op: "request" | "reply",
  sender: string,
  target: string,
  macs: { asker?: string; target?: string },
  replyType: "host" | "other" = "host",
): SimPacket {
  const request = op === "request";
  return {
    arp: true,
    src: request ? sender : target,
    dst: request ? target : sender,
    proto: "icmp",
    ttl: 0,
    id: 0,
    len: 28,
    ipFlags: [],
    mark: 0,
    pktType: request ? "broadcast" : replyType,
    ...(request
      ? { macSrc: macs.asker, macDst: "ff:ff:ff:ff:ff:ff" }
      : { macSrc: macs.target, macDst: macs.asker }),
  };
}
