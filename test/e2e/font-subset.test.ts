/**
 * The shipped fonts are subsets: every character of every built page, and every label of every diagram,
 * is still drawn by the font that drew it from the full @fontsource files (read here from node_modules,
 * not from dist/): the first family of each of the site's font stacks whose full font has the glyph ships
 * that glyph, at each weight, in its file and in its `unicode-range`. In the browser, the diagram labels of
 * every lesson page are drawn with the web fonts only (no system font stood in for a missing glyph), and
 * the stylesheet and the fonts a page fetches stay within a budget.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { decodeHTML } from "entities";
import type { CDPSession } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type FontFaceSlice, parseUnicodeRange, readFontFaces } from "../../src/browser/embed-fonts.ts";
import { fontCodePoints } from "../../src/browser/font-coverage.ts";
import { DIAGRAM_FONT_FAMILY } from "../../src/browser/mermaid-config.ts";
import { parseFontStack } from "../../src/plugin/font-stacks.ts";
import { pageLang } from "../../src/plugin/site-characters.ts";
import { distBase, distFiles, lessonPages, listPages, REPO_ROOT, readPageHtml, useSite } from "./browser.ts";
import { assertDistBuilt, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
const require = createRequire(import.meta.url);

/**
 * Budgets: the stylesheet a page loads (gzip), and the font bytes a lesson page fetches with an empty
 * cache, by page language. Before subsetting: 98 KB of stylesheet; 131-176 KB of fonts in English and
 * 746-959 KB in Chinese.
 */
const CSS_BUDGET = 12 * 1024;
const FONT_BUDGET: Record<string, number> = { en: 64 * 1024, "zh-Hant-TW": 320 * 1024 };

/** A face as shipped: family, weight, the code points it claims and the file. */
interface Face {
  family: string;
  weight: string;
  ranges: [number, number][];
  file: string;
}

const stylesheets = distFiles().filter((f) => f.endsWith(".css"));
const shippedCss = stylesheets.map((f) => readFileSync(path.join(DIST_DIR, f), "utf8")).join("\n");
const shipped: Face[] = [...shippedCss.matchAll(/@font-face\s*\{([^}]*)\}/g)].map(([, body = ""]) => ({
  family: (/font-family:\s*["']?([^;"'}]+?)["']?\s*[;}]/.exec(body)?.[1] ?? "").trim(),
  weight: /font-weight:\s*([^;}]+)/.exec(body)?.[1]?.trim() ?? "400",
  ranges: parseUnicodeRange(/unicode-range:\s*([^;}]+)/.exec(body)?.[1] ?? "U+0-10FFFF"),
  file: path.join(DIST_DIR, "_astro", path.basename(/url\(["']?([^)"']+)/.exec(body)?.[1] ?? "")),
}));

/** The @fontsource stylesheets the site imports (`@fontsource/noto-sans/400.css`, ...), from its layout. */
const imported = [
  ...readFileSync(path.join(REPO_ROOT, "src/layouts/BaseLayout.astro"), "utf8").matchAll(
    /import\s+"(@fontsource\/[\w-]+)\/(\d+)\.css"/g,
  ),
];

/** The full fonts, as the npm packages ship them, at the weights the site imports. */
const full: FontFaceSlice[] = imported
  .map(([, pkg = "", w]) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), `${w}.css`))
  .flatMap((css) => readFontFaces(css));

/** The stacks the site declares: the diagrams' and the stylesheet's `--font-*` properties. */
const stacks = [
  parseFontStack(DIAGRAM_FONT_FAMILY),
  ...[...shippedCss.matchAll(/--font-[\w-]+:\s*([^;}]+)/g)].map(([, v = ""]) => parseFontStack(v)),
];

const inRanges = (p: number, ranges: [number, number][]) => ranges.some(([a, b]) => p >= a && p <= b);
const cmaps = new Map<string, Promise<Set<number>>>();
const cmapOf = (file: string) => {
  let c = cmaps.get(file);
  if (!c) {
    c = fontCodePoints(readFileSync(file));
    cmaps.set(file, c);
  }
  return c;
};

