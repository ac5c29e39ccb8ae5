/**
 * The playground's diagram on a phone (390 px), as the lesson pages show theirs: the map fits its
 * box whole, never cropped at the right with the rest off to the side (the full-screen view is for
 * detail); the path view is read in place, labels 11 px or more, nothing cropped. Both languages.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();
const at = (p: string) => `${site.server.url}${site.server.base}${p.replace(/^\//, "")}`;
const WIDTH = 390;
const LOG = readFileSync(path.join(REPO_ROOT, "traces/ufw-docker/wan-to-a1-v6.log"), "utf8");

/** The drawn diagram: its box, the SVG, its label size (15 px at natural width), and the page's width. */
function measure(page: Page) {
  return page.evaluate(() => {
    const box = document.querySelector("[data-diagram]") as HTMLElement;
    const svg = box.querySelector("svg") as SVGSVGElement;
    const natural = Number(svg.style.maxWidth.replace("px", "")) || svg.viewBox.baseVal.width;
    const r = svg.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    return {
      view: box.dataset.view,
      svg: { left: r.left, right: r.right },
      box: { left: b.left, right: b.right },
      scrolls: box.scrollWidth > box.clientWidth,
      label: (15 * r.width) / natural,
      pageWidth: document.documentElement.scrollWidth,
    };
  });
}

describe("the playground's diagram on a phone", () => {
  it.each(["", "/zh-tw"])(
    "%s/playground/: the map is whole in its box, the path view readable in place",
    async (prefix) => {
      const context = await site.browser.newContext({
        viewport: { width: WIDTH, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      try {
        const page = await context.newPage();
        await page.goto(at(`${prefix}/playground/`), { waitUntil: "load" });
        await page.locator("[data-log]").fill(LOG);
        await page.locator("[data-diagram][data-view=map] svg").waitFor();
        const map = await measure(page);
        expect(map.pageWidth, "the page does not scroll sideways").toBeLessThanOrEqual(WIDTH);
        expect(map.scrolls, "the map's box does not scroll sideways").toBe(false);
        expect(map.svg.left).toBeGreaterThanOrEqual(map.box.left);
        expect(map.svg.right, "the map is not cropped at the right").toBeLessThanOrEqual(map.box.right);

        await page.locator("[data-view][value=path]").check();
        await page.locator("[data-diagram][data-view=path] svg").waitFor();
        const route = await measure(page);
        expect(route.label, "path view labels in px").toBeGreaterThanOrEqual(11);
        expect(route.svg.left).toBeGreaterThanOrEqual(route.box.left);
        expect(route.svg.right).toBeLessThanOrEqual(route.box.right);
        expect(route.pageWidth).toBeLessThanOrEqual(WIDTH);
      } finally {
        await context.close();
      }
    },
  );
});
