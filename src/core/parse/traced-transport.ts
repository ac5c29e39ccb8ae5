/**
 * xtables-monitor's `PACKET:` lines print ports without the protocol: on kernel 6.18 with iptables
 * 1.8.9, SCTP, UDP-Lite and DCCP read exactly as UDP does (`SPORT=.. DPORT=..`, no TCP flags), so the
 * field reader guesses UDP; ICMP shows no transport at all. A rule the packet matched on its way may
 * name the protocol (`-p sctp`, `-p icmp`): then the guess is corrected, the gap filled.
 */
import { protocolWords } from "../model/ip-protocols.ts";
import type { TraceEvent } from "../model/packet.ts";

/** A rule's protocol option as iptables-save prints it (`-p sctp`, `! -p sctp` for anything but). */
const RULE_PROTO = /(?:^|\s)(!\s+)?-p\s+(\S+)/;

/** The transports with ports that xtables-monitor prints like UDP, by the words and numbers `-p` takes. */
const LIKE_UDP: Readonly<Record<string, string>> = {
  sctp: "sctp",
  "132": "sctp",
  udplite: "udplite",
  "136": "udplite",
  dccp: "dccp",
  "33": "dccp",
};

/** The protocols {@link nameTracedTransport} gives an xtables-monitor line read as UDP. */
export const TRACED_LIKE_UDP: ReadonlySet<string> = new Set(Object.values(LIKE_UDP));

/**
 * ICMP by the words and numbers `-p` takes: xtables-monitor prints no transport for it at all (kernel
 * 6.18, iptables 1.8.9: `... TTL=64 ID=25021 DF`), so its lines read as bare IP.
 */
const PORTLESS: Readonly<Record<string, string>> = {
  icmp: "icmp",
  "1": "icmp",
  "ipv6-icmp": "icmpv6",
  icmpv6: "icmpv6",
  "58": "icmpv6",
};

/**
 * Names the transport of a packet's xtables-monitor events from a rule it matched (a `rule` trace
 * line is printed only for a rule that matched): the guessed UDP becomes the SCTP, UDP-Lite or DCCP
 * the rule names, and lines that showed no transport take the ICMP (ICMPv6) it names, its type
 * unknown. No such rule: the lines stay as read.
 */
export function nameTracedTransport(events: TraceEvent[]): void {
  let proto: string | undefined;
  let portless: string | undefined;
  for (const e of events) {
    if (e.source !== "xtables-monitor" || !e.verdicts) continue;
    for (const v of e.verdicts) {
      const m = v.kind === "rule" && v.text ? RULE_PROTO.exec(v.text) : null;
      if (!m || m[1]) continue;
      const word = (m[2] as string).toLowerCase();
      if (LIKE_UDP[word]) proto = LIKE_UDP[word];
      if (PORTLESS[word]) portless = PORTLESS[word];
    }
  }
  if (proto !== undefined) nameGuessedUdp(events, proto);
  if (portless === undefined) return;
  // One record for the packet's lines: nothing changes a read event's layer-4 record.
  const l4 = { proto: portless };
  for (const e of events)
    if (e.source === "xtables-monitor" && e.ip && !e.l4 && e.ip.src.includes(":") === (portless === "icmpv6"))
      e.l4 = l4;
}

/**
 * Whether `e` is an xtables-monitor line's ICMP (ICMPv6) without its type: one a matched rule named
 * (see {@link nameTracedTransport}), or a bridge or arp chain's line whose network header gave the
 * protocol alone. It is keyed as the bare IP that the IP family's lines of its flow, which no such
 * rule matched, read as: one ping's request and reply stay one flow.
 */
export function ruleNamedIcmp(e: TraceEvent): boolean {
  return (
    e.source === "xtables-monitor" &&
    (e.l4?.proto === "icmp" || e.l4?.proto === "icmpv6") &&
    e.l4.icmpType === undefined
  );
}

/**
 * Renames the UDP that xtables-monitor events were read as to `proto` (SCTP, UDP-Lite or DCCP, as
 * its flow was named by another packet's rule); true when an event was renamed.
 */
export function nameGuessedUdp(events: TraceEvent[], proto: string): boolean {
  if (!TRACED_LIKE_UDP.has(proto)) return false;
  let renamed = false;
  // A copy: packet-line fields may be shared between events.
  for (const e of events)
    if (guessedUdp(e) && e.l4) {
      e.l4 = { ...e.l4, proto };
      renamed = true;
    }
  return renamed;
}

/** Whether `e` is an xtables-monitor event read as UDP (what SCTP, UDP-Lite and DCCP read as too). */
export function guessedUdp(e: TraceEvent): boolean {
  return e.source === "xtables-monitor" && e.l4?.proto === "udp" && !e.l4.tcpFlags;
}

/**
 * `summary` of a packet read as UDP (see {@link guessedUdp}) with the protocol its flow was named
 * (`proto`) in place of the UDP it begins with; as it is for any other protocol.
 */
export function renameUdpSummary(summary: string, proto: string): string {
  return TRACED_LIKE_UDP.has(proto) ? summary.replace(/^UDP /, `${protocolWords(proto)} `) : summary;
}
