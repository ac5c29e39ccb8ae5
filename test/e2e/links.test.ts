/**
 * Link checker over the built files (no browser, no network): every internal
 * href/src/srcset in dist/**\/*.html resolves to a file in dist/, every
 * `#anchor` to an id on the target page, every in-page id reference (SVG
 * `url(#id)`, aria-labelledby/-describedby/-controls, label `for`) to an id on
 * the same page; CSS `url()`s and sitemap entries resolve too. External links
 * are listed, never fetched.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { distFiles } from "./browser.ts";
import { assertDistBuilt, buildLocation, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
const files = distFiles();
const htmlFiles = files.filter((f) => f.endsWith(".html"));
// The site and base the build was made for: links must stay under the base (`/packetwalk/...` on a project site).
const { site: SITE_ORIGIN, base: BASE } = buildLocation();
const SITE = new URL(SITE_ORIGIN);

/** One start tag: name and attributes (values with entities decoded). */
interface Tag {
  name: string;
  attrs: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(Number.parseInt(e.slice(e[1] === "x" ? 2 : 1), e[1] === "x" ? 16 : 10));
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/** Start tags of an HTML document; script and style bodies and comments are not markup. */
function startTags(html: string): Tag[] {
  const markup = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/(<(script|style)\b[^>]*>)[\s\S]*?<\/\2>/gi, "$1");
  const tags: Tag[] = [];
  const tagRe = /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
  const attrRe = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const m of markup.matchAll(tagRe)) {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? "").matchAll(attrRe)) {
      attrs.set((a[1] ?? "").toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? ""));
    }
    tags.push({ name: (m[1] ?? "").toLowerCase(), attrs });
  }
  return tags;
}

const parsed = new Map<string, Tag[]>(
  htmlFiles.map((f) => [f, startTags(readFileSync(path.join(DIST_DIR, f), "utf8"))]),
);
const idsOf = new Map<string, Set<string>>(
  [...parsed].map(([f, tags]) => [
    f,
    new Set(
      tags
        .flatMap((t) => [t.attrs.get("id"), t.name === "a" ? t.attrs.get("name") : undefined])
        .filter((v) => v !== undefined),
    ),
  ]),
);

/** URL path of an HTML file, as a reader requests it (under the base). */
function pageUrl(file: string): string {
  if (file === "index.html") return BASE;
  if (file.endsWith("/index.html")) return `${BASE}${file.slice(0, -"index.html".length)}`;
  return `${BASE}${file}`;
}

/** The dist/ file a URL path is served from, or a reason it is not. */
function fileFor(pathname: string): { file: string } | { problem: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { problem: "malformed percent-encoding" };
  }
  // A root-absolute link that forgot the base works at / and breaks on a project site.
  if (!decoded.startsWith(BASE)) return { problem: `outside the base path ${BASE}` };
  const rel = decoded.slice(BASE.length);
  const full = path.join(DIST_DIR, rel);
  if (decoded.endsWith("/")) {
    const index = `${rel}index.html`;
    return existsSync(path.join(DIST_DIR, index)) ? { file: index } : { problem: "no such page" };
  }
  if (!existsSync(full)) return { problem: "no such file" };
  // The site uses trailing slashes: a link to a folder without one costs a redirect.
  if (statSync(full).isDirectory()) return { problem: "folder linked without its trailing slash" };
  return { file: rel };
}

const external = new Set<string>();

/**
 * Checks one reference from `fromUrl` (a URL path); returns a problem or undefined.
 * External URLs are recorded in {@link external}.
 */
