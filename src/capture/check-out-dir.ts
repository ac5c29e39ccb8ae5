/**
 * Checks, before a capture creates anything, that its files can be written:
 * `<out>/<lab>/` and `<out>/<lab>/rulesets/` are folders or can be made, the
 * place they go is writable, and an existing `lab.json` (whose ruleset list the
 * capture merges) is valid. A capture that would only fail at the end, after the
 * recording, fails here instead.
 */
import { existsSync, mkdtempSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { validateLabText } from "../core/trace-file/load-trace.ts";
import { CaptureError } from "./capture-error.ts";

function kind(path: string): "folder" | "missing" | "other" {
  try {
    return statSync(path).isDirectory() ? "folder" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; reported when the walk up reaches it.
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw new CaptureError(`--out ${path}: cannot look at it: ${(error as Error).message}`);
  }
}

/** Makes and removes a temporary folder in `dir`: the honest writability test (root passes `access(2)` on read-only places). */
function probeWritable(dir: string, out: string): void {
  try {
    rmdirSync(mkdtempSync(join(dir, ".packetwalk-probe-")));
  } catch (error) {
    throw new CaptureError(
      `--out ${out}: cannot write in ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      "choose a folder you can write to, e.g. --out traces",
    );
  }
}

/** Options of {@link checkOutDir}. */
export interface OutDirChecks {
  /** Also validate an existing `lab.json` (the lab capture merges into it). Default true. */
  labJson?: boolean;
}

/**
 * Throws a {@link CaptureError} when a capture could not write `<outDir>/<labName>/`;
 * writes nothing that stays. Returns the folder's absolute path.
 */
export function checkOutDir(outDir: string, labName: string, checks: OutDirChecks = {}): string {
  const folder = resolve(outDir, labName);
  const rulesets = join(folder, "rulesets");
  const hint = `--out names the traces folder; the lab's files go to <out>/${labName}/`;
  for (const path of [resolve(outDir), folder, rulesets]) {
    if (kind(path) === "other") throw new CaptureError(`--out ${outDir}: ${path} is not a folder`, hint);
  }
  // The nearest folder that exists is where the missing ones will be made.
  let existing = rulesets;
  while (kind(existing) === "missing" && dirname(existing) !== existing) existing = dirname(existing);
  if (kind(existing) !== "folder")
    throw new CaptureError(`--out ${outDir}: ${existing} is not a folder`, hint);
  probeWritable(existing, outDir);
  if (existing === rulesets) probeWritable(folder, outDir);
  const labPath = join(folder, "lab.json");
  if ((checks.labJson ?? true) && existsSync(labPath)) {
    if (!statSync(labPath).isFile())
      throw new CaptureError(`--out ${outDir}: ${labPath} is not a file`, hint);
    const lab = validateLabText(readFileSync(labPath, "utf8"), labPath);
    if (!lab.ok)
      throw new CaptureError(
        lab.errors.join("\n"),
        `the capture merges its ruleset into the existing lab.json: fix ${labPath}, or remove it to write a new one`,
      );
  }
  return folder;
}
