/**
 * Lines of firewall tools that hold a packet's or a connection's addresses in a form packetwalk does
 * not read: ulogd's conntrack events (`[DESTROY] ORIG: SRC=.. DST=.. , REPLY: ..`), the conntrack tool's
 * entries and events (`conntrack -L`, `-E`: `[NEW] udp      17 30 src=.. dst=..`), and Sophos's packet
 * filter records (UTM: `sub="packetfilter" ... srcip=".."`; Sophos Firewall: `log_type="Firewall" ...
 * src_ip=..`), and tcpdump's output (`12:00:00.123456 IP 198.51.100.2.5353 > 203.0.113.5.53: ..`). A grouped
 * warning per kind, so that a log of them is never skipped in silence.
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

/**
 * tcpdump 4.99's packet lines, as it prints them with each time stamp option (none with -t, `-tt`'s
 * epoch, `-ttt`'s delta; `-tttt`'s date reads as an envelope before the body): with `-i any` the
 * interface and direction (`vlb   In  `, and `ifindex 2 ` with -e), then `IP`/`IP6` and the
 * addresses (`a > b: `) or `-v`'s header (`IP (tos ..`), `ARP, `, or `-e`'s link header (`MAC > MAC,
 * ethertype `); `-v`'s second line (`    a > b: `); and what it writes on stderr around them.
 */
const TCPDUMP =
  /^(?:(?:\d+:\d\d:\d\d|\d{9,})\.\d{6,9} )?(?:[\w.:@-]+ +(?:In|Out|B|M|P) +(?:ifindex \d+ )?)?(?:IP6? (?:\(|\S+ > \S+: )|R?ARP, |(?:[\da-f]{2}:){5}[\da-f]{2} (?:> \S+, )?ethertype )|^ {4}\S+ > \S+: |^(?:listening on|reading from file) .*, link-type |^tcpdump: |^\d+ packets? (?:captured|received by filter|dropped by (?:kernel|interface))$/;

/** A line that failed every reader and is such a record, as a warning; undefined otherwise. */
export function foreignRecord(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  // A digit, a space, `A`, `I`, `R` or a lower-case letter first (tcpdump's); tested on the line's start only.
  if (
    ((c >= 48 && c <= 57) || c === 32 || c === 65 || c === 73 || c === 82 || (c >= 97 && c <= 122)) &&
    TCPDUMP.test(line.slice(bodyStart, bodyStart + 160))
  )
    return {
      kind: "error",
      severity: "warning",
      group: "tcpdump-output",
      column: bodyStart + 1,
      message:
        "expected a kernel LOG line, found tcpdump's output (packets as an interface saw them): not read",
      hint: "tcpdump shows no hook, chain or rule a packet crossed: log the packets with iptables -j LOG or an nft log rule and give that log (dmesg, journalctl -k), or trace them with nft monitor trace",
    };
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
