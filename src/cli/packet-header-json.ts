/**
 * The `header` of a packet's `--json` line: what its summary says in words, as fields a script can
 * read (addresses, protocol, ports, flags, ICMP type), taken from the same event the summary is
 * (`bestEvent`): the packet as first logged with its whole header, before any NAT the `rewrites` list.
 */
import type { Endpoints, Rewrite, TraceEvent } from "../core/model/packet.ts";
import { canonicalIpv6 } from "../core/parse/ipv6.ts";
import { bestEvent } from "../core/parse/summarize-packet.ts";

/** The header fields of a packet: IP (with its transport), ARP, or a bare frame's MACs. */
export type PacketHeader =
  // `proto`: a name (`tcp`, `icmpv6`, `gre`) or, for a protocol without one, its number as text.
  | {
      proto: string;
      src: string;
      dst: string;
      sport?: number;
      dport?: number;
      tcpFlags?: string[];
      icmpType?: number;
      icmpCode?: number;
      icmpId?: number;
      icmpSeq?: number;
      /** The next-hop MTU a fragmentation-needed (ICMPv6: packet-too-big) error gives (`MTU=`). */
      mtu?: number;
      /** The packet's total length, as logged (LEN=, nft's `ip length`). */
      len?: number;
      /** TTL, or the IPv6 hop limit. */
      ttl?: number;
      /** The IPv4 identification. */
      id?: number;
      /** A fragment's offset in its datagram, in bytes (0 for the first). */
      fragmentOffset?: number;
      /** A fragment other than the last. */
      moreFragments?: boolean;
      /** The outer IPv4 addresses of the 6in4 (SIT) tunnel it came in through (LOG's `TUNNEL=`). */
      tunnel?: { src: string; dst: string };
    }
  | { proto: "arp"; opcode: number; src?: string; dst?: string; macSrc?: string; macDst?: string }
  | { proto: "ether"; macSrc?: string; macDst?: string; ethType?: string };

/** Copies the fields of `from` named in `keys` that are set. */
function defined<T extends object>(
  from: T | undefined,
  keys: readonly (keyof T)[],
  into: Record<string, unknown>,
) {
  if (!from) return;
  for (const k of keys) if (from[k] !== undefined) into[k as string] = from[k];
}

const L4_KEYS = ["sport", "dport", "tcpFlags", "icmpType", "icmpCode", "icmpId", "icmpSeq", "mtu"] as const;
const IP_KEYS = ["len", "ttl", "id"] as const;

/**
 * The fields of an IP header and its transport (a packet's, or the one an ICMP error quotes): IPv6
 * addresses in short form, as the summary writes them (a LOG line prints all 32 digits, a trace the short form).
 */
export function ipHeader(ip: NonNullable<TraceEvent["ip"]>, l4: TraceEvent["l4"]): PacketHeader {
  const v6 = ip.src.includes(":");
  const address = (a: string) => (v6 ? (canonicalIpv6(a) ?? a) : a);
  const h: Record<string, unknown> = { proto: l4?.proto ?? "ip", src: address(ip.src), dst: address(ip.dst) };
  defined(l4, L4_KEYS, h);
  defined(ip, IP_KEYS, h);
  const more = ip.flags?.includes("MF") ?? false;
  // IPv4 counts the offset in 8-byte units, an IPv6 line prints bytes (see `IpInfo.fragment`).
  const offset = (ip.fragment ?? 0) * (v6 ? 1 : 8);
  if (offset > 0 || more) {
    h.fragmentOffset = offset;
    if (more) h.moreFragments = true;
  }
  return h as PacketHeader;
}

/** The header of the packet whose events are `events`, or undefined for a packet without events. */
export function packetHeader(events: readonly TraceEvent[]): PacketHeader | undefined {
  const ev = bestEvent(events);
  if (!ev) return undefined;
  if (ev.ip) {
    const h = ipHeader(ev.ip, ev.l4);
    // The tunnel is the packet's own outer header, not its quote's: only here, not in `ipHeader`.
    if (ev.tunnel) (h as { tunnel?: unknown }).tunnel = ev.tunnel;
    return h;
  }
  if (ev.arp) {
    const a = ev.arp;
    const h: Record<string, unknown> = { proto: "arp", opcode: a.opcode };
    if (a.ipSrc !== undefined) h.src = a.ipSrc;
    if (a.ipDst !== undefined) h.dst = a.ipDst;
    // The frame's MACs, whatever the line prints of the ARP payload (nft's trace prints none of it).
    const macSrc = ev.macSrc ?? a.macSrc;
    const macDst = ev.macDst ?? a.macDst;
    if (macSrc !== undefined) h.macSrc = macSrc;
    if (macDst !== undefined) h.macDst = macDst;
    return h as PacketHeader;
  }
  const h: Record<string, unknown> = { proto: "ether" };
  if (ev.macSrc !== undefined) h.macSrc = ev.macSrc;
  if (ev.macDst !== undefined) h.macDst = ev.macDst;
  if (ev.ethType !== undefined) h.ethType = ev.ethType;
  return h as PacketHeader;
}

/** `e` with IPv6 addresses in short form. */
function shortEndpoints(e: Endpoints): Endpoints {
  return { ...e, src: canonicalIpv6(e.src) ?? e.src, dst: canonicalIpv6(e.dst) ?? e.dst };
}

/**
 * The rewrites as `--json` writes them: IPv6 addresses in short form, as in `header` (the events
 * keep the form their lines printed, a LOG line's all 32 digits), so a script can compare them.
 */
export function shownRewrites(rewrites: readonly Rewrite[]): readonly Rewrite[] {
  if (!rewrites.some((r) => r.from.src.includes(":"))) return rewrites;
  return rewrites.map((r) => ({ ...r, from: shortEndpoints(r.from), to: shortEndpoints(r.to) }));
}
