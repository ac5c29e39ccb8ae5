/**
 * Pairs packets into flows: the request and reply directions of one
 * connection (TCP/UDP tuple, ICMP echo id), reversed, NAT-aware (every tuple a
 * packet showed before and after a rewrite is remembered). Bounded: the oldest
 * tuples are forgotten first. IP fragments without ports join by their datagram's IP ID;
 * {@link PairingQueue} lets one logged before its first fragment wait for it, briefly.
 */

import { UNNAMED_PORTS_TRANSPORT } from "../model/ip-protocols.ts";
import type { Flow, Packet, TraceEvent } from "../model/packet.ts";
import { detach } from "./detach-string.ts";
import { neighborKeys } from "./neighbor-discovery.ts";
import { bestEvent, summarizePacket } from "./summarize-packet.ts";
import { nameGuessedUdp, ruleNamedIcmp, TRACED_LIKE_UDP } from "./traced-transport.ts";

/** Options of {@link FlowPairer}. */
export interface PairOptions {
  /** Remember at most this many tuples. Default: 100000. */
  maxTuples?: number;
  /**
   * Keep copies of the tuples given to {@link FlowPairer.assignKeys}, for keys
   * that are slices of a bigger string (the parallel parse's batches), which
   * a kept slice would keep whole. Default: false (keys are kept as given).
   */
  copyKeys?: boolean;
}

/** What {@link FlowPairer.assign} decided. */
export interface FlowAssignment {
  flow: number;
  direction: "request" | "reply";
  /** True when this packet opened a new flow. */
  isNew: boolean;
  /**
   * Lower-case protocol of the flow. A flow opened as the unnamed transport with ports (`ports`)
   * changes it once, to the name the first packet naming one gives; one opened as the UDP that
   * xtables-monitor reads SCTP, UDP-Lite and DCCP as, to the one a later packet's rule names: a flow
   * list updates it ({@link addToFlows}).
   */
  proto: string;
}

/** Named transports with ports; SCTP and DCCP also by number, as LOG, ebtables and nft trace lines give them. */
const NAMED_PORTS = ["tcp", "udp", "udplite", "sctp", "dccp", "132", "33"];
/** {@link NAMED_PORTS} and the unnamed transport an ebtables IPv6 line shows behind extension headers. */
const PORTS = new Set([...NAMED_PORTS, UNNAMED_PORTS_TRANSPORT]);
/** {@link NAMED_PORTS} as a set. */
const NAMED_PORTS_SET: ReadonlySet<string> = new Set(NAMED_PORTS);

/**
 * The words joined by spaces. `join` writes one flat string of its own, where a template literal
 * makes a rope over its parts (slices of lines): a kept tuple pins no input and hashes without
 * being flattened first, and needs no copy ({@link detach}).
 */
function words(...parts: (string | number)[]): string {
  return parts.join(" ");
}

/** The connection tuple an event shows, or undefined when it shows none (`proto`: the word it is keyed under). */
function tuple(ip: { src: string; dst: string }, l4: TraceEvent["l4"], proto = l4?.proto ?? "ip"): string {
  if (l4 && PORTS.has(proto) && l4.sport !== undefined)
    return words(proto, ip.src, l4.sport, ip.dst, String(l4.dport));
  if (l4 && (proto === "icmp" || proto === "icmpv6") && l4.icmpId !== undefined)
    return words(proto, ip.src, ip.dst, `id${l4.icmpId}`);
  return words(proto, ip.src, ip.dst);
}

function reverse(t: string): string {
  const p = t.split(" ") as [string, string, string, string?, string?];
  if (p.length === 5) return words(p[0], p[3] as string, p[4] as string, p[1], p[2]);
  if (p.length === 4) return words(p[0], p[2], p[1], p[3] as string);
  return words(p[0], p[2], p[1]);
}

/**
 * The protocol word `ev`'s tuples are keyed under: its own, except the SCTP, UDP-Lite or DCCP that a
 * matched rule named for an xtables-monitor line (`traced-transport.ts`), which is keyed as the UDP the
 * line reads as, so that the packets of the flow no such rule matched pair with it.
 */
function keyProto(ev: TraceEvent): string {
  const proto = ev.l4?.proto ?? "ip";
  if (ev.source !== "xtables-monitor") return proto;
  // The ICMP a matched rule named is keyed as the bare IP the line showed (see `ruleNamedIcmp`).
  return TRACED_LIKE_UDP.has(proto) ? "udp" : ruleNamedIcmp(ev) ? "ip" : proto;
}

