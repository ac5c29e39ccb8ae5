/**
 * The NAT a packet got after its last logged line, read off the other direction of its connection.
 * A LOG rule in nat POSTROUTING runs before the MASQUERADE after it, so no line of the request shows
 * its new source; the reply does, addressed to it until conntrack undoes the rewrite.
 */
import type { Endpoints, Packet } from "../model/packet.ts";

/** A rewrite no line of the packet shows: `from` is its last line's addresses. */
export interface UnseenRewrite {
  /** `snat` when the source changes, `dnat` when the destination does, `both`. */
  kind: "snat" | "dnat" | "both";
  /** Index in the packet's events of its last line with addresses: the rewrite came after it. */
  afterEvent: number;
  from: Endpoints;
  to: Endpoints;
}

/**
 * What `packet` became after its last line, as `other` (the other direction of its flow) shows it.
 * Only read from a rewrite `other` itself shows (so its addresses before that rewrite are the
 * translated ones, not a line already past its own NAT); undefined when nothing is unseen.
 */
export function unseenRewrite(packet: Packet, other: Packet): UnseenRewrite | undefined {
  let afterEvent = packet.events.length - 1;
  while (afterEvent >= 0 && !packet.events[afterEvent]?.ip) afterEvent--;
  const last = packet.events[afterEvent];
  if (!last?.ip) return undefined;
  const from: Endpoints = { src: last.ip.src, dst: last.ip.dst };
  if (last.l4?.sport !== undefined) from.sport = last.l4.sport;
  if (last.l4?.dport !== undefined) from.dport = last.l4.dport;
  const to: Endpoints = { ...from };
  let src = false;
  let dst = false;
  let srcRead = false;
  let dstRead = false;
  // Only the other side's first rewrite of each address: its addresses before it are the translated ones.
  for (const r of other.rewrites) {
    // The other side's destination before its rewrite is our translated source; its source, our destination.
    if (r.kind !== "snat" && !srcRead) {
      srcRead = true;
      if (r.from.dst !== to.src) [to.src, src] = [r.from.dst, true];
      if (to.sport !== undefined && r.from.dport !== undefined && r.from.dport !== to.sport)
        [to.sport, src] = [r.from.dport, true];
    }
    if (r.kind !== "dnat" && !dstRead) {
      dstRead = true;
      if (r.from.src !== to.dst) [to.dst, dst] = [r.from.src, true];
      if (to.dport !== undefined && r.from.sport !== undefined && r.from.sport !== to.dport)
        [to.dport, dst] = [r.from.sport, true];
    }
  }
  if (!src && !dst) return undefined;
  return { kind: src && dst ? "both" : src ? "snat" : "dnat", afterEvent, from, to };
}
