/**
 * Parses one ebtables `--log` line (kernel `ebt_log.c`):
 * `<prefix> IN=.. OUT=.. MAC source = .. MAC dest = .. proto = 0x0800`
 * with the optional `--log-ip` / `--log-ip6` / `--log-arp` tails.
 */
import { UNNAMED_PORTS_TRANSPORT } from "../model/ip-protocols.ts";
import type { IpInfo, L4Info } from "../model/packet.ts";
import { IPV6_EXTENSION_HEADERS } from "./ipv6.ts";
import { blankEvent, newIp, newL4, type ParsedLine, SKIP } from "./parsed-line.ts";
import { findFieldsStart, interfaceNameError, readHex, readUint } from "./read-log-fields.ts";
import { joinedRecordError, recordStartIn } from "./record-start.ts";
import {
  isPartlyRedacted,
  mayBeRedacted,
  partlyRedactedWarning,
  redactedAddressError,
} from "./redacted-address.ts";

const MARK = " MAC source = ";

function protoName(n: number): string {
  return n === 6
    ? "tcp"
    : n === 17
      ? "udp"
      : n === 1
        ? "icmp"
        : n === 58
          ? "icmpv6"
          : n === 136
            ? "udplite"
            : String(n);
}

/** What ebt_log may print after the protocol (`--log-ip`, `--log-ip6`, `--log-arp`), then after an IP header and an ARP one. */
const FRAME_TAILS = [" IP SRC=", " IPv6 SRC=", " ARP HTYPE=", " INCOMPLETE IP", " INCOMPLETE ARP header"];
const PORT_TAILS = [" SPT=", " INCOMPLETE TCP/UDP header"];
const ARP_TAILS = [" ARP MAC SRC=", " INCOMPLETE ARP payload"];

/**
 * The error for a line that ends at `at` inside one of `tails` (` IPv6` of ` IPv6 SRC=`, ` SPT=51`
 * without its DPT=): cut there, or wrapped with its rest on the next line; else undefined.
 */
function endsInside(line: string, at: number, tails: readonly string[], expected: string) {
  let end = line.length;
  while (end > at && line.charCodeAt(end - 1) === 32) end--;
  const n = end - at;
  if (n <= 0) return undefined;
  for (const tail of tails) {
    if (tail.length > n) {
      let k = 0;
      while (k < n && line.charCodeAt(at + k) === tail.charCodeAt(k)) k++;
      if (k === n) return failAtEnd(line, expected);
    }
    // Ports: ` SPT=51` or ` SPT=51 DPT=` ends before the destination port's digits.
    if (tail === " SPT=" && line.startsWith(tail, at)) {
      const d = line.indexOf(" DPT=", at);
      const c = d < 0 ? 0 : line.charCodeAt(d + 5);
      if (d < 0 || d + 5 >= end || c < 48 || c > 57) return failAtEnd(line, expected);
    }
  }
  return undefined;
}

/** The EtherTypes ebt_log prints a tail for (`--log-ip`, `--log-ip6`, `--log-arp`: IPv4, IPv6, ARP, RARP). */
const TAILED_TYPES = new Set(["0x0800", "0x86dd", "0x0806", "0x8035"]);

/**
 * Whether an ebtables line read as `ev` may go on with a tail ebt_log prints after the protocol
 * (` IP SRC=..`): it has none, and its EtherType is one `--log-ip`, `--log-ip6` or `--log-arp` prints one for.
 */
export function ebtTailMayFollow(ev: { ethType?: string; ip?: unknown; arp?: unknown }): boolean {
  return !ev.ip && !ev.arp && ev.ethType !== undefined && TAILED_TYPES.has(ev.ethType.toLowerCase());
}

/** A line (after its indent) that starts as one of ebt_log's tails after the protocol: `IP SRC=`, `IPv6 SRC=`, `ARP HTYPE=`, `INCOMPLETE ..`. */
const TAIL_LINE = /^[ \t]*(?:IP SRC=|IPv6 SRC=|ARP HTYPE=|INCOMPLETE (?:IP|ARP) )/;

