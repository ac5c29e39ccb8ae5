/**
 * The packetwalk Astro integration:
 * - checks lessons before Astro loads them, so a bad front matter fails the
 *   build with `file:line:col` and a hint instead of a stack trace, and warns
 *   about lessons that miss a translation;
 * - in dev, reloads the lessons that use a trace when the trace file changes;
 * - closes the diagram browser when the build ends and records how many
 *   diagrams were asked for, how many were distinct, rendered, or served
 *   from the cache;
 * - draws each lesson's link-preview picture (`og:image`);
 * - ships only the `.woff2` files of the @fontsource fonts, cut down to the
 *   characters the built pages use.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { AstroIntegration } from "astro";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { checkLessons, sameOrderWarning } from "../lessons/check-lessons.ts";
import { formatProblems, takeProblems } from "./build-problems.ts";
import { filesUnder } from "./files-under.ts";
import { findSymlinks } from "./find-symlinks.ts";
import { writeOgImages } from "./og-images.ts";
import { fillPlaygroundCsp } from "./playground-csp.ts";
import { closeSharedRenderer, sharedRenderer } from "./shared-renderer.ts";
import { type FontSubsetReport, subsetSiteFonts } from "./subset-site-fonts.ts";
import { formatTraceFolderProblem } from "./trace-folder-problem.ts";
import { defaultTracesDir, loadTraces } from "./trace-store.ts";
import { woff2Only } from "./woff2-only.ts";

/** Options of {@link packetwalk}. */
export interface PacketwalkOptions {
  /** Folder holding `lessons/<locale>/*.md`. Default `./content`. */
  contentDir?: string;
  /** Folder of the traces. Default `PACKETWALK_TRACES_DIR`, else `traces`. */
  tracesDir?: string;
  /** Where build statistics are written. Default `node_modules/.cache/packetwalk/last-build.json`. */
  statsFile?: string;
}

/**
 * Prints the content problems recorded so far, closes the browser and ends the build with status 1.
 * Astro has already stored the failing lessons' output (with its error boxes) in its data store;
 * that store is removed, or the next build would reuse the output without rendering it again and pass.
 */
