/**
 * Reads one line of any supported format: finds the envelope, then tries the
 * line formats (legacy TRACE, xtables-monitor, nft monitor, ebtables, LOG).
 */
import { composeOrPrefix, type Envelope, prefixReading } from "./detect-envelope.ts";
import { foreignRecord, tracerRow } from "./foreign-records.ts";
import type { LogFieldMemo } from "./log-field-memo.ts";
import { endsInsideMark, parseEbtLine } from "./parse-ebt-line.ts";
import { parseLogLine } from "./parse-log-line.ts";
import { parseNftMonitorLine } from "./parse-nft-monitor.ts";
import { parseTraceLine } from "./parse-trace-line.ts";
import { parseNumberedMonitorLine, parseXtablesMonitorLine } from "./parse-xtables-monitor.ts";
import { type ParsedLine, SKIP } from "./parsed-line.ts";
import { parsePveBody } from "./pve-firewall.ts";
import { findFieldsStart } from "./read-log-fields.ts";
import { lineColumn, unwrapLine } from "./unwrap-line.ts";

/** A parsed line and its envelope. */
export interface LineParse {
  /** What the envelope indexes: the line, without its colour codes, or a JSON record's MESSAGE (see `unwrap-line.ts`). */
  text: string;
  envelope: Envelope;
  /** Columns are the line's (mapped back from {@link text}). */
  result: ParsedLine;
}

/**
 * Parses the message of a line (without newline or trailing `\r`) whose envelope is known.
 * `fast` (default true): common LOG lines take the fast path of `scan-log-line.ts`, and
 * with a {@link LogFieldMemo} the copy of a recent line's fields (same result); false: the general readers only.
 */
export function parseBody(line: string, bodyStart: number, fast: boolean | LogFieldMemo = true): ParsedLine {
  const c = line.charCodeAt(bodyStart);
  if (c === 91 /* [ */) {
    const stamp = REDACTED_STAMP.exec(line.slice(bodyStart, bodyStart + 24));
    if (stamp && bodyStart + stamp[0].length < line.length)
      return redactedStamp(parseBody(line, bodyStart + stamp[0].length, fast), bodyStart);
  }
  if (c === 84 /* T */) {
    const r = parseTraceLine(line, bodyStart);
    if (r.kind !== "skip") return r;
    const x = parseXtablesMonitorLine(line, bodyStart);
    if (x.kind !== "skip") return x;
  } else if (c === 116 /* t */) {
    const r = parseNftMonitorLine(line, bodyStart);
    if (r.kind !== "skip") return r;
  } else if (c === 32 || c === 80 /* P */) {
    const r = parseXtablesMonitorLine(line, bodyStart);
    if (r.kind !== "skip") return r;
  }
  if (CUT_TRACE_FIRST.has(c) && CUT_TRACE.test(line.slice(bodyStart, bodyStart + MAX_LABEL + 4))) {
    const r = cutTraceLine(line, bodyStart);
    if (r.kind !== "skip") return r;
  }
  const at = findFieldsStart(line, bodyStart);
  if (at < 0 || ebtMarkAfter(line, at)) {
    const r = parseEbtLine(line, bodyStart);
    if (r.kind !== "skip") return r;
    if (at < 0)
      return (
        cutBeforeOut(line, bodyStart) ??
        ebtContinuation(line, bodyStart) ??
        logContinuation(line, bodyStart) ??
        parseNumberedMonitorLine(line, bodyStart) ??
        foreignRecord(line, bodyStart) ??
        r
      );
  }
  const r = parseLogLine(line, bodyStart, at, fast);
  // Another program's table that holds `IN= OUT=` (a tracer's row): said so, not a kernel line cut short.
  if (r.kind === "error" && !r.severity) return tracerRow(line, bodyStart) ?? r;
  // A prefix holding its own `IN=.. OUT=..` hides the mark from the quick look: LOG lines show SRC=, MAC= or ARP.
  if (r.kind === "event" && !r.event.ip && !r.event.arp && !r.event.macRaw && !r.event.macSrc) {
    const e = parseEbtLine(line, bodyStart);
    if (e.kind !== "skip") return e;
  }
  return r;
}

/** How the tails ebt_log adds with `pr_cont` start (`--log-ip`, `--log-ip6`, `--log-arp`). */
const EBT_TAILS = /^ ?(?:IP SRC=|IPv6 SRC=|ARP HTYPE=|ARP MAC SRC=|INCOMPLETE (?:IP|IPv6|ARP|TCP\/UDP) )/;

