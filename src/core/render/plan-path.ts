/**
 * Lays a packet's path over the netfilter map: its numbered steps, where it
 * enters and leaves, and the arrows (segments) between them, including the
 * decisions it passes. Shared by the diagram and its text alternative.
 */
import type { HookId } from "../model/hook.ts";
import type { Packet, Rewrite, TraceEvent } from "../model/packet.ts";
import { isNftLogChainPrefix } from "../parse/prefix-to-hook.ts";
import {
  formatEndpoint,
  inInterface,
  outInterface,
  rewritesByEvent,
  shortAddress,
} from "./format-endpoints.ts";
import type { HookChains } from "./hook-chains.ts";
import { type MapLang, mapWords } from "./map-words.ts";
import {
  boxKey,
  DECISION,
  type EbtablesFlavour,
  entryKey,
  exitKey,
  GENERIC_ENDPOINTS,
  hookKey,
  type MapEndpoint,
  type MapNode,
  mapEdges,
  mapNodes,
} from "./netfilter-map.ts";
import { stepLoggingChain } from "./step-chain-name.ts";

/** Names for where the packet enters and leaves, from the lab (e.g. `c2 172.17.0.3 via veth-c2`). */
export interface EndpointLabels {
  /** Where the packet comes from; default: its source address and input interface. */
  entry?: string;
  /** Where the packet goes; default: its destination address and output interface. */
  exit?: string;
}

/** One numbered step: the packet seen at one hook. */
export interface PathStep {
  /** 1-based step number. */
  n: number;
  hook: HookId;
  /** The map box the hook is drawn in (`ip_PREROUTING`). */
  key: string;
  /**
   * The hook's own key (`ip_mangle_PREROUTING`), naming its slot in the box; the box key itself when the
   * map has no slot for it (an nftables lab's instrumentation chain, or a logging chain whose lab chain did
   * not run: see `stepLoggingChain`; the step is drawn on the box's title).
   */
  slot: string;
  event: TraceEvent;
  /** The verdict of the step's base chain when the trace shows it (TRACE lines): `accept`, `drop`, ... */
  verdict?: StepVerdict;
  /** Rewrites first visible at this step (they happened on the way into it). */
  rewrites: Rewrite[];
}

/** How a base chain let the packet go. */
export interface StepVerdict {
  /** Lower case, as nft prints it: `accept`, `drop`, `reject`. */
  verdict: string;
  /** True when the chain's policy decided. */
  policy: boolean;
}

/** One arrow of the path, always an arrow of the map (or, for a hook order the map does not know, an extra one). */
export interface PathSegment {
  from: string;
  to: string;
  /** The step this arrow leads into, when it leads into a box where a step was seen. */
  step?: number;
  rewrites: Rewrite[];
  /** True for an arrow of the way out after the trace's last step that no line shows (see {@link PathPlan.notSeen}). */
  notSeen?: true;
}

/** Where a packet's walk ended without reaching its destination. */
export interface DropPoint {
  /** The hook whose chain dropped it. */
  hook: HookId;
  /** `DROP` or `REJECT`. */
  verdict: string;
  /** The chain that decided (a user chain such as `DOCKER-USER`, or the hook's own chain for its policy). */
  chain: string;
  /** True when the chain's policy decided rather than a rule. */
  policy: boolean;
}

/** The packet's path laid over the map. */
export interface PathPlan {
  /** The packet's direction, for the wording of rewrites. */
  direction: "request" | "reply";
  /** Set when the trace says the packet was dropped at its last hook (TRACE verdicts, the simulator's, or a host firewall's drop-announcing LOG prefix). */
  dropped?: DropPoint;
  steps: PathStep[];
  segments: PathSegment[];
  /** Map box where the path starts (an endpoint or the local process). */
  entryKey: string;
  /** Map box where the path ends (an endpoint or the local process); the dropping box when dropped. */
  exitKey: string;
  entryLabel: string;
  exitLabel: string;
  /** True when the packet was sent by a local process. */
  entryIsLocal: boolean;
  /** True when the packet is delivered to a local process. */
  exitIsLocal: boolean;
  /** Boxes this packet needs that the map does not have (an unknown endpoint or hook): they change the picture. */
  extraNodes: MapNode[];
  /** Hook slots this packet needs that the map's boxes do not have, by box key. */
  extraSlots: Map<string, string[]>;
  /** Keys of every map box the path touches. */
  touched: Set<string>;
  /** True when the walk ends in its last box without a known way out (nftables maps only; see `planPath`). */
  openEnd?: boolean;
  /** Title of the box after which the recording lost the packet (`IP FORWARD`), when it should have shown it again. */
  lostAfter?: string;
  /**
   * The boxes of the way out after the trace's last step, in order, when that way crosses a hook of a
   * layer the trace shows and no line shows the packet there (a trace pasted without a ruleset that ends
   * early): a guess, drawn as not in the trace. Absent when the trace shows the packet up to its way out.
   */
  notSeen?: string[];
  /** The titles of the hook boxes among {@link PathPlan.notSeen} (`IP FORWARD`), for the words. */
  notSeenHooks?: string[];
}

