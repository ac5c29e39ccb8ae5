/**
 * Finds where a line that lost its newlines (a web page, a chat paste) may hold the next log
 * record: a word after a space that opens the same envelope (time stamp, host, tag) as the line,
 * or, in a line without one, the start of a trace tool's line or the line's own LOG prefix again.
 */
import { detectEnvelope, type Envelope } from "./detect-envelope.ts";
import { findFieldsStart } from "./read-log-fields.ts";
import { recordStartIn } from "./record-start.ts";
import { lineIndex, type PositionMap } from "./strip-escapes.ts";

/** At most this many records are read out of one line. */
const MAX_JOINED = 64;

/** Envelopes of one syslog file: a program's line (`pppd[1051]: `) and the kernel's (`kernel: [ 1.2] `) alike. */
const SYSLOG_KINDS = new Set(["journal", "syslog", "journal-iso", "busybox"]);

/** Whether a record of envelope `kind` may follow one of `first` in a joined line. */
function sameKind(kind: string, first: string): boolean {
  return kind === first || (SYSLOG_KINDS.has(kind) && SYSLOG_KINDS.has(first));
}

/** The end of a kernel line's envelope: `kernel:`, and its uptime stamp if it has one. */
const OWN_ENVELOPE_END = /kernel:(?: +\[ *\d+\.\d+\])?$/;

/**
 * The indexes after `from` in `line` where a LOG line with a bracketed prefix starts (`[UFW BLOCK] IN=`,
 * `[FW] DROP IN=`): after a space, a `[` whose text holds no `=` (an ICMP error's quoted packet,
 * `[SRC=...]`, does), then within a prefix's length the fields' `IN=<ifname> OUT=` with no `=` before.
 * A joined line's next record starts so whatever the line's own prefix (ufw's BLOCK after its ALLOW).
 */
export function prefixRecordStarts(line: string, from: number): number[] {
  const starts: number[] = [];
  for (
    let sp = line.indexOf(" [", from);
    sp >= 0 && starts.length < MAX_JOINED;
    sp = line.indexOf(" [", sp + 2)
  ) {
    const open = sp + 1;
    const close = line.indexOf("]", open);
    // A LOG prefix is at most 29 characters (iptables), an nft one 127.
    if (close < 0 || close - open > 128 || line.lastIndexOf("=", close) > open) continue;
    // `kernel: [  344.47] Inbound IN=`, `kernel: [344.47] [UFW BLOCK] IN=`: the record's own stamp or prefix
    // after its envelope (a page's markup before the line), no record joined there.
    if (OWN_ENVELOPE_END.test(line.slice(Math.max(0, sp - 48), sp))) continue;
    const fields = findFieldsStart(line, close);
    if (fields >= 0 && fields - open <= 128 && line.lastIndexOf("=", fields - 1) < close) starts.push(open);
  }
  return starts;
}

/**
 * The indexes after `bodyStart` in a line without an envelope where another record starts: a trace
 * tool's line (see `record-start.ts`), or the line's own LOG prefix and `IN=` again (a LOG or
 * ebtables line repeated with its next packet).
 */
function bareRecordStarts(line: string, bodyStart: number): number[] {
  const starts: number[] = [];
  for (
    let at = recordStartIn(line, bodyStart);
    at >= 0 && starts.length < MAX_JOINED;
    at = recordStartIn(line, at)
  )
    starts.push(at);
  const fields = findFieldsStart(line, bodyStart);
  // A LOG prefix is at most 29 characters (iptables), an nft one 127.
  if (fields >= 0 && fields - bodyStart <= 128) {
    const head = `${line.slice(bodyStart, fields)}IN=`;
    for (let at = line.indexOf(head, fields + 1); at >= 0 && starts.length < MAX_JOINED; )
      if (line.charCodeAt(at - 1) === 32 && findFieldsStart(line, at) === at + head.length - 3) {
        starts.push(at);
        at = line.indexOf(head, at + head.length);
      } else at = line.indexOf(head, at + 1);
  }
  for (const at of prefixRecordStarts(line, bodyStart + 1))
    if (!starts.includes(at) && starts.length < MAX_JOINED) starts.push(at);
  return starts.sort((a, b) => a - b);
}

/**
 * The indexes in `line` after its message start where a record with an envelope of the line's own
 * kind starts, in order; in a bare line (no stamp to split at), where a trace tool's line or the
 * line's own LOG prefix starts again. Called only for a line that did not read: the caller checks
 * which of them are records' ends (a LOG prefix can hold a date). `stamps`, when given, receives
 * those found at an envelope (not by a LOG prefix alone).
 */
export function joinedRecordStarts(line: string, envelope: Envelope, stamps?: Set<number>): number[] {
  const starts: number[] = [];
  if (envelope.kind === "bare") return bareRecordStarts(line, envelope.bodyStart);
  if (envelope.kind === "journal-verbose") return starts;
  // A record joined without its envelope (a chat kept only the message): its bracketed LOG prefix.
  const prefixed = prefixRecordStarts(line, envelope.bodyStart + 1);
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
    if (sameKind(env.kind, envelope.kind) && env.bodyStart > 0) {
      starts.push(at);
      if (starts.length >= MAX_JOINED) break;
    }
  }
  if (stamps) for (const at of starts) stamps.add(at);
  if (prefixed.length === 0) return starts;
  for (const at of prefixed) if (!starts.includes(at)) starts.push(at);
  return starts.sort((a, b) => a - b).slice(0, MAX_JOINED);
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
