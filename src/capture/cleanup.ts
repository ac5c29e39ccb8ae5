/**
 * Cleanup as a guarantee. A run writes what it is about to create into a state
 * file (`/run/packetwalk/capture.json`) before creating it; on success, error,
 * SIGINT or SIGTERM it undoes exactly that; after a `kill -9`,
 * `packetwalk capture --cleanup` reads the file (and looks for `pw-..` namespaces)
 * and removes the leftovers, nothing else. The state file doubles as a lock: one
 * capture at a time, since `nf_log_all_netns` is one switch for the whole machine.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NETNS_PATTERN } from "./lab-topology.ts";
import { deleteTaggedRulesText } from "./log-rules.ts";
import { inNetns, killLiveChildren, runCommand } from "./run-command.ts";

/** Where the state file lives; `PACKETWALK_STATE_DIR` overrides it (tests). */
export function stateDir(): string {
  return process.env.PACKETWALK_STATE_DIR ?? "/run/packetwalk";
}

/** The machine-wide switch that lets LOG rules in namespaces write to the kernel log. */
export const NF_LOG_ALL_NETNS = "/proc/sys/net/netfilter/nf_log_all_netns";

/** What a run created (or is about to), so that it can be undone by this process or a later `--cleanup`. */
export interface RunState {
  runId: string;
  pid: number;
  startedAt: string;
  /** Namespaces the run creates. */
  namespaces: string[];
  /** A sysctl file the run changed, with the value to restore. */
  sysctl?: { path: string; previous: string };
  /** Tagged rules inserted outside the lab's namespaces (`--host`): the iptables comment and the namespace (absent: init). */
  hostRules?: {
    comment: string;
    netns?: string;
    ebtables: string[][];
    /** nft tables and chains (`family table [chain]`) that existed before the rules went in; absent when nft is not available. */
    nftBefore?: string[];
  };
}

function statePath(): string {
  return join(stateDir(), "capture.json");
}

/** True when process `pid` exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Reads the current state file; undefined when there is none. */
export function readRunState(): RunState | undefined {
  if (!existsSync(statePath())) return undefined;
  try {
    return JSON.parse(readFileSync(statePath(), "utf8")) as RunState;
  } catch {
    return undefined;
  }
}

/** Thrown when a state file from another run exists. */
export class RunConflictError extends Error {
  /** The other run's state. */
  readonly other: RunState | undefined;
  /** True when that run's process is gone (its leftovers can be cleaned). */
  readonly stale: boolean;
  constructor(other: RunState | undefined, stale: boolean) {
    super(
      stale
        ? `a previous capture (run ${other?.runId}, pid ${other?.pid}) did not clean up; run \`packetwalk capture --cleanup\``
        : `another capture is running (run ${other?.runId}, pid ${other?.pid}); wait for it to finish`,
    );
    this.name = "RunConflictError";
    this.other = other;
    this.stale = stale;
  }
}

/** Claims the state file for `state` (exclusive create); throws {@link RunConflictError} when one exists. */
export function claimRun(state: RunState): void {
  mkdirSync(stateDir(), { recursive: true });
  try {
    writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const other = readRunState();
    throw new RunConflictError(other, !other || !isAlive(other.pid));
  }
}

/** Rewrites the state file of the run that owns it (call before creating what `state` newly lists). */
export function updateRun(state: RunState): void {
  writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the state file. */
export function releaseRun(): void {
  rmSync(statePath(), { force: true });
}

/** Reads a sysctl file's value (trimmed). */
export function readSysctl(path: string): string {
  return readFileSync(path, "utf8").trim();
}

/** Writes a sysctl file. */
export function writeSysctl(path: string, value: string): void {
  writeFileSync(path, `${value}\n`);
}

/**
 * The nft tables and chains present in `netns` (default: this namespace), as
 * `family table` and `family table chain`; undefined when `nft` cannot list them.
 * With iptables-nft, inserting a rule creates its table and base chain: this
 * snapshot lets the `--host` path delete what it created and nothing else.
 */
export async function listNftObjects(netns?: string): Promise<string[] | undefined> {
  const result = await runCommand(inNetns(netns, ["nft", "-j", "list", "chains"]), { allowFailure: true });
  if (result.code !== 0) return undefined;
  const tables = await runCommand(inNetns(netns, ["nft", "-j", "list", "tables"]), { allowFailure: true });
  const objects: string[] = [];
  for (const text of [tables.stdout, result.stdout]) {
    let parsed: { nftables?: Record<string, { family: string; table?: string; name: string }>[] };
    try {
      parsed = JSON.parse(text || "{}");
    } catch {
      return undefined;
    }
    for (const item of parsed.nftables ?? []) {
      if (item.table) objects.push(`${item.table.family} ${item.table.name}`);
      if (item.chain) objects.push(`${item.chain.family} ${item.chain.table} ${item.chain.name}`);
    }
  }
  return objects;
}

/** Deletes the nft chains, then tables, that exist now but not in `before`; returns what it deleted and problems. */
export async function removeNewNftObjects(
  netns: string | undefined,
  before: readonly string[],
): Promise<{ removed: string[]; problems: string[] }> {
  const removed: string[] = [];
  const problems: string[] = [];
  const now = (await listNftObjects(netns)) ?? [];
  const known = new Set(before);
  const fresh = now.filter((object) => !known.has(object));
  // Chains before tables: a table goes only once its chains are gone.
  const ordered = [
    ...fresh.filter((o) => o.split(" ").length === 3),
    ...fresh.filter((o) => o.split(" ").length === 2),
  ];
  for (const object of ordered) {
    const parts = object.split(" ");
    const argv = ["nft", "delete", parts.length === 3 ? "chain" : "table", ...parts];
    const result = await runCommand(inNetns(netns, argv), { allowFailure: true });
    if (result.code === 0) removed.push(`nft ${parts.length === 3 ? "chain" : "table"} ${object}`);
    else problems.push(`cannot delete nft ${object}: ${result.stderr.trim()}`);
  }
  return { removed, problems };
}

/** The lab namespaces present now (by name). */
export async function listLabNamespaces(): Promise<string[]> {
  const { stdout } = await runCommand(["ip", "netns", "list"], { allowFailure: true });
  return stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => NETNS_PATTERN.test(name));
}

