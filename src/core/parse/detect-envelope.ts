/**
 * Recognises what a log collector wrapped around a kernel message and finds
 * where the message itself starts, without copying the line.
 */

/** What a host name in a syslog header can be: letters, digits, dots, dashes, underscores. */
const HOST_NAME = /^[A-Za-z0-9._-]+$/;

/** The envelopes a kernel line can come in. */
export const ENVELOPES = [
  "bare",
  "dmesg",
  "dmesg-T",
  "dmesg-iso",
  "dmesg-x",
  "dmesg-r",
  "dmesg-delta",
  "dmesg-reltime",
  "journal",
  "journal-iso",
  "journal-monotonic",
  "journal-unix",
  "journal-full",
  "syslog",
  "rfc5424",
  "journal-verbose",
  "kmsg",
  "ulogd",
  "logread",
  "busybox",
  "journal-json",
  "pve-firewall",
  "cri",
  "loki",
  "compose",
] as const;
/** One of {@link ENVELOPES}. */
export type EnvelopeKind = (typeof ENVELOPES)[number];

/** Where the message starts in a line, and what the envelope said. */
export interface Envelope {
  /**
   * One of {@link ENVELOPES}; or `ulogd-json`: ulogd's JSON packet record, which holds no message text;
   * or a log shipper's record read by `unwrap-line.ts`: `fluentd` (its file output), `fluent-bit` (its
   * stdout output), `csv` (a CSV export's row, Graylog's).
   */
  kind: EnvelopeKind | "ulogd-json" | "fluentd" | "fluent-bit" | "csv";
  /** Index in the line where the kernel message begins. */
  bodyStart: number;
  /** Seconds: uptime for dmesg-style stamps, epoch (or seconds into an unknown year) for wall clocks. */
  time?: number;
  /** True when the envelope says the line is from the kernel (so an unknown body is an unrelated kernel line). */
  kernel: boolean;
  /** Where the host name the envelope prints starts in the line (journal and syslog forms); its end is the next space. */
  hostAt?: number;
  /** Where that host name ends, when not at a space (a label's quoted value: Loki's `{host="web1", ...}`). */
  hostEnd?: number;
  /**
   * Where the message starts when what reads as a `docker compose logs` service's name and bar
   * (`drop | `) is instead the start of the line's own LOG prefix (`drop | IN=...`): both readings
   * are possible, the parser takes the one under which the line places (see {@link composeOrPrefix}).
   * Unset on every other line.
   */
  bareAt?: number;
}

/** A service's name as Compose prints a replica's: `web-1`, `proj_web_1` (v1), then the padding and bar. */
const REPLICA_NAME = /^[a-z0-9._-]*[-_][0-9]+ *\| ?$/;

/**
 * Which reading of a line `detectEnvelope` found both a `docker compose logs` line and a LOG line
 * with a prefix holding a bar (`drop | IN=eth0 ...`, see {@link Envelope.bareAt}) to keep, given
 * whether each one's LOG prefix places the line (`composePlaced`: the prefix after the bar;
 * `barePlaced`: the whole, bar included): the one that places, compose's when both or neither do;
 * but when neither places and compose's leaves no prefix at all, the bare one, unless the name
 * before the bar is a replica's as Compose names them (`web-1`): a prefix the user wrote with a
 * bar is likelier than a service printing kernel lines without envelope or prefix.
 */
export function composeOrPrefix(
  text: string,
  env: Envelope,
  composePrefix: string,
  composePlaced: boolean,
  barePlaced: boolean,
): "compose" | "bare" {
  if (composePlaced || env.bareAt === undefined) return "compose";
  if (barePlaced) return "bare";
  if (composePrefix.trim() !== "") return "compose";
  return REPLICA_NAME.test(text.slice(env.bareAt, env.bodyStart)) ? "compose" : "bare";
}

/** {@link Envelope} read the other way {@link Envelope.bareAt} allows: the line's own prefix from there. */
export function prefixReading(env: Envelope): Envelope {
  const { bareAt, ...rest } = env;
  return { ...rest, kind: env.kind === "compose" ? "bare" : env.kind, bodyStart: bareAt ?? env.bodyStart };
}

const DAYS = new Set(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/**
 * Month abbreviations as journalctl (and `dmesg -T`) print them under other locales: they format
 * the date with strftime's `%b`, so a reader with LANG=de_DE sees `Dez 01`, with zh_TW `11月 30`.
 * Lower case, without a trailing dot; glibc's `abmon` of the most used locales (CJK months are read
 * from their digits). A month missing here still reads: its date only lacks the month.
 */
const LOCAL_MONTHS = new Map<string, number>(
  [
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "jan feb mär apr mai jun jul aug sep okt nov dez",
    "janv févr mars avr mai juin juil août sept oct nov déc",
    "ene feb mar abr may jun jul ago sep oct nov dic",
    "gen feb mar apr mag giu lug ago set ott nov dic",
    "jan fev mar abr mai jun jul ago set out nov dez",
    "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "jan feb mar apr maj jun jul aug sep okt nov dec",
    "sty lut mar kwi maj cze lip sie wrz paź lis gru",
    "oca şub mar nis may haz tem ağu eyl eki kas ara",
    "янв фев мар апр мая июн июл авг сен окт ноя дек",
    "січ лют бер кві тра чер лип сер вер жов лис гру",
  ].flatMap((names) => names.split(" ").map((name, month) => [name, month] as [string, number])),
);
// Russian uses `май` as well as `мая` (the genitive), depending on the glibc version.
LOCAL_MONTHS.set("май", 4);

/**
 * The month word at `at` (any locale, see {@link LOCAL_MONTHS}) up to the space after it: its month
 * (undefined when the word is not in the table) and the index of that space; undefined when the
 * text there cannot be a month word (a LOG prefix, a field).
 */
function readMonthWord(line: string, at: number): { month: number | undefined; end: number } | undefined {
  let i = at;
  let digits = 0;
  for (; i < at + 8; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || Number.isNaN(c)) break;
    // Punctuation of prefixes and fields: `/`, `:`, `=`, `[`, `]`, `-`, `_`.
    if (c === 47 || c === 58 || c === 61 || c === 91 || c === 93 || c === 45 || c === 95) return undefined;
    if (isDigit(c)) digits++;
  }
  if (i === at || line.charCodeAt(i) !== 32) return undefined;
  const last = line.charCodeAt(i - 1);
  // 月 (Chinese, Japanese) and 월 (Korean) after the month's number.
  if (last === 0x6708 || last === 0xc6d4) {
    const n = digits === i - at - 1 ? num(line, at, digits) : Number.NaN;
    return n >= 1 && n <= 12 ? { month: n - 1, end: i } : undefined;
  }
  if (digits > 0) return undefined;
  const word = line.slice(at, line.charCodeAt(i - 1) === 46 ? i - 1 : i).toLowerCase();
  return { month: LOCAL_MONTHS.get(word), end: i };
}

