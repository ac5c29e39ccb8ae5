/**
 * Log records a web page or a chat paste joined on one line (their newlines lost): read apart at
 * each record's time stamp, problems at their columns in the joined line, one warning for the log.
 * The records are the kernel's (6.18, LOG target, `iptables -j LOG --log-prefix`), put side by side
 * as a vendor's documentation page shows them.
 */
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import { parseTraceText, TraceParser } from "../../../src/core/parse/index.ts";

const FIELDS = (id: number, ttl = "64") =>
  `IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=60 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} DF PROTO=TCP SPT=${40000 + id} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 `;
const JOINED =
  "several log lines joined on one line (by a web page or a chat), read apart at each line's time stamp";

describe("records joined on one line", () => {
  it.each([
    ["syslog", (n: number) => `Dec  1 10:00:0${n} host kernel: [  123.${n}00000] `],
    ["dmesg", (n: number) => `[  123.${n}00000] `],
    ["ISO journal", (n: number) => `2026-12-01T10:00:0${n}.000000+00:00 host kernel: `],
  ])("reads the %s records of one line apart, each a packet of its own", (_, stamp) => {
    const line = [1, 2, 3].map((n) => `${stamp(n)}iptable/filter-INPUT: ${FIELDS(n)}`).join("");
    const r = parseTraceText(`${line}\n`, { file: "page.log" });
    expect(r.packets.map((p) => p.summary)).toEqual([
      "TCP SYN 198.51.100.7:40001 -> 203.0.113.5:22",
      "TCP SYN 198.51.100.7:40002 -> 203.0.113.5:22",
      "TCP SYN 198.51.100.7:40003 -> 203.0.113.5:22",
    ]);
    // Each event at its own record's message in the line.
    const second = line.indexOf(stamp(2));
    expect(r.packets[1]?.events[0]?.position).toEqual({
      file: "page.log",
      line: 1,
      column: second + stamp(2).length + 1,
    });
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `1:${second + 1} ${JOINED} (1 line)`,
    ]);
  });

  it("says a problem of a later record at its column in the joined line", () => {
    const stamp = (n: number) => `Dec  1 10:00:0${n} host kernel: `;
    const line = `${stamp(1)}iptable/filter-INPUT: ${FIELDS(1)}${stamp(2)}iptable/filter-INPUT: ${FIELDS(2, "6x")}`;
    const r = parseTraceText(`${line}\n${line}\n`, { file: "chat.log" });
    expect(r.packets).toHaveLength(2);
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `1:${line.indexOf("TTL=6x") + 5} expected a number after TTL=, found '6x'`,
      `1:${line.indexOf(stamp(2)) + 1} ${JOINED} (2 lines)`,
      `2:${line.indexOf("TTL=6x") + 5} expected a number after TTL=, found '6x'`,
    ]);
  });

  it("never splits inside a record's LOG prefix, even one holding a time stamp", () => {
    // A LOG prefix may hold any text up to 29 characters: a date, a dmesg stamp, `host kernel:`.
    const cases = [
      ["Dec  1 10:00:01 host kernel: ", "Dec  1 10:00:02 host kernel: ", "fw Dec 1 10:00:00 x: "],
      ["[  123.100000] ", "[  123.200000] ", "fw [ 1.5] kernel: "],
      ["2026-12-01T10:00:01 host kernel: ", "2026-12-01T10:00:02 host kernel: ", "fw 2026-12-01T10:00:00 "],
    ];
    for (const [first, second, prefix] of cases) {
      const alone = parseTraceText(`${first}${prefix}${FIELDS(1)}\n`, {
        prefixMap: { [prefix as string]: "ip:filter:INPUT" },
      });
      expect(alone.diagnostics).toEqual([]);
      expect(alone.packets[0]?.events[0]?.prefix).toBe(prefix);
      const r = parseTraceText(`${first}${prefix}${FIELDS(1)}${second}${prefix}${FIELDS(2)}\n`, {
        prefixMap: { [prefix as string]: "ip:filter:INPUT" },
      });
      expect(r.packets.map((p) => p.events[0]?.prefix)).toEqual([prefix, prefix]);
      expect(r.packets.map((p) => p.events[0]?.ip?.id)).toEqual([1, 2]);
      expect(r.diagnostics.map((d) => d.message)).toEqual([`${JOINED} (1 line)`]);
    }
  });

  it("splits after a record of any protocol: a UDP record's LEN=, a reset's URGP=, an echo's SEQ=", () => {
    // As a vendor's page shows its firewall log: one paragraph, the records' newlines gone.
    const stamp = (n: number) => `Mar 19 18:49:3${n} gw1 kernel: IPTABLES Dropped: `;
    const head =
      "IN=eth0 OUT= MAC=00:0c:29:cf:4d:c8:2c:21:72:c6:99:08:08:00 SRC=198.51.100.17 DST=203.0.113.53";
    const line = [
      `${stamp(1)}${head} LEN=40 TOS=0x00 PREC=0x00 TTL=63 ID=51749 DF PROTO=TCP SPT=51093 DPT=5000 WINDOW=0 RES=0x00 RST URGP=0 `,
      `${stamp(2)}${head} LEN=337 TOS=0x10 PREC=0x00 TTL=128 ID=0 PROTO=UDP SPT=68 DPT=67 LEN=317 `,
      `${stamp(3)}${head} LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=7 DF PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=1 `,
      `${stamp(4)}${head} LEN=52 TOS=0x00 PREC=0x00 TTL=126 ID=18544 DF PROTO=TCP SPT=53543 DPT=443 WINDOW=8192 RES=0x00 SYN URGP=0 `,
    ].join("");
    const r = parseTraceText(line, { prefixMap: { "IPTABLES Dropped:": "ip:filter:INPUT" } });
    expect(r.packets.map((p) => p.summary)).toEqual([
      "TCP RST 198.51.100.17:51093 -> 203.0.113.53:5000",
      "UDP 198.51.100.17:68 -> 203.0.113.53:67",
      "ICMP echo-request 198.51.100.17 -> 203.0.113.53",
      "TCP SYN 198.51.100.17:53543 -> 203.0.113.53:443",
    ]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([`${JOINED} (1 line)`]);
  });

  it("keeps the error of a line that only looks joined (no record ends before the stamp)", () => {
    const r = parseTraceText(
      "Dec  1 10:00:01 host kernel: iptable/filter-INPUT: IN=eth0 OUT= SRC=198.51.100.7 Dec  1 10:00:02 host kernel: x\n",
    );
    expect(r.packets).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.severity).toBe("error");
  });

  it("joins a wrapped last record with the next line, at that line's columns", () => {
    const stamp = (n: number) => `[  123.${n}00000] `;
    const whole = `${stamp(1)}iptable/filter-INPUT: ${FIELDS(1)}${stamp(2)}iptable/filter-INPUT: ${FIELDS(2)}`;
    const k = whole.lastIndexOf("WINDOW=");
    const r = parseTraceText(`${whole.slice(0, k - 1)}\n    ${whole.slice(k)}\n`, { file: "blog.log" });
    expect(r.packets.map((p) => p.events[0]?.ip?.id)).toEqual([1, 2]);
    expect(r.packets[1]?.events[0]?.position.line).toBe(1);
    expect(r.diagnostics.map((d) => d.message).sort()).toEqual([
      "LOG line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space (1 line)",
      `${JOINED} (1 line)`,
    ]);
  });
});

