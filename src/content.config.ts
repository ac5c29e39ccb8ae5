/**
 * The lessons collection: Markdown files under `content/lessons/<locale>/`,
 * validated by {@link lessonSchema}. A bad front matter fails the build with
 * the file path and the field.
 */
import { defineCollection } from "astro:content";
import { lessonSchema } from "./lessons/lesson-schema.ts";
import { lessonsLoader } from "./plugin/lessons-loader.ts";

// The build test points this at a fixture site; everyone else uses the project's content/.
const contentRoot = process.env.PACKETWALK_CONTENT_DIR ?? "./content";

const lessons = defineCollection({
  loader: lessonsLoader({ base: `${contentRoot}/lessons` }),
  schema: lessonSchema,
});

/** Collections of the site. */
export const collections = { lessons };
