/**
 * The Docker 29 nftables lessons as a reader gets them, in both languages: every
 * `::trace` of the Markdown is on the page, in order, with a diagram shown in
 * light and dark; the "accept is not final" pair shows the recorded drop in the
 * iptables FORWARD chain and, fixed, both base chains of the forward hook accepting
 * in turn; and the lessons sit together in the course, reachable from the
 * iptables direction lessons.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { distBase, LESSONS_DIR, REPO_ROOT, useSite } from "./browser.ts";
import { assertDistBuilt, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

/** One nftables lesson in one locale. */
interface NftLesson {
  rel: string;
  url: string;
  /** `src` of each `::trace` in the Markdown, in order. */
  traces: string[];
}

const nftLessons: NftLesson[] = readdirSync(LESSONS_DIR, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".md"))
  .sort()
  .flatMap((rel) => {
    const markdown = readFileSync(path.join(LESSONS_DIR, rel), "utf8");
    if (!/^section: nftables$/m.test(markdown)) return [];
    const [locale, file] = rel.split(/[\\/]/) as [string, string];
    const url = `${distBase()}${locale === "en" ? "" : `${locale}/`}lessons/${file.replace(/\.md$/, "")}/`;
    const traces = [...markdown.matchAll(/^::trace\{[^}]*\bsrc="([^"]+)"/gm)].map((m) => m[1] as string);
    return [{ rel, url, traces }];
  });

/** True when the lab's recorded rulesets are nft's (`table <family> <name>`), not iptables-save's. */
function nftLab(lab: string): boolean {
  const dir = path.join(REPO_ROOT, "traces", lab, "rulesets");
  const files = readdirSync(dir).filter((f) => f.endsWith(".rules") && !f.includes(".instrumented-"));
  return (
    files.length > 0 &&
    files.every((f) => /^table (ip|ip6|inet|bridge) /m.test(readFileSync(path.join(dir, f), "utf8")))
  );
}

/** Per figure: its trace, and whether each direction block's diagram SVG is drawn with a size. */
function figures(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("main figure.pw-trace")].map((fig) => ({
      trace: fig.dataset.trace ?? "",
      drawn: [...fig.querySelectorAll(".pw-direction")].map((section) => {
        const svg = section.querySelector(".pw-diagram > svg");
        const r = svg?.getBoundingClientRect();
        return Boolean(r && r.width > 50 && r.height > 50);
      }),
    })),
  );
}

/** The chain named in the head of each listed step (outside the SVG) of figure `trace`'s request. */
function requestSteps(page: Page, trace: string) {
  return page.evaluate((src) => {
    const fig = document.querySelector(`main figure.pw-trace[data-trace="${src}"]`);
    const section = fig?.querySelector('.pw-direction[data-direction="request"]');
    const steps = [...(section?.querySelectorAll<HTMLElement>(".pw-step[data-step]") ?? [])];
    return {
      steps: steps.map((s) => s.querySelector(".pw-hook")?.textContent?.trim() ?? ""),
      dropped: section?.querySelector(".pw-diagram > svg .dropped") !== null,
    };
  }, trace);
}