/**
 * `Dez 01 05:58:48`, `11月 30 05:58:48`, `déc. 01 05:58:48` at `at`: {@link readSyslogDate} for a
 * month word of any locale. An unknown word counts as January: only differences of times within
 * one log matter, and those are right within a month.
 */
function readLocalDate(line: string, at: number): { time: number; end: number } | undefined {
  const m = readMonthWord(line, at);
  if (!m) return undefined;
  let i = m.end + 1;
  if (line.charCodeAt(i) === 32) i++;
  let day = 0;
  const from = i;
  while (isDigit(line.charCodeAt(i))) day = day * 10 + line.charCodeAt(i++) - 48;
  if (day === 0 || i - from > 2 || line.charCodeAt(i) !== 32) return undefined;
  const clock = readClock(line, i + 1);
  if (!clock) return undefined;
  return { time: Date.UTC(1970, m.month ?? 0, day) / 1000 + clock.secs, end: clock.end };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `[  122.212126]` content -> seconds, or undefined when not an uptime. */
function readUptime(line: string, from: number, to: number): number | undefined {
  let i = from;
  while (i < to && line.charCodeAt(i) === 32) i++;
  if (i === to || !isDigit(line.charCodeAt(i))) return undefined;
  let int = 0;
  while (i < to && isDigit(line.charCodeAt(i))) int = int * 10 + line.charCodeAt(i++) - 48;
  if (i === to) return int;
  if (line.charCodeAt(i) !== 46) return undefined;
  i++;
  let frac = 0;
  let scale = 1;
  while (i < to && isDigit(line.charCodeAt(i))) {
    frac = frac * 10 + line.charCodeAt(i++) - 48;
    scale *= 10;
  }
  return i === to ? int + frac / scale : undefined;
}

function num(line: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = line.charCodeAt(i);
    if (!isDigit(c)) return Number.NaN;
    v = v * 10 + c - 48;
  }
  return v;
}

/** Reads `hh:mm:ss[.frac]` at `at`; returns seconds of day and where it ends. */
function readClock(line: string, at: number): { secs: number; end: number } | undefined {
  const h = num(line, at, 2);
  const m = num(line, at + 3, 2);
  const s = num(line, at + 6, 2);
  if (line.charCodeAt(at + 2) !== 58 || line.charCodeAt(at + 5) !== 58 || Number.isNaN(h + m + s))
    return undefined;
  let end = at + 8;
  let secs = h * 3600 + m * 60 + s;
  const sep = line.charCodeAt(end);
  if (sep === 46 || sep === 44) {
    let frac = 0;
    let scale = 1;
    end++;
    while (isDigit(line.charCodeAt(end))) {
      frac = frac * 10 + line.charCodeAt(end++) - 48;
      scale *= 10;
    }
    secs += frac / scale;
  }
  return { secs, end };
}

/** `2026-11-26T05:58:48[.,frac][Z|+hh:mm|+hhmm]` at `at`; returns epoch seconds and the index after it. */
function readIso(line: string, at: number): { time: number; end: number } | undefined {
  if (line.charCodeAt(at + 4) !== 45 || line.charCodeAt(at + 7) !== 45) return undefined;
  const t = line.charCodeAt(at + 10);
  if (t !== 84 && t !== 32) return undefined;
  const y = num(line, at, 4);
  const mo = num(line, at + 5, 2);
  const d = num(line, at + 8, 2);
  const clock = readClock(line, at + 11);
  if (!clock || Number.isNaN(y + mo + d)) return undefined;
  let end = clock.end;
  let offset = 0;
  const z = line.charCodeAt(end);
  if (z === 90) end++;
  else if (z === 43 || z === 45) {
    const oh = num(line, end + 1, 2);
    const colon = line.charCodeAt(end + 3) === 58 ? 1 : 0;
    const om = num(line, end + 3 + colon, 2);
    if (!Number.isNaN(oh + om)) {
      offset = (z === 43 ? 1 : -1) * (oh * 3600 + om * 60);
      end += 5 + colon;
    }
  }
  return { time: Date.UTC(y, mo - 1, d) / 1000 + clock.secs - offset, end };
}

/** `Nov 26 05:58:48[.frac]` at `at` (no year: seconds into an unspecified year). */
function readSyslogDate(line: string, at: number): { time: number; end: number } | undefined {
  const month = MONTHS[line.slice(at, at + 3)];
  if (month === undefined || line.charCodeAt(at + 3) !== 32) return undefined;
  let i = at + 4;
  if (line.charCodeAt(i) === 32) i++;
  let day = 0;
  while (isDigit(line.charCodeAt(i))) day = day * 10 + line.charCodeAt(i++) - 48;
  if (day === 0 || line.charCodeAt(i) !== 32) return undefined;
  const clock = readClock(line, i + 1);
  if (!clock) return undefined;
  return { time: Date.UTC(1970, month, day) / 1000 + clock.secs, end: clock.end };
}

/** `Thu Nov 26 05:58:48 2026` (dmesg -T; `Do Nov 26 ...`, `四 11月 26 ...` under other locales) between `from` and `to`. */
function readCtime(line: string, from: number, to: number): number | undefined {
  const sp = line.indexOf(" ", from);
  if (sp < 0 || sp > from + 8) return undefined;
  const d = readSyslogDate(line, from + 4) ?? readLocalDate(line, sp + 1);
  if (!d || line.charCodeAt(d.end) !== 32) return undefined;
  const year = num(line, d.end + 1, to - d.end - 1);
  if (Number.isNaN(year)) return undefined;
  return d.time + (Date.UTC(year, 0, 1) - Date.UTC(1970, 0, 1)) / 1000;
}

