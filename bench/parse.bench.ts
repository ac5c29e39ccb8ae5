/**
 * Parser throughput and memory. Generates kernel LOG files with many distinct
 * flows (container->WAN pings and DNS with MASQUERADE, container<->container
 * pings, WAN->published-port TCP connections with DNAT; each packet seen at
 * 7-10 hooks with the seed's `iptable/<table>-<CHAIN>` prefixes, several flows
 * in flight at once), then, in one run:
 *
 * - streams the big file from disk through the parser the way the CLI does
 *   (`createReadStream` + `lineBatches`, packets dropped as they close);
 * - parses it again the way `packetwalk parse --jobs N` does with one big file
 *   (worker threads, one per CPU; flows paired on the main thread), and
 *   reports its speed against the single-threaded parse of the same run;
 * - baselines in the same process: reading and splitting lines only, and
 *   `grep -c PROTO=` spawned on the same file;
 * - parses a file of N and one of 4N lines in fresh child processes and
 *   reports their peak RSS (bounded memory: they should be about equal), once
 *   with Node's default heap sizing (RSS then mostly reflects how far V8 lets
 *   garbage grow before collecting) and once under a 64 MB old-space cap, where
 *   state that grew with the input would crash the 4N run; and the same for the
 *   parallel parse (its workers' heaps are capped by the parse itself).
 *
 * Env: PARSE_BENCH_LINES (default 3000000) is 4N; PARSE_BENCH_ROUNDS (default 2)
 * timing rounds, best kept. Temp files are removed.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseFileParallel } from "../src/cli/parse-parallel.ts";
import { lineBatches } from "../src/core/parse/split-lines.ts";
import { TraceParser } from "../src/core/parse/trace-parser.ts";
import { generateLog } from "./generate-log.ts";

/** Read size, as in the CLI: decoded chunks stay in V8's young generation, so RSS stays low. */
const CHUNK = 64 * 1024;

/** CPU seconds (all threads, GC included) since `from`: steadier than wall time on a busy machine. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

function chunks(file: string) {
  return createReadStream(file, { highWaterMark: CHUNK });
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

/** The CLI's path without output: stream, split, parse; packets are dropped as they close. */
async function parseFile(file: string): Promise<{
  lines: number;
  packets: number;
  flows: number;
  diagnostics: number;
  seconds: number;
  cpu: number;
  peakRss: number;
}> {
  let packets = 0;
  let flows = 0;
  let lines = 0;
  let peakRss = process.memoryUsage.rss();
  const parser = new TraceParser((_p, f) => {
    packets++;
    if (f.isNew) flows++;
  });
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
  };
}

/** The parallel parse of `file` on `jobs` threads, without output. */
async function parallelFile(file: string, jobs: number) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const r = await parseFileParallel({ path: file, mode: "none", jobs }, () => {});
  return { ...r, seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(cpu) };
}

function grep(file: string): { count: number; seconds: number } {
  const start = performance.now();
  const r = spawnSync("grep", ["-c", "PROTO=", file], { encoding: "utf8" });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`grep failed: ${r.stderr || r.status}`);
  return { count: Number(r.stdout.trim()), seconds };
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

function check(got: { lines: number; packets: number; flows: number }, want: typeof got, what: string): void {
  for (const k of ["lines", "packets", "flows"] as const)
    if (got[k] !== want[k]) throw new Error(`${what}: expected ${want[k]} ${k}, got ${got[k]}`);
}

