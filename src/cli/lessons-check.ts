/**
 * `packetwalk check --lessons`: the lessons checked as the build checks them (see
 * `src/plugin/check-lesson-files.ts`), printed at `file:line:col` with a hint and, for a directive,
 * the form it takes; then every trace folder's problems, read by the build's own `loadTraces` and
 * printed as the build prints them (the build stops on them, used by a lesson or not); a summary
 * line last. Exit 1 on any error, 0 when clean.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { closest, formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import { checkLessonFiles } from "../plugin/check-lesson-files.ts";
import { TRACE_FORM } from "../plugin/trace-directive.ts";
import { formatTraceFolderProblem, traceFolderProblemEntry } from "../plugin/trace-folder-problem.ts";
import { defaultTracesDir, loadTraces } from "../plugin/trace-store.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A problem as `file:line:col: severity: message`, its hint and, for a directive, its expected form. */
function formatProblem(d: Diagnostic, directive: boolean): string {
  return directive ? `${formatDiagnostic(d)}\n  expected: ${TRACE_FORM}` : formatDiagnostic(d);
}

/** Runs the lesson check on `args` (lesson files or folders; none: every lesson); resolves to the exit code. */
export async function runLessonsCheck(args: string[], json: boolean): Promise<number> {
  const contentDir = process.env.PACKETWALK_CONTENT_DIR || "content";
  if (!existsSync(join(contentDir, "lessons"))) {
    process.stderr.write(
      `packetwalk check --lessons: no ${join(contentDir, "lessons")}/ folder here\nhint: run it from the repository root (or set PACKETWALK_CONTENT_DIR)\n`,
    );
    return 2;
  }
  for (const a of args) {
    if (existsSync(a)) continue;
    // A misspelt lesson: the nearest name in the folder it would be in.
    const dir = dirname(a);
    const names = existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir) : [];
    const guess = closest(basename(a), names);
    process.stderr.write(
      `packetwalk check --lessons: ${a}: no such file or folder\nhint: ${guess ? `did you mean ${join(dir, guess)}?` : "give lesson files (content/lessons/en/x.md) or folders, or nothing for every lesson"}\n`,
    );
    return 2;
  }
  const lessonsDir = resolve(contentDir, "lessons");
  for (const a of args) {
    const p = resolve(a);
    const within = relative(lessonsDir, p);
    // Inside the lessons folder, or a folder holding it (`.`, `content`): anything else is built by no one.
    const inside =
      within === "" || (!within.startsWith(`..${sep}`) && within !== ".." && !within.startsWith(sep));
    const above = !relative(p, lessonsDir).startsWith("..");
    const lessonFile = inside && (statSync(p).isDirectory() || p.endsWith(".md"));
    if (lessonFile || (above && statSync(p).isDirectory())) continue;
    process.stderr.write(
      `packetwalk check --lessons: ${a}: not a lesson\nhint: the build reads lessons only from ${join(contentDir, "lessons")}/<locale>/*.md; move it there (or name a file or folder inside it)\n`,
    );
    return 2;
  }
  const result = await checkLessonFiles({ contentDir, ...(args.length ? { only: args } : {}) });
  for (const a of args) {
    const p = resolve(a);
    if (result.files.some((f) => resolve(f) === p || resolve(f).startsWith(`${p}${sep}`))) continue;
    // An empty folder (or one named like a lesson, `x.md/`): "0 lessons checked: no errors" would mislead.
    process.stderr.write(
      `packetwalk check --lessons: ${a}: no lesson in it\nhint: lessons are the *.md files under ${join(contentDir, "lessons")}/<locale>/; name one of them, or a folder that holds some\n`,
    );
    return 2;
  }
  // Every trace folder, as the build checks them before it builds any page (cached: the directives read the same).
  const traceProblems = loadTraces(defaultTracesDir()).errors;
  const errorCount = result.errors.length + traceProblems.length;
  if (json) {
    const entry = (d: Diagnostic) => ({
      file: d.position.file,
      line: d.position.line,
      column: d.position.column,
      message: d.message,
      ...(d.hint ? { hint: d.hint } : {}),
      ...(result.directiveProblems.has(d) ? { expected: TRACE_FORM } : {}),
    });
    process.stdout.write(
      `${JSON.stringify(
        {
          lessons: result.lessons,
          directives: result.directives,
          errors: [...result.errors.map(entry), ...traceProblems.map(traceFolderProblemEntry)],
          warnings: result.warnings.map(entry),
        },
        null,
        2,
      )}\n`,
    );
    return errorCount ? 1 : 0;
  }
  for (const d of [...result.errors, ...result.warnings])
    process.stdout.write(`${formatProblem(d, result.directiveProblems.has(d))}\n`);
  for (const problem of traceProblems) process.stdout.write(`${formatTraceFolderProblem(problem)}\n`);
  const checked = `${plural(result.lessons, "lesson")}, ${plural(result.directives, "::trace directive")}`;
  const warned = result.warnings.length ? `, ${plural(result.warnings.length, "warning")}` : "";
  const where = traceProblems.length ? `${checked} and the trace folders` : checked;
  process.stdout.write(
    errorCount
      ? `${plural(errorCount, "error")}${warned} in ${where}; \`npm run build\` would stop on them\n`
      : `${checked} checked: no errors${warned}\n`,
  );
  return errorCount ? 1 : 0;
}
