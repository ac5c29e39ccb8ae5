/**
 * Lines of firewall tools that hold a packet's or a connection's addresses in a form packetwalk does
 * not read: ulogd's conntrack events (`[DESTROY] ORIG: SRC=.. DST=.. , REPLY: ..`), the conntrack tool's
 * entries and events (`conntrack -L`, `-E`: `[NEW] udp      17 30 src=.. dst=..`), and Sophos's packet
 * filter records (UTM: `sub="packetfilter" ... srcip=".."`; Sophos Firewall: `log_type="Firewall" ...
 * src_ip=..`), tcpdump's output (`12:00:00.123456 IP 198.51.100.2.5353 > 203.0.113.5.53: ..`), pf's log
 * (pfSense's and OPNsense's filterlog: `filterlog[1234]: 5,,,1000000103,igb1,match,block,in,4,..`; pflog
 * as tcpdump prints it: `rule 3/0(match): block in on em0: ..`), MikroTik
 * RouterOS's firewall log (`firewall,info input: in:ether1 out:(unknown 0), ..`) and ulogd's OPRINT,
 * GPRINT and XML output (`===>PACKET BOUNDARY`, then `key=value` a line; `key=value,key=value,..` a packet
 * a line; `<log><when>..`).
 * A grouped warning per kind, so that a log of them is never skipped in silence.
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
 * ethertype `); `-v`'s second line (`    a > b: `); `-x`/`-X`'s hex lines (`<tab>0x0000:  4500 003c ..`,
 * also read with the tab made a space); and what it writes on stderr around them.
 */
