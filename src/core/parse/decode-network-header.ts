/**
 * Decodes the `NH=<hex>` field of xtables-monitor `PACKET:` lines: for a family it does not decode
 * itself (bridge, arp), xtables-monitor prints the network header the kernel traced as hex bytes.
 * iptables 1.8.9 prints them through a signed `char`, so a byte of 0x80 or more comes out as
 * `ffffffXX`; both that and the plain two-digit form are read.
 */
import type { ArpInfo, IpInfo, L4Info } from "../model/packet.ts";
import { formatIpv6, IPV6_EXTENSION_HEADERS } from "./ipv6.ts";
import { newIp, newL4 } from "./parsed-line.ts";

/** What a network header says: the IP header (and its protocol), or the ARP header. */
export interface NetworkHeader {
  ip?: IpInfo;
  l4?: L4Info;
  arp?: ArpInfo;
  /** The control field of the inner (802.1Q) tag a doubly tagged frame's header starts with. */
  innerTci?: number;
}

/** Most bytes of network header the kernel puts in a trace (`NFT_TRACETYPE_NETWORK_HSIZE`). */
const MAX_BYTES = 40;

/** The parser's word for IP protocol number `n`: the name LOG prints for it, else the number. */
export function protocolName(n: number): string {
  return PROTOCOLS[n] ?? String(n);
}

/** Protocol numbers the trace readers name; others stay numbers, as LOG prints them. */
const PROTOCOLS: Record<number, string> = {
  1: "icmp",
  6: "tcp",
  17: "udp",
  // As LOG (`PROTO=ESP`) and nft trace (`ip protocol esp`) lines are read.
  50: "esp",
  51: "ah",
  58: "icmpv6",
  136: "udplite",
};

/** Bytes of `hex` read two digits each, or undefined when it is not whole hex pairs. */
function plainBytes(hex: string): number[] | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** Bytes of `hex` as a signed `char` prints them: `ffffffXX` for XX of 0x80 or more. */
function signExtendedBytes(hex: string): number[] | undefined {
  if (!/^[0-9a-f]*$/i.test(hex)) return undefined;
  const out: number[] = [];
  let i = 0;
  while (i < hex.length) {
    const high = /[89a-f]/i.test(hex.charAt(i));
    if (high && !hex.startsWith("ffffff", i)) return undefined;
    const from = high ? i + 6 : i;
    if (from + 2 > hex.length) return undefined;
    out.push(Number.parseInt(hex.slice(from, from + 2), 16));
    i = from + 2;
  }
  return out;
}

/** The length the header at the start of `b` says it has (`ethType`: `0x0800`, `0x86dd`, `0x0806`), or -1. */
function headerLength(b: readonly number[], ethType: string): number {
  // IPv4: version 4 and an IHL of at least 5 (a 20-byte header).
  if (ethType === "0x0800")
    return (b[0] ?? 0) >> 4 === 4 && ((b[0] as number) & 15) >= 5 ? ((b[0] as number) & 15) * 4 : -1;
  if (ethType === "0x86dd") return (b[0] ?? 0) >> 4 === 6 ? 40 : -1;
  if (ethType === "0x0806") return b.length >= 8 ? 8 + 2 * ((b[4] as number) + (b[5] as number)) : -1;
  return -1;
}

/**
 * Whether `b` holds the header `ethType` names: exactly as many bytes as the header says (or the 40
 * the kernel cuts a longer one to), or with `padded`, an ARP header followed by more bytes (with
 * `innerTag`, an IPv4 header followed by payload too).
 */
function fits(
  b: readonly number[] | undefined,
  ethType: string,
  padded: boolean,
  innerTag: boolean,
): boolean {
  if (!b || b.length === 0 || b.length > MAX_BYTES) return false;
  const n = headerLength(b, ethType);
  if (n <= 0) return false;
  if (!padded) return b.length === n || (b.length === MAX_BYTES && n >= MAX_BYTES);
  // The kernel sends min(skb->len - nh_off, 40) bytes: a received ARP frame keeps its Ethernet padding,
  // and behind an inner tag those bytes run past the IPv4 header into its payload.
  return (ethType === "0x0806" || (innerTag && ethType === "0x0800")) && b.length > n;
}

/**
 * The bytes of `hex`: the form whose length is the header's (the plain one when both are), else a
 * padded ARP header (or, `innerTag`, an IPv4 header and payload). Exact lengths first: a
 * sign-extended form read as plain is longer than it is.
 */
