/**
 * The fast path for the kernel LOG lines that make up almost every real log:
 * an IPv4 TCP, UDP or ICMP echo packet exactly as `nf_log_syslog` prints it
 * (`IN= OUT= [PHYSIN=] [PHYSOUT=] [MAC=] SRC= DST= LEN= TOS= PREC= TTL= ID=
 * [CE] [DF] [MF] PROTO=...`, each field ending in a space; 2.4's bridge-netfilter
 * ipt_LOG printed `IN= [PHYSIN=] OUT= [PHYSOUT=]`, read too). It reads the
 * fields in that fixed order with one forward scan, and builds the same event
 * the general reader (`read-log-fields.ts`) would; any other line, or any
 * surprise along the way (another field, a damaged value, a cut line), gives
 * up and is left to the general reader, which also reports the problem.
 */
import type { TraceEvent } from "../model/packet.ts";
import { newIp, newL4 } from "./parsed-line.ts";
import { isIpv4Text, MAX_IFNAME } from "./read-log-fields.ts";

/** The value the last successful {@link num} read. */
let value = 0;

/**
 * Reads a decimal number (up to 15 digits) or `0x` and 1 to 8 hex digits at
 * `from`, which must end at a space (the general reader's rule for numeric
 * fields); leaves it in {@link value} and returns the index of that space, or -1.
 */
function num(line: string, from: number): number {
  let j = from;
  let v = 0;
  if (line.charCodeAt(from) === 48 && line.charCodeAt(from + 1) === 120) {
    j = from + 2;
    for (;;) {
      const c = line.charCodeAt(j) | 32;
      if (c >= 48 && c <= 57) v = v * 16 + (c - 48);
      else if (c >= 97 && c <= 102) v = v * 16 + (c - 87);
      else break;
      j++;
    }
    if (j - from < 3 || j - from > 10) return -1;
  } else {
    for (;;) {
      const c = line.charCodeAt(j) - 48;
      if (!(c >= 0 && c <= 9)) break;
      v = v * 10 + c;
      j++;
    }
    if (j === from || j - from > 15) return -1;
  }
  if (line.charCodeAt(j) !== 32) return -1;
  value = v;
  return j;
}

/** The values the last {@link fields} read, in the order of its keys. */
const values = [0, 0, 0, 0, 0];

/**
 * Reads the numeric fields `keys` (each with its `=`) one after the other
 * from `at`, each ending in a space, into {@link values}: the index after the
 * last one's space, or -1 when the line goes otherwise.
 */
function fields(line: string, at: number, keys: readonly string[]): number {
  let i = at;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (!line.startsWith(key, i)) return -1;
    i = num(line, i + key.length);
    if (i < 0) return -1;
    values[k] = value;
    i++;
  }
  return i;
}

/** The IPv4 header's numeric fields, in the kernel's order. */
const IP_KEYS = ["LEN=", "TOS=", "PREC=", "TTL=", "ID="];
const PORT_KEYS = ["SPT=", "DPT="];
const SEQ_KEYS = ["SEQ=", "ACK="];
const WINDOW_KEYS = ["WINDOW=", "RES="];
const URGP_KEYS = ["URGP="];
const UDP_KEYS = ["SPT=", "DPT=", "LEN="];
const TYPE_KEYS = ["TYPE="];
const ECHO_KEYS = ["CODE=", "ID=", "SEQ="];

/**
 * A 14-byte `MAC=` value as dump_mac_header prints it (lower-case hex pairs joined by `:`) and its
 * space, tried at one index (sticky): one native match for what took four tests and a search.
 */
const ETHERNET_HEADER = /(?:[0-9a-f]{2}:){13}[0-9a-f]{2} /y;

/** The end (a space) of a text value at `from`, or -1 when the line ends first. */
function textEnd(line: string, from: number): number {
  return line.indexOf(" ", from);
}

