/**
 * What a capture does with SIGINT, SIGTERM and SIGHUP: the first one starts the
 * teardown (once) and the process exits with 128 + the signal's number when the
 * teardown has finished; later ones are acknowledged and never cut it short.
 * The handlers stay installed until the teardown is over, so no signal ever
 * meets the default action while something of the run still exists.
 *
 * It also holds the test hook that makes signal tests deterministic:
 * `PACKETWALK_TEST_PAUSE=phase[,phase...]` makes the run stop at each named
 * phase (see {@link CAPTURE_PHASES}), say `packetwalk: test pause: <phase>` on
 * stderr, and wait until a signal arrives: SIGUSR2 continues, a terminating
 * signal is handled as above.
 */

/** The named points of a capture, in order; the last two are inside the teardown. */
export const CAPTURE_PHASES = [
  /** The machine-wide lock is held, the signal handlers are installed, nothing exists yet. */
  "locked",
  /** The state file is written. */
  "claimed",
  /** `nf_log_all_netns` is 1 (LOG mode). */
  "sysctl-set",
  /** The first lab namespace exists, the others not yet. */
  "netns-added",
  /** The lab is built and Docker's ruleset loaded. */
  "lab-built",
  /** The tagged LOG (or TRACE) rules are in. */
  "rules-inserted",
  /** A scenario's traffic ran (TRACE mode: the monitor still runs). */
  "traffic-sent",
  /** The traces are written. */
  "written",
  /** The teardown has started; nothing is removed yet. */
  "teardown",
  /** The teardown has removed the namespaces; the sysctl and state file are next. */
  "teardown-netns-removed",
] as const;

/** One of {@link CAPTURE_PHASES}. */
export type CapturePhase = (typeof CAPTURE_PHASES)[number];

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
/** A signal that stops a capture. */
export type StopSignal = keyof typeof SIGNAL_NUMBERS;

/** Thrown at the next phase or command once a signal has asked the run to stop. */
export class InterruptedError extends Error {
  /** The signal. */
  readonly signal: StopSignal;
  /** The exit code a shell expects: 128 + the signal's number. */
  readonly exitCode: number;
  constructor(signal: StopSignal) {
    super(`interrupted by ${signal}; the lab was removed`);
    this.name = "InterruptedError";
    this.signal = signal;
    this.exitCode = 128 + SIGNAL_NUMBERS[signal];
  }
}

/** How long a test pause waits for a signal before going on by itself. */
const PAUSE_LIMIT_MS = 60_000;

/** Signal handling and the test pauses of one run; see the module comment. */
export class RunControl {
  /** The first stop signal received, if any. */
  signal: StopSignal | undefined;
  readonly #pauses: ReadonlySet<string>;
  readonly #wakers = new Set<() => void>();

  /** `pauses`: the phases to stop at; default from `PACKETWALK_TEST_PAUSE`. */
  constructor(pauses: readonly string[] = (process.env.PACKETWALK_TEST_PAUSE ?? "").split(",")) {
    this.#pauses = new Set(pauses.map((phase) => phase.trim()).filter(Boolean));
    const unknown = [...this.#pauses].filter(
      (phase) => !(CAPTURE_PHASES as readonly string[]).includes(phase),
    );
    if (unknown.length)
      throw new Error(
        `PACKETWALK_TEST_PAUSE: unknown phase '${unknown.join("', '")}' (phases: ${CAPTURE_PHASES.join(", ")})`,
      );
  }

  /** Test hook: when `phase` is one to stop at, says so and waits for a signal. Otherwise returns at once. */
  async pause(phase: CapturePhase): Promise<void> {
    if (!this.#pauses.has(phase)) return;
    const waiting = new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        process.off("SIGUSR2", wake);
        this.#wakers.delete(wake);
        resolve();
      };
      // Keeps the event loop alive while waiting, and bounds the wait.
      const timer = setTimeout(wake, PAUSE_LIMIT_MS);
      process.on("SIGUSR2", wake);
      this.#wakers.add(wake);
    });
    // Said only once the handler is in: a test may signal the moment it reads this line.
    process.stderr.write(`packetwalk: test pause: ${phase}\n`);
    await waiting;
  }

  /** Throws {@link InterruptedError} when a stop signal has arrived. Call before anything that creates. */
  check(): void {
    if (this.signal) throw new InterruptedError(this.signal);
  }

  /** A phase boundary: the test pause, then {@link check}. */
  async phase(phase: CapturePhase): Promise<void> {
    await this.pause(phase);
    this.check();
  }

  /**
   * Installs the handlers: the first signal runs `undo` (it must be idempotent:
   * the run's own `finally` calls it too) and exits with 128 + its number once
   * `undo` has settled. Returns the function that removes them; call it only
   * after the teardown has finished.
   */
  onSignalUndo(undo: () => Promise<void>): () => void {
    const handler = (signal: StopSignal) => {
      for (const wake of [...this.#wakers]) wake();
      if (this.signal) {
        process.stderr.write(`packetwalk: ${signal}: still removing the lab, please wait\n`);
        return;
      }
      this.signal = signal;
      process.stderr.write(`packetwalk: ${signal}: removing the lab...\n`);
      undo()
        .catch((error: unknown) =>
          process.stderr.write(`packetwalk: cleanup failed: ${(error as Error).message}\n`),
        )
        .finally(() => process.exit(128 + SIGNAL_NUMBERS[signal]));
    };
    const signals = Object.keys(SIGNAL_NUMBERS) as StopSignal[];
    for (const signal of signals) process.on(signal, handler);
    return () => {
      for (const signal of signals) process.off(signal, handler);
    };
  }
}
