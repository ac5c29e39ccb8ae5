/**
 * Connection tracking, as far as the ruleset can see it: an entry per connection with its original
 * tuple and the NAT bindings set up by the first packet; states NEW, ESTABLISHED (and RELATED for
 * ICMP errors); the reply tuple that lets replies be recognised and translated back.
 */
import { type CtState, isIcmp, type SimPacket } from "./sim-packet.ts";

/** Source and destination of a packet, with ports (or the ICMP echo id in `sport`/`dport`). */
export interface Tuple {
  proto: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

/**
 * A conntrack zone: its id, and the one direction it applies to (`--zone-orig`, `ct original zone set`);
 * without `dir` both. In the other direction the connection is in zone 0.
 */
export interface CtZone {
  id: number;
  dir?: "original" | "reply";
}

/** The zone id `z` has in direction `dir` (nf_ct_zone_id): 0 for no zone or a zone of the other direction. */
export function zoneId(z: CtZone | undefined, dir: "original" | "reply"): number {
  return z && (z.dir === undefined || z.dir === dir) ? z.id : 0;
}

/** A NAT binding: the new address and port of one side. */
export interface NatBinding {
  addr: string;
  port?: number;
}

/** One tracked connection. */
export interface ConnEntry {
  id: number;
  /** As the first packet looked before any NAT. */
  orig: Tuple;
  /** Set once a reply was seen (then every packet is ESTABLISHED). */
  seenReply: boolean;
  /** Destination NAT set up by the first packet (null: decided, none). */
  dnat?: NatBinding | null;
  /** Source NAT set up by the first packet (null: decided, none). */
  snat?: NatBinding | null;
  /** The connection's mark (`ct mark`, `-m connmark`), set by `-j CONNMARK` / `ct mark set`. Default 0. */
  mark?: number;
  /**
   * Set when the connection's mark took bits the model does not know (`--save-mark` of a packet whose
   * mark is unknown, an unmodelled `ct mark set`): which rule left it so. Kept on the entry, so every
   * later packet of the connection (its replies too) reads it unknown. Default: `mark` is known.
   */
  markUnknown?: string;
  /**
   * True while the packet that created it is in flight: the kernel keeps an entry only once that
   * packet has passed its last hook (confirmation), so a dropped first packet leaves none. Default false.
   */
  unconfirmed?: boolean;
  /**
   * Set by the TCP segment that ends the handshake (an ACK after the SYN-ACK) and kept (IPS_ASSURED);
   * never for UDP within a scenario (it takes two seconds of replied traffic) nor ICMP. Default false.
   */
  assured?: boolean;
  /** A TCP connection opened by a segment other than a SYN (`nf_conntrack_tcp_loose`): ESTABLISHED from its start. */
  pickedUp?: boolean;
  /** A FIN or RST passed: the TCP connection left ESTABLISHED, so no later segment assures it. */
  tcpClosing?: boolean;
  /**
   * Set once nft `flow add` offloaded the connection (see `flow-offload.ts`): the rule's line, the
   * flowtable and its devices; `closing` once the flowtable forwarded a TCP FIN or RST. Default: not offloaded.
   */
  offloaded?: { line: number; flowtable: string; devices: string[]; closing?: true };
  /** The zone the first packet was looked up in (`SimPacket.ctZone`). Default: zone 0. */
  zone?: CtZone;
}

/**
 * tcp_packet's IPS_ASSURED: set by a segment that keeps or makes the connection ESTABLISHED (an ACK
 * without SYN, FIN or RST) once a reply was seen before it: the initiator's ACK after the SYN-ACK
 * (SYN_RECV to ESTABLISHED), or any such segment of a picked-up connection, ESTABLISHED from its start.
 * A FIN or RST ends ESTABLISHED for good.
 */
function tcpAssure(e: ConnEntry, p: SimPacket, dir: "original" | "reply"): void {
  if (p.proto !== "tcp") return;
  const flags = p.tcpFlags ?? [];
  if (flags.includes("FIN") || flags.includes("RST")) e.tcpClosing = true;
  else if (e.seenReply && !e.tcpClosing && flags.includes("ACK") && !flags.includes("SYN"))
    if (dir === "original" || e.pickedUp || e.assured) e.assured = true;
}

/** The tuple of a packet as conntrack keys it (ICMP echo: the id on both sides). */
export function tupleOf(p: SimPacket): Tuple {
  if (isIcmp(p))
    return { proto: p.proto, src: p.src, dst: p.dst, sport: p.icmpId ?? 0, dport: p.icmpId ?? 0 };
  return { proto: p.proto, src: p.src, dst: p.dst, sport: p.sport ?? 0, dport: p.dport ?? 0 };
}

/** The tuple a reply to `e` carries, after the NAT bindings. */
export function replyTuple(e: ConnEntry): Tuple {
  const o = e.orig;
  return {
    proto: o.proto,
    src: e.dnat?.addr ?? o.dst,
    dst: e.snat?.addr ?? o.src,
    sport: e.dnat?.port ?? o.dport,
    dport: e.snat?.port ?? o.sport,
  };
}

function sameTuple(a: Tuple, b: Tuple): boolean {
  return (
    a.proto === b.proto && a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport
  );
}

/**
 * Whether a TCP segment with no connection opens one: a SYN, or with `loose` a bare ACK (data too)
 * that conntrack picks up mid-stream (nf_conntrack_tcp_loose); a SYN/ACK, FIN or RST is INVALID.
 * Kernel 6.18 (test/unit/listing/notrack-reply.test.ts, loose 1): after an untracked SYN the server's
 * SYN/ACK and FIN/ACK were INVALID, its bare ACK NEW.
 */
function opensTcp(flags: readonly string[], loose: boolean): boolean {
  if (flags.includes("RST") || flags.includes("FIN")) return false;
  return flags.includes("SYN") ? !flags.includes("ACK") : loose && flags.includes("ACK");
}

/**
 * Whether `p` is an ICMP error (destination unreachable, source quench, redirect, time exceeded,
 * parameter problem; ICMPv6 1-4): conntrack looks up the packet it quotes, never a connection of its own.
 */
export function isIcmpError(p: { proto: string; icmpType?: number }): boolean {
  if (p.icmpType === undefined) return false;
  if (p.proto === "icmp") return [3, 4, 5, 11, 12].includes(p.icmpType);
  return p.proto === "icmpv6" && p.icmpType >= 1 && p.icmpType <= 4;
}

/**
 * `net.netfilter.nf_conntrack_tcp_loose` of a lab's sysctls (default 1, the kernel's): whether a bare
 * ACK with no connection opens one. The simulator and the listing both read it here, so they agree.
 */
export function tcpLooseOf(sysctls: Readonly<Record<string, string | undefined>> | undefined): boolean {
  return sysctls?.["net.netfilter.nf_conntrack_tcp_loose"]?.trim() !== "0";
}

/** Options of a {@link ConntrackTable}. */
export interface ConntrackOptions {
  /** `net.netfilter.nf_conntrack_tcp_loose`: a bare ACK with no connection opens one. Default true, the kernel's. */
  tcpLoose?: boolean;
}

/** The connection table of one network namespace. */
export class ConntrackTable {
  private entries: ConnEntry[] = [];
  private nextId = 1;
  private readonly tcpLoose: boolean;

