/**
 * Prints diagnostics with the repeats folded: warnings alike in file, message and hint (ufw's
 * thirteen `-m limit` rules; a match left to chance whatever its numbers) are printed once, at the first position, followed by
 * `and N more rules like it (lines a, b, c)` (or `lines`, for a log's). Errors are printed one by one: each is to be mended.
 */
import type { Diagnostic } from "../model/packet.ts";
import { formatDiagnostic } from "./format-diagnostic.ts";

/** Most line numbers listed after a folded warning. Default cap of {@link formatFoldedDiagnostics}. */
export const FOLDED_LINES_SHOWN = 20;

/** A warning and the later ones alike in file, message and hint (an error is never folded: each is to be mended). */
export interface FoldedDiagnostic {
  first: Diagnostic;
  /** The later alike warnings, in order; empty when none. */
  more: Diagnostic[];
}

/**
 * The message as warnings fold by it: a match left to chance is alike whatever its numbers (kube-proxy
 * writes one `--probability` per endpoint count, and 2,000 services printed 59 warnings of one kind),
 * and a line without its trailing space whatever its last field.
 */
function alikeMessage(d: Diagnostic): string {
  // The hints of chance, rate and earlier-traffic matches (`unmodelled-hints.ts`) all start so; the test
  // of the start keeps their text out of the page that folds warnings.
  const isChanceHint = d.hint?.startsWith("its result ") ?? false;
  if (isChanceHint) return d.message.replace(/\d+(?:\.\d+)?/g, "#");
  // A log copied without its trailing spaces warns on every line, each naming its own last field: one fold.
  return d.message.startsWith("the line ends without the space")
    ? d.message.replace(/'.*'/s, "''")
    : d.message;
}

/** Groups `diagnostics` in order, folding alike warnings into their first. */
export function foldDiagnostics(diagnostics: readonly Diagnostic[]): FoldedDiagnostic[] {
  const out: FoldedDiagnostic[] = [];
  const byKey = new Map<string, FoldedDiagnostic>();
  for (const d of diagnostics) {
    if (d.severity === "error") {
      out.push({ first: d, more: [] });
      continue;
    }
    const key = `${d.position.file}\0${alikeMessage(d)}\0${d.hint ?? ""}`;
    const group = byKey.get(key);
    if (group) group.more.push(d);
    else {
      const fresh = { first: d, more: [] };
      byKey.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/**
 * Formats `diagnostics` in order, folding alike warnings into their first; one string per printed diagnostic.
 * @param shown most line numbers listed per fold; default {@link FOLDED_LINES_SHOWN}
 * @param noun what each folded warning is about, singular (`rule`, default: a ruleset's; `line`: a log's)
 * @param format how one diagnostic is printed; default {@link formatDiagnostic}
 */
export function formatFoldedDiagnostics(
  diagnostics: readonly Diagnostic[],
  shown = FOLDED_LINES_SHOWN,
  noun = "rule",
  format: (d: Diagnostic) => string = formatDiagnostic,
): string[] {
  return foldDiagnostics(diagnostics).map(({ first, more }) => {
    if (!more.length) return format(first);
    // Each line once: a rule that repeats a problem on its own line (`accept accept ...`) lists it once.
    const lines = [...new Set(more.map((d) => d.position.line))];
    const listed = lines.slice(0, shown).join(", ");
    const rest = lines.length > shown ? ` and ${lines.length - shown} more` : "";
    return `${format(first)}\n  and ${more.length} more ${noun}${more.length === 1 ? "" : "s"} like it (line${lines.length === 1 ? "" : "s"} ${listed}${rest})`;
  });
}
