/**
 * What a reader meets around the lesson text: a printed page (light, no site
 * chrome, figures within the paper), the table of contents on a phone with the
 * section being read marked, a lesson's tables as cards on a phone and with room for their
 * prose on a wide screen, copy buttons
 * on code blocks, and OpenGraph locales a crawler accepts.
 */
import { execFileSync } from "node:child_process";
import type { BrowserContextOptions } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  diagramPages,
  lessonPages,
  luminance,
  REPO_ROOT,
  readPageHtml,
  siteRelative,
  useSite,
} from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
// The lesson with the most diagrams: the hardest to print.
const richest = diagramPages().find((p) => /\/lessons\//.test(p.page.path))?.page ?? lessonPages()[0];

describe("print", () => {
  it("prints a dark-theme lesson light, without header, sidebar or ToC, figures within the page width", async () => {
    const context = await site.browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: "dark",
    });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${richest?.requestPath}`);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
      await page.emulateMedia({ media: "print", colorScheme: "dark" });
      const state = await page.evaluate(() => {
        const hidden = (sel: string) =>
          [...document.querySelectorAll(sel)].every((e) => getComputedStyle(e).display === "none");
        const width = document.querySelector("main")?.getBoundingClientRect().width ?? 0;
        return {
          background: getComputedStyle(document.body).backgroundColor,
          text: getComputedStyle(document.body).color,
          chromeHidden: [".site-header", ".sidebar", ".toc-column", ".prev-next"].every(hidden),
          mainWidth: width,
          tooWide: [...document.querySelectorAll("main figure, main svg, main pre, main table")]
            .filter((e) => getComputedStyle(e).display !== "none")
            .filter(
              (e) =>
                e.getBoundingClientRect().right >
                (document.querySelector("main")?.getBoundingClientRect().right ?? 0) + 1,
            )
            .map((e) => e.tagName.toLowerCase()),
        };
      });
      expect(luminance(state.background)).toBeGreaterThan(0.9);
      expect(luminance(state.text)).toBeLessThan(0.1);
      expect(state.chromeHidden).toBe(true);
      expect(state.tooWide).toEqual([]);
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      console.log(`print: ${richest?.path} is ${pages} A4 page(s)`);
      expect(pages).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});

describe("table of contents on a phone", () => {
  const lesson =
    lessonPages().find((p) => (readPageHtml(p).match(/data-toc-link/g) ?? []).length >= 6) ??
    lessonPages()[0];

  it("is folded at the top of the lesson, opens, jumps, and marks the section being read", async () => {
    const context = await site.browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${lesson?.requestPath}`);
      const toc = page.locator(".toc-inline");
      expect(await toc.isVisible()).toBe(true);
      expect(await page.locator(".toc-column").isVisible()).toBe(false);
      await toc.locator("summary").click();
      const links = toc.locator("a[data-toc-link]");
      const count = await links.count();
      expect(count).toBeGreaterThan(1);
      const last = links.nth(count - 1);
      const target = decodeURIComponent(((await last.getAttribute("href")) ?? "").slice(1));
      await last.click();
      // The folded list closes, the heading is on screen, and it is the one marked.
      await page.waitForFunction((id) => {
        const a = document.querySelector(`.toc-inline a[aria-current="location"]`);
        return a && decodeURIComponent(a.getAttribute("href")?.slice(1) ?? "") === id;
      }, target);
      expect(await toc.locator("details").getAttribute("open")).toBeNull();
      const top = await page.evaluate(
        (id) => document.getElementById(id)?.getBoundingClientRect().top ?? -1,
        target,
      );
      expect(top).toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThan(844);
      expect(await page.locator(`.toc-inline a[aria-current="location"]`).count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});

describe("tables on a phone", () => {
  it("shows each row of a lesson's table as a card of cells labelled by their column, within the screen", async () => {
    const lesson = lessonPages().find((p) => siteRelative(p.path) === "/lessons/debugging-checklist/");
    expect(lesson, "the debugging checklist has a table").toBeDefined();
    const context = await site.browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${lesson?.requestPath}`);
      const row = page.locator("main table.labelled-table tbody tr").first();
      const cells = await row.locator("td").evaluateAll((tds) =>
        tds.map((td) => {
          const box = td.getBoundingClientRect();
          return {
            label: getComputedStyle(td, "::before").content,
            left: box.left,
            right: box.right,
            top: box.top,
          };
        }),
      );
      expect(cells.map((c) => c.label)).toEqual(['"Question"', '"Command"', '"What it shows"']);
      // Stacked: one cell under the other, each as wide as the card and inside the screen.
      for (let i = 1; i < cells.length; i++) {
        expect(cells[i]?.top).toBeGreaterThan(cells[i - 1]?.top ?? 0);
        expect(cells[i]?.left).toBe(cells[0]?.left);
      }
      for (const c of cells) expect(c.right).toBeLessThanOrEqual(390);
      // Nothing of the table is wider than the screen.
      const widest = await page.$$eval("main table.labelled-table", (ts) =>
        Math.max(...ts.map((t) => t.scrollWidth)),
      );
      expect(widest).toBeLessThanOrEqual(390);
      // The header row is kept for screen readers, not drawn.
      expect(await page.locator("main table.labelled-table thead").first().boundingBox()).toMatchObject({
        width: 1,
      });
    } finally {
      await context.close();
    }
  });
});

describe("tables on a wide screen", () => {
  it("gives a lesson table's prose room: a command wraps at its spaces rather than starving the other columns", async () => {
    // Kept on one line, `ip route get 198.51.100.10 from 172.17.0.2 iif docker0` took 70 % of the
    // debugging checklist's table and its question and answer columns read 1.2 words per line.
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const starved: string[] = [];
      let measured = 0;
      for (const lesson of lessonPages()) {
        if (siteRelative(lesson.path).startsWith("/zh-tw/")) continue;
        await page.goto(`${site.server.url}${lesson.requestPath}`);
        const cells = await page.$$eval("main table td", (tds) =>
          tds
            .filter(
              (td) => !td.querySelector("code") && (td.textContent ?? "").trim().split(/\s+/).length >= 6,
            )
            .map((td) => {
              const range = document.createRange();
              range.selectNodeContents(td);
              const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.bottom))).size;
              const text = (td.textContent ?? "").trim();
              return { text, wordsPerLine: text.split(/\s+/).length / lines };
            }),
        );
        measured += cells.length;
        for (const c of cells)
          if (c.wordsPerLine < 2)
            starved.push(`${siteRelative(lesson.path)}: ${c.wordsPerLine.toFixed(2)} "${c.text}"`);
      }
      expect(measured, "lesson tables with prose cells").toBeGreaterThan(10);
      expect(starved, "prose cells at under 2 words per line").toEqual([]);
      // The commands still wrap only at their spaces: every word with a hyphen is whole on its line.
      const checklist = lessonPages().find((p) => siteRelative(p.path) === "/lessons/debugging-checklist/");
      await page.goto(`${site.server.url}${checklist?.requestPath}`);
      const broken = await page.$$eval("main td > code.pw-code-words .pw-nb", (spans) =>
        spans.filter((s) => s.getClientRects().length > 1).map((s) => s.textContent),
      );
      expect(await page.locator("main td > code.pw-code-words").count()).toBeGreaterThan(5);
      expect(broken).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("copy buttons", () => {
  const withCode = lessonPages().find((p) => /<pre class="astro-code/.test(readPageHtml(p)));

  it("puts one on every code block of a lesson and copies its text", async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.server.url });
      const page = await context.newPage();
      await page.goto(`${site.server.url}${withCode?.requestPath}`);
      const blocks = await page.locator("main pre.astro-code").count();
      expect(blocks).toBeGreaterThan(0);
      expect(await page.locator("main .code-block > .code-copy").count()).toBe(blocks);
      const first = page.locator("main .code-block").first();
      await first.locator(".code-copy").click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(await first.locator("pre").textContent());
      expect(await first.locator(".code-copy").textContent()).toBe("Copied");
    } finally {
      await context.close();
    }
  });
});

describe("OpenGraph locales", () => {
  it("uses language_TERRITORY values: en_US, zh_TW", () => {
    const en = lessonPages().find((p) => !siteRelative(p.path).startsWith("/zh-tw/"));
    const zh = lessonPages().find((p) => siteRelative(p.path).startsWith("/zh-tw/"));
    expect(readPageHtml(en as NonNullable<typeof en>)).toContain(
      '<meta property="og:locale" content="en_US">',
    );
    expect(readPageHtml(zh as NonNullable<typeof zh>)).toContain(
      '<meta property="og:locale" content="zh_TW">',
    );
  });
});

describe("last updated", () => {
  it("dates every lesson from git, in its locale's format", () => {
    for (const page of lessonPages()) {
      const html = readPageHtml(page);
      const zh = siteRelative(page.path).startsWith("/zh-tw/");
      const file = `content/lessons/${zh ? "zh-tw" : "en"}/${page.path.split("/").at(-2)}.md`;
      const iso = execFileSync("git", ["log", "-1", "--format=%cI", "--", file], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      }).trim();
      const m = /<p class="last-updated">([^<]*)<time datetime="([^"]+)">([^<]+)<\/time>/.exec(html);
      expect(m, `${page.path}: last updated`).not.toBeNull();
      expect(new Date(m?.[2] ?? "").getTime()).toBe(new Date(iso).getTime());
      const expected = new Intl.DateTimeFormat(zh ? "zh-TW" : "en-US", {
        dateStyle: "long",
        timeZone: "UTC",
      }).format(new Date(iso));
      expect(m?.[3]).toBe(expected);
      expect(m?.[1]?.trim()).toBe(zh ? "最後更新：" : "Last updated:");
    }
  });
});
