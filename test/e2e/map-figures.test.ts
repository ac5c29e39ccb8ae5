/**
 * The map figures as a reader meets them. On a phone (360 and 390 px, light
 * and, after the system switches, dark) every figure's first diagram shows the sender and step 1 (its
 * numbered line, badge included) without scrolling sideways, nothing cropped, and either its labels are 11 px or
 * more or its full-screen view opens readable (on step 1 whole and the
 * sender, or most of it when the two do not fit side by side) and pans and
 * zooms with buttons, keys and touch. On a wide screen, focusing a step keeps its box
 * in view, and every lesson map is whole and read in place (labels 11 px or
 * more): above its steps at 1100 px, beside them from 1280 px (where the
 * table of contents folds to the top of the page, up to 1600 px). A path view is read in place: at 390 px its labels are 11 px or
 * more. Screenshots of the first figure of three lessons and of the nftables
 * lab's "accept is not final" trace go to test-results/figures/ (1280 and
 * 390 px, light and dark).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagramPages, REPO_ROOT, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();
const OUT = path.join(REPO_ROOT, "test-results/figures");
const withMaps = diagramPages().map((d) => d.page);
const lessons = withMaps.filter((p) => /\/lessons\/[^/]+\/$/.test(p.path) && !p.path.includes("zh-tw"));

/** Geometry of the first direction block of figure `i` after scrolling it to the top of the screen. */
function firstView(page: Page, i: number) {
  return page.evaluate((index) => {
    const fig = document.querySelectorAll("figure.pw-trace")[index] as HTMLElement;
    const section = fig.querySelector(".pw-direction") as HTMLElement;
    // One SVG per diagram, themed by CSS: it must be the one shown, in either theme.
    const svg = section.querySelector<SVGSVGElement>(".pw-diagram > svg");
    if (!svg || svg.getClientRects().length === 0) return undefined;
    svg.scrollIntoView({ block: "start" });
    const box = (el: Element | null | undefined) => {
      const r = el?.getBoundingClientRect();
      return r ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom } : undefined;
    };
    // Step 1's numbered line with its badge, drawn by CSS on the line's left (outside the line's own box).
    const stepOneBox = (svg: Element) => {
      const line = svg.querySelector<HTMLElement>('.pwt[data-step~="1"]');
      if (!line) return box(svg.querySelector('g.node[data-step~="1"]'));
      const r = line.getBoundingClientRect();
      const badge = getComputedStyle(line, "::before");
      const k = r.width / line.offsetWidth;
      const room = 1.1 * parseFloat(getComputedStyle(line).fontSize);
      const width = parseFloat(badge.width) + parseFloat(badge.paddingLeft) + parseFloat(badge.paddingRight);
      return {
        left: Math.min(r.left, r.left + (room - width) * k),
        right: r.right,
        top: r.top,
        bottom: r.bottom,
      };
    };
    const natural = Number(svg.style.maxWidth.replace("px", "")) || svg.viewBox.baseVal.width;
    const sender = [...svg.querySelectorAll("g.node.endpoint")].sort(
      (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
    )[0];
    return {
      view: fig.dataset.view,
      svg: box(svg),
      sender: box(sender ?? svg.querySelector("g.node")),
      step1: stepOneBox(svg),
      label: (15 * svg.getBoundingClientRect().width) / natural,
      pageWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
    };
  }, i);
}

