/**
 * Where each member and element of a JSON text starts, so a schema problem found in the parsed
 * value can be shown at `file:line:col` in the file a contributor edits. Pure.
 */

/** A position in a text: 1-based line and column. */
export interface TextPosition {
  line: number;
  column: number;
}

/** The line and column of `offset` in `text` (columns count UTF-16 code units, as editors do for these files). */
export function positionAt(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/** The key for a value's path: `["hosts", 1, "mac"]` and the zod issue path give the same one. */
function pathKey(path: ReadonlyArray<PropertyKey>): string {
  return JSON.stringify(path.map((p) => (typeof p === "number" ? p : String(p))));
}

/**
 * The offset of each object member's key and each array element in `text`, by path. `text` must
 * be valid JSON (parse it first); a text that is not gives what was read before the problem.
 */
export function jsonOffsets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const readString = (): string => {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    const value = JSON.parse(text.slice(i, j + 1)) as string;
    i = j + 1;
    return value;
  };
  const value = (path: PropertyKey[], depth: number): void => {
    // A file nested deeper than any lab.json is not walked further: its outer positions still serve.
    if (depth > 64) throw new RangeError("too deep");
    skip();
    const c = text[i];
    if (c === "{" || c === "[") {
      i++;
      let index = 0;
      for (;;) {
        skip();
        if (text[i] === "}" || text[i] === "]" || i >= text.length) {
          i++;
          return;
        }
        let child: PropertyKey[];
        if (c === "{") {
          const at = i;
          child = [...path, readString()];
          out.set(pathKey(child), at);
          skip();
          i++; // the colon
        } else {
          skip();
          child = [...path, index++];
          out.set(pathKey(child), i);
        }
        value(child, depth + 1);
        skip();
        if (text[i] === ",") i++;
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++;
  };
  try {
    value([], 0);
  } catch {
    // Positions read so far are kept.
  }
  return out;
}

/**
 * The position of the value at `path` in `text`, or of the nearest enclosing member or element
 * found there (a missing field is shown at the object that lacks it); `1:1` for the top level.
 */
export function positionOfPath(
  text: string,
  path: ReadonlyArray<PropertyKey>,
  offsets: Map<string, number> = jsonOffsets(text),
): TextPosition {
  for (let n = path.length; n > 0; n--) {
    const at = offsets.get(pathKey(path.slice(0, n)));
    if (at !== undefined) return positionAt(text, at);
  }
  return { line: 1, column: 1 };
}

/**
 * The position of the value at `path` in `text` (for an object member, past its key and colon), or,
 * when the path is not there, of the nearest enclosing member or element as {@link positionOfPath}.
 */
export function positionOfValue(
  text: string,
  path: ReadonlyArray<PropertyKey>,
  offsets: Map<string, number> = jsonOffsets(text),
): TextPosition {
  const at = offsets.get(pathKey(path));
  if (at === undefined || typeof path[path.length - 1] === "number" || text[at] !== '"')
    return positionOfPath(text, path, offsets);
  // A member's offset is its key's: step over the key string, then the colon and the blanks around it.
  let i = at + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  i++;
  while (i < text.length && /[\s:]/.test(text[i] as string)) i++;
  return positionAt(text, i);
}