const SYSLOG_LEVELS = new Set([
  "emerg",
  "alert",
  "crit",
  "err",
  "error",
  "warn",
  "warning",
  "notice",
  "info",
  "debug",
]);

/**
 * `kern.warn ` (BusyBox syslogd and OpenWrt's logread print the facility and level before the tag)
 * at `at` -> the index after it, else `at`.
 */
function skipSyslogLevel(line: string, at: number): number {
  let i = at;
  while (
    i < at + 9 &&
    ((line.charCodeAt(i) >= 97 && line.charCodeAt(i) <= 122) || isDigit(line.charCodeAt(i)))
  )
    i++;
  if (i === at || line.charCodeAt(i) !== 46) return at;
  const sp = line.indexOf(" ", i + 1);
  if (sp < 0 || sp - i > 8 || !SYSLOG_LEVELS.has(line.slice(i + 1, sp))) return at;
  return sp + 1;
}

/**
 * `kernel: ` (or `vmunix: `, rsyslog's kernel tag on Linux Mint; `klogd: `, the tag klogd gives the
 * kernel's lines on SnapGear and SecureComputing appliances) at `at` -> the index after it, else -1.
 */
function afterKernelWord(line: string, at: number): number {
  // The first letter picks the one word to compare.
  const c = line.charCodeAt(at);
  const colon =
    c === 107
      ? line.startsWith("kernel:", at)
        ? at + 6
        : line.startsWith("klogd:", at)
          ? at + 5
          : stampedKernelTag(line, at)
      : c === 118 && line.startsWith("vmunix:", at)
        ? at + 6
        : -1;
  if (colon < 0) return -1;
  // A space after the tag, or a tab (some collectors' templates), or nothing at all.
  const after = line.charCodeAt(colon + 1);
  if (after === 32 || after === 9) return colon + 2;
  return colon + 1 === line.length ? colon + 1 : -1;
}

/**
 * `kernel [ 2905.992450]:` at `at`, the dmesg stamp inside the tag (a syslog that took the stamp
 * for the tag's pid part, as posted in a newbetuts.com question): the index of its colon, else -1.
 */
function stampedKernelTag(line: string, at: number): number {
  if (!line.startsWith("kernel [", at)) return -1;
  const close = line.indexOf("]", at + 8);
  if (close < 0 || close > at + 30 || line.charCodeAt(close + 1) !== 58) return -1;
  return readUptime(line, at + 8, close) === undefined ? -1 : close + 1;
}

/**
 * A year after a syslog date, where the host would stand (`Jan 24 18:17:19 2000 klogd: ...`, as
 * SnapGear appliances send): `time` (seconds into 1970, see {@link readSyslogDate}) moved into that
 * year, else undefined.
 */
function inYear(line: string, at: number, time: number): number | undefined {
  if (!isDigit(line.charCodeAt(at)) || line.charCodeAt(at + 4) !== 32) return undefined;
  const year = num(line, at, 4);
  if (!(year >= 1980 && year <= 2199)) return undefined;
  const day = new Date(Math.floor(time / 86400) * 86400000);
  return Date.UTC(year, day.getUTCMonth(), day.getUTCDate()) / 1000 + (time % 86400);
}

/** After a timestamp: `host ` and a syslog level if any (see {@link skipSyslogLevel}) -> where the tag starts, else -1. */
function afterHost(line: string, at: number): number {
  const sp = line.indexOf(" ", at);
  if (sp < 0 || sp - at > 255) return -1;
  return skipSyslogLevel(line, sp + 1);
}

/** After a timestamp: `host kernel: ` (journal/syslog; `host kern.warn kernel: ` from BusyBox) -> index after it, else -1. */
function afterKernelTag(line: string, at: number): number {
  const name = afterHost(line, at);
  return name < 0 ? -1 : afterKernelWord(line, name);
}

/**
 * After a timestamp: `host prog[pid]: ` (a tool logging through the journal or syslog, such as
 * `xtables-monitor --trace` or `nft monitor trace` run as a service) -> index after it, else -1.
 */
function afterProgramTag(line: string, at: number): number {
  const name = afterHost(line, at);
  return name < 0 ? -1 : programWord(line, name);
}

/** `prog[pid]: ` at `name` -> the index after it, else -1. */
function programWord(line: string, name: number): number {
  // The program's name: up to 64 characters, no space or colon, then `[` (looked for that far only).
  let open = name;
  for (; open < name + 64; open++) {
    const c = line.charCodeAt(open);
    if (c === 91) break;
    if (c === 32 || c === 58 || Number.isNaN(c)) return -1;
  }
  if (open === name || line.charCodeAt(open) !== 91) return -1;
  let i = open + 1;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === open + 1 || line.charCodeAt(i) !== 93 || line.charCodeAt(i + 1) !== 58) return -1;
  const after = line.charCodeAt(i + 2);
  return after === 32 || after === 9 ? i + 3 : -1;
}

/**
 * The envelope of a line whose time stamp ends at `at`, when `host kernel: ` or `host prog[pid]: `
 * follows: kind `plain`, or `withUptime` when kern.log's dmesg stamp follows `kernel: `. Else undefined.
 */
function hostTagged(
  line: string,
  at: number,
  time: number,
  plain: EnvelopeKind,
  withUptime: EnvelopeKind = plain,
): Envelope | undefined {
  const tagged = afterKernelTag(line, at);
  if (tagged > 0) {
    const inner = skipInnerUptime(line, tagged);
    // pvefw-logger's lines forwarded through syslog under the kernel's tag (a digit first: its VMID).
    const pve = isDigit(line.charCodeAt(inner.at)) ? readPve(line, inner.at) : undefined;
    if (pve) return { ...pve, hostAt: at };
    // `host kern.warn kernel: ` is BusyBox syslogd's file.
    const sp = line.indexOf(" ", at);
    const leveled = skipSyslogLevel(line, sp + 1) !== sp + 1;
    const kind = leveled && plain === "journal" ? "busybox" : inner.time === undefined ? plain : withUptime;
    return { kind, bodyStart: inner.at, time, kernel: true, hostAt: at };
  }
  const program = afterProgramTag(line, at);
  if (program > 0) return { kind: plain, bodyStart: program, time, kernel: false, hostAt: at };
  return untagged(line, at, time, plain, withUptime);
}

