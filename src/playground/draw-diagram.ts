/**
 * Draws a packet's diagram in the reader's browser with the official Mermaid,
 * imported on the first call only (its own chunk, from the site's assets), in
 * the configuration the build uses, and numbers its boxes and arrows by step
 * as the build-time figures are.
 */

import { DIAGRAM_FONT_FAMILY, mermaidConfig, type Theme } from "../browser/mermaid-config.ts";
import { scopeIds } from "../browser/scope-svg-ids.ts";
import type { Packet } from "../core/model/packet.ts";
import { toMermaid, type View } from "../core/render/to-mermaid.ts";
import { annotateSvg } from "../plugin/annotate-svg.ts";
import { stepTargets } from "../plugin/step-targets.ts";

type Mermaid = typeof import("mermaid")["default"];

let loading: Promise<Mermaid> | undefined;
/** Mermaid renders one diagram at a time: calls wait in line. */
let queue: Promise<unknown> = Promise.resolve();

/** Whether Mermaid has been asked for yet (it is loaded by the first {@link drawDiagram}). */
export function mermaidRequested(): boolean {
  return loading !== undefined;
}

/** The Mermaid source of `packet`'s `view` diagram, node ids prefixed by `idPrefix`. */
export function diagramSource(packet: Packet, view: View, idPrefix: string): string {
  return toMermaid(packet, { view, idPrefix });
}

/**
 * Renders `source` (made by {@link diagramSource} with `idPrefix`) to an SVG string whose root id
 * is `svgId`, with `data-step` on the boxes and arrows of each step.
 */
export function drawDiagram(
  packet: Packet,
  view: View,
  source: string,
  idPrefix: string,
  svgId: string,
  theme: Theme,
): Promise<string> {
  const run = async () => {
    loading ??= import("mermaid").then((m) => m.default);
    const mermaid = await loading;
    // Labels are measured in the page's font: wait for the faces this diagram needs.
    await document.fonts.load(`16px ${DIAGRAM_FONT_FAMILY}`, source).catch(() => undefined);
    mermaid.initialize(
      mermaidConfig(theme, svgId, { handDrawnSeed: 1, fontSize: "15px" }) as Parameters<
        Mermaid["initialize"]
      >[0],
    );
    const { svg } = await mermaid.render(svgId, source);
    return annotateSvg(scopeIds(svg, svgId), svgId, stepTargets(packet, idPrefix, view, "nft"));
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