/** {@link reverse} of the tuple of an IP event, built from the event when no field holds a space. */
function reverseOf(ev: TraceEvent, t: string): string {
  const ip = ev.ip;
  const l4 = ev.l4;
  const proto = keyProto(ev);
  // The string form splits on spaces: only fields without one may take the shortcut.
  if (!ip || ip.src.includes(" ") || ip.dst.includes(" ") || proto.includes(" ")) return reverse(t);
  if (l4 && PORTS.has(proto) && l4.sport !== undefined)
    return words(proto, ip.dst, String(l4.dport), ip.src, l4.sport);
  if (l4 && (proto === "icmp" || proto === "icmpv6") && l4.icmpId !== undefined)
    return words(proto, ip.dst, ip.src, `id${l4.icmpId}`);
  return words(proto, ip.dst, ip.src);
}

/** Whether the layer-4 fields name one connection: ports, or an ICMP echo id. */
function hasConnectionId(l4: TraceEvent["l4"]): boolean {
  return l4 !== undefined && (l4.sport !== undefined || (l4.icmpId !== undefined && !icmpError(l4)));
}

/** An ICMP(v6) error: nft trace prints its unused header words as `icmp id 0 icmp sequence 0`, no connection's id. */
function icmpError(l4: NonNullable<TraceEvent["l4"]>): boolean {
  const t = l4.icmpType;
  if (t === undefined) return false;
  return l4.proto === "icmp" ? t === 3 || t === 4 || t === 5 || t === 11 || t === 12 : t >= 1 && t <= 4;
}

/** Whether two IP events certainly show the same tuple (so the second needs no string built). */
function sameTuple(a: TraceEvent, b: TraceEvent): boolean {
  const x = a.ip;
  const y = b.ip;
  if (!x || !y || x.src !== y.src || x.dst !== y.dst) return false;
  const l = a.l4;
  const m = b.l4;
  if (!l || !m) return l === m;
  return l.proto === m.proto && l.sport === m.sport && l.dport === m.dport && l.icmpId === m.icmpId;
}

function eventTuple(ev: TraceEvent): string | undefined {
  if (ev.ip) return tuple(ev.ip, ev.l4, keyProto(ev));
  if (ev.arp?.ipSrc && ev.arp.ipDst) return words("arp", ev.arp.ipSrc, ev.arp.ipDst);
  if (ev.macSrc && ev.macDst) return words("ether", ev.macSrc, ev.macDst);
  return undefined;
}

/** Whether the packet answers rather than opens (echo-reply, SYN-ACK, a reset of WINDOW=0, ARP reply). */
function looksLikeReply(ev: TraceEvent | undefined): boolean {
  if (!ev) return false;
  const l4 = ev.l4;
  // An ICMP error answers whatever it quotes, also when the line shows no quote (LOG prints none for a
  // parameter problem, `PARAMETER=21`, hv46).
  if (l4?.proto === "icmp")
    return l4.icmpType === 0 || l4.icmpType === 14 || (l4 !== undefined && icmpError(l4));
  if (l4?.proto === "icmpv6") return l4.icmpType === 129 || icmpError(l4);
  if (l4?.proto === "tcp") {
    const flags = l4.tcpFlags;
    if (!flags?.includes("ACK")) return false;
    // The kernel's reset for a segment no socket takes (a closed port) or REJECT's zeroes the window;
    // a socket aborting its own connection sends its window (kernel 6.18: `WINDOW=0 ... ACK RST` vs `WINDOW=63 ... ACK RST`).
    return flags.includes("SYN") || (flags.includes("RST") && l4.window === 0);
  }
  if (ev.arp) return ev.arp.opcode === 2;
  // No flags tell a datagram's direction: a first one from a service's port to a client's answers
  // (the request was not logged, or before the log began), as a first SYN-ACK does.
  if (l4 && UDP_LIKE.has(l4.proto)) return fromServicePort(l4.sport, l4.dport);
  return false;
}

/** Transports without a handshake whose first packet only the ports can name a reply. */
const UDP_LIKE = new Set(["udp", "udplite"]);

/**
 * Whether a datagram goes from a service's port to a client's: from a well-known port (below 1024:
 * 53 DNS, 123 NTP, 161 SNMP, ...) to one that is not, where clients' ephemeral source ports lie
 * (Linux: 32768-60999), or DHCP's server port to its client port (67 to 68, 547 to 546).
 */
