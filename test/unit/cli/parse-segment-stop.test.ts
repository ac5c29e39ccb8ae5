/**
 * A segment the main thread parses itself must stop when the parse is given up (its output failed,
 * `packetwalk parse | head` closed the pipe): before, `--jobs 2` read on to the end of a 32 MiB
 * segment after the error, and the command took twice as long to exit as `--jobs 1`.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateLog } from "../../../bench/generate-log.ts";
import { parseSegment, type SegmentJob } from "../../../src/cli/parse-segment.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const dir = tempDir("pw-segment-stop-");
let job: SegmentJob;

beforeAll(() => {
  const path = join(dir(), "kern.log");
  const lines = generateLog(path, 20_000).lines;
  job = {
    path,
    file: "kern.log",
    warmByte: 0,
    warmLine: 1,
    fromLine: 1,
    toLine: lines + 1,
    mode: "none",
    maxDiagnostics: 1000,
  };
});

describe("parseSegment's stop", () => {
  it("reads the whole segment when never stopped", async () => {
    let packets = 0;
    const r = await parseSegment(
      job,
      () => {
        packets++;
      },
      undefined,
      undefined,
      1,
    );
    expect(r.linesRead).toBe(job.toLine - 1);
    expect(packets).toBeGreaterThan(3);
  });

  it("ends at the next turn once stopped, before the segment's packets are all handed out", async () => {
    let batches = 0;
    let asked = 0;
    const run = parseSegment(
      job,
      () => {
        batches++;
      },
      undefined,
      undefined,
      1,
      () => ++asked >= 2,
    );
    await expect(run).rejects.toThrow(/the parse was stopped/);
    expect(asked).toBe(2);
    // Two turns of 64 KiB reads hold a few hundred lines: no batch of 512 packets is full yet.
    expect(batches).toBe(0);
  });
});
