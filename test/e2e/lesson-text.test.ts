/**
 * Text stays text: every `address:port` and MAC address written in a lesson's
 * Markdown is in the built page's text as the reader gets it. (remark-directive
 * once read `:8080` and the `:01` of a MAC as directives and deleted them.)
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LESSONS_DIR, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

// IPv4 with a port, [IPv6] with a port, and MAC addresses.
const TOKENS = [
  /\b\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}\b/g,
  /\[[0-9a-f:]+\]:\d{1,5}/gi,
  /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi,
];

/** The tokens a lesson's prose, tables and code hold (front matter and directive lines left out). */
function lessonTokens(markdown: string): string[] {
  const body = markdown
    .replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, "")
    .replace(/^\s*::trace\{.*$/gm, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  const found = new Set<string>();
  for (const re of TOKENS) for (const m of body.matchAll(re)) found.add(m[0]);
  return [...found].sort();
}

const lessons = readdirSync(LESSONS_DIR, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".md"))
  .sort()
  .map((rel) => {
    const [locale, file] = rel.split(/[\\/]/) as [string, string];
    const slug = file.replace(/\.md$/, "");
    const url = `${locale === "en" ? "" : `/${locale}`}/lessons/${slug}/`;
    return { rel, url, tokens: lessonTokens(readFileSync(path.join(LESSONS_DIR, rel), "utf8")) };
  });

describe("addresses and ports in lessons reach the reader", () => {
  it("finds lessons that write such addresses (else this test would check nothing)", () => {
    expect(lessons.filter((l) => l.tokens.length > 0).length).toBeGreaterThanOrEqual(6);
  });

  it.each(lessons.filter((l) => l.tokens.length > 0))("$rel", async ({ url, tokens }) => {
    const page = await site.browser.newPage();
    try {
      await page.goto(`${site.server.url}${url}`);
      const text = (await page.locator("main").textContent()) ?? "";
      const missing = tokens.filter((t) => !text.includes(t));
      expect(missing, `written in the lesson but missing from ${url}`).toEqual([]);
      // The old bug also split a paragraph around an empty element: no paragraph starts with a comma.
      const orphans = await page.$$eval("main p", (ps) =>
        ps.map((p) => p.textContent?.trim() ?? "").filter((t) => /^[,.;:)]/.test(t)),
      );
      expect(orphans).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
