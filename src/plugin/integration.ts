/**
 * The packetwalk Astro integration:
 * - checks lessons before Astro loads them, so a bad front matter fails the
 *   build with `file:line:col` and a hint instead of a stack trace, and warns
 *   about lessons that miss a translation;
 * - in dev, reloads the lessons that use a trace when the trace file changes;
 * - closes the diagram browser when the build ends and records how many
 *   diagrams were asked for, how many were distinct, rendered, or served
 *   from the cache;
 * - ships only the `.woff2` files of the @fontsource fonts.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { AstroIntegration } from "astro";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { checkLessons } from "../lessons/check-lessons.ts";
import { formatProblems, takeProblems } from "./build-problems.ts";
import { filesUnder } from "./files-under.ts";
import { closeSharedRenderer } from "./shared-renderer.ts";
import { woff2Only } from "./woff2-only.ts";

/** Options of {@link packetwalk}. */
export interface PacketwalkOptions {
  /** Folder holding `lessons/<locale>/*.md`. Default `./content`. */
  contentDir?: string;
  /** Folder of the traces. Default `./traces`. */
  tracesDir?: string;
  /** Where build statistics are written. Default `node_modules/.cache/packetwalk/last-build.json`. */
  statsFile?: string;
}

/** Prints the content problems recorded so far, closes the browser and ends the build with status 1. */
async function stopOnProblems(logger: { error(message: string): void }): Promise<void> {
  const problems = takeProblems();
  if (problems.length === 0) return;
  for (const line of formatProblems(problems)) logger.error(line);
  logger.error(`${problems.length} problem(s) in lessons; build stopped`);
  await closeSharedRenderer();
  process.exit(1);
}

/** Creates the integration. */
export default function packetwalk(options: PacketwalkOptions = {}): AstroIntegration {
  const contentDir = options.contentDir ?? "./content";
  const tracesDir = options.tracesDir ?? "./traces";
  const statsFile = resolve(options.statsFile ?? "node_modules/.cache/packetwalk/last-build.json");
  return {
    name: "packetwalk",
    hooks: {
      "astro:config:setup": ({ command, logger, updateConfig }) => {
        updateConfig({ vite: { plugins: [woff2Only()] } });
        const result = checkLessons(contentDir);
        for (const [locale, slugs] of Object.entries(result.missingTranslations)) {
          logger.warn(`missing ${locale} translation of ${slugs.length} lesson(s): ${slugs.join(", ")}`);
        }
        if (result.errors.length > 0) {
          for (const d of result.errors) logger.error(formatDiagnostic(d));
          const summary = `${result.errors.length} problem(s) in lesson front matter`;
          if (command === "dev") {
            logger.error(`${summary}; fix them and save to reload`);
          } else {
            logger.error(`${summary}; build stopped`);
            // Exiting here keeps the report to the positioned lines above, without Astro's stack trace.
            process.exit(1);
          }
        }
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
        await stopOnProblems(logger);
      },
      "astro:build:done": async ({ logger }) => {
        await stopOnProblems(logger);
        const stats = await closeSharedRenderer();
        const record = {
          requests: stats?.requests ?? 0,
          distinct: stats?.distinct ?? 0,
          rendered: stats?.rendered ?? 0,
          cacheHits: stats?.cacheHits ?? 0,
          launches: stats?.launches ?? 0,
          pool: stats?.pool ?? 0,
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
