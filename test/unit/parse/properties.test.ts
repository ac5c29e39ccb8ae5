/**
 * Property tests: for each line format, parse(format(event)) gives the event
 * back; any envelope around a line leaves it unchanged; random input never throws.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import {
  ENVELOPES,
  formatEbtLine,
  formatEnvelope,
  formatLogLine,
  parseLine,
  parseTraceText,
} from "../../../src/core/parse/index.ts";

const byte = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(byte, byte, byte, byte).map((b) => b.join("."));
const hex2 = byte.map((b) => b.toString(16).padStart(2, "0"));
const mac = fc.array(hex2, { minLength: 6, maxLength: 6 }).map((a) => a.join(":"));
const ifname = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);
const port = fc.integer({ min: 0, max: 65535 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const prefix = fc
  .tuple(
    fc.constantFrom("", "ctc/", "pw1a2b/"),
    fc.constantFrom("iptable/raw-PREROUTE", "iptable/filter-FORWARD", "x"),
    fc.boolean(),
  )
  .map(([tag, p, space]) => `${tag}${p}${space ? " " : ""}`);

const tcp = fc.record({
  proto: fc.constant("tcp"),
  sport: port,
  dport: port,
  seq: u32,
  ack: u32,
  window: fc.integer({ min: 0, max: 65535 }),
  res: fc.constant(0),
  urgp: fc.constant(0),
  tcpFlags: fc.subarray(["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"], { minLength: 1 }),
});
const udp = fc.record({
  proto: fc.constant("udp"),
  sport: port,
  dport: port,
  udpLen: fc.integer({ min: 8, max: 65535 }),
});
const icmp = fc.oneof(
  fc.record({
    proto: fc.constant("icmp"),
    icmpType: fc.constantFrom(0, 8),
    icmpCode: fc.constant(0),
    icmpId: port,
    icmpSeq: port,
  }),
  fc.record({
    proto: fc.constant("icmp"),
    icmpType: fc.constantFrom(11),
    icmpCode: fc.integer({ min: 0, max: 1 }),
  }),
);

/** Events the LOG format can express, with every field it prints. */
const logEvent = fc
  .record({
    prefix,
    in: fc.option(ifname, { nil: "" }),
    out: fc.option(ifname, { nil: "" }),
    physIn: fc.option(ifname, { nil: undefined }),
    macSrc: mac,
    macDst: mac,
    ip: fc.record({
      src: ipv4,
      dst: ipv4,
      len: fc.integer({ min: 20, max: 65535 }),
      tos: fc.constantFrom(0, 0x10, 0x08),
      prec: fc.constantFrom(0, 0x20, 0xc0),
      ttl: byte,
      id: fc.integer({ min: 0, max: 65535 }),
      flags: fc.subarray(["CE", "DF", "MF"], { minLength: 1 }),
    }),
    l4: fc.oneof(tcp, udp, icmp),
    // The kernel always quotes the packet an ICMP error is about.
    quoted: fc.record({
      ip: fc.record({
        src: ipv4,
        dst: ipv4,
        len: fc.integer({ min: 28, max: 65535 }),
        tos: fc.constant(0),
        prec: fc.constant(0),
        ttl: byte,
        id: fc.integer({ min: 0, max: 65535 }),
        flags: fc.constant(["DF"]).map((f) => [...f]),
      }),
      l4: udp,
    }),
    mark: fc.option(
      fc.integer({ min: 1, max: 0xffff }).map((n) => `0x${n.toString(16)}`),
      { nil: undefined },
    ),
  })
  .map((r) => {
    const ev: TraceEvent = {
      hook: "ip:raw:PREROUTING",
      source: "log",
      raw: "",
      position: { file: "-", line: 1, column: 1 },
      prefix: r.prefix,
      in: r.in,
      out: r.out,
      ip: r.ip,
      l4: r.l4 as TraceEvent["l4"],
    };
    if (r.l4.proto === "icmp" && r.l4.icmpType === 11) ev.inner = r.quoted as TraceEvent["inner"];
    if (r.physIn) ev.physIn = r.physIn;
    if (r.in) {
      ev.macSrc = r.macSrc;
      ev.macDst = r.macDst;
      ev.ethType = "0x0800";
    }
    if (r.mark) ev.mark = r.mark;
    return ev;
  });

/** The fields a parse yields, for comparison with what was formatted. */
function fields(ev: TraceEvent) {
  const { hook: _h, raw: _r, position: _p, source: _s, time: _t, envelope: _e, ...rest } = ev;
  return JSON.parse(JSON.stringify(rest));
}

