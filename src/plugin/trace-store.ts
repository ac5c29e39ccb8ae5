/**
 * Every trace under `traces/`, read once per build (and again when a file
 * changes in dev), keyed by `<lab>/<scenario>`.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { PrefixMap } from "../core/parse/prefix-to-hook.ts";
import { readTraceFolder } from "../core/trace-file/read-trace-folder.ts";
import type { Lab, TraceMeta } from "../core/trace-file/schema.ts";

/** One trace with what a figure needs beside it. */
export interface StoredTrace {
  /** `<lab>/<scenario>`. */
  name: string;
  lab: Lab;
  meta: TraceMeta;
  /** The log text, verbatim. */
  text: string;
  /** Path of the `.log`, relative to the project root (for messages and edit links). */
  logPath: string;
  /** The ruleset text named by the metadata, if the lab has it. */
  ruleset?: string;
  /** The installed rules' LOG prefixes mapped to hooks (see `TraceEntry.prefixMap`). */
  prefixMap: PrefixMap;
}

/** What {@link loadTraces} read. */
export interface TraceStore {
  traces: Map<string, StoredTrace>;
  /** `file: field: message` problems of the trace files themselves. */
  errors: string[];
}

let cached: { key: string; store: TraceStore } | undefined;

// Sizes and mtimes of every file: cheap to compute, changes whenever a trace is edited.
function fingerprint(dir: string): string {
  const parts: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const s = statSync(join(dir, entry));
    if (s.isFile()) parts.push(`${entry}:${s.size}:${s.mtimeMs}`);
  }
  return parts.join("|");
}

/** Reads every lab folder of `tracesDir` (default `traces`), from a cache while nothing changed. */
export function loadTraces(tracesDir = "traces", cwd: string = process.cwd()): TraceStore {
  const dir = join(cwd, tracesDir);
  if (!existsSync(dir)) return { traces: new Map(), errors: [] };
  const key = `${dir}\n${fingerprint(dir)}`;
  if (cached?.key === key) return cached.store;
  const traces = new Map<string, StoredTrace>();
  const errors: string[] = [];
  for (const labName of readdirSync(dir).sort()) {
    const folder = join(dir, labName);
    if (!statSync(folder).isDirectory()) continue;
    const read = readTraceFolder(folder);
    errors.push(...read.errors.map((e) => e.replace(folder, relative(cwd, folder))));
    if (!read.lab) continue;
    for (const t of read.traces) {
      const name = `${labName}/${t.stem}`;
      const entry: StoredTrace = {
        name,
        lab: read.lab,
        meta: t.meta,
        text: t.text,
        logPath: relative(cwd, t.logPath),
        prefixMap: t.prefixMap,
      };
      const ruleset = read.rulesets[t.meta.ruleset];
      if (ruleset !== undefined) entry.ruleset = ruleset;
      traces.set(name, entry);
    }
  }
  const store = { traces, errors };
  cached = { key, store };
  return store;
}
