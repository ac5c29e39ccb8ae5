/**
 * Reads the `IN=... OUT=... SRC=... PROTO=...` part of a kernel LOG line (the
 * format of `net/netfilter/nf_log_syslog.c`) in one pass over the line, with
 * `indexOf` and char codes instead of a regular expression per field.
 *
 * Also reads xtables-monitor `PACKET:` lines, which reuse most of the keys
 * (`SPORT=`/`DPORT=`, and `ID=1234DF` without a space).
 */
import type { ArpInfo, IpInfo, L4Info, TraceEvent } from "../model/packet.ts";
import { decodeNetworkHeader, linkHeaderMacs } from "./decode-network-header.ts";
import { isIpv6 } from "./ipv6.ts";
import { TRAILING_SPACE_HINT } from "./parse-hints.ts";
import { newIp, newL4 } from "./parsed-line.ts";
import { joinedRecordError, recordStartAt } from "./record-start.ts";
import {
  isPartlyRedacted,
  isRedactedAddress,
  partlyRedactedWarning,
  redactedAddressError,
} from "./redacted-address.ts";
import { vlanFromTci } from "./vlan-tag.ts";

/** A problem at a column (1-based, in the whole line). */
export interface FieldError {
  column: number;
  message: string;
  hint?: string;
  /** The fields were read all the same (the event stands, with this warning). Default: an error. */
  warning?: boolean;
  /** A missing field's name (`PROTO=`), when the error is one. */
  what?: string;
  /** Problems of one group are reported once, at the first line, with their count. Default: each on its own. */
  group?: string;
}

/** Longest interface name Linux allows: IFNAMSIZ (16) less its NUL. */
export const MAX_IFNAME = 15;

const CUT_HINT =
  "the line looks cut short (the kernel always prints this field here); check that the log was not truncated or edited";

/**
 * Checks an interface name in [from, to) of `line` given as `key=`: at most
 * {@link MAX_IFNAME} characters, and no U+FFFD (bytes that were not UTF-8).
 */
export function interfaceNameError(
  line: string,
  key: string,
  from: number,
  to: number,
): FieldError | undefined {
  if (to - from > MAX_IFNAME)
    return {
      column: from + 1,
      message: `${key}= names an interface of ${to - from} characters, longer than Linux allows (${MAX_IFNAME})`,
      hint: "the line may be damaged or made up; interface names are 1 to 15 characters (IFNAMSIZ)",
    };
  const bad = line.indexOf("\uFFFD", from);
  if (bad >= 0 && bad < to)
    return {
      column: bad + 1,
      message: `${key}= holds bytes that are not UTF-8, read as U+FFFD: the interface name is not known exactly`,
      hint: "the log is not UTF-8 text, or the interface has a name of raw bytes; rename it or fix the log's encoding",
    };
  return undefined;
}

const TCP_FLAGS = new Set(["AE", "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"]);
const PROTO_NAMES: Record<string, string> = {
  TCP: "tcp",
  UDP: "udp",
  UDPLITE: "udplite",
  ICMP: "icmp",
  ICMPv6: "icmpv6",
  AH: "ah",
  ESP: "esp",
};

/** Keys the `switch` in `readFields` handles itself: text values, skipped keys, and SPORT. */
const TEXT_KEYS = [
  "IN",
  "OUT",
  "PHYSIN",
  "PHYSOUT",
  "MAC",
  "MACSRC",
  "MACDST",
  "MACPROTO",
  "IPSRC",
  "IPDST",
  "HTYPE",
  "OPCODE",
  "PTYPE",
  "SRC",
  "DST",
  "SPORT",
  "PROTO",
  "GATEWAY",
  "LL",
  "NFPROTO",
  "VPROTO",
  "VID",
  "SPI",
  "POINTER",
  "NH",
  "TUNNEL",
];
/** Keys with a number (decimal, or hex as `0x..`), stored by `applyNumber`. */
const NUMERIC_KEYS = [
  "LEN",
  "TOS",
  "PREC",
  "TTL",
  "ID",
  "SPT",
  "DPT",
  "DPORT",
  "SEQ",
  "ACK",
  "WINDOW",
  "RES",
  "URGP",
  "TYPE",
  "CODE",
  "PARAMETER",
  "MTU",
  "UID",
  "GID",
  "MARK",
  "TC",
  "HOPLIMIT",
  "FLOWLBL",
];
/** Every key the reader knows. */
const KEYS = [...TEXT_KEYS, ...NUMERIC_KEYS];
/** Words without `=` the reader knows. */
const WORDS = [...TCP_FLAGS, "CE", "DF", "MF", "OPT", "INCOMPLETE", "ARP", "TRUNCATED"];

/** Whether `word` is a key of a LOG line's (or an xtables-monitor `PACKET:` line's) fields, `PROTO` for `PROTO=`. */
export function isLogKey(word: string): boolean {
  return KEYS.includes(word);
}

/** Whether `word` is a word without `=` such a line holds (`DF`, `SYN`, ...). */
export function isLogWord(word: string): boolean {
  return WORDS.includes(word);
}

/**
 * Words of up to this many capital letters get an exact number (base 27, A = 1),
 * so a key is recognised while scanning for its `=`, without comparing strings.
 */
const MAX_CODED = 10;

/** The base-27 number of a word of capital letters (see {@link MAX_CODED}). */
function wordCode(word: string): number {
  let code = 0;
  for (let i = 0; i < word.length; i++) code = code * 27 + (word.charCodeAt(i) - 64);
  return code;
}

/** Known words by their number, as shared constants (no slice per line). */
function byCode(words: readonly string[]): Map<number, string> {
  return new Map(words.map((w) => [wordCode(w), w]));
}
const KEY_CODES = byCode(KEYS);
const NUMERIC_CODES = byCode(NUMERIC_KEYS);
const WORD_CODES = byCode(WORDS);

/** Where the last {@link scanWord} stopped: at `=`, at a space, or at the end. */
let scanEnd = 0;

/**
 * Scans the word at `from` up to `=`, a space or `to`, leaving its end in
 * {@link scanEnd}; returns its number (see {@link MAX_CODED}) or -1 when it is
 * not made of 1 to MAX_CODED capital letters.
 */
function scanWord(line: string, from: number, to: number): number {
  let code = 0;
  let k = from;
  for (; k < to; k++) {
    const ch = line.charCodeAt(k);
    if (ch === 32 || ch === 61) break;
    code = code >= 0 && ch >= 65 && ch <= 90 && k - from < MAX_CODED ? code * 27 + (ch - 64) : -1;
  }
  scanEnd = k;
  return k === from ? -1 : code;
}

/** `PROTO=` value -> lower-case name, without a slice for the common ones. */
function protoAt(line: string, from: number, to: number): string {
  const n = to - from;
  if (n === 3 && line.startsWith("TCP", from)) return "tcp";
  if (n === 3 && line.startsWith("UDP", from)) return "udp";
  if (n === 4 && line.startsWith("ICMP", from)) return "icmp";
  const p = line.slice(from, to);
  return PROTO_NAMES[p] ?? p.toLowerCase();
}

