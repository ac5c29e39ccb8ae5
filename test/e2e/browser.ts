/**
 * What every end-to-end test needs: Chromium (found the same way the plugin
 * finds it), the list of built pages, and a watcher that records what would
 * bother a reader (console errors, failed or off-site requests).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium } from "../../src/browser/find-chromium.ts";
import { buildLocation, DIST_DIR, type DistServer, serveDist } from "./serve-dist.ts";

/** Repository root. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
/** Lesson Markdown, by locale folder; follows `PACKETWALK_CONTENT_DIR` like astro.config.mjs. */
export const LESSONS_DIR = path.resolve(
  REPO_ROOT,
  process.env.PACKETWALK_CONTENT_DIR ?? "content",
  "lessons",
);
/** A URL path (under the build's base) no page will ever have: the server answers it with 404.html. */
export function missingPath(root: string = DIST_DIR): string {
  return `${buildLocation(root).base}no-such-page-e2e/`;
}

/** The base path dist/ was built for (`/` or e.g. `/packetwalk/`), read from the build. */
export function distBase(root: string = DIST_DIR): string {
  return buildLocation(root).base;
}

/** A URL path under the build's base without the base: `/packetwalk/lessons/x/` → `/lessons/x/`. */
export function siteRelative(urlPath: string, root: string = DIST_DIR): string {
  const base = distBase(root);
  return urlPath.startsWith(base) ? `/${urlPath.slice(base.length)}` : urlPath;
}

/** Launches headless Chromium via the plugin's discovery (`src/browser/find-chromium.ts`). */
export async function launchBrowser(): Promise<Browser> {
  const { browser } = await launchChromium();
  return browser;
}