/**
 * After a time stamp, the tag with no host before it: `journalctl --no-hostname` in any output mode,
 * BusyBox syslogd's small form (`syslogd -S`) and what it sends to a remote host (`<4>Dec  3 10:00:00
 * kernel: ...`). Looked for only when no `host tag: ` is there, so a line with a host costs nothing more.
 */
function untagged(
  line: string,
  at: number,
  time: number | undefined,
  plain: EnvelopeKind,
  withUptime: EnvelopeKind = plain,
): Envelope | undefined {
  const tagged = afterKernelWord(line, at);
  if (tagged > 0) {
    const inner = skipInnerUptime(line, tagged);
    const kind = inner.time === undefined ? plain : withUptime;
    return time === undefined
      ? { kind, bodyStart: inner.at, kernel: true }
      : { kind, bodyStart: inner.at, time, kernel: true };
  }
  const program = programWord(line, at);
  if (program < 0) return undefined;
  return time === undefined
    ? { kind: plain, bodyStart: program, kernel: false }
    : { kind: plain, bodyStart: program, time, kernel: false };
}

/**
 * OpenWrt's `logread`: `Mon Nov 30 10:11:12 2026 kern.warn kernel: [ 1234.567890] ...` (a ctime date
 * with the year, the facility and level, no host), at `at`.
 */
function readLogread(line: string, at: number): Envelope | undefined {
  if (!DAYS.has(line.slice(at, at + 3)) || line.charCodeAt(at + 3) !== 32) return undefined;
  const d = readSyslogDate(line, at + 4);
  if (!d || line.charCodeAt(d.end) !== 32) return undefined;
  const yearEnd = d.end + 5;
  if (line.charCodeAt(yearEnd) !== 32) return undefined;
  const time = readCtime(line, at, yearEnd);
  const level = skipSyslogLevel(line, yearEnd + 1);
  if (time === undefined || level === yearEnd + 1) return undefined;
  const tagged = afterKernelWord(line, level);
  if (tagged < 0) return undefined;
  return { kind: "logread", bodyStart: skipInnerUptime(line, tagged).at, time, kernel: true };
}

/** A printk level marker (`<4>`, `<12>` with a facility) at `at` -> the index after it, else `at`. */
function skipLevelMarker(line: string, at: number): number {
  if (line.charCodeAt(at) !== 60) return at;
  let i = at + 1;
  while (i < at + 4 && isDigit(line.charCodeAt(i))) i++;
  return i > at + 1 && line.charCodeAt(i) === 62 ? i + 1 : at;
}

/**
 * kern.log repeats the dmesg stamp after `kernel: `, with the caller id of a CONFIG_PRINTK_CALLER
 * kernel (`[17748.074339][    C0] `); an old klogd left the level marker first (`kernel: <4>IN=...`).
 */
function skipInnerUptime(line: string, from: number): { at: number; time?: number } {
  let at = from;
  if (line.charCodeAt(at) === 60) {
    const gt = line.indexOf(">", at);
    if (gt > at + 1 && gt <= at + 4 && readUptime(line, at + 1, gt) !== undefined) at = gt + 1;
  }
  if (line.charCodeAt(at) !== 91) return { at };
  const close = line.indexOf("]", at);
  if (close < 0) return { at };
  const time = readUptime(line, at + 1, close);
  if (time === undefined) return { at };
  const caller = skipCallerId(line, close + 1);
  if (caller !== close + 1) return { at: caller, time };
  return { at: line.charCodeAt(close + 1) === 32 ? close + 2 : close + 1, time };
}

/** `kern  :debug : ` (dmesg -x); returns the index after it or -1. */
function skipFacility(line: string, at: number): number {
  const c1 = line.indexOf(":", at);
  if (c1 < 0 || c1 - at > 8) return -1;
  const c2 = line.indexOf(":", c1 + 1);
  if (c2 < 0 || c2 - c1 > 8 || line.charCodeAt(c2 + 1) !== 32) return -1;
  for (let i = at; i < c2; i++) {
    const c = line.charCodeAt(i);
    if (!(c === 32 || c === 58 || (c >= 97 && c <= 122))) return -1;
  }
  return c2 + 2;
}

/** `[<    0.000123>]` or `[  123.456789 <    0.000123>]` (dmesg --time-format delta, dmesg -d) between `from` and `to`. */
function readDelta(line: string, from: number, to: number): { time?: number } | undefined {
  const lt = line.indexOf("<", from);
  if (lt < 0 || lt >= to || line.charCodeAt(to - 1) !== 62) return undefined;
  if (readUptime(line, lt + 1, to - 1) === undefined) return undefined;
  if (lt === from) return {};
  let end = lt;
  while (end > from && line.charCodeAt(end - 1) === 32) end--;
  // `dmesg -d` after -T: a ctime before the delta.
  const time = readUptime(line, from, end) ?? (end - from > 20 ? readCtime(line, from, end) : undefined);
  return time === undefined ? undefined : { time };
}

/** `[Nov30 14:30]` or `[  +0.000123]` (dmesg --time-format reltime, dmesg -e) between `from` and `to`. */
function isReltime(line: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && line.charCodeAt(i) === 32) i++;
  if (line.charCodeAt(i) === 43) return readUptime(line, i + 1, to) !== undefined;
  return (
    to - from === 11 &&
    MONTHS[line.slice(from, from + 3)] !== undefined &&
    line.charCodeAt(from + 5) === 32 &&
    readClock(`${line.slice(from + 6, to)}:00`, 0) !== undefined
  );
}

/**
 * After a dmesg stamp, the caller id a kernel built with CONFIG_PRINTK_CALLER adds
 * (`[    T1234]`, `[     C1]`), glued to the stamp or after a space: the index after it, else `at`.
 */
