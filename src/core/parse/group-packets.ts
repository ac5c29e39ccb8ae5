/**
 * Streams events into packets: the same packet seen at successive hooks
 * becomes one {@link Packet}, NAT rewrites included. State is bounded: a
 * packet is closed when it has seen no event for a while (events or seconds)
 * or when too many are open, and closed packets are handed out in the order
 * of their first line.
 */
import { CHAINS, type ChainHooks } from "../model/hook.ts";
import { UNNAMED_PORTS_TRANSPORT } from "../model/ip-protocols.ts";
import type { Diagnostic, Packet, TraceEvent } from "../model/packet.ts";
import { baseChainHook } from "./base-chain-hook.ts";
import { findRewrites } from "./find-rewrites.ts";
import { KeyIndex, type KeyList } from "./key-index.ts";
import { summarizePacket } from "./summarize-packet.ts";
import { tcpOptionsAgree } from "./tcp-option-mss.ts";
import { nameTracedTransport } from "./traced-transport.ts";

/** Options of {@link PacketGrouper}. */
export interface GroupOptions {
  /** Close a packet after this many further input lines without an event of its own. Default: 400. */
  windowLines?: number;
  /** Close a packet when the envelope time has moved on by this many seconds. Default: 5. */
  windowSeconds?: number;
  /** At most this many open packets; the oldest is closed first. Default: 256. */
  maxOpen?: number;
  /**
   * Close a packet this many lines after its first line, however recently it
   * was seen: a packet crosses its hooks within microseconds, and one that
   * lives on (TRACE lines reusing its trace id) would hold back every later
   * packet. Default: 5 windows (2000 lines).
   */
  maxSpanLines?: number;
  /**
   * Receives the grouper's warnings (e.g. a bridge line without IP data that could
   * belong to several packets). Default: none (warnings are dropped).
   */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  /**
   * Receives a legacy TRACE line that starts a packet in a user chain (`nat:KUBE-SERVICES:rule:21`):
   * xt_TRACE prints the base chain that jumps there first, so the lines before it are missing.
   * Default: none.
   */
  onTraceUserChainStart?: (ev: TraceEvent) => void;
  /**
   * The hook of each nftables base chain by hook id, read from the ruleset the trace ran with: a
   * chain named `pw_pre` says nothing of its hook, and the grouping's order rules need it. A chain
   * left out is known by its name's conventions (see {@link baseChainHook}). Default: none.
   */
  chainHooks?: ChainHooks;
}

/** A bridge egress line is only tied to a packet seen this many lines before it, at most. */
const EGRESS_LINES = 8;
/** ... and at most this many seconds before it (a frame leaves within microseconds of its routing). */
const EGRESS_SECONDS = 0.05;

/** What the grouping rules ask about a hook id, worked out once per id. */
interface HookInfo {
  id: string;
  chain: string;
  /** `family:table`. */
  familyTable: string;
  bridge: boolean;
  ingress: boolean;
  builtin: boolean;
}

/** A packet still collecting events. */
interface OpenPacket {
  /** Input order of the packet's first line (ids are given in this order when emitted). */
  firstSeq: number;
  events: TraceEvent[];
  /** The hooks of `events`, in order. */
  hooks: HookInfo[];
  lastSeq: number;
  lastTime: number | undefined;
  /** The envelope `lastTime` came from: clocks of different envelopes are not comparable. */
  lastClock: string | undefined;
  firstTtl: number | undefined;
  /** Every trace id the packet was seen under (NAT gives a packet a new one): all are forgotten when it closes. */
  traceIds: string[];
  /** The key lists this packet is in (see `key-index.ts`). */
  keys: KeyList<OpenPacket>[];
  /** Creation order among open packets. */
  created: number;
  /** The IP id of the packet's last IP-bearing event, when it has one: the NAT candidate index's key. */
  natId: number | undefined;
  closed: boolean;
  /** Neighbours in creation order (the grouper's open list). */
  prev: OpenPacket | undefined;
  next: OpenPacket | undefined;
  /** Neighbours in `firstSeq` order (its head is the oldest first line still open). */
  sPrev: OpenPacket | undefined;
  sNext: OpenPacket | undefined;
  /** The packet this host received that this one, leaving by OUTPUT, is a copy of (see {@link PacketGrouper.copiedFrom}). */
  copySource: OpenPacket | undefined;
  /**
   * `copySource`'s `lastSeq` when this packet began, if its last line then was at INPUT: the copy
   * stands only if the source goes on after it (see {@link PacketGrouper.copiedFrom}).
   */
  copyUnproven: number | undefined;
}

const BUILTIN = new Set<string>(CHAINS);
/** Two LOG lines of one packet at one hook are microseconds apart (see `loggedAgain`). */
const RELOG_SECONDS = 0.05;
const TRACE_SOURCES = new Set(["trace", "xtables-monitor", "nft-monitor"]);

const INGRESS = new Set(["BROUTING", "PREROUTING"]);
const HOOK_INFO = new Map<string, HookInfo>();

/** What the grouping asks about hook id `hook` of a chain at `chain` (a built-in hook name, or its own name). */
function describeHook(hook: string, chain: string): HookInfo {
  return {
    id: hook,
    chain,
    familyTable: hook.slice(0, hook.lastIndexOf(":")),
    bridge: hook.startsWith("bridge:"),
    ingress: INGRESS.has(chain),
    builtin: BUILTIN.has(chain),
  };
}

/** Hook ids of iptables' TRACE and xtables-monitor lines, each chain as printed (see {@link hookInfo}). */
const XT_HOOK_INFO = new Map<string, HookInfo>();

/**
 * The grouping's facts about hook id `hook`. A base chain is known by its name's conventions
 * ({@link baseChainHook}), except in lines iptables' TRACE or xtables-monitor wrote (`xt`): there only
 * the built-in chains sit at a hook, so Calico's `cali-OUTPUT` is a chain OUTPUT jumped to.
 */
function hookInfo(hook: string, xt = false): HookInfo {
  const cache = xt ? XT_HOOK_INFO : HOOK_INFO;
  let info = cache.get(hook);
  if (info === undefined) {
    const named = hook.slice(hook.lastIndexOf(":") + 1);
    info = describeHook(hook, xt ? named : (baseChainHook(named) ?? named));
    // Hook ids come from prefixes: a user-supplied map could hold many, so the cache is capped.
    if (cache.size > 4096) cache.clear();
    cache.set(hook, info);
  }
  return info;
}