/**
 * The end (a space) of an interface name at `from`: at most {@link MAX_IFNAME} printable ASCII
 * characters other than `=`, or -1. White space, a glued key (`OUT=MAC=`) and other bytes are
 * the general reader's to report; one pass, no search to the space first.
 */
function nameEnd(line: string, from: number): number {
  const last = from + MAX_IFNAME;
  for (let k = from; ; k++) {
    const c = line.charCodeAt(k);
    if (c === 32) return k;
    if (k === last || c < 33 || c > 126 || c === 61) return -1;
  }
}

/** TCP flag words the kernel prints, by first letter (A is ACK or AE, told apart by the second). */
const TCP_FLAG_BY_LETTER: Record<number, string> = {
  65: "ACK",
  67: "CWR",
  69: "ECE",
  70: "FIN",
  80: "PSH",
  82: "RST",
  83: "SYN",
  85: "URG",
};

/** The TCP flag word at `at` followed by a space, or undefined. */
function tcpFlag(line: string, at: number): string | undefined {
  // Each word but ACK and AE has a first letter of its own: one word to compare, not all of them.
  const c = line.charCodeAt(at);
  const word = c === 65 && line.charCodeAt(at + 1) === 69 ? "AE" : TCP_FLAG_BY_LETTER[c];
  return word !== undefined && line.startsWith(word, at) && line.charCodeAt(at + word.length) === 32
    ? word
    : undefined;
}

/**
 * Reads the fields of `line` from `at` (where `IN=` starts) into `ev` when the
 * line has the common shape (see the module comment); returns false, with
 * `ev` possibly half filled (throw it away), when the general reader must read it.
 */
