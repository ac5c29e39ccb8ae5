/**
 * Addresses and prefixes of either IP family, for the parts of the simulator that take both
 * (rule conditions, set elements, routes, NAT targets): IPv4 as 32-bit numbers, IPv6 as 128-bit ones.
 */

import {
  addressInCidr6,
  type Cidr6,
  canonicalIpv6,
  formatIpv6,
  parseCidr6,
  valueGroups,
} from "../parse/ipv6.ts";
import { type Cidr, formatIpv4, inCidr, parseCidr, parseIpv4 } from "./ipv4.ts";

/** A prefix of either family; an IPv6 one is marked `v6`. */
export type IpCidr = Cidr | Cidr6;

/** The IP family of an address as written: 4, 6, or undefined when it is neither. */
export function addressFamily(text: string): 4 | 6 | undefined {
  if (text.includes(":")) return canonicalIpv6(text) === undefined ? undefined : 6;
  return parseIpv4(text) === undefined ? undefined : 4;
}

/** Parses an IPv4 (`a.b.c.d[/len|/mask]`) or IPv6 (`addr[/len]`, `[addr]`) address or prefix. */
export function parseIpCidr(text: string): IpCidr | undefined {
  return text.includes(":") ? parseCidr6(text) : parseCidr(text);
}

/** True when address `text` is inside `cidr` (of its own family; false for the other family). */
export function addressInIpCidr(text: string, cidr: IpCidr): boolean {
  if ("v6" in cidr) return addressInCidr6(text, cidr);
  const a = parseIpv4(text);
  return a !== undefined && inCidr(a, cidr);
}

/**
 * The one text the simulator keys an address by: IPv6 in RFC 5952 form (the kernel LOG's
 * `fd00:000a:...` and a lab's `fd00:a::2` are one address), IPv4 as written.
 */
export function canonicalAddress(text: string): string {
  return text.includes(":") ? (canonicalIpv6(text.replace(/^\[(.*)\]$/, "$1")) ?? text) : text;
}

/** Whether `mask` (of a family `width` bits wide) is a prefix's: its set bits all come first. */
export function isPrefixMask(mask: bigint, width: 32 | 128): boolean {
  const free = ((1n << BigInt(width)) - 1n) ^ mask;
  return (free & (free + 1n)) === 0n;
}

/**
 * A prefix as nft and iptables print it (a host prefix without its length); an address under a mask
 * that is no prefix's as iptables-save prints it, `10.0.0.0/255.0.255.0` (its `len` says nothing then).
 */
export function formatIpCidr(c: IpCidr): string {
  if ("v6" in c) {
    const a = formatIpv6(valueGroups(c.net));
    if (!isPrefixMask(c.mask, 128)) return `${a}/${formatIpv6(valueGroups(c.mask))}`;
    return c.len === 128 ? a : `${a}/${c.len}`;
  }
  const a = formatIpv4(c.net >>> 0);
  if (!isPrefixMask(BigInt(c.mask >>> 0), 32)) return `${a}/${formatIpv4(c.mask >>> 0)}`;
  return c.len === 32 ? a : `${a}/${c.len}`;
}
