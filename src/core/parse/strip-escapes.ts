/**
 * Removes the terminal escape sequences a saved log can hold (`dmesg --color=always`,
 * journalctl under SYSTEMD_COLORS, a copy from a terminal, `grep --color`): CSI
 * sequences (`ESC [ 32m`, `ESC [ K`), OSC strings (`ESC ] 8;;url BEL`, hyperlinks),
 * the other string sequences and two-byte escapes, keeping where each remaining
 * character stood, so positions still point into the line as saved.
 */

/**
 * Where the characters of a text read out of a line stand in that line, by runs: pairs
 * `[t0, l0, t1, l1, ...]` (t ascending), `text[i]` for `t_k <= i < t_k+1` being the line's
 * `l_k + i - t_k`; the last pair maps `text.length` to where the text ends in the line.
 * A handful of runs per line: cheaper to build than one index per character.
 */
export type PositionMap = number[];

/** The index in the line of `text[i]` (`i` up to the text's length) by `map` (see {@link PositionMap}). */
export function lineIndex(map: PositionMap, i: number): number {
  let k = map.length - 2;
  while (k > 0 && (map[k] as number) > i) k -= 2;
  return (map[k + 1] as number) + Math.min(i, map[map.length - 2] as number) - (map[k] as number);
}

/** A line without its escape sequences. */
export interface StrippedLine {
  /** The line's text without escape sequences. */
  text: string;
  /** Where its characters stand in the line (empty when not asked for). */
  map: PositionMap;
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
 * fill {@link StrippedLine.map}; false leaves it empty (for a whole text, whose positions nobody reads).
 */
export function stripEscapes(line: string, positions = true): StrippedLine {
  const map: PositionMap = [];
  let text = "";
  let from = 0;
  for (let esc = line.indexOf("\x1b"); ; esc = line.indexOf("\x1b", from)) {
    const to = esc < 0 ? line.length : esc;
    if (positions && to > from) map.push(text.length, from);
    text += line.slice(from, to);
    if (esc < 0) break;
    from = escapeEnd(line, esc);
  }
  if (positions) map.push(text.length, line.length);
  return { text, map };
}
