/**
 * Where a line of rule text or of addresses may wrap. A browser breaks a line after any hyphen, so
 * on a phone `-j DROP` reads `-` / `j DROP` and `->` reads `-` / `>`; the words with a hyphen are
 * kept whole, and lines wrap at spaces. One split for the lesson pages and the playground. Pure.
 */

/** A word kept whole is at most this long: a longer one (a long chain name) must still wrap on a phone. */
const KEEP_MAX = 24;

/** A run of `text`: a word or the spaces between words; `keep` when no line may break inside it. */
export interface WordPiece {
  text: string;
  keep: boolean;
}

/** `text` split at whitespace, each piece in order (joined, they give `text` back). */
export function keepWords(text: string): WordPiece[] {
  return text
    .split(/(\s+)/)
    .filter((t) => t !== "")
    .map((t) => ({ text: t, keep: t.length <= KEEP_MAX && t.includes("-") && !/\s/.test(t) }));
}