// One test per page (a run over every page outgrew one test's time as the course grew), one browser
// context per width. Each page is loaded once per width in light theme and then switched to dark as a
// system's night mode does: the geometry and the viewer are checked in both, the viewer's pan and zoom
// (which no colour changes) once.
describe.each([360, 390])("phone %i px", (width) => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await site.browser.newContext({
      viewport: { width, height: 780 },
      colorScheme: "light",
      isMobile: true,
      hasTouch: true,
    });
  });
  afterAll(async () => {
    await context?.close();
  });
  it.each(withMaps.map((p) => [p.path, p] as const))(
    "%s: every figure, light then dark: sender and step 1 in the first view, readable or zoomable",
    async (_, sitePage) => {
      const page = await context.newPage();
      try {
        await page.goto(`${site.server.url}${sitePage.requestPath}`);
        const figures = await page.locator("figure.pw-trace").count();
        for (const theme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme: theme });
          // The page hears the change as an event, after emulateMedia returns.
          await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
          for (let i = 0; i < figures; i++) {
            const where = `${sitePage.path} figure ${i + 1} (${theme})`;
            const v = await firstView(page, i);
            if (!v) throw new Error(`${where}: no diagram SVG shown in its first direction (${theme})`);
            expect(v.pageWidth, `${where}: the page does not scroll sideways`).toBeLessThanOrEqual(width);
            for (const [name, r] of [
              ["diagram", v.svg],
              ["sender", v.sender],
              ["step 1", v.step1],
            ] as const) {
              expect(r, `${where}: ${name}`).toBeDefined();
              expect(r?.left ?? -1, `${where}: ${name} starts on screen`).toBeGreaterThanOrEqual(0);
              expect(r?.right ?? 1e9, `${where}: ${name} ends on screen`).toBeLessThanOrEqual(width);
            }
            if (v.label >= 11) continue;
            // Too small to read in place: the full-screen view must open readable, sender and step 1 in view.
            // The first box's fill as the page shows it, to compare with the viewer's.
            const inPage = await page
              .locator("figure.pw-trace")
              .nth(i)
              .locator(".pw-direction .pw-diagram > svg")
              .first()
              .evaluate(
                (svg) => getComputedStyle(svg.querySelector("g.node rect, g.node polygon") as Element).fill,
              );
            const button = page.locator("figure.pw-trace").nth(i).locator(".pw-zoom").first();
            await button.tap();
            const dialog = page.locator("dialog.pw-viewer[open]");
            await expect.poll(() => dialog.count(), { message: `${where}: viewer opens` }).toBe(1);
            const scale = async () =>
              Number(await dialog.locator(".pw-viewer-content").getAttribute("data-scale"));
            expect(15 * (await scale()), `${where}: labels in the viewer`).toBeGreaterThanOrEqual(11);
            const inView = await page.evaluate(() => {
              const stage = document.querySelector(".pw-viewer-stage")?.getBoundingClientRect();
              const svg = [...document.querySelectorAll(".pw-viewer svg")].find(
                (s) => s.getClientRects().length,
              ) as Element;
              const sender = [...svg.querySelectorAll("g.node.endpoint")]
                .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0]
                ?.getBoundingClientRect();
              // Step 1's numbered line and its badge (see firstView).
              const line = svg.querySelector<HTMLElement>('.pwt[data-step~="1"]');
              let step1: { left: number; right: number; top: number; bottom: number } | undefined = svg
                .querySelector('g.node[data-step~="1"]')
                ?.getBoundingClientRect();
              if (line) {
                const r = line.getBoundingClientRect();
                const badge = getComputedStyle(line, "::before");
                const k = r.width / line.offsetWidth;
                const room = 1.1 * parseFloat(getComputedStyle(line).fontSize);
                const width =
                  parseFloat(badge.width) + parseFloat(badge.paddingLeft) + parseFloat(badge.paddingRight);
                step1 = {
                  left: Math.min(r.left, r.left + (room - width) * k),
                  right: r.right,
                  top: r.top,
                  bottom: r.bottom,
                };
              }
              const inside = (r?: { left: number; right: number; top: number; bottom: number }) =>
                !!r &&
                !!stage &&
                r.left >= stage.left - 1 &&
                r.right <= stage.right + 1 &&
                r.top >= stage.top - 1 &&
                r.bottom <= stage.bottom + 1;
              // The palette is set on .pw-diagram: the viewer must carry it, or a dark page shows light boxes.
              const fill = getComputedStyle(svg.querySelector("g.node rect, g.node polygon") as Element).fill;
              // When the two cannot both be whole at a readable scale, step 1 is, and most of the sender.
              const both =
                sender && step1 && stage
                  ? Math.max(sender.right, step1.right) - Math.min(sender.left, step1.left) <= stage.width - 2
                  : true;
              const shown =
                sender && stage
                  ? (Math.min(sender.right, stage.right) - Math.max(sender.left, stage.left)) / sender.width
                  : 0;
              return { sender: inside(sender) || (!both && shown >= 0.6), step1: inside(step1), fill };
            });
            expect(inView, `${where}: viewer opens on the sender and step 1, in the page's colours`).toEqual({
              sender: true,
              step1: true,
              fill: inPage,
            });
            // Buttons, keys and a touch drag all move the view (checked once: no colour changes them).
            if (theme === "light") {
              const before = await scale();
              await dialog.getByRole("button", { name: /Zoom in|放大/ }).tap();
              expect(await scale()).toBeGreaterThan(before);
              await page.keyboard.press("-");
              expect(await scale()).toBeCloseTo(before, 2);
              const transform = () =>
                dialog.locator(".pw-viewer-content").evaluate((el) => (el as HTMLElement).style.transform);
              const t0 = await transform();
              const cdp = await context.newCDPSession(page);
              const start = { x: width / 2, y: 400 };
              await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [start] });
              for (let k = 1; k <= 5; k++)
                await cdp.send("Input.dispatchTouchEvent", {
                  type: "touchMove",
                  touchPoints: [{ x: start.x - 20 * k, y: start.y - 10 * k }],
                });
              await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
              await cdp.detach();
              expect(await transform(), `${where}: a touch drag pans`).not.toBe(t0);
            }
            await page.keyboard.press("Escape");
            await expect.poll(() => dialog.count()).toBe(0);
            await expect
              .poll(() => page.locator("figure.pw-trace").nth(i).locator(".pw-diagram svg").count(), {
                message: `${where}: the diagram is back in its figure`,
              })
              .toBeGreaterThanOrEqual(1);
            break;
          }
        }
      } finally {
        await page.close();
      }
    },
  );
});

