/**
 * The ufw lab pasted into the playground (/playground/ and /zh-tw/playground/) as a reader would: its
 * log and its ruleset. Each step's listing folds the user chains the packet never entered, with the
 * same words and rule counts as the trace page built from the same recording, their rules there but
 * hidden until the reader opens one; the chains it went through stay open. Each rule's note is in the
 * page's language, none of them empty.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();
const at = (p: string) => `${site.server.url}${site.server.base}${p.replace(/^\//, "")}`;
const read = (f: string) => readFileSync(path.join(REPO_ROOT, f), "utf8");
const LOG = read("traces/ufw-docker/wan-to-a1-v6.log");
const RULES = read("traces/ufw-docker/rulesets/ufw-docker.rules");
/** A character of the zh-TW notes (CJK ideographs, their punctuation and full-width forms). */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** Each step's hook, its folded chains' summaries, and the chains shown open (names only). */
async function foldsPerStep(page: Page, steps: string) {
  return page.$$eval(steps, (items) =>
    items.map((li) => ({
      hook: li.querySelector(".pw-hook")?.textContent ?? "",
      folded: [...li.querySelectorAll(".pw-chain-unentered")].map((c) =>
        (c.matches("details") ? c.querySelector("summary") : c)?.textContent?.replace(/\s+/g, " ").trim(),
      ),
      open: [...li.querySelectorAll("p.pw-chain-name:not(.pw-chain-unentered) code")].map(
        (c) => c.textContent,
      ),
    })),
  );
}

/** The playground in `prefix`'s language with the ufw lab's log and ruleset pasted, packet 1 shown. */
async function pasteUfwLab(prefix: string) {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watch = watchPage(page, site.server.url);
  await page.goto(at(`${prefix}/playground/`), { waitUntil: "load" });
  // A paste event, as a reader's paste: the page inserts the text itself unless it took it.
  await page.locator("[data-log]").focus();
  await page.evaluate((text) => {
    const box = document.querySelector<HTMLTextAreaElement>("[data-log]") as HTMLTextAreaElement;
    const data = new DataTransfer();
    data.setData("text/plain", text);
    if (
      box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }))
    ) {
      box.value = text;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }, LOG);
  await page.locator("details[data-rules-box] summary").click();
  await page.locator("[data-rules]").fill(RULES);
  await page.locator("[data-steps] .pw-rule.pw-matched").first().waitFor();
  return { context, page, watch };
}

describe("the ufw lab in the playground", () => {
  for (const [prefix, words] of [
    [
      "",
      {
        folded: "filter ufw6-before-forward not entered by this packet (9 rules)",
        step: "ip6:filter:FORWARD",
      },
    ],
    [
      "/zh-tw",
      { folded: "filter ufw6-before-forward 這個封包沒有進入（9 條規則）", step: "ip6:filter:FORWARD" },
    ],
  ] as const) {
    it(`folds ufw's forward chains the published port's SYN never entered, as the trace page does (${prefix || "/"})`, async () => {
      const { context, page, watch } = await pasteUfwLab(prefix);
      try {
        const mine = await foldsPerStep(page, "[data-steps] > li");
        const forward = mine.find((s) => s.hook === words.step);
        expect(forward?.folded).toContain(words.folded);
        expect(forward?.folded.every((f) => f?.startsWith("filter ufw6-"))).toBe(true);
        // The chains the packet went through stay open, Docker's accept among them.
        expect(forward?.open).toEqual(
          expect.arrayContaining([
            "filter FORWARD",
            "filter DOCKER-USER",
            "filter DOCKER-FORWARD",
            "filter DOCKER",
          ]),
        );
        // Folded: a reader sees the summary, not the rules, until they open it.
        const step = page
          .locator("[data-steps] > li")
          .filter({ has: page.locator(".pw-hook", { hasText: words.step }) });
        const folded = step.locator("details.pw-chain-unentered").filter({ hasText: "ufw6-before-forward" });
        const rule = folded.locator("li.pw-rule").first();
        expect(await folded.locator("summary").isVisible()).toBe(true);
        expect(await rule.isVisible()).toBe(false);
        await folded.locator("summary").click();
        expect(await rule.isVisible()).toBe(true);
        expect(await step.locator("li.pw-rule").filter({ hasText: "--dport 80 -j ACCEPT" }).isVisible()).toBe(
          true,
        );
        expect(watch.problems).toEqual([]);
        // Each rule's note in the page's language only, none emptied: the English page's worker is built
        // without the Chinese halves (src/plugin/drop-other-language-notes.ts), the zh-TW page's keeps them.
        const notes = await page.locator("[data-steps] li.pw-rule .pw-note").allTextContents();
        expect(notes.length).toBeGreaterThan(10);
        expect(
          notes.filter((n) => n.trim() === ""),
          "no empty note",
        ).toEqual([]);
        const chinese = notes.filter((n) => CJK.test(n));
        if (prefix === "") expect(chinese, "no Chinese note on the English page").toEqual([]);
        else expect(chinese.length, "Chinese notes on the zh-TW page").toBeGreaterThan(notes.length / 2);

        // Every step folds what the trace page built from the same recording folds, word for word.
        await page.goto(at(`${prefix}/traces/ufw-docker/wan-to-a1-v6/`));
        const built = await foldsPerStep(page, ".pw-direction[data-direction=request] .pw-step");
        expect(built.some((s) => s.folded.length > 0)).toBe(true);
        expect(mine.map((s) => s.folded)).toEqual(built.map((s) => s.folded));
      } finally {
        await context.close();
      }
    });
  }
});
