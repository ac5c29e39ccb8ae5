/**
 * Parser throughput and memory. Generates kernel LOG files with many distinct
 * flows (container->WAN pings and DNS with MASQUERADE, container<->container
 * pings, WAN->published-port TCP connections with DNAT; each packet seen at
 * 7-10 hooks with the seed's `iptable/<table>-<CHAIN>` prefixes, several flows
 * in flight at once), then, in one run:
 *
 * - streams the big file from disk through the parser the way the CLI does
 *   (`createReadStream` + `lineBatches`, packets dropped as they close);
 * - baselines in the same process: reading and splitting lines only, and
 *   `grep -c PROTO=` spawned on the same file;
 * - parses a file of N and one of 4N lines in fresh child processes and
 *   reports their peak RSS (bounded memory: they should be about equal), once
 *   with Node's default heap sizing (RSS then mostly reflects how far V8 lets
 *   garbage grow before collecting) and once under a 64 MB old-space cap, where
 *   state that grew with the input would crash the 4N run.
 *
 * Env: PARSE_BENCH_LINES (default 3000000) is 4N; PARSE_BENCH_ROUNDS (default 2)
 * timing rounds, best kept. Temp files are removed.
 */
import { spawnSync } from "node:child_process";
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { lineBatches } from "../src/core/parse/split-lines.ts";
import { TraceParser } from "../src/core/parse/trace-parser.ts";

/** Read size, as in the CLI: decoded chunks stay in V8's young generation, so RSS stays low. */
const CHUNK = 64 * 1024;
const TAG = "pwbn";
const HOST_WAN = "203.0.113.2";
const BRIDGE_MAC = "02:42:5e:1a:b0:01";
const WAN_MACS = "52:54:00:12:34:02:52:54:00:12:34:01:08:00";

/** Deterministic PRNG (mulberry32), so every run parses the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Container `k` of 1000 on docker0: address and MAC. */
function container(k: number): { ip: string; mac: string; veth: string } {
  const i = 2 + (k % 1000);
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return {
    ip: `172.17.${i >> 8}.${i & 255}`,
    mac: `02:42:ac:11:${hex(i >> 8)}:${hex(i & 255)}`,
    veth: `veth${i}`,
  };
}

/** The IP header and L4 part of one packet, as the LOG target prints them. */
interface Hdr {
  src: string;
  dst: string;
  len: number;
  id: number;
  df: boolean;
  /** Everything from `PROTO=` on. */
  l4: string;
  /** ebtables `--log-ip` tail after `IP proto=`. */
  ebt: string;
}

/** Writes the lines of one packet; `t` is the uptime clock. */
class Lines {
  out: string[] = [];
  t = 1000;
  private ts(): string {
    this.t += 0.000003 + (this.out.length % 7) * 0.000001;
    return `[${this.t.toFixed(6).padStart(12, " ")}]`;
  }
  log(hook: string, ifs: string, mac: string | undefined, h: Hdr, ttl: number): void {
    this.out.push(
      `${this.ts()} ${TAG}/iptable/${hook}${ifs} ${mac ? `MAC=${mac} ` : ""}SRC=${h.src} DST=${h.dst} LEN=${h.len} TOS=0x00 PREC=0x00 TTL=${ttl} ID=${h.id} ${h.df ? "DF " : ""}PROTO=${h.l4} `,
    );
  }
  /** Joins the last two lines into one entry, so they are written next to each other. */
  glue(): void {
    const last = this.out.pop() as string;
    this.out[this.out.length - 1] += `\n${last}`;
  }
  ebt(hook: string, ifs: string, macSrc: string, macDst: string, h: Hdr | undefined): void {
    this.out.push(
      `${this.ts()} ${TAG}/ebtable/${hook} ${ifs} MAC source = ${macSrc} MAC dest = ${macDst} proto = 0x0800${h ? ` IP SRC=${h.src} IP DST=${h.dst}, IP tos=0x00, IP proto=${h.ebt}` : ""}`,
    );
  }
}

/** A routed packet from container `c` out of eth0 (MASQUERADE to the host's WAN address after POSTROUTING). */
function outToWan(w: Lines, c: ReturnType<typeof container>, h: Hdr, first: boolean): void {
  const mac = `${BRIDGE_MAC}:${c.mac}:08:00`;
  const pre = `IN=docker0 OUT= PHYSIN=${c.veth}`;
  const fwd = `IN=docker0 OUT=eth0 PHYSIN=${c.veth}`;
  w.ebt("nat-PREROUTE", `IN=${c.veth} OUT=`, c.mac, BRIDGE_MAC, h);
  w.log("raw-PREROUTE", pre, mac, h, 64);
  w.log("mangle-PREROUTE", pre, mac, h, 64);
  if (first) w.log("nat-PREROUTE", pre, mac, h, 64);
  w.ebt("filter-INPUT", `IN=${c.veth} OUT=`, c.mac, BRIDGE_MAC, h);
  w.log("mangle-FORWARD", fwd, mac, h, 63);
  w.log("filter-FORWARD", fwd, mac, h, 63);
  w.log("mangle-POSTROUTE", fwd, mac, h, 63);
  if (first) w.log("nat-POSTROUTE", fwd, mac, h, 63);
}

