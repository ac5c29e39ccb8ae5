/**
 * A trace page's raw kernel log, for a log saved with CRLF line ends (a copy of a real recorded
 * trace): the reader sees the same lines as for the LF original, with no `\r`, and the same count.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { rawLog } from "../../../src/site/raw-log.ts";

const root = join(import.meta.dirname, "../../..");
const lf = readFileSync(join(root, "traces/docker-bridge/container-to-wan.log"), "utf8");
const crlf = lf.replaceAll("\n", "\r\n");

describe("rawLog", () => {
  it("shows a CRLF log as its LF original: every line, no carriage return, the same count", () => {
    expect(crlf).toContain("\r\n");
    const shown = rawLog(crlf, 2000);
    expect(shown.shown).not.toContain("\r");
    expect(shown.shown).toBe(lf);
    expect(shown).toEqual(rawLog(lf, 2000));
    expect(shown.count).toBe(lf.split("\n").filter(Boolean).length);
    expect(shown.cut).toBe(false);
  });

  it("lists each line the figure quotes exactly as the parser read it", () => {
    const lines = rawLog(crlf, 2000).shown.split("\n");
    const events = parseTraceText(crlf, { file: "container-to-wan.log" }).packets.flatMap((p) => p.events);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(lines).toContain(e.raw);
  });

  it("cuts a long CRLF log at the limit without a carriage return on any line", () => {
    const shown = rawLog(crlf, 3);
    expect(shown.cut).toBe(true);
    expect(shown.shown).toBe(`${lf.split("\n").slice(0, 3).join("\n")}\n`);
    // A blank CRLF line is no line of the log: it is neither counted nor listed.
    expect(rawLog(`a\r\n\r\nb\r\n`, 2000)).toEqual({ count: 2, shown: "a\n\nb\n", cut: false });
  });
});
