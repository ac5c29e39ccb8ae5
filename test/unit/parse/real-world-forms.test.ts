/**
 * Line forms printed by real systems that contributors bring, beyond the envelopes the fixtures
 * re-wrap: each case is a form a defect was found in, read as the plain dmesg line is.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectEnvelope, parseTraceText } from "../../../src/core/parse/index.ts";

/** A ufw drop as the kernel prints it (the message, without an envelope). */
const UFW =
  "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.5 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4321 DF PROTO=TCP SPT=51234 DPT=23 WINDOW=29200 RES=0x00 SYN URGP=0 ";

/** The one packet `text` holds, with its hook and the line's envelope and time. */
function onePacket(text: string) {
  const r = parseTraceText(text);
  expect(r.diagnostics).toEqual([]);
  expect(r.packets).toHaveLength(1);
  const e = r.packets[0]?.events[0];
  return {
    hook: e?.hook,
    prefix: e?.prefix,
    src: e?.ip?.src,
    dport: e?.l4?.dport,
    envelope: e?.envelope,
    time: e?.time,
  };
}

describe("journalctl --no-hostname and BusyBox syslogd -S: the tag right after the time stamp", () => {
  // Each: the line, its envelope kind, its time (seconds; a date without a year is seconds into 1970).
  it.each([
    ["short", `Dec 03 10:00:00 kernel: ${UFW}`, "journal", 29066400],
    ["short-precise", `Dec 03 10:00:00.123456 kernel: ${UFW}`, "journal", 29066400.123456],
    ["short-iso", `2026-12-03T10:00:00+0100 kernel: ${UFW}`, "journal-iso", 1796288400],
    ["short-iso-precise", `2026-12-03T10:00:00.500000+01:00 kernel: ${UFW}`, "journal-iso", 1796288400.5],
    ["short-unix", `1764752400.123456 kernel: ${UFW}`, "journal-unix", 1764752400.123456],
    ["short-full", `Thu 2026-12-03 10:00:00 CET kernel: ${UFW}`, "journal-full", 1796292000],
    ["short-monotonic", `[  123.456789] kernel: ${UFW}`, "journal-monotonic", 123.456789],
    ["short-delta", `[  123.456789 <    0.000123>] kernel: ${UFW}`, "dmesg-delta", 123.456789],
    ["BusyBox syslogd -S", `Dec  3 10:00:00 kernel: [  123.456789] ${UFW}`, "syslog", 29066400],
    ["BusyBox syslogd -R (as received)", `<4>Dec  3 10:00:00 kernel: ${UFW}`, "journal", 29066400],
  ])("%s", (_form, line, envelope, time) => {
    expect(onePacket(line)).toEqual({
      hook: "ip:filter:INPUT",
      prefix: "[UFW BLOCK] ",
      src: "203.0.113.5",
      dport: 23,
      envelope,
      time,
    });
    // No host word: nothing for `import --anonymize` to replace.
    expect(detectEnvelope(line).hostAt).toBeUndefined();
    expect(detectEnvelope(line).kernel).toBe(true);
  });

  it("reads a tool's lines logged without a host (xtables-monitor run as a service)", () => {
    const text = [
      "Dec 03 10:00:00 xtables-monitor[1234]: PACKET: 2 0a0b0c0d IN=eth0 MACSRC=52:54:0:65:43:21 MACDST=52:54:0:12:34:56 MACPROTO=0800 SRC=203.0.113.5 DST=192.0.2.10 LEN=60 TOS=0x0 TTL=64 ID=31001 DF SPORT=51000 DPORT=22 SYN ",
      "Dec 03 10:00:00 xtables-monitor[1234]:  TRACE: 2 0a0b0c0d filter:INPUT:policy:DROP ",
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets).toHaveLength(1);
    const e = r.packets[0]?.events[0];
    expect(e?.hook).toBe("ip:filter:INPUT");
    expect(e?.envelope).toBe("journal");
    expect(e?.ip?.src).toBe("203.0.113.5");
    expect(e?.verdict).toMatchObject({ kind: "policy", verdict: "DROP" });
  });

  it("still takes the word before the tag for the host when there is one", () => {
    const line = `Dec 03 10:00:00 fw1.example.org kernel: ${UFW}`;
    expect(detectEnvelope(line)).toMatchObject({ kind: "journal", hostAt: 16, kernel: true });
    expect(onePacket(line).prefix).toBe("[UFW BLOCK] ");
  });
});

describe("rsyslog's repeated message reduction (on in Debian's and Ubuntu's rsyslog.conf)", () => {
  it("says how many identical LOG lines were folded, at the note, instead of an unknown prefix", () => {
    const text = [
      `Dec  3 10:00:00 host kernel: ${UFW}`,
      `Dec  3 10:00:03 host kernel: message repeated 3 times: [ ${UFW}]`,
      `Dec  3 10:00:04 host kernel: message repeated 1 times: [ ${UFW}]`,
    ].join("\n");
    const r = parseTraceText(text, { file: "kern.log" });
    expect(r.packets).toHaveLength(1);
    expect(r.packets[0]?.events.map((e) => e.position.line)).toEqual([1]);
    expect(r.diagnostics.map((d) => [d.severity, d.position?.line, d.position?.column, d.message])).toEqual([
      [
        "warning",
        2,
        30,
        "the syslog daemon folded 3 more copies of the line before into this one ('message repeated 3 times'): those 3 LOG lines are not in the log",
      ],
      [
        "warning",
        3,
        30,
        "the syslog daemon folded 1 more copy of the line before into this one ('message repeated 1 times'): that LOG line is not in the log",
      ],
    ]);
  });
});

describe("what comes between `kernel: ` and the message in older and busier syslogs", () => {
  it.each([
    // A CONFIG_PRINTK_CALLER kernel (Raspberry Pi OS) writes the caller after the stamp (firewalld#876).
    [
      "the caller id after the stamp",
      `2021-11-04T18:33:46.114797+01:00 pi kernel: [17748.074339][    C0] ${UFW}`,
    ],
    ["the caller id of a task", `Dec  3 10:00:00 pi kernel: [17748.074339] [  T812] ${UFW}`],
    // An old klogd left the console level in the text (an LKML report of 2007).
    ["klogd's level marker", `Oct 28 21:23:30 dardhal kernel: <4>${UFW}`],
    ["klogd's level marker before the stamp", `Oct 28 21:23:30 dardhal kernel: <4>[  123.456789] ${UFW}`],
  ])("%s", (_form, line) => {
    const p = onePacket(line);
    expect(p.prefix).toBe("[UFW BLOCK] ");
    expect(p.hook).toBe("ip:filter:INPUT");
  });
});

describe("firewalld 1.0 on nftables 1.0: its prefixes double-quoted in the log (firewalld#876)", () => {
  it("places the quoted prefix at firewalld's chain and says the packet was rejected", () => {
    const line =
      '[17748.074339] "filter_IN_public_REJECT: "IN=eth0 OUT= MAC=33:33:00:00:00:01:98:9b:cb:9d:f4:36:86:dd SRC=fe80:0000:0000:0000:9a9b:cbff:fe9d:f436 DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=758639 PROTO=UDP SPT=53805 DPT=53805 LEN=24 ';
    const r = parseTraceText(line);
    expect(r.diagnostics).toEqual([]);
    const e = r.packets[0]?.events[0];
    expect(e?.hook).toBe("ip6:firewalld:filter_INPUT");
    expect(e?.drop?.verdict).toBe("REJECT");
  });
});

