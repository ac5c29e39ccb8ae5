/** Line-level behaviour: prefixes, formats, envelopes, positioned errors. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectEnvelope, parseLine, parseTraceText, prefixToHook } from "../../../src/core/parse/index.ts";

const LOG =
  "IN=docker0 OUT= PHYSIN=veth1 MAC=02:42:ac:12:00:02:02:42:ac:12:00:03:08:00 SRC=172.18.0.3 DST=172.18.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=5555 DF PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1 ";

describe("prefix to hook", () => {
  it.each([
    ["iptable/raw-PREROUTE", "ip:raw:PREROUTING"],
    ["ebtable/filter-FORWARD", "bridge:filter:FORWARD"],
    ["ctc/iptable/filter-forward", "ip:filter:FORWARD"],
    ["pw1a2b/iptable/nat-PREROUTING ", "ip:nat:PREROUTING"],
    ["pw-1a2b3c/ebtable/nat-POSTROUTE", "bridge:nat:POSTROUTING"],
    ["/iptable/mangle-PREROUTE", "ip:mangle:PREROUTING"],
    ["IPTABLE/MANGLE-POST", "ip:mangle:POSTROUTING"],
    ["iptable/filter-FWD", "ip:filter:FORWARD"],
    ["iptable/filter-IN", "ip:filter:INPUT"],
    ["iptable/raw-OUT", "ip:raw:OUTPUT"],
    ["ebtable/broute-BROUTING", "bridge:broute:BROUTING"],
    ["pwab12cd/iptable/mangle-POSTR", "ip:mangle:POSTROUTING"],
    ["ip6table/filter-INPUT", "ip6:filter:INPUT"],
    ["fw ebtable/filter-FORWARD ", "bridge:filter:FORWARD"],
    ["DROP filter-INPUT ", "ip:filter:INPUT"],
    ["lab ebtable nat-PREROUTING", "bridge:nat:PREROUTING"],
    ["host-a: ip6table/raw-PRE", "ip6:raw:PREROUTING"],
  ])("%s -> %s", (prefix, hook) => {
    expect(prefixToHook(prefix)).toBe(hook);
  });

  it.each([
    ["filter/FORWARD: ", "ip:filter:FORWARD"],
    ["[filter:FORWARD] ", "ip:filter:FORWARD"],
    ["(nat/POSTROUTING) ", "ip:nat:POSTROUTING"],
    ["<mangle PREROUTING> ", "ip:mangle:PREROUTING"],
    ["nat PREROUTING ", "ip:nat:PREROUTING"],
    ["NAT prerouting: ", "ip:nat:PREROUTING"],
    ["FORWARD:filter", "ip:filter:FORWARD"],
    ["INPUT filter: ", "ip:filter:INPUT"],
    ["ip6tables filter INPUT: ", "ip6:filter:INPUT"],
    ["iptables/nat/POSTROUTE ", "ip:nat:POSTROUTING"],
    ["ebtables filter FORWARD ", "bridge:filter:FORWARD"],
    ["host-a: broute BROUTING ", "bridge:broute:BROUTING"],
    ["fw raw/PREROUTING> ", "ip:raw:PREROUTING"],
    ["security FWD ", "ip:security:FORWARD"],
    ["((filter FORWARD)):!", "ip:filter:FORWARD"],
  ])("table and chain written apart: %s -> %s", (prefix, hook) => {
    expect(prefixToHook(prefix)).toBe(hook);
    // The family tag, when the prefix names none, is the caller's (ip6 for IPv6 packets).
    if (!/tables|broute/.test(prefix))
      expect(prefixToHook(prefix, { defaultFamily: "ip6" })).toBe(hook.replace(/^ip:/, "ip6:"));
  });

  it.each([
    // A colon or brackets around the glued names (`--log-prefix "filter-INPUT: "`) were read as part of the chain.
    ["filter-INPUT: ", "ip:filter:INPUT"],
    ["iptable/mangle-OUTPUT: ", "ip:mangle:OUTPUT"],
    ["[nat-PREROUTING] ", "ip:nat:PREROUTING"],
    ["FW mangle-POSTROUTING: ", "ip:mangle:POSTROUTING"],
    // Free text glued before the names (a namespace's or host's name): the names in full, last.
    ["ns-a-mangle-OUTPUT: ", "ip:mangle:OUTPUT"],
    ["host1-nat-PREROUTING ", "ip:nat:PREROUTING"],
    ["fw_ip6_filter_INPUT: ", "ip6:filter:INPUT"],
    ["lab.ebtables.broute.BROUTING ", "bridge:broute:BROUTING"],
  ])("glued names with punctuation or free text: %s -> %s", (prefix, hook) => {
    expect(prefixToHook(prefix)).toBe(hook);
  });

  it.each([
    // After free text the names must be written in full, and the chain be one the table has.
    "host-filter-PRE ",
    "drop-raw-INPUT: ",
    "my-filter-chain: ",
  ])("keeps the glued %j unknown", (prefix) => {
    expect(prefixToHook(prefix)).toBeUndefined();
  });

  it("strips brackets and punctuation in linear time: a long run of `)` inside a word took a minute", () => {
    const run = ")".repeat(300_000);
    expect(prefixToHook(`${run}x `)).toBeUndefined();
    expect(prefixToHook(`${run}x filter FORWARD${run}`)).toBe("ip:filter:FORWARD");
  });

  it.each([
    "IN=",
    "DROP: ",
    "ufw block",
    "[UFW BLOCK] ",
    "FORWARD: ",
    "[INPUT] ",
    "filter ",
    "nat",
    // A chain the table does not have.
    "raw INPUT ",
    "filter/PREROUTING: ",
    // Short chain words are English words apart from a table: only the glued forms take them.
    "filter in ",
    "nat out: ",
    "filter pre ",
    // Table and chain not last: free text around names.
    "filter INPUT dropped ",
    // Words that are an object's keys, not family tags.
    "constructor nat ",
    "toString INPUT ",
  ])("keeps %j unknown", (prefix) => {
    expect(prefixToHook(prefix)).toBeUndefined();
  });

  it("reads a family word that is an object's key as no family (it made no hook id before)", () => {
    expect(prefixToHook("constructor filter-INPUT")).toBe("ip:filter:INPUT");
    expect(prefixToHook("__proto__/filter-INPUT")).toBe("ip:filter:INPUT");
    expect(prefixToHook("pw/nft/constructor/t/c")).toBeUndefined();
  });

  it("reads a LOG line whose hand-written prefix holds ':' and brackets", () => {
    const r = parseTraceText(
      `[  100.123456] [filter:FORWARD] ${LOG}\n[  100.123457] iptables filter INPUT: ${LOG}`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.hooks).toEqual(["ip:filter:FORWARD", "ip:filter:INPUT"]);
  });

  it("returns undefined for unknown prefixes and honours a user map", () => {
    expect(prefixToHook("DROPPED: ")).toBeUndefined();
    expect(prefixToHook("fw-in", { prefixMap: { "fw-in": "ip:filter:INPUT" } })).toBe("ip:filter:INPUT");
  });

  it("takes a map key written as the rule's --log-prefix, trailing space and all", () => {
    const line =
      "[ 10.1] fw in IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=198.51.100.10 DST=203.0.113.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 ";
    const r = parseTraceText(line, { prefixMap: { "fw in ": "ip:filter:INPUT" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.hooks).toEqual(["ip:filter:INPUT"]);
    // A protocol the kernel logs by number is named for the reader.
    expect(r.packets[0]?.summary).toBe("GRE (protocol 47) 198.51.100.10 -> 203.0.113.2");
  });

  it("reads the missing-space prefix from real output", () => {
    const r = parseLine(`ctc/iptable/filter-forward${LOG}`);
    expect(r.result.kind).toBe("event");
    if (r.result.kind === "event") {
      expect(r.result.event.prefix).toBe("ctc/iptable/filter-forward");
      expect(r.result.event.in).toBe("docker0");
      expect(r.result.event.l4).toMatchObject({ proto: "icmp", icmpType: 8, icmpId: 12, icmpSeq: 1 });
      expect(r.result.event.ip).toMatchObject({ id: 5555, flags: ["DF"], ttl: 64 });
    }
  });

  it("warns once per unknown prefix with its position and a hint, never silently", () => {
    const r = parseTraceText(`[ 1.0] mystery ${LOG}\n[ 1.1] mystery ${LOG}\n`, { file: "x.log" });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      severity: "warning",
      position: { file: "x.log", line: 1, column: 8 },
    });
    expect(r.diagnostics[0]?.message).toContain("2 lines");
    expect(r.diagnostics[0]?.hint).toContain("--prefix-map");
  });
});

describe("envelopes", () => {
  it.each([
    ["[  122.212126] msg", "dmesg", 122.212126],
    ["[Thu Nov 26 05:58:48 2026] msg", "dmesg-T", Date.UTC(2026, 10, 26, 5, 58, 48) / 1000],
    [
      "2026-11-26T05:58:48,212126+00:00 msg",
      "dmesg-iso",
      Date.UTC(2026, 10, 26, 5, 58, 48) / 1000 + 0.212126,
    ],
    ["kern  :debug : [  122.212126] msg", "dmesg-x", 122.212126],
    ["<7>[  122.212126] msg", "dmesg-r", 122.212126],
    ["Nov 26 05:58:48 host kernel: msg", "journal", undefined],
    ["Nov 26 05:58:48.212126 host kernel: msg", "journal", undefined],
    ["2026-11-26T05:58:48+0100 host kernel: msg", "journal-iso", Date.UTC(2026, 10, 26, 4, 58, 48) / 1000],
    ["[  122.212126] host kernel: msg", "journal-monotonic", 122.212126],
    ["Nov 26 05:58:48 host kernel: [  122.212126] msg", "syslog", undefined],
    ["msg", "bare", undefined],
    ["[<    0.000123>] msg", "dmesg-delta", undefined],
    ["[  122.212126 <    0.000123>] msg", "dmesg-delta", 122.212126],
    ["[Nov26 05:58] msg", "dmesg-reltime", undefined],
    [
      "[Thu Nov 26 05:58:48 2026 <    0.000123>] msg",
      "dmesg-delta",
      Date.UTC(2026, 10, 26, 5, 58, 48) / 1000,
    ],
    ["[  +0.000123] msg", "dmesg-reltime", undefined],
    ["[  122.212126] [     C1] msg", "dmesg", 122.212126],
    ["[  122.212126][   T4821] msg", "dmesg", 122.212126],
    ["\uFEFF[  122.212126] msg", "dmesg", 122.212126],
    ["\uFEFFmsg", "bare", undefined],
    ["1795672728.212126 host kernel: msg", "journal-unix", 1795672728.212126],
    [
      "Thu 2026-11-26 05:58:48 UTC host kernel: msg",
      "journal-full",
      Date.UTC(2026, 10, 26, 5, 58, 48) / 1000,
    ],
    [
      "<4>1 2026-11-26T05:58:48.212126+00:00 host kernel - - - msg",
      "rfc5424",
      Date.UTC(2026, 10, 26, 5, 58, 48) / 1000 + 0.212126,
    ],
    ['<4>1 2026-11-26T05:58:48Z host kernel - - [origin x="a\\]b"] [  122.212126] msg', "rfc5424", undefined],
    ["<4>1 - - kernel - - - \uFEFFmsg", "rfc5424", undefined],
    ["Nov 26 05:58:48 host kernel:\tmsg", "journal", undefined],
    ["[  122.212126]\tmsg", "dmesg", 122.212126],
    ["    MESSAGE=msg", "journal-verbose", undefined],
    ["4,1207,122212126,-;msg", "kmsg", 122.212126],
    ["Nov 26 05:58:48 host msg", "ulogd", undefined],
    ["Nov 26 05:58:48 host xtables-monitor[812]: msg", "journal", undefined],
    ["[  122.212126 <    0.000123>] host kernel: msg", "dmesg-delta", 122.212126],
    ["[  122.212126] host nft[4471]: msg", "journal-monotonic", 122.212126],
    ["2026-11-26T05:58:48+0000 host nft[4471]: msg", "journal-iso", Date.UTC(2026, 10, 26, 5, 58, 48) / 1000],
    ["1795672728.212126 host nft[4471]:\tmsg", "journal-unix", 1795672728.212126],
    ["4,1208,122212130,-,caller=C1;msg", "kmsg", 122.21213],
    ["MESSAGE=[  122.212126] msg", "journal-verbose", undefined],
    // Linux Mint's rsyslog tags kernel messages `vmunix`; multilog keeps the printk level after its stamp.
    ["Dec 4 21:01:37 host vmunix: [574306.219055] msg", "syslog", undefined],
    ["2007-01-09 23:41:09 <4>msg", "dmesg-iso", Date.UTC(2007, 0, 9, 23, 41, 9) / 1000],
    // RFC 3164 without a date or host (a router's remote syslog, harvest43 H5).
    ["<4>kernel: msg", "syslog", undefined],
    ["<4>kernel: [  122.212126] msg", "syslog", 122.212126],
    [
      "2007-01-09 23:40:47.896794500 <4>msg",
      "dmesg-iso",
      Date.UTC(2007, 0, 9, 23, 40, 47) / 1000 + 0.8967945,
    ],
  ])("%s", (line, kind, time) => {
    const e = detectEnvelope(line);
    expect(e.kind).toBe(kind);
    expect(line.slice(e.bodyStart)).toBe("msg");
    if (time !== undefined) expect(e.time).toBeCloseTo(time, 5);
  });

  // journalctl and dmesg -T format dates with strftime's %b: the reader's locale names the month.
  const nov30 = Date.UTC(1970, 10, 30, 10, 11, 12) / 1000;
  it.each([
    ["11月 30 10:11:12 host kernel: msg", nov30],
    ["11월 30 10:11:12 host kernel: msg", nov30],
    [" 1月 05 10:11:12 host kernel: msg", Date.UTC(1970, 0, 5, 10, 11, 12) / 1000],
    ["Dez 01 10:11:12 host kernel: msg", Date.UTC(1970, 11, 1, 10, 11, 12) / 1000],
    ["Mär 01 10:11:12.5 host kernel: msg", Date.UTC(1970, 2, 1, 10, 11, 12) / 1000 + 0.5],
    ["déc. 01 10:11:12 host kernel: msg", Date.UTC(1970, 11, 1, 10, 11, 12) / 1000],
    ["févr. 01 10:11:12 host kernel: msg", Date.UTC(1970, 1, 1, 10, 11, 12) / 1000],
    ["dic 01 10:11:12 host kernel: msg", Date.UTC(1970, 11, 1, 10, 11, 12) / 1000],
    ["ноя 30 10:11:12 host kernel: msg", nov30],
    ["мая 30 10:11:12 host kernel: msg", Date.UTC(1970, 4, 30, 10, 11, 12) / 1000],
    ["paź 30 10:11:12 host kernel: msg", Date.UTC(1970, 9, 30, 10, 11, 12) / 1000],
    ["Kas 30 10:11:12 host kernel: msg", nov30],
    ["ноя 30 10:11:12 host kernel: [  122.212126] msg", nov30],
    // A month word not in the table still reads (its dates count as January's).
    ["xyz 30 10:11:12 host kernel: msg", Date.UTC(1970, 0, 30, 10, 11, 12) / 1000],
  ])("a journal date under another locale: %s", (line, time) => {
    const e = detectEnvelope(line);
    expect(e.kind).toBe(line.includes("[") ? "syslog" : "journal");
    expect(line.slice(e.bodyStart)).toBe("msg");
    expect(e.time).toBeCloseTo(time, 5);
  });

  it.each([
    ["[一 11月 30 10:11:12 2026] msg", Date.UTC(2026, 10, 30, 10, 11, 12) / 1000],
    ["[Mo Nov 30 10:11:12 2026] msg", Date.UTC(2026, 10, 30, 10, 11, 12) / 1000],
    ["[mar. déc.  1 10:11:12 2026] msg", Date.UTC(2026, 11, 1, 10, 11, 12) / 1000],
  ])("dmesg -T under another locale: %s", (line, time) => {
    const e = detectEnvelope(line);
    expect(e.kind).toBe("dmesg-T");
    expect(line.slice(e.bodyStart)).toBe("msg");
    expect(e.time).toBeCloseTo(time, 5);
  });

  it("leaves LOG lines without an envelope alone (no prefix is read as a month)", () => {
    for (const line of [
      "iptable/raw-PREROUTEIN=eth0 OUT= SRC=198.51.100.1",
      "fw-in: IN=eth0 OUT= SRC=198.51.100.1",
      "[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.1",
      "12 10:11:12 host kernel: msg",
    ])
      expect(detectEnvelope(line), line).toMatchObject({ kind: "bare", bodyStart: 0 });
  });

  it("reads a capture dated under other locales as the same capture in dmesg, every date and host stripped", () => {
    const dir = join(import.meta.dirname, "../../fixtures/parse");
    const localized = parseTraceText(readFileSync(join(dir, "localized-dates/input.log"), "utf8"));
    const plain = parseTraceText(readFileSync(join(dir, "real-container-to-wan/input.log"), "utf8"));
    const events = localized.packets.flatMap((p) => p.events);
    expect(events.map((e) => e.prefix)).toEqual(plain.packets.flatMap((p) => p.events.map((e) => e.prefix)));
    for (const e of events) {
      expect(e.prefix).toMatch(/^pwid\//);
      expect(e.time).toBeDefined();
    }
  });

  it("reads a line after a run of zero bytes (a syslog file written through a crash) as without it", () => {
    const line = `Nov 26 05:58:48 host kernel: [  122.212126] iptable/filter-FORWARD${LOG}`;
    const clean = parseTraceText(`${line}\n`);
    const crashed = parseTraceText(`${"\0".repeat(700)}${line}\n${"\0".repeat(40)}\n`);
    expect(crashed.packets.map((p) => [p.summary, p.hooks, p.events[0]?.prefix, p.events[0]?.time])).toEqual(
      clean.packets.map((p) => [p.summary, p.hooks, p.events[0]?.prefix, p.events[0]?.time]),
    );
    expect(crashed.packets).toHaveLength(1);
    expect(crashed.diagnostics).toEqual([]);
  });

  it("skips and counts unrelated kernel lines", () => {
    const r = parseTraceText(
      "[ 1.0] usb 1-1: new device\nNov 26 05:58:48 h kernel: docker0: port 1 entered blocking state\n",
    );
    expect(r).toMatchObject({ packets: [], skippedLines: 2, diagnostics: [] });
  });
});

describe("formats", () => {
  it("reads ebtables --log-arp tails", () => {
    const r = parseLine(
      "[ 1.0] ebtable/nat-PREROUTE IN=veth2 OUT= MAC source = 02:42:ac:12:00:02 MAC dest = ff:ff:ff:ff:ff:ff proto = 0x0806 ARP HTYPE=1, PTYPE=0x0800, OPCODE=1 ARP MAC SRC=02:42:ac:12:00:02 ARP IP SRC=172.18.0.2 ARP MAC DST=00:00:00:00:00:00 ARP IP DST=172.18.0.3",
    );
    expect(r.result.kind === "event" && r.result.event.arp).toEqual({
      htype: 1,
      ptype: "0x0800",
      opcode: 1,
      macSrc: "02:42:ac:12:00:02",
      ipSrc: "172.18.0.2",
      macDst: "00:00:00:00:00:00",
      ipDst: "172.18.0.3",
    });
  });

  it("reads the quoted packet of an ICMP error", () => {
    const r = parseLine(
      "iptable/raw-PREROUTE IN=eth0 OUT= MAC= SRC=203.0.113.1 DST=172.17.0.1 LEN=56 TOS=0x00 PREC=0xC0 TTL=64 ID=9 PROTO=ICMP TYPE=3 CODE=4 [SRC=172.17.0.1 DST=203.0.113.1 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=77 DF PROTO=TCP SPT=1 DPT=2 WINDOW=0 RES=0x00 ACK URGP=0 ] MTU=1400 ",
    );
    expect(r.result.kind).toBe("event");
    if (r.result.kind !== "event") return;
    expect(r.result.event.macRaw).toBe("");
    expect(r.result.event.l4).toMatchObject({ icmpType: 3, icmpCode: 4, mtu: 1400 });
    expect(r.result.event.inner?.l4).toMatchObject({ proto: "tcp", sport: 1, dport: 2, tcpFlags: ["ACK"] });
    expect(r.result.event.ip?.prec).toBe(0xc0);
  });

  it("reads xtables-monitor PACKET lines with glued ID flags and short MACs", () => {
    const r = parseLine(
      "PACKET: 2 fc475095 IN=eth0 MACSRC=2:42:ac:11:0:2 MACDST=52:54:0:12:34:2 MACPROTO=0800 SRC=1.1.1.1 DST=2.2.2.2 LEN=60 TOS=0x0 TTL=64 ID=38349DF SPORT=1 DPORT=2 SYN ",
    );
    expect(r.result.kind).toBe("packet-data");
    if (r.result.kind !== "packet-data") return;
    expect(r.result.event.macSrc).toBe("02:42:ac:11:00:02");
    expect(r.result.event.ip).toMatchObject({ id: 38349, flags: ["DF"] });
    expect(r.result.event.l4).toMatchObject({ proto: "tcp", sport: 1, dport: 2, tcpFlags: ["SYN"] });
  });

  it("reads PACKET lines of iptables before 1.8.8, numbered with the -4/-6 option (0 without one)", () => {
    const r = parseLine(
      "PACKET: 0 7c1d0e21 IN=wan0 MACSRC=52:54:0:aa:0:1 MACDST=52:54:0:aa:0:2 MACPROTO=0800 SRC=198.51.100.20 DST=203.0.113.5 LEN=60 TOS=0x0 TTL=58 ID=31001SPORT=51000 DPORT=8080 SYN ",
    );
    expect(r.result.kind).toBe("packet-data");
    if (r.result.kind !== "packet-data") return;
    expect(r.result.traceId).toBe("7c1d0e21");
    expect(r.result.event.ip).toMatchObject({ src: "198.51.100.20", id: 31001 });
    expect(r.result.event.l4).toMatchObject({ proto: "tcp", sport: 51000, dport: 8080, tcpFlags: ["SYN"] });
  });

  it("warns once, with a count, for trace lines of a family packetwalk does not model (netdev)", () => {
    const r = parseTraceText(
      " TRACE: 5 0a0b0c0d edge:ingress:rule:0x2:CONTINUE \n TRACE: 5 0a0b0c0d edge:ingress:policy:ACCEPT \n",
      { file: "x.log" },
    );
    expect(r.packets).toEqual([]);
    expect(r.skippedLines).toBe(0);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", position: { file: "x.log", line: 1, column: 9 } }),
    ]);
    expect(r.diagnostics[0]?.message).toMatch(
      /netdev family \(first: table edge, chain ingress\).*\(2 lines\)$/,
    );
  });

  it.each([
    ["syn", ["SYN"]],
    ["syn | ack", ["SYN", "ACK"]],
    ["(syn|ack)", ["SYN", "ACK"]],
    ["0x12", ["SYN", "ACK"]],
    ["fin | ecn | cwr", ["FIN", "ECE", "CWR"]],
  ])("reads nft's tcp flags == %s", (flags, expected) => {
    const r = parseLine(
      `trace id 0e05a726 ip fw output packet: oif "wan0" ip saddr 203.0.113.5 ip daddr 198.51.100.20 ip protocol tcp tcp sport 22 tcp dport 51000 tcp flags == ${flags} tcp window 65160 `,
    );
    expect(r.result.kind === "packet-data" && r.result.event.l4).toMatchObject({
      tcpFlags: expected,
      window: 65160,
    });
  });

  it("reads a PACKET part glued to its TRACE line (a rule iptables < 1.8.8 could not print)", () => {
    const r = parseLine(
      " TRACE: 2 7c1d0e21 raw:PREROUTING:rule:0x2:CONTINUE PACKET: 0 7c1d0e21 IN=wan0 SRC=198.51.100.20 DST=203.0.113.5 LEN=84 TOS=0x0 TTL=58 ID=31001DF ",
    );
    expect(r.result.kind).toBe("event");
    if (r.result.kind !== "event") return;
    expect(r.result.event.verdict).toEqual({
      kind: "rule",
      chain: "PREROUTING",
      rule: "0x2",
      verdict: "CONTINUE",
    });
    expect(r.result.event.in).toBe("wan0");
    expect(r.result.event.ip).toMatchObject({
      src: "198.51.100.20",
      dst: "203.0.113.5",
      id: 31001,
      flags: ["DF"],
    });
  });

  it("names nf_tables numeric verdicts", () => {
    const r = parseLine(
      " TRACE: 2 8c7dbc60 filter:DOCKER-USER:rule:0x17:0xfffffffb  -4 -t filter -A DOCKER-USER -j RETURN",
    );
    expect(r.result.kind === "event" && r.result.event.verdict).toMatchObject({
      chain: "DOCKER-USER",
      rule: "0x17",
      verdict: "RETURN",
      text: "-4 -t filter -A DOCKER-USER -j RETURN",
    });
  });

  it("gives positioned, one-sentence errors and keeps parsing the other lines", () => {
    const good = `[ 1.0] iptable/raw-PREROUTE ${LOG}`;
    const bad = "[ 1.1] iptable/raw-PREROUTE IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=84 TOS=0xZZ PREC=0x00";
    const r = parseTraceText(`${bad}\n${good}\n`, { file: "in.log" });
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", position: { file: "in.log", line: 1, column: 77 } }),
    ]);
    expect(r.diagnostics[0]?.message).toMatch(/^expected a hex number like 0x00 after TOS=, found '0xZZ'$/);
  });
});