/**
 * The tail of an ebtables log line on a line of its own: ebt_log prints a line in pieces, and
 * another CPU's message between two pieces splits it. A warning, counted once for all such lines.
 */
function ebtContinuation(line: string, bodyStart: number): ParsedLine | undefined {
  if (!EBT_TAILS.test(line.slice(bodyStart, bodyStart + 24))) return undefined;
  return tailWarning(
    "ebt-continuation",
    bodyStart,
    "expected the start of an ebtables log line, found its IP/ARP tail on a line of its own: the kernel split the line, and the tail was not read",
    "the frame's line before it is read without its IP data; log fewer frames at once, or use nft/iptables LOG, which prints each line whole",
  );
}

/** The warning for the tail of a line on a line of its own, counted once for all lines of `group`. */
function tailWarning(group: string, bodyStart: number, message: string, hint: string): ParsedLine {
  return { kind: "error", severity: "warning", group, column: bodyStart + 1, message, hint };
}

/**
 * The rest of a LOG line at the start of a message: its next field (`SPT=51000 DPT=22 ...`), or the
 * end of a field cut in two and then one (`00 DPT=22 ...`, `L=64 ID=0 ...` cut inside `TTL=`); two
 * fields at least, not `IN=`.
 */
const LOG_TAIL =
  /^(?:[^ =]{1,40} |(?!IN=)[A-Z]{1,8}=\S* )?(?:OUT|PHYSIN|PHYSOUT|MAC|SRC|DST|LEN|TOS|PREC|TTL|ID|TC|HOPLIMIT|FLOWLBL|PROTO|SPT|DPT|SEQ|ACK|WINDOW|RES|URGP|TYPE|CODE|MTU|MARK|UID|GID)=\S* (?:[A-Z]+ )*[A-Z]+=/;

/**
 * The rest of a LOG line on a line of its own: a gateway that sends its kernel lines to a syslog
 * server in pieces (UniFi, EdgeOS) puts a line's end in a message of its own, after the envelope of
 * the next. A warning, counted once for all such lines: never a silent skip.
 */
function logContinuation(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  // A capital, a digit or a-f (a cut MAC or number) first: any other message pays one character's test.
  if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return undefined;
  if (!LOG_TAIL.test(line.slice(bodyStart, bodyStart + 120))) return undefined;
  return tailWarning(
    "log-continuation",
    bodyStart,
    "expected the start of a kernel LOG line, found the rest of one on a line of its own: the sender split the line in two syslog messages, and this part was not read",
    "the line before holds the start of the packet's line; read the log where the kernel's lines are whole (the gateway's own /var/log/messages or dmesg), or have the syslog server keep longer messages",
  );
}

/**
 * A dmesg stamp its author redacted before sharing the log (`[xxxxx.xxxxx]`, `[XXXXX.XXXXXX]`,
 * `[*****.******]`): runs of one mark in a stamp's shape, which no LOG prefix starts with.
 */
const REDACTED_STAMP = /^\[ *(?:x{1,8}\.x{1,9}|X{1,8}\.X{1,9}|\*{1,8}\.\*{1,9})\] ?/;

/** The warning for lines whose dmesg stamp was redacted (see {@link REDACTED_STAMP}). */
export const REDACTED_STAMP_MESSAGE =
  "expected a dmesg time stamp ('[  123.456789]'), found one redacted: read as the stamp, not as part of the LOG prefix";

/** `r`, the message after a redacted stamp at `at`, with the warning said once for all such lines. */
function redactedStamp(r: ParsedLine, at: number): ParsedLine {
  if (r.kind !== "event" || r.warning) return r;
  return {
    ...r,
    warning: {
      column: at + 1,
      group: "redacted-stamp",
      message: REDACTED_STAMP_MESSAGE,
      hint: "a dmesg stamp is the seconds since the machine booted, which says nothing about the machine: keep it, and the packets keep their times",
    },
  };
}

/** The first letters of the tables {@link CUT_TRACE} knows: any other line pays one test. */
const CUT_TRACE_FIRST = new Set([114, 109, 110, 102, 115]);

/**
 * A legacy TRACE line's position without the `TRACE: ` before it (a column cut, `cut -c52-`, or a
 * paste that started late): the kernel's `table:chain:rule|return|policy:N` label, of a table
 * iptables traces, then `IN=`. No LOG prefix names a table and a rule number so.
 */
const CUT_TRACE = /^(?:raw|mangle|nat|filter|security):[^\s:]+:(?:rule|return|policy):\d+ +IN=/;

/** The word a legacy TRACE line starts with, which {@link CUT_TRACE} finds missing. */
const TRACE_WORD = "TRACE: ";

