/**
 * One standalone SVG document from the diagrams Mermaid rendered for the site:
 * the diagrams stacked top to bottom, each under a caption, on the theme's
 * background, with the fonts they use embedded, serialized as XML (Mermaid's
 * HTML labels written as XHTML), so the file opens the same in any browser,
 * an `<img>`, or a Markdown preview, with no site around it. And a PNG of it.
 */
import type { Page } from "playwright-core";
import { embeddedFontCss } from "./embed-fonts.ts";
import { DIAGRAM_FONT_FAMILY } from "./font-assets.ts";

/** One diagram of the document. */
export interface SvgPart {
  /** An SVG as Mermaid rendered it (HTML serialization, as the site inlines it). */
  svg: string;
  /** Line shown above it. */
  caption: string;
}

/** Options of {@link composeStandaloneSvg}. */
export interface StandaloneSvgOptions {
  /** Background and caption colours; the parts must be rendered in the same theme. Default `light`. */
  theme?: "light" | "dark";
  /** Document title (`<title>`, accessible name). Default the first caption. */
  title?: string;
}

/** The site's page colours (src/styles/global.css `--bg`, `--fg`), so a PNG looks like the site. */
const COLORS = { light: { bg: "#ffffff", fg: "#1b1f24" }, dark: { bg: "#111418", fg: "#e6e9ed" } } as const;

/** Every character the document will show, for picking font slices (tags dropped, entities kept as text). */
function visibleText(parts: SvgPart[], title: string): string {
  return [
    title,
    ...parts.flatMap((p) => [
      p.caption,
      p.svg.replace(/<style[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, " "),
    ]),
  ].join(" ");
}

/**
 * Composes the parts into one SVG document, in `page` (any blank page of a
 * Chromium: its HTML parser reads Mermaid's labels, its XMLSerializer writes them as XML).
 * @returns the document, starting with an XML declaration
 */
export async function composeStandaloneSvg(
  page: Page,
  parts: SvgPart[],
  options: StandaloneSvgOptions = {},
): Promise<string> {
  if (parts.length === 0) throw new Error("no diagram to put in the SVG");
  const theme = options.theme ?? "light";
  const title = options.title ?? parts[0]?.caption ?? "packetwalk diagram";
  const fontCss = embeddedFontCss(visibleText(parts, title));
  // The embedded font, loaded in the page too, so captions are measured in the glyphs they will have.
  await page.setContent(
    `<!doctype html><html><head><meta charset='utf-8'><style>${fontCss}</style></head><body></body></html>`,
  );
  const xml = await page.evaluate(
    async ({ parts, title, fontCss, colors, family }) => {
      await document.fonts.load(`14px ${family}`, parts.map((p) => p.caption).join(" "));
      const ctx = document.createElement("canvas").getContext("2d");
      if (ctx) ctx.font = `14px ${family}`;
      const captionWidth = (text: string) => Math.ceil(ctx?.measureText(text).width ?? text.length * 8);
      const NS = "http://www.w3.org/2000/svg";
      const PAD = 16;
      const CAPTION = 28;
      const GAP = 24;
      const doc = document.implementation.createDocument(NS, "svg", null);
      const root = doc.documentElement;
      const el = (name: string, attrs: Record<string, string | number>, text?: string) => {
        const node = doc.createElementNS(NS, name);
        for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
        if (text !== undefined) node.textContent = text;
        return node;
      };
      root.setAttribute("role", "img");
      root.setAttribute("aria-label", title);
      root.append(el("title", {}, title));
      const defs = el("defs", {});
      defs.append(
        el("style", {}, `${fontCss}\n.pw-caption{font-family:${family};font-size:14px;fill:${colors.fg}}`),
      );
      root.append(defs);
      const background = el("rect", { x: 0, y: 0, width: "100%", height: "100%", fill: colors.bg });
      root.append(background);
      let y = PAD;
      let width = 0;
      for (const part of parts) {
        const holder = document.createElement("div");
        holder.innerHTML = part.svg;
        const svg = holder.querySelector("svg");
        if (!svg) throw new Error(`not an SVG: ${part.svg.slice(0, 60)}`);
        const box = (svg.getAttribute("viewBox") ?? "")
          .trim()
          .split(/[\s,]+/)
          .map(Number);
        const w = box[2] ?? 0;
        const h = box[3] ?? 0;
        if (!(w > 0 && h > 0)) throw new Error(`the SVG '${svg.id}' has no viewBox size`);
        root.append(el("text", { class: "pw-caption", x: PAD, y: y + 18 }, part.caption));
        y += CAPTION;
        const nested = doc.importNode(svg, true) as Element;
        // Mermaid sizes its SVG to the page (width 100%, max-width); here it gets its own size.
        nested.removeAttribute("style");
        for (const [k, v] of Object.entries({ x: PAD, y, width: w, height: h }))
          nested.setAttribute(k, String(v));
        root.append(nested);
        y += h + GAP;
        width = Math.max(width, w, captionWidth(part.caption));
      }
      const total = { width: Math.ceil(width + 2 * PAD), height: Math.ceil(y - GAP + PAD) };
      root.setAttribute("width", String(total.width));
      root.setAttribute("height", String(total.height));
      root.setAttribute("viewBox", `0 0 ${total.width} ${total.height}`);
      return new XMLSerializer().serializeToString(doc);
    },
    { parts, title, fontCss, colors: COLORS[theme], family: DIAGRAM_FONT_FAMILY },
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
}

/**
 * A PNG of a standalone SVG, as a browser draws it (the same engine as the site).
 * @param scale device pixels per SVG unit; default 2 (sharp on slides and high-density screens)
 */
export async function svgToPng(page: Page, svg: string, scale = 2): Promise<Buffer> {
  const size = /<svg[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"/.exec(svg);
  const width = Number(size?.[1] ?? 800);
  const height = Number(size?.[2] ?? 600);
  const context = page.context();
  const shot = await context.browser()?.newContext({ viewport: { width, height }, deviceScaleFactor: scale });
  if (!shot) throw new Error("the page has no browser to take the PNG with");
  try {
    const p = await shot.newPage();
    const data = Buffer.from(svg).toString("base64");
    await p.setContent(
      `<!doctype html><html><body style="margin:0"><img alt="" src="data:image/svg+xml;base64,${data}" width="${width}" height="${height}"></body></html>`,
    );
    await p.locator("img").evaluate((img: HTMLImageElement) => img.decode());
    return await p.locator("img").screenshot({ type: "png" });
  } finally {
    await shot.close();
  }
}
