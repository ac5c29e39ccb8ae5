/**
 * Link previews: every lesson page, in both languages, names an `og:image` at an absolute URL under the
 * site and base it was built for; the PNG is in dist/ at that path, 1200×630 as its meta tags say, and
 * shows the lesson's first diagram (its text alternative is that figure's caption and description).
 * No page keeps a placeholder.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { decodeHTML } from "entities";
import { describe, expect, it } from "vitest";
import { countDiagrams, lessonPages, listPages, readPageHtml, useSite } from "./browser.ts";
import { assertDistBuilt, buildLocation, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
const location = buildLocation();
const site = useSite();

const meta = (html: string, key: string) =>
  [...html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)"/g)]
    .filter(([, k]) => k === key)
    .map(([, , v = ""]) => decodeHTML(v));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const data = readFileSync(file);
  expect(data.subarray(1, 4).toString("latin1"), `${file} is a PNG`).toBe("PNG");
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe("og:image", () => {
  const lessons = lessonPages();

  it("covers every lesson in both languages", () => {
    expect(lessons.length).toBeGreaterThan(0);
    expect(lessons.some((p) => p.path.includes("/zh-tw/"))).toBe(true);
  });

  it.each(lessons.map((p) => [p.path, p] as const))(
    "%s: names a 1200x630 PNG in dist/ at an absolute URL, with its text alternative",
    (_, page) => {
      const html = readPageHtml(page);
      const [url, ...more] = meta(html, "og:image");
      expect(more, "one og:image").toEqual([]);
      expect(url, "og:image").toBeDefined();
      const parsed = new URL(url ?? "");
      expect(parsed.origin).toBe(location.site);
      expect(parsed.pathname.startsWith(`${location.base}og/`)).toBe(true);
      expect(meta(html, "twitter:image")).toEqual([url]);
      const file = path.join(DIST_DIR, parsed.pathname.slice(location.base.length));
      expect(existsSync(file), `${file} exists`).toBe(true);
      expect(pngSize(file)).toEqual({ width: 1200, height: 630 });
      expect(meta(html, "og:image:width")).toEqual(["1200"]);
      expect(meta(html, "og:image:height")).toEqual(["630"]);
      expect(meta(html, "og:image:type")).toEqual(["image/png"]);
      expect(meta(html, "twitter:card")).toEqual(["summary_large_image"]);
      const [alt = ""] = meta(html, "og:image:alt");
      if (countDiagrams(html) > 0) {
        // The first figure's caption, then what its first diagram shows.
        // The caption's text, its identifiers' spans (kept whole on a phone) left out.
        const caption = decodeHTML(
          (
            /<span class="pw-caption">([\s\S]*?)<\/span> <span class="pw-origin/.exec(html)?.[1] ?? ""
          ).replace(/<[^>]+>/g, ""),
        );
        const shows = decodeHTML(/<div class="pw-diagram"[^>]*\baria-label="([^"]*)"/.exec(html)?.[1] ?? "");
        expect(caption && shows).toBeTruthy();
        expect(alt).toBe(`${caption}. ${shows}`);
      } else {
        expect(alt.startsWith(meta(html, "og:title")[0]?.split(" · ")[0] ?? "?")).toBe(true);
      }
    },
  );

  it("leaves no placeholder on any page, and gives pages that are not lessons no og:image", () => {
    const lessonFiles = new Set(lessons.map((p) => p.file));
    for (const page of listPages()) {
      const html = readPageHtml(page);
      expect(html, page.path).not.toContain("pw-og-image:");
      if (!lessonFiles.has(page.file)) expect(meta(html, "og:image"), page.path).toEqual([]);
    }
  });

  it("draws the diagram on the right of a light card, the title on the left", async () => {
    // One lesson with a diagram and one without, in each language.
    const picks = lessons.filter((p, i, all) => {
      const d = countDiagrams(readPageHtml(p)) > 0;
      const zh = p.path.includes("/zh-tw/");
      return (
        all.findIndex(
          (q) => countDiagrams(readPageHtml(q)) > 0 === d && q.path.includes("/zh-tw/") === zh,
        ) === i
      );
    });
    expect(picks).toHaveLength(4);
    const context = await site.browser.newContext();
    try {
      const page = await context.newPage();
      for (const lesson of picks) {
        const url = new URL(meta(readPageHtml(lesson), "og:image")[0] ?? "");
        const png = readFileSync(path.join(DIST_DIR, url.pathname.slice(location.base.length)));
        // Ink (pixels darker than near-white) per half of the card, counted in the browser's canvas.
        const ink = await page.evaluate(async (b64) => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const canvas = document.createElement("canvas");
          canvas.width = img.width;
          canvas.height = img.height;
          const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
          ctx.drawImage(img, 0, 0);
          const { data } = ctx.getImageData(0, 0, img.width, img.height);
          const halves = [0, 0];
          for (let i = 0; i < data.length; i += 4) {
            const x = (i / 4) % img.width;
            if ((data[i] ?? 255) + (data[i + 1] ?? 255) + (data[i + 2] ?? 255) < 600)
              halves[x < img.width * 0.55 ? 0 : 1]++;
          }
          const corner = [...ctx.getImageData(2, 2, 1, 1).data];
          return { left: halves[0] ?? 0, right: halves[1] ?? 0, corner };
        }, png.toString("base64"));
        const where = `${lesson.path} (${url.pathname})`;
        expect(ink.corner, `${where}: light background`).toEqual([255, 255, 255, 255]);
        expect(ink.left, `${where}: the title on the left`).toBeGreaterThan(2000);
        if (countDiagrams(readPageHtml(lesson)) > 0)
          expect(ink.right, `${where}: the diagram on the right`).toBeGreaterThan(2000);
      }
    } finally {
      await context.close();
    }
  });
});
