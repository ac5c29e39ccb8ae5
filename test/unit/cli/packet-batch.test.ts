/**
 * A parallel parse's packets cross threads packed into a string of keys and
 * a buffer of UTF-8 output texts (see `packet-batch.ts`): every packet must
 * come out as it went in, whatever its texts hold, the buffers must be
 * movable to another thread, and flows pair the same from the unpacked keys.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ByteSink } from "../../../src/cli/json-tail-bytes.ts";
import {
  forEachPacked,
  type PackedPacket,
  PacketBatchWriter,
  transferList,
} from "../../../src/cli/packet-batch.ts";
import type { SegmentPacket } from "../../../src/cli/parse-segment.ts";
import { FlowPairer } from "../../../src/core/parse/pair-flows.ts";

const text = fc.string({ unit: "grapheme", maxLength: 40 });
const packet: fc.Arbitrary<SegmentPacket> = fc
  .record({
    tuples: fc.array(fc.tuple(text, text), { maxLength: 4 }),
    quoted: fc.option(text, { nil: undefined }),
    datagram: fc.option(text, { nil: undefined }),
    laterFragment: fc.boolean(),
    proto: text,
    replyLike: fc.boolean(),
    summary: text,
    replySummary: fc.option(text, { nil: undefined }),
    tail: text,
    guessedUdp: fc.boolean(),
  })
  .map((r) => {
    const p: SegmentPacket = {
      keys: {
        seen: r.tuples.map((t) => t[0]),
        reversed: r.tuples.map((t) => t[1]),
        proto: r.proto,
        replyLike: r.replyLike,
      },
      summary: r.summary,
      tail: r.tail,
    };
    if (r.quoted !== undefined) p.keys.quoted = r.quoted;
    if (r.datagram !== undefined) p.keys.datagram = r.datagram;
    if (r.laterFragment) p.keys.laterFragment = true;
    if (r.replySummary !== undefined) p.replySummary = r.replySummary;
    if (r.guessedUdp) p.guessedUdp = true;
    return p;
  });

/** The packet as it was added, read back from its keys and byte ranges. */
function unpacked(p: PackedPacket): SegmentPacket {
  const text = (a: number, b: number) =>
    Buffer.from(p.bytes.buffer, p.bytes.byteOffset).toString("utf8", a, b);
  const q: SegmentPacket = {
    keys: p.keys,
    summary: text(p.summaryStart, p.summaryEnd),
    tail: text(p.tailStart, p.tailEnd),
  };
  if (p.replyStart >= 0) q.replySummary = text(p.replyStart, p.replyEnd);
  if (p.guessedUdp) q.guessedUdp = true;
  return q;
}

function roundTrip(packets: SegmentPacket[]): SegmentPacket[] {
  const w = new PacketBatchWriter();
  for (const p of packets) w.add(p);
  expect(w.size).toBe(packets.length);
  // As postMessage moves it: the transferred buffers are detached on the sending side.
  const sent = w.take();
  const batch = structuredClone(sent, { transfer: transferList(sent) });
  expect(sent.bytes.byteLength, "the output bytes moved, not copied").toBe(0);
  expect(w.size).toBe(0);
  const out: SegmentPacket[] = [];
  forEachPacked(batch, (p) => out.push(unpacked(p)));
  return out;
}

describe("packed packet batches", () => {
  it("give back every packet, field for field, in order", () => {
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 30 }), (packets) => {
        expect(roundTrip(packets)).toEqual(packets);
      }),
      { numRuns: 500 },
    );
  });

  it("grow past their first buffer and keep texts longer than it whole", () => {
    const long = "é→".repeat(100_000);
    const p: SegmentPacket = {
      keys: { seen: ["k"], reversed: ["r"], proto: "tcp", replyLike: false },
      summary: "s",
      tail: long,
    };
    expect(roundTrip([p, p, p])).toEqual([p, p, p]);
  });

  it("keep empty texts, separators and non-ASCII apart", () => {
    const p: SegmentPacket = {
      keys: { seen: ["", "a b"], reversed: ["b a", ""], quoted: "", proto: "tcp", replyLike: true },
      summary: "ICMP 网 → \u0000",
      replySummary: "",
      tail: "x\n",
    };
    expect(roundTrip([p, p])).toEqual([p, p]);
  });

  it("take a tail written straight into their bytes, the buffer growing under it", () => {
    const written = "é→".repeat(50_000);
    // What `writePacketTail` does: writes into the batch's buffer, asking for room as it goes.
    const tail = (sink: ByteSink) => {
      for (const ch of written) {
        const b = Buffer.from(ch, "utf8");
        if (sink.at + b.length > sink.buf.length) sink.room(b.length);
        b.copy(sink.buf, sink.at);
        sink.at += b.length;
      }
    };
    const keys = { seen: ["k"], reversed: ["r"], proto: "tcp", replyLike: false };
    const out = roundTrip([
      { keys, summary: "s", tail },
      { keys, summary: "t", tail: "after" },
    ]);
    expect(out.map((p) => [p.summary, p.tail])).toEqual([
      ["s", written],
      ["t", "after"],
    ]);
  });

  it("start a writer over after take", () => {
    const w = new PacketBatchWriter();
    const p: SegmentPacket = {
      keys: { seen: ["t"], reversed: ["r"], proto: "udp", replyLike: false },
      summary: "s",
      tail: "",
    };
    w.add(p);
    w.take();
    w.add(p);
    const out: SegmentPacket[] = [];
    forEachPacked(w.take(), (q) => out.push(unpacked(q)));
    expect(out).toEqual([p]);
  });

  it("pair flows the same from unpacked keys, with copies kept", () => {
    const tuples = ["tcp 10.0.0.1 1 10.0.0.2 2", "tcp 10.0.0.2 2 10.0.0.1 1"];
    const packets: SegmentPacket[] = [
      {
        keys: {
          seen: [tuples[0] as string],
          reversed: [tuples[1] as string],
          proto: "tcp",
          replyLike: false,
        },
        summary: "",
        tail: "",
      },
      {
        keys: { seen: [tuples[1] as string], reversed: [tuples[0] as string], proto: "tcp", replyLike: true },
        summary: "",
        tail: "",
      },
    ];
    const direct = new FlowPairer();
    const packed = new FlowPairer({ copyKeys: true });
    const unpacked = roundTrip(packets);
    const a = packets.map((p) => direct.assignKeys(p.keys));
    const b = unpacked.map((p) => packed.assignKeys(p.keys));
    expect(b).toEqual(a);
    expect(b.map((x) => x.direction)).toEqual(["request", "reply"]);
  });
});
