/**
 * Mermaid flowchart source for one packet: a pure, deterministic function.
 *
 * - `map`: the lab's one map (see `netfilter-map.ts`): the same boxes and
 *   arrows for every packet of the lab, so the picture is learned once. The
 *   packet only colours it (its boxes and arrows in orange, the rest faded)
 *   and numbers it (`data-step` on the table it was seen at, drawn as a
 *   numbered badge by the site's stylesheet), so it never moves a box.
 * - `path`: only the hooks crossed, one box per step, top to bottom.
 * - An nftables lab (`chains`): each hook box lists the base chains the lab's rulesets attach there
 *   (`family table chain (priority)`, kernel order; a box whose chains share one table names it once
 *   above them, `table ip docker-bridges`, and its chains as `chain (priority)`); a step lights the chain that ran, its verdict (from
 *   TRACE lines) as the chain's colour on the map and in words in the path view, which draws one box
 *   per hook crossed.
 *
 * Every label that comes from a file goes through {@link escapeMermaidLabel}.
 */

import type { Packet } from "../model/packet.ts";
import { escapeMermaidLabel, toMermaidId } from "./escape-mermaid-label.ts";
import { formatRewrite, hookTitle } from "./format-endpoints.ts";
import { chainsFor, type HookChains, packetFamily } from "./hook-chains.ts";
import { type MapLang, mapWords } from "./map-words.ts";
import {
  type EbtablesFlavour,
  genericEndpoints,
  hookKey,
  type MapEndpoint,
  type MapNode,
  type MapSlot,
  mapEdges,
  mapNodes,
} from "./netfilter-map.ts";
import {
  type EndpointLabels,
  type PathPlan,
  type PathStep,
  planPath,
  type StepVerdict,
} from "./plan-path.ts";
import type { UnseenRewrite } from "./unseen-rewrite.ts";

/** The diagram kinds: the whole map with the path on it, or the path alone. */
export const VIEWS = ["map", "path"] as const;
/** One of {@link VIEWS}. */
export type View = (typeof VIEWS)[number];

/** Options of {@link toMermaid}. */
export interface ToMermaidOptions {
  /** `map` (the lab's whole map, path highlighted) or `path` (only the hooks crossed). */
  view: View;
  /** Names for the entry and exit (path view, words); default: addresses and interfaces from the trace. */
  labels?: EndpointLabels;
  /** Bridge filtering flavour: `legacy` draws the broute table. Default `nft`. */
  ebtables?: EbtablesFlavour;
  /** The lab's endpoints drawn on the map (`labEndpoints(lab)`); default: a bridge port and a routed interface. */
  endpoints?: readonly MapEndpoint[];
  /** Prepended to every node id (letters, digits, `_`); default none. Mermaid prefixes SVG ids with the render id on top. */
  idPrefix?: string;
  /** Language of the map's own words (decisions, local process, from/to); hook and table names stay. Default `en`. */
  lang?: MapLang;
  /**
   * An nftables lab's base chains per hook (`hookChains`): the hook boxes list them instead of the
   * iptables tables, and the path view groups the steps per hook. Default none.
   */
  chains?: HookChains;
  /** Name of the ruleset the trace ran with: chains of the map it lacks are struck through. Default none. */
  ruleset?: string;
  /**
   * A NAT rewrite after the packet's last line with addresses, read off the other direction
   * (`unseenRewrite`): the path view labels the arrow after that line with it, as it labels the
   * rewrites lines show (the map labels no arrow). Default none.
   */
  unseen?: UnseenRewrite;
}

