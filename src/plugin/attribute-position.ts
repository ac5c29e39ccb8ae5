/**
 * Where an attribute of a directive is written: a problem with `direction="sideways"` is reported at
 * `direction`, not at the `::` the directive starts with, so an editor's jump lands on it.
 */

/** A point in a file: 1-based line and column. */
export interface LinePoint {
  line: number;
  column: number;
}

/**
 * The position of `attribute` inside `source` (the directive's text as written, which starts at
 * `start`), or `start` when it is not written there (a default, a missing `src`).
 */
export function attributePosition(source: string, start: LinePoint, attribute: string): LinePoint {
  const at = attributeIndex(source, attribute);
  if (at < 0) return start;
  const before = source.slice(0, at);
  const newline = before.lastIndexOf("\n");
  if (newline < 0) return { line: start.line, column: start.column + at };
  return { line: start.line + before.split("\n").length - 1, column: at - newline };
}

/** Where `attribute`'s name starts among the attributes in braces, skipping quoted values; -1 when absent. */
function attributeIndex(source: string, attribute: string): number {
  let i = source.indexOf("{");
  if (i < 0) return -1;
  for (i++; i < source.length; ) {
    const c = source[i] as string;
    if (c === '"' || c === "'") {
      const close = source.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close + 1;
    } else if (/[\w.#-]/.test(c)) {
      let end = i;
      while (end < source.length && /[\w.:-]/.test(source[end] as string)) end++;
      if (source.slice(i, end) === attribute) return i;
      i = end;
    } else i++;
  }
  return -1;
}
