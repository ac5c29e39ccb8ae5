/**
 * Build-time Mermaid: official Mermaid 12 in ONE headless Chromium for the
 * whole build, a pool of pages sized to the machine, each page initialised
 * once (Mermaid configured, fonts loaded) and reused for every diagram.
 *
 * Diagrams are content-addressed: the cache key and the render depend only on
 * what is drawn (the Mermaid source, the theme, Mermaid's and the fonts'
 * versions), never on where the diagram is shown. Each distinct diagram is
 * rendered at most once per build, whatever the number of pages, locales and
 * positions showing it; its SVG then gets the ids of each placement
 * ({@link placeSvg}). One SVG serves both page themes: its colours are CSS
 * custom properties ({@link themeSvg}). The built pages ship no Mermaid JS.
 *
 * The browser starts lazily on the first cache miss; call `close()` at the end.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { type DiagramPalette, type ThemeVariables, themedVariables, themeSvg } from "./diagram-theme.ts";
import { type LaunchedChromium, launchChromium } from "./find-chromium.ts";
import { DIAGRAM_FONT_FAMILY, fontFingerprint, fontPackages } from "./font-assets.ts";
import { mermaidConfig } from "./mermaid-config.ts";
import { scopeIds } from "./scope-svg-ids.ts";

/** Re-exported for callers that knew it here; it lives in the Node-free `scope-svg-ids.ts`. */
export { scopeIds };

import { placeSvg } from "./place-svg.ts";
import { pruneSvgStyle } from "./prune-svg-style.ts";

const require = createRequire(import.meta.url);

/** Options of {@link createMermaidRenderer}. */
export interface MermaidRendererOptions {
  /** Pages rendering at once in the one browser; default `os.availableParallelism()`. */
  pages?: number;
  /** Cache folder, or `false` for none; default `node_modules/.cache/packetwalk/svg` under the current directory. */
  cacheDir?: string | false;
  /** Seed for Mermaid's hand-drawn shapes, so paths are the same every run; default 1. */
  handDrawnSeed?: number;
  /** Font size of labels; default `15px`. */
  fontSize?: string;
  /** How to start the browser; default {@link launchChromium}. */
  launch?: () => Promise<LaunchedChromium>;
  /** Keep only the rules of Mermaid's stylesheet that match something in the SVG; default true. */
  pruneStyles?: boolean;
}

/** One diagram to render. */
export interface RenderRequest {
  /** Mermaid source. */
  source: string;
  /**
   * The placement's id, unique on the page (letters, digits, `-`, `_`): the SVG's root id, and the
   * prefix of every id inside it. Default: the diagram's content id ({@link RenderedDiagram.contentId}).
   */
  id?: string;
}

/** A rendered diagram: one SVG for both page themes. */
export interface RenderedDiagram {
  /** The SVG, its ids those of the placement. Colours are `var(--pw-m-…, <light value>)`. */
  svg: string;
  /** The id derived from the diagram's content, which the cached SVG carries. */
  contentId: string;
  /** True when the SVG came from the disk cache. */
  fromCache: boolean;
}

/** Counters, so a build can assert what it rendered. */
export interface RendererStats {
  /** Diagrams asked for (placements). */
  requests: number;
  /** Distinct diagrams asked for. */
  distinct: number;
  /** Diagrams rendered in the browser. */
  rendered: number;
  /** Distinct diagrams served from the disk cache. */
  cacheHits: number;
  /** Browser launches (0 or 1). */
  launches: number;
  /** Pages of the pool (the most rendering at once). */
  pool: number;
}

