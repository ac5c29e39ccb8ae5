/**
 * The text a line's envelope and message are read from: the line itself, the line without the
 * terminal escape sequences a coloured log holds, or the MESSAGE of a journalctl JSON record;
 * with where each of its characters stands in the line, for positions. A JSON object line without
 * MESSAGE is read by `json-record.ts`: ulogd's JSON packet record gives its event here, any other
 * object a warning.
 */
import { detectEnvelope, type Envelope } from "./detect-envelope.ts";
import { readJournalJson } from "./journal-json.ts";
import { readJsonRecord } from "./json-record.ts";
import type { ErrorLine, EventLine } from "./parsed-line.ts";
import { lineIndex, type PositionMap, stripEscapes } from "./strip-escapes.ts";

/** A line ready to be read. */
export interface UnwrappedLine {
  /** What {@link envelope} indexes: the line, or the text read out of it. */
  text: string;
  envelope: Envelope;
  /** Where the characters of `text` stand in the line (see {@link PositionMap}); undefined when `text` is the line. */
  map?: PositionMap;
  /** A damaged JSON record, or a JSON object that is not read (a warning), positioned in the line. */
  error?: ErrorLine;
  /** The packet of a ulogd JSON record (envelope `ulogd-json`, `text` the line). */
  event?: EventLine;
}

/** Whether {@link unwrapLine} can find more than {@link detectEnvelope} on a line starting with `c0`, of `line`. */
export function needsUnwrap(line: string, c0: number): boolean {
  return (
    c0 === 123 ||
    c0 <= 32 ||
    c0 === 0xfeff ||
    (c0 === 100 && line.startsWith("data: {")) ||
    line.indexOf("\x1b") >= 0
  );
}

/** Reads what wraps `line` (without its newline and trailing `\r`). Never throws. */
export function unwrapLine(line: string): UnwrappedLine {
  const c0 = line.charCodeAt(0);
  // `data: {` starts journalctl -o json-sse's records.
  const json =
    c0 === 123 || c0 <= 32 || c0 === 0xfeff || (c0 === 100 && line.startsWith("data: {"))
      ? readJournalJson(line)
      : undefined;
  if (json && "kind" in json)
    return { text: line, envelope: { kind: "bare", bodyStart: 0, kernel: false }, error: json };
  const r = json?.fields ? readJsonRecord(line, json.fields) : undefined;
  if (r) {
    // No MESSAGE: ulogd's packet record, or a warning saying what the object is.
    if ("error" in r)
      return { text: line, envelope: { kind: "bare", bodyStart: 0, kernel: false }, error: r.error };
    const envelope: Envelope = { kind: "ulogd-json", bodyStart: 0, kernel: false };
    if (r.time !== undefined) envelope.time = r.time;
    return { text: line, envelope, event: r.event };
  }
  if (json) {
    let text = json.text ?? "";
    let map = json.map;
    if (text.includes("\x1b")) {
      // A coloured message (rare): each character mapped through both, one run each.
      const s = stripEscapes(text);
      text = s.text;
      map = [];
      for (let i = 0; i <= text.length; i++) map.push(i, lineIndex(json.map, lineIndex(s.map, i)));
    }
    // A shipper's message may keep the syslog head it came with (`Hostname kernel: [wan-lan-default-D]IN=...`).
    const inner = detectEnvelope(text);
    const envelope: Envelope = {
      kind: "journal-json",
      bodyStart: inner.kind === "bare" ? 0 : inner.bodyStart,
      kernel: json.kernel || (inner.kind !== "bare" && inner.kernel),
    };
    if (json.time !== undefined) envelope.time = json.time;
    return { text, envelope, map };
  }
  if (line.indexOf("\x1b") < 0) return { text: line, envelope: detectEnvelope(line) };
  const s = stripEscapes(line);
  return { text: s.text, envelope: detectEnvelope(s.text), map: s.map };
}

/** The 1-based column in the line of 1-based `column` in the text `map` maps (see {@link UnwrappedLine.map}). */
export function lineColumn(map: PositionMap | undefined, column: number): number {
  return map === undefined ? column : lineIndex(map, column - 1) + 1;
}
