/**
 * Post-processing of a placed Mermaid SVG for the page: step numbers on the
 * hook boxes and arrows (for the step-through island), and any id Mermaid left
 * without the SVG's own prefix given it, so two SVGs on a page never share one.
 */

/** Which Mermaid node ids and link ids belong to which step numbers. */
export interface StepTargets {
  /** Mermaid node id (as in the source, e.g. `t1_ip_nat_PREROUTING`) -> step numbers shown in it. */
  nodes: Map<string, number[]>;
  /** Mermaid link id (e.g. `t1_step3`) -> its step number. */
  links: Map<string, number>;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** How far a diagram may shrink on a narrow screen before its box scrolls instead. */
const MIN_SCALE = 0.62;

/**
 * Adds `data-step="N [M]"` to the hook boxes and arrows of `svg` (whose root id is `svgId`),
 * prefixes with `svgId` every id Mermaid left without it, and gives the root a minimum
 * width (62% of its natural width, which lets the widest map fit the lesson column on a
 * desktop at about 10 px labels) so labels stay readable on a phone.
 */
export function annotateSvg(svg: string, svgId: string, targets: StepTargets): string {
  const own = new RegExp(`^${escapeRegExp(svgId)}(?:[-_]|$)`);
  let out = svg.replace(
    /^(<svg[^>]*?) style="max-width: ([0-9.]+)px;"/,
    (_whole, head: string, width: string) => {
      const min = Math.round(Number(width) * MIN_SCALE);
      return `${head} data-min-width style="max-width: ${width}px; --pw-min-width: ${min}px;"`;
    },
  );
  out = out.replace(/ id="([^"]+)"/g, (whole, id: string) => (own.test(id) ? whole : ` id="${svgId}-${id}"`));
  const nodeId = new RegExp(` id="${escapeRegExp(svgId)}-flowchart-([A-Za-z0-9_]+)-\\d+"`, "g");
  out = out.replace(nodeId, (whole, id: string) => {
    const steps = targets.nodes.get(id);
    return steps ? `${whole} data-step="${steps.join(" ")}"` : whole;
  });
  const linkId = new RegExp(` id="${escapeRegExp(svgId)}-([A-Za-z0-9_]+)"`, "g");
  return out.replace(linkId, (whole, id: string) => {
    const step = targets.links.get(id);
    return step === undefined ? whole : `${whole} data-step="${step}"`;
  });
}
