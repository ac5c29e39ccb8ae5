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
  /** Set when a single-quoted part held a space or tab: iptables-restore and ebtables-restore quote only with `"`, and split it there. */
  split?: true;
}

/**
 * Result of tokenizing: the words, or the column of an unterminated quote. `open`: with `toLineEnd`, the
 * column of a quote never closed, whose word ran to the end of the line.
 */
export type TokenizeResult =
  | { ok: true; tokens: Token[]; open?: number }
  | { ok: false; column: number; message: string };

/**
 * Tokenizes `line`; never throws. `verbatim` (default false): a backslash inside double quotes is kept as
 * written, as ebtables-save prints a prefix (`"fw\x"` is `fw\x`; ebtables refuses a `"` in it).
 * `toLineEnd` (default false): a quote never closed takes the rest of the line, as iptables-restore
 * reads it, instead of failing.
 */
export function tokenizeRule(line: string, verbatim = false, toLineEnd = false): TokenizeResult {
  const tokens: Token[] = [];
  let open: number | undefined;
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === " " || line[i] === "\t")) i++;
    if (i >= n) break;
    const column = i + 1;
    let value = "";
    let quoted = false;
    let split = false;
    while (i < n && line[i] !== " " && line[i] !== "\t") {
      const ch = line[i] as string;
      // The tools take `'` as a letter (`'abc'` keeps its quotes); only a space in single quotes is told apart,
      // when they open a word or a value (`'a b'`, `--comment='a b'`; `it's ... 'x'` is two apostrophes).
      const close = ch === "'" ? line.indexOf("'", i + 1) : -1;
      const spaced = close !== -1 && /\s/.test(line.slice(i, close));
      if (ch === '"' || (spaced && (i === column - 1 || line[i - 1] === "="))) {
        const quote = ch;
        const start = i;
        quoted = true;
        i++;
        while (i < n && line[i] !== quote) {
          if (!verbatim && line[i] === "\\" && quote === '"' && i + 1 < n) i++;
          value += line[i];
          i++;
        }
        if (quote === "'") split = true;
        if (i >= n && !toLineEnd)
          return { ok: false, column: start + 1, message: `unterminated ${quote} quote` };
        // iptables-restore's own splitting: an open quote takes the rest of the line into its word.
        if (i >= n) open = start + 1;
        i++;
      } else {
        // A closed pair is kept whole, so its closing `'` opens nothing.
        const end = close === -1 || spaced || line.slice(i, close).includes('"') ? i + 1 : close + 1;
        value += line.slice(i, end);
        i = end;
      }
    }
    const token: Token = quoted ? { value, column, quoted: true } : { value, column };
    tokens.push(split ? { ...token, split: true } : token);
  }
  return open === undefined ? { ok: true, tokens } : { ok: true, tokens, open };
}

/** The refusal of a single-quoted value holding a space (see {@link Token.split}). */
export function singleQuoteMessage(tool: "iptables-restore" | "ebtables-restore", word: string): string {
  return `'${word}' is in single quotes, which ${tool} does not read as quotes: it splits the value at its space and refuses the line`;
}

/** The hint of {@link singleQuoteMessage}. */
export const SINGLE_QUOTE_HINT = 'quote with double quotes, as the save tools print a value: "one two"';

/** The warning for a quote never closed, which `tool` reads to the end of the line (see `toLineEnd`). */
export function openQuoteMessage(tool: "iptables-restore" | "ebtables-restore", word: string): string {
  return `the quote is never closed: ${tool} reads the rest of the line as one word ('${word}'), and the rule is read so`;
}

/** The hint of {@link openQuoteMessage}. */
export const OPEN_QUOTE_HINT =
  "close the quote where the value ends; what came after it (a -j target, say) is part of the value now";
