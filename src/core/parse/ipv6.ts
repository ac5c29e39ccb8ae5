/**
 * IPv6 addresses for the simulator and the anonymiser: any written form read into eight 16-bit
 * groups, the canonical text (RFC 5952) the simulator keys addresses by, the kernel LOG's full form,
 * and prefixes as 128-bit numbers.
 */

/**
 * The eight groups of an IPv6 address written in `text` (`::` allowed, the last 32 bits may be written
 * as a dotted IPv4 address: `64:ff9b::198.51.100.7`; no zone), or undefined.
 */
export function parseIpv6(text: string): number[] | undefined {
  const colon = text.lastIndexOf(":");
  const last = text.slice(colon + 1);
  if (last.includes(".")) {
    const v4 = ipv4Groups(last);
    const head = text.slice(0, colon + 1);
    // The dotted tail stands for the last two groups: read the rest with two zero groups in its place.
    const rest = v4 && head !== "" && parseIpv6(`${head}0:0`);
    return v4 && rest ? [...rest.slice(0, 6), ...v4] : undefined;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const head = part(halves[0] as string);
  const tail = halves.length === 2 ? part(halves[1] as string) : [];
  const given = head.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const groups: number[] = [];
  for (const g of [...head, ...new Array(8 - given).fill("0"), ...tail]) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
    groups.push(Number.parseInt(g, 16));
  }
  return groups;
}

/**
 * The canonical text of eight groups: lower case, no leading zeros, the longest run of two or more
 * zero groups as `::`; with `dotted`, the last 32 bits as an IPv4 address (`64:ff9b::203.0.113.7`,
 * RFC 5952's mixed notation). Default: hex groups only.
 */
export function formatIpv6(groups: readonly number[], dotted = false): string {
  const n = dotted ? 6 : 8;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < n; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.slice(0, n).map((g) => g.toString(16));
  if (dotted) hex.push(ipv4Text(groups[6] as number, groups[7] as number));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** The two groups of a dotted IPv4 address (`198.51.100.7` is `0xc633, 0x6407`), or undefined. */
export function ipv4Groups(text: string): [number, number] | undefined {
  const p = text.split(".");
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
  const [a, b, c, d] = p.map(Number) as [number, number, number, number];
  return [(a << 8) | b, (c << 8) | d];
}

/** Two groups as a dotted IPv4 address: `0xc633, 0x6407` is `198.51.100.7`. */
export function ipv4Text(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
}

/** The address as one 128-bit number. */
export function groupsValue(groups: readonly number[]): bigint {
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** The eight groups of a 128-bit number. */
export function valueGroups(value: bigint): number[] {
  const out: number[] = [];
  for (let i = 7; i >= 0; i--) out.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  return out;
}

/** True when `text` is an IPv6 address in any written form (no prefix length, no zone). */
export function isIpv6(text: string): boolean {
  return text.includes(":") && parseIpv6(text) !== undefined;
}

/**
 * The canonical text of an IPv6 address (`fd00:000a:0000:...:0002` is `fd00:a::2`), so that one
 * address has one key whichever tool wrote it; undefined when `text` is not one.
 */
export function canonicalIpv6(text: string): string | undefined {
  const g = parseIpv6(text);
  return g ? formatIpv6(g) : undefined;
}

/** The form the kernel's LOG target prints (`%pI6`): eight groups of four hex digits. */
export function kernelIpv6(text: string): string {
  const g = parseIpv6(text);
  return g ? g.map((x) => x.toString(16).padStart(4, "0")).join(":") : text;
}

/** A parsed IPv6 prefix: network and mask as 128-bit numbers. */
export interface Cidr6 {
  /** Marks the IPv6 form of a prefix (the IPv4 `Cidr` has none). */
  v6: true;
  net: bigint;
  /** Prefix length, 0..128. */
  len: number;
  mask: bigint;
}

const ALL_ONES = (1n << 128n) - 1n;

/** The mask of a prefix length. */
export function prefixMask6(len: number): bigint {
  return len === 0 ? 0n : (ALL_ONES << BigInt(128 - len)) & ALL_ONES;
}

/**
 * Parses `addr` or `addr/len` (ip6tables-save writes `fd00:a::/64`, a bare address as `/128`), and
 * the `[addr]` brackets nft and DNAT targets put around one. Undefined when malformed.
 */
export function parseCidr6(text: string): Cidr6 | undefined {
  const [addrText, lenText] = text.replace(/^\[(.*)\]/, "$1").split("/", 2) as [string, string | undefined];
  const g = addrText.includes(":") ? parseIpv6(addrText) : undefined;
  if (!g) return undefined;
  const len = lenText === undefined ? 128 : /^\d{1,3}$/.test(lenText) ? Number(lenText) : Number.NaN;
  if (!(len >= 0 && len <= 128)) return undefined;
  const mask = prefixMask6(len);
  return { v6: true, net: groupsValue(g) & mask, len, mask };
}

/** True when IPv6 address `text` is inside `cidr` (false for anything else). */
export function addressInCidr6(text: string, cidr: Cidr6): boolean {
  const g = parseIpv6(text);
  return g !== undefined && (groupsValue(g) & cidr.mask) === cidr.net;
}

/**
 * IPv6 next-header values that name an extension header, not the transport (hop-by-hop 0, routing
 * 43, fragment 44, destination options 60, mobility 135, HIP 139, shim6 140, experiments 253/254):
 * a tool that prints only the first next header has not said what the packet carries.
 */
export const IPV6_EXTENSION_HEADERS: ReadonlySet<number> = new Set([0, 43, 44, 60, 135, 139, 140, 253, 254]);
