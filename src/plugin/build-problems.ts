/**
 * Content mistakes found while rendering lessons, collected so the build can
 * stop with one clean, positioned report instead of Astro printing an error
 * object and carrying on with an empty page.
 */
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import type { Diagnostic } from "../core/model/packet.ts";

// Astro loads the remark plugin and the integration through different module graphs: one list per process.
const KEY = Symbol.for("packetwalk.problems");
const slot = globalThis as { [KEY]?: Diagnostic[] };

/** Records a problem (kept until {@link takeProblems}). */
export function reportProblem(problem: Diagnostic): void {
  slot[KEY] ??= [];
  slot[KEY].push(problem);
}

/** Returns the recorded problems and forgets them. */
export function takeProblems(): Diagnostic[] {
  const list = slot[KEY] ?? [];
  slot[KEY] = [];
  return list;
}

/** The problems as the lines a person reads. */
export function formatProblems(problems: Diagnostic[]): string[] {
  return problems.map(formatDiagnostic);
}
