/**
 * `packetTail` in JSON mode writes its bytes by hand for speed (`json-tail-bytes.ts`): they must be,
 * byte for byte, what stringifying the same fields as an object gives (the output `--json` has
 * always had), for any packet, names with quotes, control characters and non-ASCII included, into
 * any sink, however its room runs out.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ByteSink, writeJsonTail } from "../../../src/cli/json-tail-bytes.ts";
import { OutputChunks } from "../../../src/cli/output-chunks.ts";
import { ipHeader, packetHeader, shownRewrites } from "../../../src/cli/packet-header-json.ts";
import { packetTail } from "../../../src/cli/packet-output.ts";
import type { Packet, TraceEvent } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

/** The tail as an object stringified: the definition the hand-written one must equal. */
function reference(p: Pick<Packet, "events" | "hooks" | "rewrites">): string {
  const header = packetHeader(p.events);
  const rest = JSON.stringify({
    ...(header ? { header } : {}),
    hooks: p.hooks,
    rewrites: shownRewrites(p.rewrites),
    events: p.events.map((e, i) => ({
      hook: e.hook,
      file: e.position.file,
      line: e.position.line,
      in: e.in ?? "",
      out: e.out ?? "",
      ...(e.physIn ? { physIn: e.physIn } : {}),
      ...(e.physOut ? { physOut: e.physOut } : {}),
      ...(e.source === "log" || e.source === "ebt-log" ? { prefix: e.prefix.trimEnd() } : {}),
      ...(e.mark !== undefined ? { mark: e.mark } : {}),
      ...(e.uid !== undefined ? { uid: e.uid } : {}),
      ...(e.gid !== undefined ? { gid: e.gid } : {}),
      ...(e.inner ? { quoted: ipHeader(e.inner.ip, e.inner.l4) } : {}),
      ...(e.verdicts ? { verdicts: e.verdicts.map(({ position: _, ...v }) => v) } : {}),
      ...(e.drop && i === p.events.length - 1 ? { drop: e.drop } : {}),
    })),
  });
  return `${rest.slice(1)}\n`;
}

// Names as a hostile log may carry them: quotes, backslashes, control characters, lone surrogates.
const name = fc.oneof(
  fc.constantFrom("", "eth0", "docker0", "veth1a2b", 'a"b\\c', "\u0007\n", "\ud800x"),
  fc.string(),
);
const position = fc.record({ file: name, line: fc.nat(), column: fc.nat() });
const verdict = fc.record(
  {
    kind: fc.constantFrom("rule", "policy", "return"),
    chain: name,
    rule: name,
    verdict: fc.constantFrom("ACCEPT", "DROP", "CONTINUE"),
    text: name,
    position,
  },
  { requiredKeys: ["kind", "chain"] },
);
const event = fc.record(
  {
    hook: fc.constantFrom(
      "ip:raw:PREROUTING",
      "ip:filter:FORWARD",
      "bridge:filter:FORWARD",
      "arp:filter:input",
    ),
    position,
    prefix: name,
    in: name,
    out: name,
    physIn: name,
    physOut: name,
    verdicts: fc.array(verdict, { maxLength: 3 }),
    drop: fc.record({ verdict: fc.constantFrom("DROP", "REJECT", "DROP or REJECT"), by: name }),
    source: fc.constantFrom("log", "ebt-log", "trace", "nft-monitor"),
    mark: fc.constantFrom("0x1", "0x40000"),
    uid: fc.nat(65535),
    gid: fc.nat(65535),
    ip: fc.record(
      { src: name, dst: name, len: fc.nat(65535), ttl: fc.nat(255), id: fc.nat(65535) },
      { requiredKeys: ["src", "dst"] },
    ),
    l4: fc.record(
      {
        proto: fc.constantFrom("tcp", "udp", "icmp", "47"),
        sport: fc.nat(65535),
        dport: fc.nat(65535),
        tcpFlags: fc.array(fc.constantFrom("SYN", "ACK", "FIN"), { maxLength: 3 }),
        icmpType: fc.nat(255),
      },
      { requiredKeys: ["proto"] },
    ),
    arp: fc.record(
      { htype: fc.constant(1), ptype: fc.constant("0x0800"), opcode: fc.nat(3), ipSrc: name, macDst: name },
      { requiredKeys: ["htype", "ptype", "opcode"] },
    ),
    macSrc: name,
    ethType: fc.constantFrom("0x0800", "0x86dd"),
    inner: fc.record(
      {
        ip: fc.record({ src: name, dst: name, id: fc.nat(65535) }, { requiredKeys: ["src", "dst"] }),
        l4: fc.record(
          { proto: fc.constantFrom("udp", "tcp", "icmp"), sport: fc.nat(65535), dport: fc.nat(65535) },
          { requiredKeys: ["proto"] },
        ),
      },
      { requiredKeys: ["ip"] },
    ),
  },
  { requiredKeys: ["hook", "position", "prefix"] },
);
const endpoints = fc.record(
  { src: name, dst: name, sport: fc.nat(65535), dport: fc.nat(65535) },
  { requiredKeys: ["src", "dst"] },
);
const rewrite = fc.record({
  atEvent: fc.nat(9),
  afterHook: fc.constant("ip:nat:PREROUTING"),
  beforeHook: fc.constant("ip:filter:FORWARD"),
  kind: fc.constantFrom("dnat", "snat", "both"),
  from: endpoints,
  to: endpoints,
});

