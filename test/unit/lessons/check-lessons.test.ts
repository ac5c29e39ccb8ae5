import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLessons } from "../../../src/lessons/check-lessons.ts";

const root = join(import.meta.dirname, "../../..");

describe("checkLessons", () => {
  it("finds the course valid and translated: every lesson exists in both locales", () => {
    const result = checkLessons(join(root, "content"), root);
    expect(result.errors).toEqual([]);
    expect(result.missingTranslations).toEqual({});
    expect(result.drafts).toEqual([]);
    expect(result.count).toBeGreaterThanOrEqual(16);
  });

  it("lists what a locale is missing instead of leaving a silent gap", () => {
    // The fixture site has two English lessons (one with traces) and one translation; the draft does not count.
    const result = checkLessons(join(root, "test/fixtures/site/content"), root);
    expect(result.missingTranslations).toEqual({ "zh-tw": ["second-steps", "with-trace"] });
    // The draft is named, so the build can say which lesson it leaves out.
    expect(result.drafts).toEqual(["test/fixtures/site/content/lessons/en/hidden-draft.md"]);
  });

  it("reports a bad front matter with its file and position", () => {
    const result = checkLessons(join(root, "test/fixtures/site-bad-frontmatter/content"), root);
    expect(result.errors.map((e) => `${e.position.file}:${e.position.line}`)).toContain(
      "test/fixtures/site-bad-frontmatter/content/lessons/en/broken.md:4",
    );
  });

  it("names a UTF-16 lesson (a Windows editor's) as such, with the command that converts it", () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-lessons-"));
    try {
      mkdirSync(join(dir, "lessons", "en"), { recursive: true });
      const text =
        "---\ntitle: Windows lesson\ndescription: A lesson saved by a Windows editor.\nsection: basics\norder: 1\nlocale: en\n---\n\nBody.\n";
      // With a byte-order mark (Notepad's "Unicode") and without one (PowerShell 5's Out-File).
      writeFileSync(
        join(dir, "lessons", "en", "a.md"),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
      );
      writeFileSync(join(dir, "lessons", "en", "b.md"), Buffer.from(text, "utf16le"));
      const result = checkLessons(dir, dir);
      expect(result.errors.map((e) => [e.position, e.message])).toEqual(
        ["a.md", "b.md"].map((f) => [
          { file: `lessons/en/${f}`, line: 1, column: 1 },
          "expected a Markdown lesson in UTF-8 text, found UTF-16 text",
        ]),
      );
      expect(result.errors[0]?.hint).toBe(
        "save it as UTF-8 (in your editor, or: iconv -f UTF-16 -t UTF-8 lessons/en/a.md > lesson.md && mv lesson.md lessons/en/a.md)",
      );
      // The same lesson in UTF-8 is valid.
      writeFileSync(join(dir, "lessons", "en", "a.md"), text);
      rmSync(join(dir, "lessons", "en", "b.md"));
      expect(checkLessons(dir, dir).errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
