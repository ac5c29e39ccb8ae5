/**
 * Shared by the capture tests: a snapshot of everything a capture could leave
 * behind on this machine, and a way to run `packetwalk capture` as a child and
 * stop it at a named phase (the `PACKETWALK_TEST_PAUSE` hook) before signalling it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../../../src/capture/run-command.ts";

const ROOT = join(import.meta.dirname, "../../..");
const CLI = join(ROOT, "bin/packetwalk.mjs");

/** What a capture could leave behind: namespaces, links, every nft table, the sysctls it may touch, /run. */
export async function machineState() {
  const links = (await runCommand(["ip", "-o", "link", "show"])).stdout
    .split("\n")
    // Counters and timers change by themselves; names, flags and addresses must not.
    .map((line) => line.replace(/\\\s+link\/.*$/, "").trim())
    .filter(Boolean);
  const sysctls = (
    await runCommand(
      [
        "sysctl",
        "net.netfilter",
        "net.bridge",
        "net.ipv4.ip_forward",
        "net.ipv4.conf.all",
        "net.ipv6.conf.all",
        // Exit 1 for keys that cannot be read (stable_secret unset); the others are still printed.
      ],
      { allowFailure: true },
    )
  ).stdout
    .split("\n")
    // A live counter, not a setting.
    .filter((line) => line && !line.startsWith("net.netfilter.nf_conntrack_count"));
  const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : "(absent)");
  return {
    netns: (await runCommand(["ip", "netns", "list"])).stdout,
    links,
    nft: (await runCommand(["nft", "list", "ruleset"])).stdout,
    sysctls,
    run: listing("/run"),
    runNetns: listing("/run/netns"),
    runPacketwalk: listing("/run/packetwalk"),
    runMounts: readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .map((line) => line.split(" ")[4] ?? "")
      .filter((point) => point.startsWith("/run/")),
  };
}

/** A `packetwalk capture` child process. */
export interface RunningCapture {
  child: ChildProcess;
  /** Its stderr so far. */
  stderr(): string;
  /** Resolves once stderr contains `text`; rejects when the process ends first (or after `timeoutMs`, default 60 s). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

/** Starts `packetwalk capture ARGS` with extra environment (e.g. `PACKETWALK_TEST_PAUSE`). */
export function startCapture(args: string[], env: Record<string, string> = {}): RunningCapture {
  return startNode([CLI, "capture", ...args], env);
}

/** Starts this Node with `args` (a script and its arguments) and extra environment; see {@link RunningCapture}. */
export function startNode(args: string[], env: Record<string, string> = {}): RunningCapture {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const listener of [...listeners]) listener();
  });
  let exited = false;
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => {
      exited = true;
      resolve({ code, signal, stderr });
      for (const listener of [...listeners]) listener();
    }),
  );
  const waitFor = (text: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stderr.includes(text)) finish();
        else if (exited) finish(new Error(`the capture ended before printing '${text}':\n${stderr}`));
      };
      const finish = (error?: Error) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error(`no '${text}' within ${timeoutMs} ms:\n${stderr}`)),
        timeoutMs,
      );
      listeners.add(check);
      check();
    });
  return { child, stderr: () => stderr, waitFor, done };
}

/** The pause line `RunControl` prints at `phase`. */
/** The arguments of a capture of one scenario into `out` (default: docker-bridge's container-to-host). */
export const oneScenario = (out: string, lab = "docker-bridge", scenario = "container-to-host") => [
  "--lab",
  lab,
  "--scenario",
  scenario,
  "--out",
  out,
];

export const pauseLine = (phase: string) => `packetwalk: test pause: ${phase}\n`;