/** Undoes everything `state` lists; returns what it removed and the problems it met (never throws). */
export async function undoRun(state: RunState): Promise<{ removed: string[]; problems: string[] }> {
  killLiveChildren();
  const removed: string[] = [];
  const problems: string[] = [];
  if (state.hostRules) {
    const { comment, netns, ebtables } = state.hostRules;
    try {
      const save = await runCommand(inNetns(netns, ["iptables-save"]), { allowFailure: true });
      const text = deleteTaggedRulesText(save.stdout, comment);
      if (text) {
        await runCommand(inNetns(netns, ["iptables-restore", "--noflush"]), { input: text });
        removed.push(`iptables rules tagged ${comment}`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
    for (const argv of ebtables) {
      const result = await runCommand(inNetns(netns, argv), { allowFailure: true });
      if (result.code === 0) removed.push(`ebtables rule ${argv.join(" ")}`);
    }
    if (state.hostRules.nftBefore) {
      const nft = await removeNewNftObjects(netns, state.hostRules.nftBefore);
      removed.push(...nft.removed);
      problems.push(...nft.problems);
    }
  }
  const present = new Set(
    (await runCommand(["ip", "netns", "list"], { allowFailure: true })).stdout
      .split("\n")
      .map((l) => l.split(" ")[0]),
  );
  for (const ns of state.namespaces) {
    if (!present.has(ns)) continue;
    const result = await runCommand(["ip", "netns", "delete", ns], { allowFailure: true });
    if (result.code === 0) removed.push(`namespace ${ns}`);
    else problems.push(`cannot delete namespace ${ns}: ${result.stderr.trim()}`);
  }
  if (state.sysctl) {
    try {
      if (readSysctl(state.sysctl.path) !== state.sysctl.previous) {
        writeSysctl(state.sysctl.path, state.sysctl.previous);
        removed.push(`${state.sysctl.path} restored to ${state.sysctl.previous}`);
      }
    } catch (error) {
      problems.push(`cannot restore ${state.sysctl.path}: ${(error as Error).message}`);
    }
  }
  return { removed, problems };
}

/**
 * `packetwalk capture --cleanup`: undoes a dead run's state file, then deletes
 * any namespace named like the lab's (`pw-xx-host|c1|c2|wan`). Refuses while a
 * live run owns the state file.
 */
export async function cleanupLeftovers(): Promise<{ removed: string[]; problems: string[] }> {
  const state = readRunState();
  if (state && state.pid !== process.pid && isAlive(state.pid)) throw new RunConflictError(state, false);
  const result = state ? await undoRun(state) : { removed: [], problems: [] };
  for (const ns of await listLabNamespaces()) {
    const deleted = await runCommand(["ip", "netns", "delete", ns], { allowFailure: true });
    if (deleted.code === 0) result.removed.push(`namespace ${ns}`);
    else result.problems.push(`cannot delete namespace ${ns}: ${deleted.stderr.trim()}`);
  }
  if (result.problems.length === 0) releaseRun();
  return result;
}

/**
 * Runs `undo` once when SIGINT, SIGTERM or SIGHUP arrives, then exits with
 * 128 + the signal number. Returns a function that removes the handlers.
 */
export function onSignalUndo(undo: () => Promise<void>): () => void {
  let running = false;
  const numbers: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
  const handler = (signal: NodeJS.Signals) => {
    if (running) return;
    running = true;
    process.stderr.write(`packetwalk: ${signal}: removing the lab...\n`);
    undo()
      .catch((error: unknown) =>
        process.stderr.write(`packetwalk: cleanup failed: ${(error as Error).message}\n`),
      )
      .finally(() => process.exit(128 + (numbers[signal] ?? 0)));
  };
  const signals = Object.keys(numbers) as NodeJS.Signals[];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
