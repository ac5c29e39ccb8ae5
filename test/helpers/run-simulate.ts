/**
 * `packetwalk simulate ARGS...` run in this process with its output kept instead of printed, so a unit
 * test sees what a user would (the exit code, standard output and standard error).
 */
import { vi } from "vitest";
import { run } from "../../src/cli/simulate-command.ts";

/** What one run of the command did. */
export interface SimulateRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `packetwalk simulate` with `args`. */
export async function runSimulate(...args: string[]): Promise<SimulateRun> {
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const std = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    const code = await run(args);
    const text = (spy: typeof err) => spy.mock.calls.map((c) => String(c[0])).join("");
    return { code, stdout: text(std), stderr: text(err) };
  } finally {
    err.mockRestore();
    std.mockRestore();
  }
}