describe("path views on a phone", () => {
  it("every path view is read in place at 390 px: labels 11 px or more, nothing cropped", async () => {
    const context = await site.browser.newContext({
      viewport: { width: 390, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = await context.newPage();
      let seen = 0;
      // Only lessons embed path views (trace pages draw maps).
      for (const sitePage of withMaps.filter((p) => p.path.includes("/lessons/"))) {
        await page.goto(`${site.server.url}${sitePage.requestPath}`);
        const sizes = await page.evaluate(() =>
          [...document.querySelectorAll<SVGSVGElement>('figure.pw-trace[data-view="path"] .pw-diagram > svg')]
            .filter((svg) => svg.getClientRects().length > 0)
            .map((svg) => {
              const natural = Number(svg.style.maxWidth.replace("px", "")) || svg.viewBox.baseVal.width;
              const r = svg.getBoundingClientRect();
              return { id: svg.id, label: (15 * r.width) / natural, left: r.left, right: r.right };
            }),
        );
        for (const v of sizes) {
          seen++;
          const where = `${sitePage.path} ${v.id}`;
          expect(v.label, `${where}: label size in px`).toBeGreaterThanOrEqual(11);
          expect(v.left, `${where}: starts on screen`).toBeGreaterThanOrEqual(0);
          expect(v.right, `${where}: ends on screen`).toBeLessThanOrEqual(390);
        }
      }
      expect(seen, "path views checked").toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});

describe("wide screen", () => {
  it("focusing a step keeps its box on screen beside the list", async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const target = withMaps.find((p) => p.path.endsWith("/lessons/container-to-container/")) ?? withMaps[0];
      await page.goto(`${site.server.url}${target?.requestPath}`);
      const section = page.locator('figure.pw-trace[data-view="map"] .pw-direction').first();
      const steps = section.locator(".pw-step");
      const count = await steps.count();
      expect(count).toBeGreaterThan(3);
      for (const n of [1, Math.ceil(count / 2), count]) {
        await steps.nth(n - 1).focus();
        const r = await section.evaluate((el, step) => {
          const node = [...el.querySelectorAll(`svg g.node[data-step~="${step}"]`)].find(
            (x) => x.getClientRects().length,
          );
          const b = node?.getBoundingClientRect();
          return (
            b && {
              top: b.top,
              bottom: b.bottom,
              left: b.left,
              right: b.right,
              active: node?.classList.contains("is-active"),
            }
          );
        }, String(n));
        expect(r, `step ${n}`).toBeDefined();
        expect(r?.active).toBe(true);
        expect(r?.top ?? -1, `step ${n} box on screen`).toBeGreaterThanOrEqual(0);
        expect(r?.bottom ?? 1e9, `step ${n} box on screen`).toBeLessThanOrEqual(900);
        expect(r?.left ?? -1).toBeGreaterThanOrEqual(0);
        expect(r?.right ?? 1e9).toBeLessThanOrEqual(1280);
      }
    } finally {
      await context.close();
    }
  });

  it.each([
    [1100, "above the steps"],
    [1280, "beside the steps"],
    [1600, "beside the steps, with the table of contents"],
  ] as const)("at %i px every lesson map is whole, %s, its labels 11 px or more", async (width, how) => {
    const context = await site.browser.newContext({ viewport: { width, height: 900 } });
    try {
      const page = await context.newPage();
      let seen = 0;
      for (const lesson of lessons) {
        await page.goto(`${site.server.url}${lesson.requestPath}`);
        const maps = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('figure.pw-trace[data-view="map"] .pw-direction')]
            .map((section) => {
              const box = section.querySelector<HTMLElement>(".pw-diagram");
              const svg = box?.querySelector<SVGSVGElement>(":scope > svg");
              const steps = section.querySelector(".pw-steps")?.getBoundingClientRect();
              if (!box || !svg || !steps || svg.getClientRects().length === 0) return undefined;
              const natural = Number(svg.style.maxWidth.replace("px", "")) || svg.viewBox.baseVal.width;
              const r = svg.getBoundingClientRect();
              const b = box.getBoundingClientRect();
              return {
                id: svg.id,
                hidden: box.scrollWidth - box.clientWidth,
                label: (15 * r.width) / natural,
                beside: steps.left >= b.right - 1,
                right: b.right,
                toc: document.querySelector(".toc-column")?.getClientRects().length ?? 0,
              };
            })
            .filter((m) => m !== undefined),
        );
        for (const m of maps) {
          seen++;
          const where = `${lesson.path} ${m.id}`;
          expect(m.hidden, `${where}: px of the map hidden sideways`).toBeLessThanOrEqual(1);
          expect(m.label, `${where}: label size in px`).toBeGreaterThanOrEqual(11);
          expect(m.beside, `${where}: ${how}`).toBe(width >= 1280);
          expect(m.right, `${where}: inside the window`).toBeLessThanOrEqual(width);
          expect(m.toc > 0, `${where}: table of contents column`).toBe(width >= 1600);
        }
      }
      expect(seen, "maps checked").toBeGreaterThan(10);
    } finally {
      await context.close();
    }
  });

  it("writes screenshots of three lessons' first figures", async () => {
    mkdirSync(OUT, { recursive: true });
    const chosen = ["container-to-container", "wan-to-published-port", "host-to-container"]
      .map((slug) => lessons.find((p) => p.path.endsWith(`/${slug}/`)))
      .filter((p) => p !== undefined);
    expect(chosen.length).toBe(3);
    // The nftables lab's map: base chains per hook, the iptables FORWARD chain of the scenario marked †.
    const nft = withMaps.find((p) =>
      p.path.endsWith("/traces/docker-bridge-nft/container-to-wan-forward-drop/"),
    );
    expect(nft, "the nft lab's forward-drop trace page").toBeDefined();
    if (nft) chosen.push(nft);
    for (const p of chosen) {
      for (const width of [1280, 390]) {
        for (const theme of ["light", "dark"] as const) {
          const context = await site.browser.newContext({
            viewport: { width, height: width > 800 ? 900 : 780 },
            colorScheme: theme,
            isMobile: width < 800,
            hasTouch: width < 800,
          });
          const page = await context.newPage();
          await page.goto(`${site.server.url}${p.requestPath}`, { waitUntil: "networkidle" });
          await page
            .locator("figure.pw-trace .pw-direction")
            .first()
            .evaluate((el) => el.scrollIntoView());
          const file = path.join(OUT, `${p.path.split("/").filter(Boolean).join("-")}-${width}-${theme}.png`);
          await page.screenshot({ path: file });
          console.log(`screenshot: ${path.relative(REPO_ROOT, file)}`);
          await context.close();
        }
      }
    }
  });
});
