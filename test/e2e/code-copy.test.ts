/**
 * A code block's Copy button never covers its code: at 390 px (a phone, where long lines scroll
 * sideways) and at 1280 px, in lessons of both languages and on a trace page (raw kernel log and
 * diagram source), no character of any line lies under the button, with the block scrolled to
 * its start or to its end.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { lessonPages, readPageHtml, siteRelative, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

/** Longest line of the page's code blocks, in characters (tags and entities stripped). */
function longestCodeLine(html: string): number {
  let longest = 0;
  for (const [, body = ""] of html.matchAll(/<pre\b[^>]*>([\s\S]*?)<\/pre>/g))
    for (const line of body
      .replace(/<[^>]+>/g, "")
      .replace(/&[#\w]+;/g, "x")
      .split("\n"))
      longest = Math.max(longest, line.length);
  return longest;
}

// The English lesson with the longest code line, and its zh-TW counterpart: the hardest case for a phone.
const widest = lessonPages()
  .filter((p) => !siteRelative(p.path).startsWith("/zh-tw/"))
  .map((p) => ({ path: siteRelative(p.path), longest: longestCodeLine(readPageHtml(p)) }))
  .sort((a, b) => b.longest - a.longest)[0];
if (!widest || widest.longest < 60) throw new Error("no lesson with a long code line in dist/");
const PAGES = [widest.path, `/zh-tw${widest.path}`, "/traces/docker-bridge/container-to-wan/"];

interface Overlap {
  button: string;
  scrolled: "start" | "end";
  text: string;
}

/**
 * Every Copy button shown (code blocks and diagram sources, every `<details>` opened first), and
 * the characters of its block that lie under it, at each end of the block's sideways scroll; and,
 * scrolled to, whether anything else covers the button or the block's lines on screen.
 */
function copyOverlaps(page: Page) {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll("main details")) (d as HTMLDetailsElement).open = true;
    const overlaps: Overlap[] = [];
    const covered: string[] = [];
    const kinds = new Set<string>();
    let scrolling = 0;
    for (const button of document.querySelectorAll<HTMLElement>(".code-copy, .pw-copy")) {
      if (button.hidden || !button.getClientRects().length) continue;
      const pre = button.parentElement?.querySelector("pre");
      if (!pre) throw new Error(`a Copy button without its code block: ${button.outerHTML}`);
      kinds.add(button.className);
      if (pre.scrollWidth > pre.clientWidth) scrolling++;
      for (const scrolled of ["start", "end"] as const) {
        pre.scrollLeft = scrolled === "start" ? 0 : pre.scrollWidth;
        const b = button.getBoundingClientRect();
        const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = n.textContent ?? "";
          // Character by character: a rect per character, where the code is hidden if anywhere.
          for (let i = 0; i < text.length; i++) {
            if (/\s/.test(text[i] ?? "")) continue;
            const range = document.createRange();
            range.setStart(n, i);
            range.setEnd(n, i + 1);
            const r = range.getBoundingClientRect();
            const w = Math.min(r.right, b.right) - Math.max(r.left, b.left);
            const h = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
            if (w > 0.5 && h > 0.5) {
              overlaps.push({
                button: button.className,
                scrolled,
                text: text.slice(Math.max(0, i - 20), i + 20),
              });
              break;
            }
          }
        }
      }
      pre.scrollLeft = 0;
      // Nothing else of the page lies over the button or the code either (a sticky map beside them).
      const headerBottom = document.querySelector(".site-header")?.getBoundingClientRect().bottom ?? 0;
      const hit = (x: number, y: number, own: Element) => own.contains(document.elementFromPoint(x, y));
      // What lies on top at a point, by the class of its nearest HTML element.
      const top = (x: number, y: number) =>
        document.elementFromPoint(x, y)?.closest("[class]:not(svg *)")?.className;
      button.scrollIntoView({ block: "center" });
      const b = button.getBoundingClientRect();
      if (!hit((b.left + b.right) / 2, (b.top + b.bottom) / 2, button))
        covered.push(
          `${button.className}: ${document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2)?.className}`,
        );
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      const box = pre.getBoundingClientRect();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        // Each line's piece of text on screen, inside the block's box, below the site's header.
        for (const r of range.getClientRects()) {
          const x = Math.max(r.left, box.left) + 2;
          const y = (r.top + r.bottom) / 2;
          if (r.width < 1 || x > Math.min(r.right, box.right) || y < headerBottom || y > innerHeight)
            continue;
          if (!hit(x, y, pre))
            covered.push(
              `${pre.textContent?.slice(0, 30)}: '${n.textContent?.slice(0, 30)}' under ${top(x, y)}`,
            );
        }
      }
    }
    return { kinds: [...kinds].sort(), scrolling, overlaps, covered };
  });
}

describe("Copy buttons and the code beside them", () => {
  it.each(PAGES.flatMap((p) => [390, 1280].map((width) => [p, width] as const)))(
    "%s at %i px: no code text under a Copy button",
    async (p, width) => {
      const context = await site.browser.newContext({ viewport: { width, height: 844 } });
      try {
        const page = await context.newPage();
        await page.goto(`${site.server.url}${site.server.base}${p.replace(/^\//, "")}`, {
          waitUntil: "load",
        });
        await page.evaluate(() => document.fonts.ready);
        const { kinds, scrolling, overlaps, covered } = await copyOverlaps(page);
        // Every page here has code blocks; a trace page has its diagrams' sources too (so have lessons with figures).
        expect(kinds).toContain("code-copy");
        if (p.startsWith("/traces/")) expect(kinds).toContain("pw-copy");
        // On a phone the long lines scroll: the case where a button laid over the code hid them.
        if (width === 390) expect(scrolling, "code blocks that scroll sideways").toBeGreaterThan(0);
        expect(overlaps).toEqual([]);
        expect(covered).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
