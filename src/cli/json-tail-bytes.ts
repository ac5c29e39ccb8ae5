/**
 * A packet's `--json` tail (see `packetTail`) written straight into bytes: the repeated names
 * (hooks, interfaces, file names) are encoded once and copied, numbers are written digit by digit,
 * and no string of the tail is ever built. Building it as a string cost a parse about 500 bytes of
 * garbage per line, and encoding that string to UTF-8 flattened it first, another copy
 * (the largest single allocation of a one-thread parse, and a tenth of a worker's time).
 */
import type { Packet, TraceEvent } from "../core/model/packet.ts";
import { ipHeader, packetHeader, shownRewrites } from "./packet-header-json.ts";

/** Bytes being appended to: {@link buf} holds what was written up to {@link at}. */
export interface ByteSink {
  /** The buffer written into; {@link room} may replace it. */
  buf: Buffer;
  /** Where the next byte goes in {@link buf}. */
  at: number;
  /** Makes room for at least `n` more bytes from {@link at} (what was written stays in order). */
  room(n: number): void;
}

/** The fields of a packet the tail shows. */
export type TailPacket = Pick<Packet, "events" | "hooks" | "rewrites">;

/** UTF-8 of the JSON strings of the few values every event repeats, each encoded once. */
const quoted = new Map<string, Buffer>();
/** Bound on {@link quoted}: a log with endless distinct names must not grow it without end. */
const MAX_QUOTED = 4096;

const bytesOf = (s: string): Buffer => Buffer.from(s, "utf8");
const HOOK = bytesOf('{"hook":');
const FILE = bytesOf(',"file":');
const LINE = bytesOf(',"line":');
const IN = bytesOf(',"in":');
const OUT = bytesOf(',"out":');
const PHYS_IN = bytesOf(',"physIn":');
const PHYS_OUT = bytesOf(',"physOut":');
const PREFIX = bytesOf(',"prefix":');
const MARK = bytesOf(',"mark":');
const UID = bytesOf(',"uid":');
const GID = bytesOf(',"gid":');
const VERDICTS = bytesOf(',"verdicts":');
const QUOTED = bytesOf(',"quoted":');
const DROP = bytesOf(',"drop":');
const HEADER = bytesOf('"header":');
const HOOKS = bytesOf('"hooks":[');
const AFTER_HEADER_HOOKS = bytesOf(',"hooks":[');
const REWRITES = bytesOf('],"rewrites":');
const NO_REWRITES = bytesOf('],"rewrites":[],"events":[');
const EVENTS = bytesOf(',"events":[');
const END = bytesOf("]}\n");
const EMPTY = bytesOf('""');

/** Appends `b`. */
function put(sink: ByteSink, b: Uint8Array): void {
  const n = b.length;
  if (sink.at + n > sink.buf.length) sink.room(n);
  const buf = sink.buf;
  let at = sink.at;
  // Names are a few bytes: a loop costs less than a call into `set`.
  if (n <= 32) for (let i = 0; i < n; i++) buf[at++] = b[i] as number;
  else {
    buf.set(b, at);
    at += n;
  }
  sink.at = at;
}

/** Appends one byte. */
function byte(sink: ByteSink, c: number): void {
  if (sink.at + 1 > sink.buf.length) sink.room(1);
  sink.buf[sink.at++] = c;
}

/** Appends `s` as UTF-8. */
export function writeText(sink: ByteSink, s: string): void {
  // A UTF-16 unit takes at most 3 bytes in UTF-8.
  if (sink.at + s.length * 3 > sink.buf.length) sink.room(s.length * 3);
  sink.at += sink.buf.write(s, sink.at, "utf8");
}

/** Appends `n` as JSON writes it. */
function number(sink: ByteSink, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    writeText(sink, JSON.stringify(n));
    return;
  }
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  if (sink.at + digits > sink.buf.length) sink.room(digits);
  const buf = sink.buf;
  let at = sink.at + digits;
  sink.at = at;
  let x = n;
  do {
    buf[--at] = 48 + (x % 10);
    x = Math.floor(x / 10);
  } while (x > 0);
}

