/**
 * Keyboard: from the top of a page, Tab reaches the skip link first, then the
 * header controls, then the sidebar, in DOM order, each with a visible focus
 * ring; on a phone the menu button opens the sidebar and Escape closes it.
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { diagramPages, lessonPages, listPages, luminance, type SitePage, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const target: SitePage | undefined = lessonPages()[0] ?? listPages()[0];
// The page with the most diagrams (most focusable steps), or the first lesson.
const busiest: SitePage | undefined = diagramPages()[0]?.page ?? target;
/** Cap on the Tab presses of the full walk. */
const MAX_STOPS = 400;
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
};
// What Tab should visit first, in this order (each only if shown): skip link, header, sidebar.
const ORDER = [
  ".skip-link",
  "[data-menu-button]",
  ".site-title",
  "[data-search-open]",
  ".lang-link",
  "[data-theme-toggle]",
];

const site = useSite();

/** The focused element: a readable name, whether it is in view, and how its focus ring looks. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return undefined;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const outline = s.outlineStyle !== "none" && Number.parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow !== "none" && s.boxShadow !== "";
    return {
      name: `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`,
      id: el.dataset.e2eOrder ?? "",
      ring: outline || shadow,
      ringColor: outline ? s.outlineColor : "",
      background: getComputedStyle(document.body).backgroundColor,
      inView:
        r.width > 4 &&
        r.height > 4 &&
        r.top >= 0 &&
        r.left >= 0 &&
        r.bottom <= innerHeight &&
        r.right <= innerWidth,
    };
  });
}

/** Tags the elements Tab should reach (visible ones, DOM order) and returns their tags. */
function expectedOrder(page: Page): Promise<string[]> {
  return page.evaluate((order) => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };
    const all = [...document.querySelectorAll<HTMLElement>([...order, "nav#sidebar a"].join(", "))].filter(
      (el) => visible(el) || el.matches(".skip-link"),
    );
    return all.map((el, i) => {
      const tag = `${i}:${el.matches("nav#sidebar a") ? "sidebar" : order.find((s) => el.matches(s))}`;
      el.dataset.e2eOrder = tag;
      return tag;
    });
  }, ORDER);
}

/** WCAG contrast ratio of two computed colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Tabs through `expected.length` stops and checks each one's place and focus ring. */
async function walk(page: Page, expected: string[]): Promise<void> {
  const seen: string[] = [];
  for (const tag of expected) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    seen.push(f?.id || f?.name || "(nothing)");
    expect(seen, "Tab order").toEqual(expected.slice(0, seen.length));
    expect(f?.ring, `${tag}: visible focus ring`).toBe(true);
    expect(f?.inView, `${tag}: in view when focused`).toBe(true);
    if (f?.ringColor) {
      expect(contrast(f.ringColor, f.background), `${tag}: focus ring contrast`).toBeGreaterThanOrEqual(3);
    }
  }
}

describe("keyboard", () => {
  it.each(["light", "dark"] as const)(
    "Tab visits the skip link, header controls and sidebar in order, with a focus ring (desktop, %s)",
    async (theme) => {
      const context = await site.browser.newContext({ ...DESKTOP, colorScheme: theme });
      try {
        const page = await context.newPage();
        await page.goto(`${site.server.url}${target?.requestPath}`);
        const expected = await expectedOrder(page);
        expect(expected[0]).toBe("0:.skip-link");
        const kinds = expected.map((t) => t.split(":")[1]);
        // The parts the issue names, in a sensible order.
        const at = (k: string) => kinds.indexOf(k);
        expect(at("[data-search-open]")).toBeGreaterThan(at(".skip-link"));
        expect(at("[data-theme-toggle]")).toBeGreaterThan(at("[data-search-open]"));
        expect(at("sidebar")).toBeGreaterThan(at("[data-theme-toggle]"));
        await walk(page, expected);
      } finally {
        await context.close();
      }
    },
  );

  it("every stop on the page with the most diagrams shows a focus ring and is not hidden under the header", async () => {
    const context = await site.browser.newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${busiest?.requestPath}`);
      const problems: string[] = [];
      let stops = 0;
      // Walk the whole tab order once (capped), until focus leaves the page or comes back around.
      for (; stops < MAX_STOPS; stops++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return undefined;
          const s = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          const header = document.querySelector(".site-header")?.getBoundingClientRect();
          // Hidden = lies within the header band and the header is what is drawn there (not a skip link on top).
          const hit = document.elementFromPoint((r.left + r.right) / 2, (Math.max(r.top, 0) + r.bottom) / 2);
          const covered =
            header !== undefined &&
            !el.closest(".site-header") &&
            r.bottom <= header.bottom + 1 &&
            hit?.closest(".site-header") != null;
          const offscreen = r.bottom < 0 || r.top > innerHeight;
          return {
            name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).trim().split(/\s+/).join(".")}` : ""}`,
            ring:
              (s.outlineStyle !== "none" && Number.parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none",
            covered,
            offscreen,
            first: el.matches(".skip-link"),
          };
        });
        if (!f || (stops > 0 && f.first)) break;
        if (!f.ring) problems.push(`${f.name}: no visible focus ring`);
        if (f.covered) problems.push(`${f.name}: hidden under the sticky header when focused`);
        if (f.offscreen) problems.push(`${f.name}: not scrolled into view when focused`);
      }
      console.log(`keyboard: ${stops} tab stops on ${busiest?.path}`);
      expect(stops).toBeGreaterThan(5);
      expect([...new Set(problems)]).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("the skip link moves focus to the content", async () => {
    const context = await site.browser.newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${target?.requestPath}`);
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("content");
    } finally {
      await context.close();
    }
  });

  it("the theme toggle works from the keyboard", async () => {
    const context = await site.browser.newContext({ ...DESKTOP, colorScheme: "light" });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${target?.requestPath}`);
      await page.locator("[data-theme-toggle]").focus();
      await page.keyboard.press("Space");
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    } finally {
      await context.close();
    }
  });

  it("on a phone, the menu button opens the sidebar, Tab reaches its links, Escape closes it", async () => {
    const context = await site.browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${target?.requestPath}`);
      expect(await page.locator("nav#sidebar").isVisible()).toBe(false);
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.matches("[data-menu-button]"))).toBe(true);
      await page.keyboard.press("Enter");
      expect(await page.locator("[data-menu-button]").getAttribute("aria-expanded")).toBe("true");
      expect(await page.evaluate(() => document.body.hasAttribute("data-menu-open"))).toBe(true);
      expect(await page.locator("nav#sidebar").isVisible()).toBe(true);

      // Reload-free restart of the walk: focus the skip link again, then Tab through everything shown now.
      const expected = await expectedOrder(page);
      expect(expected.some((t) => t.endsWith(":sidebar"))).toBe(true);
      await page.locator(".skip-link").focus();
      await walk(page, expected.slice(1));

      await page.keyboard.press("Escape");
      expect(await page.locator("nav#sidebar").isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.matches("[data-menu-button]"))).toBe(true);
    } finally {
      await context.close();
    }
  });
});