/** The renderer: `render` many diagrams (concurrently is best), then `close` once. */
export interface MermaidRenderer {
  render(request: RenderRequest): Promise<RenderedDiagram>;
  /** The light and dark value of every colour variable the SVGs use (starts the browser). */
  palette(): Promise<DiagramPalette>;
  /**
   * A PNG of `html` (a body fragment, light scheme, the diagram fonts loaded) at `width`×`height` CSS px,
   * on one page of the same browser kept for pictures (starts the browser).
   */
  screenshot(html: string, size: { width: number; height: number }): Promise<Buffer>;
  readonly stats: RendererStats;
  /** Which browser was launched, once one was. */
  readonly browserInfo: { executablePath: string; source: string } | undefined;
  close(): Promise<void>;
}

/** Thrown when Mermaid rejects a source; carries Mermaid's message. */
export class MermaidRenderError extends Error {
  /** Mermaid's own message. */
  readonly detail: string;
  constructor(id: string, detail: string) {
    super(`Mermaid could not render diagram '${id}': ${detail}`);
    this.name = "MermaidRenderError";
    this.detail = detail;
  }
}

const ORIGIN = "http://packetwalk.invalid";
// Bump when the post-processing of SVGs changes, so old cache entries are not reused.
// Bumped when what is rendered or measured changes (4: the bold faces are loaded too).
const RENDERER_FORMAT = "packetwalk-svg/4";

function mermaidInfo(): { script: string; version: string } {
  const pkgJson = require.resolve("mermaid/package.json");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  return { script: join(dirname(pkgJson), "dist/mermaid.min.js"), version };
}

export { mermaidConfig } from "./mermaid-config.ts";

/** The id a diagram is rendered under: from its cache key, so no label can contain it. */
function contentIdOf(key: string): string {
  return `pwd${key.slice(0, 16)}`;
}

interface Theme {
  themeVariables: ThemeVariables;
  palette: DiagramPalette;
}