/** Decimal digits in [from, to) -> value, or -1. */
export function readUint(line: string, from: number, to: number): number {
  if (from >= to || to - from > 15) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** `0x1F` in [from, to) -> value, or -1. */
export function readHex(line: string, from: number, to: number): number {
  if (line.charCodeAt(from) !== 48 || (line.charCodeAt(from + 1) | 32) !== 120) return -1;
  if (to - from < 3 || to - from > 10) return -1;
  let v = 0;
  for (let i = from + 2; i < to; i++) {
    const c = line.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if ((c | 32) >= 97 && (c | 32) <= 102) d = (c | 32) - 87;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The value the last successful {@link readNumberAt} read. */
let numberRead = 0;

/**
 * Reads a whole field value at `from` that is a decimal number (up to 15
 * digits) or `0x` and 1 to 8 hex digits, ending at a space or `to`: leaves it
 * in {@link numberRead} and returns where it ended, or -1 for anything else
 * (the caller then reads the field the long way, with its errors and special cases).
 */
function readNumberAt(line: string, from: number, to: number): number {
  let j = from;
  let v = 0;
  if (line.charCodeAt(from) === 48 && line.charCodeAt(from + 1) === 120) {
    j = from + 2;
    for (; j < to; j++) {
      const c = line.charCodeAt(j) | 32;
      if (c >= 48 && c <= 57) v = v * 16 + (c - 48);
      else if (c >= 97 && c <= 102) v = v * 16 + (c - 87);
      else break;
    }
    if (j - from < 3 || j - from > 10) return -1;
  } else {
    for (; j < to; j++) {
      const c = line.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (j === from || j - from > 15) return -1;
  }
  if (j < to && line.charCodeAt(j) !== 32) return -1;
  numberRead = v;
  return j;
}

/** The part of a packet a bracketed ICMP error quote or the line itself describes. */
interface PacketTarget {
  ip?: IpInfo;
  l4?: L4Info;
}

function numberError(line: string, key: string, from: number, to: number, hex: boolean): FieldError {
  const glued = gluedField(line, key, from, to);
  if (glued) return glued;
  return {
    column: from + 1,
    message: `expected ${hex ? "a hex number like 0x00" : "a number"} after ${key}=, found '${line.slice(from, to)}'`,
    hint: "the line looks like kernel LOG output but this field is damaged; check that the line was not cut or edited",
  };
}

/** The kernel's LOG fields, as one may stand glued to the value before it. */
const GLUED_KEY =
  /(?:IN|OUT|PHYSIN|PHYSOUT|MAC|SRC|DST|LEN|TOS|PREC|TTL|ID|TC|HOPLIMIT|FLOWLBL|PROTO|SPT|DPT|SEQ|ACK|WINDOW|RES|URGP|TYPE|CODE|MTU|MARK|UID|GID|VPROTO|VID)=/g;

/**
 * The error for the value of `key` in [from, to) that holds the next field glued to it
 * (`MAC=...:08:00SRC=50.7.49.82`, `TTL=49ID=32077`: a forum dropped the space where it wrapped the
 * line), said where the space was lost, once for all lines of the same two fields; else undefined.
 */
function gluedField(line: string, key: string, from: number, to: number): FieldError | undefined {
  GLUED_KEY.lastIndex = from + 1;
  const m = GLUED_KEY.exec(line);
  if (!m || m.index >= to) return undefined;
  const name = m[0].slice(0, -1);
  return {
    column: m.index + 1,
    message: `expected a space before ${name}=, found '${line.slice(Math.max(from, m.index - 5), m.index)}${name}=': the space between ${key}= and ${name}= was lost`,
    hint: `a web page or a forum dropped the space where it wrapped the line: put it back ('${key}=... ${name}=...'), or copy the log from its file or with journalctl -k`,
    group: `glued ${key} ${name}`,
  };
}

/**
 * The error for an interface name in [from, to) of `key` that holds white space or the next field:
 * Linux names hold neither (dev_valid_name refuses white space), so a tab or another space put
 * between the fields (`IN=\tOUT=`), or a lost space (`OUT=MAC=...`, `IN=eth0OUT=`), is said where
 * it is; else undefined.
 */
function damagedName(line: string, key: string, from: number, to: number): FieldError | undefined {
  // A name is short: only its first characters are looked at (a glued key's `=` is among them).
  const end = Math.min(to, from + MAX_IFNAME + 9);
  for (let k = from; k < end; k++) {
    const c = line.charCodeAt(k);
    // Printable ASCII other than `=`: the usual name, checked with two comparisons.
    if (c > 32 && c < 127 && c !== 61) continue;
    if (c === 61 || /\s/.test(line[k] as string)) return nameDamage(line, key, from, to, k);
  }
  return undefined;
}

/** The error for white space other than a space (a tab) at `k`, before a field. */
function otherSpace(line: string, k: number): FieldError {
  return {
    column: k + 1,
    message: `expected a field after the space, found ${spaceName(line, k)}: the kernel separates its fields with one space`,
    hint: OTHER_SPACE_HINT,
  };
}

const OTHER_SPACE_HINT =
  "an editor or a web page put other white space between the fields; replace it with a space, or copy the log from its file or with journalctl -k";

/** The white space at `k` in words: `a tab`, or its code point. */
function spaceName(line: string, k: number): string {
  const c = line.charCodeAt(k);
  return c === 9 ? "a tab" : `white space U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The error {@link damagedName} gives for the `=` or white space at `k`. */
function nameDamage(line: string, key: string, from: number, to: number, k: number): FieldError | undefined {
  if (line.charCodeAt(k) !== 61) {
    return {
      column: k + 1,
      message: `expected a space after ${key}=${line.slice(from, k)}, found ${spaceName(line, k)}: the kernel separates its fields with one space`,
      hint: OTHER_SPACE_HINT,
    };
  }
  // `OUT=MAC=...`: the field is empty, and the space after it was lost (a forum's editor).
  const next = line.slice(from, k);
  if (k > from && isLogKey(next))
    return {
      column: from + 1,
      message: `expected a space after the empty ${key}=, found '${key}=${next}=': ${key}= names no interface and the space between it and ${next}= was lost`,
      hint: `a web page or a forum dropped the space after the empty field: put it back ('${key}= ${next}=...'), or copy the log from its file or with journalctl -k`,
      group: `glued ${key} ${next}`,
    };
  // `IN=\tOUT=`: a tab escaped as text (a JSON or a shell quote shown as is), where the space was.
  const esc = line.indexOf("\\t", from);
  if (esc >= 0 && esc < k && isLogKey(line.slice(esc + 2, k)))
    return {
      column: esc + 1,
      message: `expected a space after ${key}=${line.slice(from, esc)}, found '\\t': a tab written as an escape, not the kernel's space`,
      hint: "the log went through a tool that wrote its tabs as '\\t'; replace it with a space, or copy the log from its file or with journalctl -k",
    };
  return gluedField(line, key, from, to);
}

/**
 * Whether [from, to) may follow an IP ID's digits without a space: xtables-monitor glues the first
 * flag (`ID=1234DF`), and before 1.8.8 the next field when there is no flag (`ID=31001SPORT=51000`).
 */
function gluedAfterId(line: string, from: number, to: number): boolean {
  const rest = line.slice(from, to);
  return rest === "CE" || rest === "DF" || rest === "MF" || /^[A-Z]+=/.test(rest);
}

/** True when [from, to) of `line` is a dotted IPv4 address: four numbers of 1 to 3 digits, each at most 255. */
export function isIpv4Text(line: string, from: number, to: number): boolean {
  let parts = 0;
  let digits = 0;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++parts > 3) return false;
      digits = 0;
      v = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      v = v * 10 + c - 48;
      if (v > 255) return false;
      digits++;
    } else return false;
  }
  return parts === 3 && digits > 0;
}

/** True when [from, to) of `line` is an IPv4 or IPv6 address (in any of the forms kernels and tools print). */
function isAddressText(line: string, from: number, to: number): boolean {
  if (isIpv4Text(line, from, to)) return true;
  return to - from >= 2 && to - from <= 45 && isIpv6(line.slice(from, to));
}

/**
 * Where the last {@link readLogFields} met the first partly redacted address (`SRC=203.0.113.x`), -1
 * for none, and its field: the line is read with it as written, and warned of once for the log.
 */
let maskedAt = -1;
let maskedKey = "";

/** Whether [from, to) of `line`, `key`'s value, is a partly redacted address (see `isPartlyRedacted`), noted for its warning. */
function maskedAddress(line: string, key: string, from: number, to: number): boolean {
  if (!isPartlyRedacted(line.slice(from, to))) return false;
  if (maskedAt < 0) {
    maskedAt = from;
    maskedKey = key;
  }
  return true;
}

/**
 * Keys whose value the kernel never leaves empty (addresses, numbers, a protocol): spaces after their
 * `=` are a copy's, not an empty value. Interface names and `MAC=` may be empty, so are not here.
 */
const VALUED_CODES = new Set(
  [
    ...NUMERIC_KEYS,
    "SRC",
    "DST",
    "PROTO",
    "SPORT",
    "IPSRC",
    "IPDST",
    "MACSRC",
    "MACDST",
    "MACPROTO",
    "HTYPE",
    "OPCODE",
    "PTYPE",
    "GATEWAY",
    "SPI",
    "TUNNEL",
    "VPROTO",
    "VID",
  ].map(wordCode),
);