const TCPDUMP =
  /^(?:(?:\d+:\d\d:\d\d|\d{9,})\.\d{6,9} )?(?:[\w.:@-]+ +(?:In|Out|B|M|P) +(?:ifindex \d+ )?)?(?:IP6? (?:\(|\S+ > \S+: )|R?ARP, |(?:[\da-f]{2}:){5}[\da-f]{2} (?:> \S+, )?ethertype )|^ {4}\S+ > \S+: |^[\t ]0x[\da-f]{4}: {2}[\da-f]{2}|^(?:listening on|reading from file) .*, link-type |^tcpdump: |^\d+ packets? (?:captured|received by filter|dropped by (?:kernel|interface))$/;

/**
 * pf's log as pfSense's and OPNsense's filterlog writes it (their documented raw filter log format): rule,
 * sub rule, anchor, tracker, interface, reason, action, direction and IP version, comma-separated; the
 * program's tag stays in the body when the syslog header has no host.
 */
const PF_FILTERLOG =
  /^(?:filterlog(?:\[\d+\])?: )?\d*,\d*,[^,]*,[^,]*,[\w.:-]+,[a-z-]+,[a-z-]+,[a-z/]*,[46],/;

/**
 * pf's own log (`pflog0`, `/var/log/pflog`) as tcpdump -e prints it (4.99: `rule 3/0(match): block in on
 * em0: `), after its time stamp if any (`-ttt`'s delta starts with a space: the indent is read past).
 */
const PFLOG =
  /^(?:(?:\d{4}-\d\d-\d\d )?(?:\d+:\d\d:\d\d|\d{9,})\.\d{6,9} )?rule [\w.-]*\d+\/\d*\(\w[\w-]*\): [a-z-]+ (?:in|out) on [\w.-]+: /;

/**
 * RouterOS's firewall log line: its `firewall,info` topics (after `/log print`'s date and time), maybe the
 * rule's log prefix, then the chain and its devices (`input: in:ether1 out:(unknown 0), `, `out:(none)`).
 */
const MIKROTIK =
  /^(?:(?:[A-Za-z]{3}\/\d\d(?:\/\d{4})? )?\d\d:\d\d:\d\d )?firewall,[a-z,]+ (?:\S+ ){0,4}[\w-]+: in:\S+ out:/;

/**
 * ulogd's OPRINT output, a `===>PACKET BOUNDARY` line then one `key=value` line per key of its stack
 * (`oob.prefix=..`, `ip.saddr.str=..`), and GPRINT's, the same keys comma-separated on one line (after
 * `timestamp=..,` with its timestamp option); as ulogd 2.0.8 writes them.
 */
const ULOGD_PRINT =
  /^(?:===>PACKET BOUNDARY$|raw=|(?:raw|oob|ip6?|tcp|udp|icmp|icmpv6|sctp|mac|arp|ahesp|gre|ct|orig|reply|flow|sum)\.[\w.]+=|timestamp=[^,]*,[a-z][\w]*\.[\w.]+=)/;

/**
 * ulogd's XML output (libnetfilter_log's XML, as ulogd 2.0.8's XML plugin writes it): a `<log>` element a
 * packet, on its own line between the file's `<packet>` and `</packet>`.
 */
const ULOGD_XML = /^(?:<log><(?:when|prefix|hook|hw|indev|outdev|mark)>|<\/?packet>$)/;

/** What packetwalk reads instead of ulogd's outputs it does not read. */
const ULOGD_HINT =
  "packetwalk reads ulogd's LOGEMU output (LOG-style lines) and its JSON output: end the stack with print1:PRINTPKT,emu1:LOGEMU or with json1:JSON (each after ip2str1:IP2STR) instead";

/** What packetwalk reads instead of pf's log, in whichever form. */
const PF_HINT =
  "packetwalk draws the hooks of Linux netfilter, which pf does not have: log on a Linux host with iptables -j LOG or an nft log rule and give that log (dmesg, journalctl -k)";

/**
 * A row of tracepkt's table (a BPF packet tracer: `[  netns] iface request 10.0.46.15 -> 216.58.210.3
 * step IN= OUT=eth0 raw:OUTPUT:rule:3`, or `raw.OUTPUT :ACCEPT`), after the network namespace its
 * envelope read as a dmesg stamp: an ICMP echo's direction, then the addresses with an arrow.
 */
const TRACEPKT = /^ *(?:[\w.@-]+ +)?(?:request|reply) +[\da-fA-F.:]+ -> [\da-fA-F.:]+ /;

/**
 * A line that a LOG line's reader refused (its `IN= OUT=` is there, SRC= is not) and that is a row of
 * tracepkt's table (see {@link TRACEPKT}), as a warning; undefined otherwise.
 */
export function tracerRow(line: string, bodyStart: number): ParsedLine | undefined {
  if (!TRACEPKT.test(line.slice(bodyStart, bodyStart + 120)) || line.includes("SRC=", bodyStart))
    return undefined;
  return warning(
    "tracepkt-row",
    bodyStart,
    "expected a kernel LOG line, found a row of a packet tracer's table (tracepkt: 'request a -> b', then the netfilter step it saw): not a kernel line, not read",
    "the tracer prints the TRACE positions in its own table: give the kernel's TRACE lines instead (iptables -t raw ... -j TRACE, read with dmesg or xtables-monitor --trace), or nft monitor trace",
  );
}

/** A line that failed every reader and is such a record, as a warning; undefined otherwise. */
export function foreignRecord(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  const digit = c >= 48 && c <= 57;
  const lower = c >= 97 && c <= 122;
  // Told by how the line starts (a line that failed every reader may be long); each form's first
  // characters are tested before its pattern, so that most lines pay a few comparisons.
  const head = line.slice(bodyStart, bodyStart + 200);
  // tcpdump's: a digit, a space, a tab, `A`, `I`, `R` or a lower-case letter first.
  if ((digit || lower || c === 32 || c === 9 || c === 65 || c === 73 || c === 82) && TCPDUMP.test(head))
    return warning(
      "tcpdump-output",
      bodyStart,
      "expected a kernel LOG line, found tcpdump's output (packets as an interface saw them): not read",
      "tcpdump shows no hook, chain or rule a packet crossed: log the packets with iptables -j LOG or an nft log rule and give that log (dmesg, journalctl -k), or trace them with nft monitor trace",
    );
  // `[`, `D`, a space or a lower-case letter first.
  if ((c === 91 || c === 68 || c === 32 || lower) && CONNTRACK.test(line.slice(bodyStart, bodyStart + 120)))
    return warning(
      "conntrack-event",
      bodyStart,
      "expected a packet's line, found a conntrack entry or event: not read",
    );
  if ((digit || c === 102) && PF_FILTERLOG.test(head))
    return warning(
      "pf-filterlog",
      bodyStart,
      "expected a kernel LOG line, found a pf filterlog record (pfSense, OPNsense): pf is not netfilter, not read",
      PF_HINT,
    );
  if ((digit || c === 114) && PFLOG.test(head))
    return warning(
      "pf-pflog",
      bodyStart,
      "expected a kernel LOG line, found pf's log as tcpdump prints it (pflog): pf is not netfilter, not read",
      PF_HINT,
    );
  if (head.includes("firewall,") && MIKROTIK.test(head))
    return warning(
      "mikrotik-firewall",
      bodyStart,
      "expected a kernel LOG line, found a MikroTik RouterOS firewall log line: not read",
      "RouterOS names a rule's chain but not its table, and packetwalk cannot read its ruleset: log on a Linux host with iptables -j LOG or an nft log rule and give that log (dmesg, journalctl -k)",
    );
  if ((lower || c === 61) && ULOGD_PRINT.test(head))
    return warning(
      "ulogd-print",
      bodyStart,
      "expected a kernel LOG line, found ulogd's OPRINT or GPRINT output (its key=value fields): not read",
      ULOGD_HINT,
    );
  if (c === 60 && ULOGD_XML.test(head))
    return warning(
      "ulogd-xml",
      bodyStart,
      "expected a kernel LOG line, found ulogd's XML output: not read",
      ULOGD_HINT,
    );
  if ((c === 32 || lower) && TRACEPKT.test(head)) return tracerRow(line, bodyStart);
  // Looked up as plain text: a line that failed every reader may be long.
  for (let k = 0; k < SOPHOS.length; k += 2) {
    const at = line.indexOf(SOPHOS[k] as string, bodyStart);
    if (at >= 0 && line.indexOf(SOPHOS[k + 1] as string, at) >= 0)
      return warning(
        "sophos-record",
        // After the marker's leading space.
        at + 1,
        "expected a kernel LOG line, found a Sophos packet filter record: not read",
      );
  }
  return undefined;
}

/**
 * The grouped warning for a record of `group` at `at` (0-based, before the record's first character):
 * what was found, and what packetwalk reads instead.
 */
function warning(
  group: string,
  at: number,
  message: string,
  hint = "log the packets with a LOG or NFLOG rule",
): ParsedLine {
  return { kind: "error", severity: "warning", group, column: at + 1, message, hint };
}
