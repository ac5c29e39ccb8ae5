/**
 * Streams events into packets: the same packet seen at successive hooks
 * becomes one {@link Packet}, NAT rewrites included. State is bounded: a
 * packet is closed when it has seen no event for a while (events or seconds)
 * or when too many are open, and closed packets are handed out in the order
 * of their first line.
 */
import { CHAINS } from "../model/hook.ts";
import type { Packet, TraceEvent } from "../model/packet.ts";
import { findRewrites } from "./find-rewrites.ts";
import { summarizePacket } from "./summarize-packet.ts";

/** Options of {@link PacketGrouper}. */
export interface GroupOptions {
  /** Close a packet after this many further events without one of its own. Default: 400. */
  windowEvents?: number;
  /** Close a packet when the envelope time has moved on by this many seconds. Default: 5. */
  windowSeconds?: number;
  /** At most this many open packets; the oldest is closed first. Default: 256. */
  maxOpen?: number;
}

/** A packet still collecting events. */
interface OpenPacket {
  /** Input order of the packet's first line (ids are given in this order when emitted). */
  firstSeq: number;
  events: TraceEvent[];
  hooks: Set<string>;
  lastSeq: number;
  lastTime: number | undefined;
  /** The envelope `lastTime` came from: clocks of different envelopes are not comparable. */
  lastClock: string | undefined;
  firstTtl: number | undefined;
  traceId: string | undefined;
  keys: string[];
  closed: boolean;
}

const BUILTIN = new Set<string>(CHAINS);
const TRACE_SOURCES = new Set(["trace", "xtables-monitor", "nft-monitor"]);

