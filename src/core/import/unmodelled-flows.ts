/**
 * The flows of a real host's log that `packetwalk import` leaves out because the simulator does not
 * follow them: multicast, and broadcast other than what the host takes itself (it follows one packet
 * to one host; a bridge's flooded copies and a router's are not followed), link-local and
 * unspecified addresses (no lab host has them), neighbour discovery and MLD (the lab's MACs are
 * given, not discovered), ICMP other than echo, TCP whose SYN is not in the log, and protocols
 * other than ICMP, TCP and UDP. Each is
 * said in words a reader understands (protocol by name, both addresses, why), and many alike are
 * said once with a count: a busy host logs hundreds of mDNS and IGMP packets. Pure.
 */
import {
  protocolWords as ipProtocolWords,
  UNNAMED_PORTS_TRANSPORT,
  UNNAMED_PORTS_WHY,
} from "../model/ip-protocols.ts";
import type { Flow, Packet, TraceEvent } from "../model/packet.ts";
import { canonicalAddress } from "../simulate/ip-address.ts";
import { directedBroadcast, parseIpv4 } from "../simulate/ipv4.ts";

/** What decides that an address is a broadcast, or a lab host's own. */
export interface LinkContext {
  /** The Docker host's interface addresses with their prefix (`172.20.0.1/16`; IPv6 link-local ones left out). */
  hostAddresses: readonly string[];
  /** Addresses named on the command line (`--container`, `--peer`): a lab host owns them. */
  named: ReadonlySet<string>;
}

/** One flow left out, and why. */
export interface LeftOutFlow {
  /** The parser's flow id. */
  flow: number;
  /** 1-based line of its first event in the log. */
  line: number;
  /** The protocol in words, e.g. `IGMP`, `UDP to port 5353 (mDNS)`, `ICMPv6 router solicitation (type 133)`. */
  what: string;
  /** The request's source and destination as first logged (short IPv6 form). */
  src: string;
  dst: string;
  /** Why, in one clause after the kind: `multicast destination: the simulator follows unicast packets only`. */
  why: string;
}

const ICMP_TYPES: Record<number, string> = {
  0: "echo reply",
  3: "destination unreachable",
  4: "source quench",
  5: "redirect",
  8: "echo request",
  9: "router advertisement",
  10: "router solicitation",
  11: "time exceeded",
  12: "parameter problem",
  13: "timestamp request",
  14: "timestamp reply",
};

const ICMPV6_TYPES: Record<number, string> = {
  1: "destination unreachable",
  2: "packet too big",
  3: "time exceeded",
  4: "parameter problem",
  128: "echo request",
  129: "echo reply",
  130: "MLD query",
  131: "MLD report",
  132: "MLD done",
  133: "router solicitation",
  134: "router advertisement",
  135: "neighbour solicitation",
  136: "neighbour advertisement",
  137: "redirect",
  141: "inverse neighbour solicitation",
  142: "inverse neighbour advertisement",
  143: "MLDv2 report",
};

/** Services a LAN chatters with, by UDP/TCP port: named so a reader knows the noise. */
const SERVICES: Record<number, string> = {
  53: "DNS",
  67: "DHCP",
  68: "DHCP",
  123: "NTP",
  137: "NetBIOS name service",
  138: "NetBIOS datagram",
  546: "DHCPv6",
  547: "DHCPv6",
  1900: "SSDP",
  3702: "WS-Discovery",
  5353: "mDNS",
  5355: "LLMNR",
};

/** The protocol of an event in words. */
function protocolWords(proto: string, e: TraceEvent | undefined): string {
  const l4 = e?.l4;
  if (proto === "tcp" || proto === "udp") {
    const port = l4?.dport;
    const service = port !== undefined ? SERVICES[port] : undefined;
    return `${proto.toUpperCase()}${port !== undefined ? ` to port ${port}` : ""}${service ? ` (${service})` : ""}`;
  }
  if (proto === "icmp" || proto === "icmpv6") {
    const name = proto === "icmp" ? "ICMP" : "ICMPv6";
    const type = l4?.icmpType;
    if (type === undefined) return name;
    const words = (proto === "icmp" ? ICMP_TYPES : ICMPV6_TYPES)[type];
    return `${name} ${words ?? "message"} (type ${type})`;
  }
  return ipProtocolWords(proto);
}

/** 255.255.255.255, or the highest address of an IPv4 prefix of the host's (shorter than /31). */
function isBroadcast(addr: string, ctx: LinkContext): boolean {
  const v = parseIpv4(addr);
  if (v === undefined) return false;
  return v === 0xffffffff || ctx.hostAddresses.some((cidr) => directedBroadcast(cidr) === v);
}

function isMulticast(addr: string): boolean {
  if (addr.includes(":")) return /^ff/i.test(addr);
  const first = Number(addr.split(".")[0]);
  return first >= 224 && first < 240;
}

function isLinkLocal(addr: string): boolean {
  return addr.includes(":") ? /^fe[89ab]/i.test(addr) : addr.startsWith("169.254.");
}

/** True when a lab host owns `addr`: one of the Docker host's addresses, or a name given for it. */
function owned(addr: string, ctx: LinkContext): boolean {
  if (ctx.named.has(addr)) return true;
  return ctx.hostAddresses.some((cidr) => canonicalAddress(cidr.split("/")[0] ?? "") === addr);
}

const UNICAST_ONLY = "the simulator follows unicast packets only";

/**
 * Whether every logged event of the flow has an input device and no output device: a broadcast the
 * host took in (prerouting and input chains, whatever a firewall names them), not one it sent, forwarded
 * or a bridge flooded on.
 */