/** A sink that never has a byte to spare: every piece written asks for room, and room is a new buffer of just that. */
class SpillingSink implements ByteSink {
  buf = Buffer.alloc(0);
  at = 0;
  readonly pieces: Buffer[] = [];
  room(n: number): void {
    this.pieces.push(this.buf.subarray(0, this.at));
    this.buf = Buffer.alloc(n);
    this.at = 0;
  }
  bytes(): Buffer {
    return Buffer.concat([...this.pieces, this.buf.subarray(0, this.at)]);
  }
}

describe("packetTail in JSON mode", () => {
  it("equals the stringified object for any packet", () => {
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 6 }),
        fc.array(rewrite, { maxLength: 2 }),
        (events, rewrites) => {
          const p = {
            events: events as unknown as TraceEvent[],
            hooks: events.map((e) => e.hook) as Packet["hooks"],
            rewrites: rewrites as unknown as Packet["rewrites"],
          };
          const tail = packetTail(p, "json");
          expect(tail).toBe(reference(p));
          const tight = new SpillingSink();
          writeJsonTail(p, tight);
          expect(tight.bytes().equals(Buffer.from(reference(p), "utf8"))).toBe(true);
          // The head's `{` makes it one JSON object per line.
          expect(() => JSON.parse(`{${tail}`)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("writes into the CLI's output chunks across a chunk's end, as its text would be", () => {
    const out = new OutputChunks();
    const names = ["eth0", "veth\u00e9", 'we"ird', "docker0"];
    const packets = Array.from({ length: 4000 }, (_, i) => ({
      events: [0, 1, 2].map(
        (k) =>
          ({
            hook: "ip:filter:FORWARD",
            position: { file: "k.log", line: i * 3 + k + 1, column: 1 },
            in: names[(i + k) % 4],
            out: names[(i + k + 1) % 4],
          }) as unknown as TraceEvent,
      ),
      hooks: ["ip:filter:FORWARD"] as Packet["hooks"],
      rewrites: [],
    }));
    let expected = "";
    for (const p of packets) {
      out.text("{");
      writeJsonTail(p, out);
      expected += `{${reference(p)}`;
    }
    // More than one chunk of 1 MiB: a tail was cut at a chunk's end.
    const chunks = out.take();
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
  });

  it("shows a drop only on the packet's last event", () => {
    const drop = { verdict: "DROP" as const, by: "ufw" };
    const at = (line: number) => ({ file: "x.log", line, column: 1 });
    const events = [
      { hook: "ip:filter:INPUT", position: at(1), drop },
      { hook: "ip:filter:INPUT", position: at(2), drop },
    ] as unknown as TraceEvent[];
    const parsed = JSON.parse(`{${packetTail({ events, hooks: [], rewrites: [] }, "json")}`);
    expect(parsed.events.map((e: { drop?: unknown }) => e.drop)).toEqual([undefined, drop]);
  });
});

describe("the --json header and event fields", () => {
  const at = (line: number) => ({ file: "k.log", line, column: 1 });
  const json = (events: unknown[]) =>
    JSON.parse(`{${packetTail({ events: events as TraceEvent[], hooks: [], rewrites: [] }, "json")}`);

  it("gives the packet's addresses and transport as first logged with its whole header, as its summary says them", () => {
    const syn = { proto: "tcp", sport: 34573, dport: 8080, tcpFlags: ["SYN"], window: 64240 };
    const parsed = json([
      // An ebtables line first: no IP length, so not the one the summary reads.
      {
        hook: "bridge:nat:PREROUTING",
        position: at(1),
        source: "ebt-log",
        prefix: "br ",
        ip: { src: "198.51.100.10", dst: "203.0.113.2" },
      },
      {
        hook: "ip:raw:PREROUTING",
        position: at(2),
        source: "log",
        prefix: "[UFW BLOCK] ",
        ip: { src: "198.51.100.10", dst: "203.0.113.2", len: 60, ttl: 64, id: 22739, tos: 0 },
        l4: syn,
        mark: "0x1",
        uid: 1000,
        gid: 1000,
      },
    ]);
    expect(parsed.header).toEqual({
      proto: "tcp",
      src: "198.51.100.10",
      dst: "203.0.113.2",
      sport: 34573,
      dport: 8080,
      tcpFlags: ["SYN"],
      len: 60,
      ttl: 64,
      id: 22739,
    });
    // The LOG prefix without the space the rule's prefix ends in; MARK= and UID=/GID= as printed.
    expect(parsed.events[0]).toMatchObject({ prefix: "br" });
    expect(parsed.events[1]).toMatchObject({ prefix: "[UFW BLOCK]", mark: "0x1", uid: 1000, gid: 1000 });
  });

  it("an IPv6 address as the summary writes it, whatever form the line printed; a fragment's place", () => {
    const v6 = json([
      {
        hook: "ip6:filter:INPUT",
        position: at(1),
        source: "log",
        prefix: "",
        ip: { src: "fd00:000a:0000:0000:0000:0000:0000:0002", dst: "fd00:a::1", len: 80, ttl: 64 },
        l4: { proto: "tcp", sport: 40000, dport: 22, tcpFlags: ["SYN"] },
      },
    ]);
    expect([v6.header.src, v6.header.dst]).toEqual(["fd00:a::2", "fd00:a::1"]);
    const fragment = (fragment: number, flags?: string[]) =>
      json([
        {
          hook: "ip:filter:INPUT",
          position: at(1),
          source: "log",
          prefix: "",
          ip: { src: "10.0.0.2", dst: "10.0.0.1", len: 548, id: 4321, fragment, ...(flags ? { flags } : {}) },
          l4: { proto: "udp" },
        },
      ]).header;
    // FRAG:185 is 185 units of 8 bytes; MF on all but the last.
    expect(fragment(185)).toMatchObject({ fragmentOffset: 1480 });
    expect(fragment(185).moreFragments).toBeUndefined();
    expect(fragment(0, ["MF"])).toMatchObject({ fragmentOffset: 0, moreFragments: true });
    expect(fragment(0)).not.toHaveProperty("fragmentOffset");
  });

  it("writes a rewrite's IPv6 addresses as the header does, on a real NAT66 recording", () => {
    // The LOG line prints all 32 digits (`2001:0db8:0001:...`); a script compares header and rewrites.
    const log = readFileSync(
      join(import.meta.dirname, "../../../traces/dual-stack/a1-to-wan-v6.log"),
      "utf8",
    );
    expect(log).toContain("DST=2001:0db8:0001:0000:0000:0000:0000:0010");
    const reply = parseTraceText(log).packets.find((p) => p.direction === "reply" && p.rewrites.length);
    if (!reply) throw new Error("the recording's reply is un-SNATed");
    const tail = JSON.parse(`{${packetTail(reply, "json")}`);
    expect(tail.header.dst).toBe("2001:db8:1::10");
    expect(
      tail.rewrites.map((r: { from: { dst: string }; to: { dst: string } }) => [r.from.dst, r.to.dst]),
    ).toEqual([["2001:db8:1::10", "fd00:a::2"]]);
    // The events keep the form their lines printed.
    expect(reply.rewrites[0]?.from.dst).toBe("2001:0db8:0001:0000:0000:0000:0000:0010");
  });

  it("an ICMP echo, an ARP request and a bare frame", () => {
    const echo = json([
      {
        hook: "ip:filter:INPUT",
        position: at(1),
        source: "nft-monitor",
        prefix: "",
        ip: { src: "172.17.0.2", dst: "198.51.100.10", len: 84 },
        l4: { proto: "icmp", icmpType: 8, icmpCode: 0, icmpId: 7, icmpSeq: 1 },
      },
    ]);
    expect(echo.header).toEqual({
      proto: "icmp",
      src: "172.17.0.2",
      dst: "198.51.100.10",
      icmpType: 8,
      icmpCode: 0,
      icmpId: 7,
      icmpSeq: 1,
      len: 84,
    });
    // A trace's label is its chain (in `hook`): no prefix.
    expect(echo.events[0].prefix).toBeUndefined();
    const arp = json([
      {
        hook: "bridge:filter:FORWARD",
        position: at(1),
        source: "ebt-log",
        prefix: "arp ",
        arp: {
          htype: 1,
          ptype: "0x0800",
          opcode: 1,
          ipSrc: "172.17.0.2",
          ipDst: "172.17.0.3",
          macSrc: "02:42:ac:11:00:02",
        },
      },
    ]);
    expect(arp.header).toEqual({
      proto: "arp",
      opcode: 1,
      src: "172.17.0.2",
      dst: "172.17.0.3",
      macSrc: "02:42:ac:11:00:02",
    });
    const frame = json([
      {
        hook: "bridge:filter:FORWARD",
        position: at(1),
        source: "ebt-log",
        prefix: "",
        macSrc: "02:42:ac:11:00:02",
        macDst: "ff:ff:ff:ff:ff:ff",
        ethType: "0x88cc",
      },
    ]);
    expect(frame.header).toEqual({
      proto: "ether",
      macSrc: "02:42:ac:11:00:02",
      macDst: "ff:ff:ff:ff:ff:ff",
      ethType: "0x88cc",
    });
  });
});

describe("an ICMP error's quoted packet", () => {
  // Tester's capture (kernel 6.18): a port unreachable for a masqueraded datagram, logged before and
  // after conntrack undid the NAT; the quote inside the brackets is rewritten with the error.
  const log = [
    "[40612.241429] r-pre IN=wan0 OUT= MAC=52:54:00:04:00:01:52:54:00:04:00:02:08:00 SRC=198.51.100.20 DST=203.0.113.10 LEN=62 TOS=0x00 PREC=0xC0 TTL=64 ID=58007 PROTO=ICMP TYPE=3 CODE=3 [SRC=203.0.113.10 DST=198.51.100.20 LEN=34 TOS=0x00 PREC=0x00 TTL=63 ID=55846 DF PROTO=UDP SPT=41563 DPT=9999 LEN=14 ] ",
    "[40612.241439] f-fwd IN=wan0 OUT=lan0 MAC=52:54:00:04:00:01:52:54:00:04:00:02:08:00 SRC=198.51.100.20 DST=10.2.0.2 LEN=62 TOS=0x00 PREC=0xC0 TTL=63 ID=58007 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.2.0.2 DST=198.51.100.20 LEN=34 TOS=0x00 PREC=0x00 TTL=63 ID=55846 DF PROTO=UDP SPT=41563 DPT=9999 LEN=14 ] ",
  ].join("\n");
  const prefixMap = { "r-pre": "ip:raw:PREROUTING", "f-fwd": "ip:filter:FORWARD" } as const;
  const packet = () => parseTraceText(log, { file: "k.log", prefixMap }).packets[0] as Packet;

  it("--json gives each line's quote as header fields", () => {
    const parsed = JSON.parse(`{${packetTail(packet(), "json")}`);
    const quote = {
      proto: "udp",
      dst: "198.51.100.20",
      sport: 41563,
      dport: 9999,
      len: 34,
      ttl: 63,
      id: 55846,
    };
    expect(parsed.events.map((e: { quoted?: unknown }) => e.quoted)).toEqual([
      { ...quote, src: "203.0.113.10" },
      { ...quote, src: "10.2.0.2" },
    ]);
  });

  it("the human output says each form of the quote once, where it was seen", () => {
    const lines = packetTail(packet(), "human").split("\n");
    expect(lines.filter((l) => l.includes("quotes"))).toEqual([
      "    quotes UDP 203.0.113.10:41563 -> 198.51.100.20:9999  (at ip:raw:PREROUTING)",
      "    quotes UDP 10.2.0.2:41563 -> 198.51.100.20:9999  (at ip:filter:FORWARD)",
    ]);
  });

  it("a fragmentation-needed error gives its next-hop MTU (a paste of Ubuntu 8.04 and Firestarter)", () => {
    const line =
      "[  168.281559] Inbound IN=wlan0 OUT= MAC=00:1c:df:1b:b7:40:00:1c:df:3b:97:75:08:00 SRC=192.168.1.254 DST=192.168.2.2 LEN=56 TOS=0x00 PREC=0x00 TTL=63 ID=0 PROTO=ICMP TYPE=3 CODE=4 [SRC=192.168.2.2 DST=83.233.38.158 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=18801 DF PROTO=TCP INCOMPLETE [8 bytes] ] MTU=1492 ";
    const p = parseTraceText(line, { prefixMap: { Inbound: "ip:filter:INPUT" } }).packets[0] as Packet;
    const parsed = JSON.parse(`{${packetTail(p, "json")}`);
    expect(parsed.header).toMatchObject({ proto: "icmp", icmpType: 3, icmpCode: 4, mtu: 1492 });
    expect(parsed.events[0].quoted).toMatchObject({ proto: "tcp", src: "192.168.2.2", dst: "83.233.38.158" });
    expect(packetTail(p, "human")).toContain(
      "quotes TCP 192.168.2.2 -> 83.233.38.158, next-hop MTU 1492  (at ip:filter:INPUT)",
    );
  });
});
