/**
 * Walks packets through a lab the way the kernel would: from a host's socket through routing, the
 * veth links, the bridge (with br_netfilter running the IPv4 hooks from inside it when
 * `bridge-nf-call-iptables=1`), the IPv4 hooks with their tables in priority order, conntrack and
 * NAT, to the host that receives it. Rules run only on the lab's Docker host (the one netfilter
 * host); the other hosts just route and answer.
 */

import type { HookId } from "../model/hook.ts";
import { isGroupMac } from "../model/mac-address.ts";
import { endpoint } from "../parse/summarize-packet.ts";
import { type ArpEnds, type ArpHop, arpFrame, arpHookLegs, arpLegs, arpSlots } from "./arp-filter.ts";
import { bridgePorts, fdbLookup, neighbourMac } from "./bridge-fdb.ts";
import { bridgePortMtu, VLAN_SLACK } from "./bridge-port-mtu.ts";
import { BROADCAST_MAC, sentAsBroadcast } from "./broadcast-destination.ts";
import { ConntrackTable, tcpLooseOf } from "./conntrack.ts";
import { breakNote } from "./ct-break.ts";
import { natChanged } from "./ct-status.ts";
import { flowOffloadWords, OFFLOAD_SKIPS } from "./flow-offload-words.ts";
import { type HookSlot, hookSlots } from "./hook-order.ts";
import { ICMP_ERROR_BURST, icmpErrorLimited, icmpErrorLimitNote } from "./icmp-rate-limit.ts";
import { addressFamily, canonicalAddress } from "./ip-address.ts";
import { type KernelErrorCause, kernelError, kernelErrorName } from "./kernel-icmp-error.ts";
import type { MatchContext } from "./match-rule.ts";
import { isLinkLocalGroup, isMulticastAddress, multicastMac } from "./multicast-destination.ts";
import { applyNat, type ManipType, natNeedsChain, setBinding } from "./nat.ts";
import {
  linkLocalOf,
  type NdLeg,
  ndDropAlong,
  ndPacket,
  solicitedNode,
} from "./neighbour-discovery-filter.ts";
import { netmapAddress } from "./netmap-address.ts";
import { clientSees, icmpErrorRefused, rejectAnswer } from "./reject-answer.ts";
import { rejectPacket } from "./reject-packet.ts";
import { confKey, reversePathDrop } from "./reverse-path-filter.ts";
import { type RefusingRoute, routeLookup } from "./route.ts";
import {
  type ChooseWay,
  type LogHit,
  type NatAction,
  type RuleStep,
  runChain,
  type Unmodelled,
} from "./rule-engine.ts";
import type { PktType, Ruleset, TableDef } from "./ruleset.ts";
import { type CtState, isIcmp, type PacketSnapshot, type SimPacket, snapshot } from "./sim-packet.ts";
import { socketAt } from "./socket-owner.ts";
import { advertisedMss } from "./tcp-mss.ts";
import { closedPortReset, resetRefused } from "./tcp-reset.ts";
import {
  addressOnInterface,
  hostIfaces,
  type IfaceInfo,
  ifaceKey,
  isBroadcastAddress,
  isLocalAddress,
  linkPeer,
  localSource,
  type Topology,
} from "./topology.ts";
import { NO_SOURCE_V4, zeroSourceDrop } from "./zero-source.ts";

/** One chain (base chain of one table) the packet crossed. */
export interface HookEvent {
  hook: HookId;
  /** `ip` or `ip6` (the packet's family) for IP hooks, `bridge` for the bridge's. */
  family: "ip" | "ip6" | "bridge";
  table: string;
  chain: string;
  in?: string;
  out?: string;
  physIn?: string;
  physOut?: string;
  /** The packet as the chain saw it on entry (what a LOG rule at the top prints). */
  packet: PacketSnapshot;
  /** Rules that matched, jumps, returns and the policy, in order. */
  steps: RuleStep[];
  /** LOG rules that fired in this chain (in order). */
  logs: LogHit[];
  /** The table's verdict. */
  verdict: string;
  /** True when an unmodelled rule was met here or before (the result is uncertain from there). */
  uncertain: boolean;
  /** True when a TRACE rule marked the packet here or before (xtables-monitor would show this chain). */
  traced: boolean;
}

/** How a simulated packet ended. */
export type Fate =
  | { kind: "delivered"; host: string }
  | { kind: "dropped"; hook?: HookId; reason: string; rule?: RuleStep }
  | { kind: "lost"; reason: string };

/** One simulated packet. */
export interface SimulatedPacket {
  /** Simulated for its effect on conntrack only: the recording did not show it (see `ScriptItem.unseen`). */
  unseen?: boolean;
  /** 1-based. */
  id: number;
  direction: "request" | "reply";
  /**
   * Sent by the netfilter host's own kernel in answer to packet `answers` (its id), which a REJECT
   * rejected: the ICMP error or TCP RST. Default: sent by a host's program.
   */
  answers?: number;
  /** The host that sent it. */
  from: string;
  /** As sent. */
  sent: PacketSnapshot;
  events: HookEvent[];
  fate: Fate;
  /** As it arrived (when delivered). */
  received?: PacketSnapshot;
  unmodelled: Unmodelled[];
  /**
   * Things the model noticed but does not simulate further (e.g. the ICMP error a REJECT sends), and
   * why a rule the packet reached did not match where that is not its matches (an nftables rule abandoned
   * because the packet has no connection).
   */
  notes: string[];
}

/**
 * A port the kernel chooses when it NATs a connection, which the simulator cannot know: drawn at
 * random (`random`: `--random`, `--random-fully`, nft `random`/`fully-random`), or any free one of a
 * source NAT's port range (`range`: the packet's own when it lies inside and no other connection holds
 * it, else one drawn from the range). The simulator shows `port` (the range's lowest, or the packet's own).
 */
export interface PortChoice {
  /** The address the port goes with (the NAT's, as the connection is bound to it). */
  addr: string;
  /** The port the simulation shows. */
  port: number;
  /** The range the kernel takes it from. */
  lo: number;
  hi: number;
  /** The hook whose NAT bound it, and the target (`MASQUERADE`, `SNAT`...). */
  hook: string;
  target: string;
  why: "random" | "range";
}

/** Everything the simulator needs about the world. */
export interface World {
  topology: Topology;
  ruleset: Ruleset;
  /** `legacy` or `nft` ebtables (hook priorities differ). */
  ebtables: "nft" | "legacy";
  /** Sysctls in effect (lab's, overridden by the scenario's). */
  sysctls: Record<string, string>;
}

/** Options of one packet to send. */
export interface SendSpec {
  from: string;
  /** Destination address, IPv4 or IPv6 (which makes the packet IPv6). */
  to: string;
  /** `icmp` to an IPv6 address is ICMPv6. */
  proto: "icmp" | "tcp" | "udp";
  /** Source address; default: chosen by the route. */
  src?: string;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpId?: number;
  icmpSeq?: number;
  tcpFlags?: string[];
  /** IP payload length (LEN); default per protocol. */
  len?: number;
  /** The TOS byte (traffic class) it is sent with. Default 0. */
  tos?: number;
  /** The TTL (hop limit) it is sent with (`ping -t`). Default 64. */
  ttl?: number;
  /**
   * No socket listens on the destination port (the lab lists no listening sockets), so the host it is
   * delivered to answers it: UDP with an ICMP port unreachable (udp_rcv's icmp_send), TCP with a reset
   * (tcp_v4_send_reset, see tcp-reset.ts). Default false: a socket takes it.
   */
  closedPort?: boolean;
  /**
   * A next hop on one of the sender's links: the packet is framed to its MAC and put on that link, the
   * sender's own routing skipped, as a hand-made frame from a packet socket is (how a packet reaches
   * another host's loopback address: the sender's kernel would deliver it to itself). Not from the
   * netfilter host. Kernel 6.18: wan's hand-made SYN to the Docker host's MAC with destination
   * 127.0.0.1:8080 met raw-PREROUTING's "DROP REMOTE LOOPBACK" (test/fixtures/docker29-nft-labs).
   * Default: the sender's routes decide.
   */
  via?: string;
  /**
   * A SYN's or SYN-ACK's MSS option, as a recording shows it. Default: what the sender's route gives,
   * its MTU less the IP and TCP headers (see tcp-mss.ts).
   */
  mss?: number;
  direction: "request" | "reply";
}

/**
 * The key that names one undecided rule met by one packet at one base chain: packet id, hook,
 * the rule's chain and position. {@link SimulatorOptions.ways} maps these keys to ways.
 */
export function forkKey(packet: number, hook: string, chain: string, index: number): string {
  return `${packet} ${hook} ${chain} ${index}`;
}

/** How a simulation decides what the model cannot. */
export interface SimulatorOptions {
  /**
   * Rules followed both ways whose ways differ, by {@link forkKey}: the way to walk (see
   * `ChooseWay`). Default: none, every such rule walked as if it did not match (a pick: its first choice;
   * a rate limit a fresh bucket passes: as if it matched).
   */
  ways?: ReadonlyMap<string, number>;
  /**
   * Every neighbour is resolved before the walk (the capture lab's static entries, or a recording that shows
   * the packets sent): no ARP or neighbour discovery is run through the chains. Default false: a host
   * resolves its neighbours as a real one does, and a chain that drops the exchange loses the packet.
   */
  staticNeighbours?: boolean;
}

/**
 * br_netfilter's priority in each bridge hook it calls the IP hook from: NF_BR_PRI_BRNF, 0, at both
 * (kernel 6.18, test/fixtures/kernel-probes/bridge-brnf-hook-order: a bridge forward chain at -1 ran
 * before IP FORWARD and one at 1 after it, whichever was registered first).
 */
const BRNF_PRIORITY: Record<string, number> = { PREROUTING: 0, FORWARD: 0 };

/** A stateful simulation: one conntrack table shared by every packet sent through it. */

export class Simulator {
  readonly world: World;
  private readonly ways: ReadonlyMap<string, number>;
  readonly conntrack: ConntrackTable;
  readonly packets: SimulatedPacket[] = [];
  /** The NAT ports the kernel chooses that the simulation only shows one of, in the order they were bound. */
  readonly portChoices: PortChoice[] = [];
  private nextIpId = 4000;
  /** Rate-limited ICMP errors sent, by `host>destination` (see icmp-rate-limit.ts). */
  private icmpErrors = new Map<string, number>();
  private cur!: SimulatedPacket;
  private uncertain = false;
  private tracing = false;
  /** The REJECT that ended the current packet's walk, if one did: the answer is sent once the walk is over. */
  private rejected: Rejected | undefined;
  /** The ICMP error a host's own stack sends about the current packet (see `kernel-icmp-error.ts`), once its walk is over. */
  private kernelErr: KernelErr | undefined;
  /** The packet being sent is UDP or TCP to a port no socket listens on (see `SendSpec.closedPort`). */
  private closedPort = false;
  /** `host address` pairs whose neighbour entry the walk made: asked once (see `arpFilter`, `ndFilter`). */
  private readonly neighbours = new Set<string>();
  private readonly staticNeighbours: boolean;

  constructor(world: World, options: SimulatorOptions = {}) {
    this.world = world;
    this.ways = options.ways ?? new Map();
    this.staticNeighbours = options.staticNeighbours ?? false;
    // The kernel's default: a bare ACK with no connection is picked up mid-stream (NEW).
    this.conntrack = new ConntrackTable({ tcpLoose: tcpLooseOf(this.world.sysctls) });
  }

  private get nfHost(): string | undefined {
    return this.world.topology.netfilterHost;
  }

  private sysctl(key: string, fallback: string): string {
    return this.world.sysctls[key] ?? fallback;
  }

  /** Whether `dev` may carry 127.0.0.0/8 addresses: its own route_localnet or all's on (IN_DEV_ORCONF). */
  private routeLocalnet(dev: string): boolean {
    return (
      this.sysctl(confKey(dev, "route_localnet"), "0") === "1" ||
      this.sysctl("net.ipv4.conf.all.route_localnet", "0") === "1"
    );
  }