// Fill tells the layer (bridge green, IP blue), an orange border the packet's path; same in light and dark.
const CLASS_DEFS = [
  "classDef brHit fill:#c8e6c9,stroke:#e65100,stroke-width:3px,color:#1a1a1a",
  "classDef ipHit fill:#bbdefb,stroke:#e65100,stroke-width:3px,color:#1a1a1a",
  "classDef passed fill:#ffe0b2,stroke:#e65100,stroke-width:2px,color:#1a1a1a",
  // Off the path: the layer's fill washed into the page (light or dark) and the theme's own text colour,
  // so a faded box stays readable on a dark page (an opaque dark label on a 45% box did not).
  "classDef brFaded fill:#c8e6c9,fill-opacity:0.3,stroke:#2e7d32,stroke-opacity:0.6,stroke-dasharray:4 3",
  "classDef ipFaded fill:#bbdefb,fill-opacity:0.3,stroke:#1565c0,stroke-opacity:0.6,stroke-dasharray:4 3",
  "classDef faded opacity:0.45,stroke-dasharray:4 3",
  "classDef endpoint fill:#e1bee7,stroke:#6a1b9a,stroke-width:2px,color:#1a1a1a",
];
// Not in the trace (the way on after its last line, a guess): the layer's fill washed out as off the path,
// the path's orange as a dashed border, the theme's own text colour; never the solid border of a seen box.
const NOT_SEEN = "fill-opacity:0.3,stroke:#e65100,stroke-width:2px,stroke-dasharray:6 4";
const NOT_SEEN_CLASS_DEFS = [
  `classDef notSeenBr fill:#c8e6c9,${NOT_SEEN}`,
  `classDef notSeenIp fill:#bbdefb,${NOT_SEEN}`,
  `classDef notSeen fill:#ffe0b2,${NOT_SEEN}`,
  `classDef notSeenEnd fill:#e1bee7,${NOT_SEEN}`,
];
// Tight spacing keeps the whole map inside a ~720 px column; kept in the source so a copy renders the same.
const layout = (wrappingWidth: number) => [
  "---",
  "config:",
  "  look: classic",
  "  flowchart:",
  "    nodeSpacing: 18",
  "    rankSpacing: 26",
  "    padding: 6",
  `    wrappingWidth: ${wrappingWidth}`,
  "---",
];
const LAYOUT = layout(260);
// A base chain is one line however long (`ip docker-bridges nat-POSTROUTING (srcnat 100)`): never wrapped.
const CHAIN_LAYOUT = layout(600);
const DROPPED_CLASS_DEF = "classDef dropped fill:#ffcdd2,stroke:#b71c1c,stroke-width:3px,color:#1a1a1a";
// No label colour: the theme's own label text keeps NAT labels readable in light and dark.
const STEP_LINK_STYLE = "stroke:#e65100,stroke-width:3px";
const MAP_LINK_STYLE = "stroke:#9e9e9e,stroke-width:1px,stroke-dasharray:4 3";
// The way on after the trace's last line: the path's colour, dashed and thinner than a seen arrow.
const NOT_SEEN_LINK_STYLE = "stroke:#e65100,stroke-width:2px,stroke-dasharray:6 4";

/** The path views' options: the packet too (the unseen rewrite's line is one of its events). */
type PathOptions = ToMermaidOptions & { packet: Packet };

/** Returns the Mermaid source of one packet's diagram. Throws only for a packet without events. */
export function toMermaid(packet: Packet, given: ToMermaidOptions): string {
  // An IPv6 packet meets the ip6 and inet tables at the IP hooks: the map draws those.
  const options = given.chains ? { ...given, chains: chainsFor(given.chains, packetFamily(packet)) } : given;
  const ebtables = options.ebtables ?? "nft";
  const endpoints = options.endpoints ?? genericEndpoints(options.lang);
  const plan = planPath(packet, ebtables, options.labels, endpoints, options.chains, options.lang);
  const prefix = options.idPrefix ? `${toMermaidId(options.idPrefix)}_` : "";
  if (options.view === "map") return mapView(plan, ebtables, endpoints, prefix, options);
  return options.chains
    ? chainPathView(plan, prefix, mapNodes(ebtables, endpoints, options.lang, options.chains), {
        ...options,
        packet,
      })
    : pathView(plan, prefix, { ...options, packet });
}

function shape(n: MapNode, text: string): string {
  if (n.kind === "decision") return `{{"${text}"}}`;
  if (n.kind === "local") return `(["${text}"])`;
  // A funnel: the ways out of the bridge meet, then part to each port.
  if (n.kind === "port") return `[\\"${text}"/]`;
  if (n.kind === "endpoint") return `("${text}")`;
  return `["${text}"]`;
}

// rgb(), not #hex: Mermaid strips the `;` after a `#` colour in a label's style attribute. Used with
// !important, as Mermaid's classDef rule (`.ipHit span { color: ... !important }`) wins over a plain one.
const VERDICT_COLOUR: Record<string, string> = {
  accept: "rgb(27,94,32)",
  drop: "rgb(183,28,28)",
  reject: "rgb(183,28,28)",
  // ufw's `[UFW BLOCK] ` does not tell which of the two followed.
  "drop or reject": "rgb(183,28,28)",
};