function chainOf(hook: string): string {
  return hook.slice(hook.lastIndexOf(":") + 1);
}
function familyTable(hook: string): string {
  return hook.slice(0, hook.lastIndexOf(":"));
}
function pairKey(ev: TraceEvent): string | undefined {
  if (ev.ip) return `${ev.l4?.proto ?? ""} ${ev.ip.src} ${ev.ip.dst}`;
  if (ev.arp) return `arp ${ev.arp.opcode} ${ev.arp.ipSrc} ${ev.arp.ipDst}`;
  return undefined;
}
function same<T>(a: T | undefined, b: T | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}
function sameFlags(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const INGRESS = new Set(["BROUTING", "PREROUTING"]);

/**
 * Hooks that start a packet's path cannot follow later ones: a PREROUTING or
 * BROUTING line never joins a packet already past PREROUTING (bridge ones come
 * before the IP ones), and IP OUTPUT only follows IP OUTPUT.
 */
function orderFits(p: { hooks: Set<string> }, hook: string): boolean {
  // (bridge hooks may follow IP ones: bridge OUTPUT after IP POSTROUTING on the way out.)
  const chain = chainOf(hook);
  const bridge = hook.startsWith("bridge:");
  if (INGRESS.has(chain)) {
    for (const h of p.hooks) {
      const hb = h.startsWith("bridge:");
      // Without br_netfilter a frame crosses bridge INPUT before IP PREROUTING; IP never precedes bridge ingress.
      if (bridge ? !hb || !INGRESS.has(chainOf(h)) : !hb && !INGRESS.has(chainOf(h))) return false;
    }
    return true;
  }
  if (chain === "OUTPUT" && !bridge) {
    for (const h of p.hooks) if (chainOf(h) !== "OUTPUT" || h.startsWith("bridge:")) return false;
  }
  return true;
}

/** The header fields NAT never changes agree (undefined on either side counts as agreeing). */
function invariantsAgree(a: TraceEvent, b: TraceEvent): boolean {
  const x = a.ip;
  const y = b.ip;
  if (x && y) {
    if (!same(x.id, y.id) || !same(x.len, y.len)) return false;
  }
  const l = a.l4;
  const m = b.l4;
  if (l && m) {
    if (l.proto !== m.proto) return false;
    if (!same(l.seq, m.seq) || !same(l.ack, m.ack) || !sameFlags(l.tcpFlags, m.tcpFlags)) return false;
    if (!same(l.icmpType, m.icmpType) || !same(l.icmpCode, m.icmpCode) || !same(l.icmpSeq, m.icmpSeq))
      return false;
  }
  return true;
}

/**
 * Groups events into packets. Call {@link push} per event in input order,
 * then {@link finish}; each finished packet goes to `emit`, in id order.
 */
export class PacketGrouper {
  private readonly windowEvents: number;
  private readonly windowSeconds: number;
  private readonly maxOpen: number;
  private readonly emit: (packet: Packet) => void;
  private open: OpenPacket[] = [];
  private byKey = new Map<string, OpenPacket[]>();
  private byTrace = new Map<string, OpenPacket>();
  private pendingL2: { ev: TraceEvent; seq: number }[] = [];
  /** Closed packets waiting for every earlier-starting packet to close, sorted by first line. */
  private done: { firstSeq: number; packet: Packet }[] = [];
  private nextId = 1;
  private seq = 0;
  private now: number | undefined;
  private nowClock: string | undefined;
  private lastTouched: OpenPacket | undefined;

  /** `emit` receives each finished packet (flow and direction still unset: see `pair-flows.ts`). */
  constructor(emit: (packet: Packet) => void, options: GroupOptions = {}) {
    this.emit = emit;
    this.windowEvents = options.windowEvents ?? 400;
    this.windowSeconds = options.windowSeconds ?? 5;
    this.maxOpen = options.maxOpen ?? 256;
  }

  /** Adds one event (events must come in input order). */
  push(ev: TraceEvent): void {
    this.seq++;
    if (ev.time !== undefined) {
      this.now = ev.time;
      this.nowClock = ev.envelope;
    }
    if ((this.seq & 63) === 0) this.sweep();
    if (ev.ip || ev.arp) this.pushKeyed(ev);
    else if (ev.traceId) this.pushTraceOnly(ev);
    else this.pushL2(ev);
    while (this.open.length > this.maxOpen) this.close(this.open[0] as OpenPacket);
  }

  /** Closes everything and emits the remaining packets. */
  finish(): void {
    for (const p of [...this.open]) this.close(p);
    const pending = this.pendingL2;
    this.pendingL2 = [];
    for (const { ev, seq } of pending) this.closeNew(ev, seq);
    this.drain();
  }

  private stale(p: OpenPacket): boolean {
    if (this.seq - p.lastSeq > this.windowEvents) return true;
    return (
      this.now !== undefined &&
      p.lastTime !== undefined &&
      p.lastClock === this.nowClock &&
      this.now - p.lastTime > this.windowSeconds
    );
  }

  private sweep(): void {
    for (const p of this.open.filter((x) => this.stale(x))) this.close(p);
    while (this.pendingL2.length && this.seq - (this.pendingL2[0]?.seq ?? 0) > this.windowEvents) {
      const first = this.pendingL2.shift();
      if (first) this.closeNew(first.ev, first.seq);
    }
  }

  /** Whether `ev` may be the next event of `p`: `merge` folds it into the last event (TRACE steps). */
  private fit(p: OpenPacket, ev: TraceEvent): "add" | "merge" | undefined {
    const last = p.events[p.events.length - 1] as TraceEvent;
    const traceLike = TRACE_SOURCES.has(ev.source);
    if (traceLike && last.source === ev.source) {
      if (last.hook === ev.hook) return "merge";
      if (!BUILTIN.has(chainOf(ev.hook)) && familyTable(last.hook) === familyTable(ev.hook)) return "merge";
    }
    if (p.hooks.has(ev.hook) || !orderFits(p, ev.hook)) return undefined;
    if (
      p.lastTime !== undefined &&
      ev.time !== undefined &&
      p.lastClock === ev.envelope &&
      ev.time - p.lastTime > this.windowSeconds
    )
      return undefined;
    return "add";
  }

  private ttlFits(p: OpenPacket, ev: TraceEvent): boolean {
    const t = ev.ip?.ttl;
    if (t === undefined || p.firstTtl === undefined) return true;
    return t === p.firstTtl || t === p.firstTtl - 1;
  }

  private pushKeyed(ev: TraceEvent): void {
    if (ev.traceId) {
      const p = this.byTrace.get(ev.traceId);
      if (p && !p.closed) {
        const how = this.fit(p, ev);
        if (how) {
          this.attach(p, ev, how);
          return;
        }
      }
    }
    const key = pairKey(ev) as string;
    const list = this.byKey.get(key);
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list[i] as OpenPacket;
        if (p.closed) continue;
        const last = p.events[p.events.length - 1] as TraceEvent;
        if (!this.ttlFits(p, ev) || !invariantsAgree(last, ev) || !this.portsAgree(p, ev)) continue;
        const how = this.fit(p, ev);
        if (how) {
          this.attach(p, ev, how);
          return;
        }
      }
    }
    if (ev.ip && ev.ip.id !== undefined && ev.ip.len !== undefined) {
      // A NAT rewrite: one side kept, IP id and length unchanged.
      for (let i = this.open.length - 1; i >= 0; i--) {
        const p = this.open[i] as OpenPacket;
        if (this.natFits(p, ev)) {
          const how = this.fit(p, ev);
          if (how) {
            this.attach(p, ev, how);
            return;
          }
        }
      }
    }
    const p = this.create(ev);
    this.claimPending(p, ev);
  }

  private portsAgree(p: OpenPacket, ev: TraceEvent): boolean {
    for (let i = p.events.length - 1; i >= 0; i--) {
      const l = (p.events[i] as TraceEvent).l4;
      if (l && l.sport !== undefined && ev.l4?.sport !== undefined)
        return l.sport === ev.l4.sport && l.dport === ev.l4.dport;
    }
    return true;
  }

  private natFits(p: OpenPacket, ev: TraceEvent): boolean {
    const ip = ev.ip;
    if (!ip) return false;
    for (let i = p.events.length - 1; i >= 0; i--) {
      const e = p.events[i] as TraceEvent;
      if (!e.ip) continue;
      if (e.ip.id !== ip.id || e.ip.len !== ip.len || !invariantsAgree(e, ev) || !this.ttlFits(p, ev))
        return false;
      const srcKept = e.ip.src === ip.src && same(e.l4?.sport, ev.l4?.sport);
      const dstKept = e.ip.dst === ip.dst && same(e.l4?.dport, ev.l4?.dport);
      return srcKept !== dstKept;
    }
    return false;
  }

  /** Lines of xtables-monitor / nft without packet data: only the trace id ties them. */
  private pushTraceOnly(ev: TraceEvent): void {
    const p = this.byTrace.get(ev.traceId as string);
    if (p && !p.closed) {
      const how = this.fit(p, ev);
      if (how) {
        this.attach(p, ev, how);
        return;
      }
    }
    this.create(ev);
  }

  /** ebtables lines without IP data: attach by MAC, interface and adjacency. */
  private pushL2(ev: TraceEvent): void {
    const chain = chainOf(ev.hook);
    if (chain === "PREROUTING" || chain === "BROUTING") {
      // Runs before the IP hooks: wait for the IP line that follows.
      this.pendingL2.push({ ev, seq: this.seq });
      return;
    }
    for (let i = this.open.length - 1, n = 0; i >= 0 && n < 16; i--, n++) {
      const p = this.open[i] as OpenPacket;
      if (this.macMatch(p, ev) && this.fit(p, ev) === "add") {
        this.attach(p, ev, "add");
        return;
      }
    }
    const t = this.lastTouched;
    if (t && !t.closed && !t.events.some((e) => e.macSrc) && this.fit(t, ev) === "add") {
      this.attach(t, ev, "add");
      return;
    }
    const p = this.create(ev);
    this.claimPending(p, ev);
  }

  private macMatch(p: OpenPacket, ev: TraceEvent): boolean {
    if (!ev.macSrc) return false;
    for (const e of p.events) if (e.macSrc === ev.macSrc && e.macDst === ev.macDst) return true;
    return false;
  }

  /** Moves waiting bridge PREROUTING/BROUTING lines of the same frame in front of the packet's first event. */
  private claimPending(p: OpenPacket, ev: TraceEvent): void {
    if (!this.pendingL2.length) return;
    const claimed: TraceEvent[] = [];
    const claimedSeqs: number[] = [];
    this.pendingL2 = this.pendingL2.filter(({ ev: l2, seq }) => {
      const match =
        (ev.macSrc !== undefined && l2.macSrc === ev.macSrc && l2.macDst === ev.macDst) ||
        (!ev.macSrc && l2.in !== undefined && l2.in !== "" && (ev.physIn === l2.in || ev.in === l2.in));
      if (match && !p.hooks.has(l2.hook) && !claimed.some((c) => c.hook === l2.hook)) {
        claimed.push(l2);
        claimedSeqs.push(seq);
        return false;
      }
      return true;
    });
    if (!claimed.length) return;
    p.firstSeq = Math.min(p.firstSeq, ...claimedSeqs);
    p.events.unshift(...claimed);
    for (const c of claimed) p.hooks.add(c.hook);
  }

  private create(ev: TraceEvent): OpenPacket {
    const p: OpenPacket = {
      firstSeq: this.seq,
      events: [],
      hooks: new Set(),
      lastSeq: this.seq,
      lastTime: ev.time,
      lastClock: ev.envelope,
      firstTtl: ev.ip?.ttl,
      traceId: ev.traceId,
      keys: [],
      closed: false,
    };
    this.open.push(p);
    this.attach(p, ev, "add");
    return p;
  }

  private closeNew(ev: TraceEvent, seq: number): void {
    const p = this.create(ev);
    p.firstSeq = seq;
    this.close(p);
  }

  private attach(p: OpenPacket, ev: TraceEvent, how: "add" | "merge"): void {
    p.lastSeq = this.seq;
    if (ev.time !== undefined) {
      p.lastTime = ev.time;
      p.lastClock = ev.envelope;
    }
    this.lastTouched = p;
    if (p.firstTtl === undefined && ev.ip?.ttl !== undefined) p.firstTtl = ev.ip.ttl;
    if (ev.traceId && !p.traceId) {
      p.traceId = ev.traceId;
      this.byTrace.set(ev.traceId, p);
    } else if (ev.traceId) this.byTrace.set(ev.traceId, p);
    if (how === "merge") {
      const last = p.events[p.events.length - 1] as TraceEvent;
      if (ev.verdict) {
        last.verdict = ev.verdict;
        if (last.verdicts) last.verdicts.push(ev.verdict);
        else last.verdicts = [ev.verdict];
      }
      if (!last.ip && ev.ip) {
        last.ip = ev.ip;
        if (ev.l4) last.l4 = ev.l4;
      }
    } else {
      p.events.push(ev);
      p.hooks.add(ev.hook);
    }
    const key = pairKey(ev);
    if (key && !p.keys.includes(key)) {
      p.keys.push(key);
      const list = this.byKey.get(key);
      if (list) list.push(p);
      else this.byKey.set(key, [p]);
    }
  }

  private close(p: OpenPacket): void {
    if (p.closed) return;
    p.closed = true;
    const i = this.open.indexOf(p);
    if (i >= 0) this.open.splice(i, 1);
    for (const key of p.keys) {
      const list = this.byKey.get(key);
      if (!list) continue;
      const j = list.indexOf(p);
      if (j >= 0) list.splice(j, 1);
      if (!list.length) this.byKey.delete(key);
    }
    if (p.traceId && this.byTrace.get(p.traceId) === p) this.byTrace.delete(p.traceId);
    if (this.lastTouched === p) this.lastTouched = undefined;
    const rewrites = findRewrites(p.events);
    const packet: Packet = {
      id: 0,
      flow: 0,
      direction: "request",
      summary: "",
      events: p.events,
      hooks: p.events.map((e) => e.hook),
      rewrites,
    };
    packet.summary = summarizePacket(packet);
    let at = this.done.length;
    while (at > 0 && (this.done[at - 1] as { firstSeq: number }).firstSeq > p.firstSeq) at--;
    this.done.splice(at, 0, { firstSeq: p.firstSeq, packet });
    this.drain();
  }

  /** Emits closed packets that no open or waiting packet can precede. */
  private drain(): void {
    if (!this.done.length) return;
    let floor = Number.POSITIVE_INFINITY;
    for (const o of this.open) if (o.firstSeq < floor) floor = o.firstSeq;
    for (const w of this.pendingL2) if (w.seq < floor) floor = w.seq;
    let n = 0;
    while (n < this.done.length && (this.done[n] as { firstSeq: number }).firstSeq < floor) {
      const { packet } = this.done[n] as { packet: Packet };
      packet.id = this.nextId++;
      this.emit(packet);
      n++;
    }
    if (n) this.done.splice(0, n);
  }
}