/** A packet from the WAN to container `c`: `h` before and `d` after the (de-)NAT in PREROUTING. */
function inFromWan(w: Lines, c: ReturnType<typeof container>, h: Hdr, d: Hdr, first: boolean): void {
  w.log("raw-PREROUTE", "IN=eth0 OUT=", WAN_MACS, h, 64);
  w.log("mangle-PREROUTE", "IN=eth0 OUT=", WAN_MACS, h, 64);
  if (first) w.log("nat-PREROUTE", "IN=eth0 OUT=", WAN_MACS, h, 64);
  w.log("mangle-FORWARD", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  w.log("filter-FORWARD", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  w.log("mangle-POSTROUTE", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  if (first) w.log("nat-POSTROUTE", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  w.ebt("filter-OUTPUT", `IN= OUT=${c.veth}`, BRIDGE_MAC, c.mac, d);
  // Real captures show nat OUTPUT both with and without the --log-ip tail. Without it the
  // parser ties the line to a recent packet by MAC, so it follows filter OUTPUT directly.
  w.ebt("nat-OUTPUT", `IN= OUT=${c.veth}`, BRIDGE_MAC, c.mac, first ? d : undefined);
  if (!first) w.glue();
}

/** A bridged packet from container `a` to container `b` (bridge-nf-call-iptables=1). */
function bridged(w: Lines, a: ReturnType<typeof container>, b: ReturnType<typeof container>, h: Hdr): void {
  const mac = `${b.mac}:${a.mac}:08:00`;
  const pre = `IN=docker0 OUT= PHYSIN=${a.veth}`;
  const fwd = `IN=docker0 OUT=docker0 PHYSIN=${a.veth} PHYSOUT=${b.veth}`;
  w.ebt("nat-PREROUTE", `IN=${a.veth} OUT=`, a.mac, b.mac, h);
  w.log("raw-PREROUTE", pre, mac, h, 64);
  w.log("mangle-PREROUTE", pre, mac, h, 64);
  w.ebt("filter-FORWARD", `IN=${a.veth} OUT=${b.veth}`, a.mac, b.mac, h);
  w.log("mangle-FORWARD", fwd, mac, h, 64);
  w.log("filter-FORWARD", fwd, mac, h, 64);
  w.ebt("nat-POSTROUTE", `IN= OUT=${b.veth}`, a.mac, b.mac, h);
  w.log("mangle-POSTROUTE", `IN= OUT=docker0 PHYSIN=${a.veth} PHYSOUT=${b.veth}`, undefined, h, 64);
}

const icmp = (src: string, dst: string, id: number, type: number, echoId: number): Hdr => ({
  src,
  dst,
  len: 84,
  id,
  df: type === 8,
  l4: `ICMP TYPE=${type} CODE=0 ID=${echoId} SEQ=1`,
  ebt: "1",
});
const tcp = (
  src: string,
  sp: number,
  dst: string,
  dp: number,
  id: number,
  len: number,
  flags: string,
): Hdr => ({
  src,
  dst,
  len,
  id,
  df: true,
  l4: `TCP SPT=${sp} DPT=${dp} WINDOW=64240 RES=0x00 ${flags} URGP=0`,
  ebt: `6 SPT=${sp} DPT=${dp}`,
});
const udp = (src: string, sp: number, dst: string, dp: number, id: number, len: number): Hdr => ({
  src,
  dst,
  len,
  id,
  df: false,
  l4: `UDP SPT=${sp} DPT=${dp} LEN=${len - 20}`,
  ebt: `17 SPT=${sp} DPT=${dp}`,
});

/**
 * Flow `k` as a list of packets (each a function writing its lines). Addresses
 * and ports are chosen so no tuple repeats within millions of flows and the
 * flows in flight at one time share no address pair.
 */
function flow(k: number, r: () => number): ((w: Lines) => void)[] {
  const c = container(k);
  // ebtables lines carry no ICMP id: a container/server pair recurs only after 250000 flows.
  const server = `198.51.100.${1 + ((k + Math.floor(k / 1000)) % 250)}`;
  const id = () => Math.floor(r() * 65536);
  const kind = r();
  if (kind < 0.3) {
    const echo = k & 0xffff;
    const q = id();
    const a = id();
    return [
      (w) => outToWan(w, c, icmp(c.ip, server, q, 8, echo), true),
      (w) => inFromWan(w, c, icmp(server, HOST_WAN, a, 0, echo), icmp(server, c.ip, a, 0, echo), false),
    ];
  }
  if (kind < 0.45) {
    const sp = 1024 + (k % 64000);
    const q = id();
    const a = id();
    return [
      (w) => outToWan(w, c, udp(c.ip, sp, server, 53, q, 60), true),
      (w) => inFromWan(w, c, udp(server, 53, HOST_WAN, sp, a, 120), udp(server, 53, c.ip, sp, a, 120), false),
    ];
  }
  if (kind < 0.65) {
    const b = container(k + 333 + Math.floor(k / 1000));
    const echo = k & 0xffff;
    const q = id();
    const a = id();
    return [
      (w) => bridged(w, c, b, icmp(c.ip, b.ip, q, 8, echo)),
      (w) => bridged(w, b, c, icmp(b.ip, c.ip, a, 0, echo)),
    ];
  }
  // A client on the internet: handshake, request, response, close, through the published port 8080.
  const client = `198.51.100.${1 + (k % 250)}`;
  const sp = 1024 + (Math.floor(k / 250) % 64000);
  const packets: ((w: Lines) => void)[] = [];
  const steps: [boolean, string, number][] = [
    [true, "SYN", 60],
    [false, "ACK SYN", 60],
    [true, "ACK", 52],
    [true, "ACK PSH", 130],
    [false, "ACK PSH", 400],
    [true, "ACK FIN", 52],
    [false, "ACK FIN", 52],
    [true, "ACK", 52],
  ];
  steps.forEach(([fromClient, flags, len], i) => {
    const n = id();
    if (fromClient) {
      const h = tcp(client, sp, HOST_WAN, 8080, n, len, flags);
      packets.push((w) => inFromWan(w, c, h, tcp(client, sp, c.ip, 80, n, len, flags), i === 0));
    } else packets.push((w) => outToWan(w, c, tcp(c.ip, 80, client, sp, n, len, flags), false));
  });
  return packets;
}

/**
 * Writes at least `lines` lines to `file`: `slots` flows in flight, their
 * lines interleaved a few at a time. Returns what a correct parse must find.
 */
export function generateLog(
  file: string,
  lines: number,
  slots = 4,
): { lines: number; packets: number; flows: number } {
  const r = prng(0x5eed);
  const fd = openSync(file, "w");
  const w = new Lines();
  let written = 0;
  let packets = 0;
  let flows = 0;
  let nextFlow = 0;
  const active: { packets: ((w: Lines) => void)[]; buffered: string[] }[] = [];
  const start = () => {
    flows++;
    return { packets: flow(nextFlow++, r), buffered: [] as string[] };
  };
  for (let i = 0; i < slots; i++) active.push(start());
  let chunk = "";
  while (active.length) {
    const s = Math.floor(r() * active.length);
    const a = active[s] as (typeof active)[number];
    if (!a.buffered.length) {
      const next = a.packets.shift();
      if (!next) {
        if (written < lines) active[s] = start();
        else active.splice(s, 1);
        continue;
      }
      w.out = [];
      next(w);
      a.buffered = w.out;
      packets++;
    }
    for (let n = 1 + Math.floor(r() * 3); n > 0 && a.buffered.length; n--) {
      const entry = a.buffered.shift() as string;
      chunk += `${entry}\n`;
      written += entry.includes("\n") ? 2 : 1;
    }
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = "";
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return { lines: written, packets, flows };
}

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
  mode: "parse" | "split",
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
    };
    let grepCount = 0;
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
      };
      if (!parsed || p.peakRss > parsed.peakRss) parsed = { ...p, seconds: best.parse };
    }
    if (!parsed) throw new Error("no round ran");
    const rssN = childPeakRss(smallFile, "parse");
    const rss4N = childPeakRss(bigFile, "parse");
    const capN = childPeakRss(smallFile, "parse", CAP);
    const cap4N = childPeakRss(bigFile, "parse", CAP);
    const rssSplit = childPeakRss(bigFile, "split");
    for (const [r, w] of [
      [rssN, small],
      [rss4N, want],
      [capN, small],
      [cap4N, want],
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
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv[2] === "--child") {
    const [mode, file] = process.argv.slice(3) as ["parse" | "split", string];
    let packets = 0;
    if (mode === "parse") packets = (await parseFile(file)).packets;
    else await splitOnly(file);
    process.stdout.write(JSON.stringify({ rss: process.resourceUsage().maxRSS * 1024, packets }));
  } else console.log(await run());
}
