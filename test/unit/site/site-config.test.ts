import type { Root } from "hast";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import rehypeBaseLinks, { prefixBase } from "../../../src/plugin/rehype-base-links.ts";
import { loadSiteConfig, normalizeBase, repoFromPackageJson, withBase } from "../../../src/site-config.ts";

describe("site configuration from the environment", () => {
  it("uses the defaults and package.json's repository when nothing is set", () => {
    const config = loadSiteConfig({}, { type: "git", url: "git+https://github.com/o/r.git" });
    expect(config).toEqual({
      title: "packetwalk",
      site: "https://packetwalk.example.org",
      base: "/",
      repo: "https://github.com/o/r",
      editBranch: "main",
    });
  });

  it("reads site, base, repository and branch as the Pages workflow sets them", () => {
    const config = loadSiteConfig(
      {
        PACKETWALK_SITE: "https://owner.github.io/",
        PACKETWALK_BASE: "/repo", // configure-pages' base_path has no trailing slash
        PACKETWALK_REPO: "https://github.com/owner/repo",
        PACKETWALK_EDIT_BRANCH: "trunk",
      },
      undefined,
    );
    expect(config.site).toBe("https://owner.github.io");
    expect(config.base).toBe("/repo/");
    expect(config.repo).toBe("https://github.com/owner/repo");
    expect(config.editBranch).toBe("trunk");
  });

  it("names the variable and what was expected when a value is wrong", () => {
    expect(() =>
      loadSiteConfig({ PACKETWALK_SITE: "https://owner.github.io/repo", PACKETWALK_BASE: "/a b/" }, "o/r"),
    ).toThrow(
      /error: PACKETWALK_SITE: must be an origin without a path[\s\S]*error: PACKETWALK_BASE: must be a URL path/,
    );
    expect(() => loadSiteConfig({ PACKETWALK_SITE: "not a url" }, "o/r")).toThrow(/PACKETWALK_SITE/);
    expect(() => loadSiteConfig({}, null)).toThrow(/PACKETWALK_REPO \(or package.json repository\)/);
  });

  it("normalizes base paths and repository forms", () => {
    expect(["", "/", "//"].map(normalizeBase)).toEqual(["/", "/", "/"]);
    expect(["x", "/x", "x/", "/x/", "/a/b"].map(normalizeBase)).toEqual([
      "/x/",
      "/x/",
      "/x/",
      "/x/",
      "/a/b/",
    ]);
    expect(repoFromPackageJson("github:o/r")).toBe("https://github.com/o/r");
    expect(repoFromPackageJson("o/r")).toBe("https://github.com/o/r");
    expect(repoFromPackageJson({ url: "https://gitlab.com/o/r.git" })).toBe("https://gitlab.com/o/r");
    expect(repoFromPackageJson(undefined)).toBeUndefined();
  });

  it("puts paths under the base and leaves other URLs alone", () => {
    expect(withBase("/lessons/x/", "/packetwalk/")).toBe("/packetwalk/lessons/x/");
    expect(withBase("/", "/packetwalk/")).toBe("/packetwalk/");
    expect(withBase("/lessons/x/", "/")).toBe("/lessons/x/");
    for (const other of ["#top", "https://a.b/c", "//cdn/x", "mailto:a@b"]) {
      expect(withBase(other, "/packetwalk/")).toBe(other);
    }
  });
});

describe("rehype-base-links", () => {
  it("prefixes root-absolute href and src in lesson HTML, and nothing else", async () => {
    const tree: Root = {
      type: "root",
      children: [
        { type: "element", tagName: "a", properties: { href: "/zh-tw/lessons/x/" }, children: [] },
        { type: "element", tagName: "a", properties: { href: "#here" }, children: [] },
        { type: "element", tagName: "a", properties: { href: "https://example.org/" }, children: [] },
        { type: "element", tagName: "img", properties: { src: "/img/a.svg" }, children: [] },
        { type: "element", tagName: "a", properties: { href: "relative/" }, children: [] },
      ],
    };
    const out = (await unified().use(rehypeBaseLinks, { base: "/packetwalk/" }).run(tree)) as Root;
    const values = out.children.map((c) =>
      c.type === "element" ? (c.properties.href ?? c.properties.src) : undefined,
    );
    expect(values).toEqual([
      "/packetwalk/zh-tw/lessons/x/",
      "#here",
      "https://example.org/",
      "/packetwalk/img/a.svg",
      "relative/",
    ]);
    expect(prefixBase("/x", "/")).toBe("/x");
  });
});