function fromServicePort(sport: number | undefined, dport: number | undefined): boolean {
  if (sport === undefined || dport === undefined) return false;
  if ((sport === 67 && dport === 68) || (sport === 547 && dport === 546)) return true;
  return sport < 1024 && dport >= 1024;
}

/**
 * What flow pairing needs to know of a packet: the tuples it showed (with
 * their reverses), the tuple an ICMP error quotes, its protocol, and whether
 * it looks like an answer. Plain strings and flags: it crosses threads cheaply.
 */
export interface FlowKeys {
  /** Each distinct connection tuple the packet showed, in order (before and after NAT). */
  seen: string[];
  /** `seen[i]` seen from the other side. */
  reversed: string[];
  /**
   * The tuple of the packet an ICMP error quotes; each form it took (NAT rewrites the quote with the
   * error) joined by a newline, which no tuple holds: one plain string crosses threads as it is.
   */
  quoted?: string;
  /**
   * Keys of the packet this one answers, looked up like {@link quoted}, each joined like it: an ICMP
   * error that shows only the start of the packet it quotes (nft monitor trace) names that packet
   * by its sender (the error's destination), protocol, IP id and length; a neighbor advertisement
   * names the solicitation it answers (`neighbor-discovery.ts`).
   */
  quotedIds?: string;
  /**
   * Keys an answer names this packet by (the flow remembers them): its sender, protocol, IP id and
   * length (nft monitor trace only), or the key of a neighbor solicitation.
   */
  datagramIds?: string;
  /** Lower-case protocol for a new flow. */
  proto: string;
  /** An echo-reply, SYN-ACK or ARP reply: a new flow seen from this packet starts as the reply. */
  replyLike: boolean;
  /**
   * The datagram tuple of a first fragment (`frag <proto> <src> <dst> <IP ID>`): remembered with
   * the packet's flow so its later fragments find it, never looked up (the 16-bit IP ID repeats, and
   * a new connection's first fragment would land in an older datagram's flow). A later fragment
   * logged before it waits for it ({@link PairingQueue}).
   */
  datagram?: string;
  /**
   * True for a fragment after the first (its offset above 0), known only by its datagram tuple: it
   * may wait for its first fragment ({@link PairingQueue}). A first fragment without ports (GRE, ESP,
   * a cut transport) has the same lone tuple but nothing to wait for.
   */
  laterFragment?: boolean;
}

