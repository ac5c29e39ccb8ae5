/**
 * A lesson map beside its steps (1280 px) sticks in a box no taller than the window; a map taller
 * than that scrolls inside it. Its top and bottom edges then shade, as its sides do when it runs
 * past them, so a map cut at the bottom says that the rest of the packet's way is below.
 */
import { describe, expect, it } from "vitest";
import { useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

describe("a map taller than the window", () => {
  it("scrolls in its box, whose top and bottom edges shade, in both themes", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      try {
        const page = await context.newPage();
        await page.goto(`${site.server.url}${site.server.base}lessons/nft-internet/`);
        const box = await page
          .locator('.pw-trace[data-view="map"] .pw-diagram')
          .first()
          .evaluate((d) => {
            const s = getComputedStyle(d);
            return {
              position: s.position,
              tall: d.scrollHeight > d.clientHeight + 1,
              fitsWindow: d.getBoundingClientRect().height <= window.innerHeight,
              layers: s.backgroundImage,
            };
          });
        expect(box.position).toBe("sticky");
        expect(box.tall, "this lesson's map is taller than a 900 px window").toBe(true);
        expect(box.fitsWindow).toBe(true);
        // The shades: a radial gradient at the middle of the top edge and one at the bottom edge.
        expect(box.layers).toMatch(/radial-gradient\(farthest-side at 50% 0(px)?,/);
        expect(box.layers).toMatch(/radial-gradient\(farthest-side at 50% 100%,/);
        // And the side shades stay.
        expect(box.layers).toMatch(/radial-gradient\(farthest-side at 0(px)? 50%,/);
      } finally {
        await context.close();
      }
    }
  });
});
