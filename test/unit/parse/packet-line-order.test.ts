/**
 * The parallel parse tells every segment how the file orders xtables-monitor
 * `PACKET:` lines, as the sequential parser decides it from the file's first
 * packet line. It only starts a parser on the head of the file when a line
 * there may be a packet line (`mayBePacketLine`): that look must never miss a
 * line the parser reads as packet data, whatever wraps it (journal JSON,
 * colour codes, an envelope), or the segments could decide otherwise.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mayBePacketLine, packetLineOrder } from "../../../src/cli/parse-parallel.ts";
import { parseLine } from "../../../src/core/parse/parse-line.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const root = join(import.meta.dirname, "../../..");
const fixtureDir = join(root, "test/fixtures/parse");
/** Every line of every parse fixture. */
const fixtureLines = readdirSync(fixtureDir).flatMap((name) =>
  readFileSync(join(fixtureDir, name, "input.log"), "utf8").split("\n"),
);
const dir = tempDir("pw-packet-order-");

/** Whether the parser reads `line` as the packet data of a trace. */
function isPacketData(line: string): boolean {
  return parseLine(line.endsWith("\r") ? line.slice(0, -1) : line).result.kind === "packet-data";
}

/** What the sequential parser decides after reading the first 10000 `lines`. */
function decided(lines: string[]) {
  const parser = new TraceParser(() => {});
  for (const l of lines.slice(0, 10_000)) {
    parser.line(l);
    if (parser.packetLines) break;
  }
  return parser.packetLines;
}

let files = 0;
/** `lines` written to a new file, and the order {@link packetLineOrder} finds in it. */
async function orderOf(lines: string[]) {
  const path = join(dir(), `${files++}.log`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return packetLineOrder(path);
}

describe("the look for packet lines before the parallel parse", () => {
  it("misses no packet line of the fixtures, and finds the packet lines there are", () => {
    const packetLines = fixtureLines.filter(isPacketData);
    // The fixtures hold xtables-monitor and nft monitor packet lines, in several envelopes.
    expect(packetLines.length).toBeGreaterThan(20);
    for (const l of packetLines) expect(mayBePacketLine(l), l).toBe(true);
    // Plain kernel LOG lines, unwrapped, are never taken for packet lines (the look spares their parse).
    const log = fixtureLines.filter((l) => l.includes(" IN=") && /^[!-z]/.test(l) && !l.includes("\x1b"));
    expect(log.length).toBeGreaterThan(100);
    for (const l of log) expect(mayBePacketLine(l), l).toBe(isPacketData(l) || /packet: /i.test(l));
  });

  it("misses no packet line hidden in a journal JSON record or behind colour codes", () => {
    // Packet lines of the fixtures (some already in an envelope), two bare ones, and lines of every other kind.
    const fragment = fc.oneof(
      fc.constantFrom(
        ...fixtureLines.filter(isPacketData),
        "PACKET: 2 fc475095 IN=eth0 OUT= MACSRC=52:54:00:12:34:01 SRC=198.51.100.1 DST=203.0.113.2 LEN=84 TOS=0x0 TTL=64 ID=1 DF ",
        'trace id 9c01f8a1 ip filter FORWARD packet: iif "veth1" ip saddr 203.0.113.5 ip daddr 198.51.100.9 ',
      ),
      fc.constantFrom(...fixtureLines.filter((l) => l.length > 0 && !isPacketData(l))),
    );
    const wrap = fc.constantFrom(
      (s: string) => s,
      (s: string) => `\x1b[1m${s}\x1b[0m`,
      (s: string) => s.replace("PACKET", "PACK\x1b[0mET").replace("packet", "pack\x1b[0met"),
      (s: string) => JSON.stringify({ MESSAGE: s, SYSLOG_IDENTIFIER: "xtables-monitor" }),
      (s: string) => JSON.stringify({ MESSAGE: [...Buffer.from(s)], SYSLOG_IDENTIFIER: "kernel" }),
      (s: string) => JSON.stringify({ MESSAGE: s }).replace(/: /g, "\\u003a "),
      (s: string) => `Nov 26 05:58:48 host xtables-monitor[812]: ${s}`,
      (s: string) => `\0\0${s}\r`,
    );
    let hidden = 0;
    fc.assert(
      fc.property(fragment, wrap, (s, w) => {
        const line = w(s);
        if (!isPacketData(line)) return;
        if (!line.includes("PACKET: ") && !line.includes("packet: ")) hidden++;
        expect(mayBePacketLine(line), line).toBe(true);
      }),
      { numRuns: 3000 },
    );
    // Packet lines whose text does not show `PACKET: ` or `packet: ` as such were among them.
    expect(hidden).toBeGreaterThan(10);
  });

  it("decides as the sequential parser does, when the first packet line comes late or never", async () => {
    const xt = readFileSync(join(fixtureDir, "xtables-monitor-packet-after/input.log"), "utf8")
      .trimEnd()
      .split("\n");
    const nft = readFileSync(join(fixtureDir, "nft-monitor/input.log"), "utf8").trimEnd().split("\n");
    const log = fixtureLines.filter((l) => l.includes(" IN=") && !/packet/i.test(l));
    const filler = (n: number) => Array.from({ length: n }, (_, i) => log[i % log.length] as string);
    for (const lines of [
      xt,
      nft,
      [...filler(5000), ...xt],
      [...filler(9990), ...xt],
      [...filler(10_000), ...xt],
      [...filler(12_000)],
      [...filler(3), ...nft, ...xt],
    ]) {
      const want = decided(lines);
      expect(await orderOf(lines)).toBe(want);
    }
    // The cases above do reach both answers and none.
    expect(decided(xt)).toBe("after");
    expect(decided([...filler(10_000), ...xt])).toBeUndefined();
  });
});
