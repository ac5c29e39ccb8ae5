/**
 * The parallel parse of one big file must print exactly what the sequential
 * parse prints: the same packets, ids, flows, directions, summaries and
 * problems, whatever the segments, for real worker threads and for the
 * segments run one after the other, and when a warm-up is too short and a
 * segment has to be parsed again.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateLog } from "../../../bench/generate-log.ts";
import { formatPacket, type OutputMode } from "../../../src/cli/packet-output.ts";
import { type ParallelOptions, parseFileParallel } from "../../../src/cli/parse-parallel.ts";
import type { Diagnostic } from "../../../src/core/model/packet.ts";
import { lineBatches } from "../../../src/core/parse/split-lines.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";

const root = join(import.meta.dirname, "../../..");
const fixtures = join(root, "test/fixtures/parse");
let dir = "";
let generated = "";
let mixed = "";
let waiting = "";

/** What the sequential parser prints for `path`, and its problems. */
async function sequential(path: string, mode: OutputMode, maxDiagnostics?: number) {
  let text = "";
  let packets = 0;
  const parser = new TraceParser(
    (p) => {
      packets++;
      text += formatPacket(p, mode);
    },
    { file: path, ...(maxDiagnostics ? { maxDiagnostics } : {}) },
  );
  for await (const batch of lineBatches(createReadStream(path))) for (const l of batch) parser.line(l);
  parser.end();
  return {
    text,
    packets,
    diagnostics: parser.diagnostics,
    events: parser.events,
    skipped: parser.skippedLines,
  };
}

async function parallel(options: ParallelOptions) {
  const chunks: Buffer[] = [];
  const summary = await parseFileParallel(options, (chunk) => {
    chunks.push(Buffer.from(chunk));
  });
  // Decoded whole: a chunk may end inside a character.
  return { text: Buffer.concat(chunks).toString("utf8"), summary };
}

