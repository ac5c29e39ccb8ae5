/**
 * nft's bitmask matches (`ip saddr & 0.0.0.255 == 0.0.0.2`, `meta mark & 0xff00 == 0x100`, `tcp dport &
 * 65280 == 256`): which keys take a mask, masks and values read in a key's type, and a packet's value
 * under a mask. The kernel runs them as nft_bitwise then nft_cmp: `(value & mask) == want`, so a `want`
 * with a bit outside the mask never matches (nft 1.0.6 accepts such a rule as written).
 */

import { formatIpv6, groupsValue, parseIpv6, valueGroups } from "../parse/ipv6.ts";
import type { IpCidr } from "./ip-address.ts";
import { formatIpv4, parseIpv4 } from "./ipv4.ts";
import type { NftKey } from "./ruleset.ts";

/** What a key's mask and value are: an address of IP family 4 or 6, or an unsigned number of `bits` bits. */
export type MaskType = { family: 4 | 6 } | { bits: number };

/** Numeric keys nft takes a mask on, by their width in bits. */
const NUMBER_BITS: Partial<Record<NftKey, number>> = {
  "meta mark": 32,
  "ct mark": 32,
  "tcp dport": 16,
  "tcp sport": 16,
  "udp dport": 16,
  "udp sport": 16,
  "th dport": 16,
  "th sport": 16,
  "ct zone": 16,
  "ct original zone": 16,
  "ct reply zone": 16,
  "ip ttl": 8,
  "ip6 hoplimit": 8,
  // The rule reader writes a flag mask (`& (fin | syn | rst | ack)`) as its number (`0x17`).
  "tcp flags": 8,
};

/** The type of `key`'s mask and value, or undefined for a key the model takes no mask on (`iifname`, `ct state`). */
export function maskType(key: NftKey): MaskType | undefined {
  if (key.endsWith("saddr") || key.endsWith("daddr"))
    return key.includes("ip6 ") ? { family: 6 } : key.includes("ip ") ? { family: 4 } : undefined;
  const bits = NUMBER_BITS[key];
  return bits === undefined ? undefined : { bits };
}

/** The width of a value of `type` in bits. */
function widthOf(type: MaskType): number {
  return "bits" in type ? type.bits : type.family === 4 ? 32 : 128;
}

/** A plain number as nft reads one (`0xff00`, `65280`), or undefined. */
function plainNumber(text: string): bigint | undefined {
  return /^(0x[0-9a-f]+|\d+)$/i.test(text) ? BigInt(text) : undefined;
}

/**
 * `text` as a value of `type`: an address of its family (nft also takes a number for an IPv4 one, `ip
 * saddr & 0xff == 2`, and lists it `& 0.0.0.255 == 0.0.0.2`), or a number within its width; undefined
 * for anything else (an address of the other family, a name, a number too wide).
 */
export function readMaskWord(text: string, type: MaskType): bigint | undefined {
  let n: bigint | undefined;
  if ("family" in type && type.family === 6) {
    const g = text.includes(":") ? parseIpv6(text) : undefined;
    n = g ? groupsValue(g) : undefined;
  } else if ("family" in type) {
    const a = text.includes(".") ? parseIpv4(text) : undefined;
    n = a === undefined ? plainNumber(text) : BigInt(a);
  } else n = plainNumber(text);
  return n !== undefined && n < 1n << BigInt(widthOf(type)) ? n : undefined;
}

/** `n` as nft writes a value of `type`: an address, or a decimal number. */
export function maskWordText(n: bigint, type: MaskType): string {
  if (!("family" in type)) return String(n);
  return type.family === 4 ? formatIpv4(Number(n)) : formatIpv6(valueGroups(n));
}

/**
 * A packet's value `value` of a key of `type` (as the matcher reads it: `172.17.0.2`, `256`) under
 * `mask` (as written), in the same form; undefined when either is not of the type.
 */
export function maskedText(value: string, mask: string, type: MaskType): string | undefined {
  const [v, m] = [readMaskWord(value, type), readMaskWord(mask, type)];
  return v === undefined || m === undefined ? undefined : maskWordText(v & m, type);
}

/** Whether `want` has a bit outside `mask`: then `(x & mask) == want` holds for no `x`. */
export function outsideMask(want: bigint, mask: bigint): boolean {
  return (want & ~mask) !== 0n;
}

/**
 * The prefix-shaped condition of `ADDR & mask == want`: the addresses whose bits under `mask` are
 * `want`. `len` is the prefix length when the mask is one (`& 255.255.0.0` is a /16), else the whole
 * address (iptables' `-s 10.0.0.0/255.0.255.0` reads so too). `want` is kept as written, so one with a
 * bit outside the mask holds no address, as in the kernel.
 */
export function maskedCidr(mask: bigint, want: bigint, family: 4 | 6): IpCidr {
  const width = family === 4 ? 32 : 128;
  const free = ((1n << BigInt(width)) - 1n) ^ mask;
  // A prefix mask leaves its free bits all at the end: one more than them is a power of two.
  const len = (free & (free + 1n)) === 0n ? width - free.toString(2).replace(/^0$/, "").length : width;
  return family === 4 ? { net: Number(want), len, mask: Number(mask) } : { v6: true, net: want, len, mask };
}
