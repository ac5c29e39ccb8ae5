/**
 * After the build: the picture a link to a lesson shows when it is shared (`og:image`). The layout writes
 * placeholders ({@link OG_IMAGE}) into a lesson's head; this step draws a 1200×630 PNG card, light
 * theme, of the lesson's title and its first diagram (the title and description when it has none), names
 * it after its content, and fills the placeholders with its absolute URL and a text alternative.
 *
 * Cards are drawn in the build's one browser (the Mermaid renderer's) and kept in a cache folder by
 * content: a rebuild that changed nothing draws nothing.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeHTML, escapeAttribute } from "entities";
import { filesUnder } from "./files-under.ts";

/** The placeholders the layout writes, filled by {@link writeOgImages}. */
export const OG_IMAGE = {
  /** `content` of `og:image` and `twitter:image`: becomes the PNG's absolute URL. */
  url: "pw-og-image:url",
  /** `content` of `og:image:alt`: becomes the card's text alternative. */
  alt: "pw-og-image:alt",
} as const;

/** Size of the card, in CSS px (the PNG's pixels): the 1.91:1 that link previews show whole. */
export const OG_IMAGE_SIZE = { width: 1200, height: 630 } as const;

// Bumped when the card's layout changes, so cached PNGs are drawn again.
const CARD_FORMAT = "packetwalk-og/2";

/** What {@link writeOgImages} did. */
export interface OgImageReport {
  /** Pages whose placeholders were filled. */
  pages: number;
  /** Distinct cards drawn in the browser. */
  drawn: number;
  /** Distinct cards taken from the cache. */
  cached: number;
}

/** What a card shows, read from a built page. */
export interface CardContent {
  /** The lesson's title (the page's `<h1>`). */
  title: string;
  /** The page's description, shown when there is no diagram. */
  description: string;
  /** The first diagram's SVG, if the page has one. */
  svg?: string;
  /** The caption of the figure that holds it. */
  caption?: string;
  /** The text alternative: the figure's caption and what its diagram shows, or the title and description. */
  alt: string;
}

const text = (html: string) =>
  decodeHTML(html.replace(/<[^>]+>/g, ""))
    .replace(/\s+/g, " ")
    .trim();

/** The `<svg>…</svg>` that starts at `from` in `html`, nested SVGs included. */
function svgAt(html: string, from: number): string | undefined {
  let depth = 0;
  const re = /<svg\b|<\/svg>/g;
  re.lastIndex = from;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0] === "</svg>" ? -1 : 1;
    if (depth === 0) return html.slice(from, m.index + m[0].length);
  }
  return undefined;
}

/** What the card of a built lesson page shows: its first figure's first diagram, or its title alone. */
export function cardContent(html: string): CardContent {
  const title = text(/<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? "");
  const description = decodeHTML(/<meta name="description" content="([^"]*)"/.exec(html)?.[1] ?? "");
  const figure = /<figure\b[^>]*\bclass="[^"]*\bpw-trace\b/.exec(html);
  const diagram = figure ? /<div class="pw-diagram"[^>]*>/g : undefined;
  if (diagram && figure) diagram.lastIndex = figure.index;
  const div = diagram?.exec(html);
  const svgStart = div ? html.indexOf("<svg", div.index) : -1;
  const svg = svgStart >= 0 ? svgAt(html, svgStart) : undefined;
  if (!figure || !div || !svg)
    return { title, description, alt: [title, description].filter(Boolean).join(": ") };
  // The caption holds spans of its own (identifiers kept whole): it ends where the origin begins.
  const caption = text(
    /<span class="pw-caption">([\s\S]*?)<\/span> <span class="pw-origin/.exec(
      html.slice(figure.index),
    )?.[1] ?? "",
  );
  const shows = decodeHTML(/\baria-label="([^"]*)"/.exec(div[0])?.[1] ?? "");
  return { title, description, svg, caption, alt: [caption, shows].filter(Boolean).join(". ") };
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Room for the diagram on the card's right, and the most it is enlarged (a small diagram stays crisp). */
const DIAGRAM_BOX = { width: 600, height: 566, maxScale: 1.6 } as const;

/** The size the SVG is drawn at on the card: the whole diagram, as large as its box allows. */
export function diagramSize(svg: string): { width: number; height: number } {
  const [, , w = 0, h = 0] = (/\bviewBox="([^"]+)"/.exec(svg)?.[1] ?? "").split(/[\s,]+/).map(Number);
  if (!(w > 0 && h > 0)) return { width: DIAGRAM_BOX.width, height: DIAGRAM_BOX.height };
  const scale = Math.min(DIAGRAM_BOX.width / w, DIAGRAM_BOX.height / h, DIAGRAM_BOX.maxScale);
  return { width: Math.floor(w * scale), height: Math.floor(h * scale) };
}

/**
 * The card as an HTML fragment: the site's stylesheet (its `@font-face` rules left out: the browser has
 * the full fonts); on the left the site name, the title and the figure's caption, on the right the whole
 * first diagram, never cropped. Without a diagram, the title and description across the card.
 */
