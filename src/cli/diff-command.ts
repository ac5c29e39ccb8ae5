/**
 * `packetwalk diff A B`: for every trace whose packets, hook lists, NAT rewrites, matched rules or
 * diagram source differ between A and B (two git revisions or two folders), a Markdown report (for a
 * pull request comment, within GitHub's size limit) and an HTML report (before/after side by side).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { diffFacts, type FactsDiff } from "../core/diff/diff-facts.ts";
import { formatHtml, svgKey } from "../core/diff/format-html.ts";
import { formatMarkdown, GITHUB_COMMENT_LIMIT } from "../core/diff/format-markdown.ts";
import { highlightChangedSteps } from "../core/diff/highlight-steps.ts";
import { readCommandArgs } from "./command-args.ts";
import { DiffInputError, openVersion, pairNaming, readVersionFacts, type Version } from "./diff-inputs.ts";

/** One line for `packetwalk --help`. */
export const summary = "what changed in every trace between two git revisions or two folders";

const USAGE = `usage: packetwalk diff A B [--markdown FILE] [--html FILE] [--json FILE] [--details-url URL]
                      [--max-chars N] [--no-svg] [--repo DIR]

A and B are folders (a repository root with traces/, or a traces folder) or git revisions of the
repository in the current directory (or --repo DIR): branches, tags, commits. Revisions are read with
git archive into a temporary folder that is removed afterwards. Two lab folders (traces/host-a
traces/host-b: two machines, or one lab imported twice) are compared scenario by scenario, and two
traces (traces/host-a/web-to-db.log traces/host-b/web-to-db.log) with each other, whatever their names.

Reports every trace whose recorded packets, hook lists, NAT rewrites, matched rules (the kernel's on
TRACE traces, the simulator's on LOG traces) or diagram source differ, and every ruleset whose text
changed. Lesson prose, times and MAC addresses are not compared.
  --markdown FILE  write the Markdown report there (default: stdout, unless --html is given)
  --html FILE      write the HTML report there: before/after diagrams side by side, changed steps marked
  --json FILE      write the comparison as JSON (what changed, per trace and packet) for scripts
  --details-url U  link the Markdown report to the full report (e.g. the CI run holding the HTML)
  --max-chars N    longest Markdown report (default ${GITHUB_COMMENT_LIMIT}, GitHub's comment limit);
                   traces that do not fit are counted in a last line linking to the details
  --no-svg         show Mermaid source instead of rendering the diagrams (no browser needed)
  --repo DIR       the git repository revisions are read from (default: the current directory)`;

function fail(message: string, hint: string, code = 2): number {
  process.stderr.write(`packetwalk diff: error: ${message}\nhint: ${hint}\n`);
  return code;
}

/** The before/after SVGs of every changed diagram, in the theme the report is read in (light). */
async function renderChanged(diff: FactsDiff): Promise<Map<string, string>> {
  const svgs = new Map<string, string>();
  const { createMermaidRenderer } = await import("../browser/mermaid-renderer.ts");
  const renderer = createMermaidRenderer();
  try {
    let n = 0;
    for (const t of diff.traces) {
      for (const direction of ["request", "reply"] as const) {
        for (const side of ["before", "after"] as const) {
          // Only the directions the report shows: the ones whose packet or diagram changed.
          if (
            t.kind === "changed" &&
            !t.diagrams.includes(direction) &&
            !t.packets.some((p) => p.direction === direction)
          )
            continue;
          const source = highlightChangedSteps(t, direction, side);
          if (!source) continue;
          const r = await renderer.render({ source, id: `pwdiff${++n}-${side}` });
          svgs.set(svgKey(t.name, direction, side), r.svg);
        }
      }
    }
  } finally {
    await renderer.close();
  }
  return svgs;
}

/**
 * Why a report cannot be written at `file` (undefined when it can): a folder there, or a file
 * where one of its folders would be. Checked before any work, so that no report is half written.
 */