function skipCallerId(line: string, at: number): number {
  // MediaTek's kernels: `(2)[22:ksoftirqd/2]`, the CPU then the caller's pid and name.
  const mtk = mediatekCaller(line, line.charCodeAt(at) === 32 ? at + 1 : at);
  if (mtk > 0) return mtk;
  const open =
    line.charCodeAt(at) === 91
      ? at
      : line.charCodeAt(at) === 32 && line.charCodeAt(at + 1) === 91
        ? at + 1
        : -1;
  if (open < 0) return at;
  let i = open + 1;
  while (line.charCodeAt(i) === 32) i++;
  const c = line.charCodeAt(i);
  if (c !== 84 && c !== 67) return at;
  const digits = ++i;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === digits || i - open > 16 || line.charCodeAt(i) !== 93) return at;
  return line.charCodeAt(i + 1) === 32 ? i + 2 : i + 1;
}

/** MediaTek's printk caller `(cpu)[pid:comm]` at `at`: the index after it (and one space), or -1. */
function mediatekCaller(line: string, at: number): number {
  if (line.charCodeAt(at) !== 40) return -1;
  const m = /^\(\d{1,3}\)\[\d{1,7}:[^\]\s]{1,32}\] ?/.exec(line.slice(at, at + 48));
  return m ? at + m[0].length : -1;
}

/** `1764513033.123456` (journalctl -o short-unix) at `at`: epoch seconds and the index after it. */
function readUnix(line: string, at: number): { time: number; end: number } | undefined {
  let i = at;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i - at < 9 || i - at > 11 || line.charCodeAt(i) !== 46) return undefined;
  const dot = i++;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === dot + 1) return undefined;
  const time = readUptime(line, at, i);
  return time === undefined ? undefined : { time, end: i };
}

/** `Mon 2026-11-30 14:30:33 UTC` (journalctl -o short-full) at `at`: seconds (the zone taken as UTC) and the index after it. */
function readFull(line: string, at: number): { time: number; end: number } | undefined {
  if (!DAYS.has(line.slice(at, at + 3)) || line.charCodeAt(at + 3) !== 32) return undefined;
  const iso = readIso(line, at + 4);
  if (!iso || line.charCodeAt(at + 14) !== 32 || line.charCodeAt(iso.end) !== 32) return undefined;
  const sp = line.indexOf(" ", iso.end + 1);
  if (sp < 0 || sp - iso.end > 7) return undefined;
  return { time: iso.time, end: sp };
}

/**
 * A `/dev/kmsg` record header at `at` (`6,339,5140900,-;` or `4,1207,912345678,-,caller=C1;`):
 * the uptime in seconds and the index after the `;`, or undefined.
 */
function readKmsg(line: string, at: number): { time: number; end: number } | undefined {
  let i = at;
  while (isDigit(line.charCodeAt(i))) i++;
  // Other stamps that start with digits (ISO dates, epoch seconds) go on otherwise: no search along the line.
  if (line.charCodeAt(i) !== 44) return undefined;
  const semi = line.indexOf(";", at);
  if (semi < 0 || semi - at > 64) return undefined;
  const parts = line.slice(at, semi).split(",");
  if (parts.length < 4 || !/^\d+$/.test(parts[0] as string) || !/^\d+$/.test(parts[1] as string))
    return undefined;
  const micros = parts[2] as string;
  if (!/^\d+$/.test(micros) || !/^[-c+]*$/.test(parts[3] as string)) return undefined;
  return { time: Number(micros) / 1e6, end: semi + 1 };
}

/**
 * An RFC 5424 header after `<PRI>` at `at` (`1 2026-11-30T14:30:33.1+00:00 host kernel - - - `):
 * the message start, the time and whether the app is the kernel; undefined when it is not one.
 */
function readRfc5424(line: string, at: number): Envelope | undefined {
  if (line.charCodeAt(at) !== 49 || line.charCodeAt(at + 1) !== 32) return undefined;
  let i = at + 2;
  let time: number | undefined;
  if (line.charCodeAt(i) === 45) i++;
  else {
    const iso = readIso(line, i);
    if (!iso) return undefined;
    time = iso.time;
    i = iso.end;
  }
  // HOSTNAME, APP-NAME, PROCID, MSGID: one word each.
  const fields: string[] = [];
  for (let f = 0; f < 4; f++) {
    if (line.charCodeAt(i) !== 32) return undefined;
    const sp = line.indexOf(" ", i + 1);
    if (sp < 0 || sp === i + 1) return undefined;
    fields.push(line.slice(i + 1, sp));
    i = sp;
  }
  i++;
  // STRUCTURED-DATA: `-` or `[id k="v" ...]...` (a `]` inside a value is escaped).
  if (line.charCodeAt(i) === 45) i++;
  else {
    while (line.charCodeAt(i) === 91) {
      i++;
      while (i < line.length && line.charCodeAt(i) !== 93) i += line.charCodeAt(i) === 92 ? 2 : 1;
      if (i >= line.length) return undefined;
      i++;
    }
  }
  if (i < line.length && line.charCodeAt(i) !== 32) return undefined;
  let bodyStart = Math.min(i + 1, line.length);
  if (line.charCodeAt(bodyStart) === 0xfeff) bodyStart++;
  const inner = skipInnerUptime(line, bodyStart);
  return {
    kind: "rfc5424",
    bodyStart: inner.at,
    ...(time === undefined ? {} : { time }),
    kernel: fields[1] === "kernel",
  };
}

/**
 * The header pvefw-logger (Proxmox VE's firewall logger, pve-firewall's `src/pvefw-logger.c`) writes
 * before each line of /var/log/pve-firewall.log, at `at`: `<VMID> <LOGLEVEL> <CHAIN> <TIME> <ZONE> `,
 * as `101 6 tap101i0-IN 03/Dec/2026:10:00:00 +0100 ` (VMID 0 for the host, chain `-` for a prefix
 * not of its own form and for its own status lines); the message is the rest of the prefix and the
 * packet's fields. Undefined for any other line (checked only when no other stamp starts with digits).
 */
