/**
 * JSON object lines that are no journalctl record with MESSAGE: ulogd's JSON output plugin (its
 * packet records read as LOG events), `journalctl -o json-sse`, and every other object a
 * positioned warning counted once, never a silent skip.
 */
import { describe, expect, it } from "vitest";
import { parseLine, parseTraceText } from "../../../src/core/parse/index.ts";

/** A ulogd_output_JSON record (stack NFLOG, BASE, IFINDEX, IP2STR, MAC2STR, JSON), as jansson prints it. */
function ulogd(fields: Record<string, unknown>): string {
  return JSON.stringify({
    timestamp: "2026-12-03T10:00:00",
    dvc: "Netfilter",
    "raw.pktlen": 60,
    "oob.prefix": "filter-INPUT ",
    "oob.time.sec": 1796292000,
    "oob.time.usec": 250000,
    "oob.mark": 0,
    "oob.hook": 1,
    "oob.family": 2,
    "oob.protocol": 2048,
    "oob.in": "eth0",
    "oob.out": "",
    "mac.saddr.str": "02:00:00:00:00:01",
    "mac.daddr.str": "02:00:00:00:00:02",
    src_ip: "198.51.100.10",
    dest_ip: "203.0.113.10",
    "ip.protocol": 6,
    "ip.tos": 0x28,
    "ip.ttl": 64,
    "ip.totlen": 60,
    "ip.ihl": 5,
    "ip.csum": 1234,
    "ip.id": 4321,
    "ip.fragoff": 16384,
    src_port: 52000,
    dest_port: 22,
    "tcp.seq": 1000,
    "tcp.ackseq": 0,
    "tcp.window": 64240,
    "tcp.offset": 10,
    "tcp.reserved": 0,
    "tcp.urg": 0,
    "tcp.ack": 0,
    "tcp.psh": 0,
    "tcp.rst": 0,
    "tcp.syn": 1,
    "tcp.fin": 0,
    "tcp.res1": 0,
    "tcp.res2": 0,
    "tcp.csum": 999,
    ...fields,
  }).replace(/","|",|,"/g, (m) => m.replace(",", ", "));
}

const LOG_TCP =
  "filter-INPUT IN=eth0 OUT= MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 SRC=198.51.100.10 DST=203.0.113.10 LEN=60 TOS=0x08 PREC=0x20 TTL=64 ID=4321 DF PROTO=TCP SPT=52000 DPT=22 SEQ=1000 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 ";

describe("ulogd's JSON output", () => {
  it("reads a packet record as the LOG line of the same packet reads", () => {
    const r = parseLine(ulogd({}));
    expect(r.envelope.kind).toBe("ulogd-json");
    expect(r.envelope.time).toBe(1796292000.25);
    expect(r.result.kind).toBe("event");
    const log = parseLine(`[  1.000000] ${LOG_TCP}`).result;
    if (r.result.kind !== "event" || log.kind !== "event") return;
    const ev = r.result.event;
    const want = log.event;
    expect([ev.prefix, ev.in, ev.out, ev.macSrc, ev.macDst]).toEqual([
      want.prefix,
      want.in,
      want.out,
      want.macSrc,
      want.macDst,
    ]);
    expect(ev.ip).toEqual(want.ip);
    // ulogd prints no RES and URGP only with URG: the rest of the TCP header is LOG's.
    expect({ ...ev.l4, res: 0, urgp: 0 }).toEqual(want.l4);
  });

  it("makes packets of ICMP echo, UDP, IPv6 and marked records, with the time ulogd wrote", () => {
    const lines = [
      ulogd({}),
      ulogd({
        "oob.prefix": "filter-OUTPUT ",
        "oob.in": "",
        "oob.out": "eth0",
        "oob.mark": 255,
        "oob.uid": 1000,
        src_ip: "203.0.113.10",
        dest_ip: "198.51.100.53",
        "ip.protocol": 17,
        src_port: 40000,
        dest_port: 53,
        "udp.len": 40,
        "oob.time.sec": 1796292001,
        "oob.time.usec": 0,
      }),
      ulogd({
        "ip.protocol": 1,
        "icmp.type": 8,
        "icmp.code": 0,
        "icmp.echoid": 7,
        "icmp.echoseq": 1,
        "oob.time.sec": undefined,
        "oob.time.usec": undefined,
        timestamp: "2026-12-03T10:00:02.500000+0100",
      }),
      ulogd({
        "oob.family": 10,
        "oob.protocol": 34525,
        src_ip: "2001:db8::10",
        dest_ip: "2001:db8::20",
        "ip.protocol": 58,
        "ip6.payloadlen": 64,
        "ip6.hoplimit": 64,
        "ip6.priority": 0,
        "ip6.flowlabel": 12345,
        "icmpv6.type": 128,
        "icmpv6.code": 0,
        "icmpv6.echoid": 9,
        "icmpv6.echoseq": 2,
        "oob.time.sec": 1796292003,
        "oob.time.usec": 0,
      }),
    ];
    const r = parseTraceText(lines.join("\n"), { file: "ulogd.json" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.events.map((e) => [e.hook, e.envelope, e.time]))).toEqual([
      [["ip:filter:INPUT", "ulogd-json", 1796292000.25]],
      [["ip:filter:OUTPUT", "ulogd-json", 1796292001]],
      [["ip:filter:INPUT", "ulogd-json", 1796288402.5]],
      [["ip6:filter:INPUT", "ulogd-json", 1796292003]],
    ]);
    const [tcp, udp, icmp, v6] = r.packets.map((p) => p.events[0]);
    expect(tcp?.position).toEqual({ file: "ulogd.json", line: 1, column: 1 });
    expect(udp?.mark).toBe("0xff");
    expect(udp?.uid).toBe(1000);
    expect(udp?.l4).toMatchObject({ proto: "udp", sport: 40000, dport: 53, udpLen: 40 });
    expect(icmp?.l4).toMatchObject({ proto: "icmp", icmpType: 8, icmpCode: 0, icmpId: 7, icmpSeq: 1 });
    expect(v6?.ip).toMatchObject({ src: "2001:db8::10", len: 104, ttl: 64, flowLabel: 12345 });
    expect(v6?.l4).toMatchObject({ proto: "icmpv6", icmpType: 128, icmpId: 9, icmpSeq: 2 });
  });

  it("warns, once with a count, at records without addresses (no IP2STR) and at flow records", () => {
    const noAddress = ulogd({ src_ip: undefined, dest_ip: undefined });
    const flow = JSON.stringify({
      timestamp: "2026-12-03T10:00:00",
      dvc: "Netfilter",
      "ct.event": 1,
      "orig.ip.protocol": 6,
      src_ip: "198.51.100.10",
    });
    const r = parseTraceText([noAddress, noAddress, flow, ulogd({})].join("\n"));
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column])).toEqual([
      ["warning", 1, 1],
      ["warning", 3, 1],
    ]);
    expect(r.diagnostics[0]?.message).toMatch(/src_ip and dest_ip.*\(2 lines\)$/);
    expect(r.diagnostics[0]?.hint).toMatch(/IP2STR/);
    expect(r.diagnostics[1]?.message).toMatch(/conntrack or accounting record/);
  });
});

