/**
 * The streaming path (chunks -> lines -> TraceParser, as the CLI and the
 * benchmark use it): it gives exactly what parseTraceText gives, splits lines
 * correctly at any chunk boundary, and holds bounded state on a long stream.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Packet, TraceEvent } from "../../../src/core/model/packet.ts";
import {
  addToFlows,
  type FlowAssignment,
  forEachLine,
  lineBatches,
  parseTraceText,
  TraceParser,
} from "../../../src/core/parse/index.ts";
import { KeyIndex } from "../../../src/core/parse/key-index.ts";
import { project } from "./project.ts";

const root = join(import.meta.dirname, "../../fixtures/parse");
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, "input.log")));

/** `bytes` cut into pieces of the given sizes (cycled), as an async stream. */
async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length] as number);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function lines(bytes: Uint8Array, sizes: number[]): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of lineBatches(pieces(bytes, sizes))) out.push(...batch);
  return out;
}

async function streamParse(bytes: Uint8Array, sizes: number[], file: string) {
  const packets: Packet[] = [];
  const flows: { id: number; proto: string; packets: number[] }[] = [];
  const parser = new TraceParser(
    (p: Packet, f: FlowAssignment) => {
      packets.push(p);
      addToFlows(flows, p.id, f);
    },
    { file },
  );
  await forEachLine(pieces(bytes, sizes), (l) => parser.line(l));
  parser.end();
  return { packets, flows, diagnostics: parser.diagnostics, skippedLines: parser.skippedLines };
}

describe("lineBatches", () => {
  const enc = new TextEncoder();

  it("splits on LF only, keeps the CR of CRLF for the parser, and yields a last line without newline", async () => {
    const bytes = enc.encode("a\r\nb\n\nc\rd\ne");
    expect(await lines(bytes, [1000])).toEqual(["a\r", "b", "", "c\rd", "e"]);
    expect(await lines(enc.encode("x\ny\n"), [1000])).toEqual(["x", "y"]);
    expect(await lines(enc.encode(""), [1000])).toEqual([]);
  });

  it("decodes UTF-8 characters cut across chunks", async () => {
    const text = "préfixe/ebtable/filter-INPUT é漢字🙂\nsecond ✓\n";
    const bytes = enc.encode(text);
    for (const size of [1, 2, 3, 5, 7])
      expect(await lines(bytes, [size])).toEqual(text.split("\n").slice(0, 2));
  });

  it("keeps a byte-order mark, as reading the file whole does", async () => {
    expect(await lines(enc.encode("\uFEFFfirst\nsecond"), [2])).toEqual(["\uFEFFfirst", "second"]);
  });

  it("takes string chunks too", async () => {
    async function* strings() {
      yield "one\ntw";
      yield "o\nthree";
    }
    const out: string[] = [];
    for await (const b of lineBatches(strings())) out.push(...b);
    expect(out).toEqual(["one", "two", "three"]);
  });

  it("any chunking gives the lines of split('\\n')", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom("a", "é", "\n", "\r", "🙂", " "), maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        async (text, sizes) => {
          const want = text.split("\n");
          if (want.at(-1) === "") want.pop();
          expect(await lines(enc.encode(text), sizes)).toEqual(want);
        },
      ),
    );
  });
});

describe("streaming parse", () => {
  for (const c of cases) {
    it(`${c}: chunks -> lineBatches -> TraceParser equals parseTraceText`, async () => {
      const text = readFileSync(join(root, c, "input.log"), "utf8");
      const want = project(parseTraceText(text, { file: "input.log" }));
      const bytes = new TextEncoder().encode(text);
      for (const sizes of [[1 << 16], [1], [3, 17, 64]]) {
        expect(project(await streamParse(bytes, sizes, "input.log"))).toEqual(want);
      }
    });
  }
});

/** A ping between container `k` and server `k`, each direction at six hooks: 12 LOG lines. */
function ping(k: number, t: number): string[] {
  const c = `172.17.${(k >> 8) & 255}.${k & 255}`;
  const s = `198.51.${(k >> 8) & 255}.${k & 255}`;
  const out: string[] = [];
  const hooks = [
    "raw-PREROUTE",
    "mangle-PREROUTE",
    "nat-PREROUTE",
    "mangle-FORWARD",
    "filter-FORWARD",
    "mangle-POSTROUTE",
  ];
  for (const [src, dst, type, id] of [
    [c, s, 8, (k * 7) & 65535],
    [s, c, 0, (k * 13) & 65535],
  ] as const) {
    hooks.forEach((h, i) => {
      const ttl = i < 3 ? 64 : 63;
      out.push(
        `[${(t + i * 1e-6).toFixed(6)}] iptable/${h}IN=eth0 OUT= SRC=${src} DST=${dst} LEN=84 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} PROTO=ICMP TYPE=${type} CODE=0 ID=${k & 65535} SEQ=1 `,
      );
    });
  }
  return out;
}