describe("trace output pasted from the middle, and nft's packet lines without headers", () => {
  /** Each event's hook and devices, in order. */
  const hops = (text: string) =>
    parseTraceText(text).packets.flatMap((p) =>
      p.events.map((e) => `${e.hook} ${e.in ?? ""}>${e.out ?? ""}`),
    );

  it("nft: a verdict line first does not take the next chain's packet line (openwrt#19359)", () => {
    const text = [
      "trace id 9c07fc2b inet fw4 prerouting policy accept ",
      'trace id 9c07fc2b inet fw4 mangle_forward packet: iif "LanPort" oif "LanPort" ether saddr fc:3c:d7:10:d4:4f ether daddr 40:a5:ef:5d:42:e0 ip saddr 198.51.100.84 ip daddr 203.0.113.222 ip dscp cs0 ip ecn not-ect ip ttl 254 ip id 6687 ip protocol tcp ip length 40 tcp sport 62702 tcp dport 443 tcp flags == ack tcp window 4380 ',
      "trace id 9c07fc2b inet fw4 mangle_forward policy accept ",
    ].join("\n");
    // A prerouting hook has no output device: the packet line is mangle_forward's, printed before its verdicts.
    expect(hops(text)).toEqual(["ip:fw4:prerouting >", "ip:fw4:mangle_forward LanPort>LanPort"]);
  });

  it("nft: a later chain's packet line with only its devices keeps the headers printed before (OpenWrt fw4)", () => {
    const text = [
      'trace id 3786311f inet fw4 trace_chain packet: iif "br-lan2" ether saddr 00:16:3e:4b:67:80 ether daddr 5a:ff:4d:38:41:2f ip saddr 203.0.113.1 ip daddr 203.0.113.126 ip dscp af21 ip ecn not-ect ip ttl 64 ip id 0 ip protocol tcp ip length 60 tcp sport 2202 tcp dport 49780 tcp flags == 0x12 tcp window 64860',
      "",
      'trace id 3786311f inet fw4 prerouting packet: iif "br-lan2"',
      "trace id 3786311f inet fw4 prerouting policy accept",
      'trace id 3786311f inet fw4 mangle_forward packet: iif "br-lan2" oif "br-lan2"',
      "trace id 3786311f inet fw4 mangle_forward policy accept",
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.packets.map((p) => p.summary)).toEqual(["TCP SYN-ACK 203.0.113.1:2202 -> 203.0.113.126:49780"]);
    // The first packet line, its chain's rule line not pasted, stands for its chain (no verdict).
    expect(hops(text)).toEqual([
      "ip:fw4:trace_chain br-lan2>",
      "ip:fw4:prerouting br-lan2>",
      "ip:fw4:mangle_forward br-lan2>br-lan2",
    ]);
  });

  it("xtables-monitor: a user chain's line first is no trace's first line, so the PACKET line is the next chain's", () => {
    const text = [
      " TRACE: 2 2e1c3e85 filter:DOCKER-ISOLATION-STAGE-1:return:",
      "PACKET: 2 2e1c3e85 IN=ens160 OUT=docker0 MACSRC=0:50:56:9a:1:2 MACDST=0:50:56:9a:3:4 MACPROTO=0800 SRC=198.51.100.5 DST=172.17.0.2 LEN=60 TOS=0x0 TTL=63 ID=1 DF SPORT=40000 DPORT=80 SYN ",
      " TRACE: 2 2e1c3e85 filter:DOCKER-ISOLATION-STAGE-2:return:",
    ].join("\n");
    const parser = parseTraceText(text);
    expect(parser.packets).toHaveLength(1);
    expect(hops(text)).toEqual([
      "ip:filter:DOCKER-ISOLATION-STAGE-1 >",
      "ip:filter:DOCKER-ISOLATION-STAGE-2 ens160>docker0",
    ]);
  });
});

describe("lines pasted from an issue or a forum: quoted with '> ' or indented as a Markdown code block", () => {
  it("reads them without their marks, with positions in the line as pasted", () => {
    const text = [
      `    Mar 01 14:33:55 user kernel: ${UFW}`,
      `> > Dec  3 10:00:00 host kernel: ${UFW.replace("ID=4321", "ID=4322")}`,
      '\ttrace id 9c07fc2b inet fw4 prerouting packet: iif "LanPort" ip saddr 198.51.100.84 ip daddr 203.0.113.222 ip protocol tcp tcp sport 62702 tcp dport 443 tcp flags == ack',
      "\ttrace id 9c07fc2b inet fw4 prerouting policy accept",
    ].join("\n");
    const r = parseTraceText(text);
    // The first read as an unknown prefix that held the envelope; the trace lines were skipped.
    expect(r.diagnostics).toEqual([]);
    expect(
      r.packets.map((p) => [p.events[0]?.hook, p.events[0]?.prefix ?? "", p.events[0]?.position.column]),
    ).toEqual([
      ["ip:filter:INPUT", "[UFW BLOCK] ", 34],
      ["ip:filter:INPUT", "[UFW BLOCK] ", 34],
      ["ip:fw4:prerouting", "inet fw4 prerouting", 2],
    ]);
  });

  it("a bare line (no stamp, no envelope) quoted with '> ', '>> ' or '| ': the marks are not part of its LOG prefix", () => {
    const r = parseTraceText(
      [`> ${UFW}`, `>> ${UFW.replace("ID=4321", "ID=4322")}`, `| ${UFW.replace("ID=4321", "ID=4323")}`].join(
        "\n",
      ),
    );
    expect(r.diagnostics).toEqual([]);
    expect(
      r.packets.map((p) => [p.events[0]?.hook, p.events[0]?.prefix, p.events[0]?.position.column]),
    ).toEqual([
      ["ip:filter:INPUT", "[UFW BLOCK] ", 3],
      ["ip:filter:INPUT", "[UFW BLOCK] ", 4],
      ["ip:filter:INPUT", "[UFW BLOCK] ", 3],
    ]);
  });

  it("a rule's own prefix that starts like a quote keeps it when the map or the ruleset names it so", () => {
    const line = UFW.replace("[UFW BLOCK] ", ">>> FW DROP: ");
    const kept = parseTraceText(line, { prefixMap: { ">>> FW DROP:": "ip:filter:INPUT" } });
    expect(kept.diagnostics).toEqual([]);
    expect(kept.packets[0]?.events[0]?.prefix).toBe(">>> FW DROP: ");
    // Mapped without the marks, it is read without them.
    const stripped = parseTraceText(line, { prefixMap: { "FW DROP:": "ip:filter:INPUT" } });
    expect(stripped.packets[0]?.events[0]?.prefix).toBe("FW DROP: ");
  });

  it("a prefix that begins with '|' keeps it: only '| ' quotes", () => {
    const r = parseTraceText(UFW.replace("[UFW BLOCK] ", "|DROP| "), {
      prefixMap: { "|DROP|": "ip:filter:INPUT" },
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.events[0]?.prefix).toBe("|DROP| ");
  });

  it("leaves xtables-monitor's own leading space and journalctl -o verbose's indent as they were", () => {
    const text = [
      "PACKET: 2 0a0b0c0d IN=eth0 MACSRC=52:54:0:65:43:21 MACDST=52:54:0:12:34:56 MACPROTO=0800 SRC=203.0.113.5 DST=192.0.2.10 LEN=60 TOS=0x0 TTL=64 ID=31001 DF SPORT=51000 DPORT=22 SYN ",
      " TRACE: 2 0a0b0c0d filter:INPUT:policy:DROP ",
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.events.map((e) => [e.hook, e.position.column])).toEqual([["ip:filter:INPUT", 1]]);
  });
});

describe("a LOG prefix written to look like a TRACE label (a much-copied blog on tracing bridged frames)", () => {
  it("reads 'TRACE: eb:broute:BROUTING' and 'TRACE: raw:PREROUTING' as prefixes naming their chains", () => {
    const ebt = (prefix: string, out: string) =>
      `[ 1000.000101] ${prefix} IN=veth5 OUT=${out} MAC source = 02:42:ac:11:00:05 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172.17.0.5 IP DST=198.51.100.4, IP tos=0x00, IP proto=17 SPT=1027 DPT=53`;
    const r = parseTraceText(
      [
        ebt("TRACE: eb:broute:BROUTING", ""),
        ebt("TRACE: eb:nat:PREROUTING", ""),
        ebt("TRACE: eb:filter:FORWARD", "veth6"),
        `[ 1000.2] TRACE: raw:PREROUTING ${UFW.slice(UFW.indexOf("IN="))}`,
      ].join("\n"),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.events.map((e) => e.hook))).toEqual([
      ["bridge:broute:BROUTING", "bridge:nat:PREROUTING", "bridge:filter:FORWARD"],
      ["ip:raw:PREROUTING"],
    ]);
  });

  it("still reports a legacy TRACE label cut or edited inside ('raw:PREROUTING:rule')", () => {
    const r = parseTraceText(`[ 1000.2] TRACE: raw:PREROUTING:rule ${UFW.slice(UFW.indexOf("IN="))}`);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics[0]?.message).toBe(
      "expected 'table:chain:rule|policy|return:N' after 'TRACE: ', found 'raw:PREROUTING:rule'",
    );
  });
});

