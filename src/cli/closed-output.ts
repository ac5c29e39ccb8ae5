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

/**
 * Handles write errors of standard output and standard error for the rest of
 * the process: `EPIPE` on standard output exits with {@link CLOSED_OUTPUT_EXIT}
 * and no message; another standard output error (a full disk) exits 1 with one
 * line on standard error; errors of standard error itself are ignored (there is
 * nowhere left to report them). Calling it again does nothing.
 */
export function handleClosedOutput(): void {
  if (installed) return;
  installed = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(CLOSED_OUTPUT_EXIT);
    try {
      process.stderr.write(`packetwalk: cannot write the output: ${error.code ?? error.message}\n`);
    } finally {
      process.exit(1);
    }
  });
  process.stderr.on("error", () => {});
}

let installed = false;
