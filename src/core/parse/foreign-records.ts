/**
 * Lines of firewall tools that hold a packet's or a connection's addresses in a form packetwalk does
 * not read: ulogd's conntrack events (`[DESTROY] ORIG: SRC=.. DST=.. , REPLY: ..`), the conntrack tool's
 * entries and events (`conntrack -L`, `-E`: `[NEW] udp      17 30 src=.. dst=..`), and Sophos's
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
 * conntrack-tools' `conntrack -E` (an event in brackets, after `-o timestamp`'s stamp) and `-L` (with
 * `-o extended`, the family first): the protocol's name and number, a timeout but in a DESTROY event, a
 * TCP state, then the original direction's addresses, lower case.
 */
const CONNTRACK_TOOL =
  /^\s*(?:\[(?:NEW|UPDATE|DESTROY)\] +)?(?:ipv[46] +\d+ +)?[a-z][a-z0-9-]* +\d+ +(?:\d+ +)?(?:[A-Z_]+ +)?src=\S+ dst=/;

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
    return conntrackTool(line, bodyStart) ?? sophosRecord(line, bodyStart);
  return {
    kind: "error",
    severity: "warning",
    group: "conntrack-event",
    column: bodyStart + 1,
    message: "expected a packet's line, found a conntrack event (ulogd's NFCT output): not read",
    hint: "log the packets with a LOG or NFLOG rule",
  };
}

/** A line of the conntrack tool (see {@link CONNTRACK_TOOL}), as a warning; undefined otherwise. */
function conntrackTool(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  // A space, `[` or a lower-case letter first: any other line pays one character's test.
  if (!(c === 32 || c === 91 || (c >= 97 && c <= 122))) return undefined;
  if (!CONNTRACK_TOOL.test(line.slice(bodyStart, bodyStart + 120))) return undefined;
  return {
    kind: "error",
    severity: "warning",
    group: "conntrack-tool",
    column: bodyStart + 1,
    message:
      "expected a packet's line, found a conntrack entry or event (the conntrack tool's output): not read",
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
