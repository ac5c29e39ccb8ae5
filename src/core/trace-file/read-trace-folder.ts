/**
 * Reads and validates one lab folder (`traces/<lab>/`) from disk: `lab.json`,
 * every `<stem>.json` with its `<stem>.log`, and the rulesets they name. Node-side
 * (it reads files) but free of Astro, so the CLI, the plugin and tests share it.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { prefixMapFromRuleset } from "../import/ruleset-material.ts";
import type { ChainHooks, PrefixHooks } from "../model/hook.ts";
import { chainHooksFromRuleset } from "../simulate/chain-hooks-from-ruleset.ts";
import {
  crossCheckTrace,
  missingRulesetErrors,
  validateLabText,
  validateTraceMetaText,
} from "./load-trace.ts";
import { entryKind, notRegularFile, readRegularFile } from "./read-regular-file.ts";
import { checkRulesetPins } from "./ruleset-pins.ts";
import type { Lab, TraceMeta } from "./schema.ts";
import { type ReadTranslations, translationCoverageErrors } from "./translation-coverage.ts";
import { type LabTranslations, validateTranslationsText } from "./translations.ts";

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
  prefixMap: PrefixHooks;
  /** The hooks of the installed ruleset's nftables base chains (see `chainHooksFromRuleset`): parse with it too. */
  chainHooks: ChainHooks;
}

/** A read lab folder: what could be read, and every problem found. */
export interface TraceFolder {
  lab?: Lab;
  traces: TraceEntry[];
  /** Rule set texts by name. */
  rulesets: Record<string, string>;
  /** Texts in other languages, by locale (`zh-tw`), from `i18n/<locale>.json`. */
  translations?: Record<string, LabTranslations>;
  /** `file: field: message` lines; empty when the folder is valid. */
  errors: string[];
}

/** Options of {@link readTraceFolder}. */
export interface ReadTraceFolderOptions {
  /** Largest `.log` read, in bytes; a bigger one is an error. Default: no limit. */
  maxLogBytes?: number;
  /**
   * Locales the lab must be translated into (`i18n/<locale>.json`, covering every text its English
   * pages show: see `translationCoverageErrors`); a missing file or text is an error. Default none
   * (`import` and `capture` write a lab before anyone translates it).
   */
  locales?: readonly string[];
}

/**
 * An empty ruleset record without a prototype: a ruleset named `constructor` or `toString` (from
 * lab.json, a trace's metadata or `--ruleset`) is looked up as any other name, not found as a method.
 */
