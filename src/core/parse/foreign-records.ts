/**
 * Lines of firewall tools that hold a packet's or a connection's addresses in a form packetwalk does
 * not read: ulogd's conntrack events (`[DESTROY] ORIG: SRC=.. DST=.. , REPLY: ..`) and Sophos's
 * packet filter records (UTM: `sub="packetfilter" ... srcip=".."`; Sophos Firewall: `log_type="Firewall"
 * ... src_ip=..`). A grouped warning per kind, so that a log of them is never skipped in silence.
 */
import type { ParsedLine } from "./parsed-line.ts";

/**
 * ulogd's NFCT plugin through PRINTFLOW: an event in brackets, maybe a tag (`GW16`), then the original
 * direction; ulogd 2.0's first PRINTFLOW printed one direction a line (`DIR=ORIG  SRC=..`).
 */
const CONNTRACK_EVENT = /^(?:\[(?:NEW|UPDATE|DESTROY)\] +(?:\S+ +){0,3}ORIG: |DIR=(?:ORIG|REPLY) +)SRC=/;

/**
 * Sophos UTM's packet filter (ulogd, its own key="value" output) and Sophos Firewall's (SFOS) firewall
 * log: the record's marker, then its source address further on.
 */
const SOPHOS: readonly (readonly [marker: string, source: string])[] = [
  [' sub="packetfilter" ', ' srcip="'],
  [' log_type="Firewall" ', " src_ip="],
];

/** A line that failed every reader and is such a record, as a warning; undefined otherwise. */
export function foreignRecord(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  if (
    !((c === 91 /* [ */ || c === 68) /* D */ && CONNTRACK_EVENT.test(line.slice(bodyStart, bodyStart + 80)))
  )
    return sophosRecord(line, bodyStart);
  return {
    kind: "error",
    severity: "warning",
    group: "conntrack-event",
    column: bodyStart + 1,
    message: "expected a packet's line, found a conntrack event (ulogd's NFCT output): not read",
    hint: "log the packets with a LOG or NFLOG rule",
  };
}

/** A Sophos packet filter record (see {@link SOPHOS}), as a warning at its marker; undefined otherwise. */
function sophosRecord(line: string, bodyStart: number): ParsedLine | undefined {
  // Looked up as plain text: a line that failed every reader may be long.
  const at = SOPHOS.map(([m, src]) => {
    const i = line.indexOf(m, bodyStart);
    return i >= 0 && line.indexOf(src, i) >= 0 ? i : -1;
  }).find((i) => i >= 0);
  if (at === undefined) return undefined;
  return {
    kind: "error",
    severity: "warning",
    group: "sophos-record",
    column: at + 2,
    message: "expected a kernel LOG line, found a Sophos packet filter record: not read",
    hint: "give the kernel's LOG lines (IN=.. OUT=.. SRC=..) or a trace tool's output",
  };
}