/** The verdict after a chain in the path view. */
function verdictSpan(v: StepVerdict | undefined): string {
  if (!v) return "";
  const colour = VERDICT_COLOUR[v.verdict] ?? "rgb(26,26,26)";
  return `<span class='pwv' style='padding-left:0.4em;font-weight:bold;color:${colour} !important'>${escapeMermaidLabel(v.verdict)}</span>`;
}

function stepAttrs(steps: PathStep[], plan: PathPlan, slot: string): string {
  if (!steps.length) return "";
  const last = plan.steps.at(-1);
  const drop = plan.dropped && hookKey(plan.dropped.hook) === slot && steps.some((s) => s === last);
  return ` data-step='${steps.map((s) => s.n).join(" ")}'${drop ? " data-drop='true'" : ""}`;
}

/** True when the map's chain `slot` is not in `ruleset` (a chain only other scenarios have). */
function absentFrom(slot: MapSlot, ruleset: string | undefined): boolean {
  return !!ruleset && !!slot.only && !slot.only.includes(ruleset);
}

/**
 * The text of an nftables hook box: its title, then one line per base chain (and conntrack) in the
 * kernel's order, each with room for a step badge on its left; the verdict where the trace shows it, in
 * words after the chain (path view) or as the chain's colour (map: a word would move boxes).
 * @param path true in the path view: conntrack left out, the chains the packet did not run faded
 * @param mine the steps drawn in this box (default: every step of the plan at its hook)
 */
function chainBoxText(
  n: MapNode,
  plan: PathPlan,
  options: ToMermaidOptions,
  path: boolean,
  mine: PathStep[] = plan.steps.filter((s) => s.key === n.key),
): string {
  const w = mapWords(options.lang);
  const title = `<span class='pwt' style='padding-left:1.2em'${stepAttrs(
    mine.filter((s) => s.slot === n.key),
    plan,
    n.key,
  )}><b>${escapeMermaidLabel(n.label)}</b></span>`;
  const shown = n.slots
    // The path view shows only what this trace's ruleset has: the base chains, without conntrack.
    .filter((slot) => !path || (slot.hook && !absentFrom(slot, options.ruleset)));
  const table = sharedTable(shown);
  const lines = shown.map((slot) => {
    if (!slot.hook)
      return `<span class='pwt pwt-ct' style='padding-left:1.2em'>${escapeMermaidLabel(slot.label)}</span>`;
    const key = hookKey(slot.hook);
    const steps = mine.filter((s) => s.slot === key);
    const absent = absentFrom(slot, options.ruleset);
    const faded = absent
      ? ";opacity:0.55;text-decoration:line-through"
      : path && !steps.length
        ? ";opacity:0.55"
        : "";
    const verdict = steps.at(-1)?.verdict;
    // The map tells the verdict by colour alone, which never changes a box's size; the path view in words.
    const colour =
      verdict && !path ? `;color:${VERDICT_COLOUR[verdict.verdict] ?? "inherit"} !important` : "";
    const text = table ? (slot.name ?? slot.label) : slot.label;
    const label = `<span class='pwt' style='padding-left:1.2em${faded}${colour}'${stepAttrs(steps, plan, key)}>${escapeMermaidLabel(text)}</span>`;
    return path ? label + verdictSpan(verdict) : label;
  });
  if (!n.slots.some((slot) => slot.hook && !(path && absentFrom(slot, options.ruleset))))
    lines.unshift(
      `<span class='pwt pwt-ct' style='padding-left:1.2em'>${escapeMermaidLabel(w.noBaseChain)}</span>`,
    );
  // The table once, as nft lists it, over chains that all belong to it: a box half as wide as full names.
  if (table)
    lines.unshift(
      `<span class='pw-table' style='padding-left:1.2em;font-size:0.86em;opacity:0.8'>table ${escapeMermaidLabel(table)}</span>`,
    );
  // Left-aligned lines under a centred title: the chains read as a list, in the kernel's order.
  return `${title}<br/><span style='display:inline-block;text-align:left'>${lines.join("<br/>")}</span>`;
}

/** The table every base chain of `slots` belongs to, or undefined when they belong to several (or none). */
function sharedTable(slots: readonly MapSlot[]): string | undefined {
  const tables = new Set(slots.filter((s) => s.hook).map((s) => s.table));
  const [only] = tables;
  return tables.size === 1 ? only : undefined;
}

