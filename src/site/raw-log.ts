/**
 * The raw kernel log a trace page shows under its figure: the log's lines, at most a given number,
 * as a reader sees them. A log saved with CRLF line ends (a Windows editor, a copy from a Windows
 * terminal) shows without its `\r`s, as the parser reads it.
 */

/** What a trace page shows of a log: its line count and the text of the lines shown. */
export interface RawLog {
  /** How many non-empty lines the log has. */
  count: number;
  /** The whole log when it has at most `max` lines (blank lines kept), else its first `max` lines, each ending in `\n`. */
  shown: string;
  /** Whether lines were left out (`count` > `max`). */
  cut: boolean;
}

/** The lines of `text` a page lists, at most `max`; a `\r` before each line end is dropped. */
export function rawLog(text: string, max: number): RawLog {
  // The parser drops a trailing `\r` before it reads a line: the listing drops it too, so the count and the lines agree.
  const lines = text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  const kept = lines.filter((line) => line !== "");
  const cut = kept.length > max;
  return { count: kept.length, shown: cut ? `${kept.slice(0, max).join("\n")}\n` : lines.join("\n"), cut };
}
