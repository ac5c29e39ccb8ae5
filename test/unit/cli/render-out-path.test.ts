/**
 * `render --out`'s guard: a file the render reads is refused under any of its names.
 */
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { outPathProblem } from "../../../src/cli/render-out-path.ts";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-out-path-"));
  mkdirSync(join(dir, "rulesets"));
  writeFileSync(join(dir, "t.log"), "x\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("outPathProblem", () => {
  const guarded = () => [
    { path: join(dir, "t.log"), why: "the trace being rendered" },
    { path: join(dir, "t.json"), why: "the trace's metadata" },
    { path: join(dir, "rulesets"), why: "the lab's rulesets folder", folder: true },
  ];

  it("refuses a hard link to the trace, a relative form of it, and its metadata not written yet", () => {
    linkSync(join(dir, "t.log"), join(dir, "hard.log"));
    expect(outPathProblem(join(dir, "hard.log"), guarded(), "t.mmd")?.message).toBe(
      `--out ${join(dir, "hard.log")}: is the trace being rendered (${join(dir, "t.log")}); the diagram would replace it`,
    );
    expect(outPathProblem(relative(process.cwd(), join(dir, "t.log")), guarded(), "t.mmd")).toBeDefined();
    expect(outPathProblem(join(dir, "t.json"), guarded(), "t.mmd")?.message).toContain(
      "is the trace's metadata",
    );
  });

  it("refuses any file in a guarded folder, and allows a new file beside the trace", () => {
    expect(outPathProblem(join(dir, "rulesets", "a.mmd"), guarded(), "t.mmd")?.hint).toBe(
      "choose a new file for the diagram, e.g. t.mmd",
    );
    expect(outPathProblem(join(dir, "t.mmd"), guarded(), "t.mmd")).toBeUndefined();
    // A name that only starts like the folder is not in it.
    expect(outPathProblem(join(dir, "rulesets-old.mmd"), guarded(), "t.mmd")).toBeUndefined();
  });

  it("refuses a new .log or .json directly in a folder that reads them, and allows other names and subfolders", () => {
    const lab = [...guarded(), { path: dir, why: "the lab folder", reads: /\.(log|json)$/i }];
    expect(outPathProblem(join(dir, "new.log"), lab, "t.mmd")).toEqual({
      message: `--out ${join(dir, "new.log")}: is in the lab folder (${dir}), which reads every file named so as part of the lab`,
      hint: "choose a new file for the diagram, e.g. t.mmd (a .mmd file, or a file outside the lab folder)",
    });
    expect(outPathProblem(join(dir, "new.JSON"), lab, "t.mmd")).toBeDefined();
    expect(outPathProblem(join(dir, "new.svg"), lab, "t.svg")).toBeUndefined();
    mkdirSync(join(dir, "out"));
    expect(outPathProblem(join(dir, "out", "new.json"), lab, "t.mmd")).toBeUndefined();
  });

  it("judges a dangling link by where it points: a write through it would create a new .log in the lab", () => {
    const lab = [...guarded(), { path: dir, why: "the lab folder", reads: /\.(log|json)$/i }];
    const elsewhere = mkdtempSync(join(tmpdir(), "pw-out-link-"));
    try {
      symlinkSync(join(dir, "new.log"), join(elsewhere, "d.mmd"));
      expect(outPathProblem(join(elsewhere, "d.mmd"), lab, "t.mmd")?.message).toContain(
        "is in the lab folder",
      );
      symlinkSync(join(elsewhere, "nowhere.mmd"), join(elsewhere, "e.mmd"));
      expect(outPathProblem(join(elsewhere, "e.mmd"), lab, "t.mmd")).toBeUndefined();
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
