/**
 * Runs one connection through the simulator: the first packet from a host to an address[:port],
 * then its follow-ups (the ICMP echo reply; the TCP handshake), or an explicit script of packets,
 * each sent from the side it belongs to with the addresses that side sees (NAT included).
 */

import { endpoint } from "../parse/summarize-packet.ts";
import { broadcastUnanswered } from "./broadcast-destination.ts";
import { isIcmpError } from "./conntrack.ts";
import { addressFamily, canonicalAddress } from "./ip-address.ts";
import { isLinkLocalGroup } from "./multicast-destination.ts";
import { routeLookup } from "./route.ts";
import { isIcmp } from "./sim-packet.ts";
import {
  type SendSpec,
  type SimulatedPacket,
  Simulator,
  type SimulatorOptions,
  type World,
} from "./simulate-packet.ts";
import { isBroadcastAddress } from "./topology.ts";

/** One packet of a connection's script. */
export interface ScriptItem {
  /** `request` from the initiator, `reply` from the responder. */
  direction: "request" | "reply";
  /** TCP flags, e.g. `["SYN"]`, `["ACK","SYN"]`. */
  tcpFlags?: string[];
  /** ICMP type (8 echo-request, 0 echo-reply; ICMPv6: 128 and 129). */
  icmpType?: number;
  /** IP total length (LEN). */
  len?: number;
  /** A SYN's or SYN-ACK's MSS option as recorded (LOG's `OPT`). Default: the sender's route's. */
  mss?: number;
  /** The TTL (hop limit) this packet is sent with. Default: the scenario's `ttl` for a request, else 64. */
  ttl?: number;
  /**
   * The addresses the recording shows for the packet, when it shows no transport header to tell what
   * it is (xtables-monitor prints none for ICMP): a REJECT's answer is then known by them. Default: none.
   */
  addrs?: { src: string; dst: string };
  /**
   * Sent but not part of the comparison: a packet the recording did not show (e.g. the SYN-ACK
   * of a trace whose TRACE rule matched only one direction) whose effect on conntrack it did.
   * Default false.
   */
  unseen?: boolean;
}

/** The connection to simulate. */
export interface ScenarioSpec {
  /** Lab host that opens the connection. */
  from: string;
  /** Destination address: IPv4, or IPv6 for an IPv6 connection. */
  to: string;
  /** `icmp` to an IPv6 address is ICMPv6 (echo request 128, reply 129). */
  proto: "icmp" | "tcp" | "udp";
  /** Source address (default: the route's). */
  src?: string;
  /** Source port (default 40000) for TCP/UDP. */
  sport?: number;
  /** Destination port (default 80) for TCP/UDP. */
  dport?: number;
  /** ICMP echo id (default 4242). */
  icmpId?: number;
  /** The TTL (hop limit) the initiator sends with, as `ping -t` sets it. Default 64. */
  ttl?: number;
  /**
   * The IP total length (LEN) of the initiator's ICMP or UDP packets, and of an echo reply (which carries
   * its request's data); a script item's own `len` wins. Default: per protocol (84 for a ping, 29 for UDP).
   */
  len?: number;
  /**
   * No socket listens on the destination port, and the host the request reaches answers it as the kernel
   * does: UDP with an ICMP port unreachable (ICMPv6 1/4), TCP with a reset, after which no socket answers
   * (a scripted reply is not sent) and a client the reset reached sends nothing more. The lab lists no
   * listening sockets, so this says it. Default false: a socket takes the request (and answers it when
   * the script has a reply).
   */
  closedPort?: boolean;
  /**
   * A next hop on one of the initiator's links its requests are framed to, its own routing skipped (see
   * `SendSpec.via`): how a packet reaches another host's loopback address. Default: its routes decide.
   */
  via?: string;
  /** The packets; default {@link defaultScript}. */
  script?: ScriptItem[];
}