/** Whether some face of `faces` both claims `p` and has its glyph. */
async function draws(faces: { ranges: [number, number][]; file: string }[], p: number): Promise<boolean> {
  for (const f of faces.filter((x) => inRanges(p, x.ranges))) if ((await cmapOf(f.file)).has(p)) return true;
  return false;
}

/** What the subset lost of one code point, as `U+XXXX (char) Family weight`; memoised, pages share most. */
const lostOf = new Map<number, Promise<string[]>>();
async function lostPoint(p: number): Promise<string[]> {
  const lost: string[] = [];
  if (p < 0x20 || (p >= 0x7f && p < 0xa0)) return lost; // controls and newlines draw nothing
  for (const stack of stacks) {
    for (const weight of ["400", "700"]) {
      for (const family of stack) {
        const own = full.filter((f) => f.family === family);
        if (own.length === 0) continue; // a system font: not ours to ship
        const atWeight = own.some((f) => f.weight === weight) ? weight : (own[0]?.weight ?? "400");
        const fullFaces = own
          .filter((f) => f.weight === atWeight)
          .map((f) => ({ ranges: f.ranges, file: f.woff2 }));
        if (!(await draws(fullFaces, p))) continue;
        if (
          !(await draws(
            shipped.filter((f) => f.family === family && f.weight === atWeight),
            p,
          ))
        )
          lost.push(`U+${p.toString(16).toUpperCase()} (${String.fromCodePoint(p)}) ${family} ${atWeight}`);
        break;
      }
    }
  }
  return [...new Set(lost)];
}

/** Characters a stack's web fonts draw that the shipped subset lost. */
async function missing(points: Iterable<number>): Promise<string[]> {
  const lost: string[] = [];
  for (const p of points) {
    let l = lostOf.get(p);
    if (!l) {
      l = lostPoint(p);
      lostOf.set(p, l);
    }
    lost.push(...(await l));
  }
  return lost;
}

