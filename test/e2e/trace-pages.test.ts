/**
 * Trace pages as a reader of either language meets them: titles and
 * descriptions in the page's language, links back to the lessons that embed
 * the trace, and an index grouped by lab and direction that lists every trace once.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { distBase, REPO_ROOT } from "./browser.ts";
import { assertDistBuilt, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
const html = (p: string) => readFileSync(path.join(DIST_DIR, p, "index.html"), "utf8");
const text = (h: string) => h.replace(/<[^>]+>/g, "").trim();
const zhTexts = JSON.parse(
  readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/i18n/zh-tw.json"), "utf8"),
);
/** URL paths of the lessons of `locale` whose Markdown embeds trace `name`. */
const lessonsEmbedding = (locale: string, name: string) => {
  const dir = path.join(REPO_ROOT, "content/lessons", locale);
  return readdirSync(dir)
    .filter((f) => new RegExp(`::trace\\{[^}]*src="${name}"`).test(readFileSync(path.join(dir, f), "utf8")))
    .map((f) => `${distBase()}${locale === "en" ? "" : `${locale}/`}lessons/${f.replace(/\.md$/, "")}/`)
    .sort();
};

describe("trace pages", () => {
  it("shows the zh-TW title and description on the zh-TW page, English on the English one", () => {
    const zh = html("zh-tw/traces/docker-bridge/container-to-wan");
    const en = html("traces/docker-bridge/container-to-wan");
    const t = zhTexts.traces["container-to-wan"];
    expect(text(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(zh)?.[1] ?? "")).toBe(t.title);
    expect(zh).toContain(t.description);
    expect(text(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(en)?.[1] ?? "")).toBe(
      "Container c1 pings a server on the internet",
    );
    // The figure caption follows the page's language too.
    expect(
      text(/<span class="pw-caption">([\s\S]*?)<\/span> <span class="pw-origin/.exec(zh)?.[1] ?? ""),
    ).toBe(t.title);
  });

  it("titles every zh-TW trace page of every lab in zh-TW", () => {
    const traces = path.join(REPO_ROOT, "traces");
    const pages = readdirSync(traces, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => {
        const texts = JSON.parse(readFileSync(path.join(traces, d.name, "i18n/zh-tw.json"), "utf8"));
        return Object.entries<{ title: string }>(texts.traces).map(([scenario, t]) => ({
          page: `zh-tw/traces/${d.name}/${scenario}`,
          title: t.title,
        }));
      });
    expect(pages.map((p) => p.page)).toContain("zh-tw/traces/two-networks/b1-to-a1");
    for (const { page, title } of pages)
      expect(text(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html(page))?.[1] ?? ""), page).toBe(title);
  });

  it.each([
    ["en", "traces/docker-bridge/container-to-wan"],
    ["zh-tw", "zh-tw/traces/docker-bridge/container-to-wan"],
  ])("links back to every %s lesson that embeds the trace, and only those", (locale, page) => {
    const section =
      /<h2 id="used-in">[\s\S]*?(<ul class="pw-used-in">[\s\S]*?<\/ul>|<p>)/.exec(html(page))?.[1] ?? "";
    const links = [...section.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).sort();
    const expected = lessonsEmbedding(locale, "docker-bridge/container-to-wan");
    expect(expected.length).toBeGreaterThan(0);
    expect(links).toEqual(expected);
  });
});

describe("traces index", () => {
  it("groups by direction in the course's order, simulated last, each trace once", () => {
    // The docker-bridge lab's section (other labs follow with sections of their own).
    const all = html("traces");
    const start = all.indexOf('<h2 id="lab-docker-bridge">');
    const next = all.indexOf("<h2 ", start + 1);
    const index = all.slice(start, next < 0 ? undefined : next);
    expect(start).toBeGreaterThan(0);
    const groups = [...index.matchAll(/<h3 id="[^"]*">([^<]*)<\/h3>/g)].map((m) => m[1]);
    expect(groups).toEqual([
      "container → container",
      "host → container",
      "container → host",
      "container → internet",
      "internet → container",
      "simulated what-ifs",
    ]);
    // A name's hyphenated parts are in spans of their own (kept whole on a phone): read its text.
    const listed = [...index.matchAll(/<code>(.*?)<\/code>/g)]
      .map((m) => (m[1] ?? "").replace(/<[^>]+>/g, ""))
      .filter((name) => name.startsWith("docker-bridge/"));
    expect(new Set(listed).size).toBe(listed.length);
    const onDisk = readdirSync(path.join(REPO_ROOT, "traces/docker-bridge")).filter((f) =>
      f.endsWith(".log"),
    );
    expect(listed.length).toBe(onDisk.length);
  });

  it.each([
    [
      "en",
      "traces",
      (n: number) => (n === 0 ? "in no lesson yet" : n === 1 ? "used in 1 lesson" : `used in ${n} lessons`),
    ],
    ["zh-tw", "zh-tw/traces", (n: number) => (n === 0 ? "尚無課程使用" : `${n} 篇課程使用`)],
  ] as const)(
    "says of each trace (%s) how many lessons embed it, and plainly when none does",
    (locale, page, says) => {
      const items = [...html(page).matchAll(/<li>(.*?)<\/li>/gs)]
        .map((m) => m[1] ?? "")
        .filter((li) => li.includes('class="trace-used"'));
      expect(items.length).toBeGreaterThan(20);
      let unused = 0;
      for (const li of items) {
        const name = text(/<code>(.*?)<\/code>/s.exec(li)?.[1] ?? "");
        const n = lessonsEmbedding(locale, name).length;
        if (n === 0) unused++;
        expect(text(/<span class="trace-used"[^>]*>(.*?)<\/span>/s.exec(li)?.[1] ?? ""), name).toBe(says(n));
      }
      // Older Dockers' captures and variants have pages of their own without a lesson.
      expect(unused).toBeGreaterThan(0);
    },
  );

  it("is in zh-TW on the zh-TW site", () => {
    const index = html("zh-tw/traces");
    expect(index).toContain('<h3 id="lab-docker-bridge-container-to-wan">容器 → 網際網路</h3>');
    expect(index).toContain(zhTexts.traces["container-to-wan"].title);
  });
});
