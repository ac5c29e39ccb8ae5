/**
 * The packet as the simulator carries it between hooks: L2, L3, L4 fields, mark, and its conntrack
 * attachment. Snapshots of it are what each simulated log line shows.
 */
import type { ConnEntry } from "./conntrack.ts";

/** A packet in flight. */
export interface SimPacket {
  src: string;
  dst: string;
  proto: "icmp" | "tcp" | "udp";
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  icmpSeq?: number;
  tcpFlags?: string[];
  seq?: number;
  ack?: number;
  window?: number;
  ttl: number;
  id: number;
  len: number;
  /** `DF` etc. */
  ipFlags: string[];
  mark: number;
  macSrc?: string;
  macDst?: string;
  /** The conntrack entry and which direction this packet is in, once looked up. */
  ct?: { entry: ConnEntry; dir: "original" | "reply"; state: CtState };
}

/** Conntrack states as `--ctstate` names them. */
export type CtState = "NEW" | "ESTABLISHED" | "RELATED" | "INVALID" | "UNTRACKED";

/** A copy of the fields a log line prints (no conntrack link). */
export type PacketSnapshot = Omit<SimPacket, "ct">;

/** Copies the printable fields. */
export function snapshot(p: SimPacket): PacketSnapshot {
  const { ct: _ct, ...rest } = p;
  return { ...rest, tcpFlags: rest.tcpFlags ? [...rest.tcpFlags] : undefined, ipFlags: [...rest.ipFlags] };
}