/** The {@link FlowKeys} of a packet. */
export function flowKeys(packet: Pick<Packet, "events">): FlowKeys {
  const seen: string[] = [];
  const reversed: string[] = [];
  // MAC pairs only identify frames that carry no IP header (any two containers share them).
  const hasIp = packet.events.some((e) => e.ip);
  // ebtables lines print no ICMP id: their id-less tuple would tie every ping between two hosts into one flow.
  const hasIds = packet.events.some((e) => hasConnectionId(e.l4));
  const inner = packet.events.find((e) => e.inner)?.inner;
  // An nft trace's error shows only the start of what it quotes: an error all the same.
  const quotesHead = packet.events.some((e) => e.quotedHead);
  // NAT rewrites the quoted packet with the error (masqueraded before the nat hook, the original after): every form counts.
  const quotedForms: string[] = [];
  for (const e of packet.events) {
    if (!e.inner) continue;
    const q = tuple(e.inner.ip, e.inner.l4);
    if (!quotedForms.includes(q)) quotedForms.push(q);
  }
  // An ICMP error's own addresses name no connection (the packet it quotes does): they would tie it to any id-less flow.
  const quotes = (inner !== undefined || quotesHead) && !hasIds;
  let prev: TraceEvent | undefined;
  for (const ev of packet.events) {
    if (quotes) break;
    if (hasIp && !ev.ip) continue;
    if (hasIds && !hasConnectionId(ev.l4)) continue;
    // Most hooks show the tuple of the hook before: skip building the same string again.
    if (prev && sameTuple(prev, ev)) continue;
    prev = ev;
    // Flat strings of their own (see `words`): each hash is computed once for every lookup.
    const t = eventTuple(ev);
    if (t && !seen.includes(t)) {
      seen.push(t);
      reversed.push(ev.ip ? reverseOf(ev, t) : reverse(t));
    }
  }
  const frag = hasIds || quotes ? undefined : fragmentTuple(packet.events);
  // A later fragment has no ports nor echo id: only its datagram (the IP ID) ties it to the first one.
  if (frag !== undefined) {
    seen.length = 0;
    reversed.length = 0;
  }
  if (frag !== undefined) {
    seen.push(frag);
    reversed.push(reverse(frag));
  }
  const firstFragment = hasIds ? fragmentTuple(packet.events) : undefined;
  const first = bestEvent(packet.events);
  const keys: FlowKeys = {
    seen,
    reversed,
    proto: first?.l4?.proto ?? (first?.arp ? "arp" : first?.ip ? "ip" : "ether"),
    // An ICMP error answers the packet it quotes, logged or not.
    replyLike: looksLikeReply(first) || inner !== undefined || quotesHead,
  };
  if (quotedForms.length > 0) keys.quoted = quotedForms.join(QUOTED_SEPARATOR);
  // Only an nft trace quotes a packet by its first bytes: other packets pay nothing for it.
  if (packet.events[0]?.source === "nft-monitor") {
    const ids: string[] = [];
    const quotedIds: string[] = [];
    // The packet came in (`iif`): it may answer a masqueraded one (see `masqueraded`). Not a fragment:
    // a first fragment whose tuples no flow knows waits for its datagram (`PairingQueue`), which a quote would stop.
    const entry = packet.events[0];
    const whole = entry?.ip && !entry.ip.fragment && !entry.ip.flags?.includes("MF");
    const back =
      entry?.in && whole && entry.l4?.sport !== undefined ? masqueradeKey(entry, entry.in, true) : undefined;
    if (back !== undefined) quotedIds.push(back);
    for (const e of packet.events) {
      const ip = e.ip;
      if (!ip) continue;
      const masq = masqueraded(e);
      if (masq !== undefined && !ids.includes(masq)) ids.push(masq);
      const head = e.quotedHead;
      if (head) {
        const q = words("dgid", head.proto, ip.dst, String(head.id), String(head.len));
        if (!quotedIds.includes(q)) quotedIds.push(q);
        continue;
      }
      // IPv6 has no IP id: its flow label stands in, as an ICMPv6 error's quote gives it (see `quotedHead`).
      const id = ip.id ?? ip.flowLabel;
      if (id !== undefined && id !== 0 && ip.len !== undefined && e.l4) {
        // IP id 0 (a DF packet of some stacks) names no datagram.
        const d = words("dgid", e.l4.proto, ip.src, String(id), String(ip.len));
        if (!ids.includes(d)) ids.push(d);
      }
    }
    if (quotedIds.length) keys.quotedIds = quotedIds.join(QUOTED_SEPARATOR);
    if (ids.length) keys.datagramIds = ids.join(QUOTED_SEPARATOR);
  }
  // Only ICMPv6 packets pay for the neighbor discovery check.
  if (first?.l4?.proto === "icmpv6") {
    const nd = neighborKeys(packet.events);
    if (nd.answers !== undefined) keys.quotedIds = join(keys.quotedIds, nd.answers);
    if (nd.solicits !== undefined) keys.datagramIds = join(keys.datagramIds, nd.solicits);
  }
  if (firstFragment !== undefined) keys.datagram = firstFragment;
  if (frag !== undefined && packet.events.some((e) => (e.ip?.fragment ?? 0) > 0)) keys.laterFragment = true;
  return keys;
}

/** A masquerade rule's text as nft prints it (`... masquerade comment "..."`, `masquerade to :1024-2048`). */
const MASQUERADE = /(?:^|\s)masquerade(?:\s|$)/;

/**
 * The key a masqueraded packet's reply finds it by, for an nft trace event whose chain ran a
 * `masquerade` rule: nft monitor trace prints no rule's new source (kernel 6.18, nft 1.0.6: the
 * postrouting packet line shows the source before it, and no later line shows the packet), so the
 * reply, addressed to the output device's address, shows a tuple no packet did. It comes back in
 * through that device, from the address and port the packet was sent to, to the port it was sent
 * from (masquerade keeps a free source port): those are the key (see {@link masqueradeKey}).
 */
function masqueraded(e: TraceEvent): string | undefined {
  if (!e.out || e.l4?.sport === undefined || !e.verdicts) return undefined;
  for (const v of e.verdicts)
    if (v.kind === "rule" && v.text !== undefined && MASQUERADE.test(v.text))
      return masqueradeKey(e, e.out, false);
  return undefined;
}

/**
 * `masq <device> <proto> <peer> <peer port> <own port>` of an IP event with ports: seen from the
 * masqueraded packet (`answer` false: its output device, destination, destination port, source
 * port), or from its reply coming in (`answer` true: its input device, source, source port,
 * destination port). The reply's destination, the masquerading address, is left out: no line shows it.
 */
