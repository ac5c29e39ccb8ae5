/**
 * The packet as the simulator carries it between hooks: L2, L3, L4 fields, mark, and its conntrack
 * attachment. Snapshots of it are what each simulated log line shows.
 */
import type { ConnEntry, CtZone } from "./conntrack.ts";
import type { PktType } from "./ruleset.ts";
import type { PacketSocket } from "./socket-owner.ts";

/** A packet in flight. */
export interface SimPacket {
  /**
   * The socket the netfilter host sends it from, for owner matches: `program` (a user the lab does not
   * give), `kernel` (its own: echo replies, ICMP errors), `none` (a REJECT's TCP reset). Default: not
   * sent by the netfilter host.
   */
  socket?: PacketSocket;
  /** An IPv6 packet: addresses in canonical form, `ttl` is the hop limit. Default: IPv4. */
  v6?: boolean;
  src: string;
  dst: string;
  /** `icmpv6` only in IPv6 packets, `icmp` only in IPv4 ones. */
  proto: "icmp" | "icmpv6" | "tcp" | "udp";
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  icmpSeq?: number;
  tcpFlags?: string[];
  /**
   * The TCP MSS option's value: Linux puts one on SYN and SYN-ACK segments only (the sender's route's MTU
   * less the headers: 1460 behind a 1500-byte MTU, 1440 for IPv6), which `-j TCPMSS` and nft's `tcp option maxseg size set` may lower. Default: no
   * MSS option. Not part of a snapshot (a LOG line prints it only with --log-tcp-options).
   */
  mss?: number;
  seq?: number;
  ack?: number;
  window?: number;
  /** TTL, or an IPv6 packet's hop limit. */
  ttl: number;
  /** IPv4 identification (IPv6 has none; kept for the simulator's own numbering). */
  id: number;
  /** IPv6 flow label (`FLOWLBL=`). Default 0. */
  flowLabel?: number;
  len: number;
  /** `DF` etc. */
  ipFlags: string[];
  mark: number;
  /** The IPv4 TOS byte or IPv6 traffic class (DSCP in its top six bits). Default 0, as sockets send. */
  tos?: number;
  /**
   * How the last frame that carried it was addressed (`skb->pkt_type`), set where a host receives it.
   * Default `host`: a packet the host sends itself. Not part of a snapshot (no log line prints it).
   */
  pktType?: PktType;
  macSrc?: string;
  macDst?: string;
  /**
   * An ARP frame, not an IP packet (the walk's own ARP requests and replies, run through the bridge chains),
   * by its operation: `src` and `dst` are its sender's and target's addresses, `macSrc` the sender's MAC,
   * and no IP or transport match holds for it. Default: an IP packet.
   */
  arp?: "request" | "reply";
  /** Set by ebtables `-j redirect`: the bridge takes the frame as its own after its PREROUTING hook. */
  toBridge?: boolean;
  /**
   * Set by nft `notrack` before conntrack saw the packet: conntrack leaves it alone (no entry, no NAT)
   * and its state reads `untracked`. Default: tracked.
   */
  untracked?: true;
  /**
   * The zone a raw rule (`-j CT --zone`, `ct zone set`) gave the packet before conntrack saw it: its lookup,
   * and a connection it makes, are in that zone. Default: zone 0. Not part of a snapshot.
   */
  ctZone?: CtZone;
  /**
   * Conntrack looked the packet up and found no connection for it (INVALID): it is not looked up again at a
   * later chain of the hook (the kernel looks a packet up once), not even after a zone template is set.
   */
  ctInvalid?: true;
  /**
   * Set when an unmodelled statement or target that may set the mark acted (`xt target "MARK"`,
   * `meta mark set ct mark and 0xff`): what it was, with its line. A later mark match is undecided
   * until a rule sets the whole mark. Default: the mark is known.
   */
  markUnknown?: string;
  /**
   * An ICMP error's quoted packet (the one a REJECT answered), as the error carries it: NAT of its
   * connection undone on it as it passes the nat hooks. Default: none (not an error, or not modelled).
   */
  quoted?: PacketSnapshot;
  /**
   * The longest fragment it crossed a link in, once a host sent it in fragments (a bridge port judges the
   * fragments, not the whole). Default: sent whole. Not part of a snapshot.
   */
  fragSize?: number;
  /** The next-hop MTU an ICMP fragmentation needed or ICMPv6 packet too big carries (LOG's `MTU=`). */
  icmpMtu?: number;
  /** The conntrack entry and which direction this packet is in, once looked up. */
  ct?: { entry: ConnEntry; dir: "original" | "reply"; state: CtState };
}

/** True for an ICMP or ICMPv6 packet: no ports, an echo id instead. */
export function isIcmp(p: { proto: string }): boolean {
  return p.proto === "icmp" || p.proto === "icmpv6";
}

/** Conntrack states as `--ctstate` names them. */
export type CtState = "NEW" | "ESTABLISHED" | "RELATED" | "INVALID" | "UNTRACKED";

/** A copy of the fields a log line prints (no conntrack link). */
export type PacketSnapshot = Omit<
  SimPacket,
  "ct" | "pktType" | "ctZone" | "ctInvalid" | "mss" | "socket" | "fragSize"
>;

/** Copies the printable fields. */
export function snapshot(p: SimPacket): PacketSnapshot {
  const {
    ct: _ct,
    pktType: _pktType,
    ctZone: _ctZone,
    ctInvalid: _ctInvalid,
    mss: _mss,
    socket: _socket,
    fragSize: _fragSize,
    ...rest
  } = p;
  return {
    ...rest,
    tcpFlags: rest.tcpFlags ? [...rest.tcpFlags] : undefined,
    ipFlags: [...rest.ipFlags],
    ...(rest.quoted ? { quoted: snapshot(rest.quoted) } : {}),
  };
}
