/**
 * What a bridge does with a packet longer than the MTU of the port it leaves by, after that port's
 * POSTROUTING (kernel 6.18, a bridge with ports of 1500 and 1400 bytes, counters in the bridge and inet
 * forward and postrouting chains, tcpdump behind the 1400-byte port):
 * - without br_netfilter (br_dev_queue_push_xmit): a frame up to 4 bytes over the MTU passes (room for a
 *   VLAN tag; a 1404-byte ping crossed), a longer one is dropped, DF or not, IPv4 or IPv6, uncounted
 *   and with no ICMP error;
 * - with br_netfilter (br_nf_dev_queue_xmit), for a packet its PREROUTING saw: an IPv4 packet without DF
 *   longer than the MTU is cut to fragments of the port's MTU (1500 bytes: 1396 and 124), one with DF is
 *   dropped (IpFragFails), even 1404 bytes; an IPv6 packet longer than the MTU is dropped (Ip6FragFails).
 *   An IPv4 fragment longer than the MTU is cut again (its 1500 bytes: 1396 and 124), an IPv6 one dropped.
 * A TCP packet longer than the MTU is a GSO one, cut to segments instead, and passes.
 *
 * br_netfilter cuts by the bridge device's own MTU, not the port's (its fake route's MTU is the bridge's;
 * kernel 6.18, test/fixtures/kernel-probes/bridge-brnf-fragments/record.sh, a 1450-byte ping without DF to a
 * 1400-byte port, no conntrack in the bridge's namespace: bridge MTU 1400, 1396 bytes and a later fragment
 * crossed; 1300, 1300 bytes and a later fragment crossed; 1500, the packet was "cut" to one 1450-byte
 * fragment (IpFragOKs 1, IpFragCreates 1) and nothing crossed. A 2028-byte ping sent as 1500 and 548 bytes
 * likewise: at a bridge MTU of 1500 only the 548-byte fragment crossed).
 */
import type { SimPacket } from "./sim-packet.ts";

/** Bytes over its MTU a device takes in a frame (is_skb_forwardable's VLAN_HLEN). */
export const VLAN_SLACK = 4;

/**
 * The bridge's answer: the frame fits, br_netfilter cuts it to fragments of `mtu` bytes at most (the
 * bridge's own MTU), or it is dropped (why).
 */
export type PortMtuFate =
  | { kind: "fits" }
  | { kind: "fragment"; mtu: number }
  | { kind: "lost"; reason: string };

/** The longest fragment IPv4 cuts `size` bytes into at `mtu` (each but the last carries a multiple of 8 bytes). */
function firstFragment(size: number, mtu: number): number {
  return size <= mtu ? size : Math.floor((mtu - 20) / 8) * 8 + 20;
}

/**
 * What `bridge` of `host` does with `p` leaving by `port`, whose MTU is `mtu`; `brnf`: br_netfilter's
 * PREROUTING took the frame (`bridge-nf-call-iptables`/`ip6tables` on and the frame came in by a port);
 * `bridgeMtu`: the bridge device's own MTU, which br_netfilter cuts by.
 */
export function bridgePortMtu(
  host: string,
  bridge: string,
  port: string,
  mtu: number,
  p: SimPacket,
  brnf: boolean,
  bridgeMtu: number,
): PortMtuFate {
  // Sent in fragments, it is judged by its longest (kernel 6.18: a 2028-byte ping cut to 1500 and 548
  // bytes lost its first at a 1400-byte port; cut to 1396 and 652, it crossed).
  const size = p.fragSize ?? p.len;
  if (p.proto === "tcp" || size <= mtu) return { kind: "fits" };
  const what = p.fragSize === undefined ? `this ${p.len}-byte packet` : `this packet's ${size}-byte fragment`;
  if (!brnf) {
    if (size <= mtu + VLAN_SLACK) return { kind: "fits" };
    return {
      kind: "lost",
      reason: `${host}/${bridge} drops ${what} at ${port}, whose MTU is ${mtu}: a bridge does not fragment, and sends no ICMP error`,
    };
  }
  if (!p.v6 && !p.ipFlags.includes("DF")) {
    const piece = firstFragment(size, bridgeMtu);
    if (piece <= mtu + VLAN_SLACK) return { kind: "fragment", mtu: bridgeMtu };
    return {
      kind: "lost",
      reason: `${host}/${bridge} drops ${what} at ${port}, whose MTU is ${mtu}: br_netfilter cuts by ${bridge}'s own MTU, ${bridgeMtu}, not ${port}'s, so ${piece === size ? `it stays ${size} bytes` : `its first fragment is ${piece} bytes`}, too long for ${port}; no ICMP error is sent`,
    };
  }
  const why = p.v6 ? "an IPv6 packet may not be fragmented on the way" : "its DF bit forbids fragmenting it";
  return {
    kind: "lost",
    reason: `${host}/${bridge} drops ${what} at ${port}, whose MTU is ${mtu}: br_netfilter would fragment it, but ${why}; no ICMP error is sent`,
  };
}
