/**
 * The start of another log record inside a line (a web page or a chat lost the newline between
 * them): the words that open a trace tool's line, which no line holds anywhere else.
 */
import { detectEnvelope, type Envelope } from "./detect-envelope.ts";
import type { ErrorLine } from "./parsed-line.ts";

/** The hint of a line that holds several log records. */
export const JOINED_HINT =
  "the kernel writes one record a line: copy the log from a file or a terminal (journalctl -k, dmesg) to keep its line breaks";

/**
 * What opens a line of nft monitor trace (`trace id 9c01f8a1 ip `), of xtables-monitor
 * (`TRACE: 2 9c01f8a1 raw:PREROUTING:rule:`, `PACKET: 2 9c01f8a1 `) or a legacy TRACE line
 * (`TRACE: raw:PREROUTING:policy:2 IN=`, and a LOG prefix written like one), after a space: whole
 * heads, as no kernel line holds them further on. A rule's text may quote a prefix holding
 * `TRACE: ` (xtables-monitor prints `-j LOG --log-prefix "a TRACE: b "`): not such a head.
 */
const HEADS =
  "trace id [0-9a-f]{1,8} (?:ip|ip6|inet|bridge|arp|netdev) |TRACE: \\d{1,2} [0-9a-f]{1,8} [^\\s:]+:[^\\s:]+:(?:rule|policy|return):|TRACE: [^\\s:]+:[^\\s:]+:\\S* IN=|PACKET: \\d{1,2} [0-9a-f]{1,8} ";
const RECORD_START = new RegExp(` (?:${HEADS})`, "g");
/** {@link RECORD_START} right at a given index, without its space. */
const RECORD_AT = new RegExp(`(?:${HEADS})`, "y");

/**
 * Where in `line`, from `from` to `to`, a trace tool's line starts (see {@link RECORD_START}), or -1:
 * for a reader whose line holds free text to its end (a rule's text, a packet line's statements).
 */
export function recordStartIn(line: string, from: number, to = line.length): number {
  RECORD_START.lastIndex = from;
  const m = RECORD_START.exec(line);
  return m && m.index + 1 < to ? m.index + 1 : -1;
}

/** Whether a trace tool's line starts at `at` (a word a LOG line's fields never hold). */
export function recordStartAt(line: string, at: number): boolean {
  RECORD_AT.lastIndex = at;
  return line.charCodeAt(at - 1) === 32 && RECORD_AT.test(line);
}

/**
 * The error for a line that goes on, at `at`, with another log line (their newline lost): the parser
 * reads the two apart (see `TraceParser.readJoined`), so it is said only where that fails.
 */
export function joinedRecordError(line: string, at: number): ErrorLine {
  const sp = line.indexOf(" ", line.indexOf(" ", at) + 1);
  return {
    kind: "error",
    column: at + 1,
    message: `expected the end of the line, found '${line.slice(at, sp < 0 ? line.length : sp)}': the start of another log line, its newline lost`,
    hint: JOINED_HINT,
  };
}

/** How far before a record's start its envelope may begin (a syslog date and host: `May 14 13:12:11 `). */
const ENVELOPE_REACH = 48;

/**
 * Where the record that a joined line's splitter found at `start` (a bracketed LOG prefix,
 * `UDM-Pro [LAN_LOCAL-RET-2147483647] ...`) really begins: at the envelope before it whose message
 * it is (`May 14 13:12:11 UDM-Pro [...]`, ulogd's date and host), else at `start`. Not before `floor`.
 */
export function envelopeStartBefore(line: string, start: number, floor: number): number {
  for (let sp = line.lastIndexOf(" ", start - 2); sp >= floor && start - sp <= ENVELOPE_REACH; ) {
    const at = sp + 1;
    const env = detectEnvelope(line.slice(at, start + ENVELOPE_REACH));
    if (env.kind !== "bare" && at + env.bodyStart > start) return at;
    // lastIndexOf clamps a negative start to 0: at the line's first character the search is over.
    sp = sp > 0 ? line.lastIndexOf(" ", sp - 1) : -1;
  }
  return start;
}

/**
 * A record of a joined line that lost its date but kept the host its envelope prints (`UDM-Pro [LAN...`,
 * the host of the dated records after it, `other`): that envelope's, from the host on; else undefined.
 */
export function datelessEnvelope(piece: string, other: Envelope, otherText: string): Envelope | undefined {
  if (other.hostEnd !== undefined) return undefined;
  // ulogd's LOGEMU prints date, host and the packet: its host is the word before the message.
  const head = other.kind === "ulogd" ? otherText.slice(0, other.bodyStart).trimEnd() : "";
  const from = other.hostAt ?? (head ? head.lastIndexOf(" ") + 1 : -1);
  if (from < 0) return undefined;
  const end = other.hostAt === undefined ? head.length : otherText.indexOf(" ", from);
  if (end <= from) return undefined;
  const host = otherText.slice(from, end);
  if (!piece.startsWith(`${host} `)) return undefined;
  let bodyStart = host.length + 1;
  while (piece.charCodeAt(bodyStart) === 32) bodyStart++;
  return { kind: other.kind, bodyStart, kernel: other.kernel, hostAt: 0 };
}
