/**
 * Which Mermaid node and link ids of a packet's diagram show which step, for
 * {@link annotateSvg}: shared by the build-time figures and the playground.
 */
import type { Packet } from "../core/model/packet.ts";
import { toMermaidId } from "../core/render/escape-mermaid-label.ts";
import type { HookChains } from "../core/render/hook-chains.ts";
import type { EbtablesFlavour } from "../core/render/netfilter-map.ts";
import { planPath } from "../core/render/plan-path.ts";
import { hookGroups, pathGroups } from "../core/render/to-mermaid.ts";
import type { StepTargets } from "./annotate-svg.ts";

/**
 * The step targets of `packet`'s `view` diagram drawn with node ids prefixed by `idPrefix` ("": none).
 * @param chains an nftables lab's base chains per hook, as given to `toMermaid`; default none
 */
export function stepTargets(
  packet: Packet,
  idPrefix: string,
  view: "map" | "path",
  ebtables: EbtablesFlavour,
  chains?: HookChains,
): StepTargets {
  const p = idPrefix ? `${toMermaidId(idPrefix)}_` : "";
  const nodes = new Map<string, number[]>();
  const links = new Map<string, number>();
  const plan = planPath(packet, ebtables, {}, undefined, chains);
  // A path view draws one box per hook crossed (an nftables lab's: per map box), named after its first step.
  const boxOf = new Map<number, number>();
  for (const group of chains ? pathGroups(plan) : hookGroups(plan))
    for (const s of group) boxOf.set(s.n, group[0]?.n ?? s.n);
  for (const step of plan.steps) {
    const node = view === "map" ? `${p}${step.key}` : `${p}s${boxOf.get(step.n) ?? step.n}`;
    nodes.set(node, [...(nodes.get(node) ?? []), step.n]);
    links.set(`${p}step${step.n}`, step.n);
  }
  return { nodes, links };
}
