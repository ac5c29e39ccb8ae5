/**
 * The fast path for common LOG lines (`scan-log-line.ts`, with the memo of
 * recent field texts, `log-field-memo.ts`) must give exactly what the general
 * readers give (`fullParse`): the same `--json` and text output, the same
 * events field for field, the same problems. Checked on every committed trace
 * under traces/, on the parse fixtures, on generated logs, and line by line on
 * damaged variants of real lines, where the fast path has to give up at the
 * right moment.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateLog } from "../../../bench/generate-log.ts";
import { formatPacket } from "../../../src/cli/packet-output.ts";
import { detectEnvelope } from "../../../src/core/parse/detect-envelope.ts";
import { LogFieldMemo } from "../../../src/core/parse/log-field-memo.ts";
import { parseBody } from "../../../src/core/parse/parse-line.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const root = join(import.meta.dirname, "../../..");

/** Every `*.log` under `dir`, recursively. */
function logsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return logsUnder(path);
    return name.endsWith(".log") ? [path] : [];
  });
}

const traces = logsUnder(join(root, "traces"));
const fixtures = logsUnder(join(root, "test/fixtures/parse"));

/** What `packetwalk parse` prints for `text` in both modes, the events in full, and the problems. */
function parse(text: string, fullParse: boolean) {
  let json = "";
  let human = "";
  const events: string[] = [];
  const parser = new TraceParser(
    (p) => {
      json += formatPacket(p, "json");
      human += formatPacket(p, "human");
      // Key order included: the JSON of an event is what a consumer of the library sees.
      for (const e of p.events) events.push(JSON.stringify(e));
    },
    { file: "input.log", fullParse },
  );
  for (const line of text.split("\n")) parser.line(line);
  parser.end();
  return {
    json,
    human,
    events,
    diagnostics: parser.diagnostics,
    skipped: parser.skippedLines,
    counted: parser.events,
    fast: parser.fastLines,
  };
}

/** Asserts the fast and the full parse of `text` agree; returns how many lines took the fast path. */
function agree(text: string): number {
  const fast = parse(text, false);
  const full = parse(text, true);
  expect(fast.json).toBe(full.json);
  expect(fast.human).toBe(full.human);
  expect(fast.events).toEqual(full.events);
  expect(fast.diagnostics).toEqual(full.diagnostics);
  expect([fast.skipped, fast.counted]).toEqual([full.skipped, full.counted]);
  expect(full.fast).toEqual({ scanned: 0, copied: 0 });
  return fast.fast.scanned + fast.fast.copied;
}

describe("fast path = full parse", () => {
  it("finds the committed traces and fixtures", () => {
    expect(traces.length).toBeGreaterThanOrEqual(30);
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of [...traces, ...fixtures]) {
    it(`${relative(root, file)}: same output, events and problems`, () => {
      agree(readFileSync(file, "utf8"));
    });
  }

  it("takes the fast path on most LOG lines of the committed traces (the comparison is not vacuous)", () => {
    let fastLines = 0;
    for (const file of traces) fastLines += agree(readFileSync(file, "utf8"));
    expect(fastLines).toBeGreaterThan(400);
  }, 60_000);

  const dir = tempDir("pw-fast-path-");

  for (const [lines, slots] of [
    [20_000, 4],
    [8_000, 32],
  ] as const) {
    it(`a generated log of ${lines} lines, ${slots} flows in flight: same output, copies and scans both used`, () => {
      const file = join(dir(), `g${lines}-${slots}.log`);
      const want = generateLog(file, lines, slots);
      const text = readFileSync(file, "utf8");
      const fast = parse(text, false);
      // With many flows in flight some share addresses and are grouped otherwise than written; the count is the generator's with few.
      if (slots === 4) expect(fast.json.split("\n").length - 1).toBe(want.packets);
      expect(fast.fast.scanned).toBeGreaterThan(lines / 10);
      expect(fast.fast.copied).toBeGreaterThan(lines / 10);
      agree(text);
    }, 120_000);
  }
});

/** Real LOG lines (their messages) from the committed traces, to damage below. */
function sampleLines(): string[] {
  const out = new Set<string>();
  for (const file of traces)
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const body = line.slice(detectEnvelope(line).bodyStart);
      if (body.includes("PROTO=") && !body.includes("MAC source")) out.add(body);
    }
  return [...out];
}

