/**
 * IPv6 addresses as eight 16-bit groups (read and written by `../simulate/ipv6.ts`), for
 * anonymisation: the IPv4 addresses some forms carry, and the MAC an EUI-64
 * interface id is made of (SLAAC without privacy extensions, and every
 * link-local address, carry the interface's MAC in their last 64 bits).
 */

/**
 * Where an IPv6 address carries an IPv4 address: `at`, the first of the two groups holding it;
 * `inverted` when its bits are flipped (Teredo's client).
 */
export interface Ipv4Spot {
  at: number;
  inverted: boolean;
}

/**
 * The IPv4 addresses an IPv6 address carries, by its form: `prefix` when the form's own prefix
 * says so (NAT64's 64:ff9b::/96 and the local-use 64:ff9b:1::/48, IPv4-mapped ::ffff:0:0/96,
 * IPv4-translated ::ffff:0:0:0/96, the deprecated IPv4-compatible ::/96, 6to4's 2002::/16 with the
 * address again in the interface id when it is there, Teredo's server and client in 2001::/32), and
 * that prefix is kept; otherwise an ISATAP interface id (`::5efe:a.b.c.d`, `::200:5efe:a.b.c.d`)
 * under any prefix. Undefined when it carries none.
 */
export function embeddedIpv4(groups: readonly number[]): { prefix: boolean; spots: Ipv4Spot[] } | undefined {
  const g = groups;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const last = [{ at: 6, inverted: false }];
  if (g[0] === 0x64 && g[1] === 0xff9b && (zeros(2, 6) || g[2] === 1)) return { prefix: true, spots: last };
  if (zeros(0, 5) && g[5] === 0xffff) return { prefix: true, spots: last };
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return { prefix: true, spots: last };
  if (zeros(0, 6) && g[6] !== 0) return { prefix: true, spots: last };
  if (g[0] === 0x2002) {
    const again = g[6] === g[1] && g[7] === g[2] && !zeros(1, 3);
    return { prefix: true, spots: [{ at: 1, inverted: false }, ...(again ? last : [])] };
  }
  if (g[0] === 0x2001 && g[1] === 0)
    return {
      prefix: true,
      spots: [
        { at: 2, inverted: false },
        { at: 6, inverted: true },
      ],
    };
  if ((g[4] === 0 || g[4] === 0x200) && g[5] === 0x5efe) return { prefix: false, spots: last };
  return undefined;
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