  /**
   * Why `host` drops `p`, arrived on `dev` (after PREROUTING, a NAT undone included), at routing for a
   * loopback address, or undefined. IPv4: ip_route_input_slow calls a 127.0.0.0/8 destination or source
   * on another device than lo a martian unless route_localnet is on for it. IPv6: `::1` is routed only on
   * lo (rt6_need_strict), and there is no route_localnet (checked on kernel 6.18: a reply un-SNATed to
   * `::1` on a bridge never reached INPUT, and the host's connection timed out).
   */
  private loopbackMartian(host: string, dev: string, p: SimPacket): string | undefined {
    if (dev === "lo") return undefined;
    if (p.v6) {
      if (canonicalAddress(p.dst) !== "::1") return undefined;
      return `${host} drops it at routing: its destination ::1 is routed on lo alone, and it arrived on ${dev}${p.ct?.dir === "reply" ? " (a reply whose NAT was undone to ::1: IPv6 has no route_localnet, so a port published on [::1] answers only through a userland proxy)" : ""}`;
    }
    const which = p.dst.startsWith("127.") ? "destination" : p.src.startsWith("127.") ? "source" : undefined;
    if (!which || this.routeLocalnet(dev)) return undefined;
    // A source the host holds (lo's 127.0.0.1) fib_validate_source refuses next, unless accept_local is on.
    const own =
      which === "source" &&
      hostIfaces(this.world.topology, host).some((i) => i.addresses.some((a) => a.address === p.src));
    const also = own ? ` with ${confKey(dev, "accept_local")}=1 (${p.src} is ${host}'s own address)` : "";
    return `${host} drops it at routing: its ${which} ${which === "source" ? p.src : p.dst} is a loopback address arriving on ${dev} (a martian ${which}; ${confKey(dev, "route_localnet")}=1${also} would let it in)`;
  }

  /** The MSS a socket on `spec.from` advertises toward `spec.to`: its route's MTU less the headers. */
  private routeMss(spec: SendSpec): number {
    const v6 = addressFamily(spec.to) === 6;
    const route = routeLookup(this.world.topology, spec.from, canonicalAddress(spec.to));
    return advertisedMss(route.kind === "unreachable" ? 1500 : route.mtu, v6);
  }

  /** Sends one packet and follows it until it is delivered, dropped or lost. */
  send(spec: SendSpec): SimulatedPacket {
    const v6 = addressFamily(spec.to) === 6;
    // IPv6's header is 20 bytes longer than IPv4's without options (LEN counts it in both).
    const len =
      spec.len ??
      (spec.proto === "icmp" ? 84 : spec.proto === "tcp" ? (spec.tcpFlags?.includes("SYN") ? 60 : 52) : 29) +
        (v6 ? 20 : 0);
    const p: SimPacket = {
      ...(v6 ? { v6 } : {}),
      src: spec.src ? canonicalAddress(spec.src) : "",
      dst: canonicalAddress(spec.to),
      proto: spec.proto === "icmp" && v6 ? "icmpv6" : spec.proto,
      sport: spec.sport,
      dport: spec.dport,
      icmpType: spec.icmpType,
      icmpCode: spec.proto === "icmp" ? 0 : undefined,
      icmpId: spec.icmpId,
      icmpSeq: spec.icmpSeq,
      tcpFlags: spec.tcpFlags,
      // The MSS option a SYN or SYN-ACK carries: the socket's route's, taken before OUTPUT's DNAT re-routes it.
      ...(spec.proto === "tcp" && spec.tcpFlags?.includes("SYN")
        ? { mss: spec.mss ?? this.routeMss(spec) }
        : {}),
      ttl: spec.ttl ?? 64,
      id: this.nextIpId++,
      len,
      ipFlags: v6 || (spec.proto === "icmp" && spec.icmpType === 0) ? [] : ["DF"],
      mark: 0,
      ...(spec.tos ? { tos: spec.tos } : {}),
    };
    // The host's echo replies come from the kernel's ICMP socket; anything else from a program's.
    if (spec.from === this.nfHost)
      p.socket = echoReply(p) && spec.direction === "reply" ? "kernel" : "program";
    this.closedPort = (p.proto === "udp" || p.proto === "tcp") && !!spec.closedPort;
    const via = spec.via;
    if (via !== undefined)
      return this.launch(spec.from, spec.direction, p, undefined, (h, q) => this.frameTo(h, via, q));
    return this.launch(spec.from, spec.direction, p);
  }

  /**
   * Puts `p` on the link of `host` that holds next hop `via`, framed to its MAC, without `host`'s routing
   * or hooks (see `SendSpec.via`).
   */
  private frameTo(host: string, via: string, p: SimPacket): Fate {
    if (host === this.nfHost)
      return {
        kind: "lost",
        reason: `${host} runs the ruleset: a frame it sends from a packet socket skips its IP hooks, which the simulator does not model`,
      };
    const link = routeLookup(this.world.topology, host, canonicalAddress(via));
    if (link.kind !== "unicast" || link.via !== undefined)
      return {
        kind: "lost",
        reason: `${host} has no link to ${via}: a hand-made frame goes to a neighbour on one of ${host}'s own links`,
      };
    if (!p.src) p.src = link.src ?? (p.v6 ? "::1" : NO_SOURCE_V4);
    if (!this.cur.sent.src) this.cur.sent.src = p.src;
    this.cur.notes.push(
      `${host} puts it on ${link.dev} framed to ${via}'s MAC, as a packet socket sends a hand-made frame (${host}'s own routing and hooks are skipped)`,
    );
    return this.transmit(host, link.dev, canonicalAddress(via), p);
  }

  /**
   * Follows packet `p` from host `from` until it is delivered, dropped or lost; then, when a REJECT
   * rejected it, follows the answer that REJECT sends (its packet comes right after this one).
   */
  private launch(
    from: string,
    direction: "request" | "reply",
    p: SimPacket,
    answers?: number,
    send: (host: string, p: SimPacket) => Fate = (h, q) => this.originate(h, q),
  ): SimulatedPacket {
    const cur: SimulatedPacket = {
      id: this.packets.length + 1,
      direction,
      ...(answers !== undefined ? { answers } : {}),
      from,
      sent: snapshot(p),
      events: [],
      fate: { kind: "lost", reason: "not followed" },
      unmodelled: [],
      notes: [],
    };
    this.cur = cur;
    this.packets.push(cur);
    this.tracing = false;
    this.rejected = undefined;
    this.kernelErr = undefined;
    cur.fate = send(from, p);
    this.conntrack.forgetUnconfirmed(p);
    if (cur.fate.kind === "delivered") cur.received = snapshot(p);
    // Set by runTable during the walk (TypeScript cannot see that through the calls).
    const rejected = this.rejected as Rejected | undefined;
    this.rejected = undefined;
    if (rejected && cur.fate.kind === "dropped" && cur.fate.hook === rejected.event.hook)
      this.answerReject(cur, p, rejected);
    // A UDP datagram no socket takes: the host it reached answers port unreachable (udp_rcv, __udp6_lib_rcv);
    // a TCP segment: a reset (tcp_v4_send_reset, tcp_v6_send_reset).
    const closed = this.closedPort && cur.fate.kind === "delivered" ? cur.fate.host : undefined;
    this.closedPort = false;
    if (closed !== undefined && p.proto === "tcp") {
      this.kernelErr = undefined;
      this.answerClosedPort(cur, closed, p);
      return cur;
    }
    const err =
      closed !== undefined
        ? { host: closed, packet: { ...p }, cause: "port" as const }
        : (this.kernelErr as KernelErr | undefined);
    this.kernelErr = undefined;
    if (err && cur.fate.kind !== "dropped") this.answerKernelError(cur, err);
    return cur;
  }

  /**
   * Sends the reset `host`'s TCP stack answers segment `pkt` with (`p`: as it arrived), no socket
   * listening on its port: a packet of `host`'s own through its OUTPUT and POSTROUTING, which conntrack
   * finds as a reply of the segment's connection (its NAT undone on the way back), see tcp-reset.ts.
   */
  private answerClosedPort(pkt: SimulatedPacket, host: string, p: SimPacket): void {
    const broadcast = !p.v6 && isBroadcastAddress(this.world.topology, host, p.dst);
    const refused = resetRefused(p, broadcast);
    if (refused) {
      pkt.notes.push(`${host} sends no TCP reset back: ${refused}`);
      return;
    }
    const reset = closedPortReset(p);
    // The control socket the stack sends it from has no file, so no user (as the ICMP socket's errors).
    if (host === this.nfHost) reset.socket = "kernel";
    pkt.notes.push(
      `${host} sends a TCP reset (${reset.tcpFlags?.join(",")}) from ${endpoint(reset.src, reset.sport)} to ${endpoint(reset.dst, reset.dport)}: no socket listens on port ${p.dport}: packet ${this.packets.length + 1}`,
    );
    const back = this.launch(host, "reply", reset, pkt.id);
    const got = back.fate.kind === "delivered" && back.fate.host === pkt.from ? back.received : undefined;
    // The client's socket takes the reset only from the address and port it connected to.
    if (got && pkt.direction === "request") {
      if (got.src === pkt.sent.dst && got.sport === pkt.sent.dport)
        back.notes.push(`${pkt.from} reports connect: Connection refused`);
      else
        back.notes.push(
          `${pkt.from} drops this RST: it comes from ${endpoint(got.src, got.sport)}, and its connection is to ${endpoint(pkt.sent.dst, pkt.sent.dport)} (nothing undid the NAT on the way back), so the connect retries and times out`,
        );
    }
  }

  /**
   * Sends the ICMP error `err.host`'s own stack sends about packet `pkt` (no rule asked for it): built and
   * addressed as icmp_send builds a REJECT's (from the packet's destination when that is the host's own,
   * else from the preferred source of the route back; RELATED to the packet's connection), then sent as
   * a packet of that host's own through its OUTPUT and POSTROUTING. None about an ICMP error, a broadcast
   * or a multicast packet, nor without a route back.
   */
  private answerKernelError(pkt: SimulatedPacket, err: KernelErr): void {
    const { host, packet: p, cause } = err;
    const v6 = !!p.v6;
    const name = `an ${v6 ? "ICMPv6" : "ICMP"} ${kernelErrorName(cause, v6)}`;
    const refused = icmpErrorRefused(p);
    if (refused) {
      pkt.notes.push(`${host} sends no ${name.slice(3)} back: ${refused}`);
      return;
    }
    const topo = this.world.topology;
    let src = p.dst;
    if (!isLocalAddress(topo, host, p.dst)) {
      const back = routeLookup(topo, host, p.src);
      if (back.kind !== "unicast" && back.kind !== "local") {
        pkt.notes.push(`${host} sends no ${name.slice(3)} back: it has no route to ${p.src}`);
        return;
      }
      src = back.kind === "unicast" && back.src ? back.src : p.src;
    }
    const answer = kernelError(cause, v6);
    // Only the netfilter host's conntrack is modelled: another host's error is no packet of a connection yet.
    const about = host === this.nfHost ? p : { ...p, ct: undefined };
    const sent = rejectPacket(about, answer, src, this.nextIpId++);
    if (err.mtu !== undefined) sent.icmpMtu = err.mtu;
    if (host === this.nfHost) sent.socket = "kernel";
    pkt.notes.push(
      `${host} sends ${name} (type ${answer.type} code ${answer.code}${err.mtu !== undefined ? `, MTU ${err.mtu}` : ""}) from ${sent.src} to ${sent.dst}: packet ${this.packets.length + 1}`,
    );
    this.countIcmpError(pkt, host, sent.dst, answer.type, answer.code, v6);
    const back = this.launch(host, "reply", sent, pkt.id);
    const got = back.fate.kind === "delivered" && back.fate.host === pkt.from ? back.received : undefined;
    const seen = got && pkt.direction === "request" ? errorSeen(cause, v6, p, got.src, err.mtu) : undefined;
    if (seen) back.notes.push(`${pkt.from} reports ${seen}`);
  }

  /**
   * Counts an ICMP error `host` sends `dst` under the kernel's per-destination limit, and says when it is
   * past the burst. One to the host itself leaves by lo, which the limit lets through.
   */
  private countIcmpError(
    pkt: SimulatedPacket,
    host: string,
    dst: string,
    type: number,
    code: number,
    v6: boolean,
  ): void {
    if (!icmpErrorLimited(type, code, v6) || isLocalAddress(this.world.topology, host, dst)) return;
    const key = `${host}>${dst}`;
    const nth = (this.icmpErrors.get(key) ?? 0) + 1;
    this.icmpErrors.set(key, nth);
    if (nth > ICMP_ERROR_BURST) pkt.notes.push(icmpErrorLimitNote(host, dst, nth, v6));
  }

