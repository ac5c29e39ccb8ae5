/**
 * Reads and validates one lab folder (`traces/<lab>/`) from disk: `lab.json`,
 * every `<stem>.json` with its `<stem>.log`, and the rulesets they name. Node-side
 * (it reads files) but free of Astro, so the CLI, the plugin and tests share it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { prefixMapFromRuleset } from "../import/ruleset-material.ts";
import type { PrefixMap } from "../parse/prefix-to-hook.ts";
import { crossCheckTrace, validateLabText, validateTraceMetaText } from "./load-trace.ts";
import type { Lab, TraceMeta } from "./schema.ts";

/** One trace of a folder. */
export interface TraceEntry {
  stem: string;
  meta: TraceMeta;
  /** Path of the `.log`. */
  logPath: string;
  /** The log text, verbatim. */
  text: string;
  /**
   * The LOG prefixes of the rules that were installed (its instrumentation, else its ruleset),
   * mapped to their hooks: parse the log with it so that any prefix convention reads right.
   */
  prefixMap: PrefixMap;
}

/** A read lab folder: what could be read, and every problem found. */
export interface TraceFolder {
  lab?: Lab;
  traces: TraceEntry[];
  /** Rule set texts by name. */
  rulesets: Record<string, string>;
  /** `file: field: message` lines; empty when the folder is valid. */
  errors: string[];
}

/** Reads `folder` (e.g. `traces/docker-bridge`). */
export function readTraceFolder(folder: string): TraceFolder {
  const errors: string[] = [];
  const labPath = join(folder, "lab.json");
  if (!existsSync(labPath))
    return { traces: [], rulesets: {}, errors: [`${labPath}: missing (every lab folder needs one)`] };
  const labResult = validateLabText(readFileSync(labPath, "utf8"), labPath);
  if (!labResult.ok) return { traces: [], rulesets: {}, errors: labResult.errors };
  const lab = labResult.value;
  const rulesets: Record<string, string> = {};
  for (const name of lab.rulesets) {
    const path = join(folder, "rulesets", `${name}.rules`);
    if (existsSync(path)) rulesets[name] = readFileSync(path, "utf8");
    else errors.push(`${labPath}: rulesets: '${name}' is listed but ${path} does not exist`);
  }
  const traces: TraceEntry[] = [];
  for (const entry of readdirSync(folder).sort()) {
    if (!entry.endsWith(".json") || entry === "lab.json") continue;
    const stem = entry.slice(0, -".json".length);
    const metaPath = join(folder, entry);
    const meta = validateTraceMetaText(readFileSync(metaPath, "utf8"), metaPath);
    if (!meta.ok) {
      errors.push(...meta.errors);
      continue;
    }
    errors.push(...crossCheckTrace(meta.value, stem, lab, metaPath));
    const logPath = join(folder, `${stem}.log`);
    if (!existsSync(logPath)) {
      errors.push(`${metaPath}: no ${stem}.log beside it (the metadata describes a log that is missing)`);
      continue;
    }
    const installed = rulesets[meta.value.instrumentation ?? meta.value.ruleset];
    traces.push({
      stem,
      meta: meta.value,
      logPath,
      text: readFileSync(logPath, "utf8"),
      prefixMap: installed === undefined ? {} : prefixMapFromRuleset(installed),
    });
  }
  for (const entry of readdirSync(folder)) {
    if (entry.endsWith(".log") && !existsSync(join(folder, `${entry.slice(0, -4)}.json`))) {
      errors.push(`${join(folder, entry)}: no metadata file ${entry.slice(0, -4)}.json beside it`);
    }
  }
  return { lab, traces, rulesets, errors };
}
