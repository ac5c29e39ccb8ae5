/**
 * Evaluates one rule's conditions against a packet at a hook. Each condition is true, false, or
 * `unknown` (an unmodelled match): a rule with an unknown condition is never silently taken or skipped.
 */

import { groupsValue, parseIpv6 } from "../parse/ipv6.ts";
import { replyTuple, zoneId } from "./conntrack.ts";
import { CT_ENTRY_KEYS, xtWithoutConnection } from "./ct-break.ts";
import { CT_STATUS_BITS, CT_STATUS_NAT, ctStatusBits, ctStatusWord } from "./ct-status.ts";
import { flowOffload } from "./flow-offload.ts";
import { addressInIpCidr, parseIpCidr } from "./ip-address.ts";
import { ipsetMatches } from "./ipset-match.ts";
import { parseIpv4 } from "./ipv4.ts";
import { ipv6HeadersMatch } from "./ipv6-header-match.ts";
import { maskedText, maskType } from "./nft-bitmask.ts";
import {
  dscpValue,
  NFT_ICMP_NAMES,
  nftInteger,
  nftPort,
  nftPortBounds,
  nftProto,
  nftProtoNumber,
  nftSymbol,
  pktTypeNumber,
} from "./nft-names.ts";
import { macPrefixMask, prefixLength } from "./nft-prefix-length.ts";
import type { RouteResult } from "./route.ts";
import type { Condition, IpSet, NftKey, NftSet, NftValue, PktType, PortRange, Rule } from "./ruleset.ts";
import { type CtState, isIcmp, type SimPacket } from "./sim-packet.ts";
import type { PacketSocket } from "./socket-owner.ts";
import { packetFlagsByte, tcpFlagsByte, tcpFlagsRange } from "./tcp-flag-values.ts";

/** What a rule sees besides the packet. */
export interface MatchContext {
  /** Input device as the hook sees it (`IN=`). */
  in?: string;
  /** Output device (`OUT=`). */
  out?: string;
  /** Bridge port the frame came in on (br_netfilter `PHYSIN=`). */
  physIn?: string;
  /** Bridge port the frame goes out of (`PHYSOUT=`). */
  physOut?: string;
  /** Set when the packet is bridged (br_netfilter attached its info). */
  bridged: boolean;
  /** For bridge-family rules: the bridge of the in/out port. */
  logicalIn?: string;
  logicalOut?: string;
  /** EtherType of the frame (`0x0800`). */
  ethType: string;
  /** Conntrack state, when conntrack has seen the packet. */
  ctState?: CtState;
  /** Whether conntrack NATed the connection (virtual states SNAT/DNAT). */
  ctNat?: { snat: boolean; dnat: boolean };
  /**
   * The ruleset has a nat chain of the packet's family, so nf_nat marks each manip point a connection
   * passed in its status word (see `ctStatusWord`). Default: false.
   */
  natHooks?: boolean;
  /** Address type per the netfilter host's addresses (`LOCAL`, `BROADCAST`, `UNICAST`, ...). */
  addrType(addr: string): string;
  /**
   * Address type looked up on interface `dev` only (`fib daddr . iif type`, `--limit-iface-in`): `LOCAL`
   * and `BROADCAST` only for addresses of `dev` itself. Default: none (such matches unknown).
   */
  addrTypeOn?: (addr: string, dev: string) => string;
  /** How the frame was addressed (`skb->pkt_type` at this hook). Default: unknown (such matches undecided). */
  pktType?: PktType;
  /**
   * True where the packet has no Ethernet header to read: sent by the host itself (its IP output
   * hooks), after routing (`POSTROUTING`), or looped back on `lo`. MAC matches then fail, negated or
   * not (xt_mac's and nft's link-layer checks). Default false.
   */
  noFrame?: boolean;
  /**
   * The socket the packet is sent from, as owner matches see it here: a program's, the kernel's own,
   * none. Default: unknown (owner matches followed both ways).
   */
  socket?: PacketSocket;
  /** nftables: the named sets and maps of the table the rule is in. */
  sets?: ReadonlyMap<string, NftSet>;
  /** The route the host would take to an address (reverse path filters). Default: none (such matches unknown). */
  routeTo?: (addr: string) => RouteResult;
  /** iptables: the host's ipsets (`-m set`). Default: none (every set match unknown). */
  ipsets?: ReadonlyMap<string, IpSet>;
}

/** The nft set keys an ARP frame has. */
const FRAME_KEYS: ReadonlySet<NftKey> = new Set<NftKey>([
  "iifname",
  "oifname",
  "ether saddr",
  "ether daddr",
  "meta pkttype",
  "meta protocol",
  "ether type",
  "meta mark",
]);

/**
 * The value an nftables key has for this packet, as nft writes it (`docker0`, `172.17.0.2`, `tcp`,
 * `8080`, `established`, `local`), or undefined when the packet has no such field (a port of an ICMP
 * packet): then no set element matches, as in the kernel.
 */