function bytesOf(hex: string, ethType: string, innerTag: boolean): number[] | undefined {
  const plain = plainBytes(hex);
  const signed = signExtendedBytes(hex);
  for (const padded of [false, true]) {
    if (fits(plain, ethType, padded, innerTag)) return plain;
    if (fits(signed, ethType, padded, innerTag)) return signed;
  }
  return undefined;
}

/** Dotted IPv4 address of the four bytes at `at`. */
function ipv4At(b: readonly number[], at: number): string {
  return b.slice(at, at + 4).join(".");
}

/** Colon-separated MAC of the six bytes at `at`. */
function macAt(b: readonly number[], at: number): string {
  return b
    .slice(at, at + 6)
    .map((x) => x.toString(16).padStart(2, "0"))
    .join(":");
}

/** Ethernet types that name no network header but a VLAN tag (802.1Q, 802.1ad). */
const TAGS = new Set(["0x8100", "0x88a8"]);

/**
 * Decodes `hex` (the `NH=` value) as the header `ethType` names (`MACPROTO=`, as `0x0800`):
 * an IPv4 or IPv6 header (addresses, length, TTL, IPv4 id, flags and TOS, the protocol), or
 * an Ethernet/IPv4 ARP header. With no `ethType` or a VLAN tag's, the trace's `family` (`arp`)
 * or else the header's own shape (version nibble, ARP sizes) says which; under a tag, a header
 * behind a second (inner) tag too. Undefined when the bytes are not such a header.
 */
export function decodeNetworkHeader(
  hex: string,
  ethType: string,
  family?: string,
): NetworkHeader | undefined {
  // No MACPROTO= (arp_create's ARP at the arp family's OUTPUT has no MAC header yet), or a tag held
  // aside in vlan_tci that the trace rebuilds into the MAC header: the type of the header is not said.
  if (ethType === "" || TAGS.has(ethType)) {
    if (family === "arp") return decodeAs(hex, "0x0806");
    // A tagged ARP frame on a bridge is as common as a tagged IP one; the three headers never look alike.
    const header = decodeAs(hex, "0x0800") ?? decodeAs(hex, "0x86dd") ?? decodeAs(hex, "0x0806");
    return header ?? (TAGS.has(ethType) ? decodeInnerTagged(hex) : undefined);
  }
  return decodeAs(hex, ethType);
}

/** Ethernet types a header inside a second tag may have. */
const INNER_TYPES = new Set(["0x0800", "0x86dd", "0x0806"]);

/**
 * A doubly tagged frame (802.1ad around 802.1Q): the kernel holds only the outer tag aside, so the
 * network header starts at the inner tag's control field and type (4 bytes), then the real header.
 * Each way of printing a byte is tried for those 4 bytes; the rest is decoded as its type says.
 */
function decodeInnerTagged(hex: string): NetworkHeader | undefined {
  for (const signed of [false, true]) {
    const head: number[] = [];
    let at = 0;
    while (head.length < 4 && at < hex.length) {
      // In the signed form a byte of 0x80 or more takes 8 digits (`ffffffXX`).
      const wide = signed && /[89a-f]/i.test(hex.charAt(at)) && hex.startsWith("ffffff", at);
      const digits = hex.slice(wide ? at + 6 : at, (wide ? at + 6 : at) + 2);
      if (!/^[0-9a-f]{2}$/i.test(digits)) break;
      head.push(Number.parseInt(digits, 16));
      at += wide ? 8 : 2;
    }
    if (head.length < 4) continue;
    const inner = `0x${(((head[2] as number) << 8) | (head[3] as number)).toString(16).padStart(4, "0")}`;
    // 36 bytes are left of the kernel's 40: an IPv4 header and some payload; an IPv6 header is cut (not read).
    const header = INNER_TYPES.has(inner) ? decodeAs(hex.slice(at), inner, true) : undefined;
    if (header) return { ...header, innerTci: ((head[0] as number) << 8) | (head[1] as number) };
  }
  return undefined;
}