async function stopOnProblems(logger: { error(message: string): void }, cacheDir?: URL): Promise<void> {
  // A trace page exists once per locale: the same problem is reported once.
  const lines = [...new Set(formatProblems(takeProblems()))];
  if (lines.length === 0) return;
  for (const line of lines) logger.error(line);
  logger.error(`${lines.length} problem(s) in lessons and traces; build stopped`);
  if (cacheDir) rmSync(new URL("data-store.json", cacheDir), { force: true });
  await closeSharedRenderer();
  process.exit(1);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** One line on what font subsetting saved. */
function fontReport(r: FontSubsetReport): string {
  const css = r.stylesheets.map((s) => `${s.to} ${kb(s.bytesBefore)} → ${kb(s.bytesAfter)}`).join(", ");
  return `fonts: ${r.before.files} files ${kb(r.before.bytes)} → ${r.after.files} files ${kb(r.after.bytes)} (subset to the glyphs the pages use); stylesheets: ${css || "none with fonts"}`;
}

/** Creates the integration. */
export default function packetwalk(options: PacketwalkOptions = {}): AstroIntegration {
  const contentDir = options.contentDir ?? "./content";
  const tracesDir = options.tracesDir ?? defaultTracesDir();
  const statsFile = resolve(options.statsFile ?? "node_modules/.cache/packetwalk/last-build.json");
  let cacheDir: URL | undefined;
  let base = "/";
  return {
    name: "packetwalk",
    hooks: {
      "astro:config:setup": ({ command, logger, updateConfig }) => {
        updateConfig({ vite: { plugins: [woff2Only()] } });
        const result = checkLessons(contentDir);
        for (const [locale, slugs] of Object.entries(result.missingTranslations)) {
          logger.warn(`missing ${locale} translation of ${slugs.length} lesson(s): ${slugs.join(", ")}`);
        }
        // Two lessons of a language at one order: their place then falls to the file name, which no one chose.
        for (const same of result.sameOrder) logger.warn(formatDiagnostic(sameOrderWarning(same)));
        // A copied template keeps `draft: true`: say which lessons the build leaves out, not only nothing.
        if (command === "build" && result.drafts.length > 0)
          logger.warn(
            `${result.drafts.length} draft lesson(s) left out of this build (set \`draft: false\` to publish): ${result.drafts.join(", ")}`,
          );
        // Every trace gets a page, used by a lesson or not: a broken one stops the build here, positioned.
        const links = findSymlinks([contentDir, "public"]).map(
          (path) =>
            `${path}: is a symbolic link; the site publishes only files committed in the repository (copy the file's content instead of linking it)`,
        );
        const traceErrors = [...links, ...loadTraces(tracesDir).errors];
        for (const line of traceErrors) logger.error(formatTraceFolderProblem(line));
        if (result.errors.length + traceErrors.length > 0) {
          for (const d of result.errors) logger.error(formatDiagnostic(d));
          const summary = `${result.errors.length + traceErrors.length} problem(s) in lessons and traces`;
          if (command === "dev") {
            logger.error(`${summary}; fix them and save to reload`);
          } else {
            logger.error(`${summary}; build stopped`);
            // Exiting here keeps the report to the positioned lines above, without Astro's stack trace.
            process.exit(1);
          }
        }
      },
      "astro:config:done": ({ config }) => {
        cacheDir = config.cacheDir;
        base = config.base.endsWith("/") ? config.base : `${config.base}/`;
      },
      "astro:server:setup": ({ server, logger }) => {
        const tracesRoot = resolve(tracesDir);
        server.watcher.add(tracesRoot);
        server.watcher.on("change", (path) => {
          if (!path.startsWith(tracesRoot)) return;
          const name = relative(tracesRoot, path).replace(/\.(log|json)$/, "");
          // Touching a lesson makes Astro's content layer render it again, which reloads the page.
          const lab = name.split(/[\\/]/)[0] ?? "";
          for (const lesson of filesUnder(join(contentDir, "lessons"))) {
            const text = readFileSync(lesson, "utf8");
            // lab.json and the rulesets are shared by every trace of the lab.
            const labWide = path.endsWith("lab.json") || /[\\/]rulesets[\\/]/.test(path);
            if (text.includes(`src="${name}"`) || (labWide && text.includes(`src="${lab}/`))) {
              const now = new Date();
              utimesSync(lesson, now, now);
              logger.info(
                `${relative(process.cwd(), path)} changed: reloading ${relative(process.cwd(), lesson)}`,
              );
            }
          }
        });
      },
      // Lessons are rendered while Astro syncs content, before the build starts.
      "astro:build:start": async ({ logger }) => {
        await stopOnProblems(logger, cacheDir);
      },
      "astro:build:done": async ({ logger, dir }) => {
        await stopOnProblems(logger, cacheDir);
        const og = await writeOgImages({
          distDir: fileURLToPath(dir),
          base,
          screenshot: (html, size) => sharedRenderer().screenshot(html, size),
        });
        logger.info(`og:image: ${og.pages} page(s), ${og.drawn} card(s) drawn, ${og.cached} from the cache`);
        // Before the CSP is filled: pages are rewritten to name the subset stylesheet.
        const fonts = await subsetSiteFonts(fileURLToPath(dir), base);
        logger.info(fontReport(fonts));
        for (const page of ["playground/index.html", "zh-tw/playground/index.html"]) {
          const file = fileURLToPath(new URL(page, dir));
          if (existsSync(file) && !fillPlaygroundCsp(file)) {
            logger.error(`${page}: no Content-Security-Policy placeholder to fill; build stopped`);
            await closeSharedRenderer();
            process.exit(1);
          }
        }
        const stats = await closeSharedRenderer();
        const record = {
          requests: stats?.requests ?? 0,
          distinct: stats?.distinct ?? 0,
          rendered: stats?.rendered ?? 0,
          cacheHits: stats?.cacheHits ?? 0,
          launches: stats?.launches ?? 0,
          pool: stats?.pool ?? 0,
          ogPages: og.pages,
          ogDrawn: og.drawn,
          ogCached: og.cached,
        };
        mkdirSync(join(statsFile, ".."), { recursive: true });
        writeFileSync(statsFile, `${JSON.stringify(record)}\n`);
        logger.info(
          `diagrams: ${record.requests} shown, ${record.distinct} distinct: ${record.rendered} rendered, ${record.cacheHits} from the cache`,
        );
      },
    },
  };
}
