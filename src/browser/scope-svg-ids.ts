/**
 * SVG id scoping shared by the build-time renderer and the playground (pure: no Node, no DOM).
 */

/**
 * Prefixes every id Mermaid left unscoped (edge paths such as `L_a_b_0`,
 * explicit edge ids) with the SVG's own id, and the references to them, so
 * that several SVGs inline on one page, and the light and dark copy of one
 * diagram, never share an id.
 */
export function scopeIds(svg: string, svgId: string): string {
  const foreign = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1] as string;
    if (id !== svgId && !id.startsWith(`${svgId}-`) && !id.startsWith(`${svgId}_`)) foreign.add(id);
  }
  if (foreign.size === 0) return svg;
  const escaped = [...foreign]
    .sort((a, b) => b.length - a.length)
    .map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const any = escaped.join("|");
  return svg
    .replace(new RegExp(`(\\sid=")(${any})(")`, "g"), `$1${svgId}-$2$3`)
    .replace(new RegExp(`(url\\(#)(${any})(\\))`, "g"), `$1${svgId}-$2$3`)
    .replace(new RegExp(`(href="#)(${any})(")`, "g"), `$1${svgId}-$2$3`);
}
