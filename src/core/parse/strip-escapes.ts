/**
 * Removes the terminal escape sequences a saved log can hold (`dmesg --color=always`,
 * journalctl under SYSTEMD_COLORS, a copy from a terminal, `grep --color`): CSI
 * sequences (`ESC [ 32m`, `ESC [ K`), OSC strings (`ESC ] 8;;url BEL`, hyperlinks),
 * the other string sequences and two-byte escapes, keeping where each remaining
 * character stood, so positions still point into the line as saved.
 */

/** A line without its escape sequences. */
export interface StrippedLine {
  /** The line's text without escape sequences. */
  text: string;
  /** `at[i]`: index in the original line of `text[i]`; `at[text.length]`: the original line's length. */
  at: number[];
}

/** Index after the escape sequence whose ESC is at `i` (a sequence cut by the line's end ends there). */
function escapeEnd(line: string, i: number): number {
  const n = line.length;
  const c = line.charCodeAt(i + 1);
  let j = i + 2;
  if (c === 91) {
    // CSI: parameter and intermediate bytes (0x20-0x3f), then one final byte (0x40-0x7e).
    while (j < n && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x3f) j++;
    const f = line.charCodeAt(j);
    return f >= 0x40 && f <= 0x7e ? j + 1 : j;
  }
  // OSC, DCS, SOS, PM, APC: a string up to BEL or ESC \ (ST); an unended one stops at the line's end.
  if (c === 93 || c === 80 || c === 88 || c === 94 || c === 95) {
    for (; j < n; j++) {
      const d = line.charCodeAt(j);
      if (d === 10) return j;
      if (d === 7) return j + 1;
      if (d === 27 && line.charCodeAt(j + 1) === 92) return j + 2;
    }
    return n;
  }
  // nF (`ESC ( B`): intermediate bytes, then a final byte; Fp/Fe/Fs: one byte.
  j = i + 1;
  while (j < n && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x2f) j++;
  const f = line.charCodeAt(j);
  return f >= 0x30 && f <= 0x7e ? j + 1 : j;
}

/**
 * `line` without its escape sequences (see the module comment). `positions` (default true):
 * fill {@link StrippedLine.at}; false leaves it empty (for a whole text, whose positions nobody reads).
 */
export function stripEscapes(line: string, positions = true): StrippedLine {
  const at: number[] = [];
  let text = "";
  let from = 0;
  for (let esc = line.indexOf("\x1b"); ; esc = line.indexOf("\x1b", from)) {
    const to = esc < 0 ? line.length : esc;
    text += line.slice(from, to);
    if (positions) for (let k = from; k < to; k++) at.push(k);
    if (esc < 0) break;
    from = escapeEnd(line, esc);
  }
  at.push(line.length);
  return { text, at };
}