export function cardHtml(content: CardContent, siteTitle: string, siteCss: string): string {
  const css = siteCss.replace(/@font-face\s*\{[^}]*\}/g, "");
  const { width, height } = OG_IMAGE_SIZE;
  const size = content.svg ? diagramSize(content.svg) : undefined;
  const card = `
.pw-card{box-sizing:border-box;width:${width}px;height:${height}px;padding:32px 48px;background:#fff;color:#1b1f24;display:flex;gap:40px;align-items:center;overflow:hidden}
.pw-card-text{flex:1;min-width:0;display:flex;flex-direction:column;gap:18px;align-self:stretch;justify-content:center}
.pw-card-site{font-size:24px;color:#57606a;margin:0}
.pw-card-title{font-size:52px;font-weight:700;line-height:1.15;margin:0}
.pw-card-note{font-size:28px;line-height:1.4;color:#3b434b;margin:0}
.pw-card .pw-trace{flex:none;margin:0;padding:0;border:0}
.pw-card .pw-diagram{margin:0;padding:0;border:0;background:none;overflow:visible}
${size ? `.pw-card .pw-diagram svg{width:${size.width}px!important;height:${size.height}px!important;max-width:none!important;min-width:0!important}` : ""}`;
  const note = content.svg ? content.caption : content.description;
  const text = `<div class="pw-card-text"><p class="pw-card-site">${escapeHtml(siteTitle)}</p><h1 class="pw-card-title">${escapeHtml(content.title)}</h1>${note ? `<p class="pw-card-note">${escapeHtml(note)}</p>` : ""}</div>`;
  const diagram = content.svg
    ? `<div class="pw-trace" data-view="map"><div class="pw-diagram">${content.svg}</div></div>`
    : "";
  return `<style>${css}</style><style>${card}</style><div class="pw-card" data-theme="light">${text}${diagram}</div>`;
}

/** Options of {@link writeOgImages}. */
export interface OgImageOptions {
  /** The build output. */
  distDir: string;
  /** URL path the site is served under (`/` or `/packetwalk/`). */
  base: string;
  /** Draws a PNG of an HTML fragment (the Mermaid renderer's `screenshot`). */
  screenshot: (html: string, size: { width: number; height: number }) => Promise<Buffer>;
  /** Where drawn cards are kept by content. Default `node_modules/.cache/packetwalk/og`. */
  cacheDir?: string;
}

/** Draws (or takes from the cache) every card the built pages ask for, and fills their placeholders. */
export async function writeOgImages(options: OgImageOptions): Promise<OgImageReport> {
  const { distDir, base } = options;
  const cacheDir = options.cacheDir ?? "node_modules/.cache/packetwalk/og";
  const report: OgImageReport = { pages: 0, drawn: 0, cached: 0 };
  const cards = new Map<string, Promise<void>>();
  const jobs: Promise<void>[] = [];
  for (const file of filesUnder(distDir).filter((f) => f.endsWith(".html"))) {
    const html = readFileSync(file, "utf8");
    if (!html.includes(OG_IMAGE.url)) continue;
    const content = cardContent(html);
    const cssHref = /<link rel="stylesheet" href="([^"]+\.css)"/.exec(html)?.[1];
    const css = cssHref?.startsWith(base)
      ? readFileSync(join(distDir, cssHref.slice(base.length)), "utf8")
      : "";
    // The page's own absolute URL and site name: the card's URL honours the site the page was built for.
    const pageUrl = /<meta property="og:url" content="([^"]+)"/.exec(html)?.[1];
    if (!pageUrl)
      throw new Error(`${file}: an og:image placeholder but no og:url to make the picture's URL absolute`);
    const siteTitle = decodeHTML(/<meta property="og:site_name" content="([^"]*)"/.exec(html)?.[1] ?? "");
    const card = cardHtml(content, siteTitle, css);
    const hash = createHash("sha256").update(`${CARD_FORMAT}\n${card}`).digest("base64url").slice(0, 16);
    const name = `og/${hash}.png`;
    if (!cards.has(hash)) {
      const cached = join(cacheDir, `${hash}.png`);
      const fromCache = existsSync(cached);
      if (fromCache) report.cached++;
      else report.drawn++;
      cards.set(
        hash,
        (async () => {
          if (!fromCache) {
            const png = await options.screenshot(card, OG_IMAGE_SIZE);
            mkdirSync(cacheDir, { recursive: true });
            // Write then rename, so a crashed build never leaves half a PNG in the cache.
            writeFileSync(`${cached}.${process.pid}.tmp`, png);
            renameSync(`${cached}.${process.pid}.tmp`, cached);
          }
          mkdirSync(join(distDir, "og"), { recursive: true });
          copyFileSync(cached, join(distDir, name));
        })(),
      );
    }
    const url = new URL(`${base}${name}`, decodeHTML(pageUrl)).href;
    jobs.push(
      (cards.get(hash) as Promise<void>).then(() => {
        writeFileSync(
          file,
          html
            .replaceAll(OG_IMAGE.url, escapeAttribute(url))
            .replaceAll(OG_IMAGE.alt, escapeAttribute(content.alt)),
        );
        report.pages++;
      }),
    );
  }
  await Promise.all(jobs);
  return report;
}
