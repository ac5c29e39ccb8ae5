/**
 * Splits one rule line into words the way iptables-save quotes them (double quotes, `\"` and `\\`
 * escapes), keeping each word's 1-based column for positioned errors.
 */

/** One word of a rule line. */
export interface Token {
  /** The word with quotes removed and escapes resolved. */
  value: string;
  /** 1-based column of the word's first character in the line. */
  column: number;
  /** Set when any part of the word was quoted: `"-s"` or `"!"` is a value, never an option or `!`. */
  quoted?: true;
}

/** Result of tokenizing: the words, or the column of an unterminated quote. */
export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; column: number; message: string };

/**
 * Tokenizes `line`; never throws. `verbatim` (default false): a backslash inside double quotes is kept as
 * written, as ebtables-save prints a prefix (`"fw\x"` is `fw\x`; ebtables refuses a `"` in it).
 */
export function tokenizeRule(line: string, verbatim = false): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === " " || line[i] === "\t")) i++;
    if (i >= n) break;
    const column = i + 1;
    let value = "";
    let quoted = false;
    while (i < n && line[i] !== " " && line[i] !== "\t") {
      const ch = line[i] as string;
      if (ch === '"' || ch === "'") {
        const quote = ch;
        const start = i;
        quoted = true;
        i++;
        while (i < n && line[i] !== quote) {
          if (!verbatim && line[i] === "\\" && quote === '"' && i + 1 < n) i++;
          value += line[i];
          i++;
        }
        if (i >= n) return { ok: false, column: start + 1, message: `unterminated ${quote} quote` };
        i++;
      } else {
        value += ch;
        i++;
      }
    }
    tokens.push(quoted ? { value, column, quoted: true } : { value, column });
  }
  return { ok: true, tokens };
}
