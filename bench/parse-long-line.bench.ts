/**
 * One very long line must cost what the same bytes cost as ordinary lines
 * (linear time, bounded memory). In one run, on files streamed from disk in
 * the CLI's 64 KiB chunks:
 *
 * - splitting a 24 MiB line without a newline, kept whole (no limit), against
 *   the same bytes cut into ordinary log lines: the ratio stays near 1 when
 *   the work is linear (a re-copy per chunk made it hundreds);
 * - the same for a 6 MiB line: 24 MiB / 6 MiB should take about 4x, not 16x. The first
 *   splits of a 24 MiB line mostly wait for the kernel's fresh pages (about 3 ms/MiB here, while
 *   6 MiB fits in memory the process just freed): with few tries that alone read as 16x with
 *   linear code, so each one-line split is tried {@link LONG_TRIES} times a round, best kept;
 * - the CLI's path with its default 1 MiB limit: the 24 MiB line is read past
 *   and reported, against parsing the 24 MiB of ordinary lines.
 *
 * Env: LONG_LINE_BENCH_ROUNDS (default 3) timing rounds, best kept. Temp files are removed.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineBatches, MAX_LINE_BYTES, readLongLineMark } from "../src/core/parse/split-lines.ts";
import { TraceParser } from "../src/core/parse/trace-parser.ts";

const MiB = 1 << 20;
/** A kernel LOG line of a ping; `n` makes its packet distinct. */
const line = (n: number) =>
  `[  970.061812] pwid/iptable/raw-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${n % 65536} DF PROTO=ICMP TYPE=8 CODE=0 ID=${(n >> 16) % 65536} SEQ=${n % 65536} \n`;

/** `size` bytes of log lines (the last one cut to fit); with `joined`, the newlines are spaces: one line. */
function logBytes(size: number, joined: boolean): { bytes: Buffer; lines: number } {
  const out = Buffer.alloc(size);
  let at = 0;
  let n = 0;
  while (at < size) at += out.write(line(n++), at);
  if (joined) for (let i = 0; i < size; i++) if (out[i] === 10) out[i] = 32;
  out[size - 1] = 10;
  return { bytes: out, lines: joined ? 1 : out.filter((b) => b === 10).length };
}

/** Tries of each one-line split per round (see the module comment). */
const LONG_TRIES = 4;

/** Seconds to split `file` into lines (no limit unless given); checks the line count. */
async function split(file: string, lines: number, maxLineBytes = Number.POSITIVE_INFINITY): Promise<number> {
  const start = performance.now();
  let n = 0;
  let chars = 0;
  for await (const b of lineBatches(createReadStream(file, { highWaterMark: 64 * 1024 }), { maxLineBytes })) {
    n += b.length;
    for (const l of b) chars += l.length;
  }
  if (n !== lines || chars <= 0) throw new Error(`split ${n} lines of ${file}, expected ${lines}`);
  return (performance.now() - start) / 1000;
}

/** Seconds to parse `file` as the CLI does (default line limit); its packets and diagnostics. */
async function parse(file: string): Promise<{ seconds: number; packets: number; diagnostics: string[] }> {
  const start = performance.now();
  let packets = 0;
  const parser = new TraceParser(() => packets++, { file });
  for await (const b of lineBatches(createReadStream(file, { highWaterMark: 64 * 1024 })))
    for (const l of b) parser.line(l);
  parser.end();
  return {
    seconds: (performance.now() - start) / 1000,
    packets,
    diagnostics: parser.diagnostics.map((d) => d.message),
  };
}

/** Runs the benchmark (see the module comment). */
export async function run(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), "pw-long-line-bench-"));
  try {
    const rounds = Math.max(1, Number(process.env.LONG_LINE_BENCH_ROUNDS ?? 3));
    const files = {
      long24: join(dir, "long24.log"),
      lines24: join(dir, "lines24.log"),
      long6: join(dir, "long6.log"),
    };
    writeFileSync(files.long24, logBytes(24 * MiB, true).bytes);
    const normal = logBytes(24 * MiB, false);
    writeFileSync(files.lines24, normal.bytes);
    writeFileSync(files.long6, logBytes(6 * MiB, true).bytes);
    const lines24 = normal.lines;
    const best = {
      long24: Infinity,
      lines24: Infinity,
      long6: Infinity,
      parseLong: Infinity,
      parseLines: Infinity,
    };
    let longParse: Awaited<ReturnType<typeof parse>> | undefined;
    for (let i = 0; i < rounds; i++) {
      best.lines24 = Math.min(best.lines24, await split(files.lines24, lines24));
      for (let t = 0; t < LONG_TRIES; t++) {
        best.long24 = Math.min(best.long24, await split(files.long24, 1));
        best.long6 = Math.min(best.long6, await split(files.long6, 1));
      }
      longParse = await parse(files.long24);
      best.parseLong = Math.min(best.parseLong, longParse.seconds);
      best.parseLines = Math.min(best.parseLines, (await parse(files.lines24)).seconds);
    }
    if (longParse?.packets !== 0 || longParse.diagnostics.length !== 1)
      throw new Error(`the 24 MiB line gave ${JSON.stringify(longParse)}, expected one diagnostic`);
    const mark = await (async () => {
      for await (const b of lineBatches(createReadStream(files.long24)))
        return readLongLineMark(b[0] as string);
    })();
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    return {
      rounds,
      "split.24MiBLines.seconds": Number(best.lines24.toFixed(3)),
      "split.24MiBOneLine.seconds": Number(best.long24.toFixed(3)),
      "split.6MiBOneLine.seconds": Number(best.long6.toFixed(3)),
      "split.oneLineVsLines": `${x(best.long24, best.lines24)} the time of the same 24 MiB as ${lines24} lines (linear: about 1)`,
      "split.24MiBVs6MiBOneLine": `${x(best.long24, best.long6)} (linear: about 4; quadratic: 16)`,
      "parse.defaultLimitBytes": MAX_LINE_BYTES,
      "parse.24MiBOneLine.seconds": Number(best.parseLong.toFixed(3)),
      "parse.24MiBLines.seconds": Number(best.parseLines.toFixed(3)),
      "parse.oneLineVsLines": `${x(best.parseLong, best.parseLines)} the time of parsing the lines (the long line is read past, not parsed)`,
      "parse.oneLine.diagnostic": longParse.diagnostics[0] as string,
      "parse.oneLine.markLength": mark?.length ?? -1,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(await run());