export function scanLogFields(line: string, at: number, ev: TraceEvent): boolean {
  // The general reader checks interface names for bytes that were not UTF-8.
  if (line.indexOf("\uFFFD", at) >= 0) return false;
  const end = line.length;
  // Every field ends with a space: a line that does not may be cut (the general reader warns).
  if (line.charCodeAt(end - 1) !== 32) return false;
  let i = at + 3;
  let sp = nameEnd(line, i);
  if (sp < 0) return false;
  ev.in = line.slice(i, sp);
  // 2.4-era bridge-netfilter put PHYSIN= before OUT= (`IN=br0 PHYSIN=eth0 OUT=br0 PHYSOUT=eth1`).
  if (line.startsWith(" PHYSIN=", sp)) {
    i = sp + 8;
    sp = nameEnd(line, i);
    if (sp < 0) return false;
    ev.physIn = line.slice(i, sp);
  }
  if (!line.startsWith(" OUT=", sp)) return false;
  i = sp + 5;
  sp = nameEnd(line, i);
  if (sp < 0) return false;
  ev.out = line.slice(i, sp);
  i = sp + 1;
  if (line.startsWith("PHYSIN=", i)) {
    sp = nameEnd(line, i + 7);
    if (sp < 0) return false;
    ev.physIn = line.slice(i + 7, sp);
    i = sp + 1;
  }
  if (line.startsWith("PHYSOUT=", i)) {
    sp = nameEnd(line, i + 8);
    if (sp < 0) return false;
    ev.physOut = line.slice(i + 8, sp);
    i = sp + 1;
  }
  if (line.startsWith("MAC=", i)) {
    const m = i + 4;
    // Only the 14-byte Ethernet header, as the kernel prints it; anything else (another length, upper
    // case or a hidden `xx`: an edit the general reader warns of) is the general reader's.
    ETHERNET_HEADER.lastIndex = m;
    if (!ETHERNET_HEADER.test(line)) return false;
    ev.macDst = line.slice(m, m + 17);
    ev.macSrc = line.slice(m + 18, m + 35);
    ev.ethType = line.startsWith("08:00", m + 36)
      ? "0x0800"
      : `0x${line.slice(m + 36, m + 38)}${line.slice(m + 39, m + 41)}`;
    i = m + 42;
  }
  if (!line.startsWith("SRC=", i)) return false;
  sp = textEnd(line, i + 4);
  if (sp < 0 || !isIpv4Text(line, i + 4, sp) || !line.startsWith(" DST=", sp)) return false;
  const src = line.slice(i + 4, sp);
  i = sp + 5;
  sp = textEnd(line, i);
  if (sp < 0 || !isIpv4Text(line, i, sp)) return false;
  const ip = newIp(src, line.slice(i, sp));
  i = fields(line, sp + 1, IP_KEYS);
  if (i < 0) return false;
  // A field wider than its header goes to the general reader, which reports it.
  if (
    (values[1] as number) > 255 ||
    (values[2] as number) > 255 ||
    (values[3] as number) > 255 ||
    (values[4] as number) > 65535
  )
    return false;
  ip.len = values[0];
  ip.tos = values[1];
  ip.prec = values[2];
  ip.ttl = values[3];
  ip.id = values[4];
  for (;;) {
    const c = line.charCodeAt(i);
    const word = c === 67 ? "CE" : c === 68 ? "DF" : c === 77 ? "MF" : undefined;
    if (
      word === undefined ||
      line.charCodeAt(i + 1) !== (c === 67 ? 69 : 70) ||
      line.charCodeAt(i + 2) !== 32
    )
      break;
    if (ip.flags) ip.flags.push(word);
    else ip.flags = [word];
    i += 3;
  }
  if (!line.startsWith("PROTO=", i)) return false;
  i += 6;
  if (line.startsWith("TCP ", i)) {
    const l4 = newL4("tcp");
    i = fields(line, i + 4, PORT_KEYS);
    if (i < 0 || (values[0] as number) > 65535 || (values[1] as number) > 65535) return false;
    l4.sport = values[0];
    l4.dport = values[1];
    if (line.startsWith("SEQ=", i)) {
      i = fields(line, i, SEQ_KEYS);
      if (i < 0 || (values[0] as number) > 4294967295 || (values[1] as number) > 4294967295) return false;
      l4.seq = values[0];
      l4.ack = values[1];
    }
    i = fields(line, i, WINDOW_KEYS);
    if (i < 0 || (values[0] as number) > 65535) return false;
    l4.window = values[0];
    l4.res = values[1];
    for (let flag = tcpFlag(line, i); flag !== undefined; flag = tcpFlag(line, i)) {
      if (l4.tcpFlags) l4.tcpFlags.push(flag);
      else l4.tcpFlags = [flag];
      i += flag.length + 1;
    }
    i = fields(line, i, URGP_KEYS);
    if (i < 0 || (values[0] as number) > 65535) return false;
    l4.urgp = values[0];
    ev.l4 = l4;
  } else if (line.startsWith("UDP ", i)) {
    const l4 = newL4("udp");
    i = fields(line, i + 4, UDP_KEYS);
    if (i < 0 || (values[0] as number) > 65535 || (values[1] as number) > 65535) return false;
    l4.sport = values[0];
    l4.dport = values[1];
    l4.udpLen = values[2];
    ev.l4 = l4;
  } else if (line.startsWith("ICMP ", i)) {
    const l4 = newL4("icmp");
    i = fields(line, i + 5, TYPE_KEYS);
    // Echo only: errors quote a packet, others carry fields of their own.
    if (i < 0 || (values[0] !== 0 && values[0] !== 8)) return false;
    l4.icmpType = values[0];
    i = fields(line, i, ECHO_KEYS);
    if (
      i < 0 ||
      (values[0] as number) > 255 ||
      (values[1] as number) > 65535 ||
      (values[2] as number) > 65535
    )
      return false;
    l4.icmpCode = values[0];
    l4.icmpId = values[1];
    l4.icmpSeq = values[2];
    ev.l4 = l4;
  } else return false;
  // Nothing after the last field (UID=, MARK=, OPT (...) and the like go the general way).
  if (i !== end) return false;
  ev.ip = ip;
  return true;
}
