/**
 * Queries over the lessons collection used by pages and layouts.
 */
import { type CollectionEntry, getCollection } from "astro:content";
import { type Locale, localePrefix } from "../i18n/locales.ts";
import { SECTIONS } from "../lessons/lesson-schema.ts";
import { withBase } from "../site-config.ts";

/** A lesson entry. */
export type Lesson = CollectionEntry<"lessons">;

/** The lesson's slug: its file name without the locale folder and extension. */
export function lessonSlug(lesson: Lesson): string {
  return lesson.id.split("/").slice(1).join("/");
}

/** The lesson's URL path under the site's base, with a trailing slash. */
export function lessonUrl(lesson: Lesson): string {
  return withBase(`${localePrefix(lesson.data.locale)}/lessons/${lessonSlug(lesson)}/`);
}

/** The locale folder of a lesson entry (`en` in `en/foo`). */
export function lessonFolder(lesson: Lesson): string {
  return lesson.id.split("/")[0] ?? "";
}

/**
 * The published lessons of a locale, in course order (section, then `order`).
 * Drafts are kept in dev only. A lesson whose `locale` differs from its folder fails the build.
 */
export async function getLessons(locale: Locale): Promise<Lesson[]> {
  const all = await getCollection("lessons", (l) => import.meta.env.DEV || !l.data.draft);
  for (const l of all) {
    if (lessonFolder(l) !== l.data.locale) {
      throw new Error(
        `${l.filePath}: locale: front matter says '${l.data.locale}' but the file is in content/lessons/${lessonFolder(l)}/ (hint: move the file or fix the field)`,
      );
    }
  }
  return all
    .filter((l) => l.data.locale === locale)
    .sort(
      (a, b) =>
        SECTIONS.indexOf(a.data.section) - SECTIONS.indexOf(b.data.section) ||
        a.data.order - b.data.order ||
        a.id.localeCompare(b.id),
    );
}

/** The same lesson in another locale, if it exists. */
export async function translationOf(lesson: Lesson, locale: Locale): Promise<Lesson | undefined> {
  const others = await getLessons(locale);
  const slug = lessonSlug(lesson);
  return others.find((l) => lessonSlug(l) === slug);
}

/** The published lessons of `locale` that embed the trace `<lab>/<scenario>` with `::trace`, in course order. */
export async function lessonsUsingTrace(locale: Locale, traceName: string): Promise<Lesson[]> {
  const src = new RegExp(
    `^\\s*::trace\\{[^}]*\\bsrc="${traceName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`,
    "m",
  );
  return (await getLessons(locale)).filter((l) => src.test(l.body ?? ""));
}