describe("ulogd's LOGEMU file (NFLOG written by ulogd2's printpkt.c, which prints no RES=)", () => {
  it("reads a TCP line without RES= as whole, and still calls a line cut before URGP= cut", () => {
    const line = (tail: string) =>
      `Nov  3 16:23:17 node-3 fw-drop: IN=cni0 OUT=cni0 MAC=a6:7c:4a:a7:8e:7c:06:15:37:ba:07:a9:08:00 SRC=10.42.0.9 DST=10.42.0.10 LEN=60 TOS=00 PREC=0x00 TTL=64 ID=18210 DF PROTO=TCP SPT=35218 DPT=80 SEQ=949388975 ACK=0 WINDOW=62377 ${tail}`;
    const whole = parseTraceText(line("SYN URGP=0 MARK=0 "), {
      file: "syslogemu.log",
      prefixMap: { "fw-drop:": "ip:filter:FORWARD" },
    });
    expect(whole.diagnostics).toEqual([]);
    expect(whole.packets[0]?.summary).toBe("TCP SYN 10.42.0.9:35218 -> 10.42.0.10:80");
    const cut = parseTraceText(line("SYN "), {
      file: "syslogemu.log",
      prefixMap: { "fw-drop:": "ip:filter:FORWARD" },
    });
    expect(cut.diagnostics[0]?.message).toMatch(/^expected RES= before the end of the line/);
  });
});

describe("a LOG line wrapped over several lines by a blog, a forum or a mail client", () => {
  const whole =
    "kernel: [ 9271.326139] iptable/filter-INPUT IN=bond0 OUT= MACSRC=ec:08:6b:00:fb:b0 MACDST=3c:4a:92:00:4c:5b MACPROTO=0800 SRC=198.51.100.252 DST=203.0.113.135 LEN=1440 TOS=0x18 PREC=0x00 TTL=53 ID=17441 DF PROTO=TCP SPT=443 DPT=49412 SEQ=4233876898 ACK=924634312 WINDOW=245 RES=0x00 ACK URGP=0 ";
  const wrapped = [
    "    kernel: [ 9271.326139] iptable/filter-INPUT IN=bond0 OUT= MACSRC=ec:08:6b:00:fb:b0",
    "    MACDST=3c:4a:92:00:4c:5b MACPROTO=0800 SRC=198.51.100.252 DST=203.0.113.135 LEN=1440",
    "    TOS=0x18 PREC=0x00 TTL=53 ID=17441 DF PROTO=TCP SPT=443 DPT=49412 SEQ=4233876898",
    "    ACK=924634312 WINDOW=245 RES=0x00 ACK URGP=0 ",
  ];

  it("reads the pieces joined, at the first line, as the whole line reads, with one warning for the log", () => {
    const one = parseTraceText(whole, { file: "a.log" });
    expect(one.diagnostics).toEqual([]);
    const r = parseTraceText([...wrapped, ...wrapped].join("\n"), { file: "blog.log" });
    expect(r.packets.map((p) => p.summary)).toEqual([one.packets[0]?.summary, one.packets[0]?.summary]);
    expect(r.packets.map((p) => p.events[0]?.position.line)).toEqual([1, 5]);
    expect(r.packets[0]?.events[0]?.ip).toEqual(one.packets[0]?.events[0]?.ip);
    expect(r.diagnostics.map((d) => `${d.position.line} ${d.severity} ${d.message}`)).toEqual([
      "1 warning LOG line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space (2 lines)",
    ]);
  });

  it("says a problem of the joined line at its own line and column in the file", () => {
    // The last piece ends cut in `UID=0 GID=0 ` (nf_log_syslog prints both or neither): the warning
    // points at its last field, on line 4. (A piece ending at URGP=0 without its space is whole.)
    const pieces = wrapped.map((l) => l.trimEnd());
    pieces[3] = `${pieces[3]} UID=0`;
    const r = parseTraceText(pieces.join("\n"), { file: "blog.log" });
    const cut = r.diagnostics.find((d) => d.message.startsWith("the line ends without the space"));
    const last = pieces[3] as string;
    expect(cut?.position).toEqual({ file: "blog.log", line: 4, column: last.indexOf("UID=0") + 1 });
  });

  it("joins the pieces of a mail quote ('> ') too", () => {
    const r = parseTraceText(wrapped.map((l) => `> ${l.trimStart()}`).join("\n"), { file: "mail.log" });
    expect(r.packets).toHaveLength(1);
  });

  // sample: a SuSEfirewall2 log quoted in a mailing-list post, wrapped by the mailer at a kept space.
  it.each([
    ["after MAC= (the frame's type says an IP header follows)", "SRC="],
    ["after IN=", "OUT="],
    ["after OUT=", "MAC="],
    ["in the IP header", "TTL="],
  ])("joins a line broken %s with the space kept before the break (format=flowed mail)", (_, at) => {
    const line = `[UFW BLOCK] IN=eth0 OUT= MAC=00:0a:e4:4e:a1:42:00:50:22:40:0f:d2:08:00 SRC=192.168.10.1 DST=192.168.10.5 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=47744 PROTO=ICMP TYPE=0 CODE=0 ID=34575 SEQ=1 `;
    const k = line.indexOf(at);
    const r = parseTraceText(`${line.slice(0, k)}\n${line.slice(k)}`, { file: "mail.log" });
    expect(r.packets.map((p) => p.summary)).toEqual(["ICMP echo-reply 192.168.10.1 -> 192.168.10.5"]);
    expect(r.diagnostics.map((d) => `${d.position.line} ${d.message}`)).toEqual([
      "1 LOG line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space (1 line)",
    ]);
  });

  it("a line that ends after an IPv4 frame's MAC= is cut, not a frame without an IP header", () => {
    const r = parseTraceText("[UFW BLOCK] IN=eth0 OUT= MAC=00:0a:e4:4e:a1:42:00:50:22:40:0f:d2:08:00 ", {
      file: "cut.log",
    });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      "1:71 expected SRC= after 'MAC=00:0a:e4:4e:a1:42:00:50:22:40:0f:d2:08:00', found the end of the line",
    ]);
  });

  it("still reports a line cut short at that line when the next line is another line, or there is none", () => {
    const cut = wrapped[0] as string;
    const next = `[ 9272.000000] iptable/filter-INPUT IN=bond0 OUT= SRC=198.51.100.1 DST=203.0.113.135 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 `;
    const r = parseTraceText([cut, next, cut].join("\n"), { file: "cut.log" });
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics.map((d) => `${d.position.line} ${d.severity} ${d.message}`)).toEqual([
      "1 error expected SRC= before the end of the line",
      "3 error expected SRC= before the end of the line",
    ]);
  });
});

