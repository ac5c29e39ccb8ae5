/**
 * Which address of a NAT range (`--to-source 198.51.100.5-198.51.100.9`, `snat to a-b`) the kernel
 * gives a new connection. It is not random: nf_nat_core hashes the connection's source address
 * (with its destination address as the seed, unless the range is `persistent`) and scales the hash
 * into the range, word by word, so that one client keeps one address across connections and reboots.
 * The hash is the kernel's jhash2 over the address as it lies in memory, so the choice is that of a
 * little-endian machine (x86, arm64), which is what nearly every host is.
 */
import { formatIpv6, parseIpv6 } from "../parse/ipv6.ts";
import { parseIpv4 } from "./ipv4.ts";

const JHASH_INITVAL = 0xdeadbeef;

function rol(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The kernel's `jhash2`: Bob Jenkins' lookup3 over 32-bit words (include/linux/jhash.h). */
export function jhash2(words: readonly number[], initval: number): number {
  let a = (JHASH_INITVAL + (words.length << 2) + initval) >>> 0;
  let b = a;
  let c = a;
  let k = 0;
  let length = words.length;
  const at = (i: number) => (words[k + i] ?? 0) >>> 0;
  while (length > 3) {
    a = (a + at(0)) >>> 0;
    b = (b + at(1)) >>> 0;
    c = (c + at(2)) >>> 0;
    // __jhash_mix
    a = ((a - c) ^ rol(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = ((b - a) ^ rol(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = ((c - b) ^ rol(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = ((a - c) ^ rol(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = ((b - a) ^ rol(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = ((c - b) ^ rol(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 3;
    k += 3;
  }
  if (length === 0) return c;
  if (length === 3) c = (c + at(2)) >>> 0;
  if (length >= 2) b = (b + at(1)) >>> 0;
  a = (a + at(0)) >>> 0;
  // __jhash_final
  c = ((c ^ b) - rol(b, 14)) >>> 0;
  a = ((a ^ c) - rol(c, 11)) >>> 0;
  b = ((b ^ a) - rol(a, 25)) >>> 0;
  c = ((c ^ b) - rol(b, 16)) >>> 0;
  a = ((a ^ c) - rol(c, 4)) >>> 0;
  b = ((b ^ a) - rol(a, 14)) >>> 0;
  c = ((c ^ b) - rol(b, 24)) >>> 0;
  return c;
}

/** The address as the kernel's `union nf_inet_addr`: four 32-bit words in network order (IPv4: one, then zeros). */
function networkWords(text: string): number[] | undefined {
  if (text.includes(":")) {
    const g = parseIpv6(text);
    if (!g) return undefined;
    return [0, 1, 2, 3].map((i) => (((g[2 * i] ?? 0) << 16) | (g[2 * i + 1] ?? 0)) >>> 0);
  }
  const v = parseIpv4(text);
  return v === undefined ? undefined : [v >>> 0, 0, 0, 0];
}

/** A network-order word as a little-endian CPU loads it (what the kernel hashes and XORs). */
function loaded(word: number): number {
  return (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) >>> 0;
}

/** Orders two addresses as words. */
function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return 0;
}

/** `reciprocal_scale`: `value` scaled from [0, 2^32) into [0, n). */
function scale(value: number, n: number): number {
  return Number((BigInt(value) * BigInt(n)) >> 32n);
}

/** Options of {@link natRangeAddress}. */
export interface NatRangeOptions {
  /** `--persistent` / nft `persistent`: the seed leaves the destination out. Default: false. */
  persistent?: boolean;
  /** The conntrack zone (`-j CT --zone`, `ct zone set`). Default: 0. */
  zone?: number;
}

/**
 * The address of range `lo`..`hi` (inclusive, one family) that the kernel's NAT gives a new
 * connection from `src` to `dst` (for a DNAT, `dst` is the address before the rewrite; for a SNAT,
 * the destination after any DNAT). Undefined when an address is not of the range's family.
 */
export function natRangeAddress(
  lo: string,
  hi: string,
  src: string,
  dst: string,
  manip: "src" | "dst",
  options: NatRangeOptions = {},
): string | undefined {
  const min = networkWords(lo);
  const max = networkWords(hi);
  const s = networkWords(src);
  const d = networkWords(dst);
  const v6 = lo.includes(":");
  if (
    !min ||
    !max ||
    !s ||
    !d ||
    v6 !== hi.includes(":") ||
    v6 !== src.includes(":") ||
    v6 !== dst.includes(":")
  )
    return undefined;
  const inside = (w: number[]) => compare(w, min) >= 0 && compare(w, max) <= 0;
  // A source already inside a SNAT range keeps its address; a one-address range has no choice.
  if (manip === "src" && inside(s)) return src;
  if (compare(min, max) === 0) return lo;
  const last = v6 ? 3 : 0;
  // The tuple being rewritten: the source words for a SNAT, the destination words for a DNAT.
  const out = manip === "src" ? [...s] : [...d];
  const dstWords = manip === "dst" ? out : d;
  let j = jhash2(
    s.map(loaded),
    options.persistent ? 0 : (loaded(d[last] as number) ^ (options.zone ?? 0)) >>> 0,
  );
  let full = false;
  for (let i = 0; i <= last; i++) {
    const minWord = full ? 0 : (min[i] as number);
    const dist = full ? 0xffffffff : ((max[i] as number) - minWord + 1) >>> 0;
    out[i] = (minWord + scale(j, dist)) >>> 0;
    if (out[i] !== max[i]) full = true;
    // For a DNAT the destination word just written is the one mixed in (the kernel reads it back).
    if (!options.persistent) j = (j ^ loaded(dstWords[i] as number)) >>> 0;
  }
  if (!v6) {
    const a = out[0] as number;
    return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
  }
  return formatIpv6(out.flatMap((w) => [w >>> 16, w & 0xffff]));
}
