/**
 * Reads journalctl's JSON exports: `-o json` (one record a line), `-o json-seq` (the same after
 * an RS byte), `-o json-sse` (the same after `data: `) and the MESSAGE line of `-o json-pretty`
 * (one field a line). A record without MESSAGE (another tool's JSON, such as ulogd's JSON output
 * plugin, or journalctl's `--output-fields` without it) comes out with its fields, for
 * `json-record.ts` to say what it is. The message comes out
 * as text with where each of its characters stands in the line (through JSON escapes, or through
 * the array of byte values journald prints for a message that is not UTF-8), so positions still
 * point into the line as saved; with the record's time. (`import --anonymize` finds the host,
 * _HOSTNAME, in `anonymize.ts`.)
 */
import type { ErrorLine } from "./parsed-line.ts";
import { type JsonReader, shippedMessage } from "./shipped-record.ts";
import type { PositionMap } from "./strip-escapes.ts";

/** A journal record's message and what the record says about it. */
export interface JournalMessage {
  /** MESSAGE as text; undefined when the record has none (or journalctl left it out as `null`). */
  text?: string;
  /** Where the JSON text that gave each character of `text` stands in the line (see {@link PositionMap}). */
  map: PositionMap;
  /** __REALTIME_TIMESTAMP in seconds since the epoch (not on a json-pretty line). */
  time?: number;
  /** _TRANSPORT is `kernel`. */
  kernel: boolean;
  /**
   * Where each field's value starts in the line (the first of a name given twice), set only
   * for a record without a MESSAGE field: {@link jsonString} and {@link jsonNumber} read them.
   */
  fields?: Map<string, number>;
  /** The host a log shipper's record names (see `shipped-record.ts`), and where its name starts in the line. */
  host?: { name: string; at: number };
}

const HINT =
  "journalctl -o json prints one record a line (-o json-seq the same after an RS byte); was the line cut or edited? Text works too: journalctl -k -o short-iso-precise > kernel.log";

/** The first problem met on the line being read: its index and what was expected there. */
let failed: { at: number; expected: string } | undefined;

function fail(at: number, expected: string): number {
  failed ??= { at, expected };
  return -1;
}

function space(line: string, i: number): number {
  let j = i;
  for (let c = line.charCodeAt(j); c === 32 || c === 9 || c === 10 || c === 13; c = line.charCodeAt(++j));
  return j;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Index after the JSON string whose quote is at `i`, or -1. */
function stringEnd(line: string, i: number): number {
  for (let j = i + 1; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 32) return fail(j, "no control character inside a string (JSON escapes it)");
    if (c !== 92) continue;
    const e = line[j + 1] as string;
    if (e === "u") {
      if (!/^[0-9a-fA-F]{4}$/.test(line.slice(j + 2, j + 6))) return fail(j, "four hex digits after \\u");
      j += 5;
    } else if (ESCAPES[e] === undefined)
      return fail(j, 'a JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
    else j++;
  }
  return fail(line.length, "'\"' closing the string");
}

/** Index after the JSON value at `i` (nested at most 32 deep), or -1; `fields` collects an object's members. */
function valueEnd(line: string, i: number, depth: number, fields?: Map<string, number>): number {
  const c = line.charCodeAt(i);
  if (c === 34) return stringEnd(line, i);
  if (c === 91 || c === 123) {
    if (depth > 32) return fail(i, "at most 32 nested arrays and objects");
    const close = c === 91 ? "]" : "}";
    let j = space(line, i + 1);
    if (line[j] === close) return j + 1;
    for (;;) {
      if (c === 123) {
        if (line.charCodeAt(j) !== 34) return fail(j, "'\"' starting a field name");
        const k = stringEnd(line, j);
        if (k < 0) return -1;
        const name = line.slice(j + 1, k - 1);
        j = space(line, k);
        if (line.charCodeAt(j) !== 58) return fail(j, "':' after the field name");
        j = space(line, j + 1);
        // The first value of a field named twice is kept.
        if (fields && !fields.has(name)) fields.set(name, j);
      }
      j = valueEnd(line, j, depth + 1);
      if (j < 0) return -1;
      j = space(line, j);
      if (line[j] === close) return j + 1;
      if (line.charCodeAt(j) !== 44) return fail(j, `',' or '${close}'`);
      j = space(line, j + 1);
    }
  }
  const word = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|^(?:true|false|null)/.exec(
    line.slice(i, i + 40),
  );
  return word ? i + word[0].length : fail(i, "a JSON value");
}

/** The JSON string at `at` of a record {@link readJournalJson} checked, or undefined for another value. */
export function jsonString(line: string, at: number | undefined): string | undefined {
  return at !== undefined && line.charCodeAt(at) === 34 ? readString(line, at, []) : undefined;
}

/** The JSON number at `at` (of a checked record) when it is a whole number from 0 up, else undefined. */
export function jsonNumber(line: string, at: number | undefined): number | undefined {
  if (at === undefined) return undefined;
  let v = 0;
  let i = at;
  for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) v = v * 10 + c - 48;
  const next = line.charCodeAt(i);
  // Not `1.5` nor `1e3`; the digits end the value.
  return i === at || i - at > 15 || next === 46 || next === 101 || next === 69 ? undefined : v;
}

