import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { restoreSysctl } from "../../../src/capture/cleanup.ts";

describe("restoring a sysctl the capture changed", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "packetwalk-sysctl-"));
    path = join(dir, "nf_log_all_netns");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("puts back the value it found while the value it wrote is still there", () => {
    writeFileSync(path, "1\n");
    const result = restoreSysctl({ path, previous: "0", wrote: "1" });
    expect(readFileSync(path, "utf8")).toBe("0\n");
    expect(result).toEqual({ removed: [`the change to ${path} (back to 0)`], problems: [], warnings: [] });
  });

  it("does nothing when the value is already the one it found", () => {
    writeFileSync(path, "0\n");
    expect(restoreSysctl({ path, previous: "0", wrote: "1" })).toEqual({
      removed: [],
      problems: [],
      warnings: [],
    });
    writeFileSync(path, "1\n");
    // It was 1 before the run: the run wrote nothing and restores nothing.
    expect(restoreSysctl({ path, previous: "1", wrote: "1" })).toEqual({
      removed: [],
      problems: [],
      warnings: [],
    });
    expect(readFileSync(path, "utf8")).toBe("1\n");
  });

  it("leaves a value someone else set since, with a warning", () => {
    writeFileSync(path, "2\n");
    const result = restoreSysctl({ path, previous: "0", wrote: "1" });
    expect(readFileSync(path, "utf8")).toBe("2\n");
    expect(result.removed).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      `${path} is 2, not the 1 the capture wrote: something else changed it, so it stays (it was 0 before the capture)`,
    ]);
  });

  it("reports a file it cannot read as a problem", () => {
    const result = restoreSysctl({ path: join(dir, "missing"), previous: "0", wrote: "1" });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^cannot read .*missing: ENOENT/);
  });
});
