/** Coloured logs: terminal escape sequences change nothing read, and positions stay in the saved line. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLine, parseTraceText, unwrapLine } from "../../../src/core/parse/index.ts";
import { lineIndex, stripEscapes } from "../../../src/core/parse/strip-escapes.ts";
import { project } from "./project.ts";

const FIELDS =
  "IN=eth0 OUT=eth1 SRC=198.51.100.2 DST=203.0.113.5 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ";

describe("stripEscapes", () => {
  it.each([
    ["CSI colours", "\x1b[32m[  1.5] \x1b[0mtext", "[  1.5] text"],
    ["256-colour and bold", "\x1b[0;38;5;245m\x1b[0;1;31mab\x1b[0m", "ab"],
    ["erase line", "ab\x1b[Kcd\x1b[2K", "abcd"],
    ["OSC 8 hyperlink ended by BEL", "\x1b]8;;file:///x\x07name\x1b]8;;\x07", "name"],
    ["OSC ended by ST", "\x1b]0;title\x1b\\rest", "rest"],
    ["charset (nF)", "\x1b(Bab", "ab"],
    ["two-byte escape", "a\x1b=b\x1bMc", "abc"],
    ["CSI cut by the line's end", "ab\x1b[0;3", "ab"],
    ["lone ESC at the end", "ab\x1b", "ab"],
    ["an unended OSC stops at a newline (a whole text)", "a\x1b]8;;x\nb\x1b[0m", "a\nb"],
  ])("%s", (_, line, text) => {
    const s = stripEscapes(line);
    expect(s.text).toBe(text);
    for (let i = 0; i < text.length; i++) expect(line[lineIndex(s.map, i)]).toBe(text[i]);
    expect(lineIndex(s.map, text.length)).toBe(line.length);
    // One run for each stretch between sequences, not one entry for each character.
    expect(s.map.length).toBeLessThanOrEqual(2 * (line.split("\x1b").length + 1));
  });
});

describe("coloured lines", () => {
  it("reads the stamp and the prefix around colour codes (the issue's example)", () => {
    const line = `\x1b[32m[  100.123456] \x1b[0m\x1b[33mpw/filter-FORWARD \x1b[0m${FIELDS}`;
    const r = parseTraceText(line);
    expect(r.diagnostics).toEqual([]);
    const ev = r.packets[0]?.events[0];
    expect(ev?.hook).toBe("ip:filter:FORWARD");
    expect(ev?.time).toBe(100.123456);
    expect(ev?.envelope).toBe("dmesg");
    expect(ev?.prefix).toBe("pw/filter-FORWARD ");
    // The column of the message in the saved line: after `ESC[0m ESC[33m`.
    expect(line.slice((ev?.position.column ?? 0) - 1).startsWith("pw/filter-FORWARD")).toBe(true);
  });

  it("points an error inside the fields at its column in the saved line", () => {
    const line = `\x1b[32m[  100.123456] \x1b[0m\x1b[1miptable/filter-INPUT IN=eth0 OUT= SRC=198.51.100.2 DST=203.0.113.5 LEN=84 TOS=0x00 PREC=0x00 TTL=6z3 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 \x1b[0m`;
    const plain = parseLine(stripEscapes(line).text).result;
    const r = parseLine(line).result;
    expect(r.kind).toBe("error");
    expect(plain.kind).toBe("error");
    if (r.kind !== "error" || plain.kind !== "error") return;
    expect(r.message).toBe(plain.message);
    expect(r.column).toBe(plain.column + 13);
    expect(line.slice(r.column - 1).startsWith("6z3 ")).toBe(true);
  });

  it("reads a journal line with SYSTEMD_COLORS codes and its host", () => {
    const line = `2026-12-01T02:52:03.958230+0000 gw kernel: \x1b[0;1;39m\x1b[0;1;31m\x1b[0;1;39miptable/filter-INPUT ${FIELDS}\x1b[0m`;
    const u = unwrapLine(line);
    expect(u.envelope.kind).toBe("journal-iso");
    expect(u.text.slice(u.envelope.hostAt).startsWith("gw kernel:")).toBe(true);
    const r = parseTraceText(line);
    expect(r.packets[0]?.hooks).toEqual(["ip:filter:INPUT"]);
  });

  // Every fixture, coloured as dmesg and journalctl colour it: the same packets and problems, each
  // problem's column moved by exactly the codes put before it. Not one whose lines a page or fold broke
  // into pieces (`-wrapped`, `-folded`): dmesg colours each line it prints, not each piece of one.
  const root = join(import.meta.dirname, "../../fixtures/parse");
  const START = "\x1b[32m";
  const MIDDLE = "\x1b[0m\x1b[1m";
  const END = "\x1b[0m\x1b[K";
  const inPieces = (c: string) => /-(?:wrapped|folded)(?:-|$)/.test(c);
  for (const c of readdirSync(root).filter(
    (d) => !d.startsWith("journal-") && !d.includes("color") && !inPieces(d),
  )) {
    it(`${c}: parses the same coloured`, () => {
      const input = readFileSync(join(root, c, "input.log"), "utf8");
      const lines = input.split("\n");
      const cuts: number[] = [];
      const coloured = lines.map((raw) => {
        const l = raw.replace(/\r$/, "");
        const { text, envelope, map } = unwrapLine(l);
        // A line read out of JSON, or a blank one, stays as it is.
        if (map || text.trim() === "" || text.charCodeAt(0) === 0) {
          cuts.push(-1);
          return raw;
        }
        cuts.push(envelope.bodyStart);
        const b = envelope.bodyStart;
        return `${START}${l.slice(0, b)}${MIDDLE}${l.slice(b)}${END}`;
      });
      const plain = project(parseTraceText(input));
      const got = project(parseTraceText(coloured.join("\n")));
      expect(got.packets).toEqual(plain.packets);
      expect(got.skippedLines).toBe(plain.skippedLines);
      const moved = plain.diagnostics.map((d) => {
        const b = cuts[d.line - 1] ?? -1;
        const len = (lines[d.line - 1] ?? "").replace(/\r$/, "").length;
        if (b < 0) return d;
        const shift =
          START.length + (d.column - 1 >= b ? MIDDLE.length : 0) + (d.column - 1 >= len ? END.length : 0);
        return { ...d, column: d.column + shift };
      });
      expect(got.diagnostics).toEqual(moved);
    });
  }
});