/** The text of the JSON string at `i` (already checked); `map` gets where its characters came from. */
function readString(line: string, i: number, map: PositionMap): string {
  let text = "";
  let j = i + 1;
  for (;;) {
    // A run without escapes is taken whole.
    let end = j;
    for (let c = line.charCodeAt(end); c !== 34 && c !== 92; c = line.charCodeAt(++end));
    if (end > j) map.push(text.length, j);
    text += line.slice(j, end);
    if (line.charCodeAt(end) === 34) {
      map.push(text.length, end);
      return text;
    }
    map.push(text.length, end);
    const e = line[end + 1] as string;
    text += e === "u" ? String.fromCharCode(Number.parseInt(line.slice(end + 2, end + 6), 16)) : ESCAPES[e];
    j = end + (e === "u" ? 6 : 2);
  }
}

/**
 * Byte values (at `pos` in the line) as UTF-8 text, each character at its first byte's position;
 * a byte that starts no valid sequence becomes U+FFFD, as a UTF-8 decoder makes it.
 */
function readUtf8(bytes: number[], pos: number[], map: PositionMap): string {
  let text = "";
  for (let k = 0; k < bytes.length; ) {
    const b = bytes[k] as number;
    const need = b < 0x80 ? 0 : b < 0xc2 ? -1 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : b < 0xf5 ? 3 : -1;
    let cp = need === 0 ? b : b & (0x7f >> (need + 1));
    let m = 0;
    for (; m < need && ((bytes[k + 1 + m] ?? 0) & 0xc0) === 0x80; m++)
      cp = (cp << 6) | ((bytes[k + 1 + m] as number) & 0x3f);
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    const ok = need === 0 || (m === need && cp >= min && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff));
    const ch = ok ? String.fromCodePoint(cp) : "\uFFFD";
    for (let u = 0; u < ch.length; u++) map.push(text.length + u, pos[k] as number);
    text += ch;
    // A cut sequence is one U+FFFD; an overlong or surrogate one gives one for each byte.
    k += ok ? need + 1 : m < need ? 1 + m : 1;
  }
  return text;
}

/**
 * The MESSAGE value at `i` (checked): a string, an array of byte values, or `null` (undefined
 * text); an error for anything else.
 */
function readMessage(line: string, i: number, end: number, out: JournalMessage): ErrorLine | undefined {
  const c = line.charCodeAt(i);
  if (c === 34) out.text = readString(line, i, out.map);
  else if (c === 91) {
    const bytes: number[] = [];
    const pos: number[] = [];
    for (const m of line.slice(i, end).matchAll(/[^\s[\],]+/g)) {
      const v = Number(m[0]);
      if (!(Number.isInteger(v) && v >= 0 && v <= 255))
        return error(i + m.index, "MESSAGE as an array of byte values (0 to 255)");
      bytes.push(v);
      pos.push(i + m.index);
    }
    out.text = readUtf8(bytes, pos, out.map);
    out.map.push(out.text.length, end - 1);
  } else if (!line.startsWith("null", i)) return error(i, "MESSAGE as a string or an array of byte values");
  return undefined;
}

/** The error for the problem {@link valueEnd} met (at `i` when it named none). */
function damaged(line: string, i: number): ErrorLine {
  const f = failed as { at: number; expected: string } | undefined;
  return error(f?.at ?? i, f?.expected ?? "a JSON value", line);
}

function error(at: number, expected: string, line?: string): ErrorLine {
  return {
    kind: "error",
    column: at + 1,
    message: `expected ${expected} in this journalctl JSON record${line !== undefined && at >= line.length ? ": the line ends first" : ""}`,
    hint: HINT,
  };
}

/**
 * `"MESSAGE" : ` of a json-pretty line (after its indentation), or a message key of the one-line records
 * (`"msg": ` of `dmesg -J`, `"message": ` of an exported event shown by `jq .` or a search UI).
 */
