/**
 * The state file of a capture (`/run/packetwalk/capture.json`): what a run
 * created, or is about to create, written before it creates it, so that the run
 * itself or a later `packetwalk capture --cleanup` can undo exactly that. Every
 * write is atomic (a temporary file renamed or linked into place), and a file
 * that is damaged anyway is salvaged field by field instead of being ignored.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { formatZodIssues, parseJsonText } from "../core/trace-file/load-trace.ts";

/** Where the state file lives; `PACKETWALK_STATE_DIR` overrides it (tests). Default `/run/packetwalk`. */
export function stateDir(): string {
  return process.env.PACKETWALK_STATE_DIR ?? "/run/packetwalk";
}

/** The state file's path: `<stateDir()>/capture.json`. */
export function statePath(): string {
  return join(stateDir(), "capture.json");
}

const sysctlSchema = z.object({
  path: z.string().min(1),
  previous: z.string(),
  // Absent in files written before this field existed: those runs always wrote 1.
  wrote: z.string().default("1"),
});

const hostRulesSchema = z.object({
  comment: z.string().min(1),
  netns: z.string().optional(),
  ip6tables: z.boolean().optional(),
  ebtables: z.array(z.array(z.string())),
  nftBefore: z.array(z.string()).optional(),
});

/** The state file's schema; see {@link RunState}. */
export const runStateSchema = z.object({
  runId: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
  createdDirs: z.array(z.string()).optional(),
  netnsDir: z.enum(["absent", "unmounted"]).optional(),
  sysctl: sysctlSchema.optional(),
  hostRules: hostRulesSchema.optional(),
  namespaces: z.array(z.string()),
});

/** What a run created (or is about to), so that it can be undone by this process or a later `--cleanup`. */
export interface RunState {
  runId: string;
  pid: number;
  startedAt: string;
  /** Folders this run created for its state file, outermost first; removed at the end when empty. */
  createdDirs?: string[];
  /**
   * How `/run/netns` was before the run's first `ip netns add`: `absent` (ip creates it and
   * bind-mounts it onto itself) or `unmounted` (ip bind-mounts it). Unset: already a mount point,
   * or the run creates no namespace.
   */
  netnsDir?: "absent" | "unmounted";
  /** A sysctl file the run changed: the value it found and the value it wrote. */
  sysctl?: { path: string; previous: string; wrote: string };
  /** Tagged rules inserted outside the lab's namespaces (`--host`): the iptables comment and the namespace (absent: init). */
  hostRules?: {
    comment: string;
    netns?: string;
    /** True when ip6tables rules with the same comment go in too (absent: IPv4 only). */
    ip6tables?: boolean;
    ebtables: string[][];
    /** nft tables and chains (`family table [chain]`) that existed before the rules went in; absent when nft is not available. */
    nftBefore?: string[];
  };
  /** Namespaces the run creates (last in the file: `--cleanup` finds them by name when the file is cut short). */
  namespaces: string[];
}