function readPve(line: string, at: number): Envelope | undefined {
  let i = at;
  while (isDigit(line.charCodeAt(i)) && i - at < 10) i++;
  if (i === at || line.charCodeAt(i) !== 32) return undefined;
  const level = line.charCodeAt(i + 1);
  if (level < 48 || level > 55 || line.charCodeAt(i + 2) !== 32) return undefined;
  const chain = i + 3;
  const sp = line.indexOf(" ", chain);
  // pvefw-logger keeps chains of at most 28 characters.
  if (sp <= chain || sp - chain > 28) return undefined;
  // `03/Dec/2026:10:00:00 +0100 ` (strftime's `%d/%b/%Y:%H:%M:%S %z`, C locale).
  const d = sp + 1;
  if (line.charCodeAt(d + 2) !== 47 || line.charCodeAt(d + 6) !== 47 || line.charCodeAt(d + 11) !== 58)
    return undefined;
  const day = num(line, d, 2);
  const month = MONTHS[line.slice(d + 3, d + 6)];
  const year = num(line, d + 7, 4);
  const clock = readClock(line, d + 12);
  if (month === undefined || Number.isNaN(day + year) || !clock || line.charCodeAt(clock.end) !== 32)
    return undefined;
  const z = clock.end + 1;
  const sign = line.charCodeAt(z);
  const oh = num(line, z + 1, 2);
  const om = num(line, z + 3, 2);
  if ((sign !== 43 && sign !== 45) || Number.isNaN(oh + om)) return undefined;
  const bodyStart = z + 5 === line.length ? z + 5 : line.charCodeAt(z + 5) === 32 ? z + 6 : -1;
  if (bodyStart < 0) return undefined;
  const time =
    Date.UTC(year, month, day) / 1000 + clock.secs - (sign === 43 ? 1 : -1) * (oh * 3600 + om * 60);
  return { kind: "pve-firewall", bodyStart, time, kernel: false };
}

/** The value of a `host` or `hostname` label between `from` and `to` (Loki's `{host="web1", ...}`): where it starts and ends. */
function labelHost(line: string, from: number, to: number): { at: number; end: number } | undefined {
  const m = /(?:^|[{,\s])host(?:name)?="([A-Za-z0-9._-]+)"/.exec(line.slice(from, to));
  if (!m) return undefined;
  const at = from + m.index + m[0].length - 1 - (m[1] as string).length;
  return { at, end: at + (m[1] as string).length };
}

/**
 * A `docker compose logs` (or `docker-compose logs`, `docker compose up`) prefix at `at`: the
 * service's container name (`web1-1`, `proj_web_1`: lower case, as Compose names them), the padding
 * to the longest name, `| ` -> the index after it, else -1. A LOG prefix holding a `|` (`|DROP|`,
 * `FW | IN`) has no such name before it.
 */
function composeBar(line: string, at: number): number {
  let i = at;
  for (; i < at + 64; i++) {
    const c = line.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || isDigit(c) || c === 45 || c === 95 || c === 46)) break;
  }
  if (i === at || line.charCodeAt(i) !== 32) return -1;
  while (line.charCodeAt(i) === 32) i++;
  if (line.charCodeAt(i) !== 124) return -1;
  // `web1  |` alone: the service printed an empty line.
  return line.charCodeAt(i + 1) === 32 ? i + 2 : i + 1 === line.length ? i + 1 : -1;
}

/**
 * After a CRI log record's time (the container runtime's file, /var/log/containers/*.log), at `at`:
 * `stdout F ` or `stderr P ` (F a full line, P a part of one the runtime cut) -> the index after
 * it, else -1.
 */
function criTag(line: string, at: number): number {
  if (!line.startsWith("stdout ", at) && !line.startsWith("stderr ", at)) return -1;
  const tag = line.charCodeAt(at + 7);
  if (tag !== 70 && tag !== 80) return -1;
  const after = line.charCodeAt(at + 8);
  // A record with an empty message ends at its tag.
  return after === 32 ? at + 9 : at + 8 === line.length ? at + 8 : -1;
}

/**
 * A collector's envelope whose message, from `from`, is a line with an envelope of its own (a syslog,
 * journal or dmesg line; or none): that one read, at its indices in `line`, under the collector's
 * `kind` and `time` (its host, when it names one, where the inner envelope names none).
 */
function nested(
  line: string,
  from: number,
  kind: EnvelopeKind,
  time: number | undefined,
  host?: { at: number; end: number },
): Envelope {
  const inner = detectEnvelope(line.slice(from));
  // pvefw-logger's lines are read by their own envelope's kind.
  const env: Envelope = {
    kind: inner.kind === "pve-firewall" ? inner.kind : kind,
    bodyStart: from + inner.bodyStart,
    kernel: inner.kernel,
  };
  if (inner.bareAt !== undefined) env.bareAt = from + inner.bareAt;
  const at = time ?? inner.time;
  if (at !== undefined) env.time = at;
  if (inner.hostAt !== undefined) env.hostAt = from + inner.hostAt;
  else if (host) {
    env.hostAt = host.at;
    env.hostEnd = host.end;
  }
  return env;
}

/**
 * Detects the envelope of one line (without its newline; a trailing `\r` must
 * already be removed) and where the kernel message starts. Never throws.
 */
