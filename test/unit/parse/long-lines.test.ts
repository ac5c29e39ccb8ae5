/**
 * Over-long lines: `lineBatches` keeps no line longer than its limit (a mark
 * with the line's length stands in for it, so the line count holds), and the
 * parser reports each such line once, at its number, and reads on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { lineBatches, parseTraceText, TraceParser } from "../../../src/core/parse/index.ts";
import { longLineMark, readLongLineMark } from "../../../src/core/parse/split-lines.ts";
import { project } from "./project.ts";

const enc = new TextEncoder();

/** `chunks` as an async stream. */
async function* stream<T>(chunks: T[]): AsyncGenerator<T> {
  for (const c of chunks) yield c;
}

async function collect(chunks: AsyncIterable<Uint8Array | string>, maxLineBytes?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const b of lineBatches(chunks, maxLineBytes === undefined ? {} : { maxLineBytes }))
    out.push(...b);
  return out;
}

/** `bytes` cut at the given sizes (cycled). */
function cut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length] as number);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe("lineBatches with a line limit", () => {
  it("any chunking: lines up to the limit as they are, longer ones as a mark with their byte length", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom("a", "é", "\n", "\r", "🙂", " "), maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 12 }),
        async (text, sizes, max) => {
          const want = text.split("\n");
          if (want.at(-1) === "") want.pop();
          const expected = want.map((l) => {
            const n = enc.encode(l).length;
            return n > max ? longLineMark(n, max) : l;
          });
          expect(await collect(stream(cut(enc.encode(text), sizes)), max)).toEqual(expected);
        },
      ),
    );
  });

  it("string chunks, and string and byte chunks mixed, count the same way", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom("a", "b", "\n", " "), maxLength: 80 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 12 }),
        async (text, plan, max) => {
          // ASCII only: a code unit is a byte, so both kinds of chunk measure alike.
          const chunks: (string | Uint8Array)[] = [];
          for (let at = 0, i = 0; at < text.length; i++) {
            const [n, asText] = plan[i % plan.length] as [number, boolean];
            const piece = text.slice(at, at + n);
            chunks.push(asText ? piece : enc.encode(piece));
            at += n;
          }
          const want = text.split("\n");
          if (want.at(-1) === "") want.pop();
          expect(await collect(stream(chunks), max)).toEqual(
            want.map((l) => (l.length > max ? longLineMark(l.length, max) : l)),
          );
        },
      ),
    );
  });

  it("keeps a line of exactly the limit and marks one byte more", async () => {
    const lines = await collect(stream([enc.encode(`${"x".repeat(10)}\n${"y".repeat(11)}\nz`)]), 10);
    expect(lines).toEqual(["x".repeat(10), longLineMark(11, 10), "z"]);
    expect(readLongLineMark(lines[1] as string)).toEqual({ length: 11, limit: 10 });
    expect(readLongLineMark("an ordinary line")).toBeUndefined();
  });

  it("reads a 40 MiB line without a newline in 64 KiB chunks to one mark (default limit 1 MiB)", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    async function* big() {
      for (let i = 0; i < 640; i++) yield chunk;
      yield enc.encode("\nafter");
    }
    expect(await collect(big())).toEqual([longLineMark(40 * 1024 * 1024, 1 << 20), "after"]);
  });

  it("joins a line spread over many chunks once, byte-exact", async () => {
    const line = "é漢🙂".repeat(5000);
    const bytes = enc.encode(`${line}\n`);
    expect(await collect(stream(cut(bytes, [7, 1, 13])))).toEqual([line]);
  });
});

describe("the parser and over-long lines", () => {
  const fixture = readFileSync(
    join(import.meta.dirname, "../../fixtures/parse/real-wan-to-published-port/input.log"),
    "utf8",
  );

  async function parseChunks(text: string, maxLineBytes: number) {
    const packets: Packet[] = [];
    const parser = new TraceParser((p) => packets.push(p), { file: "big.log" });
    for await (const b of lineBatches(stream(cut(enc.encode(text), [4096])), { maxLineBytes }))
      for (const l of b) parser.line(l);
    parser.end();
    return {
      packets,
      flows: [],
      diagnostics: parser.diagnostics,
      skippedLines: parser.skippedLines,
      events: parser.events,
    };
  }

  it("reports one error naming the line's number and reads the rest as if the line were any other text", async () => {
    const lines = fixture.split("\n");
    const at = 20;
    const long = `[  970.1] ${"IN=eth0 OUT= ".repeat(2000)}`;
    const withLong = [...lines.slice(0, at), long, ...lines.slice(at)].join("\n");
    const withOther = [...lines.slice(0, at), "[  970.1] some other kernel line", ...lines.slice(at)].join(
      "\n",
    );
    expect(parseTraceText(`ok\n${"y".repeat((1 << 20) + 1)}\n`, { file: "t.log" }).diagnostics).toMatchObject(
      [
        {
          severity: "error",
          position: { line: 2 },
          message: expect.stringMatching(/over the limit of 1048576 bytes/),
        },
      ],
    );
    const got = await parseChunks(withLong, 1000);
    const want = parseTraceText(withOther, { file: "big.log" });
    expect(got.diagnostics).toHaveLength(want.diagnostics.length + 1);
    const d = got.diagnostics.find((x) => x.message.includes("over the limit"));
    expect(d).toMatchObject({ severity: "error", position: { file: "big.log", line: at + 1, column: 1 } });
    expect(d?.message).toBe(
      `line is ${long.length} bytes long, over the limit of 1000 bytes: skipped unread`,
    );
    expect(d?.hint).toContain("--max-line-bytes");
    const { diagnostics: _a, flows: _b, ...gotRest } = project({ ...got, flows: [] } as never);
    const { diagnostics: _c, flows: _d, ...wantRest } = project({ ...want, flows: [] });
    expect(gotRest).toEqual(wantRest);
    expect(got.skippedLines).toBe(want.skippedLines);
  });
});
