/**
 * Cleanup as a guarantee. A run writes what it is about to create into a state
 * file (see `run-state.ts`) before creating it; on success, error, SIGINT or
 * SIGTERM it undoes exactly that; after a `kill -9`, `packetwalk capture --cleanup`
 * reads the file (and looks for `pw-..` namespaces) and removes the leftovers,
 * nothing else. What cannot be undone is reported, never passed over.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { acquireCaptureLock } from "./capture-lock.ts";
import { NETNS_PATTERN } from "./lab-topology.ts";
import { deleteTaggedRulesText } from "./log-rules.ts";
import { NETNS_RUN_DIR, restoreNetnsDir } from "./netns-dir.ts";
import { inNetns, killLiveChildren, runCommand } from "./run-command.ts";
import type { CapturePhase } from "./run-control.ts";
import {
  isAlive,
  RunConflictError,
  type RunState,
  readRunState,
  releaseRun,
  stateDir,
  statePath,
} from "./run-state.ts";

/** The machine-wide switch that lets LOG rules in namespaces write to the kernel log. */
export const NF_LOG_ALL_NETNS = "/proc/sys/net/netfilter/nf_log_all_netns";

/** What an undo did: removed (for the record), problems (something is left: fail), warnings (left on purpose). */
export interface UndoResult {
  removed: string[];
  problems: string[];
  warnings: string[];
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

/**
 * Puts a sysctl back to the value the run found, but only while it still holds
 * the value the run wrote: a value someone else set since is theirs, and is
 * left with a warning.
 */
export function restoreSysctl(sysctl: { path: string; previous: string; wrote: string }): UndoResult {
  const result: UndoResult = { removed: [], problems: [], warnings: [] };
  let current: string;
  try {
    current = readSysctl(sysctl.path);
  } catch (error) {
    result.problems.push(`cannot read ${sysctl.path}: ${(error as Error).message}`);
    return result;
  }
  if (current === sysctl.previous) return result;
  if (current !== sysctl.wrote) {
    result.warnings.push(
      `${sysctl.path} is ${current}, not the ${sysctl.wrote} the capture wrote: something else changed it, so it stays (it was ${sysctl.previous} before the capture)`,
    );
    return result;
  }
  try {
    writeSysctl(sysctl.path, sysctl.previous);
    result.removed.push(`the change to ${sysctl.path} (back to ${sysctl.previous})`);
  } catch (error) {
    result.problems.push(`cannot restore ${sysctl.path} to ${sysctl.previous}: ${(error as Error).message}`);
  }
  return result;
}

/** Options of {@link undoRun}. */
export interface UndoOptions {
  /** Called at the teardown's phases (the test hook of `RunControl`). Default: none. */
  pause?: (phase: CapturePhase) => Promise<void>;
}

/** Undoes everything `state` lists, in reverse order of creation; never throws. */
export async function undoRun(state: RunState, options: UndoOptions = {}): Promise<UndoResult> {
  killLiveChildren();
  const result: UndoResult = { removed: [], problems: [], warnings: [] };
  const { removed, problems } = result;
  const present = new Set(
    (await runCommand(["ip", "netns", "list"], { allowFailure: true })).stdout
      .split("\n")
      .map((l) => l.split(" ")[0]),
  );
  // Rules inserted in a namespace that is gone went with it.
  if (state.hostRules && (state.hostRules.netns === undefined || present.has(state.hostRules.netns))) {
    const { comment, netns, ebtables } = state.hostRules;
    for (const tool of state.hostRules.ip6tables ? ["iptables", "ip6tables"] : ["iptables"]) {
      try {
        const save = await runCommand(inNetns(netns, [`${tool}-save`]), { allowFailure: true });
        // A save that fails shows no rule: the run's rules may still be there, so that is a problem.
        if (save.code !== 0)
          throw new Error(`\`${tool}-save\` exited with ${save.code}: ${save.stderr.trim()}`);
        const text = deleteTaggedRulesText(save.stdout, comment);
        if (text) {
          await runCommand(inNetns(netns, [`${tool}-restore`, "--noflush"]), { input: text });
          removed.push(`${tool} rules tagged ${comment}`);
        }
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    for (const argv of ebtables) {
      const deleted = await runCommand(inNetns(netns, argv), { allowFailure: true });
      if (deleted.code === 0) removed.push(`ebtables rule ${argv.join(" ")}`);
    }
    if (state.hostRules.nftBefore) {
      const nft = await removeNewNftObjects(netns, state.hostRules.nftBefore);
      removed.push(...nft.removed);
      problems.push(...nft.problems);
    }
  }
  for (const ns of state.namespaces) {
    if (!present.has(ns)) continue;
    const deleted = await runCommand(["ip", "netns", "delete", ns], { allowFailure: true });
    if (deleted.code === 0) removed.push(`namespace ${ns}`);
    else problems.push(`cannot delete namespace ${ns}: ${deleted.stderr.trim()}`);
  }
  await options.pause?.("teardown-netns-removed");
  if (state.netnsDir) {
    const dir = await restoreNetnsDir(state.netnsDir);
    removed.push(...dir.removed);
    problems.push(...dir.problems);
  }
  if (state.sysctl) {
    const sysctl = restoreSysctl(state.sysctl);
    removed.push(...sysctl.removed);
    problems.push(...sysctl.problems);
    result.warnings.push(...sysctl.warnings);
  }
  return result;
}

/** What `--cleanup` did; `keptStateFile` when problems remain and the state file stays for a later attempt. */
export interface CleanupResult extends UndoResult {
  keptStateFile?: string;
}

/**
 * `packetwalk capture --cleanup`: takes the capture lock (unless `lockHeld`: the
 * caller holds it), undoes a dead run's state file, then deletes any namespace
 * named like the lab's (`pw-xx-host|c1|c2|wan`). A damaged state file is undone
 * as far as it can still be read; whatever cannot be known or undone is a
 * problem, and the state file then stays.
 */
export async function cleanupLeftovers(options: { lockHeld?: boolean } = {}): Promise<CleanupResult> {
  const lock = options.lockHeld
    ? undefined
    : await acquireCaptureLock({ pid: process.pid, what: "capture --cleanup", stateFile: statePath() });
  try {
    const reading = readRunState();
    const result: CleanupResult = { removed: [], problems: [], warnings: [] };
    const merge = (part: UndoResult) => {
      result.removed.push(...part.removed);
      result.problems.push(...part.problems);
      result.warnings.push(...part.warnings);
    };
    let createdDirs: string[] = [];
    // Namespaces named like the lab's go in the same undo, before /run/netns is looked at.
    const byName = await listLabNamespaces();
    const withLabNamespaces = (listed: readonly string[] = []) => [...new Set([...listed, ...byName])];
    if (reading.kind === "ok") {
      const { state } = reading;
      if (state.pid !== process.pid && isAlive(state.pid)) throw new RunConflictError(state, false);
      merge(await undoRun({ ...state, namespaces: withLabNamespaces(state.namespaces) }));
      createdDirs = state.createdDirs ?? [];
    } else if (reading.kind === "damaged") {
      const found = reading.salvaged;
      if (found.pid !== undefined && found.pid !== process.pid && isAlive(found.pid))
        throw new RunConflictError(found, false);
      result.warnings.push(
        `the state file is damaged (${reading.reason}): undoing what can still be read in it, and removing lab namespaces by name`,
      );
      merge(
        await undoRun({
          runId: found.runId ?? "??",
          pid: found.pid ?? 0,
          startedAt: "",
          namespaces: withLabNamespaces(found.namespaces),
          ...(found.netnsDir ? { netnsDir: found.netnsDir } : {}),
          ...(found.sysctl ? { sysctl: found.sysctl } : {}),
          ...(found.hostRules ? { hostRules: found.hostRules } : {}),
        }),
      );
      createdDirs = found.createdDirs ?? [];
      if (!found.sysctl) {
        const current = readSysctl(NF_LOG_ALL_NETNS);
        if (current !== "0") {
          result.problems.push(
            `cannot tell what ${NF_LOG_ALL_NETNS} was before the capture (the damaged state file does not say); it is ${current} now. If the capture set it, run \`sysctl -w net.netfilter.nf_log_all_netns=0\` and then \`packetwalk capture --cleanup\` again; if ${current} is right, delete ${statePath()}`,
          );
        }
      }
      if (!found.hostRules && reading.text.includes('"hostRules"')) {
        result.problems.push(
          "the damaged state file names --host rules that cannot be read: look for rules commented pw-.. in `iptables-save`, `ip6tables-save` and `ebtables -L`, and for tables in `nft list ruleset`",
        );
      }
      if (!found.createdDirs && existsSync(stateDir()))
        result.warnings.push(`left ${stateDir()}: cannot tell whether it existed before the capture`);
      if (!found.netnsDir && existsSync(NETNS_RUN_DIR) && readdirSync(NETNS_RUN_DIR).length === 0)
        result.warnings.push(`left ${NETNS_RUN_DIR}: cannot tell whether it existed before the capture`);
    }
    if (reading.kind === "none") {
      for (const ns of byName) {
        const deleted = await runCommand(["ip", "netns", "delete", ns], { allowFailure: true });
        if (deleted.code === 0) result.removed.push(`namespace ${ns}`);
        else result.problems.push(`cannot delete namespace ${ns}: ${deleted.stderr.trim()}`);
      }
    }
    if (result.problems.length === 0) releaseRun(createdDirs);
    else if (reading.kind !== "none") result.keptStateFile = statePath();
    return result;
  } finally {
    await lock?.release();
  }
}
