/**
 * The site where it is deployed: served from the build's base path (in `npm test`
 * `/packetwalk/`, as GitHub Pages serves a project site), the language switch,
 * the home link and the 404 page stay under the base; every request a page makes
 * (styles, fonts, favicon, scripts) stays under it; canonical, og:url and hreflang
 * name the configured site under the base; a host that knows only the base answers
 * anything outside it with 404.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  diagramPages,
  lessonPages,
  listPages,
  readPageHtml,
  siteRelative,
  useSite,
  watchPage,
} from "./browser.ts";
import { assertDistBuilt, buildLocation } from "./serve-dist.ts";

assertDistBuilt();
const { base, site: siteOrigin } = buildLocation();
const pages = listPages();
// A lesson with a translation: its page has a language link.
const translated = lessonPages().find((p) => readPageHtml(p).includes('class="lang-link"'));
const withDiagram = diagramPages()[0]?.page;

const site = useSite();

/** Opens a page in a fresh context and returns it with its watcher. */
async function open(requestPath: string, expected: Record<string, number> = {}) {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const watch = watchPage(page, site.server.url, expected);
  const response = await page.goto(`${site.server.url}${requestPath}`, { waitUntil: "networkidle" });
  return { page, watch, status: response?.status(), close: () => context.close() };
}

/** Head URLs of the page: canonical, og:url, and the alternate language's hreflang link. */
function headUrls(page: Page) {
  return page.evaluate(() => ({
    canonical: document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href,
    ogUrl: document.querySelector<HTMLMetaElement>('meta[property="og:url"]')?.content,
    alternate: document.querySelector<HTMLLinkElement>('link[rel="alternate"][hreflang]')?.href,
  }));
}

describe(`the site served from ${base}`, () => {
  it("answers every page under the base, and nothing outside it", async () => {
    expect(pages.every((p) => p.path.startsWith(base))).toBe(true);
    const home = await fetch(`${site.server.url}${base}`);
    expect(home.status).toBe(200);
    if (base !== "/") {
      expect((await fetch(`${site.server.url}/`)).status).toBe(404);
      expect((await fetch(`${site.server.url}/favicon.svg`)).status).toBe(404);
      const bare = await fetch(`${site.server.url}${base.slice(0, -1)}`, { redirect: "manual" });
      expect(bare.status).toBe(301);
      expect(bare.headers.get("location")).toBe(base);
    }
  });

  it("loads styles, fonts, favicon and scripts from under the base only", async () => {
    const target = withDiagram ?? pages[0];
    if (!target) throw new Error("no page built");
    const { page, watch, close } = await open(target.requestPath);
    try {
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const outside = watch.requests.filter(
        (u) => u.startsWith(site.server.url) && !new URL(u).pathname.startsWith(base),
      );
      expect(outside).toEqual([]);
      // The web fonts the CSS names came from under the base and were used.
      const fonts = await page.evaluate(() =>
        [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family.replace(/"/g, "")),
      );
      expect(fonts).toContain("Noto Sans");
      expect(
        watch.requests.some((u) => /\.woff2$/.test(u) && new URL(u).pathname.startsWith(`${base}_astro/`)),
      ).toBe(true);
      expect(
        await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href),
      ).toBe(`${site.server.url}${base}favicon.svg`);
      expect(watch.problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("switches language from a lesson to its translation and back, under the base", async () => {
    if (!translated) throw new Error("no lesson has a translation: the language switch cannot be checked");
    const { page, watch, close } = await open(translated.requestPath);
    try {
      const relative = siteRelative(translated.path);
      const zh = relative.startsWith("/zh-tw/") ? relative : `/zh-tw${relative}`;
      const en = zh.slice("/zh-tw".length);
      const there = relative === zh ? en : zh;
      await Promise.all([
        page.waitForURL(`${site.server.url}${base}${there.slice(1)}`),
        page.click(".lang-link"),
      ]);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(
        there === zh ? "zh-Hant-TW" : "en",
      );
      expect(await page.locator("h1").count()).toBe(1);
      const back = `${site.server.url}${base}${relative.slice(1)}`;
      await Promise.all([page.waitForURL(back), page.click(".lang-link")]);
      expect(watch.problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("names the configured site under the base in canonical, og:url and hreflang", async () => {
    if (!translated) throw new Error("no lesson has a translation");
    const { page, close } = await open(translated.requestPath);
    try {
      const urls = await headUrls(page);
      expect(urls.canonical).toBe(`${siteOrigin}${translated.path}`);
      expect(urls.ogUrl).toBe(`${siteOrigin}${translated.path}`);
      expect(urls.alternate?.startsWith(`${siteOrigin}${base}`)).toBe(true);
      expect(urls.alternate).not.toBe(urls.canonical);
    } finally {
      await close();
    }
  });

  it("the home link and a lesson link lead to pages under the base", async () => {
    const lesson = lessonPages()[0];
    if (!lesson) throw new Error("no lesson built");
    const { page, watch, close } = await open(lesson.requestPath);
    try {
      await Promise.all([page.waitForURL(`${site.server.url}${base}`), page.click(".site-title")]);
      const first = page.locator("main a[href*='/lessons/']").first();
      const href = await first.getAttribute("href");
      expect(href?.startsWith(`${base}lessons/`)).toBe(true);
      await Promise.all([page.waitForURL(`${site.server.url}${href}`), first.click()]);
      expect(watch.problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows the 404 page at a missing address under the base, with links that work from there", async () => {
    const missing = `${base}lessons/no-such-lesson-e2e/`;
    const { page, watch, status, close } = await open(missing, { [`${site.server.url}${missing}`]: 404 });
    try {
      expect(status).toBe(404);
      const hrefs = await page
        .locator("main a")
        .evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
      expect(hrefs.length).toBeGreaterThan(1);
      expect(hrefs.filter((h) => !h.startsWith(base))).toEqual([]);
      const zh = page.locator(`main a[href="${base}zh-tw/"]`);
      await Promise.all([page.waitForURL(`${site.server.url}${base}zh-tw/`), zh.click()]);
      expect(watch.problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