describe("bounded state", () => {
  it("a long stream of distinct flows: open packets, keys, waiting packets and flow tuples stay bounded", () => {
    let emitted = 0;
    const parser = new TraceParser(
      () => {
        emitted++;
      },
      { pair: { maxTuples: 2000 } },
    );
    const flows = 8000;
    let peak = { open: 0, keys: 0, waiting: 0, tuples: 0, pendingL2: 0 };
    let fed = 0;
    for (let k = 0; k < flows; k++) {
      // Two flows interleaved line by line, as a busy host writes them.
      const a = ping(2 * k, 100 + k * 0.01);
      const b = ping(2 * k + 1, 100 + k * 0.01 + 0.005);
      for (let i = 0; i < a.length; i++) {
        parser.line(a[i] as string);
        parser.line(b[i] as string);
        fed += 2;
      }
      const s = parser.state;
      peak = {
        open: Math.max(peak.open, s.open),
        keys: Math.max(peak.keys, s.keys),
        waiting: Math.max(peak.waiting, s.waiting),
        tuples: Math.max(peak.tuples, s.tuples),
        pendingL2: Math.max(peak.pendingL2, s.pendingL2),
      };
      // Packets leave while the stream goes on: at most a window (400 events, swept every 64) is held back.
      expect(fed / 6 - emitted).toBeLessThan((400 + 64) / 6 + 8);
    }
    parser.end();
    expect(emitted).toBe(flows * 4);
    expect(parser.diagnostics).toEqual([]);
    // (400 events of window + 64 between sweeps) / 6 events per packet, plus the packets in flight.
    expect(peak.open).toBeLessThanOrEqual(90);
    expect(peak.keys).toBeLessThanOrEqual(2 * peak.open);
    expect(peak.waiting).toBeLessThanOrEqual(peak.open);
    expect(peak.tuples).toBeLessThanOrEqual(2001);
    expect(peak.tuples).toBeGreaterThan(500);
    expect(peak.pendingL2).toBe(0);
  });

  it("maxOpen caps open packets even when nothing goes stale", () => {
    const parser = new TraceParser(() => {}, { group: { maxOpen: 10, windowLines: 1_000_000 } });
    for (let k = 0; k < 300; k++) parser.line((ping(k, 1)[0] as string).replace(/^\[[^\]]*\] /, ""));
    expect(parser.state.open).toBeLessThanOrEqual(10);
    parser.end();
    expect(parser.state.open).toBe(0);
    expect(parser.state.waiting).toBe(0);
  });

  it("unknown prefixes are counted per prefix without growing per line", () => {
    const parser = new TraceParser(() => {});
    const line =
      "[1.0] fw-odd IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ";
    for (let i = 0; i < 5000; i++) parser.line(line);
    parser.end();
    expect(parser.state.unknownPrefixes).toBe(1);
    expect(parser.diagnostics.map((d) => d.message)).toEqual([
      "unknown LOG prefix 'fw-odd' (5000 lines): which table and chain wrote it?",
    ]);
  });
});

describe("KeyIndex", () => {
  const ev = (
    source: TraceEvent["source"],
    proto: string | undefined,
    src: string,
    dst: string,
  ): TraceEvent => ({
    hook: "ip:raw:PREROUTING",
    prefix: "",
    source,
    raw: "",
    position: { file: "", line: 1, column: 1 },
    ip: { src, dst },
    ...(proto === undefined ? {} : { l4: { proto } }),
  });

  it("two events share a list exactly when '<proto> <src> <dst>' are equal strings (spaces included)", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "b", " "), maxLength: 3 });
    fc.assert(
      fc.property(
        fc.tuple(fc.option(field, { nil: undefined }), field, field),
        fc.tuple(fc.option(field, { nil: undefined }), field, field),
        ([p1, s1, d1], [p2, s2, d2]) => {
          const index = new KeyIndex<number>();
          const a = index.find(ev("ebt-log", p1, s1, d1), true);
          const b = index.find(ev("ebt-log", p2, s2, d2), false);
          expect(b === a).toBe(`${p1 ?? ""} ${s1} ${d1}` === `${p2 ?? ""} ${s2} ${d2}`);
        },
      ),
    );
  });

  it("drops a list when its last item leaves", () => {
    const index = new KeyIndex<number>();
    const l = index.find(ev("log", "icmp", "10.0.0.1", "10.0.0.2"), true);
    if (!l) throw new Error("no list");
    l.items.push(1, 2);
    index.remove(l, 1);
    expect(index.size).toBe(1);
    index.remove(l, 2);
    expect(index.size).toBe(0);
    expect(index.find(ev("log", "icmp", "10.0.0.1", "10.0.0.2"), false)).toBeUndefined();
  });
});