/** The result: every packet sent, and why the script stopped early (if it did). */
export interface ScenarioResult {
  packets: SimulatedPacket[];
  simulator: Simulator;
  /**
   * The first packet that did not reach the host it is addressed to (a reply: the initiator; a later
   * request: the host the first one reached), and why. Later packets were sent only by a side that
   * still could (the initiator retransmits its SYN or pings again; a reply needs a request that
   * arrived, but a TCP SYN-ACK only a SYN that did: the peer retransmits it on its own timer; a TCP request
   * past the SYN needs a SYN-ACK that arrived), so the script may have ended
   * early. Default: every packet was delivered.
   */
  stopped?: string;
}

/** ICMP: echo request and reply (ICMPv6's with `v6`). TCP: SYN, SYN-ACK, ACK. UDP: one datagram. */
export function defaultScript(proto: "icmp" | "tcp" | "udp", v6 = false): ScriptItem[] {
  if (proto === "icmp")
    return [
      { direction: "request", icmpType: v6 ? 128 : 8 },
      { direction: "reply", icmpType: v6 ? 129 : 0 },
    ];
  if (proto === "tcp")
    return [
      { direction: "request", tcpFlags: ["SYN"] },
      { direction: "reply", tcpFlags: ["ACK", "SYN"] },
      { direction: "request", tcpFlags: ["ACK"] },
    ];
  return [{ direction: "request" }];
}

