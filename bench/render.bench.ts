/**
 * Diagram rendering speed: warm diagrams per second with one browser and a
 * pool of pages; cold start (launch + first diagram); and the same diagrams
 * rendered the way rehype-mermaid does it (a fresh browser per file), as a
 * ratio, all in this one run. No disk cache, so every diagram is drawn.
 */
import { createMermaidRenderer } from "../src/browser/mermaid-renderer.ts";
import type { Packet } from "../src/core/model/packet.ts";
import { toMermaid } from "../src/core/render/to-mermaid.ts";
import { RENDER_CASES } from "../test/unit/render/fixture-packets.ts";

const N = Number(process.env.RENDER_BENCH_N ?? 12);

function sources(): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < N; i++) {
    const c = RENDER_CASES[i % RENDER_CASES.length] as {
      packet: Packet;
      options: Parameters<typeof toMermaid>[1];
    };
    // A distinct prefix per diagram, so no two are the same text.
    out.push(toMermaid(c.packet, { ...c.options, idPrefix: `b${i}` }));
  }
  return out;
}

/** Runs the benchmark; returns named figures. */
export async function run(): Promise<Record<string, string | number>> {
  const list = sources();
  let t = performance.now();
  const pooled = createMermaidRenderer({ cacheDir: false, pages: 2 });
  await pooled.render({ source: list[0] as string, id: "cold" });
  const coldMs = performance.now() - t;
  t = performance.now();
  await Promise.all(list.map((source, i) => pooled.render({ source, id: `d${i}` })));
  const warmMs = performance.now() - t;
  await pooled.close();

  t = performance.now();
  for (const [i, source] of list.entries()) {
    const perFile = createMermaidRenderer({ cacheDir: false, pages: 1 });
    await perFile.render({ source, id: `f${i}` });
    await perFile.close();
  }
  const perFileMs = performance.now() - t;
  return {
    diagrams: list.length,
    "cold start (launch + first diagram, light+dark) ms": Math.round(coldMs),
    "warm diagrams/s (1 browser, 2 pages, light+dark each)": Number(
      ((list.length * 1000) / warmMs).toFixed(2),
    ),
    "browser-per-file diagrams/s (rehype-mermaid way)": Number(((list.length * 1000) / perFileMs).toFixed(2)),
    "speed-up of one browser over browser-per-file": Number((perFileMs / warmMs).toFixed(2)),
  };
}

if (import.meta.main) console.log(await run());
