/**
 * A line wrapped with a blank line between its pieces: the text of a vendor's PDF manual or of a web page
 * that puts each wrapped piece in a paragraph of its own (tester56 paste 04, a Westermo manual's
 * `FW-ALLOW:` line). The kernel never prints a blank line inside a line, so the pieces are joined across
 * single blank lines, with a warning that says so; before, the head was reported cut (`1:61 expected
 * SRC=`), the `MAC=` piece was skipped silently and the rest said to be another syslog message (0 packets).
 * Two blank lines, or a line that is not the held line's rest, still end it, and then every piece
 * that cannot be joined gets a positioned message.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ParseOptions, parseTraceText } from "../../../src/core/parse/index.ts";
import { project } from "./project.ts";

const MAP: ParseOptions = { prefixMap: { "FW-ALLOW:": "ip:filter:FORWARD" }, file: "paste.log" };
/** The manual's line as its PDF's text has it: four pieces, a blank line between each. */
const PIECES = [
  "Jan 15 14:44:49 example kernel: FW-ALLOW: IN=vlan1 OUT=vlan2",
  "MAC=00:07:7c:10:de:c1:00:80:c8:3c:25:b7:08:00:45:00:00:54:c9:84",
  "SRC=192.168.2.10 DST=192.168.3.100 LEN=84 TOS=0x00 PREC=0x00",
  "TTL=63 ID=51588 DF PROTO=ICMP TYPE=8 CODE=0 ID=10941 SEQ=1",
];
const BLANK_WRAPPED =
  "LOG line wrapped over several lines with a blank line between its pieces (by a PDF's or a web page's text), read joined at a space (1 line)";

/** What a parse says: its packets (summary at hooks), its problems in line order, the lines it skipped. */
function read(text: string, options: ParseOptions = MAP) {
  const r = parseTraceText(text, options);
  return {
    packets: r.packets.map((p) => `${p.summary} @ ${p.hooks.join(",")}`),
    problems: r.diagnostics
      .map((d) => [d.position.line, d.position.column, `${d.severity} ${d.message}`] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([l, c, m]) => `${l}:${c} ${m}`),
    skipped: r.skippedLines,
  };
}

describe("a LOG line wrapped with blank lines between its pieces", () => {
  it("is read joined, as the same pieces without the blank lines are (tester56 paste 04)", () => {
    const joined = read(PIECES.join("\n\n"));
    expect(joined).toEqual({
      packets: ["ICMP echo-request 192.168.2.10 -> 192.168.3.100 @ ip:filter:FORWARD"],
      problems: [`1:1 warning ${BLANK_WRAPPED}`],
      skipped: 0,
    });
    // Without the blank lines: the same packet, the usual wrap warning.
    expect(read(PIECES.join("\n")).packets).toEqual(joined.packets);
    // Blank lines of a CRLF file, or holding spaces (a PDF's text), are blank lines too.
    expect(read(PIECES.join("\r\n\r\n"))).toEqual(joined);
    expect(read(PIECES.join("\n  \n"))).toEqual(joined);
  });

  it("says a problem in a later piece at its line and column", () => {
    const pieces = [...PIECES];
    pieces[2] = "SRC=192.168.2.10 DST=192.168.3.x LEN=84 TOS=0x00 PREC=0x00";
    const r = read(pieces.join("\n\n"));
    expect(r.packets).toHaveLength(1);
    // Line 5 is the SRC= piece; its DST= value starts at column 22.
    expect(r.problems.map((p) => p.split(" ", 1)[0])).toEqual(["1:1", "5:22"]);
    expect(r.problems[1]).toContain("found '192.168.3.x'");
  });

  it("joins the pieces of a head, of nft monitor trace, xtables-monitor and ebtables lines across blank lines", () => {
    const root = join(import.meta.dirname, "../../fixtures/parse");
    for (const c of [
      "pasted-ufw-wrapped-after-prefix",
      "pasted-nft-trace-wrapped",
      "pasted-xtables-monitor-wrapped",
      "pasted-ebtables-trace-wrapped",
    ]) {
      const input = readFileSync(join(root, c, "input.log"), "utf8");
      const spaced = input.replace(/\n(?=.)/g, "\n\n");
      const before = project(parseTraceText(input));
      const after = project(parseTraceText(spaced));
      const shape = (p: typeof before) => p.packets.map(({ lines: _, ...rest }) => rest);
      expect(shape(after), c).toEqual(shape(before));
      expect(after.skippedLines, c).toBe(before.skippedLines);
      // The same warnings, each saying the blank lines were there.
      expect(after.diagnostics.length, c).toBe(before.diagnostics.length);
      expect(
        after.diagnostics.filter((d) => d.message.includes("with a blank line between its pieces")).length,
        c,
      ).toBe(before.diagnostics.filter((d) => d.message.includes("wrapped over several lines")).length);
    }
  });

  it("ends the held line at a blank line when the next line is not its rest", () => {
    // A LOG line cut short, a blank line, then a whole LOG line: the cut one is said, the next one read.
    const next = `${PIECES.join(" ")}`.replace("SEQ=1", "SEQ=2");
    const r = read(`${PIECES[0]}\n\n${next}\n`);
    expect(r.packets).toEqual(["ICMP echo-request 192.168.2.10 -> 192.168.3.100 @ ip:filter:FORWARD"]);
    expect(r.problems).toEqual(["1:61 error expected SRC= before the end of the line"]);
  });

  it("gives each piece it cannot join a positioned message (two blank lines between pieces)", () => {
    const r = read(`${PIECES[0]}\n\n\n${PIECES.slice(1).join("\n\n")}\n`);
    expect(r.packets).toEqual([]);
    expect(r.problems).toEqual([
      "1:61 error expected SRC= before the end of the line",
      "4:1 warning expected the start of a kernel LOG line, found the rest of one (from MAC=): it does not go on with the LOG line cut short at line 1, and this part was not read",
      "6:1 warning expected the start of a kernel LOG line, found the rest of one on a line of its own: the sender split the line in two syslog messages, and this part was not read (2 lines)",
    ]);
  });
});
