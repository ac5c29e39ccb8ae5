/**
 * A temporary folder for one test file, made on first use and removed after the file's tests. Made
 * lazily so that a run whose `-t` filter leaves none of the file's tests (vitest then runs no
 * `afterAll`) leaves no folder behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** Registers the cleanup; call the returned function for the folder's path (made on the first call). */
export function tempDir(prefix: string): () => string {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    dir ??= mkdtempSync(join(tmpdir(), prefix));
    return dir;
  };
}