  /**
   * Sends what a REJECT sends back for `pkt` (its packet `p` as rejected): an ICMP error or a TCP RST
   * from the host that rejected it, a packet of that host's own (OUTPUT, then POSTROUTING), to the
   * rejected packet's source. An ICMP error comes from the rejected packet's destination when that is
   * the host's own address, else from the address the host's route back to the source prefers (icmp_send
   * with icmp_errors_use_inbound_ifaddr 0, icmp6_send); a RST always from the destination. A bridge
   * family's reject answers from the destination too, with the frame's MACs swapped, out of the port the
   * frame came in by through the bridge's output and postrouting hooks (br_forward from the bridging
   * host). An answer is not answered again.
   */
  private answerReject(pkt: SimulatedPacket, p: SimPacket, rejected: Rejected): void {
    const hook = rejected.event.hook;
    const host = this.nfHost;
    if (host === undefined) return;
    if (pkt.answers !== undefined) {
      pkt.notes.push(
        `REJECT at ${hook}: what it would send for this answer of the kernel's is not simulated`,
      );
      return;
    }
    // The kernel sends its echo replies through its ICMP socket, held while they cross the output hooks:
    // icmp_send cannot take it (icmp_xmit_lock), so rejecting one there sends nothing (kernel 6.18).
    if (
      echoReply(p) &&
      pkt.from === host &&
      (rejected.ipHook === "OUTPUT" || rejected.ipHook === "POSTROUTING")
    ) {
      pkt.notes.push(
        `REJECT at ${hook} sends nothing back: ${host}'s kernel sends this echo reply through its ICMP socket, which icmp_send cannot take while the reply is on its way out`,
      );
      return;
    }
    const bridge = rejected.bridgePort;
    if (bridge && rejected.bridgeHook !== "PREROUTING" && rejected.bridgeHook !== "INPUT") {
      pkt.notes.push(
        `REJECT at ${hook}: the kernel accepts a bridge family's reject only in prerouting and input chains (nft_reject_bridge_validate), so nft refuses this ruleset`,
      );
      return;
    }
    const family = bridge ? "bridge" : "ip";
    const outcome = rejectAnswer(rejected.with, { ...p, pktType: rejected.pktType }, family);
    if ("none" in outcome) {
      pkt.notes.push(`REJECT at ${hook} sends nothing back: ${outcome.none}`);
      return;
    }
    const topo = this.world.topology;
    let src = p.dst;
    if (!bridge && outcome.answer.kind === "icmp" && !isLocalAddress(topo, host, p.dst)) {
      const back = routeLookup(topo, host, p.src);
      if (back.kind === "unreachable") {
        pkt.notes.push(`REJECT at ${hook} sends nothing back: ${host} has no route to ${p.src}`);
        return;
      }
      src = back.kind === "unicast" && back.src ? back.src : p.src;
    }
    // icmp_send numbers its error like any packet of the host; the reset builders write id 0.
    const own = !bridge && outcome.answer.kind === "icmp";
    const answer = rejectPacket(p, outcome.answer, src, own ? this.nextIpId++ : 0, family);
    // icmp_send sends from the kernel's ICMP socket; nf_send_reset builds its RST without a socket.
    answer.socket = outcome.answer.kind === "icmp" ? "kernel" : "none";
    const what =
      outcome.answer.kind === "icmp"
        ? `an ${p.v6 ? "ICMPv6" : "ICMP"} error (type ${outcome.answer.type} code ${outcome.answer.code})`
        : `a TCP RST`;
    // nf_send_reset(6) sends the RST for a frame br_netfilter brought in straight out of its bridge port.
    const port = bridge ?? (outcome.answer.kind === "tcp-reset" ? rejected.event.physIn : undefined);
    const way = bridge
      ? `, out of bridge port ${port} through ${host}'s bridge output and postrouting hooks`
      : port
        ? `, straight out of bridge port ${port} (no hook sees it)`
        : "";
    pkt.notes.push(
      `REJECT at ${hook} sends ${what} from ${answer.src} to ${answer.dst}${way}: packet ${this.packets.length + 1}`,
    );
    // A bridge family's reject builds its error itself; an IP one's goes through icmp_send's limit.
    if (!bridge && outcome.answer.kind === "icmp")
      this.countIcmpError(pkt, host, answer.dst, outcome.answer.type, outcome.answer.code, !!p.v6);
    const sent = port
      ? this.launch(host, "reply", answer, pkt.id, (h, q) => {
          Object.assign(q, { macSrc: p.macDst, macDst: p.macSrc });
          const br = topo.ifaces.get(ifaceKey(h, port))?.bridge;
          return bridge && br ? this.bridgeOut(h, port, br, q) : this.wire(h, port, q);
        })
      : this.launch(host, "reply", answer, pkt.id);
    // A RST that kept the NAT'd addresses (br_netfilter's way out) matches no socket of the client: it drops it.
    const got = sent.received;
    const stray =
      outcome.answer.kind === "tcp-reset" &&
      sent.fate.kind === "delivered" &&
      got !== undefined &&
      (got.src !== pkt.sent.dst || got.sport !== pkt.sent.dport);
    if (stray)
      sent.notes.push(
        `${pkt.from} drops this RST: it comes from ${got.src}:${got.sport}, and its connection is to ${pkt.sent.dst}:${pkt.sent.dport} (the RST left without its NAT undone), so the connect retries and times out`,
      );
    // What a program reports is known for the one that sent the request (ping, connect, send); a server's
    // reply comes from an accepted or unconnected socket, which reports no connect or send error.
    const seen =
      sent.fate.kind === "delivered" && !stray && pkt.direction === "request"
        ? clientSees(outcome.answer, p.proto)
        : undefined;
    if (seen) sent.notes.push(`${pkt.from} reports ${seen}`);
  }

  // --- hooks -----------------------------------------------------------------------------------

  /** Whether the ruleset has a nat chain of `family` at any hook (nf_nat then runs at all four). */
  private hasNatChain(family: "ip" | "ip6"): boolean {
    // Asked for every chain a tracked packet runs: the ruleset's answer, once per family.
    let has = this.natChains.get(family);
    if (has === undefined) {
      has = ["PREROUTING", "OUTPUT", "INPUT", "POSTROUTING"].some((h) =>
        hookSlots(this.world.ruleset, family, h).some((s) => s.nat),
      );
      this.natChains.set(family, has);
    }
    return has;
  }

  /** {@link hasNatChain}'s answers by family. */
  private readonly natChains = new Map<"ip" | "ip6", boolean>();

  private ctx(p: SimPacket, io: Io): MatchContext {
    const topo = this.world.topology;
    const host = this.nfHost ?? "";
    const addrType = (addr: string): string => {
      if (isLocalAddress(topo, host, addr)) return "LOCAL";
      if (isBroadcastAddress(topo, host, addr)) return "BROADCAST";
      if (addr === "0.0.0.0" || addr === "::") return "UNSPEC";
      if (addr.includes(":")) return addr.toLowerCase().startsWith("ff") ? "MULTICAST" : "UNICAST";
      if (Number(addr.split(".")[0]) >= 224 && Number(addr.split(".")[0]) < 240) return "MULTICAST";
      return "UNICAST";
    };
    const ip = io.family !== "bridge";
    // br_netfilter runs the IP hooks of a frame for another host as if it were for this one.
    const pktType = ip && io.bridged && p.pktType === "other" ? "host" : (p.pktType ?? "host");
    return {
      in: io.in,
      out: io.out,
      physIn: io.physIn,
      physOut: io.physOut,
      bridged: io.bridged ?? false,
      logicalIn: io.logicalIn,
      logicalOut: io.logicalOut,
      ethType: p.arp ? "0x0806" : p.v6 ? "0x86dd" : "0x0800",
      // A zone template reads as new (the kernel attaches it as IP_CT_NEW), also one set after the lookup.
      ctState: p.untracked
        ? "UNTRACKED"
        : (p.ct?.state ?? (p.ctZone ? "NEW" : io.family !== "bridge" ? "INVALID" : undefined)),
      ctNat: p.ct ? { snat: natChanged(p.ct.entry, "src"), dnat: natChanged(p.ct.entry, "dst") } : undefined,
      natHooks: p.ct !== undefined && this.hasNatChain(p.v6 ? "ip6" : "ip"),
      routeTo: (addr) => routeLookup(topo, host, addr),
      addrType,
      addrTypeOn: (addr, dev) => {
        const type = addrType(addr);
        // The limited broadcast is one before any route lookup; LOCAL and a directed broadcast belong to a device.
        if (addr === "255.255.255.255" || (type !== "LOCAL" && type !== "BROADCAST")) return type;
        return addressOnInterface(topo, host, dev, addr)?.toUpperCase() ?? "UNICAST";
      },
      pktType,
      ...(ip ? { socket: socketAt(io.hook, p.socket) } : {}),
      noFrame:
        ip && (io.in === undefined || io.in === "lo" || io.hook === "OUTPUT" || io.hook === "POSTROUTING"),
    };
  }

  private record(
    family: "ip" | "ip6" | "bridge",
    table: string,
    chain: string,
    p: SimPacket,
    io: Io,
  ): HookEvent {
    const ev: HookEvent = {
      hook: `${family}:${table}:${chain}`,
      family,
      table,
      chain,
      in: io.in,
      out: io.out,
      physIn: io.physIn,
      physOut: io.physOut,
      packet: snapshot(p),
      steps: [],
      logs: [],
      verdict: "ACCEPT",
      uncertain: this.uncertain,
      traced: this.tracing,
    };
    this.cur.events.push(ev);
    return ev;
  }

  private runTable(
    family: "ip" | "ip6" | "bridge",
    table: string,
    chain: string,
    p: SimPacket,
    io: Io,
    def = (
      family === "ip"
        ? this.world.ruleset.ip
        : family === "ip6"
          ? this.world.ruleset.ip6
          : this.world.ruleset.bridge
    )?.tables.get(table),
  ): HookEvent | undefined {
    if (!def?.chains.has(chain)) return undefined;
    const ev = this.record(family, table, chain, p, io);
    const id = this.cur.id;
    const choose: ChooseWay | undefined = this.ways.size
      ? (rule) => this.ways.get(forkKey(id, ev.hook, rule.chain, rule.index))
      : undefined;
    const run = runChain(def, chain, p, this.ctx(p, io), choose);
    for (const u of run.unmodelled)
      if (u.ways !== undefined && u.index !== undefined) u.fork = forkKey(id, ev.hook, u.chain, u.index);
    ev.steps = run.steps;
    ev.logs = run.logs;
    ev.verdict = run.nat ? run.nat.kind : run.verdict;
    // `meta nftrace set 1` marks the skb whatever the family: a bridge chain's mark is still set at every
    // later chain of the packet, bridge and IP alike (kernel 6.18: a bridge prerouting chain's trace went on
    // into inet prerouting, bridge input, forward and postrouting; test/fixtures/bridge-nftrace).
    if (run.trace) {
      this.tracing = true;
      ev.traced = true;
    }
    if (run.unmodelled.length) {
      this.uncertain = true;
      ev.uncertain = true;
      this.cur.unmodelled.push(...run.unmodelled);
    }
    for (const f of run.flows ?? []) {
      this.cur.notes.push(
        `flow add @${f.flowtable} at ${ev.hook} (${this.lineOf(f.line)}): ${flowOffloadWords(f)}`,
      );
      if (f.offloads && p.ct)
        p.ct.entry.offloaded = { line: f.line, flowtable: f.flowtable, devices: f.devices };
    }
    for (const b of run.breaks) this.cur.notes.push(breakNote(ev.hook, b, this.world.ruleset.file));
    if (run.verdict === "REJECT" && def)
      this.rejected = {
        event: ev,
        with: rejectWith(def, run.steps),
        pktType: this.ctx(p, io).pktType,
        ...(family === "bridge" ? { bridgePort: io.in, bridgeHook: io.hook } : { ipHook: io.hook }),
      };
    (ev as HookEvent & { nat?: typeof run.nat }).nat = run.nat;
    return ev;
  }

  /** Runs one base chain of a hook: an iptables/ebtables table's chain or an nftables base chain. */
  private runSlot(slot: HookSlot, p: SimPacket, io: Io): HookEvent | undefined {
    return this.runTable(slot.family, slot.table.name, slot.chain, p, io, slot.table);
  }