/**
 * Where a table the box does not list goes among its slots: a chain named `<table>_<HOOK>` (firewalld's
 * `filter_INPUT`, registered at that table's priority + 10) right after that table; any other before
 * conntrack's confirm, which runs last at its hook.
 */
function extraSlotPlace(slots: readonly { label: string; key?: string | undefined }[], hook: string): number {
  const chain = hook.split(":")[2] ?? "";
  const after = /^(raw|mangle|nat|filter|security)[_-]/.exec(chain)?.[1];
  const at = after ? slots.findIndex((s) => s.key !== undefined && s.label === after) : -1;
  if (at >= 0) return at + 1;
  const confirm = slots.findIndex((s) => s.key === undefined && s.label === "confirm");
  return confirm >= 0 ? confirm : slots.length;
}

function boxText(n: MapNode, plan: PathPlan, options: ToMermaidOptions): string {
  const title = escapeMermaidLabel(n.label);
  if (n.kind !== "hook") return title;
  if (n.chains) return chainBoxText(n, plan, options, false);
  const seen = new Map<string, number[]>();
  for (const s of plan.steps) if (s.key === n.key) seen.set(s.slot, [...(seen.get(s.slot) ?? []), s.n]);
  const dropAt = plan.dropped ? hookKey(plan.dropped.hook) : undefined;
  const slots = [...n.slots.map((s) => ({ label: s.label, key: s.hook ? hookKey(s.hook) : undefined }))];
  for (const hook of plan.extraSlots.get(n.key) ?? []) {
    slots.splice(extraSlotPlace(slots, hook), 0, { label: hook.split(":")[1] ?? hook, key: hookKey(hook) });
  }
  const parts = slots.map(({ label, key }) => {
    const steps = key ? seen.get(key) : undefined;
    const kind = key ? "pwt" : "pwt pwt-ct";
    const attrs = steps ? ` data-step='${steps.join(" ")}'${key === dropAt ? " data-drop='true'" : ""}` : "";
    // Every table keeps room on its left for a step badge, seen or not, so numbering never moves a box.
    return `<span class='${kind}' style='padding-left:1.2em'${attrs}>${escapeMermaidLabel(label)}</span>`;
  });
  return `<b>${title}</b><br/>${parts.join(" · ")}`;
}

