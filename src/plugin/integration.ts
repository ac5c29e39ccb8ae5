/**
 * The packetwalk Astro integration: checks lessons before Astro loads them,
 * so a bad front matter fails the build with `file:line:col` and a hint instead
 * of a stack trace, and warns about lessons that miss a translation.
 */
import type { AstroIntegration } from "astro";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { checkLessons } from "../lessons/check-lessons.ts";

/** Options of {@link packetwalk}. */
export interface PacketwalkOptions {
  /** Folder holding `lessons/<locale>/*.md`. Default `./content`. */
  contentDir?: string;
}

/** Creates the integration. */
export default function packetwalk(options: PacketwalkOptions = {}): AstroIntegration {
  const contentDir = options.contentDir ?? "./content";
  return {
    name: "packetwalk",
    hooks: {
      "astro:config:setup": ({ command, logger }) => {
        const result = checkLessons(contentDir);
        for (const [locale, slugs] of Object.entries(result.missingTranslations)) {
          logger.warn(`missing ${locale} translation of ${slugs.length} lesson(s): ${slugs.join(", ")}`);
        }
        if (result.errors.length === 0) return;
        for (const d of result.errors) logger.error(formatDiagnostic(d));
        const summary = `${result.errors.length} problem(s) in lesson front matter`;
        if (command === "dev") {
          logger.error(`${summary}; fix them and save to reload`);
          return;
        }
        logger.error(`${summary}; build stopped`);
        // Exiting here keeps the report to the positioned lines above, without Astro's stack trace.
        process.exit(1);
      },
    },
  };
}
