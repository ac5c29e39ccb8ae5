import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAst } from "vite";
import { describe, expect, it } from "vitest";
import {
  cjkLiteralRanges,
  emptyRanges,
  englishHalfRanges,
} from "../../../src/plugin/drop-other-language-notes.ts";

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const drop = (code: string) => emptyRanges(code, cjkLiteralRanges(parseAst(code, { lang: "ts" })));
const dropEnglish = (code: string) =>
  emptyRanges(code, englishHalfRanges(parseAst(code, { lang: "ts" }), code));
/** Source text with `#{` for a template placeholder (a literal `${` in a string is a lint warning). */
const src = (text: string) => text.replaceAll("#{", "${");

describe("dropOtherLanguageNotes' literal ranges", () => {
  it("empties Chinese strings and templates, and keeps English ones, keys and tagged templates", () => {
    expect(drop('const p: [string, string] = ["accept", "接受"];')).toBe(
      'const p: [string, string] = ["accept", ""];',
    );
    expect(drop(src("const z = `跳到 chain #{t}（不會回來）`;"))).toBe('const z = "";');
    expect(drop('const m = { "接受": 1 }; const t = tag`接受`;')).toBe(
      'const m = { "接受": 1 }; const t = tag`接受`;',
    );
    // An English template keeps its own text; only a Chinese string nested in an expression is emptied.
    expect(drop(src('const e = `the #{what} is #{neg ? "不" : "not "}#{a}`;'))).toBe(
      src('const e = `the #{what} is #{neg ? "" : "not "}#{a}`;'),
    );
  });

  it("leaves no Chinese string in the core's note code, comments apart", () => {
    const dir = path.join(import.meta.dirname, "../../../src/core/render");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const code = readFileSync(path.join(dir, file), "utf8");
      const left = drop(code)
        .split("\n")
        .filter((line) => CJK.test(line.replace(/\/\/.*$|^\s*(\/\*\*?|\*).*$/, "")));
      expect(left, file).toEqual([]);
    }
  });

  it("empties the English half of a pair or record, unless it changes state or has no Chinese half", () => {
    expect(dropEnglish(src('const p = ["accept", "接受"]; const q = [`port #{n}`, `埠 #{n}`];'))).toBe(
      'const p = ["", "接受"]; const q = ["", `埠 #{n}`];'.replaceAll("#{", "${"),
    );
    expect(dropEnglish(src('const r = { en: `is #{a}`, "zh-TW": `是 #{a}` };'))).toBe(
      src('const r = { en: "", "zh-TW": `是 #{a}` };'),
    );
    // `arg()` reads the rule's next word: the Chinese half reads the one after it.
    const stateful = src('actions.push([`with prefix "#{arg()}"`, `前綴為「#{word(i)}」`]);');
    expect(dropEnglish(stateful)).toBe(stateful);
    expect(dropEnglish('const t = ["tcp", "udp"]; const o = { en: "x", fr: "y" };')).toBe(
      'const t = ["tcp", "udp"]; const o = { en: "x", fr: "y" };',
    );
  });
});