/**
 * Where the value after the spaces at `from` starts, when it is one (not another field `KEY=`, a word
 * the kernel prints such as `DF`, or a bracket): else -1, and the empty value is refused as before.
 */
function valueAfterSpaces(line: string, from: number, to: number): number {
  let k = from;
  while (k < to && line.charCodeAt(k) === 32) k++;
  if (k >= to || line.charCodeAt(k) === 91) return -1;
  let end = line.indexOf(" ", k);
  if (end < 0 || end > to) end = to;
  if (line.lastIndexOf("=", end - 1) >= k) return -1;
  const code = scanWord(line, k, end);
  return code >= 0 && WORD_CODES.has(code) ? -1 : k;
}

/** Where the last {@link readLogFields} first read a value past a run of spaces (-1: none), and what it read. */
let spacedAt = -1;
let spacedKey = "";
let spacedValue = "";

/** Notes the first value read past spaces (`key` at `from`, its value at `at`, or `value` when given). */
function noteSpaced(line: string, key: string, from: number, at: number, value?: string): void {
  if (spacedAt >= 0) return;
  spacedAt = from;
  spacedKey = key;
  if (value !== undefined) spacedValue = value;
  else {
    const end = line.indexOf(" ", at);
    spacedValue = line.slice(at, end < 0 ? line.length : end);
  }
}

/** The grouped warning for the value the last {@link readLogFields} read past spaces, or undefined. */
function spacedWarning(): FieldError | undefined {
  if (spacedAt < 0) return undefined;
  return {
    column: spacedAt + 1,
    message: `read the value of ${spacedKey} as '${spacedValue}', without the run of spaces in it: the kernel prints one space between fields and none inside a value, so the copy put them there`,
    hint: SPACED_VALUE_HINT,
    warning: true,
    group: "spaces inside a value",
  };
}

/** The hint for a value read past a run of spaces (see {@link spacedWarning}). */
export const SPACED_VALUE_HINT =
  "a terminal that wrapped the line, or a web page, adds spaces where it broke it; copy the log from its file or with journalctl -k to be sure no character was lost there";

/** The grouped warning for the partly redacted address the last {@link readLogFields} read, or undefined. */
function maskedWarning(line: string): FieldError | undefined {
  if (maskedAt < 0) return undefined;
  const end = line.indexOf(" ", maskedAt);
  const value = line.slice(maskedAt, end < 0 ? line.length : end);
  return { ...partlyRedactedWarning(`${maskedKey}=`, value, maskedAt + 1), warning: true };
}

function addressError(line: string, key: string, from: number, to: number, v6: boolean): FieldError {
  const glued = gluedField(line, key, from, to);
  if (glued) return glued;
  const value = line.slice(from, to);
  // A placeholder (`x.x.x.x`, `<redacted>`): said as the redaction it is, once for the log.
  if (isRedactedAddress(value)) {
    const { column, message, hint, group } = redactedAddressError(`${key}=`, value, from + 1);
    return { column, message, hint, group };
  }
  return {
    column: from + 1,
    message: `expected an ${v6 ? "IPv4 or IPv6" : "IPv4"} address after ${key}=, found '${line.slice(from, to)}'`,
    hint: "the kernel prints addresses like 172.17.0.2 or fd00:0000:...:0002; check that the line was not cut or edited",
  };
}

/**
 * The largest value a header field can hold: 8-bit TTL, TOS and ICMP type/code, 16-bit IPv4 ID,
 * ports, ICMP echo ID and sequence, window; no bound (the safe-integer limit) for the rest.
 */
function maxOf(key: string, t: PacketTarget, afterProto: boolean): number {
  switch (key) {
    case "TTL":
    case "HOPLIMIT":
    case "TOS":
    case "PREC":
    case "TYPE":
    case "CODE":
      return 255;
    case "ID":
      // IPv6 prints its fragment ID elsewhere (`ID:`): `ID=` is the IPv4 header's or an echo's.
      return 65535;
    case "SPT":
    case "DPT":
    case "SPORT":
    case "DPORT":
    case "WINDOW":
    case "URGP":
      return 65535;
    case "SEQ":
      return afterProto && t.l4 && t.l4.proto !== "tcp" ? 65535 : 4294967295;
    case "ACK":
      return 4294967295;
    default:
      return Number.MAX_SAFE_INTEGER;
  }
}

function rangeError(
  line: string,
  key: string,
  from: number,
  to: number,
  t: PacketTarget,
  afterProto: boolean,
): FieldError {
  return {
    column: from + 1,
    message: `expected a number from 0 to ${maxOf(key, t, afterProto)} after ${key}=, found '${line.slice(from, to)}'`,
    hint: "the field is wider than its header allows; check that the line was not edited",
  };
}

/** xtables-monitor prints MACs with `ether_ntoa` (`2:42:ac:11:0:2`): pad to `02:42:ac:11:00:02`. */
function padMac(mac: string): string {
  if (mac.length === 17) return mac;
  return mac
    .split(":")
    .map((b) => b.padStart(2, "0"))
    .join(":");
}

/** A MACSRC= or MACDST= value: six bytes of one or two hex digits (ether_ntoa drops a leading zero). */
const MAC_BYTES = /^[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}$/i;

/** A MAC= value as dump_mac_header prints it: bytes as two hex digits, joined by ':'. */
const HEX_PAIRS = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})*$/;

/**
 * Where the last {@link readLogFields} met a `MAC=` value in upper-case hex (read in lower case),
 * -1 for none: its warning comes after the line's other problems.
 */
let upperMacAt = -1;

/**
 * The case of the hex pairs joined by `:` in [from, to) (dump_mac_header's `%02x` and `:`): 0 all
 * lower case, 1 some upper case (the line was edited), -1 not hex pairs (an address hidden, `xx`).
 */
function macHexCase(line: string, from: number, to: number): number {
  let upper = 0;
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    if ((i - from) % 3 === 2) {
      if (c !== 58) return -1;
    } else if (c >= 65 && c <= 70) upper = 1;
    else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return -1;
  }
  return upper;
}

/**
 * Splits a 14-byte `MAC=dst:src:type` value in [from, to) into the event (18 bytes: a tag or the
 * network header's first bytes after the type). A value that is no hex pairs is kept raw (and
 * warned of); one in upper case is read in lower case, as the kernel prints it, and warned of.
 */
function readMac(ev: TraceEvent, line: string, from: number, to: number): void {
  if (to - from === 41 || (to - from === 53 && line.charCodeAt(from + 38) === 58)) {
    const hex = macHexCase(line, from, to);
    if (hex < 0) {
      ev.macRaw = line.slice(from, to);
      return;
    }
    if (hex > 0) {
      if (upperMacAt < 0) upperMacAt = from;
      readMac(ev, line.slice(from, to).toLowerCase(), 0, to - from);
      return;
    }
  }
  if (to - from === 41) {
    ev.macDst = line.slice(from, from + 17);
    ev.macSrc = line.slice(from + 18, from + 35);
    ev.ethType = line.startsWith("08:00", from + 36)
      ? "0x0800"
      : `0x${line.slice(from + 36, from + 38)}${line.slice(from + 39, from + 41)}`;
  } else if (to - from === 53 && line.charCodeAt(from + 38) === 58) {
    // 18 bytes: a VLAN device's header length. A tag still in the frame (8100 or 88a8 after the
    // addresses) is read; else the kernel printed 4 bytes of the network header after the type.
    ev.macDst = line.slice(from, from + 17);
    ev.macSrc = line.slice(from + 18, from + 35);
    const hex = (at: number) =>
      `${line.slice(from + at, from + at + 2)}${line.slice(from + at + 3, from + at + 5)}`;
    const tpid = hex(36);
    if (tpid === "8100" || tpid === "88a8") {
      const tci = Number.parseInt(hex(42), 16);
      ev.vlan = {
        proto: `0x${tpid}`,
        id: tci & 0xfff,
        ...(tci >> 13 ? { pcp: tci >> 13 } : {}),
        ...((tci >> 12) & 1 ? { dei: 1 } : {}),
      };
      ev.ethType = `0x${hex(48)}`;
    } else ev.ethType = `0x${tpid}`;
  } else if (macHexCase(line, from, to) > 0) {
    if (upperMacAt < 0) upperMacAt = from;
    ev.macRaw = line.slice(from, to).toLowerCase();
  } else {
    ev.macRaw = line.slice(from, to);
  }
}