describe("a trace that stops after a packet line (the capture or the paste cut there)", () => {
  it("nft: the packet line names its chain, so the packet is drawn there without a verdict", () => {
    const text = [
      'trace id 5a11c0de inet fw input packet: iif "eth0" ether saddr 52:54:00:aa:00:01 ether daddr 52:54:00:aa:00:02 ip saddr 198.51.100.7 ip daddr 203.0.113.5 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 4242 ip protocol tcp ip length 60 tcp sport 40000 tcp dport 22 tcp flags == syn tcp window 64240',
    ].join("\n");
    const r = parseTraceText(text, { file: "cut.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.summary)).toEqual(["TCP SYN 198.51.100.7:40000 -> 203.0.113.5:22"]);
    const e = r.packets[0]?.events[0];
    expect([e?.hook, e?.in, e?.verdict, e?.position.line]).toEqual(["ip:fw:input", "eth0", undefined, 1]);
  });

  it("nft: a packet line no rule line took within the window is drawn, the trace's next packet apart", () => {
    const packet = (id: string, ipId: number) =>
      `trace id ${id} inet fw input packet: iif "eth0" ip saddr 198.51.100.7 ip daddr 203.0.113.5 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id ${ipId} ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 1 icmp sequence ${ipId}`;
    const text = [
      packet("0000aaaa", 1),
      ...Array.from({ length: 500 }, (_, i) => `[ ${i}.0] usb 1-1: line ${i}`),
      packet("0000bbbb", 2),
      "trace id 0000bbbb inet fw input policy accept",
    ].join("\n");
    const r = parseTraceText(text, { file: "cut.log" });
    expect(
      r.packets.map((p) => p.events.map((e) => `${e.position.line} ${e.verdict?.verdict ?? "-"}`)),
    ).toEqual([["1 -"], ["503 ACCEPT"]]);
  });

  it("xtables-monitor: a PACKET line names no chain, so it is not drawn (nor counted as a line of other output)", () => {
    const packet = (n: number) =>
      `PACKET: 2 7c1d0e2${n} IN=wan0 MACSRC=52:54:0:aa:0:1 MACDST=52:54:0:aa:0:2 MACPROTO=0800 SRC=198.51.100.20 DST=203.0.113.5 LEN=60 TOS=0x0 TTL=58 ID=${n} DF SPORT=51000 DPORT=8080 SYN `;
    const r = parseTraceText([packet(1), packet(2)].join("\n"), { file: "cut.log" });
    expect(r.packets).toEqual([]);
    expect(r.skippedLines).toBe(0);
  });
});

describe("MediaTek kernels' printk caller, '(cpu)[pid:comm]' before the message", () => {
  it("is not part of the LOG prefix, with or without a stamp before it, so one map entry places every line", () => {
    const fields =
      "IN=br-lan OUT=ccmni2 SRC=198.51.100.1 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1000 DPT=443 WINDOW=1 RES=0x00 SYN URGP=0 ";
    const text = [
      `(2)[22:ksoftirqd/2][FW] IPTABLES [Pkt_Illegal] ${fields}`,
      `[ 5123.000100] (0)[27829:sed][FW] IPTABLES [Pkt_Illegal] ${fields.replace("ID=1", "ID=2")}`,
    ].join("\n");
    const r = parseTraceText(text, {
      file: "mtk.log",
      prefixMap: { "[FW] IPTABLES [Pkt_Illegal]": "ip:filter:FORWARD" },
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.events.map((e) => e.prefix.trim()))).toEqual([
      ["[FW] IPTABLES [Pkt_Illegal]"],
      ["[FW] IPTABLES [Pkt_Illegal]"],
    ]);
  });
});

describe("UniFi OS gateways' LOG lines (a Cloud Gateway Ultra's, in wazuh/wazuh#32914)", () => {
  it("read MARK= in hex without 0x (MARK=1a0000) and place the Network 9 zone pair at FORWARD", () => {
    const line =
      'Oct 31 17:53:46 Cloud-Gateway-Ultra-Justin [LAN_CUSTOM3-A-10000] DESCR="Allow_Trusted_To_VMNet" IN=br50 OUT=br20 MAC=9c:05:d6:c2:8f:d7:6c:4c:bc:8a:df:6b:08:00 SRC=192.168.50.200 DST=192.168.20.10 LEN=52 TOS=00 PREC=0x00 TTL=127 ID=13501 DF PROTO=TCP SPT=7172 DPT=8006 SEQ=1930800898 ACK=0 WINDOW=64240 SYN URGP=0 MARK=1a0000 ';
    const r = parseTraceText(line, { file: "unifi.log" });
    expect(r.diagnostics).toEqual([]);
    const e = r.packets[0]?.events[0];
    expect([e?.hook, e?.mark, e?.l4?.dport]).toEqual(["ip:filter:FORWARD", "0x1a0000", 8006]);
  });
});

describe("syslog envelopes without a kernel tag, or without a date (harvest42)", () => {
  const body =
    "IN=eth8 OUT= MAC=9c:05:d6:c2:8f:d7:6c:4c:bc:8a:df:6b:08:00 SRC=198.51.100.7 DST=203.0.113.10 LEN=52 TOS=0x00 PREC=0x00 TTL=127 ID=13501 DF PROTO=TCP SPT=7172 DPT=8006 WINDOW=64240 RES=0x00 SYN URGP=0 ";
  it.each([
    // UniFi OS's remote syslog: `<PRI>`, date and host, no tag; its host name often twice.
    ["<13>Aug 20 09:12:01 gw [WAN_LOCAL-D-2000] ", "syslog"],
    ["<13>Mar  5 13:08:27 WSDS-UDM-SE WSDS-UDM-SE [WAN_LOCAL-D-2000] ", "syslog"],
    ["Aug 20 09:12:01 UDM UDM [WAN_LOCAL-D-2000] ", "ulogd"],
    // Elastic's iptables events keep the host and the tag in their message, without the date.
    ["ubnt kernel: [WAN_LOCAL-default-D]", "dmesg"],
  ])("%s: the prefix is the rule's alone", (head, kind) => {
    const r = parseTraceText(`${head}${body}`, { file: "remote.log" });
    expect(r.diagnostics).toEqual([]);
    const e = r.packets[0]?.events[0];
    expect([e?.prefix.trim(), e?.hook, e?.envelope]).toEqual([
      head.slice(head.indexOf("[")).trim(),
      "ip:filter:INPUT",
      kind,
    ]);
  });
});

describe("separators a web page or an editor put in a LOG line (harvest42)", () => {
  it.each([
    ["non-breaking spaces everywhere", (l: string) => l.replace(/ /g, "\u00a0")],
    ["one non-breaking space before SRC=", (l: string) => l.replace(" SRC=", "\u00a0SRC=")],
    ["tabs before SRC= and DST=", (l: string) => l.replace(" SRC=", "\tSRC=").replace(" DST=", "\tDST=")],
  ])("%s: read as spaces, the packet whole", (_what, edit) => {
    const r = parseTraceText(edit(`[ 5.000000] ${UFW}`), { file: "web.log" });
    expect(r.diagnostics).toEqual([]);
    const e = r.packets[0]?.events[0];
    expect([e?.hook, e?.ip?.src, e?.ip?.dst, e?.l4?.dport]).toEqual([
      "ip:filter:INPUT",
      "203.0.113.5",
      "192.0.2.10",
      23,
    ]);
  });
});

describe("a LOG line continued with a trailing backslash, as documentation writes one (VyOS's docs, harvest42)", () => {
  it("is joined with the lines after it, the backslashes left out", () => {
    const [head, rest] = [UFW.slice(0, UFW.indexOf(" SRC=")), UFW.slice(UFW.indexOf(" SRC=") + 1)];
    const text = [
      `Jun 18 22:22:00 kernel: ${head} \\`,
      `  ${rest.slice(0, rest.indexOf(" LEN="))} \\`,
      `  ${rest.slice(rest.indexOf(" LEN=") + 1)}`,
    ].join("\n");
    const r = parseTraceText(text, { file: "doc.log" });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.packets).toHaveLength(1);
    expect([r.packets[0]?.events[0]?.ip?.src, r.packets[0]?.events[0]?.l4?.dport]).toEqual([
      "203.0.113.5",
      23,
    ]);
  });
});

describe("the xtables-monitor man page's example, its lines numbered by the page (session 49)", () => {
  // `man xtables-monitor` (iptables 1.8.9) prints its example numbered ` 1 TRACE: ...`; `man` justifies and wraps it.
  it("reads the numbered lines as xtables-monitor's, the number left out", () => {
    const text = [
      " 1 TRACE: 2 fc475095 raw:PREROUTING:rule:0x3:CONTINUE -4 -t raw -A PREROUTING -p icmp -j TRACE",
      "2 PACKET: 0 fc475095 IN=lo LL=0x304 0000000000000000000000000800 SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x0 TTL=64 ID=38349DF",
      "     6\tTRACE: 2 fc475095 filter:INPUT:policy:DROP",
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.skippedLines).toBe(0);
    // The PACKET line is raw PREROUTING's; filter INPUT has none of its own.
    expect(r.packets.map((p) => p.events.map((e) => [e.hook, e.ip?.src, e.verdict?.verdict]))).toEqual([
      [
        ["ip:raw:PREROUTING", "127.0.0.1", "CONTINUE"],
        ["ip:filter:INPUT", undefined, "DROP"],
      ],
    ]);
  });

  it("warns at the line a rendered page spaced out, rather than skipping it", () => {
    const r = parseTraceText(" 2       PACKET:       0       fc475095      IN=lo      LL=0x304\n", {
      file: "man.txt",
    });
    expect(r.diagnostics.map((d) => [d.position, d.severity])).toEqual([
      [{ file: "man.txt", line: 1, column: 10 }, "warning"],
    ]);
    expect(r.diagnostics[0]?.message).toMatch(
      /^expected an xtables-monitor line after the page.s line number/,
    );
  });
});

describe("ulogd's conntrack events, which hold addresses but are no packet's line (session 49)", () => {
  // ulogd2's NFCT output through PRINTFLOW, as in public log parsers' samples and ulogd 2.0's printflow.c (addresses changed).
  it("warns once, at the first event, instead of skipping them as other lines", () => {
    const text = [
      "Aug 26 22:00:00 gw ulogd[1770]: [DESTROY] ORIG: SRC=198.51.100.12 DST=203.0.113.71 PROTO=TCP SPT=52957 DPT=443 PKTS=5 BYTES=1 , REPLY: SRC=203.0.113.71 DST=198.51.100.12 PROTO=TCP SPT=443 DPT=52957 PKTS=10 BYTES=801",
      "Aug 26 22:00:01 gw ulogd[9441]: [NEW]     ORIG: SRC=198.51.100.1 DST=198.51.100.33 PROTO=ICMP TYPE=0 CODE=8 PKTS=1 BYTES=84 , REPLY: SRC=198.51.100.33 DST=198.51.100.1 PROTO=ICMP TYPE=0 CODE=8 PKTS=0 BYTES=0",
      "Aug 26 22:00:02 gw ulogd[9441]: DIR=ORIG  SRC=198.51.100.1 DST=198.51.100.33 PROTO=TCP SPT=40000 DPT=22 PKTS=3 BYTES=180",
    ].join("\n");
    const r = parseTraceText(text, { file: "fw.log" });
    expect(r.skippedLines).toBe(0);
    expect(
      r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message.slice(0, 40)]),
    ).toEqual([["warning", 1, 33, "expected a packet's line, found a conntr"]]);
    expect(r.diagnostics[0]?.message).toMatch(/\(3 lines\)$/);
  });
});

