/** IPv6 addresses as text: read (any form), told public or not, written short (RFC 5952). Pure. */

/** The eight 16-bit groups of an IPv6 address, or undefined when `text` is not one (a MAC, a time). */
export function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const part = (x: string | undefined) => (x ? x.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  if ([...head, ...tail].some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const zeros: string[] = Array(halves.length === 2 ? missing : 0).fill("0");
  return [...head, ...zeros, ...tail].map((g) => Number.parseInt(g, 16));
}

/** Whether an IPv6 address is global unicast (2000::/3) outside the documentation prefix 2001:db8::/32. */
export function isPublicIpv6(groups: readonly number[]): boolean {
  const [a = 0, b = 0] = groups;
  return (a & 0xe000) === 0x2000 && !(a === 0x2001 && b === 0x0db8);
}

/** An IPv6 address in RFC 5952's short form (the longest run of two or more zero groups as `::`). */
export function shortIpv6(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