function findEndpoint(
  endpoints: readonly MapEndpoint[],
  devices: Array<string | undefined>,
  address: string | undefined,
): MapEndpoint | undefined {
  for (const dev of devices) {
    const hit = dev && endpoints.find((e) => e.interfaces.includes(dev));
    if (hit) return hit;
  }
  const short = address && shortAddress(address);
  return short ? endpoints.find((e) => e.addresses.some((a) => shortAddress(a) === short)) : undefined;
}

/**
 * The layer of the generic endpoint a packet comes from (`in`) or goes to (`out`): a bridge port when a
 * bridge hook saw it or its line names a port on that side. A bridged-in packet routed out (`PHYSIN=veth1
 * OUT=eth0`) leaves by a routed interface; one whose line names no way out yet keeps its port's layer.
 */
function genericLayer(event: TraceEvent, side: "in" | "out"): "bridge" | "ip" {
  if (event.hook.startsWith("bridge:")) return "bridge";
  const [port, dev, otherPort] =
    side === "in" ? [event.physIn, event.in, event.physOut] : [event.physOut, event.out, event.physIn];
  return port || (otherPort && !dev) ? "bridge" : "ip";
}

/** Shortest walk from `from` to `to` over the map's arrows, not through endpoints or the local process. */
function walk(
  edges: Map<string, string[]>,
  from: string,
  to: string,
  through: (key: string) => boolean,
): string[] | undefined {
  if (from === to) return [from];
  const back = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift() as string;
    for (const next of edges.get(at) ?? []) {
      if (back.has(next)) continue;
      back.set(next, at);
      if (next === to) {
        const route = [to];
        for (let k = at; k !== from; k = back.get(k) as string) route.unshift(k);
        return [from, ...route];
      }
      if (through(next)) queue.push(next);
    }
  }
  return undefined;
}

/** Whether the event's source prints a bridged frame's ports (nf_log: LOG lines, legacy TRACE); nft's and xtables-monitor's traces never do. */
function namesPorts(e: TraceEvent): boolean {
  return e.source !== "nft-monitor" && e.source !== "xtables-monitor";
}

/**
 * Whether the packet is a frame bridged port to port, which br_netfilter runs through the IP hooks, judged at
 * its IP FORWARD event. nf_log prints PHYSOUT for such a frame; a trace from nft or xtables-monitor names no
 * port, so there: it came in by a bridge port and enters and leaves IP FORWARD by one device (a routed
 * hairpin through one bridge looks the same, and is taken for bridged). Undefined without a FORWARD event.
 */
function bridgedFrame(forward: TraceEvent | undefined, fromPort: boolean): boolean | undefined {
  if (!forward) return undefined;
  if (namesPorts(forward)) return forward.physOut !== undefined;
  return fromPort && !!forward.in && forward.in === forward.out;
}

/**
 * Whether a packet last seen in IP box `box` was routed (not bridged) when it left by a bridge port. nf_log
 * prints every bridged frame's PHYSOUT, so a LOG line without it is routed; for a trace that names no port,
 * its FORWARD event decides ({@link bridgedFrame}), else an input device at IP POSTROUTING (br_netfilter
 * passes none; kernels since 5.5 pass a routed packet's). A packet the host sent is routed.
 */
function routedOut(box: string, last: TraceEvent, local: boolean, frame: boolean | undefined): boolean {
  if (last.physOut !== undefined) return false;
  if (local) return box === "ip_OUTPUT" || box === "ip_POSTROUTING";
  if (box !== "ip_POSTROUTING" && box !== "ip_FORWARD") return false;
  if (namesPorts(last)) return true;
  if (frame !== undefined) return !frame;
  return box === "ip_POSTROUTING" && !!last.in;
}

