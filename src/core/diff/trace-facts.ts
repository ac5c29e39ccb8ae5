/**
 * What `packetwalk diff` compares of one trace: per packet its summary, hook
 * list, NAT rewrites and the rules that matched at each step (the kernel's on a
 * TRACE trace, the simulator's on a LOG trace), and the Mermaid source of the
 * diagrams the site draws for it. Times, MAC addresses, line numbers and log
 * prefixes are left out: a re-capture that took the same path is no change.
 */
import type { Packet, ParsedTrace, TraceEvent } from "../model/packet.ts";
import { endpointLabels } from "../render/endpoint-labels.ts";
import { toMermaidId } from "../render/escape-mermaid-label.ts";
import { formatRewrite } from "../render/format-endpoints.ts";
import type { HookChains } from "../render/hook-chains.ts";
import { labEndpoints } from "../render/lab-endpoints.ts";
import { planPath } from "../render/plan-path.ts";
import { toMermaid } from "../render/to-mermaid.ts";
import type { Lab, TraceMeta } from "../trace-file/schema.ts";

/** One step of a packet: the hook and what matched there. */
export interface StepFacts {
  hook: string;
  /** `chain: rule text → VERDICT` lines, in order; empty when nothing is known. */
  matched: string[];
}

/** One packet of a trace. */
export interface PacketFacts {
  id: number;
  direction: "request" | "reply";
  summary: string;
  steps: StepFacts[];
  /** Readable NAT rewrites (`SNAT 172.17.0.2 → 203.0.113.2 after ip:nat:POSTROUTING`). */
  rewrites: string[];
}

/** Everything compared about one trace. */
export interface TraceFacts {
  /** `<lab>/<scenario>`. */
  name: string;
  title: string;
  origin: TraceMeta["origin"];
  mode: TraceMeta["mode"];
  ruleset: string;
  packets: PacketFacts[];
  /** Mermaid source of the site's diagrams (first request and its reply, map view), by direction. */
  mermaid: { request?: string; reply?: string };
  /** Per diagram: the packet it draws and the Mermaid node id of each of its steps (one per event). */
  diagramNodes: {
    request?: { packet: number; nodes: string[] };
    reply?: { packet: number; nodes: string[] };
  };
}

/**
 * The matched-rule lines of one event. `drawn` (an nftables lab): the `table\nchain` of every base chain
 * of the lab's rulesets; packetwalk's own logging and tracing chains are not among them and decide nothing.
 */
function matchedOf(event: TraceEvent, drawn?: ReadonlySet<string>): string[] {
  if (drawn) {
    // A LOG line the simulator agrees with: the rules of every base chain crossed up to the packet's next line.
    if (event.crossed)
      return event.crossed
        .filter((c) => drawn.has(`${c.table}\n${c.chain}`))
        .flatMap((c) =>
          c.matched.map(
            (m) => `${c.table} ${m.chain}: ${m.text} → ${m.verdict}${m.unmodelled ? " (unmodelled)" : ""}`,
          ),
        );
    const [, table, chain] = event.hook.split(":");
    if (!drawn.has(`${table}\n${chain}`)) return [];
  }
  if (event.matched?.length) {
    return (
      event.matched
        // The capture lab's own LOG rules match everything and decide nothing: not part of the ruleset.
        .filter((m) => !(m.verdict === "CONTINUE" && / -j LOG\b/.test(m.text)))
        .map((m) => `${m.chain}: ${m.text} → ${m.verdict}${m.unmodelled ? " (unmodelled)" : ""}`)
    );
  }
  return (event.verdicts ?? (event.verdict ? [event.verdict] : [])).map(
    (v) =>
      `${v.chain}: ${v.kind === "rule" ? (v.text ?? `rule ${v.rule ?? "?"}`) : v.kind}${v.verdict ? ` → ${v.verdict}` : ""}`,
  );
}

function packetFacts(packet: Packet, drawn?: ReadonlySet<string>): PacketFacts {
  return {
    id: packet.id,
    direction: packet.direction,
    summary: packet.summary,
    steps: packet.events.map((e) => ({ hook: e.hook, matched: matchedOf(e, drawn) })),
    rewrites: packet.rewrites.map(
      (r) => `${formatRewrite(r, packet.direction)} (${r.afterHook} → ${r.beforeHook})`,
    ),
  };
}

/**
 * The facts of one trace.
 * @param parsed the parsed trace, annotated with matched rules where they are known
 * @param chains an nftables lab's base chains per hook (`labHookChains`), so that its diagrams are the
 *   site's (hook boxes listing the base chains) and its steps' rules are those of the lab's base chains,
 *   without packetwalk's own logging and tracing chains; default none (an iptables lab)
 */
export function traceFacts(
  name: string,
  meta: TraceMeta,
  lab: Lab,
  parsed: ParsedTrace,
  chains?: HookChains,
): TraceFacts {
  const first = parsed.packets[0];
  const request =
    first?.direction === "request" ? first : parsed.packets.find((p) => p.direction === "request");
  const reply = parsed.packets.find(
    (p) => p.direction === "reply" && (!request || (p.flow === request.flow && p.id > request.id)),
  );
  const drawn = chains
    ? new Set([...chains.boxes.values()].flatMap((cs) => cs.map((c) => `${c.table}\n${c.chain}`)))
    : undefined;
  const mermaid: TraceFacts["mermaid"] = {};
  const diagramNodes: TraceFacts["diagramNodes"] = {};
  // A fixed id prefix: the source must not change with where the diagram is shown.
  for (const [direction, packet] of [
    ["request", request],
    ["reply", reply],
  ] as const) {
    if (packet) {
      const idPrefix = direction === "request" ? "q" : "r";
      // The lesson figure's options (English): the same map, endpoints and base chains as the site.
      mermaid[direction] = toMermaid(packet, {
        view: "map",
        labels: endpointLabels(packet, lab),
        ebtables: lab.ebtables,
        endpoints: labEndpoints(lab),
        idPrefix,
        ...(chains ? { chains, ruleset: meta.ruleset } : {}),
      });
      // The map's node of each step, as the site's step-through finds it.
      const nodes = planPath(packet, lab.ebtables, {}, undefined, chains).steps.map(
        (st) => `${toMermaidId(idPrefix)}_${st.key}`,
      );
      diagramNodes[direction] = { packet: packet.id, nodes };
    }
  }
  return {
    name,
    title: meta.title,
    origin: meta.origin,
    mode: meta.mode,
    ruleset: meta.ruleset,
    packets: parsed.packets.map((p) => packetFacts(p, drawn)),
    mermaid,
    diagramNodes,
  };
}