/** Index of the bracket closing the one at `open`, or -1. */
function matchBracket(line: string, open: number, to: number): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    const c = line.charCodeAt(i);
    if (c === 91) depth++;
    else if (c === 93 && --depth === 0) return i;
  }
  return -1;
}

/**
 * Reads fields in [from, to) into `ev` (top level) and `target` (the packet
 * headers: the event itself, or the quoted packet of an ICMP error).
 * Returns an error for a damaged field; unknown keys are skipped (newer kernels may add some).
 * With `kernel` (the kernel's own LOG/TRACE format), a field the kernel always
 * prints and that is missing is an error too: the line was cut short. `family`: the
 * trace's family, for an `NH=` header whose type no `MACPROTO=` says.
 */
function readFields(
  line: string,
  from: number,
  to: number,
  ev: TraceEvent,
  target: PacketTarget,
  top: boolean,
  kernel: boolean,
  family?: string,
): FieldError | undefined {
  let i = from;
  let afterProto = false;
  let arp: ArpInfo | undefined;
  /** `INCOMPLETE [n bytes]` or `TRUNCATED`: the kernel itself printed less (no field is missing then). */
  let short = false;
  /** Whether the quoted packet of an ICMP error (`[...]`) was read. */
  let quoted = false;
  /** Where the first word the kernel never prints stands (`DP` where `DF PROTO=ICMP` was): damage, if a field is missing. */
  let stray = -1;
  let strayEnd = -1;
  while (i < to) {
    const c = line.charCodeAt(i);
    if (c === 32) {
      i++;
      continue;
    }
    if (c === 91 && top) {
      const close = matchBracket(line, i, to);
      // Said where the `]` was due, the line's end: a line cut (or folded, `fold -w`) inside the quote
      // is then held for its rest, as a line cut in any other field is.
      if (close < 0)
        return {
          column: to + 1,
          message: "expected ']' closing the quoted packet of an ICMP error, found the end of the line",
          hint: "the line may be cut short",
        };
      const inner: PacketTarget = {};
      const err = readFields(line, i + 1, close, ev, inner, false, kernel);
      if (err) return err;
      quoted = true;
      if (inner.ip) ev.inner = inner.l4 ? { ip: inner.ip, l4: inner.l4 } : { ip: inner.ip };
      i = close + 1;
      continue;
    }
    const code = scanWord(line, i, to);
    const eq = scanEnd;
    let sp: number;
    if (eq === to || line.charCodeAt(eq) !== 61) {
      sp = eq;
      // A word without '=': IP/TCP flags, FRAG:n, OPT (..), INCOMPLETE [n bytes], ARP.
      const word = code < 0 ? undefined : WORD_CODES.get(code);
      if (word === undefined) {
        if (target.ip && sp - i >= 5 && line.startsWith("FRAG:", i)) {
          const n = readUint(line, i + 5, sp);
          if (n >= 0) target.ip.fragment = n;
        } else if (target.ip && sp - i === 11 && line.startsWith("ID:", i)) {
          // IPv6 fragment header (without `--log-ip-options`): `FRAG:n [INCOMPLETE ]ID:%08x`.
          const hex = line.slice(i + 3, sp);
          if (/^[0-9a-f]{8}$/.test(hex)) target.ip.id = Number.parseInt(hex, 16);
        } else if (isEllipsis(line, i, sp)) {
          // A writer's `...` where fields were left out: said there, not as a line cut at its end.
          return {
            column: i + 1,
            message: `expected the kernel's next field, found '${line.slice(i, sp)}': part of the line was left out`,
            hint: "paste the line as the kernel wrote it (dmesg, journalctl -k): a line shortened by hand cannot be read",
          };
        } else if (line.startsWith("Unknown Ext Hdr ", i)) {
          // IPv6: the kernel stops at an extension header it does not know.
          short = true;
          i = to;
          continue;
        } else if (top && recordStartAt(line, i)) {
          // A trace tool's line after this one's fields (a chat joined them): not read into this one.
          const { column, message, hint } = joinedRecordError(line, i);
          return { column, message, hint };
        } else if (line.charCodeAt(i) < 33) return otherSpace(line, i);
        else if (stray < 0) {
          stray = i;
          strayEnd = sp;
        }
      } else if (TCP_FLAGS.has(word) && afterProto && target.l4) {
        if (target.l4.tcpFlags) target.l4.tcpFlags.push(word);
        else target.l4.tcpFlags = [word];
      } else if ((word === "CE" || word === "DF" || word === "MF") && target.ip) pushFlag(target.ip, word);
      else if (word === "OPT" && line.charCodeAt(sp + 1) === 40) {
        const close = line.indexOf(")", sp);
        if (kernel && (close < 0 || close > to))
          return { column: sp + 2, message: "expected ')' closing the options 'OPT (...'", hint: CUT_HINT };
        const end = close < 0 || close > to ? to : close;
        const raw = line.slice(sp + 2, end);
        let hex = raw.trim();
        // TCP and IPv4 options are bare hex digits (`OPT (020405B4...)`): spaces in them are a copy's.
        if (/\s/.test(raw) && !target.ip?.src.includes(":")) {
          const bare = hex.replace(/\s+/g, "");
          if (/^[0-9A-Fa-f]+$/.test(bare)) {
            noteSpaced(line, "OPT (...)", sp + 2, sp + 2, bare);
            hex = bare;
          }
        }
        if (afterProto && target.l4) target.l4.tcpOptions = hex;
        else if (target.ip?.src.includes(":")) {
          // IPv6 `--log-ip-options` prints each extension header inside its own `OPT ( ... )`, kept one by one.
          target.ip.extensionHeaders = [...(target.ip.extensionHeaders ?? []), hex];
          if (readIpv6Options(hex, target)) short = true;
        } else if (target.ip) target.ip.options = target.ip.options ? `${target.ip.options} ${hex}` : hex;
        i = end + 1;
        continue;
      } else if (word === "INCOMPLETE" && target.ip?.fragment !== undefined && line.startsWith(" ID:", sp)) {
        // IPv6 fragment header: more fragments follow (IPv4 prints MF for it).
        pushFlag(target.ip, "MF");
      } else if (word === "INCOMPLETE" && line.charCodeAt(sp + 1) === 91) {
        short = true;
        const close = line.indexOf("]", sp);
        if (kernel && (close < 0 || close > to))
          return { column: sp + 2, message: "expected ']' closing 'INCOMPLETE [n bytes'", hint: CUT_HINT };
        i = close < 0 || close > to ? to : close + 1;
        continue;
      } else if (word === "ARP") {
        arp = { htype: 0, ptype: "", opcode: 0 };
        ev.arp = arp;
      } else if (word === "TRUNCATED") short = true;
      i = sp;
      continue;
    }
    let vs = eq + 1;
    // `SRC=     110.110.110.108`: a copy from a wrapped terminal put spaces after the `=` of a field
    // that always has a value; the value after them is read (and warned of once), not refused.
    if (line.charCodeAt(vs) === 32 && code >= 0 && VALUED_CODES.has(code)) {
      const at = valueAfterSpaces(line, vs, to);
      if (at > 0) {
        noteSpaced(line, `${KEY_CODES.get(code)}=`, vs, at);
        vs = at;
      }
    }
    const numeric = code < 0 ? undefined : NUMERIC_CODES.get(code);
    if (numeric !== undefined) {
      // Most fields are numbers: read the digits up to the space, no search for it first.
      const end = readNumberAt(line, vs, to);
      if (end > 0) {
        if (numberRead > maxOf(numeric, target, afterProto))
          return rangeError(line, numeric, vs, end, target, afterProto);
        applyNumber(numeric, numberRead, target, ev, afterProto, top);
        i = end;
        continue;
      }
    }
    sp = line.indexOf(" ", vs);
    if (sp < 0 || sp > to) sp = to;
    const key = code < 0 ? undefined : KEY_CODES.get(code);
    // Unknown keys are skipped (newer kernels may add some), remembered as damage if a field is missing.
    if (key === undefined) {
      // `IN= \tOUT=`: white space other than a space before a field hides its key.
      if (code < 0 && line.charCodeAt(i) < 33) return otherSpace(line, i);
      if (stray < 0) {
        stray = i;
        strayEnd = sp;
      }
      i = sp;
      continue;
    }
    switch (key) {
      case "IN":
      case "OUT":
      case "PHYSIN":
      case "PHYSOUT": {
        const damaged = damagedName(line, key, vs, sp);
        if (damaged) return damaged;
        if (sp - vs > MAX_IFNAME) return interfaceNameError(line, key, vs, sp);
        const name = line.slice(vs, sp);
        if (key === "IN") {
          if (top) ev.in = name;
        } else if (key === "OUT") {
          if (top) ev.out = name;
        } else if (key === "PHYSIN") ev.physIn = name;
        else ev.physOut = name;
        break;
      }
      case "MAC":
        readMac(ev, line, vs, sp);
        break;
      case "TUNNEL": {
        // A SIT device's outer IPv4 header: `TUNNEL=%pI4->%pI4 ` (dump_mac_header).
        const arrow = line.indexOf("->", vs);
        if (arrow < 0 || arrow > sp || !isIpv4Text(line, vs, arrow) || !isIpv4Text(line, arrow + 2, sp))
          return {
            column: vs + 1,
            message: `expected two IPv4 addresses joined by '->' after TUNNEL= (192.0.2.1->198.51.100.7), found '${line.slice(vs, sp)}'`,
            hint: "the kernel prints a 6in4 (SIT) tunnel's outer addresses so; check that the line was not cut or edited",
          };
        if (top) ev.tunnel = { src: line.slice(vs, arrow), dst: line.slice(arrow + 2, sp) };
        break;
      }
      case "MACSRC":
      case "MACDST":
        // Six bytes, as nf_log_arp's `%pM` and xtables-monitor's `ether_ntoa` print them: fewer is a line cut or wrapped inside.
        if (!MAC_BYTES.test(line.slice(vs, sp)))
          return {
            column: vs + 1,
            message: `expected a MAC address of 6 bytes after ${key}=, found '${line.slice(vs, sp)}'`,
            hint: "the MAC address is printed whole; the line looks cut, wrapped or edited there",
          };
        if (key === "MACDST") {
          if (arp) arp.macDst = line.slice(vs, sp);
          else ev.macDst = padMac(line.slice(vs, sp));
          break;
        }
        if (arp) arp.macSrc = line.slice(vs, sp);
        else {
          ev.macSrc = padMac(line.slice(vs, sp));
          ev.macDecoded = true;
        }
        break;
      case "MACPROTO":
        ev.ethType = `0x${line.slice(vs, sp)}`;
        break;
      case "IPSRC":
      case "IPDST": {
        // One cut at the end of the line is reported as the cut line it is (below).
        if (!isIpv4Text(line, vs, sp) && sp < to) return addressError(line, key, vs, sp, false);
        if (arp) {
          if (key === "IPSRC") arp.ipSrc = line.slice(vs, sp);
          else arp.ipDst = line.slice(vs, sp);
        }
        break;
      }
      case "HTYPE":
      case "OPCODE": {
        const n = readUint(line, vs, sp);
        if (n < 0) return numberError(line, key, vs, sp, false);
        if (arp) {
          if (key === "HTYPE") arp.htype = n;
          else arp.opcode = n;
        }
        break;
      }
      case "PTYPE":
        if (arp) arp.ptype = line.slice(vs, sp);
        break;
      case "SRC":
        if (!isAddressText(line, vs, sp) && !maskedAddress(line, key, vs, sp))
          return addressError(line, key, vs, sp, true);
        target.ip = newIp(line.slice(vs, sp), "");
        break;
      case "DST":
        if (!target.ip) {
          // `MAC=...08:00SRC=...`: the address read into the field before it.
          const glued = line.lastIndexOf("SRC=", i);
          const word = line.lastIndexOf(" ", glued) + 1;
          const eq = line.indexOf("=", word);
          if (glued > from && eq > word && eq < glued && line.charCodeAt(glued - 1) !== 32) {
            const err = gluedField(line, line.slice(word, eq), eq + 1, glued + 4);
            if (err) return err;
          }
          return {
            column: i + 1,
            message: "expected SRC= before DST=",
            hint: "the line may be cut or edited",
          };
        }
        if (!isAddressText(line, vs, sp) && !maskedAddress(line, key, vs, sp))
          return addressError(line, key, vs, sp, true);
        target.ip.dst = line.slice(vs, sp);
        break;
      case "NH": {
        // xtables-monitor's network header in hex (bridge and arp families): the IP or ARP header it holds.
        const nh = decodeNetworkHeader(line.slice(vs, sp), ev.ethType ?? "", family);
        if (nh?.ip && !target.ip) {
          target.ip = nh.ip;
          if (nh.l4) {
            target.l4 = nh.l4;
            afterProto = true;
          }
        }
        if (nh?.arp && !ev.arp) ev.arp = nh.arp;
        break;
      }
      case "LL": {
        // xtables-monitor's undecoded link header, `LL=0x0 <hex>`: its hex is the next word.
        let hexEnd = line.indexOf(" ", sp + 1);
        if (hexEnd < 0 || hexEnd > to) hexEnd = to;
        const macs =
          top && !ev.macSrc ? linkHeaderMacs(line.slice(vs, sp), line.slice(sp + 1, hexEnd)) : undefined;
        if (macs) {
          ev.macSrc = macs.src;
          ev.macDst = macs.dst;
          sp = hexEnd;
        }
        break;
      }
      case "POINTER": {
        // ICMPv6 parameter problem: the offset of the bad field, as 8 hex digits without `0x`.
        const hex = line.slice(vs, sp);
        if (!/^[0-9a-f]{1,8}$/.test(hex))
          return {
            column: vs + 1,
            message: `expected 8 hex digits after POINTER=, found '${hex}'`,
            hint: "the line looks like kernel LOG output but this field is damaged; check that the line was not cut or edited",
          };
        if (target.l4) target.l4.icmpParameter = Number.parseInt(hex, 16);
        break;
      }
      case "SPORT":
        // xtables-monitor prints no PROTO=: the ports imply TCP or UDP (decided at the end).
        if (!target.l4) {
          target.l4 = newL4("");
          afterProto = true;
        }
        applyNumber(key, readUint(line, vs, sp), target, ev, true, top);
        break;
      case "PROTO": {
        if (sp === vs || (kernel && !protoValid(line, vs, sp)))
          return {
            column: vs + 1,
            message: `expected a protocol after PROTO= (TCP, UDP, UDPLITE, ICMP, ICMPv6, AH, ESP or a number), found '${line.slice(vs, sp)}'`,
            hint: CUT_HINT,
          };
        const l4 = newL4(protoAt(line, vs, sp));
        target.l4 = l4;
        afterProto = true;
        break;
      }
      default: {
        // Numeric fields; which header they belong to depends on whether PROTO= was seen.
        const hex = line.charCodeAt(vs) === 48 && line.charCodeAt(vs + 1) === 120;
        let end = sp;
        if (!hex && key === "ID") {
          // xtables-monitor prints `ID=1234DF` with no space: read the digits, re-read the rest.
          end = vs;
          while (end < sp && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
          if (end === vs) end = sp;
          // Only a flag or a field may follow the digits: `ID=9x32` is damaged, not an ID and a word.
          else if (end < sp && !gluedAfterId(line, end, sp)) return numberError(line, key, vs, sp, false);
        }
        if (key === "GATEWAY") {
          if (target.l4) target.l4.icmpGateway = line.slice(vs, sp);
          break;
        }
        if (key === "VPROTO" || key === "VID") {
          const err = readVlan(line, key, vs, sp, ev, top);
          if (err) return err;
          break;
        }
        if (key === "SPI") {
          // ESP's and AH's security parameter index (`SPI=0x%x`); a damaged one is left unread.
          const spi = readHex(line, vs, sp);
          if (spi >= 0 && target.l4 && afterProto) target.l4.spi = spi;
          break;
        }
        if (key === "NFPROTO") break;
        // UniFi OS gateways print the mark in hex without `0x` (`MARK=1a0000`); the kernel always with it.
        const n = hex
          ? readHex(line, vs, end)
          : key === "MARK" && /^[0-9a-fA-F]{1,8}$/.test(line.slice(vs, sp))
            ? Number.parseInt(line.slice(vs, sp), 16)
            : readUint(line, vs, end);
        if (n < 0) {
          if (!isKnownNumericKey(key)) break;
          return numberError(line, key, vs, sp, hex);
        }
        if (n > maxOf(key, target, afterProto)) return rangeError(line, key, vs, end, target, afterProto);
        if (!applyNumber(key, n, target, ev, afterProto, top)) break;
        if (end < sp) {
          i = end;
          continue;
        }
      }
    }
    i = sp;
  }
  if (kernel && arp) {
    // nf_log_arp prints `OPCODE=` always, and the four payload fields in one go.
    const cut = !/ OPCODE=\d/.test(line.slice(from, to))
      ? "OPCODE="
      : !short && (arp.macSrc !== undefined || arp.ipSrc !== undefined) && arp.ipDst === undefined
        ? "IPDST="
        : undefined;
    if (cut)
      return { column: to + 1, message: `expected ${cut} before the end of the ARP line`, hint: CUT_HINT };
  }
  const missing = kernel && !short ? missingField(target, top, quoted, to) : undefined;
  // A field is missing and a word the kernel never prints stands in the line: the damage is there, not a cut.
  if (missing && stray >= 0 && missing.what)
    return {
      column: stray + 1,
      message: `expected ${missing.what}, found '${line.slice(stray, strayEnd)}': the line is damaged here`,
      hint: "the kernel prints this field here; the line was edited or garbled (a web page, a mail), so its fields from here on cannot be trusted",
    };
  return missing;
}

/**
 * Reads what an IPv6 extension header's `OPT ( ... )` says about the rest of the line: a
 * fragment offset (`FRAG:1232`), or ESP (`ESP SPI=0x..`: the kernel prints nothing after it).
 * Returns true when the line legitimately ends here (ESP, or a header cut short).
 */
function readIpv6Options(text: string, target: PacketTarget): boolean {
  const frag = /(?:^|\s)FRAG:(\d+)(?: (INCOMPLETE))?(?: ID:([0-9a-f]{8})(?=\s|$))?/.exec(text);
  if (frag && target.ip) {
    target.ip.fragment = Number(frag[1]);
    // The fragment header's identification ties the datagram's fragments as IPv4's ID= does.
    if (frag[3]) target.ip.id = Number.parseInt(frag[3], 16);
    if (frag[2] && frag[3]) pushFlag(target.ip, "MF");
  }
  if (/(?:^|\s)ESP(?:\s|$)/.test(text)) {
    target.l4 = newL4("esp");
    return true;
  }
  return /INCOMPLETE \[\d+ bytes\]|TRUNCATED/.test(text);
}

/**
 * `VPROTO=%04x VID=%u`, which the bridge and netdev loggers print between `MACDST=` and `MACPROTO=`
 * for a frame with a VLAN tag: kept in `ev.vlan` (the TPID as `0x8100`). `VID=` is the whole tag
 * control field (priority and drop eligible bits above the 12-bit id), as the kernel keeps it.
 */
function readVlan(
  line: string,
  key: "VPROTO" | "VID",
  from: number,
  to: number,
  ev: TraceEvent,
  top: boolean,
): FieldError | undefined {
  const text = line.slice(from, to);
  const n = key === "VID" ? readUint(line, from, to) : /^[0-9a-f]{4}$/.test(text) ? 0 : -1;
  if (n < 0 || n > 0xffff)
    return {
      column: from + 1,
      message: `expected ${key === "VID" ? "a VLAN tag control field (0 to 65535)" : "4 hex digits"} after ${key}=, found '${text}'`,
      hint: "the line looks like kernel LOG output but this field is damaged; check that the line was not cut or edited",
    };
  if (!top) return undefined;
  if (key === "VPROTO") ev.vlan = { ...(ev.vlan ?? { id: 0 }), proto: `0x${text}` };
  else ev.vlan = vlanFromTci(ev.vlan?.proto ?? "0x8100", n);
  return undefined;
}

/** Adds an IP flag (`DF`, `MF`, `CE`) to `ip`. */
function pushFlag(ip: IpInfo, flag: string): void {
  if (ip.flags) ip.flags.push(flag);
  else ip.flags = [flag];
}

/** Whether [from, to) is a protocol the kernel's LOG prints: a name it knows, or a number. */
function protoValid(line: string, from: number, to: number): boolean {
  if (from >= to) return false;
  if (readUint(line, from, to) >= 0) return true;
  const n = to - from;
  if (n === 3 && (line.startsWith("TCP", from) || line.startsWith("UDP", from))) return true;
  if (n === 4 && line.startsWith("ICMP", from)) return true;
  return Object.hasOwn(PROTO_NAMES, line.slice(from, to));
}

/** The first IP header field the kernel prints that `ip` lacks (IPv4 or IPv6 layout), or undefined. */
function missingIpField(ip: IpInfo): string | undefined {
  if (!ip.dst) return "DST";
  if (ip.len === undefined) return "LEN";
  // The common case first: a whole IPv4 header.
  if (ip.tos !== undefined && ip.prec !== undefined && ip.ttl !== undefined && ip.id !== undefined)
    return undefined;
  if (ip.src.includes(":")) {
    if (ip.tc === undefined) return "TC";
    if (ip.ttl === undefined) return "HOPLIMIT";
    return ip.flowLabel === undefined ? "FLOWLBL" : undefined;
  }
  if (ip.tos === undefined) return "TOS";
  if (ip.prec === undefined) return "PREC";
  return ip.ttl === undefined ? "TTL" : "ID";
}

/** The first layer-4 field the kernel prints for this header that `l4` lacks, or undefined. */
function missingL4Field(l4: L4Info, v6: boolean, top: boolean, quoted: boolean): string | undefined {
  switch (l4.proto) {
    case "tcp":
      if (l4.sport === undefined) return "SPT=";
      if (l4.dport === undefined) return "DPT=";
      if (l4.window === undefined) return "WINDOW=";
      // ulogd's LOGEMU prints no RES= (printpkt.c leaves it out): a line with its URGP= is whole.
      if (l4.res === undefined && l4.urgp === undefined) return "RES=";
      return l4.urgp === undefined ? "URGP=" : undefined;
    case "udp":
    case "udplite":
      if (l4.sport === undefined) return "SPT=";
      if (l4.dport === undefined) return "DPT=";
      return l4.udpLen === undefined ? "LEN=" : undefined;
    case "icmp":
    case "icmpv6": {
      if (l4.icmpType === undefined) return "TYPE=";
      if (l4.icmpCode === undefined) return "CODE=";
      const type = l4.icmpType;
      if (v6 ? type === 128 || type === 129 : type === 0 || type === 8) {
        if (l4.icmpId === undefined) return "ID=";
        return l4.icmpSeq === undefined ? "SEQ=" : undefined;
      }
      if (!v6 && type === 12 && l4.icmpParameter === undefined) return "PARAMETER=";
      if (v6 && type === 4 && l4.icmpParameter === undefined) return "POINTER=";
      if (!v6 && type === 5 && l4.icmpGateway === undefined) return "GATEWAY=";
      // An ICMP error quotes the packet it is about, once (not inside a quote).
      // nf_log_syslog quotes after a redirect's GATEWAY= too; a parameter problem (12) quotes nothing in IPv4.
      const error = v6 ? type >= 1 && type <= 4 : type === 3 || type === 4 || type === 5 || type === 11;
      return error && top && !quoted ? "'[' and the quoted packet" : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The first field that `nf_log_syslog` always prints for this packet and that
 * the line lacks (as an error at `to`), or undefined. A packet without SRC=
 * (a frame of another protocol) has no required field; a fragment other than
 * the first has no layer-4 header.
 */
function missingField(t: PacketTarget, top: boolean, quoted: boolean, to: number): FieldError | undefined {
  const ip = t.ip;
  if (!ip) return undefined;
  const head = missingIpField(ip);
  let what = head === undefined ? undefined : `${head}=`;
  const v6 = ip.src.includes(":");
  // IPv6 stops after the header at ESP (without `--log-ip-options`) or at an option header behind a fragment.
  if (what === undefined && !((ip.fragment ?? 0) > 0) && !(v6 && !t.l4))
    what = t.l4 ? missingL4Field(t.l4, v6, top, quoted) : "PROTO=";
  if (what === undefined) return undefined;
  return {
    column: to + 1,
    message: `expected ${what} before the end of the ${top ? "line" : "quoted packet"}`,
    hint: CUT_HINT,
    what,
  };
}

const NUMERIC_SET = new Set<string>(NUMERIC_KEYS);

/** Whether the word from `i` to `end` is an ellipsis (`...`, `....`, `…`, `[...]`), which the kernel never prints. */
function isEllipsis(line: string, i: number, end: number): boolean {
  return /^(?:\.{3,}|…|\[(?:\.{3}|…)\])$/.test(line.slice(i, end));
}

function isKnownNumericKey(key: string): boolean {
  // SPORT is a number too; it is in TEXT_KEYS because it also implies the layer-4 header (xtables-monitor).
  return NUMERIC_SET.has(key) || key === "SPORT";
}

/** Stores a numeric field; returns false for an unknown key. */
function applyNumber(
  key: string,
  n: number,
  t: PacketTarget,
  ev: TraceEvent,
  afterProto: boolean,
  top: boolean,
): boolean {
  const ip = t.ip;
  const l4 = t.l4;
  switch (key) {
    case "LEN":
      if (afterProto && l4) l4.udpLen = n;
      else if (ip) ip.len = n;
      return true;
    case "TOS":
      if (ip) ip.tos = n;
      return true;
    case "PREC":
      if (ip) ip.prec = n;
      return true;
    case "TTL":
    case "HOPLIMIT":
      if (ip) ip.ttl = n;
      return true;
    case "TC":
      if (ip) ip.tc = n;
      return true;
    case "FLOWLBL":
      if (ip) ip.flowLabel = n;
      return true;
    case "ID":
      if (afterProto && l4) l4.icmpId = n;
      else if (ip) ip.id = n;
      return true;
    case "SPT":
    case "SPORT":
      if (l4) l4.sport = n;
      return true;
    case "DPT":
    case "DPORT":
      if (l4) l4.dport = n;
      return true;
    case "SEQ":
      if (l4) {
        if (l4.proto === "tcp") l4.seq = n;
        else l4.icmpSeq = n;
      }
      return true;
    case "ACK":
      if (l4) l4.ack = n;
      return true;
    case "WINDOW":
      if (l4) l4.window = n;
      return true;
    case "RES":
      if (l4) l4.res = n;
      return true;
    case "URGP":
      if (l4) l4.urgp = n;
      return true;
    case "TYPE":
      if (l4) l4.icmpType = n;
      return true;
    case "CODE":
      if (l4) l4.icmpCode = n;
      return true;
    case "PARAMETER":
      if (l4) l4.icmpParameter = n;
      return true;
    case "MTU":
      if (l4) l4.mtu = n;
      return true;
    case "UID":
      if (top) ev.uid = n;
      return true;
    case "GID":
      if (top) ev.gid = n;
      return true;
    case "MARK":
      if (top) ev.mark = `0x${n.toString(16)}`;
      return true;
    default:
      return false;
  }
}

/**
 * Reads the fields from `from` (where `IN=` starts) to the end of the line into `ev`.
 * Returns a positioned error when a field is damaged or the IP header is incomplete.
 * `kernel`: the line is the kernel's own format (a missing field is an error); `family`:
 * the trace's family (xtables-monitor's `PACKET:` number), which tells an `NH=` header
 * without `MACPROTO=` apart.
 */
export function readLogFields(
  line: string,
  from: number,
  ev: TraceEvent,
  kernel = false,
  family?: string,
): FieldError | undefined {
  upperMacAt = -1;
  maskedAt = -1;
  spacedAt = -1;
  const target: PacketTarget = {};
  const err = readFields(line, from, line.length, ev, target, true, kernel, family);
  if (err) return err;
  if (target.ip) {
    if (!target.ip.dst)
      return {
        column: line.length + 1,
        message: "expected DST= after SRC=",
        hint: "the line may be cut short",
      };
    ev.ip = target.ip;
    if (target.l4) {
      if (target.l4.proto === "") target.l4.proto = target.l4.tcpFlags ? "tcp" : "udp";
      ev.l4 = target.l4;
    }
  } else if (target.l4) {
    return {
      column: from + 1,
      message: "expected SRC= and DST= before PROTO=",
      hint: "the line may be cut or edited",
    };
  }
  // Only a line holding U+FFFD can have it in a name (for a one-byte string, indexOf knows at once).
  if (line.indexOf("\uFFFD", from) >= 0) {
    const bad = badInterfaceName(line, from, ev);
    if (bad) return bad;
  }
  if (!kernel) return upperMacWarning() || maskedWarning(line) || spacedWarning();
  const cut = cutLastField(line, ev);
  // A line cut short is the error; else only a MAC= of another length than 14 or 18 bytes, or not
  // of hex pairs, is kept raw (the fast path gives up on it): this rare branch checks its form.
  if (cut && !cut.warning) return cut;
  return (
    (ev.macRaw !== undefined && badMac(line, from, ev.macRaw)) ||
    cut ||
    upperMacWarning() ||
    maskedWarning(line) ||
    spacedWarning()
  );
}

/** The grouped warning for a `MAC=` value the last {@link readLogFields} read in lower case, or undefined. */
function upperMacWarning(): FieldError | undefined {
  if (upperMacAt < 0) return undefined;
  return {
    column: upperMacAt + 1,
    message:
      "expected MAC= in lower-case hex, as the kernel prints it, found upper case: the line was edited or typed, its MAC read in lower case",
    hint: "copy the log as the kernel wrote it (journalctl -k, dmesg, the log file): an edited line may hold other changes too",
    warning: true,
    group: "upper-case MAC",
  };
}

/**
 * The warning for a `MAC=` value that is not what dump_mac_header prints (each byte of the link
 * header as two hex digits, joined by `:`, any number of them: `MAC=mac_address`, a doc's
 * `MAC=000:53:...`), or undefined. A warning: the packet's other fields read as usual.
 */
function badMac(line: string, from: number, mac: string): FieldError | undefined {
  if (mac === "" || HEX_PAIRS.test(mac)) return undefined;
  const at = line.indexOf(` MAC=${mac}`, from - 1);
  return {
    column: (at < 0 ? from : at + 5) + 1,
    message: `expected MAC= as hex bytes joined by ':' (52:54:00:12:34:56:...), found '${mac}': its addresses are not read`,
    hint: "the kernel prints the frame's link-layer header byte by byte; the line was edited (an address hidden or made up) or garbled, its other fields are read",
    warning: true,
  };
}

/** The error for the first interface name of `ev` that holds U+FFFD. */
function badInterfaceName(line: string, from: number, ev: TraceEvent): FieldError | undefined {
  for (const [key, name] of [
    ["IN", ev.in],
    ["OUT", ev.out],
    ["PHYSIN", ev.physIn],
    ["PHYSOUT", ev.physOut],
  ] as const) {
    if (name === undefined || !name.includes("\uFFFD")) continue;
    const at = line.indexOf(`${key}=${name}`, from) + key.length + 1;
    return interfaceNameError(line, key, at, at + name.length);
  }
  return undefined;
}

/** The last word of `line`, trailing spaces ignored. */
function lastWordOf(line: string): string {
  const t = line.trimEnd();
  return t.slice(t.lastIndexOf(" ") + 1);
}

/**
 * `nf_log_syslog` ends every field with a space (`TRUNCATED` aside): a line
 * that does not may have lost the end of its last value. A warning, since a
 * copy or an editor may have dropped the trailing space of a whole line.
 */
function cutLastField(line: string, ev: TraceEvent): FieldError | undefined {
  const end = line.length;
  // The kernel goes on after the devices (MAC=, SRC=, ARP fields) whatever the packet: a line ending there was cut.
  if (
    line.charCodeAt(end - 1) === 32 &&
    !ev.ip &&
    !ev.arp &&
    ev.macRaw === undefined &&
    ev.macSrc === undefined &&
    ev.ethType === undefined
  ) {
    const last = lastWordOf(line);
    if (last.startsWith("OUT=") || last.startsWith("PHYSIN=") || last.startsWith("PHYSOUT="))
      return {
        column: line.trimEnd().length + 1,
        message: `expected MAC= or SRC= after '${last}', found the end of the line`,
        hint: CUT_HINT,
      };
  }
  // An IPv4 or IPv6 frame's header is always followed by its addresses (or TRUNCATED): a line ending at the MAC was cut.
  if (
    line.charCodeAt(end - 1) === 32 &&
    !ev.ip &&
    !ev.arp &&
    (ev.ethType === "0x0800" || ev.ethType === "0x86dd")
  )
    return {
      column: line.trimEnd().length + 1,
      message: `expected SRC= after '${lastWordOf(line)}', found the end of the line`,
      hint: CUT_HINT,
    };
  if (line.charCodeAt(end - 1) === 32 || line.endsWith("TRUNCATED")) return undefined;
  // nf_log_arp ends its line without a space, and IPv6 ESP (`OPT ( ESP SPI=0x.. )`) with ` )`.
  if ((ev.arp && !ev.ip) || (line.endsWith(" )") && ev.ip?.src.includes(":"))) return undefined;
  const start = line.lastIndexOf(" ") + 1;
  // Cut before SRC=: an IP packet's line always goes on to its addresses, and a frame made of the rest would be made up.
  if (!ev.ip && !ev.arp && (ev.ethType === undefined || ev.ethType === "0x0800" || ev.ethType === "0x86dd"))
    return { column: end + 1, message: "expected SRC= before the end of the line", hint: CUT_HINT };
  // Forums and editors strip trailing spaces: a last field the format may end the line with is whole.
  if (mayEndLine(line, line.slice(start, end), ev)) return undefined;
  return {
    column: start + 1,
    message: `the line ends without the space the kernel prints after every field: its last field '${line.slice(start, end)}' may be cut short`,
    hint: TRAILING_SPACE_HINT,
    warning: true,
    group: "no trailing space",
  };
}

/** ulogd's LOGEMU prints the TOS as two hex digits without `0x` (`TOS=00`); the kernel with it. */
const ULOGD_TOS = / TOS=[0-9A-Fa-f]{2} /;

/** ICMP types after whose `[quoted packet]` nf_log_syslog prints `MTU=` (IPv4 3/4 fragmentation needed, IPv6 2). */
function mtuFollows(l4: L4Info, v6: boolean): boolean {
  return v6 ? l4.icmpType === 2 : l4.icmpType === 3 && l4.icmpCode === 4;
}

/**
 * Whether `nf_log_syslog` (dump_ipv4_packet, dump_ipv6_packet, dump_mac_header) can end a line with
 * `last`, the line's last word, for the packet `ev` read from it (its required fields all there):
 * TCP's `URGP=n` or `OPT (..)`, UDP's `LEN=n`, an ICMP echo's `SEQ=n`, another ICMP type's `CODE=n`,
 * `PARAMETER=n`, `MTU=n` or the quoted packet's `]`, `SPI=0x..`, `PROTO=` of a later fragment or of
 * a protocol it does not decode, then the optional `UID=n GID=n` and `MARK=0x..`; a frame of
 * another type ends at its `MAC=` (or `MACPROTO=`). Whatever else ends the line stops where the
 * format goes on (`UID=` without `GID=`, a key without its value), so the line was cut.
 */
function mayEndLine(line: string, last: string, ev: TraceEvent): boolean {
  // The kernel prints `MARK=0x2a` (and no MARK= for a mark of 0): on its lines `MARK=0` is a cut one. A
  // ulogd line (`TOS=00`, printpkt.c's `TOS=%02X`) from UniFi's build prints `MARK=0`, `MARK=40000`: whole there, as `LEN=73` is.
  if (/^MARK=0x[0-9a-f]{1,8}$/.test(last)) return true;
  if (/^MARK=[0-9a-fA-F]{1,10}$/.test(last) && ULOGD_TOS.test(line)) return true;
  if (/^GID=\d+$/.test(last)) return / UID=\d+ GID=\d+$/.test(line);
  const ip = ev.ip;
  if (!ip) {
    // A frame that is neither IP nor ARP: the kernel prints its link header and stops.
    if (ev.arp) return false;
    return /^MAC=[0-9a-f]{2}(?::[0-9a-f]{2})*$/.test(last) || /^MACPROTO=[0-9a-f]{4}$/.test(last);
  }
  const v6 = ip.src.includes(":");
  const l4 = ev.l4;
  // A later fragment shows no transport header; nor does a protocol the kernel does not decode.
  if (last.startsWith("PROTO="))
    return (
      (ip.fragment ?? 0) > 0 ||
      !l4 ||
      !["tcp", "udp", "udplite", "icmp", "icmpv6", "ah", "esp"].includes(l4.proto)
    );
  // `INCOMPLETE [n bytes]`, `TRUNCATED` inside the quote, or the quoted packet itself.
  if (last.endsWith("]"))
    return !(l4 && (l4.proto === "icmp" || l4.proto === "icmpv6") && mtuFollows(l4, v6));
  // An IPv6 extension header's options after a fragment: `OPT ( FRAG:.. ID:.. )`, then nothing.
  if (last === ")" && v6) return true;
  if (/ Unknown Ext Hdr \d+$/.test(line)) return true;
  if (!l4) return false;
  switch (l4.proto) {
    case "tcp":
      return (
        /^URGP=\d+$/.test(last) ||
        // The options' closing `)` is there (spaces a copy put inside them are warned of on their own).
        (last.endsWith(")") && / URGP=\d+ OPT \([0-9A-Fa-f ]*\)$/.test(line))
      );
    case "udp":
    case "udplite":
      return /^LEN=\d+$/.test(last) && l4.udpLen !== undefined;
    case "icmp":
    case "icmpv6":
      return /^(?:SEQ|CODE|PARAMETER)=\d+$/.test(last) || (/^MTU=\d+$/.test(last) && mtuFollows(l4, v6));
    case "ah":
    case "esp":
      return /^SPI=0x[0-9a-f]{1,8}$/.test(last);
    default:
      return false;
  }
}

/**
 * Finds `IN=` that starts the fields (the prefix may lack its trailing space,
 * as in `ctc/iptable/filter-forwardIN=docker0`): the first `IN=<ifname> OUT=`.
 * Returns -1 when there is none.
 */
export function findFieldsStart(line: string, from: number): number {
  let at = line.indexOf("IN=", from);
  while (at >= 0) {
    const sp = line.indexOf(" ", at + 3);
    // Any length: a name longer than Linux allows is reported by `readLogFields`, not skipped.
    if (sp > 0 && line.startsWith("OUT=", sp + 1)) return at;
    // 2.4-era bridge-netfilter ipt_LOG printed PHYSIN= between IN= and OUT= (`IN=br0 PHYSIN=eth0 OUT=br0`).
    if (sp > 0 && line.startsWith("PHYSIN=", sp + 1)) {
      const sp2 = line.indexOf(" ", sp + 8);
      if (sp2 > 0 && line.startsWith("OUT=", sp2 + 1)) return at;
    }
    // Other white space, or none, before OUT= (a forum's doubled space, a tab): `readLogFields` reads or reports it.
    DAMAGED_OUT.lastIndex = at + 3;
    const m = DAMAGED_OUT.exec(line);
    if (m && !(m[2] === "" && m[1]?.endsWith("PHYS"))) return at;
    at = line.indexOf("IN=", at + 1);
  }
  return -1;
}

/** After `IN=`: a name, then white space other than one space, or none, then `OUT=` (not `PHYSOUT=`). */
const DAMAGED_OUT = /(\S*?)(\s*)OUT=/y;
