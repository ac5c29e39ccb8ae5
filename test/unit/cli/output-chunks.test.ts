/**
 * The parallel parse's main thread writes its output as byte chunks
 * (`output-chunks.ts`): texts and byte ranges must come out in order, whole,
 * as UTF-8, whatever their sizes against the chunk size.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutputChunks } from "../../../src/cli/output-chunks.ts";

type Piece = { text: string } | { bytes: string; pad: number };

const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.record({ text: fc.string({ unit: "grapheme", maxLength: 50 }) }),
  fc.record({ bytes: fc.string({ unit: "grapheme", maxLength: 50 }), pad: fc.nat(5) }),
  // Longer than a chunk.
  fc.constantFrom<Piece>({ text: "ü".repeat(700_000) }, { bytes: "x→".repeat(400_000), pad: 3 }),
);

function write(pieces: Piece[]): string {
  const out = new OutputChunks();
  const chunks: Uint8Array[] = [];
  let want = 0;
  for (const p of pieces) {
    if ("text" in p) out.text(p.text);
    else {
      // A range in the middle of a bigger buffer, as a batch holds it.
      const b = Buffer.concat([Buffer.alloc(p.pad, 0x7e), Buffer.from(p.bytes), Buffer.alloc(p.pad, 0x7e)]);
      out.bytes(b, p.pad, b.length - p.pad);
    }
    want += Buffer.byteLength("text" in p ? p.text : p.bytes);
    expect(out.size).toBe(want - chunks.reduce((a, c) => a + c.length, 0));
    if (out.size > 1 << 20) chunks.push(...out.take());
  }
  chunks.push(...out.take());
  expect(out.size).toBe(0);
  return Buffer.concat(chunks).toString("utf8");
}

describe("output chunks", () => {
  it("hand out every text and byte range in order, as UTF-8", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        expect(write(pieces)).toBe(pieces.map((p) => ("text" in p ? p.text : p.bytes)).join(""));
      }),
      { numRuns: 200 },
    );
  });

  it("write into a chunk given back, and never into one still held", () => {
    const out = new OutputChunks();
    out.text("first");
    const [a] = out.take() as [Uint8Array];
    out.text("second");
    const [b] = out.take() as [Uint8Array];
    // `a` given back once written: the next chunk is made in its memory.
    out.reuse(a);
    out.text("third");
    const [c] = out.take() as [Uint8Array];
    // Compared as a boolean: a failing comparison of two 1 MiB buffers prints for minutes.
    expect(c.buffer === a.buffer, "the chunk given back is written again").toBe(true);
    expect(Buffer.from(c).toString()).toBe("third");
    expect(Buffer.from(b).toString(), "a chunk not given back is left alone").toBe("second");
    // A copy or a slice of a chunk is not one of its chunks: never written into.
    const copy = Buffer.from("copy!");
    out.reuse(copy);
    out.text("fourth");
    out.take();
    expect(copy.toString()).toBe("copy!");
  });

  it("hand out nothing when nothing was written, and chunks no bigger than needed", () => {
    const out = new OutputChunks();
    expect(out.take()).toEqual([]);
    out.text("a");
    out.text("");
    const chunks = out.take();
    expect(chunks.map((c) => Buffer.from(c).toString())).toEqual(["a"]);
  });
});
