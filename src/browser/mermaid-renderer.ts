/**
 * Build-time Mermaid: official Mermaid 12 in ONE headless Chromium for the
 * whole build, diagrams rendered in a bounded pool of pages, each diagram in
 * a light and a dark theme, with a content-hash disk cache so an unchanged
 * diagram is never rendered again. The built pages ship no Mermaid JS.
 *
 * The browser starts lazily on the first cache miss; call `close()` at the end.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { type LaunchedChromium, launchChromium } from "./find-chromium.ts";
import { DIAGRAM_FONT_FAMILY, fontFingerprint, fontPackages } from "./font-assets.ts";

const require = createRequire(import.meta.url);

/** The two themes every diagram is rendered in. */
export const THEMES = ["light", "dark"] as const;
/** One of {@link THEMES}. */
export type Theme = (typeof THEMES)[number];

/** Options of {@link createMermaidRenderer}. */
export interface MermaidRendererOptions {
  /** Pages rendering at once in the one browser; default 2. */
  pages?: number;
  /** Cache folder, or `false` for none; default `node_modules/.cache/packetwalk/svg` under the current directory. */
  cacheDir?: string | false;
  /** Seed for Mermaid's hand-drawn shapes, so paths are the same every run; default 1. */
  handDrawnSeed?: number;
  /** Font size of labels; default `15px`. */
  fontSize?: string;
  /** How to start the browser; default {@link launchChromium}. */
  launch?: () => Promise<LaunchedChromium>;
}

/** One diagram to render. */
export interface RenderRequest {
  /** Mermaid source. */
  source: string;
  /** Unique on the page (letters, digits, `-`, `_`): the SVGs get ids `<id>-light` and `<id>-dark`. */
  id: string;
}

/** A rendered diagram: one SVG per theme. */
export interface RenderedDiagram {
  light: string;
  dark: string;
  /** True when both SVGs came from the disk cache. */
  fromCache: boolean;
}

/** Counters, so a build can assert a second run rendered nothing. */
export interface RendererStats {
  /** Diagrams rendered in the browser. */
  rendered: number;
  /** Diagrams served from the disk cache. */
  cacheHits: number;
  /** Browser launches (0 or 1). */
  launches: number;
}

/** The renderer: `render` many diagrams, then `close` once. */
export interface MermaidRenderer {
  render(request: RenderRequest): Promise<RenderedDiagram>;
  readonly stats: RendererStats;
  /** Which browser was launched, once one was. */
  readonly browserInfo: { executablePath: string; source: string } | undefined;
  close(): Promise<void>;
}

/** Thrown when Mermaid rejects a source; carries Mermaid's message. */
export class MermaidRenderError extends Error {
  constructor(id: string, message: string) {
    super(`Mermaid could not render diagram '${id}': ${message}`);
    this.name = "MermaidRenderError";
  }
}

const ORIGIN = "http://packetwalk.invalid";
// Bump when the post-processing of SVGs changes, so old cache entries are not reused.
// Bumped when what the page measures changes (here: the bold faces are loaded too).
const RENDERER_FORMAT = "packetwalk-svg/2";

function mermaidInfo(): { script: string; version: string } {
  const pkgJson = require.resolve("mermaid/package.json");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  return { script: join(dirname(pkgJson), "dist/mermaid.min.js"), version };
}

/** Mermaid configuration for one theme; the same for every diagram of a build. */
export function mermaidConfig(
  theme: Theme,
  id: string,
  options: { handDrawnSeed: number; fontSize: string },
) {
  return {
    startOnLoad: false,
    securityLevel: "strict",
    theme: theme === "light" ? "default" : "dark",
    themeVariables: { fontFamily: DIAGRAM_FONT_FAMILY, fontSize: options.fontSize },
    fontFamily: DIAGRAM_FONT_FAMILY,
    handDrawnSeed: options.handDrawnSeed,
    deterministicIds: true,
    deterministicIDSeed: id,
    flowchart: { htmlLabels: true },
  } as const;
}

