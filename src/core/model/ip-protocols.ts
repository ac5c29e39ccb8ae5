/** IP protocols in words, for what a reader sees of a packet the kernel logged by number (`PROTO=47`). */

/** Names of the IP protocols a host's log shows most, by number as the LOG line prints them, and a few by word. */
/**
 * The transport of an ebtables IPv6 line whose `Next Header=` is an extension header but which
 * prints ports: ebt_log skipped to a TCP, UDP, UDP-Lite, SCTP or DCCP header without naming it.
 */
export const UNNAMED_PORTS_TRANSPORT = "ports";

/** Why a flow whose packets never named their transport (only {@link UNNAMED_PORTS_TRANSPORT}) cannot be followed. */
export const UNNAMED_PORTS_WHY =
  "ebtables printed its ports behind an IPv6 extension header without naming the transport, and no packet of the flow names it: TCP, UDP, SCTP or DCCP cannot be told";

const PROTOCOLS: Record<string, string> = {
  "1": "ICMP",
  "2": "IGMP",
  "4": "IP-in-IP",
  "6": "TCP",
  "17": "UDP",
  "33": "DCCP",
  "41": "IPv6-in-IPv4",
  "47": "GRE",
  "50": "ESP (IPsec)",
  "51": "AH (IPsec)",
  "58": "ICMPv6",
  "89": "OSPF",
  "103": "PIM",
  "112": "VRRP",
  "132": "SCTP",
  "136": "UDP-Lite",
  icmpv6: "ICMPv6",
  udplite: "UDP-Lite",
  [UNNAMED_PORTS_TRANSPORT]: "TCP/UDP/SCTP/DCCP behind IPv6 extension headers",
};

/**
 * A protocol as a reader reads it: `GRE (protocol 47)` for a known number, `IP protocol 250` for
 * another, `UDP-Lite` / `ICMPv6` for the words the parser keeps, else the word in capitals.
 */
export function protocolWords(proto: string): string {
  // An own key only: a word such as `constructor` names no protocol.
  const named = Object.hasOwn(PROTOCOLS, proto) ? PROTOCOLS[proto] : undefined;
  if (named) return /^\d+$/.test(proto) ? `${named} (protocol ${proto})` : named;
  return /^\d+$/.test(proto) ? `IP protocol ${proto}` : proto.toUpperCase();
}
