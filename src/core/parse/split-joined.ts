/**
 * Finds where a line that lost its newlines (a web page, a chat paste) may hold the next log
 * record: a word after a space that opens the same envelope (time stamp, host, tag) as the line.
 */
import { detectEnvelope, type Envelope } from "./detect-envelope.ts";
import { lineIndex, type PositionMap } from "./strip-escapes.ts";

/** At most this many records are read out of one line. */
const MAX_JOINED = 64;

/**
 * The indexes in `line` after its message start where a record with an envelope of the line's own
 * kind starts, in order; empty for a bare line (no stamp to split at). Called only for a line that
 * did not read: the caller checks which of them are records' ends (a LOG prefix can hold a date).
 */
export function joinedRecordStarts(line: string, envelope: Envelope): number[] {
  const starts: number[] = [];
  if (envelope.kind === "bare" || envelope.kind === "journal-verbose") return starts;
  const first = line.charCodeAt(0);
  for (let sp = line.indexOf(" ", envelope.bodyStart); sp >= 0; sp = line.indexOf(" ", sp + 1)) {
    const at = sp + 1;
    const c = line.charCodeAt(at);
    // A stamp starts as the line's own does: a digit, `[`, `<`, or a letter (a month, a day, a facility).
    const same =
      c === first ||
      (c >= 48 && c <= 57 && first >= 48 && first <= 57) ||
      (c >= 65 && c <= 90 && first >= 65 && first <= 90) ||
      (c >= 97 && c <= 122 && first >= 97 && first <= 122) ||
      (c >= 0x80 && first >= 0x80);
    if (!same) continue;
    const env = detectEnvelope(line.slice(at));
    if (env.kind === envelope.kind && env.bodyStart > 0) {
      starts.push(at);
      if (starts.length >= MAX_JOINED) break;
    }
  }
  return starts;
}

/**
 * The map of a piece `[from, from + length)` of a text whose map in its line is `map` (undefined:
 * the text is the line): where the piece's characters stand in the line (see {@link PositionMap}).
 */
export function pieceMap(map: PositionMap | undefined, from: number, length: number): PositionMap {
  if (!map) return [0, from, length, from + length];
  const piece = [0, lineIndex(map, from)];
  for (let k = 0; k < map.length; k += 2) {
    const t = map[k] as number;
    if (t > from && t < from + length) piece.push(t - from, map[k + 1] as number);
  }
  piece.push(length, lineIndex(map, from + length));
  return piece;
}
