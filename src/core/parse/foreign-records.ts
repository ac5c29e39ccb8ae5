/**
 * Lines of firewall tools that hold a packet's or a connection's addresses in a form packetwalk does
 * not read: ulogd's conntrack events (`[DESTROY] ORIG: SRC=.. DST=.. , REPLY: ..`), the conntrack tool's
 * entries and events (`conntrack -L`, `-E`: `[NEW] udp      17 30 src=.. dst=..`), and Sophos's packet
 * filter records (UTM: `sub="packetfilter" ... srcip=".."`; Sophos Firewall: `log_type="Firewall" ...
 * src_ip=..`). A grouped warning per kind, so that a log of them is never skipped in silence.
 */
import type { ParsedLine } from "./parsed-line.ts";

/**
 * ulogd's NFCT plugin through PRINTFLOW: an event in brackets, maybe a tag (`GW16`), then the original
 * direction; ulogd 2.0's first PRINTFLOW printed one direction a line (`DIR=ORIG  SRC=..`). Or
 * conntrack-tools' `conntrack -E` (an event in brackets, after `-o timestamp`'s stamp) and `-L` (with
 * `-o extended`, the family first): the protocol's name and number, a timeout, a TCP state, then the
 * original direction's addresses, lower case.
 */
const CONNTRACK =
  /^(?:\[[A-Z]+\] +(?:\S+ +){0,3}ORIG: |DIR=[A-Z]+ +)SRC=|^\s*(?:\[[A-Z]+\] +)?(?:ipv\d +\d+ +)?[a-z][\w-]* +\d+ +(?:\d+ +)?(?:[A-Z_]+ +)?src=\S+ dst=/;

/**
 * Sophos UTM's packet filter (ulogd, its own key="value" output) and Sophos Firewall's (SFOS) firewall
 * log: the record's marker, then its source address further on.
 */
const SOPHOS = [' sub="packetfilter" ', ' srcip="', ' log_type="Firewall" ', " src_ip="];

/** A line that failed every reader and is such a record, as a warning; undefined otherwise. */
export function foreignRecord(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  // `[`, `D`, a space or a lower-case letter first: any other line pays one character's test.
  if (
    (c === 91 || c === 68 || c === 32 || (c >= 97 && c <= 122)) &&
    CONNTRACK.test(line.slice(bodyStart, bodyStart + 120))
  )
    return warning(
      "conntrack-event",
      bodyStart,
      "expected a packet's line, found a conntrack entry or event",
    );
  // Looked up as plain text: a line that failed every reader may be long.
  for (let k = 0; k < SOPHOS.length; k += 2) {
    const at = line.indexOf(SOPHOS[k] as string, bodyStart);
    if (at >= 0 && line.indexOf(SOPHOS[k + 1] as string, at) >= 0)
      return warning(
        "sophos-record",
        at + 1,
        "expected a kernel LOG line, found a Sophos packet filter record",
      );
  }
  return undefined;
}

/** The grouped warning for a record of `group` at `at` (0-based, before the record's first character). */
function warning(group: string, at: number, expected: string): ParsedLine {
  return {
    kind: "error",
    severity: "warning",
    group,
    column: at + 1,
    message: `${expected}: not read`,
    hint: "log the packets with a LOG or NFLOG rule",
  };
}