/** The text of every inline `<svg>` of a page (the diagram labels), one string per SVG. */
function svgLabels(html: string): string[] {
  return [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map(([svg]) =>
    decodeHTML(svg.replace(/<style\b[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, " ")),
  );
}

/** The fonts Chromium drew the diagram labels of the open page with: glyph count and fonts not ours. */
async function labelFonts(
  cdp: CDPSession,
  ours: Set<string>,
): Promise<{ glyphs: number; strangers: Set<string> }> {
  const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
  const { nodeIds } = await cdp.send("DOM.querySelectorAll", {
    nodeId: root.nodeId,
    selector: "figure.pw-trace svg foreignObject *, figure.pw-trace svg text, figure.pw-trace svg tspan",
  });
  let glyphs = 0;
  const strangers = new Set<string>();
  for (const nodeId of nodeIds) {
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    for (const f of fonts) {
      glyphs += f.glyphCount;
      // The name is the font file's own ("Noto Sans TC Thin" for a weight of Noto Sans TC).
      if (!f.isCustomFont || ![...ours].some((o) => f.familyName.startsWith(o)))
        strangers.add(`${f.familyName} (${f.glyphCount} glyphs)`);
    }
  }
  return { glyphs, strangers };
}

const pages = listPages();
const site = useSite();

describe("font subsets", () => {
  it("ship woff2 fonts only, far fewer bytes than the full fonts, every file referenced and present", () => {
    const fonts = distFiles().filter((f) => /\.(woff2?|ttf|otf)$/.test(f));
    expect(fonts.every((f) => f.endsWith(".woff2"))).toBe(true);
    expect(shipped.length).toBeGreaterThan(0);
    const referenced = new Set(shipped.map((f) => path.relative(DIST_DIR, f.file)));
    expect([...referenced].sort()).toEqual(fonts.filter((f) => f.startsWith("_astro/")).sort());
    const bytes = fonts.reduce((sum, f) => sum + readFileSync(path.join(DIST_DIR, f)).length, 0);
    const fullBytes = full.reduce((sum, f) => sum + readFileSync(f.woff2).length, 0);
    console.log(
      `fonts: ${fonts.length} files, ${(bytes / 1024).toFixed(0)} KB in dist (the full @fontsource faces: ${full.length} files, ${(fullBytes / 1024).toFixed(0)} KB)`,
    );
    expect(bytes).toBeLessThan(fullBytes / 10);
  });

  it.each(pages.map((p) => [p.path, p] as const))(
    "%s: every character is in the subset of the font that draws it",
    async (_, page) => {
      const html = readPageHtml(page);
      const text = decodeHTML(html);
      expect(await missing(new Set(Array.from(text, (c) => c.codePointAt(0) ?? 0)))).toEqual([]);
      for (const label of svgLabels(html)) {
        const lost = await missing(new Set(Array.from(label, (c) => c.codePointAt(0) ?? 0)));
        expect(lost, `diagram labels "${label.replace(/\s+/g, " ").trim().slice(0, 120)}"`).toEqual([]);
      }
    },
  );

  it("draws every diagram label of every lesson page with the web fonts, no system font standing in", async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("DOM.enable");
      await cdp.send("CSS.enable");
      const ours = new Set(shipped.map((f) => f.family));
      let checked = 0;
      for (const lesson of lessonPages()) {
        await page.goto(`${site.server.url}${lesson.requestPath}`, { waitUntil: "networkidle" });
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        // Node ids die when Chromium sends DOM.documentUpdated (seen once in CI, mid-walk, with no
        // navigation by the page): walk the labels again from a fresh document, at most three times.
        let walk: { glyphs: number; strangers: Set<string> } | undefined;
        for (let attempt = 1; !walk; attempt++) {
          try {
            walk = await labelFonts(cdp, ours);
          } catch (error) {
            if (attempt >= 3 || !/Could not find node with given id/.test(String(error))) throw error;
          }
        }
        checked += walk.glyphs;
        const strangers = walk.strangers;
        expect([...strangers], `${lesson.path}: fonts drawing diagram labels`).toEqual([]);
      }
      console.log(
        `fonts: ${checked} diagram label glyphs checked in the browser, all drawn by the web fonts`,
      );
      expect(checked).toBeGreaterThan(1000);
    } finally {
      await context.close();
    }
  });

  it(`each page loads <= ${CSS_BUDGET / 1024} KB gzip of stylesheet and a lesson its language's budget of fonts`, async () => {
    const lines: string[] = [];
    for (const lesson of lessonPages()) {
      // A new context per page: nothing cached from the page before.
      const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        let css = 0;
        let fonts = 0;
        const bodies: Promise<void>[] = [];
        page.on("response", (res) => {
          const type = res.request().resourceType();
          if (type !== "stylesheet" && type !== "font") return;
          bodies.push(
            res.body().then((b) => {
              if (type === "stylesheet") css += gzipSync(b).length;
              else fonts += b.length;
            }),
          );
        });
        await page.goto(`${site.server.url}${lesson.requestPath}`, { waitUntil: "networkidle" });
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        await Promise.all(bodies);
        lines.push(
          `  ${lesson.path}: stylesheet ${(css / 1024).toFixed(1)} KB gzip, fonts ${(fonts / 1024).toFixed(1)} KB`,
        );
        expect(css, `${lesson.path}: stylesheet`).toBeLessThanOrEqual(CSS_BUDGET);
        const lang = pageLang(readPageHtml(lesson));
        expect(FONT_BUDGET[lang], `${lesson.path}: a font budget for lang ${lang}`).toBeDefined();
        expect(fonts, `${lesson.path}: fonts`).toBeLessThanOrEqual(FONT_BUDGET[lang] ?? 0);
        expect(fonts, `${lesson.path}: fonts fetched`).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    }
    console.log(`fonts per page (base ${distBase()}):\n${lines.join("\n")}`);
  });
});