describe("Sophos packet filter records, which hold a packet's addresses in the appliance's own form", () => {
  // Sophos UTM's ulogd output as in Elastic's Sophos integration test logs (a UTM named galaxy, and a
  // GeoIP drop behind a <30> priority), and a Sophos Firewall (SFOS) record as its syslog guide
  // documents (addresses changed to TEST-NET): none of them is a kernel LOG line.
  it("warns once, at the first record's marker, instead of skipping them as other lines", () => {
    const utm =
      '2019:04:08-11:21:55 galaxy ulogd[5009]: id="2002" severity="info" sys="SecureNet" sub="packetfilter" name="Packet accepted" action="accept" fwrule="3000000014" initf="eth0" outitf="eth3" srcmac="00:50:56:c0:00:01" dstmac="00:0c:29:93:cc:85" srcip="198.51.100.1" dstip="203.0.113.1" proto="6" length="52" tos="0x00" prec="0x00" ttl="127" srcport="57051" dstport="51130" tcpflags="SYN"';
    const text = [
      utm,
      '<30>2023:04:28-00:50:54 sophos-test-vm1 ulogd[12511]: id="2021" severity="info" sys="SecureNet" sub="packetfilter" name="Packet dropped (GEOIP)" action="drop" fwrule="60019" initf="eth6" srcmac="1a:fc:2b:33:4d:5f" dstmac="00:11:22:33:44:55" srcip="203.0.113.2" dstip="198.51.100.129" proto="6" length="88" tos="0x00" prec="0x00" ttl="227" srcport="443" dstport="42181" tcpflags="ACK PSH"',
      'device="SFW" date=2024-02-27 time=08:35:19 timezone="PST" device_name="XG135" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed" status="Allow" priority=Information fw_rule_id=8 src_ip=198.51.100.7 dst_ip=203.0.113.9 protocol="TCP" src_port=50000 dst_port=443',
    ].join("\n");
    const r = parseTraceText(text, { file: "utm.log" });
    expect(r.skippedLines).toBe(0);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column])).toEqual([
      ["warning", 1, utm.indexOf('sub="packetfilter"') + 1],
    ]);
    expect(r.diagnostics[0]?.message).toBe(
      "expected a kernel LOG line, found a Sophos packet filter record: not read (3 lines)",
    );
  });
});

describe("the conntrack tool's output, which holds connections' addresses but no packet's line", () => {
  // Printed by conntrack v1.4.7 (conntrack-tools) in a namespace on kernel 6.18 for a ping, a UDP datagram and
  // a TCP connection: `conntrack -E`, `-E -o timestamp,id`, `-L`, `-L -o extended`; the DESTROY after `conntrack -D`.
  it("warns once, at the first line, instead of skipping them as other lines", () => {
    const text = [
      "    [NEW] icmp     1 30 src=198.51.100.1 dst=198.51.100.2 type=8 code=0 id=7805 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=7805",
      " [UPDATE] icmp     1 30 src=198.51.100.1 dst=198.51.100.2 type=8 code=0 id=7805 src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=7805",
      "[1796622883.758569]\t    [NEW] udp      17 30 src=198.51.100.1 dst=198.51.100.2 sport=53360 dport=5000 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=5000 dport=53360 id=1798175424",
      " [UPDATE] tcp      6 432000 ESTABLISHED src=198.51.100.1 dst=198.51.100.2 sport=49518 dport=22 src=198.51.100.2 dst=198.51.100.1 sport=22 dport=49518 [ASSURED]",
      "[DESTROY] tcp      6 59 CLOSE_WAIT src=198.51.100.1 dst=198.51.100.2 sport=49518 dport=22 src=198.51.100.2 dst=198.51.100.1 sport=22 dport=49518 [ASSURED] [USERSPACE] portid=2360818058 progname=conntrack",
      "udp      17 29 src=198.51.100.1 dst=198.51.100.2 sport=53360 dport=5000 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=5000 dport=53360 mark=0 use=1",
      "ipv4     2 icmp     1 29 src=198.51.100.1 dst=198.51.100.2 type=8 code=0 id=7805 src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=7805 mark=0 use=1",
      "tcp      6 59 CLOSE_WAIT src=198.51.100.1 dst=198.51.100.2 sport=49518 dport=22 src=198.51.100.2 dst=198.51.100.1 sport=22 dport=49518 [ASSURED] mark=0 use=1",
    ].join("\n");
    const r = parseTraceText(text, { file: "ct.txt" });
    expect(r.skippedLines).toBe(0);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      ["warning", 1, 1, "expected a packet's line, found a conntrack entry or event: not read (8 lines)"],
    ]);
  });
});