/**
 * Reads a line {@link CUT_TRACE} matched as the TRACE line it was: its label kept as the kernel
 * printed it, a warning said once for all such lines that `TRACE: ` seems cut off.
 */
function cutTraceLine(line: string, bodyStart: number): ParsedLine {
  const r = parseTraceLine(line.slice(0, bodyStart) + TRACE_WORD + line.slice(bodyStart), bodyStart);
  // Back to the line's own columns: everything after the label moved by the word put before it.
  const col = (column: number) =>
    column > bodyStart + TRACE_WORD.length ? column - TRACE_WORD.length : column;
  if (r.kind === "error") return { ...r, column: col(r.column) };
  if (r.kind !== "event") return r;
  const ev = r.event;
  ev.raw = line;
  ev.prefix = ev.prefix.slice(TRACE_WORD.length);
  // A problem with the fields says more than the cut word: it is kept, and the cut word said on other lines.
  const warning = r.warning
    ? { ...r.warning, column: col(r.warning.column) }
    : {
        column: bodyStart + 1,
        group: "trace-cut-head",
        message: CUT_TRACE_MESSAGE,
        hint: "a legacy TRACE line starts 'TRACE: table:chain:rule|return|policy:N': copy whole lines (dmesg, journalctl -k), not columns of them",
      };
  return { ...r, warning };
}

/** The warning for lines {@link cutTraceLine} read. */
export const CUT_TRACE_MESSAGE =
  "expected 'TRACE: ' before a legacy TRACE line's 'table:chain:rule|return|policy:N': the start of the line seems cut off; read as a TRACE line at that table and chain";

/** Longest text before `IN=` in a LOG line (a prefix) or a legacy TRACE line (`TRACE: table:chain:kind:N `). */
const MAX_LABEL = 64;

/**
 * A line that ends inside `IN=<if> OUT=`, the start of every LOG line's
 * fields (e.g. `...raw-PREROUTEIN=dock`): an error, not an unrelated line.
 */
function cutBeforeOut(line: string, bodyStart: number): ParsedLine | undefined {
  const at = line.lastIndexOf("IN=");
  // What comes before is a LOG prefix (at most 29 characters) or a TRACE label, not a sentence.
  if (at < bodyStart || at - bodyStart > MAX_LABEL) return undefined;
  const sp = line.indexOf(" ", at);
  if (sp >= 0 && !(line.length - sp <= 4 && "OUT".startsWith(line.slice(sp + 1)))) return undefined;
  return {
    kind: "error",
    column: line.length + 1,
    message: "expected ' OUT=' after IN=: the line ends first",
    hint: "the line looks like the start of a kernel LOG line cut short; check that the log was not truncated",
  };
}

/**
 * Whether the fields at `at` (`IN=<if> OUT=<if>`) go on with ebt_log's
 * ` MAC source = `: looked for right there, not along the whole line.
 */
function ebtMarkAfter(line: string, at: number): boolean {
  const out = line.indexOf(" ", at + 3) + 1;
  const end = line.indexOf(" ", out + 4);
  // Or the line ends inside the mark (`OUT=veth1 MAC`): an ebtables line cut or wrapped there.
  return end >= 0 && (line.startsWith(" MAC source = ", end) || endsInsideMark(line, end));
}

/** Detects the envelope and parses the message of one line. Never throws. */
export function parseLine(line: string): LineParse {
  const { text, envelope: env, map: at, error, event } = unwrapLine(line);
  if (error) return { text, envelope: env, result: error };
  if (event) return { text, envelope: env, result: event };
  let envelope = env;
  let result =
    envelope.bodyStart >= text.length
      ? SKIP
      : envelope.kind === "pve-firewall"
        ? parsePveBody(text, envelope)
        : parseBody(text, envelope.bodyStart);
  // `drop | IN=`: without a prefix map to place either reading, the parser's choice when neither places.
  if (envelope.bareAt !== undefined && result.kind === "event") {
    const other = parseBody(text, envelope.bareAt);
    if (
      other.kind === "event" &&
      composeOrPrefix(text, envelope, result.event.prefix, false, false) === "bare"
    ) {
      envelope = prefixReading(envelope);
      result = other;
    }
  }
  if (at && result.kind === "error")
    return { text, envelope, result: { ...result, column: lineColumn(at, result.column) } };
  if (at && result.kind === "event") {
    const w = result.warning;
    if (w)
      return { text, envelope, result: { ...result, warning: { ...w, column: lineColumn(at, w.column) } } };
  }
  return { text, envelope, result };
}
