/** Shared by the lesson listing tests: open a built page at desktop width, find a figure's step. */
import type { Page } from "playwright-core";
import type { useSite } from "./browser.ts";

/** Opens `path` (under the site's base) in a fresh 1280 x 900 context. */
export async function openLesson(site: ReturnType<typeof useSite>, path: string): Promise<Page> {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${site.server.url}${site.server.base}${path}`);
  return page;
}

/** The figure of trace `title` (its caption's start) and its step at hook `hook`. */
export function figureStep(page: Page, title: string, hook: string) {
  return page.locator("figure").filter({ hasText: title }).locator("li.pw-step").filter({ hasText: hook });
}