function masqueradeKey(e: TraceEvent, device: string, answer: boolean): string {
  const ip = e.ip as NonNullable<TraceEvent["ip"]>;
  const l4 = e.l4 as NonNullable<TraceEvent["l4"]>;
  return answer
    ? words("masq", device, l4.proto, ip.src, String(l4.sport), String(l4.dport))
    : words("masq", device, l4.proto, ip.dst, String(l4.dport), String(l4.sport));
}

/**
 * The datagram tuple of a fragmented IP packet (`frag <proto> <src> <dst> <IP ID>`, from the first
 * event that shows `MF` or an offset, and an ID), or undefined for a whole packet.
 */
function fragmentTuple(events: readonly TraceEvent[]): string | undefined {
  for (const ev of events) {
    const ip = ev.ip;
    if (!ip || ip.id === undefined) continue;
    if ((ip.fragment ?? 0) > 0 || ip.flags?.includes("MF"))
      return words("frag", keyProto(ev), ip.src, ip.dst, ip.id);
  }
  return undefined;
}

/** `more` added to a list of keys joined by {@link QUOTED_SEPARATOR}. */
function join(list: string | undefined, more: string): string {
  return list === undefined ? more : `${list}${QUOTED_SEPARATOR}${more}`;
}

/** Joins the forms of a quoted tuple in {@link FlowKeys.quoted}. */
const QUOTED_SEPARATOR = "\n";

/** The start of a tuple of the unnamed transport with ports (see {@link UNNAMED_PORTS_TRANSPORT}). */
const UNNAMED_PREFIX = `${UNNAMED_PORTS_TRANSPORT} `;

/**
 * The tuples an unnamed-transport tuple may also be (`tcp ...`, `udp ...`, ...), or none for another
 * tuple: aliases the pairer looks up and fills in, but never lets overwrite a tuple it knows.
 */
function aliases(t: string): string[] {
  if (!t.startsWith(UNNAMED_PREFIX)) return [];
  const rest = t.slice(UNNAMED_PREFIX.length);
  return NAMED_PORTS.map((proto) => words(proto, rest));
}

/** What is remembered per tuple. */
interface Remembered {
  flow: number;
  direction: "request" | "reply";
  proto: string;
}

/** Assigns flows and directions to packets given in id order. */
export class FlowPairer {
  private readonly maxTuples: number;
  private tuples = new Map<string, { flow: number; direction: "request" | "reply"; proto: string }>();
  private older = new Map<string, { flow: number; direction: "request" | "reply"; proto: string }>();
  private nextFlow = 1;
  private readonly copyKeys: boolean;
  /** Per flow, the count of packets assigned when it last got one (two generations, as the tuples). */
  private active = new Map<number, number>();
  private olderActive = new Map<number, number>();
  private assigned = 0;
  /** Flows opened by an unnamed transport with ports or a traced UDP, by the protocol a later packet named. */
  private named = new Map<number, string>();

  constructor(options: PairOptions = {}) {
    this.maxTuples = options.maxTuples ?? 100_000;
    this.copyKeys = options.copyKeys ?? false;
  }

  /** Tuples remembered right now (both generations): at most `maxTuples` + 1. */
  get size(): number {
    return this.tuples.size + this.older.size;
  }

  /** Decides the packet's flow and direction, sets them on the packet and returns them. */
  assign(packet: Packet): FlowAssignment {
    return setAssignment(packet, this.assignKeys(flowKeys(packet)));
  }

  /** Whether a flow is remembered for `tuple` (a {@link FlowKeys.seen} entry or a datagram's). */
  knows(tuple: string): boolean {
    return this.lookup(tuple) !== undefined;
  }

