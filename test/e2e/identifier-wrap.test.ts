/**
 * On a phone (390 px), a sysctl or name with hyphens in a figure's caption or on the traces index
 * (`bridge-nf-call-iptables=0`, `DOCKER-USER`, a trace's name) is never split at one of its
 * hyphens: it moves to the next line whole, and only one wider than the column may wrap inside.
 * Nothing kept whole pushes the page wider than the phone, and copying still gives ASCII hyphens.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";
import { openLaidOut, wordsOnPage } from "./word-lines.ts";

assertDistBuilt();
const site = useSite();
const at = (p: string) => `${site.server.url}${site.server.base}${p.replace(/^\//, "")}`;
const WIDTH = 390;

/** Captions of figures, a trace page's title, and the traces index's links, facts and trace names. */
const WATCHED =
  "figcaption .pw-caption, main h1, .pw-meta td, .trace-list li > a, .trace-list .trace-fact, .trace-list code";

/** What the test takes for an identifier: ASCII words joined by hyphens, with an optional `=value`. */
const IDENTIFIER = "[A-Za-z0-9_][A-Za-z0-9_.]*(?:-[A-Za-z0-9_.]+)+(?:=[A-Za-z0-9_.-]+)?";

/** The identifiers measured, those split at a hyphen although they fit their column, and watched boxes past the phone's edge. */
async function measure(page: Page): Promise<{ checked: string[]; split: string[]; overflowing: string[] }> {
  const words = await page.evaluate(wordsOnPage, { selector: WATCHED, pattern: IDENTIFIER });
  const overflowing = await page.evaluate(
    (selector) =>
      [...document.querySelectorAll<HTMLElement>(selector)]
        .filter((box) => box.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((box) => box.textContent?.trim().slice(0, 60) ?? ""),
    WATCHED,
  );
  return {
    checked: words.map((w) => w.word),
    // Wider than its column, an identifier has to wrap somewhere, and may.
    split: words.filter((w) => w.lines > 1 && w.width <= w.column).map((w) => `${w.word} in "${w.context}"`),
    overflowing,
  };
}

const open = (p: string) => openLaidOut(site.browser, at(p), WIDTH);

describe("identifiers with hyphens on a phone", () => {
  it.each([
    ["/traces/", "bridge-nf-call-iptables=0"],
    ["/zh-tw/traces/", "bridge-nf-call-iptables=0"],
    ["/lessons/bridge-layer/", "bridge-nf-call-iptables=0"],
    ["/zh-tw/lessons/what-if/", "bridge-nf-call-iptables=0"],
    ["/lessons/both-layers/", "bridge-nf-call-iptables=0"],
    ["/lessons/nft-host-and-containers/", "bridge-nf-call-iptables=0"],
    ["/traces/docker-bridge/container-to-container-nobrnf/", "bridge-nf-call-iptables=0"],
  ])("%s: none is split at a hyphen, none overflows", async (p, expected) => {
    const { context, page } = await open(p);
    try {
      const { checked, split, overflowing } = await measure(page);
      expect(checked).toContain(expected);
      expect(split).toEqual([]);
      expect(overflowing).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH);
      // Kept whole by layout, not by other characters: the text read or copied has ASCII hyphens.
      const shown = await page.locator(WATCHED).allInnerTexts();
      expect(shown.filter((t) => t.includes(expected)).length).toBeGreaterThan(0);
      expect(shown.join("\n")).not.toMatch(/[\u2010\u2011\u2060\u00ad]/);
    } finally {
      await context.close();
    }
  });

  it("a trace's sysctl too wide for its cell breaks after its dotted path, never inside the hyphenated name", async () => {
    const { context, page } = await open("/traces/nft-icc-routed/routed-b1-to-internet/");
    try {
      const names = await page.evaluate(wordsOnPage, {
        selector: ".pw-meta td",
        pattern: "bridge-nf-call-ip6?tables=[01]",
      });
      const whole = await page.evaluate(wordsOnPage, {
        selector: ".pw-meta td",
        pattern: "net\\.bridge\\.bridge-nf-call-ip6?tables=[01]",
      });
      expect(names.map((w) => w.word)).toEqual(["bridge-nf-call-iptables=1"]);
      expect(names[0]?.lines, "the hyphenated name on one line").toBe(1);
      // Whole on one line when it fits the cell; else broken once, after `net.bridge.`.
      const w = whole[0];
      expect(w?.lines).toBe((w?.width ?? 0) <= (w?.column ?? 0) ? 1 : 2);
      // One setting per line: joined by commas, a comma was left alone on a line of its own.
      const items = await page.locator(".pw-meta .pw-meta-list li").allInnerTexts();
      expect(items.length).toBeGreaterThan(1);
      for (const item of items) expect(item.trim()).toMatch(/^net\.[\w.-]+=\d+$/);
    } finally {
      await context.close();
    }
  });
});
