/**
 * A lab read with the locales it must be translated into: a missing `i18n/<locale>.json`, a trace
 * the file leaves out or a text of a trace it has are errors saying what to write, positioned in the
 * file; the committed labs pass.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";

const TRACES = join(import.meta.dirname, "../../../traces");
const LOCALES = ["zh-tw"];
let dir = "";

/** A copy of the committed two-networks lab (one recorded trace, b1-to-a1). */
function copyLab(): string {
  dir = mkdtempSync(join(tmpdir(), "pw-translation-coverage-"));
  const lab = join(dir, "two-networks");
  cpSync(join(TRACES, "two-networks"), lab, { recursive: true });
  return lab;
}

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

describe("readTraceFolder with locales", () => {
  it("accepts every committed lab", () => {
    for (const lab of readdirSync(TRACES).filter((n) => statSync(join(TRACES, n)).isDirectory()))
      expect(readTraceFolder(join(TRACES, lab), { locales: LOCALES }).errors, lab).toEqual([]);
  });

  it("says a missing translations file is missing, with what to write", () => {
    const lab = copyLab();
    rmSync(join(lab, "i18n"), { recursive: true });
    expect(readTraceFolder(lab).errors).toEqual([]);
    expect(readTraceFolder(lab, { locales: LOCALES }).errors).toEqual([
      `${lab}/i18n/zh-tw.json: missing; every lab has its texts in zh-tw too, or zh-tw readers see them in English: write { "version": 1, "description": "…", "traces": { "b1-to-a1": { "title": "…", "description": "…" } } } with the zh-tw of lab.json's description and of each <scenario>.json's texts (if you cannot write zh-tw, say so in the pull request and a maintainer will add it)`,
    ]);
  });

  it("says a trace the file leaves out at its traces, and a missing text at its trace", () => {
    const lab = copyLab();
    const file = join(lab, "i18n/zh-tw.json");
    writeFileSync(file, `{\n  "version": 1,\n  "description": "兩個網路",\n  "traces": {}\n}\n`);
    const [missingTrace] = readTraceFolder(lab, { locales: LOCALES }).errors;
    expect(missingTrace).toMatch(
      new RegExp(
        `^${file}:4:3: traces\\.b1-to-a1: missing; expected the zh-tw texts of b1-to-a1\\.json: add "b1-to-a1": \\{ "title": "…", "description": "…" \\} to "traces" \\(English: ".+"\\)$`,
      ),
    );
    writeFileSync(
      file,
      `{\n  "version": 1,\n  "traces": {\n    "b1-to-a1": { "title": "b1 到 a1" }\n  }\n}\n`,
    );
    const errors = readTraceFolder(lab, { locales: LOCALES }).errors;
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      new RegExp(
        `^${file}:1:1: description: missing; expected lab\\.json's description in zh-tw: add "description": "…" \\(English: ".+"\\)$`,
      ),
    );
    expect(errors[1]).toMatch(
      new RegExp(
        `^${file}:4:5: traces\\.b1-to-a1\\.description: missing; expected the trace's description in zh-tw: add "description": "…" \\(English: ".+"\\)$`,
      ),
    );
  });

  it("reports an invalid translations file once, as itself", () => {
    const lab = copyLab();
    writeFileSync(
      join(lab, "i18n/zh-tw.json"),
      `{ "version": 1, "traces": { "b1-to-a": { "title": "x" } } }`,
    );
    const errors = readTraceFolder(lab, { locales: LOCALES }).errors;
    expect(errors).toEqual([
      `${lab}/i18n/zh-tw.json:1:29: traces.b1-to-a: no trace 'b1-to-a' in this lab (there is no b1-to-a.json beside lab.json); did you mean 'b1-to-a1'?`,
    ]);
  });
});
