/**
 * `packetwalk render --format svg` opened on its own in a bare browser (a
 * file:// URL, no site, no fonts but its own) looks like the same diagram
 * inline in a page that loads the site's fonts: same size, labels unclipped,
 * pixels alike. Without its embedded fonts it would not (checked too, so the
 * comparison can tell).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../src/browser/find-chromium.ts";
import { fontPackages } from "../../../src/browser/font-assets.ts";
import { checkXml } from "../../helpers/check-xml.ts";

const root = join(import.meta.dirname, "../../..");
const out = mkdtempSync(join(tmpdir(), "packetwalk-standalone-"));
const svgFile = join(out, "c2w.svg");
let browser: Browser;

beforeAll(async () => {
  const r = spawnSync(
    process.execPath,
    [
      join(root, "bin/packetwalk.mjs"),
      "render",
      "traces/docker-bridge/container-to-wan",
      "--format",
      "svg",
      "--out",
      svgFile,
    ],
    { cwd: root, encoding: "utf8", timeout: 180_000 },
  );
  if (r.status !== 0) throw new Error(`render failed: ${r.stderr}`);
  ({ browser } = await launchChromium());
});
afterAll(async () => {
  await browser?.close();
  rmSync(out, { recursive: true, force: true });
});

/** Opens an SVG file by itself, as a reader who downloaded it would. */
async function openBare(file: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1500 } });
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return { page, close: () => context.close() };
}

/** A page like the site's: the @fontsource CSS served from node_modules, the diagram inline. */
async function openSiteLike(svgMarkup: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1500 } });
  const packages = fontPackages();
  await context.route("http://site.test/**", async (route) => {
    const { pathname } = new URL(route.request().url());
    if (pathname === "/") {
      const links = packages
        .map((p) => `<link rel="stylesheet" href="/fonts/${p.name.replace("@fontsource/", "")}/400.css">`)
        .join("");
      await route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><html><head><meta charset="utf-8">${links}<style>body{margin:0}</style></head><body>${svgMarkup}</body></html>`,
      });
      return;
    }
    const m = /^\/fonts\/([a-z0-9-]+)\/(.+)$/.exec(pathname);
    const pkg = packages.find((p) => p.name === `@fontsource/${m?.[1]}`);
    if (!m || !pkg) return route.fulfill({ status: 404 });
    const type = pathname.endsWith(".css")
      ? "text/css"
      : pathname.endsWith(".woff2")
        ? "font/woff2"
        : "font/woff";
    await route.fulfill({ contentType: type, body: readFileSync(join(pkg.dir, m[2] ?? "")) });
  });
  const page = await context.newPage();
  await page.goto("http://site.test/");
  await page.evaluate(async () => {
    await document.fonts.load('16px "Noto Sans"', document.body.textContent ?? "");
    await document.fonts.ready;
  });
  return { page, close: () => context.close() };
}

type Box = { x: number; y: number; width: number; height: number };

/** The first diagram's own box in the standalone document (its x, y, width, height; not its drawing's bounds). */
function nestedBox(page: Page): Promise<Box> {
  return page.evaluate(() => {
    const el = document.querySelector("svg > svg");
    const n = (name: string) => Number(el?.getAttribute(name) ?? 0);
    return { x: n("x"), y: n("y"), width: n("width"), height: n("height") };
  });
}

/** A screenshot of a box of the page, rounded out to whole pixels the same way for both pages. */
function shotOfBox(page: Page, box: Box): Promise<Buffer> {
  return page.screenshot({
    clip: {
      x: Math.round(box.x),
      y: Math.round(box.y),
      width: Math.floor(box.width),
      height: Math.floor(box.height),
    },
  });
}

/** Share of pixels whose colour differs noticeably between two PNGs of the same size (compared in the browser). */
async function pixelDifference(page: Page, a: Buffer, b: Buffer): Promise<number> {
  // PNG IHDR: width and height at bytes 16 and 20.
  const size = (png: Buffer) => `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`;
  expect(size(a), "the two pictures have the same size").toBe(size(b));
  return page.evaluate(
    async ([a64, b64]) => {
      const load = async (b: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b}`;
        await img.decode();
        const c = document.createElement("canvas");
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext("2d") as CanvasRenderingContext2D;
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, img.width, img.height);
      };
      const [x, y] = [await load(a64 as string), await load(b64 as string)];
      if (x.width !== y.width || x.height !== y.height) return 1;
      let differing = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        const d = Math.max(
          Math.abs((x.data[i] ?? 0) - (y.data[i] ?? 0)),
          Math.abs((x.data[i + 1] ?? 0) - (y.data[i + 1] ?? 0)),
          Math.abs((x.data[i + 2] ?? 0) - (y.data[i + 2] ?? 0)),
        );
        if (d > 48) differing++;
      }
      return differing / (x.width * x.height);
    },
    [a.toString("base64"), b.toString("base64")],
  );
}

