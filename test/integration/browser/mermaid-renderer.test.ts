import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChromiumNotFoundError, launchChromium } from "../../../src/browser/find-chromium.ts";
import { createMermaidRenderer, MermaidRenderError } from "../../../src/browser/mermaid-renderer.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { RENDER_CASES } from "../../unit/render/fixture-packets.ts";

const c2c = RENDER_CASES.find((c) => c.name === "c2c-request-map");
const hostile = RENDER_CASES.find((c) => c.name === "legacy-hostile-labels-map");
if (!c2c || !hostile) throw new Error("fixture cases missing");
const source = toMermaid(c2c.packet, c2c.options);

let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), "packetwalk-svg-"));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Visible label texts of an SVG, in document order. */
function labels(svg: string): string[] {
  return [...svg.matchAll(/<span[^>]*class="nodeLabel"[^>]*><p>(.*?)<\/p>/g)].map((m) => m[1] as string);
}

describe("Mermaid renderer (real Chromium, real Mermaid 12)", () => {
  it("renders light and dark SVG with the hook labels, deterministic across browsers, cached on disk", async () => {
    const first = createMermaidRenderer({ cacheDir, pages: 2 });
    const a = await first.render({ source, id: "fig-a" });
    expect(first.stats).toMatchObject({ rendered: 1, cacheHits: 0, launches: 1 });
    await first.close();

    for (const label of [
      '<b>bridge PREROUTING</b><br><span class="pwt" data-step="1">nat</span>',
      '<b>bridge FORWARD</b><br><span class="pwt" data-step="5">filter</span>',
      "bridging decision",
      "local process",
    ]) {
      expect(labels(a.light)).toContain(label);
      expect(labels(a.dark)).toContain(label);
    }
    expect(labels(a.light).find((l) => l.startsWith("<b>IP PREROUTING</b>"))).toContain(
      '<span class="pwt" data-step="2">raw</span>',
    );
    expect(a.light).toMatch(/^<svg id="fig-a-light"/);
    expect(a.dark).toMatch(/^<svg id="fig-a-dark"/);
    expect(a.light).not.toBe(a.dark);
    expect(a.light).toContain("Noto Sans");
    expect(a.light).not.toMatch(/<script/i);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".svg"))).toHaveLength(2);

    // A second browser with no cache draws byte-identical SVG.
    const fresh = createMermaidRenderer({ cacheDir: false });
    const b = await fresh.render({ source, id: "fig-a" });
    await fresh.close();
    expect(b.light).toBe(a.light);
    expect(b.dark).toBe(a.dark);

    // A second build with the cache renders nothing and never starts a browser.
    const second = createMermaidRenderer({ cacheDir });
    const c = await second.render({ source, id: "fig-a" });
    expect(second.stats).toEqual({ rendered: 0, cacheHits: 1, launches: 0 });
    expect(c.fromCache).toBe(true);
    expect(c.light).toBe(a.light);
    await second.close();
  });

  it("gives two diagrams on one page distinct ids, in a pool of pages", async () => {
    const r = createMermaidRenderer({ cacheDir: false, pages: 2 });
    const [x, y, z] = await Promise.all([
      r.render({ source, id: "trace-1-request" }),
      r.render({ source, id: "trace-1-reply" }),
      r.render({ source: toMermaid(c2c.packet, { ...c2c.options, view: "path" }), id: "trace-2" }),
    ]);
    await r.close();
    expect(r.stats.rendered).toBe(3);
    const ids = (svg: string) => new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const all = [x, y, z].flatMap((d) => [d?.light ?? "", d?.dark ?? ""]).map(ids);
    const seen = new Set<string>();
    for (const set of all) {
      for (const id of set) {
        expect(seen.has(id as string), `id ${id} appears in two SVGs`).toBe(false);
        seen.add(id as string);
      }
    }
  });

  it("shows hostile labels as text, never as markup", async () => {
    const r = createMermaidRenderer({ cacheDir: false });
    const d = await r.render({
      source: toMermaid(hostile.packet, { ...hostile.options, view: "path" }),
      id: "hostile",
    });
    await r.close();
    expect(labels(d.light)).toContain(
      'c2 "evil" &lt;script&gt;alert(1)&lt;/script&gt; `x` [a] {b} #35; 容器',
    );
    expect(labels(d.light)).toContain("c1 &amp; co (veth#2) |pipe|");
    expect(d.light).not.toMatch(/<script/i);
    expect(labels(d.light)).toContain("#1 ebtables broute BROUTING");
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