  /**
   * Runs the IP hook `chain` of the packet's family (IPv4 or IPv6): every base chain at it by priority
   * (iptables or ip6tables tables and nftables base chains alike), conntrack, and the NAT core (all nat
   * chains of the hook, until one binds). An accept ends only its own base chain; a drop ends the packet.
   */
  private ipHook(chain: string, p: SimPacket, ioIn: Io): Verdict {
    if (this.nfHost === undefined) return { ok: true };
    const io: Io = { ...ioIn, family: p.v6 ? "ip6" : "ip", hook: chain };
    const manip: ManipType | undefined =
      chain === "PREROUTING" || chain === "OUTPUT"
        ? "dst"
        : chain === "POSTROUTING" || chain === "INPUT"
          ? "src"
          : undefined;
    const slots = hookSlots(this.world.ruleset, io.family, chain);
    const natPriority = manip === "dst" ? -100 : 100;
    let natDone = !manip;
    // Conntrack's hook at -200 runs once: a packet untracked there and given a zone template later
    // (nft `ct zone set` at -150) is not looked up (kernel 6.18: no entry, see nft-notrack-ct-state).
    const lookupHook = chain === "PREROUTING" || chain === "OUTPUT";
    let looked = false;
    for (const slot of slots) {
      const effective = slot.nat ? natPriority : slot.priority;
      if (lookupHook && effective > -200 && !looked) {
        looked = true;
        if (!p.ct && !p.untracked) this.ctLookup(p);
      }
      if (!natDone && manip && effective >= natPriority) {
        natDone = true;
        const v = this.natCore(slots, p, io, manip);
        if (!v.ok) return v;
      }
      if (slot.nat) continue;
      const ev = this.runSlot(slot, p, io);
      if (ev && (ev.verdict === "DROP" || ev.verdict === "REJECT")) return { ok: false, event: ev };
    }
    if (lookupHook && !looked && !p.ct && !p.untracked) this.ctLookup(p);
    if (!natDone && manip) {
      const v = this.natCore(slots, p, io, manip);
      if (!v.ok) return v;
    }
    // The last hook of the host's walk: conntrack confirms the connection here, not before.
    if (chain === "POSTROUTING" || chain === "INPUT") this.conntrack.confirm(p);
    return { ok: true };
  }

  /** The NAT core at one manip point: each nat chain of the hook, in order, until one binds; then the rewrite. */
  private natCore(slots: readonly HookSlot[], p: SimPacket, io: Io, manip: ManipType): Verdict {
    for (const natSlot of slots) {
      // An untracked packet has no connection to bind: the kernel's nat hooks let it pass unseen.
      if (!natSlot.nat || p.untracked || !natNeedsChain(p, manip)) continue;
      const ev = this.runSlot(natSlot, p, io);
      const nat = (ev as (HookEvent & { nat?: NatAction }) | undefined)?.nat;
      const own = manip === "dst" ? p.dport : p.sport;
      const random = nat?.random && ev ? this.randomPort(nat, p, manip, ev.hook) : undefined;
      const drawn = random?.port;
      // A port range keeps the packet's own port when it lies inside (no clash in the model), else its lowest.
      const port =
        drawn ??
        (nat?.portHi !== undefined &&
        own !== undefined &&
        nat.port !== undefined &&
        own >= nat.port &&
        own <= nat.portHi
          ? own
          : nat?.port);
      // Outside the range a source port is drawn at random (nf_nat_l4proto_unique_tuple); a destination one starts at the lowest.
      if (
        drawn === undefined &&
        manip === "src" &&
        nat?.portHi !== undefined &&
        own !== undefined &&
        port !== own &&
        ev
      )
        this.cur.notes.push(
          `${nat.kind} at ${ev.hook}: port ${own} is outside ${nat.port}-${nat.portHi}, so the kernel gives the connection a random port of that range; shown here as its lowest, ${port}`,
        );
      if (nat?.kind === "MASQUERADE" && nat.optionsUnknown && ev)
        this.cur.notes.push(
          `MASQUERADE at ${ev.hook}: nft -j does not show the options of iptables-nft's xt target MASQUERADE; the address is the outgoing interface's, the port is shown as kept, which --to-ports, --random or --random-fully would change`,
        );
      let binding: { addr: string; port?: number } | null = null;
      if (nat?.kind === "MASQUERADE") {
        const route = routeLookup(this.world.topology, this.nfHost ?? "", p.dst);
        const addr = route.kind === "unicast" ? route.src : undefined;
        // nf_nat_masquerade_ipv4/ipv6 drop what they find no address for (kernel 6.18: nothing left).
        if (!addr && route.kind === "unicast" && ev)
          return natDrop(ev, "MASQUERADE", p, io, this.world.ruleset.file);
        binding = addr ? { addr, port } : null;
      } else if (nat?.kind === "REDIRECT") {
        const addr = redirectAddress(this.world.topology, this.nfHost ?? "", p, io);
        // nf_nat_redirect drops a packet whose input interface has no address of its family.
        if (!addr && ev) return natDrop(ev, "REDIRECT", p, io, this.world.ruleset.file);
        binding = addr ? { addr, port } : null;
      } else if (nat && "netmap" in nat) {
        // The address it maps is the one of the hook's manip, whichever statement wrote it.
        const own = manip === "dst" ? p.dst : p.src;
        binding = { addr: netmapAddress(nat.netmap.first, nat.netmap.last, own) ?? own, port };
      } else if (nat?.addr || nat?.port !== undefined) {
        binding = { addr: nat.addr ?? (manip === "dst" ? p.dst : p.src), port };
      }
      if (ev?.verdict === "DROP") return { ok: false, event: ev };
      if (p.ct && binding) setBinding(p.ct.entry, manip, binding);
      // A source range's port is the kernel's choice too: its own only while no other connection holds it.
      const range =
        random ??
        (manip === "src" && nat?.port !== undefined && nat.portHi !== undefined && nat.portHi > nat.port
          ? { lo: nat.port, hi: nat.portHi }
          : undefined);
      if (range && range.hi > range.lo && ev && nat && binding?.port !== undefined && p.ct)
        this.portChoices.push({
          addr: binding.addr,
          port: binding.port,
          lo: range.lo,
          hi: range.hi,
          hook: ev.hook,
          target: nat.kind,
          why: random ? "random" : "range",
        });
    }
    // No nat chain bound the connection: it keeps its addresses (a null binding).
    if (p.ct && natNeedsChain(p, manip)) setBinding(p.ct.entry, manip, null);
    applyNat(p, manip);
    return { ok: true };
  }

  /**
   * The port a random NAT (`--random`, `--random-fully`, nft `random`, `fully-random`) gives the
   * connection: the kernel always draws it (NF_NAT_RANGE_PROTO_RANDOM_ALL skips keeping the packet's own),
   * from the target's range, or for a source without one from 1-511, 600-1023 or 1024-65535 by the
   * packet's own port, as nf_nat_l4proto_unique_tuple does; a destination without a range keeps its port.
   * Shown as the range's lowest, with a note. An echo gets a random id likewise (the model keeps ids).
   */
  private randomPort(
    nat: NatAction,
    p: SimPacket,
    manip: ManipType,
    hook: string,
  ): { port: number; lo: number; hi: number } | undefined {
    const own = manip === "dst" ? p.dport : p.sport;
    if (own === undefined) {
      if (manip === "src" && isIcmp(p))
        this.cur.notes.push(
          `${nat.kind} at ${hook} is random: the kernel gives the echo a random id, not shown here (the model keeps ids)`,
        );
      return undefined;
    }
    if (nat.port === undefined && manip === "dst") return undefined;
    const [lo, hi] =
      nat.port !== undefined
        ? [nat.port, nat.portHi ?? nat.port]
        : own < 512
          ? [1, 511]
          : own < 1024
            ? [600, 1023]
            : [1024, 65535];
    if (lo === hi) return { port: lo, lo, hi };
    this.cur.notes.push(
      `${nat.kind} at ${hook} is random: the kernel draws the connection's ${manip === "src" ? "source" : "destination"} port at random from ${lo}-${hi}; shown here as its lowest, ${lo}`,
    );
    return { port: lo, lo, hi };
  }

  private ctLookup(p: SimPacket): CtState {
    return this.conntrack.lookup(p);
  }

  /** Runs the bridge hook `chain` (ebtables tables in the implementation's order). */
  /**
   * Runs the bridge chains of hook `chain`. br_netfilter hands a frame to the IP hook from inside the
   * bridge hook, at its own priority (0 at PREROUTING and FORWARD), and the bridge chains above that
   * priority run after the IP hook returns (kernel 6.18: a forward chain at priority 100 saw only what IP
   * FORWARD accepted, with its marks, and a prerouting one the DNATed address): `part` picks a side.
   * A chain at priority 0 is taken as registered after br_netfilter (its table created once the
   * namespace had a bridge), so it runs first; see README "Hook order" for the other case.
   */
  private bridgeHook(
    chain: string,
    p: SimPacket,
    io: Io,
    part: "all" | "before-ip" | "after-ip" = "all",
  ): Verdict {
    const brnf = BRNF_PRIORITY[chain];
    for (const slot of hookSlots(this.world.ruleset, "bridge", chain, this.world.ebtables)) {
      // At a tie with br_netfilter the chain, taken as registered after it (the bridge came first), runs first.
      if (part !== "all" && brnf !== undefined && slot.priority > brnf !== (part === "after-ip")) continue;
      const ev = this.runSlot(slot, p, { ...io, family: "bridge", hook: chain });
      if (ev && (ev.verdict === "DROP" || ev.verdict === "REJECT")) return { ok: false, event: ev };
    }
    return { ok: true };
  }