function mapView(
  plan: PathPlan,
  ebtables: EbtablesFlavour,
  endpoints: readonly MapEndpoint[],
  prefix: string,
  options: ToMermaidOptions,
): string {
  const lines: string[] = [...(options.chains ? CHAIN_LAYOUT : LAYOUT), "flowchart TB"];
  for (const s of plan.steps) lines.push(`  %% step ${s.n}: ${s.hook}`);
  const all = [...mapNodes(ebtables, endpoints, options.lang, options.chains), ...plan.extraNodes];
  for (const n of all) lines.push(`  ${prefix}${n.key}${shape(n, boxText(n, plan, options))}`);

  // The map's arrows never change; the path only names and styles the ones it takes.
  const edges = mapEdges(ebtables, endpoints);
  const known = new Set(edges.map(([a, b]) => `${a}>${b}`));
  const extra = plan.segments.filter((s) => !known.has(`${s.from}>${s.to}`));
  const ids = new Map<string, string>();
  plan.segments.forEach((seg, i) => {
    const k = `${seg.from}>${seg.to}`;
    if (!ids.has(k)) ids.set(k, seg.step === undefined ? `p${i}` : `step${seg.step}`);
  });
  // An arrow the way takes both before and after the last step (a hairpin) was seen: drawn as seen.
  const seenArrows = new Set(plan.segments.filter((s) => !s.notSeen).map((s) => `${s.from}>${s.to}`));
  const pathLinks: number[] = [];
  const mapLinks: number[] = [];
  const notSeenLinks: number[] = [];
  [...edges, ...extra.map((s): [string, string] => [s.from, s.to])].forEach(([from, to], i) => {
    const id = ids.get(`${from}>${to}`);
    lines.push(`  ${prefix}${from} ${prefix}${id ?? `e${i}`}@--> ${prefix}${to}`);
    (!id ? mapLinks : seenArrows.has(`${from}>${to}`) ? pathLinks : notSeenLinks).push(i);
  });

  lines.push(...CLASS_DEFS.map((c) => `  ${c}`));
  const stepped = new Set(plan.steps.map((s) => s.key));
  // A box crossed before the last step too (a hairpin) was seen; only the rest is not in the trace.
  const seenBoxes = new Set(plan.segments.filter((s) => !s.notSeen).flatMap((s) => [s.from, s.to]));
  const notSeen = new Set((plan.notSeen ?? []).filter((k) => !seenBoxes.has(k) && !stepped.has(k)));
  if (notSeen.size) lines.push(...NOT_SEEN_CLASS_DEFS.map((c) => `  ${c}`));
  const groups = new Map<string, string[]>();
  const put = (cls: string, key: string) => groups.set(cls, [...(groups.get(cls) ?? []), prefix + key]);
  for (const n of all) {
    const br = n.layer === "bridge";
    if (notSeen.has(n.key)) {
      put(
        n.kind === "hook"
          ? br
            ? "notSeenBr"
            : "notSeenIp"
          : n.kind === "endpoint"
            ? "notSeenEnd"
            : "notSeen",
        n.key,
      );
    } else if (n.key === plan.entryKey || (n.key === plan.exitKey && !plan.dropped && !plan.openEnd)) {
      put("endpoint", n.key);
    } else if (plan.dropped && n.key === plan.exitKey) {
      put("dropped", n.key);
    } else if (n.kind === "hook" && (stepped.has(n.key) || plan.touched.has(n.key))) {
      put(br ? "brHit" : "ipHit", n.key);
    } else if (plan.touched.has(n.key)) {
      put("passed", n.key);
    } else if (n.kind === "hook") {
      put(br ? "brFaded" : "ipFaded", n.key);
    } else {
      put("faded", n.key);
    }
  }
  if (groups.has("dropped")) lines.push(`  ${DROPPED_CLASS_DEF}`);
  for (const [cls, keys] of groups) lines.push(`  class ${keys.join(",")} ${cls}`);
  if (mapLinks.length) lines.push(`  linkStyle ${mapLinks.join(",")} ${MAP_LINK_STYLE}`);
  if (pathLinks.length) lines.push(`  linkStyle ${pathLinks.join(",")} ${STEP_LINK_STYLE}`);
  if (notSeenLinks.length) lines.push(`  linkStyle ${notSeenLinks.join(",")} ${NOT_SEEN_LINK_STYLE}`);
  return `${lines.join("\n")}\n`;
}