export function outputProblem(flag: string, file: string): { message: string; hint: string } | undefined {
  const hint = `give a file path, e.g. ${flag} /tmp/packetwalk-diff/report.${flag.slice(2).replace("markdown", "md")}`;
  if (existsSync(file) && statSync(file).isDirectory())
    return { message: `${flag} ${file}: is a folder, not a file`, hint };
  for (let at = dirname(resolve(file)); ; at = dirname(at)) {
    if (existsSync(at)) {
      if (!statSync(at).isDirectory())
        return { message: `${flag} ${file}: ${at} is a file, so no folder can hold the report there`, hint };
      return undefined;
    }
    if (dirname(at) === at) return undefined;
  }
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = readCommandArgs(argv, {
    name: "diff",
    usage: USAGE,
    fail,
    options: {
      markdown: { type: "string" },
      html: { type: "string" },
      json: { type: "string" },
      "details-url": { type: "string" },
      "max-chars": { type: "string" },
      "no-svg": { type: "boolean" },
      repo: { type: "string" },
    },
  });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  if (positionals.length !== 2)
    return fail(
      `expected two versions A and B, got ${positionals.length}`,
      "packetwalk diff origin/main HEAD",
    );
  const maxChars = values["max-chars"] === undefined ? GITHUB_COMMENT_LIMIT : Number(values["max-chars"]);
  if (!Number.isInteger(maxChars) || maxChars < 200)
    return fail(
      `--max-chars must be a whole number of at least 200, not '${values["max-chars"]}'`,
      "omit it for GitHub's limit",
    );

  // Each report to its own file, checked before any work: a later failure would leave the first half written.
  const outputs = (["markdown", "html", "json"] as const).filter((k) => values[k] !== undefined);
  for (const k of outputs) {
    const problem = outputProblem(`--${k}`, String(values[k]));
    if (problem) return fail(problem.message, problem.hint);
  }
  for (const [i, k] of outputs.entries())
    for (const other of outputs.slice(i + 1))
      if (resolve(String(values[k])) === resolve(String(values[other])))
        return fail(
          `--${k} and --${other} name the same file, ${values[k]}: one report would overwrite the other`,
          "give each report its own file",
        );

  const opened: Version[] = [];
  try {
    for (const spec of positionals) opened.push(openVersion(spec, String(values.repo ?? process.cwd())));
    const [a, b] = opened as [Version, Version];
    const [namingA, namingB] = pairNaming(a, b);
    const before = readVersionFacts(a.tracesDir, namingA);
    const after = readVersionFacts(b.tracesDir, namingB);
    for (const p of [
      ...before.problems.map((x) => `${a.label}: ${x}`),
      ...after.problems.map((x) => `${b.label}: ${x}`),
    ])
      process.stderr.write(`packetwalk diff: warning: ${p}\n`);
    // A file that does not read drops its traces from that side: an error, or they read as removed.
    const fileProblems = [
      ...before.dropped.map((x) => `${a.label}: ${x}`),
      ...after.dropped.map((x) => `${b.label}: ${x}`),
    ];
    for (const p of fileProblems) process.stderr.write(`packetwalk diff: error: ${p}\n`);
    const problems = [
      ...before.unreadable.map((x) => `${a.label}: ${x}`),
      ...after.unreadable.map((x) => `${b.label}: ${x}`),
    ];
    for (const p of problems) process.stderr.write(`packetwalk diff: error: ${p}\n`);
    // Without marks on one side, every rule the other side marks would read as removed (or added).
    const unmarked = [
      ...before.unmarked.map((x) => `${a.label}: ${x}`),
      ...after.unmarked.map((x) => `${b.label}: ${x}`),
    ];
    for (const p of unmarked) process.stderr.write(`packetwalk diff: error: ${p}\n`);
    const diff = diffFacts(before.traces, after.traces, { before: before.rulesets, after: after.rulesets });
    const detailsUrl = values["details-url"] === undefined ? undefined : String(values["details-url"]);
    const markdown = formatMarkdown(diff, {
      from: a.label,
      to: b.label,
      maxChars,
      ...(detailsUrl ? { detailsUrl } : {}),
      problems,
      fileProblems,
      unmarked,
    });
    if (values.html) {
      const svgs =
        values["no-svg"] || diff.traces.length === 0 ? new Map<string, string>() : await renderChanged(diff);
      // The diagrams were measured in the site's font: the report carries the slices its labels use.
      const { embeddedFontCss } = await import("../browser/embed-fonts.ts");
      const fontCss = svgs.size ? embeddedFontCss([...svgs.values()].join(" ").replace(/<[^>]+>/g, " ")) : "";
      write(String(values.html), formatHtml(diff, { from: a.label, to: b.label, svgs, fontCss }));
    }
    if (values.json) {
      // Without the facts of each side: the changes are what a script wants.
      const changes = diff.traces.map(({ before: _b, after: _a, ...change }) => change);
      write(String(values.json), `${JSON.stringify({ ...diff, traces: changes }, null, 2)}\n`);
    }
    if (values.markdown) write(String(values.markdown), markdown);
    else if (!values.html && !values.json) process.stdout.write(markdown);
    process.stderr.write(
      `packetwalk diff: ${diff.traces.length} trace(s) changed, ${diff.unchanged} unchanged, ${diff.rulesets.length} ruleset(s) changed${fileProblems.length ? `; ${fileProblems.length} file(s) could not be read (above), so their traces show as removed or added` : ""}${problems.length ? `; ${problems.length} log line(s) could not be read (above), so the report may be wrong where they are` : ""}${unmarked.length ? `; ${unmarked.length} trace(s) compared without their matched rules (above), so those show as removed or added` : ""}\n`,
    );
    // The report is still written (it shows the problems), but a CI job must not pass on it.
    return problems.length || fileProblems.length || unmarked.length ? 1 : 0;
  } catch (error) {
    if (error instanceof DiffInputError) return fail(error.message, error.hint);
    return fail(error instanceof Error ? error.message : String(error), "see the message above", 1);
  } finally {
    for (const v of opened) v.cleanup();
  }
}
