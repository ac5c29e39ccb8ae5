/**
 * Lays a packet's path over the netfilter map: its numbered steps, where it
 * enters and leaves, and the arrows (segments) between them, including the
 * decisions it passes. Shared by the diagram and its text alternative.
 */
import type { HookId } from "../model/hook.ts";
import type { Packet, Rewrite, TraceEvent } from "../model/packet.ts";
import { formatEndpoint, inInterface, outInterface, rewritesByEvent } from "./format-endpoints.ts";
import {
  DECISION,
  decisionBefore,
  type EbtablesFlavour,
  hookKey,
  type MapNode,
  mapNodes,
} from "./netfilter-map.ts";

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
  /** The map node key of the hook. */
  key: string;
  event: TraceEvent;
  /** Rewrites first visible at this step (they happened on the way into it). */
  rewrites: Rewrite[];
}

/** One arrow of the path. */
export interface PathSegment {
  from: string;
  to: string;
  /** The step this arrow leads into, when it leads into a hook. */
  step?: number;
  rewrites: Rewrite[];
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
  /** Set when the trace says the packet was dropped at its last hook (TRACE verdicts, or the simulator's). */
  dropped?: DropPoint;
  steps: PathStep[];
  segments: PathSegment[];
  /** Map node key where the path starts (`entry` or the local process). */
  entryKey: string;
  exitKey: string;
  entryLabel: string;
  exitLabel: string;
  /** True when the packet was sent by a local process. */
  entryIsLocal: boolean;
  /** True when the packet is delivered to a local process. */
  exitIsLocal: boolean;
  /** Hooks of the packet that are not on the map (e.g. `ip:security:INPUT`), drawn as extra boxes. */
  extraNodes: MapNode[];
  /** Keys of every map node the path touches. */
  touched: Set<string>;
}

/** Node keys of the entry and exit boxes when they are not the local process. */
export const ENDPOINT_KEYS = { entry: "entry", exit: "exit" } as const;

// Which stages a step may come from for the decision before it to be drawn on the way.
const DECISION_FROM: Record<string, readonly string[]> = {
  [DECISION.bridging]: ["br-pre", "ip-pre"],
  [DECISION.routing]: ["ip-pre"],
  [DECISION.outputRouting]: ["other", "entry"],
};

/** Plans the path of `packet` over the map of the given ebtables flavour. */
export function planPath(packet: Packet, ebtables: EbtablesFlavour, labels: EndpointLabels = {}): PathPlan {
  if (packet.events.length === 0) {
    throw new Error(`packet ${packet.id} has no events: there is no path to draw`);
  }
  const nodes = new Map(mapNodes(ebtables).map((n) => [n.key, n]));
  const extraNodes: MapNode[] = [];
  const first = packet.events[0] as TraceEvent;
  const last = packet.events[packet.events.length - 1] as TraceEvent;
  const entryIsLocal = !inInterface(first) && /:OUTPUT$/.test(first.hook);
  // A dropped packet never reaches a local process: its walk ends in a "dropped" box.
  const exitIsLocal = !dropPoint(last) && !outInterface(last) && /^ip6?:[^:]+:INPUT$/.test(last.hook);
  const entryKey = entryIsLocal ? DECISION.local : ENDPOINT_KEYS.entry;
  const exitKey = exitIsLocal ? DECISION.local : ENDPOINT_KEYS.exit;

  const byEvent = rewritesByEvent(packet);
  const steps: PathStep[] = packet.events.map((event, i) => {
    const key = hookKey(event.hook);
    if (!nodes.has(key)) {
      const node: MapNode = {
        key,
        hook: event.hook,
        label: event.hook.split(":").slice(1).join(" "),
        layer: event.hook.startsWith("bridge:") ? "bridge" : "ip",
        stage: "other",
      };
      nodes.set(key, node);
      extraNodes.push(node);
    }
    return { n: i + 1, hook: event.hook, key, event, rewrites: byEvent.get(i) ?? [] };
  });

  const stageOf = (key: string): string =>
    key === ENDPOINT_KEYS.entry ? "entry" : (nodes.get(key)?.stage ?? "other");
  const segments: PathSegment[] = [];
  let prev: string = entryKey;
  for (const step of steps) {
    const decision = decisionBefore(nodes.get(step.key)?.stage ?? "other");
    if (decision && prev !== decision && DECISION_FROM[decision]?.includes(stageOf(prev))) {
      segments.push({ from: prev, to: decision, rewrites: [] });
      prev = decision;
    }
    segments.push({ from: prev, to: step.key, step: step.n, rewrites: step.rewrites });
    prev = step.key;
  }
  segments.push({ from: prev, to: exitKey, rewrites: [] });

  const dropped = dropPoint(last);
  const touched = new Set<string>();
  for (const s of segments) {
    touched.add(s.from);
    touched.add(s.to);
  }
  const plan: PathPlan = {
    direction: packet.direction,
    steps,
    segments,
    entryKey,
    exitKey,
    entryLabel: labels.entry ?? defaultEntry(first),
    exitLabel: labels.exit ?? defaultExit(last),
    entryIsLocal,
    exitIsLocal,
    extraNodes,
    touched,
  };
  if (dropped) {
    plan.dropped = dropped;
    plan.exitLabel = `dropped: ${dropped.verdict} in ${dropped.policy ? `${dropped.chain} policy` : dropped.chain}`;
  }
  return plan;
}

const FINAL_DROP = /^(DROP|REJECT)\b/;

/** The drop at `event`, when its TRACE verdicts or the simulator's matched rules end in DROP or REJECT. */
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

function defaultEntry(event: TraceEvent): string {
  const from = event.ip ? formatEndpoint(event.ip.src, event.l4?.sport) : "packet";
  const dev = inInterface(event);
  return dev ? `${from} via ${dev}` : from;
}

function defaultExit(event: TraceEvent): string {
  const to = event.ip ? formatEndpoint(event.ip.dst, event.l4?.dport) : "packet";
  const dev = outInterface(event);
  return dev ? `${to} via ${dev}` : to;
}
