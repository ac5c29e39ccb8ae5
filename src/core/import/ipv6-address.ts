/**
 * IPv6 addresses as eight 16-bit groups, for anonymisation: reading any
 * written form, writing the canonical one (RFC 5952), and the MAC an EUI-64
 * interface id is made of (SLAAC without privacy extensions, and every
 * link-local address, carry the interface's MAC in their last 64 bits).
 */

/** The eight groups of an IPv6 address written in `text` (`::` allowed, no embedded IPv4, no zone), or undefined. */
export function parseIpv6(text: string): number[] | undefined {
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

/** The canonical text of eight groups: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** The MAC of an EUI-64 interface id (groups 4-7 hold `xxxx:xxff:fexx:xxxx`), or undefined. */
export function eui64Mac(groups: readonly number[]): string | undefined {
  const [a, b, c, d] = groups.slice(4) as [number, number, number, number];
  if ((b & 0xff) !== 0xff || c >> 8 !== 0xfe) return undefined;
  const bytes = [(a >> 8) ^ 0x02, a & 0xff, b >> 8, c & 0xff, d >> 8, d & 0xff];
  return bytes.map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** `groups` with its interface id made from `mac` (EUI-64: `ff:fe` in the middle, the universal/local bit flipped). */
export function withEui64(groups: readonly number[], mac: string): number[] {
  const m = mac.split(":").map((x) => Number.parseInt(x, 16)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return [
    ...groups.slice(0, 4),
    ((m[0] ^ 0x02) << 8) | m[1],
    (m[2] << 8) | 0xff,
    0xfe00 | m[3],
    (m[4] << 8) | m[5],
  ];
}

/**
 * What anonymisation does with an address: `global` (2000::/3, but not the documentation
 * prefixes 2001:db8::/32 and 3fff::/20) gets a documentation prefix; `local` (link-local, unique
 * local) keeps its prefix, an EUI-64 interface id aside; anything else (loopback, unspecified,
 * multicast, documentation, IPv4-mapped) is kept.
 */
export function ipv6Scope(groups: readonly number[]): "global" | "local" | "keep" {
  const g0 = groups[0] as number;
  if (g0 >> 13 === 1) {
    if (g0 === 0x2001 && groups[1] === 0x0db8) return "keep";
    if (g0 === 0x3fff && (groups[1] as number) >> 12 === 0) return "keep";
    return "global";
  }
  if (g0 >> 6 === 0x3fa || g0 >> 9 === 0x7e) return "local";
  return "keep";
}
