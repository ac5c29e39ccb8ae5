/**
 * Checks every lesson under a content folder before Astro loads it: front
 * matter (positioned), locale matches folder, and which lessons miss a translation.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { foundWords, SNIFF_BYTES, sniffInput } from "../core/input/sniff-input.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import { LOCALES } from "../i18n/locales.ts";
import { validateLesson } from "./validate-lesson.ts";

/** What {@link checkLessons} found. */
export interface LessonCheck {
  /** Problems that must fail the build. */
  errors: Diagnostic[];
  /** Lesson slugs present in some locale but missing in another: `{ "zh-tw": ["ip-layer"] }`. */
  missingTranslations: Record<string, string[]>;
  /** Lessons with `draft: true` (paths as shown): left out of a production build, which says so. */
  drafts: string[];
  /** How many lesson files were read. */
  count: number;
}

function listMarkdown(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return entries.filter((f) => f.endsWith(".md")).sort();
}

/**
 * Reads `content/lessons/<locale>/*.md` under `contentDir`; paths in messages are relative to `cwd`.
 */
export function checkLessons(contentDir: string, cwd: string = process.cwd()): LessonCheck {
  const root = join(contentDir, "lessons");
  const errors: Diagnostic[] = [];
  const drafts: string[] = [];
  const slugs = new Map<string, Set<string>>(LOCALES.map((l) => [l, new Set<string>()]));
  const files = listMarkdown(root);
  for (const rel of files) {
    const path = join(root, rel);
    const shown = relative(cwd, path);
    const [folder, ...rest] = rel.split(/[\\/]/);
    const slug = rest.join("/").replace(/\.md$/, "");
    const bytes = readFileSync(path);
    const sniffed = sniffInput(bytes.subarray(0, SNIFF_BYTES));
    if (sniffed.kind !== "text") {
      // Read as UTF-8 a UTF-16 file (a Windows editor's "Unicode") has no front matter to find; say what it is.
      const found = foundWords(sniffed);
      errors.push({
        severity: "error",
        message: `expected a Markdown lesson in UTF-8 text, found ${found}`,
        hint:
          sniffed.kind === "utf16"
            ? `save it as UTF-8 (in your editor, or: iconv -f UTF-16 -t UTF-8 ${shown} > lesson.md && mv lesson.md ${shown})`
            : "lessons are Markdown text saved as UTF-8",
        position: { file: shown, line: 1, column: 1 },
      });
      continue;
    }
    const { data, diagnostics } = validateLesson(bytes.toString("utf8"), shown);
    errors.push(...diagnostics);
    if (!folder || !slugs.has(folder) || rest.length === 0) {
      errors.push({
        severity: "error",
        message: `lesson is not inside a locale folder (${LOCALES.join(", ")})`,
        hint: `move it to content/lessons/<locale>/${rel.split(/[\\/]/).pop()}`,
        position: { file: shown, line: 1, column: 1 },
      });
      continue;
    }
    if (data && data.locale !== folder) {
      errors.push({
        severity: "error",
        message: `front matter field 'locale' is '${data.locale}' but the lesson is in content/lessons/${folder}/`,
        hint: `set \`locale: ${folder}\` or move the file`,
        position: { file: shown, line: 2, column: 1 },
      });
    }
    if (!data?.draft) slugs.get(folder)?.add(slug);
    else drafts.push(shown);
  }
  const all = new Set([...slugs.values()].flatMap((s) => [...s]));
  const missingTranslations: Record<string, string[]> = {};
  for (const [locale, present] of slugs) {
    const missing = [...all].filter((s) => !present.has(s)).sort();
    if (missing.length > 0) missingTranslations[locale] = missing;
  }
  return { errors, missingTranslations, drafts, count: files.length };
}
