/**
 * Parses `nft monitor trace` output:
 * `trace id 9c01f8a1 ip filter FORWARD packet: iif "veth1" ether saddr .. ip saddr .. icmp type echo-request ...`,
 * `trace id 9c01f8a1 ip filter FORWARD rule ip protocol icmp accept (verdict accept)`,
 * `trace id 9c01f8a1 ip filter FORWARD verdict continue`, `... policy accept`.
 */

import type { Family } from "../model/hook.ts";
import type { IpInfo, L4Info, RuleVerdict, TraceEvent } from "../model/packet.ts";
import { decodeNetworkHeader } from "./decode-network-header.ts";
import { ICMP_CODES, ICMPV6_CODES } from "./icmp-codes.ts";
import { ICMPV6_TYPES } from "./icmpv6-types.ts";
import { IPV6_EXTENSION_HEADERS, isIpv6 } from "./ipv6.ts";
import { NETDEV_HINT, netdevSkipped } from "./parse-hints.ts";
import { blankEvent, IGNORE, type ParsedLine, SKIP } from "./parsed-line.ts";
import { isIpv4Text } from "./read-log-fields.ts";
import { joinedRecordError, recordStartIn } from "./record-start.ts";
import {
  isPartlyRedacted,
  mayBeRedacted,
  partlyRedactedWarning,
  redactedAddressError,
} from "./redacted-address.ts";
import { vlanFromTci } from "./vlan-tag.ts";

const FAMILIES: Record<string, Family> = { ip: "ip", ip6: "ip6", inet: "ip", bridge: "bridge", arp: "arp" };

/** ICMP type names nft prints, and their numbers. */
export const ICMP_TYPES: Record<string, number> = {
  "echo-reply": 0,
  "destination-unreachable": 3,
  "source-quench": 4,
  redirect: 5,
  "echo-request": 8,
  "router-advertisement": 9,
  "router-solicitation": 10,
  "time-exceeded": 11,
  "parameter-problem": 12,
  "timestamp-request": 13,
  "timestamp-reply": 14,
};

/**
 * Layer-4 protocol names of `ip protocol`, `ip6 nexthdr` and `meta l4proto` (`/etc/protocols` names,
 * or numbers) as a LOG line gives them: its words for the protocols LOG names, else the number.
 */
const L4_NAMES: Record<string, string> = {
  "ipv6-icmp": "icmpv6",
  "1": "icmp",
  "6": "tcp",
  "17": "udp",
  "58": "icmpv6",
  "50": "esp",
  "51": "ah",
  "136": "udplite",
  igmp: "2",
  ipencap: "4",
  dccp: "33",
  ipv6: "41",
  gre: "47",
  ospf: "89",
  pim: "103",
  vrrp: "112",
  sctp: "132",
};

/** `/etc/protocols` names nft prints for IPv6 extension headers (`ip` is 0, hop-by-hop). */
const EXTENSION_NAMES = new Set(["ip", "hopopt", "ipv6-route", "ipv6-frag", "ipv6-opts", "mobility-header"]);

/**
 * The layer-4 protocol of `ip protocol` / `ip6 nexthdr` word `value` as packetwalk names it, or
 * undefined for an extension header (the transport behind it is not what nft printed there).
 */
/**
 * A verdict as the model writes it: nft's keyword upper-cased (`accept` -> `ACCEPT`), a jump or
 * goto target kept as printed (`jump wan_in` -> `JUMP wan_in`), since nft chain names are case-sensitive.
 */
function verdictWords(text: string): string {
  const space = text.indexOf(" ");
  return space < 0 ? text.toUpperCase() : `${text.slice(0, space).toUpperCase()}${text.slice(space)}`;
}

function l4Name(value: string): string | undefined {
  if (EXTENSION_NAMES.has(value) || IPV6_EXTENSION_HEADERS.has(Number(value))) return undefined;
  return Object.hasOwn(L4_NAMES, value) ? L4_NAMES[value] : value;
}

