/**
 * Log lines as forum posts, mails and blogs pasted them (a collection of real pastes): quoted with
 * `> ` or indented as a code block, a syslog line's date cut off, rsyslog's ISO time before the
 * kernel's uptime, spaces a page lost where it wrapped a line, a mail's quoted-printable source and
 * a copy that began inside a line. Each line is the one its source shows.
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
    // The second line has OUT= empty: the kernel prints both devices at FORWARD, so a map placing it
    // there is warned of (prefix-map-forward-devices.test.ts); the list lets its devices choose INPUT.
    const r = parseTraceText(lines.join("\n"), {
      prefixMap: { "zzz accepted": ["ip:filter:FORWARD", "ip:filter:INPUT"] },
    });
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

describe("the same damage on many lines: said once, where it is, with the count", () => {
  it("says where a forum lost the space between MAC= and SRC=, once for its lines (an Ubuntu forum's PPTP post)", () => {
    const lines = [
      "Apr 2 18:42:01 ceylan-OptiPlex-390 pptp[24807]: nm-pptp-service-24785log[ctrlp_disp:pptp_ctrl.c:897]: Outgoing call established (call ID0, peer's call ID 4736).",
      "Apr 2 18:42:16 ceylan-OptiPlex-390 kernel: [16830.871009] [UFW BLOCK]IN=eth0 OUT= MAC=d4:be:d9:e0:26:85:18:28:61:2b:ae:88:08:00SRC=50.7.49.82 DST=192.168.2.37 LEN=60 TOS=0x00 PREC=0x00 TTL=49ID=32077 DF PROTO=47 ",
      "Apr 2 18:42:16 ceylan-OptiPlex-390 kernel: [16831.058691] [UFW BLOCK]IN=eth0 OUT= MAC=d4:be:d9:e0:26:85:18:28:61:2b:ae:88:08:00SRC=50.7.49.82 DST=192.168.2.37 LEN=61 TOS=0x00 PREC=0x00 TTL=49ID=32078 DF PROTO=47 ",
      "Apr 2 18:42:19 ceylan-OptiPlex-390 kernel: [16833.878946] [UFW BLOCK]IN=eth0 OUT= MAC=d4:be:d9:e0:26:85:18:28:61:2b:ae:88:08:00SRC=50.7.49.82 DST=192.168.2.37 LEN=60 TOS=0x00 PREC=0x00 TTL=49ID=32079 DF PROTO=47 ",
      "Apr 2 18:42:31 ceylan-OptiPlex-390 pppd[24789]: LCP: timeout sendingConfig-Requests",
    ];
    const r = parseTraceText(lines.join("\n"), { file: "post.log" });
    // Before: 'expected SRC= before DST=' at each line's DST=, three times.
    expect(
      r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity} ${d.message}`),
    ).toEqual([
      `2:${(lines[1] ?? "").indexOf("SRC=") + 1} error expected a space before SRC=, found '08:00SRC=': the space between MAC= and SRC= was lost (3 lines)`,
    ]);
    expect(r.diagnostics[0]?.hint).toBe(
      "a web page or a forum dropped the space where it wrapped the line: put it back ('MAC=... SRC=...'), or copy the log from its file or with journalctl -k",
    );
    // With that space back, the next one lost (`TTL=49ID=32077`) is said the same way.
    const fixed = lines.map((l) => l.replace("08:00SRC=", "08:00 SRC="));
    expect(
      parseTraceText(fixed.join("\n")).diagnostics.map(
        (d) => `${d.position.line}:${d.position.column} ${d.message}`,
      ),
    ).toEqual([
      `2:${(fixed[1] ?? "").indexOf("ID=32077") + 1} expected a space before ID=, found '49ID=': the space between TTL= and ID= was lost (3 lines)`,
    ]);
    // And with both back, the lines read.
    expect(parseTraceText(fixed.map((l) => l.replace("49ID=", "49 ID=")).join("\n")).packets).toHaveLength(3);
  });

  it("says nft trace lines without their family once, at the family's place (an nftables commit message's example)", () => {
    const lines = [
      'trace id 32 t PRE_RAW packet: iif "enp0s3" ether saddr [..]',
      "trace id 32 t PRE_RAW rule tcp flags syn meta nftrace set 1 (verdict continue)",
      "trace id 32 t PRE_RAW policy accept",
      "trace id 32 t PRE_MANGLE conntrack: ct direction original ct state new ct id 2641368242",
      'trace id 32 t PRE_MANGLE packet: iif "enp0s3" ether saddr [..]',
      "trace id 32 t ct_new_pre rule jump rpfilter (verdict jump rpfilter)",
      "trace id 32 t PRE_MANGLE policy accept",
      "trace id 32 t INPUT conntrack: ct direction original ct state new ct status dnat-done ct id 2641368242",
      'trace id 32 t INPUT packet: iif "enp0s3" [..]',
      "trace id 32 t public_in rule tcp dport 443 accept (verdict accept)",
    ];
    const r = parseTraceText(lines.join("\n"));
    // Before: "expected 'trace id <id> <family> <table> <chain> ...'" ten times.
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      "1:13 expected the table's family (ip, ip6, inet, bridge, arp or netdev) after 'trace id 32', found 't' (10 lines)",
    ]);
    // With the family the commit left out, they read.
    expect(
      parseTraceText(lines.map((l) => l.replace("32 t ", "32 inet t ")).join("\n")).diagnostics.filter(
        (d) => d.severity === "error",
      ),
    ).toEqual([]);
  });

  it("says a mail's quoted-printable source is one, with the command that decodes it (netdev, 2019)", () => {
    const lines = [
      "Sep 10 13:50:37 NETM06 kernel: [442740.425992] TRACE: raw:PREROUTING:policy=",
      ":2 IN=3Dmgmt-vrf OUT=3D MAC=3D00:22:48:07:cc:ad:74:83:ef:a9:ca:c1:08:00 SRC=",
      "=3D91.189.88.24 DST=3D10.24.12.10 LEN=3D60 TOS=3D0x00 PREC=3D0x00 TTL=3D51 =",
      "ID=3D0 DF PROTO=3DTCP SPT=3D80 DPT=3D40164 SEQ=3D2210516855 ACK=3D395460128=",
      "8 WINDOW=3D28960 RES=3D0x00 ACK SYN URGP=3D0 OPT (0204058A0402080AD62215769=",
      "7AC236D01030307)=0A=",
      "Sep 10 13:50:37 NETM06 kernel: [442740.426045] TRACE: filter:INPUT:rule:1 I=",
      "N=3Dmgmt-vrf OUT=3D MAC=3D00:22:48:07:cc:ad:74:83:ef:a9:ca:c1:08:00 SRC=3D9=",
      "1.189.88.24 DST=3D10.24.12.10 LEN=3D60 TOS=3D0x00 PREC=3D0x00 TTL=3D51 ID=",
      "=3D0 DF PROTO=3DTCP SPT=3D80 DPT=3D40164 SEQ=3D2210516855 ACK=3D3954601288 =",
      "WINDOW=3D28960 RES=3D0x00 ACK SYN URGP=3D0 OPT (0204058A0402080AD622157697A=",
      "C236D01030307)=0A=",
    ];
    const r = parseTraceText(lines.join("\n"));
    // Before: 'expected an IPv4 or IPv6 address after SRC=' twice, and 'the sender split the line'.
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      "2:6 expected the kernel's text, found it quoted-printable ('=3D' for '=', and a '=' ending each line of a mail's raw source): not read (8 lines)",
    ]);
    expect(r.diagnostics[0]?.hint).toMatch(
      /^decode the mail first \(python3 -m quopri -d < mail\.txt > log\.txt\)/,
    );
  });

  it("says the rest of a line as the input's first line, cut inside a field's name ('L=64' of TTL=64)", () => {
    const lines = [
      " L=64 ID=0 DF PROTO=UDP SPT=6900 DPT=20684 LEN=73 ",
      "Jul  3 08:02:51 kimothy-desktop kernel: [171281.635128] [UFW ALLOW] IN= OUT=eth0 SRC=192.168.1.112 DST=95.239.138.105 LEN=93 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=UDP SPT=6900 DPT=20684 LEN=73 ",
    ];
    const r = parseTraceText(lines.join("\n"));
    // Before: skipped without a word, while the same rest on a later line was warned of.
    expect(
      r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity} ${d.message}`),
    ).toEqual([
      "1:2 warning expected the start of a kernel LOG line, found the rest of one as the input's first line: its start is missing (the copy began inside the line), and this part was not read (1 line)",
    ]);
    expect(r.packets).toHaveLength(1);
  });
});
