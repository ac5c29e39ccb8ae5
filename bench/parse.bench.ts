/**
 * Parser throughput: generates a large kernel LOG file (real line shapes from
 * the container-to-WAN and published-port captures, addresses and IDs varied so
 * every packet is distinct), streams it through the parser the way the CLI
 * does, and runs `grep -c PROTO=` over the same file in the same run as the
 * baseline. Reports lines/s, the ratio to grep and peak RSS; removes the file.
 */
import { spawnSync } from "node:child_process";
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { TraceParser } from "../src/core/parse/trace-parser.ts";

/** One ICMP request through a MASQUERADE path and its de-NATed reply: 14 lines per exchange. */
function exchange(i: number, t: number): string {
  const c = `172.17.${(i >> 8) & 255}.${i & 255}`;
  const id = i & 65535;
  const rid = (i * 7) & 65535;
  const ts = `[${t.toFixed(6).padStart(12, " ")}]`;
  const req = (p: string, io: string, ttl: number) =>
    `${ts} pwbn/iptable/${p}${io} MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=${c} DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} DF PROTO=ICMP TYPE=8 CODE=0 ID=${id} SEQ=1 \n`;
  const rep = (p: string, io: string, dst: string, ttl: number) =>
    `${ts} pwbn/iptable/${p}${io} MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=${dst} LEN=84 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${rid} PROTO=ICMP TYPE=0 CODE=0 ID=${id} SEQ=1 \n`;
  const ebt = (p: string, io: string, src: string, dst: string) =>
    `${ts} pwbn/ebtable/${p} ${io} MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=${src} IP DST=${dst}, IP tos=0x00, IP proto=1\n`;
  return (
    ebt("nat-PREROUTE", "IN=veth-c1 OUT=", c, "198.51.100.10") +
    req("raw-PREROUTE", "IN=docker0 OUT= PHYSIN=veth-c1", 64) +
    req("mangle-PREROUTE", "IN=docker0 OUT= PHYSIN=veth-c1", 64) +
    req("nat-PREROUTE", "IN=docker0 OUT= PHYSIN=veth-c1", 64) +
    ebt("filter-INPUT", "IN=veth-c1 OUT=", c, "198.51.100.10") +
    req("mangle-FORWARD", "IN=docker0 OUT=eth0 PHYSIN=veth-c1", 63) +
    req("filter-FORWARD", "IN=docker0 OUT=eth0 PHYSIN=veth-c1", 63) +
    req("mangle-POSTROUTE", "IN=docker0 OUT=eth0 PHYSIN=veth-c1", 63) +
    rep("raw-PREROUTE", "IN=eth0 OUT=", "203.0.113.2", 64) +
    rep("mangle-PREROUTE", "IN=eth0 OUT=", "203.0.113.2", 64) +
    rep("mangle-FORWARD", "IN=eth0 OUT=docker0", c, 63) +
    rep("filter-FORWARD", "IN=eth0 OUT=docker0", c, 63) +
    rep("mangle-POSTROUTE", "IN=eth0 OUT=docker0", c, 63) +
    ebt("filter-OUTPUT", "IN= OUT=veth-c1", "198.51.100.10", c)
  );
}

function generate(file: string, lines: number): number {
  const fd = openSync(file, "w");
  let written = 0;
  let chunk = "";
  for (let i = 0; written < lines; i++) {
    chunk += exchange(i, 1000 + i * 0.001);
    written += 14;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = "";
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return written;
}

async function parseFile(
  file: string,
): Promise<{ lines: number; packets: number; flows: number; seconds: number }> {
  let packets = 0;
  let flows = 0;
  let lines = 0;
  const parser = new TraceParser((_p, f) => {
    packets++;
    if (f.isNew) flows++;
  });
  const start = performance.now();
  const rl = createInterface({
    input: createReadStream(file, { highWaterMark: 1 << 20 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of rl) {
    parser.line(line);
    lines++;
  }
  parser.end();
  return { lines, packets, flows, seconds: (performance.now() - start) / 1000 };
}

/** Runs the benchmark; LINES (env, default 3000000) sets the file size. */
export async function run(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), "pw-parse-bench-"));
  const file = join(dir, "big.log");
  try {
    const target = Number(process.env.PARSE_BENCH_LINES ?? 3_000_000);
    const lines = generate(file, target);
    const bytes = statSync(file).size;
    const g0 = performance.now();
    const grep = spawnSync("grep", ["-c", "PROTO=", file], { encoding: "utf8" });
    const grepSeconds = (performance.now() - g0) / 1000;
    const rssBefore = process.memoryUsage().rss;
    const r = await parseFile(file);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    if (r.lines !== lines) throw new Error(`read ${r.lines} lines, wrote ${lines}`);
    if (r.packets !== (lines / 14) * 2)
      throw new Error(`expected ${(lines / 14) * 2} packets, got ${r.packets}`);
    return {
      "parse.lines": lines,
      "parse.fileMB": Math.round(bytes / 1e6),
      "parse.packets": r.packets,
      "parse.flows": r.flows,
      "parse.seconds": Number(r.seconds.toFixed(2)),
      "parse.linesPerSecond": Math.round(r.lines / r.seconds),
      "parse.MBPerSecond": Number((bytes / 1e6 / r.seconds).toFixed(1)),
      "grep.count": Number(grep.stdout.trim()),
      "grep.seconds": Number(grepSeconds.toFixed(2)),
      "parse.vsGrep": `${(r.seconds / grepSeconds).toFixed(1)}x slower than grep -c PROTO=`,
      "parse.rssBeforeMB": Math.round(rssBefore / 1e6),
      "parse.peakRssMB": Math.round(peakRss / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(await run());
