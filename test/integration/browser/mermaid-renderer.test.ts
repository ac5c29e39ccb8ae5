import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { darkPaletteCss, paletteNames } from "../../../src/browser/diagram-theme.ts";
import { ChromiumNotFoundError, launchChromium } from "../../../src/browser/find-chromium.ts";
import { DIAGRAM_FONT_FAMILY, fontPackages } from "../../../src/browser/font-assets.ts";
import {
  createMermaidRenderer,
  MermaidRenderError,
  scopeIds,
} from "../../../src/browser/mermaid-renderer.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { RENDER_CASES } from "../../unit/render/fixture-packets.ts";

const c2c = RENDER_CASES.find((c) => c.name === "c2c-request-map");
const hostile = RENDER_CASES.find((c) => c.name === "legacy-hostile-labels-map");
if (!c2c || !hostile) throw new Error("fixture cases missing");
const source = toMermaid(c2c.packet, c2c.options);
const require = createRequire(import.meta.url);
const PALETTE_CSS = join(import.meta.dirname, "../../../src/styles/diagram-palette.css");

let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), "packetwalk-svg-"));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Visible label texts of an SVG, in document order. */
function labels(svg: string): string[] {
  return [...svg.matchAll(/<span[^>]*class="nodeLabel"[^>]*><p>(.*?)<\/p>/g)].map((m) => m[1] as string);
}

/** Every id an SVG defines. */
function idsOf(svg: string): string[] {
  return [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] as string);
}

