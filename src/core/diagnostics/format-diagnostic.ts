/**
 * One way to print a positioned problem, shared by the CLI, the build and the tests:
 * `file:line:col: error: message` and, on the next line, `  hint: ...`.
 */
import type { Diagnostic } from "../model/packet.ts";

/** Formats a diagnostic as one line (plus a hint line when there is a hint). */
export function formatDiagnostic(d: Diagnostic): string {
  const { file, line, column } = d.position;
  const head = `${file}:${line}:${column}: ${d.severity}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

/** Finds the closest candidate to `input` by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  // Past half the length the suggestion is noise.
  return best !== undefined && bestDistance <= Math.max(2, Math.ceil(input.length / 2)) ? best : undefined;
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}
