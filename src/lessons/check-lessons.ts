/**
 * Checks every lesson under a content folder before Astro loads it: front
 * matter (positioned), locale matches folder, two lessons of a language at one
 * `order`, and which lessons miss a translation.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { foundWords, SNIFF_BYTES, sniffInput } from "../core/input/sniff-input.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import { LOCALES } from "../i18n/locales.ts";
import { validateLesson } from "./validate-lesson.ts";

/** Lessons of one language that share an `order` (see {@link sameOrderWarning}). */
export interface SameOrder {
  locale: string;
  order: number;
  /** Where each lesson sets it, in file order (at least two). */
  lessons: Diagnostic["position"][];
  /** The smallest order above `order` that no lesson of the language has. */
  nextFree: number;
  /** The language's lesson folder as shown (`content/lessons/en`), for the hint's command. */
  folder: string;
}

/** What {@link checkLessons} found. */
export interface LessonCheck {
  /** Problems that must fail the build. */
  errors: Diagnostic[];
  /** Lesson slugs present in some locale but missing in another: `{ "zh-tw": ["ip-layer"] }`. */
  missingTranslations: Record<string, string[]>;
  /** Lessons with `draft: true` (paths as shown): left out of a production build, which says so. */
  drafts: string[];
  /** Groups of lessons of one language with the same `order` (drafts included): warnings, see {@link sameOrderWarning}. */
  sameOrder: SameOrder[];
  /** Lessons that are symbolic links (paths as shown), not read: the build's own symlink check stops on them. */
  links: string[];
  /** How many lesson files were read. */
  count: number;
  /** Every lesson file found (absolute paths, sorted), read or not. */
  files: string[];
  /** The text of each lesson file read as UTF-8 text, by absolute path (the others have an error). */
  texts: Map<string, string>;
}

