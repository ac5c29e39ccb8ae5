/**
 * One Mermaid renderer (one browser) for the whole build, shared by every
 * lesson and trace page; closed by the integration when the build ends.
 */
import {
  createMermaidRenderer,
  type MermaidRenderer,
  type RendererStats,
} from "../browser/mermaid-renderer.ts";

// Astro loads the config (remark plugin) and the pages through different module graphs: keep one instance per process.
const KEY = Symbol.for("packetwalk.renderer");
const slot = globalThis as { [KEY]?: MermaidRenderer };

/** The build's renderer, created on first use (the browser itself starts on the first cache miss). */
export function sharedRenderer(): MermaidRenderer {
  // PACKETWALK_SVG_CACHE moves the cache (benchmarks start cold with an empty one).
  const cacheDir = process.env.PACKETWALK_SVG_CACHE;
  slot[KEY] ??= createMermaidRenderer(cacheDir ? { cacheDir } : {});
  return slot[KEY];
}

/** Closes the renderer, if one was made; returns its counters. */
export async function closeSharedRenderer(): Promise<RendererStats | undefined> {
  const r = slot[KEY];
  if (!r) return undefined;
  delete slot[KEY];
  await r.close();
  return { ...r.stats };
}
