/**
 * `packetwalk import` of the recorded NAT router material (test/fixtures/import/nat-router-dmesg:
 * a NAT router's saves and the machine's whole dmesg), run in this process with its output kept
 * instead of printed. The import tests of that material share it, so that the command a
 * contributor types (the lab's name, the laptop's address, the day) is written once.
 */
import { join } from "node:path";
import { vi } from "vitest";
import { run } from "../../src/cli/import-command.ts";

/** The folder of the recorded material (`packetwalk import FOLDER`). */
export const NAT_ROUTER_MATERIAL = join(import.meta.dirname, "../fixtures/import/nat-router-dmesg/material");

/** What one run of the command did. */
export interface ImportRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `packetwalk import FOLDER --lab nat-router --out OUT --peer laptop=192.0.2.2 --date
 * 2026-12-07 --no-check ARGS...` (the check is left out: these tests are about the files written).
 */
export async function importNatRouter(folder: string, out: string, ...args: string[]): Promise<ImportRun> {
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const std = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    const code = await run([
      folder,
      "--lab",
      "nat-router",
      "--out",
      out,
      "--peer",
      "laptop=192.0.2.2",
      "--date",
      "2026-12-07",
      "--no-check",
      ...args,
    ]);
    const text = (s: typeof err) => s.mock.calls.map((c) => String(c[0])).join("");
    return { code, stdout: text(std), stderr: text(err) };
  } finally {
    err.mockRestore();
    std.mockRestore();
  }
}
