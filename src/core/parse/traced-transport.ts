/**
 * xtables-monitor's `PACKET:` lines print ports without the protocol: on kernel 6.18 with iptables
 * 1.8.9, SCTP, UDP-Lite and DCCP read exactly as UDP does (`SPORT=.. DPORT=..`, no TCP flags), so the
 * field reader guesses UDP. A rule the packet matched on its way may name the protocol (`-p sctp`):
 * then the guess is corrected.
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
 * Renames the guessed UDP of a packet's xtables-monitor events to the SCTP, UDP-Lite or DCCP that a
 * rule it matched names (a `rule` trace line is printed only for a rule that matched). No such rule:
 * the guess stays.
 */
export function nameTracedTransport(events: TraceEvent[]): void {
  let proto: string | undefined;
  for (const e of events) {
    if (e.source !== "xtables-monitor" || !e.verdicts) continue;
    for (const v of e.verdicts) {
      const m = v.kind === "rule" && v.text ? RULE_PROTO.exec(v.text) : null;
      const named = m && !m[1] ? LIKE_UDP[(m[2] as string).toLowerCase()] : undefined;
      if (named) proto = named;
    }
  }
  if (proto !== undefined) nameGuessedUdp(events, proto);
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