describe("tcpdump's output, which shows packets on an interface but no hook, chain or rule", () => {
  // Printed by tcpdump 4.99.3 (Debian 12) in a namespace on kernel 6.18, capturing on a veth for a ping, a ping -6,
  // a TCP SYN and a UDP datagram: -n, -n -e, -n -v (its header line, then the addresses indented), -n -i any,
  // -n -e -i any, -n -tt, -n -t, -n -tttt (its date reads as an envelope); then what it printed on stderr.
  const LINES = [
    "08:26:57.115093 IP 198.51.100.2.38648 > 198.51.100.3.22: Flags [S], seq 3310797936, win 64240, options [mss 1460,sackOK,TS val 773203259 ecr 0,nop,wscale 10], length 0",
    "08:26:57.118583 IP 198.51.100.2.36726 > 198.51.100.3.53: domain [length 2 < 12] (invalid)",
    "08:26:38.086806 ARP, Request who-has 198.51.100.3 tell 198.51.100.2, length 28",
    "08:26:51.053465 IP6 2001:db8::2 > 2001:db8::3: ICMP6, echo request, id 14195, seq 1, length 64",
    "08:27:03.135318 00:11:22:33:44:55 > 66:77:88:99:aa:bb, ethertype IPv4 (0x0800), length 74: 198.51.100.2.38660 > 198.51.100.3.22: Flags [S], seq 2784425014, win 64240, options [mss 1460,sackOK,TS val 3918925382 ecr 0,nop,wscale 10], length 0",
    "08:27:15.191016 IP (tos 0x0, ttl 64, id 28350, offset 0, flags [DF], proto TCP (6), length 60)",
    "    198.51.100.2.58018 > 198.51.100.3.22: Flags [S], cksum 0x549b (incorrect -> 0x073f), seq 19270626, win 64240, options [mss 1460,sackOK,TS val 1026606191 ecr 0,nop,wscale 10], length 0",
    "08:26:41.250623 IP6 (flowlabel 0x2bd7c, hlim 64, next-header ICMPv6 (58) payload length: 64) 2001:db8::2 > 2001:db8::3: [icmp6 sum ok] ICMP6, echo request, id 13960, seq 1",
    "08:27:21.218028 vlb   In  IP 198.51.100.2.41970 > 198.51.100.3.22: Flags [S], seq 715646609, win 64240, options [mss 1460,sackOK,TS val 1985755814 ecr 0,nop,wscale 10], length 0",
    "08:26:44.496405 vlb   In  ifindex 2 00:11:22:33:44:55 ethertype IPv4 (0x0800), length 104: 198.51.100.2 > 198.51.100.3: ICMP echo request, id 13986, seq 1, length 64",
    "1796632007.763337 IP 198.51.100.2 > 198.51.100.3: ICMP echo request, id 14066, seq 1, length 64",
    "IP6 2001:db8::2 > 2001:db8::3: ICMP6, echo request, id 14113, seq 1, length 64",
    "2026-12-07 08:26:46.137677 IP 198.51.100.2 > 198.51.100.3: ICMP echo request, id 14041, seq 1, length 64",
    "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
    "listening on vlb, link-type EN10MB (Ethernet), snapshot length 262144 bytes",
    "6 packets captured",
    "10 packets received by filter",
    "0 packets dropped by kernel",
  ];

  it("warns once, at the first line, with how many lines were tcpdump's, instead of skipping them", () => {
    const r = parseTraceText(LINES.join("\n"), { file: "cap.txt" });
    expect(r.skippedLines).toBe(0);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        1,
        `expected a kernel LOG line, found tcpdump's output (packets as an interface saw them): not read (${LINES.length} lines)`,
      ],
    ]);
    expect(r.diagnostics[0]?.hint).toMatch(/iptables -j LOG or an nft log rule/);
  });

  it("counts -x's and -X's hex lines with the packet lines they follow", () => {
    // tcpdump 4.99.3 -n -x, then -n -X (the bytes as text after the hex), each line after a tab.
    const text = [
      "08:36:13.583747 IP 198.51.100.2.56198 > 198.51.100.3.22: Flags [S], seq 4041795553, win 64240, options [mss 1460,sackOK,TS val 3139410144 ecr 0,nop,wscale 10], length 0",
      "\t0x0000:  4500 003c 4c2e 4000 4006 9a21 c633 6402",
      "\t0x0030:  bb1f 98e0 0000 0000 0103 030a",
      "08:36:19.597108 IP 198.51.100.2.38636 > 198.51.100.3.22: Flags [S], seq 3280532671, win 64240, options [mss 1460,sackOK,TS val 3896375646 ecr 0,nop,wscale 10], length 0",
      "\t0x0000:  4500 003c 404c 4000 4006 a603 c633 6402  E..<@L@.@....3d.",
    ].join("\n");
    const r = parseTraceText(text, { file: "cap.txt" });
    expect(r.skippedLines).toBe(0);
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.message.slice(-9)])).toEqual([
      [1, 1, "(5 lines)"],
    ]);
  });

  it("still reads the LOG lines among them, and leaves the kernel's own lines as other lines", () => {
    const text = [
      "[ 5001.100000] IPv6: ADDRCONF(NETDEV_CHANGE): vlb: link becomes ready",
      "[ 5001.200000] device vlb entered promiscuous mode",
      LINES[0],
      `[ 5001.300000] ${UFW}`,
    ].join("\n");
    const r = parseTraceText(text, { file: "mixed.txt" });
    expect(r.packets).toHaveLength(1);
    expect(r.skippedLines).toBe(2);
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.message.slice(-8)])).toEqual([
      [3, 1, "(1 line)"],
    ]);
  });
});

describe("pf's filterlog records (pfSense, OPNsense), which are no netfilter's", () => {
  // The raw filter log format Netgate documents (rule, sub rule, anchor, tracker, interface, reason, action,
  // direction, IP version, ...), behind each header pfSense and OPNsense send it with: BSD syslog with and without
  // the pid and the host, RFC 5424 (with OPNsense's structured data); addresses changed to TEST-NET.
  it("warns once, at the first record's fields, instead of skipping them as other lines", () => {
    const first =
      "Dec  5 10:29:11 pfsense filterlog: 5,,,1000103483,vtnet1,match,block,in,4,0x0,,63,17522,0,DF,6,tcp,60,198.51.100.158,203.0.113.201,35682,5963,0,S,1960648610,,64240,,mss;sackOK;TS;nop;wscale";
    const text = [
      first,
      "Dec  7 08:00:00 fw filterlog[1234]: 5,,,1000000103,igb1,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.9,51234,22,0,S,1,,64240,,mss",
      "<134>1 2026-12-07T08:00:00.123456+00:00 pfSense.home.arpa filterlog 61251 - - 4,,,1000000103,igb1,match,block,in,6,0x00,0x00000,255,udp,17,40,2001:db8::1,2001:db8::2,5353,5353,40",
      '<134>1 2026-12-07T08:00:00+00:00 OPNsense.localdomain filterlog 54321 - [meta sequenceId="42"] 82,,,fae559338f65e11c53669fc3642c93c2,vtnet0,match,pass,out,4,0x0,,64,22183,0,DF,17,udp,76,198.51.100.10,203.0.113.123,51413,123,56',
      "<134>Dec  7 08:00:00 filterlog[1234]: 5,,,1000000103,igb1,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.9,51234,22,0,S,1,,64240,,mss",
    ].join("\n");
    const r = parseTraceText(text, { file: "filter.log" });
    expect(r.skippedLines).toBe(0);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        first.indexOf("filterlog") + 1,
        "expected a kernel LOG line, found a pf filterlog record (pfSense, OPNsense): pf is not netfilter, not read (5 lines)",
      ],
    ]);
  });
});

