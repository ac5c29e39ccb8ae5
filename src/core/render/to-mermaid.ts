/**
 * Mermaid flowchart source for one packet: a pure, deterministic function.
 *
 * - `map`: the whole bridge + IP netfilter map in two subgraphs, the hooks
 *   the packet crossed highlighted and numbered (on the arrows and in the
 *   boxes, so a hook crossed twice stays unambiguous), the rest faded.
 * - `path`: only the hooks crossed, one box per step, top to bottom.
 *
 * Every label that comes from a file goes through {@link escapeMermaidLabel}.
 */
import type { Packet } from "../model/packet.ts";
import { escapeMermaidLabel, toMermaidId } from "./escape-mermaid-label.ts";
import { formatRewrite, hookTitle } from "./format-endpoints.ts";
import { DECISION, type EbtablesFlavour, type MapNode, mapEdges, mapNodes } from "./netfilter-map.ts";
import {
  ENDPOINT_KEYS,
  type EndpointLabels,
  type PathPlan,
  type PathSegment,
  planPath,
} from "./plan-path.ts";

/** The diagram kinds: the whole map with the path on it, or the path alone. */
export const VIEWS = ["map", "path"] as const;
/** One of {@link VIEWS}. */
export type View = (typeof VIEWS)[number];

/** Options of {@link toMermaid}. */
export interface ToMermaidOptions {
  /** `map` (whole netfilter map, path highlighted) or `path` (only the hooks crossed). */
  view: View;
  /** Names for the entry and exit from the lab; default: addresses and interfaces from the trace. */
  labels?: EndpointLabels;
  /** Bridge filtering flavour: `legacy` draws the broute table. Default `nft`. */
  ebtables?: EbtablesFlavour;
  /** Prepended to every node id (letters, digits, `_`); default none. Mermaid prefixes SVG ids with the render id on top. */
  idPrefix?: string;
}

// Same colours in light and dark themes: strong enough on white and on near-black.
const CLASS_DEFS = [
  "classDef hit fill:#ffcc80,stroke:#e65100,stroke-width:3px,color:#1a1a1a",
  "classDef passed fill:#ffe0b2,stroke:#e65100,stroke-width:2px,color:#1a1a1a",
  "classDef faded opacity:0.45,stroke-dasharray:4 3",
  "classDef endpoint fill:#b3e5fc,stroke:#01579b,stroke-width:2px,color:#1a1a1a",
];
// Tight spacing keeps the whole map inside a ~720 px column; kept in the source so a copy renders the same.
const LAYOUT = [
  "---",
  "config:",
  "  look: classic",
  "  flowchart:",
  "    nodeSpacing: 18",
  "    rankSpacing: 26",
  "    padding: 6",
  "    wrappingWidth: 220",
  "---",
];
const DROPPED_CLASS_DEF = "classDef dropped fill:#ffcdd2,stroke:#b71c1c,stroke-width:3px,color:#1a1a1a";
// No label colour: the theme's own label text keeps NAT labels readable in light and dark.
const STEP_LINK_STYLE = "stroke:#e65100,stroke-width:3px";
const MAP_LINK_STYLE = "stroke:#9e9e9e,stroke-width:1px,stroke-dasharray:4 3";

/** Returns the Mermaid source of one packet's diagram. Throws only for a packet without events. */
export function toMermaid(packet: Packet, options: ToMermaidOptions): string {
  const ebtables = options.ebtables ?? "nft";
  const plan = planPath(packet, ebtables, options.labels);
  const prefix = options.idPrefix ? `${toMermaidId(options.idPrefix)}_` : "";
  return options.view === "map" ? mapView(plan, ebtables, prefix) : pathView(plan, prefix);
}

function stepNumbers(plan: PathPlan): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const s of plan.steps) map.set(s.key, [...(map.get(s.key) ?? []), s.n]);
  return map;
}

// Step numbers live in the boxes: a label on every arrow doubles the map's height (each label takes a rank).
function segmentLabel(seg: PathSegment, direction: "request" | "reply"): string | undefined {
  const parts = seg.rewrites.map((rw) => formatRewrite(rw, direction));
  return parts.length ? parts.join(" · ") : undefined;
}

function arrow(prefix: string, seg: PathSegment, index: number, direction: "request" | "reply"): string {
  const label = segmentLabel(seg, direction);
  const id = `${prefix}step${seg.step ?? `x${index}`}`;
  const link = label === undefined ? "-->" : `-->|"${escapeMermaidLabel(label)}"|`;
  return `  ${prefix}${seg.from} ${id}@${link} ${prefix}${seg.to}`;
}