  private dropped(v: { ok: false; event: HookEvent; reason?: string }): Fate {
    const rule = [...v.event.steps].reverse().find((s) => s.verdict === "DROP" || s.verdict === "REJECT");
    // An ebtables user chain's own policy decided: named, with the hook's chain it was reached from.
    const userChain = rule?.kind === "policy" && rule.chain !== v.event.chain ? rule.chain : undefined;
    const policy = (verdict: string, chain: string, line?: number) => {
      const user = chain !== v.event.chain ? chain : undefined;
      return `policy ${verdict} of ${user ? `user chain ${user}` : v.event.hook}${line ? ` (declared at ${this.lineOf(line)})` : ""}${user ? `, jumped to from ${v.event.hook}` : ""}`;
    };
    const byRule = (r: { verdict: string; line: number; text: string }) =>
      `${r.verdict} by rule at ${this.lineOf(r.line)}: ${r.text}`;
    let reason =
      v.reason ??
      (rule && rule.kind === "rule"
        ? byRule(rule)
        : policy(v.event.verdict, userChain ?? v.event.chain, rule?.line));
    // The fate is sure, the rule is not: an undecided match before it chose between two endings alike.
    const other = v.reason === undefined ? rule?.otherwise : undefined;
    const behind = other && [...v.event.steps].reverse().find((s) => s.chance !== undefined);
    if (other && behind)
      reason = `${reason}, if ${behind === rule ? "its" : `line ${behind.line}'s`} '${behind.chance}' matched; else ${
        other.kind === "rule" ? byRule(other) : policy(other.verdict, other.chain, other.line)
      }`;
    return { kind: "dropped", hook: v.event.hook, reason, rule };
  }

  /**
   * `line N of FILE`: a line of the ruleset, naming its file when the world knows it (a rule inserted
   * over it, line 0, is in no file).
   */
  private lineOf(line: number): string {
    const file = this.world.ruleset.file;
    return `line ${line}${file && line > 0 ? ` of ${file}` : ""}`;
  }

  // --- the walk --------------------------------------------------------------------------------

  private originate(host: string, p: SimPacket): Fate {
    const topo = this.world.topology;
    let route = routeLookup(topo, host, p.dst, p.src || undefined);
    if (route.kind === "unreachable") return { kind: "lost", reason: sendRefused(host, p.dst, route.type) };
    // No address to pick (inet_select_addr, ipv6_dev_get_saddr found none): see zero-source.ts.
    let unsolicited: string | undefined;
    if (!p.src) {
      const src = route.kind === "local" ? localSource(topo, host, p.dst) : route.src;
      if (src === undefined && route.kind === "unicast")
        this.cur.notes.push(
          p.v6
            ? `${host} has no IPv6 address to send it from but ::1: the kernel sends it from ::1`
            : `${host} has no IPv4 address to send it from (lo's 127.0.0.0/8 does not count): the kernel sends it from ${NO_SOURCE_V4}`,
        );
      if (src === undefined && route.kind === "unicast" && p.v6)
        unsolicited = `${host}: nothing leaves ${route.dev}: a neighbour solicitation needs a link-local source, and ${route.dev} has none in the lab (a device that came up with one would send from it instead)`;
      p.src = src ?? (p.v6 ? "::1" : NO_SOURCE_V4);
    }
    // IP_PMTUDISC_WANT, a socket's default: a datagram longer than its route's MTU is built without DF and
    // fragmented (kernel 6.18: ping -s 1372 over a 1300-byte MTU left without DF, output saw 1400 bytes).
    if (route.kind === "unicast" && p.len > route.mtu && p.proto !== "tcp" && p.ipFlags.includes("DF")) {
      p.ipFlags = p.ipFlags.filter((f) => f !== "DF");
      if (host === this.cur.from) this.cur.sent.ipFlags = [...p.ipFlags];
    }
    if (host === this.cur.from && !this.cur.sent.src) this.cur.sent.src = p.src;
    if (host !== this.nfHost) {
      if (route.kind === "local") return { kind: "delivered", host };
      if (unsolicited) return { kind: "lost", reason: unsolicited };
      this.noteFragments(host, route.dev, route.mtu, p);
      return this.transmit(host, route.dev, route.via ?? p.dst, p);
    }
    const outDev = route.kind === "unicast" ? route.dev : "lo";
    const dstBefore = p.dst;
    const v = this.ipHook("OUTPUT", p, { family: "ip", out: outDev });
    if (!v.ok) return this.dropped(v);
    if (p.dst !== dstBefore) {
      route = routeLookup(topo, host, p.dst);
      if (route.kind === "unreachable")
        return { kind: "lost", reason: `${host} has no route to ${p.dst} after DNAT` };
    }
    const dev = route.kind === "unicast" ? route.dev : "lo";
    // __mkroute_output refuses a loopback source out of another device unless route_localnet is on for it.
    if (dev !== "lo" && !p.v6 && p.src.startsWith("127.") && !this.routeLocalnet(dev))
      return {
        kind: "lost",
        reason: `${host}: a packet from ${p.src} may not leave on ${dev}${p.dst !== dstBefore ? ` after DNAT to ${p.dst}` : ""}: the kernel drops it (${confKey(dev, "route_localnet")} is not 1)`,
      };
    const post = this.ipHook("POSTROUTING", p, { family: "ip", out: dev });
    if (!post.ok) return this.dropped(post);
    if (route.kind === "local") {
      // Loopback: back in through PREROUTING and INPUT on lo.
      return this.ipReceive(host, "lo", p, undefined);
    }
    if (unsolicited) return { kind: "lost", reason: unsolicited };
    this.noteFragments(host, dev, route.mtu, p);
    return this.transmit(host, dev, route.via ?? p.dst, p);
  }

  /** Sends out of `dev` toward `nexthop` (ARP is assumed resolved, as in the lab's static neighbours). */
  private transmit(host: string, dev: string, nexthop: string, p: SimPacket): Fate {
    const topo = this.world.topology;
    const iface = topo.ifaces.get(ifaceKey(host, dev));
    if (!iface) return { kind: "lost", reason: `${host} has no interface ${dev}` };
    p.macSrc = iface.mac;
    // A broadcast route has no gateway and asks no neighbour: the frame goes to everyone on the link.
    const broadcast = !p.v6 && sentAsBroadcast(topo, host, dev, p.dst);
    // A group address is framed to its group MAC: no neighbour is asked (see `multicast-destination.ts`).
    const multicast = isMulticastAddress(p.dst);
    p.macDst = broadcast
      ? BROADCAST_MAC
      : multicast
        ? multicastMac(p.dst)
        : neighbourMac(topo, host, dev, nexthop);
    if (!p.macDst)
      return {
        kind: "lost",
        reason: `${host}: no neighbour answers for ${nexthop} on ${dev} (${p.v6 ? "neighbour discovery" : "ARP"} not modelled beyond the lab's addresses)`,
      };
    const arpLost =
      broadcast || multicast
        ? undefined
        : (this.arpFilter(host, iface, nexthop, p) ?? this.ndFilter(host, iface, nexthop, p));
    if (arpLost) return arpLost;
    if (iface.kind === "bridge") {
      const fdb = fdbLookup(topo, host, dev, p.macDst);
      if (fdb.kind !== "port")
        return {
          kind: "lost",
          reason:
            broadcast || multicast
              ? `${dev} floods a ${broadcast ? "broadcast" : "multicast packet"} out of each of its ports; the walk follows one path, and which port's copy to follow is not modelled`
              : `${dev}: ${p.macDst} is not in the forwarding database (flooding is not modelled)`,
        };
      return this.bridgeOut(host, fdb.port, dev, p);
    }
    return this.wire(host, dev, p);
  }

  /** A frame the bridging host itself sends out of `port` of `bridge`: bridge output, postrouting, the wire. */
  private bridgeOut(host: string, port: string, bridge: string, p: SimPacket): Fate {
    const io: Io = { family: "bridge", out: port, logicalOut: bridge };
    const out = this.bridgeHook("OUTPUT", p, io);
    if (!out.ok) return this.dropped(out);
    const post = this.bridgeHook("POSTROUTING", p, io);
    if (!post.ok) return this.dropped(post);
    return this.portOut(host, bridge, port, p, false);
  }

  /**
   * The ARP this hop needs, which the walk does not send, against the chains of the filtering machine it
   * crosses: a real request and its reply run through the bridge hooks and the arp family's chains they
   * cross (see `arpLegs`, `arpHookLegs`). A fate `lost` when a chain drops them whatever is not
   * modelled (the neighbour stays unresolved, as kernel 6.18 left it INCOMPLETE), else a note, once per
   * packet, when one may.
   */
  private arpFilter(host: string, iface: IfaceInfo, nexthop: string, p: SimPacket): Fate | undefined {
    if (this.cur === undefined || nexthop.includes(":") || this.staticNeighbours) return undefined;
    if (this.neighbours.has(`${host} ${nexthop}`)) return undefined;
    const topo = this.world.topology;
    const peer = linkPeer(topo, iface);
    const nf = this.nfHost;
    let hop: ArpHop;
    let ends: ArpEnds | undefined;
    if (host === nf) {
      hop = iface.kind === "bridge" ? "local" : "routed";
      const fdb = iface.kind === "bridge" && p.macDst ? fdbLookup(topo, nf, iface.name, p.macDst) : undefined;
      if (fdb?.kind === "port") ends = { bridge: iface.name, targetPort: fdb.port };
    } else if (peer && nf !== undefined && peer.host === nf) {
      hop = !peer.bridge ? "routed" : isLocalAddress(topo, nf, nexthop) ? "local" : "forward";
      if (peer.bridge && hop === "local") ends = { bridge: peer.bridge, askerPort: peer.name };
      const fdb =
        peer.bridge && hop === "forward" && p.macDst ? fdbLookup(topo, nf, peer.bridge, p.macDst) : undefined;
      if (peer.bridge && fdb?.kind === "port")
        ends = { bridge: peer.bridge, askerPort: peer.name, targetPort: fdb.port };
    } else return undefined;
    const where =
      hop === "forward"
        ? "between two ports of the bridge"
        : hop === "local"
          ? "to or from the bridge itself"
          : "on a routed link";
    const asker = iface.addresses.find((a) => !a.address.includes(":"))?.address ?? p.src;
    // The bridge's hooks (between ports, or between a port and the bridge itself), and the arp family's
    // where the filtering machine itself asks or answers, each exchange in the order it crosses them.
    const bridge = ends ? arpLegs(ends) : { request: [], reply: [] };
    const own =
      hop === "forward"
        ? undefined
        : arpHookLegs(host === nf, host === nf ? iface.name : (peer?.bridge ?? peer?.name ?? ""));
    const hostAsks = host === nf;
    const legs = {
      request: hostAsks
        ? [...(own?.request ?? []), ...bridge.request]
        : [...bridge.request, ...(own?.request ?? [])],
      reply: hostAsks ? [...bridge.reply, ...(own?.reply ?? [])] : [...(own?.reply ?? []), ...bridge.reply],
    };
    const macs = { asker: iface.mac, target: p.macDst };
    const slots = (leg: NdLeg) =>
      leg.family === "arp"
        ? arpSlots(this.world.ruleset, leg.hook)
        : hookSlots(this.world.ruleset, "bridge", leg.hook, this.world.ebtables);
    const ctx = (q: SimPacket, leg: NdLeg) =>
      this.ctx(leg.own ? { ...q, pktType: "host" } : q, {
        family: "bridge",
        hook: leg.hook,
        in: leg.in,
        out: leg.out,
        ...(leg.family === "bridge" ? { logicalIn: leg.bridge, logicalOut: leg.bridge } : {}),
      });
    const request = ndDropAlong(arpFrame("request", asker, nexthop, macs), legs.request, slots, ctx);
    const reply = request
      ? undefined
      : ndDropAlong(
          arpFrame("reply", asker, nexthop, macs, hop === "forward" ? "other" : "host"),
          legs.reply,
          slots,
          ctx,
        );
    const found = request ?? reply;
    const walked = found
      ? {
          line: found.line,
          certain: found.certain,
          ...(found.policy ? { policy: found.policy } : {}),
          reply: !request,
        }
      : undefined;
    const drop = walked;
    // Resolved, or perhaps: not asked again. An entry a certain drop left INCOMPLETE fails every packet.
    if (!drop?.certain) this.neighbours.add(`${host} ${nexthop}`);
    // The request carried the asker's MAC: the asked host has an entry for the address it came from
    // (kernel 6.18: a2 answered a1's ping without asking, its entry for a1 made by a1's request).
    const heard = walked === undefined || walked.reply;
    const asked = heard ? [...topo.hosts.keys()].find((h) => isLocalAddress(topo, h, nexthop)) : undefined;
    if (asked) this.neighbours.add(`${asked} ${asker}`);
    if (!drop) return undefined;
    const by = drop.policy
      ? `the policy of ${drop.policy} (${this.lineOf(drop.line)})`
      : this.lineOf(drop.line);
    const what = drop.reply ? "the ARP reply that answers it" : "the ARP request";
    if (drop.certain)
      return {
        kind: "lost",
        reason: `${host} asks who-has ${nexthop} by ARP (${where}), and ${by} drops ${what} there: no answer, the packet is never sent`,
      };
    const note = `${host} asks who-has ${nexthop} by ARP (${where}), which the walk does not send, and the ruleset may drop it (${this.lineOf(drop.line)}): unless ${nexthop} is already in the neighbour table, the kernel may lose this packet there`;
    if (!this.cur.notes.includes(note)) this.cur.notes.push(note);
    return undefined;
  }

  /**
   * The neighbour discovery this IPv6 hop needs, which the walk does not send, against the ip6 and bridge
   * chains of the filtering machine it crosses (see `neighbour-discovery-filter.ts`): a fate `lost` when a
   * chain drops the solicitation or its advertisement whatever is not modelled, else a note, once per packet,
   * when one may. A neighbour this walk already resolved, or learned from its solicitation, is not asked again.
   */
  private ndFilter(host: string, iface: IfaceInfo, nexthop: string, p: SimPacket): Fate | undefined {
    const nf = this.nfHost;
    if (this.cur === undefined || nf === undefined || !nexthop.includes(":") || this.staticNeighbours)
      return undefined;
    if (this.neighbours.has(`${host} ${nexthop}`)) return undefined;
    const topo = this.world.topology;
    const peer = linkPeer(topo, iface);
    // ndisc_solicit: the packet's own source when the device holds it, else the device's link-local address.
    const asker = iface.addresses.some((a) => a.address === p.src)
      ? p.src
      : linkLocalOf(iface.addresses, iface.mac);
    const ip = (hook: string, io: Omit<NdLeg, "family" | "hook">): NdLeg => ({ family: "ip6", hook, ...io });
    const br = (hook: string, io: Omit<NdLeg, "family" | "hook">): NdLeg => ({
      family: "bridge",
      hook,
      ...io,
    });
    let ns: NdLeg[];
    let na: NdLeg[];
    if (host === nf) {
      ns = [ip("OUTPUT", { out: iface.name, own: true }), ip("POSTROUTING", { out: iface.name, own: true })];
      // Out of its own bridge: the bridge's output hooks toward the port, its input hooks back.
      const fdb = iface.kind === "bridge" && p.macDst ? fdbLookup(topo, nf, iface.name, p.macDst) : undefined;
      const port = fdb?.kind === "port" ? fdb.port : undefined;
      const brnf = port !== undefined && this.sysctl("net.bridge.bridge-nf-call-ip6tables", "1") === "1";
      const phys = brnf ? { physIn: port, bridged: true } : {};
      na = [ip("PREROUTING", { in: iface.name, ...phys }), ip("INPUT", { in: iface.name, ...phys })];
      if (port !== undefined) {
        const b = { bridge: iface.name };
        ns.push(
          br("OUTPUT", { out: port, own: true, ...b }),
          br("POSTROUTING", { out: port, own: true, ...b }),
        );
        na.unshift(br("PREROUTING", { in: port, ...b }), br("INPUT", { in: port, ...b }));
      }
    } else if (peer && peer.host === nf) {
      const bridge = peer.bridge;
      const brnf = bridge !== undefined && this.sysctl("net.bridge.bridge-nf-call-ip6tables", "1") === "1";
      if (!bridge || isLocalAddress(topo, nf, nexthop)) {
        const dev = bridge ?? peer.name;
        const phys = brnf ? { physIn: peer.name, bridged: true } : {};
        ns = [ip("PREROUTING", { in: dev, ...phys }), ip("INPUT", { in: dev, ...phys })];
        na = [ip("OUTPUT", { out: dev, own: true }), ip("POSTROUTING", { out: dev, own: true })];
        if (bridge) {
          ns.unshift(br("PREROUTING", { in: peer.name, bridge }), br("INPUT", { in: peer.name, bridge }));
          na.push(
            br("OUTPUT", { out: peer.name, bridge, own: true }),
            br("POSTROUTING", { out: peer.name, bridge, own: true }),
          );
        }
      } else {
        // Between two ports of the bridge: the bridge's hooks, and the ip6 ones through br_netfilter.
        const fdb = p.macDst ? fdbLookup(topo, nf, bridge, p.macDst) : undefined;
        if (fdb?.kind !== "port") return undefined;
        const hooks = ["PREROUTING", "FORWARD", "POSTROUTING"];
        const there = { in: peer.name, out: fdb.port, bridge };
        const back = { in: fdb.port, out: peer.name, bridge };
        ns = hooks.map((h) => br(h, there));
        na = hooks.map((h) => br(h, back));
        if (brnf) {
          const phys = (io: { in: string; out: string }) => ({
            in: bridge,
            out: bridge,
            physIn: io.in,
            physOut: io.out,
            bridged: true,
          });
          ns.push(...hooks.map((h) => ip(h, phys(there))));
          na.push(...hooks.map((h) => ip(h, phys(back))));
        }
      }
    } else return undefined;
    const slots = (leg: NdLeg) =>
      leg.family === "ip6"
        ? hookSlots(this.world.ruleset, "ip6", leg.hook)
        : hookSlots(this.world.ruleset, "bridge", leg.hook, this.world.ebtables);
    // What a host sends itself is `host` on its way out (meta pkttype), whatever group it goes to.
    const ctx = (q: SimPacket, leg: NdLeg) =>
      this.ctx(leg.own ? { ...q, pktType: "host" } : q, {
        family: leg.family === "ip6" ? "ip6" : "bridge",
        hook: leg.hook,
        in: leg.in,
        out: leg.out,
        physIn: leg.physIn,
        physOut: leg.physOut,
        bridged: leg.bridged,
        ...(leg.family === "bridge" ? { logicalIn: leg.bridge, logicalOut: leg.bridge } : {}),
      });
    const askerMac = iface.mac;
    const solicit: SimPacket = {
      ...ndPacket(135, asker, solicitedNode(nexthop)),
      pktType: "multicast",
      macSrc: askerMac,
      macDst: multicastMac(solicitedNode(nexthop)),
    };
    const advert: SimPacket = {
      ...ndPacket(136, nexthop, asker),
      pktType: "host",
      macSrc: p.macDst,
      macDst: askerMac,
    };
    const s = ndDropAlong(solicit, ns, slots, ctx);
    const drop = s ? { ...s, message: "solicitation" } : ndDropAlong(advert, na, slots, ctx);
    // Resolved, or perhaps: not asked again. An entry a certain drop left INCOMPLETE fails every packet.
    if (!drop?.certain) this.neighbours.add(`${host} ${nexthop}`);
    // The solicitation carried the asker's MAC: the asked host has an entry for the address it came from.
    const asked = s ? undefined : [...topo.hosts.keys()].find((h) => isLocalAddress(topo, h, nexthop));
    if (asked) this.neighbours.add(`${asked} ${asker}`);
    if (!drop) return undefined;
    const message = "message" in drop ? "neighbour solicitation" : "neighbour advertisement that answers it";
    const by = drop.policy
      ? `the policy of ${drop.policy} (${this.lineOf(drop.line)})`
      : this.lineOf(drop.line);
    if (drop.certain)
      return {
        kind: "lost",
        reason: `${host} asks for ${nexthop}'s MAC address by neighbour discovery, and ${by} ${"rejects" in drop ? "rejects" : "drops"} the ${message}${drop.family === "ip6" ? " (conntrack leaves it untracked, so an established,related accept does not let it through)" : ""}: no answer, the packet is never sent; accept ICMPv6 types nd-neighbor-solicit and nd-neighbor-advert before it`,
      };
    const note = `${host} asks for ${nexthop}'s MAC address by neighbour discovery, which the walk does not send, and the ruleset may drop the ${message} (${by}): unless ${nexthop} is already in the neighbour table, the kernel may lose this packet there`;
    if (!this.cur.notes.includes(note)) this.cur.notes.push(note);
    return undefined;
  }

  private wire(host: string, dev: string, p: SimPacket): Fate {
    const topo = this.world.topology;
    // Off the wire a packet has no socket of the sender's (owner matches see none).
    p.socket = undefined;
    const iface = topo.ifaces.get(ifaceKey(host, dev));
    const peer = iface ? linkPeer(topo, iface) : undefined;
    if (!peer) return { kind: "lost", reason: `${host}/${dev} is not linked to anything in the lab` };
    // The sender cut it to fragments of its route's MTU, not the device's: a route's `mtu` over the
    // device's lets a longer packet out whole (kernel 6.18, test/fixtures/kernel-probes/veth-route-mtu: route mtu 9000 over a
    // 1500-byte veth, 2028 bytes were dropped by the other end, sent or forwarded; route mtu 1300 over a
    // 1500-byte veth, fragments of 1300 crossed to a 1400-byte end). A TCP packet longer than that is GSO's, cut to fit.
    const frame = p.fragSize ?? p.len;
    // A device takes a frame up to 4 bytes over its MTU (kernel 6.18: 1304 bytes crossed to a 1300-byte end).
    if (p.proto !== "tcp" && frame > peer.mtu + VLAN_SLACK) {
      const what =
        p.fragSize === undefined ? `this ${frame}-byte packet` : `this packet's ${frame}-byte fragment`;
      const ends =
        iface && iface.mtu !== peer.mtu
          ? `the link's two ends have different MTUs, ${iface.mtu} and ${peer.mtu}`
          : `${host}'s route let it out whole: its MTU is over ${dev}'s`;
      return {
        kind: "lost",
        reason: `${peer.host}/${peer.name} drops ${what} from ${host}/${dev}: it is longer than ${peer.name}'s ${peer.mtu}-byte MTU (${ends}; a veth counts it as a drop${host === this.cur.from ? `, and the program that sent it gets ENOBUFS, "No buffer space available"` : ""})`,
      };
    }
    return this.receive(peer.host, peer.name, p);
  }

  private receive(host: string, dev: string, p: SimPacket): Fate {
    const topo = this.world.topology;
    const iface = topo.ifaces.get(ifaceKey(host, dev));
    // As eth_type_trans on the receiving device; a bridge then takes a frame to its own MAC as the host's.
    const bridgeMac = iface?.bridge ? topo.ifaces.get(ifaceKey(host, iface.bridge))?.mac : undefined;
    p.pktType = frameType(p.macDst, [iface?.mac, bridgeMac]);
    if (iface?.bridge) return this.bridgeReceive(host, dev, iface.bridge, p);
    return this.ipReceive(host, dev, p, undefined);
  }

  private bridgeReceive(host: string, port: string, bridge: string, p: SimPacket): Fate {
    const topo = this.world.topology;
    const nf = host === this.nfHost;
    const inIo: Io = { family: "bridge", in: port, logicalIn: bridge };
    if (nf && this.world.ebtables === "legacy") {
      const br = this.bridgeHook("BROUTING", p, inIo);
      if (!br.ok) this.cur.notes.push("broute DROP means 'route this frame' (not modelled further)");
    }
    const brnf =
      nf && this.sysctl(`net.bridge.bridge-nf-call-${p.v6 ? "ip6tables" : "iptables"}`, "1") === "1";
    if (nf) {
      const pre = this.bridgeHook("PREROUTING", p, inIo, brnf ? "before-ip" : "all");
      if (!pre.ok) return this.dropped(pre);
    }
    if (p.toBridge) {
      // ebtables' redirect: the frame is the bridge's own from here (ebt_redirect sets its MAC and PACKET_HOST).
      p.toBridge = undefined;
      const brMac = topo.ifaces.get(ifaceKey(host, bridge))?.mac;
      p.macDst = brMac;
      p.pktType = frameType(p.macDst, [brMac]);
    }
    if (brnf) {
      const dstBefore = p.dst;
      const v = this.ipHook("PREROUTING", p, { family: "ip", in: bridge, physIn: port, bridged: true });
      if (!v.ok) return this.dropped(v);
      if (p.dst !== dstBefore) {
        // br_netfilter after DNAT: bridged DNAT when the new destination is on this bridge, else routed.
        const route = routeLookup(topo, host, p.dst);
        // It asks the routing input path, so IPv4 forwarding off gives an error route that drops it (kernel
        // 6.18, simcheck8 D2: the old "bridged DNAT needs no ip_forward" fallback has been dead code since 4.x).
        if (!p.v6 && route.kind === "unicast" && this.sysctl("net.ipv4.ip_forward", "0") !== "1")
          return {
            kind: "lost",
            reason: `${host} does not forward (net.ipv4.ip_forward=0): after its destination was rewritten, br_netfilter routes the frame, and the route it gets drops it, with no ICMP error`,
          };
        const brMac = topo.ifaces.get(ifaceKey(host, bridge))?.mac;
        p.macDst =
          route.kind === "unicast" && route.dev === bridge ? neighbourMac(topo, host, bridge, p.dst) : brMac;
        p.pktType = frameType(p.macDst, [brMac]);
      }
      const after = this.bridgeHook("PREROUTING", p, inIo, "after-ip");
      if (!after.ok) return this.dropped(after);
    }
    const fdb = fdbLookup(topo, host, bridge, p.macDst);
    // A broadcast frame goes up to the bridge's host and is flooded out of the other ports: the walk goes up.
    const group = p.macDst !== undefined && isGroupMac(p.macDst);
    const flooded = group && bridgePorts(topo, host, bridge).length > 1;
    if (flooded) {
      this.cur.notes.push(
        `${bridge} also floods a copy of this ${p.macDst === BROADCAST_MAC ? "broadcast" : "multicast frame"} out of each of its other ports (through bridge FORWARD); the walk follows the copy ${host} itself takes`,
      );
      this.floodedCopyMtu(host, bridge, port, p, brnf);
    }
    if (fdb.kind === "local" || group) {
      if (nf) {
        const v = this.bridgeHook("INPUT", p, inIo);
        if (!v.ok) return this.dropped(v);
      }
      return this.ipReceive(host, bridge, p, brnf ? { physIn: port } : undefined);
    }
    if (fdb.kind === "unknown")
      return { kind: "lost", reason: `${bridge}: ${p.macDst ?? "?"} unknown (flooding is not modelled)` };
    const outPort = fdb.port;
    if (outPort === port && this.sysctl(`brport.${port}.hairpin_mode`, "0") !== "1") {
      return {
        kind: "lost",
        reason: `${bridge} does not send a frame back out of ${port} (hairpin mode off)`,
      };
    }
    if (nf) {
      const fwdIo: Io = { family: "bridge", in: port, out: outPort, logicalIn: bridge, logicalOut: bridge };
      const f = this.bridgeHook("FORWARD", p, fwdIo, brnf ? "before-ip" : "all");
      if (!f.ok) return this.dropped(f);
      if (brnf) {
        const v = this.ipHook("FORWARD", p, {
          family: "ip",
          in: bridge,
          out: bridge,
          physIn: port,
          physOut: outPort,
          bridged: true,
        });
        if (!v.ok) return this.dropped(v);
        const after = this.bridgeHook("FORWARD", p, fwdIo, "after-ip");
        if (!after.ok) return this.dropped(after);
      }
      const post = this.bridgeHook("POSTROUTING", p, { family: "bridge", out: outPort, logicalOut: bridge });
      if (!post.ok) return this.dropped(post);
      if (brnf) {
        const v = this.ipHook("POSTROUTING", p, {
          family: "ip",
          out: bridge,
          physIn: port,
          physOut: outPort,
          bridged: true,
        });
        if (!v.ok) return this.dropped(v);
      }
    }
    return this.portOut(host, bridge, outPort, p, brnf);
  }

  /**
   * Notes what each other port's MTU does to the copy of a group frame `bridge` floods (it came in by
   * `inPort`): each copy is held to its own port's MTU, as a frame to one port is (kernel 6.18,
   * test/fixtures/kernel-probes/bridge-flood-mtu: a 1450-byte broadcast reached the bridge and a 1500-byte
   * port's host, not a 1400-byte port's, DF or not, br_netfilter or not; with br_netfilter, no DF and the
   * bridge at 1400 bytes it reached that host as 1396 and 74 bytes).
   */
  private floodedCopyMtu(host: string, bridge: string, inPort: string, p: SimPacket, brnf: boolean): void {
    const topo = this.world.topology;
    const bridgeMtu = topo.ifaces.get(ifaceKey(host, bridge))?.mtu ?? 1500;
    for (const q of bridgePorts(topo, host, bridge)) {
      if (q.name === inPort) continue;
      const fit = bridgePortMtu(host, bridge, q.name, q.mtu, p, brnf, bridgeMtu);
      if (fit.kind === "lost") this.cur.notes.push(`The copy flooded out of ${q.name}: ${fit.reason}`);
      else if (fit.kind === "fragment")
        this.cur.notes.push(
          `The copy flooded out of ${q.name} leaves in fragments no longer than ${fit.mtu} bytes: it is longer than ${q.name}'s ${q.mtu}-byte MTU, and br_netfilter cuts it by ${bridge}'s`,
        );
    }
  }

  /** Out of `port` of `bridge` once its POSTROUTING is passed: the port's MTU (bridge-port-mtu.ts), the wire. */
  private portOut(host: string, bridge: string, port: string, p: SimPacket, brnf: boolean): Fate {
    const ifaces = this.world.topology.ifaces;
    const mtu = ifaces.get(ifaceKey(host, port))?.mtu ?? 1500;
    const bridgeMtu = ifaces.get(ifaceKey(host, bridge))?.mtu ?? mtu;
    const fit = bridgePortMtu(host, bridge, port, mtu, p, brnf, bridgeMtu);
    if (fit.kind === "lost") return fit;
    // br_netfilter cuts by the bridge's own MTU (see bridge-port-mtu.ts).
    const by =
      fit.kind === "fragment" && fit.mtu !== mtu
        ? ` (br_netfilter cuts by ${bridge}'s own ${fit.mtu}-byte MTU)`
        : "";
    if (fit.kind === "fragment" && p.fragSize === undefined) {
      this.noteFragments(host, port, fit.mtu, p);
      if (by)
        this.cur.notes.push(`${host}/${bridge} sends ${port} fragments no longer than ${fit.mtu} bytes${by}`);
    } else if (fit.kind === "fragment") {
      // Cut again: the wire then sees fragments of the bridge's MTU.
      p.fragSize = Math.min(p.fragSize ?? fit.mtu, Math.floor((fit.mtu - 20) / 8) * 8 + 20);
      this.cur.notes.push(
        `${host}/${bridge} cuts this packet's fragments longer than ${port}'s ${mtu}-byte MTU again${by}`,
      );
    }
    return this.wire(host, port, p);
  }

  /**
   * A packet of a connection nft `flow add` offloaded, entering on one of the flowtable's devices: the
   * flowtable's ingress hook forwards it (kernel source, nf_flow_offload_ip_hook; unverified on a running
   * kernel): no prerouting, forward or postrouting chain and no conntrack, the connection's NAT applied,
   * the TTL decremented, out by the route; a TTL of 1 or less, or a packet longer than the MTU of the way
   * out, is left to the normal path. A TCP FIN or RST is forwarded too and marks the flow closing (its
   * removal is the flowtable's periodic cleanup, not simulated); a SYN on a closing flow ends the offload
   * and takes the normal path. Undefined when the normal path applies.
   */
  private flowtableForward(host: string, dev: string, p: SimPacket): Fate | undefined {
    const flags = p.tcpFlags ?? [];
    const found = this.conntrack.offloadedOf(p);
    const off = found?.entry.offloaded;
    if (!found || !off?.devices.includes(dev)) return undefined;
    // nf_flow_tuple_ip(v6) refuses a TTL (hop limit) of 1 or less before the lookup: ip_forward answers it.
    if (p.ttl <= 1) {
      const ttl = p.v6 ? "hop limit" : "TTL";
      this.cur.notes.push(
        `flowtable ${off.flowtable} does not forward a packet that arrives with ${ttl} ${p.ttl}: it takes the normal path, where the kernel refuses to forward it`,
      );
      return undefined;
    }
    // nf_flow_exceeds_mtu: one longer than the MTU of the flow's way out takes the normal path too, but
    // not a TCP (GSO) packet, whose segments fit.
    const ahead: SimPacket = { ...p, ct: { entry: found.entry, dir: found.dir, state: "ESTABLISHED" } };
    applyNat(ahead, "dst");
    const out = routeLookup(this.world.topology, host, ahead.dst);
    if (out.kind === "unicast" && p.len > out.mtu && p.proto !== "tcp") {
      this.cur.notes.push(
        `flowtable ${off.flowtable} does not forward a packet of ${p.len} bytes, longer than the ${out.mtu}-byte MTU of its way out by ${out.dev}: it takes the normal path`,
      );
      return undefined;
    }
    if (flags.includes("SYN") && off.closing) {
      delete found.entry.offloaded;
      this.cur.notes.push(
        `a SYN of a closing connection offloaded to flowtable ${off.flowtable}: it ends the offload and takes the normal path`,
      );
      return undefined;
    }
    const closes = flags.includes("FIN") || flags.includes("RST");
    if (closes) off.closing = true;
    p.ct = { entry: found.entry, dir: found.dir, state: "ESTABLISHED" };
    applyNat(p, "dst");
    applyNat(p, "src");
    p.ttl -= 1;
    const route = routeLookup(this.world.topology, host, p.dst);
    this.cur.notes.push(
      `forwarded by flowtable ${off.flowtable} at ${dev}'s ingress hook (offloaded at ${this.lineOf(off.line)}): it skips ${OFFLOAD_SKIPS}, NAT kept${closes ? "; this FIN or RST marks the flow closing, and the flowtable's cleanup then ends the offload" : ""}`,
    );
    if (route.kind !== "unicast") return { kind: "lost", reason: `${host} has no route to ${p.dst}` };
    return this.transmit(host, route.dev, route.via ?? p.dst, p);
  }

  /**
   * ip_forward's (ip6_forward's) path MTU check, after the TTL's and before FORWARD: a packet longer than
   * the MTU of its way out that may not be fragmented (IPv4 with DF; any IPv6 packet, which routers never
   * fragment) is refused, and the router sends the source a fragmentation needed (packet too big)
   * carrying that MTU (kernel 6.18, 1300-byte way out: only prerouting saw the 1400-byte echo; the error,
   * 576 bytes, IPv6's 1280, crossed output and postrouting). A TCP packet longer than the MTU is a GSO
   * one, which is cut to segments on its way out (ip_exceeds_mtu lets it pass). Undefined: it may go on.
   */
  private forwardMtu(host: string, dev: string, mtu: number, p: SimPacket): Fate | undefined {
    if (p.len <= mtu || p.proto === "tcp" || (!p.v6 && !p.ipFlags.includes("DF"))) return undefined;
    // ip6_forward never announces less than the IPv6 minimum MTU.
    const told = p.v6 ? Math.max(mtu, 1280) : mtu;
    this.kernelErr = { host, packet: { ...p }, cause: "mtu", mtu: told };
    const what = p.v6 ? "an IPv6 router never fragments" : "its DF bit forbids fragmenting it";
    return {
      kind: "lost",
      reason: `${host} does not forward a packet of ${p.len} bytes out of ${dev}, whose MTU is ${mtu}: ${what}, so the kernel drops it before FORWARD and sends the source an ${p.v6 ? "ICMPv6 packet too big" : "ICMP fragmentation needed"} (MTU ${told})`,
    };
  }

  /**
   * Says when `host` sends `p` out of `dev` in fragments (longer than the MTU, and allowed to be cut):
   * after POSTROUTING, so its chains saw it whole (kernel 6.18, `nft monitor trace`: output, forward and
   * postrouting showed the 1400-byte packet; the next hop got 1300 and 120 bytes). A receiver with
   * conntrack reassembles them before its chains (defragmentation at priority -400), so the walk goes on
   * with the whole packet. A TCP packet longer than the MTU is GSO's, cut to segments instead.
   */
  private noteFragments(host: string, dev: string, mtu: number, p: SimPacket): void {
    if (p.len <= mtu || p.proto === "tcp") return;
    // Each fragment but the last carries a multiple of 8 bytes of the payload (IPv6: behind an 8-byte fragment header).
    const header = p.v6 ? 40 : 20;
    const room = Math.floor((mtu - header - (p.v6 ? 8 : 0)) / 8) * 8;
    const payload = p.len - header;
    const count = Math.ceil(payload / room);
    const last = payload - room * (count - 1) + header + (p.v6 ? 8 : 0);
    const first = room + header + (p.v6 ? 8 : 0);
    p.fragSize = Math.min(p.fragSize ?? first, first);
    const sizes =
      count === 2 ? `${first} and ${last} bytes` : `${count - 1} of ${first} bytes and one of ${last}`;
    this.cur.notes.push(
      `${host} sends this ${p.len}-byte packet out of ${dev} in ${count} fragments (${sizes}): the MTU there is ${mtu}. Its chains saw it whole; a receiver that tracks connections reassembles it before its own`,
    );
  }

  private ipReceive(
    host: string,
    dev: string,
    p: SimPacket,
    prerouted: { physIn: string } | undefined,
  ): Fate {
    const topo = this.world.topology;
    if (host !== this.nfHost) {
      const zero = p.v6 ? undefined : zeroSourceDrop(host, dev, p.src, p.dst);
      if (zero) return { kind: "lost", reason: zero };
      const loopback = p.v6 ? undefined : peerLoopbackMartian(topo, host, dev, p);
      if (loopback) return { kind: "lost", reason: loopback };
      if (
        isLocalAddress(topo, host, p.dst) ||
        (!p.v6 && isBroadcastAddress(topo, host, p.dst)) ||
        isLinkLocalGroup(p.dst)
      )
        return { kind: "delivered", host };
      return { kind: "lost", reason: `${host} is not the destination ${p.dst} and does not forward` };
    }
    const physIn = prerouted?.physIn;
    const bridged = physIn !== undefined;
    const offloaded = prerouted ? undefined : this.flowtableForward(host, dev, p);
    if (offloaded) return offloaded;
    if (!prerouted) {
      const v = this.ipHook("PREROUTING", p, { family: "ip", in: dev });
      if (!v.ok) return this.dropped(v);
    }
    // ip_route_input_slow's order: a zero source, then a loopback address (route_localnet), then the
    // source's validation (fib_validate_source: rp_filter, the host's own address, accept_local).
    const zero = p.v6 ? undefined : zeroSourceDrop(host, dev, p.src, p.dst);
    if (zero) return { kind: "lost", reason: zero };
    const loopback = this.loopbackMartian(host, dev, p);
    if (loopback) return { kind: "lost", reason: loopback };
    const rpf = p.v6 ? undefined : reversePathDrop(topo, this.world.sysctls, host, dev, p.src);
    if (rpf) return { kind: "lost", reason: rpf };
    const route = routeLookup(topo, host, p.dst);
    if (isMulticastAddress(p.dst) && !isLinkLocalGroup(p.dst))
      return {
        kind: "lost",
        reason: `${p.dst} is a multicast group outside the link-local range: whether ${host} joined it, and forwarding it (a multicast router), are not modelled`,
      };
    // A broadcast of one of the host's subnets is its own (a `broadcast` route of its local table); so is a
    // link-local group it is taken to have joined.
    if (
      route.kind === "local" ||
      (!p.v6 && isBroadcastAddress(topo, host, p.dst)) ||
      isLinkLocalGroup(p.dst)
    ) {
      const v = this.ipHook("INPUT", p, { family: "ip", in: dev, physIn, bridged });
      if (!v.ok) return this.dropped(v);
      return { kind: "delivered", host };
    }
    // ip_forward drops what was not sent to the host's MAC (a broadcast or multicast frame) before FORWARD.
    if (p.pktType === "broadcast" || p.pktType === "multicast")
      return {
        kind: "lost",
        reason: `${host} does not forward it: its frame went to a ${p.pktType} MAC, not to ${host}, and ${p.dst} is not ${host}'s own broadcast`,
      };
    const forwarding = p.v6 ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward";
    // IPv6's error route answers whether or not the host forwards (kernel 6.18, forwarding=0: no route and
    // an unreachable route each answered "Destination unreachable: No route"); IPv4's drops silently.
    if (this.sysctl(forwarding, "0") !== "1" && !(p.v6 && route.kind === "unreachable"))
      return { kind: "lost", reason: `${host} does not forward (${forwarding}=0)` };
    // IPv4 asks the input device's own switch (ip_route_input_slow: IN_DEV_FORWARD); IPv6 forwards by `all`.
    const inDevice = confKey(dev, "forwarding");
    if (!p.v6 && this.sysctl(inDevice, "1") === "0")
      return {
        kind: "lost",
        reason: `${host} does not forward what comes in on ${dev} (${inDevice}=0): the kernel drops it, with no ICMP error`,
      };
    // The input route is an error route: ip_error (ip6_pkt_discard) answers, a blackhole's drops silently.
    if (route.kind === "unreachable") {
      const cause = route.type === "blackhole" ? undefined : (route.type ?? "no-route");
      if (cause) this.kernelErr = { host, packet: { ...p }, cause };
      return { kind: "lost", reason: forwardRefused(host, p, route.type) };
    }
    // ip_forward (ip6_forward) refuses a TTL of 1 before decrementing it, and quotes the packet as it came.
    if (p.ttl <= 1) {
      this.kernelErr = { host, packet: { ...p }, cause: "ttl" };
      return {
        kind: "lost",
        reason: `${p.v6 ? "hop limit" : "TTL"} exceeded at ${host}: it does not forward a packet that arrives with ${p.v6 ? "hop limit" : "TTL"} ${p.ttl}, and sends the source an ICMP${p.v6 ? "v6" : ""} time exceeded`,
      };
    }
    const tooBig = this.forwardMtu(host, route.dev, route.mtu, p);
    if (tooBig) return tooBig;
    p.ttl -= 1;
    const fwd = this.ipHook("FORWARD", p, { family: "ip", in: dev, out: route.dev, physIn, bridged });
    if (!fwd.ok) return this.dropped(fwd);
    const post = this.ipHook("POSTROUTING", p, { family: "ip", in: dev, out: route.dev, physIn, bridged });
    if (!post.ok) return this.dropped(post);
    this.noteFragments(host, route.dev, route.mtu, p);
    return this.transmit(host, route.dev, route.via ?? p.dst, p);
  }
}

