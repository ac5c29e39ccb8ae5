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
  let text = "";
  const summary = await parseFileParallel(options, (t) => {
    text += t;
  });
  return { text, summary };
}

const problems = (ds: Diagnostic[]) => ds.map((d) => ({ ...d }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-parallel-"));
  generated = join(dir, "generated.log");
  generateLog(generated, 40_000);
  // Every fixture (every envelope and line format, TRACE, nft monitor, errors) three times over,
  // with unknown prefixes, damaged lines and other kernel lines between them.
  const parts: string[] = [];
  const cases = readdirSync(fixtures).sort();
  for (let round = 0; round < 3; round++) {
    for (const c of cases) {
      parts.push(readFileSync(join(fixtures, c, "input.log"), "utf8").trimEnd());
      parts.push(
        `[ 9${round}0.000001] fw-mystery-${round % 2} IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=40`,
      );
      parts.push("[ 900.000002] usb 1-1: new high-speed USB device number 2");
      parts.push("[ 900.000003] pw/iptable/raw-PREROUTE IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.2 LEN=x");
    }
  }
  mixed = join(dir, "mixed.log");
  writeFileSync(mixed, `${parts.join("\n")}\n`);
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
        const got = await parallel({ path: mixed, mode, jobs: 2, segmentBytes: 2048, inline });
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
    expect(got.text).toBe(want.text);
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

  it("refuses a --jobs that is not a positive whole number", () => {
    const r = cli([mixed, "--jobs", "0"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--jobs needs a positive whole number, got '0'");
  });
});
