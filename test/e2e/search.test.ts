/**
 * Search with the keyboard alone: open it, type a word that appears in one
 * lesson only, reach that lesson's result and follow it. Pagefind loads only
 * when search opens.
 */
import path from "node:path";
import type { AxeResults } from "axe-core";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  listPages,
  REPO_ROOT,
  readPageHtml,
  type SitePage,
  siteRelative,
  useSite,
  watchPage,
} from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();

/** The text Pagefind indexes on a page (its `data-pagefind-body` element), lowercased, or undefined. */
function indexedText(html: string): string | undefined {
  const start = html.search(/<main\b[^>]*\bdata-pagefind-body\b/);
  if (start < 0) return undefined;
  const end = html.indexOf("</main>", start);
  return html
    .slice(start, end)
    .replace(/<(script|style|svg)\b[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z#0-9]+;/gi, " ")
    .toLowerCase();
}

/**
 * A word found in exactly one indexed English page, which is a lesson: no
 * other page holds even its first six letters (Pagefind stems words).
 */
function pickUniqueWord(): { word: string; page: SitePage } {
  const indexed = listPages()
    .map((page) => ({ page, html: readPageHtml(page) }))
    .filter(({ html }) => /<html[^>]*\blang="en"/.test(html))
    .map(({ page, html }) => ({ page, text: indexedText(html) }))
    .filter((p): p is { page: SitePage; text: string } => p.text !== undefined);
  const candidates: { word: string; page: SitePage }[] = [];
  for (const { page, text } of indexed) {
    if (!/^\/lessons\/[^/]+\/$/.test(siteRelative(page.path))) continue;
    const words = new Set(text.match(/\b[a-z]{8,}\b/g) ?? []);
    for (const word of words) {
      const stem = word.slice(0, 6);
      if (indexed.every((o) => o.page === page || !o.text.includes(stem))) candidates.push({ word, page });
    }
  }
  candidates.sort((a, b) => a.word.localeCompare(b.word));
  const pick = candidates[0];
  if (!pick) throw new Error("no word appears in exactly one English lesson: cannot test search");
  return pick;
}

const { word, page: lesson } = pickUniqueWord();
const lessonTitle = /<h1[^>]*>([^<]*)<\/h1>/.exec(readPageHtml(lesson))?.[1] ?? "";

const site = useSite();

/** Presses Tab until `selector` has focus; returns how many presses it took, or -1. */
async function tabTo(page: Page, selector: string, max = 40): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return i;
  }
  return -1;
}

describe(`search for "${word}" (only in ${lesson.path})`, () => {
  it("opens with /, finds the lesson, and Enter on the result goes there, keyboard only", async () => {
    console.log(`search: term "${word}", expected result ${lesson.path}`);
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const watch = watchPage(page, site.server.url);
      await page.goto(`${site.server.url}${site.server.base}`);
      expect(
        watch.requests.filter((u) => u.includes("/pagefind/")),
        "Pagefind before search opens",
      ).toEqual([]);

      await page.keyboard.press("/");
      expect(
        await page.locator("dialog[data-search-dialog]").evaluate((d: HTMLDialogElement) => d.open),
      ).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.matches("[data-search-input]"))).toBe(true);
      await page.keyboard.type(word);

      const results = page.locator("[data-search-results] li a");
      await results.first().waitFor();
      const hrefs = await results.evaluateAll((links) =>
        links.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
      );
      // The page and, under it, the headings where the word is: all on that one lesson.
      expect([...new Set(hrefs)]).toEqual([lesson.path]);
      expect(await page.locator("[data-search-status]").textContent()).toBe("1 result");
      expect(
        watch.requests.some((u) => new URL(u).pathname === `${site.server.base}pagefind/pagefind.js`),
      ).toBe(true);

      // From the field, ArrowDown reaches the result link.
      await page.keyboard.press("ArrowDown");
      expect(await page.evaluate(() => document.activeElement?.matches("[data-search-results] a"))).toBe(
        true,
      );
      await Promise.all([page.waitForURL(`${site.server.url}${lesson.path}`), page.keyboard.press("Enter")]);
      expect(await page.locator("h1").textContent()).toBe(lessonTitle);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("opens from the search button with Tab and Enter; Tab reaches the result; Escape closes and gives focus back", async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const watch = watchPage(page, site.server.url);
      await page.goto(`${site.server.url}${lesson.path}`);
      expect(await tabTo(page, "[data-search-open]")).toBeGreaterThan(0);
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.matches("[data-search-input]"))).toBe(true);
      await page.keyboard.type(word);
      await page.locator("[data-search-results] li a").first().waitFor();
      // Tab reaches the result link too; ArrowUp from the first result goes back to the field.
      expect(await tabTo(page, "[data-search-results] a", 5)).toBeGreaterThan(0);
      await page.keyboard.press("ArrowUp");
      expect(await page.evaluate(() => document.activeElement?.matches("[data-search-input]"))).toBe(true);
      await page.keyboard.press("Escape");
      expect(
        await page.locator("dialog[data-search-dialog]").evaluate((d: HTMLDialogElement) => d.open),
      ).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.matches("[data-search-open]"))).toBe(true);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each(["light", "dark"] as const)(
    "shows results that pass axe-core (no serious or critical violations) in %s theme",
    async (theme) => {
      const context = await site.browser.newContext({
        viewport: { width: 1280, height: 800 },
        colorScheme: theme,
      });
      try {
        const page = await context.newPage();
        await page.goto(`${site.server.url}${site.server.base}`);
        await page.keyboard.press("/");
        await page.keyboard.type(word);
        await page.locator("[data-search-results] li a").first().waitFor();
        await page.addScriptTag({ path: path.join(REPO_ROOT, "node_modules/axe-core/axe.min.js") });
        const results = await page.evaluate(() =>
          (window as unknown as { axe: { run(context: unknown): Promise<AxeResults> } }).axe.run(
            "dialog[data-search-dialog]",
          ),
        );
        const bad = results.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}: ${n.failureSummary}`));
        expect(bad).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});

/** Opens search on `path` at `width` px, types `term` and waits for the status line to say something. */
async function searchOn(path: string, term: string, width = 1280) {
  const context = await site.browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${site.server.url}${site.server.base}${path.replace(/^\//, "")}`);
  await page.keyboard.press("/");
  await page.keyboard.type(term);
  await page.waitForFunction(
    () => (document.querySelector("[data-search-status]")?.textContent ?? "") !== "",
  );
  return { page, close: () => context.close() };
}

