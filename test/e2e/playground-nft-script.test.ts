/**
 * An `nft -f` script (an /etc/nftables.conf: variables, commands, a rule continued with `\`) pasted in
 * the playground, whose worker fetches the script reader only for a script: the rules the lab's nft
 * monitor trace matches are marked as with the `nft list ruleset` the script was written from; and on the
 * zh-TW page a script's problem is said in Chinese, drawn with the site's own fonts (the subset kept its
 * characters).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { drawingFonts, REPO_ROOT, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
const TRACE = read("traces/docker-bridge-nft/container-to-wan-trace.log");
const LISTING = read("traces/docker-bridge-nft/rulesets/docker-29-nft.rules");
const SCRIPT = read("test/fixtures/nft-script/docker-29-nftables.conf");

/** The playground at `prefix` (`""` or `zh-tw/`) with `log` and `rules` pasted. */
async function paste(prefix: string, log: string, rules: string) {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watch = watchPage(page, site.server.url);
  await page.goto(`${site.server.url}${site.server.base}${prefix}playground/`, { waitUntil: "load" });
  await page.locator("[data-log]").fill(log);
  await page.locator("details[data-rules-box] summary").click();
  await page.locator("[data-rules]").fill(rules);
  return { context, page, watch };
}

/** Packet 1's matched rules, step by step: hook, rule text and who matched it. */
async function matchedOfFirst(page: Page): Promise<string[][]> {
  await page.locator("[data-pick]").nth(0).click();
  await page.locator("[data-steps] .pw-rule.pw-matched").first().waitFor();
  return page.$$eval("[data-steps] > li", (items) =>
    items.map((li) =>
      [...li.querySelectorAll(".pw-rule.pw-matched")].map(
        (r) =>
          `${li.querySelector(".pw-hook")?.textContent} ${r.querySelector(".pw-rule-text")?.textContent} ${r.querySelector(".pw-verdict")?.className}`,
      ),
    ),
  );
}

describe("an nft -f script pasted in the playground", () => {
  it("marks the rules the nft monitor trace matches, as the listing it was written from does", async () => {
    const listed = await paste("", TRACE, LISTING);
    let expected: string[][];
    try {
      expected = await matchedOfFirst(listed.page);
    } finally {
      await listed.context.close();
    }
    expect(expected.flat()).toContain(
      'ip docker-bridges filter-FORWARD counter accept comment "OUTGOING" pw-verdict pw-verdict-kernel',
    );
    const { context, page, watch } = await paste("", TRACE, SCRIPT);
    try {
      expect(await matchedOfFirst(page)).toEqual(expected);
      expect(await page.locator("[data-ruleset-diagnostics] li").count()).toBe(0);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("says a script's problem in Chinese on the zh-TW page, drawn with the site's fonts", async () => {
    const broken = SCRIPT.replace("define C1 = 172.17.0.2\n", "");
    const { context, page } = await paste("zh-tw/", TRACE, broken);
    try {
      const zh = page.locator("[data-ruleset-diagnostics] .pg-zh").first();
      await zh.waitFor();
      expect(await zh.textContent()).toMatch(/^ruleset:\d+:\d+ 錯誤：變數 '\$C1' 沒有定義$/);
      // Chromium's own account of the fonts that drew the line: the site's web fonts only.
      const fonts = await drawingFonts(page, "[data-ruleset-diagnostics] .pg-zh");
      expect(fonts.length).toBeGreaterThan(0);
      expect(fonts.filter((f) => !f.isCustomFont || !f.familyName.startsWith("Noto Sans"))).toEqual([]);
      expect(fonts.some((f) => f.familyName.startsWith("Noto Sans TC"))).toBe(true);
    } finally {
      await context.close();
    }
  });
});