  /** {@link assign} for a packet known only by its {@link flowKeys} (nothing is set on a packet). */
  assignKeys(keys: FlowKeys): FlowAssignment {
    const { seen, reversed } = keys;
    let hit: Remembered | undefined;
    const quotedForms = [
      ...(keys.quoted === undefined ? [] : keys.quoted.split(QUOTED_SEPARATOR)),
      ...(keys.quotedIds === undefined ? [] : keys.quotedIds.split(QUOTED_SEPARATOR)),
    ];
    let latest = -1;
    for (const q of quotedForms) {
      // An ICMP error quotes the packet it answers: it belongs to that packet's flow, whatever its own tuples say.
      const quoted = this.lookup(q);
      // A masqueraded form may name an older connection that used the tuple before: the most recently active flow wins.
      if (quoted && this.lastActive(quoted.flow) > latest) {
        latest = this.lastActive(quoted.flow);
        hit = { ...quoted, direction: quoted.direction === "request" ? "reply" : "request" };
      }
    }
    /** `seen[i]` for i < looked were looked up and are not remembered. */
    let looked = hit ? seen.length : 0;
    for (; looked < seen.length; looked++) {
      hit = this.lookup(seen[looked] as string);
      if (hit) {
        // A tuple that reads the same both ways (a ping to 127.0.0.1) cannot tell the direction: the packet's kind does.
        if (seen[looked] === reversed[looked])
          hit = { ...hit, direction: keys.replyLike ? "reply" : "request" };
        break;
      }
    }
    // Most packets show no unnamed transport: the alias work below is skipped for them.
    const unnamed = seen.some((t) => t.startsWith(UNNAMED_PREFIX));
    // Lookup only: an unnamed transport's packet joins the most recently active flow of a named one.
    if (!hit && unnamed) {
      let latest = -1;
      for (const t of seen)
        for (const a of aliases(t)) {
          const found = this.lookup(a);
          if (found && this.lastActive(found.flow) > latest) {
            latest = this.lastActive(found.flow);
            hit = found;
          }
        }
    }
    let isNew = false;
    if (!hit) {
      isNew = true;
      hit = { flow: this.nextFlow++, direction: keys.replyLike ? "reply" : "request", proto: keys.proto };
      // The next error about the same packet joins this one.
      for (const q of quotedForms)
        this.store(q, { ...hit, direction: hit.direction === "request" ? "reply" : "request" });
    }
    const other: Remembered["direction"] = hit.direction === "request" ? "reply" : "request";
    const proto = this.flowProto(hit, keys.proto);
    // Remembered values are never changed: one object per direction serves every tuple.
    const same: Remembered = { flow: hit.flow, direction: hit.direction, proto };
    const back: Remembered = { flow: hit.flow, direction: other, proto };
    for (let i = 0; i < seen.length; i++) {
      // Known not to be there: no second lookup. (The hit itself is remembered with this flow already.)
      if (i < looked) this.store(seen[i] as string, same);
      else if (i > looked) this.remember(seen[i] as string, same);
      this.remember(reversed[i] as string, back);
      if (!unnamed) continue;
      // An unnamed transport's aliases fill gaps only: a known TCP or UDP tuple keeps its flow.
      const there = aliases(seen[i] as string);
      const backThere = aliases(reversed[i] as string);
      for (let j = 0; j < there.length; j++) {
        if (!this.lookup(there[j] as string)) this.store(there[j] as string, same);
        if (!this.lookup(backThere[j] as string)) this.store(backThere[j] as string, back);
      }
    }
    // A newer datagram with the same IP ID takes the tuple over: its later fragments are this flow's.
    if (keys.datagram !== undefined) this.store(keys.datagram, same);
    // An error quoting only this packet's start finds its flow by these.
    if (keys.datagramIds !== undefined)
      for (const d of keys.datagramIds.split(QUOTED_SEPARATOR)) this.store(d, same);
    this.touch(hit.flow);
    return { flow: hit.flow, direction: hit.direction, isNew, proto };
  }

  /**
   * The protocol of `hit`'s flow: a flow opened by an unnamed transport with ports takes the name
   * the first packet that names one gives (`packetProto`), and keeps it; so does a UDP flow that a
   * packet of SCTP, UDP-Lite or DCCP joins (only an xtables-monitor line's tuple, keyed as UDP, does).
   */
  private flowProto(hit: Remembered, packetProto: string): string {
    if (hit.proto !== UNNAMED_PORTS_TRANSPORT && hit.proto !== "udp") return hit.proto;
    const names = hit.proto === "udp" ? TRACED_LIKE_UDP : NAMED_PORTS_SET;
    // Most UDP flows are never named: no lookup while no flow is.
    const named =
      (this.named.size ? this.named.get(hit.flow) : undefined) ??
      (names.has(packetProto) ? packetProto : undefined);
    if (named === undefined) return hit.proto;
    // Bounded as the tuples are; the tuples stored from now on carry the name as well.
    if (this.named.size > this.maxTuples / 2) this.named.clear();
    this.named.set(hit.flow, named);
    return named;
  }

  /** `t` is kept as a map key: detached already (see `flowKeys`), or copied with `copyKeys`. */
  private remember(t: string, v: { flow: number; direction: "request" | "reply"; proto: string }): void {
    const old = this.lookup(t);
    if (old && old.flow === v.flow) return;
    this.store(t, v);
  }