describe("search results a reader can trust", () => {
  it("never shows diagram source or SVG text: classDef and fill: find nothing", async () => {
    for (const term of ["classDef"]) {
      const { page, close } = await searchOn("/", term);
      try {
        expect(await page.locator("[data-search-status]").textContent(), term).toContain("No results");
        expect(await page.locator("[data-search-results] li").count()).toBe(0);
      } finally {
        await close();
      }
    }
    // ffe0b2: the fill of a decision taken, in every map's Mermaid source (classDef passed). Pagefind may
    // still offer a page for a one-letter word of its prose (`nft -f`), but no result may hold the colour.
    const { page, close } = await searchOn("/", "ffe0b2");
    try {
      expect(((await page.locator("[data-search-results]").textContent()) ?? "").toLowerCase()).not.toContain(
        "ffe0b2",
      );
      expect(await page.locator("[data-search-results] mark").allTextContents()).not.toContain("ffe0b2");
    } finally {
      await close();
    }
  });

  it("labels the count, pages through every result, and keeps excerpts free of Mermaid text", async () => {
    const { page, close } = await searchOn("/", "packet");
    try {
      const status = (await page.locator("[data-search-status]").textContent()) ?? "";
      const total = Number(/^(\d+) results$/.exec(status)?.[1]);
      expect(total, status).toBeGreaterThan(10);
      const pages = page.locator("[data-search-results] > li");
      expect(await pages.count()).toBe(10);
      const more = page.locator("[data-search-more]");
      for (let shown = 10; shown < total; shown = Math.min(shown + 10, total)) {
        await more.click();
        await page.waitForFunction(
          (n) => document.querySelectorAll("[data-search-results] > li").length === n,
          Math.min(shown + 10, total),
        );
      }
      expect(await more.isHidden(), "no 'more' button once every result is shown").toBe(true);
      const text = (await page.locator("[data-search-results]").textContent()) ?? "";
      expect(text).not.toMatch(/classDef|fill:#|stroke:/);
    } finally {
      await close();
    }
  });

  it("links a heading's result to the heading, and following it shows that heading", async () => {
    const { page, close } = await searchOn("/", "conntrack");
    try {
      const anchored = page.locator("[data-search-results] ul a[href*='#']").first();
      await anchored.waitFor();
      const href = (await anchored.getAttribute("href")) ?? "";
      const id = decodeURIComponent(href.split("#")[1] ?? "");
      await Promise.all([
        page.waitForURL((u) => u.hash === `#${encodeURIComponent(id)}` || u.hash === `#${id}`),
        anchored.click(),
      ]);
      const top = await page.evaluate(
        (i) => document.getElementById(i)?.getBoundingClientRect().top ?? -1,
        id,
      );
      expect(top).toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThan(800);
    } finally {
      await close();
    }
  });

  it("fits a 360 px phone: nothing in the dialog is wider than the screen", async () => {
    const { page, close } = await searchOn("/", "docker", 360);
    try {
      await page.locator("[data-search-results] li").first().waitFor();
      const widest = await page.evaluate(() =>
        Math.max(
          ...[...document.querySelectorAll("[data-search-dialog] *")].map(
            (e) => e.getBoundingClientRect().right,
          ),
        ),
      );
      expect(widest).toBeLessThanOrEqual(360);
    } finally {
      await close();
    }
  });

  it("searches the zh-TW lessons from the zh-TW site", async () => {
    const { page, close } = await searchOn("/zh-tw/", "封包");
    try {
      await page.locator("[data-search-results] li a").first().waitFor();
      const paths = await page
        .locator("[data-search-results] a")
        .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.every((p) => siteRelative(p).startsWith("/zh-tw/"))).toBe(true);
      expect(await page.locator("[data-search-status]").textContent()).toMatch(/^\d+ 筆結果$/);
    } finally {
      await close();
    }
  });
});
