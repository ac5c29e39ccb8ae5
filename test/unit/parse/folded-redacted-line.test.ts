/**
 * A LOG line with a redacted address (`DST=x.x.x.x`), folded at a fixed width by `fold -w 60` or
 * `fold -w 80` (which break inside words): its pieces are joined again, the fold said once, the
 * redaction once. Before, only a piece that ended at a space was joined: the fold's check read each
 * joined text, and a redacted one never "read" (its error is the redaction's), so a piece cut inside a
 * word (`SRC=17` + `2.17.0.1 DST=x.x.x.x ...`, `DST=x.x.` + `x.x LEN=84 ...`) was refused as a line
 * of its own ("expected an IPv4 or IPv6 address after SRC=, found '17'", "expected SRC= before the end
 * of the line"). The pieces are as coreutils' `fold -w N` printed them for these lines (checked: the
 * slices below equal its output for ASCII lines without tabs); the lines are a real capture's
 * (kernel 6.18, fixture real-host-to-container), the address replaced by hand as forum posters do.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const REAL = readFileSync(
  join(import.meta.dirname, "../../fixtures/parse/real-host-to-container/input.log"),
  "utf8",
)
  .split("\n")
  .filter((l) => l.includes("/iptable/"))
  .slice(0, 4);

/** `lines` folded as `fold -w width` does: every `width` characters, inside a word too. */
const fold = (lines: string[], width: number) =>
  lines.flatMap((l) => l.match(new RegExp(`.{1,${width}}`, "g")) ?? [""]).join("\n");

const folded = (width: number, lines: number) =>
  `warning 1:1 LOG line folded at ${width} characters (by fold -w ${width} or a terminal's copy, inside a word too), read joined (${lines} lines)`;

/** A parse's packets' hooks and its problems. */
function read(text: string) {
  const r = parseTraceText(text, { file: "paste.log" });
  return {
    hooks: r.packets.map((p) => p.hooks),
    problems: r.diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`),
    skipped: r.skippedLines,
  };
}

describe("a redacted LOG line folded inside a word", () => {
  it.each([60, 80])("joins the pieces of fold -w %i and says the redaction once", (width) => {
    const hidden = REAL.map((l) => l.replaceAll("172.17.0.2", "x.x.x.x"));
    const text = fold(hidden, width);
    // Some piece ends inside a word (not at a space): the case that was not joined.
    expect(
      text.split("\n").some((l) => l.length === width && !l.endsWith(" ") && !text.includes(`${l}\n `)),
    ).toBe(true);
    const first = hidden[0] as string;
    const at = first.indexOf("DST=x.x.x.x") + 5;
    const line = Math.ceil(at / width);
    expect(read(text)).toEqual({
      hooks: [],
      problems: [
        `error ${line}:${at - (line - 1) * width} expected an address after DST=, found 'x.x.x.x': the address was redacted before the log was shared, so the line was not read (4 lines)`,
        folded(width, 4),
      ],
      skipped: 0,
    });
    // The address put back: the same pieces read as the packet at its four hooks.
    expect(read(fold(REAL, width))).toEqual({
      hooks: [read(REAL.join("\n")).hooks[0]],
      problems: [folded(width, 4)],
      skipped: 0,
    });
  });

  it("does not join a whole redacted line to the next line", () => {
    const hidden = REAL.map((l) => l.replaceAll("172.17.0.2", "x.x.x.x"));
    expect(read(`${hidden[0]}\nhello world, this line is no piece of the one before it`)).toEqual({
      hooks: [],
      problems: [
        `error 1:${(hidden[0] as string).indexOf("DST=x.x.x.x") + 5} expected an address after DST=, found 'x.x.x.x': the address was redacted before the log was shared, so the line was not read (1 line)`,
      ],
      skipped: 1,
    });
  });
});
