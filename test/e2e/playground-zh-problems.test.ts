/**
 * The zh-TW playground shows the core's commonest problems (an unknown LOG prefix, a match the
 * simulator does not model) in Chinese, each with its English line kept under it and marked as
 * English (a problem it has no words for stays English: see the unit tests of diagnostics-zh); and the English playground never loads
 * the translation.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

// Two lines with prefixes no reader knows ('[lab-in]', '[fwd]') and a line cut short (an error). The
// trace's own '[raw-pre]' names its hook since glued names in brackets are read (session 46): renamed.
const LOG = [
  ...readFileSync(path.join(REPO_ROOT, "traces/two-networks/b1-to-a1.log"), "utf8")
    .split("\n")
    .slice(0, 2)
    .map((l) => l.replace("[raw-pre]", "[lab-in]")),
  "[  1.000001] iptable/filter-INPUTIN=eth0 OUT= SRC=203.0.113.1 DST=",
].join("\n");
// ufw's rate-limited LOG rules: '-m limit' is a match of chance, not modelled.
const RULES = readFileSync(path.join(REPO_ROOT, "traces/ufw-docker/rulesets/ufw-docker.rules"), "utf8");

async function open(prefix: string) {
  const context = await site.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const scripts: string[] = [];
  page.on("request", (r) => scripts.push(new URL(r.url()).pathname));
  await page.goto(`${site.server.url}${site.server.base}${prefix}playground/`, { waitUntil: "load" });
  await page.locator("[data-log]").fill(LOG);
  await page.locator("details[data-rules-box] summary").click();
  await page.locator("[data-rules]").fill(RULES);
  await page.locator("[data-diagnostics] li").first().waitFor();
  await page.locator("[data-ruleset-diagnostics] li").first().waitFor();
  return { context, page, scripts };
}

/** Each problem item's Chinese line, hint and English line. */
function items(page: Page, list: string) {
  return page.locator(`${list} li`).evaluateAll((lis) =>
    lis.map((li) => ({
      zh: li.querySelector(".pg-zh")?.textContent ?? null,
      hint: li.querySelector(".pg-hint")?.textContent ?? null,
      english: li.querySelector(".pg-english[lang=en]")?.textContent ?? null,
      englishShown: (li.querySelector(".pg-english") as HTMLElement | null)?.offsetHeight ?? 0,
      text: li.textContent ?? "",
    })),
  );
}

describe("problems in the zh-TW playground", () => {
  it("are in Chinese, their English line kept and shown (a line cut short too)", async () => {
    const { context, page, scripts } = await open("zh-tw/");
    try {
      await expect.poll(() => page.locator("[data-diagnostics] .pg-zh").count()).toBe(3);
      const log = await items(page, "[data-diagnostics]");
      expect(log[0]?.zh).toBe(
        "log:1:16 警告：不認得的 LOG 前綴 '[lab-in]'（1 行）：是哪個 table 的哪條 chain 寫的？",
      );
      expect(log[0]?.hint).toMatch(
        /^提示：把 LOG 前綴取成 .*在下方「未知的 LOG 前綴」指定.*貼上記錄它的規則集/,
      );
      expect(log[0]?.hint).not.toContain("--prefix-map");
      expect(log[0]?.english).toMatch(/^log:1:16: warning: unknown LOG prefix '\[lab-in\]' \(1 line\)/);
      expect(log[0]?.englishShown).toBeGreaterThan(0);
      // The cut line's error (the likeliest a reader pastes) is said in Chinese too.
      const cut = log.find((d) => d.text.startsWith("log:3:"));
      expect(cut?.zh).toMatch(/^log:3:\d+ 錯誤：DST= 後面應該是 IPv4 或 IPv6 位址，卻是空的$/);
      expect(cut?.english).toMatch(/^log:3:\d+: error: /);

      await expect.poll(() => page.locator("[data-ruleset-diagnostics] .pg-zh").count()).toBeGreaterThan(0);
      const rules = await items(page, "[data-ruleset-diagnostics]");
      expect(rules[0]?.zh).toMatch(
        /^ruleset:\d+:\d+ 警告：比對條件 '-m limit --limit 3\/min --limit-burst 10' 不在模擬範圍內$/,
      );
      // -m limit depends on how fast packets came (a rate), not on chance.
      expect(rules[0]?.hint).toMatch(/^提示：它的結果取決於之前的封包來得多快/);
      expect(rules[0]?.english).toMatch(/warning: match '-m limit .*' is not modelled$/);
      // The words came in their own file, loaded once problems were shown.
      expect(scripts.filter((s) => /diagnostics-zh/.test(s)).length).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it("a warning repeated by many rules is listed once, the others counted in Chinese, under its English line", async () => {
    const { context, page } = await open("zh-tw/");
    try {
      await expect.poll(() => page.locator("[data-ruleset-diagnostics] .pg-zh").count()).toBeGreaterThan(0);
      // ufw's rate-limited LOG rules: the same unmodelled match on many lines, one item.
      const folded = page.locator("[data-ruleset-diagnostics] li:has(.pg-more)").first();
      const more = (await folded.locator(".pg-more").textContent()) ?? "";
      expect(more).toMatch(/^另有 \d+ 個相同的問題，在第 \d+(, \d+)*(, …)? 行$/);
      const order = await folded.evaluate((el) => [...el.children].map((c) => c.className));
      expect(order).toEqual(["pg-zh", "pg-hint", "pg-english", "pg-more"]);
      // Folded: fewer items than warnings.
      const shown = await page.locator("[data-ruleset-diagnostics] li").count();
      const counted = await page
        .locator("[data-ruleset-diagnostics] .pg-more")
        .evaluateAll((ps) =>
          ps.reduce((n, p) => n + Number(/另有 (\d+)/.exec(p.textContent ?? "")?.[1] ?? 0), 0),
        );
      expect(shown + counted).toBeGreaterThan(shown);
    } finally {
      await context.close();
    }
  });

  it("are English on the English playground, which never loads the translation", async () => {
    const { context, page, scripts } = await open("");
    try {
      const log = await items(page, "[data-diagnostics]");
      expect(log[0]?.text).toMatch(/^log:1:16: warning: unknown LOG prefix '\[lab-in\]'/);
      expect(log[0]?.hint).toMatch(/^hint: .*"Unknown LOG prefixes" below/);
      expect(await page.locator(".pg-zh, .pg-english").count()).toBe(0);
      expect(scripts.filter((s) => /diagnostics-zh/.test(s))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