  private store(t: string, v: Remembered): void {
    this.tuples.set(this.copyKeys ? detach(t) : t, v);
    // Two generations instead of evicting the oldest key one by one (Map iteration over deleted slots is slow).
    if (this.tuples.size > this.maxTuples / 2) {
      this.older = this.tuples;
      this.tuples = new Map();
    }
  }

  /** Marks `flow` as the one that got the latest packet. */
  private touch(flow: number): void {
    this.active.set(flow, ++this.assigned);
    // Bounded as the tuples are: the flows least recently active are forgotten a generation at a time.
    if (this.active.size > this.maxTuples / 2) {
      this.olderActive = this.active;
      this.active = new Map();
    }
  }

  /** When `flow` last got a packet ({@link touch}), or 0 when that is forgotten. */
  private lastActive(flow: number): number {
    return this.active.get(flow) ?? this.olderActive.get(flow) ?? 0;
  }

  private lookup(t: string): { flow: number; direction: "request" | "reply"; proto: string } | undefined {
    return this.tuples.get(t) ?? this.older.get(t);
  }
}

/**
 * Sets a flow assignment on its packet and returns it. A reply's summary is written again, and so is
 * that of a packet xtables-monitor read as UDP in a flow another packet named SCTP, UDP-Lite or DCCP.
 */
export function setAssignment(packet: Packet, a: FlowAssignment): FlowAssignment {
  packet.flow = a.flow;
  packet.direction = a.direction;
  const renamed = nameGuessedUdp(packet.events, a.proto);
  // A reply's rewrites are conntrack undoing NAT: its summary says so once the direction is known.
  if (renamed || (a.direction === "reply" && packet.rewrites.length > 0))
    packet.summary = summarizePacket(packet);
  return a;
}

/**
 * Adds a packet's assignment to a flow list indexed by flow id - 1: a new flow, or one more packet
 * of its flow (which takes the protocol a later packet names when it was opened unnamed). `packetOf`
 * (optional) finds an earlier packet by id: when a flow xtables-monitor read as UDP is named SCTP,
 * UDP-Lite or DCCP, its earlier packets are renamed and summarised again.
 */
export function addToFlows(
  flows: Flow[],
  packetId: number,
  a: FlowAssignment,
  packetOf?: (id: number) => Packet | undefined,
): void {
  if (a.isNew) {
    flows.push({ id: a.flow, proto: a.proto, packets: [packetId] });
    return;
  }
  const flow = flows[a.flow - 1];
  if (!flow) return;
  flow.packets.push(packetId);
  // Only a name given once: a flow never goes back to the unnamed or guessed protocol.
  if (flow.proto === "udp" && TRACED_LIKE_UDP.has(a.proto)) {
    flow.proto = a.proto;
    // The flow's earlier packets, read as UDP before a rule named it, say the protocol too.
    for (const id of flow.packets) {
      const earlier = packetOf?.(id);
      if (earlier && nameGuessedUdp(earlier.events, a.proto)) earlier.summary = summarizePacket(earlier);
    }
  } else if (flow.proto === UNNAMED_PORTS_TRANSPORT) flow.proto = a.proto;
}

/** The packet of `packets` (in id order, ids from 1, as a parser emits them) with id `id`. */
export function packetById(packets: readonly Packet[], id: number): Packet | undefined {
  const at = packets[id - 1];
  return at?.id === id ? at : packets.find((p) => p.id === id);
}

/** How many packets after it a later fragment may wait for its first fragment (see {@link PairingQueue}). */
export const FRAGMENT_WAIT = 64;

/** The datagram tuple of a later fragment's keys (no ports: it is its only tuple), else undefined. */
function laterFragment(keys: FlowKeys): string | undefined {
  if (!keys.laterFragment) return undefined;
  const t = keys.seen[0];
  return keys.datagram === undefined && keys.seen.length === 1 && t?.startsWith("frag ") ? t : undefined;
}

/**
 * Hands packets to a {@link FlowPairer} in their order, but lets a later fragment (no ports) whose
 * datagram no flow knows yet wait, with every packet after it, for its first fragment (logged after
 * it: reordered, or a log that saw the later ones first). When the first fragment comes within
 * `wait` packets, the later one is paired by the first one's keys, so the datagram is one flow;
 * else (or at {@link flush}) it is paired as it is. Only a waiting fragment's own datagram tuple is
 * matched, and only among the packets after it: an older flow whose datagram had the same 16-bit
 * IP ID is never joined this way. Packets still come out in order, flow numbers in order of first use.
 */
