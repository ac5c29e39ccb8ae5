/**
 * Screenshots of one lesson page (the one with the most diagrams) in light,
 * dark and on a phone, written to test-results/screenshots/ (git-ignored) for
 * a person to look at.
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContextOptions } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countDiagrams, launchBrowser, lessonPages, REPO_ROOT, readPageHtml } from "./browser.ts";
import { assertDistBuilt, type DistServer, serveDist } from "./serve-dist.ts";

assertDistBuilt();
/** Where the screenshots go. */
const OUT_DIR = path.join(REPO_ROOT, "test-results/screenshots");
const lesson = lessonPages()
  .map((page) => ({ page, diagrams: countDiagrams(readPageHtml(page)) }))
  .sort((a, b) => b.diagrams - a.diagrams)[0]?.page;
if (!lesson) throw new Error("no lesson page in dist/: nothing to take screenshots of");
const slug = lesson.path.split("/").filter(Boolean).join("-");

const SHOTS: { name: string; options: BrowserContextOptions }[] = [
  { name: "light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" } },
  { name: "dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" } },
  {
    name: "phone",
    options: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  },
];

let server: DistServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  server = await serveDist();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe(`screenshots of ${lesson.path}`, () => {
  const written: Record<string, Buffer> = {};

  it.each(SHOTS)("writes the $name screenshot", async ({ name, options }) => {
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}${lesson.requestPath}`, { waitUntil: "networkidle" });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const file = path.join(OUT_DIR, `${slug}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const png = readFileSync(file);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.length).toBeGreaterThan(10_000);
      written[name] = png;
      console.log(`screenshot: ${path.relative(REPO_ROOT, file)} (${Math.round(png.length / 1024)} KB)`);
    } finally {
      await context.close();
    }
  });

  it("the light and dark screenshots differ", () => {
    expect(written.light && written.dark && written.light.equals(written.dark)).toBe(false);
  });
});