/**
 * Plans the path of `packet` over the map of the given ebtables flavour.
 * @param labels names of the entry and exit for the words; default: addresses and interfaces
 * @param mapEndpoints the lab's endpoints drawn on the map; default {@link GENERIC_ENDPOINTS}
 * @param chains an nftables lab's base chains per hook; default none (the iptables map)
 */
export function planPath(
  packet: Packet,
  ebtables: EbtablesFlavour,
  labels: EndpointLabels = {},
  mapEndpoints?: readonly MapEndpoint[],
  chains?: HookChains,
  lang: MapLang = "en",
): PathPlan {
  if (packet.events.length === 0) {
    throw new Error(`packet ${packet.id} has no events: there is no path to draw`);
  }
  const endpoints = mapEndpoints ?? GENERIC_ENDPOINTS;
  // Endpoints that name no interface or address are matched by layer alone.
  const generic = endpoints.every((e) => e.interfaces.length === 0 && e.addresses.length === 0);
  const nodes = new Map(mapNodes(ebtables, endpoints, "en", chains).map((n) => [n.key, n]));
  const adjacency = new Map<string, string[]>();
  for (const [from, to] of mapEdges(ebtables, endpoints))
    adjacency.set(from, [...(adjacency.get(from) ?? []), to]);
  const extraNodes: MapNode[] = [];
  const extraSlots = new Map<string, string[]>();
  const first = packet.events[0] as TraceEvent;
  const last = packet.events[packet.events.length - 1] as TraceEvent;
  // The box a hook is drawn in: an nftables chain's by the lab's rulesets (its name need not spell the hook).
  const boxOf = (hook: string) => (chains && chainBoxKey(chains, hook)) ?? boxKey(hook);
  // An arp-family chain has no box of the map: an ARP packet it saw with no input device was the host's own.
  const entryIsLocal =
    !inInterface(first) && (/_OUTPUT$/.test(boxOf(first.hook)) || first.hook.startsWith("arp:"));
  const dropped = dropPoint(last);
  // A dropped packet never reaches a local process: its walk ends in the box that dropped it. An ARP
  // packet an arp-family chain saw with no output device goes to the host's ARP layer.
  const exitIsLocal =
    !dropped && !outInterface(last) && (boxOf(last.hook) === "ip_INPUT" || last.hook.startsWith("arp:"));
  const entryLabel = labels.entry ?? defaultEntry(first, lang);
  const exitLabel = labels.exit ?? defaultExit(last, lang);

  const endpointKey = (side: "in" | "out", event: TraceEvent, label: string): string => {
    const devices = side === "in" ? [event.physIn, event.in] : [event.physOut, event.out];
    const address = side === "in" ? event.ip?.src : event.ip?.dst;
    const found =
      findEndpoint(endpoints, devices, address) ??
      (!generic ? undefined : endpoints.find((e) => e.layer === genericLayer(event, side)));
    if (found) return side === "in" ? entryKey(found) : exitKey(found);
    // An endpoint the lab does not name gets a box of its own, for this packet only.
    const key = side === "in" ? "in_other" : "out_other";
    if (!nodes.has(key)) {
      const node: MapNode = {
        key,
        kind: "endpoint",
        label: `${side === "in" ? "from" : "to"} ${label}`,
        layer: genericLayer(event, side),
        slots: [],
      };
      nodes.set(key, node);
      extraNodes.push(node);
    }
    return key;
  };
  const entry = entryIsLocal ? DECISION.local : endpointKey("in", first, entryLabel);

  /**
   * The slot a step marks in its box. ip6tables' tables run at the IP hooks where iptables' do: an
   * IPv6 step marks the table of its name in an iptables lab's box.
   */
  const slotOf = (hook: string, key: string): string => {
    const own = hookKey(hook);
    if (!hook.startsWith("ip6:") || nodes.get(key)?.chains) return own;
    const twin = hookKey(`ip:${hook.slice(4)}`);
    return nodes.get(key)?.slots.some((s) => s.hook && hookKey(s.hook) === twin) ? twin : own;
  };
  const byEvent = rewritesByEvent(packet);
  const steps: PathStep[] = packet.events.map((event, i) => {
    const key = boxOf(event.hook);
    const slot = slotOf(event.hook, key);
    const verdict = chains ? stepVerdict(event, i === packet.events.length - 1) : undefined;
    if (nodes.get(key)?.chains) {
      // An nftables box keeps its chains: a chain it does not draw (packetwalk's own) numbers the box itself.
      // So does a logging chain's line whose lab chain then did not run (dropped before it, a nat chain skipped).
      const drawn =
        (nodes.get(key) as MapNode).slots.some((s) => s.hook && hookKey(s.hook) === slot) &&
        !stepLoggingChain(event, chains);
      const step: PathStep = {
        n: i + 1,
        hook: event.hook,
        key,
        slot: drawn ? slot : key,
        event,
        rewrites: byEvent.get(i) ?? [],
      };
      if (verdict) step.verdict = verdict;
      return step;
    }
    const box = nodes.get(key);
    if (!box) {
      const node: MapNode = {
        key,
        kind: "hook",
        label: event.hook.split(":").slice(0, 1).concat(event.hook.split(":").slice(2)).join(" "),
        layer: event.hook.startsWith("bridge:") ? "bridge" : "ip",
        slots: [],
      };
      nodes.set(key, node);
      extraNodes.push(node);
    }
    const owner = nodes.get(key) as MapNode;
    if (!owner.slots.some((s) => s.hook && hookKey(s.hook) === slot)) {
      extraSlots.set(key, [...new Set([...(extraSlots.get(key) ?? []), event.hook])]);
    }
    return { n: i + 1, hook: event.hook, key, slot, event, rewrites: byEvent.get(i) ?? [] };
  });

  const through = (key: string) => {
    const kind = nodes.get(key)?.kind;
    return kind === "hook" || kind === "decision" || kind === "port";
  };
  const segments: PathSegment[] = [];
  let prev = entry;
  const goTo = (target: string, step?: PathStep) => {
    if (target === prev) return;
    const route = walk(adjacency, prev, target, through) ?? [prev, target];
    route.slice(1).forEach((to, i) => {
      const seg: PathSegment = { from: route[i] as string, to, rewrites: [] };
      if (step && to === target) {
        seg.step = step.n;
        seg.rewrites = step.rewrites;
      }
      segments.push(seg);
    });
    prev = target;
  };
  const fromPort = nodes.get(entry)?.layer === "bridge";
  const frame = entryIsLocal
    ? false
    : bridgedFrame(steps.find((s) => s.key === "ip_FORWARD")?.event, fromPort);
  for (const step of steps) {
    // A bridged packet (br_netfilter) reaches IP FORWARD from bridge FORWARD and IP POSTROUTING from bridge
    // POSTROUTING, also when no bridge line was logged: not through routing.
    const bridged = namesPorts(step.event)
      ? step.event.physIn !== undefined && step.event.physOut !== undefined
      : frame === true;
    const via =
      bridged && step.key === "ip_FORWARD"
        ? "br_FORWARD"
        : bridged && step.key === "ip_POSTROUTING" && prev === "ip_FORWARD"
          ? "br_POSTROUTING"
          : undefined;
    if (via && prev !== step.key && prev !== via && nodes.has(via) && walk(adjacency, via, step.key, through))
      goTo(via);
    // A frame the bridge floods (broadcast, multicast, unknown destination) is forwarded to the other
    // ports and delivered to the host too: its bridge INPUT line, after the FORWARD ones, is a copy
    // that left the bridging decision beside them, not a frame that came out of FORWARD.
    const before = steps[step.n - 2]?.event;
    if (
      step.key === "br_INPUT" &&
      prev === "br_FORWARD" &&
      before?.in === step.event.in &&
      nodes.has(DECISION.bridging)
    )
      prev = DECISION.bridging;
    goTo(step.key, step);
  }
  /**
   * A box on the rest of the way out where the lab's instrumentation would have shown the packet (a base
   * chain every packet runs: any, with the nft lab's log chains in front of every base chain; a non-NAT
   * one in a TRACE, as the NAT core runs nat chains for a connection's first packet only), yet the trace
   * ends before it: the packet was lost there. LOG rules of a ruleset's own (`log prefix "fw pre "` in a
   * chain) print what their chain sees and what they match, which the map does not know: none counts.
   */
  const lostBefore = (from: string, event: TraceEvent, c: HookChains): string | undefined => {
    if (exitIsLocal) return undefined;
    const target = endpointKey("out", event, exitLabel);
    const route = walk(adjacency, from, target, through) ?? [];
    const logged = event.source === "log" || event.source === "ebt-log";
    const logChains = logged && isNftLogChainPrefix(event.prefix);
    const everyPacket = (ch: { only?: string[]; nat: boolean }) => !ch.only && (logged ? logChains : !ch.nat);
    return route.slice(1, -1).find((key) => (c.boxes.get(key) ?? []).some(everyPacket));
  };
  let exit: string;
  // An nftables lab's map never grows: a walk whose way out no lab endpoint or local process names ends
  // in its last box (a TRACE cut short where the kernel gave the packet a new trace id).
  const unnamedExit =
    !dropped &&
    !!chains &&
    !exitIsLocal &&
    !findEndpoint(endpoints, [last.physOut, last.out], last.ip?.dst) &&
    !generic;
  const lostAfter = !dropped && !unnamedExit && chains ? lostBefore(prev, last, chains) : undefined;
  const openEnd = unnamedExit || lostAfter !== undefined;
  if (dropped || openEnd) {
    exit = prev;
  } else {
    exit = exitIsLocal ? DECISION.local : endpointKey("out", last, exitLabel);
    // Routed out of a bridge device, a packet then crosses the bridge's OUTPUT and POSTROUTING to the port, also
    // when no bridge line was logged; a bridged frame leaves from IP POSTROUTING (br_netfilter runs it last there).
    const toPort = nodes.get(exit)?.kind === "endpoint" && nodes.get(exit)?.layer === "bridge";
    if (toPort && routedOut(prev, last, entryIsLocal, frame))
      for (const via of ["ip_POSTROUTING", "br_OUTPUT", "br_POSTROUTING"]) if (nodes.has(via)) goTo(via);
    goTo(exit);
  }

  // An nftables map reads a TRACE's or its log chains' silence itself (lostBefore); a ruleset's own LOG
  // rules print only what they match, so after their last line the way is as unknown as with no ruleset.
  const ownLogs = (last.source === "log" || last.source === "ebt-log") && !isNftLogChainPrefix(last.prefix);
  const notSeen = dropped || openEnd || (chains && !ownLogs) ? [] : unseenTail(segments, steps, nodes);
  const touched = new Set<string>([entry]);
  for (const s of segments) {
    touched.add(s.from);
    touched.add(s.to);
  }
  const plan: PathPlan = {
    direction: packet.direction,
    steps,
    segments,
    entryKey: entry,
    exitKey: exit,
    entryLabel,
    exitLabel,
    entryIsLocal,
    exitIsLocal,
    extraNodes,
    extraSlots,
    touched,
  };
  if (openEnd) plan.openEnd = true;
  if (notSeen.length) {
    plan.notSeen = notSeen;
    plan.notSeenHooks = notSeen.flatMap((k) => {
      const n = nodes.get(k);
      return n?.kind === "hook" ? [n.label] : [];
    });
  }
  if (lostAfter) plan.lostAfter = nodes.get(prev)?.label ?? prev;
  if (dropped) {
    plan.dropped = dropped;
    // English here; the diagram and its description say it in their language (mapWords).
    plan.exitLabel = mapWords("en").dropped(dropped.verdict, dropped.chain, dropped.policy);
  }
  return plan;
}

