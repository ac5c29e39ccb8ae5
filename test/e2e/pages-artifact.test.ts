/**
 * A dry run of the Pages deploy on the built dist/: the archive is made the way
 * actions/upload-pages-artifact makes it (a tar of the folder's contents, links
 * dereferenced, .git and .github left out), and it must be what actions/deploy-pages
 * accepts: the site's files at the archive's root, only regular files and folders,
 * within the size limit, with every page linking under the base it was built for.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { distFiles } from "./browser.ts";
import { assertDistBuilt, buildLocation, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
const work = mkdtempSync(path.join(tmpdir(), "packetwalk-pages-"));
const archive = path.join(work, "artifact.tar");
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the GitHub Pages artifact made from dist/", () => {
  const made = spawnSync(
    "tar",
    [
      "--dereference",
      "--hard-dereference",
      "--directory",
      DIST_DIR,
      "-cf",
      archive,
      "--exclude=.git",
      "--exclude=.github",
      ".",
    ],
    { encoding: "utf8" },
  );

  it("is made the way upload-pages-artifact makes it", () => {
    expect(made.status, made.stderr).toBe(0);
  });

  it("holds the site at its root, regular files only, within Pages' 1 GB site limit", () => {
    const listing = spawnSync("tar", ["-tvf", archive], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(listing.status, listing.stderr).toBe(0);
    const lines = listing.stdout.trim().split("\n");
    // Every entry is a folder or a regular file: no symlinks or hard links, which deploy-pages rejects.
    expect(lines.filter((l) => !/^[-d]/.test(l))).toEqual([]);
    const names = lines.map((l) => l.split(/\s+/).slice(5).join(" ")).filter((n) => !n.endsWith("/"));
    const expected = distFiles().map((f) => `./${f}`);
    expect(names.sort()).toEqual(expected.sort());
    expect(names).toEqual(expect.arrayContaining(["./index.html", "./404.html", "./pagefind/pagefind.js"]));
    expect(statSync(archive).size).toBeLessThan(1024 ** 3);
  });

  it(`was built for base ${buildLocation().base}, which the deployed pages link under`, () => {
    const { base } = buildLocation();
    const home = spawnSync("tar", ["-xOf", archive, "./index.html"], { encoding: "utf8" }).stdout;
    expect(home).toContain(`href="${base}favicon.svg"`);
    expect(home).toMatch(new RegExp(`href="${base}_astro/[^"]+\\.css"`));
  });
});