const PRETTY_MESSAGE =
  /^[ \t]+(?:"MESSAGE"[ \t]*:[ \t]*|"(?:message|msg|log|short_message|full_message|full_log|original)"[ \t]*:[ \t]*(?="))/;

/**
 * A time line of a record printed one field a line: `"time": 3713.551320,` of `dmesg -J` (seconds
 * since boot), `"__REALTIME_TIMESTAMP" : "1796292000000000",` of json-pretty, `"@timestamp" : "..."`
 * of an Elasticsearch search's pretty output (ISO 8601).
 */
const PRETTY_TIME =
  /^[ \t]+"(time|@timestamp|timestamp|__REALTIME_TIMESTAMP)"[ \t]*:[ \t]*("?)([-0-9.:+TZ]{1,40})\2,?[ \t]*$/;

/**
 * What the lines of a record printed one field a line said before its message line: its time
 * (see {@link PRETTY_TIME}) and its host, forgotten at the record's `}`. A pretty record's lines
 * come one after the other, all read here (each starts with a space). Each parse keeps its own
 * (see {@link prettyRecord}): two parses in one process never share one.
 */
export interface PrettyRecord {
  /** The time of the record's time line. */
  time?: number;
  /** The indentation of the time line: a brace less indented closes its record, a nested object's does not. */
  indent: number;
  /** The host the record names (`"host" : "fw01"`, or `name` / `hostname` in its `host` object). */
  host?: string;
  /** The indentation of the record's `host` line (as {@link indent}, for {@link host}). */
  hostIndent: number;
  /** The indentation of an open `"host" : {` line, or -1. */
  hostObject: number;
}

/** A parse's {@link PrettyRecord}, empty: each parse starts with none (a file may end inside a record). */
export function prettyRecord(): PrettyRecord {
  return { indent: 0, hostIndent: 0, hostObject: -1 };
}

/** The spaces and tabs `line` starts with. */
function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  return i;
}

/** `"host" : {`, `"host" : "fw01",` or, inside the host object, `"name" : "fw01",` (group 1: the key, 2: the name). */
const PRETTY_HOST =
  /^[ \t]+"(host|name|hostname)"[ \t]*:[ \t]*(?:\{|"([A-Za-z0-9][A-Za-z0-9._-]{0,254})",?)[ \t]*$/;

/** Reads `line` when it is a pretty record's time or host line, or its end (see {@link PrettyRecord}). */
function notePretty(line: string, p: PrettyRecord): void {
  const t = PRETTY_TIME.exec(line);
  if (t) {
    p.indent = indentOf(line);
    const [, key, quote, value] = t as unknown as [string, string, string, string];
    if (key === "__REALTIME_TIMESTAMP") p.time = /^\d{1,17}$/.test(value) ? Number(value) / 1e6 : undefined;
    else if (quote) {
      const ms = /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : Number.NaN;
      p.time = Number.isNaN(ms) ? undefined : ms / 1000;
    } else p.time = /^\d{1,12}(\.\d{1,9})?$/.test(value) ? Number(value) : undefined;
    return;
  }
  const h = line.includes('"') ? PRETTY_HOST.exec(line) : null;
  if (h) {
    const at = indentOf(line);
    const name = h[2];
    if (h[1] === "host") {
      p.hostIndent = at;
      // ECS's object: its `name` (else `hostname`) is the host.
      if (name === undefined) p.hostObject = at;
      else p.host = name;
    } else if (name !== undefined && p.hostObject >= 0 && at > p.hostObject && (h[1] === "name" || !p.host))
      p.host = name;
    return;
  }
  if (!/^[ \t]*[{}]/.test(line)) return;
  const at = indentOf(line);
  if (at <= p.hostObject) p.hostObject = -1;
  if (p.time !== undefined && at < p.indent) p.time = undefined;
  if (p.host !== undefined && at < p.hostIndent) p.host = undefined;
}

/**
 * The indentation of `line` when it is a pretty record's message line (see {@link PRETTY_MESSAGE}),
 * else -1: a parse holds it until the record's lines after it have named its host.
 */
export function prettyMessageIndent(line: string): number {
  return line.charCodeAt(0) <= 32 && PRETTY_MESSAGE.test(line) ? indentOf(line) : -1;
}

/** Whether `line` (after a pretty message line indented `indent`) may still be a field of its record. */
export function insidePrettyRecord(line: string, indent: number): boolean {
  const at = indentOf(line);
  return (
    at > 0 &&
    at < line.length &&
    !(at < indent && /[{}]/.test(line.charAt(at))) &&
    prettyMessageIndent(line) < 0
  );
}

/** `journalctl -o json-sse` writes each record as a server-sent event: this before it, a blank line after. */
const SSE = "data: ";

/**
 * The journal record on `line`, if the line is one: `-o json` / `-o json-seq` / `-o json-sse`
 * (`{"...` after optional RS bytes or after `data: `) or json-pretty's MESSAGE line; an error for a
 * damaged record (a line starting `{"`, `data: {` or with RS is taken for one); undefined for any
 * other line. Never throws.
 */
export function readJournalJson(
  line: string,
  record: PrettyRecord = prettyRecord(),
): JournalMessage | ErrorLine | undefined {
  failed = undefined;
  const pretty = line.charCodeAt(0) <= 32 ? PRETTY_MESSAGE.exec(line) : null;
  // A pretty record's other lines (each indented) may give its time and host; any other line ends it.
  if (line.charCodeAt(0) > 32) {
    record.time = undefined;
    record.host = undefined;
    record.hostObject = -1;
  } else if (!pretty) notePretty(line, record);
  if (pretty) {
    const i = pretty[0].length;
    // A byte array goes on over the next lines (-o json prints it on one).
    if (line.charCodeAt(i) === 91 && line.trimEnd().length === i + 1)
      return {
        kind: "error",
        severity: "warning",
        group: "json-pretty-bytes",
        column: i + 1,
        message:
          "expected MESSAGE on one line, found a message journald stored as bytes (not UTF-8) spread over the lines of journalctl -o json-pretty: it was not read",
        hint: "export with journalctl -o json (one record a line), which is read whole",
      };
    const end = valueEnd(line, i, 1);
    if (end < 0) return damaged(line, i);
    const c = line.charCodeAt(end);
    if (end < line.length && !(c === 44 && end + 1 === line.length))
      return error(end, "',' or the end of the line after MESSAGE's value");
    const out: JournalMessage = { map: [], kernel: false };
    if (record.time !== undefined) out.time = record.time;
    // The name stands on a line of its own: the message's start stands for it.
    if (record.host !== undefined) out.host = { name: record.host, at: i };
    record.time = undefined;
    record.host = undefined;
    return readMessage(line, i, end, out) ?? out;
  }
  let i = line.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (line.charCodeAt(i) === 100 && line.startsWith(SSE, i)) i += SSE.length;
  const seq = line.charCodeAt(i) === 0x1e;
  while (line.charCodeAt(i) === 0x1e) i++;
  // `{` and then a field name: any other line (text, a lone `{` of json-pretty) is not a record.
  if (!seq && (line.charCodeAt(i) !== 123 || line.charCodeAt(space(line, i + 1)) !== 34)) return undefined;
  if (line.charCodeAt(i) !== 123) return error(i, "'{' starting a record after the RS byte");
  const fields = new Map<string, number>();
  const end = valueEnd(line, i, 0, fields);
  if (end < 0) return damaged(line, i);
  if (space(line, end) < line.length) return error(space(line, end), "the end of the line after the record");
  const out: JournalMessage = { map: [], kernel: false };
  const stamp = jsonString(line, fields.get("__REALTIME_TIMESTAMP"));
  if (stamp && /^\d{1,17}$/.test(stamp)) out.time = Number(stamp) / 1e6;
  else {
    // `dmesg -J` on one line a record (jq -c): seconds since boot, as dmesg's own stamp.
    const t = fields.get("time");
    const raw = t === undefined ? "" : line.slice(t, valueEnd(line, t, 1));
    if (/^\d{1,12}(\.\d{1,9})?$/.test(raw)) out.time = Number(raw);
  }
  out.kernel = jsonString(line, fields.get("_TRANSPORT")) === "kernel";
  const shipped = fields.has("MESSAGE") ? undefined : shippedMessage(fields, reader(line));
  if (shipped?.time !== undefined) out.time = shipped.time;
  if (shipped?.host) out.host = shipped.host;
  const m = fields.get("MESSAGE") ?? shipped?.at;
  if (m === undefined) {
    out.fields = fields;
    return out;
  }
  return readMessage(line, m, valueEnd(line, m, 1), out) ?? out;
}

/** Reads the values of `line`, a record {@link valueEnd} checked whole. */
function reader(line: string): JsonReader {
  return {
    string: (at) => jsonString(line, at),
    object: (at) => {
      if (at === undefined || line.charCodeAt(at) !== 123) return undefined;
      const fields = new Map<string, number>();
      valueEnd(line, at, 1, fields);
      return fields;
    },
    raw: (at) => (at === undefined ? "" : line.slice(at, valueEnd(line, at, 1))),
  };
}
