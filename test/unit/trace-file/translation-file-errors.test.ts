/**
 * A translations file's problems (`i18n/<locale>.json`): every one of them, each at the
 * `file:line:col` of the field, saying what was expected, and a misspelt scenario or field with the
 * name it most likely meant.
 */
import { describe, expect, it } from "vitest";
import { validateTranslationsText } from "../../../src/core/trace-file/translations.ts";

const FILE = "traces/lab/i18n/zh-tw.json";
const SCENARIOS = ["container-to-wan", "container-to-host"];

function errors(text: string): string[] {
  const result = validateTranslationsText(text, FILE, SCENARIOS);
  return result.ok ? [] : result.errors;
}

describe("validateTranslationsText", () => {
  it("says a trace's missing title at the trace, with what to write", () => {
    const text = `{
  "version": 1,
  "traces": {
    "container-to-wan": {
      "description": "說明"
    }
  }
}`;
    expect(errors(text)).toEqual([
      `${FILE}:4:5: traces.container-to-wan.title: missing; expected the trace's title in this language (a non-empty text): add "title": "…"`,
    ]);
  });

  it("names a misspelt scenario at its key with the scenario it meant", () => {
    const text = `{
  "version": 1,
  "traces": {
    "container-to-host": { "title": "a" },
    "container-to-wann": { "title": "b" }
  }
}`;
    expect(errors(text)).toEqual([
      `${FILE}:5:5: traces.container-to-wann: no trace 'container-to-wann' in this lab (there is no container-to-wann.json beside lab.json); did you mean 'container-to-wan'?`,
    ]);
  });

  it("reports a misspelt scenario and its missing title both, in file order", () => {
    const text = `{
  "version": 1,
  "traces": {
    "container-to-wann": { "description": "b" },
    "container-to-host": { "description": "c" }
  }
}`;
    expect(errors(text)).toEqual([
      `${FILE}:4:5: traces.container-to-wann: no trace 'container-to-wann' in this lab (there is no container-to-wann.json beside lab.json); did you mean 'container-to-wan'?`,
      `${FILE}:4:5: traces.container-to-wann.title: missing; expected the trace's title in this language (a non-empty text): add "title": "…"`,
      `${FILE}:5:5: traces.container-to-host.title: missing; expected the trace's title in this language (a non-empty text): add "title": "…"`,
    ]);
  });

  it("names a misspelt field, an empty text, a wrong type and a wrong version, each where it is", () => {
    const text = `{
  "version": 2,
  "traces": {
    "container-to-wan": { "titel": "a", "title": "b", "description": "" },
    "container-to-host": 3
  }
}`;
    expect(errors(text)).toEqual([
      `${FILE}:2:3: version: is 2; expected the format version, 1: write "version": 1`,
      `${FILE}:4:27: traces.container-to-wan.titel: not a field of a trace's texts; did you mean "title"?`,
      `${FILE}:4:55: traces.container-to-wan.description: empty; expected the trace's description in this language (a non-empty text), or leave the field out to show the English`,
      `${FILE}:5:5: traces.container-to-host: expected the texts of trace 'container-to-host', { "title": "…", "description": "…" }, found a number`,
    ]);
  });

  it("accepts a valid file", () => {
    const text = `{ "version": 1, "description": "x", "traces": { "container-to-wan": { "title": "a" } } }`;
    expect(validateTranslationsText(text, FILE, SCENARIOS)).toEqual({
      ok: true,
      value: { version: 1, description: "x", traces: { "container-to-wan": { title: "a" } } },
    });
  });
});