/** Whether `ev` is a line of iptables' TRACE or of xtables-monitor, whose chains are iptables chains. */
const xtLine = (ev: { source: TraceEvent["source"] }) =>
  ev.source === "trace" || ev.source === "xtables-monitor";

function hasHook(p: OpenPacket, hook: string): boolean {
  const hooks = p.hooks;
  for (let i = 0; i < hooks.length; i++) if ((hooks[i] as HookInfo).id === hook) return true;
  return false;
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

/**
 * Hooks that start a packet's path cannot follow later ones: a PREROUTING or
 * BROUTING line never joins a packet already past PREROUTING (bridge ones come
 * before the IP ones), and IP OUTPUT only follows IP OUTPUT.
 */
function orderFits(p: OpenPacket, hook: HookInfo, sameTrace = false, from = 0): boolean {
  // (bridge hooks may follow IP ones: bridge OUTPUT after IP POSTROUTING on the way out.)
  const bridge = hook.bridge;
  const hooks = p.hooks;
  // A frame the bridge device sends (bridge OUTPUT) has left the IP stack: no IP hook follows it (a
  // flooded copy's bridge lines, which print no IP id, must not take the next packet's lines, kernel 6.18).
  if (!bridge)
    for (let i = from; i < hooks.length; i++) {
      const h = hooks[i] as HookInfo;
      if (h.bridge && h.chain === "OUTPUT" && !(sameTrace && !h.builtin)) return false;
    }
  if (hook.ingress) {
    for (let i = from; i < hooks.length; i++) {
      const h = hooks[i] as HookInfo;
      // A traced base chain whose name says no hook may sit anywhere before (`inet t pre`, priority -350).
      if (sameTrace && !h.builtin) continue;
      // Without br_netfilter a frame crosses bridge INPUT before IP PREROUTING; IP never precedes bridge ingress,
      // and IP PREROUTING never follows a frame's bridge FORWARD or POSTROUTING (br_netfilter runs it first).
      if (
        bridge
          ? !h.bridge || !h.ingress
          : !h.bridge
            ? !h.ingress
            : h.chain === "FORWARD" || h.chain === "POSTROUTING"
      )
        return false;
    }
    return true;
  }
  if (hook.chain === "OUTPUT" && !bridge) {
    for (let i = 0; i < hooks.length; i++) {
      const h = hooks[i] as HookInfo;
      if (sameTrace && !h.builtin) continue;
      if (h.chain !== "OUTPUT" || h.bridge) return false;
    }
  }
  return true;
}

/**
 * Whether `ev`, at IP INPUT or FORWARD, may follow `p`'s lines on the way out (IP OUTPUT, FORWARD or
 * POSTROUTING): within one network namespace a packet that left by a device comes back in only on
 * it (lo, a multicast or broadcast copy looped back). Namespaces logging into one kernel log print
 * a router's `POSTROUTING OUT=re` and the next host's `INPUT IN=ce` for one skb: two hosts' lines
 * (hv46, kernel 6.18). Lines that name no device decide nothing.
 */
function backInByWayOut(p: OpenPacket, ev: TraceEvent, info: HookInfo): boolean {
  if (info.bridge || !info.builtin || (info.chain !== "INPUT" && info.chain !== "FORWARD")) return true;
  // In by lo: the host's own packet, which nat OUTPUT may have rerouted there (REDIRECT, a DNAT to a
  // local address) after raw or mangle OUTPUT printed the device of the first route.
  if (!ev.in || ev.in === "lo") return true;
  for (let i = p.hooks.length - 1; i >= 0; i--) {
    const h = p.hooks[i] as HookInfo;
    // Another table's chain at the same hook (mangle FORWARD, then filter FORWARD) is no way out.
    if (h.bridge || !h.builtin || h.chain === info.chain) continue;
    if (h.chain !== "OUTPUT" && h.chain !== "POSTROUTING" && h.chain !== "FORWARD") continue;
    const out = (p.events[i] as TraceEvent).out;
    return !out || out === ev.in;
  }
  return true;
}

/** Bridge hooks a frame leaves by, each line naming its port in `OUT=`. */
const BRIDGE_EGRESS = new Set(["FORWARD", "OUTPUT", "POSTROUTING"]);

/**
 * Whether `ev`, at a bridge's FORWARD, OUTPUT or POSTROUTING, leaves by the port `p`'s bridge lines
 * there named: a flooded frame's copies are one per port, each logged by every table at the hook
 * (ebtables' filter FORWARD, then an nft bridge table's, for `OUT=vc`, then both for `OUT=vb`, kernel 6.18).
 */
function samePort(p: OpenPacket, ev: TraceEvent, info: HookInfo): boolean {
  if (!info.bridge || !ev.out || !BRIDGE_EGRESS.has(info.chain)) return true;
  for (let i = p.hooks.length - 1; i >= 0; i--) {
    const h = p.hooks[i] as HookInfo;
    if (!h.bridge || !BRIDGE_EGRESS.has(h.chain)) continue;
    const out = (p.events[i] as TraceEvent).out;
    if (out) return out === ev.out;
  }
  return true;
}

/**
 * Where `p`'s hooks start again when `ev` is `p` coming back in through lo: a packet the host sends
 * itself leaves by lo at its output hooks and comes in on lo at PREROUTING, the same skb with the same
 * header, and crosses the input hooks from there (kernel 6.18). The index after its last event that
 * left by lo; 0 when `ev` is no such return.
 */
function loopStart(p: OpenPacket, ev: TraceEvent, hook: HookInfo): number {
  if (ev.in !== "lo" || !hook.ingress || hook.bridge) return 0;
  for (let i = p.events.length - 1; i >= 0; i--) {
    const e = p.events[i] as TraceEvent;
    if (e.out === "lo") return i + 1;
    // Already back in: the hooks after the loop are checked as any packet's.
    if (e.in === "lo") continue;
    return 0;
  }
  return 0;
}

/**
 * Whether ebtables' IPv6 line `a` or `b` names no transport the other's could contradict: ebt_log prints the
 * first next header, so behind a hop-by-hop header, ESP or AH (`Next Header=0`, `=50`, `=51`) it says
 * `ports`, `50`, `51` or nothing where LOG and nft name the transport after them (harvest43 H4, recorded:
 * MLD reports, ESP, AH and UDP behind a hop-by-hop header were split from their own packets).
 */
function ebtTransportUnsaid(a: TraceEvent, b: TraceEvent): boolean {
  const vague = (e: TraceEvent) =>
    e.source === "ebt-log" &&
    e.ip?.src.includes(":") === true &&
    (!e.l4 || e.ip.nextHeader !== undefined || e.l4.proto === "50" || e.l4.proto === "51");
  const other = vague(a) ? b : vague(b) ? a : undefined;
  if (!other) return false;
  const mine = other === a ? b : a;
  const proto = mine.l4?.proto;
  if (proto === "50") return other.l4?.proto === "esp" || other.l4?.proto === "50";
  // The other line must show the header ebt_log stopped at: AH's own, or any extension header's `OPT ( ... )`.
  const headers = other.ip?.extensionHeaders;
  if (proto === "51") return headers?.some((h) => h.startsWith("AH")) === true;
  if (!headers?.length) return false;
  if (proto === UNNAMED_PORTS_TRANSPORT) return other.l4?.sport !== undefined;
  return true;
}

/** The header fields NAT never changes agree (undefined on either side counts as agreeing); `anyTransport`: whatever the transport says. */
function invariantsAgree(a: TraceEvent, b: TraceEvent, anyTransport = false): boolean {
  // A log server's file: a packet is one host's.
  if (!same(a.host, b.host)) return false;
  const x = a.ip;
  const y = b.ip;
  if (x && y) {
    if (!same(x.id, y.id) || !same(x.len, y.len) || !same(x.flowLabel, y.flowLabel)) return false;
    // Two fragments of one datagram share its ID: their offsets tell them apart (a LOG line prints none for 0).
    if (
      a.source === "log" && b.source === "log"
        ? (x.fragment ?? 0) !== (y.fragment ?? 0)
        : !same(x.fragment, y.fragment)
    )
      return false;
  }
  const l = a.l4;
  const m = b.l4;
  if (l && m && !anyTransport) {
    if (l.proto !== m.proto) return false;
    if (!same(l.seq, m.seq) || !same(l.ack, m.ack) || !sameFlags(l.tcpFlags, m.tcpFlags)) return false;
    if (!same(l.icmpType, m.icmpType) || !same(l.icmpCode, m.icmpCode) || !same(l.icmpSeq, m.icmpSeq))
      return false;
    // No hook rewrites a segment's window, reserved bits, urgent pointer or an ESP/AH SPI: with IP ID 0
    // (Linux's DF segments) or IPv6, they are what tells two segments of a connection apart.
    if (!same(l.window, m.window) || !same(l.res, m.res) || !same(l.urgp, m.urgp) || !same(l.spi, m.spi))
      return false;
    // TCPMSS may rewrite the MSS, TCPOPTSTRIP overwrite an option with NOPs; the others (timestamps) stay.
    if (
      l.tcpOptions !== undefined &&
      m.tcpOptions !== undefined &&
      !tcpOptionsAgree(l.tcpOptions, m.tcpOptions)
    )
      return false;
    // At one hook an echo's identifier is fixed; between hooks NAT may give it another (`--random-fully`,
    // a clash), the addresses unchanged.
    if (!same(l.icmpId, m.icmpId) && a.hook === b.hook) return false;
  }
  return true;
}

/**
 * Groups events into packets. Call {@link push} per event in input order,
 * then {@link finish}; each finished packet goes to `emit`, in id order.
 *
 * Open packets sit in two intrusive linked lists, creation order (which the
 * grouping rules use) and first-line order (whose head bounds what may be
 * emitted), so closing one is O(1) however many are open.
 */
export class PacketGrouper {
  private readonly windowLines: number;
  private readonly maxSpanLines: number;
  private readonly windowSeconds: number;
  private readonly maxOpen: number;
  private readonly emit: (packet: Packet, firstSeq: number) => void;
  private readonly onDiagnostic: ((diagnostic: Diagnostic) => void) | undefined;
  private readonly onTraceUserChainStart: ((ev: TraceEvent) => void) | undefined;
  private readonly chainHooks: ChainHooks | undefined;
  /** {@link hookInfo} of the ids {@link chainHooks} names (bounded by that map). */
  private readonly ownInfo = new Map<string, HookInfo>();
  private head: OpenPacket | undefined;
  private tail: OpenPacket | undefined;
  private sHead: OpenPacket | undefined;
  private sTail: OpenPacket | undefined;
  private openCount = 0;
  private byKey = new KeyIndex<OpenPacket>();
  /** Open packets by {@link OpenPacket.natId}, in creation order: a NAT rewrite keeps the IP id. */
  private byNatId = new Map<number, OpenPacket[]>();
  private created = 0;
  private byTrace = new Map<string, OpenPacket>();
  private pendingL2: { ev: TraceEvent; seq: number }[] = [];
  /** Closed packets waiting for every earlier-starting packet to close, sorted by first line. */
  private done: { firstSeq: number; packet: Packet }[] = [];
  private nextId = 1;
  private seq = 0;
  /**
   * The line of the last event pushed, and of the one before the event being pushed: "right after
   * the packet's previous line" counts netfilter lines only, so that a kernel message printed
   * between two lines of one packet does not part them.
   */
  private eventSeq = 0;
  private prevEventSeq = 0;
  /** Whether the event being pushed came with its own packet line (see {@link push}). */
  private opensChain = false;
  /** `seq >> 6` when the last sweep ran: a sweep runs once per block of 64 lines that has events. */
  private sweptBlock = 0;
  private now: number | undefined;
  private nowClock: string | undefined;
  private lastTouched: OpenPacket | undefined;

  /**
   * `emit` receives each finished packet (flow and direction still unset: see
   * `pair-flows.ts`) with the sequence number of its first line.
   */
  constructor(emit: (packet: Packet, firstSeq: number) => void, options: GroupOptions = {}) {
    this.emit = emit;
    this.windowLines = options.windowLines ?? 400;
    this.maxSpanLines = options.maxSpanLines ?? 5 * this.windowLines;
    this.windowSeconds = options.windowSeconds ?? 5;
    this.maxOpen = options.maxOpen ?? 256;
    this.onDiagnostic = options.onDiagnostic;
    this.onTraceUserChainStart = options.onTraceUserChainStart;
    this.chainHooks = options.chainHooks;
  }

  /** {@link hookInfo}, the ruleset's word first (see {@link GroupOptions.chainHooks}). */
  private info(hook: string, xt = false): HookInfo {
    const chain = this.chainHooks?.[hook];
    if (chain === undefined) return hookInfo(hook, xt);
    let info = this.ownInfo.get(hook);
    if (!info) {
      // A regular chain of the ruleset sits at no hook, whatever its name.
      info =
        chain === null
          ? { ...describeHook(hook, hook.slice(hook.lastIndexOf(":") + 1)), ingress: false, builtin: false }
          : describeHook(hook, chain);
      this.ownInfo.set(hook, info);
    }
    return info;
  }

  /** What the grouper holds right now (for tests and diagnostics): it stays bounded on endless input. */
  get state(): { open: number; keys: number; traces: number; pendingL2: number; waiting: number } {
    return {
      open: this.openCount,
      keys: this.byKey.size,
      traces: this.byTrace.size,
      pendingL2: this.pendingL2.length,
      waiting: this.done.length,
    };
  }

  /**
   * Adds one event. `seq` numbers the input lines (blank and skipped lines
   * included), increasing: the windows count lines, so the grouping of a
   * stretch of input depends only on the state at its start and its lines,
   * not on how many events came before it. `opensChain`: the event (a TRACE-style line) took
   * the packet line printed before it, which nft and xtables-monitor print once per base chain.
   */
  push(ev: TraceEvent, seq: number, opensChain = false): void {
    this.seq = seq;
    this.prevEventSeq = this.eventSeq;
    this.eventSeq = seq;
    this.opensChain = opensChain;
    if (ev.time !== undefined) {
      this.now = ev.time;
      this.nowClock = ev.envelope;
    }
    if (seq >> 6 !== this.sweptBlock) {
      this.sweptBlock = seq >> 6;
      this.sweep();
    }
    const info = this.info(ev.hook, xtLine(ev));
    if (ev.ip || ev.arp) this.pushKeyed(ev, info);
    else if (ev.traceId) this.pushTraceOnly(ev, info);
    else this.pushL2(ev, info);
    while (this.openCount > this.maxOpen) this.close(this.head as OpenPacket);
  }

  /**
   * The first line of the oldest packet not emitted yet because it is open or
   * waiting (Infinity when there is none): every packet starting before it has
   * been emitted.
   */
  get floor(): number {
    let floor = this.sHead ? this.sHead.firstSeq : Number.POSITIVE_INFINITY;
    const w = this.pendingL2[0];
    if (w && w.seq < floor) floor = w.seq;
    return floor;
  }

  /**
   * Everything the grouping of further lines depends on, as text: the open
   * packets (in creation order, by the lines of their events), the waiting
   * bridge lines, the packet touched last, trace ids, the clock and the sweep
   * block. Two groupers with equal signatures group the same further lines
   * the same way (the parallel parse checks its stitching with it).
   */
  signature(): string {
    // Computed twice per segment of a parallel parse: completeness matters here, not speed.
    // Open packets are named by their place in creation order (counters differ between runs).
    const place = new Map<OpenPacket, number>();
    for (let p = this.head; p; p = p.next) place.set(p, place.size);
    const name = (p: OpenPacket) => String(place.get(p) ?? `closed ${p.firstSeq}`);
    const event = (e: TraceEvent) => JSON.stringify(e);
    const parts: string[] = [
      `now ${this.nowClock ?? ""} ${this.now ?? ""}`,
      `block ${this.sweptBlock}`,
      `open ${this.openCount}`,
    ];
    for (let p = this.head; p; p = p.next)
      parts.push(
        `packet ${p.firstSeq} ${p.lastSeq} ${p.natId} ${p.firstTtl} ${p.lastTime} ${p.lastClock} ${p.traceIds.join(",")}`,
        ...p.events.map((e) => `  ${event(e)}`),
      );
    const byFirstLine: string[] = [];
    for (let p = this.sHead; p; p = p.sNext) byFirstLine.push(name(p));
    parts.push(`by first line ${byFirstLine.join(",")}`);
    for (const { ev, seq } of this.pendingL2) parts.push(`l2 ${seq} ${event(ev)}`);
    if (this.lastTouched) parts.push(`touched ${name(this.lastTouched)}`);
    // Only the packet the last event touched can be "right after its previous line".
    parts.push(`touched by the last event ${this.lastTouched?.lastSeq === this.eventSeq}`);
    parts.push(...[...this.byTrace].map(([id, p]) => `trace ${id} ${name(p)}`).sort());
    parts.push(...this.byKey.describe(name).sort());
    return parts.join("\n");
  }

  /** Closes everything and emits the remaining packets. */
  finish(): void {
    while (this.head) this.close(this.head);
    // One at a time, so that each drain still sees the later waiting lines and keeps first-line order.
    for (let w = this.pendingL2.shift(); w; w = this.pendingL2.shift()) this.closeNew(w.ev, w.seq);
    this.drain();
  }

  private stale(p: OpenPacket): boolean {
    if (this.seq - p.lastSeq > this.windowLines || this.seq - p.firstSeq > this.maxSpanLines) return true;
    return (
      this.now !== undefined &&
      p.lastTime !== undefined &&
      p.lastClock === this.nowClock &&
      this.now - p.lastTime > this.windowSeconds
    );
  }

  private sweep(): void {
    for (let p = this.head; p; ) {
      const next = p.next;
      if (this.stale(p)) this.close(p);
      p = next;
    }
    while (this.pendingL2.length && this.seq - (this.pendingL2[0]?.seq ?? 0) > this.windowLines) {
      const first = this.pendingL2.shift();
      if (first) this.closeNew(first.ev, first.seq);
    }
  }

  /** Whether `ev` may be the next event of `p`: `merge` folds it into the last event (TRACE steps). */
  private fit(p: OpenPacket, ev: TraceEvent, info: HookInfo): "add" | "merge" | undefined {
    if (ev.source !== "log" && ev.source !== "ebt-log" && TRACE_SOURCES.has(ev.source)) {
      const last = p.events[p.events.length - 1] as TraceEvent;
      // A trace id repeats across packets (newer kernels derive it from the flow's hash): other header data is another packet.
      if (last.source === ev.source && !(last.ip && ev.ip && !invariantsAgree(last, ev))) {
        // A packet line opens a base chain once per traversal: one more there, under the same trace id (its
        // next packet) or another (an echo with the same header, a bridge's flooded copy), is another packet.
        if (last.hook === ev.hook && !this.opensChain) return "merge";
        // A chain of the same table is a regular chain the base chain jumped to, unless a packet line opened it:
        // nft and xtables-monitor print one per base chain, whose name may be anything (`prerouting_c`).
        if (
          !info.builtin &&
          this.info(last.hook, xtLine(last)).familyTable === info.familyTable &&
          !this.opensChain
        )
          return "merge";
      }
    }
    // Under the packet's own trace id, a chain the names do not place does not rule out the hooks after it.
    const sameTrace = ev.traceId !== undefined && p.traceIds.includes(ev.traceId);
    if (
      (hasHook(p, ev.hook) && !this.loggedAgain(p, ev)) ||
      !orderFits(p, info, sameTrace, loopStart(p, ev, info)) ||
      !backInByWayOut(p, ev, info) ||
      !samePort(p, ev, info)
    )
      return undefined;
    if (
      p.lastTime !== undefined &&
      ev.time !== undefined &&
      p.lastClock === ev.envelope &&
      ev.time - p.lastTime > this.windowSeconds
    )
      return undefined;
    return "add";
  }

  /**
   * Whether `ev` is `p`'s last line written again by another LOG rule at the same hook (one in the
   * built-in chain, one in a user chain it jumps to): a prefix no line of `p` at that hook has (one
   * rule prints a packet once per hook; a repeated prefix only on the way out, on the next line, later, with the same nonzero IPv4 id), the same header to the IP id and TTL, written within
   * {@link RELOG_SECONDS} (or on the next netfilter line when no clock or IP id tells). A retransmission
   * usually differs in its IP id, ICMP sequence or time; one that does not (IP id 0, IPv6, a fast
   * retransmit within milliseconds) is taken as the same packet only when its rule's prefix is new.
   */
  private loggedAgain(p: OpenPacket, ev: TraceEvent): boolean {
    const last = p.events[p.events.length - 1] as TraceEvent;
    if (last.hook !== ev.hook || last.source !== ev.source) return false;
    let samePrefix = false;
    for (const e of p.events) if (e.hook === ev.hook && e.prefix === ev.prefix) samePrefix = true;
    if (ev.source !== "log" && ev.source !== "ebt-log") return false;
    if (last.in !== ev.in || last.out !== ev.out || last.physIn !== ev.physIn || last.physOut !== ev.physOut)
      return false;
    if (last.macSrc !== ev.macSrc || last.macDst !== ev.macDst || !invariantsAgree(last, ev)) return false;
    const a = last.ip;
    const b = ev.ip;
    if (!a !== !b || (a && b && (a.src !== b.src || a.dst !== b.dst || a.ttl !== b.ttl))) return false;
    if (last.l4?.sport !== ev.l4?.sport || last.l4?.dport !== ev.l4?.dport) return false;
    const timed = last.time !== undefined && ev.time !== undefined && last.envelope === ev.envelope;
    if (timed && Math.abs((ev.time as number) - (last.time as number)) > RELOG_SECONDS) return false;
    // Two LOG rules of one chain may share a prefix (a general one, one for an interface): printed one
    // right after the other, later on the same clock, with the same nonzero IP id, it is one datagram
    // (hv46). A datagram whose IP id came round again is never the very next line; a line copied twice
    // into a file has the same time.
    // Only on the way out: two namespaces' copies of one broadcast both come IN=eth0 with the same
    // header, while a host sends a datagram once.
    // The copy's lines (TEE between two LOG rules of one chain) come between the original's two.
    const copied = this.lastTouched?.copySource === p && this.lastTouched.lastSeq === this.prevEventSeq;
    // The copy proves the original still on its way, with or without a clock.
    if (samePrefix && copied) return !timed || (ev.time as number) >= (last.time as number);
    if (samePrefix)
      return (
        !!ev.out &&
        a?.id !== undefined &&
        a.id !== 0 &&
        p.lastSeq === this.prevEventSeq &&
        timed &&
        (ev.time as number) > (last.time as number)
      );
    return (timed && a?.id !== undefined) || p.lastSeq === this.prevEventSeq || copied;
  }

  private ttlFits(p: OpenPacket, ev: TraceEvent): boolean {
    const t = ev.ip?.ttl;
    if (t === undefined || p.firstTtl === undefined) return true;
    return t === p.firstTtl || t === p.firstTtl - 1;
  }

  /**
   * Whether `ev`'s TTL can be one a rule wrote into `p` (`-j TTL --ttl-set 63`, nft `ip ttl set 63`:
   * kernel 6.18 logs TTL=64 at mangle PREROUTING, 63 at nat PREROUTING, 62 once forwarded): believed
   * only for the line right after the packet's last, with its IPv4 id (the caller compares the rest
   * of the header: with id 0, a DF SYN-ACK's, the segment's sequence numbers and window).
   */
  private ttlRewritten(p: OpenPacket, ev: TraceEvent): boolean {
    const id = ev.ip?.id;
    if (id === undefined || p.lastSeq !== this.prevEventSeq) return false;
    const last = p.events.findLast((e) => e.ip?.ttl !== undefined);
    return last?.ip?.id === id;
  }

  private pushKeyed(ev: TraceEvent, info: HookInfo): void {
    if (ev.traceId) {
      const p = this.byTrace.get(ev.traceId);
      if (p && !p.closed) {
        const how = this.fit(p, ev, info);
        if (how) {
          this.attach(p, ev, how, info);
          return;
        }
      }
    }
    // Created here when new: the event joins it below either way (attach would look it up again).
    const key = this.byKey.find(ev, true);
    if (key) {
      const list = key.items;
      // Newest candidate first, but a packet coming back in on lo is the oldest that left by lo (the
      // loopback backlog is first in, first out: two packets without an IP id may both be out first).
      const back = ev.in === "lo" && !info.bridge;
      // A TTL a rule rewrote only when no packet has this one (a TEE copy's TTL is one less).
      for (const rewritten of [false, true])
        for (let k = 0; k < list.length; k++) {
          const p = list[back ? k : list.length - 1 - k] as OpenPacket;
          if (p.closed) continue;
          const last = p.events[p.events.length - 1] as TraceEvent;
          if (
            !(rewritten ? !this.ttlFits(p, ev) && this.ttlRewritten(p, ev) : this.ttlFits(p, ev)) ||
            !invariantsAgree(last, ev, ebtTransportUnsaid(last, ev)) ||
            !this.portsAgree(p, ev)
          )
            continue;
          const how = this.fit(p, ev, info);
          if (how) {
            this.attach(p, ev, how, info, key);
            return;
          }
        }
    }
    if (ev.ip && ev.ip.id !== undefined && ev.ip.len !== undefined) {
      // A NAT rewrite: one side kept, IP id and length unchanged (newest candidate first).
      const candidates = this.byNatId.get(ev.ip.id);
      for (let i = candidates ? candidates.length - 1 : -1; i >= 0; i--) {
        const p = (candidates as OpenPacket[])[i] as OpenPacket;
        if (this.natFits(p, ev, false)) {
          const how = this.fit(p, ev, info);
          if (how) {
            this.attach(p, ev, how, info, key);
            return;
          }
        }
      }
    } else if (ev.ip) {
      // ebtables' IPv6 line names a transport LOG does not (see ebtTransportUnsaid): the same packet when
      // it comes right after the packet's previous line, from the same source MAC, between the same addresses.
      const q = this.lastTouched;
      const last = q?.events[q.events.length - 1];
      if (
        q &&
        last &&
        !q.closed &&
        q.lastSeq === this.prevEventSeq &&
        last.ip?.src === ev.ip.src &&
        last.ip.dst === ev.ip.dst &&
        ebtTransportUnsaid(last, ev) &&
        invariantsAgree(last, ev, true) &&
        this.macSrcSeen(q, ev) &&
        this.portsAgree(q, ev)
      ) {
        const how = this.fit(q, ev, info);
        if (how) {
          this.attach(q, ev, how, info, key);
          return;
        }
      }
      // An ebtables or IPv6 line has no IP id: a rewrite is only believed right after the packet's
      // previous netfilter line, from the same source MAC (hairpin NAT: DNAT, then bridge FORWARD).
      const p = this.lastTouched;
      if (
        p &&
        !p.closed &&
        p.lastSeq === this.prevEventSeq &&
        this.macSrcSeen(p, ev) &&
        this.natFits(p, ev, true)
      ) {
        const how = this.fit(p, ev, info);
        if (how) {
          this.attach(p, ev, how, info, key);
          return;
        }
      }
    }
    const p = this.create(ev, info, key);
    this.claimPending(p, ev);
    // Only a packet that starts at OUTPUT with nothing before it: one a host sends, once per packet.
    if (key && info.chain === "OUTPUT" && ev.in === "" && ev.ip?.id) {
      const q = this.copiedFrom(key, p, ev);
      p.copySource = q;
      // Delivered to this host, a packet leaves as itself through OUTPUT sent on by IPVS (from LOCAL_IN)
      // or a program, its way here over: only the original going on proves a copy.
      if (q && q.hooks.at(-1)?.chain === "INPUT") p.copyUnproven = q.lastSeq;
    }
  }

  /**
   * The open packet of `key` that `ev`, the first line of `p` at OUTPUT, is a copy of: one that came
   * in (a line with IN=), never passed OUTPUT, with the same IPv4 id, length and ports, and the
   * same TTL or one less. The kernel sends a received packet out through OUTPUT only as a copy
   * (`-j TEE`, nft `dup`: nf_dup_ipv4 takes one off the TTL at PREROUTING and INPUT), the original going on;
   * after the original's INPUT lines, IPVS and programs send it on as itself, so there the original must go on.
   */
  private copiedFrom(key: KeyList<OpenPacket>, p: OpenPacket, ev: TraceEvent): OpenPacket | undefined {
    const ip = ev.ip as NonNullable<TraceEvent["ip"]>;
    for (let k = key.items.length - 1; k >= 0; k--) {
      const q = key.items[k] as OpenPacket;
      if (q === p || q.closed || !this.ttlFits(q, ev) || !this.portsAgree(q, ev)) continue;
      if (q.hooks.some((h) => h.chain === "OUTPUT")) continue;
      const e = q.events.find((e) => !!e.in && e.ip?.id === ip.id);
      if (e && e.ip?.len === ip.len && invariantsAgree(e, ev)) return q;
    }
    return undefined;
  }

  private portsAgree(p: OpenPacket, ev: TraceEvent): boolean {
    for (let i = p.events.length - 1; i >= 0; i--) {
      const l = (p.events[i] as TraceEvent).l4;
      if (l && l.sport !== undefined && ev.l4?.sport !== undefined)
        return l.sport === ev.l4.sport && l.dport === ev.l4.dport;
    }
    return true;
  }

  /**
   * Whether `ev` is `p` after a NAT rewrite. `relaxed`: `ev` (an ebtables line) shows
   * no IP id or length, so only the other fields are compared; the caller checks adjacency.
   */
  private natFits(p: OpenPacket, ev: TraceEvent, relaxed: boolean): boolean {
    const ip = ev.ip;
    if (!ip) return false;
    for (let i = p.events.length - 1; i >= 0; i--) {
      const e = p.events[i] as TraceEvent;
      if (!e.ip) continue;
      const kept = relaxed
        ? same(e.ip.id, ip.id) && same(e.ip.len, ip.len)
        : e.ip.id === ip.id && e.ip.len === ip.len;
      const ttlKept = this.ttlFits(p, ev);
      if (!kept || !invariantsAgree(e, ev) || !(ttlKept || this.ttlRewritten(p, ev))) return false;
      const srcKept = e.ip.src === ip.src && same(e.l4?.sport, ev.l4?.sport);
      const dstKept = e.ip.dst === ip.dst && same(e.l4?.dport, ev.l4?.dport);
      // Another TTL and another source at once: another sender with the same IP id, not one packet SNATed.
      if (!ttlKept && !srcKept) return false;
      return srcKept !== dstKept;
    }
    return false;
  }

  /** Lines of xtables-monitor / nft without packet data: only the trace id ties them. */
  private pushTraceOnly(ev: TraceEvent, info: HookInfo): void {
    const p = this.byTrace.get(ev.traceId as string);
    if (p && !p.closed) {
      const how = this.fit(p, ev, info);
      if (how) {
        this.attach(p, ev, how, info);
        return;
      }
    }
    this.create(ev, info);
  }

  /** ebtables lines without IP data: attach by MAC, interface and adjacency. */
  private pushL2(ev: TraceEvent, info: HookInfo): void {
    if (info.chain === "PREROUTING" || info.chain === "BROUTING") {
      // Runs before the IP hooks: wait for the IP line that follows.
      this.pendingL2.push({ ev, seq: this.seq });
      return;
    }
    for (let p = this.tail, n = 0; p && n < 16; p = p.prev, n++) {
      if (this.macMatch(p, ev) && this.fit(p, ev, info) === "add") {
        this.attach(p, ev, "add", info);
        return;
      }
    }
    const t = this.lastTouched;
    if (t && !t.closed && !t.events.some((e) => e.macSrc) && this.fit(t, ev, info) === "add") {
      this.attach(t, ev, "add", info);
      return;
    }
    if (this.pushEgress(ev, info)) return;
    const p = this.create(ev, info);
    this.claimPending(p, ev);
  }

  /**
   * A bridge OUTPUT/POSTROUTING line without IP data for a frame the IP stack just routed onto a
   * bridge: the routing gave it new MACs, so no earlier line shows them. It joins the one open
   * packet that was seen in the last few lines (and milliseconds), whose last IP line went out
   * through a device other than the frame's port (the bridge) with no other port named, whose
   * EtherType fits and that has not left through a bridge yet. Several such packets: a warning,
   * and the line stays a packet of its own.
   */
  private pushEgress(ev: TraceEvent, info: HookInfo): boolean {
    if ((info.chain !== "OUTPUT" && info.chain !== "POSTROUTING") || !ev.out || ev.in || !ev.macSrc)
      return false;
    const bridge = this.bridgeOfPort(ev.out);
    const candidates: OpenPacket[] = [];
    for (let p = this.tail, n = 0; p && n < 16; p = p.prev, n++) {
      if (this.seq - p.lastSeq > EGRESS_LINES || !this.egressFits(p, ev, bridge)) continue;
      if (this.fit(p, ev, info) === "add") candidates.push(p);
    }
    if (candidates.length === 1) {
      this.attach(candidates[0] as OpenPacket, ev, "add", info);
      return true;
    }
    if (candidates.length > 1 && this.onDiagnostic) {
      const lines = candidates.map((p) => p.events[0]?.position.line ?? 0).sort((a, b) => a - b);
      this.onDiagnostic({
        severity: "warning",
        message: `bridge ${info.chain} line without IP data could belong to ${candidates.length} packets (first lines ${lines.join(", ")}); it is kept as a packet of its own`,
        hint: "log the bridge chains with --log-ip (ebtables) so that every frame names its packet",
        position: { ...ev.position },
      });
    }
    return false;
  }

  /**
   * The bridge `port` belongs to, as the open packets show it (an IP line with `PHYSIN=port` or
   * `PHYSOUT=port` names its bridge in `IN=`/`OUT=`); undefined when none does.
   */
  private bridgeOfPort(port: string): string | undefined {
    for (let p = this.tail, n = 0; p && n < 64; p = p.prev, n++) {
      for (const e of p.events) {
        if (e.physIn === port && e.in) return e.in;
        if (e.physOut === port && e.out) return e.out;
      }
    }
    return undefined;
  }

  /**
   * Interfaces, time and EtherType of bridge egress line `ev` agree with packet `p` (see
   * {@link pushEgress}); `bridge` is the bridge of `ev`'s port when known.
   */
  private egressFits(p: OpenPacket, ev: TraceEvent, bridge: string | undefined): boolean {
    if (
      ev.time !== undefined &&
      p.lastTime !== undefined &&
      p.lastClock === ev.envelope &&
      ev.time - p.lastTime > EGRESS_SECONDS
    )
      return false;
    let lastIp: TraceEvent | undefined;
    for (let i = p.events.length - 1; i >= 0; i--) {
      const e = p.events[i] as TraceEvent;
      const h = p.hooks[i] as HookInfo;
      // Already handed to a bridge port with other MACs: this frame is not its.
      if (h.bridge && (h.chain === "OUTPUT" || h.chain === "POSTROUTING")) return false;
      if (!lastIp && !h.bridge && e.ip) lastIp = e;
    }
    if (!lastIp?.ip || !lastIp.out || lastIp.out === ev.out) return false;
    if (bridge !== undefined && lastIp.out !== bridge) return false;
    if (lastIp.physOut !== undefined && lastIp.physOut !== "" && lastIp.physOut !== ev.out) return false;
    const v6 = lastIp.ip.src.includes(":");
    if (ev.ethType !== undefined && ev.ethType.toLowerCase() !== (v6 ? "0x86dd" : "0x0800")) return false;
    return true;
  }

  /** Whether some event of `p` shows the source MAC `ev` shows. */
  private macSrcSeen(p: OpenPacket, ev: TraceEvent): boolean {
    if (!ev.macSrc) return false;
    for (const e of p.events) if (e.macSrc === ev.macSrc) return true;
    return false;
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
      if (match && !hasHook(p, l2.hook) && !claimed.some((c) => c.hook === l2.hook)) {
        claimed.push(l2);
        claimedSeqs.push(seq);
        return false;
      }
      return true;
    });
    if (!claimed.length) return;
    const firstSeq = Math.min(p.firstSeq, ...claimedSeqs);
    if (firstSeq < p.firstSeq) {
      p.firstSeq = firstSeq;
      this.resort(p);
    }
    p.events.unshift(...claimed);
    p.hooks.unshift(...claimed.map((c) => this.info(c.hook, xtLine(c))));
  }

  /** Moves `p` back in the first-line list after its `firstSeq` went down. */
  private resort(p: OpenPacket): void {
    let at = p.sPrev;
    while (at && at.firstSeq > p.firstSeq) at = at.sPrev;
    if (at === p.sPrev) return;
    this.unlinkSorted(p);
    p.sPrev = at;
    p.sNext = at ? at.sNext : this.sHead;
    if (p.sNext) p.sNext.sPrev = p;
    else this.sTail = p;
    if (at) at.sNext = p;
    else this.sHead = p;
  }

  private unlinkSorted(p: OpenPacket): void {
    if (p.sPrev) p.sPrev.sNext = p.sNext;
    else this.sHead = p.sNext;
    if (p.sNext) p.sNext.sPrev = p.sPrev;
    else this.sTail = p.sPrev;
    p.sPrev = undefined;
    p.sNext = undefined;
  }

  private create(ev: TraceEvent, info: HookInfo, key?: KeyList<OpenPacket>): OpenPacket {
    // A legacy TRACE packet never starts in a user chain: its base chain's line was lost.
    if (ev.source === "trace" && !info.builtin) this.onTraceUserChainStart?.(ev);
    const p: OpenPacket = {
      firstSeq: this.seq,
      events: [],
      hooks: [],
      lastSeq: this.seq,
      lastTime: ev.time,
      lastClock: ev.envelope,
      firstTtl: ev.ip?.ttl,
      traceIds: [],
      keys: [],
      created: this.created++,
      natId: undefined,
      closed: false,
      prev: this.tail,
      next: undefined,
      sPrev: this.sTail,
      sNext: undefined,
      copySource: undefined,
      copyUnproven: undefined,
    };
    // Appended to both lists: nothing open started after this line.
    if (this.tail) this.tail.next = p;
    else this.head = p;
    this.tail = p;
    if (this.sTail) this.sTail.sNext = p;
    else this.sHead = p;
    this.sTail = p;
    this.openCount++;
    this.attach(p, ev, "add", info, key);
    return p;
  }

  private closeNew(ev: TraceEvent, seq: number): void {
    const p = this.create(ev, this.info(ev.hook, xtLine(ev)));
    p.firstSeq = seq;
    this.close(p);
  }

  /** `key` is the key list of `ev` when the caller has it already. */
  private attach(
    p: OpenPacket,
    ev: TraceEvent,
    how: "add" | "merge",
    info: HookInfo,
    key?: KeyList<OpenPacket>,
  ): void {
    p.lastSeq = this.seq;
    if (ev.time !== undefined) {
      p.lastTime = ev.time;
      p.lastClock = ev.envelope;
    }
    this.lastTouched = p;
    if (p.firstTtl === undefined && ev.ip?.ttl !== undefined) p.firstTtl = ev.ip.ttl;
    if (ev.traceId) {
      this.byTrace.set(ev.traceId, p);
      if (!p.traceIds.includes(ev.traceId)) p.traceIds.push(ev.traceId);
    }
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
        this.indexNatId(p, ev.ip.id);
      }
    } else {
      p.events.push(ev);
      p.hooks.push(info);
      if (ev.ip) this.indexNatId(p, ev.ip.id);
    }
    const k = key ?? this.byKey.find(ev, true);
    if (k !== undefined && !p.keys.includes(k)) {
      p.keys.push(k);
      k.items.push(p);
    }
  }

  /** Files `p` under the IP id of its last IP-bearing event (see {@link byNatId}). */
  private indexNatId(p: OpenPacket, id: number | undefined): void {
    if (id === p.natId) return;
    if (p.natId !== undefined) {
      const list = this.byNatId.get(p.natId) as OpenPacket[];
      list.splice(list.indexOf(p), 1);
      if (!list.length) this.byNatId.delete(p.natId);
    }
    p.natId = id;
    if (id === undefined) return;
    const list = this.byNatId.get(id);
    if (!list) {
      this.byNatId.set(id, [p]);
      return;
    }
    let at = list.length;
    while (at > 0 && (list[at - 1] as OpenPacket).created > p.created) at--;
    list.splice(at, 0, p);
  }

  private close(p: OpenPacket): void {
    if (p.closed) return;
    p.closed = true;
    this.indexNatId(p, undefined);
    if (p.prev) p.prev.next = p.next;
    else this.head = p.next;
    if (p.next) p.next.prev = p.prev;
    else this.tail = p.prev;
    p.prev = undefined;
    p.next = undefined;
    this.unlinkSorted(p);
    this.openCount--;
    for (const key of p.keys) this.byKey.remove(key, p);
    for (const id of p.traceIds) if (this.byTrace.get(id) === p) this.byTrace.delete(id);
    if (this.lastTouched === p) this.lastTouched = undefined;
    nameTracedTransport(p.events);
    const rewrites = findRewrites(p.events);
    const hooks: Packet["hooks"] = [];
    for (const e of p.events) hooks.push(e.hook);
    const packet: Packet = {
      id: 0,
      flow: 0,
      direction: "request",
      summary: "",
      events: p.events,
      hooks,
      rewrites,
    };
    const source = p.copySource;
    if (source && source.lastSeq !== p.copyUnproven)
      packet.copyOf = (source.events[0] as TraceEvent).position;
    packet.summary = summarizePacket(packet);
    let at = this.done.length;
    while (at > 0 && (this.done[at - 1] as { firstSeq: number }).firstSeq > p.firstSeq) at--;
    if (at === this.done.length) this.done.push({ firstSeq: p.firstSeq, packet });
    else this.done.splice(at, 0, { firstSeq: p.firstSeq, packet });
    this.drain();
  }

  /** Emits the closed packets that no open or waiting packet can precede any more. */
  drain(): void {
    if (!this.done.length) return;
    const floor = this.floor;
    let n = 0;
    while (n < this.done.length && (this.done[n] as { firstSeq: number }).firstSeq < floor) {
      const { packet } = this.done[n] as { packet: Packet };
      packet.id = this.nextId++;
      this.emit(packet, (this.done[n] as { firstSeq: number }).firstSeq);
      n++;
    }
    if (n === this.done.length) this.done.length = 0;
    else if (n) this.done.splice(0, n);
  }
}
