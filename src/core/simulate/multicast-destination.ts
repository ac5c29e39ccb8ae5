/**
 * Multicast destinations in the walk. A host sends a packet to a group address framed to the group's MAC
 * (no neighbour is asked); every host on the link receives it, and a bridge floods it to its ports and its
 * own host. A link-local group (224.0.0.0/24, ff02::/16) is taken as joined by the host the walk reaches:
 * 224.0.0.1 and ff02::1 always are, and a lab names no listener (as a UDP datagram's answer is assumed).
 * Kernel 6.18 in namespaces (simcheck8 D6): a ping to 224.0.0.1 and an mDNS datagram to 224.0.0.251 with a
 * listener crossed the router's filter INPUT; the echo got a reply only with icmp_echo_ignore_broadcasts=0.
 * Routed multicast (a group beyond the link) needs a multicast router, which is not modelled.
 */
import { parseIpv6 } from "../parse/ipv6.ts";
import { parseIpv4 } from "./ipv4.ts";

/** Whether `addr` is a multicast group address (224.0.0.0/4, ff00::/8). */
export function isMulticastAddress(addr: string): boolean {
  if (addr.includes(":")) return addr.toLowerCase().startsWith("ff");
  const v = parseIpv4(addr);
  return v !== undefined && v >>> 28 === 0xe;
}

/** Whether group `addr` is link-local (224.0.0.0/24, ff02::/16): never routed, delivered on the link. */
export function isLinkLocalGroup(addr: string): boolean {
  if (addr.includes(":")) return addr.toLowerCase().startsWith("ff02:");
  const v = parseIpv4(addr);
  return v !== undefined && v >>> 8 === 0xe00000;
}

/** The Ethernet group address a packet to `group` is framed with (RFC 1112: 01:00:5e + 23 bits; RFC 2464: 33:33 + 32 bits). */
export function multicastMac(group: string): string {
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  if (group.includes(":")) {
    const g = parseIpv6(group) ?? [];
    const [a, b] = [g[6] ?? 0, g[7] ?? 0];
    return ["33", "33", hex(a >> 8), hex(a & 0xff), hex(b >> 8), hex(b & 0xff)].join(":");
  }
  const v = parseIpv4(group) ?? 0;
  return ["01", "00", "5e", hex((v >> 16) & 0x7f), hex((v >> 8) & 0xff), hex(v & 0xff)].join(":");
}
