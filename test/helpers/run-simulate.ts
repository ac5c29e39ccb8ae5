/**
 * `packetwalk simulate ARGS...` run in this process with its output kept instead of printed, so a unit
 * test sees what a user would (the exit code, standard output and standard error).
 */
import { join } from "node:path";
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

/** The Docker 29 labs `packetwalk import` made from a tester's namespaces (see the folder's intent). */
export const DOCKER29_LABS = join(import.meta.dirname, "../fixtures/docker29-nft-labs");

/**
 * Runs `packetwalk simulate` in Docker 29 lab `lab` (`lo`: a port published on 127.0.0.1 with "DROP
 * REMOTE LOOPBACK"; `noproxy`: --userland-proxy=false) with its own ruleset (`d29-<lab>`), from host
 * `from` to `to`, with `args` after.
 */
export function runDocker29(
  lab: "lo" | "noproxy",
  from: string,
  to: string,
  ...args: string[]
): Promise<SimulateRun> {
  return runSimulate(
    ...["--lab", join(DOCKER29_LABS, lab), "--ruleset", `d29-${lab}`, "--from", from, "--to", to],
    ...args,
  );
}
