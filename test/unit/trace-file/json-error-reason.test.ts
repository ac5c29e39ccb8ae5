/**
 * A trace file's JSON syntax error keeps the whole of V8's reason: a missing comma, the mistake a
 * newcomer makes most, used to read `(Expected ')` because the reason was cut at its first comma.
 */
import { describe, expect, it } from "vitest";
import { parseJsonText } from "../../../src/core/trace-file/load-trace.ts";

const errors = (text: string) => {
  const r = parseJsonText(text, "t.json");
  return r.ok ? [] : r.errors;
};

describe("JSON syntax errors in trace files", () => {
  it("say a missing comma in full, at the next property", () => {
    expect(errors('{\n  "version": 1\n  "scenario": "x"\n}\n')).toEqual([
      `t.json:3:3: invalid JSON: unexpected "\\"" (Expected ',' or '}' after property value)`,
    ]);
  });

  it("leave out the text V8 quotes after an unexpected token", () => {
    expect(errors('{\n  "name": x}')).toEqual([
      `t.json:2:11: invalid JSON: unexpected "x" (Unexpected token 'x')`,
    ]);
  });
});
