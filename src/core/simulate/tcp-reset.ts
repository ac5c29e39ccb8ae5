/**
 * The reset a host's TCP stack sends for a segment no socket takes (a closed port): tcp_v4_send_reset
 * and tcp_v6_send_reset, sent from the kernel's own control socket through the host's OUTPUT and
 * POSTROUTING hooks. Unlike a REJECT's reset it carries no connection: conntrack finds the segment's
 * connection for it, in the reply direction, so its NAT is undone like any reply's.
 *
 * Kernel 6.18 (test/fixtures/closed-port-reset/capture.txt): a SYN with TOS 0x10 to a closed port got
 * `LEN=40 TOS=0x10 PREC=0x00 TTL=64 ID=0 DF ... WINDOW=0 RES=0x00 ACK RST` at the host's OUTPUT, where
 * `ct state established` counted it; over IPv6 `LEN=60 TC=16 HOPLIMIT=64`; a DNATed SYN's reset left the
 * router un-DNATed; `conntrack -L` listed no connection afterwards. A SYN sent with TOS 0x13 got a reset
 * of TOS 0x10 (no ECN bits), a bare ACK a reset of flags `RST` alone.
 */
import type { SimPacket } from "./sim-packet.ts";

/** INET_ECN_MASK: the two ECN bits of the TOS byte, which the reset does not copy. */
const ECN_MASK = 0x03;

/**
 * Why the host's TCP stack sends no reset for segment `p`, or undefined when it sends one: none for a
 * reset, nor for a segment not addressed to the host alone (tcp_v4_rcv discards a broadcast or multicast
 * one; tcp_v4_send_reset answers only a route of type local). `broadcast`: `p.dst` is a broadcast
 * address of the host's.
 */
export function resetRefused(p: SimPacket, broadcast: boolean): string | undefined {
  if (p.tcpFlags?.includes("RST")) return "the kernel answers no reset with a reset";
  if (broadcast || p.pktType === "broadcast" || p.pktType === "multicast")
    return "TCP answers nothing sent to a broadcast or multicast address";
  return undefined;
}

/**
 * The reset answering segment `p` (as it arrived): from its destination to its source, ports swapped,
 * `RST,ACK` for a segment without ACK (a SYN: seq 0, ack its seq + 1) or `RST` alone for one with ACK
 * (seq its ack); window 0, TTL (hop limit) 64, the segment's TOS (traffic class) without its ECN bits;
 * IPv4 id 0 with DF, as the control socket sends it. Sequence numbers are not modelled (a LOG line shows
 * them only with --log-tcp-sequence); IPv6's flow label stays 0, as the simulator's other packets
 * (the kernel gives the reset a hashed one: FLOWLBL=579177 in the capture).
 */
export function closedPortReset(p: SimPacket): SimPacket {
  const v6 = !!p.v6;
  const acked = p.tcpFlags?.includes("ACK") ?? false;
  const tos = (p.tos ?? 0) & ~ECN_MASK;
  return {
    ...(v6 ? { v6 } : {}),
    src: p.dst,
    dst: p.src,
    proto: "tcp",
    sport: p.dport,
    dport: p.sport,
    tcpFlags: acked ? ["RST"] : ["ACK", "RST"],
    window: 0,
    ttl: 64,
    id: 0,
    len: v6 ? 60 : 40,
    ipFlags: v6 ? [] : ["DF"],
    mark: 0,
    ...(tos ? { tos } : {}),
  };
}