/** Creates a renderer; nothing starts until the first diagram that is not in the cache. */
export function createMermaidRenderer(options: MermaidRendererOptions = {}): MermaidRenderer {
  const poolSize = Math.max(1, options.pages ?? availableParallelism());
  const cacheDir =
    options.cacheDir === false
      ? undefined
      : resolve(options.cacheDir ?? "node_modules/.cache/packetwalk/svg");
  const handDrawnSeed = options.handDrawnSeed ?? 1;
  const fontSize = options.fontSize ?? "15px";
  const pruneStyles = options.pruneStyles ?? true;
  const mermaid = mermaidInfo();
  const keyBase = [
    RENDERER_FORMAT,
    `mermaid@${mermaid.version}`,
    "theme=base+default/dark",
    fontFingerprint(),
    `seed=${handDrawnSeed}`,
    `size=${fontSize}`,
    `prune=${pruneStyles}`,
  ].join("\n");
  const stats: RendererStats = {
    requests: 0,
    distinct: 0,
    rendered: 0,
    cacheHits: 0,
    launches: 0,
    pool: poolSize,
  };
  // Content key -> its SVG (under its content id), so a diagram shown twice is drawn once.
  const diagrams = new Map<string, Promise<{ svg: string; fromCache: boolean }>>();
  let launched: Promise<LaunchedChromium> | undefined;
  let launchedInfo: { executablePath: string; source: string } | undefined;
  let theme: Promise<Theme> | undefined;
  const idle: Page[] = [];
  const waiting: Array<(page: Page) => void> = [];
  let pagesOpen = 0;
  let closed = false;
  // The page for screenshots, and the queue that gives it one picture at a time.
  let shotPage: Promise<Page> | undefined;
  let shots: Promise<unknown> = Promise.resolve();

  const browser = async (): Promise<Browser> => {
    if (!launched) {
      stats.launches++;
      launched = (options.launch ?? launchChromium)();
      launched
        .then((l) => (launchedInfo = { executablePath: l.executablePath, source: l.source }))
        .catch(() => {});
    }
    return (await launched).browser;
  };

  // Mermaid's light and dark theme variables, read once from the first page.
  const readTheme = async (page: Page): Promise<Theme> => {
    const read = await page.evaluate(() => {
      const m = (globalThis as unknown as { mermaid: MermaidGlobal }).mermaid;
      const vars = (name: string) => {
        m.initialize({ startOnLoad: false, theme: name });
        return JSON.parse(JSON.stringify(m.mermaidAPI.getConfig().themeVariables)) as Record<string, unknown>;
      };
      const light = vars("default");
      const dark = vars("dark");
      const colours = [...Object.values(light), ...Object.values(dark)].filter(
        (v): v is string => typeof v === "string" && CSS.supports("color", v),
      );
      return { light, dark, colours };
    });
    const colours = new Set(read.colours);
    return themedVariables(read.light, read.dark, (v) => colours.has(v));
  };

  const openPage = async (): Promise<Page> => {
    const page = await (await browser()).newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === "/") {
        return route.fulfill({ contentType: "text/html", body: pageHtml() });
      }
      const file = assetPath(url.pathname);
      return file ? route.fulfill({ path: file }) : route.fulfill({ status: 404, body: "" });
    });
    // Nothing but our own origin is ever fetched.
    await page.route(
      (url) => !url.href.startsWith(ORIGIN),
      (route) => route.abort(),
    );
    await page.goto(`${ORIGIN}/`);
    await page.addScriptTag({ path: mermaid.script });
    theme ??= readTheme(page);
    const config = mermaidConfig((await theme).themeVariables, { handDrawnSeed, fontSize });
    // Initialised once: every render resets to this configuration (a diagram's front matter applies to it alone).
    await page.evaluate(async (config) => {
      (globalThis as unknown as { mermaid: MermaidGlobal }).mermaid.initialize(config);
      await document.fonts.ready;
    }, config);
    return page;
  };

  const acquire = async (): Promise<Page> => {
    const page = idle.pop();
    if (page) return page;
    if (pagesOpen < poolSize) {
      pagesOpen++;
      try {
        return await openPage();
      } catch (error) {
        pagesOpen--;
        throw error;
      }
    }
    return new Promise((resolveWaiter) => waiting.push(resolveWaiter));
  };

  const release = (page: Page): void => {
    const next = waiting.shift();
    if (next) next(page);
    else idle.push(page);
  };

  const renderOn = async (page: Page, source: string, renderId: string): Promise<string> => {
    const result = await page.evaluate(
      async ({ source, renderId, family }) => {
        const m = (globalThis as unknown as { mermaid: MermaidGlobal }).mermaid;
        // Load the font faces (unicode-range subsets) this diagram's text needs before Mermaid measures it.
        // Bold too: map titles are <b>, and a synthesized bold is narrower than the real face the site shows.
        await Promise.all([
          document.fonts.load(`16px ${family}`, source),
          document.fonts.load(`bold 16px ${family}`, source),
        ]);
        try {
          const { svg } = await m.render(renderId, source);
          return { svg };
        } catch (error) {
          document.getElementById(`d${renderId}`)?.remove();
          return { error: error instanceof Error ? error.message : String(error) };
        }
      },
      { source, renderId, family: DIAGRAM_FONT_FAMILY },
    );
    if ("error" in result) throw new MermaidRenderError(renderId, String(result.error));
    const scoped = scopeIds(result.svg as string, renderId);
    // Mermaid's stylesheet covers every shape, look and feature: keep the rules that can match this SVG.
    return themeSvg(pruneStyles ? pruneSvgStyle(scoped) : scoped, ((await theme) as Theme).palette);
  };

  const draw = async (key: string, source: string): Promise<{ svg: string; fromCache: boolean }> => {
    const file = cacheDir ? join(cacheDir, `${key}.svg`) : undefined;
    if (file) {
      try {
        const svg = readFileSync(file, "utf8");
        stats.cacheHits++;
        return { svg, fromCache: true };
      } catch {
        // Not cached yet: render below.
      }
    }
    const page = await acquire();
    let svg: string;
    try {
      svg = await renderOn(page, source, contentIdOf(key));
    } finally {
      release(page);
    }
    stats.rendered++;
    if (file && cacheDir) {
      mkdirSync(cacheDir, { recursive: true });
      // Write then rename, so a crashed build never leaves half an SVG in the cache.
      writeFileSync(`${file}.${process.pid}.tmp`, svg);
      renameSync(`${file}.${process.pid}.tmp`, file);
    }
    return { svg, fromCache: false };
  };

  return {
    stats,
    get browserInfo() {
      return launchedInfo;
    },
    async render({ source, id }: RenderRequest): Promise<RenderedDiagram> {
      if (closed) throw new Error("the Mermaid renderer is closed");
      if (id !== undefined && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(id)) {
        throw new Error(
          `diagram id '${id}' must start with a letter and use only letters, digits, '-' and '_'`,
        );
      }
      stats.requests++;
      const key = createHash("sha256").update(`${keyBase}\n${source}`).digest("hex");
      let drawn = diagrams.get(key);
      if (!drawn) {
        stats.distinct++;
        drawn = draw(key, source);
        diagrams.set(key, drawn);
        // A failed render is not remembered: the error goes to every caller waiting now, and a later call tries again.
        drawn.catch(() => diagrams.delete(key));
      }
      const contentId = contentIdOf(key);
      let result: { svg: string; fromCache: boolean };
      try {
        result = await drawn;
      } catch (error) {
        if (error instanceof MermaidRenderError && id) throw new MermaidRenderError(id, error.detail);
        throw error;
      }
      return {
        svg: id ? placeSvg(result.svg, contentId, id) : result.svg,
        contentId,
        fromCache: result.fromCache,
      };
    },
    async palette() {
      if (!theme) release(await acquire());
      return (await (theme as Promise<Theme>)).palette;
    },
    screenshot(html, size) {
      if (closed) return Promise.reject(new Error("the Mermaid renderer is closed"));
      shotPage ??= openPage().then(async (page) => {
        await page.emulateMedia({ colorScheme: "light" });
        return page;
      });
      const shot = shots.then(async () => {
        const page = await (shotPage as Promise<Page>);
        await page.setViewportSize(size);
        await page.evaluate(
          async ({ html, family }) => {
            document.body.innerHTML = html;
            await Promise.all([
              document.fonts.load(`16px ${family}`, document.body.textContent ?? ""),
              document.fonts.load(`bold 16px ${family}`, document.body.textContent ?? ""),
            ]);
            await document.fonts.ready;
          },
          { html, family: DIAGRAM_FONT_FAMILY },
        );
        return page.screenshot({ type: "png", clip: { x: 0, y: 0, ...size } });
      });
      shots = shot.catch(() => undefined);
      return shot;
    },
    async close() {
      closed = true;
      if (launched) {
        const l = await launched.catch(() => undefined);
        await l?.browser.close();
      }
    },
  };
}

interface MermaidGlobal {
  initialize(config: unknown): void;
  render(id: string, text: string): Promise<{ svg: string }>;
  mermaidAPI: { getConfig(): { themeVariables: Record<string, unknown> } };
}

// Font files and CSS are served from their npm packages under /fonts/<package>/...
function assetPath(pathname: string): string | undefined {
  const m = /^\/fonts\/([a-z0-9-]+)\/([A-Za-z0-9._/-]+)$/.exec(pathname);
  if (!m || m[2]?.includes("..")) return undefined;
  const pkg = fontPackages().find((p) => p.name === `@fontsource/${m[1]}`);
  return pkg ? join(pkg.dir, m[2] as string) : undefined;
}

function pageHtml(): string {
  const links = fontPackages()
    .flatMap((p) =>
      ["400", "700"]
        .filter((w) => existsSync(join(p.dir, `${w}.css`)))
        .map((w) => `<link rel="stylesheet" href="/fonts/${p.name.replace("@fontsource/", "")}/${w}.css">`),
    )
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8">${links}<style>body{margin:0;font-family:${DIAGRAM_FONT_FAMILY}}</style></head><body></body></html>`;
}
