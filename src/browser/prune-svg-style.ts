/**
 * Mermaid writes its whole stylesheet into every SVG: rules for every shape,
 * look and feature. This keeps only the rules that can match something in
 * the SVG, judged from the text alone (a rule stays when every class, tag,
 * id and attribute value it names occurs in the SVG), so no rule that matches
 * is ever dropped; anything it cannot judge (pseudo-classes with arguments,
 * at-rules other than unused `@keyframes`) stays.
 */

/** Classes, tags, ids and the raw text of an SVG, gathered once. */
interface Inventory {
  classes: Set<string>;
  tags: Set<string>;
  ids: Set<string>;
  text: string;
}

function inventory(svg: string): Inventory {
  const classes = new Set<string>();
  for (const m of svg.matchAll(/\sclass="([^"]*)"/g)) {
    for (const c of (m[1] as string).split(/\s+/)) if (c) classes.add(c);
  }
  const tags = new Set([...svg.matchAll(/<([A-Za-z][\w-]*)/g)].map((m) => (m[1] as string).toLowerCase()));
  const ids = new Set([...svg.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1] as string));
  return { classes, tags, ids, text: svg };
}

/** Whether one selector (no commas) may match an element of the SVG. */
function mayMatch(selector: string, inv: Inventory): boolean {
  // Pseudo-classes with arguments (:not, :is, …) could make anything match: keep.
  if (selector.includes("(")) return true;
  const plain = selector.replace(/&gt;/g, ">");
  for (const m of plain.matchAll(/\[([\w-]+)(?:="?([^\]"]*)"?)?\]/g)) {
    const needle = m[2] === undefined ? ` ${m[1]}=` : `${m[1]}="${m[2]}"`;
    if (!inv.text.includes(needle)) return false;
  }
  const bare = plain.replace(/\[[^\]]*\]/g, " ").replace(/::?[\w-]+/g, "");
  for (const m of bare.matchAll(/\.([\w-]+)/g)) if (!inv.classes.has(m[1] as string)) return false;
  for (const m of bare.matchAll(/#([\w-]+)/g)) if (!inv.ids.has(m[1] as string)) return false;
  for (const m of bare.matchAll(/(?:^|[\s>+~])([A-Za-z][\w-]*)/g)) {
    if (!inv.tags.has((m[1] as string).toLowerCase())) return false;
  }
  return true;
}

/** Splits a stylesheet into its top-level blocks (rules and at-rules), as written. */
function blocks(css: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < css.length; i++) {
    if (css[i] === "{") depth++;
    else if (css[i] === "}" && --depth === 0) {
      out.push(css.slice(from, i + 1));
      from = i + 1;
    }
  }
  return out;
}

/** Returns `svg` with its first `<style>` reduced to the rules that may match it. */
export function pruneSvgStyle(svg: string): string {
  const open = svg.indexOf("<style>");
  const close = svg.indexOf("</style>", open);
  if (open < 0 || close < 0) return svg;
  const css = svg.slice(open + "<style>".length, close);
  const inv = inventory(svg.slice(0, open) + svg.slice(close));
  const all = blocks(css);
  const kept = all.filter((block) => {
    const head = block.slice(0, block.indexOf("{")).trim();
    if (head.startsWith("@")) return true;
    return head.split(",").some((selector) => mayMatch(selector.trim(), inv));
  });
  const animated = kept.some((b) => !b.trimStart().startsWith("@") && /animation\s*:/.test(b));
  const result = kept.filter((b) => animated || !/^\s*@keyframes\b/.test(b)).join("");
  return `${svg.slice(0, open)}<style>${result}${svg.slice(close)}`;
}