const problems = (ds: Diagnostic[]) => ds.map((d) => ({ ...d }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-parallel-"));
  generated = join(dir, "generated.log");
  generateLog(generated, 40_000);
  // Every fixture (every envelope and line format, TRACE, nft monitor, errors) ten times over,
  // with unknown prefixes, damaged lines and other kernel lines between them.
  const parts: string[] = [];
  const cases = readdirSync(fixtures).sort();
  for (let round = 0; round < 10; round++) {
    for (const c of cases) {
      // Each round with trace ids of its own, as another capture would have.
      const input = readFileSync(join(fixtures, c, "input.log"), "utf8").trimEnd();
      parts.push(input.replace(/((?:PACKET|TRACE): \d+ |trace id )[0-9a-f]{2}/g, (_m, p) => `${p}${round}f`));
      parts.push(
        `[ 9${round}0.000001] fw-mystery-${round % 2} IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=40`,
      );
      parts.push("[ 900.000002] usb 1-1: new high-speed USB device number 2");
      parts.push("[ 900.000003] pw/iptable/raw-PREROUTE IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.2 LEN=x");
    }
  }
  mixed = join(dir, "mixed.log");
  writeFileSync(mixed, `${parts.join("\n")}\n`);
  // Bridge lines without IP data still waiting for their IP line when the file ends, then a later packet.
  const filler = (n: number, what: string) =>
    Array.from({ length: n }, (_, i) => `[    1.000000] usb 1-1: ${what} ${i}`);
  waiting = join(dir, "waiting.log");
  writeFileSync(
    waiting,
    `${[
      ...filler(3000, "filler"),
      "[  122.212300] ctc/ebtable/nat-PREROUTE IN=veth2 OUT= MAC source = 02:42:ac:12:00:02 MAC dest = 02:42:ac:12:00:03 proto = 0x0800",
      "[  122.212400] ctc/ebtable/nat-PREROUTE IN=veth3 OUT= MAC source = 02:42:ac:12:00:04 MAC dest = 02:42:ac:12:00:05 proto = 0x0800",
      ...filler(10, "tail"),
      "[  122.300000] iptable/filter-INPUT IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=100 DF PROTO=UDP SPT=1000 DPT=53 LEN=64",
    ].join("\n")}\n`,
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("parallel parse of one file", () => {
  it("prints what the sequential parse prints, on worker threads, for a long generated log", async () => {
    const want = await sequential(generated, "json");
    const got = await parallel({ path: generated, mode: "json", jobs: 2, segmentBytes: 256 * 1024 });
    expect(got.summary.segments).toBeGreaterThan(10);
    expect(got.summary.packets).toBe(want.packets);
    expect(got.summary.events).toBe(want.events);
    expect(got.text).toBe(want.text);
    expect(problems(got.summary.diagnostics)).toEqual(problems(want.diagnostics));
  });

  it("keeps problems, unknown-prefix counts and every line format exact across small segments", async () => {
    for (const mode of ["human", "json"] as const) {
      const want = await sequential(mixed, mode);
      expect(
        want.diagnostics.some((d) => /unknown LOG prefix 'fw-mystery-0' \(\d+ lines\)/.test(d.message)),
      ).toBe(true);
      for (const inline of [true, false]) {
        // A short warm-up: the stitching check, not a read from the file's start, must make it exact.
        const got = await parallel({
          path: mixed,
          mode,
          jobs: 2,
          segmentBytes: 8192,
          warmupLines: 64,
          inline,
        });
        expect(got.summary.segments).toBeGreaterThan(20);
        expect(got.text).toBe(want.text);
        expect(problems(got.summary.diagnostics)).toEqual(problems(want.diagnostics));
        expect(got.summary.skippedLines).toBe(want.skipped);
      }
    }
  });

  it("parses a segment again when its warm-up was too short, and still prints the same", async () => {
    const want = await sequential(generated, "human");
    const got = await parallel({
      path: generated,
      mode: "human",
      jobs: 2,
      segmentBytes: 64 * 1024,
      warmupLines: 3,
    });
    expect(got.summary.retries).toBeGreaterThan(0);
    // Each retry reads a 4 times longer warm-up: a few per segment reach the grouping window, and
    // no segment goes back to the start of the file (which would read lines ~ segments^2).
    expect(got.summary.retries).toBeLessThanOrEqual(4 * got.summary.segments);
    expect(got.summary.linesRead).toBeLessThan(12 * got.summary.lines);
    expect(got.text).toBe(want.text);
  });

  it("hands out bridge lines left waiting at the end of the file in first-line order", async () => {
    const want = await sequential(waiting, "json");
    expect(want.packets).toBe(3);
    const lines = want.text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l).events[0].line);
    expect(lines).toEqual([3001, 3002, 3013]);
    const got = await parallel({ path: waiting, mode: "json", jobs: 2, segmentBytes: 4096, warmupLines: 16 });
    expect(got.text).toBe(want.text);
  });

  it("equals the sequential parse on random mixes of every line format, segment size and warm-up", async () => {
    const cases = readdirSync(fixtures)
      .sort()
      .map((c) =>
        readFileSync(join(fixtures, c, "input.log"), "utf8")
          .split("\n")
          .filter(Boolean),
      );
    let seed = 0x5eed;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(a: readonly T[]) => a[Math.floor(random() * a.length)] as T;
    for (let round = 0; round < 24; round++) {
      // Runs of fixture lines, trace ids and IP ids reused across runs, other kernel lines between.
      const traces = ["aaaa0001", "aaaa0002", "aaaa0003"];
      const out: string[] = [];
      while (out.length < 2500) {
        const c = pick(cases);
        const at = Math.floor(random() * c.length);
        for (const line of c.slice(at, at + 1 + Math.floor(random() * 20))) {
          let l = line;
          if (random() < 0.5)
            l = l.replace(/((?:PACKET|TRACE): \d+ |trace id )[0-9a-f]{8}/, (_m, p) => p + pick(traces));
          if (random() < 0.3) l = l.replace(/ ID=\d+/, ` ID=${100 + Math.floor(random() * 4)}`);
          out.push(l);
        }
        for (let n = Math.floor(random() * 200 * random()); n > 0; n--)
          out.push(random() < 0.1 ? "" : "[ 1.0] usb: x");
      }
      const path = join(dir, `random-${round}.log`);
      writeFileSync(path, out.join("\n") + (random() < 0.8 ? "\n" : ""));
      const max = random() < 0.3 ? 1 + Math.floor(random() * 20) : undefined;
      const want = await sequential(path, "human", max);
      const got = await parallel({
        path,
        mode: "human",
        jobs: 2,
        segmentBytes: 1024 + Math.floor(random() * 30_000),
        warmupLines: random() < 0.5 ? 1 : 1 + Math.floor(random() * 3000),
        inline: true,
        ...(max ? { maxDiagnostics: max } : {}),
      });
      expect(got.text, `round ${round}`).toBe(want.text);
      expect(problems(got.summary.diagnostics), `round ${round}`).toEqual(problems(want.diagnostics));
      expect([got.summary.events, got.summary.skippedLines]).toEqual([want.events, want.skipped]);
    }
  });

  it("joins a LOG line wrapped over several lines whichever segment its pieces fall in", async () => {
    const out: string[] = [];
    for (let i = 0; i < 600; i++) {
      const whole = `[ ${1000 + i}.000001] iptable/filter-INPUT IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=198.51.100.${i % 250} DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${i} DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=${i} `;
      // Broken at a space after every few fields, as a page of 80 columns shows it; some lines left whole or cut.
      const words = whole.split(" ");
      const pieces: string[] = [];
      for (let w = 0; w < words.length; w += 4 + (i % 5))
        pieces.push(words.slice(w, w + 4 + (i % 5)).join(" "));
      if (i % 7 === 0) out.push(whole);
      else if (i % 11 === 0) out.push(pieces[0] as string, "[ 1.0] usb: x");
      else out.push(...pieces.map((p, k) => (k ? `    ${p}` : p)));
    }
    const path = join(dir, "wrapped.log");
    writeFileSync(path, `${out.join("\n")}\n`);
    const want = await sequential(path, "human");
    expect(want.packets).toBeGreaterThan(500);
    expect(want.diagnostics.some((d) => d.message.startsWith("LOG line wrapped over several lines"))).toBe(
      true,
    );
    for (const segmentBytes of [1024, 1500, 4096])
      for (const warmupLines of [1, 3, 40]) {
        const got = await parallel({ path, mode: "human", jobs: 2, segmentBytes, warmupLines, inline: true });
        expect(got.text, `${segmentBytes} ${warmupLines}`).toBe(want.text);
        expect(problems(got.summary.diagnostics)).toEqual(problems(want.diagnostics));
        expect([got.summary.events, got.summary.skippedLines]).toEqual([want.events, want.skipped]);
      }
  });

  it("reads records joined on one line apart whichever segment the line falls in", async () => {
    const out: string[] = [];
    const record = (i: number, ttl = "64") =>
      `Dec  1 10:${String(i % 60).padStart(2, "0")}:00 gw kernel: [ ${1000 + i}.000001] iptable/filter-INPUT IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=198.51.100.${i % 250} DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${i} DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=${i} `;
    for (let i = 0; i < 300; i += 3) {
      // Two or three records a line, as a page without newlines shows them; some damaged, some cut and wrapped.
      const joined = record(i) + record(i + 1, i % 13 === 0 ? "6x" : "64") + (i % 2 ? record(i + 2) : "");
      if (i % 9 === 0) {
        const k = joined.lastIndexOf("PROTO=");
        out.push(joined.slice(0, k - 1), `    ${joined.slice(k)}`);
      } else out.push(joined);
      if (i % 2 === 0) out.push(record(i + 2));
    }
    const path = join(dir, "joined.log");
    writeFileSync(path, `${out.join("\n")}\n`);
    const want = await sequential(path, "human");
    expect(want.packets).toBeGreaterThan(270);
    expect(want.diagnostics.some((d) => d.message.startsWith("several log lines joined on one line"))).toBe(
      true,
    );
    for (const segmentBytes of [1024, 1500, 4096])
      for (const warmupLines of [1, 3, 40]) {
        const got = await parallel({ path, mode: "human", jobs: 2, segmentBytes, warmupLines, inline: true });
        expect(got.text, `${segmentBytes} ${warmupLines}`).toBe(want.text);
        expect(problems(got.summary.diagnostics)).toEqual(problems(want.diagnostics));
        expect([got.summary.events, got.summary.skippedLines]).toEqual([want.events, want.skipped]);
      }
  });

  it("cuts the problem list where the sequential parse does", async () => {
    const want = await sequential(mixed, "none", 5);
    const got = await parallel({ path: mixed, mode: "none", jobs: 2, segmentBytes: 4096, maxDiagnostics: 5 });
    expect(want.diagnostics.at(-1)?.message).toMatch(/more problems were not listed/);
    expect(problems(got.summary.diagnostics)).toEqual(problems(want.diagnostics));
  });
});

describe("packetwalk parse --jobs", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "parse", ...args], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      // The mixed log's output grows with the parse fixtures (past spawnSync's default 1 MB).
      maxBuffer: 1 << 28,
    });

  it("gives the same output, problems and exit code on one thread and on several", () => {
    for (const extra of [["--json"], []]) {
      const one = cli([mixed, "--jobs", "1", ...extra]);
      const two = cli([mixed, "--jobs", "2", "--segment-bytes", "4096", ...extra]);
      expect(one.status).toBe(0);
      expect(two.status).toBe(one.status);
      expect(two.stdout).toBe(one.stdout);
      expect(two.stderr).toBe(one.stderr);
    }
  });

  it("refuses a --jobs that is not a whole number from 1 to 64", () => {
    for (const bad of ["0", "1e3", "0x10", "65", "two"]) {
      const r = cli([mixed, "--jobs", bad]);
      expect(r.status, bad).toBe(2);
      expect(r.stderr).toContain(`--jobs needs a whole number from 1 to 64, got '${bad}'`);
    }
  });
});