describe("LOG format", () => {
  it("parse(formatLogLine(e)) == e", () => {
    fc.assert(
      fc.property(logEvent, (ev) => {
        const r = parseLine(formatLogLine(ev));
        expect(r.result.kind).toBe("event");
        if (r.result.kind === "event") expect(fields(r.result.event)).toEqual(fields(ev));
      }),
      { numRuns: 500 },
    );
  });

  it("formatLogLine(parse(line)) == line for real kernel lines", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const root = join(import.meta.dirname, "../../fixtures/parse");
    let n = 0;
    for (const c of readdirSync(root).filter((d) => d.startsWith("real-") && !d.endsWith("-trace"))) {
      for (const line of readFileSync(join(root, c, "input.log"), "utf8").split("\n")) {
        const r = parseLine(line);
        if (r.result.kind !== "event") continue;
        const body = line.slice(r.envelope.bodyStart);
        const again =
          r.result.event.source === "log" ? formatLogLine(r.result.event) : formatEbtLine(r.result.event);
        expect(again).toBe(body);
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });
});

describe("ebtables format", () => {
  const ebtEvent = fc
    .record({
      prefix: fc.constantFrom("ebtable/nat-PREROUTE", "ctc/ebtable/filter-FORWARD"),
      in: fc.option(ifname, { nil: "" }),
      out: fc.option(ifname, { nil: "" }),
      macSrc: mac,
      macDst: mac,
      ip: fc.option(fc.record({ src: ipv4, dst: ipv4, tos: byte }), { nil: undefined }),
      l4: fc.oneof(
        fc.record({ proto: fc.constantFrom("tcp", "udp"), sport: port, dport: port }),
        fc.record({ proto: fc.constant("icmp") }),
      ),
    })
    .map((r) => {
      const ev: TraceEvent = {
        hook: "bridge:nat:PREROUTING",
        source: "ebt-log",
        raw: "",
        position: { file: "-", line: 1, column: 1 },
        prefix: r.prefix,
        in: r.in,
        out: r.out,
        macSrc: r.macSrc,
        macDst: r.macDst,
        ethType: "0x0800",
      };
      if (r.ip) {
        ev.ip = r.ip;
        ev.l4 = r.l4;
      }
      return ev;
    });

  it("parse(formatEbtLine(e)) == e", () => {
    fc.assert(
      fc.property(ebtEvent, (ev) => {
        const r = parseLine(formatEbtLine(ev));
        expect(r.result.kind).toBe("event");
        if (r.result.kind === "event") expect(fields(r.result.event)).toEqual(fields(ev));
      }),
      { numRuns: 300 },
    );
  });
});

describe("ebtables IPv6 format", () => {
  const hex4 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, "0"));
  const ipv6 = fc.array(hex4, { minLength: 8, maxLength: 8 }).map((a) => a.join(":"));

  it("formatEbtLine(parse(line)) == line, extension headers first (a first fragment's ports) included", () => {
    fc.assert(
      fc.property(
        ipv6,
        ipv6,
        fc.integer({ min: 0, max: 15 }),
        fc.constantFrom(0, 6, 17, 43, 44, 58, 60, 132),
        fc.option(fc.tuple(port, port), { nil: undefined }),
        (src, dst, prio, nh, ports) => {
          // ebt_log prints no ports for ICMPv6 (and LOG-less next headers); the rest may have them.
          const tail = ports && nh !== 58 ? ` SPT=${ports[0]} DPT=${ports[1]}` : "";
          const line = `ebtable/filter-FORWARD IN=br0 OUT=eth1 MAC source = 02:00:5e:00:0a:01 MAC dest = 02:00:5e:00:0a:02 proto = 0x86dd IPv6 SRC=${src} IPv6 DST=${dst}, IPv6 priority=0x${prio.toString(16).toUpperCase()}, Next Header=${nh}${tail}`;
          const r = parseLine(line);
          expect(r.result.kind).toBe("event");
          if (r.result.kind === "event") expect(formatEbtLine(r.result.event)).toBe(line);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("envelopes and garbage", () => {
  it("any envelope around a LOG line gives the same event", () => {
    fc.assert(
      fc.property(
        logEvent,
        fc.constantFrom(...ENVELOPES),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        (ev, kind, up) => {
          const body = formatLogLine(ev);
          const a = parseLine(body);
          const b = parseLine(formatEnvelope(kind, body, { uptime: up }));
          expect(b.envelope.kind).toBe(kind);
          if (a.result.kind === "event" && b.result.kind === "event")
            expect(fields(b.result.event)).toEqual(fields(a.result.event));
          else expect(b.result.kind).toBe(a.result.kind);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("random text never throws and never yields a packet without hooks", () => {
    const noisy = fc.array(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({
          unit: fc.constantFrom(
            "IN=",
            "OUT=",
            " ",
            "SRC=",
            "1",
            "PROTO=TCP",
            "[",
            "]",
            "TRACE: ",
            "=",
            "MAC source = ",
          ),
        }),
        logEvent.map((e) => formatLogLine(e).slice(0, 40)),
        // nft trace's unnamed header bytes behind two tags, with any length (a huge one must not be padded out).
        fc
          .tuple(
            fc.constantFrom("0", "8", "x"),
            fc.nat({ max: 2 ** 40 }),
            fc.stringMatching(/^0x[0-9a-f]{0,90}$/),
          )
          .map(
            ([off, bits, hex]) =>
              `trace id aa bridge lab prerouting_c packet: iif "veth-a" ether saddr 02:00:5e:00:0a:01 ether daddr ff:ff:ff:ff:ff:ff ether type 8021ad vlan id 20 vlan type 8021q @nh,${off},${bits} ${hex}`,
          ),
        fc.constant(
          'trace id aa bridge lab prerouting_c packet: iif "veth-a" ether saddr 02:00:5e:00:0a:01 ether daddr ff:ff:ff:ff:ff:ff ether type 8021ad vlan id 20 vlan type 8021q @nh,0,99999999992 0x1',
        ),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(noisy, (lines) => {
        const r = parseTraceText(lines.join("\n"));
        for (const p of r.packets) expect(p.hooks.length).toBeGreaterThan(0);
        for (const d of r.diagnostics) expect(d.position.line).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