/** Simulates a connection in `world` (a fresh conntrack table); `options` decide undecided rules. */
export function runScenario(
  world: World,
  spec: ScenarioSpec,
  options: SimulatorOptions = {},
): ScenarioResult {
  const sim = new Simulator(world, options);
  const v6 = addressFamily(spec.to) === 6;
  const script = spec.script ?? defaultScript(spec.proto, v6);
  const sport = spec.proto === "icmp" ? undefined : (spec.sport ?? 40000);
  const dport = spec.proto === "icmp" ? undefined : (spec.dport ?? 80);
  const icmpId = spec.proto === "icmp" ? (spec.icmpId ?? 4242) : undefined;
  let initiatorSrc = spec.src;
  let responder:
    | { host: string; addr: string; port?: number; peer: string; peerPort?: number; tos?: number }
    | undefined;
  // ping numbers its requests 1, 2, ...; a reply carries its request's number.
  let seq = 0;
  // The first packet that was not delivered: later packets are still sent by a side that can send
  // (a client retransmits its SYN, ping sends its next request), as the kernel sees them.
  let undelivered: string | undefined;
  // Whether the latest request reached its destination: only then is there something to answer.
  let arrived = false;
  // A TCP initiator whose SYN got no SYN-ACK back (SYN-SENT) can only retransmit the SYN.
  let synSent = false;
  // What a REJECT sent back for the latest packet: a scripted ICMP error or RST is that packet, not sent again.
  let answer: SimulatedPacket | undefined;
  // Where the initiator's socket sent its first request, as it left (before any NAT).
  let asked: { dst: string; dport?: number } | undefined;
  // Whether the request reached its responder at a broadcast address.
  let broadcastAsked = false;
  // A TCP port no socket listens on reset the connection: `refused` once it did, `over` once the reset
  // reached the initiator (its connect failed: it sends nothing more).
  let refused = false;
  let over = false;
  for (const item of script) {
    if (answer && (isAnswerItem(item, v6) || isAnswerByAddress(item, answer))) {
      if (item.unseen) answer.unseen = true;
      answer = undefined;
      continue;
    }
    answer = undefined;
    // No socket is there to answer; only a SYN the initiator retransmits (its reset lost) is still sent.
    if (over || (refused && !(item.direction === "request" && item.tcpFlags?.includes("SYN")))) continue;
    const syn = item.tcpFlags?.includes("SYN") ?? false;
    if (item.direction === "request" && spec.proto === "tcp" && !syn && synSent) {
      arrived = false;
      continue;
    }
    if (item.direction === "request") seq++;
    let send: SendSpec;
    if (item.direction === "request") {
      send = {
        from: spec.from,
        to: spec.to,
        src: initiatorSrc,
        proto: spec.proto,
        sport,
        dport,
        icmpType: spec.proto === "icmp" ? (item.icmpType ?? (v6 ? 128 : 8)) : undefined,
        icmpId,
        icmpSeq: spec.proto === "icmp" ? seq : undefined,
        tcpFlags: item.tcpFlags,
        len: item.len ?? (spec.proto === "tcp" ? undefined : spec.len),
        ...(item.mss !== undefined ? { mss: item.mss } : {}),
        ...((item.ttl ?? spec.ttl) !== undefined ? { ttl: item.ttl ?? spec.ttl } : {}),
        ...(spec.closedPort ? { closedPort: true } : {}),
        ...(spec.via !== undefined ? { via: spec.via } : {}),
        direction: "request",
      };
    } else {
      if (!responder)
        return {
          packets: sim.packets,
          simulator: sim,
          stopped: undelivered ?? "a reply was scripted but no request reached its destination",
        };
      // A reply answers the request that arrived, but a TCP peer that got the SYN retransmits its
      // SYN-ACK on its own timer, whether the initiator's retransmission reached it or not.
      if (!arrived && !(spec.proto === "tcp" && item.tcpFlags?.includes("SYN"))) continue;
      send = {
        from: responder.host,
        to: responder.peer,
        src: responder.addr,
        proto: spec.proto,
        sport: responder.port,
        dport: responder.peerPort,
        icmpType: spec.proto === "icmp" ? (item.icmpType ?? (v6 ? 129 : 0)) : undefined,
        icmpId,
        icmpSeq: spec.proto === "icmp" ? seq : undefined,
        tcpFlags: item.tcpFlags,
        len: item.len ?? (spec.proto === "icmp" ? spec.len : undefined),
        ...(item.mss !== undefined ? { mss: item.mss } : {}),
        ...(item.ttl !== undefined ? { ttl: item.ttl } : {}),
        // An echo reply carries the TOS its request arrived with (the kernel's icmp_reply copies it);
        // a TCP or UDP socket sends with its own, 0.
        ...(spec.proto === "icmp" && responder.tos ? { tos: responder.tos } : {}),
        direction: "reply",
      };
    }
    const pkt = sim.send(send);
    if (item.unseen) pkt.unseen = true;
    answer = sim.packets.find((p) => p.answers === pkt.id);
    if (spec.closedPort && item.direction === "request" && answer?.sent.tcpFlags?.includes("RST")) {
      refused = true;
      const lost = missedReceiver(answer, spec.from);
      if (lost === undefined) over = true;
      else undelivered ??= `packet ${answer.id} (reply) was not delivered to ${spec.from}: ${lost}`;
    }
    if (item.direction === "request") initiatorSrc = pkt.sent.src;
    // A reply is for the initiator; a later request for the host the first one reached.
    const receiver = item.direction === "reply" ? spec.from : responder?.host;
    const missed = missedReceiver(pkt, receiver);
    if (item.direction === "request") asked ??= { dst: pkt.sent.dst, dport: pkt.sent.dport };
    // An answer to a broadcast comes from the responder's own address by design (see `ownSource`).
    const stranger =
      item.direction === "reply" && missed === undefined && !broadcastAsked
        ? notFromPeer(pkt, asked, spec.from)
        : undefined;
    if (stranger && spec.proto === "tcp") {
      undelivered ??= `packet ${pkt.id} (reply) ${stranger.seen}: no socket of ${spec.from} takes it (TCP answers it with a reset), so the connection fails; ${stranger.why}`;
      continue;
    }
    if (stranger)
      pkt.notes.push(
        `${stranger.seen}: a socket connected to that address does not take it (an unconnected one does); ${stranger.why}`,
      );
    if (item.direction === "request") {
      arrived = missed === undefined;
      if (spec.proto === "tcp" && syn) synSent = true;
    } else if (missed === undefined && syn) synSent = false;
    if (missed !== undefined) {
      undelivered ??= `packet ${pkt.id} (${item.direction}) was not delivered${receiver ? ` to ${receiver}` : ""}: ${missed}`;
      continue;
    }
    if (pkt.fate.kind !== "delivered" || !pkt.received) continue;
    if (item.direction === "request" && !responder) {
      const r = pkt.received;
      const group = isLinkLocalGroup(r.dst);
      broadcastAsked = group || (!r.v6 && isBroadcastAddress(sim.world.topology, pkt.fate.host, r.dst));
      const silent = broadcastAsked
        ? broadcastUnanswered(pkt.fate.host, r.dst, spec.proto, sim.world.sysctls, group)
        : undefined;
      if (silent !== undefined) {
        undelivered ??= `packet ${pkt.id} (request) gets no answer: ${silent}`;
        arrived = false;
        continue;
      }
      responder = {
        host: pkt.fate.host,
        // An answer to a broadcast comes from an address of the host's own (icmp_reply's spec_dst).
        addr: broadcastAsked ? ownSource(sim, pkt.fate.host, r.src, r.dst) : r.dst,
        port: r.dport,
        peer: r.src,
        peerPort: r.sport,
        ...(r.tos ? { tos: r.tos } : {}),
      };
    }
  }
  return { packets: sim.packets, simulator: sim, ...(undelivered ? { stopped: undelivered } : {}) };
}

