/**
 * The address a NETMAP rewrite gives a packet: iptables `-j NETMAP --to NET/LEN` and nft `snat|dnat
 * [ip|ip6] prefix to NET/LEN` keep the host bits of the address they map and take the network bits of
 * the prefix, as xt_NETMAP's netmap_tg4/netmap_tg6 and nf_nat_core's NF_NAT_RANGE_NETMAP compute it:
 * the bits where the range's first and last address differ are the packet's own.
 */
import { formatIpv6, groupsValue, parseIpv6, valueGroups } from "../parse/ipv6.ts";
import { formatIpv4, parseIpv4 } from "./ipv4.ts";

/**
 * The address `addr` becomes under a NETMAP to the range `first`-`last` (the prefix's first and last
 * address, of `addr`'s family); undefined when an address does not parse or the families differ.
 */
export function netmapAddress(first: string, last: string, addr: string): string | undefined {
  if (addr.includes(":")) {
    const [f, l, a] = [first, last, addr].map((t) => parseIpv6(t));
    if (!f || !l || !a) return undefined;
    const lo = groupsValue(f);
    const free = lo ^ groupsValue(l);
    const all = (1n << 128n) - 1n;
    return formatIpv6(valueGroups((groupsValue(a) & free) | (lo & (all ^ free))));
  }
  const [f, l, a] = [first, last, addr].map((t) => parseIpv4(t));
  if (f === undefined || l === undefined || a === undefined) return undefined;
  const free = (f ^ l) >>> 0;
  return formatIpv4(((a & free) | (f & ~free)) >>> 0);
}