/** The file's text: keys in a fixed order, the small facts first, so that a cut-short file still holds them. */
export function serializeRunState(state: RunState): string {
  const ordered: RunState = {
    runId: state.runId,
    pid: state.pid,
    startedAt: state.startedAt,
    createdDirs: state.createdDirs,
    netnsDir: state.netnsDir,
    sysctl: state.sysctl,
    hostRules: state.hostRules,
    namespaces: state.namespaces,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** What {@link readRunState} found. */
export type StateFileReading =
  | { kind: "none" }
  | { kind: "ok"; state: RunState }
  /** Unreadable: `reason` says why, `salvaged` holds every field that could still be read whole. */
  | { kind: "damaged"; reason: string; text: string; salvaged: Partial<RunState> };

/** Finds `"key": <value>` in damaged state text and returns the value when it is complete and valid. */
function salvageField<T>(text: string, key: string, open: "{" | "[", schema: z.ZodType<T>): T | undefined {
  const close = open === "{" ? "}" : "]";
  const start = text.indexOf(`"${key}": ${open}`);
  if (start < 0) return undefined;
  const from = start + key.length + 4;
  // Objects here hold no nested objects and arrays at most one level of arrays: find the matching close.
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (end >= text.length) return undefined;
      i = end;
    } else if (char === open || char === "[") depth++;
    else if (char === close || char === "]") {
      depth--;
      if (depth === 0) {
        try {
          const result = schema.safeParse(JSON.parse(text.slice(from, i + 1)));
          return result.success ? result.data : undefined;
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/**
 * Every field of a damaged state file that can still be read whole (a cut-short
 * file keeps its first fields; see {@link serializeRunState}). Pure.
 */
export function salvageRunState(text: string): Partial<RunState> {
  const salvaged: Partial<RunState> = {};
  const runId = /"runId": "([a-z0-9]{2})"/.exec(text)?.[1];
  if (runId) salvaged.runId = runId;
  const pid = /"pid": (\d+),/.exec(text)?.[1];
  if (pid) salvaged.pid = Number(pid);
  const createdDirs = salvageField(text, "createdDirs", "[", z.array(z.string()));
  if (createdDirs) salvaged.createdDirs = createdDirs;
  const netnsDir = /"netnsDir": "(absent|unmounted)"/.exec(text)?.[1];
  if (netnsDir === "absent" || netnsDir === "unmounted") salvaged.netnsDir = netnsDir;
  const sysctl = salvageField(text, "sysctl", "{", sysctlSchema);
  if (sysctl) salvaged.sysctl = sysctl;
  const hostRules = salvageField(text, "hostRules", "{", hostRulesSchema);
  if (hostRules) salvaged.hostRules = hostRules;
  const namespaces = salvageField(text, "namespaces", "[", z.array(z.string()));
  if (namespaces) salvaged.namespaces = namespaces;
  return salvaged;
}

/** Reads and validates the state file at `path` (default {@link statePath}). */
export function readRunState(path = statePath()): StateFileReading {
  if (!existsSync(path)) return { kind: "none" };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return {
      kind: "damaged",
      reason: `${path}: cannot read: ${(error as Error).message}`,
      text: "",
      salvaged: {},
    };
  }
  if (text.trim() === "") return { kind: "damaged", reason: `${path}: empty`, text, salvaged: {} };
  const json = parseJsonText(text, path);
  if (!json.ok)
    return { kind: "damaged", reason: json.errors.join("; "), text, salvaged: salvageRunState(text) };
  const result = runStateSchema.safeParse(json.value);
  if (!result.success) {
    return {
      kind: "damaged",
      reason: formatZodIssues(path, result.error.issues).join("; "),
      text,
      salvaged: salvageRunState(text),
    };
  }
  return { kind: "ok", state: result.data };
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

/** Thrown when a state file from another run exists. */
export class RunConflictError extends Error {
  /** The other run's state, when readable. */
  readonly other: Partial<RunState> | undefined;
  /** True when that run's process is gone (its leftovers can be cleaned). */
  readonly stale: boolean;
  constructor(other: Partial<RunState> | undefined, stale: boolean) {
    super(
      stale
        ? `a previous capture (run ${other?.runId ?? "?"}, pid ${other?.pid ?? "?"}) did not clean up; run \`packetwalk capture --cleanup\``
        : `another capture is running (run ${other?.runId ?? "?"}, pid ${other?.pid ?? "?"}); wait for it to finish`,
    );
    this.name = "RunConflictError";
    this.other = other;
    this.stale = stale;
  }
}

function tempPath(): string {
  return `${statePath()}.tmp-${process.pid}`;
}

/**
 * Claims the state file for `state`: the whole text goes to a temporary file that
 * is then hard-linked into place, which fails when a state file exists, so the file
 * is never seen half-written. Records in `state.createdDirs` the folders it made.
 * Throws {@link RunConflictError} when a state file exists.
 */
export function claimRun(state: RunState): void {
  const dir = stateDir();
  if (!existsSync(dir)) {
    const first = mkdirSync(dir, { recursive: true });
    const created: string[] = [];
    for (let path = dir; first && path.length >= first.length; path = dirname(path)) created.unshift(path);
    state.createdDirs = created;
  }
  writeFileSync(tempPath(), serializeRunState(state));
  try {
    linkSync(tempPath(), statePath());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const found = readRunState();
    const other = found.kind === "ok" ? found.state : found.kind === "damaged" ? found.salvaged : undefined;
    throw new RunConflictError(other, other?.pid === undefined || !isAlive(other.pid));
  } finally {
    rmSync(tempPath(), { force: true });
  }
}

/** Rewrites the state file of the run that owns it (call before creating what `state` newly lists); atomic. */
export function updateRun(state: RunState): void {
  writeFileSync(tempPath(), serializeRunState(state));
  renameSync(tempPath(), statePath());
}

/** Removes the state file, then the folders the run created for it (innermost first, only when empty). */
export function releaseRun(createdDirs: readonly string[] = []): void {
  rmSync(statePath(), { force: true });
  for (const dir of [...createdDirs].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty (someone else's files) or already gone: leave it.
    }
  }
}
