/**
 * Every trace under `traces/`, read once per build (and again when a file
 * changes in dev), keyed by `<lab>/<scenario>`.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { PrefixHooks } from "../core/model/hook.ts";
import type { HookChains } from "../core/render/hook-chains.ts";
import { labHookChains } from "../core/render/lab-hook-chains.ts";
import { labFolderNameProblem } from "../core/trace-file/lab-folder-name.ts";
import { entryKind, notRegularFile } from "../core/trace-file/read-regular-file.ts";
import { readTraceFolder } from "../core/trace-file/read-trace-folder.ts";
import type { Lab, TraceMeta } from "../core/trace-file/schema.ts";
import { type LabTranslations, translateLab, translateMeta } from "../core/trace-file/translations.ts";

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
  /** The lab's texts in other languages, by locale. */
  translations?: Record<string, LabTranslations>;
  /** The installed rules' LOG prefixes mapped to hooks (see `TraceEntry.prefixMap`). */
  prefixMap: PrefixHooks;
  /** An nftables lab's base chains per hook, the same for all its traces; absent for an iptables lab. */
  chains?: HookChains;
}

/** The trace as a reader of `locale` sees it: title, description, question and lab description translated where the lab has them. */
export function localizeTrace(trace: StoredTrace, locale: string): StoredTrace {
  const translations = trace.translations?.[locale];
  if (!translations) return trace;
  return {
    ...trace,
    meta: translateMeta(trace.meta, translations),
    lab: translateLab(trace.lab, translations),
  };
}

/** What {@link loadTraces} read. */
export interface TraceStore {
  traces: Map<string, StoredTrace>;
  /** `file: field: message` problems of the trace files themselves. */
  errors: string[];
}

let cached: { key: string; store: TraceStore } | undefined;

/** The traces folder: `PACKETWALK_TRACES_DIR` (the build tests point it at fixtures), else `traces`. */
export function defaultTracesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PACKETWALK_TRACES_DIR ?? "traces";
}

/** Default of the largest trace log a page embeds: 4 MiB, about 15,000 LOG lines. */
export const DEFAULT_MAX_TRACE_BYTES = 4 * 1024 * 1024;

/** The largest trace log read: `PACKETWALK_MAX_TRACE_BYTES`, else {@link DEFAULT_MAX_TRACE_BYTES}. */
export function maxTraceBytes(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.PACKETWALK_MAX_TRACE_BYTES);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_TRACE_BYTES;
}

// Sizes and mtimes of every entry, links not followed: cheap, and changes whenever a trace is edited.
function fingerprint(dir: string): string {
  const parts: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const s = lstatSync(join(dir, entry));
    parts.push(`${entry}:${s.mode}:${s.size}:${s.mtimeMs}`);
  }
  return parts.join("|");
}

/**
 * The folders of traces/ that hold at least one trace, sorted (a trace's name is `<folder>/<scenario>`):
 * each has a page listing its traces.
 */
export function traceFolders(tracesDir = defaultTracesDir(), cwd: string = process.cwd()): string[] {
  const names = [...loadTraces(tracesDir, cwd).traces.keys()].map((n) => n.slice(0, n.indexOf("/")));
  return [...new Set(names)].sort();
}

/**
 * Reads every lab folder of `tracesDir` (default `traces`), from a cache while nothing changed.
 * Symbolic links are reported, never followed.
 */
export function loadTraces(tracesDir = defaultTracesDir(), cwd: string = process.cwd()): TraceStore {
  const dir = resolve(cwd, tracesDir);
  const dirKind = entryKind(dir);
  if (dirKind === "missing") return { traces: new Map(), errors: [] };
  if (dirKind !== "directory")
    return { traces: new Map(), errors: [notRegularFile(relative(cwd, dir), dirKind)] };
  const limit = maxTraceBytes();
  const key = `${dir}\n${limit}\n${fingerprint(dir)}`;
  if (cached?.key === key) return cached.store;
  const traces = new Map<string, StoredTrace>();
  const errors: string[] = [];
  for (const labName of readdirSync(dir).sort()) {
    const folder = join(dir, labName);
    const kind = entryKind(folder);
    if (kind === "file" && labName === "README.md") continue;
    if (kind !== "directory") {
      errors.push(
        kind === "file"
          ? `${relative(cwd, folder)}: a file directly under ${tracesDir}/; traces live in lab folders (${tracesDir}/<lab>/<scenario>.log)`
          : notRegularFile(relative(cwd, folder), kind),
      );
      continue;
    }
    const read = readTraceFolder(folder, { maxLogBytes: limit });
    errors.push(...read.errors.map((e) => e.replaceAll(folder, relative(cwd, folder))));
    if (!read.lab) continue;
    const misnamed = labFolderNameProblem(
      read.lab.name,
      labName,
      readFileSync(join(folder, "lab.json"), "utf8"),
      relative(cwd, join(folder, "lab.json")),
    );
    if (misnamed) {
      errors.push(misnamed);
      continue;
    }
    const chains = labHookChains(
      read.traces.map((t) => t.meta),
      read.rulesets,
    );
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
      if (read.translations) entry.translations = read.translations;
      if (chains) entry.chains = chains;
      traces.set(name, entry);
    }
  }
  const store = { traces, errors };
  cached = { key, store };
  return store;
}
