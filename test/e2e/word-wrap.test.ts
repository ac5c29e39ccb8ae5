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

assertDistBuilt();
const site = useSite();
const at = (p: string) => `${site.server.url}${site.server.base}${p.replace(/^\//, "")}`;
const WIDTH = 390;

/** Where rule text and addresses are printed, on the lesson and trace pages and the playground. */
const WATCHED = ".pw-rule-text, .pw-direction-title, .pw-addr, .pg-summary, [data-packet-summary]";

/**
 * The words with a hyphen (at most 24 characters, longer ones may wrap) that a line break splits,
 * measured on the laid-out text: a word whose characters sit on two lines has rects at two heights.
 */
function splitWords(page: Page): Promise<{ checked: number; split: string[] }> {
  return page.evaluate((selector) => {
    const split: string[] = [];
    let checked = 0;
    for (const box of document.querySelectorAll<HTMLElement>(selector)) {
      if (!box.getClientRects().length || box.closest("details:not([open])")) continue;
      const nodes: { node: Text; start: number }[] = [];
      let text = "";
      const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push({ node: n as Text, start: text.length });
        text += n.textContent ?? "";
      }
      const pointAt = (i: number, end: boolean) => {
        const found = nodes.findLast((n) => (end ? n.start < i : n.start <= i)) ?? nodes[0];
        return found ? ([found.node, i - found.start] as const) : undefined;
      };
      for (const m of text.matchAll(/\S+/g)) {
        const word = m[0];
        if (!word.includes("-") || word.length > 24) continue;
        const from = pointAt(m.index, false);
        const to = pointAt(m.index + word.length, true);
        if (!from || !to) continue;
        const range = document.createRange();
        range.setStart(...from);
        range.setEnd(...to);
        const tops = new Set(
          [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)),
        );
        checked++;
        if (tops.size > 1) split.push(`${word} in "${text.trim().slice(0, 60)}"`);
      }
    }
    return { checked, split };
  }, WATCHED);
}

/** No watched word is split, some were checked, and nothing kept whole widens the page past the phone. */
async function expectWholeWords(page: Page): Promise<void> {
  const { checked, split } = await splitWords(page);
  expect(checked).toBeGreaterThan(20);
  expect(split).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH);
}

async function open(p: string) {
  const context = await site.browser.newContext({ viewport: { width: WIDTH, height: 844 } });
  const page = await context.newPage();
  await page.goto(at(p), { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  return { context, page };
}

describe("words with a hyphen on a phone", () => {
  it.each([
    "/lessons/ufw-and-docker/",
    "/zh-tw/lessons/ufw-and-docker/",
    "/traces/ufw-docker/wan-to-a1-v6/",
    "/lessons/nft-internet/",
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