/** The `.md` entries below `dir` (relative paths, sorted) that a build could read: files and symbolic links. */
function listMarkdown(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return entries
    .filter((f) => {
      if (!f.endsWith(".md")) return false;
      try {
        const st = lstatSync(join(dir, f));
        // A folder named `x.md` is no lesson (the build's glob reads files only); a FIFO would block the read.
        return st.isFile() || st.isSymbolicLink();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Why a file could not be read, in words (an errno code tells a newcomer nothing). */
function readProblem(error: NodeJS.ErrnoException): string {
  if (error.code === "EACCES" || error.code === "EPERM") return "permission denied";
  return error.code ?? error.message;
}

/** The warning for lessons that share an order, at the `at`-th of them (the one a report is about), naming the others. */
export function sameOrderWarning(same: SameOrder, at = 0): Diagnostic {
  const here = same.lessons[at] ?? same.lessons[0];
  if (!here) throw new RangeError("sameOrderWarning: a group of lessons holds at least two");
  const others = same.lessons.filter((p) => p !== here).map((p) => `${p.file}:${p.line}:${p.column}`);
  return {
    severity: "warning",
    message: `order ${same.order} is also the order of ${others.join(" and ")}: each ${same.locale} lesson needs an order of its own (its place in the course)`,
    hint: `give one of them a free order, e.g. ${same.nextFree} (the next free number after ${same.order}); \`grep -n '^order:' ${same.folder}/*.md\` lists the orders in use`,
    position: here,
  };
}

/** The first whole number above `order` that `used` does not hold. */
function nextFree(order: number, used: Set<number>): number {
  let n = order + 1;
  while (used.has(n)) n++;
  return n;
}

/**
 * Reads `content/lessons/<locale>/*.md` under `contentDir`; paths in messages are relative to `cwd`.
 */
export function checkLessons(contentDir: string, cwd: string = process.cwd()): LessonCheck {
  const root = join(contentDir, "lessons");
  // The folders as the contributor should write them in a hint: where they are, not always `content/`.
  const lessonsShown = relative(cwd, resolve(root)) || ".";
  const errors: Diagnostic[] = [];
  const drafts: string[] = [];
  const links: string[] = [];
  const texts = new Map<string, string>();
  const slugs = new Map<string, Set<string>>(LOCALES.map((l) => [l, new Set<string>()]));
  // Per locale, each order and where it is set.
  const orders = new Map<string, Map<number, Diagnostic["position"][]>>();
  const files = listMarkdown(root);
  for (const rel of files) {
    const path = join(root, rel);
    const shown = relative(cwd, path);
    const [folder, ...rest] = rel.split(/[\\/]/);
    const slug = rest.join("/").replace(/\.md$/, "");
    if (lstatSync(path).isSymbolicLink()) {
      // Not followed (a dangling or looping link would not even read): the build's symlink check stops on it.
      links.push(shown);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      errors.push({
        severity: "error",
        message: `cannot read the lesson: ${readProblem(error as NodeJS.ErrnoException)}`,
        hint: `make it readable (chmod a+r ${shown})`,
        position: { file: shown, line: 1, column: 1 },
      });
      continue;
    }
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
    const text = bytes.toString("utf8");
    texts.set(resolve(path), text);
    const { data, diagnostics, positions } = validateLesson(text, shown);
    errors.push(...diagnostics);
    if (!folder || !slugs.has(folder) || rest.length === 0) {
      errors.push({
        severity: "error",
        message: `lesson is not inside a locale folder (${LOCALES.join(", ")})`,
        hint: `move it to ${lessonsShown}/<locale>/${rel.split(/[\\/]/).pop()}`,
        position: { file: shown, line: 1, column: 1 },
      });
      continue;
    }
    if (data && data.locale !== folder) {
      errors.push({
        severity: "error",
        message: `front matter field 'locale' is '${data.locale}' but the lesson is in ${lessonsShown}/${folder}/`,
        hint: `set \`locale: ${folder}\` or move the file`,
        position: positions?.locale ?? { file: shown, line: 2, column: 1 },
      });
    }
    if (data) {
      const byOrder = orders.get(folder) ?? new Map<number, Diagnostic["position"][]>();
      orders.set(folder, byOrder);
      const at = positions?.order ?? { file: shown, line: 2, column: 1 };
      byOrder.set(data.order, [...(byOrder.get(data.order) ?? []), at]);
    }
    if (!data?.draft) slugs.get(folder)?.add(slug);
    else drafts.push(shown);
  }
  const sameOrder: SameOrder[] = [];
  for (const [locale, byOrder] of orders) {
    const used = new Set(byOrder.keys());
    for (const [order, lessons] of [...byOrder].sort((a, b) => a[0] - b[0])) {
      if (lessons.length < 2) continue;
      sameOrder.push({
        locale,
        order,
        lessons,
        nextFree: nextFree(order, used),
        folder: `${lessonsShown}/${locale}`,
      });
    }
    // A lesson without a usable order (the template leaves it empty) is told a free one: after the last lesson.
    const last = Math.max(0, ...used);
    const free = (Math.floor(last / 10) + 1) * 10;
    const inLocale = `${resolve(root, locale)}${sep}`;
    for (const d of errors) {
      if (!d.message.startsWith("front matter field 'order'")) continue;
      if (!resolve(cwd, d.position.file).startsWith(inLocale)) continue;
      d.hint = `${d.hint ?? ""}; e.g. ${free}, after every ${locale} lesson (the highest order is ${last}); \`grep -n '^order:' ${lessonsShown}/${locale}/*.md\` lists the orders in use`;
    }
  }
  const all = new Set([...slugs.values()].flatMap((s) => [...s]));
  const missingTranslations: Record<string, string[]> = {};
  for (const [locale, present] of slugs) {
    const missing = [...all].filter((s) => !present.has(s)).sort();
    if (missing.length > 0) missingTranslations[locale] = missing;
  }
  return {
    errors,
    missingTranslations,
    drafts,
    links,
    sameOrder,
    count: files.length,
    files: files.map((f) => resolve(root, f)),
    texts,
  };
}
