/**
 * Front matter of a lesson. Kept outside `content.config.ts` so that tests and
 * the CLI can validate lessons without Astro.
 */
import { z } from "zod";
import { LOCALES } from "../i18n/locales.ts";

/** Sections of the course, in reading order. */
export const SECTIONS = ["basics", "bridge", "ip", "directions", "what-if", "nftables", "practice"] as const;

/** A lesson's front matter. */
export const lessonSchema = z.strictObject({
  /** Page title (the one `h1`). */
  title: z.string().min(3, "a title of at least 3 characters"),
  /** One or two sentences for search results, the page's meta description and OpenGraph. */
  description: z.string().min(20, "a description of at least 20 characters").max(300),
  /** Which part of the course the lesson belongs to (sidebar group). */
  section: z.enum(SECTIONS),
  /** Position within the whole course: lower comes first. */
  order: z.number().int().nonnegative(),
  /** Language of the lesson; must match its folder (`content/lessons/<locale>/`). */
  locale: z.enum(LOCALES),
  /** Drafts are built in `npm run dev` only. Default false. */
  draft: z.boolean().default(false),
});

/** A validated lesson front matter. */
export type LessonData = z.infer<typeof lessonSchema>;
