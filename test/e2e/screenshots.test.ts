/**
 * Screenshots for a person to look at (test-results/ is git-ignored):
 * - one lesson page (the one with the most diagrams) whole, in light, dark and on a phone, in
 *   test-results/screenshots/;
 * - the first figure of every lesson that has one, in both languages, at 1280 and 390 px, light and
 *   dark, as a reader meets it (scrolled to, below the header), in test-results/first-figures/. Each
 *   shot asserts that the figure is in the first view and not cropped: the sender and step 1 are on
 *   screen, not hidden under the header, and the page does not scroll sideways.
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContextOptions } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countDiagrams,
  launchBrowser,
  lessonPages,
  REPO_ROOT,
  readPageHtml,
  siteRelative,
} from "./browser.ts";
import { assertDistBuilt, type DistServer, serveDist } from "./serve-dist.ts";

assertDistBuilt();
/** Where the screenshots go. */
const OUT_DIR = path.join(REPO_ROOT, "test-results/screenshots");
const lesson = lessonPages()
  .map((page) => ({ page, diagrams: countDiagrams(readPageHtml(page)) }))
  .sort((a, b) => b.diagrams - a.diagrams)[0]?.page;
if (!lesson) throw new Error("no lesson page in dist/: nothing to take screenshots of");
const slug = lesson.path.split("/").filter(Boolean).join("-");

const SHOTS: { name: string; options: BrowserContextOptions }[] = [
  { name: "light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" } },
  { name: "dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" } },
  {
    name: "phone",
    options: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  },
];

let server: DistServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  server = await serveDist();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe(`screenshots of ${lesson.path}`, () => {
  const written: Record<string, Buffer> = {};

  it.each(SHOTS)("writes the $name screenshot", async ({ name, options }) => {
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}${lesson.requestPath}`, { waitUntil: "networkidle" });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const file = path.join(OUT_DIR, `${slug}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const png = readFileSync(file);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.length).toBeGreaterThan(10_000);
      written[name] = png;
      console.log(`screenshot: ${path.relative(REPO_ROOT, file)} (${Math.round(png.length / 1024)} KB)`);
    } finally {
      await context.close();
    }
  });

  it("the light and dark screenshots differ", () => {
    expect(written.light && written.dark && written.light.equals(written.dark)).toBe(false);
  });
});

/** Where the first-figure screenshots go. */
const FIGURES_DIR = path.join(REPO_ROOT, "test-results/first-figures");
const withFigure = lessonPages().filter((p) => countDiagrams(readPageHtml(p)) > 0);

/** A box on screen, in CSS px. */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Scrolls the first figure's first diagram to just below the sticky header, as a reader following the page
 * would see it, and measures it: the diagram, its sender (the topmost endpoint box) and step 1, and whether
 * each of those two is the thing on screen at its centre (not covered by the header or anything else).
 */
function showFirstFigure(page: import("playwright-core").Page) {
  return page.evaluate(() => {
    const fig = document.querySelector("figure.pw-trace");
    const diagram = fig?.querySelector<HTMLElement>(".pw-direction .pw-diagram");
    const svg = [...(diagram?.querySelectorAll("svg") ?? [])].find((s) => s.getClientRects().length > 0);
    if (!fig || !diagram || !svg) return undefined;
    const header = document.querySelector(".site-header");
    const fixed = header && ["sticky", "fixed"].includes(getComputedStyle(header).position);
    const cover = fixed ? (header?.getBoundingClientRect().bottom ?? 0) : 0;
    window.scrollTo({
      top: window.scrollY + diagram.getBoundingClientRect().top - cover - 8,
      behavior: "instant",
    });
    const box = (el: Element | null | undefined): Box | undefined => {
      const r = el?.getBoundingClientRect();
      return r ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom } : undefined;
    };
    // Seen: the thing at its centre is itself, and no box that clips (a scrolling diagram pane) cuts it.
    const seen = (el: Element | undefined) => {
      const r = el?.getBoundingClientRect();
      if (!r) return false;
      const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      if (!hit || !(el?.contains(hit) || hit.contains(el as Element))) return false;
      for (let a = el?.parentElement; a; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.overflowX === "visible" && style.overflowY === "visible") continue;
        const c = a.getBoundingClientRect();
        if (r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1)
          return false;
      }
      return true;
    };
    const sender = [...svg.querySelectorAll("g.node.endpoint")].sort(
      (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
    )[0];
    const step1 = svg.querySelector('[data-step~="1"]') ?? undefined;
    return {
      cover,
      svg: box(svg),
      sender: box(sender),
      step1: box(step1),
      senderSeen: seen(sender),
      step1Seen: seen(step1),
      pageWidth: document.documentElement.scrollWidth,
    };
  });
}

const FIGURE_SHOTS = withFigure.flatMap((lesson) =>
  [1280, 390].flatMap((width) =>
    (["light", "dark"] as const).map((theme) => ({
      name: `${siteRelative(lesson.path).split("/").filter(Boolean).join("-")}-${width}-${theme}`,
      lesson,
      width,
      theme,
    })),
  ),
);

describe("the first figure of every lesson, as a reader meets it", () => {
  it("covers every lesson with a figure, in both languages", () => {
    expect(withFigure.length).toBeGreaterThan(0);
    expect(withFigure.some((p) => p.path.includes("/zh-tw/"))).toBe(true);
    expect(withFigure.some((p) => !p.path.includes("/zh-tw/"))).toBe(true);
  });

  it.each(FIGURE_SHOTS)(
    "$name: sender and step 1 in the first view",
    async ({ name, lesson, width, theme }) => {
      mkdirSync(FIGURES_DIR, { recursive: true });
      const height = width > 800 ? 900 : 780;
      const context = await browser.newContext({
        viewport: { width, height },
        colorScheme: theme,
        isMobile: width < 800,
        hasTouch: width < 800,
        deviceScaleFactor: width < 800 ? 2 : 1,
      });
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}${lesson.requestPath}`, { waitUntil: "networkidle" });
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        const v = await showFirstFigure(page);
        if (!v)
          throw new Error(`${lesson.path}: no diagram shown in the first figure (${width} px, ${theme})`);
        const file = path.join(FIGURES_DIR, `${name}.png`);
        // Chromium now and then refuses a capture on a busy machine ("Unable to capture screenshot"): once more.
        await page
          .screenshot({ path: file })
          .catch(() => page.waitForTimeout(500).then(() => page.screenshot({ path: file })));
        console.log(`screenshot: ${path.relative(REPO_ROOT, file)}`);
        expect(v.pageWidth, "the page does not scroll sideways").toBeLessThanOrEqual(width);
        for (const [what, r, visible] of [
          ["sender", v.sender, v.senderSeen],
          ["step 1", v.step1, v.step1Seen],
        ] as const) {
          expect(r, `${what} is drawn`).toBeDefined();
          const inView = !!r && r.left >= 0 && r.right <= width && r.top >= v.cover && r.bottom <= height;
          expect(
            inView,
            `${what} ${JSON.stringify(r)} within ${width}x${height} below the header (${v.cover} px)`,
          ).toBe(true);
          expect(visible, `${what} is neither covered nor cut by the box it scrolls in`).toBe(true);
        }
      } finally {
        await context.close();
      }
    },
  );
});
