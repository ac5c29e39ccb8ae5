/**
 * Parser throughput and memory, each figure next to its goal (issue 17).
 * Generates kernel LOG files with many distinct flows (container->WAN pings
 * and DNS with MASQUERADE, container<->container pings, WAN->published-port
 * TCP connections with DNAT; each packet seen at 7-10 hooks with the seed's
 * `iptable/<table>-<CHAIN>` prefixes, several flows in flight at once), then,
 * in one run:
 *
 * - reads the big file through the parser the way `packetwalk parse --jobs 1`
 *   does (`readChunks` + `lineBatches`, packets dropped as they close), and
 *   again with `fullParse` (the general line readers only, no fast path);
 * - baselines in the same run: reading and splitting lines only (in process),
 *   a minimal grouping (split, then `SRC=`, `DST=`, `ID=` sliced and counted into a map:
 *   the least any grouping of decoded lines does; and the same on the raw bytes),
 *   `wc -l` (a plain line count) and
 *   `grep -c PROTO=` spawned on the same file;
 * - the parallel parse with 2 threads (`--jobs 2`) against the one-thread parse;
 * - the CLI end to end (`packetwalk parse --jobs 1 --json FILE`, output to
 *   /dev/null), and with `--jobs 2`;
 * - peak RSS of a parse of a file of N lines and of one of 4N (about 100 MB
 *   and 400 MB by default) in fresh child processes: bounded memory means
 *   about equal. Once with Node's default heap sizing (RSS then mostly shows
 *   how far V8 lets garbage grow before collecting), once under a 64 MB
 *   old-space cap, where state that grew with the input would crash the 4N
 *   run, and the same for the parallel parse.
 *
 * Wall times follow the machine's load (printed); CPU seconds are steadier.
 * Env: PARSE_BENCH_LINES (default 1750000, about 400 MB) is 4N;
 * PARSE_BENCH_ROUNDS (default 2) timing rounds, best kept. Temp files are removed.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseFileParallel } from "../src/cli/parse-parallel.ts";
import { readChunks } from "../src/cli/parse-read-chunks.ts";
import { lineBatches } from "../src/core/parse/split-lines.ts";
import { TraceParser } from "../src/core/parse/trace-parser.ts";
import { generateLog } from "./generate-log.ts";

/** The goals of issue 17. */
const GOAL_LINES_PER_SECOND = 1_000_000;
const GOAL_JOBS2 = 1.7;

/** CPU seconds (all threads, GC included) since `from`: steadier than wall time on a busy machine. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/** The file's bytes as the CLI reads them. */
function chunks(file: string) {
  return readChunks(file);
}

/** Baseline: read, decode and split into lines, nothing else. */
async function splitOnly(file: string): Promise<{ lines: number; seconds: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let lines = 0;
  let chars = 0;
  for await (const batch of lineBatches(chunks(file))) {
    for (const l of batch) chars += l.length;
    lines += batch.length;
  }
  if (chars < 0) throw new Error("unreachable");
  return { lines, seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(cpu) };
}

/**
 * Baseline: the least a parser that groups lines into packets does on decoded lines: find
 * `SRC=`, `DST=` and `ID=`, slice them and the word after the stamp, and count the line into a
 * map entry keyed by the three (no envelope, no other field, no NAT, no flows, no event object).
 * What the full parse costs beyond this is what its fidelity costs; the goal is measured against it.
 */
async function minimalGrouping(file: string): Promise<{ lines: number; seconds: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let lines = 0;
  let grouped = 0;
  const open = new Map<string, { lines: number; hooks: string[] }>();
  for await (const batch of lineBatches(chunks(file))) {
    for (let i = 0; i < batch.length; i++) {
      const l = batch[i] as string;
      const s = l.indexOf(" SRC=");
      if (s < 0) continue;
      const se = l.indexOf(" ", s + 5);
      const d = l.indexOf(" DST=", se);
      const de = l.indexOf(" ", d + 5);
      const id = l.indexOf(" ID=", de);
      const ie = l.indexOf(" ", id + 4);
      const word = l.indexOf("] ") + 2;
      const hook = l.slice(word, l.indexOf(" ", word));
      const key = `${l.slice(s + 5, se)} ${l.slice(d + 5, de)} ${l.slice(id + 4, ie)}`;
      const p = open.get(key);
      if (p) {
        p.lines++;
        p.hooks.push(hook);
        grouped++;
      } else {
        open.set(key, { lines: 1, hooks: [hook] });
        // Bounded like the parser's open packets.
        if (open.size > 4096) open.clear();
      }
    }
    lines += batch.length;
  }
  if (grouped < 0) throw new Error("unreachable");
  return { lines, seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(cpu) };
}