/** The steps of `plan` in runs of consecutive ones that share `field`: one path box per run, node `s<first step>`. */
function runsOf(plan: PathPlan, field: "hook" | "key"): PathStep[][] {
  const groups: PathStep[][] = [];
  for (const step of plan.steps) {
    const last = groups.at(-1);
    if (last && last[0]?.[field] === step[field]) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

/**
 * The path view's boxes: one per hook crossed, its consecutive steps together (a packet logged twice at
 * one hook by two LOG rules is one box `#2 · #3`); node `s<first step>`.
 */
export function hookGroups(plan: PathPlan): PathStep[][] {
  return runsOf(plan, "hook");
}

function pathView(plan: PathPlan, prefix: string, options: PathOptions): string {
  const groups = hookGroups(plan);
  return drawPath(plan, prefix, groups, [...LAYOUT], options, (group) =>
    escapeMermaidLabel(
      `${group.map((s) => `#${s.n}`).join(" · ")} ${hookTitle((group[0] as PathStep).hook)}`,
    ),
  );
}

/** The path view's boxes of an nftables lab: one per hook crossed, its steps in a row; node `s<first step>`. */
export function pathGroups(plan: PathPlan): PathStep[][] {
  return runsOf(plan, "key");
}

function chainPathView(plan: PathPlan, prefix: string, nodes: MapNode[], options: PathOptions): string {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  return drawPath(plan, prefix, pathGroups(plan), [...CHAIN_LAYOUT], options, (group) => {
    const box = byKey.get((group[0] as PathStep).key);
    // Only this crossing's steps: a hook crossed twice (hairpin) shows each crossing in its own box.
    return box?.chains
      ? chainBoxText(box, plan, options, true, group)
      : escapeMermaidLabel(group.map((s) => `#${s.n} ${hookTitle(s.hook)}`).join(" · "));
  });
}

/**
 * The path view: the entry, one box per group of steps (node `s<first step>`), the exit, one arrow
 * into each box labelled with the rewrites first seen there.
 */
function drawPath(
  plan: PathPlan,
  prefix: string,
  groups: PathStep[][],
  lines: string[],
  options: PathOptions,
  text: (group: PathStep[]) => string,
): string {
  lines.push("flowchart TB");
  const w = mapWords(options.lang);
  const entry = `${prefix}entry`;
  const exit = `${prefix}exit`;
  const entryText = plan.entryIsLocal ? `${w.localProcess}: ${plan.entryLabel}` : plan.entryLabel;
  // A lost packet's exit names the box and where it was going: two lines, one is too wide for a phone.
  const exitText = plan.lostAfter
    ? w.notSeenAfterLines(plan.lostAfter, plan.exitLabel).map(escapeMermaidLabel).join("<br/>")
    : escapeMermaidLabel(
        plan.exitIsLocal
          ? `${w.localProcess}: ${plan.exitLabel}`
          : plan.dropped
            ? w.dropped(plan.dropped.verdict, plan.dropped.chain, plan.dropped.policy)
            : plan.exitLabel,
      );
  lines.push(`  ${entry}("${escapeMermaidLabel(entryText)}")`);
  const bridge: string[] = [];
  const ip: string[] = [];
  for (const group of groups) {
    const first = group[0] as PathStep;
    const id = `${prefix}s${first.n}`;
    lines.push(`  ${id}["${text(group)}"]`);
    (first.hook.startsWith("bridge:") || first.key.startsWith("br_") ? bridge : ip).push(id);
  }
  lines.push(`  ${exit}("${exitText}")`);
  // The arrow out of the box of the unseen rewrite's last line carries it (most often the way out).
  const unseen = options.unseen && {
    ...options.unseen,
    event: options.packet.events[options.unseen.afterEvent],
  };
  const unseenAfter = unseen ? groups.findIndex((g) => g.some((s) => s.event === unseen.event)) : -1;
  const arrow = (rewrites: string[], more: string[] = []) => {
    const parts = [...(rewrites.length ? [rewrites.join(" · ")] : []), ...more].map(escapeMermaidLabel);
    return parts.length ? `-->|"${parts.join("<br/>")}"|` : "-->";
  };
  let prev = entry;
  let pending: string[] = [];
  groups.forEach((group, i) => {
    const first = group[0] as PathStep;
    const label = [
      ...pending,
      ...group.flatMap((s) => s.rewrites).map((rw) => formatRewrite(rw, plan.direction)),
    ];
    lines.push(`  ${prev} ${prefix}step${first.n}@${arrow(label)} ${prefix}s${first.n}`);
    prev = `${prefix}s${first.n}`;
    pending = i === unseenAfter && unseen ? [w.unseenRewrite(formatRewrite(unseen, plan.direction))] : [];
  });
  // The way on after the last line, when it crosses hooks no line shows: named on its arrow, drawn dashed.
  // One line per hook: a phone's path view is narrow, and the hooks read as the list of what is missing.
  const notSeen = plan.notSeen ? w.notInTraceLines(plan.notSeenHooks ?? []) : [];
  lines.push(`  ${prev} ${prefix}stepx@${arrow(pending, notSeen)} ${exit}`);
  lines.push(...CLASS_DEFS.map((c) => `  ${c}`));
  if (ip.length) lines.push(`  class ${ip.join(",")} ipHit`);
  if (bridge.length) lines.push(`  class ${bridge.join(",")} brHit`);
  lines.push(`  class ${plan.dropped || plan.openEnd || plan.notSeen ? entry : `${entry},${exit}`} endpoint`);
  if (plan.dropped) lines.push(`  ${DROPPED_CLASS_DEF}`, `  class ${exit} dropped`);
  // Where a packet went after the trace lost it is not known: its way out is drawn faded.
  else if (plan.openEnd) lines.push(`  class ${exit} faded`);
  else if (plan.notSeen)
    lines.push(...NOT_SEEN_CLASS_DEFS.map((c) => `  ${c}`), `  class ${exit} notSeenEnd`);
  const seenLinks = groups.map((_, i) => i).concat(plan.notSeen ? [] : [groups.length]);
  lines.push(`  linkStyle ${seenLinks.join(",")} ${STEP_LINK_STYLE}`);
  if (plan.notSeen) lines.push(`  linkStyle ${groups.length} ${NOT_SEEN_LINK_STYLE}`);
  return `${lines.join("\n")}\n`;
}
