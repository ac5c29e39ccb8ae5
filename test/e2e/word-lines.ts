/**
 * On which lines a laid-out word sits: the measure the line-break tests share (words with a hyphen
 * in rule text, identifiers in captions), and the phone-wide page they measure on.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";

/** `url` opened `width` px wide (844 high), once its fonts are in: the line breaks depend on them. */
export async function openLaidOut(
  browser: Browser,
  url: string,
  width: number,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 844 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  return { context, page };
}

/** One word found in a watched box, as laid out. */
export interface WordOnPage {
  word: string;
  /** How many line boxes its characters sit on (rects at distinct heights). */
  lines: number;
  /** The width of its characters, summed over its lines. */
  width: number;
  /** The content width of the column it wraps in: its nearest list item, caption or paragraph, or the box. */
  column: number;
  /** The start of the box's text, to name it in a failure. */
  context: string;
}

/**
 * Run in the page by `page.evaluate(wordsOnPage, ...)`, so it uses nothing from outside its body.
 * Every match of `pattern` (a RegExp source, matched globally) in the text of each visible element
 * matching `selector` (one in a closed `<details>` is skipped), measured through a Range.
 */
export function wordsOnPage({ selector, pattern }: { selector: string; pattern: string }): WordOnPage[] {
  const out: WordOnPage[] = [];
  for (const box of document.querySelectorAll<HTMLElement>(selector)) {
    if (!box.getClientRects().length || box.closest("details:not([open])")) continue;
    const nodes: { node: Text; start: number }[] = [];
    let text = "";
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      nodes.push({ node: n as Text, start: text.length });
      text += n.textContent ?? "";
    }
    const pointAt = (i: number, end: boolean) => {
      const found = nodes.findLast((n) => (end ? n.start < i : n.start <= i)) ?? nodes[0];
      return found ? ([found.node, i - found.start] as const) : undefined;
    };
    // Its content box: a table cell's padding holds no text.
    const holder = box.closest("li, figcaption, p") ?? box;
    const style = getComputedStyle(holder);
    const column =
      holder.getBoundingClientRect().width -
      ["paddingLeft", "paddingRight", "borderLeftWidth", "borderRightWidth"].reduce(
        (sum, k) => sum + (Number.parseFloat(style[k as "paddingLeft"]) || 0),
        0,
      );
    for (const m of text.matchAll(new RegExp(pattern, "g"))) {
      const from = pointAt(m.index, false);
      const to = pointAt(m.index + m[0].length, true);
      if (!from || !to) continue;
      const range = document.createRange();
      range.setStart(...from);
      range.setEnd(...to);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      out.push({
        word: m[0],
        lines: new Set(rects.map((r) => Math.round(r.bottom))).size,
        width: rects.reduce((sum, r) => sum + r.width, 0),
        column,
        context: text.trim().slice(0, 70),
      });
    }
  }
  return out;
}
