/**
 * Which Mermaid node and link ids of a packet's diagram show which step, for
 * {@link annotateSvg}: shared by the build-time figures and the playground.
 */
import type { Packet } from "../core/model/packet.ts";
import { toMermaidId } from "../core/render/escape-mermaid-label.ts";
import type { EbtablesFlavour } from "../core/render/netfilter-map.ts";
import { planPath } from "../core/render/plan-path.ts";
import type { StepTargets } from "./annotate-svg.ts";

/** The step targets of `packet`'s `view` diagram drawn with node ids prefixed by `idPrefix` ("": none). */
export function stepTargets(
  packet: Packet,
  idPrefix: string,
  view: "map" | "path",
  ebtables: EbtablesFlavour,
): StepTargets {
  const p = idPrefix ? `${toMermaidId(idPrefix)}_` : "";
  const nodes = new Map<string, number[]>();
  const links = new Map<string, number>();
  for (const step of planPath(packet, ebtables).steps) {
    const node = view === "map" ? `${p}${step.key}` : `${p}s${step.n}`;
    nodes.set(node, [...(nodes.get(node) ?? []), step.n]);
    links.set(`${p}step${step.n}`, step.n);
  }
  return { nodes, links };
}