function mapView(plan: PathPlan, ebtables: EbtablesFlavour, prefix: string): string {
  const steps = stepNumbers(plan);
  const lines: string[] = [...LAYOUT, "flowchart TB"];
  const nodeLine = (n: MapNode): string => {
    const numbers = steps.get(n.key);
    let text = escapeMermaidLabel(n.label);
    if (n.key === DECISION.local && (plan.entryIsLocal || plan.exitIsLocal)) {
      const who = [
        ...new Set([plan.entryIsLocal ? plan.entryLabel : "", plan.exitIsLocal ? plan.exitLabel : ""]),
      ];
      text += `<br/>${escapeMermaidLabel(who.filter(Boolean).join(" / "))}`;
    }
    if (numbers) text += ` ${escapeMermaidLabel(numbers.map((x) => `#${x}`).join(" "))}`;
    return `    ${prefix}${n.key}["${text}"]`;
  };
  const all = [...mapNodes(ebtables), ...plan.extraNodes];
  lines.push(`  subgraph ${prefix}layer_ip["${escapeMermaidLabel("IP layer (iptables)")}"]`);
  for (const n of all) if (n.layer === "ip") lines.push(nodeLine(n));
  lines.push("  end");
  lines.push(`  subgraph ${prefix}layer_bridge["${escapeMermaidLabel("bridge layer (ebtables)")}"]`);
  for (const n of all) if (n.layer === "bridge") lines.push(nodeLine(n));
  lines.push("  end");
  lines.push(nodeLine(all.find((n) => n.key === DECISION.local) as MapNode).replace(/^ {4}/, "  "));
  if (!plan.entryIsLocal)
    lines.push(`  ${prefix}${ENDPOINT_KEYS.entry}("${escapeMermaidLabel(plan.entryLabel)}")`);
  if (!plan.exitIsLocal)
    lines.push(`  ${prefix}${ENDPOINT_KEYS.exit}("${escapeMermaidLabel(plan.exitLabel)}")`);

  const onPath = new Set(plan.segments.map((s) => `${s.from}>${s.to}`));
  const mapLinks: number[] = [];
  const stepLinks: number[] = [];
  let index = 0;
  for (const [from, to] of mapEdges(ebtables)) {
    if (onPath.has(`${from}>${to}`)) continue;
    lines.push(`  ${prefix}${from} --> ${prefix}${to}`);
    mapLinks.push(index++);
  }
  plan.segments.forEach((seg, i) => {
    lines.push(arrow(prefix, seg, i, plan.direction));
    stepLinks.push(index++);
  });

  lines.push(...CLASS_DEFS.map((c) => `  ${c}`));
  const hit = all.filter((n) => n.hook && steps.has(n.key)).map((n) => prefix + n.key);
  const passed = all.filter((n) => !n.hook && plan.touched.has(n.key)).map((n) => prefix + n.key);
  const faded = all.filter((n) => !plan.touched.has(n.key)).map((n) => prefix + n.key);
  const endpoints = [
    ...(plan.entryIsLocal ? [] : [prefix + ENDPOINT_KEYS.entry]),
    ...(plan.exitIsLocal || plan.dropped ? [] : [prefix + ENDPOINT_KEYS.exit]),
  ];
  if (hit.length) lines.push(`  class ${hit.join(",")} hit`);
  if (passed.length) lines.push(`  class ${passed.join(",")} passed`);
  if (faded.length) lines.push(`  class ${faded.join(",")} faded`);
  if (endpoints.length) lines.push(`  class ${endpoints.join(",")} endpoint`);
  if (plan.dropped) lines.push(`  ${DROPPED_CLASS_DEF}`, `  class ${prefix}${ENDPOINT_KEYS.exit} dropped`);
  if (mapLinks.length) lines.push(`  linkStyle ${mapLinks.join(",")} ${MAP_LINK_STYLE}`);
  lines.push(`  linkStyle ${stepLinks.join(",")} ${STEP_LINK_STYLE}`);
  return `${lines.join("\n")}\n`;
}

function pathView(plan: PathPlan, prefix: string): string {
  const lines: string[] = [...LAYOUT, "flowchart TB"];
  const entry = `${prefix}${ENDPOINT_KEYS.entry}`;
  const exit = `${prefix}${ENDPOINT_KEYS.exit}`;
  const entryText = plan.entryIsLocal ? `local process: ${plan.entryLabel}` : plan.entryLabel;
  const exitText = plan.exitIsLocal ? `local process: ${plan.exitLabel}` : plan.exitLabel;
  lines.push(`  ${entry}("${escapeMermaidLabel(entryText)}")`);
  const bridge: string[] = [];
  const ip: string[] = [];
  for (const step of plan.steps) {
    const id = `${prefix}s${step.n}`;
    lines.push(`  ${id}["${escapeMermaidLabel(`#${step.n} ${hookTitle(step.hook)}`)}"]`);
    (step.hook.startsWith("bridge:") ? bridge : ip).push(id);
  }
  lines.push(`  ${exit}("${escapeMermaidLabel(exitText)}")`);
  let prev = entry;
  for (const step of plan.steps) {
    const label = step.rewrites.map((rw) => formatRewrite(rw, plan.direction)).join(" · ");
    const link = label ? `-->|"${escapeMermaidLabel(label)}"|` : "-->";
    lines.push(`  ${prev} ${prefix}step${step.n}@${link} ${prefix}s${step.n}`);
    prev = `${prefix}s${step.n}`;
  }
  lines.push(`  ${prev} ${prefix}stepx@--> ${exit}`);
  lines.push(...CLASS_DEFS.map((c) => `  ${c}`));
  lines.push("  classDef bridge fill:#c8e6c9,stroke:#1b5e20,stroke-width:2px,color:#1a1a1a");
  if (ip.length) lines.push(`  class ${ip.join(",")} hit`);
  if (bridge.length) lines.push(`  class ${bridge.join(",")} bridge`);
  lines.push(`  class ${plan.dropped ? entry : `${entry},${exit}`} endpoint`);
  if (plan.dropped) lines.push(`  ${DROPPED_CLASS_DEF}`, `  class ${exit} dropped`);
  lines.push(`  linkStyle ${plan.steps.map((_, i) => i).join(",")},${plan.steps.length} ${STEP_LINK_STYLE}`);
  return `${lines.join("\n")}\n`;
}