/** One built page. */
export interface SitePage {
  /** File under dist/, e.g. `lessons/x/index.html`. */
  file: string;
  /** The page's own URL path under the build's base, e.g. `/lessons/x/` or `/packetwalk/lessons/x/` (for 404.html: `<base>404.html`). */
  path: string;
  /** Path to request it at: the page's path, or {@link missingPath} for the 404 page. */
  requestPath: string;
  /** Status the server must answer `requestPath` with. */
  status: 200 | 404;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Every file under `root`, as paths relative to it with `/` separators, sorted. */
export function distFiles(root: string = DIST_DIR): string[] {
  return walk(root)
    .map((f) => path.relative(root, f).split(path.sep).join("/"))
    .sort();
}

/**
 * Every page of the built site: each `index.html` and `404.html`.
 * @param root built site; default dist/
 */
export function listPages(root: string = DIST_DIR): SitePage[] {
  const pages: SitePage[] = [];
  const base = distBase(root);
  for (const file of distFiles(root)) {
    if (file === "404.html") {
      pages.push({ file, path: `${base}404.html`, requestPath: missingPath(root), status: 404 });
    } else if (file === "index.html" || file.endsWith("/index.html")) {
      const urlPath = `${base}${file.slice(0, -"index.html".length)}`;
      pages.push({ file, path: urlPath, requestPath: urlPath, status: 200 });
    }
  }
  return pages;
}

/** The HTML of a built page. */
export function readPageHtml(page: SitePage, root: string = DIST_DIR): string {
  return readFileSync(path.join(root, page.file), "utf8");
}

/** Lesson pages (English and translations). */
export function lessonPages(root: string = DIST_DIR): SitePage[] {
  return listPages(root).filter((p) => /^\/([a-z-]+\/)?lessons\/[^/]+\/$/.test(siteRelative(p.path, root)));
}

/** Number of diagram figures (`<figure class="pw-trace">`) in a page's HTML. */
export function countDiagrams(html: string): number {
  return (html.match(/<figure\b[^>]*\bclass="[^"]*\bpw-trace\b[^"]*"/g) ?? []).length;
}

/** Lesson Markdown files (relative to the repo) that use the `::trace` directive. */
export function lessonsUsingTrace(dir: string = LESSONS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return walk(dir)
    .filter((f) => f.endsWith(".md") || f.endsWith(".mdx"))
    .filter((f) => /^\s*::trace\b/m.test(readFileSync(f, "utf8")))
    .map((f) => path.relative(REPO_ROOT, f));
}

/** What went wrong while a page loaded, as readable lines. */
export interface PageWatch {
  /** Console errors, uncaught exceptions, failed requests, error responses, off-site requests. */
  problems: string[];
  /** Every URL the page requested, in order. */
  requests: string[];
}

/**
 * Records problems on `page` from now on.
 * @param origin the local server's origin; any request elsewhere is a problem
 * @param expectedStatus URL -> status that is not a failure (the 404 page's own document)
 */
export function watchPage(
  page: Page,
  origin: string,
  expectedStatus: Record<string, number> = {},
): PageWatch {
  const watch: PageWatch = { problems: [], requests: [] };
  page.on("console", (msg) => {
    // Chromium logs every 4xx response as a console error; the expected ones are not problems.
    if (msg.type() !== "error") return;
    const expected = expectedStatus[msg.location().url] !== undefined;
    if (expected && msg.text().startsWith("Failed to load resource")) return;
    watch.problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (error) => watch.problems.push(`uncaught exception: ${error.message}`));
  page.on("request", (req) => {
    const url = req.url();
    watch.requests.push(url);
    if (!url.startsWith(`${origin}/`) && !url.startsWith("data:") && !url.startsWith("blob:")) {
      watch.problems.push(`request to another host: ${url}`);
    }
  });
  page.on("requestfailed", (req) =>
    watch.problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on("response", (res) => {
    const expected = expectedStatus[res.url()];
    if (res.status() >= 400 && res.status() !== expected)
      watch.problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return watch;
}

/** Built pages that hold at least one diagram, most diagrams first. */
export function diagramPages(root: string = DIST_DIR): { page: SitePage; diagrams: number }[] {
  return listPages(root)
    .map((page) => ({ page, diagrams: countDiagrams(readPageHtml(page, root)) }))
    .filter((p) => p.diagrams > 0)
    .sort((a, b) => b.diagrams - a.diagrams);
}

/**
 * Why the diagram checks have nothing to look at, or undefined when they do.
 * Throws when lessons use `::trace` but no built page holds a diagram: then
 * the diagrams went missing, and skipping would hide it.
 */
export function noDiagramReason(root: string = DIST_DIR): string | undefined {
  if (diagramPages(root).length > 0) return undefined;
  const using = lessonsUsingTrace();
  if (using.length > 0) {
    throw new Error(
      `no built page holds a diagram (figure.pw-trace), yet these lessons use ::trace: ${using.join(", ")}.\n` +
        "hint: the remark plugin dropped the diagrams; rebuild with `npm run build` and read its warnings.",
    );
  }
  return "no lesson under content/lessons uses ::trace yet, so the site has no diagram to check";
}

/** Relative luminance (0 black .. 1 white) of a computed CSS colour like `rgb(17, 20, 24)`. */
export function luminance(cssColor: string): number {
  const [r = 0, g = 0, b = 0] = (cssColor.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The server and browser a test file shares; filled in by the `beforeAll` that {@link useSite} registers. */
export interface Site {
  server: DistServer;
  browser: Browser;
}

/** Serves `dist/` and launches Chromium once for the calling test file, and closes both after it. */
export function useSite(): Site {
  const site = {} as Site;
  beforeAll(async () => {
    site.server = await serveDist();
    site.browser = await launchBrowser();
  });
  afterAll(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

/**
 * Chromium's own account of the fonts that drew the first element matching `selector` (after the page's
 * fonts loaded): family names, and whether each is a web font of the page.
 */
export async function drawingFonts(
  page: Page,
  selector: string,
): Promise<{ familyName: string; isCustomFont: boolean }[]> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
  return fonts;
}
