/**
 * The source address the kernel gives an IPv6 packet a host sends without choosing one
 * (ipv6_dev_get_saddr, RFC 6724 section 5), over the host's addresses as the lab lists them: the rules
 * the lab has what it takes for, in order (an address is deprecated, temporary or a home address in no
 * lab, so rules 3, 4 and 7 tie), the first address listed winning a tie (the kernel walks the devices
 * in ifindex order and each device's addresses as `ip -6 addr` lists them). Checked on kernel 6.18 with
 * `ip -6 route get`: with 2001:db8:1::2/64, ::3/64 and ::ff00/120 on the out device, ::ff00 for
 * 2001:db8:1::99 (prefix 112 shared, capped at its own 120) and for an off-link destination (a tie,
 * listed first); with a link-local address alone on the out device, a global address of another device.
 */
import { addressInIpCidr, type IpCidr, parseIpCidr } from "./ip-address.ts";
import { hostIfaces, type IfaceAddress, type Topology } from "./topology.ts";

/** An address's scope as the kernel numbers it: 1 loopback, 2 link-local, 14 global (a unique local too). */
function scopeOf(addr: string): number {
  const a = addr.toLowerCase();
  if (a === "::1") return 1;
  // A multicast address carries its scope in its fourth hex digit.
  if (a.startsWith("ff")) return Number.parseInt(a[3] ?? "e", 16);
  return /^fe[89ab]/.test(a) ? 2 : 14;
}

/** The label of the kernel's default policy table (ip6_addrlbl_init_table) an address falls under. */
function labelOf(addr: string): number {
  const table: [string, number][] = [
    ["::1/128", 0],
    ["::ffff:0:0/96", 4],
    ["::/96", 3],
    ["2001::/32", 6],
    ["2001:10::/28", 7],
    ["2002::/16", 2],
    ["3ffe::/16", 12],
    ["fec0::/10", 11],
    ["fc00::/7", 5],
  ];
  let best: { len: number; label: number } | undefined;
  for (const [prefix, label] of table) {
    const cidr = parseIpCidr(prefix) as IpCidr;
    if (addressInIpCidr(addr, cidr) && (!best || cidr.len > best.len)) best = { len: cidr.len, label };
  }
  return best?.label ?? 1;
}

/** The bits `a` shares with `dst`, counted up to `a`'s own prefix length (rule 8). */
function matchLength(a: IfaceAddress, dst: string): number {
  let shared = a.len;
  while (shared > 0 && !addressInIpCidr(dst, parseIpCidr(`${a.address}/${shared}`) as IpCidr)) shared--;
  return shared;
}

/**
 * The source `host` gives an IPv6 packet to `dst` leaving by `outDev`: undefined when it has no address
 * to give. A link-local or multicast destination takes one of `outDev`'s own addresses; any other one
 * any address of the host but `::1`, ranked by rule 2 (the smallest scope that reaches `dst`, else the
 * largest), rule 5 (on `outDev`), rule 6 (the label of `dst`) and rule 8 (the longest prefix shared).
 */
export function ipv6Source(topo: Topology, host: string, outDev: string, dst: string): string | undefined {
  const dstScope = scopeOf(dst);
  const onlyOut = dstScope <= 2 || dst.toLowerCase().startsWith("ff");
  const dstLabel = labelOf(dst);
  let best: { address: string; score: number[] } | undefined;
  for (const iface of hostIfaces(topo, host)) {
    if (onlyOut && iface.name !== outDev) continue;
    for (const a of iface.addresses) {
      if (!a.v6 || a.address === "::1") continue;
      const scope = scopeOf(a.address);
      // Rule 2 as the kernel scores it: enough scope, the smaller the better; too little, the larger the better.
      const rule2 = scope >= dstScope ? -scope : scope - 128;
      const score = [
        rule2,
        iface.name === outDev ? 1 : 0,
        labelOf(a.address) === dstLabel ? 1 : 0,
        matchLength(a, dst),
      ];
      if (!best || beats(score, best.score)) best = { address: a.address, score };
    }
  }
  return best?.address;
}

/** Whether score `a` ranks above `b` at the first rule they differ in. */
function beats(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return (a[k] ?? 0) > (b[k] ?? 0);
  return false;
}
