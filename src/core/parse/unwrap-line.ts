/**
 * The text a line's envelope and message are read from: the line itself, the line without the
 * terminal escape sequences a coloured log holds, the MESSAGE of a journalctl JSON record or the
 * message of a log shipper's record (JSON, Fluentd's and Fluent Bit's outputs, a CSV export);
 * with where each of its characters stands in the line, for positions. A JSON object line without
 * a message is read by `json-record.ts`: ulogd's JSON packet record gives its event here, any other
 * object a warning.
 */
import { readCsvRow } from "./csv-record.ts";
import { detectEnvelope, type Envelope } from "./detect-envelope.ts";
import { maybeFluentBit, maybeFluentd, readFluentBit, readFluentdHead } from "./fluent-lines.ts";
import { type JournalMessage, type PrettyRecord, readJournalJson } from "./journal-json.ts";
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
    // A CSV export's quoted row; Fluent Bit's `[0] tag: [...]` (a dmesg stamp has a dot in its
    // brackets) and its `format json` array `[{...}]`.
    c0 === 34 ||
    (c0 === 91 && (maybeFluentBit(line) || line.charCodeAt(1) === 123)) ||
    // Fluentd's `TIME<TAB>TAG<TAB>{...}`, a CSV row `TIME,...` (a syslog line's ISO stamp has a space after it).
    (c0 >= 48 && c0 <= 57 && maybeFluentd(line)) ||
    line.indexOf("\x1b") >= 0
  );
}

/**
 * Reads what wraps `line` (without its newline and trailing `\r`); `pretty`: what the lines before
 * it said of the pretty-printed JSON record it may be in (a parse's own). Never throws.
 */
export function unwrapLine(line: string, pretty?: PrettyRecord): UnwrappedLine {
  const c0 = line.charCodeAt(0);
  // A digit first: Fluentd's or a CSV row's time only when a tab or a comma ends it.
  const timed = c0 >= 48 && c0 <= 57 && maybeFluentd(line);
  const shipped = c0 === 34 || c0 === 91 || timed ? unwrapShipped(line, c0) : undefined;
  if (shipped) return shipped;
  // Fluentd's file output: its JSON record after the time and the tag, read as a record alone.
  const fluentd = timed ? readFluentdHead(line) : undefined;
  const from = fluentd?.jsonAt ?? 0;
  const record = from > 0 ? line.slice(from) : line;
  // `data: {` starts journalctl -o json-sse's records.
  let json =
    fluentd || c0 === 123 || c0 <= 32 || c0 === 0xfeff || (c0 === 100 && line.startsWith("data: {"))
      ? readJournalJson(record, pretty)
      : undefined;
  if (json && from > 0) json = shifted(json, from, fluentd?.time);
  if (json && "kind" in json)
    return { text: line, envelope: { kind: "bare", bodyStart: 0, kernel: false }, error: json };
  const r = json?.fields ? readJsonRecord(record, json.fields) : undefined;
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
    return shippedText(text, map, from > 0 ? "fluentd" : "journal-json", json.time, json.host, json.kernel);
  }
  if (line.indexOf("\x1b") < 0) return { text: line, envelope: detectEnvelope(line) };
  const s = stripEscapes(line);
  return { text: s.text, envelope: detectEnvelope(s.text), map: s.map };
}

/** A Fluentd record's message, error or fields read from `line.slice(from)`, with positions in the line. */
function shifted(
  json: JournalMessage | NonNullable<UnwrappedLine["error"]>,
  from: number,
  time: number | undefined,
): JournalMessage | NonNullable<UnwrappedLine["error"]> {
  if ("kind" in json) return { ...json, column: json.column + from };
  const map = json.map.map((v, k) => (k % 2 === 1 ? v + from : v));
  const out: JournalMessage = { ...json, map };
  if (json.host) out.host = { name: json.host.name, at: json.host.at + from };
  if (out.time === undefined && time !== undefined) out.time = time;
  return out;
}

