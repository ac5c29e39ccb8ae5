/**
 * What the CLI does when its output goes away: a reader that closed the pipe
 * (`packetwalk parse FILE | head -1`) ends the command quietly, as it ends
 * `cat` or `grep`, instead of an unhandled `EPIPE` stack trace. Installed once,
 * for every command, by `main`.
 */

/**
 * Exit code after the reader of standard output went away: 128 + SIGPIPE (13),
 * what a shell reports for `cat` or `grep` ended by a closed pipe.
 */
export const CLOSED_OUTPUT_EXIT = 141;

let installed = false;
let closed = false;

/** Whether the reader of standard output went away during this run. */
export function outputClosed(): boolean {
  return closed;
}

/**
 * Handles write errors of standard output and standard error for the rest of
 * the process. `EPIPE` on standard output exits at once with
 * {@link CLOSED_OUTPUT_EXIT} and no message, unless the command is holding
 * state it must tear down (it listens for SIGINT or SIGTERM, as the capture
 * lab does): then further output is dropped and the command runs to its end,
 * so that its cleanup runs; `main` then returns {@link CLOSED_OUTPUT_EXIT}.
 * Another standard output error (a full disk) exits 1 with one line on
 * standard error. Errors of standard error itself are ignored (there is
 * nowhere left to report them). Calling it again does nothing.
 */
export function handleClosedOutput(): void {
  if (installed) return;
  installed = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") {
      closed = true;
      if (process.listenerCount("SIGINT") + process.listenerCount("SIGTERM") === 0)
        process.exit(CLOSED_OUTPUT_EXIT);
      muteStdout();
      return;
    }
    try {
      process.stderr.write(`packetwalk: cannot write the output: ${error.code ?? error.message}\n`);
    } finally {
      process.exit(1);
    }
  });
  process.stderr.on("error", () => {});
}

/** Makes every later write to standard output succeed without writing (its callback still runs). */
function muteStdout(): void {
  process.stdout.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => done());
    return true;
  }) as typeof process.stdout.write;
}
