/**
 * Text stays text: every `address:port` and MAC address written in a lesson's
 * Markdown is in the built page's text as the reader gets it. (remark-directive
 * once read `:8080` and the `:01` of a MAC as directives and deleted them.) And
 * zh-TW prose wrapped in the source between two CJK characters reads without
 * the space a line break would otherwise show.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { distBase, LESSONS_DIR, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

// IPv4 with a port, [IPv6] with a port, and MAC addresses.
const TOKENS = [
  /\b\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}\b/g,
  /\[[0-9a-f:]+\]:\d{1,5}/gi,
  /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi,
];

/** How many times each token occurs in a lesson's prose, tables and code (front matter and directive lines left out). */
function lessonTokens(markdown: string): Map<string, number> {
  const body = markdown
    .replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, "")
    .replace(/^\s*::trace\{.*$/gm, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  const found = new Map<string, number>();
  for (const re of TOKENS) for (const m of body.matchAll(re)) found.set(m[0], (found.get(m[0]) ?? 0) + 1);
  return found;
}

const CJK = "[\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef]";

/** The text around each line break between two CJK characters in a lesson's prose, as a reader must see it: joined. */
function cjkJoins(markdown: string): string[] {
  const body = markdown.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, "");
  const re = new RegExp(`(${CJK}{1,4})\\r?\\n(${CJK}{1,4})`, "gu");
  return [...body.matchAll(re)].map((m) => `${m[1]}${m[2]}`);
}

const lessons = readdirSync(LESSONS_DIR, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".md"))
  .sort()
  .map((rel) => {
    const [locale, file] = rel.split(/[\\/]/) as [string, string];
    const slug = file.replace(/\.md$/, "");
    const url = `${distBase()}${locale === "en" ? "" : `${locale}/`}lessons/${slug}/`;
    const markdown = readFileSync(path.join(LESSONS_DIR, rel), "utf8");
    return { rel, url, tokens: lessonTokens(markdown), joins: cjkJoins(markdown) };
  });

describe("addresses and ports in lessons reach the reader", () => {
  it("finds lessons that write such addresses (else this test would check nothing)", () => {
    expect(lessons.filter((l) => l.tokens.size > 0).length).toBeGreaterThanOrEqual(6);
  });

  it.each(lessons.filter((l) => l.tokens.size > 0))("$rel", async ({ url, tokens }) => {
    const page = await site.browser.newPage();
    try {
      await page.goto(`${site.server.url}${url}`);
      // The lesson's own text: figures add addresses of their own, which must not hide a lost one.
      const text = await page.evaluate(() => {
        const main = document.querySelector("main")?.cloneNode(true) as HTMLElement | undefined;
        for (const figure of main?.querySelectorAll("figure.pw-trace") ?? []) figure.remove();
        return main?.textContent ?? "";
      });
      const lost = [...tokens]
        .map(([token, written]) => ({ token, written, shown: text.split(token).length - 1 }))
        .filter((t) => t.shown < t.written);
      expect(lost, `written in the lesson but missing from ${url}`).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("zh-TW prose wrapped between two CJK characters", () => {
  it("finds lessons wrapped so (else this test would check nothing)", () => {
    expect(lessons.filter((l) => l.joins.length > 0).length).toBeGreaterThanOrEqual(1);
  });

  it.each(lessons.filter((l) => l.joins.length > 0))("$rel", async ({ url, joins }) => {
    const page = await site.browser.newPage();
    try {
      await page.goto(`${site.server.url}${url}`);
      const text = await page.evaluate(() => document.querySelector("main")?.textContent ?? "");
      expect(
        joins.filter((j) => !text.includes(j)),
        `joined in the source, apart on ${url}`,
      ).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