export function noRulesets(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/**
 * Reads `folder` (e.g. `traces/docker-bridge`). Only regular files are read:
 * a symbolic link anywhere in the folder is an error, never followed.
 */
export function readTraceFolder(folder: string, options: ReadTraceFolderOptions = {}): TraceFolder {
  const errors: string[] = [];
  const folderKind = entryKind(folder);
  if (folderKind !== "directory")
    return { traces: [], rulesets: noRulesets(), errors: [notRegularFile(folder, folderKind)] };
  const labPath = join(folder, "lab.json");
  if (!existsSync(labPath) && entryKind(labPath) === "missing")
    return {
      traces: [],
      rulesets: noRulesets(),
      errors: [`${labPath}: missing (every lab folder needs one)`],
    };
  const labText = readRegularFile(labPath);
  if (!labText.ok) return { traces: [], rulesets: noRulesets(), errors: [labText.error] };
  const labResult = validateLabText(labText.text, labPath);
  if (!labResult.ok) return { traces: [], rulesets: noRulesets(), errors: labResult.errors };
  const lab = labResult.value;
  // Several traces share one installed ruleset: read its chains once.
  const hooksByText = new Map<string, ChainHooks>();
  const chainHooksOf = (text: string): ChainHooks => {
    let hooks = hooksByText.get(text);
    if (!hooks) {
      hooks = chainHooksFromRuleset(text);
      hooksByText.set(text, hooks);
    }
    return hooks;
  };
  const rulesets = noRulesets();
  const rulesetsDir = join(folder, "rulesets");
  const rulesetsKind = entryKind(rulesetsDir);
  if (rulesetsKind !== "directory" && rulesetsKind !== "missing")
    errors.push(notRegularFile(rulesetsDir, rulesetsKind));
  const missing: string[] = [];
  for (const name of lab.rulesets) {
    const path = join(rulesetsDir, `${name}.rules`);
    if (rulesetsKind === "symlink") continue;
    if (entryKind(path) === "missing") {
      missing.push(name);
      continue;
    }
    const ruleset = readRegularFile(path);
    if (ruleset.ok) rulesets[name] = ruleset.text;
    else errors.push(ruleset.error);
  }
  if (missing.length) {
    const present =
      rulesetsKind === "directory"
        ? readdirSync(rulesetsDir)
            .filter((f) => f.endsWith(".rules"))
            .map((f) => f.slice(0, -".rules".length))
        : [];
    errors.push(...missingRulesetErrors(lab, labText.text, labPath, missing, present));
  }
  const traces: TraceEntry[] = [];
  for (const entry of readdirSync(folder).sort()) {
    const kind = entryKind(join(folder, entry));
    if (kind === "symlink" || kind === "other") {
      errors.push(notRegularFile(join(folder, entry), kind));
      continue;
    }
    if (!entry.endsWith(".json") || entry === "lab.json") continue;
    const stem = entry.slice(0, -".json".length);
    const metaPath = join(folder, entry);
    const metaText = readRegularFile(metaPath);
    if (!metaText.ok) {
      errors.push(metaText.error);
      continue;
    }
    const meta = validateTraceMetaText(metaText.text, metaPath);
    if (!meta.ok) {
      errors.push(...meta.errors);
      continue;
    }
    errors.push(...crossCheckTrace(meta.value, stem, lab, metaPath, metaText.text));
    errors.push(...checkRulesetPins(meta.value, rulesets, metaPath, lab.name, metaText.text));
    const logPath = join(folder, `${stem}.log`);
    if (entryKind(logPath) === "missing") {
      errors.push(`${metaPath}: no ${stem}.log beside it (the metadata describes a log that is missing)`);
      continue;
    }
    const log = readRegularFile(logPath, options.maxLogBytes);
    if (!log.ok) {
      // A symlinked log was already reported with the folder's entries.
      if (entryKind(logPath) !== "symlink") errors.push(log.error);
      continue;
    }
    if (log.text.trim() === "") {
      // Simulated against nothing, an empty log reads as a disagreement: say what it is.
      errors.push(
        `${logPath}:1:1: the log is empty: expected the kernel log lines of ${stem} (re-run packetwalk import, or remove ${stem}.json with it)`,
      );
      continue;
    }
    const installed = rulesets[meta.value.instrumentation ?? meta.value.ruleset];
    traces.push({
      stem,
      meta: meta.value,
      logPath,
      text: log.text,
      prefixMap: installed === undefined ? {} : prefixMapFromRuleset(installed),
      chainHooks: installed === undefined ? {} : chainHooksOf(installed),
    });
  }
  for (const entry of readdirSync(folder)) {
    const kind = entryKind(join(folder, entry));
    if (
      kind === "file" &&
      entry.endsWith(".log") &&
      !existsSync(join(folder, `${entry.slice(0, -4)}.json`))
    ) {
      errors.push(`${join(folder, entry)}: no metadata file ${entry.slice(0, -4)}.json beside it`);
    }
  }
  // Every scenario file counts, valid or not: an invalid one is reported once, as itself.
  const scenarios = readdirSync(folder)
    .filter((e) => e.endsWith(".json") && e !== "lab.json" && entryKind(join(folder, e)) === "file")
    .map((e) => e.slice(0, -".json".length));
  const read = readTranslations(folder, scenarios, errors);
  const i18nKind = entryKind(join(folder, "i18n"));
  const metas = traces.map((t) => t.meta);
  for (const locale of options.locales ?? []) {
    const path = join(folder, "i18n", `${locale}.json`);
    const file = read[locale];
    // An invalid file, or an i18n that is no folder, was reported as itself.
    if (!file && (entryKind(path) !== "missing" || (i18nKind !== "missing" && i18nKind !== "directory")))
      continue;
    errors.push(...translationCoverageErrors(lab, metas, locale, path, file));
  }
  const translations = Object.fromEntries(Object.entries(read).map(([l, r]) => [l, r.translations]));
  return { lab, traces, rulesets, errors, translations };
}

// `i18n/<locale>.json`: only regular files, only known scenarios.
function readTranslations(
  folder: string,
  scenarios: string[],
  errors: string[],
): Record<string, ReadTranslations> {
  const dir = join(folder, "i18n");
  const kind = entryKind(dir);
  if (kind === "missing") return {};
  if (kind !== "directory") {
    errors.push(notRegularFile(dir, kind));
    return {};
  }
  const out: Record<string, ReadTranslations> = {};
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (!entry.endsWith(".json")) {
      errors.push(`${path}: not a translations file (expected i18n/<locale>.json, e.g. i18n/zh-tw.json)`);
      continue;
    }
    const text = readRegularFile(path);
    if (!text.ok) {
      errors.push(text.error);
      continue;
    }
    const result = validateTranslationsText(text.text, path, scenarios);
    if (result.ok) out[entry.slice(0, -".json".length)] = { text: text.text, translations: result.value };
    else errors.push(...result.errors);
  }
  return out;
}