  constructor(options: ConntrackOptions = {}) {
    this.tcpLoose = options.tcpLoose ?? true;
  }

  /**
   * Finds or creates the entry for `p` and attaches it; returns the state `--ctstate` sees. A tuple is
   * found only in the packet's zone: the entry's id in that direction equals the packet's (nf_ct_key_equal),
   * so a reply that no rule put in the request's zone is looked up in zone 0 and finds nothing.
   */
  lookup(p: SimPacket): CtState {
    if (p.ct) return p.ct.state;
    if (p.ctInvalid) return "INVALID";
    const t = tupleOf(p);
    // The lookup consumes the zone template (nf_conntrack_in puts it): an invalid packet keeps none.
    const zone = p.ctZone;
    delete p.ctZone;
    const inZone = (e: ConnEntry, dir: "original" | "reply") => zoneId(e.zone, dir) === zoneId(zone, dir);
    // An ICMP error belongs to the connection of the packet it quotes (RELATED) or to none (INVALID).
    if (isIcmpError(p)) return this.related(p, t, zone);
    // An ICMP echo reply matches the request's reply tuple with types swapped; tuples carry no type.
    for (const e of this.entries) {
      if (sameTuple(e.orig, t) && inZone(e, "original")) {
        const state: CtState = e.seenReply ? "ESTABLISHED" : "NEW";
        tcpAssure(e, p, "original");
        this.killOnEarlyReset(e, p);
        p.ct = { entry: e, dir: "original", state };
        return state;
      }
      if (sameTuple(replyTuple(e), t) && inZone(e, "reply")) {
        // The handler runs before nf_conntrack_in marks the reply seen.
        tcpAssure(e, p, "reply");
        this.killOnEarlyReset(e, p);
        e.seenReply = true;
        p.ct = { entry: e, dir: "reply", state: "ESTABLISHED" };
        return "ESTABLISHED";
      }
    }
    const isReplyType =
      (p.proto === "icmp" && p.icmpType === 0) || (p.proto === "icmpv6" && p.icmpType === 129);
    if (isReplyType || (p.proto === "tcp" && !opensTcp(p.tcpFlags ?? [], this.tcpLoose))) {
      // A reply or a segment that opens nothing with no connection: conntrack calls it INVALID.
      p.ctInvalid = true;
      return "INVALID";
    }
    const entry: ConnEntry = {
      id: this.nextId++,
      orig: t,
      seenReply: false,
      unconfirmed: true,
      ...(p.proto === "tcp" && !(p.tcpFlags ?? []).includes("SYN") ? { pickedUp: true } : {}),
      ...(zone ? { zone } : {}),
    };
    this.entries.push(entry);
    p.ct = { entry, dir: "original", state: "NEW" };
    return "NEW";
  }