/** Whether `text` starts (after its indent) with a tail ebt_log prints after the protocol. */
export function startsEbtTail(text: string): boolean {
  return TAIL_LINE.test(text);
}

/** Reads ` SPT=a DPT=b` at `at`; returns the index after it. */
function readPorts(line: string, at: number, l4: L4Info): number {
  if (!line.startsWith(" SPT=", at)) return at;
  const sp = line.indexOf(" DPT=", at + 5);
  if (sp < 0) return at;
  let end = line.indexOf(" ", sp + 5);
  if (end < 0) end = line.length;
  const s = readUint(line, at + 5, sp);
  const d = readUint(line, sp + 5, end);
  if (s >= 0 && d >= 0) {
    l4.sport = s;
    l4.dport = d;
  }
  return end;
}

/**
 * The error for a placeholder where ebt_log printed an address (`IP SRC=x.x.x.x`), which this reader
 * would take as one; `srcAt`, `dstAt`: where the values start. An address only partly hidden
 * (`IP SRC=203.0.113.x`) is no error: see {@link partlyRedactedIn}.
 */
function redactedIn(ip: IpInfo, word: string, srcAt: number, dstAt: number): ParsedLine | undefined {
  if (mayBeRedacted(ip.src) && !isPartlyRedacted(ip.src))
    return redactedAddressError(`${word} SRC=`, ip.src, srcAt + 1);
  if (mayBeRedacted(ip.dst) && !isPartlyRedacted(ip.dst))
    return redactedAddressError(`${word} DST=`, ip.dst, dstAt + 1);
  return undefined;
}

/**
 * The warning for a line whose `IP SRC=`/`IP DST=` (`word` `IPv6`: `IPv6 SRC=`) is partly hidden
 * (`198.51.100.x`, `2001:0db8:xxxx:...`): read as written, as a LOG line's `SRC=` is, and said once
 * for the log under the field's name; the first such field of the line.
 */
function partlyRedactedIn(ip: IpInfo, word: string, srcAt: number, dstAt: number) {
  if (isPartlyRedacted(ip.src)) return partlyRedactedWarning(`${word} SRC=`, ip.src, srcAt + 1);
  if (isPartlyRedacted(ip.dst)) return partlyRedactedWarning(`${word} DST=`, ip.dst, dstAt + 1);
  return undefined;
}

function fail(column: number, expected: string, ends = false) {
  return {
    kind: "error" as const,
    column,
    message: `expected ${expected} in an ebtables log line${ends ? ": the line ends first" : ""}`,
    hint: "the line looks like ebtables --log output (it has 'MAC source = ') but is cut or edited",
  };
}

/** `fail` at the line's end, which came before what was expected (a line cut, or wrapped: its rest may be on the next line). */
function failAtEnd(line: string, expected: string) {
  return fail(line.trimEnd().length + 1, expected, true);
}

/**
 * `fail` for the fixed text `what` ebt_log prints at `at`: said at the line's end when the line ends
 * there or inside it, else at `at`.
 */
function failAt(line: string, at: number, what: string, expected: string) {
  const rest = line.slice(at).trimEnd();
  return rest.length < what.length && what.startsWith(rest)
    ? failAtEnd(line, expected)
    : fail(at + 1, expected);
}

/**
 * `fail` for the fixed text `what` missing after the value that starts at `from`: said at the line's
 * end when the line ends inside that value or inside `what` (it was cut there), else at `at`, where
 * the tail starts.
 */
function failAfter(line: string, from: number, at: number, what: string, expected: string) {
  let cut = line.trimEnd().indexOf(" ", from) < 0;
  for (let k = Math.min(what.length - 1, line.length - from); !cut && k > 0; k--)
    cut = line.endsWith(what.slice(0, k)) || line.trimEnd().endsWith(what.slice(0, k));
  return cut ? failAtEnd(line, expected) : fail(at + 1, expected);
}

