import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findSymlinks } from "../../../src/plugin/find-symlinks.ts";

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "pw-links-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe("findSymlinks", () => {
  it("finds links to files outside, dangling links and linked folders, without following them", () => {
    mkdirSync(join(cwd, "content/lessons/en"), { recursive: true });
    mkdirSync(join(cwd, "public"));
    writeFileSync(join(cwd, "content/lessons/en/ok.md"), "# ok\n");
    symlinkSync("/etc/hostname", join(cwd, "content/lessons/en/leak.md"));
    symlinkSync(join(cwd, "nowhere"), join(cwd, "public/dangling.txt"));
    symlinkSync("/etc", join(cwd, "public/etc"));
    expect(findSymlinks(["content", "public", "missing"], cwd)).toEqual([
      "content/lessons/en/leak.md",
      "public/dangling.txt",
      "public/etc",
    ]);
  });

  it("reports a linked top folder itself", () => {
    symlinkSync("/etc", join(cwd, "public"));
    expect(findSymlinks(["public"], cwd)).toEqual(["public"]);
  });
});
