/**
 * IPv4 broadcast destinations in the walk: how a host sends one (no gateway, the broadcast MAC), where
 * the host it reaches takes it (its own, delivered to INPUT, never forwarded) and whether that host
 * answers (checked on kernel 6.18: `ping -b` to a router's subnet broadcast crossed INPUT, where
 * `--dst-type BROADCAST` and `meta pkttype broadcast` matched, and got no reply by default).
 */
import { parseIpv4 } from "./ipv4.ts";
import { addressOnInterface, type Topology } from "./topology.ts";

/** The Ethernet broadcast address a broadcast packet is framed with. */
export const BROADCAST_MAC = "ff:ff:ff:ff:ff:ff";

/**
 * Whether `host` sends a packet to `dst` out of `dev` as a broadcast: the limited broadcast
 * (255.255.255.255), or the directed broadcast of one of `dev`'s own subnets. The kernel's route is
 * then RTN_BROADCAST, which has no gateway: the frame goes to {@link BROADCAST_MAC} on the link.
 * A directed broadcast of a subnet further away is routed like any address until its last router.
 */
export function sentAsBroadcast(topo: Topology, host: string, dev: string, dst: string): boolean {
  return parseIpv4(dst) === 0xffffffff || addressOnInterface(topo, host, dev, dst) === "broadcast";
}

/**
 * Why `host`, having received a packet at broadcast address `dst`, sends no answer to it, or undefined
 * when it answers. TCP takes no segment that is not addressed to the host itself (tcp_v4_rcv discards
 * it, no RST); an ICMP echo request is ignored while `net.ipv4.icmp_echo_ignore_broadcasts` is 1, its
 * default. UDP: a bound socket takes the datagram, so it may answer. `group`: `dst` is a multicast group
 * (default: a broadcast address).
 */
export function broadcastUnanswered(
  host: string,
  dst: string,
  proto: "icmp" | "tcp" | "udp",
  sysctls: Readonly<Record<string, string>>,
  group = false,
): string | undefined {
  // A multicast group is answered alike (icmp_echo_ignore_broadcasts covers both); IPv6 answers an echo to a group.
  const what = group ? "multicast group" : "broadcast address";
  if (proto === "tcp")
    return `${host} received it at ${what} ${dst}, and TCP answers nothing sent to a ${what} (the kernel discards such a segment without a reset)`;
  const ignore = sysctls["net.ipv4.icmp_echo_ignore_broadcasts"] ?? "1";
  if (proto === "icmp" && !dst.includes(":") && ignore !== "0")
    return `${host} received it at ${what} ${dst} and ignores an echo request sent to a ${what} (net.ipv4.icmp_echo_ignore_broadcasts=${ignore}${ignore === "1" ? ", the kernel's default" : ""}; set it to 0 in the lab's sysctls for a reply)`;
  return undefined;
}