describe("the nftables lessons", () => {
  it("exist in both languages, five each (else the checks below check nothing)", () => {
    const byLocale = Map.groupBy(nftLessons, (l) => l.rel.split(/[\\/]/)[0]);
    expect(byLocale.get("en")?.length).toBe(5);
    expect(byLocale.get("zh-tw")?.map((l) => path.basename(l.rel))).toEqual(
      byLocale.get("en")?.map((l) => path.basename(l.rel)),
    );
    for (const lesson of nftLessons) {
      expect(lesson.traces.length, lesson.rel).toBeGreaterThan(0);
      for (const src of lesson.traces)
        expect(nftLab(src.split("/")[0] as string), `${lesson.rel}: ${src}`).toBe(true);
    }
  });

  it.each(nftLessons.flatMap((l) => (["light", "dark"] as const).map((theme) => ({ ...l, theme }))))(
    "$rel ($theme): every trace of the Markdown is a figure with its diagrams drawn",
    async ({ url, traces, theme }) => {
      const context = await site.browser.newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: theme,
      });
      try {
        const page = await context.newPage();
        await page.goto(`${site.server.url}${url}`);
        const shown = await figures(page);
        expect(shown.map((f) => f.trace)).toEqual(traces);
        for (const f of shown) {
          expect(f.drawn.length, `${f.trace}: direction blocks`).toBeGreaterThan(0);
          expect(f.drawn, `${f.trace}: a diagram drawn in every direction block`).not.toContain(false);
        }
      } finally {
        await context.close();
      }
    },
  );

  it.each(nftLessons.filter((l) => l.rel.endsWith("nft-accept-is-not-final.md")))(
    "$rel: the failing and the fixed TRACE recordings side by side",
    async ({ url }) => {
      const page = await site.browser.newPage();
      try {
        await page.goto(`${site.server.url}${url}`);
        const failing = await requestSteps(page, "docker-bridge-nft/container-to-wan-forward-drop-trace");
        const fixed = await requestSteps(page, "docker-bridge-nft/container-to-wan-forward-drop-fixed-trace");
        // Failing: the iptables-nft chain is the last one the ping meets, and it drops it.
        expect(failing.steps.at(-1)).toBe("ip filter FORWARD");
        expect(failing.steps).not.toContain("ip docker-bridges filter-FORWARD");
        expect(failing.dropped).toBe(true);
        // Fixed: both base chains of the forward hook run, iptables' first, and nothing drops.
        const iptables = fixed.steps.indexOf("ip filter FORWARD");
        const docker = fixed.steps.indexOf("ip docker-bridges filter-FORWARD");
        expect(iptables, fixed.steps.join(", ")).toBeGreaterThanOrEqual(0);
        expect(docker, fixed.steps.join(", ")).toBe(iptables + 1);
        expect(fixed.steps.at(-1)).toBe("ip docker-bridges nat-POSTROUTING");
        expect(fixed.dropped).toBe(false);
      } finally {
        await page.close();
      }
    },
  );

  it.each(nftLessons.filter((l) => l.rel.endsWith("nft-internet.md")))(
    "$rel: a LOG recording's steps name the lab's base chains as nft and the listing do",
    async ({ url }) => {
      const page = await site.browser.newPage();
      try {
        await page.goto(`${site.server.url}${url}`);
        const log = await requestSteps(page, "docker-bridge-nft/container-to-wan");
        const trace = await requestSteps(page, "docker-bridge-nft/container-to-wan-trace");
        // LOG lines (prefixes) and TRACE lines (nft's own words) name Docker's chains alike.
        for (const steps of [log.steps, trace.steps]) {
          expect(steps).toContain("ip docker-bridges filter-FORWARD");
          expect(steps).toContain("ip docker-bridges nat-POSTROUTING");
          expect(steps.filter((s) => s.startsWith("ip:"))).toEqual([]);
        }
      } finally {
        await page.close();
      }
    },
  );

  it.each(["", "zh-tw/"])(
    "the course lists them together, and each iptables direction lesson links to one (%s)",
    async (prefix) => {
      const page = await site.browser.newPage();
      try {
        const ours = nftLessons
          .filter((l) => l.rel.startsWith(prefix === "" ? "en" : "zh-tw"))
          .map((l) => l.url);
        await page.goto(`${site.server.url}${distBase()}${prefix}`);
        const listed = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLAnchorElement>("main a")].map((a) => a.pathname),
        );
        const at = listed.filter((href) => ours.includes(href));
        expect(new Set(at), "the home page lists every nftables lesson").toEqual(new Set(ours));
        const first = listed.indexOf(at[0] as string);
        expect(listed.slice(first, first + ours.length), "next to each other").toEqual(at);
        for (const slug of [
          "host-to-container",
          "container-to-container",
          "container-to-wan",
          "wan-to-published-port",
        ]) {
          await page.goto(`${site.server.url}${distBase()}${prefix}lessons/${slug}/`);
          const links = await page.evaluate(() =>
            [...document.querySelectorAll<HTMLAnchorElement>("main a")].map((a) => a.pathname),
          );
          expect(
            links.filter((href) => ours.includes(href)),
            `${slug} links to an nftables lesson`,
          ).not.toEqual([]);
        }
      } finally {
        await page.close();
      }
    },
  );

  it("every trace of the nft lab has its zh-TW title on its zh-TW page", () => {
    const lab = path.join(REPO_ROOT, "traces/docker-bridge-nft");
    const zh = JSON.parse(readFileSync(path.join(lab, "i18n/zh-tw.json"), "utf8")) as {
      traces: Record<string, { title: string }>;
    };
    const scenarios = readdirSync(lab)
      .filter((f) => f.endsWith(".json") && f !== "lab.json")
      .map((f) => f.replace(/\.json$/, ""));
    expect(scenarios.length).toBeGreaterThanOrEqual(13);
    for (const scenario of scenarios) {
      const english = (
        JSON.parse(readFileSync(path.join(lab, `${scenario}.json`), "utf8")) as { title: string }
      ).title;
      const title = zh.traces[scenario]?.title;
      expect(title, `${scenario}: translated`).toBeDefined();
      expect(title).not.toBe(english);
      const html = readFileSync(
        path.join(DIST_DIR, `zh-tw/traces/docker-bridge-nft/${scenario}/index.html`),
        "utf8",
      );
      // Its text: identifiers in it are wrapped in spans that keep them whole on a phone.
      const h1 = html
        .match(/<h1[^>]*>([\s\S]*?)<\/h1>/)?.[1]
        ?.replace(/<[^>]+>/g, "")
        .trim();
      expect(h1, scenario).toBe(title);
    }
  });
});