function takenByHost(packets: readonly Packet[]): boolean {
  return packets.every((p) => p.events.every((e) => !!e.in && !e.out));
}

/**
 * Why the simulator cannot follow `flow` (whose packets are `packets`), or undefined when it can.
 * `line` comes from the first event; the protocol and addresses from the first event with IP data.
 */
export function unmodelledFlow(
  flow: Flow,
  packets: readonly Packet[],
  ctx: LinkContext,
): LeftOutFlow | undefined {
  const request = packets.find((p) => p.direction === "request") ?? packets[0];
  const first = request?.events.find((e) => e.ip);
  if (!request || !first?.ip) return undefined;
  const src = canonicalAddress(first.ip.src);
  const dst = canonicalAddress(first.ip.dst);
  const proto = flow.proto;
  const base = {
    flow: flow.id,
    line: (request.events[0] as TraceEvent).position.line,
    what: protocolWords(proto, first),
    src,
    dst,
  };
  const macDst = (first.macDst ?? "").toLowerCase();
  if (src === "0.0.0.0" || src === "::")
    return {
      ...base,
      why: "unspecified source (a host without an address yet: DHCP, duplicate address detection): no lab host sends from it",
    };
  const ownBroadcast = isBroadcast(dst, ctx);
  if (ownBroadcast && !takenByHost(packets))
    return {
      ...base,
      why: "broadcast destination the host sent or passed on (logged with an output device): the simulator follows a broadcast the host takes in, not one it sends or a bridge floods",
    };
  if (!ownBroadcast && macDst === "ff:ff:ff:ff:ff:ff")
    return {
      ...base,
      why: `broadcast destination: ${UNICAST_ONLY} and the broadcasts of the host's own subnets`,
    };
  if (isMulticast(dst) || /^(01:00:5e|33:33):/.test(macDst))
    return { ...base, why: `multicast destination: ${UNICAST_ONLY}` };
  for (const [end, addr] of [
    ["source", src],
    ["destination", dst],
  ] as const)
    if (isLinkLocal(addr) && !owned(addr, ctx))
      return {
        ...base,
        why: `link-local ${end}: no lab host has that address (a lab has global and unique local ones)`,
      };
  const type = first.l4?.icmpType;
  if (proto === "icmpv6" && type !== undefined && type >= 130 && type <= 143)
    return {
      ...base,
      why: "neighbour discovery and MLD are not simulated: the lab gives every host's MAC and route",
    };
  if ((proto === "icmp" || proto === "icmpv6") && type !== undefined && ![0, 8, 128, 129].includes(type))
    return { ...base, why: "the simulator sends ICMP echo requests and replies only" };
  // The log's first packet of a TCP flow, in log order: without a SYN, conntrack knew the
  // connection (or had forgotten it) before the log began, and nothing says what it knew.
  const opening = packets[0]?.events.find((e) => e.l4?.tcpFlags)?.l4?.tcpFlags;
  if (proto === "tcp" && opening && (!opening.includes("SYN") || opening.includes("ACK")))
    return {
      ...base,
      // Not by port: a busy host logs late FINs and RSTs to many ephemeral ports, one note for all.
      what: "TCP without its opening SYN",
      why: "the connection began before the log, or its conntrack entry had expired: what conntrack knew of it is not in the log, so the simulator cannot replay it",
    };
  // Not "another protocol": it may well be TCP or UDP, the log just does not say.
  if (proto === UNNAMED_PORTS_TRANSPORT) return { ...base, why: UNNAMED_PORTS_WHY };
  // No protocol at all: xtables-monitor prints none but TCP's and UDP's (an ICMP packet's line shows addresses only).
  if (proto === "ip" && packets.every((p) => p.events.every((e) => !e.l4)))
    return {
      ...base,
      what: "a packet whose lines name no protocol",
      why: packets.some((p) => p.events.some((e) => e.source === "xtables-monitor"))
        ? "xtables-monitor prints the protocol of TCP and UDP only, so this is ICMP or another protocol, and no REJECT of the log dropped a packet from its destination before it (a REJECT's error would go with that packet's flow): the simulator cannot tell what to send"
        : "the simulator cannot tell what to send",
    };
  if (proto !== "icmp" && proto !== "icmpv6" && proto !== "tcp" && proto !== "udp")
    return { ...base, why: "the simulator follows ICMP, TCP and UDP only" };
  return undefined;
}

/** Up to `max` items joined, then `and N more`. */
function some(items: readonly (string | number)[], max: number): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/**
 * The notes for the flows left out: one per flow when alone, one per kind (same protocol words,
 * same reason) with a count, the lines and the addresses when several are alike.
 */
export function leftOutNotes(flows: readonly LeftOutFlow[], file: string): string[] {
  const groups = new Map<string, LeftOutFlow[]>();
  for (const f of flows) {
    const key = `${f.what}|${f.why}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const name = file.split("/").pop() || file;
  return [...groups.values()].map((g) => {
    const f = g[0] as LeftOutFlow;
    if (g.length === 1)
      return `left out: ${f.what} from ${f.src} to ${f.dst} (${name} line ${f.line}): ${f.why}`;
    const srcs = [...new Set(g.map((x) => x.src))];
    const dsts = [...new Set(g.map((x) => x.dst))];
    return `left out: ${g.length} flows of ${f.what} from ${some(srcs, 3)} to ${some(dsts, 3)} (${name} lines ${some(
      g.map((x) => x.line),
      8,
    )}): ${f.why}`;
  });
}
