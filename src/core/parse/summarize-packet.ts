/**
 * Readable one-line summaries of packets (`ICMP echo-request 172.18.0.3 -> 172.18.0.2`,
 * `TCP SYN-ACK 172.18.0.2:80 -> 198.51.100.10:40000`) and TCP flag names.
 */

import { protocolWords } from "../model/ip-protocols.ts";
import type { IpInfo, L4Info, Packet, TraceEvent } from "../model/packet.ts";
import { canonicalIpv6 } from "./ipv6.ts";

const ICMP_NAMES: Record<number, string> = {
  0: "echo-reply",
  3: "destination-unreachable",
  4: "source-quench",
  5: "redirect",
  8: "echo-request",
  11: "time-exceeded",
  12: "parameter-problem",
  13: "timestamp-request",
  14: "timestamp-reply",
};
const ICMP6_NAMES: Record<number, string> = {
  1: "destination-unreachable",
  2: "packet-too-big",
  3: "time-exceeded",
  4: "parameter-problem",
  128: "echo-request",
  129: "echo-reply",
  // MLD by the names nft gives them (icmpv6-types.ts): every IPv6 host sends MLDv2 reports.
  130: "mld-listener-query",
  131: "mld-listener-report",
  132: "mld-listener-done",
  133: "router-solicitation",
  134: "router-advertisement",
  135: "neighbor-solicitation",
  136: "neighbor-advertisement",
  137: "redirect",
  138: "router-renumbering",
  141: "inverse-neighbor-solicitation",
  142: "inverse-neighbor-advertisement",
  143: "mld2-listener-report",
};
const UNREACH_CODES: Record<number, string> = {
  0: "net-unreachable",
  1: "host-unreachable",
  2: "protocol-unreachable",
  3: "port-unreachable",
  4: "fragmentation-needed",
  9: "net-prohibited",
  10: "host-prohibited",
  13: "admin-prohibited",
};

/** The order flags are named in: `SYN-ACK`, `FIN-ACK`, `PSH-ACK`, `RST-ACK`. */
const FLAG_ORDER = ["SYN", "FIN", "RST", "PSH", "URG", "ACK", "ECE", "CWR", "AE"];

/**
 * Names a TCP flag set the way people say it: `SYN`, `SYN-ACK`, `ACK`,
 * `FIN-ACK`, `PSH-ACK`, `RST`. An empty set is `none`.
 */
export function tcpFlagName(flags: readonly string[] | undefined): string {
  if (!flags || flags.length === 0) return "none";
  const set = new Set(flags.map((f) => f.toUpperCase()));
  const main = FLAG_ORDER.filter((f) => set.has(f) && f !== "ECE" && f !== "CWR" && f !== "AE");
  return (main.length ? main : FLAG_ORDER.filter((f) => set.has(f))).join("-");
}

/** The ICMP (or ICMPv6) type name for a number, or `type N`. */
export function icmpTypeName(type: number | undefined, v6 = false): string {
  if (type === undefined) return "";
  return (v6 ? ICMP6_NAMES : ICMP_NAMES)[type] ?? `type ${type}`;
}