function check(value: string, fromUrl: string, fromFile: string): string | undefined {
  const v = value.trim();
  if (v === "" || /^(mailto|tel|javascript|data|blob):/i.test(v)) return undefined;
  let url: URL;
  try {
    url = new URL(v, new URL(fromUrl, SITE));
  } catch {
    return "not a URL";
  }
  if (url.origin !== SITE.origin) {
    external.add(url.href);
    return undefined;
  }
  // The 404 page is served at any address: relative links there break.
  if (fromFile === "404.html" && !/^(\/|#|[a-z][a-z0-9+.-]*:)/i.test(v))
    return "relative link on the 404 page";
  const target = fileFor(url.pathname);
  if ("problem" in target) return target.problem;
  let fragment: string;
  try {
    fragment = decodeURIComponent(url.hash.slice(1));
  } catch {
    return "malformed percent-encoding in the #anchor";
  }
  if (fragment !== "") {
    const ids = idsOf.get(target.file);
    if (!ids) return `#${fragment} points into a file that is not a page`;
    if (!ids.has(fragment)) return `no id="${fragment}" on ${pageUrl(target.file)}`;
  }
  return undefined;
}

const URL_ATTRS = ["href", "src", "poster", "action", "xlink:href", "data"];
const IDREF_ATTRS = ["aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "for", "list"];

/** Problems with the references in one HTML file. */
function checkPage(file: string): string[] {
  const tags = parsed.get(file) ?? [];
  const ids = idsOf.get(file) ?? new Set<string>();
  const from = pageUrl(file);
  const problems: string[] = [];
  for (const tag of tags) {
    // The canonical/alternate/og URLs name the deployed site: check them as internal paths.
    const refs: string[] = URL_ATTRS.flatMap((a) => {
      const value = tag.attrs.get(a);
      return value === undefined || (a === "data" && tag.name !== "object") ? [] : [value];
    });
    const srcset = tag.attrs.get("srcset");
    if (srcset) refs.push(...srcset.split(",").map((c) => c.trim().split(/\s+/)[0] ?? ""));
    if (tag.name === "meta" && /^og:(url|image)$/.test(tag.attrs.get("property") ?? "")) {
      refs.push(tag.attrs.get("content") ?? "");
    }
    for (const ref of refs) {
      const problem = check(ref, from, file);
      if (problem) problems.push(`<${tag.name} ${ref}>: ${problem}`);
    }
    for (const a of IDREF_ATTRS) {
      for (const id of (tag.attrs.get(a) ?? "").split(/\s+/).filter(Boolean)) {
        if (!ids.has(id)) problems.push(`<${tag.name} ${a}="${id}">: no such id on this page`);
      }
    }
    // SVG paint servers and markers: url(#id) in attributes and inline styles.
    for (const [name, value] of tag.attrs) {
      for (const m of value.matchAll(/url\(\s*['"]?#([^'")\s]+)['"]?\s*\)/g)) {
        if (!ids.has(m[1] ?? ""))
          problems.push(`<${tag.name} ${name}="url(#${m[1]})">: no such id on this page`);
      }
    }
  }
  return [...new Set(problems)];
}

// Checked up front, so the list of external links is complete whichever tests run.
const problemsIn = new Map(htmlFiles.map((f) => [f, checkPage(f)]));

describe("links in the built site", () => {
  it("finds pages to check", () => {
    expect(htmlFiles).toContain("index.html");
    expect(htmlFiles).toContain("404.html");
  });

  it.each(htmlFiles)("every link, anchor and id reference in %s resolves", (file) => {
    expect(problemsIn.get(file)).toEqual([]);
  });

  it("every url() in the CSS resolves to a file", () => {
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".css"))) {
      const css = readFileSync(path.join(DIST_DIR, file), "utf8");
      for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
        const ref = m[2] ?? "";
        if (ref.startsWith("#") || ref.startsWith("data:")) continue;
        const problem = check(ref.replace(/[?#].*$/, ""), `${BASE}${file}`, file);
        if (problem) problems.push(`${file}: url(${ref}): ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every sitemap entry is a page in dist/", () => {
    const sitemaps = files.filter((f) => /^sitemap.*\.xml$/.test(f));
    expect(sitemaps.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const file of sitemaps) {
      const xml = readFileSync(path.join(DIST_DIR, file), "utf8");
      for (const m of xml.matchAll(/<loc>([^<]+)<\/loc>/g)) {
        const problem = check(decodeEntities(m[1] ?? ""), BASE, file);
        if (problem) problems.push(`${file}: ${m[1]}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("lists the external links (not fetched: no network here)", () => {
    const list = [...external].sort();
    console.log(
      `links: ${list.length} external link(s), not fetched:\n${list.map((u) => `  ${u}`).join("\n")}`,
    );
    // External links must still be well-formed https (or http) URLs.
    expect(list.filter((u) => !/^https?:\/\/[^/]+\.[^/]+/.test(u))).toEqual([]);
  });
});
