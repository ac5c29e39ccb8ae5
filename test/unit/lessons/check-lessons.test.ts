import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLessons } from "../../../src/lessons/check-lessons.ts";

const root = join(import.meta.dirname, "../../..");

describe("checkLessons", () => {
  it("finds the course valid and translated: every lesson exists in both locales", () => {
    const result = checkLessons(join(root, "content"), root);
    expect(result.errors).toEqual([]);
    expect(result.missingTranslations).toEqual({});
    expect(result.count).toBeGreaterThanOrEqual(16);
  });

  it("lists what a locale is missing instead of leaving a silent gap", () => {
    // The fixture site has two English lessons (one with traces) and one translation; the draft does not count.
    const result = checkLessons(join(root, "test/fixtures/site/content"), root);
    expect(result.missingTranslations).toEqual({ "zh-tw": ["second-steps", "with-trace"] });
  });

  it("reports a bad front matter with its file and position", () => {
    const result = checkLessons(join(root, "test/fixtures/site-bad-frontmatter/content"), root);
    expect(result.errors.map((e) => `${e.position.file}:${e.position.line}`)).toContain(
      "test/fixtures/site-bad-frontmatter/content/lessons/en/broken.md:4",
    );
  });
});
