/**
 * Dark mode: the system preference picks the first paint, the toggle flips
 * the page and its diagrams (one SVG per diagram, shown in both themes, whose
 * theme-coloured parts take the page's colours), and the choice survives a
 * reload and a move to another page.
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  diagramPages,
  lessonPages,
  listPages,
  luminance,
  noDiagramReason,
  readPageHtml,
  type SitePage,
  useSite,
} from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const pages = listPages();
// The page with the most diagrams, or a lesson page while the site has none.
const target: SitePage | undefined = diagramPages()[0]?.page ?? lessonPages()[0] ?? pages[0];
// A page with a map figure: its subgraph boxes and faded boxes take the theme's colours.
const withMap = diagramPages().find((d) => readPageHtml(d.page).includes('data-view="map"'))?.page;
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

const site = useSite();

type Theme = "light" | "dark";

/** The page's theme, the toggle's state, the background brightness and what each diagram shows. */
function themeState(page: Page) {
  return page.evaluate(() => {
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
    };
    return {
      theme: document.documentElement.dataset.theme,
      stored: localStorage.getItem("packetwalk-theme"),
      pressed: document.querySelector("[data-theme-toggle]")?.getAttribute("aria-pressed"),
      background: getComputedStyle(document.body).backgroundColor,
      diagrams: [...document.querySelectorAll("figure.pw-trace")].map((figure) => ({
        shown: [...figure.querySelectorAll(".pw-diagram svg")].map(shown),
        // Fills Mermaid takes from the theme: subgraph boxes and the boxes off the packet's path.
        themed: [...figure.querySelectorAll(".pw-diagram svg")].flatMap((svg) =>
          [...svg.querySelectorAll(".cluster > rect, g.node.faded > rect")]
            .slice(0, 3)
            .map((el) => getComputedStyle(el).fill),
        ),
      })),
    };
  });
}

/** Asserts the page is fully in `theme`, diagrams included. */
async function expectTheme(page: Page, theme: Theme): Promise<void> {
  const state = await themeState(page);
  expect(state.theme).toBe(theme);
  expect(state.pressed).toBe(String(theme === "dark"));
  const lum = luminance(state.background);
  if (theme === "dark") expect(lum, `background ${state.background}`).toBeLessThan(0.1);
  else expect(lum, `background ${state.background}`).toBeGreaterThan(0.8);
  for (const [i, d] of state.diagrams.entries()) {
    expect(d.shown.length, `diagram ${i + 1} has an SVG`).toBeGreaterThan(0);
    expect(d.shown.every(Boolean), `diagram ${i + 1}: its SVG is shown in ${theme}`).toBe(true);
    for (const fill of d.themed) {
      // Pale boxes on the light page, dark ones on the dark page.
      if (theme === "dark") expect(luminance(fill), `diagram ${i + 1}: box fill ${fill}`).toBeLessThan(0.2);
      else expect(luminance(fill), `diagram ${i + 1}: box fill ${fill}`).toBeGreaterThan(0.7);
    }
  }
}