export function detectEnvelope(line: string): Envelope {
  // A byte-order mark (a file saved by an editor) comes before everything else.
  const start = line.charCodeAt(0) === 0xfeff ? 1 : 0;
  let at = start;
  let kind: EnvelopeKind | undefined;
  const c0 = line.charCodeAt(at);
  if (c0 === 60) {
    // dmesg -r: `<7>`, possibly a facility-encoded number like `<14>`; RFC 5424 goes on with `1 `.
    const close = line.indexOf(">", at);
    if (close > at + 1 && close < at + 6 && readUptime(line, at + 1, close) !== undefined) {
      const rfc = readRfc5424(line, close + 1);
      if (rfc) return rfc;
      at = close + 1;
      // A relay's space between the priority and the date (`<12> Jan 24 18:17:19 ...`, SnapGear's).
      if (line.charCodeAt(at) === 32 && readSyslogDate(line, at + 1)) at++;
      kind = "dmesg-r";
    }
  } else if (c0 >= 97 && c0 <= 122) {
    const after = skipFacility(line, at);
    if (after > 0) {
      at = after;
      kind = "dmesg-x";
    }
  }
  const c = line.charCodeAt(at);
  if (c === 91) {
    const close = line.indexOf("]", at);
    if (close > 0) {
      let time = readUptime(line, at + 1, close);
      let stamp: EnvelopeKind | undefined;
      if (time === undefined) {
        const delta = readDelta(line, at + 1, close);
        if (delta) {
          time = delta.time;
          stamp = "dmesg-delta";
        } else if (isReltime(line, at + 1, close)) stamp = "dmesg-reltime";
        else if (close - at > 20) time = readCtime(line, at + 1, close);
      }
      if (time !== undefined || stamp !== undefined) {
        let bodyStart = skipCallerId(line, close + 1);
        const sep = line.charCodeAt(close + 1);
        if (bodyStart === close + 1 && (sep === 32 || sep === 9)) bodyStart = close + 2;
        // journalctl -o short-monotonic / short-delta: host and tag follow the stamp.
        // Both tags follow the same host word: found once.
        const name = kind === undefined ? afterHost(line, bodyStart) : -1;
        const tagged = name < 0 ? -1 : afterKernelWord(line, name);
        const program = name >= 0 && tagged < 0 ? programWord(line, name) : -1;
        if (tagged > 0 || program > 0) {
          const journal = stamp ?? "journal-monotonic";
          const at = tagged > 0 ? tagged : program;
          return time === undefined
            ? { kind: journal, bodyStart: at, kernel: tagged > 0, hostAt: bodyStart }
            : { kind: journal, bodyStart: at, time, kernel: tagged > 0, hostAt: bodyStart };
        }
        // `journalctl -o short-monotonic --no-hostname`: `kernel: ` right after the stamp (its `k`
        // first, so a dmesg line pays one character's test).
        if (kind === undefined && line.charCodeAt(bodyStart) === 107) {
          const bare = untagged(line, bodyStart, time, stamp ?? "journal-monotonic");
          if (bare) return bare;
        }
        if (kind === undefined)
          kind =
            stamp ??
            (line.charCodeAt(at + 1) === 32 || isDigit(line.charCodeAt(at + 1)) ? "dmesg" : "dmesg-T");
        if (bodyStart > line.length) bodyStart = line.length;
        return time === undefined
          ? { kind, bodyStart, kernel: true }
          : { kind, bodyStart, time, kernel: true };
      }
    }
  } else if (isDigit(c)) {
    const kmsg = kind === undefined ? readKmsg(line, at) : undefined;
    if (kmsg) return { kind: "kmsg", bodyStart: kmsg.end, time: kmsg.time, kernel: true };
    const unix = readUnix(line, at);
    if (unix && line.charCodeAt(unix.end) === 32) {
      const env = hostTagged(line, unix.end + 1, unix.time, "journal-unix");
      if (env) return env;
    }
    const iso = readIso(line, at);
    if (iso && kind === undefined && line.charCodeAt(iso.end) === 32) {
      const next = line.charCodeAt(iso.end + 1);
      // Loki's logcli: `<RFC 3339 time> {labels}   <the line as shipped>`, whose own envelope is read after.
      if (next === 123) {
        const labels = /^\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\}[ \t]+/.exec(line.slice(iso.end + 1));
        // Labels are `name="value"` pairs: a LOG prefix in braces after dmesg's ISO time (`{FW-DROP} IN=`) is none.
        if (labels && /^\{\s*[A-Za-z_][A-Za-z0-9_]*="/.test(labels[0])) {
          const from = iso.end + 1 + labels[0].length;
          return nested(line, from, "loki", iso.time, labelHost(line, iso.end + 2, from));
        }
      }
      // A container's log as Kubernetes keeps it (CRI): `<time> stdout F <the line the container printed>`.
      if (next === 115) {
        const tag = criTag(line, iso.end + 1);
        if (tag > 0) return nested(line, tag, "cri", iso.time);
      }
    }
    if (iso && line.charCodeAt(iso.end) === 32) {
      const env = hostTagged(line, iso.end + 1, iso.time, "journal-iso", "syslog");
      if (env && (env.kernel || kind === undefined)) return env;
      // multilog and svlogd keep the printk level read from /proc/kmsg: `2007-01-09 23:41:09 <4>...`;
      // an rsyslog template of the time and the message alone keeps the kernel's uptime stamp
      // (`2024-10-07T02:35:01.511206 [1589215.710176] zzz accepted IN=...`): no part of the LOG prefix.
      const bodyStart = skipInnerUptime(line, skipLevelMarker(line, iso.end + 1)).at;
      return { kind: kind ?? "dmesg-iso", bodyStart, time: iso.time, kernel: true };
    }
    // A syslog line whose date was cut off, its time of day left (`19:51:36 host kernel: ...`, a
    // forum post's excerpt): read as the syslog line it is, seconds into the day for its time.
    if (!iso && kind === undefined && line.charCodeAt(at + 2) === 58) {
      const clock = readClock(line, at);
      if (clock && line.charCodeAt(clock.end) === 32) {
        const env = hostTagged(line, clock.end + 1, clock.secs, "journal", "syslog");
        if (env) return env;
      }
    }
    // Proxmox VE's /var/log/pve-firewall.log: `101 6 tap101i0-IN 03/Dec/2026:10:00:00 +0100 ...`.
    const pve = kind === undefined ? readPve(line, at) : undefined;
    if (pve) return pve;
  } else if (c >= 65 && c <= 90) {
    const full = readFull(line, at);
    const env = full && hostTagged(line, full.end + 1, full.time, "journal-full");
    if (env) return env;
    const d = readSyslogDate(line, at);
    if (d && line.charCodeAt(d.end) === 32) {
      // The year a SnapGear appliance writes after the date (read as the time, not as a host).
      const year = inYear(line, d.end + 1, d.time);
      const yearly = year === undefined ? undefined : hostTagged(line, d.end + 6, year, "syslog");
      if (yearly) return yearly;
      const tagged = hostTagged(line, d.end + 1, d.time, "journal", "syslog");
      if (tagged) return tagged;
      // ulogd's LOGEMU file (NFLOG): `Nov 26 05:58:48 host <prefix>IN=...`, no program tag; and what a
      // UniFi OS gateway sends a remote syslog: `<13>` first, its host name often twice.
      const host = line.indexOf(" ", d.end + 1);
      // A word no host name could be (`DENY:`, `[UFW`) is the LOG prefix of a line sent without a host.
      if (
        (kind === undefined || kind === "dmesg-r") &&
        host > d.end + 1 &&
        !HOST_NAME.test(line.slice(d.end + 1, host))
      )
        return kind === undefined
          ? { kind: "ulogd", bodyStart: d.end + 1, time: d.time, kernel: false }
          : { kind: "syslog", bodyStart: d.end + 1, time: d.time, kernel: false };
      if ((kind === undefined || kind === "dmesg-r") && host > d.end + 1 && host - d.end <= 256) {
        const name = line.slice(d.end + 1, host + 1);
        const bodyStart = line.startsWith(name, host + 1) ? host + name.length + 1 : host + 1;
        return kind === undefined
          ? { kind: "ulogd", bodyStart, time: d.time, kernel: false }
          : { kind: "syslog", bodyStart, time: d.time, kernel: false, hostAt: d.end + 1 };
      }
    } else if (!d && kind === undefined) {
      // Starts with a day's name, not a month's: OpenWrt's logread (checked only when no syslog date is there).
      const logread = readLogread(line, at);
      if (logread) return logread;
    }
  }
  // RFC 3164 lets a sender leave out the date and host: `<4>kernel: DROP IN=...`.
  if (kind === "dmesg-r" && line.charCodeAt(at) === 107) {
    const tagged = afterKernelWord(line, at);
    if (tagged > 0) {
      const inner = skipInnerUptime(line, tagged);
      return inner.time === undefined
        ? { kind: "syslog", bodyStart: inner.at, kernel: true }
        : { kind: "syslog", bodyStart: inner.at, time: inner.time, kernel: true };
    }
  }
  if (kind !== undefined) return { kind, bodyStart: at, kernel: true };
  // `docker compose logs`: `web1-1  | <the line the service printed>` (a lower-case letter or a digit first).
  if ((c0 >= 97 && c0 <= 122) || isDigit(c0)) {
    // A bare line's own lower-case prefix with a bar (`drop | IN=`) reads as a service's name too, its
    // prefix then the rest: an ambiguity the two forms share. Where the service printed a line with
    // no envelope of its own, the other reading is kept beside (`bareAt`) for the parser, which knows
    // which of the two prefixes places the line (see `composeOrPrefix`).
    const bar = composeBar(line, start);
    if (bar > 0) {
      const env = nested(line, bar, "compose", undefined);
      if (env.bodyStart === bar && env.bareAt === undefined) env.bareAt = start;
      return env;
    }
  }
  // journalctl under another locale: `Dez 01 ...`, `11月 30 ...` (zh_TW pads one-digit months: ` 1月 05 ...`).
  let w = start;
  if (line.charCodeAt(w) === 32 && isDigit(line.charCodeAt(w + 1))) w++;
  const local = readLocalDate(line, w);
  if (local && line.charCodeAt(local.end) === 32) {
    const tagged = hostTagged(line, local.end + 1, local.time, "journal", "syslog");
    if (tagged) return tagged;
  }
  // A syslog line quoted without its date and host (a blog's excerpt): `kernel: [ 9271.326139] ...`; an
  // export's message field keeps the host (Elastic's iptables events: `Hostname kernel: [wan-lan-default-D]IN=`).
  const hosted = afterKernelTag(line, start);
  const tag = hosted > 0 ? hosted : afterKernelWord(line, start);
  if (tag > 0) {
    const inner = skipInnerUptime(line, tag);
    return inner.time === undefined
      ? { kind: "dmesg", bodyStart: inner.at, kernel: true }
      : { kind: "dmesg", bodyStart: inner.at, time: inner.time, kernel: true };
  }
  // journalctl -o verbose (indented) and -o export print each field as `MESSAGE=...` on a line of its own.
  let m = start;
  while (line.charCodeAt(m) === 32) m++;
  if (line.startsWith("MESSAGE=", m)) {
    const inner = skipInnerUptime(line, m + 8);
    return { kind: "journal-verbose", bodyStart: inner.at, kernel: false };
  }
  // A MediaTek kernel's line without a stamp: its caller stamp first.
  const mtk = mediatekCaller(line, start);
  if (mtk > 0) return { kind: "dmesg", bodyStart: mtk, kernel: true };
  // `grep -H` (and `-n`) over log files: `/var/log/kern.log.1:` (`:123:`) before the line as saved.
  const named = afterFileName(line, start);
  if (named > 0) {
    const inner = detectEnvelope(line.slice(named));
    if (inner.kind !== "bare") return shifted(inner, named);
  }
  return { kind: "bare", bodyStart: start, kernel: false };
}