/** An IPv4 address written in ASCII at `i` of `b`, as a number, and the index after it. */
function ipv4At(b: Buffer, at: number): { value: number; end: number } {
  let value = 0;
  let part = 0;
  let i = at;
  for (; ; i++) {
    const c = b[i] as number;
    if (c >= 48 && c <= 57) part = part * 10 + c - 48;
    else if (c === 46) {
      value = value * 256 + part;
      part = 0;
    } else break;
  }
  return { value: (value * 256 + part) >>> 0, end: i };
}

/**
 * Baseline: {@link minimalGrouping} on the file's bytes, without decoding a line into a string:
 * newlines and fields found with `Buffer.indexOf`, the addresses and the IP id read as numbers,
 * the map keyed by a number made of them. Whether skipping the decode alone would reach the goal.
 */
function minimalGroupingBytes(file: string): { lines: number; seconds: number; cpu: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const SRC = Buffer.from(" SRC=");
  const DST = Buffer.from(" DST=");
  const ID = Buffer.from(" ID=");
  const fd = openSync(file, "r");
  const buf = Buffer.alloc(1 << 20);
  const open = new Map<number, { lines: number; hooks: number[] }>();
  let carry = 0;
  let lines = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, carry, buf.length - carry, null);
      const end = carry + n;
      let from = 0;
      for (let nl = buf.indexOf(10, from); nl >= 0 && nl < end; nl = buf.indexOf(10, from)) {
        lines++;
        const s = buf.indexOf(SRC, from);
        if (s >= 0 && s < nl) {
          const src = ipv4At(buf, s + 5);
          const dst = ipv4At(buf, buf.indexOf(DST, src.end) + 5);
          let id = 0;
          for (
            let i = buf.indexOf(ID, dst.end) + 4;
            (buf[i] as number) >= 48 && (buf[i] as number) <= 57;
            i++
          )
            id = id * 10 + (buf[i] as number) - 48;
          // The two bytes after the stamp stand for the hook word.
          const hook = (buf[from + 16] as number) * 256 + (buf[from + 20] as number);
          const key = ((src.value * 31 + dst.value) * 65536 + id) % 9007199254740881;
          const p = open.get(key);
          if (p) {
            p.lines++;
            p.hooks.push(hook);
          } else {
            open.set(key, { lines: 1, hooks: [hook] });
            if (open.size > 4096) open.clear();
          }
        }
        from = nl + 1;
      }
      if (n === 0) break;
      buf.copy(buf, 0, from, end);
      carry = end - from;
    }
  } finally {
    closeSync(fd);
  }
  return { lines, seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(cpu) };
}

/**
 * The CLI's path without output: read, split, parse; packets are dropped as they close.
 * `fullParse`: the general line readers only (see `ParseOptions.fullParse`).
 */
async function parseFile(
  file: string,
  fullParse = false,
): Promise<{
  lines: number;
  packets: number;
  flows: number;
  diagnostics: number;
  seconds: number;
  cpu: number;
  peakRss: number;
  fastLines: { scanned: number; copied: number };
}> {
  let packets = 0;
  let flows = 0;
  let lines = 0;
  let peakRss = process.memoryUsage.rss();
  const parser = new TraceParser(
    (_p, f) => {
      packets++;
      if (f.isNew) flows++;
    },
    { fullParse },
  );
  const cpu = process.cpuUsage();
  const start = performance.now();
  for await (const batch of lineBatches(chunks(file))) {
    for (let i = 0; i < batch.length; i++) parser.line(batch[i] as string);
    lines += batch.length;
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  }
  parser.end();
  const seconds = (performance.now() - start) / 1000;
  return {
    lines,
    packets,
    flows,
    diagnostics: parser.diagnostics.length,
    seconds,
    cpu: cpuSeconds(cpu),
    peakRss,
    fastLines: parser.fastLines,
  };
}

/** The parallel parse of `file` on `jobs` threads, without output. */
async function parallelFile(file: string, jobs: number) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const r = await parseFileParallel({ path: file, mode: "none", jobs }, () => {});
  return { ...r, seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(cpu) };
}