/** An ICMP error a host's own stack sends (no rule asked): its host, the packet it is about as it came, why. */
interface KernelErr {
  host: string;
  packet: SimPacket;
  cause: KernelErrorCause;
  /** The next-hop MTU a fragmentation needed or packet too big carries. */
  mtu?: number;
}

/** What the sending program reports for a kernel's ICMP error about its packet `p` (iputils ping, a UDP socket; kernel 6.18). */
function errorSeen(
  cause: KernelErrorCause,
  v6: boolean,
  p: SimPacket,
  from: string,
  mtu?: number,
): string | undefined {
  if (isIcmp(p) && (p.icmpType === 8 || p.icmpType === 128)) {
    const ping: Record<KernelErrorCause, [string, string]> = {
      mtu: [`Frag needed and DF set (mtu = ${mtu})`, `Packet too big: mtu=${mtu}`],
      ttl: ["Time to live exceeded", "Time exceeded: Hop limit"],
      port: ["Destination Port Unreachable", "Destination unreachable: Port unreachable"],
      "no-route": ["Destination Net Unreachable", "Destination unreachable: No route"],
      unreachable: ["Destination Host Unreachable", "Destination unreachable: No route"],
      prohibit: ["Packet filtered", "Destination unreachable: Administratively prohibited"],
    };
    return `ping: From ${from} icmp_seq=${p.icmpSeq ?? 1} ${ping[cause][v6 ? 1 : 0]}`;
  }
  if (cause === "port" && p.proto === "udp") return "recv: Connection refused";
  return undefined;
}

