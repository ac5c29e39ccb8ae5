/**
 * What `check`'s replay of a recording must send that the packets' headers alone do not give the
 * simulator: the TTL the initiator sent with (`ping -t 1`, a traceroute's probes), and whether a UDP
 * datagram found no socket (the kernel answered it with an ICMP port unreachable), and whether a packet
 * to the receiving host's loopback address came in from a link (a hand-made frame: `simulate --via`).
 * Each choice comes with the words `check --verbose` says it in.
 */
import type { TraceEvent } from "../model/packet.ts";
import { addressFamily, canonicalAddress } from "./ip-address.ts";
import { recordedChainHook } from "./recorded-chain-hook.ts";
import { routeLookup } from "./route.ts";
import type { Ruleset } from "./ruleset.ts";
import { ifaceKey, type Topology } from "./topology.ts";

/** The replay's options, and why each was chosen (in words). */
export interface ReplayNeeds {
  /** The initiator's TTL (hop limit), when it is not the default 64. */
  ttl?: number;
  /** UDP or TCP: no socket listens on the destination port (see `ScenarioSpec.closedPort`). */
  closedPort?: true;
  /**
   * The next hop on the sender's link the requests are framed to (see `ScenarioSpec.via`): the
   * receiving host's address on the device a packet to its loopback address came in by.
   */
  via?: string;
  /** What was inferred, from what: `TTL 1 (the first packet's, as recorded at ip:raw:PREROUTING)`. */
  said: string[];
}

/** iputils ping's options that take a value (`ping -h`, iputils 20221126): `-t` among them. */
const PING_VALUE_OPTIONS = new Set("ceIilmMpQsStTwWFN");

/**
 * The TTL (IPv6: hop limit) a command sends its first packet with, when it says one: `ping -t N`
 * (`-tN`, or the last of a cluster `-nt N`; iputils' ping sets the hop limit with it too), and
 * `traceroute` / `traceroute6`, whose first probes go out with TTL 1 (or `-f N`, `--first=N`).
 * Undefined for any other command, or a ping without `-t`.
 */
export function commandTtl(command: readonly string[]): number | undefined {
  const name = (command[0] ?? "").split("/").pop() ?? "";
  const args = command.slice(1);
  if (/^ping6?$/.test(name)) {
    let ttl: number | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (!/^-[^-]/.test(a)) continue;
      // A cluster of flags, the first one taking a value ending it (`-c1`, `-nt 1`).
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        if (!PING_VALUE_OPTIONS.has(c)) continue;
        const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (c === "t") ttl = ttlValue(value);
        break;
      }
    }
    return ttl;
  }
  if (/^traceroute6?$/.test(name)) {
    let first = 1;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      const v = a === "-f" ? args[++i] : (/^--first=(.+)$/.exec(a)?.[1] ?? /^-f(\d+)$/.exec(a)?.[1]);
      if (v !== undefined) first = ttlValue(v) ?? first;
    }
    return first;
  }
  return undefined;
}

/** A TTL as a command takes it, 1 to 255. */
function ttlValue(v: string | undefined): number | undefined {
  const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return n >= 1 && n <= 255 ? n : undefined;
}

/** The hooks where a packet's TTL is still the one it was sent with (no router's decrement yet). */
const AS_SENT = new Set(["ingress", "prerouting", "brouting", "input", "output"]);

/**
 * The TTL the initiator sent its first packet with, as the recording shows it: at the first hook
 * before any decrement (an input or output hook: forwarding lowers it before FORWARD), the lab's
 * sender being next to the host, as the simulator has it.
 */
function recordedTtl(events: readonly TraceEvent[], ruleset: Ruleset | undefined) {
  for (const e of events) {
    if (e.ip?.ttl === undefined) continue;
    const hook = recordedChainHook(e.hook, ruleset);
    if (hook !== undefined && AS_SENT.has(hook)) return { ttl: e.ip.ttl, hook: e.hook };
  }
  return undefined;
}

/** Whether an event shows an ICMP port unreachable (ICMPv6 destination unreachable, port unreachable). */
function portUnreachable(e: TraceEvent): boolean {
  const l4 = e.l4;
  if (!l4) return false;
  return (
    (l4.proto === "icmp" && l4.icmpType === 3 && l4.icmpCode === 3) ||
    (l4.proto === "icmpv6" && l4.icmpType === 1 && l4.icmpCode === 4)
  );
}

/** Whether `addr` is a loopback address: 127.0.0.0/8 or ::1. */
function isLoopback(addr: string): boolean {
  return addressFamily(addr) === 4 ? addr.startsWith("127.") : canonicalAddress(addr) === "::1";
}