describe("pf's own log as tcpdump prints it (pflog), which is no netfilter's either", () => {
  // Printed by tcpdump 4.99.3 (Debian 12) reading a pflog file (link type PFLOG) made of two pf headers, a block in
  // on em0 by rule 3 and a pass out on em1 by rule 5, each before a TCP SYN: -n -e, -n -e -ttt (its delta after a
  // space), -n -e -tttt (its date reads as an envelope), -n -e -tt and -n -e -t.
  it("warns once, at the first line, instead of skipping them as other lines", () => {
    const text = [
      "07:53:20.123456 rule 3/0(match): block in on em0: 198.51.100.7.51234 > 203.0.113.9.22: Flags [S], seq 1000, win 64240, length 0",
      "07:53:21.123456 rule 5/0(match): pass out on em1: 203.0.113.9.40000 > 198.51.100.7.443: Flags [S], seq 1000, win 64240, length 0",
      " 00:00:00.000000 rule 3/0(match): block in on em0: 198.51.100.7.51234 > 203.0.113.9.22: Flags [S], seq 1000, win 64240, length 0",
      "2026-12-07 07:53:20.123456 rule 3/0(match): block in on em0: 198.51.100.7.51234 > 203.0.113.9.22: Flags [S], seq 1000, win 64240, length 0",
      "1796630000.123456 rule 3/0(match): block in on em0: 198.51.100.7.51234 > 203.0.113.9.22: Flags [S], seq 1000, win 64240, length 0",
      "rule 5/0(match): pass out on em1: 203.0.113.9.40000 > 198.51.100.7.443: Flags [S], seq 1000, win 64240, length 0",
    ].join("\n");
    const r = parseTraceText(text, { file: "pflog.txt" });
    expect(r.skippedLines).toBe(0);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        1,
        "expected a kernel LOG line, found pf's log as tcpdump prints it (pflog): pf is not netfilter, not read (6 lines)",
      ],
    ]);
  });
});

describe("MikroTik RouterOS's firewall log, which names a chain but not its table", () => {
  // As RouterOS's log manual shows `/log print` (time, or date and time, then the topics) and as it sends the
  // line to a syslog server (BSD header, the rule's log prefix before the chain); addresses changed to TEST-NET.
  it("warns once, at the first line's topics, instead of skipping them as other lines", () => {
    const first =
      "Dec  7 08:00:00 192.0.2.1 firewall,info input: in:ether1 out:(unknown 0), src-mac 00:11:22:33:44:55, proto TCP (SYN), 198.51.100.7:51234->203.0.113.9:22, len 60";
    const text = [
      first,
      "01:01:58 firewall,info input: in:ether1 out:(none), src-mac 00:21:29:6d:82:07, proto UDP, 198.51.100.1:520->198.51.100.255:520, len 452",
      "sep/15 12:34:29 firewall,info input: in:ether1 out:(none), src-mac 00:21:29:6d:82:07, proto UDP, 198.51.100.1:520->198.51.100.255:520, len 452",
      "<134>Aug 15 10:25:13 MikroTik-CCR firewall,info DROP-WAN forward: in:ether1 out:bridge, connection-state:new src-mac 00:11:22:33:44:55, proto UDP, 198.51.100.7:5353->203.0.113.9:53, len 60",
    ].join("\n");
    const r = parseTraceText(text, { file: "routeros.log" });
    expect(r.skippedLines).toBe(0);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        first.indexOf("firewall,") + 1,
        "expected a kernel LOG line, found a MikroTik RouterOS firewall log line: not read (4 lines)",
      ],
    ]);
  });
});

describe("ulogd's OPRINT and GPRINT output, its key=value fields instead of a LOG line", () => {
  // Written by ulogd 2.0.8 (Debian 12) in a namespace on kernel 6.18 for a ping through an nft rule
  // `log prefix "inet/t/input " group 5` (and group 6): stack NFLOG, BASE, IFINDEX, IP2STR, HWHDR, then OPRINT
  // (a block of key=value lines per packet) and GPRINT with its timestamp option (one line per packet).
  const OPRINT =
    "===>PACKET BOUNDARY\nraw.mac=default\nraw.pkt=default\nraw.pktlen=84\nraw.pktcount=1\noob.prefix=inet/t/input \noob.time.sec=1796632179\noob.time.usec=446817\noob.mark=0\noob.ifindex_in=2\noob.hook=1\nraw.mac_len=14\noob.family=2\noob.protocol=2048\nraw.label=0\nraw.type=1\nraw.mac.saddr=default\nraw.mac.addrlen=6\nraw=default\nip.saddr=2.100.51.198\nip.daddr=3.100.51.198\nip.protocol=1\nip.tos=0\nip.ttl=64\nip.totlen=84\nip.ihl=5\nip.csum=1027\nip.id=57913\nip.fragoff=16384\nicmp.type=8\nicmp.code=0\nicmp.echoid=21087\nicmp.echoseq=1\nicmp.csum=8726\noob.protocol=2048\noob.in=vlb\noob.out=\nip.saddr.str=198.51.100.2\nip.daddr.str=198.51.100.3\nraw.type=1\noob.protocol=2048\nmac.saddr.str=00:11:22:33:44:55\nmac.daddr.str=66:77:88:99:aa:bb\nmac.str=66:77:88:99:aa:bb:00:11:22:33:44:55:08:00";
  const GPRINT =
    "timestamp=2026/12/07-08:29:40,raw.pktlen=84,raw.pktcount=1,oob.prefix=inet/t/input ,oob.time.sec=1796632179,oob.time.usec=446817,oob.mark=0,oob.ifindex_in=2,oob.hook=1,raw.mac_len=14,oob.family=2,oob.protocol=2048,raw.label=0,raw.type=1,raw.mac.addrlen=6,ip.saddr=198.51.100.2,ip.daddr=198.51.100.3,ip.protocol=1,ip.tos=0,ip.ttl=64,ip.totlen=84,ip.ihl=5,ip.csum=1027,ip.id=57913,ip.fragoff=16384,icmp.type=8,icmp.code=0,icmp.echoid=21087,icmp.echoseq=1,icmp.csum=8726,oob.protocol=2048,oob.in=vlb,oob.out=,ip.saddr.str=198.51.100.2,ip.daddr.str=198.51.100.3,raw.type=1,oob.protocol=2048,mac.saddr.str=00:11:22:33:44:55,mac.daddr.str=66:77:88:99:aa:bb,mac.str=66:77:88:99:aa:bb:00:11:22:33:44:55:08:00";

  it("warns once, at the first line, counting every line of the blocks and records", () => {
    const text = `${OPRINT}\n${GPRINT}\n${GPRINT.replace("timestamp=2026/12/07-08:29:40,", "")}`;
    const r = parseTraceText(text, { file: "ulogd.pktlog" });
    expect(r.skippedLines).toBe(0);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        1,
        `expected a kernel LOG line, found ulogd's OPRINT or GPRINT output (its key=value fields): not read (${text.split("\n").length} lines)`,
      ],
    ]);
    expect(r.diagnostics[0]?.hint).toMatch(/print1:PRINTPKT,emu1:LOGEMU or with json1:JSON/);
  });

  it("warns at the first packet of its XML output, which names the hook by number only", () => {
    // ulogd 2.0.8's XML plugin (stack NFLOG, XML) for the ping: the file as it wrote it.
    const text = [
      '<?xml version="1.0" encoding="utf-8"?>',
      "<packet>",
      "<log><when><hour>8</hour><min>37</min><sec>14</sec><wday>2</wday><day>7</day><month>12</month><year>2026</year></when><prefix>inet/t/input </prefix><hook>1</hook><hw><proto>0800</proto><src>001122334455</src></hw><indev>2</indev><payload>45000054f9a140004001ec9ac6336402c633640308003f2c2fa800013970166b00000000757c050000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637</payload></log>",
      "</packet>",
    ].join("\n");
    const r = parseTraceText(text, { file: "ulogd-pkt.xml" });
    expect(r.packets).toEqual([]);
    // The XML declaration is any XML file's: an other line.
    expect(r.skippedLines).toBe(1);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      ["warning", 2, 1, "expected a kernel LOG line, found ulogd's XML output: not read (3 lines)"],
    ]);
  });
});