/** The errno a host's own packet to `dst` fails with at the route lookup, by the route that refuses it (kernel 6.18, ping's connect). */
const SEND_ERRORS: Record<RefusingRoute, string> = {
  unreachable: "EHOSTUNREACH (No route to host)",
  prohibit: "EACCES (Permission denied)",
  blackhole: "EINVAL (Invalid argument)",
};

/** Why `host` cannot send a packet to `dst`: no route (ENETUNREACH), or a route of type `type`. */
function sendRefused(host: string, dst: string, type: RefusingRoute | undefined): string {
  if (!type) return `${host} has no route to ${dst}`;
  return `${host}'s route to ${dst} is of type ${type}: the program's send fails at the route lookup with ${SEND_ERRORS[type]}, and no packet leaves`;
}

/** Why `host` does not forward `p`: no route, or a route of type `type`, and what it sends back. */
function forwardRefused(host: string, p: SimPacket, type: RefusingRoute | undefined): string {
  const icmp = p.v6 ? "ICMPv6" : "ICMP";
  if (type === "blackhole")
    return `${host}'s route to ${p.dst} is a blackhole: the kernel drops it silently, with no ICMP error`;
  const cause = type ?? "no-route";
  const what = `${icmp} ${kernelErrorName(cause, !!p.v6)}`;
  return type
    ? `${host}'s route to ${p.dst} is of type ${type}: the kernel does not forward it, and sends the source an ${what}`
    : `${host} has no route to ${p.dst}: the kernel does not forward it, and sends the source an ${what}`;
}

