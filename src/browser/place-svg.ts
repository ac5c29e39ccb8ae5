/**
 * Gives a rendered SVG the ids of one placement. A diagram is rendered once
 * under an id derived from its content (so the render can be cached and
 * shared); every page, locale and position that shows it gets its own copy
 * with that id replaced by the placement's id, so ids stay unique on a page.
 */

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Rewrites every occurrence of the render id `from` (the root `id="…"`, the
 * ids it prefixes, `url(#…)`, `href="#…"`, `aria-*` references and the
 * `#id` selectors of Mermaid's `<style>`) to `to`. `from` must be an id no
 * label can contain, as the renderer's content ids are (`pwd` + hash).
 */
export function placeSvg(svg: string, from: string, to: string): string {
  if (!ID.test(to)) {
    throw new Error(`diagram id '${to}' must start with a letter and use only letters, digits, '-' and '_'`);
  }
  if (from === to) return svg;
  // Not inside a longer name (a `-` before it is fine: Mermaid writes `chart-title-<id>`).
  return svg.replace(new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(from)}(?![A-Za-z0-9])`, "g"), to);
}
