/**
 * The diff as GitHub-flavoured Markdown for a pull request comment: a summary
 * line, the changed rulesets, then one section per changed trace. It never
 * exceeds `maxChars` (GitHub's comment limit is 65,536): sections that do not
 * fit are left out whole and counted in a last line that links to the details.
 */
import type { DiffLine, FactsDiff, PacketChange, TraceChange } from "./diff-facts.ts";
import { stepName } from "./diff-facts.ts";

/** Options of {@link formatMarkdown}. */
export interface MarkdownOptions {
  /** Names of the two versions, as given (`origin/main`, `HEAD`, a folder). */
  from: string;
  to: string;
  /** Link to the full (HTML) report, shown in the summary and when sections are left out. */
  detailsUrl?: string;
  /** Hard limit on the length, in UTF-16 code units like GitHub counts. Default 65,536. */
  maxChars?: number;
  /** Log lines that could not be read (`file:line:col: ...`), listed under the summary. Default: none. */
  problems?: readonly string[];
  /** Files that could not be read (an invalid lab.json or trace metadata): their traces show as removed or added. Default: none. */
  fileProblems?: readonly string[];
  /** LOG traces compared without their matched rules (their lab does not load in the simulator). Default: none. */
  unmarked?: readonly string[];
}

/** Problems listed in the comment at most; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 10;

/** GitHub's limit on a comment's body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** Problems as quoted list items: the first line of each, the first {@link MAX_PROBLEMS_SHOWN}, the rest counted. */
function listed(problems: readonly string[]): string[] {
  const shown = problems
    .slice(0, MAX_PROBLEMS_SHOWN)
    .map((p) => `> - ${code(p.split("\n")[0]?.slice(0, 300) ?? "")}`);
  if (problems.length > MAX_PROBLEMS_SHOWN)
    shown.push(`> - …and ${problems.length - MAX_PROBLEMS_SHOWN} more`);
  return shown;
}

function diffBlock(lines: DiffLine[], indent = ""): string {
  const body = lines.map((l) => `${indent}${l.op === "add" ? "+" : l.op === "del" ? "-" : " "}${l.text}`);
  return [`${indent}\`\`\`diff`, ...body, `${indent}\`\`\``].join("\n");
}

function packetLines(p: PacketChange): string[] {
  const out = [`- packet #${p.id} (${p.direction})`];
  if (p.summary) out.push(`  - summary: ${code(p.summary.before)} → ${code(p.summary.after)}`);
  if (p.hooks) out.push("  - hook list:", "", diffBlock(p.hooks, "    "), "");
  if (p.rewrites) {
    const show = (r: string[]) => (r.length ? r.map(code).join(", ") : "none");
    out.push(`  - NAT rewrites: ${show(p.rewrites.before)} → ${show(p.rewrites.after)}`);
  }
  for (const m of p.matched) {
    const lines = [
      ...m.before.map((text) => ({ op: "del" as const, text })),
      ...m.after.map((text) => ({ op: "add" as const, text })),
    ];
    out.push(`  - ${stepName(m)} ${code(m.hook)}, matched rules:`, "", diffBlock(lines, "    "), "");
  }
  return out;
}

/** The Markdown section of one trace. */
export function traceSection(t: TraceChange): string {
  const head = `### ${code(t.name)} ${t.title.replace(/[\r\n]+/g, " ")} (${t.kind})`;
  if (t.kind !== "changed") {
    const facts = t.after ?? t.before;
    return `${head}\n\n${facts?.packets.length ?? 0} packet(s), ${facts?.origin}, ${facts?.mode} mode.\n`;
  }
  const lines = [head, ""];
  for (const p of t.packetsRemoved) lines.push(`- packet removed: ${code(p)}`);
  for (const p of t.packetsAdded) lines.push(`- packet added: ${code(p)}`);
  for (const p of t.packets) lines.push(...packetLines(p));
  if (t.diagrams.length) lines.push(`- diagram source changed: ${t.diagrams.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** The report. */
export function formatMarkdown(diff: FactsDiff, options: MarkdownOptions): string {
  const max = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const changed = diff.traces.length;
  const added = diff.traces.filter((t) => t.kind === "added").length;
  const removed = diff.traces.filter((t) => t.kind === "removed").length;
  const details = options.detailsUrl ? ` ([details](${options.detailsUrl}))` : "";
  const summary =
    changed === 0 && diff.rulesets.length === 0
      ? `No trace changed: ${diff.unchanged} compared; packets, hook lists, NAT rewrites, matched rules and diagrams are the same.`
      : `**${changed} trace(s) changed**${added || removed ? ` (${added} added, ${removed} removed)` : ""}, ${diff.unchanged} unchanged; ${diff.rulesets.length} ruleset(s) changed.${details}`;
  const problems = options.problems ?? [];
  const warning = problems.length
    ? `\n> **${problems.length} log line(s) could not be read**: a packet shown as changed may only have lost them.\n>\n${listed(problems).join("\n")}\n`
    : "";
  // A lab or trace that does not read is absent from its side, so it reads as removed (or added).
  const files = options.fileProblems ?? [];
  const fileWarning = files.length
    ? `\n> **${files.length} file(s) could not be read**: the traces they hold are shown as removed or added, which they may not be.\n>\n${listed(files).join("\n")}\n`
    : "";
  const unmarked = options.unmarked ?? [];
  const unmarkedWarning = unmarked.length
    ? `\n> **${unmarked.length} trace(s) compared without their matched rules**: the simulator could not load their lab on one side, so their rule marks show as removed or added, which they may not be.\n>\n${listed(unmarked).join("\n")}\n`
    : "";
  const header = `## packetwalk diff\n\n${code(options.from)} → ${code(options.to)}: ${summary}\n${fileWarning}${unmarkedWarning}${warning}`;
  const sections: string[] = [];
  if (diff.rulesets.length) {
    const parts = diff.rulesets.map(
      (r) => `<details><summary>${code(r.name)} (${r.kind})</summary>\n\n${diffBlock(r.lines)}\n\n</details>`,
    );
    sections.push(`### Rulesets\n\n${parts.join("\n\n")}\n`);
  }
  sections.push(...diff.traces.map(traceSection));

  let out = header;
  // Room kept for the closing line, as long as the longest it can be.
  const reserve = tail(sections.length, options.detailsUrl).length + 1;
  for (const [i, section] of sections.entries()) {
    const last = i === sections.length - 1;
    if (out.length + 1 + section.length + (last ? 0 : reserve) > max) {
      out += `\n${tail(sections.length - i, options.detailsUrl)}`;
      break;
    }
    out += `\n${section}`;
  }
  return out.length <= max ? out : `${out.slice(0, max - 1)}…`;
}

function tail(count: number, url: string | undefined): string {
  return `_…and ${count} more section(s) not shown here (comment size limit)${url ? `: see the [full report](${url})` : ""}._\n`;
}