/** {@link decodeNetworkHeader} of `hex` as the header `ethType` names (`innerTag`: behind a second tag). */
function decodeAs(hex: string, ethType: string, innerTag = false): NetworkHeader | undefined {
  const b = bytesOf(hex, ethType, innerTag);
  if (!b) return undefined;
  if (ethType === "0x0800" && b.length >= 20) {
    const ip = newIp(ipv4At(b, 12), ipv4At(b, 16));
    ip.len = ((b[2] as number) << 8) | (b[3] as number);
    // As LOG splits the byte: TOS= the type-of-service bits, PREC= the precedence.
    ip.tos = (b[1] as number) & 0x1e;
    ip.prec = (b[1] as number) & 0xe0;
    ip.id = ((b[4] as number) << 8) | (b[5] as number);
    ip.ttl = b[8] as number;
    const frag = ((b[6] as number) << 8) | (b[7] as number);
    const flags = [...(frag & 0x4000 ? ["DF"] : []), ...(frag & 0x2000 ? ["MF"] : [])];
    if (flags.length > 0) ip.flags = flags;
    // In 8-byte units, as LOG prints FRAG: for IPv4 (IPv6's FRAG: is in bytes).
    if (frag & 0x1fff) ip.fragment = frag & 0x1fff;
    const l4 = newL4(protocolName(b[9] as number));
    // Behind an inner tag the bytes run on into the transport header: a first fragment's ports or ICMP words.
    if (!ip.fragment) readTransport(l4, b, ((b[0] as number) & 15) * 4);
    return { ip, l4 };
  }
  if (ethType === "0x86dd" && b.length >= 40) {
    const groups = (at: number) =>
      Array.from({ length: 8 }, (_, i) => ((b[at + 2 * i] as number) << 8) | (b[at + 2 * i + 1] as number));
    const ip = newIp(formatIpv6(groups(8)), formatIpv6(groups(24)));
    ip.len = (((b[4] as number) << 8) | (b[5] as number)) + 40;
    ip.tc = (((b[0] as number) & 15) << 4) | ((b[1] as number) >> 4);
    ip.flowLabel = (((b[1] as number) & 15) << 16) | ((b[2] as number) << 8) | (b[3] as number);
    ip.ttl = b[7] as number;
    const next = b[6] as number;
    // An extension header comes first (hop-by-hop, fragment): the transport is not known.
    return IPV6_EXTENSION_HEADERS.has(next) ? { ip } : { ip, l4: newL4(protocolName(next)) };
  }
  if (ethType === "0x0806" && b.length >= 28 && b[4] === 6 && b[5] === 4) {
    const arp: ArpInfo = {
      htype: ((b[0] as number) << 8) | (b[1] as number),
      ptype: `0x${(((b[2] as number) << 8) | (b[3] as number)).toString(16).padStart(4, "0")}`,
      opcode: ((b[6] as number) << 8) | (b[7] as number),
      macSrc: macAt(b, 8),
      ipSrc: ipv4At(b, 14),
      macDst: macAt(b, 18),
      ipDst: ipv4At(b, 24),
    };
    return { arp };
  }
  return undefined;
}

/** Transports whose header starts with the source and destination ports. */
const PORTED = new Set(["tcp", "udp", "udplite", "sctp", "dccp"]);

/** The first words of the transport header at `at` of `b`, as far as `b` holds them, into `l4`. */
function readTransport(l4: L4Info, b: readonly number[], at: number): void {
  const word = (i: number) => ((b[at + i] as number) << 8) | (b[at + i + 1] as number);
  if (b.length < at + 4) return;
  if (PORTED.has(l4.proto)) {
    l4.sport = word(0);
    l4.dport = word(2);
  } else if (l4.proto === "icmp") {
    l4.icmpType = b[at] as number;
    l4.icmpCode = b[at + 1] as number;
    // An echo's id and sequence, as LOG prints them for types 0 and 8 only.
    if ((l4.icmpType === 0 || l4.icmpType === 8) && b.length >= at + 8) {
      l4.icmpId = word(4);
      l4.icmpSeq = word(6);
    }
  }
}

/**
 * The frame's MACs in the `LL=0x<type> <hex>` link header xtables-monitor prints when it does not
 * decode it itself (no input device, so type 0: a bridge frame at OUTPUT or POSTROUTING). Only an
 * Ethernet header is read: 14 bytes, or 18 with the VLAN tag the kernel puts back, in either hex form.
 */
export function linkHeaderMacs(type: string, hex: string): { src: string; dst: string } | undefined {
  // 0: the kernel gave no input device type; 1: ARPHRD_ETHER. Other device types have other headers.
  if (type !== "0x0" && type !== "0x1") return undefined;
  const ethernet = (b: readonly number[] | undefined) =>
    b !== undefined && (b.length === 14 || b.length === 18);
  const plain = plainBytes(hex);
  const b = ethernet(plain) ? plain : signExtendedBytes(hex);
  if (!b || !ethernet(b)) return undefined;
  return { dst: macAt(b, 0), src: macAt(b, 6) };
}
