/**
 * IPv4 address and CIDR helpers, as 32-bit unsigned numbers (fast to compare, no allocation).
 */

/** A parsed CIDR: network address and prefix length. */
export interface Cidr {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  net: number;
  /** Prefix length, 0..32. */
  len: number;
  /** Netmask as an unsigned 32-bit number. */
  mask: number;
}

/** Parses a dotted-quad IPv4 address; returns undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value >>> 0;
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** The netmask of a prefix length. */
export function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/**
 * The directed broadcast of an interface address `a.b.c.d/len` (as `ip addr` lists it), or undefined
 * for a /31 or /32 (which have none) and anything that is not IPv4 with a prefix length.
 */
export function directedBroadcast(cidr: string): number | undefined {
  const [a, lenText] = cidr.split("/");
  const base = parseIpv4(a ?? "");
  const len = Number(lenText);
  if (base === undefined || !lenText || !Number.isInteger(len) || len < 0 || len >= 31) return undefined;
  return (base | ~prefixMask(len)) >>> 0;
}

/**
 * Parses `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m` (as iptables-save prints a non-CIDR mask).
 * A bare address is a /32. Returns undefined on malformed input.
 */
export function parseCidr(text: string): Cidr | undefined {
  const [addrText, lenText] = text.split("/", 2) as [string, string | undefined];
  const addr = parseIpv4(addrText);
  if (addr === undefined) return undefined;
  let mask: number;
  let len: number;
  if (lenText === undefined) {
    len = 32;
    mask = prefixMask(32);
  } else if (/^\d{1,2}$/.test(lenText) && Number(lenText) <= 32) {
    len = Number(lenText);
    mask = prefixMask(len);
  } else {
    const m = parseIpv4(lenText);
    if (m === undefined) return undefined;
    mask = m;
    len = 32 - Math.log2((~m >>> 0) + 1);
    if (!Number.isInteger(len)) len = 32;
  }
  return { net: (addr & mask) >>> 0, len, mask };
}

/** True when `addr` (unsigned 32-bit) is inside `cidr`. */
export function inCidr(addr: number, cidr: Cidr): boolean {
  return (addr & cidr.mask) >>> 0 === cidr.net;
}

/** True when `text` is an address inside `cidr` (false for a non-address). */
export function addressInCidr(text: string, cidr: Cidr): boolean {
  const addr = parseIpv4(text);
  return addr !== undefined && inCidr(addr, cidr);
}