/** Creates a renderer; nothing starts until the first diagram that is not in the cache. */
export function createMermaidRenderer(options: MermaidRendererOptions = {}): MermaidRenderer {
  const poolSize = Math.max(1, options.pages ?? 2);
  const cacheDir =
    options.cacheDir === false
      ? undefined
      : resolve(options.cacheDir ?? "node_modules/.cache/packetwalk/svg");
  const handDrawnSeed = options.handDrawnSeed ?? 1;
  const fontSize = options.fontSize ?? "15px";
  const mermaid = mermaidInfo();
  const keyBase = [
    RENDERER_FORMAT,
    `mermaid@${mermaid.version}`,
    fontFingerprint(),
    `seed=${handDrawnSeed}`,
    `size=${fontSize}`,
  ].join("\n");
  const stats: RendererStats = { rendered: 0, cacheHits: 0, launches: 0 };
  let launched: Promise<LaunchedChromium> | undefined;
  let launchedInfo: { executablePath: string; source: string } | undefined;
  const idle: Page[] = [];
  const waiting: Array<(page: Page) => void> = [];
  let pagesOpen = 0;
  let closed = false;

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
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
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

  const renderOn = async (page: Page, source: string, id: string, theme: Theme): Promise<string> => {
    const config = mermaidConfig(theme, `${id}-${theme}`, { handDrawnSeed, fontSize });
    const result = await page.evaluate(
      async ({ source, renderId, config, family }) => {
        const m = (globalThis as unknown as { mermaid: MermaidGlobal }).mermaid;
        // Load the font faces (unicode-range subsets) this diagram's text needs before Mermaid measures it.
        // Bold too: map titles are <b>, and a synthesized bold is narrower than the real face the site shows.
        await Promise.all([
          document.fonts.load(`16px ${family}`, source),
          document.fonts.load(`bold 16px ${family}`, source),
        ]);
        await document.fonts.ready;
        m.initialize(config);
        try {
          const { svg } = await m.render(renderId, source);
          return { svg };
        } catch (error) {
          document.getElementById(`d${renderId}`)?.remove();
          return { error: error instanceof Error ? error.message : String(error) };
        }
      },
      { source, renderId: `${id}-${theme}`, config, family: DIAGRAM_FONT_FAMILY },
    );
    if ("error" in result) throw new MermaidRenderError(id, String(result.error));
    return scopeIds(result.svg as string, `${id}-${theme}`);
  };

  return {
    stats,
    get browserInfo() {
      return launchedInfo;
    },
    async render({ source, id }: RenderRequest): Promise<RenderedDiagram> {
      if (closed) throw new Error("the Mermaid renderer is closed");
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(id)) {
        throw new Error(
          `diagram id '${id}' must start with a letter and use only letters, digits, '-' and '_'`,
        );
      }
      const keys = Object.fromEntries(
        THEMES.map((t) => [
          t,
          createHash("sha256").update(`${keyBase}\ntheme=${t}\nid=${id}\n${source}`).digest("hex"),
        ]),
      ) as Record<Theme, string>;
      if (cacheDir) {
        try {
          const light = readFileSync(join(cacheDir, `${keys.light}.svg`), "utf8");
          const dark = readFileSync(join(cacheDir, `${keys.dark}.svg`), "utf8");
          stats.cacheHits++;
          return { light, dark, fromCache: true };
        } catch {
          // Not cached yet: render below.
        }
      }
      const page = await acquire();
      let light: string;
      let dark: string;
      try {
        light = await renderOn(page, source, id, "light");
        dark = await renderOn(page, source, id, "dark");
      } finally {
        release(page);
      }
      stats.rendered++;
      if (cacheDir) {
        mkdirSync(cacheDir, { recursive: true });
        for (const [theme, svg] of [
          ["light", light],
          ["dark", dark],
        ] as const) {
          // Write then rename, so a crashed build never leaves half an SVG in the cache.
          const file = join(cacheDir, `${keys[theme]}.svg`);
          writeFileSync(`${file}.${process.pid}.tmp`, svg);
          renameSync(`${file}.${process.pid}.tmp`, file);
        }
      }
      return { light, dark, fromCache: false };
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
}

/**
 * Prefixes every id Mermaid left unscoped (edge paths such as `L_a_b_0`,
 * explicit edge ids) with the SVG's own id, and the references to them, so
 * that several SVGs inline on one page, and the light and dark copy of one
 * diagram, never share an id.
 */
export function scopeIds(svg: string, svgId: string): string {
  const foreign = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1] as string;
    if (id !== svgId && !id.startsWith(`${svgId}-`) && !id.startsWith(`${svgId}_`)) foreign.add(id);
  }
  if (foreign.size === 0) return svg;
  const escaped = [...foreign]
    .sort((a, b) => b.length - a.length)
    .map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const any = escaped.join("|");
  return svg
    .replace(new RegExp(`(\\sid=")(${any})(")`, "g"), `$1${svgId}-$2$3`)
    .replace(new RegExp(`(url\\(#)(${any})(\\))`, "g"), `$1${svgId}-$2$3`)
    .replace(new RegExp(`(href="#)(${any})(")`, "g"), `$1${svgId}-$2$3`);
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
