/**
 * Log lines as forum posts, mails and blogs pasted them (a collection of real pastes): quoted with
 * `> ` or indented as a code block, a syslog line's date cut off, rsyslog's ISO time before the
 * kernel's uptime. Each line is the one its source shows.
 */
import { describe, expect, it } from "vitest";
import { detectEnvelope, parseTraceText } from "../../../src/core/parse/index.ts";

/** `xtables-monitor --trace` on Ubuntu 22.04 (iptables-nft 1.8.7), a container's ping, from a personal notes page. */
const XTABLES_MONITOR = [
  "xtables-monitor --trace",
  "PACKET: 2 2089bd8f IN=br-406f2a425e0c MACSRC=2:42:ac:14:0:2 MACDST=2:42:a4:c7:f1:f1 MACPROTO=0800 SRC=172.20.0.2 DST=40.89.244.232 LEN=84 TOS=0x0 TTL=64 ID=43751DF ",
  " TRACE: 2 2089bd8f raw:PREROUTING:rule:0x4:CONTINUE  -4 -t raw -A PREROUTING -p icmp -j TRACE",
  " TRACE: 2 2089bd8f raw:PREROUTING:return:",
  " TRACE: 2 2089bd8f raw:PREROUTING:policy:ACCEPT ",
  " TRACE: 2 2089bd8f nat:PREROUTING:return:",
  " TRACE: 2 2089bd8f nat:PREROUTING:policy:ACCEPT ",
];

/** Legacy TRACE lines of kernel 5.x (netdev mailing list, 2019), without their syslog envelope. */
const LEGACY_TRACE = [
  "TRACE: raw:PREROUTING:policy:2 IN=mgmt-vrf OUT= MAC=00:22:48:07:cc:ad:74:83:ef:a9:ca:c1:08:00 SRC=91.189.88.24 DST=10.24.12.10 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=0 DF PROTO=TCP SPT=80 DPT=40164 SEQ=2210516855 ACK=3954601288 WINDOW=28960 RES=0x00 ACK SYN URGP=0 OPT (0204058A0402080AD622157697AC236D01030307)",
  "TRACE: filter:INPUT:rule:1 IN=mgmt-vrf OUT= MAC=00:22:48:07:cc:ad:74:83:ef:a9:ca:c1:08:00 SRC=91.189.88.24 DST=10.24.12.10 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=0 DF PROTO=TCP SPT=80 DPT=40164 SEQ=2210516855 ACK=3954601288 WINDOW=28960 RES=0x00 ACK SYN URGP=0 OPT (0204058A0402080AD622157697AC236D01030307)",
  "TRACE: security:INPUT:rule:1 IN=mgmt-vrf OUT= MAC=00:22:48:07:cc:ad:74:83:ef:a9:ca:c1:08:00 SRC=91.189.88.24 DST=10.24.12.10 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=0 DF PROTO=TCP SPT=80 DPT=40164 SEQ=2210516855 ACK=3954601288 WINDOW=28960 RES=0x00 ACK SYN URGP=0 OPT (0204058A0402080AD622157697AC236D01030307)",
  "TRACE: security:INPUT:policy:2 IN=mgmt-vrf OUT= MAC=00:22:48:07:cc:ad:74:83:ef:a9:ca:c1:08:00 SRC=91.189.88.24 DST=10.24.12.10 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=0 DF PROTO=TCP SPT=80 DPT=40164 SEQ=2210516855 ACK=3954601288 WINDOW=28960 RES=0x00 ACK SYN URGP=0 OPT (0204058A0402080AD622157697AC236D01030307)",
];

/** Which event says what, where: hook, LOG prefix, line and column. */
const where = (text: string, options = {}) =>
  parseTraceText(text, options).packets.flatMap((p) =>
    p.events.map((e) => `${e.hook} ${e.position.line}:${e.position.column}`),
  );

describe("trace output quoted with '> ' or indented (a forum's or a mail's quote)", () => {
  it("reads xtables-monitor's lines quoted as it reads them unquoted, two columns on", () => {
    const plain = parseTraceText(XTABLES_MONITOR.join("\n"));
    const quoted = parseTraceText(XTABLES_MONITOR.map((l) => `> ${l}`).join("\n"));
    expect(plain.diagnostics).toEqual([]);
    // Before, the quoted PACKET: lines were LOG lines cut short ('expected PREC= before the end of the line').
    expect(quoted.diagnostics).toEqual([]);
    expect(quoted.packets.map((p) => p.summary)).toEqual(plain.packets.map((p) => p.summary));
    expect(quoted.skippedLines).toBe(plain.skippedLines);
    // Each at its text after the marks: the packet line's `PACKET:`, a trace line's `TRACE:`.
    expect(where(XTABLES_MONITOR.join("\n"))).toEqual(["ip:raw:PREROUTING 3:1", "ip:nat:PREROUTING 6:1"]);
    expect(where(XTABLES_MONITOR.map((l) => `> ${l}`).join("\n"))).toEqual([
      "ip:raw:PREROUTING 3:4",
      "ip:nat:PREROUTING 6:4",
    ]);
  });

  it("reads a legacy TRACE line quoted ('> ', '> > ') or indented as a code block: its label is no LOG prefix", () => {
    const text = [
      `> ${LEGACY_TRACE[0]}`,
      `> > ${LEGACY_TRACE[1]}`,
      `    ${LEGACY_TRACE[2]}`,
      LEGACY_TRACE[3],
    ].join("\n");
    const r = parseTraceText(text);
    // Before: "unknown LOG prefix '> TRACE: raw:PREROUTING:policy:2'", and the indented one's too.
    expect(r.diagnostics).toEqual([]);
    expect(
      r.packets.map((p) => p.events.map((e) => [e.hook, e.prefix, e.verdicts?.map((v) => v.kind)])),
    ).toEqual(
      parseTraceText(LEGACY_TRACE.join("\n")).packets.map((p) =>
        p.events.map((e) => [e.hook, e.prefix, e.verdicts?.map((v) => v.kind)]),
      ),
    );
    expect(where(text)).toEqual(["ip:raw:PREROUTING 1:3", "ip:filter:INPUT 2:5", "ip:security:INPUT 3:5"]);
  });
});