/** The address `host` answers `peer` from: its route's preferred source toward `peer`. */
function ownSource(sim: Simulator, host: string, peer: string, fallback: string): string {
  const route = routeLookup(sim.world.topology, host, peer);
  return route.kind === "unicast" && route.src ? route.src : fallback;
}

/** Whether a scripted packet is what a REJECT sends: an ICMP (`v6`: ICMPv6) error, or a TCP RST. */
function isAnswerItem(item: ScriptItem, v6: boolean): boolean {
  return (
    (item.tcpFlags?.includes("RST") ?? false) ||
    isIcmpError({ proto: v6 ? "icmpv6" : "icmp", icmpType: item.icmpType })
  );
}

/**
 * Whether a scripted packet the recording shows without a transport header (no flags, no ICMP type)
 * is `answer`, the REJECT's answer just sent: it went between the same addresses, with the same
 * length where the recording shows one (a REJECT at the target's INPUT answers with the echo reply's
 * addresses, but an error quoting the request is longer than the reply).
 */
function isAnswerByAddress(item: ScriptItem, answer: SimulatedPacket): boolean {
  const a = item.addrs;
  return (
    item.tcpFlags === undefined &&
    item.icmpType === undefined &&
    (item.len === undefined || answer.sent.len === undefined || item.len === answer.sent.len) &&
    a !== undefined &&
    canonicalAddress(a.src) === canonicalAddress(answer.sent.src) &&
    canonicalAddress(a.dst) === canonicalAddress(answer.sent.dst)
  );
}

/**
 * How reply `pkt`, delivered to the initiator `host`, comes from another address or port than the
 * request went to (`asked`), and why, or undefined when it comes from there: the reply did not cross the host
 * that rewrote the request, so nothing undid its DNAT (a hairpin NAT without SNAT). ICMP is left alone:
 * a ping socket matches its replies by echo id.
 */
function notFromPeer(
  pkt: SimulatedPacket,
  asked: { dst: string; dport?: number } | undefined,
  host: string,
): { seen: string; why: string } | undefined {
  const r = pkt.received;
  if (!r || !asked || isIcmp(r)) return undefined;
  if (r.src === asked.dst && r.sport === asked.dport) return undefined;
  return {
    seen: `reached ${host} from ${endpoint(r.src, r.sport)}, but ${host} sent to ${endpoint(asked.dst, asked.dport)}`,
    why: "the reply did not cross the host that rewrote the request, so nothing undid its DNAT (for a hairpin NAT, SNAT the request too, e.g. with MASQUERADE, so the answer comes back through that host)",
  };
}

/**
 * Why `pkt` did not reach `receiver` (any host when undefined), or undefined when it did: a drop's or
 * loss's reason, or the host it ended at instead (e.g. consumed locally, not forwarded).
 */
function missedReceiver(pkt: SimulatedPacket, receiver: string | undefined): string | undefined {
  const f = pkt.fate;
  if (f.kind === "dropped" || f.kind === "lost") return f.reason;
  if (!pkt.received) return "not delivered";
  if (receiver !== undefined && f.host !== receiver) return `it was delivered to ${f.host} instead`;
  return undefined;
}