  /**
   * tcp_packet: a RST while the connection has seen no reply kills it (nf_ct_kill). The RST keeps the
   * entry for its own walk (its NAT is undone); a later packet of the tuple finds none. Kernel 6.18
   * (test/fixtures/closed-port-reset/capture.txt): after a closed port's reset, `conntrack -L` listed none.
   */
  private killOnEarlyReset(e: ConnEntry, p: SimPacket): void {
    if (p.proto === "tcp" && !e.seenReply && p.tcpFlags?.includes("RST"))
      this.entries = this.entries.filter((x) => x !== e);
  }

  /**
   * The state of ICMP error `p` (tuple `t`): RELATED to the connection of the packet it quotes, which
   * the model finds by its quoted packet's tuple when it carries one, else takes to be its flow's (the
   * same echo id or ports); INVALID when there is none, the
   * quoted packet having been left untracked (kernel 6.18, test/fixtures/simulate/nft-notrack-ct-state:
   * the port unreachable a reject sent for an untracked echo request met `ct state invalid`, for a
   * tracked one `ct state related`). It opens no connection and is no reply to the one it finds.
   */
  private related(p: SimPacket, t: Tuple, zone: CtZone | undefined): CtState {
    // An error that quotes its packet is found by the quoted tuple inverted (nf_conntrack_inet_error).
    const q = p.quoted && tupleOf(p.quoted);
    const key = q ? { ...q, src: q.dst, dst: q.src, sport: q.dport, dport: q.sport } : t;
    for (const e of this.entries) {
      const dir = sameTuple(e.orig, key) ? "original" : sameTuple(replyTuple(e), key) ? "reply" : undefined;
      if (dir && zoneId(e.zone, dir) === zoneId(zone, dir)) {
        p.ct = { entry: e, dir, state: "RELATED" };
        return "RELATED";
      }
    }
    p.ctInvalid = true;
    return "INVALID";
  }

  /**
   * The offloaded connection `p` belongs to (see `ConnEntry.offloaded`), and its direction, without
   * attaching it: a flowtable looks a packet up by its tuple alone. Zones are not compared.
   */
  offloadedOf(p: SimPacket): { entry: ConnEntry; dir: "original" | "reply" } | undefined {
    const t = tupleOf(p);
    for (const e of this.entries) {
      if (!e.offloaded) continue;
      if (sameTuple(e.orig, t)) return { entry: e, dir: "original" };
      if (sameTuple(replyTuple(e), t)) return { entry: e, dir: "reply" };
    }
    return undefined;
  }

  /** The packet passed its last hook (POSTROUTING or INPUT): the entry it created is kept from now on. */
  confirm(p: SimPacket): void {
    if (p.ct?.entry.unconfirmed) delete p.ct.entry.unconfirmed;
  }

  /**
   * Ends the packet's walk for conntrack: an entry it created but never confirmed (it was dropped, or
   * not routed, before its last hook) is forgotten, so a retransmitted SYN is NEW again and meets the
   * nat chains again.
   */
  forgetUnconfirmed(p: SimPacket): void {
    const entry = p.ct?.entry;
    if (entry?.unconfirmed) this.entries = this.entries.filter((e) => e !== entry);
  }

  /** All entries (for tests and `conntrack -L`-like output). */
  list(): readonly ConnEntry[] {
    return this.entries;
  }
}