/** The result of one line by the general readers, by the fast path, and by it again through a memo. */
function lineResults(line: string): string[] {
  const memo = new LogFieldMemo();
  return [
    JSON.stringify(parseBody(line, 0, false)),
    JSON.stringify(parseBody(line, 0, true)),
    JSON.stringify(parseBody(line, 0, memo)),
    // The second time the memo may answer: a copy must equal a fresh read.
    JSON.stringify(parseBody(line, 0, memo)),
  ];
}

describe("fast path on damaged lines", () => {
  const lines = sampleLines();
  const edits = [
    "",
    " ",
    "0",
    "9",
    "x",
    "0x",
    "0xZZ",
    ":",
    "DF ",
    "SYN ",
    "AE ",
    "A ",
    "AEX ",
    "ACKS ",
    "CWR ECE ",
    "URG PSH RST FIN ",
    "MF ",
    "CE ",
    "ACK=1 ",
    "URGP=0 ",
    "MARK=0x1 ",
    "UID=0 GID=0 ",
    "OPT (0204) ",
    "[SRC=1.2.3.4 DST=5.6.7.8 ] ",
    "TYPE=3 ",
    "SPT=",
    "LEN=",
    "\uFFFD",
    "ICMP ",
    "UDP ",
    "TCP ",
    "PROTO=",
    "MAC= ",
    "PHYSIN=veth0 ",
    "IN=averyveryverylongname ",
    "SRC=2001:db8::1 ",
    // A MAC in upper case or hidden (`xx`): the general reader warns of the edit.
    "AB",
    "xx",
    // A wrapped terminal's run of spaces (inside a value, between fields) and the 2.4 bridge order's PHYSIN= before OUT=.
    "     ",
    " PHYSIN=eth9",
    "OPT (02 04) ",
  ];

  it("has real lines to damage", () => {
    expect(lines.length).toBeGreaterThan(50);
  });

  it("gives the general readers' result (event, error or warning) for any edit of a real line", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...lines),
        fc.array(
          fc.record({
            at: fc.nat(),
            cut: fc.integer({ min: 0, max: 12 }),
            insert: fc.constantFrom(...edits),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        (line, changes) => {
          let text = line;
          for (const c of changes) {
            const at = c.at % (text.length + 1);
            text = text.slice(0, at) + c.insert + text.slice(at + c.cut);
          }
          const [full, ...fast] = lineResults(text);
          for (const f of fast) expect(f).toBe(full);
        },
      ),
      { numRuns: 3000 },
    );
  }, 60_000);

  it("reads every set of TCP flag words in the kernel's order as the general readers do", () => {
    const words = ["AE", "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"];
    const tcp = lines.find((l) => / RES=0x00 [A-Z ]*URGP=/.test(l)) as string;
    expect(tcp).toBeDefined();
    for (let set = 0; set < 1 << words.length; set++) {
      const flags = words.filter((_, k) => set & (1 << k)).map((w) => `${w} `);
      const [full, ...fast] = lineResults(
        tcp.replace(/ RES=0x00 [A-Z ]*URGP=/, ` RES=0x00 ${flags.join("")}URGP=`),
      );
      for (const f of fast) expect(f).toBe(full);
    }
  });

  it("reads the 2.4 bridge order (PHYSIN= before OUT=) of every real line as the general readers do", () => {
    let scanned = 0;
    let scannedNow = 0;
    for (const line of lines) {
      const old = line.replace(/(IN=\S*) (OUT=\S*) /, "$1 PHYSIN=eth9 $2 PHYSOUT=eth8 ");
      const [full, ...fast] = lineResults(old);
      for (const f of fast) expect(f).toBe(full);
      const [inOld, inNow] = [new LogFieldMemo(), new LogFieldMemo()];
      parseBody(old, 0, inOld);
      parseBody(line.replace(/(IN=\S*) (OUT=\S*) /, "$1 $2 PHYSIN=eth9 PHYSOUT=eth8 "), 0, inNow);
      scanned += inOld.scans;
      scannedNow += inNow.scans;
    }
    // Not vacuous, and no slower: the fast path takes a line in the old order wherever it takes it in today's.
    expect(scanned).toBeGreaterThan(300);
    expect(scanned).toBe(scannedNow);
  });

  it("agrees on every real line as it is, and on each cut short at every length", () => {
    for (const line of lines.slice(0, 40))
      for (let n = line.length; n > line.length - 120 && n > 0; n--) {
        const [full, ...fast] = lineResults(line.slice(0, n));
        for (const f of fast) expect(f).toBe(full);
      }
  });
});