/** Runs a tool on `file` and reads the number it prints first; wall seconds. */
function tool(command: string, args: string[]): { count: number; seconds: number } {
  const start = performance.now();
  const r = spawnSync(command, args, { encoding: "utf8" });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr || r.status}`);
  return { count: Number.parseInt(r.stdout.trim(), 10), seconds };
}

/** Preloaded into a CLI child: writes the process's CPU time (all threads) to fd 3 when it exits. */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  'import { writeSync } from "node:fs"; process.on("exit", () => writeSync(3, JSON.stringify(process.cpuUsage())));',
)}`;

/** `packetwalk parse ARGS FILE` in a fresh process, output to /dev/null: wall and CPU seconds. */
function cli(args: string[], file: string): { seconds: number; cpu: number } {
  const bin = new URL("../bin/packetwalk.mjs", import.meta.url).pathname;
  const out = openSync("/dev/null", "w");
  try {
    const start = performance.now();
    const r = spawnSync(process.execPath, ["--import", REPORT_CPU, bin, "parse", ...args, file], {
      stdio: ["ignore", out, "pipe", "pipe"],
      encoding: "utf8",
    });
    const seconds = (performance.now() - start) / 1000;
    if (r.status !== 0)
      throw new Error(`packetwalk parse ${args.join(" ")} failed: ${String(r.stderr).slice(-500)}`);
    const cpu = JSON.parse(String(r.output[3])) as NodeJS.CpuUsage;
    return { seconds, cpu: (cpu.user + cpu.system) / 1e6 };
  } finally {
    closeSync(out);
  }
}

/**
 * V8 limits for the capped children: a parser whose state grew with the input
 * would die of "heap out of memory" on the 4N file under them.
 */
const CAP = ["--max-old-space-size=64", "--max-semi-space-size=4"];