/** Whether `p` is an ICMP or ICMPv6 echo reply. */
function echoReply(p: SimPacket): boolean {
  return p.proto === (p.v6 ? "icmpv6" : "icmp") && p.icmpType === (p.v6 ? 129 : 0);
}

/** How a frame to `mac` is addressed for a device whose own MACs are `own` (the kernel's eth_type_trans). */
function frameType(mac: string | undefined, own: (string | undefined)[]): PktType {
  if (mac === undefined) return "host";
  const m = mac.toLowerCase();
  if (m === "ff:ff:ff:ff:ff:ff") return "broadcast";
  if (isGroupMac(m)) return "multicast";
  return own.some((o) => o?.toLowerCase() === m) ? "host" : "other";
}

/** Devices a hook sees. */
/**
 * Where REDIRECT sends a packet: the loopback address for one the host sends (OUTPUT), else the first
 * address of the packet's family on its input interface, a link-local one only when it has no other
 * (the kernel lists an interface's IPv6 addresses by scope, global first, and nf_nat_redirect takes the
 * first); undefined when that interface has none (the kernel then drops it).
 */
function redirectAddress(topo: Topology, host: string, p: SimPacket, io: Io): string | undefined {
  if (io.hook === "OUTPUT") return p.v6 ? "::1" : "127.0.0.1";
  const iface = io.in === undefined ? undefined : topo.ifaces.get(ifaceKey(host, io.in));
  const own = iface?.addresses.filter((a) => !!a.v6 === !!p.v6) ?? [];
  return (own.find((a) => !a.address.startsWith("fe80:")) ?? own[0])?.address;
}

interface Io {
  /** The IP hook (`PREROUTING`, ...), set by `ipHook`. Default: a bridge hook. */
  hook?: string;
  /** `ip` stands for either IP family where a hook is called; `ipHook` sets the packet's. */
  family: "ip" | "ip6" | "bridge";
  in?: string;
  out?: string;
  physIn?: string;
  physOut?: string;
  bridged?: boolean;
  logicalIn?: string;
  logicalOut?: string;
}

/** A REJECT that ended a walk: the chain's event, the rule's reject type, how the packet's frame was addressed. */
interface Rejected {
  event: HookEvent;
  /** iptables `--reject-with` value or nft's `with ...` words; undefined: the default. */
  with?: string;
  pktType?: PktType;
  /** A bridge family's reject: the port the frame came in by. */
  bridgePort?: string;
  /** A bridge family's reject: its hook (`PREROUTING`, `INPUT`, ...). */
  bridgeHook?: string;
  /** An IP family's reject: its hook (`OUTPUT`, ...). */
  ipHook?: string;
}

/** The reject type of the REJECT that ended `steps` (the last REJECT step's rule in `table`). */
function rejectWith(table: TableDef, steps: readonly RuleStep[]): string | undefined {
  const step = [...steps].reverse().find((s) => s.verdict === "REJECT");
  const rule = step?.index !== undefined ? table.chains.get(step.chain)?.rules[step.index - 1] : undefined;
  const targets = rule ? [rule.target, ...(rule.afterVerdicts ?? []).map((a) => a.verdict)] : [];
  const t = targets.find((x) => x.kind === "REJECT");
  return t?.kind === "REJECT" ? t.with : undefined;
}

/** `reason`: why the packet was dropped when no rule's DROP says it (a REDIRECT with no address to go to). */
type Verdict = { ok: true } | { ok: false; event: HookEvent; reason?: string };

/**
 * The drop of a REDIRECT whose input interface, or a MASQUERADE whose host, has no address of the
 * packet's family to give it: the NAT verdict becomes a drop at that rule.
 */
function natDrop(
  ev: HookEvent,
  kind: "REDIRECT" | "MASQUERADE",
  p: SimPacket,
  io: Io,
  file: string | undefined,
): Verdict {
  const step = [...ev.steps].reverse().find((s) => s.verdict === kind);
  if (step) step.verdict = "DROP";
  ev.verdict = "DROP";
  const rule = step
    ? `${kind} by rule at line ${step.line}${file && step.line > 0 ? ` of ${file}` : ""}: ${step.text}`
    : kind;
  const family = p.v6 ? "IPv6" : "IPv4";
  const why =
    kind === "REDIRECT"
      ? `its input interface ${io.in ?? ""} has no ${family} address to redirect to`
      : `no device of the host has an ${family} address to masquerade it with`;
  return { ok: false, event: ev, reason: `${rule}: ${why}, so the kernel drops it` };
}

/**
 * Why a host without the ruleset drops an IPv4 packet with a loopback (127.0.0.0/8) source or
 * destination that arrived on `dev` (not lo), or undefined. ip_route_input_slow calls it a martian
 * unless route_localnet is on; a source the host holds itself (lo's 127.0.0.1) fib_validate_source
 * refuses too, unless accept_local is on. Kernel 6.18 (test/fixtures/replay-needs/remote-loopback/loopback-martians):
 * a SYN-ACK from 127.0.0.1 reaching wan's eth0 was counted by its raw PREROUTING, not its INPUT, and
 * log_martians printed "martian source 203.0.113.1 from 127.0.0.1, on dev eth0"; route_localnet=1 alone
 * changed nothing, with accept_local=1 too it reached INPUT. The lab's sysctls are the ruleset host's,
 * so this host's are the defaults (0).
 */
function peerLoopbackMartian(topo: Topology, host: string, dev: string, p: SimPacket): string | undefined {
  if (dev === "lo") return undefined;
  const defaults = `the simulator takes ${host}'s settings as the defaults, 0`;
  if (p.src.startsWith("127.")) {
    const own = hostIfaces(topo, host).some((i) => i.addresses.some((a) => a.address === p.src));
    const needs = own
      ? `${p.src} is ${host}'s own address, and only route_localnet=1 with accept_local=1 on ${dev} would let it in`
      : `only route_localnet=1 on ${dev} would let it in`;
    return `${host} drops it at routing: its source ${p.src} is a loopback address arriving on ${dev} (a martian source: ${needs}; ${defaults})`;
  }
  if (p.dst.startsWith("127."))
    return `${host} drops it at routing: its destination ${p.dst} is a loopback address arriving on ${dev} (a martian destination: only route_localnet=1 on ${dev} would let it in; ${defaults})`;
  return undefined;
}
