/**
 * Lines of firewall tools that hold a connection's addresses in a form packetwalk does not read:
 * ulogd's conntrack events (`[DESTROY] ORIG: SRC=.. DST=.. , REPLY: ..`). A grouped warning, so
 * that a log of them alone is not reported as holding no netfilter line at all.
 */
import type { ParsedLine } from "./parsed-line.ts";

/**
 * ulogd's NFCT plugin through PRINTFLOW: an event in brackets, maybe a tag (`GW16`), then the original
 * direction; ulogd 2.0's first PRINTFLOW printed one direction a line (`DIR=ORIG  SRC=..`).
 */
const CONNTRACK_EVENT = /^(?:\[(?:NEW|UPDATE|DESTROY)\] +(?:\S+ +){0,3}ORIG: |DIR=(?:ORIG|REPLY) +)SRC=/;

/** A line that failed every reader and is such an event, as a warning; undefined otherwise. */
export function foreignRecord(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  if (
    !((c === 91 /* [ */ || c === 68) /* D */ && CONNTRACK_EVENT.test(line.slice(bodyStart, bodyStart + 80)))
  )
    return undefined;
  return {
    kind: "error",
    severity: "warning",
    group: "conntrack-event",
    column: bodyStart + 1,
    message: "expected a packet's line, found a conntrack event (ulogd's NFCT output): not read",
    hint: "log the packets with a LOG or NFLOG rule",
  };
}
