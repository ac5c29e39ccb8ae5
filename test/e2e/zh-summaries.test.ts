/**
 * A packet's summary on zh-TW pages is in Chinese words around its addresses (`，還原 SNAT 為
 * 172.17.0.2`), in a lesson's figure title and in the playground's packet list and packet title, and its
 * Chinese characters are drawn by the site's own fonts, also inside the monospace text (whose Latin
 * font has no CJK glyph: a reader without a system CJK font saw blanks).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { drawingFonts, REPO_ROOT, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

describe("summaries on zh-TW pages", () => {
  it("are in Chinese words in a lesson's figure title, drawn by the site's fonts", async () => {
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${site.server.base}zh-tw/lessons/container-to-wan/`);
      const title = page.locator(".pw-direction[data-direction='reply'] .pw-direction-title span").first();
      expect(await title.textContent()).toMatch(
        /^ICMP echo-reply 198\.51\.100\.10 -> 203\.0\.113\.2，還原 SNAT 為 172\.17\.0\.2$/,
      );
      await title.evaluate((el) => el.setAttribute("data-e2e-title", ""));
      const fonts = await drawingFonts(page, "[data-e2e-title]");
      expect(fonts.filter((f) => !f.isCustomFont || !f.familyName.startsWith("Noto Sans"))).toEqual([]);
      expect(fonts.some((f) => f.familyName.startsWith("Noto Sans TC"))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("are in Chinese words in the playground's packet list and packet title", async () => {
    const log = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/container-to-wan.log"), "utf8");
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const watch = watchPage(page, site.server.url);
      await page.goto(`${site.server.url}${site.server.base}zh-tw/playground/`, { waitUntil: "load" });
      await page.locator("[data-log]").fill(log);
      const reply = page.locator("[data-packet-list] > li[data-direction='reply'] .pg-summary").first();
      await expect.poll(() => reply.textContent()).toMatch(/，還原 SNAT 為 172\.17\.0\.2$/);
      expect(await page.locator("[data-packet-list] .pg-summary").allTextContents()).not.toContainEqual(
        expect.stringMatching(/un-SNAT to|DNAT to/),
      );
      await page.locator("[data-packet-list] > li[data-direction='reply'] [data-pick]").first().click();
      await expect
        .poll(() => page.locator("[data-packet-summary], .pg-packet-summary").first().textContent())
        .toMatch(/還原 SNAT 為 172\.17\.0\.2/);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
