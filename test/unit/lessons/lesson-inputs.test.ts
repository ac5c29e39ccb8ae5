/**
 * What a new contributor can put under content/lessons/ besides a good lesson, read by the check
 * the build and `packetwalk check --lessons` share (`checkLessons`): each is a positioned error or
 * is left out, never an exception; and two lessons of a language at one `order` are named.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLessons, sameOrderWarning } from "../../../src/lessons/check-lessons.ts";
import { validateLesson } from "../../../src/lessons/validate-lesson.ts";

const lesson = (order: number | string, locale = "en") =>
  `---\ntitle: A lesson\ndescription: A lesson written for this test, long enough.\nsection: basics\norder: ${order}\nlocale: ${locale}\n---\n\nBody.\n`;

let dir = "";
const write = (rel: string, text: string) => {
  const path = join(dir, "lessons", rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
};
/** The problems as `file:line:col: message`. */
const where = (ds: { position: { file: string; line: number; column: number }; message: string }[]) =>
  ds.map((d) => `${d.position.file}:${d.position.line}:${d.position.column}: ${d.message}`);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-h6-lessons-"));
  mkdirSync(join(dir, "lessons", "en"), { recursive: true });
  mkdirSync(join(dir, "lessons", "zh-tw"), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("checkLessons on what is not a lesson file", () => {
  it("leaves out a folder named like a lesson and a FIFO, and lists symbolic links (dangling, looping) unread", () => {
    write("en/good.md", lesson(10));
    mkdirSync(join(dir, "lessons", "en", "folder.md"));
    symlinkSync("/nonexistent/lesson.md", join(dir, "lessons", "en", "dangling.md"));
    symlinkSync("loop.md", join(dir, "lessons", "en", "loop.md"));
    // A FIFO would block a read forever.
    execFileSync("mkfifo", [join(dir, "lessons", "en", "pipe.md")]);
    const result = checkLessons(dir, dir);
    expect(result.errors).toEqual([]);
    expect(result.links).toEqual(["lessons/en/dangling.md", "lessons/en/loop.md"]);
    expect(result.files).toEqual(
      ["dangling.md", "good.md", "loop.md"].map((f) => join(dir, "lessons", "en", f)),
    );
    expect([...result.texts.keys()]).toEqual([join(dir, "lessons", "en", "good.md")]);
  });

  it.skipIf(process.getuid?.() === 0)("names a lesson it cannot read, with the command that fixes it", () => {
    const path = write("en/secret.md", lesson(10));
    execFileSync("chmod", ["000", path]);
    const result = checkLessons(dir, dir);
    expect(where(result.errors)).toEqual([
      "lessons/en/secret.md:1:1: cannot read the lesson: permission denied",
    ]);
    expect(result.errors[0]?.hint).toBe("make it readable (chmod a+r lessons/en/secret.md)");
  });

  it("says where the lessons really are in its hints, not always content/", () => {
    write("fr/x.md", lesson(10));
    write("zh-tw/y.md", lesson(10, "en"));
    const result = checkLessons(dir, join(dir, ".."));
    const base = dir.split("/").pop();
    expect(result.errors.map((d) => d.hint ?? d.message)).toEqual([
      `move it to ${base}/lessons/<locale>/x.md`,
      "set `locale: zh-tw` or move the file",
    ]);
    expect(result.errors[1]?.message).toBe(
      `front matter field 'locale' is 'en' but the lesson is in ${base}/lessons/zh-tw/`,
    );
    // At the value, not line 2.
    expect(result.errors[1]?.position).toEqual({ file: `${base}/lessons/zh-tw/y.md`, line: 6, column: 9 });
  });
});

describe("front matter that parses but is no lesson's", () => {
  it("a YAML list: says so instead of \"field '' is missing\"", () => {
    const r = validateLesson("---\n- title\n- order\n---\n", "x.md");
    expect(where(r.diagnostics)).toEqual([
      "x.md:2:1: front matter is a YAML list, expected `field: value` lines",
    ]);
  });

  it("an alias with no anchor (`*b`): positioned, where reading it threw", () => {
    const r = validateLesson(lesson(10).replace(/description: .*/, "description: *b"), "x.md");
    expect(where(r.diagnostics)).toEqual([
      "x.md:3:14: front matter is not valid YAML: '*b' refers to no '&b' before it",
    ]);
  });

  it("a tag (`!custom`), which Astro's reader refuses mid-build: an error here, positioned", () => {
    const r = validateLesson(lesson(10).replace("title: A lesson", "title: !custom A lesson"), "x.md");
    expect(where(r.diagnostics)).toEqual([
      "x.md:2:8: front matter is not valid YAML as Astro reads it: Unresolved tag: !custom",
    ]);
    expect(r.diagnostics[0]?.hint).toContain("quote values that start with '!'");
  });

  it("an empty `order:` (the template's): has no value, and a free order is suggested", () => {
    write("en/a.md", lesson(10));
    write("en/b.md", lesson(140));
    write("en/new.md", lesson(""));
    const result = checkLessons(dir, dir);
    expect(where(result.errors)).toEqual(["lessons/en/new.md:5:8: front matter field 'order' has no value"]);
    expect(result.errors[0]?.hint).toBe(
      "give it one: a whole number no other lesson of the language has (lower comes first in the course); e.g. 150, after every en lesson (the highest order is 140); `grep -n '^order:' lessons/en/*.md` lists the orders in use",
    );
  });
});

describe("two lessons of a language at one order", () => {
  it("are one group, each at its `order:` value, with the next free number; another language's do not count", () => {
    write("en/a.md", lesson(100));
    write("en/b.md", lesson(101));
    write("en/c.md", `${lesson(100).replace("---\n\nBody", "draft: true\n---\n\nBody")}`);
    write("zh-tw/a.md", lesson(100, "zh-tw"));
    const result = checkLessons(dir, dir);
    expect(result.errors).toEqual([]);
    expect(result.sameOrder).toEqual([
      {
        locale: "en",
        order: 100,
        lessons: [
          { file: "lessons/en/a.md", line: 5, column: 8 },
          { file: "lessons/en/c.md", line: 5, column: 8 },
        ],
        nextFree: 102,
        folder: "lessons/en",
      },
    ]);
    const warning = sameOrderWarning(result.sameOrder[0] as (typeof result.sameOrder)[number], 1);
    expect(warning).toEqual({
      severity: "warning",
      message:
        "order 100 is also the order of lessons/en/a.md:5:8: each en lesson needs an order of its own (its place in the course)",
      hint: "give one of them a free order, e.g. 102 (the next free number after 100); `grep -n '^order:' lessons/en/*.md` lists the orders in use",
      position: { file: "lessons/en/c.md", line: 5, column: 8 },
    });
  });

  it("finds none in the course as committed", () => {
    expect(checkLessons(join(import.meta.dirname, "../../../content")).sameOrder).toEqual([]);
  });
});