/** Parses (or only splits) `file` in a fresh Node process (with `flags`); its peak RSS (maxRSS) in bytes. */
function childPeakRss(
  file: string,
  mode: "parse" | "split" | "parallel",
  flags: string[] = [],
): { rss: number; packets: number } {
  const r = spawnSync(process.execPath, [...flags, import.meta.filename, "--child", mode, file], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`child ${mode} ${flags.join(" ")} failed: ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout) as { rss: number; packets: number };
}

/**
 * What two cores give this workload at best: wall seconds of `n` one-thread
 * parses of `file`, each in its own process, all started at once (shared
 * caches and memory bandwidth make two parses at once slower than one alone).
 */
async function parsesAtOnce(file: string, n: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, [import.meta.filename, "--child", "parse", file], {
            stdio: ["ignore", "ignore", "inherit"],
          });
          child.on("error", reject);
          child.on("exit", (code) =>
            code === 0 ? resolve() : reject(new Error(`child parse exited ${code}`)),
          );
        }),
    ),
  );
  return (performance.now() - start) / 1000;
}

function check(got: { lines: number; packets: number; flows: number }, want: typeof got, what: string): void {
  for (const k of ["lines", "packets", "flows"] as const)
    if (got[k] !== want[k]) throw new Error(`${what}: expected ${want[k]} ${k}, got ${got[k]}`);
}

/** `figure` against `goal` (higher is better): "met" or how far off. */
function against(figure: number, goal: number): string {
  return figure >= goal ? "met" : `not met (${(figure / goal).toFixed(2)} of the goal)`;
}

/** Best of `rounds` runs of `f` by the number `key` picks (smallest). */
async function best<T>(rounds: number, f: () => Promise<T> | T, key: (t: T) => number): Promise<T> {
  let kept: T | undefined;
  for (let i = 0; i < rounds; i++) {
    const t = await f();
    if (kept === undefined || key(t) < key(kept)) kept = t;
  }
  return kept as T;
}

/** Runs the benchmark (see the module comment). */
export async function run(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), "pw-parse-bench-"));
  try {
    const big = Number(process.env.PARSE_BENCH_LINES ?? 1_750_000);
    const rounds = Math.max(1, Number(process.env.PARSE_BENCH_ROUNDS ?? 2));
    const smallFile = join(dir, "n.log");
    const bigFile = join(dir, "4n.log");
    const small = generateLog(smallFile, Math.round(big / 4));
    const want = generateLog(bigFile, big);
    const bytes = statSync(bigFile).size;
    const smallBytes = statSync(smallFile).size;
    const load = loadavg()[0] ?? 0;

    const split = await best(
      rounds,
      () => splitOnly(bigFile),
      (r) => r.cpu,
    );
    if (split.lines !== want.lines) throw new Error(`split ${split.lines} lines, wrote ${want.lines}`);
    const minimal = await best(
      rounds,
      () => minimalGrouping(bigFile),
      (r) => r.cpu,
    );
    const minimalBytes = await best(
      rounds,
      () => minimalGroupingBytes(bigFile),
      (r) => r.cpu,
    );
    if (minimalBytes.lines !== want.lines) throw new Error(`byte baseline read ${minimalBytes.lines} lines`);
    const wc = await best(
      rounds,
      () => tool("wc", ["-l", bigFile]),
      (r) => r.seconds,
    );
    const grep = await best(
      rounds,
      () => tool("grep", ["-c", "PROTO=", bigFile]),
      (r) => r.seconds,
    );
    const parses: Awaited<ReturnType<typeof parseFile>>[] = [];
    for (let i = 0; i < rounds; i++) parses.push(await parseFile(bigFile));
    for (const p of parses) check(p, want, "parse");
    const parsed = parses.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const parsedCpu = parses.reduce((a, b) => (b.cpu < a.cpu ? b : a));
    const full = await best(
      rounds,
      () => parseFile(bigFile, true),
      (r) => r.cpu,
    );
    check(full, want, "full parse");
    // After the single-threaded rounds, so that their in-process RSS is their own.
    const par = await best(
      rounds,
      () => parallelFile(bigFile, 2),
      (r) => r.seconds,
    );
    check(par, want, "parallel parse");
    const alone = await best(
      rounds,
      () => parsesAtOnce(bigFile, 1),
      (s) => s,
    );
    const pair = await best(
      rounds,
      () => parsesAtOnce(bigFile, 2),
      (s) => s,
    );
    const cli1 = await best(
      rounds,
      () => cli(["--jobs", "1", "--json"], bigFile),
      (r) => r.seconds,
    );
    const cli2 = await best(
      rounds,
      () => cli(["--jobs", "2", "--json"], bigFile),
      (r) => r.seconds,
    );

    const rssN = childPeakRss(smallFile, "parse");
    const rss4N = childPeakRss(bigFile, "parse");
    const capN = childPeakRss(smallFile, "parse", CAP);
    const cap4N = childPeakRss(bigFile, "parse", CAP);
    const rssSplit = childPeakRss(bigFile, "split");
    const parN = childPeakRss(smallFile, "parallel");
    const par4N = childPeakRss(bigFile, "parallel");
    for (const [r, w] of [
      [rssN, small],
      [rss4N, want],
      [capN, small],
      [cap4N, want],
      [parN, small],
      [par4N, want],
    ] as const)
      if (r.packets !== w.packets)
        throw new Error(`a child parse found ${r.packets} packets, not ${w.packets}`);
    const mb = (n: number) => Math.round(n / 1e6);
    const lps = (s: number) => Math.round(want.lines / s);
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const logLines = parsed.fastLines.scanned + parsed.fastLines.copied;
    const jobs2 = parsed.seconds / par.seconds;
    const cliJobs2 = cli1.seconds / cli2.seconds;
    return {
      "node.version": process.version,
      "machine.loadAverage": `${load.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (${availableParallelism()} CPUs): wall times vary with it, CPU seconds less`,
      "file.lines": want.lines,
      "file.MB": mb(bytes),
      "file.packets": parsed.packets,
      "file.flows": parsed.flows,
      "file.diagnostics": parsed.diagnostics,
      rounds,
      "baseline.wc-l.linesPerSecond": lps(wc.seconds),
      "baseline.grep-c.linesPerSecond": lps(grep.seconds),
      "baseline.split.linesPerSecond": lps(split.seconds),
      "baseline.split.linesPerCpuSecond": lps(split.cpu),
      "baseline.minimalGrouping.linesPerCpuSecond": `${lps(minimal.cpu)} (split, then SRC/DST/ID sliced and counted into a map: the floor of any grouping on decoded lines)`,
      "baseline.minimalGroupingBytes.linesPerCpuSecond": `${lps(minimalBytes.cpu)} (the same on the bytes, nothing decoded: numbers read in place, a numeric key)`,
      "parse.goal": `>= ${GOAL_LINES_PER_SECOND.toLocaleString("en-US")} LOG lines/s on one thread`,
      "parse.linesPerSecond": lps(parsed.seconds),
      "parse.linesPerSecond.vsGoal": against(lps(parsed.seconds), GOAL_LINES_PER_SECOND),
      "parse.linesPerCpuSecond": lps(parsedCpu.cpu),
      "parse.linesPerCpuSecond.vsGoal": against(lps(parsedCpu.cpu), GOAL_LINES_PER_SECOND),
      "parse.MBPerSecond": Number((bytes / 1e6 / parsed.seconds).toFixed(1)),
      "parse.vsWc": `${x(parsed.seconds, wc.seconds)} the time of wc -l`,
      "parse.vsGrep": `${x(parsed.seconds, grep.seconds)} the time of grep -c PROTO=`,
      "parse.vsSplit": `${x(parsedCpu.cpu, split.cpu)} the CPU time of reading+splitting only`,
      "parse.vsMinimalGrouping": `${x(parsedCpu.cpu, minimal.cpu)} the CPU time of the minimal grouping (the goal is ${x(lps(minimal.cpu), GOAL_LINES_PER_SECOND)} of its time)`,
      "parse.fastPath": `${Math.round((logLines / want.lines) * 100)}% of lines on the LOG fast path: ${parsed.fastLines.scanned.toLocaleString("en-US")} read, ${parsed.fastLines.copied.toLocaleString("en-US")} copied from a recent line with the same fields`,
      "parse.fullParse.linesPerCpuSecond": lps(full.cpu),
      "parse.fastVsFull": `${x(full.cpu, parsedCpu.cpu)} the lines per CPU second of the general readers alone`,
      "parse.inProcessPeakRssMB": mb(parsed.peakRss),
      "jobs2.goal": `--jobs 2 >= ${GOAL_JOBS2}x --jobs 1 on 2 cores`,
      "jobs2.linesPerSecond": lps(par.seconds),
      "jobs2.vsJobs1": `${jobs2.toFixed(2)}x (${against(jobs2, GOAL_JOBS2)})`,
      "jobs2.ceiling": `${x((2 * alone) / pair, 1)}: two one-thread parses at once, in two processes, do the work of this many alone (what 2 cores give this parse at best; the goal asks ${GOAL_JOBS2}x)`,
      "jobs2.cpuSeconds": Number(par.cpu.toFixed(2)),
      "jobs2.segments": par.segments,
      "jobs2.retries": par.retries,
      "jobs2.linesReadPerLine": Number((par.linesRead / par.lines).toFixed(3)),
      "cli.jobs1.json.linesPerSecond": lps(cli1.seconds),
      "cli.jobs1.json.linesPerCpuSecond": lps(cli1.cpu),
      "cli.jobs2.json.linesPerSecond": lps(cli2.seconds),
      "cli.jobs2.json.cpuSeconds": Number(cli2.cpu.toFixed(2)),
      "cli.jobs2.vsJobs1": `${cliJobs2.toFixed(2)}x (${against(cliJobs2, GOAL_JOBS2)})`,
      // Steadier than wall times on a busy machine: 2 cores can at best divide the total CPU time by 2.
      "cli.jobs2.cpuVsJobs1": `${x(cli2.cpu, cli1.cpu)} the CPU time of --jobs 1: on 2 cores at best ${x((2 * cli1.cpu) / cli2.cpu, 1)} faster (the goal asks ${GOAL_JOBS2}x, so at most ${x(2 / GOAL_JOBS2, 1)} the CPU time)`,
      "memory.goal": "peak RSS independent of the file size (4N/N about 1)",
      "memory.N": `${small.lines.toLocaleString("en-US")} lines, ${mb(smallBytes)} MB`,
      "memory.4N": `${want.lines.toLocaleString("en-US")} lines, ${mb(bytes)} MB`,
      "memory.N.peakRssMB": mb(rssN.rss),
      "memory.4N.peakRssMB": mb(rss4N.rss),
      "memory.4N/N": Number((rss4N.rss / rssN.rss).toFixed(2)),
      "memory.capped.flags": CAP.join(" "),
      "memory.capped.N.peakRssMB": mb(capN.rss),
      "memory.capped.4N.peakRssMB": mb(cap4N.rss),
      "memory.capped.4N/N": Number((cap4N.rss / capN.rss).toFixed(2)),
      "memory.splitOnly.4N.peakRssMB": mb(rssSplit.rss),
      "memory.jobs2.N.peakRssMB": mb(parN.rss),
      "memory.jobs2.4N.peakRssMB": mb(par4N.rss),
      "memory.jobs2.4N/N": Number((par4N.rss / parN.rss).toFixed(2)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv[2] === "--child") {
    const [mode, file] = process.argv.slice(3) as ["parse" | "split" | "parallel", string];
    let packets = 0;
    if (mode === "parse") packets = (await parseFile(file)).packets;
    else if (mode === "parallel") packets = (await parallelFile(file, 2)).packets;
    else await splitOnly(file);
    process.stdout.write(JSON.stringify({ rss: process.resourceUsage().maxRSS * 1024, packets }));
  } else console.log(await run());
}
