/**
 * IPv6 neighbor discovery as a request and its reply: a neighbor solicitation goes to the target's
 * solicited-node multicast group (or to the target itself, when a neighbor is probed again), and the
 * advertisement comes back to the soliciting address from the target. No tuple of the two is the
 * other's reverse, so they are tied by the soliciting address and the target's last 24 bits, which
 * the solicited-node group carries (the LOG line does not print the target itself).
 */
import type { TraceEvent } from "../model/packet.ts";
import { parseIpv6 } from "./ipv6.ts";

/** ICMPv6 neighbor solicitation and advertisement. */
const SOLICITATION = 135;
const ADVERTISEMENT = 136;

/** What ties a solicitation to its advertisement (see the module comment). */
export interface NeighborKeys {
  /** A solicitation: the key its advertisement will look up. */
  solicits?: string;
  /** An advertisement sent to one address: the key of the solicitation it answers. */
  answers?: string;
}

/** The key of a solicitation from `asker` for a target ending in the 24 bits `low`. */
function key(asker: number[], low: number): string {
  return `nd ${asker.map((g) => g.toString(16)).join(":")} ${low.toString(16)}`;
}

/** The last 24 bits of an address. */
function low24(groups: number[]): number {
  return (((groups[6] as number) & 0xff) << 16) | (groups[7] as number);
}

/** The solicitation or advertisement `packet` is, as {@link NeighborKeys}; empty for any other packet. */
export function neighborKeys(events: readonly TraceEvent[]): NeighborKeys {
  for (const ev of events) {
    const l4 = ev.l4;
    const ip = ev.ip;
    if (!ip || l4?.proto !== "icmpv6") continue;
    if (l4.icmpType !== SOLICITATION && l4.icmpType !== ADVERTISEMENT) return {};
    const src = parseIpv6(ip.src);
    const dst = parseIpv6(ip.dst);
    if (!src || !dst) return {};
    const multicast = dst[0] !== undefined && dst[0] >= 0xff00;
    if (l4.icmpType === ADVERTISEMENT)
      // An advertisement to a group (unsolicited, or defending an address) answers nobody in particular.
      return multicast ? {} : { answers: key(dst, low24(src)) };
    // Duplicate address detection asks from `::`: its answer goes to all nodes, not back.
    if (src.every((g) => g === 0)) return {};
    const solicitedNode = dst[0] === 0xff02 && dst[5] === 1 && ((dst[6] as number) & 0xff00) === 0xff00;
    if (multicast && !solicitedNode) return {};
    return { solicits: key(src, low24(dst)) };
  }
  return {};
}