/** An address (and port) as a reader writes it: IPv6 in short form (the kernel prints all 32 digits). */
export function endpoint(written: string, port: number | undefined): string {
  const addr = written.includes(":") ? (canonicalIpv6(written) ?? written) : written;
  if (port === undefined) return addr;
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function describeL4(l4: L4Info | undefined, v6: boolean): string {
  // No transport known (an IPv6 extension header came first, or a line without PROTO=).
  if (!l4) return v6 ? "IPv6" : "IP";
  switch (l4.proto) {
    case "tcp":
      return l4.tcpFlags ? `TCP ${tcpFlagName(l4.tcpFlags)}` : "TCP";
    case "icmp":
    case "icmpv6": {
      const name = icmpTypeName(l4.icmpType, l4.proto === "icmpv6");
      const code = l4.icmpType === 3 && l4.proto === "icmp" ? UNREACH_CODES[l4.icmpCode ?? -1] : undefined;
      return `${l4.proto === "icmp" ? "ICMP" : "ICMPv6"}${name ? ` ${code ?? name}` : ""}`;
    }
    default:
      return protocolWords(l4.proto);
  }
}

/**
 * Where a fragment sits in its datagram (`, first fragment`, `, fragment at byte 1480`, `, last fragment
 * at byte 2960`), or "" for a whole packet: a later fragment shows no transport header, so without
 * this its summary reads like an ICMP or IPv6 packet of its own.
 */
export function fragmentWords(ip: IpInfo, v6: boolean): string {
  const more = ip.flags?.includes("MF") ?? false;
  // IPv4 counts the offset in 8-byte units, the IPv6 line prints it in bytes (see `IpInfo.fragment`).
  const offset = (ip.fragment ?? 0) * (v6 ? 1 : 8);
  if (offset === 0) return more ? ", first fragment" : "";
  return `, ${more ? "" : "last "}fragment at byte ${offset}`;
}

/** Summarises one event's packet (used for a packet's first IP-bearing event). */
export function summarizeEvent(ev: TraceEvent): string {
  if (ev.ip) {
    const l4 = ev.l4;
    // Any transport whose ports were printed (SCTP and DCCP too, by ebtables and nft trace).
    const src = endpoint(ev.ip.src, l4?.sport);
    const dst = endpoint(ev.ip.dst, l4?.dport);
    const v6 = ev.ip.src.includes(":");
    return `${describeL4(l4, v6)} ${src} -> ${dst}${fragmentWords(ev.ip, v6)}`;
  }
  if (ev.arp) {
    const a = ev.arp;
    // nft's trace prints an ARP frame's operation only: its frame's addresses say who asked whom.
    if (a.ipSrc === undefined && a.ipDst === undefined && ev.macSrc && (a.opcode === 1 || a.opcode === 2))
      return `ARP ${a.opcode === 1 ? "request" : "reply"} ${ev.macSrc} -> ${ev.macDst ?? "?"}`;
    if (a.opcode === 1) return `ARP who-has ${a.ipDst ?? "?"} tell ${a.ipSrc ?? "?"}`;
    if (a.opcode === 2) return `ARP reply ${a.ipSrc ?? "?"} is-at ${a.macSrc ?? "?"}`;
    return `ARP opcode ${a.opcode}`;
  }
  // A TRACE line whose packet line is missing or was refused: "frame ? -> ?" would claim a frame.
  if (
    ev.traceId !== undefined &&
    ev.macSrc === undefined &&
    ev.macDst === undefined &&
    ev.ethType === undefined
  )
    return `trace ${ev.traceId}: no line shows its headers`;
  return `frame ${ev.macSrc ?? "?"} -> ${ev.macDst ?? "?"}${ev.ethType ? ` type ${ev.ethType}` : ""}`;
}

/**
 * The event that says most about the packet: the first with a full IP header
 * (LOG/TRACE lines), else the first with any IP data (ebtables), ARP, or the first.
 */
export function bestEvent(events: readonly TraceEvent[]): TraceEvent | undefined {
  return (
    events.find((e) => e.ip?.len !== undefined && e.l4?.proto) ??
    events.find((e) => e.ip?.len !== undefined) ??
    events.find((e) => e.ip) ??
    events.find((e) => e.arp) ??
    events[0]
  );
}

/**
 * The packet's summary: what the first IP-bearing event shows, plus the NAT
 * rewrites seen along the way (`, DNAT to 172.18.0.2:80`). On a reply no NAT
 * rule runs: conntrack undoes the request's translation, written `un-SNAT to`
 * (a new destination) and `un-DNAT to` (a new source).
 */
export function summarizePacket(
  packet: Pick<Packet, "events" | "rewrites"> & Partial<Pick<Packet, "direction" | "copyOf">>,
): string {
  const first = bestEvent(packet.events);
  if (!first) return "empty packet";
  const reply = packet.direction === "reply";
  let text = summarizeEvent(first);
  for (const r of packet.rewrites) {
    if (r.kind !== "snat") text += `, ${reply ? "un-SNAT" : "DNAT"} to ${endpoint(r.to.dst, r.to.dport)}`;
    if (r.kind !== "dnat") text += `, ${reply ? "un-DNAT" : "SNAT"} to ${endpoint(r.to.src, r.to.sport)}`;
  }
  if (packet.copyOf) text += `, a copy (TEE or dup) of the packet of line ${packet.copyOf.line}`;
  return text;
}
