/**
 * Rule text and addresses wrap as a reader reads them on a phone (390 px): at spaces, never after
 * the hyphen inside a word, which a browser takes as a place to break (`-j DROP` read as `-` /
 * `j DROP`, `--ctstate` as `--` / `ctstate`, an arrow `->` as `-` / `>`). Checked on the ufw
 * lesson in both languages, a trace page, and the playground with the ufw lab pasted; and nothing
 * kept whole pushes the page wider than the phone.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";
import { openLaidOut, wordsOnPage } from "./word-lines.ts";

assertDistBuilt();
const site = useSite();
const at = (p: string) => `${site.server.url}${site.server.base}${p.replace(/^\//, "")}`;
const WIDTH = 390;

/**
 * Where rule text and addresses are printed, on the lesson and trace pages and the playground, and the
 * sentences that explain rules and verdicts (`(via filter-forward-in__br-a)` was read `filter-` / `forward-in__br-a`).
 */
const WATCHED =
  ".pw-rule-text, .pw-direction-title, .pw-addr, .pg-summary, [data-packet-summary], .pw-note, .pw-step-verdicts, .pw-base-verdict, .pw-decision";

/**
 * The words with a hyphen (at most 24 characters, longer ones may wrap) that a line break splits,
 * measured on the laid-out text: a word whose characters sit on two lines has rects at two heights.
 */
async function splitWords(page: Page): Promise<{ checked: number; split: string[] }> {
  const words = (await page.evaluate(wordsOnPage, { selector: WATCHED, pattern: "\\S+" })).filter(
    (w) => w.word.includes("-") && w.word.length <= 24,
  );
  return {
    checked: words.length,
    split: words.filter((w) => w.lines > 1).map((w) => `${w.word} in "${w.context.slice(0, 60)}"`),
  };
}

/** No watched word is split, some were checked, and nothing kept whole widens the page past the phone. */
async function expectWholeWords(page: Page): Promise<void> {
  const { checked, split } = await splitWords(page);
  expect(checked).toBeGreaterThan(20);
  expect(split).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH);
}

const open = (p: string) => openLaidOut(site.browser, at(p), WIDTH);

describe("words with a hyphen on a phone", () => {
  it.each([
    "/lessons/ufw-and-docker/",
    "/zh-tw/lessons/ufw-and-docker/",
    "/traces/ufw-docker/wan-to-a1-v6/",
    "/lessons/nft-internet/",
    "/lessons/nft-network-options/",
  ])("%s: no rule option, address arrow or name is split after its hyphen", async (p) => {
    const { context, page } = await open(p);
    try {
      await expectWholeWords(page);
    } finally {
      await context.close();
    }
  });

  it("the playground with the ufw lab pasted: the same in its packet list, steps and coloured rules", async () => {
    const { context, page } = await open("/playground/");
    try {
      await page
        .locator("[data-log]")
        .fill(readFileSync(path.join(REPO_ROOT, "traces/ufw-docker/wan-to-a1-v6.log"), "utf8"));
      await page.locator("details[data-rules-box] summary").click();
      await page
        .locator("[data-rules]")
        .fill(readFileSync(path.join(REPO_ROOT, "traces/ufw-docker/rulesets/ufw-docker.rules"), "utf8"));
      await expect
        .poll(() => page.locator("[data-steps]").getAttribute("data-highlighted"), { timeout: 20_000 })
        .toBe("done");
      // Shown again as the ruleset settles: wait until every rule is coloured, then measure.
      await expect.poll(() => page.locator("[data-steps] code.pw-rule-text:not(.shiki)").count()).toBe(0);
      await expectWholeWords(page);
    } finally {
      await context.close();
    }
  });
});