/**
 * Whether the line ends at `end` with the start of ` MAC source = `, past ` MAC` (which a LOG line's
 * ` MAC=` cut before its `=` shares).
 */
export function endsInsideMark(line: string, end: number): boolean {
  const n = line.length - end;
  return n > 4 && n <= MARK.length && line.endsWith(MARK.slice(0, n));
}

/**
 * A line whose `IN=.. OUT=..` ends in the start of ` MAC source = ` (`OUT=veth1 MAC`): an ebtables
 * line cut there (or wrapped, its rest on the next line), said at its end; else `skip`.
 */
function cutMark(line: string, bodyStart: number): ParsedLine {
  const outAt = line.lastIndexOf(" OUT=");
  if (outAt < bodyStart || line.lastIndexOf("IN=", outAt) < bodyStart) return SKIP;
  const end = line.indexOf(" ", outAt + 5);
  if (end < 0 || !endsInsideMark(line, end)) return SKIP;
  return failAtEnd(line, "' MAC source = ' after OUT=");
}

/**
 * Parses the message at `bodyStart` of `line`; `skip` when it is not an ebt_log line.
 * The prefix (everything before ` IN=`) is left for the prefix mapping; the family is `bridge`.
 */
export function parseEbtLine(line: string, bodyStart: number): ParsedLine {
  const macAt = line.indexOf(MARK, bodyStart);
  if (macAt < 0)
    // The mark first (`MAC source = ..`): the rest of a line whose start is not before it, never a line of its own.
    return line.startsWith(MARK.slice(1), bodyStart) ? fail(bodyStart + 1, "IN=") : cutMark(line, bodyStart);
  const inAt = line.lastIndexOf("IN=", macAt);
  if (inAt < bodyStart) return fail(bodyStart + 1, "IN=");
  const outAt = line.indexOf(" OUT=", inAt);
  if (outAt < 0 || outAt > macAt) return fail(inAt + 1, "OUT= after IN=");
  const badName =
    interfaceNameError(line, "IN", inAt + 3, outAt) ?? interfaceNameError(line, "OUT", outAt + 5, macAt);
  if (badName) return { kind: "error", ...badName };
  const ev = blankEvent("ebt-log", line);
  // ebt_log prints "%s IN=": the space belongs to the format, not the prefix.
  ev.prefix = line.slice(bodyStart, line.charCodeAt(inAt - 1) === 32 ? inAt - 1 : inAt);
  ev.in = line.slice(inAt + 3, outAt);
  ev.out = line.slice(outAt + 5, macAt);
  let i = macAt + MARK.length;
  // `%pM` prints 17 characters: the next fixed text right after them says the MAC is whole.
  ev.macSrc = line.slice(i, i + 17);
  i += 17;
  if (!line.startsWith(" MAC dest = ", i))
    return failAt(line, i, " MAC dest = ", "' MAC dest = ' after the source MAC");
  i += 12;
  ev.macDst = line.slice(i, i + 17);
  i += 17;
  if (!line.startsWith(" proto = 0x", i))
    return failAt(line, i, " proto = 0x", "' proto = 0x....' after the destination MAC");
  // `proto = 0x%04x`: four digits, then a space or the line's end (a line cut inside them is not read).
  if (line.length < i + 15) return failAtEnd(line, "four hex digits after 'proto = 0x'");
  if (line.length > i + 15 && line.charCodeAt(i + 15) !== 32)
    return fail(i + 12, `four hex digits after 'proto = 0x', found '${line.slice(i + 11).split(" ")[0]}'`);
  ev.ethType = line.slice(i + 9, i + 15);
  i += 15;
  /** Where the line's last tail ends: what follows is no part of it. */
  let end = i;
  /** A partly hidden address in the IP tail, read as written (see `partlyRedactedIn`). */
  let warning: ReturnType<typeof partlyRedactedIn>;
  if (line.startsWith(" IP SRC=", i)) {
    const dstAt = line.indexOf(" IP DST=", i + 8);
    if (dstAt < 0) return failAfter(line, i + 8, i, " IP DST=", "' IP DST=' after ' IP SRC='");
    const tosAt = line.indexOf(", IP tos=", dstAt);
    if (tosAt < 0)
      return failAfter(line, dstAt + 8, dstAt, ", IP tos=", "', IP tos=0x..' after the destination address");
    const protoAt = line.indexOf(", IP proto=", tosAt);
    if (protoAt < 0) return failAfter(line, tosAt + 9, tosAt, ", IP proto=", "', IP proto=N' after the TOS");
    end = line.indexOf(" ", protoAt + 11);
    if (end < 0) end = line.length;
    const tos = readHex(line, tosAt + 9, protoAt);
    const proto = readUint(line, protoAt + 11, end);
    if (tos < 0) return fail(tosAt + 10, "a hex TOS like 0x00");
    if (proto < 0) return fail(protoAt + 12, "a protocol number");
    ev.ip = newIp(line.slice(i + 8, dstAt), line.slice(dstAt + 8, tosAt));
    const redacted = redactedIn(ev.ip, "IP", i + 8, dstAt + 8);
    if (redacted) return redacted;
    warning = partlyRedactedIn(ev.ip, "IP", i + 8, dstAt + 8);
    ev.ip.tos = tos;
    ev.l4 = newL4(protoName(proto));
    const protoEnd = end;
    end = readPorts(line, end, ev.l4);
    // No ports read, and text after the protocol: cut inside ` SPT=.. DPT=..` (or wrapped there)?
    if (ev.l4.sport === undefined && protoEnd < line.length) {
      const cutPorts = endsInside(line, protoEnd, PORT_TAILS, "' SPT=N DPT=N' after the protocol");
      if (cutPorts) return cutPorts;
    }
  } else if (line.startsWith(" IPv6 SRC=", i)) {
    const dstAt = line.indexOf(" IPv6 DST=", i + 10);
    const prioAt = line.indexOf(", IPv6 priority=", dstAt);
    const nhAt = line.indexOf(", Next Header=", prioAt);
    if (dstAt < 0 || prioAt < 0 || nhAt < 0)
      return failAfter(
        line,
        dstAt < 0 ? i + 10 : prioAt < 0 ? dstAt + 10 : prioAt + 16,
        i,
        dstAt < 0 ? " IPv6 DST=" : prioAt < 0 ? ", IPv6 priority=" : ", Next Header=",
        "'IPv6 SRC=.. IPv6 DST=.., IPv6 priority=.., Next Header=N'",
      );
    end = line.indexOf(" ", nhAt + 14);
    if (end < 0) end = line.length;
    const nh = readUint(line, nhAt + 14, end);
    ev.ip = newIp(line.slice(i + 10, dstAt), line.slice(dstAt + 10, prioAt));
    const redacted = redactedIn(ev.ip, "IPv6", i + 10, dstAt + 10);
    if (redacted) return redacted;
    warning = partlyRedactedIn(ev.ip, "IPv6", i + 10, dstAt + 10);
    const prio = readHex(line, prioAt + 16, nhAt);
    if (prio >= 0) ev.ip.tc = prio;
    // ebt_log prints the first next header (ports come from the transport it skips to): an
    // extension header there (hop-by-hop before MLD) says nothing of the transport.
    if (!IPV6_EXTENSION_HEADERS.has(nh)) {
      ev.l4 = newL4(protoName(nh));
      end = readPorts(line, end, ev.l4);
    } else {
      // Ports after an extension header (a first fragment's): a transport with ports, unnamed; its ports pair the flow.
      const l4 = newL4(UNNAMED_PORTS_TRANSPORT);
      end = readPorts(line, end, l4);
      if (l4.sport !== undefined) ev.l4 = l4;
      // Kept to be written back; 0 is what a line without a transport writes anyway.
      if (nh > 0 || ev.l4) ev.ip.nextHeader = nh;
    }
    if (ev.l4?.sport === undefined && end < line.length) {
      const cutPorts = endsInside(line, end, PORT_TAILS, "' SPT=N DPT=N' after the next header");
      if (cutPorts) return cutPorts;
    }
  } else if (line.startsWith(" ARP HTYPE=", i)) {
    const p = line.indexOf(", PTYPE=", i);
    const o = line.indexOf(", OPCODE=", p);
    if (p < 0 || o < 0)
      return failAfter(
        line,
        p < 0 ? i + 11 : p + 8,
        i,
        p < 0 ? ", PTYPE=" : ", OPCODE=",
        "'ARP HTYPE=N, PTYPE=0x...., OPCODE=N'",
      );
    end = line.indexOf(" ", o + 9);
    if (end < 0) end = line.length;
    const htype = readUint(line, i + 11, p);
    const opcode = readUint(line, o + 9, end);
    // ebt_log prints both as ntohs() with %d, the opcode then a space (or the line's end).
    const bad: [number, number, string] | undefined =
      htype < 0 || htype > 65535
        ? [i + 11, p, "HTYPE"]
        : opcode < 0 || opcode > 65535
          ? [o + 9, end, "OPCODE"]
          : undefined;
    if (bad) {
      const [from, to, key] = bad;
      return {
        kind: "error",
        column: from + 1,
        message: `expected a number from 0 to 65535 after ${key}=, found '${line.slice(from, to)}'`,
        hint: "ebtables --log prints 'ARP HTYPE=N, PTYPE=0x...., OPCODE=N' (1 request, 2 reply) then a space; check that the line was not cut or edited",
      };
    }
    ev.arp = { htype, ptype: line.slice(p + 8, o), opcode };
    const cutArp = endsInside(line, end, ARP_TAILS, "' ARP MAC SRC=..' after the opcode");
    if (cutArp) return cutArp;
    const ms = line.indexOf(" ARP MAC SRC=", end);
    if (ms >= 0) {
      const is = line.indexOf(" ARP IP SRC=", ms);
      const md = line.indexOf(" ARP MAC DST=", is);
      const id = line.indexOf(" ARP IP DST=", md);
      if (is < 0 || md < 0 || id < 0)
        return failAfter(
          line,
          is < 0 ? ms + 13 : md < 0 ? is + 12 : md + 13,
          ms,
          is < 0 ? " ARP IP SRC=" : md < 0 ? " ARP MAC DST=" : " ARP IP DST=",
          "'ARP MAC SRC=.. ARP IP SRC=.. ARP MAC DST=.. ARP IP DST=..'",
        );
      ev.arp.macSrc = line.slice(ms + 13, is).trim();
      ev.arp.ipSrc = line.slice(is + 12, md);
      ev.arp.macDst = line.slice(md + 13, id).trim();
      ev.arp.ipDst = line.slice(id + 12).trim();
      end = line.indexOf(" ", id + 12);
      if (end < 0) end = line.length;
    }
  } else if (i < line.length && !line.startsWith(" INCOMPLETE ", i)) {
    const tails = "' IP SRC=', ' IPv6 SRC=' or ' ARP HTYPE=' after the protocol";
    const cutTail = endsInside(line, i, FRAME_TAILS, tails);
    if (cutTail) return cutTail;
    // ebt_log prints one of those or ends the line there: other text is no part of its line.
    if (line.trimEnd().length > i)
      return fail(i + 1, `${tails} (or the line's end), found '${line.slice(i + 1).split(" ")[0]}'`);
  }
  // Text after the last tail that starts another line (a trace tool's, or a LOG or ebtables line's
  // prefix before its `IN=`): a chat joined them; said at that line's start, not read into this one.
  if (end < line.length) {
    let next = end;
    while (line.charCodeAt(next) === 32) next++;
    if (next < line.length && (recordStartIn(line, end) >= 0 || findFieldsStart(line, next) >= 0))
      return joinedRecordError(line, next);
  }
  return warning
    ? { kind: "event", event: ev, familyHint: "bridge", warning }
    : { kind: "event", event: ev, familyHint: "bridge" };
}