export function nftKeyValue(key: NftKey, p: SimPacket, ctx: MatchContext): string | undefined {
  // An ARP frame has its devices, Ethernet header and meta data, no IP header (see FRAME_KEYS).
  if (p.arp && !FRAME_KEYS.has(key)) return undefined;
  if (p.arp && key === "meta protocol") return "arp";
  switch (key) {
    case "iifname":
      return ctx.in ?? "";
    case "oifname":
      return ctx.out ?? "";
    case "ip saddr":
      return p.v6 ? undefined : p.src;
    case "ip daddr":
      return p.v6 ? undefined : p.dst;
    case "ip6 saddr":
      return p.v6 ? p.src : undefined;
    case "ip6 daddr":
      return p.v6 ? p.dst : undefined;
    case "ip protocol":
      return p.v6 ? undefined : p.proto;
    case "ip6 nexthdr":
      return p.v6 ? p.proto : undefined;
    case "ip ttl":
      return p.v6 ? undefined : String(p.ttl);
    case "ip6 hoplimit":
      return p.v6 ? String(p.ttl) : undefined;
    case "meta l4proto":
      return p.proto;
    // The walk sends IP packets (a bridge table reads NFPROTO_BRIDGE here: not modelled, rare).
    case "meta nfproto":
      return p.v6 ? "ipv6" : "ipv4";
    case "meta protocol":
      return p.v6 ? "ip6" : "ip";
    case "ether type":
      return ctx.noFrame ? undefined : nftSymbol(key, ctx.ethType);
    case "tcp dport":
    case "udp dport":
      return p.proto === key.slice(0, 3) && p.dport !== undefined ? String(p.dport) : undefined;
    case "tcp sport":
    case "udp sport":
      return p.proto === key.slice(0, 3) && p.sport !== undefined ? String(p.sport) : undefined;
    case "th dport":
      return !isIcmp(p) && p.dport !== undefined ? String(p.dport) : undefined;
    case "th sport":
      return !isIcmp(p) && p.sport !== undefined ? String(p.sport) : undefined;
    case "tcp flags":
      // The whole flag byte, as a number: a set's elements are compared with it whole (or masked).
      return p.proto === "tcp" ? String(packetFlagsByte(p.tcpFlags ?? [])) : undefined;
    case "icmp type":
      return p.proto === "icmp" && p.icmpType !== undefined ? String(p.icmpType) : undefined;
    case "icmpv6 type":
      return p.proto === "icmpv6" && p.icmpType !== undefined ? String(p.icmpType) : undefined;
    // An echo request or reply carries code 0.
    case "icmp code":
      return p.proto === "icmp" && p.icmpType !== undefined ? String(p.icmpCode ?? 0) : undefined;
    case "icmpv6 code":
      return p.proto === "icmpv6" && p.icmpType !== undefined ? String(p.icmpCode ?? 0) : undefined;
    case "ct state":
      // A `notrack` earlier in the same walk leaves the packet untracked (see `SimPacket.untracked`).
      // A zone template set in this chain's run reads new (nft_ct_get_eval: the template's IP_CT_NEW).
      return (
        p.untracked ? "UNTRACKED" : p.ctZone && !p.ct ? "NEW" : (ctx.ctState ?? "UNTRACKED")
      ).toLowerCase();
    case "meta mark":
      return String(p.mark);
    case "ct mark":
      return p.ct ? String(p.ct.entry.mark ?? 0) : undefined;
    case "ct direction":
      return p.ct?.dir;
    case "ct zone":
    case "ct original zone":
    case "ct reply zone": {
      // The connection's zone; a packet with none (a zone template is not one: kernel 6.18 matched no
      // `ct zone 1` after `ct zone set 1`) breaks the rule.
      if (!p.ct) return undefined;
      const z = p.ct.entry.zone ?? { id: 0 };
      return String(key === "ct zone" ? z.id : zoneId(z, key === "ct original zone" ? "original" : "reply"));
    }
    case "fib daddr type":
      return ctx.addrType(p.dst).toLowerCase();
    case "fib saddr type":
      return ctx.addrType(p.src).toLowerCase();
    case "fib daddr . iif type":
    case "fib daddr . oif type":
    case "fib saddr . iif type":
    case "fib saddr . oif type": {
      const dev = key.includes("iif") ? ctx.in : ctx.out;
      if (!dev || !ctx.addrTypeOn) return undefined;
      return ctx.addrTypeOn(key.startsWith("fib daddr") ? p.dst : p.src, dev).toLowerCase();
    }
    case "meta pkttype":
      return ctx.pktType;
    case "ether saddr":
    case "ether daddr":
      return ctx.noFrame ? undefined : key === "ether saddr" ? p.macSrc : p.macDst;
    case "ip dscp":
      return p.v6 ? undefined : String((p.tos ?? 0) >> 2);
    case "ip6 dscp":
      return p.v6 ? String((p.tos ?? 0) >> 2) : undefined;
    // No connection: undefined, the rule breaks (nft_ct). nft_ct reads the helper of the connection's
    // master: only a connection a helper expected has one, and the simulator opens none.
    case "ct protocol":
      return p.ct?.entry.orig.proto;
    case "ct l3proto":
      return p.ct ? (p.ct.entry.orig.src.includes(":") ? "ipv6" : "ipv4") : undefined;
    case "ct helper":
      return undefined;
    // `len` is the IP length (LEN=), which `meta length` reads at every hook the walk runs.
    case "meta length":
      return String(p.len);
    case "ip length":
      return p.v6 ? undefined : String(p.len);
    case "ip6 length":
      return p.v6 ? String(p.len - 40) : undefined;
    default: {
      // `ct original ip saddr` and kin (CT_ADDR_KEYS). No connection, or one of the other family (nft_ct's
      // eval checks its l3 protocol): undefined, the rule breaks.
      if (!p.ct) return undefined;
      const t = key.includes("original") ? p.ct.entry.orig : replyTuple(p.ct.entry);
      const a = key.endsWith("saddr") ? t.src : t.dst;
      return a.includes(":") === key.includes("ip6") ? a : undefined;
    }
  }
}

