/**
 * The start of a line quoted in a message: whole when short, else cut with an ellipsis, so the quote
 * never shows a name the file does not hold (a chain name cut at 20 characters read as another).
 */

/** `text` up to `max` characters (default 32), with `…` where it was cut. */
export function quoteStart(text: string, max = 32): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