describe("theme", () => {
  it("sets the theme in an inline, render-blocking script in <head> on every page", () => {
    for (const page of pages) {
      const html = readPageHtml(page);
      const head = html.slice(0, html.search(/<\/head>/i));
      const script = [...head.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].find((m) =>
        m[2]?.includes("packetwalk-theme"),
      );
      expect(script, `${page.file}: theme script in <head>`).toBeDefined();
      // async, defer, src or type=module would run after the first paint.
      expect(script?.[1] ?? "", `${page.file}: theme script attributes`).not.toMatch(
        /\b(async|defer|src|type)\b/i,
      );
      expect(script?.[2]).toContain("prefers-color-scheme");
      expect(script?.[2]).toContain("dataset.theme");
      expect(html.indexOf(script?.[0] ?? "")).toBeLessThan(html.search(/<body[\s>]/i));
    }
  });

  it.each(["light", "dark"] as const)(
    "paints %s first when the system prefers it and nothing is stored",
    async (scheme) => {
      const context = await site.browser.newContext({ ...DESKTOP, colorScheme: scheme });
      try {
        const page = await context.newPage();
        await page.goto(`${site.server.url}${target?.requestPath}`, { waitUntil: "commit" });
        // As soon as <body> exists (before any body content is painted) the theme is already set.
        const early = await page.waitForFunction(
          () => document.body && document.documentElement.dataset.theme,
        );
        expect(await early.jsonValue()).toBe(scheme);
        await page.waitForLoadState("domcontentloaded");
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
        await page.waitForLoadState("load");
        await expectTheme(page, scheme);
        expect((await themeState(page)).stored).toBeNull();
      } finally {
        await context.close();
      }
    },
  );

  it("toggles to dark and back, diagrams included, and remembers the choice across reloads and pages", async () => {
    const reason = noDiagramReason();
    if (reason) console.log(`theme: diagram part not exercised: ${reason}`);
    const context = await site.browser.newContext({ ...DESKTOP, colorScheme: "light" });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${target?.requestPath}`);
      await expectTheme(page, "light");
      await page.locator("[data-theme-toggle]").click();
      await expectTheme(page, "dark");
      expect((await themeState(page)).stored).toBe("dark");

      await page.reload();
      await expectTheme(page, "dark");

      const elsewhere = pages.find((p) => p.path !== target?.path && p.status === 200);
      if (elsewhere) {
        await page.goto(`${site.server.url}${elsewhere.requestPath}`);
        await expectTheme(page, "dark");
        await page.goBack();
      }

      await page.locator("[data-theme-toggle]").click();
      await expectTheme(page, "light");
      await page.reload();
      await expectTheme(page, "light");
    } finally {
      await context.close();
    }
  });

  it("changes the computed colours of a diagram's boxes when the theme is switched, without reloading", async () => {
    const reason = noDiagramReason() ?? (withMap ? undefined : "no page has a map figure");
    if (reason) return console.log(`theme: diagram colours not exercised: ${reason}`);
    const context = await site.browser.newContext({ ...DESKTOP, colorScheme: "light" });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${withMap?.requestPath}`);
      const light = (await themeState(page)).diagrams.flatMap((d) => d.themed);
      expect(light.length, "theme-coloured boxes in the diagrams").toBeGreaterThan(0);
      await page.locator("[data-theme-toggle]").click();
      const dark = (await themeState(page)).diagrams.flatMap((d) => d.themed);
      expect(dark).toHaveLength(light.length);
      dark.forEach((fill, i) => {
        expect(fill, `box ${i + 1}`).not.toBe(light[i]);
      });
    } finally {
      await context.close();
    }
  });

  it("keeps a stored choice over the system preference", async () => {
    const context = await site.browser.newContext({ ...DESKTOP, colorScheme: "dark" });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${target?.requestPath}`);
      await expectTheme(page, "dark");
      await page.locator("[data-theme-toggle]").click();
      await page.reload();
      await expectTheme(page, "light");
    } finally {
      await context.close();
    }
  });
});

describe("theme: automatic mode", () => {
  it("cycles auto -> other -> system's theme pinned -> auto, and in auto follows the system as it changes", async () => {
    const context = await site.browser.newContext({ ...DESKTOP, colorScheme: "light" });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${target?.requestPath}`);
      const mode = () =>
        page.evaluate(() => ({
          theme: document.documentElement.dataset.theme,
          stored: localStorage.getItem("packetwalk-theme"),
          label: document.querySelector("[data-theme-toggle]")?.getAttribute("title"),
          badge: !(document.querySelector("[data-theme-auto-badge]") as HTMLElement | null)?.hidden,
        }));
      expect(await mode()).toEqual({
        theme: "light",
        stored: null,
        label: "Theme: automatic, as the system",
        badge: true,
      });
      const toggle = page.locator("[data-theme-toggle]");
      await toggle.click();
      expect(await mode()).toEqual({ theme: "dark", stored: "dark", label: "Theme: dark", badge: false });
      await toggle.click();
      expect(await mode()).toEqual({ theme: "light", stored: "light", label: "Theme: light", badge: false });
      // Pinned light stays light when the system turns dark.
      await page.emulateMedia({ colorScheme: "dark" });
      expect((await mode()).theme).toBe("light");
      await page.emulateMedia({ colorScheme: "light" });
      await toggle.click();
      expect(await mode()).toEqual({
        theme: "light",
        stored: null,
        label: "Theme: automatic, as the system",
        badge: true,
      });
      await page.emulateMedia({ colorScheme: "dark" });
      // The media query's change event arrives asynchronously.
      await page.waitForFunction(() => document.documentElement.dataset.theme === "dark", null, {
        timeout: 5000,
      });
      await page.reload();
      expect((await mode()).stored).toBeNull();
    } finally {
      await context.close();
    }
  });
});