/**
 * The index after the file name grep prints before each line when it searches several files or is
 * given `-H` (`/var/log/kern.log.1:`, `kern.log:`), and after the line number `-n` adds (`:123:`);
 * -1 when the line does not start with a word of path characters and a colon. The caller keeps it
 * only when an envelope follows (a LOG prefix like `DROP:` is followed by none).
 */
function afterFileName(line: string, at: number): number {
  for (let i = at; i < line.length && i - at < 4096; i++) {
    const c = line.charCodeAt(i);
    if (c === 58) {
      if (i === at) return -1;
      let n = i + 1;
      while (isDigit(line.charCodeAt(n))) n++;
      return n > i + 1 && line.charCodeAt(n) === 58 ? n + 1 : i + 1;
    }
    // Letters, digits and `/._-~+`: no space, `=` or bracket, which a LOG prefix or a field holds first.
    const word =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      isDigit(c) ||
      c === 47 ||
      c === 46 ||
      c === 95 ||
      c === 45 ||
      c === 126 ||
      c === 43;
    if (!word) return -1;
  }
  return -1;
}

/** `env`, read in a piece of a line starting at `from`, at its indices in the whole line. */
function shifted(env: Envelope, from: number): Envelope {
  const out: Envelope = { ...env, bodyStart: env.bodyStart + from };
  if (env.hostAt !== undefined) out.hostAt = env.hostAt + from;
  if (env.hostEnd !== undefined) out.hostEnd = env.hostEnd + from;
  if (env.bareAt !== undefined) out.bareAt = env.bareAt + from;
  return out;
}
