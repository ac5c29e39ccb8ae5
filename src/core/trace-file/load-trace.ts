/**
 * Validates trace-folder files (`lab.json`, `<scenario>.json`) against the zod
 * schemas and turns problems into friendly one-line errors:
 * `traces/docker-bridge/lab.json:31:11: hosts[1].interfaces[0].mac: a lower-case MAC like 02:42:ac:11:00:02`,
 * at the field in the file.
 * Pure: callers read the files.
 */
import type { z } from "zod";
import { closest } from "../diagnostics/format-diagnostic.ts";
import { jsonOffsets, positionAt, positionOfPath, positionOfValue } from "./json-positions.ts";
import { type Lab, labSchema, type TraceMeta, traceMetaSchema } from "./schema.ts";

/** A validation outcome: the parsed value, or the errors (never both). */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** `hosts[1].interfaces[0].mac` for a zod issue path. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "(top level)";
}

/** One `file: field: message` line per zod issue. */
export function formatZodIssues(file: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${file}: ${formatIssuePath(issue.path)}: ${issue.message}`);
}

/** True when `prefix` could still be the start of valid JSON (its error, if any, is at its very end). */
function viablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end|Unterminated/.test(message)) return true;
    const position = /position (\d+)/.exec(message);
    return position !== null && Number(position[1]) >= prefix.length;
  }
}

/** Parses JSON text; a syntax error becomes `file:line:col: message` at the first offending character. */
export function parseJsonText(text: string, file: string): Validated<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // V8 does not always say where; find the shortest prefix that can no longer be valid JSON.
    let low = 0;
    let high = text.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (viablePrefix(text.slice(0, mid))) low = mid;
      else high = mid - 1;
    }
    const offset = Math.min(low, text.length);
    const { line, column } = positionAt(text, offset);
    const found =
      offset < text.length ? `unexpected ${JSON.stringify(text[offset])}` : "unexpected end of file";
    // V8 quotes the text after `, "` (`Unexpected token 'x', "x}" is not valid JSON`); `Expected ',' or '}'` keeps its commas.
    const reason = (error as Error).message
      .replace(/, (\.\.\.)?".*$/s, "")
      .replace(/ (in JSON )?at position.*$/s, "");
    return { ok: false, errors: [`${file}:${line}:${column}: invalid JSON: ${found} (${reason})`] };
  }
}

function validate<T>(schema: z.ZodType<T>, text: string, file: string): Validated<T> {
  const json = parseJsonText(text, file);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: formatZodIssuesAt(file, text, json.value, result.error.issues) };
}

/** The value at `path` in a parsed JSON value, if there is one. */
function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = root;
  for (const key of path)
    v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/**
 * One `file:line:col: field: message` line per zod issue, at the field in `text` (a missing one at
 * the object that lacks it); a misspelt choice gets the closest allowed value.
 */
export function formatZodIssuesAt(
  file: string,
  text: string,
  root: unknown,
  issues: readonly z.core.$ZodIssue[],
): string[] {
  const offsets = jsonOffsets(text);
  return issues.map((issue) => {
    const { line, column } = positionOfPath(text, issue.path, offsets);
    const given = valueAt(root, issue.path);
    const choices = issue.code === "invalid_value" ? issue.values.filter((v) => typeof v === "string") : [];
    const guess =
      typeof given === "string" && choices.length ? closest(given, choices as string[]) : undefined;
    const hint = guess && guess !== given ? `; did you mean "${guess}"?` : "";
    return `${file}:${line}:${column}: ${formatIssuePath(issue.path)}: ${issue.message}${hint}`;
  });
}

/** Validates the text of a `lab.json`. */
export function validateLabText(text: string, file: string): Validated<Lab> {
  return validate(labSchema, text, file);
}

/** Validates the text of a `<scenario>.json`. */
export function validateTraceMetaText(text: string, file: string): Validated<TraceMeta> {
  return validate(traceMetaSchema, text, file);
}

/**
 * Checks that a trace's metadata agrees with its lab and file name: the scenario
 * is the file stem, the ruleset is one of the lab's, and `from`/`to` name lab hosts.
 * Each problem is at the offending value in `text` (the metadata file's text), with
 * the name it most likely meant.
 */
export function crossCheckTrace(
  meta: TraceMeta,
  stem: string,
  lab: Lab,
  file: string,
  text: string,
): string[] {
  const errors: string[] = [];
  const offsets = jsonOffsets(text);
  const at = (path: PropertyKey[]) => {
    const { line, column } = positionOfValue(text, path, offsets);
    return `${file}:${line}:${column}`;
  };
  const meant = (given: string, names: readonly string[]) => {
    const guess = closest(given, names);
    return guess && guess !== given ? `; did you mean '${guess}'?` : "";
  };
  if (meta.scenario !== stem)
    errors.push(
      `${at(["scenario"])}: scenario: is '${meta.scenario}' but the file is named '${stem}.json'; write "scenario": "${stem}" (or rename the file and its .log)`,
    );
  for (const field of ["ruleset", "instrumentation"] as const) {
    const name = meta[field];
    if (name === undefined || lab.rulesets.includes(name)) continue;
    const guess = meant(name, lab.rulesets);
    errors.push(
      `${at([field])}: ${field}: '${name}' is not in lab.json's rulesets (${lab.rulesets.join(", ") || "none"})${guess}; ${guess ? "if not, " : ""}add rulesets/${name}.rules and list it`,
    );
  }
  const hosts = lab.hosts.map((host) => host.name);
  for (const field of ["from", "to"] as const) {
    const name = meta.traffic[field];
    if (!hosts.includes(name)) {
      errors.push(
        `${at(["traffic", field])}: traffic.${field}: '${name}' is not a host of lab.json (${hosts.join(", ")})${meant(name, hosts)}`,
      );
    }
  }
  return errors;
}

/**
 * `lab.json: rulesets` entries whose `rulesets/<name>.rules` is missing, each at its element in
 * `labText`, with the file of `present` (the names in `rulesets/`, without `.rules`) it most likely meant.
 */
export function missingRulesetErrors(
  lab: Lab,
  labText: string,
  labPath: string,
  missing: readonly string[],
  present: readonly string[],
): string[] {
  const offsets = jsonOffsets(labText);
  return missing.map((name) => {
    const { line, column } = positionOfValue(labText, ["rulesets", lab.rulesets.indexOf(name)], offsets);
    const guess = closest(name, present);
    const hint = guess && guess !== name ? `; did you mean '${guess}'? (rulesets/${guess}.rules exists)` : "";
    return `${labPath}:${line}:${column}: rulesets: '${name}' is listed but rulesets/${name}.rules does not exist${hint}`;
  });
}
