/**
 * Where a log shipper's or a search engine's JSON record (one without journald's MESSAGE) holds
 * the log line, its time and its host: Vector, Fluent Bit, Logstash, Loki and GELF put the line
 * in `message`, `msg`, `log`, `short_message` or `line`; Wazuh's alerts.json in `full_log`; an
 * Elasticsearch or OpenSearch hit (`{"_index":...,"_source":{...}}`) inside `_source`; ECS keeps
 * the line as received in `event.original` (nested, or flattened to one dotted key).
 */

/** How the fields of a record already checked as JSON are read (see `journal-json.ts`). */
export interface JsonReader {
  /** The JSON string at `at`, or undefined for another value (or none). */
  string(at: number | undefined): string | undefined;
  /** Where the members' values of the object at `at` start, or undefined when no object is there. */
  object(at: number | undefined): Map<string, number> | undefined;
  /** The text of the value at `at` as it stands in the line (a number's digits), or "". */
  raw(at: number | undefined): string;
}

/** A record's log line (where its JSON string starts), with the time and host the record gives. */
export interface ShippedMessage {
  /** Index of the message's opening quote in the line. */
  at: number;
  /** Seconds since the epoch. */
  time?: number;
  /** The host name the record names, and where its text starts in the line. */
  host?: { name: string; at: number };
}

/** Message fields, in the order tried (`line`: Loki's logcli --output=jsonl; `full_log`: Wazuh). */
const MESSAGE_KEYS = ["message", "msg", "log", "short_message", "full_message", "line", "full_log"];
/** Time fields holding an ISO 8601 text. */
const TIME_KEYS = ["timestamp", "@timestamp", "time"];
/** What a host name can be (no path, as Splunk's `source`, no spaces). */
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** The record's log line, or undefined when it holds none of the fields above. */
export function shippedMessage(fields: Map<string, number>, json: JsonReader): ShippedMessage | undefined {
  // An Elasticsearch / OpenSearch hit: the document is its `_source`.
  const source = json.object(fields.get("_source"));
  const record = source ?? fields;
  const at = messageAt(record, json);
  if (at === undefined) return undefined;
  const out: ShippedMessage = { at };
  const time = readTime(record, json) ?? (source ? readTime(fields, json) : undefined);
  if (time !== undefined) out.time = time;
  const host = readHost(record, json);
  if (host) out.host = host;
  return out;
}

/** Where the line is: a message field, else ECS's `event.original`. */
function messageAt(record: Map<string, number>, json: JsonReader): number | undefined {
  for (const k of MESSAGE_KEYS) {
    const at = record.get(k);
    if (json.string(at) !== undefined) return at;
  }
  const flat = record.get("event.original");
  if (json.string(flat) !== undefined) return flat;
  const original = json.object(record.get("event"))?.get("original");
  return json.string(original) !== undefined ? original : undefined;
}

/** An ISO 8601 time field, or Fluent Bit's `date` (seconds since the epoch, a number). */
function readTime(record: Map<string, number>, json: JsonReader): number | undefined {
  for (const k of TIME_KEYS) {
    const iso = json.string(record.get(k));
    const ms = iso && /^\d{4}-\d\d-\d\dT/.test(iso) ? Date.parse(iso) : Number.NaN;
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  const date = json.raw(record.get("date"));
  return /^\d{9,11}(\.\d{1,9})?$/.test(date) ? Number(date) : undefined;
}

/**
 * The host: `host` (a name, or ECS's object with `name` / `hostname`), `hostname`, Graylog's
 * `source`, Wazuh's `predecoder.hostname`; only a value shaped as a host name.
 */
function readHost(record: Map<string, number>, json: JsonReader): ShippedMessage["host"] {
  const host = json.object(record.get("host"));
  const places = [
    record.get("host"),
    host?.get("name"),
    host?.get("hostname"),
    record.get("hostname"),
    record.get("source"),
    json.object(record.get("predecoder"))?.get("hostname"),
  ];
  for (const at of places) {
    const name = json.string(at);
    if (at !== undefined && name !== undefined && HOST_NAME.test(name)) return { name, at: at + 1 };
  }
  return undefined;
}