describe("trace output and other programs' lines joined on one line (a chat, a page's paragraph)", () => {
  const JOINED_BARE =
    "several log lines joined on one line (by a web page or a chat), read apart where each line starts";
  /** How many netfilter lines `text` holds, as the CLI's summary counts them. */
  function netfilterLines(text: string): number {
    const parser = new TraceParser(() => {});
    for (const l of text.split("\n")) parser.line(l);
    parser.end();
    return parser.events;
  }
  /** What a paste joined with spaces reads as, against the lines it was made of. */
  function apart(lines: string[]) {
    const line = lines.join(" ");
    const joined = parseTraceText(line, { file: "chat.log" });
    const alone = parseTraceText(lines.join("\n"), { file: "chat.log" });
    // Each event at its own record's column in the joined line.
    // Each event at its own record's column in the joined line: at its text (xtables-monitor's own
    // leading space before `TRACE:` is the space that joins it).
    const starts = lines.map(
      (l, k) => lines.slice(0, k).join(" ").length + (k > 0 ? 1 : 0) + (l.length - l.trimStart().length),
    );
    const at = (e: TraceEvent) => starts[e.position.line - 1] ?? -1;
    return {
      line,
      joined,
      readApart: joined.packets.map((p) => p.events.map((e) => `${e.hook} ${e.position.column}`)),
      readAlone: alone.packets.map((p) => p.events.map((e) => `${e.hook} ${at(e) + e.position.column}`)),
      alone,
    };
  }

  it("reads nft monitor trace lines apart at each 'trace id' (OpenWrt issue 19814's IPv6 trace)", () => {
    const lines = [
      'trace id 0f500d9a inet fw4 raw_prerouting packet: iif "eth0.2" ether saddr 00:00:5E:00:53:b8 ether daddr 00:00:5E:00:53:e0 ip6 saddr 2001:470:971f:99::6 ip6 daddr 2001:db8:1:2:3:4:5:6 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 54 ip6 flowlabel 653951 ip6 nexthdr tcp ip6 length 40 tcp sport 43274 tcp dport 113 tcp flags == syn tcp window 64660',
      "trace id 0f500d9a inet fw4 raw_prerouting rule tcp dport 113 meta nftrace set 1 (verdict continue)",
      "trace id 0f500d9a inet fw4 raw_prerouting verdict continue",
      "trace id 0f500d9a inet fw4 raw_prerouting policy accept",
      'trace id 0f500d9a inet fw4 mangle_prerouting packet: iif "eth0.2" ether saddr 00:00:5E:00:53:b8 ether daddr 00:00:5E:00:53:e0 ip6 saddr 2001:470:971f:99::6 ip6 daddr 2001:db8:1:2:3:4:5:6 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 54 ip6 flowlabel 653951 ip6 nexthdr tcp ip6 length 40 tcp sport 43274 tcp dport 113 tcp flags == syn tcp window 64660',
      "trace id 0f500d9a inet fw4 mangle_prerouting verdict continue",
      "trace id 0f500d9a inet fw4 mangle_prerouting policy accept",
    ];
    const { line, joined, readApart, readAlone } = apart(lines);
    // Before: the first packet line read the six lines after it as its own statements, without a word.
    expect(readApart).toEqual(readAlone);
    expect(netfilterLines(line)).toBe(netfilterLines(lines.join("\n")));
    expect(joined.diagnostics.map((d) => `${d.position.column} ${d.message}`)).toEqual([
      `${(lines[0] ?? "").length + 2} ${JOINED_BARE} (1 line)`,
    ]);
  });

  it("reads ebtables lines and legacy TRACE lines apart (a blog's trace of a container's ping)", () => {
    const lines = [
      "TRACE: eb:broute:BROUTING IN=veth0594f4b OUT= MAC source = 02:42:c0:a8:00:02 MAC dest = 02:42:c0:a8:00:03 proto = 0x0800 IP SRC=192.168.0.2 IP DST=192.168.0.3, IP tos=0x00, IP proto=1",
      "TRACE: eb:nat:PREROUTING IN=veth0594f4b OUT= MAC source = 02:42:c0:a8:00:02 MAC dest = 02:42:c0:a8:00:03 proto = 0x0800 IP SRC=192.168.0.2 IP DST=192.168.0.3, IP tos=0x00, IP proto=1",
      "TRACE: raw:PREROUTING:policy:2 IN=docker0 OUT= PHYSIN=veth0594f4b MAC=02:42:c0:a8:00:03:02:42:c0:a8:00:02:08:00 SRC=192.168.0.2 DST=192.168.0.3 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=47066 DF PROTO=ICMP TYPE=8 CODE=0 ID=90 SEQ=1",
      "TRACE: nat:PREROUTING:policy:2 IN=docker0 OUT= PHYSIN=veth0594f4b MAC=02:42:c0:a8:00:03:02:42:c0:a8:00:02:08:00 SRC=192.168.0.2 DST=192.168.0.3 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=47066 DF PROTO=ICMP TYPE=8 CODE=0 ID=90 SEQ=1",
      "TRACE: eb:filter:FORWARD IN=veth0594f4b OUT=veth57a3dec MAC source = 02:42:c0:a8:00:02 MAC dest = 02:42:c0:a8:00:03 proto = 0x0800 IP SRC=192.168.0.2 IP DST=192.168.0.3, IP tos=0x00, IP proto=1",
      "TRACE: filter:FORWARD:rule:1 IN=docker0 OUT=docker0 PHYSIN=veth0594f4b PHYSOUT=veth57a3dec MAC=02:42:c0:a8:00:03:02:42:c0:a8:00:02:08:00 SRC=192.168.0.2 DST=192.168.0.3 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=47066 DF PROTO=ICMP TYPE=8 CODE=0 ID=90 SEQ=1",
    ];
    const { line, joined, readApart, readAlone } = apart(lines);
    // Before: the first ebtables line read, the five after it lost without a word.
    expect(readApart).toEqual(readAlone);
    expect(netfilterLines(line)).toBe(6);
    expect(joined.diagnostics.map((d) => d.message)).toEqual([`${JOINED_BARE} (1 line)`]);
  });

  it("reads xtables-monitor's lines apart, the command pasted before them a skipped line", () => {
    const lines = [
      "xtables-monitor --trace",
      "PACKET: 2 2089bd8f IN=br-406f2a425e0c MACSRC=2:42:ac:14:0:2 MACDST=2:42:a4:c7:f1:f1 MACPROTO=0800 SRC=172.20.0.2 DST=40.89.244.232 LEN=84 TOS=0x0 TTL=64 ID=43751DF ",
      " TRACE: 2 2089bd8f raw:PREROUTING:rule:0x4:CONTINUE  -4 -t raw -A PREROUTING -p icmp -j TRACE",
      " TRACE: 2 2089bd8f raw:PREROUTING:return:",
      " TRACE: 2 2089bd8f raw:PREROUTING:policy:ACCEPT ",
      " TRACE: 2 2089bd8f nat:PREROUTING:return:",
      " TRACE: 2 2089bd8f nat:PREROUTING:policy:ACCEPT ",
    ];
    const { joined, readApart, readAlone, alone } = apart(lines);
    // Before: 'expected PREC=, found 'TRACE:'', no packet.
    expect(readApart).toEqual(readAlone);
    expect(joined.skippedLines).toBe(alone.skippedLines);
    expect(joined.diagnostics.map((d) => d.message)).toEqual([`${JOINED_BARE} (1 line)`]);
  });

  it("reads kernel lines apart from the pppd lines between them (an Ubuntu forum's PPPoE post)", () => {
    const lines = [
      "Aug 10 12:35:45 leon-server pppd[1051]: Modem hangup",
      "Aug 10 12:36:01 leon-server kernel: [259311.860655] [UFW AUDIT] IN= OUT=eth0 SRC=192.168.1.5 DST=192.168.1.1 LEN=74 TOS=0x00 PREC=0x00 TTL=64 ID=14465 DF PROTO=UDP SPT=60700 DPT=53 LEN=54 ",
      "Aug 10 12:36:01 leon-server kernel: [259311.860683] [UFW ALLOW] IN= OUT=eth0 SRC=192.168.1.5 DST=192.168.1.1 LEN=74 TOS=0x00 PREC=0x00 TTL=64 ID=14465 DF PROTO=UDP SPT=60700 DPT=53 LEN=54 ",
      "Aug 10 12:36:01 leon-server pppd[1051]: Terminating on signal 15",
      "Aug 10 12:36:01 leon-server pppd[1051]: Exit.",
      "Aug 10 12:36:02 leon-server kernel: [259312.693198] [UFW BLOCK] IN=eth0 OUT= MAC=00:1c:c0:f7:98:20:00:d0:50:5a:11:9b:08:00 SRC=70.55.96.32 DST=192.168.1.5 LEN=157 TOS=0x00 PREC=0x20 TTL=115 ID=26439 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.168.1.5 DST=70.55.96.32 LEN=129 TOS=0x00 PREC=0x00 TTL=49 ID=0 DF PROTO=UDP SPT=9985 DPT=60435 LEN=109 ] ",
      "Aug 10 12:36:04 leon-server pppd[10135]: Plugin rp-pppoe.so loaded.",
      "Aug 10 12:36:05 leon-server pppd[10137]: local  IP address 89.143.141.78",
      "Aug 10 12:36:13 leon-server kernel: [259323.721685] [UFW BLOCK] IN=ppp0 OUT= MAC= SRC=70.55.96.32 DST=89.143.141.78 LEN=157 TOS=0x00 PREC=0x20 TTL=116 ID=26589 PROTO=ICMP TYPE=3 CODE=3 [SRC=89.143.141.78 DST=70.55.96.32 LEN=129 TOS=0x00 PREC=0x00 TTL=50 ID=0 DF PROTO=UDP SPT=9985 DPT=60429 LEN=109 ]",
      "",
    ];
    const { joined, readApart, readAlone, alone } = apart(lines);
    // Before: one error ('expected LEN=, found 'Aug''), all four packets lost.
    expect(readApart).toEqual(readAlone);
    expect(joined.packets.map((p) => p.summary)).toEqual(alone.packets.map((p) => p.summary));
    expect(joined.skippedLines).toBe(alone.skippedLines);
    expect(joined.diagnostics.map((d) => d.message)).toEqual([`${JOINED} (1 line)`]);
  });

  it("keeps another subsystem's dmesg line out of the next record's LOG prefix ('md: bind<sdc1>')", () => {
    const lines = [
      "[ 2800.147867] md: bind<sdc1>",
      "[ 3730.782005] [UFW BLOCK] IN= OUT=eth0 SRC=fe80:0000:0000:0000:0230:18ff:fea3:4874 DST=ff02:0000:0000:0000:0000:0000:0000:00fb LEN=167 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=UDP SPT=5353 DPT=5353 LEN=127 ",
      "[ 4967.149509] [UFW BLOCK] IN= OUT=eth0 SRC=fe80:0000:0000:0000:0230:18ff:fea3:4874 DST=ff02:0000:0000:0000:0000:0000:0000:00fb LEN=140 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=UDP SPT=5353 DPT=5353 LEN=100 ",
    ];
    const { joined, readApart, readAlone } = apart(lines);
    // Before: "unknown LOG prefix 'md: bind<sdc1> [ 3730.782005] [UFW BLOCK]'".
    expect(readApart).toEqual(readAlone);
    expect(joined.diagnostics.map((d) => d.message)).toEqual([`${JOINED} (1 line)`]);
  });

  it("leaves a rule's text that quotes 'TRACE: ' in a LOG prefix as it is (xtables-monitor, kernel 6.18)", () => {
    // Recorded in a network namespace: iptables-nft 1.8.9, `-j LOG --log-prefix "a TRACE: b "` on OUTPUT.
    const lines = [
      "PACKET: 2 62f2b85c OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x0 TTL=64 ID=47591 DF ",
      " TRACE: 2 62f2b85c raw:OUTPUT:rule:0x2:CONTINUE  -4 -t raw -A OUTPUT -p icmp -j TRACE",
      " TRACE: 2 62f2b85c raw:OUTPUT:policy:ACCEPT ",
      "PACKET: 2 62f2b85c OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x0 TTL=64 ID=47591 DF ",
      ' TRACE: 2 62f2b85c filter:OUTPUT:rule:0x2:CONTINUE  -4 -t filter -A OUTPUT -p icmp -j LOG --log-prefix "a TRACE: b "',
      " TRACE: 2 62f2b85c filter:OUTPUT:policy:ACCEPT ",
      "PACKET: 2 eb6473c4 OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x0 TTL=64 ID=47592 ",
      " TRACE: 2 eb6473c4 raw:OUTPUT:rule:0x2:CONTINUE  -4 -t raw -A OUTPUT -p icmp -j TRACE",
      " TRACE: 2 eb6473c4 raw:OUTPUT:policy:ACCEPT ",
      "PACKET: 2 eb6473c4 OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x0 TTL=64 ID=47592 ",
      ' TRACE: 2 eb6473c4 filter:OUTPUT:rule:0x2:CONTINUE  -4 -t filter -A OUTPUT -p icmp -j LOG --log-prefix "a TRACE: b "',
      " TRACE: 2 eb6473c4 filter:OUTPUT:policy:ACCEPT ",
    ];
    const r = parseTraceText(lines.join("\n"));
    expect(r.diagnostics).toEqual([]);
    expect(netfilterLines(lines.join("\n"))).toBe(12);
    expect(r.packets[0]?.events[1]?.verdicts?.[0]?.text).toBe(
      '-4 -t filter -A OUTPUT -p icmp -j LOG --log-prefix "a TRACE: b "',
    );
  });

  it("says a joined record that does not read at its column, not in silence", () => {
    const ebt =
      "TRACE: eb:broute:BROUTING IN=veth0594f4b OUT= MAC source = 02:42:c0:a8:00:02 MAC dest = 02:42:c0:a8:00:03 proto = 0x0800 IP SRC=192.168.0.2 IP DST=192.168.0.3, IP tos=0x00, IP proto=1";
    const line = `${ebt} [UFW BLOCK] IN=eth0 OUT=`;
    const r = parseTraceText(line);
    // Before: the ebtables line read, the text after it dropped without a word. A record's bracketed
    // LOG prefix now starts a record of its own (bracketed-prefix-joined.test.ts): the ebtables line
    // is read apart, and the record after it, cut after `OUT=`, is said at its end.
    expect(r.packets.map((p) => p.events.map((e) => [e.hook, e.position.column]))).toEqual([
      [["bridge:broute:BROUTING", 1]],
    ]);
    expect(r.diagnostics.map((d) => `${d.severity} ${d.position.column} ${d.message}`)).toEqual([
      `warning ${ebt.length + 2} several log lines joined on one line (by a web page or a chat), read apart where each line starts (1 line)`,
      `error ${line.length + 1} expected SRC= before the end of the line`,
    ]);
  });
});