/**
 * The boxes after the last step that no line shows, when the way there crosses a hook box of a layer the
 * trace has a step in (an IP-only trace says nothing of the bridge's OUTPUT and POSTROUTING a packet
 * routed into a bridge then crosses: those stay its way). Marks their arrows {@link PathSegment.notSeen}.
 * An nftables map with a TRACE or its log chains is left out: its base chains tell where the packet was
 * lost (`lostBefore`).
 */
function unseenTail(segments: PathSegment[], steps: PathStep[], nodes: Map<string, MapNode>): string[] {
  const lastStep = steps.at(-1)?.n;
  const from = segments.findLastIndex((s) => s.step !== undefined) + 1;
  const tail = segments.slice(from);
  // A hairpin's last step may sit in a box crossed before: the tail starts after its own arrow.
  if (lastStep === undefined || !tail.length) return [];
  const layerOf = (key: string) => nodes.get(key)?.layer;
  const shown = new Set(steps.map((s) => layerOf(s.key)));
  const early = tail.some((s) => nodes.get(s.to)?.kind === "hook" && shown.has(layerOf(s.to)));
  if (!early) return [];
  for (const s of tail) s.notSeen = true;
  return tail.map((s) => s.to);
}

/** The map box of an nftables lab's chain: where the lab's rulesets put it, else the hook its name spells. */
function chainBoxKey(chains: HookChains, hook: string): string | undefined {
  const known = chains.boxOf.get(hook);
  if (known) return known;
  const chain = hook.split(":")[2] ?? "";
  return /^(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)$/.test(chain) ? boxKey(hook) : undefined;
}