describe("Mermaid renderer (real Chromium, real Mermaid 12)", () => {
  it("renders one themed SVG with the hook labels, deterministic across browsers, cached on disk by content", async () => {
    const first = createMermaidRenderer({ cacheDir, pages: 2 });
    const a = await first.render({ source, id: "fig-a" });
    expect(first.stats).toMatchObject({ rendered: 1, cacheHits: 0, launches: 1, requests: 1, distinct: 1 });
    await first.close();

    for (const label of [
      '<b>bridge PREROUTING</b><br><span class="pwt" style="padding-left:1.2em" data-step="1">nat</span>',
      '<b>bridge FORWARD</b><br><span class="pwt" style="padding-left:1.2em" data-step="5">filter</span>',
      "bridging decision",
      "local process",
    ]) {
      expect(labels(a.svg)).toContain(label);
    }
    expect(labels(a.svg).find((l) => l.startsWith("<b>IP PREROUTING</b>"))).toMatch(
      /<span class="pwt" style="padding-left:1.2em" data-step="2">raw<\/span>/,
    );
    expect(a.svg).toMatch(/^<svg id="fig-a"/);
    expect(a.svg).toContain("Noto Sans");
    expect(a.svg).not.toMatch(/<script/i);
    // Colours are the theme's custom properties, the light value as fallback; no sentinel is left.
    expect(a.svg).toContain("fill:var(--pw-m-mainBkg,#ECECFF)");
    expect(a.svg).not.toMatch(/#0b[0-9a-f]{4}\b|rgba?\(11,/i);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".svg"))).toHaveLength(1);

    // A second browser with no cache draws byte-identical SVG.
    const fresh = createMermaidRenderer({ cacheDir: false });
    const b = await fresh.render({ source, id: "fig-a" });
    await fresh.close();
    expect(b.svg).toBe(a.svg);

    // A second build with the cache renders nothing and never starts a browser, even at another placement.
    const second = createMermaidRenderer({ cacheDir });
    const c = await second.render({ source, id: "fig-b" });
    expect(second.stats).toMatchObject({ rendered: 0, cacheHits: 1, launches: 0 });
    expect(c.fromCache).toBe(true);
    expect(c.svg).toBe(a.svg.replaceAll("fig-a", "fig-b"));
    await second.close();
  });

  it("renders a diagram shown in several places once, and gives every placement its own ids", async () => {
    const r = createMermaidRenderer({ cacheDir: false, pages: 2 });
    const pathSource = toMermaid(c2c.packet, { ...c2c.options, view: "path" });
    const placed = await Promise.all([
      r.render({ source, id: "lesson-en-1-request" }),
      r.render({ source, id: "lesson-zh-1-request" }),
      r.render({ source, id: "lesson-en-7-request" }),
      r.render({ source: pathSource, id: "trace-2" }),
      r.render({ source: pathSource, id: "trace-3" }),
    ]);
    await r.close();
    expect(r.stats).toMatchObject({ requests: 5, distinct: 2, rendered: 2, cacheHits: 0 });
    const seen = new Set<string>();
    for (const { svg } of placed) {
      const own = idsOf(svg);
      const root = own[0] as string;
      for (const id of own) {
        expect(id.startsWith(root), `id ${id} carries its SVG's id ${root}`).toBe(true);
        expect(seen.has(id), `id ${id} appears in two SVGs`).toBe(false);
        seen.add(id);
      }
      // Every reference points into the same SVG: url(#…), href="#…" and the style's #id selectors.
      const refs = [
        ...[...svg.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1] as string),
        ...[...svg.matchAll(/href="#([^"]+)"/g)].map((m) => m[1] as string),
      ];
      for (const ref of refs) expect(own, `reference #${ref}`).toContain(ref);
      const style = /<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? "";
      const selectors = new Set([...style.matchAll(/#([A-Za-z][\w-]*)[\s.{,:[]/g)].map((m) => m[1]));
      expect([...selectors]).toEqual([root]);
      expect(svg).not.toContain(placed[0]?.contentId as string);
    }
  });

  it("keeps Mermaid initialised between renders without one diagram's settings leaking into the next", async () => {
    const plain = "flowchart LR\n  a --> b";
    const one = createMermaidRenderer({ cacheDir: false, pages: 1 });
    const first = await one.render({ source, id: "x" });
    const between = await one.render({ source: plain, id: "y" });
    await one.close();
    const alone = createMermaidRenderer({ cacheDir: false, pages: 1 });
    const fresh = await alone.render({ source: plain, id: "y" });
    await alone.close();
    expect(between.svg).toBe(fresh.svg);
    expect(first.svg).toContain("fill:var(--pw-m-mainBkg");
  });

  it("draws what Mermaid's light and dark themes draw, but the neo look's gradient and shadows", async () => {
    // Mermaid's whole stylesheet, as the reference has it (the pruning is tested below).
    const r = createMermaidRenderer({ cacheDir: false, pages: 1, pruneStyles: false });
    const themed = (await r.render({ source, id: "cmp" })).svg;
    const palette = await r.palette();
    await r.close();
    const launched = await launchChromium();
    const page = await launched.browser.newPage();
    // The same fonts as the renderer's pages, so Mermaid measures the same label widths.
    const html = join(cacheDir, "reference.html");
    const links = fontPackages().flatMap((p) =>
      [p.css, join(p.dir, "700.css")]
        .filter((css) => existsSync(css))
        .map((css) => `<link rel="stylesheet" href="${pathToFileURL(css).href}">`),
    );
    writeFileSync(html, `<!doctype html><html><head>${links.join("")}</head><body></body></html>`);
    await page.goto(pathToFileURL(html).href);
    await page.addScriptTag({ path: require.resolve("mermaid/dist/mermaid.min.js") });
    const reference = await page.evaluate(
      async ({ source, family }) => {
        const m = (
          globalThis as unknown as {
            mermaid: {
              initialize(c: unknown): void;
              render(id: string, s: string): Promise<{ svg: string }>;
            };
          }
        ).mermaid;
        const out: Record<string, string> = {};
        for (const theme of ["default", "dark"]) {
          m.initialize({
            startOnLoad: false,
            securityLevel: "strict",
            theme,
            themeVariables: { fontFamily: family, fontSize: "15px" },
            fontFamily: family,
            handDrawnSeed: 1,
            deterministicIds: true,
            flowchart: { htmlLabels: true },
          });
          await document.fonts.load(`16px ${family}`, source);
          await document.fonts.load(`bold 16px ${family}`, source);
          out[theme] = (await m.render("cmp", source)).svg;
        }
        return out;
      },
      { source, family: DIAGRAM_FONT_FAMILY },
    );
    await launched.browser.close();
    const resolveVars = (svg: string, side: "light" | "dark") => {
      let out = svg;
      for (const entry of Object.values(palette)) {
        out = out.replaceAll(
          new RegExp(`var\\(--pw-m-${entry.name},(?:[^()]|\\([^()]*\\))*\\)`, "g"),
          entry[side],
        );
      }
      return out;
    };
    const rules = (svg: string) => (/<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? "").split(/(?<=\})/);
    const body = (svg: string) => svg.replace(/<style>[\s\S]*?<\/style>/, "");
    for (const side of ["light", "dark"] as const) {
      const want = scopeIds(reference[side === "light" ? "default" : "dark"] as string, "cmp");
      const got = resolveVars(themed, side);
      const wantRules = rules(want);
      const differing = rules(got).filter((rule, i) => rule !== wantRules[i] && !rule.includes("labelBkg"));
      // Only the neo look (not drawn by packetwalk) strokes with a gradient that CSS variables cannot carry.
      expect(
        differing.every((rule) => rule.includes('[data-look="neo"]')),
        differing.join("\n"),
      ).toBe(true);
      if (side === "light") {
        expect(differing).toEqual([]);
        expect(body(got)).toBe(body(want));
      } else {
        // The geometry is the same; dark adds the neo gradient and white drop-shadow filters (unused here).
        const strip = (s: string) =>
          body(s)
            .replace(/<linearGradient[\s\S]*?<\/linearGradient>/g, "")
            .replace(/flood-color="[^"]*"/g, "");
        expect(strip(got)).toBe(strip(want));
      }
    }
  });

  it("keeps only the rules of Mermaid's stylesheet that match something in the SVG", async () => {
    const full = createMermaidRenderer({ cacheDir: false, pages: 1, pruneStyles: false });
    const pruned = createMermaidRenderer({ cacheDir: false, pages: 1 });
    const [a, b] = await Promise.all([full.render({ source, id: "s" }), pruned.render({ source, id: "s" })]);
    await Promise.all([full.close(), pruned.close()]);
    const rules = (svg: string) =>
      (/<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? "").split(/(?<=\})(?=#|@)/);
    const all = rules(a.svg);
    const kept = rules(b.svg);
    expect(kept.length).toBeLessThan(all.length / 2);
    for (const rule of kept) expect(all).toContain(rule);
    // The map has no subgraph: Mermaid's cluster rules go; its node, link and class rules stay.
    expect(kept.some((rule) => rule.startsWith("#s .cluster rect"))).toBe(false);
    expect(all.some((rule) => rule.startsWith("#s .cluster rect"))).toBe(true);
    for (const wanted of ["#s .node rect", "#s .flowchart-link", "#s .ipHit&gt;*", "#s .faded&gt;*"]) {
      expect(
        kept.some((rule) => rule.startsWith(wanted)),
        wanted,
      ).toBe(true);
    }
    expect(kept.join("")).not.toContain('[data-look="neo"]');
    expect(b.svg.replace(/<style>[\s\S]*?<\/style>/, "")).toBe(a.svg.replace(/<style>[\s\S]*?<\/style>/, ""));
  });

  it("ships the dark palette of every colour variable the diagrams use in diagram-palette.css", async () => {
    // Unpruned, so the palette covers every rule a flowchart may need, not just these fixtures'.
    const r = createMermaidRenderer({ cacheDir: false, pruneStyles: false });
    const svgs = await Promise.all(
      RENDER_CASES.map((c, i) => r.render({ source: toMermaid(c.packet, c.options), id: `p${i}` })),
    );
    const palette = await r.palette();
    await r.close();
    const names = new Set(svgs.flatMap(({ svg }) => [...paletteNames(svg)]));
    // Screen only: a printed page is light whatever the reader's theme, its diagrams too.
    const rule = darkPaletteCss(palette, { names })
      .trimEnd()
      .split("\n")
      .map((line) => `  ${line}`)
      .join("\n");
    const css = `/* Dark colours of the diagrams (Mermaid's dark theme); the light ones are the SVGs' fallbacks.\n   Generated: UPDATE=1 npx vitest run test/integration/browser/mermaid-renderer.test.ts */\n@media screen {\n${rule}\n}\n`;
    if (process.env.UPDATE) writeFileSync(PALETTE_CSS, css);
    expect(readFileSync(PALETTE_CSS, "utf8")).toBe(css);
  });

  it("shows hostile labels as text, never as markup", async () => {
    const r = createMermaidRenderer({ cacheDir: false });
    const d = await r.render({
      source: toMermaid(hostile.packet, { ...hostile.options, view: "path" }),
      id: "hostile",
    });
    await r.close();
    expect(labels(d.svg)).toContain('c2 "evil" &lt;script&gt;alert(1)&lt;/script&gt; `x` [a] {b} #35; 容器');
    expect(labels(d.svg)).toContain("c1 &amp; co (veth#2) |pipe|");
    expect(d.svg).not.toMatch(/<script/i);
    expect(labels(d.svg)).toContain("#1 ebtables broute BROUTING");
  });

  it("reports a Mermaid syntax error with the diagram id", async () => {
    const r = createMermaidRenderer({ cacheDir: false });
    await expect(r.render({ source: 'flowchart TB\n  a["x" --> ', id: "broken" })).rejects.toThrow(
      MermaidRenderError,
    );
    await expect(r.render({ source: "flowchart TB\n a --> b", id: "1bad id" })).rejects.toThrow(
      /must start with a letter/,
    );
    await r.close();
  });

  it("lists what it tried when no browser launches", async () => {
    const err = await launchChromium({
      env: { PACKETWALK_CHROMIUM: "/nonexistent/chrome" },
      platform: "aix",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ChromiumNotFoundError);
    expect(err.message).toContain("PACKETWALK_CHROMIUM=/nonexistent/chrome");
    expect(err.message).toContain("Fix: set PACKETWALK_CHROMIUM");
  });

  it("prefers PACKETWALK_CHROMIUM when it points at a browser", async () => {
    // Whatever browser this machine has, @sparticuz/chromium's included: a newcomer may have no other.
    const found = await launchChromium();
    const path = found.executablePath;
    await found.browser.close();
    const chosen = await launchChromium({ env: { PACKETWALK_CHROMIUM: path } });
    expect(chosen.source).toBe("PACKETWALK_CHROMIUM");
    await chosen.browser.close();
  });
});
