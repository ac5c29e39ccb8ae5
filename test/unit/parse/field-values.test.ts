/**
 * A LOG line whose address or number could not have come from a kernel is a positioned error, not
 * a packet: a damaged SRC= made up NAT rewrites, a damaged ID= split a packet in two.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const HEAD = "[ 1.0] iptable/raw-PREROUTE IN=docker0 OUT= ";
const line = (
  src: string,
  dst: string,
  ip = "LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=5555 DF",
  l4 = "PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1",
) => `${HEAD}SRC=${src} DST=${dst} ${ip} ${l4} `;
const GOOD = line("172.17.0.2", "198.51.100.10");

/** The one diagnostic of `bad` parsed before a good line; the good line still makes its packet. */
function problemOf(bad: string) {
  const r = parseTraceText(`${bad}\n${GOOD}\n`, { file: "in.log" });
  expect(r.packets).toHaveLength(1);
  expect(r.diagnostics).toHaveLength(1);
  const d = r.diagnostics[0];
  expect(d?.severity).toBe("error");
  return { column: d?.position.column, message: d?.message, line: d?.position.line };
}

describe("addresses in LOG lines", () => {
  it.each([
    ["1x72.17.0.2"],
    ["172.17.0.999"],
    ["172.17.0"],
    ["198.51.100.10.5"],
    ["1\u000072.17.0.2"],
    ["172..17.0"],
    ["1720.17.0.2"],
  ])("SRC=%j is an error at the value's column", (src) => {
    const bad = line(src, "198.51.100.10");
    const p = problemOf(bad);
    expect(p.message).toBe(`expected an IPv4 or IPv6 address after SRC=, found '${src}'`);
    expect(p.column).toBe(bad.indexOf("SRC=") + 5);
    expect(p.line).toBe(1);
  });

  it("checks DST= too", () => {
    const bad = line("172.17.0.2", "198.51.100.10.5");
    expect(problemOf(bad)).toMatchObject({
      message: "expected an IPv4 or IPv6 address after DST=, found '198.51.100.10.5'",
      column: bad.indexOf("DST=") + 5,
    });
  });

  it("reads the IPv6 forms kernels and xtables-monitor print", () => {
    const full = `${HEAD}SRC=fd00:000a:0000:0000:0000:0000:0000:0002 DST=fd00:000b:0000:0000:0000:0000:0000:0003 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=1 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1 `;
    const short = `${HEAD}SRC=fd00:a::2 DST=fd00:b::3 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=1 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1 `;
    const r = parseTraceText(`${full}\n${short}\n`, { file: "in.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.events[0]?.ip?.src).toBe("fd00:000a:0000:0000:0000:0000:0000:0002");
  });

  it("checks ARP's IPSRC=, and reports one cut at the end of the line as a cut line", () => {
    const arp =
      "[ 1.0] arp/filter-INPUT IN=lan0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:bb:00:0a IPSRC=192.168.0.300 MACDST=00:00:00:00:00:00 IPDST=192.168.0.1 ";
    const r = parseTraceText(`${arp}\n`, { file: "in.log" });
    expect(r.diagnostics[0]?.message).toBe("expected an IPv4 address after IPSRC=, found '192.168.0.300'");
    const cut =
      "[ 1.0] arp/filter-INPUT IN=lan0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:bb:00:0a IPSRC=192.168";
    expect(parseTraceText(`${cut}\n`, { file: "in.log" }).diagnostics[0]?.message).toBe(
      "expected IPDST= before the end of the ARP line",
    );
  });
});

describe("numbers wider than their header field", () => {
  it.each([
    [
      "TTL",
      "LEN=84 TOS=0x00 PREC=0x00 TTL=999 ID=5555 DF",
      "PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1",
      "999",
      255,
    ],
    [
      "ID",
      "LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=65536 DF",
      "PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1",
      "65536",
      65535,
    ],
    [
      "TOS",
      "LEN=84 TOS=0x100 PREC=0x00 TTL=64 ID=5 DF",
      "PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1",
      "0x100",
      255,
    ],
    [
      "DPT",
      "LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=5 DF",
      "PROTO=TCP SPT=40000 DPT=70000 WINDOW=64240 RES=0x00 SYN URGP=0",
      "70000",
      65535,
    ],
    [
      "SEQ",
      "LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=5 DF",
      "PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=65536",
      "65536",
      65535,
    ],
  ])("%s", (key, ip, l4, value, max) => {
    const bad = line("172.17.0.2", "198.51.100.10", ip, l4);
    const p = problemOf(bad);
    expect(p.message).toBe(`expected a number from 0 to ${max} after ${key}=, found '${value}'`);
    expect(p.column).toBe(bad.lastIndexOf(`${key}=${value}`) + key.length + 2);
  });

  it("keeps a TCP sequence number up to 2^32 - 1", () => {
    const ok = line(
      "172.17.0.2",
      "198.51.100.10",
      "LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=5 DF",
      "PROTO=TCP SPT=40000 DPT=80 SEQ=4294967295 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0",
    );
    const r = parseTraceText(`${ok}\n`, { file: "in.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.events[0]?.l4?.seq).toBe(4294967295);
  });
});

describe("an IP ID with something glued to it", () => {
  it("is an error unless a flag or the next field follows the digits", () => {
    const bad = line("172.17.0.2", "198.51.100.10", "LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9x32 DF");
    expect(problemOf(bad)).toMatchObject({ message: "expected a number after ID=, found '9x32'" });
    for (const glued of ["ID=31001DF", "ID=31001SPORT=51000"]) {
      const ok = `PACKET: 0 7c1d0e21 IN=wan0 MACSRC=52:54:0:aa:0:1 MACDST=52:54:0:aa:0:2 MACPROTO=0800 SRC=198.51.100.20 DST=203.0.113.5 LEN=60 TOS=0x0 TTL=58 ${glued}${glued.endsWith("DF") ? " SPORT=51000" : ""} DPORT=8080 SYN `;
      const trace = " TRACE: 2 7c1d0e21 raw:PREROUTING:policy:ACCEPT ";
      expect(parseTraceText(`${ok}\n${trace}\n`, { file: "in.log" }).diagnostics).toEqual([]);
    }
  });
});

describe("a line cut before its addresses", () => {
  const full = `${HEAD}PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=5555 DF PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1 `;
  it.each(["SRC=17", "MAC=02:42:5e", "PHYSIN=veth-c1", "OUT="])(
    "after %s is an error, not a frame of its own",
    (cut) => {
      const bad = full.slice(0, full.indexOf(cut) + cut.length);
      const r = parseTraceText(`${bad}\n${full}\n`, { file: "in.log" });
      expect(r.packets).toHaveLength(1);
      expect(r.diagnostics.map((d) => d.severity)).toEqual(["error"]);
      expect(r.diagnostics[0]?.message).toMatch(
        /^expected (SRC= before the end of the line|an IPv4 or IPv6 address after SRC=)/,
      );
    },
  );

  it("a whole non-IP frame without its trailing space is read without a warning", () => {
    // nf_log_unknown_packet prints the devices and dump_mac_header's `MAC=` and stops: a frame of another
    // type (LLDP, 88cc) ends its line with its whole MAC= (the type in it), so the lost space cuts nothing.
    const lldp = `${HEAD}MAC=01:80:c2:00:00:0e:02:42:ac:11:00:02:88:cc`;
    const r = parseTraceText(`${lldp}\n`, { file: "in.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets).toHaveLength(1);
  });
});

describe("a line garbled in its middle (a web page lost 'F PROTO=ICM')", () => {
  const whole = `${HEAD}SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=5555 DF PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1 `;
  it.each([
    ["DF PROTO=ICMP", "DP", "DP"],
    ["PROTO=ICMP TYPE=8", "PROE=8", "PROE=8"],
  ])("where '%s' became '%s' is an error there, not a cut at the end", (from, to, found) => {
    const bad = whole.replace(from, to);
    const r = parseTraceText(`${bad}\n`, { file: "in.log" });
    expect(r.diagnostics.map((d) => `${d.position.column} ${d.message}`)).toEqual([
      `${bad.indexOf(to) + 1} expected PROTO=, found '${found}': the line is damaged here`,
    ]);
  });
});

describe("a MAC= that is not hex bytes joined by ':'", () => {
  // dump_mac_header (nf_log_syslog.c) prints the link header as `%02x` bytes joined by ':', or nothing.
  it.each([
    [
      "a forum post's placeholder",
      "Mar  3 10:00:01 gw kernel: filter/INPUT: IN=eth0 OUT= MAC=mac_address SRC=198.51.100.1 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ",
      "mac_address",
    ],
    [
      "the VyOS documentation's example",
      "Jun 18 22:22:00 kernel: [ipv4-FWD-filter-200-A]IN=bond1.10 OUT=bond2.20 MAC=000:53:00:00:00:01 00:53:00:00:00:02 SRC=192.168.10.2 DST=192.168.20.2 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=56215 DF PROTO=ICMP TYPE=8 CODE=0 ID=3572 SEQ=1",
      "000:53:00:00:00:01",
    ],
  ])("warns at it (%s), and reads the rest", (_what, line, mac) => {
    const r = parseTraceText(line, { file: "in.log" });
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics.map((d) => [d.severity, d.position.column, d.message])).toEqual([
      [
        "warning",
        line.indexOf(`MAC=${mac}`) + 5,
        `expected MAC= as hex bytes joined by ':' (52:54:00:12:34:56:...), found '${mac}': its addresses are not read`,
      ],
    ]);
  });

  it("reads a MAC= of any number of whole bytes, or none, without a word", () => {
    for (const mac of ["", "00:11:22", "45:00:00:54:00:00:40:00:40:01:00:00:c0:a8:00:01"]) {
      const line = `${HEAD}MAC=${mac} SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=5555 DF PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1 `;
      expect(parseTraceText(line, { file: "in.log" }).diagnostics, mac).toEqual([]);
    }
  });
});
