/**
 * When a lesson last changed, from git: the committer date of the last commit
 * that touched the file. Undefined outside a git checkout or for a file not
 * yet committed (a draft being written), so the page says nothing rather than
 * something wrong. A shallow clone knows only its own commit: the Pages
 * workflow fetches the whole history.
 */
import { execFileSync } from "node:child_process";

const cache = new Map<string, Date | undefined>();

/** The last commit date of `file` (a path relative to the working directory), or undefined. */
export function lastUpdated(file: string): Date | undefined {
  if (cache.has(file)) return cache.get(file);
  let date: Date | undefined;
  try {
    const out = execFileSync("git", ["log", "-1", "--format=%cI", "--", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    }).trim();
    date = out ? new Date(out) : undefined;
  } catch {
    date = undefined;
  }
  cache.set(file, date);
  return date;
}

/** `November 30, 2026` / `2026年11月30日`, in the lesson's language. */
export function formatLessonDate(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale === "zh-tw" ? "zh-TW" : "en-US", {
    dateStyle: "long",
    timeZone: "UTC",
  }).format(date);
}
