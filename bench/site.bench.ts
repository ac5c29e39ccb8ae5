/**
 * A site of many lessons built three times, from a truly cold state each run
 * (a new diagram cache, and Astro's data store for this content removed
 * first, so the bench gives the same figures when run again):
 *
 * 1. cold: must render exactly the distinct diagrams (many lessons show the
 *    same trace);
 * 2. nothing changed: must render 0;
 * 3. a `::trace` moved within a lesson (a paragraph and the other figure put
 *    before it): must render 0.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const COUNT = Number(process.env.BENCH_SITE_TRACES ?? 200);
// Where the build keeps state between runs when PACKETWALK_CONTENT_DIR is set (astro.config.mjs).
const ASTRO_CACHE = join(root, "node_modules/.astro-fixture");
const STATS = join(root, "node_modules/.cache/packetwalk/last-build.json");

interface BuildStats {
  ms: number;
  requests: number;
  distinct: number;
  rendered: number;
  cacheHits: number;
}

function build(contentDir: string, outDir: string, cache: string): BuildStats {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !["NODE_ENV", "MODE", "DEV", "PROD"].includes(k)),
  );
  rmSync(STATS, { force: true });
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules/astro/bin/astro.mjs"), "build", "--outDir", outDir],
    {
      cwd: root,
      env: {
        ...env,
        PACKETWALK_CONTENT_DIR: contentDir,
        PACKETWALK_SVG_CACHE: cache,
        ASTRO_TELEMETRY_DISABLED: "1",
      },
      encoding: "utf8",
    },
  );
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`astro build failed:\n${r.stdout}\n${r.stderr}`);
  return { ms, ...(JSON.parse(readFileSync(STATS, "utf8")) as Omit<BuildStats, "ms">) };
}

function lesson(i: number, first: string, second: string): string {
  return `---\ntitle: Bench lesson ${i}\ndescription: A generated lesson for the site benchmark, embedding two traces.\nsection: directions\norder: ${i}\nlocale: en\n---\n\nThe first figure.\n\n::trace{src="${first}" direction="both" view="map"}\n\nThe second figure.\n\n::trace{src="${second}" direction="request" view="path"}\n`;
}

/** Runs the benchmark. */
export async function run(): Promise<Record<string, string | number>> {
  const work = mkdtempSync(join(tmpdir(), "packetwalk-bench-site-"));
  const traces = readdirSync(join(root, "traces/docker-bridge"))
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => `docker-bridge/${f.slice(0, -4)}`);
  const lessons = join(work, "content/lessons/en");
  mkdirSync(lessons, { recursive: true });
  for (let i = 0; i < COUNT; i++) {
    const a = traces[i % traces.length] as string;
    const b = traces[(i + 1) % traces.length] as string;
    writeFileSync(join(lessons, `bench-${i}.md`), lesson(i, a, b));
  }
  const cache = join(work, "svg-cache");
  const out = join(work, "dist");
  try {
    // Truly cold: nothing left by an earlier run of this bench or of the fixture build test.
    rmSync(ASTRO_CACHE, { recursive: true, force: true });
    const cold = build(join(work, "content"), out, cache);
    const same = build(join(work, "content"), out, cache);
    // Move the first figure of lesson 0 below the second, behind a new paragraph.
    const file = join(lessons, "bench-0.md");
    const text = readFileSync(file, "utf8");
    const firstFigure = /::trace\{[^}]*view="map"\}\n/.exec(text)?.[0] ?? "";
    writeFileSync(file, `${text.replace(firstFigure, "")}\nA new paragraph.\n\n${firstFigure}`);
    const moved = build(join(work, "content"), out, cache);
    const problems = [
      cold.rendered !== cold.distinct
        ? `cold build rendered ${cold.rendered} of ${cold.distinct} distinct`
        : "",
      same.rendered !== 0 ? `nothing-changed rebuild rendered ${same.rendered}` : "",
      moved.rendered !== 0 ? `moved-::trace rebuild rendered ${moved.rendered}` : "",
    ].filter(Boolean);
    if (problems.length) throw new Error(problems.join("; "));
    return {
      lessons: COUNT,
      "cold build (s)": cold.ms / 1000,
      "cold: placements / distinct diagrams": `${cold.requests} / ${cold.distinct}`,
      "cold: diagrams rendered (goal = distinct)": cold.rendered,
      "nothing changed: build (s)": same.ms / 1000,
      "nothing changed: diagrams rendered (goal 0)": same.rendered,
      "moved ::trace: build (s)": moved.ms / 1000,
      "moved ::trace: diagrams rendered (goal 0)": moved.rendered,
      "cold / nothing changed (x)": cold.ms / same.ms,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(ASTRO_CACHE, { recursive: true, force: true });
  }
}
