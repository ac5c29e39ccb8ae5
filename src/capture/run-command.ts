/**
 * Runs external tools (`ip`, `iptables-restore`, `ping`, ...) with argument arrays,
 * never through a shell, each bounded by a timeout. Live children are tracked so
 * that cleanup on a signal can stop them before removing the lab.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** What a finished command gave back. */
export interface CommandResult {
  /** The argument array that ran. */
  argv: string[];
  /** Exit code; `null` when a signal ended it. */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the timeout killed it. */
  timedOut: boolean;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  /** Kill the command after this many milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Text written to the command's standard input. Default: none (stdin closed). */
  input?: string;
  /** Resolve instead of throwing when the exit code is not 0. Default false. */
  allowFailure?: boolean;
}

/** A command failed: carries the result for the message. */
export class CommandError extends Error {
  /** The failed command's result. */
  readonly result: CommandResult;
  constructor(result: CommandResult) {
    const how = result.timedOut
      ? "timed out"
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with ${result.code}`;
    const detail = result.stderr.trim() || result.stdout.trim();
    super(`\`${result.argv.join(" ")}\` ${how}${detail ? `: ${detail}` : ""}`);
    this.name = "CommandError";
    this.result = result;
  }
}

const live = new Set<ChildProcess>();

/** Kills every child this process still has running (used by cleanup on a signal). */
export function killLiveChildren(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

/** Runs `argv[0]` with the remaining arguments; resolves with its output. Throws {@link CommandError} on failure unless `allowFailure`. */
export function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error("runCommand: empty argument array");
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] });
    live.add(child);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`cannot run \`${file}\`: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const result: CommandResult = { argv: [...argv], code, signal, stdout, stderr, timedOut };
      if ((code !== 0 || timedOut) && !options.allowFailure) reject(new CommandError(result));
      else resolve(result);
    });
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** A long-running command started by {@link startCommand}. */
export interface StartedCommand {
  /** Resolves when the first line of standard output arrives (or rejects when it exits first). */
  firstLine: Promise<string>;
  /** Resolves with the result once it exits (never rejects on a non-zero exit). */
  done: Promise<CommandResult>;
  /** Sends a signal (default SIGTERM). */
  stop(signal?: NodeJS.Signals): void;
}

/** Starts `argv` in the background, bounded by `timeoutMs` (default 10 000), e.g. a listener or a monitor. */
export function startCommand(argv: readonly string[], options: { timeoutMs?: number } = {}): StartedCommand {
  const [file, ...args] = argv;
  if (!file) throw new Error("startCommand: empty argument array");
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let stdout = "";
  let stderr = "";
  let timedOut = false;
  let lineResolve: (line: string) => void = () => {};
  let lineReject: (error: Error) => void = () => {};
  const firstLine = new Promise<string>((resolve, reject) => {
    lineResolve = resolve;
    lineReject = reject;
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const newline = stdout.indexOf("\n");
    if (newline >= 0) lineResolve(stdout.slice(0, newline));
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs ?? 10_000);
  const done = new Promise<CommandResult>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      live.delete(child);
      const result: CommandResult = { argv: [...argv], code, signal, stdout, stderr, timedOut };
      lineReject(new CommandError(result));
      resolve(result);
    };
    child.on("error", (error) => {
      stderr += error.message;
      finish(null, null);
    });
    child.on("close", finish);
  });
  firstLine.catch(() => {});
  return { firstLine, done, stop: (signal = "SIGTERM") => child.kill(signal) };
}

/** Prefixes `argv` so that it runs inside network namespace `netns` (`ip netns exec`); returns `argv` unchanged when `netns` is undefined. */
export function inNetns(netns: string | undefined, argv: readonly string[]): string[] {
  return netns ? ["ip", "netns", "exec", netns, ...argv] : [...argv];
}
