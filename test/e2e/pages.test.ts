/**
 * Every built page, as a reader's browser sees it: it loads cleanly, has one
 * h1, a title and a description, passes axe-core in dark theme as loaded and in
 * light theme after the system switches,
 * its diagrams show with unclipped labels, and nothing scrolls sideways on a phone.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AxeResults, RunOptions } from "axe-core";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countDiagrams,
  diagramPages,
  listPages,
  noDiagramReason,
  REPO_ROOT,
  readPageHtml,
  useSite,
  watchPage,
} from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const pages = listPages();
const AXE_SOURCE = readFileSync(path.join(REPO_ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

const site = useSite();

/** Smallest readable label size on screen, in CSS px: a smaller diagram should scroll in its box, not shrink. */
const MIN_LABEL_PX = 9;

/** In the page: every problem with the diagrams shown for the current theme. */
function diagramProblems(page: Page): Promise<string[]> {
  return page.evaluate((minLabelPx) => {
    const problems: string[] = [];
    const theme = document.documentElement.dataset.theme;
    const inside = (inner: DOMRect, outer: DOMRect, slack = 1) =>
      inner.left >= outer.left - slack &&
      inner.right <= outer.right + slack &&
      inner.top >= outer.top - slack &&
      inner.bottom <= outer.bottom + slack;
    // Where the glyphs really are, whatever clips them (HTML labels in foreignObject or SVG text).
    const textBox = (el: Element): DOMRect | undefined => {
      if (el instanceof SVGTextElement) return el.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(el);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (rects.length === 0) return undefined;
      const left = Math.min(...rects.map((r) => r.left));
      const top = Math.min(...rects.map((r) => r.top));
      const right = Math.max(...rects.map((r) => r.right));
      const bottom = Math.max(...rects.map((r) => r.bottom));
      return new DOMRect(left, top, right - left, bottom - top);
    };
    const figures = [...document.querySelectorAll("figure.pw-trace")];
    figures.forEach((figure, f) => {
      const name = `diagram ${f + 1}${figure.id ? ` (#${figure.id})` : ""}`;
      // One SVG per direction serves both themes (its colours are the theme's custom properties).
      const shown = [...figure.querySelectorAll(".pw-diagram")];
      if (shown.length === 0) problems.push(`${name}: no .pw-diagram element (${theme})`);
      for (const holder of shown) {
        const svg = holder instanceof SVGSVGElement ? holder : holder.querySelector("svg");
        if (!svg) {
          problems.push(`${name}: .pw-diagram holds no <svg> (${theme})`);
          continue;
        }
        const box = svg.getBoundingClientRect();
        const style = getComputedStyle(svg);
        if (box.width < 10 || box.height < 10 || style.visibility === "hidden" || style.display === "none") {
          problems.push(`${name}: the ${theme} SVG is not visible (${box.width}x${box.height})`);
          continue;
        }
        const labels = [...svg.querySelectorAll("text, foreignObject")].filter(
          (el) => (el.textContent ?? "").trim() !== "",
        );
        if (labels.length === 0) problems.push(`${name}: the ${theme} SVG has no text: an empty diagram?`);
        // Rendered size of the labels: their CSS font size times the SVG's scale on screen.
        const sizes = labels.map((el) => {
          const textEl = el instanceof SVGTextElement ? el : (el.querySelector("p, span, div") ?? el);
          const scale = (el as SVGGraphicsElement).getScreenCTM()?.a ?? 1;
          return Number.parseFloat(getComputedStyle(textEl).fontSize) * scale;
        });
        const smallest = Math.min(...sizes);
        // A map that fits a phone's width may have small labels only when its full-screen view (pan and
        // zoom, checked in map-figures.test.ts) is offered right above it.
        const fullScreen = holder.closest(".pw-direction")?.querySelector(".pw-direction-title .pw-zoom");
        if (sizes.length > 0 && smallest < minLabelPx && !fullScreen) {
          problems.push(
            `${name}: labels shrink to ${smallest.toFixed(1)}px on a ${innerWidth}px wide screen ` +
              `(minimum ${minLabelPx}px): a wide diagram must scroll in its box instead`,
          );
        }
        for (const fo of svg.querySelectorAll("foreignObject")) {
          const text = textBox(fo);
          if (text && !inside(text, fo.getBoundingClientRect())) {
            problems.push(`${name}: label "${fo.textContent?.trim()}" overflows its box (clipped)`);
          }
        }
        for (const node of svg.querySelectorAll("g.node")) {
          const label = node.querySelector(".label, text");
          const shape = [...node.querySelectorAll("rect, polygon, path, circle, ellipse")].find(
            (s) => !s.closest(".label") && s.getBoundingClientRect().width > 0,
          );
          const text = label ? textBox(label) : undefined;
          if (label && shape && text && !inside(text, shape.getBoundingClientRect(), 2)) {
            problems.push(`${name}: node "${label.textContent?.trim()}" text sticks out of its shape`);
          }
        }
        for (const text of svg.querySelectorAll("text")) {
          if (!inside(text.getBoundingClientRect(), box, 2)) {
            problems.push(`${name}: text "${text.textContent?.trim()}" lies outside the SVG's viewport`);
          }
        }
      }
    });
    return problems;
  }, MIN_LABEL_PX);
}

/** In the page: axe-core's serious and critical violations, one line per failing element. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: a page's Content-Security-Policy (the playground's) blocks inline scripts.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    // Only violations are read: skipping the details of passes makes big pages several times faster.
    (
      window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }
    ).axe.run(document, { resultTypes: ["violations"] }),
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.impact} ${v.id}: ${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ")}`,
      ),
    );
}

/** In the page: elements that stick out of the viewport sideways without a scrolling box of their own. */
function sidewaysOverflow(
  page: Page,
): Promise<{ scrollWidth: number; problems: string[]; scrollers: string[] }> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${[...el.classList].join(".")}` : ""}`;
    const scroller = (el: Element): Element | undefined => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === "auto" || ox === "scroll") return a;
      }
      return undefined;
    };
    const problems: string[] = [];
    const scrollers = new Set<string>();
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || (r.left >= -0.5 && r.right <= vw + 0.5)) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.clip === "rect(0px, 0px, 0px, 0px)") continue;
      const own = scroller(el);
      if (!own)
        problems.push(`${describe(el)} spans x ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
      else if (own.getBoundingClientRect().right > vw + 0.5) {
        problems.push(`${describe(own)} (scrolling box) is itself wider than the screen`);
      } else scrollers.add(describe(own));
    }
    // Wide listings, tables and diagrams must scroll inside their own box.
    for (const el of document.querySelectorAll("main pre, main table, main figure.pw-trace")) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 0.5) problems.push(`${describe(el)} is wider than the screen`);
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      problems: [...new Set(problems)],
      scrollers: [...scrollers],
    };
  });
}

it("has at least one diagram when a lesson uses ::trace", (ctx) => {
  // Throws (fails) when lessons use ::trace but no page shows a diagram.
  const reason = noDiagramReason();
  if (reason) {
    console.log(`skipped: ${reason}`);
    ctx.skip(reason);
  }
  expect(diagramPages().length).toBeGreaterThan(0);
});

// One context per screen for the whole file: nothing is stored in them but the theme, which no test sets.
// A fresh context per test cost more than the checks on small pages.
let desktop: BrowserContext;
let phone: BrowserContext;
beforeAll(async () => {
  desktop = await site.browser.newContext({ ...DESKTOP, colorScheme: "dark" });
  phone = await site.browser.newContext(PHONE);
});
afterAll(async () => {
  await desktop?.close();
  await phone?.close();
});

// Pages are independent: check a few at once (each test has its own page).
describe.concurrent.each(pages)("page $path", (sitePage) => {
  const html = readPageHtml(sitePage);
  const diagrams = countDiagrams(html);

  it(
    `answers ${sitePage.requestPath} with ${sitePage.status}, without console errors or failed requests; ` +
      `in dark theme as loaded, then light as the system switches: axe-core finds no serious or critical ` +
      `violation${diagrams ? `, ${diagrams} diagram(s) shown, labels unclipped` : ""}`,
    async ({ expect }) => {
      const page = await desktop.newPage();
      try {
        const url = `${site.server.url}${sitePage.requestPath}`;
        const watch = watchPage(page, site.server.url, { [url]: sitePage.status });
        const response = await page.goto(url, { waitUntil: "load" });
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        expect(response?.status()).toBe(sitePage.status);
        expect(await page.locator("h1").count(), "exactly one h1").toBe(1);
        expect((await page.title()).trim()).not.toBe("");
        const description = await page.locator('head meta[name="description"]').getAttribute("content");
        expect(description?.trim().length ?? 0, "meta description").toBeGreaterThan(10);
        if (sitePage.status === 404) {
          // The missing URL shows the 404 page itself.
          const h1 = /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];
          expect(await page.locator("h1").textContent()).toBe(h1);
        }
        // Loaded in one theme, switched live to the other (as a system's night mode does): both are a
        // reader's first view, and the switch must leave nothing of the first theme behind.
        for (const theme of ["dark", "light"] as const) {
          await page.emulateMedia({ colorScheme: theme });
          // The page hears the change as an event, after emulateMedia returns: on a loaded 2-core CI run that
          // took over the poll's default second once, so it is given ten.
          await expect
            .poll(() => page.evaluate(() => document.documentElement.dataset.theme), { timeout: 10_000 })
            .toBe(theme);
          // Diagrams first: axe adds nothing to them, and both reports are wanted even if one fails.
          expect.soft(await page.locator("figure.pw-trace").count(), "diagrams on the page").toBe(diagrams);
          expect.soft(await diagramProblems(page), `diagrams (${theme})`).toEqual([]);
          expect.soft(await axeViolations(page), `axe-core (${theme})`).toEqual([]);
        }
        expect(watch.problems).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );

  it("does not scroll sideways on a 360x740 phone; wide blocks scroll in their own box", async ({
    expect,
  }) => {
    const page = await phone.newPage();
    try {
      await page.goto(`${site.server.url}${sitePage.requestPath}`, { waitUntil: "load" });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const result = await sidewaysOverflow(page);
      expect.soft(result.problems).toEqual([]);
      expect.soft(result.scrollWidth).toBeLessThanOrEqual(360);
      expect.soft(await diagramProblems(page), "diagrams on the phone").toEqual([]);
      // The phone menu opens as a drawer that fits the screen too.
      await page.locator("[data-menu-button]").click();
      expect(await page.locator("nav#sidebar").isVisible()).toBe(true);
      expect((await sidewaysOverflow(page)).problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