describe("a standalone SVG from packetwalk render", () => {
  it("is one XML document that a bare browser opens as SVG, with its labels unclipped in the embedded font", async () => {
    const svg = readFileSync(svgFile, "utf8");
    expect(checkXml(svg).roots).toEqual(["svg"]);
    const { page, close } = await openBare(svgFile);
    try {
      const state = await page.evaluate(() => ({
        root: document.documentElement.localName,
        parseErrors: document.getElementsByTagName("parsererror").length,
        fonts: [...document.fonts]
          .filter((f) => f.status === "loaded")
          .map((f) => f.family.replace(/"/g, "")),
        labels: document.querySelectorAll("foreignObject").length,
        clipped: [...document.querySelectorAll("foreignObject")]
          .map((fo) => {
            const inner = fo.firstElementChild as HTMLElement | null;
            const width = Number(fo.getAttribute("width"));
            return inner && inner.scrollWidth > width + 1 ? (inner.textContent ?? "") : "";
          })
          .filter(Boolean),
      }));
      expect(state.root).toBe("svg");
      expect(state.parseErrors).toBe(0);
      expect(state.fonts).toContain("Noto Sans");
      expect(state.labels).toBeGreaterThan(10);
      expect(state.clipped).toEqual([]);
    } finally {
      await close();
    }
  });

  it("draws the diagram as the same diagram inline in a page with the site's fonts does, and not without its fonts", async () => {
    const bare = await openBare(svgFile);
    let standaloneShot: Buffer;
    let markup: string;
    try {
      const diagram = bare.page.locator("svg > svg").first();
      standaloneShot = await shotOfBox(bare.page, await nestedBox(bare.page));
      markup = await diagram.evaluate((el) => new XMLSerializer().serializeToString(el));
    } finally {
      await bare.close();
    }
    const site = await openSiteLike(markup);
    try {
      const box = await site.page.locator("body > svg").evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      const siteShot = await shotOfBox(site.page, box);
      const difference = await pixelDifference(site.page, standaloneShot, siteShot);
      console.log(
        `standalone svg: ${(difference * 100).toFixed(3)}% of pixels differ from the site-like page`,
      );
      // Antialiasing at other offsets differs a little; a wrong font or size differs by far more (below).
      expect(difference).toBeLessThan(0.005);

      // The control: the same file without its @font-face rules falls back to another font (or none).
      const unfonted = join(out, "no-fonts.svg");
      writeFileSync(unfonted, readFileSync(svgFile, "utf8").replace(/@font-face\{[^}]*\}/g, ""));
      const plain = await openBare(unfonted);
      try {
        const plainShot = await shotOfBox(plain.page, await nestedBox(plain.page));
        const without = await pixelDifference(site.page, plainShot, siteShot);
        console.log(`standalone svg without its fonts: ${(without * 100).toFixed(3)}% of pixels differ`);
        expect(without).toBeGreaterThan(difference * 4);
      } finally {
        await plain.close();
      }
    } finally {
      await site.close();
    }
  });
});
