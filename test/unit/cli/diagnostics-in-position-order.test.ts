/**
 * The CLI prints a log's problems in line and column order: a line's warnings are found in the order
 * its readers run (the fields, then the prefix), so openSUSE's dmesg -T line printed 1:219 before 1:28.
 */
import { describe, expect, it } from "vitest";
import { inPositionOrder } from "../../../src/cli/parse-command.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { unlistedNote } from "../../../src/core/parse/trace-parser.ts";

// 15-opensuse-nft-dmesgT.log's line, its MAC hidden as a forum post hides it.
const LINE =
  "[Thu Mar 11 20:05:08 2021] [nftables] input reject IN=enp1s0 OUT= MAC=mac_address SRC=172.16.16.11 DST=172.16.16.30 LEN=74 TOS=0x00 PREC=0x00 TTL=64 ID=54957 DF PROTO=UDP SPT=58099 DPT=53 LEN=54";

describe("the order the CLI prints problems in", () => {
  it("puts a line's problems in column order, the files in the order met, the unlisted note last", () => {
    const a = parseTraceText(LINE, { file: "a.log" }).diagnostics;
    // As found: the MAC= warning (column 71) before the prefix's (column 28).
    expect(a.map((d) => d.position.column)).toEqual([71, 28]);
    const b = parseTraceText(`x\n${LINE}`, { file: "b.log" }).diagnostics;
    const note = unlistedNote(5, { file: "a.log", line: 1, column: 1 });
    const order = inPositionOrder([...a, ...b, note]).map(
      (d) => `${d.position.file}:${d.position.line}:${d.position.column}`,
    );
    expect(order).toEqual(["a.log:1:28", "a.log:1:71", "b.log:2:28", "b.log:2:71", "a.log:1:1"]);
  });
});
