/**
 * Beside a map taller than the window (the sticky layout, from 80rem wide), the map follows the step
 * the reader is reading: scrolling the page until a step's card crosses the reading line (a third down
 * the window) scrolls the map's own box until that step's box is in view, with no pointer or focus.
 */
import { describe, expect, it } from "vitest";
import { lessonPages, siteRelative, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

describe("a tall map beside its steps", () => {
  it("follows the step card being read", async () => {
    const lesson = lessonPages().find((p) => siteRelative(p.path) === "/lessons/container-to-wan/");
    expect(lesson).toBeDefined();
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${site.server.url}${lesson?.requestPath}`);
      // The first direction whose map scrolls in its box.
      const at = await page.$$eval(".pw-trace[data-view='map'] .pw-direction", (sections) =>
        sections.findIndex((s) => {
          const box = s.querySelector<HTMLElement>(".pw-diagram");
          return (
            !!box && box.scrollHeight > box.clientHeight + 50 && s.querySelectorAll(".pw-step").length > 3
          );
        }),
      );
      expect(at, "a map taller than its box").toBeGreaterThanOrEqual(0);
      const section = page.locator(".pw-trace[data-view='map'] .pw-direction").nth(at);
      const steps = await section
        .locator(".pw-step[data-step]")
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step ?? ""));
      /** Scrolls the page until step `n`'s card sits on the reading line; where step n's map box then is. */
      const read = async (n: string) => {
        await section.locator(`.pw-step[data-step="${n}"]`).evaluate((card) => {
          const top = card.getBoundingClientRect().top + window.scrollY;
          window.scrollTo(0, top - window.innerHeight * 0.3);
        });
        await page.waitForTimeout(300);
        return section.evaluate((s, step) => {
          const box = s.querySelector(".pw-diagram")?.getBoundingClientRect();
          const node = [...s.querySelectorAll(`svg g.node[data-step~="${step}"]`)]
            .map((g) => g.getBoundingClientRect())
            .find((r) => r.height > 0);
          return {
            scrollTop: s.querySelector(".pw-diagram")?.scrollTop ?? -1,
            inView: !!box && !!node && node.top >= box.top - 1 && node.bottom <= box.bottom + 1,
          };
        }, n);
      };
      const last = await read(steps.at(-1) ?? "");
      expect(last.inView, `step ${steps.at(-1)}'s box is shown while its card is read`).toBe(true);
      expect(last.scrollTop).toBeGreaterThan(0);
      const first = await read(steps[0] ?? "");
      expect(first.inView, `step ${steps[0]}'s box is shown again`).toBe(true);
      expect(first.scrollTop).toBeLessThan(last.scrollTop);
    } finally {
      await context.close();
    }
  });
});
