/**
 * The diagram phase side by side with rehype-mermaid, in this one process, on
 * the site's real diagrams (the Mermaid sources of every built page, read from
 * `dist/`), with the same Chromium and the same Mermaid:
 *
 * - rehype-mermaid 3 (`inline-svg`, `dark: true`: a light and a dark render,
 *   the work packetwalk's one themed SVG replaces), one document per page as
 *   a site build calls it, and all diagrams in one document;
 * - packetwalk cold (browser launch, no disk cache, every placement asked for
 *   at once as a build does) and warm (pool ready, per distinct diagram).
 *
 * Rounds (`RENDER_BENCH_ROUNDS`, default 1) rotate the order; medians are printed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Root } from "hast";
import { chromium } from "playwright-core";
import rehypeMermaid from "rehype-mermaid";
import { unified } from "unified";
import { CHROMIUM_ARGS, launchChromium } from "../src/browser/find-chromium.ts";
import { createMermaidRenderer } from "../src/browser/mermaid-renderer.ts";

const root = join(import.meta.dirname, "..");
const DIST = join(root, "dist");
const ROUNDS = Number(process.env.RENDER_BENCH_ROUNDS ?? 1);

/** Every page's diagram sources (the `Mermaid source` block under each diagram), in page order. */
function siteDiagrams(): string[][] {
  const pages: string[][] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".html")) {
        const html = readFileSync(path, "utf8");
        const sources = [...html.matchAll(/<code class="language-mermaid">([\s\S]*?)<\/code>/g)].map((m) =>
          unescapeHtml(m[1] as string),
        );
        if (sources.length) pages.push(sources);
      }
    }
  };
  walk(DIST);
  return pages;
}

function unescapeHtml(s: string): string {
  const named: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number(ref.slice(1)));
    return named[ref] ?? whole;
  });
}

/** A hast document holding `sources` as ```mermaid code blocks. */
function documentOf(sources: string[]): Root {
  return {
    type: "root",
    children: sources.map((source) => ({
      type: "element",
      tagName: "pre",
      properties: {},
      children: [
        {
          type: "element",
          tagName: "code",
          properties: { className: ["language-mermaid"] },
          children: [{ type: "text", value: source }],
        },
      ],
    })),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs the benchmark; returns named figures. */
export async function run(): Promise<Record<string, string | number>> {
  let pages: string[][];
  try {
    pages = siteDiagrams();
  } catch {
    throw new Error("no dist/: run `npm run build` first (the bench reads the site's real diagrams)");
  }
  if (pages.length === 0) throw new Error("dist/ holds no diagram: run `npm run build` first");
  const placements = pages.flat();
  const distinct = [...new Set(placements)];

  // rehype-mermaid launches its browser through Playwright: give it ours, with our flags.
  const found = await launchChromium();
  const executablePath = found.executablePath;
  await found.browser.close();
  const rehype = unified().use(rehypeMermaid, {
    strategy: "inline-svg",
    dark: true,
    browserType: chromium as never,
    launchOptions: { executablePath, args: [...CHROMIUM_ARGS] },
    mermaidConfig: { fontFamily: '"Noto Sans", "Noto Sans TC", sans-serif' },
  });

  const runs: Record<string, () => Promise<number>> = {
    "rehype-mermaid per page": async () => {
      const t = performance.now();
      for (const page of pages) await rehype.run(documentOf(page));
      return performance.now() - t;
    },
    "rehype-mermaid one document": async () => {
      const t = performance.now();
      await rehype.run(documentOf(placements));
      return performance.now() - t;
    },
    "packetwalk cold": async () => {
      const t = performance.now();
      const r = createMermaidRenderer({ cacheDir: false });
      await Promise.all(placements.map((source, i) => r.render({ source, id: `p${i}` })));
      await r.close();
      if (r.stats.rendered !== distinct.length) {
        throw new Error(`packetwalk rendered ${r.stats.rendered} for ${distinct.length} distinct diagrams`);
      }
      return performance.now() - t;
    },
    "packetwalk warm": async () => {
      const r = createMermaidRenderer({ cacheDir: false });
      // Warm: browser up, every page of the pool open and initialised.
      await Promise.all(
        Array.from({ length: r.stats.pool }, (_, i) => r.render({ source: `flowchart TB\n  w${i} --> x` })),
      );
      const t = performance.now();
      await Promise.all(distinct.map((source, i) => r.render({ source, id: `d${i}` })));
      const ms = performance.now() - t;
      await r.close();
      return ms;
    },
  };
  const names = Object.keys(runs);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as string;
      times[name]?.push(await (runs[name] as () => Promise<number>)());
    }
  }
  const ms = (name: string) => median(times[name] ?? []);
  const perPage = ms("rehype-mermaid per page");
  const oneDoc = ms("rehype-mermaid one document");
  const cold = ms("packetwalk cold");
  const warm = ms("packetwalk warm");
  return {
    "pages with diagrams": pages.length,
    "placements / distinct diagrams": `${placements.length} / ${distinct.length}`,
    rounds: ROUNDS,
    "rehype-mermaid, per page, dark (ms per placement)": Math.round(perPage / placements.length),
    "rehype-mermaid, one document, dark (ms per placement)": Math.round(oneDoc / placements.length),
    "packetwalk cold diagram phase (ms per placement)": Math.round(cold / placements.length),
    "packetwalk cold vs rehype-mermaid per page (x, goal >= 8)": Number((perPage / cold).toFixed(2)),
    "packetwalk cold vs rehype-mermaid one document (x)": Number((oneDoc / cold).toFixed(2)),
    "packetwalk warm (ms per distinct diagram, goal <= 100)": Math.round(warm / distinct.length),
  };
}

if (import.meta.main) console.log(await run());
