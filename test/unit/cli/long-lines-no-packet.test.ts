/**
 * An input whose every line is over --max-line-bytes: the closing message says the lines were too
 * long (with the limit's hint), as the summary counts them skipped, not that netfilter lines did not read.
 */
import { describe, expect, it } from "vitest";
import { noPacketsMessage } from "../../../src/cli/parse-command.ts";
import { LONG_LINE_HINT } from "../../../src/core/parse/parse-hints.ts";
import { longLineMark } from "../../../src/core/parse/split-lines.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";

// 66-big.log's first line (csf), 224 bytes with its newline, read with --max-line-bytes 100.
const LINE =
  "Apr 14 12:03:44 kronos kernel: Firewall: *UDP_IN Blocked* IN=eth0 OUT= MAC=f2:3c:91:73:95:75:84:78:ac:5a:0b:41:08:00 SRC=72.14.188.5 DST=69.164.201.85 LEN=160 TOS=0x00 PREC=0x00 TTL=63 ID=1 PROTO=UDP SPT=53 DPT=64614 LEN=140";

describe("lines over --max-line-bytes and the closing message", () => {
  it("says the lines were skipped as too long, with the --max-line-bytes hint", () => {
    const parser = new TraceParser(() => {}, { file: "big.log" });
    // What the CLI's line reader hands the parser for a line over the limit.
    for (let i = 0; i < 3; i++) parser.line(longLineMark(LINE.length + 1, 100));
    parser.end();
    const d = parser.diagnostics;
    expect(d.map((x) => [x.severity, x.hint])).toEqual(Array(3).fill(["error", LONG_LINE_HINT]));
    const said = noPacketsMessage(
      ["big.log"],
      parser.events,
      parser.skippedLines,
      d.length,
      0,
      d.filter((x) => x.hint === LONG_LINE_HINT).length,
    );
    expect(said).toBe(
      `packetwalk parse: no packet: all 3 lines over the length limit were skipped unread (the errors above say how long)\nhint: ${LONG_LINE_HINT}\n`,
    );
    expect(said).not.toContain("<filtered>");
  });
});
