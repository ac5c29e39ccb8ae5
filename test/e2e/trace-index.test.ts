/**
 * The trace index names every trace of a lab by a link text of its own: two traces of one direction with the
 * same title (a Docker 28 and a Docker 27 capture) are told apart in the link by what differs
 * (`Container c1 pings container c2 (docker-27)`), in both languages, so a reader (or a screen
 * reader's list of links) never meets two links with the same words going to different pages.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listPages, REPO_ROOT, readPageHtml, siteRelative } from "./browser.ts";
import { assertDistBuilt, buildLocation } from "./serve-dist.ts";

assertDistBuilt();

/** The link texts and targets of a lab section's trace lists, tags stripped. */
function traceLinks(html: string): { text: string; href: string }[] {
  return [...html.matchAll(/<ul class="lesson-list trace-list">([\s\S]*?)<\/ul>/g)].flatMap((list) =>
    [...(list[1] ?? "").matchAll(/<li>\s*<a href="([^"]+)">([\s\S]*?)<\/a>/g)].map((m) => ({
      href: m[1] ?? "",
      text: (m[2] ?? "")
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ")
        .trim(),
    })),
  );
}

describe("the trace index", () => {
  for (const where of ["/traces/", "/zh-tw/traces/"])
    it(`gives every trace a link text of its own (${where})`, () => {
      const page = listPages().find((p) => siteRelative(p.path) === where);
      expect(page, `${where} is built`).toBeDefined();
      const html = readPageHtml(page as NonNullable<typeof page>);
      // Each lab is a section under its own heading: within it, no two links read the same.
      const sections = [...html.matchAll(/<section>([\s\S]*?)<\/section>/g)].map((m) =>
        traceLinks(m[1] ?? ""),
      );
      expect(sections.length).toBeGreaterThan(5);
      const links = sections.flat();
      expect(links.length).toBeGreaterThan(20);
      for (const section of sections) {
        const byText = new Map<string, Set<string>>();
        for (const l of section) byText.set(l.text, (byText.get(l.text) ?? new Set()).add(l.href));
        expect([...byText].filter(([, hrefs]) => hrefs.size > 1).map(([text]) => text)).toEqual([]);
      }
      // The Docker 27 capture says so in its link.
      expect(
        links.find((l) => l.href.endsWith("/docker-bridge/container-to-container-docker27/"))?.text,
      ).toMatch(/27/);
    });
});

describe("a trace folder's page", () => {
  const folders = readdirSync(path.join(REPO_ROOT, "traces"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  // The base the build was made for (`/packetwalk/` in the test build), without its last slash.
  const base = buildLocation().base.replace(/\/$/, "");
  const pageAt = (where: string) => {
    const page = listPages().find((p) => siteRelative(p.path) === where);
    expect(page, `${where} is built`).toBeDefined();
    return readPageHtml(page as NonNullable<typeof page>);
  };

  // A reader who cuts a trace's address at its folder (/traces/nft-routed-v6/) met a 404.
  it.each(["", "/zh-tw"])(
    "%s/traces/<folder>/ lists exactly the folder's traces, and each trace page leads back",
    (locale) => {
      expect(folders.length).toBeGreaterThan(5);
      for (const folder of folders) {
        const scenarios = readdirSync(path.join(REPO_ROOT, "traces", folder))
          .filter((f) => f.endsWith(".log"))
          .map((f) => f.slice(0, -".log".length))
          .sort();
        const html = pageAt(`${locale}/traces/${folder}/`);
        const hrefs = traceLinks(html).map((l) => l.href);
        const listed = hrefs
          .map((h) =>
            h
              .match(/\/traces\/([^/]+)\/([^/]+)\/$/)
              ?.slice(1)
              .join("/"),
          )
          .sort();
        expect(listed, folder).toEqual(scenarios.map((s) => `${folder}/${s}`));
        for (const href of hrefs) expect(href.startsWith(`${base}${locale}/traces/`), href).toBe(true);
        // Each of its traces' pages names the index and this folder above its title.
        for (const scenario of scenarios) {
          const trace = pageAt(`${locale}/traces/${folder}/${scenario}/`);
          const crumbs = trace.match(/<nav class="pw-crumbs"[^>]*>([\s\S]*?)<\/nav>/)?.[1] ?? "";
          const links = [...crumbs.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
          expect(links, `${folder}/${scenario}`).toEqual([
            `${base}${locale}/traces/`,
            `${base}${locale}/traces/${folder}/`,
          ]);
        }
      }
    },
  );
});
