/**
 * Where a ruleset may stop ARP. The walk sends no ARP of its own packets' making, but on a real machine
 * an arp-family chain or a bridge rule that drops ARP frames leaves the neighbour unresolved, and the IP
 * packet behind it is never sent (kernel 6.18: `ebtables -A FORWARD -p ARP -j DROP` on br0, a bridge
 * forward chain with policy drop that accepts IPv4 alone, or an `arp` table's input chain with policy
 * drop, and a ping across or to the bridge was lost, the sender's neighbour entry INCOMPLETE). The
 * request and its reply are built here and run through the chains they cross.
 */

import type { HookSlot } from "./hook-order.ts";
import type { NdLeg } from "./neighbour-discovery-filter.ts";
import type { Ruleset } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";

/**
 * Where an ARP exchange goes through the machine the ruleset filters: `forward`, between two ports of its
 * bridge (the request and the reply cross bridge PREROUTING, FORWARD and POSTROUTING, no arp hook); `local`,
 * between a port and the bridge itself or sent by the bridge (bridge PREROUTING, INPUT, OUTPUT, POSTROUTING,
 * and the arp family's input and output); `routed`, on a link that is no bridge port (the arp hooks alone).
 */
export type ArpHop = "forward" | "local" | "routed";

/**
 * The arp family's hooks an exchange with the filtering machine itself crosses (an arp chain never sees a
 * bridged frame; nft has no arp forward hook): the host's own request leaves through `output` and the
 * reply comes in through `input`; a neighbour's request to the host comes in through `input` and the
 * host's reply leaves through `output`.
 */
export function arpHookLegs(hostAsks: boolean, dev: string): { request: NdLeg[]; reply: NdLeg[] } {
  const out: NdLeg = { family: "arp", hook: "OUTPUT", out: dev, own: true };
  const into: NdLeg = { family: "arp", hook: "INPUT", in: dev };
  return hostAsks ? { request: [out], reply: [into] } : { request: [into], reply: [out] };
}

/** The base chains of the `arp` tables of `ruleset` at `hook` (`INPUT`, `OUTPUT`), in priority order. */
export function arpSlots(ruleset: Ruleset, hook: string): HookSlot[] {
  const out: HookSlot[] = [];
  for (const table of ruleset.nft ?? [])
    if (table.family === "arp")
      for (const chain of table.chains.values())
        if (chain.base?.hook === hook.toLowerCase())
          out.push({ family: "bridge", table, chain: chain.name, priority: chain.base.priority, nat: false });
  return out.sort((a, b) => a.priority - b.priority);
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
    arp: op,
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
