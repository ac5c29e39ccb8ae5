/**
 * Fixture cases in test/fixtures/parse/<case>/: input.log parsed and compared
 * with expected.json (rewrite it only with UPDATE=1). Every case is also
 * re-wrapped in every envelope, with CRLF line ends, and must parse the same;
 * a case whose input a page or fold broke into pieces (`-wrapped`, `-folded` in
 * its name) only with CRLF line ends: an envelope given to each piece would make
 * it a line of its own.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVELOPES, formatEnvelope, parseTraceText, unwrapLine } from "../../../src/core/parse/index.ts";
import { project } from "./project.ts";

const root = join(import.meta.dirname, "../../fixtures/parse");
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, "input.log")));
/** A case whose input lines were wrapped or folded into pieces (see the module comment). */
const inPieces = (c: string) => /-(?:wrapped|folded)(?:-|$)/.test(c);

/** Strips each line's envelope and wraps the message in `kind` (uptime increasing like a real log). */
function rewrap(text: string, kind: (typeof ENVELOPES)[number], eol = "\n"): string {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((raw, i) => {
      const { text, envelope } = unwrapLine(raw.replace(/\r$/, ""));
      return formatEnvelope(kind, text.slice(envelope.bodyStart), {
        uptime: 100 + i / 1000,
        epoch: 1_795_000_000 + i / 1000,
      });
    })
    .join(eol);
}

/** The projection without what depends on the envelope (line numbers shift when skipped lines are dropped). */
function shape(text: string) {
  const p = project(parseTraceText(text));
  return { flows: p.flows, packets: p.packets.map(({ lines: _, ...rest }) => rest) };
}

describe("parse fixtures", () => {
  it("has the real captures and the synthetic cases", () => {
    expect(cases.filter((c) => c.startsWith("real-")).length).toBeGreaterThanOrEqual(6);
    for (const c of cases) expect(existsSync(join(root, c, "README.md")), `${c}/README.md`).toBe(true);
  });

  for (const c of cases) {
    describe(c, () => {
      const input = readFileSync(join(root, c, "input.log"), "utf8");
      const expectedFile = join(root, c, "expected.json");

      it("matches expected.json", () => {
        const actual = project(parseTraceText(input, { file: "input.log" }));
        if (process.env.UPDATE === "1" || !existsSync(expectedFile)) {
          if (process.env.UPDATE !== "1")
            throw new Error(`${expectedFile} is missing: run with UPDATE=1 and review it`);
          writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
        }
        expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));
        expect(actual.packets.length).toBeGreaterThan(0);
      });

      const reference = shape(input);
      if (inPieces(c)) {
        it("parses the same with CRLF line ends", () => {
          expect(shape(input.replace(/\n/g, "\r\n"))).toEqual(reference);
        });
        // The lines as the tool wrote them, before the page or fold broke them: the same packets.
        const whole = join(root, c, "whole.log");
        if (existsSync(whole))
          it("reads the packets its lines read whole", () => {
            expect(reference).toEqual(shape(readFileSync(whole, "utf8")));
          });
        return;
      }
      for (const kind of ENVELOPES) {
        it(`parses the same in the ${kind} envelope`, () => {
          const wrapped = rewrap(input, kind);
          expect(shape(wrapped)).toEqual(reference);
          const r = parseTraceText(wrapped);
          for (const p of r.packets) for (const e of p.events) expect(e.envelope).toBe(kind);
        });
      }
      it("parses the same with CRLF line ends", () => {
        expect(shape(rewrap(input, "dmesg", "\r\n"))).toEqual(reference);
      });
    });
  }
});