describe("a syslog line's time stamp in the forms pasted files show", () => {
  it("reads a syslog line whose date was cut off, its time of day left (a forum post, 12.04's kvm host)", () => {
    // As the forum showed them: indented by one or two spaces.
    const lines = [
      "  19:51:36 virthost kernel: [7680080.105160] IN=tun0 OUT=br1  SRC=10.8.3.6 DST=192.168.3.8 LEN=56 TOS=0x00 PREC=0x00 TTL=63 ID=16872  DF PROTO=TCP SPT=55065 DPT=22 WINDOW=5840 RES=0x00 SYN URGP=0 ",
      " 19:51:36 virthost kernel: [7680080.105303] IN=br1 OUT=tun0  PHYSIN=tap5 SRC=192.168.3.8 DST=10.8.3.6 LEN=40 TOS=0x00 PREC=0x00  TTL=63 ID=0 DF PROTO=TCP SPT=22 DPT=55065 WINDOW=0 RES=0x00 ACK RST  URGP=0",
    ];
    expect(detectEnvelope(lines[0]?.trimStart() ?? "")).toEqual({
      kind: "syslog",
      bodyStart: 43,
      time: 19 * 3600 + 51 * 60 + 36,
      kernel: true,
      hostAt: 9,
    });
    const r = parseTraceText(lines.join("\n"), { prefixMap: { "": "ip:filter:FORWARD" } });
    // Before: "unknown LOG prefix '19:51:36 virthost kernel: [7680080.105160]'", one per line.
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.summary)).toEqual([
      "TCP SYN 10.8.3.6:55065 -> 192.168.3.8:22",
      "TCP RST-ACK 192.168.3.8:22 -> 10.8.3.6:55065",
    ]);
    expect(r.packets.map((p) => [p.events[0]?.host, p.events[0]?.prefix, p.events[0]?.envelope])).toEqual([
      ["virthost", "", "syslog"],
      ["virthost", "", "syslog"],
    ]);
  });

  it("reads rsyslog's ISO time then the kernel's uptime, no host: the prefix is the rule's ('zzz accepted')", () => {
    // An iptables log file quoted in a log parser's comments (its MTU= and quoted ICMP error too).
    const lines = [
      "2024-10-07T02:35:01.511206 [1589215.710176] zzz accepted IN=ens5 OUT=tun4 MAC=01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e SRC=1.2.3.4 DST=10.8.0.3 LEN=1196 TOS=0x00 PREC=0x00 TTL=51 ID=59333 DF PROTO=UDP SPT=50030 DPT=57177 LEN=1176 ",
      "2024-10-06T14:35:58.450988 [1546073.218762] zzz accepted IN=ens5 OUT= MAC=01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e SRC=172.30.3.1 DST=172.30.3.23 LEN=56 TOS=0x00 PREC=0x00 TTL=255 ID=0 DF PROTO=ICMP TYPE=3 CODE=4 [SRC=172.30.3.23 DST=1.2.3.4 LEN=1532 TOS=0x00 PREC=0x00 TTL=64 ID=44766 DF PROTO=UDP SPT=39066 DPT=10648 LEN=1512 ] MTU=1500 ",
    ];
    const r = parseTraceText(lines.join("\n"), { prefixMap: { "zzz accepted": "ip:filter:FORWARD" } });
    // Before: the prefix was '[1589215.710176] zzz accepted', which no map could name.
    expect(r.diagnostics).toEqual([]);
    expect(
      r.packets.map((p) => [
        p.summary,
        p.events[0]?.prefix,
        p.events[0]?.envelope,
        p.events[0]?.time && Math.round(p.events[0].time * 1000),
      ]),
    ).toEqual([
      [
        "UDP 1.2.3.4:50030 -> 10.8.0.3:57177",
        "zzz accepted ",
        "dmesg-iso",
        Date.UTC(2024, 9, 7, 2, 35, 1, 511),
      ],
      [
        "ICMP fragmentation-needed 172.30.3.1 -> 172.30.3.23",
        "zzz accepted ",
        "dmesg-iso",
        Date.UTC(2024, 9, 6, 14, 35, 58, 451),
      ],
    ]);
  });

  it("reads TRACE and ufw lines in both forms: their labels and prefixes name their chains", () => {
    const text = [
      `13:50:37 NETM06 kernel: [442740.425992] ${LEGACY_TRACE[0]}`,
      `2019-09-10T13:50:37.426045 [442740.426045] ${LEGACY_TRACE[1]}`,
      `2019-09-10T13:50:37.426060 [442740.426060] ${LEGACY_TRACE[2]?.replace(/^TRACE: security:INPUT:rule:1 /, "[UFW BLOCK] ")}`,
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.flatMap((p) => p.events.map((e) => [e.hook, e.prefix]))).toEqual([
      ["ip:raw:PREROUTING", "TRACE: raw:PREROUTING:policy:2 "],
      ["ip:filter:INPUT", "TRACE: filter:INPUT:rule:1 "],
      ["ip:filter:INPUT", "[UFW BLOCK] "],
    ]);
  });
});