describe("other JSON objects", () => {
  it("warns at a JSON object with no message, neither a journal record nor ulogd's, counted once", () => {
    const r = parseTraceText(
      ['{"level":"info","event":"started"}', "", '{"level":"info","event":"again"}'].join("\n"),
    );
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        1,
        "expected a JSON record with a message (journalctl's MESSAGE, a log shipper's message, msg or log) or a ulogd JSON packet record, found another JSON object: not read (2 lines)",
      ],
    ]);
  });

  it("reads a log shipper's record (Vector, Fluent Bit, Logstash) by its message, with its ISO time", () => {
    const rec = (message: string) =>
      JSON.stringify({ appname: "kernel", host: "gw", timestamp: "2026-11-30T10:00:00.5Z", message });
    const r = parseTraceText([rec(LOG_TCP), rec("usb 1-1: new device")].join("\n"), { file: "vector.json" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets).toHaveLength(1);
    expect(r.packets[0]?.events[0]?.time).toBe(Date.parse("2026-11-30T10:00:00.5Z") / 1000);
    // Columns are the saved line's: the message starts after its key.
    expect(r.packets[0]?.events[0]?.position.column).toBe(rec(LOG_TCP).indexOf('"message":"') + 12);
    expect(r.skippedLines).toBe(1);
  });

  it("reads Loki's logcli exports: --output=jsonl by its `line`, the default output after its labels (harvest43 H5)", () => {
    const syslog = `Mar  5 10:15:42 fw01 kernel: ${LOG_TCP}`;
    const jsonl = JSON.stringify({
      labels: { host: "fw01", job: "varlogs" },
      line: syslog,
      timestamp: "2024-03-05T10:15:42Z",
    });
    const plain = `2024-03-05T10:15:43+01:00 {filename="/var/log/kern.log", host="fw01"}                ${syslog}`;
    const r = parseTraceText([jsonl, plain].join("\n"), { file: "loki.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => [p.events[0]?.prefix, p.events[0]?.time])).toEqual([
      [LOG_TCP.slice(0, LOG_TCP.indexOf("IN=")), Date.parse("2024-03-05T10:15:42Z") / 1000],
      [LOG_TCP.slice(0, LOG_TCP.indexOf("IN=")), Date.parse("2024-03-05T10:15:43+01:00") / 1000],
    ]);
  });
});

describe("journalctl -o json-sse", () => {
  it("reads each `data: ` record as -o json's, positions in the saved line", () => {
    const message = `filter-INPUT ${LOG_TCP.slice("filter-INPUT ".length)}`;
    const rec = JSON.stringify({
      __REALTIME_TIMESTAMP: "1796292000000000",
      _TRANSPORT: "kernel",
      MESSAGE: message,
    });
    const r = parseTraceText(`data: ${rec}\n\ndata: ${rec.replace("SYN", "FIN")}\n\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.length).toBeGreaterThan(0);
    const ev = r.packets[0]?.events[0];
    expect(ev?.envelope).toBe("journal-json");
    expect(ev?.time).toBe(1796292000);
    expect(ev?.position.column).toBe(`data: ${rec}`.indexOf("filter-INPUT") + 1);
  });

  it("reports a damaged `data: ` record at its position", () => {
    const line = 'data: {"MESSAGE":"filter-INPUT IN=eth0';
    const r = parseTraceText(line);
    // The string is not closed: the line ends first.
    expect(r.diagnostics.map((d) => [d.severity, d.position.column])).toEqual([["error", line.length + 1]]);
  });
});