describe("a LOG line folded at a fixed width, inside words too (fold -w 80, a terminal's copy)", () => {
  // 50-fold80.log: a ufw line as `fold -w 80` cut it (coreutils 9: pieces of 80 characters, any character).
  const WHOLE = [
    "Dec  7 09:20:00 web1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.7 DST=192.0.2.5 LEN=44 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=41111 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0 ",
    "Dec  7 09:20:01 web1 kernel: [12346.100000] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.23 DST=192.0.2.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  ];
  const fold = (line: string, width: number) => line.match(new RegExp(`.{1,${width}}`, "g")) as string[];

  it("reads each line joined, as the whole line reads, with one warning saying the width and how to unwrap", () => {
    const one = parseTraceText(WHOLE.join("\n"), { file: "a.log" });
    expect(one.diagnostics).toEqual([]);
    const folded = WHOLE.flatMap((l) => fold(l, 80));
    expect(folded.slice(0, 4)).toEqual([
      "Dec  7 09:20:00 web1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:0",
      "0:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.7 DST=192.0.2.5 LEN=44 TOS=0x0",
      "0 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=41111 DPT=3389 WINDOW=1024 RES=0x00 S",
      "YN URGP=0 ",
    ]);
    const r = parseTraceText(folded.join("\n"), { file: "folded.log" });
    expect(r.packets.map((p) => p.summary)).toEqual(one.packets.map((p) => p.summary));
    expect(r.packets.map((p) => p.events[0]?.position.line)).toEqual([1, 5]);
    expect(r.packets.map((p) => p.events[0]?.ip)).toEqual(one.packets.map((p) => p.events[0]?.ip));
    expect(r.diagnostics.map((d) => [d.position.line, d.severity, d.message, d.hint])).toEqual([
      [
        1,
        "warning",
        "LOG line folded at 80 characters (by fold -w 80 or a terminal's copy, inside a word too), read joined (2 lines)",
        "the kernel writes each line whole: copy the log from its file or with journalctl -k; a file folded at 80 columns unwraps with awk 'length($0)==80{printf \"%s\",$0;next}1' FILE",
      ],
    ]);
  });

  it("joins a line folded inside an address (the first piece alone reads as a bad address)", () => {
    const line = WHOLE[1] as string;
    // The width that ends the first piece at `SRC=198.51.1`, which reads as no address.
    const width = line.indexOf("SRC=") + 12;
    const pieces = fold(line, width);
    expect(pieces[1]).toMatch(/^00\.23 DST=/);
    const r = parseTraceText(pieces.join("\n"), { file: "folded.log" });
    expect(r.packets.map((p) => p.summary)).toEqual(["TCP SYN 198.51.100.23:51234 -> 192.0.2.5:22"]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      `LOG line folded at ${width} characters (by fold -w ${width} or a terminal's copy, inside a word too), read joined (1 line)`,
    ]);
  });

  it("reports a folded line that does not read joined as before, at its first piece", () => {
    const bad = (WHOLE[1] as string).replace("TTL=52", "TTL=999");
    const width = bad.indexOf("SRC=") + 12;
    const r = parseTraceText(fold(bad, width).join("\n"), { file: "folded.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({
      severity: "error",
      message: "expected an IPv4 or IPv6 address after SRC=, found '198.51.1'",
      position: { line: 1, column: width - 7 },
    });
  });

  it("says the rest of a folded line whose pieces do not read joined is a fold's, with the unwrap hint", () => {
    const bad = (WHOLE[1] as string).replace("TTL=52", "TTL=999");
    const r = parseTraceText(fold(bad, 80).join("\n"), { file: "folded.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.message, d.hint])).toEqual([
      ["error", 2, "expected a hex number like 0x00 after TOS=, found '0x'", expect.any(String)],
      [
        "warning",
        3,
        "expected the start of a kernel LOG line, found the rest of one: the lines before look folded at 80 characters (fold -w 80, a terminal's copy), and joined they do not read, so this part was not read (1 line)",
        "the kernel writes each line whole: copy the log from its file or with journalctl -k; a file folded at 80 columns unwraps with awk 'length($0)==80{printf \"%s\",$0;next}1' FILE",
      ],
    ]);
  });

  it("joins an ICMP error folded inside its quoted packet, and a fold that broke right before a space", () => {
    // An ICMP error as the real kernel 6.18 logged it (fixture real-icmp-errors-through-nat, line 5).
    const line = readFileSync(
      join(import.meta.dirname, "../../fixtures/parse/real-icmp-errors-through-nat/input.log"),
      "utf8",
    ).split("\n")[4] as string;
    expect(line).toMatch(/ \[SRC=198\.51\.100\.2 DST=203\.0\.113\.2 .* LEN=9 \] $/);
    const whole = parseTraceText(line).packets[0]?.events[0];
    expect(whole?.inner?.l4).toMatchObject({ proto: "udp", sport: 40001, dport: 9999 });
    const open = line.indexOf("[SRC=");
    // 80 (a terminal), a width whose first break falls inside the quote, and 100, whose breaks fall
    // right before spaces (its next pieces start with one, as an indent would) and the last in the quote.
    expect([line.charAt(100), line.charAt(200)]).toEqual([" ", " "]);
    for (const width of [80, open + 12, 100]) {
      const pieces = fold(line, width);
      const r = parseTraceText(pieces.join("\n"), { file: "folded.log" });
      expect(
        r.packets.map((p) => p.events[0]?.inner),
        `width ${width}`,
      ).toEqual([whole?.inner]);
      expect(r.packets[0]?.events[0]?.ip, `width ${width}`).toEqual(whole?.ip);
      expect(
        r.diagnostics.map((d) => [d.severity, d.position.line, d.message]),
        `width ${width}`,
      ).toEqual([
        [
          "warning",
          1,
          `LOG line folded at ${width} characters (by fold -w ${width} or a terminal's copy, inside a word too), read joined (1 line)`,
        ],
      ]);
    }
  });

  it("says where a line cut inside an ICMP error's quoted packet ends", () => {
    const line = readFileSync(
      join(import.meta.dirname, "../../fixtures/parse/real-icmp-errors-through-nat/input.log"),
      "utf8",
    ).split("\n")[4] as string;
    const cut = line.slice(0, line.indexOf(" DPT=9999"));
    const r = parseTraceText(cut, { file: "cut.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.position.column, d.message])).toEqual([
      [
        "error",
        cut.length + 1,
        "expected ']' closing the quoted packet of an ICMP error, found the end of the line",
      ],
    ]);
  });

  it("does not join a next line of another length than a fold's, nor one with its own time stamp", () => {
    const pieces = fold(WHOLE[0] as string, 80);
    const uneven = [pieces[0], `${pieces[1]}X`, pieces[2], pieces[3]].join("\n");
    expect(parseTraceText(uneven, { file: "x.log" }).packets).toEqual([]);
    const stamped = [pieces[0], `Dec  7 09:20:00 web1 kernel: ${(pieces[1] as string).slice(0, 40)}`].join(
      "\n",
    );
    expect(parseTraceText(stamped, { file: "x.log" }).packets).toEqual([]);
  });
});