/** A MAC address with two lower-case digits a byte (`2:42:ac:11:0:2` is `02:42:ac:11:00:02`). */
export function paddedMac(text: string): string {
  return text
    .toLowerCase()
    .split(":")
    .map((b) => b.padStart(2, "0"))
    .join(":");
}

/** Whether `mac` (padded) is `want` under `mask` (padded; default every bit). */
export function macMatches(want: string, mask: string | undefined, mac: string): boolean {
  const bytes = (t: string) => t.split(":").map((b) => Number.parseInt(b, 16));
  const [w, m, v] = [bytes(want), bytes(mask ?? "ff:ff:ff:ff:ff:ff"), bytes(mac)];
  return (
    v.length === 6 && w.every((x, k) => ((v[k] as number) & (m[k] as number)) === (x & (m[k] as number)))
  );
}

function numberish(text: string): number | undefined {
  const integer = nftInteger(text);
  if (integer !== undefined) return integer;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** A range bound or value as a number: an IPv4 or IPv6 address, or a plain number. */
function rangeNumber(text: string): bigint | number | undefined {
  if (text.includes(":")) {
    const g = parseIpv6(text);
    return g ? groupsValue(g) : undefined;
  }
  return parseIpv4(text) ?? numberish(text);
}

/** nft's names of ether types, as numbers (`ip` is 0x0800). */
const ETHER_NUMBERS: Readonly<Record<string, string>> = {
  ip: "2048",
  arp: "2054",
  ip6: "34525",
  vlan: "33024",
  "8021q": "33024",
  "8021ad": "34984",
};

/** Keys whose value is a layer 4 protocol, by name or number. */
const PROTO_KEYS: ReadonlySet<NftKey> = new Set([
  "ip protocol",
  "meta l4proto",
  "ip6 nexthdr",
  "ct protocol",
]);

/** Whether set element `e` holds value `v` of `key` (wildcard names, prefixes, ranges, numbers in any base). */
export function nftElementMatches(key: NftKey, e: NftValue, v: string): boolean {
  if (e.kind === "concat") return false;
  if (key === "tcp flags") return tcpFlagsElementMatches(e, Number(v));
  if (e.kind === "prefix") return addressInIpCidr(v, e.cidr);
  if (e.kind === "range") {
    // A packet carries its protocol by name (`tcp`), a range of them is of numbers (`ip protocol 1-6`).
    const n = PROTO_KEYS.has(key) ? nftProtoNumber(v) : key === "meta pkttype" ? `${pktTypeNumber(v)}` : v;
    // An ether type by name (`ether type { ip - ip6 }`) is its number there.
    const ether = key === "ether type" || key === "meta protocol";
    const [lo, hi, x] = [e.lo, e.hi, n].map((t) => rangeNumber((ether && ETHER_NUMBERS[t]) || t));
    return lo !== undefined && hi !== undefined && x !== undefined && x >= lo && x <= hi;
  }
  // `{ 22-http }`: a range nft takes with a service name for its last port.
  const [first, last] = key.endsWith("port") ? nftPortBounds(e.value) : [];
  if (last !== undefined) {
    const [lo, hi, x] = [nftPort(first as string), nftPort(last), Number(v)];
    return lo !== undefined && hi !== undefined && x >= lo && x <= hi;
  }
  // Symbolic constants as nft prints them: ICMP type names, service names for ports, protocol numbers.
  if (key === "ether saddr" || key === "ether daddr") {
    // An element with a prefix (`02:42:00:00:00:00/24`) holds every address of its first bits.
    const [mac, len] = e.value.split("/");
    return len === undefined
      ? paddedMac(e.value) === v
      : macMatches(paddedMac(mac as string), macPrefixMask(prefixLength(len)), v);
  }
  if (key === "meta pkttype") {
    // `0x1`, `1-3`, `0-other`: nft compares the type's number.
    const [lo, hi = lo] = e.value.split("-").map(pktTypeNumber);
    const n = pktTypeNumber(v) as number;
    return lo !== undefined && hi !== undefined && n >= lo && n <= hi;
  }
  if (key === "ip dscp" || key === "ip6 dscp") return dscpValue(e.value) === Number(v);
  const icmp = NFT_ICMP_NAMES[key];
  const symbol = icmp
    ? icmp[e.value]
    : key.endsWith("port")
      ? nftPort(e.value)
      : PROTO_KEYS.has(key)
        ? nftProto(e.value)
        : nftSymbol(key === "ct l3proto" ? "meta nfproto" : key, e.value);
  const want = symbol === undefined ? e.value : String(symbol);
  if (key === "iifname" || key === "oifname") return ifaceMatches(want.replace(/\*$/, "+"), v);
  if (want === v) return true;
  const a = numberish(want);
  return a !== undefined && a === numberish(v);
}

/**
 * Whether element `e` of a `tcp_flag` set holds the flag byte `byte`: a value (`syn`, `syn|ack`,
 * `0x12`) equal to it, or a range of bytes (`0x1-0x3`, written in an interval set) around it.
 */
function tcpFlagsElementMatches(e: NftValue, byte: number): boolean {
  if (e.kind === "range") {
    const [lo, hi] = [tcpFlagsByte(e.lo), tcpFlagsByte(e.hi)];
    return lo !== undefined && hi !== undefined && byte >= lo && byte <= hi;
  }
  if (e.kind !== "value") return false;
  // nft -j's range (`fin-0x3`) and a hex one are read as one word.
  const range = tcpFlagsRange(e.value);
  return range ? byte >= range.lo && byte <= range.hi : tcpFlagsByte(e.value) === byte;
}

/**
 * The packet's value of `key` under `mask` (as written; see `nft-bitmask.ts`), in the form the key's
 * elements are compared in; without `mask`, its value. Undefined when the packet has no such field.
 */
function maskedKeyValue(key: NftKey, p: SimPacket, ctx: MatchContext, mask?: string): string | undefined {
  const v = nftKeyValue(key, p, ctx);
  if (v === undefined || mask === undefined) return v;
  const type = maskType(key);
  return type ? maskedText(v, mask, type) : undefined;
}

/**
 * Whether element `e` holds the packet's value of `keys`: one key, or a concatenation (`ip daddr .
 * meta l4proto . th dport`) whose element has one part per key. A key the packet lacks matches nothing.
 * `mask`: one key's value is compared under it (`meta mark & 0x0000ff00 { 0x100 }`). Default: none.
 */
export function nftKeysMatch(
  keys: readonly NftKey[],
  e: NftValue,
  p: SimPacket,
  ctx: MatchContext,
  mask?: string,
): boolean {
  if (keys.length === 1) {
    const key = keys[0] as NftKey;
    const v = maskedKeyValue(key, p, ctx, mask);
    return v !== undefined && nftElementMatches(key, e, v);
  }
  if (e.kind !== "concat" || e.parts.length !== keys.length) return false;
  return keys.every((key, k) => {
    const v = nftKeyValue(key, p, ctx);
    return v !== undefined && nftElementMatches(key, e.parts[k] as NftValue, v);
  });
}

/** Keys read from one IP family's header: nft makes a rule with one depend on the packet's family. */
const FAMILY_KEYS: Partial<Record<NftKey, 4 | 6>> = {
  "ip saddr": 4,
  "ip daddr": 4,
  "ip protocol": 4,
  "icmp type": 4,
  "ip6 saddr": 6,
  "ip6 daddr": 6,
  "ip6 nexthdr": 6,
  "ip ttl": 4,
  "ip6 hoplimit": 6,
  "icmpv6 type": 6,
  "icmp code": 4,
  "icmpv6 code": 6,
  "ip dscp": 4,
  "ip6 dscp": 6,
  "ip length": 4,
  "ip6 length": 6,
};

/** Result of a condition or rule: matched, not matched, or unmodelled. */
export type MatchResult = true | false | "unknown";

/** Interface name match with iptables' trailing `+` wildcard. */
export function ifaceMatches(pattern: string, name: string | undefined): boolean {
  if (name === undefined || name === "") return false;
  if (pattern.endsWith("+")) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

function inRange(port: number | undefined, r: PortRange): boolean {
  return port !== undefined && port >= r.lo && port <= r.hi;
}

/** The conditions an ARP frame is matched by: its devices, its Ethernet header and the packet's meta data. */
const FRAME_KINDS: ReadonlySet<Condition["kind"]> = new Set<Condition["kind"]>([
  "in",
  "out",
  "physdev-in",
  "physdev-out",
  "physdev-is-bridged",
  "physdev-is-in",
  "physdev-is-out",
  "logical-in",
  "logical-out",
  "ethertype",
  "arp-field",
  "mac-src",
  "mac-dst",
  "pkttype",
  "mark",
  "unknown",
  "never",
]);

/** One condition of a rule for `p`: holds, fails, or `unknown` (not modelled, or chance). */
export function evalCondition(c: Condition, p: SimPacket, ctx: MatchContext): MatchResult {
  // An ARP frame has no IP header: every IP, transport or conntrack match fails, negated or not (nft's
  // `ether type ip` dependency, ebtables' `-p IPv4` one); what is not modelled stays unknown.
  if (
    p.arp &&
    !FRAME_KINDS.has(c.kind) &&
    !(c.kind === "nft-set" && (c.concat ?? [c.key]).every((k) => FRAME_KEYS.has(k)))
  )
    return c.kind === "unknown" ? "unknown" : false;
  let r: MatchResult;
  switch (c.kind) {
    case "src":
    case "dst": {
      const v6 = "v6" in c.cidr;
      // A prefix of the other family fails the rule, negated or not (nft's implicit family dependency).
      if (v6 !== !!p.v6 || ctx.ethType !== (v6 ? "0x86dd" : "0x0800")) return false;
      r = addressInIpCidr(c.kind === "src" ? p.src : p.dst, c.cidr);
      break;
    }
    case "in":
      r = ifaceMatches(c.name, ctx.in);
      break;
    case "flow-offloads":
      r = flowOffload(c.stmt, p, ctx, 0).offloads;
      break;
    case "out":
      r = ifaceMatches(c.name, ctx.out);
      break;
    case "proto":
      if (c.family !== undefined && c.family !== (p.v6 ? 6 : 4)) return false;
      r = c.proto === "all" || c.proto === "0" || c.proto === p.proto;
      break;
    case "ip-proto":
      r = c.proto === p.proto || c.proto === { icmp: "1", icmpv6: "58", tcp: "6", udp: "17" }[p.proto];
      break;
    case "sport":
    case "dport":
      if (c.th && isIcmp(p)) {
        // An ICMP header's first two bytes are its type and code (kernel 6.18: an echo request matched
        // `! -p tcp --sport 2048`), the next two its checksum, which the simulator does not compute.
        if (c.kind === "dport" || p.icmpType === undefined || p.icmpCode === undefined) return "unknown";
        r = inRange((p.icmpType << 8) | p.icmpCode, c.range);
        break;
      }
      r = !isIcmp(p) && inRange(c.kind === "sport" ? p.sport : p.dport, c.range);
      break;
    case "multiport": {
      const ports = c.which === "sports" ? [p.sport] : c.which === "dports" ? [p.dport] : [p.sport, p.dport];
      r = !isIcmp(p) && c.ranges.some((range) => ports.some((port) => inRange(port, range)));
      break;
    }
    case "icmp-type": {
      const within = (v: number | undefined, lo: number, hi: number | undefined) =>
        v !== undefined && v >= lo && v <= (hi ?? lo);
      r =
        p.proto === (c.family === 6 ? "icmpv6" : "icmp") &&
        (c.type === "any" ||
          (within(p.icmpType, c.type, c.typeHi) &&
            (c.code === undefined || within(p.icmpCode, c.code, c.codeHi))));
      break;
    }
    case "addrtype": {
      const addr = c.which === "src" ? p.src : p.dst;
      if (c.iface) {
        // Limited to one interface: the kernel refuses the rule at a hook without that device.
        const dev = c.iface === "in" ? ctx.in : ctx.out;
        if (!dev || !ctx.addrTypeOn) return "unknown";
        r = c.types.includes(ctx.addrTypeOn(addr, dev));
      } else r = c.types.includes(ctx.addrType(addr));
      break;
    }
    case "ctstate": {
      const states = new Set<string>();
      if (p.untracked) states.add("UNTRACKED");
      // A zone template set in this chain's run reads new, as at `ct state` above.
      else if (p.ctZone && !p.ct) states.add("NEW");
      else if (ctx.ctState) states.add(ctx.ctState);
      else states.add("UNTRACKED");
      if (ctx.ctNat?.snat) states.add("SNAT");
      if (ctx.ctNat?.dnat) states.add("DNAT");
      // One state bit at a time: the word equals a list's bits together only when the list is one state.
      r = c.exact
        ? c.states.length === 1 && states.has(c.states[0] as string)
        : c.states.some((s) => states.has(s));
      break;
    }
    case "ctstatus": {
      if (!p.ct) {
        // A LOG line's step has no entry, but its trace tells whether NAT changed the connection.
        const mask = c.mask ?? 0;
        if (ctx.ctNat && !c.values && mask !== 0 && (mask & ~CT_STATUS_NAT) === 0) {
          const bit = (name: string) => (mask & (CT_STATUS_BITS[name] as number)) !== 0;
          r = (bit("snat") && ctx.ctNat.snat) || (bit("dnat") && ctx.ctNat.dnat);
          break;
        }
        return c.withoutConnection === true && xtWithoutConnection(p, ctx);
      }
      const word = ctStatusWord(p.ct.entry, ctx.natHooks === true);
      const listed = c.set === undefined ? undefined : ctx.sets?.get(c.set)?.elements;
      if (listed) {
        const words = listed.map((e) => (e.kind === "value" ? ctStatusBits(e.value) : undefined));
        if (words.includes(undefined)) return "unknown";
        r = words.includes(word);
        break;
      }
      if (c.set !== undefined) return "unknown";
      // With both, the word under the mask is one of the values (`ct status seen-reply / seen-reply,assured`).
      r = c.values
        ? c.values.includes(c.mask === undefined ? word : word & c.mask)
        : (word & (c.mask ?? 0)) !== 0;
      break;
    }
    case "physdev-in":
    case "physdev-out":
    case "physdev-is-bridged":
    case "physdev-is-in":
    case "physdev-is-out": {
      // xt_physdev: without bridge info only negated options match.
      if (!ctx.bridged) return c.neg;
      if (c.kind === "physdev-in") r = ifaceMatches(c.name, ctx.physIn);
      else if (c.kind === "physdev-out") r = ifaceMatches(c.name, ctx.physOut);
      else if (c.kind === "physdev-is-in") r = ctx.physIn !== undefined;
      else r = ctx.physOut !== undefined;
      break;
    }
    case "mark":
      if (p.markUnknown) return "unknown";
      r = (p.mark & c.mask) >>> 0 === c.value;
      break;
    case "ctmark":
      // Without a connection the connmark match (and nft's `ct mark`) fails.
      if (!p.ct) return false;
      if (p.ct.entry.markUnknown) return "unknown";
      r = ((p.ct.entry.mark ?? 0) & c.mask) >>> 0 === c.value;
      break;
    case "ct-tuple": {
      // Without a connection (INVALID, untracked) xt_conntrack's tuple checks fail, unless its state held.
      const entry = p.ct?.entry;
      if (!entry) return c.withoutConnection === true && xtWithoutConnection(p, ctx);
      const t = c.dir === "orig" ? entry.orig : replyTuple(entry);
      // An address of the other family never matches, negated or not (nft_ct breaks the rule on it).
      if (c.cidr && "v6" in c.cidr !== t.src.includes(":")) return false;
      r = c.range
        ? inRange(c.field === "sport" ? t.sport : t.dport, c.range)
        : c.cidr !== undefined && addressInIpCidr(c.field === "src" ? t.src : t.dst, c.cidr);
      break;
    }
    case "ctproto":
      if (!p.ct) return c.withoutConnection === true && xtWithoutConnection(p, ctx);
      r = p.ct.entry.orig.proto === c.proto;
      break;
    case "helper-master":
      // Only an expected connection has a master; the simulator opens none (see the condition).
      r = false;
      break;
    case "ctdir":
      // Without a connection xt_conntrack's direction check fails, unless its state held (see `ct-tuple`).
      if (!p.ct) return c.withoutConnection === true && xtWithoutConnection(p, ctx);
      r = p.ct.dir === c.dir;
      break;
    case "addr-range": {
      if (p.v6) return false;
      const v = parseIpv4(c.which === "src" ? p.src : p.dst);
      r = v !== undefined && ctx.ethType === "0x0800" && v >= c.lo && v <= c.hi;
      break;
    }
    case "exthdr":
      // The simulator's packets carry no extension header: a field of one is never there to compare.
      if (!p.v6 || c.field !== undefined) return false;
      r = false;
      break;
    case "ipv6-headers":
      return ipv6HeadersMatch(c, p);
    case "fragment":
      r = false;
      break;
    case "ttl":
      if (c.family !== (p.v6 ? 6 : 4)) return false;
      r = inRange(p.ttl, c.range);
      break;
    case "length":
      r = inRange(p.len, c.range);
      break;
    case "tcpmss":
      // Presence: a packet of another protocol has no such option (nft's `missing` holds for it).
      if (!c.range) {
        r = p.proto === "tcp" && p.mss !== undefined;
        break;
      }
      if (p.proto !== "tcp") return false;
      // No option: xt_tcpmss answers its `!`; nft_exthdr breaks the rule.
      if (p.mss === undefined) return c.nft ? false : c.neg;
      r = inRange(p.mss, c.range);
      break;
    case "ipsec":
      // No packet of the simulator comes through xfrm: a field of a transform is never there to compare.
      if (c.field !== undefined) return false;
      r = false;
      break;
    case "tcp-flags": {
      // Byte 13 of another protocol's transport header (kernel 6.18: a UDP datagram whose 6th payload byte
      // was 0x02 passed `! -p tcp --syn`, one with 0x12 did not); none in a shorter one: the rule breaks.
      if (c.th && p.proto !== "tcp") return p.len - (p.v6 ? 40 : 20) < 14 ? false : "unknown";
      const on = new Set(p.tcpFlags ?? []);
      // A flag asked on outside the mask is never among the masked bits (`--tcp-flags SYN SYN,ACK`).
      r =
        p.proto === "tcp" &&
        (c.values ?? [c.set]).some(
          (set) => set.every((f) => c.mask.includes(f)) && c.mask.every((f) => on.has(f) === set.includes(f)),
        );
      break;
    }
    case "ethertype":
      r = c.hi
        ? Number(ctx.ethType) >= Number(c.ethertype) && Number(ctx.ethType) <= Number(c.hi)
        : c.ethertype === ctx.ethType;
      break;
    case "logical-in":
      r = ifaceMatches(c.name, ctx.logicalIn);
      break;
    case "logical-out":
      r = ifaceMatches(c.name, ctx.logicalOut);
      break;
    case "mac-src":
    case "mac-dst": {
      // No Ethernet header at this hook: the match fails whatever its `!` (xt_mac, nft's iiftype check).
      if (ctx.noFrame) return false;
      const mac = c.kind === "mac-src" ? p.macSrc : p.macDst;
      // A frame whose MAC the lab does not give: not guessed (see unknownMac).
      if (mac === undefined) return "unknown";
      r = macMatches(c.mac, c.mask, paddedMac(mac));
      break;
    }
    case "pkttype":
      // A context that cannot tell (a LOG line of a bridge hook) leaves it undecided.
      if (ctx.pktType === undefined) return "unknown";
      r = c.types.includes(ctx.pktType);
      break;
    case "tos": {
      if (c.family !== undefined && c.family !== (p.v6 ? 6 : 4)) return false;
      const tos = p.tos ?? 0;
      r = c.values.some((v) => (tos & c.mask) === v);
      break;
    }
    case "nft-set": {
      const elements = c.elements ?? ctx.sets?.get(c.set ?? "")?.elements;
      if (!elements) return "unknown";
      const keys = c.concat ?? [c.key];
      // A key of the other IP family's header fails the rule, negated or not.
      if (keys.some((k) => FAMILY_KEYS[k] !== undefined && FAMILY_KEYS[k] !== (p.v6 ? 6 : 4))) return false;
      if (keys.some((k) => unknownMac(k, p, ctx))) return "unknown";
      if (p.markUnknown && keys.includes("meta mark")) return "unknown";
      if (p.ct?.entry.markUnknown && keys.includes("ct mark")) return "unknown";
      // No connection (a zone template is none): nft_ct breaks the rule, negated or not (`ct mark != { 1, 2 }`).
      if (keys.some((k) => CT_ENTRY_KEYS.has(k) && nftKeyValue(k, p, ctx) === undefined)) return false;
      if (keys.includes("meta pkttype") && ctx.pktType === undefined) return "unknown";
      r = elements.some((e) => nftKeysMatch(keys, e, p, ctx, c.mask));
      break;
    }
    case "rpfilter": {
      if (!ctx.routeTo) return "unknown";
      // Looped-back packets pass, as in nft_fib and xt_rpfilter.
      if (ctx.in === "lo") r = true;
      // A link-local source (a neighbour solicitation's) is on the link it came in by: the kernel
      // keeps a fe80::/64 route on every IPv6 device (simcheck12 D6).
      else if (p.v6 && /^fe[89ab]/i.test(p.src)) r = true;
      else {
        const back = ctx.routeTo(p.src);
        r =
          back.kind === "unicast"
            ? !c.strict || back.dev === ctx.in
            : back.kind === "local"
              ? c.acceptLocal
              : false;
      }
      break;
    }
    case "ipset": {
      const set = ctx.ipsets?.get(c.name);
      if (!set || c.counters) return "unknown";
      r = ipsetMatches(set, c.dirs, c.returnNomatch, p, ctx, ctx.ipsets as ReadonlyMap<string, IpSet>);
      break;
    }
    case "unknown":
      // xt_conntrack decides a packet without a connection by `--ctstate` alone.
      if (c.withoutConnection !== undefined && xtWithoutConnection(p, ctx)) return c.withoutConnection;
      if (c.owner && (ctx.socket === "none" || ctx.socket === "kernel")) return c.owner[ctx.socket];
      return "unknown";
    case "never":
      return false;
    case "arp-field": {
      // nft's `ether type arp` dependency (ebtables' `-p ARP`): an IP packet fails it, negated or not.
      if (!p.arp) return false;
      const v = arpFieldValue(c.field, p);
      if (v === undefined) return "unknown";
      r = c.values.some((x) => arpValueMatches(c.field, x, v));
      break;
    }
  }
  return c.neg ? !r : r;
}

/** An ARP frame's header field, as the walk's frame has it (the target MAC of a request is all zeros). */
function arpFieldValue(
  field: Extract<Condition, { kind: "arp-field" }>["field"],
  p: SimPacket,
): string | undefined {
  if (field === "operation") return p.arp;
  if (field === "saddr ip") return p.src;
  if (field === "daddr ip") return p.dst;
  if (field === "saddr ether") return p.macSrc;
  return p.arp === "request" ? "00:00:00:00:00:00" : p.macDst;
}

/** Whether the written `value` of an ARP field holds `v` (an operation by name or number, a prefix, a MAC). */
function arpValueMatches(
  field: Extract<Condition, { kind: "arp-field" }>["field"],
  value: string,
  v: string,
): boolean {
  const x = value.toLowerCase();
  if (field === "operation") return (x === "1" ? "request" : x === "2" ? "reply" : x) === v;
  if (field === "saddr ip" || field === "daddr ip") {
    const cidr = parseIpCidr(x);
    return cidr !== undefined && addressInIpCidr(v, cidr);
  }
  return canonicalMac(x) === canonicalMac(v);
}

/** A MAC with each byte two hex digits (`2:42:ac:11:0:2` and `02:42:ac:11:00:02` alike). */
function canonicalMac(mac: string): string {
  return mac
    .toLowerCase()
    .split(":")
    .map((b) => b.padStart(2, "0"))
    .join(":");
}

/** Whether `key` reads a MAC of a frame that has one but whose value the lab does not give. */
function unknownMac(key: NftKey, p: SimPacket, ctx: MatchContext): boolean {
  if (ctx.noFrame || (key !== "ether saddr" && key !== "ether daddr")) return false;
  return (key === "ether saddr" ? p.macSrc : p.macDst) === undefined;
}

/**
 * Why `c` is undecided for this packet when the model knows the match but not the value it reads (a
 * MAC the lab does not give), for the warning at the rule; undefined otherwise.
 */
export function undecidedWhy(c: Condition, p: SimPacket, ctx: MatchContext): string | undefined {
  if (
    p.markUnknown &&
    (c.kind === "mark" || (c.kind === "nft-set" && (c.concat ?? [c.key]).includes("meta mark")))
  )
    return `the mark was last changed by a rule that is not modelled (${p.markUnknown}), so the mark match is left undecided, not guessed`;
  const ctUnknown = p.ct?.entry.markUnknown;
  if (
    ctUnknown &&
    (c.kind === "ctmark" || (c.kind === "nft-set" && (c.concat ?? [c.key]).includes("ct mark")))
  )
    return `the connection's mark holds bits a rule that is not modelled may have set (${ctUnknown}), so the connection mark match is left undecided, not guessed`;
  if ((c.kind === "sport" || c.kind === "dport") && c.th && isIcmp(p))
    return c.kind === "dport"
      ? `the destination port is read from bytes 3 and 4 of whatever transport header the packet has (nft's th dport, which iptables-nft makes of a port after '! -p tcp' or '! -p udp'): of this ${p.proto} packet, its checksum, which the simulator does not compute, so the match is left undecided, not guessed`
      : `this ${p.proto} packet's type or code is not known, so the source port match (bytes 1 and 2 of its header) is left undecided, not guessed`;
  if (c.kind === "tcp-flags" && c.th && p.proto !== "tcp")
    return `after '! -p tcp' iptables-nft reads the TCP flags' byte (the transport header's 14th) of any packet: of this ${p.proto} packet, a byte of its payload, which the simulator does not carry, so the match is left undecided, not guessed`;
  if (ctx.noFrame) return undefined;
  const keys = c.kind === "nft-set" ? (c.concat ?? [c.key]) : [];
  const sides: ("source" | "destination")[] =
    c.kind === "mac-src"
      ? ["source"]
      : c.kind === "mac-dst"
        ? ["destination"]
        : keys.flatMap((k) =>
            k === "ether saddr" ? ["source"] : k === "ether daddr" ? ["destination"] : [],
          );
  const missing = sides.filter((side) => (side === "source" ? p.macSrc : p.macDst) === undefined);
  if (!missing.length) return undefined;
  return `the frame's ${missing.join(" and ")} MAC is not in the lab (an interface without "mac" in lab.json), so the MAC match is left undecided, not guessed`;
}

/**
 * Evaluates all conditions of `rule`: false as soon as a known condition fails (the kernel stops at
 * the first failing match, so a later unknown one does not matter), `unknown` when only unmodelled
 * conditions are left undecided, true when all hold.
 */
export function matchRule(rule: Rule, p: SimPacket, ctx: MatchContext): MatchResult {
  let unknown = false;
  for (const c of rule.conditions) {
    const r = evalCondition(c, p, ctx);
    if (r === false) return false;
    if (r === "unknown") unknown = true;
  }
  return unknown ? "unknown" : true;
}