/** nft's TCP flag names, in bit order, as the kernel's LOG names them. */
const TCP_FLAG_BITS: [string, string][] = [
  ["fin", "FIN"],
  ["syn", "SYN"],
  ["rst", "RST"],
  ["psh", "PSH"],
  ["ack", "ACK"],
  ["urg", "URG"],
  ["ecn", "ECE"],
  ["cwr", "CWR"],
];
const TCP_FLAG_NAMES = new Map(TCP_FLAG_BITS);

/**
 * Reads `tcp flags == ...` values from word `at` on: names (`syn`), a list (`syn | ack`,
 * `syn|ack`, `(syn|ack)`) or a number (`0x12`). Returns the flags and the index of the next word.
 */
function readTcpFlags(w: string[], at: number): { flags: string[]; next: number } {
  const flags: string[] = [];
  let j = at;
  for (; j < w.length; j++) {
    const parts = (w[j] as string).replace(/[()]/g, "").split("|");
    let known = true;
    for (const t of parts) {
      if (t === "") continue;
      const name = TCP_FLAG_NAMES.get(t);
      if (name) flags.push(name);
      else if (/^0x[0-9a-f]+$/i.test(t) && j === at) {
        const bits = Number.parseInt(t.slice(2), 16);
        TCP_FLAG_BITS.forEach(([, n], k) => {
          if (bits & (1 << k)) flags.push(n);
        });
      } else known = false;
    }
    if (!known) break;
    // A number stands alone; names go on only through `|`.
    if (/^0x/i.test(w[j] as string)) return { flags, next: j + 1 };
    const last = (w[j] as string).replace(/\)$/, "");
    const joined = last.endsWith("|") || w[j + 1]?.startsWith("|");
    if (!joined && w[j] !== "|") return { flags, next: j + 1 };
  }
  return { flags, next: j };
}