export class PairingQueue<T> {
  private queue: { item: T; keys: FlowKeys; at: number }[] = [];
  private readonly pairer: FlowPairer;
  private readonly emit: (item: T, a: FlowAssignment) => void;
  private readonly wait: number;

  /** `emit` gets each item with its assignment, in the order they were pushed; `wait`: {@link FRAGMENT_WAIT}. */
  constructor(pairer: FlowPairer, emit: (item: T, a: FlowAssignment) => void, wait = FRAGMENT_WAIT) {
    this.pairer = pairer;
    this.emit = emit;
    this.wait = wait;
  }

  /** Packets waiting (a later fragment and those after it): at most `wait` + 1. */
  get size(): number {
    return this.queue.length;
  }

  /**
   * Where the oldest waiting item begins (the `at` it was pushed with), or Infinity when none
   * waits: a caller's "oldest packet not handed out yet" counts the ones held here.
   */
  get oldest(): number {
    return this.queue[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Pairs the item now, or once the later fragment before it (or it) stops waiting. `at`: where
   * the item begins (its first line), reported by {@link oldest} while it waits. Default: 0.
   */
  push(item: T, keys: FlowKeys, at = 0): void {
    if (this.queue.length === 0 && !this.waits(keys)) {
      this.emit(item, this.pairer.assignKeys(keys));
      return;
    }
    this.queue.push({ item, keys, at });
    this.drain(false);
  }

  /** Pairs every waiting item (at the end of the input). */
  flush(): void {
    this.drain(true);
  }

  /**
   * Whether these keys are a later fragment of a datagram no flow knows, or a first fragment whose
   * tuples no flow knows: logged before defragmentation (nft at priority -450), a masqueraded reply's
   * fragments show the router's address, and only the reassembled datagram's de-NATed tuple names its flow.
   */
  private waits(keys: FlowKeys): boolean {
    const frag = laterFragment(keys);
    if (frag !== undefined) return !this.pairer.knows(frag);
    return keys.datagram !== undefined && this.unknown(keys);
  }

  /** Whether `keys` name a packet by its own tuples only (no quote), none of which a flow knows. */
  private unknown(keys: FlowKeys): boolean {
    if (keys.quoted !== undefined || keys.quotedIds !== undefined || keys.seen.length === 0) return false;
    return !keys.seen.some((t) => this.pairer.knows(t));
  }

  /**
   * The keys of the whole packet after `i` that shows first fragment `first`'s tuple (the datagram
   * reassembled), with `first`'s datagram tuple: its de-NATed tuples find the flow; else undefined.
   */
  private reassembled(first: FlowKeys, i: number): FlowKeys | undefined {
    const t = first.seen[0];
    const whole = this.queue.find(
      (o, j) =>
        j > i && o.keys.datagram === undefined && !o.keys.laterFragment && o.keys.seen.includes(t as string),
    )?.keys;
    if (!whole) return undefined;
    const keys: FlowKeys = {
      seen: whole.seen,
      reversed: whole.reversed,
      proto: first.proto,
      replyLike: first.replyLike,
    };
    if (first.datagram !== undefined) keys.datagram = first.datagram;
    return keys;
  }

  private drain(end: boolean): void {
    const q = this.queue;
    let i = 0;
    for (; i < q.length; i++) {
      const head = q[i] as { item: T; keys: FlowKeys; at: number };
      let keys = head.keys;
      // Checked when its turn comes: a packet paired before it may have named the datagram.
      if (this.waits(keys)) {
        const frag = laterFragment(keys);
        const at = frag === undefined ? i : q.findIndex((o, j) => j > i && o.keys.datagram === frag);
        const first = at < 0 ? undefined : (q[at] as { keys: FlowKeys }).keys;
        // The reassembled datagram's tuples decide when the first fragment's own name no flow.
        const unknown = first !== undefined && this.unknown(first);
        const whole = unknown ? this.reassembled(first, at) : undefined;
        if (!whole && (!first || unknown) && !end && q.length - i - 1 < this.wait) break;
        // The first fragment's tuples (its ports) decide; its datagram tuple is then remembered with them.
        if (whole) keys = frag === undefined ? whole : { ...whole, datagram: frag };
        else if (first && frag !== undefined)
          keys = {
            seen: first.seen,
            reversed: first.reversed,
            proto: first.proto,
            replyLike: first.replyLike,
            datagram: frag,
          };
      }
      this.emit(head.item, this.pairer.assignKeys(keys));
    }
    this.queue = i === q.length ? [] : q.slice(i);
  }
}
