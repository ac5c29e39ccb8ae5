/**
 * Checks lessons as `npm run build` does, without building: the front matter (`checkLessons`) and
 * every directive, by running the lesson remark plugins (`lessonRemarkPlugins`, the build's own) on
 * each lesson's body, with figures checked but not drawn. Used by `packetwalk check --lessons`.
 */
import { join, relative, resolve, sep } from "node:path";
import { parseFrontmatter } from "@astrojs/markdown-remark";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { VFile } from "vfile";
import type { Diagnostic } from "../core/model/packet.ts";
import { checkLessons, sameOrderWarning } from "../lessons/check-lessons.ts";
import { takeProblems } from "./build-problems.ts";
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
  /** What the build says but does not stop on: drafts it leaves out, two lessons at one order, missing translations. */
  warnings: Diagnostic[];
  /** Which problems came from a directive (their report shows the directive's form). */
  directiveProblems: Set<Diagnostic>;
  /** Lesson files checked. */
  lessons: number;
  /** Those files, as shown (relative to the working directory). */
  files: string[];
  /** `::trace` directives checked. */
  directives: number;
}

const DIRECTIVE = /^\s*::trace\{/gm;

function byPosition(a: Diagnostic, b: Diagnostic): number {
  const pa = a.position;
  const pb = b.position;
  return pa.file === pb.file ? pa.line - pb.line || pa.column - pb.column : pa.file < pb.file ? -1 : 1;
}

/**
 * Where js-yaml (Astro's front matter reader) stopped in `text`, as a positioned error at
 * `file:line:col` (its mark counts from just after the opening `---`). Undefined when `error` is
 * not js-yaml's. For a front matter our own reader (yaml) accepts and Astro's refuses.
 */
export function yamlStop(error: unknown, text: string, file: string): Diagnostic | undefined {
  const e = error as { name?: unknown; reason?: unknown; mark?: { position?: unknown } };
  if (e?.name !== "YAMLException" || typeof e.mark?.position !== "number") return undefined;
  const fence = /^(?:\uFEFF?|\s*\n)---/.exec(text);
  const offset = (fence ? fence.index + fence[0].length : 0) + e.mark.position;
  const before = text.slice(0, offset);
  return {
    severity: "error",
    message: `front matter is not valid YAML (as Astro reads it): ${String(e.reason ?? "syntax error")}`,
    hint: "quote values that contain ':' or '#'",
    position: { file, line: before.split("\n").length, column: offset - before.lastIndexOf("\n") },
  };
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
  for (const link of front.links) {
    if (!wanted(resolve(cwd, link))) continue;
    // As the build's symlink check says it (`findSymlinks`), at the lesson.
    errors.push({
      severity: "error",
      message: "the lesson is a symbolic link; the site publishes only files committed in the repository",
      hint: "copy the file's content here instead of linking it",
      position: { file: link, line: 1, column: 1 },
    });
  }
  const files = front.files.filter(wanted);
  const lessonsDir = shown(root) || ".";
  const warnings: Diagnostic[] = [];
  for (const draft of front.drafts) {
    const path = resolve(cwd, draft);
    if (!wanted(path)) continue;
    warnings.push({
      severity: "warning",
      message: "draft: true: `npm run build` leaves this lesson out (it shows only in `npm run dev`)",
      hint: "set `draft: false` when it is ready to publish",
      position: { file: draft, line: keyLine(front.texts.get(path) ?? "", "draft"), column: 1 },
    });
  }
  for (const same of front.sameOrder) {
    // Said once per group, at the first lesson named (every lesson when none is): the others are in the message.
    const at = same.lessons.findIndex((p) => wanted(resolve(cwd, p.file)));
    if (at >= 0) warnings.push(sameOrderWarning(same, at));
  }
  for (const [locale, slugs] of Object.entries(front.missingTranslations)) {
    for (const slug of slugs) {
      // Said at the lesson that has no translation, in whichever locale it exists.
      const source = files.find(
        (f) => f.endsWith(`${sep}${slug}.md`) && !f.includes(`${sep}${locale}${sep}`),
      );
      if (!source) continue;
      const draft = front.drafts.some((d) => d.endsWith(`${sep}${locale}${sep}${slug}.md`));
      // The folder the lessons are really in (PACKETWALK_CONTENT_DIR may point elsewhere than content/).
      const translation = join(lessonsDir, locale, `${slug}.md`);
      warnings.push({
        severity: "warning",
        message: `no ${locale} translation: ${translation} is ${draft ? "a draft" : "missing"}`,
        hint: draft
          ? "set `draft: false` in it when the translation is ready"
          : `translate it into ${translation}, or say in the pull request that a maintainer should`,
        position: { file: shown(source), line: 1, column: 1 },
      });
    }
  }

  // The build's remark plugins, with figures checked and not drawn; parsed as Astro parses lessons (remark-parse, GFM).
  const processor = unified()
    .use(remarkParse)
    .use(lessonRemarkPlugins({ draw: false, tracesDir: options.tracesDir ?? defaultTracesDir() }));
  const directiveProblems = new Set<Diagnostic>();
  // Lessons with a front matter error: when Astro's reader refuses them too, that error is the report.
  const failed = new Set(front.errors.map((d) => resolve(cwd, d.position.file)));
  let directives = 0;
  takeProblems();
  for (const path of files) {
    const text = front.texts.get(path);
    // Not read as UTF-8 text (UTF-16, binary, unreadable, a link): already an error of the front matter check.
    if (text === undefined || text.includes("\u0000")) continue;
    // As Astro's Markdown loader hands a lesson to the plugins: the body without its front matter
    // and the blank lines around it, the file's path, and its front matter.
    let parsed: ReturnType<typeof parseFrontmatter>;
    try {
      parsed = parseFrontmatter(text, { frontmatter: "empty-with-spaces" });
    } catch (error) {
      if (failed.has(path)) continue;
      // Astro's reader (js-yaml) refused what ours (yaml) accepted: the build would stop here, so say where.
      errors.push(
        yamlStop(error, text, shown(path)) ?? {
          severity: "error",
          message: `Astro cannot read the front matter: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
          hint: "start the lesson with a `---` block of `field: value` lines (see content/lesson-template.md)",
          position: { file: shown(path), line: 1, column: 1 },
        },
      );
      continue;
    }
    const body = parsed.content.trim();
    directives += body.match(DIRECTIVE)?.length ?? 0;
    const file = new VFile({ value: body, path, data: { astro: { frontmatter: parsed.frontmatter } } });
    await processor.run(processor.parse(file), file);
    for (const problem of takeProblems()) {
      directiveProblems.add(problem);
      errors.push(problem);
    }
  }
  errors.sort(byPosition);
  warnings.sort(byPosition);
  return {
    errors,
    warnings,
    directiveProblems,
    lessons: files.length,
    files: files.map(shown),
    directives,
  };
}
