/**
 * Builds the packet a REJECT sends back (see `reject-answer.ts` for which): its addresses, header
 * fields and conntrack attachment, as nf_send_unreach (icmp_send, icmp6_send) and nf_send_reset
 * build them. Pure: the rejected packet in, the answer out; the simulator sends it from the host.
 */
import type { RejectAnswer, RejectFamily } from "./reject-answer.ts";
import { type SimPacket, snapshot } from "./sim-packet.ts";

/** IPv4: an ICMP error quotes at most 576 bytes less its own IP and ICMP headers (icmp_send). */
const V4_QUOTE_MAX = 576 - 20 - 8;
/** IPv6: an ICMPv6 error fits the minimum MTU, 1280 bytes, with its own headers (icmp6_send). */
const V6_QUOTE_MAX = 1280 - 40 - 8;
/** IPv4: nf_reject_skb_v4_unreach (a bridge family's reject) quotes at most 536 bytes. */
const V4_BRIDGE_QUOTE_MAX = 536;
/** IPTOS_PREC_INTERNETCONTROL: the precedence icmp_send gives an error. */
const PREC_INTERNETCONTROL = 0xc0;
/** IPTOS_TOS_MASK: the TOS bits icmp_send keeps of the quoted packet's. */
const TOS_MASK = 0x1e;

/**
 * The answer to `rejected` (as it was when rejected), from `src` (for an ICMP error: chosen by the
 * caller by routing back; a RST always comes from the rejected packet's destination), an ICMP error
 * with IPv4 id `id`. An ICMP error quotes the rejected packet and carries its echo id (the model's
 * stand-in for the quoted header); a RST swaps the ports, has id 0 and window 0, and is `RST,ACK` unless
 * the rejected segment had ACK set (nf_reject_ip_tcphdr_put). Both get the rejected packet's connection, attached as the kernel's
 * nf_ct_attach does: RELATED, in the other direction (so `--ctstate RELATED` matches a RST too, and
 * the connection's NAT is undone on it at the nat hooks); none when the rejected packet had none.
 * A bridge family's reject (`family` "bridge", nf_reject_skb_v4_unreach and _tcp_reset) sends either
 * with IPv4 id 0, DF and TOS 0, an ICMP error quoting at most 536 bytes, and attaches no connection
 * (kernel 6.18 capture of the same builders under nft_reject_netdev, nft-bridge-reject).
 */
export function rejectPacket(
  rejected: SimPacket,
  answer: RejectAnswer,
  src: string,
  id: number,
  family: RejectFamily = "ip",
): SimPacket {
  const v6 = !!rejected.v6;
  const bridge = family === "bridge";
  const ct = !bridge &&
    rejected.ct && {
      entry: rejected.ct.entry,
      dir: rejected.ct.dir === "original" ? ("reply" as const) : ("original" as const),
      state: "RELATED" as const,
    };
  const common = {
    ...(v6 ? { v6 } : {}),
    dst: rejected.src,
    ttl: 64,
    id,
    mark: 0,
    ...(ct ? { ct } : {}),
  };
  if (answer.kind === "tcp-reset") {
    const acked = rejected.tcpFlags?.includes("ACK") ?? false;
    return {
      ...common,
      src: rejected.dst,
      proto: "tcp",
      sport: rejected.dport,
      dport: rejected.sport,
      tcpFlags: acked ? ["RST"] : ["ACK", "RST"],
      // nf_reject_iphdr_put sets id 0 and nf_reject_ip_tcphdr_put a zeroed header's window (kernel 6.18,
      // test/fixtures/closed-port-reset/capture.txt: `ID=0 DF ... WINDOW=0 ... ACK RST`).
      id: 0,
      window: 0,
      len: v6 ? 60 : 40,
      // nf_reject_iphdr_put sets DF; IPv6 has no such flag.
      ipFlags: v6 ? [] : ["DF"],
    };
  }
  const quoted = snapshot(rejected);
  const quote = Math.min(rejected.len, v6 ? V6_QUOTE_MAX : bridge ? V4_BRIDGE_QUOTE_MAX : V4_QUOTE_MAX);
  const tos = v6 || bridge ? 0 : ((rejected.tos ?? 0) & TOS_MASK) | PREC_INTERNETCONTROL;
  return {
    ...common,
    src,
    proto: v6 ? "icmpv6" : "icmp",
    icmpType: answer.type,
    icmpCode: answer.code,
    ...(rejected.icmpId !== undefined ? { icmpId: rejected.icmpId } : {}),
    len: (v6 ? 48 : 28) + quote,
    ipFlags: bridge && !v6 ? ["DF"] : [],
    ...(tos ? { tos } : {}),
    quoted,
  };
}
