import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaptureError } from "../../../src/capture/capture-error.ts";
import { checkOutDir } from "../../../src/capture/check-out-dir.ts";
import { mountPoints } from "../../../src/capture/netns-dir.ts";

function failure(out: string): CaptureError {
  try {
    checkOutDir(out, "docker-bridge");
  } catch (error) {
    expect(error).toBeInstanceOf(CaptureError);
    return error as CaptureError;
  }
  throw new Error(`checkOutDir accepted ${out}`);
}

describe("checking --out before a capture", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "packetwalk-out-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts a missing folder without creating it, and an existing one without leaving anything", () => {
    expect(checkOutDir(join(dir, "a/b"), "docker-bridge")).toBe(join(dir, "a/b/docker-bridge"));
    expect(readdirSync(dir)).toEqual([]);
    mkdirSync(join(dir, "t/docker-bridge/rulesets"), { recursive: true });
    checkOutDir(join(dir, "t"), "docker-bridge");
    expect(readdirSync(join(dir, "t/docker-bridge"))).toEqual(["rulesets"]);
    expect(readdirSync(join(dir, "t/docker-bridge/rulesets"))).toEqual([]);
  });

  it("refuses a file at any level", () => {
    writeFileSync(join(dir, "f"), "");
    expect(failure(join(dir, "f")).message).toBe(
      `--out ${join(dir, "f")}: ${join(dir, "f")} is not a folder`,
    );
    expect(failure(join(dir, "f/deeper")).message).toBe(
      `--out ${join(dir, "f/deeper")}: ${join(dir, "f")} is not a folder`,
    );
    mkdirSync(join(dir, "t/docker-bridge"), { recursive: true });
    writeFileSync(join(dir, "t/docker-bridge/rulesets"), "");
    expect(failure(join(dir, "t")).message).toContain(
      `${join(dir, "t/docker-bridge/rulesets")} is not a folder`,
    );
    expect(failure(join(dir, "t")).hint).toBe(
      "--out names the traces folder; the lab's files go to <out>/docker-bridge/",
    );
  });

  it("refuses an invalid lab.json with its position and a lab.json that is a folder", () => {
    mkdirSync(join(dir, "t/docker-bridge"), { recursive: true });
    const lab = join(dir, "t/docker-bridge/lab.json");
    writeFileSync(lab, '{"version": 1,\n  "name": x}');
    const error = failure(join(dir, "t"));
    expect(error.message).toBe(`${lab}:2:11: invalid JSON: unexpected "x" (Unexpected token 'x')`);
    expect(error.hint).toContain(`fix ${lab}, or remove it`);
    rmSync(lab);
    mkdirSync(lab);
    expect(failure(join(dir, "t")).message).toBe(`--out ${join(dir, "t")}: ${lab} is not a file`);
  });
});

describe("reading mount points", () => {
  it("takes field 5 and undoes the octal escapes", () => {
    const info = [
      "42 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw",
      "43 27 0:5 / /mnt/with\\040space rw - tmpfs tmpfs rw",
      "",
    ].join("\n");
    expect(mountPoints(info)).toEqual(["/run/netns", "/mnt/with space"]);
  });
});
