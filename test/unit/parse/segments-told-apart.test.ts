/**
 * Which lines are one packet when IP ID 0 (or IPv6) leaves only the fields no hook rewrites to tell two
 * packets apart, and which rewrites a hook does make (test/fixtures/grouping/segments-told-apart: its
 * README says where each line comes from). Kept out of test/fixtures/parse, whose inputs the parallel
 * parse's random mixes draw from (see "Noticed" in session 44's note).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const DIR = join(import.meta.dirname, "../../fixtures/grouping/segments-told-apart");

describe("packets told apart by the fields no hook rewrites", () => {
  it("keeps each line with its own packet, and one packet's rewritten lines together", () => {
    const parsed = parseTraceText(readFileSync(join(DIR, "input.log"), "utf8"), { file: "input.log" });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.packets.map((p) => p.events.map((e) => e.position.line))).toEqual([
      // TCP ACKs that differ only in WINDOW=, each at mangle then filter FORWARD.
      [1, 4],
      [2, 3],
      // Segments that differ only in their timestamp option.
      [5, 8],
      [6, 7],
      // Three ping sessions, each logged once at filter INPUT: three packets, not one logged again.
      [9],
      [10],
      [11],
      // ESP packets of two SPIs.
      [12, 14],
      [13, 15],
      // A masqueraded ping's reply whose echo id nat PREROUTING gives back: one packet.
      [16, 17],
      // A SYN whose options TCPOPTSTRIP overwrites with NOPs: one packet.
      [18, 19],
    ]);
  });
});