/** A quoted CSV row (Graylog's export) or a Fluent Bit stdout record, read; undefined for another line. */
function unwrapShipped(line: string, c0: number): UnwrappedLine | undefined {
  if (c0 === 34) {
    const row = readCsvRow(line);
    // The header row names the columns: no message.
    if (row?.header) return { text: "", envelope: { kind: "csv", bodyStart: 0, kernel: false } };
    return row && shippedText(row.text, row.map, "csv", row.time, row.host, false);
  }
  if (c0 === 91) {
    if (line.charCodeAt(1) === 123) return jsonArray(line);
    const rec = maybeFluentBit(line) ? readFluentBit(line) : undefined;
    return rec && shippedText(rec.text, rec.map, "fluent-bit", rec.time, rec.host, false);
  }
  // A CSV row without quotes around its first field, its time (checked by `maybeFluentd`); not Fluentd's.
  const row = line.indexOf("\t") < 0 ? readCsvRow(line) : undefined;
  return row && !row.header ? shippedText(row.text, row.map, "csv", row.time, row.host, false) : undefined;
}

/** A JSON array of records on one line (Fluent Bit's stdout `format json`): a warning, counted once. */
function jsonArray(line: string): UnwrappedLine | undefined {
  if (!/^\[\{\s*"/.test(line) || !/\}\s*\]\s*$/.test(line)) return undefined;
  return {
    text: line,
    envelope: { kind: "bare", bodyStart: 0, kernel: false },
    error: {
      kind: "error",
      severity: "warning",
      group: "json-array",
      column: 1,
      message:
        "expected one log record a line, found a JSON array of records on one line (as Fluent Bit's stdout output prints with format json): not read",
      hint: "print one record a line: Fluent Bit's format json_lines, or jq -c '.[]' FILE",
    },
  };
}

/**
 * The message `text` of a record (its characters at `map` in the line), read with the syslog head
 * it may keep (`Hostname kernel: [wan-lan-default-D]IN=...`, Wazuh's `full_log`): the record's time
 * first, else the head's; the head's host, else the record's, put before the text (`host message`,
 * mapped to where the record names it) for the envelope to point at.
 */
function shippedText(
  text: string,
  map: PositionMap,
  kind: Envelope["kind"],
  time: number | undefined,
  host: { name: string; at: number } | undefined,
  kernel: boolean,
): UnwrappedLine {
  // Docker's json-file (and shippers that read it) keep the line's own newline in `log`: not a field.
  if (text.charCodeAt(text.length - 1) === 10)
    text = text.slice(0, text.charCodeAt(text.length - 2) === 13 ? -2 : -1);
  const inner = detectEnvelope(text);
  const envelope: Envelope = {
    kind,
    bodyStart: inner.kind === "bare" ? 0 : inner.bodyStart,
    kernel: kernel || (inner.kind !== "bare" && inner.kernel),
  };
  const at = time ?? inner.time;
  if (at !== undefined) envelope.time = at;
  if (inner.hostAt !== undefined) envelope.hostAt = inner.hostAt;
  // A message `drop | IN=...`: its prefix with a bar, or a compose service's line (see `composeOrPrefix`).
  if (inner.bareAt !== undefined) envelope.bareAt = inner.bareAt;
  if (inner.hostAt !== undefined || !host) return { text, envelope, map };
  // `host message`: the space maps to the character after the host's name in the line.
  const shift = host.name.length + 1;
  envelope.bodyStart += shift;
  if (envelope.bareAt !== undefined) envelope.bareAt += shift;
  envelope.hostAt = 0;
  const hosted = [0, host.at, ...map.map((v, k) => (k % 2 === 0 ? v + shift : v))];
  return { text: `${host.name} ${text}`, envelope, map: hosted };
}

/** The 1-based column in the line of 1-based `column` in the text `map` maps (see {@link UnwrappedLine.map}). */
export function lineColumn(map: PositionMap | undefined, column: number): number {
  return map === undefined ? column : lineIndex(map, column - 1) + 1;
}