/** Runs the benchmark (see the module comment). */
export async function run(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), "pw-parse-bench-"));
  try {
    const big = Number(process.env.PARSE_BENCH_LINES ?? 3_000_000);
    const rounds = Math.max(1, Number(process.env.PARSE_BENCH_ROUNDS ?? 2));
    const smallFile = join(dir, "n.log");
    const bigFile = join(dir, "4n.log");
    const small = generateLog(smallFile, Math.round(big / 4));
    const want = generateLog(bigFile, big);
    const bytes = statSync(bigFile).size;

    const load = loadavg()[0] ?? 0;
    let best = {
      split: Number.POSITIVE_INFINITY,
      grep: Number.POSITIVE_INFINITY,
      parse: Number.POSITIVE_INFINITY,
      splitCpu: Number.POSITIVE_INFINITY,
      parseCpu: Number.POSITIVE_INFINITY,
      parallel: Number.POSITIVE_INFINITY,
      parallelCpu: Number.POSITIVE_INFINITY,
    };
    const jobs = availableParallelism();
    let grepCount = 0;
    let par: Awaited<ReturnType<typeof parallelFile>> | undefined;
    let parsed: Awaited<ReturnType<typeof parseFile>> | undefined;
    for (let i = 0; i < rounds; i++) {
      const s = await splitOnly(bigFile);
      if (s.lines !== want.lines) throw new Error(`split ${s.lines} lines, wrote ${want.lines}`);
      const g = grep(bigFile);
      grepCount = g.count;
      const p = await parseFile(bigFile);
      check(p, want, "parse");
      best = {
        split: Math.min(best.split, s.seconds),
        grep: Math.min(best.grep, g.seconds),
        parse: Math.min(best.parse, p.seconds),
        splitCpu: Math.min(best.splitCpu, s.cpu),
        parseCpu: Math.min(best.parseCpu, p.cpu),
        parallel: best.parallel,
        parallelCpu: best.parallelCpu,
      };
      if (!parsed || p.peakRss > parsed.peakRss) parsed = { ...p, seconds: best.parse };
    }
    // After the single-threaded rounds, so that their in-process RSS is their own.
    for (let i = 0; i < rounds; i++) {
      par = await parallelFile(bigFile, jobs);
      check(par, want, "parallel parse");
      best.parallel = Math.min(best.parallel, par.seconds);
      best.parallelCpu = Math.min(best.parallelCpu, par.cpu);
    }
    if (!parsed || !par) throw new Error("no round ran");
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
    return {
      "node.version": process.version,
      "machine.loadAverage": `${load.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (${availableParallelism()} CPUs): wall times vary with it`,
      "parse.lines": want.lines,
      "parse.fileMB": mb(bytes),
      "parse.packets": parsed.packets,
      "parse.flows": parsed.flows,
      "parse.diagnostics": parsed.diagnostics,
      rounds,
      "split.seconds": Number(best.split.toFixed(2)),
      "split.linesPerSecond": lps(best.split),
      "grep.count": grepCount,
      "grep.seconds": Number(best.grep.toFixed(2)),
      "grep.linesPerSecond": lps(best.grep),
      "parse.seconds": Number(best.parse.toFixed(2)),
      "parse.linesPerSecond": lps(best.parse),
      "parse.MBPerSecond": Number((bytes / 1e6 / best.parse).toFixed(1)),
      "parse.cpuSeconds": Number(best.parseCpu.toFixed(2)),
      "parse.linesPerCpuSecond": lps(best.parseCpu),
      "split.linesPerCpuSecond": lps(best.splitCpu),
      "parse.vsGrep": `${(best.parse / best.grep).toFixed(1)}x slower than grep -c PROTO=`,
      "parse.vsSplit": `${(best.parse / best.split).toFixed(1)}x the time of reading+splitting only (${Math.round((best.split / best.parse) * 100)}% of parse time)`,
      "parse.inProcessPeakRssMB": mb(parsed.peakRss),
      "parallel.jobs": jobs,
      "parallel.seconds": Number(best.parallel.toFixed(2)),
      "parallel.linesPerSecond": lps(best.parallel),
      "parallel.cpuSeconds": Number(best.parallelCpu.toFixed(2)),
      "parallel.vsSingleThread": `${(best.parse / best.parallel).toFixed(2)}x the lines per second of one thread`,
      "parallel.segments": par.segments,
      "parallel.retries": par.retries,
      "parallel.linesReadPerLine": Number((par.linesRead / par.lines).toFixed(3)),
      "parallel.vsGrep": `${(best.parallel / best.grep).toFixed(1)}x slower than grep -c PROTO=`,
      "memory.N.lines": small.lines,
      "memory.N.peakRssMB": mb(rssN.rss),
      "memory.4N.lines": want.lines,
      "memory.4N.peakRssMB": mb(rss4N.rss),
      "memory.4N/N": Number((rss4N.rss / rssN.rss).toFixed(2)),
      "memory.capped.flags": CAP.join(" "),
      "memory.capped.N.peakRssMB": mb(capN.rss),
      "memory.capped.4N.peakRssMB": mb(cap4N.rss),
      "memory.capped.4N/N": Number((cap4N.rss / capN.rss).toFixed(2)),
      "memory.splitOnly.4N.peakRssMB": mb(rssSplit.rss),
      "memory.parallel.N.peakRssMB": mb(parN.rss),
      "memory.parallel.4N.peakRssMB": mb(par4N.rss),
      "memory.parallel.4N/N": Number((par4N.rss / parN.rss).toFixed(2)),
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
    else if (mode === "parallel") packets = (await parallelFile(file, availableParallelism())).packets;
    else await splitOnly(file);
    process.stdout.write(JSON.stringify({ rss: process.resourceUsage().maxRSS * 1024, packets }));
  } else console.log(await run());
}
