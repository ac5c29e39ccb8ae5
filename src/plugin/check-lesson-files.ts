/**
 * Checks lessons as `npm run build` does, without building: the front matter (`checkLessons`) and
 * every directive, by running the lesson remark plugins (`lessonRemarkPlugins`, the build's own) on
 * each lesson's body, with figures checked but not drawn. Used by `packetwalk check --lessons`.
 */
import { readFileSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { parseFrontmatter } from "@astrojs/markdown-remark";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { VFile } from "vfile";
import type { Diagnostic } from "../core/model/packet.ts";
import { checkLessons } from "../lessons/check-lessons.ts";
import { takeProblems } from "./build-problems.ts";
import { filesUnder } from "./files-under.ts";
import { lessonRemarkPlugins } from "./lesson-remark-plugins.ts";
import { defaultTracesDir } from "./trace-store.ts";

/** Options of {@link checkLessonFiles}. */
export interface LessonFilesOptions {
  /** Folder holding `lessons/<locale>/*.md`. */
  contentDir: string;
  /** Only these lesson files or folders (paths as given); default every lesson. */
  only?: string[];
  /** Folder of the traces. Default `PACKETWALK_TRACES_DIR`, else `traces`. */
  tracesDir?: string;
}

/** What {@link checkLessonFiles} found. */
export interface LessonFilesCheck {
  /** Problems that stop `npm run build`, in file and line order. */
  errors: Diagnostic[];
  /** What the build says but does not stop on: drafts it leaves out, missing translations. */
  warnings: Diagnostic[];
  /** Which problems came from a directive (their report shows the directive's form). */
  directiveProblems: Set<Diagnostic>;
  /** Lesson files checked. */
  lessons: number;
  /** `::trace` directives checked. */
  directives: number;
}

const DIRECTIVE = /^\s*::trace\{/gm;

function byPosition(a: Diagnostic, b: Diagnostic): number {
  const pa = a.position;
  const pb = b.position;
  return pa.file === pb.file ? pa.line - pb.line || pa.column - pb.column : pa.file < pb.file ? -1 : 1;
}

/** The line of `text` where front matter key `key` is set, 1-based (the fence's line when absent). */
function keyLine(text: string, key: string): number {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  return at < 0 ? 1 : at + 1;
}

/**
 * Checks the lessons; see the module comment. Paths are read from, and shown relative to, the
 * working directory, as the build shows them (the plugins position problems that way).
 */
export async function checkLessonFiles(options: LessonFilesOptions): Promise<LessonFilesCheck> {
  const cwd = process.cwd();
  const root = resolve(cwd, options.contentDir, "lessons");
  const only = options.only?.map((p) => resolve(cwd, p));
  const wanted = (path: string) =>
    !only || only.some((o) => path === o || path.startsWith(o.endsWith(sep) ? o : `${o}${sep}`));
  const shown = (path: string) => relative(cwd, path);
  const front = checkLessons(resolve(cwd, options.contentDir), cwd);
  const errors = front.errors.filter((d) => wanted(resolve(cwd, d.position.file)));
  const files = filesUnder(root)
    .filter((f) => f.endsWith(".md"))
    .map((f) => resolve(f))
    .filter(wanted)
    .sort();
  const warnings: Diagnostic[] = [];
  for (const draft of front.drafts) {
    const path = resolve(cwd, draft);
    if (!wanted(path)) continue;
    warnings.push({
      severity: "warning",
      message: "draft: true: `npm run build` leaves this lesson out (it shows only in `npm run dev`)",
      hint: "set `draft: false` when it is ready to publish",
      position: { file: draft, line: keyLine(readFileSync(path, "utf8"), "draft"), column: 1 },
    });
  }
  for (const [locale, slugs] of Object.entries(front.missingTranslations)) {
    for (const slug of slugs) {
      // Said at the lesson that has no translation, in whichever locale it exists.
      const source = files.find(
        (f) => f.endsWith(`${sep}${slug}.md`) && !f.includes(`${sep}${locale}${sep}`),
      );
      if (!source) continue;
      const draft = front.drafts.some((d) => d.endsWith(`${sep}${locale}${sep}${slug}.md`));
      warnings.push({
        severity: "warning",
        message: `no ${locale} translation: content/lessons/${locale}/${slug}.md is ${draft ? "a draft" : "missing"}`,
        hint: draft
          ? "set `draft: false` in it when the translation is ready"
          : `translate it into content/lessons/${locale}/${slug}.md, or say in the pull request that a maintainer should`,
        position: { file: shown(source), line: 1, column: 1 },
      });
    }
  }

  // The build's remark plugins, with figures checked and not drawn; parsed as Astro parses lessons (remark-parse, GFM).
  const processor = unified()
    .use(remarkParse)
    .use(lessonRemarkPlugins({ draw: false, tracesDir: options.tracesDir ?? defaultTracesDir() }));
  const directiveProblems = new Set<Diagnostic>();
  let directives = 0;
  takeProblems();
  for (const path of files) {
    const text = readFileSync(path, "utf8");
    // A file that is not UTF-8 text (UTF-16, ...) is already an error of its front matter check.
    if (text.includes("\u0000")) continue;
    // As Astro's Markdown loader hands a lesson to the plugins: the body without its front matter
    // and the blank lines around it, the file's path, and its front matter.
    const { frontmatter, content } = parseFrontmatter(text, { frontmatter: "empty-with-spaces" });
    const body = content.trim();
    directives += body.match(DIRECTIVE)?.length ?? 0;
    const file = new VFile({ value: body, path, data: { astro: { frontmatter } } });
    await processor.run(processor.parse(file), file);
    for (const problem of takeProblems()) {
      directiveProblems.add(problem);
      errors.push(problem);
    }
  }
  errors.sort(byPosition);
  warnings.sort(byPosition);
  return { errors, warnings, directiveProblems, lessons: files.length, directives };
}