/** Appends `JSON.stringify(s)`, encoded once for the values events repeat. */
function quote(sink: ByteSink, s: string): void {
  if (s.length === 0) {
    put(sink, EMPTY);
    return;
  }
  let json = quoted.get(s);
  if (json === undefined) {
    json = bytesOf(JSON.stringify(s));
    if (quoted.size < MAX_QUOTED) quoted.set(s, json);
  }
  put(sink, json);
}

/** Appends one event's object, `last`: the packet's last event (the only one that shows a drop). */
function event(sink: ByteSink, e: TraceEvent, last: boolean): void {
  put(sink, HOOK);
  quote(sink, e.hook);
  put(sink, FILE);
  quote(sink, e.position.file);
  put(sink, LINE);
  number(sink, e.position.line);
  put(sink, IN);
  quote(sink, e.in ?? "");
  put(sink, OUT);
  quote(sink, e.out ?? "");
  if (e.physIn) {
    put(sink, PHYS_IN);
    quote(sink, e.physIn);
  }
  if (e.physOut) {
    put(sink, PHYS_OUT);
    quote(sink, e.physOut);
  }
  // A LOG prefix says which rule logged the line; a trace's label is its chain, in `hook` already.
  if (e.source === "log" || e.source === "ebt-log") {
    put(sink, PREFIX);
    quote(sink, e.prefix.trimEnd());
  }
  if (e.mark !== undefined) {
    put(sink, MARK);
    quote(sink, e.mark);
  }
  if (e.uid !== undefined) {
    put(sink, UID);
    number(sink, e.uid);
  }
  if (e.gid !== undefined) {
    put(sink, GID);
    number(sink, e.gid);
  }
  // An ICMP error's quote of the packet it answers, as this hook saw it (NAT rewrites it with the error).
  if (e.inner) {
    put(sink, QUOTED);
    writeText(sink, JSON.stringify(ipHeader(e.inner.ip, e.inner.l4)));
  }
  if (e.verdicts) {
    put(sink, VERDICTS);
    writeText(sink, JSON.stringify(e.verdicts.map(({ position: _, ...v }) => v)));
  }
  // As the human output and the diagram: only where it ends the packet (one that goes on was not dropped).
  if (e.drop && last) {
    put(sink, DROP);
    writeText(sink, JSON.stringify(e.drop));
  }
  byte(sink, 125 /* } */);
}

/**
 * Appends the `--json` tail of `p` (the JSON fields after `summary`, without the head's `{`, and
 * the newline): in JSON.stringify's order and format, fields set only when present. `header` (see
 * `packet-header-json.ts`) gives the packet's addresses and transport as fields; each event its LOG
 * prefix, mark and socket owner when the line printed them (not its time: an envelope's clock,
 * uptime, epoch or a year-less syslog date, is no value a script could compare).
 */
export function writeJsonTail(p: TailPacket, sink: ByteSink): void {
  const header = packetHeader(p.events);
  if (header) {
    put(sink, HEADER);
    writeText(sink, JSON.stringify(header));
    put(sink, AFTER_HEADER_HOOKS);
  } else put(sink, HOOKS);
  for (let i = 0; i < p.hooks.length; i++) {
    if (i > 0) byte(sink, 44 /* , */);
    quote(sink, p.hooks[i] as string);
  }
  if (p.rewrites.length === 0) put(sink, NO_REWRITES);
  else {
    put(sink, REWRITES);
    writeText(sink, JSON.stringify(shownRewrites(p.rewrites)));
    put(sink, EVENTS);
  }
  const last = p.events.length - 1;
  for (let i = 0; i <= last; i++) {
    if (i > 0) byte(sink, 44 /* , */);
    event(sink, p.events[i] as TraceEvent, i === last);
  }
  put(sink, END);
}

/** A sink into one growing buffer, for a caller that wants the tail as text. */
class GrowingSink implements ByteSink {
  buf = Buffer.allocUnsafe(1024);
  at = 0;
  room(n: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/** {@link writeJsonTail} as a string. */
export function jsonTail(p: TailPacket): string {
  const sink = new GrowingSink();
  writeJsonTail(p, sink);
  return sink.buf.toString("utf8", 0, sink.at);
}
