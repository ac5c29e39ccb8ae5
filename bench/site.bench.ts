/**
 * A site with 200 traces: the cold build (empty diagram cache) against a
 * second build with the cache (which must render 0 diagrams), in one run.
 * The 200 lessons each embed one trace, both directions (400 diagrams).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const COUNT = Number(process.env.BENCH_SITE_TRACES ?? 200);

function build(contentDir: string, outDir: string, cache: string) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !["NODE_ENV", "MODE", "DEV", "PROD"].includes(k)),
  );
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
  const stats = JSON.parse(
    readFileSync(join(root, "node_modules/.cache/packetwalk/last-build.json"), "utf8"),
  ) as {
    rendered: number;
    cacheHits: number;
  };
  return { ms, ...stats };
}

/** Runs the benchmark. */
export async function run(): Promise<Record<string, string | number>> {
  const work = mkdtempSync(join(tmpdir(), "packetwalk-bench-site-"));
  const traces = readdirSync(join(root, "traces/docker-bridge"))
    .filter((f) => f.endsWith(".log"))
    .map((f) => `docker-bridge/${f.slice(0, -4)}`);
  const lessons = join(work, "content/lessons/en");
  mkdirSync(lessons, { recursive: true });
  for (let i = 0; i < COUNT; i++) {
    const src = traces[i % traces.length];
    writeFileSync(
      join(lessons, `bench-${i}.md`),
      `---\ntitle: Bench lesson ${i}\ndescription: A generated lesson for the site benchmark, embedding one trace.\nsection: directions\norder: ${i}\nlocale: en\n---\n\n::trace{src="${src}" direction="both" view="map"}\n`,
    );
  }
  try {
    const cold = build(join(work, "content"), join(work, "dist"), join(work, "svg-cache"));
    rmSync(join(root, "node_modules/.astro-fixture/data-store.json"), { force: true });
    const warm = build(join(work, "content"), join(work, "dist"), join(work, "svg-cache"));
    if (warm.rendered !== 0)
      throw new Error(`the second build rendered ${warm.rendered} diagrams (expected 0)`);
    return {
      lessons: COUNT,
      "cold build (s)": cold.ms / 1000,
      "cold: diagrams rendered": cold.rendered,
      "second build (s)": warm.ms / 1000,
      "second: diagrams rendered": warm.rendered,
      "second: from cache": warm.cacheHits,
      "cold / second (x)": cold.ms / warm.ms,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
