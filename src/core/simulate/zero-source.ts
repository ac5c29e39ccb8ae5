/**
 * Packets from the zero network (0.0.0.0/8), which a host with no IPv4 address to send from puts on the
 * wire. Checked on kernel 6.18: a namespace whose only IPv4 address was lo's 127.0.0.1 sent a ping, a UDP
 * datagram and a TCP SYN through a route `dev x0` from 0.0.0.0 (`ip route get` named no `src`, counters
 * on `ip saddr 0.0.0.0` in output counted each); the receiving namespace counted the ping in prerouting,
 * not in input.
 */
import { parseIpv4 } from "./ipv4.ts";

/** The source a host sends an IPv4 packet from when it has no address the kernel can pick. */
export const NO_SOURCE_V4 = "0.0.0.0";

/**
 * Why `host` drops, at routing, an IPv4 packet from 0.0.0.0/8 arrived on `dev` (ip_route_input_slow
 * takes that source only toward the limited broadcast, as a DHCP discover is sent), or undefined.
 */
export function zeroSourceDrop(host: string, dev: string, src: string, dst: string): string | undefined {
  const v = parseIpv4(src);
  if (v === undefined || v >>> 24 !== 0 || dev === "lo" || dst === "255.255.255.255") return undefined;
  return `${host} drops it at routing: its source ${src} is in 0.0.0.0/8, which the kernel accepts only toward the limited broadcast 255.255.255.255 (a martian source)`;
}
