/**
 * Finds where a ruleset "text" is not text (a NUL or another control
 * character, or bytes that were not UTF-8), so that a binary file is rejected
 * at a position instead of being parsed, and quoted, to the terminal.
 */

/** Line and column (1-based) of the first character no text ruleset holds, or undefined. */
export function findBinary(
  text: string,
  firstLine = 1,
): { line: number; column: number; what: string } | undefined {
  const at = firstNonText(text);
  if (at < 0) return undefined;
  const before = text.slice(0, at);
  const nl = before.lastIndexOf("\n");
  const code = text.charCodeAt(at);
  return {
    line: firstLine + before.split("\n").length - 1,
    column: at - nl,
    what:
      code === 0xfffd
        ? "bytes that are not UTF-8"
        : `the control character 0x${code.toString(16).padStart(2, "0")}`,
  };
}

/** Index of the first control character or U+FFFD in `text`, or -1. */
function firstNonText(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Tab, line feed, form feed and carriage return are text; U+FFFD is what undecodable bytes became.
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 127 || c === 0xfffd) return i;
  }
  return -1;
}