/**
 * The verdict of an event's base chain, from the kernel's TRACE lines or a drop-announcing LOG prefix
 * (only when `lastEvent`: the event is its packet's last one); else none.
 */
export function stepVerdict(event: TraceEvent, lastEvent = true): StepVerdict | undefined {
  // A LOG line whose prefix a host firewall writes only before its drop (`[UFW BLOCK] `): a packet
  // that goes on after it (`[UFW AUDIT INVALID] ` then `[UFW BLOCK] `) was not dropped there.
  if (event.drop) return lastEvent ? { verdict: event.drop.verdict.toLowerCase(), policy: false } : undefined;
  const last = event.verdict ?? event.verdicts?.[event.verdicts.length - 1];
  const word = last?.verdict?.toLowerCase().replace(/[^a-z].*$/, "");
  if (!last || !word || !/^(accept|drop|reject|queue|stolen)$/.test(word)) return undefined;
  return { verdict: word, policy: last.kind === "policy" };
}

const FINAL_DROP = /^(DROP|REJECT)\b/;

/**
 * The drop at `event` (a packet's last event), when its TRACE verdicts or the simulator's matched rules
 * end in DROP or REJECT, or its LOG prefix is one a host firewall writes only before a drop ({@link TraceEvent.drop}).
 */
export function dropPoint(event: TraceEvent): DropPoint | undefined {
  const chainOf = (hook: HookId) => hook.split(":")[2] ?? hook;
  const lastMatched = event.matched?.[event.matched.length - 1];
  if (lastMatched && FINAL_DROP.test(lastMatched.verdict)) {
    return {
      hook: event.hook,
      verdict: lastMatched.verdict.replace(/[^A-Z].*$/, ""),
      chain: lastMatched.chain,
      policy: lastMatched.text.startsWith("policy"),
    };
  }
  // A recorded LOG line the simulator agrees with: the base chain after it that dropped the packet.
  const dropped = event.crossed?.find((c) => FINAL_DROP.test(c.verdict));
  if (dropped) {
    const rule = dropped.matched[dropped.matched.length - 1];
    return {
      hook: event.hook,
      verdict: dropped.verdict.replace(/[^A-Z].*$/, ""),
      chain: rule?.chain ?? dropped.chain,
      policy: rule?.text.startsWith("policy") ?? false,
    };
  }
  // The tool's own rule or policy after the LOG rule decided; which of them the line does not say.
  if (event.drop)
    return { hook: event.hook, verdict: event.drop.verdict, chain: chainOf(event.hook), policy: false };
  const lastVerdict = event.verdicts?.[event.verdicts.length - 1] ?? event.verdict;
  if (lastVerdict?.verdict && FINAL_DROP.test(lastVerdict.verdict)) {
    return {
      hook: event.hook,
      verdict: lastVerdict.verdict.replace(/[^A-Z].*$/, ""),
      chain: lastVerdict.chain || chainOf(event.hook),
      policy: lastVerdict.kind === "policy",
    };
  }
  return undefined;
}

function defaultEntry(event: TraceEvent, lang: MapLang): string {
  const w = mapWords(lang);
  const from = event.ip ? formatEndpoint(event.ip.src, event.l4?.sport) : w.packet;
  const dev = inInterface(event);
  return dev ? w.via(from, dev) : from;
}

function defaultExit(event: TraceEvent, lang: MapLang): string {
  const w = mapWords(lang);
  const to = event.ip ? formatEndpoint(event.ip.dst, event.l4?.dport) : w.packet;
  const dev = outInterface(event);
  return dev ? w.via(to, dev) : to;
}
