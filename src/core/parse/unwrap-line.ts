/**
 * The text a line's envelope and message are read from: the line itself, the line without the
 * terminal escape sequences a coloured log holds, or the MESSAGE of a journalctl JSON record;
 * with where each of its characters stands in the line, for positions.
 */
import { detectEnvelope, type Envelope } from "./detect-envelope.ts";
import { readJournalJson } from "./journal-json.ts";
import type { ErrorLine } from "./parsed-line.ts";
import { stripEscapes } from "./strip-escapes.ts";

/** A line ready to be read. */
export interface UnwrappedLine {
  /** What {@link envelope} indexes: the line, or the text read out of it. */
  text: string;
  envelope: Envelope;
  /** `at[i]`: index in the line of `text[i]` (`at[text.length]`: the end); undefined when `text` is the line. */
  at?: number[];
  /** A damaged JSON record, positioned in the line. */
  error?: ErrorLine;
}

/** Whether {@link unwrapLine} can find more than {@link detectEnvelope} on a line starting with `c0`, of `line`. */
export function needsUnwrap(line: string, c0: number): boolean {
  return c0 === 123 || c0 <= 32 || c0 === 0xfeff || line.indexOf("\x1b") >= 0;
}

/** Reads what wraps `line` (without its newline and trailing `\r`). Never throws. */
export function unwrapLine(line: string): UnwrappedLine {
  const c0 = line.charCodeAt(0);
  const json = c0 === 123 || c0 <= 32 || c0 === 0xfeff ? readJournalJson(line) : undefined;
  if (json && "kind" in json)
    return { text: line, envelope: { kind: "bare", bodyStart: 0, kernel: false }, error: json };
  if (json) {
    let text = json.text ?? "";
    let at = json.at;
    if (text.includes("\x1b")) {
      const s = stripEscapes(text);
      text = s.text;
      at = s.at.map((k) => json.at[k] as number);
    }
    const envelope: Envelope = { kind: "journal-json", bodyStart: 0, kernel: json.kernel };
    if (json.time !== undefined) envelope.time = json.time;
    return { text, envelope, at };
  }
  if (line.indexOf("\x1b") < 0) return { text: line, envelope: detectEnvelope(line) };
  const s = stripEscapes(line);
  return { text: s.text, envelope: detectEnvelope(s.text), at: s.at };
}

/** The 1-based column in the line of 1-based `column` in the text `at` maps (see {@link UnwrappedLine.at}). */
export function lineColumn(at: number[] | undefined, column: number): number {
  return at === undefined ? column : (at[Math.min(column, at.length) - 1] as number) + 1;
}
