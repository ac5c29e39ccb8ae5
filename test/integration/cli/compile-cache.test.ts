/**
 * The CLI keeps its compiled modules (type-stripped TypeScript and V8 code) in the repository's
 * cache folder, so that a command starts in a fraction of the time after the first: by default
 * under `node_modules/.cache/packetwalk/compile`, in the folder `NODE_COMPILE_CACHE` names when
 * set, and nowhere with `NODE_DISABLE_COMPILE_CACHE=1`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const bin = join(root, "bin/packetwalk.mjs");
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** `packetwalk parse --help` with `env` on top of this process's environment (cache variables unset). */
function run(env: Record<string, string>): void {
  const base = { ...process.env };
  delete base.NODE_COMPILE_CACHE;
  delete base.NODE_DISABLE_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [bin, "parse", "--help"], { cwd: root, env: { ...base, ...env } });
  expect(r.status, String(r.stderr)).toBe(0);
}

/** Cache files under `dir` (Node keeps them in a folder per Node version). */
function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "pw-compile-cache-"));
  made.push(d);
  return d;
}

describe("the CLI's compile cache", () => {
  it("is kept in the repository's cache folder by default", () => {
    run({});
    const folder = join(root, "node_modules/.cache/packetwalk/compile");
    const versions = readdirSync(folder);
    expect(versions.some((v) => v.startsWith(`v${process.versions.node}-`))).toBe(true);
    expect(entries(folder).length).toBeGreaterThan(10);
  });

  it("goes where NODE_COMPILE_CACHE says", () => {
    const dir = tempDir();
    run({ NODE_COMPILE_CACHE: dir });
    expect(entries(dir).length).toBeGreaterThan(10);
  });

  it("is not written with NODE_DISABLE_COMPILE_CACHE=1", () => {
    const dir = tempDir();
    run({ NODE_COMPILE_CACHE: dir, NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(entries(dir)).toEqual([]);
  });
});
