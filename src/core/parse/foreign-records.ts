/**
 * Lines of firewall tools that hold a packet's or a connection's addresses in a form packetwalk does
 * not read: ulogd's conntrack events (`[DESTROY] ORIG: SRC=.. DST=.. , REPLY: ..`) and Sophos UTM's
 * packet filter records (`sub="packetfilter" ... srcip=".." dstip=".."`). Each is a grouped warning,
 * so that a log of them alone is not reported as holding no netfilter line at all.
 */
import type { ParsedLine } from "./parsed-line.ts";

/**
 * ulogd's NFCT plugin through PRINTFLOW: an event in brackets, maybe a tag (`GW16`), then the original
 * direction; ulogd 2.0's first PRINTFLOW printed one direction a line (`DIR=ORIG  SRC=..`).
 */
const CONNTRACK_EVENT = /^(?:\[(?:NEW|UPDATE|DESTROY)\] +(?:\S+ +){0,3}ORIG: |DIR=(?:ORIG|REPLY) +)SRC=/;

/** A line that failed every reader and is one of these records, as a warning; undefined otherwise. */
export function foreignRecord(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  if ((c === 91 /* [ */ || c === 68) /* D */ && CONNTRACK_EVENT.test(line.slice(bodyStart, bodyStart + 80)))
    return {
      kind: "error",
      severity: "warning",
      group: "conntrack-event",
      column: bodyStart + 1,
      message:
        "expected a packet's line, found a connection tracking event (ulogd's NFCT output, '[DESTROY] ORIG: SRC=...'): it says when a connection began or ended, not which hooks a packet passed, and was not read",
      hint: "log the packets themselves with a LOG or NFLOG rule (ulogd's LOGEMU plugin writes NFLOG packets as the kernel's LOG lines)",
    };
  const at = line.indexOf(' sub="packetfilter" ', bodyStart);
  if (at < 0 || line.indexOf(' srcip="', at) < 0) return undefined;
  return {
    kind: "error",
    severity: "warning",
    group: "sophos-packetfilter",
    column: at + 2,
    message:
      'expected a kernel LOG line, found a Sophos UTM packet filter record (sub="packetfilter" srcip="..."): its fields are not read',
    hint: "packetwalk reads the kernel's LOG lines ('IN=eth0 OUT= ... SRC=... DST=...') and the trace tools' output; give those where the firewall has them",
  };
}