function toNumber(v: string | undefined, names?: Record<string, number>): number | undefined {
  if (v === undefined) return undefined;
  const named = names?.[v];
  if (named !== undefined) return named;
  const n = v.startsWith("0x") ? Number.parseInt(v.slice(2), 16) : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Splits on spaces, keeping `"quoted names"` whole (quotes removed); `starts` gets where each word starts. */
function words(text: string, starts: number[] = []): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    starts.push(i);
    if (text.charCodeAt(i) === 34) {
      const close = text.indexOf('"', i + 1);
      const end = close < 0 ? text.length : close;
      out.push(text.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let sp = text.indexOf(" ", i);
    if (sp < 0) sp = text.length;
    out.push(text.slice(i, sp));
    i = sp;
  }
  return out;
}

/** A problem of a `packet:` line: its 1-based column in the line, what was expected, a hint. */
interface PacketProblem {
  column: number;
  message: string;
  hint: string;
}

/** How nft names a header (`ip6`, `icmpv6`) or one of its fields (`saddr`, `frag-off`): a lower-case word. */
const NFT_WORD = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** A MAC address as nft prints it: six bytes of two hex digits. */
const NFT_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/** A mark a writer put where they left the rest of a line out (`[..]`, `...`, `…`): nft prints none. */
const ELIDED = /^(?:\[\.{2,}\]|\.{3,}|\[?…\]?|<snip>)$/;
/** The fields of each header nft prints as numbers (so a word glued to one is a fold's, not a value). */
const NUMERIC_FIELDS: Record<string, ReadonlySet<string>> = {
  ip: new Set(["length", "id", "ttl"]),
  ip6: new Set(["length", "hoplimit", "flowlabel"]),
  tcp: new Set(["sequence", "ackseq", "window", "urgptr"]),
  udp: new Set(["length"]),
  udplite: new Set(["csumcov"]),
  icmp: new Set(["id", "sequence", "mtu"]),
  icmpv6: new Set(["id", "sequence"]),
  vlan: new Set(["id", "pcp", "dei", "cfi"]),
  esp: new Set(["spi", "sequence"]),
  ah: new Set(["spi", "sequence"]),
  sctp: new Set(["vtag"]),
};
/** The hint of a `packet:` line nft did not print so. */
const PACKET_HINT =
  "nft monitor trace prints a packet as statements '<header> <field> <value>' ('ip saddr 198.51.100.1 ip daddr 203.0.113.5 tcp dport 22'); the line looks cut, wrapped or edited";

/** The most network header bits an nft trace carries (NFT_TRACETYPE_NETWORK_HEADER: 40 bytes). */
const MAX_NH_BITS = 320;

/**
 * `@nh,<offset>,<bits> 0x<hex>`: bytes of network header nft could not name (the header behind a
 * second VLAN tag), printed as one number without its leading zeros. Read at offset 0 as
 * xtables-monitor's `NH=` under `tag` (the TPID of the tag before it): an IP or ARP header fills `ev`.
 */
function rawNetworkHeader(
  word: string,
  value: string,
  ev: TraceEvent,
  tag: string,
  family: Family,
  inner: string,
): void {
  const [, offset, bits] = word.split(",");
  const n = Number(bits);
  // The kernel sends at most NFT_TRACETYPE's 40 header bytes: a longer length is garbage, not padded out.
  if (offset !== "0" || !Number.isInteger(n) || n <= 0 || n > MAX_NH_BITS || n % 8 !== 0) return;
  if (!/^0x[0-9a-f]+$/i.test(value)) return;
  const digits = value.slice(2);
  if (digits.length > n / 4) return;
  const nh = decodeNetworkHeader(digits.padStart(n / 4, "0"), tag, family);
  if (nh?.ip && !ev.ip) {
    ev.ip = nh.ip;
    if (nh.l4) ev.l4 = nh.l4;
  }
  if (nh?.arp && !ev.arp) ev.arp = nh.arp;
  // `vlan type 8021q` named the inner tag's protocol; its control field opens the bytes.
  if (nh?.innerTci !== undefined && ev.vlan) ev.vlan.inner = vlanFromTci(inner, nh.innerTci);
}

/** ICMP types whose message quotes the packet it answers (destination unreachable, source quench, redirect, time exceeded, parameter problem). */
const ICMP_ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

/**
 * `@th,64,<bits> 0x<hex>` after an ICMP or ICMPv6 error's header: the first bytes of the packet it
 * quotes (the trace carries only the transport header's first bytes). IPv4, from 10 bytes on: its IP
 * id, length and protocol. IPv6, from 7 bytes on: its flow label in the id's place (IPv6 has no IP id),
 * its length with the 40-byte header (as the model counts it) and its next header. Undefined for
 * anything else.
 */
function quotedHead(word: string, value: string): TraceEvent["quotedHead"] {
  const [, offset, bits] = word.split(",");
  const n = Number(bits);
  if (offset !== "64" || !Number.isInteger(n) || n < 56 || n % 8 !== 0 || !/^0x[0-9a-f]+$/i.test(value))
    return;
  const hex = value.slice(2).padStart(n / 4, "0");
  if (hex.length !== n / 4) return;
  const byte = (i: number) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  if (hex[0] === "6") {
    const next = String(byte(6));
    return {
      len: byte(4) * 256 + byte(5) + 40,
      id: Number.parseInt(hex.slice(3, 8), 16),
      proto: L4_NAMES[next] ?? next,
    };
  }
  if (hex[0] !== "4" || n < 80) return;
  const proto = L4_NAMES[String(byte(9))] ?? String(byte(9));
  return { len: byte(2) * 256 + byte(3), id: byte(4) * 256 + byte(5), proto };
}

/** nft's names of ARP operations (`arp operation request`). */
const ARP_OPERATIONS: Record<string, number> = {
  request: 1,
  reply: 2,
  rrequest: 3,
  rreply: 4,
  inrequest: 8,
  inreply: 9,
  nak: 10,
};

/**
 * One `arp <field> <value>` of a packet line into `ev.arp`: nft prints the operation of an ARP
 * frame (tagged or not); its addresses, when printed, as `arp saddr ip <addr>` (`next`). The
 * hardware and protocol types are Ethernet's and IPv4's, the only ones nft decodes ARP for.
 */
function readArpField(
  ev: TraceEvent,
  field: string,
  value: string | undefined,
  next: string | undefined,
): void {
  ev.arp ??= { htype: 1, ptype: "0x0800", opcode: 0 };
  const arp = ev.arp;
  if (field === "operation") arp.opcode = toNumber(value, ARP_OPERATIONS) ?? 0;
  else if (field === "htype") arp.htype = toNumber(value) ?? 1;
  else if (field === "saddr" || field === "daddr") {
    const key = `${value === "ether" ? "mac" : "ip"}${field === "saddr" ? "Src" : "Dst"}` as const;
    if ((value === "ip" || value === "ether") && next) arp[key] = next;
  }
}

/**
 * Reads the statements of a `packet:` line into an event; `offset`: where `text` starts in the line.
 * A statement nft would not print (a header missing its field or value, a word where a header's name
 * goes, a MAC address that is not six bytes, an address that is not one) is the problem returned:
 * a line cut or wrapped there is not read as a packet with fields missing.
 */
function readPacket(text: string, ev: TraceEvent, family: Family, offset: number): PacketProblem | undefined {
  const starts: number[] = [];
  const w = words(text, starts);
  // The writer left the rest out: what is before it reads, a statement it cut short is no error.
  const cutAt = w.findIndex((x) => ELIDED.test(x));
  const elided = cutAt >= 0;
  if (elided) w.length = cutAt;
  const problem = (k: number, message: string): PacketProblem => ({
    column: offset + (k < w.length ? (starts[k] as number) : text.length) + 1,
    message,
    hint: PACKET_HINT,
  });
  let ip: IpInfo | undefined;
  let l4: L4Info | undefined;
  const getIp = (): IpInfo => {
    ip ??= { src: "", dst: "" };
    return ip;
  };
  const getL4 = (proto: string): L4Info => {
    l4 ??= { proto };
    return l4;
  };
  // `ether type 8021ad`: the tag that follows is an 802.1ad one (nft names no type for 802.1Q).
  let tpid = "0x8100";
  // `vlan type 8021q` / `8021ad`: the protocol of the tag behind the first one (QinQ).
  let innerTpid = "0x8100";
  for (let i = 0; i < w.length; i++) {
    const a = w[i] as string;
    // A header's name (or iif, oif) opens every statement: anything else is the middle of one.
    if (!NFT_WORD.test(a) && !/^@[a-z]+,\d+,\d+$/.test(a))
      return problem(
        i,
        `expected a header's name (ether, ip, ip6, tcp, ...) in an nft monitor trace packet line, found '${a}'`,
      );
    if (i + 1 >= w.length && elided) break;
    if (i + 1 >= w.length)
      return problem(
        w.length,
        `expected a ${a.startsWith("@") || a === "iif" || a === "oif" ? "value" : "field and a value"} after '${a}' in an nft monitor trace packet line: the line ends first`,
      );
    if (a.startsWith("@nh,")) {
      // Only behind a tag (QinQ): bytes of another unnamed protocol (LLDP, ...) are not guessed at.
      if (ev.vlan) rawNetworkHeader(a, w[i + 1] ?? "", ev, tpid, family, innerTpid);
      i++;
      continue;
    }
    if (a.startsWith("@") && !a.startsWith("@th,")) {
      // Raw bytes of another header (`@ll,0,112 0x...`): a word and its value.
      i++;
      continue;
    }
    if (a.startsWith("@th,")) {
      // An ICMP error's quoted packet, its first bytes only: enough to find the packet it answers.
      if (
        (l4?.proto === "icmp" && ICMP_ERROR_TYPES.has(l4.icmpType ?? -1)) ||
        (l4?.proto === "icmpv6" && (l4.icmpType ?? 0) >= 1 && (l4.icmpType ?? 0) <= 4)
      ) {
        const head = quotedHead(a, w[i + 1] ?? "");
        if (head) ev.quotedHead = head;
      }
      i++;
      continue;
    }
    if (a === "iif" || a === "oif") {
      const v = w[++i];
      if (a === "iif") ev.in = v;
      else ev.out = v;
      continue;
    }
    const field = w[i + 1] as string;
    let value = w[i + 2];
    if (!NFT_WORD.test(field))
      return problem(
        i + 1,
        `expected a field of '${a}' in an nft monitor trace packet line, found '${field}'`,
      );
    i += 2;
    if (value === "==") value = w[++i];
    if (value === undefined && elided) break;
    if (value === undefined)
      return problem(
        w.length,
        `expected a value after '${a} ${field}' in an nft monitor trace packet line: the line ends first`,
      );
    // `ether saddr <mac>`, `arp saddr ether <mac>` (`arp saddr ip <address>`): the address one word further.
    const addr = field === "saddr" || field === "daddr";
    const further = a === "arp" && addr && (value === "ether" || value === "ip");
    if (further && i + 1 >= w.length && elided) break;
    if (further && i + 1 >= w.length)
      return problem(
        w.length,
        `expected an address after '${a} ${field} ${value}' in an nft monitor trace packet line: the line ends first`,
      );
    const macAt = a === "ether" && addr ? i : further && value === "ether" ? i + 1 : -1;
    // nft prints every MAC address as six bytes: fewer is a line cut or wrapped inside it.
    if (macAt >= 0 && !NFT_MAC.test(w[macAt] as string))
      return problem(
        macAt,
        `expected a MAC address of 6 bytes (00:00:5e:00:53:01) after '${a} ${field}' in an nft monitor trace packet line, found '${w[macAt]}'`,
      );
    // A field nft prints as a number (a port by its number, or by its name before nft 0.9.1's `-S`).
    const numeric = NUMERIC_FIELDS[a]?.has(field);
    const port = (field === "sport" || field === "dport") && !/^[a-z][a-z0-9-]*$/.test(value);
    if ((numeric || port) && !/^(?:\d+|0x[0-9a-f]+)$/i.test(value))
      return problem(
        i,
        `expected a number after '${a} ${field}' in an nft monitor trace packet line, found '${value}'`,
      );
    // A placeholder (`x.x.x.x`) is said below as the redaction it is; an address partly hidden in the
    // header's own form (`ip saddr 10.0.xxx.5`, `ip6 saddr 2001:db8:xxxx::1`) is read as written.
    // One of the other family's form (`ip6 saddr 10.0.xxx.5`) is no address of this header.
    const partly = isPartlyRedacted(value);
    const mixed = partly && value.includes(":") !== (a === "ip6");
    if ((a === "ip" || a === "ip6") && addr && (mixed || (!partly && !mayBeRedacted(value)))) {
      if (!(a === "ip" ? isIpv4Text(value, 0, value.length) : isIpv6(value)))
        return problem(
          i,
          `expected an ${a === "ip" ? "IPv4" : "IPv6"} address after '${a} ${field}' in an nft monitor trace packet line, found '${value}'`,
        );
    }
    switch (a) {
      case "ether":
        if (field === "saddr") ev.macSrc = value;
        else if (field === "daddr") ev.macDst = value;
        else if (field === "type" && value === "8021ad") tpid = "0x88a8";
        break;
      case "vlan": {
        // `vlan pcp 0 vlan dei 0 vlan id 10`: the tag the LOG line prints as `VPROTO=8100 VID=10` (VID= pcp<<13 | dei<<12 | id).
        // nft before 1.0.2 named the drop eligible bit by its old name, `vlan cfi`.
        if (field === "type" && value === "8021ad") innerTpid = "0x88a8";
        if (field !== "id" && field !== "pcp" && field !== "dei" && field !== "cfi") break;
        const n = toNumber(value) ?? 0;
        // The first tag is the outer one; a second `vlan` header (QinQ) is not kept.
        ev.vlan ??= { proto: tpid, id: 0 };
        // 0 is left out, as a LOG line's tag keeps it (see vlanFromTci).
        if (field === "id") ev.vlan.id = n;
        else if (n) ev.vlan[field === "cfi" ? "dei" : field] = n;
        break;
      }
      case "arp":
        readArpField(ev, field, value, w[i + 1]);
        // `arp saddr ip 198.51.100.1`: the address is one word further.
        if ((field === "saddr" || field === "daddr") && (value === "ip" || value === "ether")) i++;
        break;
      case "ip":
      case "ip6":
        if (field === "saddr") getIp().src = value ?? "";
        else if (field === "daddr") getIp().dst = value ?? "";
        else if (field === "ttl" || field === "hoplimit") getIp().ttl = toNumber(value);
        else if (field === "id") getIp().id = toNumber(value);
        // Kept as a LOG line's FLOWLBL= is: it tells two IPv6 packets apart, and an ICMPv6 error's quote names it.
        else if (field === "flowlabel" && a === "ip6") getIp().flowLabel = toNumber(value);
        else if (field === "length") {
          // `ip6 length` is the payload's: the header's 40 bytes are added, as a LOG line's LEN= counts them.
          const n = toNumber(value);
          getIp().len = n !== undefined && a === "ip6" ? n + 40 : n;
        } else if (field === "protocol" || field === "nexthdr") {
          const proto = l4Name(value ?? "");
          if (proto) getL4(proto);
        }
        break;
      case "esp":
      case "ah": {
        // An ip or ip6 table's chain prints no `ip protocol`: the header's own name says it (and its SPI).
        const l = getL4(a);
        l.proto = a;
        if (field === "spi") l.spi = toNumber(value);
        break;
      }
      case "tcp":
      case "udp":
      case "udplite":
      case "sctp":
      case "dccp":
      case "icmp":
      case "icmpv6": {
        const name = l4Name(a) as string;
        const l = getL4(name);
        // `ip6 nexthdr ipv6-icmp` came first: the header's own name is the protocol.
        l.proto = name;
        if (field === "flags") {
          const { flags, next } = readTcpFlags(w, i);
          if (flags.length) {
            l.tcpFlags = flags;
            i = next - 1;
          }
        } else if (field === "sport") l.sport = toNumber(value);
        else if (field === "dport") l.dport = toNumber(value);
        else if (field === "sequence") {
          if (a === "tcp") l.seq = toNumber(value);
          else l.icmpSeq = toNumber(value);
        } else if (field === "ackseq") l.ack = toNumber(value);
        else if (field === "window") l.window = toNumber(value);
        else if (field === "length") l.udpLen = toNumber(value);
        else if (field === "type") l.icmpType = toNumber(value, a === "icmpv6" ? ICMPV6_TYPES : ICMP_TYPES);
        else if (field === "code") l.icmpCode = toNumber(value, a === "icmpv6" ? ICMPV6_CODES : ICMP_CODES);
        else if (field === "id") l.icmpId = toNumber(value);
        break;
      }
      case "meta":
        if (field === "mark") ev.mark = value;
        else if (field === "l4proto") getL4(l4Name(value ?? "") ?? value ?? "");
        break;
      default:
        // Another header (igmp, gre, ...): its statement is read past, field and value.
        break;
    }
  }
  if (ip?.src && ip.dst) {
    ev.ip = ip;
    if (l4) ev.l4 = dropUndefined(l4);
  }
  return undefined;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * The error for a `packet:` line whose `ip saddr` or `ip daddr` (of `ip`) is a placeholder, else
 * undefined; with `partly`, the warning for the first one partly hidden (`ip saddr 10.0.xxx.5`),
 * read as written as a LOG line's `SRC=` is, said once for the log under the field's name.
 */
function redactedField(line: string, from: number, ip: IpInfo, partly = false) {
  for (const [field, value] of [
    ["saddr", ip.src],
    ["daddr", ip.dst],
  ] as const) {
    if (partly ? !isPartlyRedacted(value) : !mayBeRedacted(value) || isPartlyRedacted(value)) continue;
    const say = partly ? partlyRedactedWarning : redactedAddressError;
    const at = line.indexOf(` ${field} ${value}`, from);
    if (at < 0) return say(`ip ${field}`, value, from + 1);
    // The header's word before the field (`ip`, `ip6`).
    const word = line.slice(line.lastIndexOf(" ", at - 1) + 1, at);
    return say(`${word} ${field}`, value, at + field.length + 3);
  }
  return undefined;
}

/** The verdicts nft prints (`verdict_expr_print`); `jump` and `goto` name a chain after them. */
const VERDICTS = new Set([
  "accept",
  "drop",
  "continue",
  "return",
  "jump",
  "goto",
  "queue",
  "stolen",
  "repeat",
  "break",
]);
/** A base chain's policy is one of these. */
const POLICIES = new Set(["accept", "drop"]);
const VERDICT_HINT =
  "nft monitor trace ends a rule line in '(verdict accept)', a chain's end in 'verdict continue' or 'policy accept'; the line looks cut, wrapped or edited";

/**
 * The error for verdict words `text` (at index `at` of the line) nft would not print: a word it does
 * not name (a verdict cut inside, `cont`), or `jump`/`goto` without the chain; undefined when they read.
 */
function verdictProblem(text: string, at: number, known = VERDICTS): ParsedLine | undefined {
  const [word = "", target] = text.split(" ");
  if (known.has(word) && (target === undefined) === (word !== "jump" && word !== "goto")) return undefined;
  const names =
    known === POLICIES
      ? "accept or drop"
      : "accept, drop, continue, return, jump <chain>, goto <chain>, queue";
  return {
    kind: "error",
    column: at + 1,
    message: `expected a verdict (${names}) in an nft monitor trace line, found '${text}'`,
    hint: VERDICT_HINT,
  };
}

/** Parses the message at `bodyStart`; `skip` when it is not `nft monitor trace` output. */
export function parseNftMonitorLine(line: string, bodyStart: number): ParsedLine {
  if (!line.startsWith("trace id ", bodyStart)) return SKIP;
  const head = line.slice(bodyStart + 9, bodyStart + 9 + 200).split(" ", 5);
  const [traceId, fam, table, chain] = head;
  const family = fam ? FAMILIES[fam] : undefined;
  if (!traceId || !family || !table || !chain) {
    if (fam === "netdev" && table && chain)
      return {
        kind: "error",
        severity: "warning",
        group: `nft netdev ${table} ${chain}`,
        column: bodyStart + 10 + traceId.length + 1,
        message: netdevSkipped("nft monitor trace lines", table, chain),
        hint: NETDEV_HINT,
      };
    // A table and a chain after a word that is no family: the family left out (a shortened example).
    if (traceId && fam && table && chain && /^[0-9a-f]{1,8}$/.test(traceId))
      return {
        kind: "error",
        column: bodyStart + 10 + traceId.length + 1,
        message: `expected the table's family (ip, ip6, inet, bridge, arp or netdev) after 'trace id ${traceId}', found '${fam}'`,
        hint: "nft monitor trace names the family before the table ('trace id 9c01f8a1 inet filter input ...'): a line without it was shortened by hand; put the family back",
        group: "nft family",
      };
    return {
      kind: "error",
      column: bodyStart + 10,
      message: "expected 'trace id <id> <family> <table> <chain> ...' in an nft monitor trace line",
      hint: "nft monitor trace prints 'trace id 9c01f8a1 ip filter FORWARD rule ... (verdict accept)'",
    };
  }
  const restAt = bodyStart + 9 + traceId.length + 1 + fam.length + 1 + table.length + 1 + chain.length + 1;
  // Another trace line after this one's statements or rule (a chat joined them): not read into this one.
  const next = recordStartIn(line, restAt);
  if (next >= 0) return joinedRecordError(line, next);
  const rest = line.slice(restAt);
  // Names as written (nft names are case-sensitive; the simulator keeps them): grouping reads a base chain's hook from its name.
  const hook = `${family}:${table}:${chain}` as const;
  const ev = blankEvent("nft-monitor", line);
  ev.traceId = traceId;
  ev.prefix = `${fam} ${table} ${chain}`;
  if (rest.startsWith("packet: ")) {
    const problem = readPacket(rest.slice(8), ev, family, restAt + 8);
    if (problem) return { kind: "error", ...problem };
    // A placeholder where nft printed an address (`ip saddr x.x.x.x`) would be read as one.
    const redacted = ev.ip && redactedField(line, restAt, ev.ip);
    if (redacted) return { kind: "error", ...redacted };
    const warning = ev.ip && redactedField(line, restAt, ev.ip, true);
    // Its chain, for a packet line no rule or verdict line follows (a trace cut there): drawn on its own.
    ev.hook =
      ev.ip?.src.includes(":") && family === "ip" ? (`ip6:${table}:${chain}` as TraceEvent["hook"]) : hook;
    return warning
      ? { kind: "packet-data", traceId, event: ev, warning }
      : { kind: "packet-data", traceId, event: ev };
  }
  if (rest.startsWith("conntrack: ")) return IGNORE;
  let verdict: RuleVerdict;
  if (rest.startsWith("rule ") || rest.startsWith("unknown rule handle ")) {
    const open = rest.lastIndexOf(" (verdict ");
    const close = rest.lastIndexOf(")");
    // nft ends every rule line with its verdict in brackets: a line without them was cut (or wrapped) before.
    if (open < 0 || close < open)
      return {
        kind: "error",
        column: line.trimEnd().length + 1,
        message: `expected ${open < 0 ? "' (verdict <verdict>)'" : "')'"} at the end of an nft monitor trace rule line: the line ends first`,
        hint: VERDICT_HINT,
      };
    const text = rest.slice(rest.startsWith("rule ") ? 5 : 0, open);
    verdict = { kind: "rule", chain, text };
    const bad = verdictProblem(rest.slice(open + 10, close), restAt + open + 10);
    if (bad) return bad;
    verdict.verdict = verdictWords(rest.slice(open + 10, close));
    const handle = /handle (\d+)/.exec(text);
    if (handle) verdict.rule = handle[1];
  } else if (rest.startsWith("policy ")) {
    // Then the packet's mark, as after a verdict (`policy accept meta mark 0x000000d4`).
    const mark = rest.indexOf(" meta mark ", 7);
    const word = rest.slice(7, mark < 0 ? rest.length : mark).trim();
    const bad = verdictProblem(word, restAt + 7, POLICIES);
    if (bad) return bad;
    verdict = { kind: "policy", chain, verdict: verdictWords(word) };
  } else if (rest.startsWith("verdict ")) {
    // Older nft prints the packet's mark after the verdict (`verdict continue meta mark 0x00000001`).
    const mark = rest.indexOf(" meta mark ", 8);
    const words = rest.slice(8, mark < 0 ? rest.length : mark).trim();
    const bad = verdictProblem(words, restAt + 8);
    if (bad) return bad;
    verdict = { kind: "return", chain, verdict: verdictWords(words) };
  } else {
    return {
      kind: "error",
      column: restAt + 1,
      message: `expected 'packet:', 'rule', 'verdict' or 'policy' after the chain, found '${rest.slice(0, 20)}'`,
      hint: "nft monitor trace lines end in 'packet: ...', 'rule ... (verdict x)', 'verdict x' or 'policy x'",
    };
  }
  ev.hook = hook;
  ev.verdict = verdict;
  ev.verdicts = [verdict];
  return { kind: "event", event: ev, familyHint: family };
}
