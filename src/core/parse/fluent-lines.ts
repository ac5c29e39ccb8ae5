/**
 * Fluentd's and Fluent Bit's own output forms. Fluentd's file output (`out_file`, its default
 * format) writes `TIME<TAB>TAG<TAB>{json record}` a line; Fluent Bit's stdout output prints each
 * record as msgpack text: `[0] kern.log: [1700000000.123456789, {"log"=>"..."}]`, and since its
 * v2.1 event format `[0] kern.log: [[1700000000.123456789, {}], {"log"=>"..."}]`, strings printed
 * as they are (no escapes), `=>` between a key and its value.
 */
import type { PositionMap } from "./strip-escapes.ts";

/** Where Fluentd's record starts in a `TIME<TAB>TAG<TAB>{...}` line, and its time (epoch seconds). */
export interface FluentdHead {
  jsonAt: number;
  time?: number;
}

/**
 * Whether `line` (whose first character is a digit) may be Fluentd's file output or a CSV row: an
 * ISO date and a tab or a comma right after its time (a syslog line's ISO stamp has a space there).
 * Bounded, a few reads.
 */
export function maybeFluentd(line: string): boolean {
  if (line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84) return false;
  for (let i = 19; i < 40; i++) {
    const c = line.charCodeAt(i);
    // `dmesg --time-format iso` writes the fraction after a comma: `14:30:33,123456+00:00`.
    if (c === 44 && i === 19 && line.charCodeAt(20) >= 48 && line.charCodeAt(20) <= 57) continue;
    if (c === 9 || c === 44) return true;
    if (c === 32 || Number.isNaN(c)) return false;
  }
  return false;
}

/** Fluentd's `TIME<TAB>TAG<TAB>{` head of `line`, or undefined. */
export function readFluentdHead(line: string): FluentdHead | undefined {
  const tab = line.indexOf("\t");
  const tab2 = tab < 0 ? -1 : line.indexOf("\t", tab + 1);
  if (tab2 < 0 || line.charCodeAt(tab2 + 1) !== 123) return undefined;
  const ms = Date.parse(line.slice(0, tab));
  return Number.isNaN(ms) ? { jsonAt: tab2 + 1 } : { jsonAt: tab2 + 1, time: ms / 1000 };
}

/** Whether `line` (first character `[`) starts as Fluent Bit's stdout record: `[<digits>] `. */
export function maybeFluentBit(line: string): boolean {
  let i = 1;
  while (i < 12 && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
  return i > 1 && line.charCodeAt(i) === 93 && line.charCodeAt(i + 1) === 32;
}

/** A Fluent Bit stdout record's message as it stands in the line, with its time and host. */
export interface FluentBitRecord {
  text: string;
  map: PositionMap;
  time: number;
  host?: { name: string; at: number };
}

/** `[N] tag: [` then the time, alone or (v2.1 events) first of `[time, {metadata}], `, then the record's `{`. */
const HEAD = /^\[\d+\] [^ ]*: \[(?:\[(\d+(?:\.\d+)?), \{[^}]*\}\]|(\d+(?:\.\d+)?)), \{/;
/** Keys holding the line: in_tail's `log`, in_syslog's `message`, in_kmsg's `msg`, in_systemd's `MESSAGE`. */
const MESSAGE_KEYS = ["log", "message", "msg", "MESSAGE"];
/** Keys naming the host: in_syslog's `host`, in_systemd's `_HOSTNAME`, a filter's `hostname`. */
const HOST_KEYS = ["host", "hostname", "_HOSTNAME"];

/** The record on `line` (see the module comment), or undefined when the line is none or holds no message. */
export function readFluentBit(line: string): FluentBitRecord | undefined {
  const head = HEAD.exec(line);
  if (!head) return undefined;
  const from = head[0].length - 1;
  const message = MESSAGE_KEYS.map((k) => stringValue(line, from, k)).find((v) => v !== undefined);
  if (!message) return undefined;
  const [start, end] = message;
  const out: FluentBitRecord = {
    text: line.slice(start, end),
    map: [0, start, end - start, end],
    time: Number(head[1] ?? head[2]),
  };
  for (const k of HOST_KEYS) {
    const host = stringValue(line, from, k);
    if (host && host[1] > host[0] && /^[A-Za-z0-9._-]+$/.test(line.slice(host[0], host[1]))) {
      out.host = { name: line.slice(host[0], host[1]), at: host[0] };
      break;
    }
  }
  return out;
}

/**
 * Where the string value of `key` in the record starting at `from` begins and ends: printed without
 * escapes, it ends at the first quote followed by the next `, "key"=>` or by the record's `}`.
 */
function stringValue(line: string, from: number, key: string): [number, number] | undefined {
  const mark = `"${key}"=>"`;
  let k = line.indexOf(mark, from);
  // The key itself: after `{` or `, `, not inside another value.
  while (k > 0 && !(line.charCodeAt(k - 1) === 123 || line.startsWith(", ", k - 2)))
    k = line.indexOf(mark, k + 1);
  if (k < 0) return undefined;
  const start = k + mark.length;
  for (let q = line.indexOf('"', start); q >= 0; q = line.indexOf('"', q + 1)) {
    if (line.charCodeAt(q + 1) === 125 || /^, "[^"]*"=>/.test(line.slice(q + 1, q + 80))) return [start, q];
  }
  return undefined;
}