/**
 * The neighbour `from` framed its first packet to, when the recording shows that packet, addressed to a
 * loopback address, come in from a link (its first line's IN= a device of the host that runs the
 * ruleset, not lo): `from`'s own kernel would have delivered it to itself, so it was a hand-made frame
 * (Docker 29's "DROP REMOTE LOOPBACK" guards against them). The neighbour is that host's address, of
 * the packet's family, on the device (a bridge port's: its bridge's) that `from` reaches on a link.
 */
function remoteLoopbackVia(
  events: readonly TraceEvent[],
  topology: Topology,
  from: string,
): { via: string; dst: string; host: string; dev: string } | undefined {
  const host = topology.netfilterHost;
  const first = events.find((e) => e.ip);
  if (!host || from === host || !first?.ip || !isLoopback(first.ip.dst)) return undefined;
  const dev = first.in;
  if (!dev || dev === "lo") return undefined;
  const iface = topology.ifaces.get(ifaceKey(host, dev));
  if (!iface || iface.kind === "loopback") return undefined;
  const own = iface.bridge ? topology.ifaces.get(ifaceKey(host, iface.bridge)) : iface;
  const v6 = addressFamily(first.ip.dst) === 6;
  const via = own?.addresses.find((a) => {
    if (!!a.v6 !== v6) return false;
    const link = routeLookup(topology, from, a.address);
    return link.kind === "unicast" && link.via === undefined;
  })?.address;
  return via ? { via, dst: canonicalAddress(first.ip.dst), host, dev } : undefined;
}

/**
 * What the replay of `packets` (the recording's, in order; the first is the initiator's) needs:
 * the TTL recorded at the first packet's first hook before routing lowers it, else the one
 * `command` sends with ({@link commandTtl}); and for UDP, a recorded ICMP port unreachable after
 * the datagram says no socket listened, as a reset answering a TCP SYN does (a REJECT the ruleset makes answers before any socket: the
 * replay meets it first, as the kernel did); and, given the lab's `topology` and the sender `from`,
 * the neighbour a packet to the host's loopback address was framed to ({@link remoteLoopbackVia}).
 */
export function replayNeeds(
  packets: readonly { events: readonly TraceEvent[] }[],
  proto: "icmp" | "tcp" | "udp",
  command: readonly string[] | undefined,
  ruleset: Ruleset | undefined,
  lab?: { topology: Topology; from: string },
): ReplayNeeds {
  const out: ReplayNeeds = { said: [] };
  const framed = lab ? remoteLoopbackVia(packets[0]?.events ?? [], lab.topology, lab.from) : undefined;
  if (framed) {
    out.via = framed.via;
    out.said.push(
      `the requests framed to ${framed.via} (the first packet, to ${framed.dst}, came in by ${framed.host}'s ${framed.dev}: ${lab?.from}'s own kernel keeps a loopback address to itself, so it was a hand-made frame on the link), as simulate --via ${framed.via}`,
    );
  }
  const recorded = recordedTtl(packets[0]?.events ?? [], ruleset);
  const fromCommand = command ? commandTtl(command) : undefined;
  if (recorded && recorded.ttl !== 64) {
    out.ttl = recorded.ttl;
    out.said.push(`TTL ${recorded.ttl} (the first packet's, as recorded at ${recorded.hook})`);
  } else if (!recorded && fromCommand !== undefined && fromCommand !== 64) {
    out.ttl = fromCommand;
    out.said.push(`TTL ${fromCommand} (the command's: ${command?.join(" ")})`);
  }
  if (proto === "tcp") {
    // The SYN's answer a reset: no socket listened (a ruleset's `reject with tcp reset` answers first in the replay too).
    const syn = packets[0]?.events.some(
      (e) => e.l4?.tcpFlags?.includes("SYN") && !e.l4.tcpFlags.includes("ACK"),
    );
    const answer = packets[1]?.events.some((e) => e.l4?.proto === "tcp" && e.l4.tcpFlags?.includes("RST"));
    if (syn && answer) {
      out.closedPort = true;
      out.said.push(
        "no socket on the TCP port (the recording answers the SYN with a reset), as simulate --closed",
      );
    }
  }
  if (proto === "udp") {
    const answer = packets.slice(1).find((p) => p.events.some(portUnreachable));
    if (answer) {
      out.closedPort = true;
      out.said.push(
        "no socket on the UDP port (the recording's answer is an ICMP port unreachable), as simulate --udp-closed",
      );
    }
  }
  return out;
}
