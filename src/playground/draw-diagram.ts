/**
 * Draws a packet's diagram in the reader's browser with the official Mermaid,
 * imported on the first call only (its own chunk, from the site's assets), the
 * way the build draws its figures: the same Mermaid source (no placement id in
 * it), the same configuration, one SVG whose colours follow the page theme
 * through the site's CSS custom properties, and its boxes and arrows numbered
 * by step.
 */

import { type DiagramPalette, themedVariables, themeSvg } from "../browser/diagram-theme.ts";
import { DIAGRAM_FONT_FAMILY, mermaidConfig } from "../browser/mermaid-config.ts";
import { pruneSvgStyle } from "../browser/prune-svg-style.ts";
import { scopeIds } from "../browser/scope-svg-ids.ts";
import type { Packet } from "../core/model/packet.ts";
import type { HookChains } from "../core/render/hook-chains.ts";
import type { MapLang } from "../core/render/map-words.ts";
import { toMermaid, type View } from "../core/render/to-mermaid.ts";
import { unseenRewrite } from "../core/render/unseen-rewrite.ts";
import { annotateSvg } from "../plugin/annotate-svg.ts";
import { stepTargets } from "../plugin/step-targets.ts";

type Mermaid = typeof import("mermaid")["default"];

/** Mermaid, configured as the build configures it, and the palette its sentinels stand for. */
interface Loaded {
  mermaid: Mermaid;
  palette: DiagramPalette;
}

let loading: Promise<Loaded> | undefined;
/** Mermaid renders one diagram at a time: calls wait in line. */
let queue: Promise<unknown> = Promise.resolve();

/** Whether Mermaid has been asked for yet (it is loaded by the first {@link drawDiagram}). */
export function mermaidRequested(): boolean {
  return loading !== undefined;
}

/**
 * The Mermaid source of `packet`'s `view` diagram, as the site's figures draw it (no lab: default
 * endpoints). `chains`: a pasted nft ruleset's base chains per hook, so its chains sit in their
 * hook boxes as on an nftables lab's figures; default none (the iptables tables are listed).
 * `other`: the other direction of its flow, whose addresses show a NAT after the packet's last line
 * (the path view labels it); default none.
 */
export function diagramSource(
  packet: Packet,
  view: View,
  lang: MapLang,
  chains?: HookChains,
  other?: Packet,
): string {
  const unseen = other ? unseenRewrite(packet, other) : undefined;
  return toMermaid(packet, { view, lang, ...(chains ? { chains } : {}), ...(unseen ? { unseen } : {}) });
}

/** Loads Mermaid and themes it as the build does: light values, sentinels where the dark theme differs. */
async function load(): Promise<Loaded> {
  const mermaid = (await import("mermaid")).default;
  const vars = (theme: "default" | "dark") => {
    mermaid.initialize({ startOnLoad: false, theme });
    return { ...(mermaid.mermaidAPI.getConfig().themeVariables as Record<string, unknown>) };
  };
  const light = vars("default");
  const dark = vars("dark");
  const { themeVariables, palette } = themedVariables(light, dark, (v) => CSS.supports("color", v));
  mermaid.initialize(
    mermaidConfig(themeVariables, { handDrawnSeed: 1, fontSize: "15px" }) as Parameters<
      Mermaid["initialize"]
    >[0],
  );
  return { mermaid, palette };
}

/**
 * Renders `source` (made by {@link diagramSource}, with the same `chains`) to an SVG string whose
 * root id is `svgId`, with `data-step` on the boxes and arrows of each step.
 */
export function drawDiagram(
  packet: Packet,
  view: View,
  source: string,
  svgId: string,
  chains?: HookChains,
): Promise<string> {
  const run = async () => {
    loading ??= load();
    const { mermaid, palette } = await loading;
    // Labels are measured in the page's font: wait for the faces this diagram needs (titles are bold).
    await Promise.all([
      document.fonts.load(`16px ${DIAGRAM_FONT_FAMILY}`, source),
      document.fonts.load(`bold 16px ${DIAGRAM_FONT_FAMILY}`, source),
    ]).catch(() => undefined);
    const { svg } = await mermaid.render(svgId, source);
    const themed = themeSvg(pruneSvgStyle(scopeIds(svg, svgId)), palette);
    return annotateSvg(themed, svgId, stepTargets(packet, "", view, "nft", chains));
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
