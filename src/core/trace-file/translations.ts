/**
 * A lab's texts in another language: `traces/<lab>/i18n/<locale>.json` holds
 * the lab's description and each trace's title, description and question.
 * The English texts stay in lab.json and the metadata; a missing translation
 * falls back to them. Pure: callers read the files.
 */
import { z } from "zod";
import { closest } from "../diagnostics/format-diagnostic.ts";
import { jsonOffsets, positionOfPath } from "./json-positions.ts";
import { formatIssuePath, formatZodIssuesAt, parseJsonText, type Validated } from "./load-trace.ts";
import type { Lab, TraceMeta } from "./schema.ts";

/** One trace's texts in a language. */
export const traceTextsSchema = z.strictObject({
  /** Title of the trace page and default figure caption. */
  title: z.string().min(1),
  /** One or two sentences under the title. */
  description: z.string().min(1).optional(),
  /** For simulated traces: the question asked. */
  question: z.string().min(1).optional(),
});

/** `traces/<lab>/i18n/<locale>.json`. */
export const labTranslationsSchema = z.strictObject({
  version: z.literal(1),
  /** The lab's description. */
  description: z.string().min(1).optional(),
  /** Texts per scenario (the `<scenario>` of `<scenario>.json`). */
  traces: z.record(z.string(), traceTextsSchema),
});

/** Validated translations of one lab into one language. */
export type LabTranslations = z.infer<typeof labTranslationsSchema>;

/** What each field of a translations file holds, for messages. */
const FIELD_TEXTS: Readonly<Record<string, string>> = {
  version: "the format version, 1",
  description: "the lab's description in this language (a non-empty text)",
  traces: 'the texts per scenario, { "<scenario>": { "title": "…" } }',
  title: "the trace's title in this language (a non-empty text)",
  question: "the question a simulated trace asks, in this language (a non-empty text)",
};

/** Whether `value` is a JSON object (not an array). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON type of `value` in words: `a number`, `an array`, `null`. */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

/** The object holding the member at `path` in `root`, if there is one. */
function parentOf(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path.slice(0, -1)) value = isObject(value) ? value[String(key)] : undefined;
  return value;
}

/** The line and column of an error line (`file:12:5: ...`), for sorting; `[0, 0]` when it has none. */
function lineColumn(error: string, file: string): [number, number] {
  const m = /^:(\d+):(\d+):/.exec(error.slice(file.length));
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** One `file:line:col: field: message` line for a zod issue of a translations file, with what was expected. */
function describeIssue(
  issue: z.core.$ZodIssue,
  file: string,
  text: string,
  root: unknown,
  offsets: Map<string, number>,
): string[] {
  const at = (path: ReadonlyArray<PropertyKey>) => {
    const { line, column } = positionOfPath(text, path, offsets);
    return `${file}:${line}:${column}`;
  };
  const field = String(issue.path[issue.path.length - 1] ?? "");
  const parent = parentOf(root, issue.path);
  // `traces.<scenario>.description` is a trace's; `description` alone the lab's.
  const expected =
    issue.path.length === 2
      ? `the texts of trace '${field}', { "title": "…", "description": "…" }`
      : field === "description" && issue.path.length === 3
        ? "the trace's description in this language (a non-empty text)"
        : FIELD_TEXTS[field];
  if (issue.code === "unrecognized_keys") {
    // At the top level, or in `traces.<scenario>`.
    const ofTrace = issue.path.length === 2;
    const allowed = ofTrace ? ["title", "description", "question"] : ["version", "description", "traces"];
    return issue.keys.map((key) => {
      const guess = closest(key, allowed);
      const meant = guess ? `did you mean "${guess}"?` : `the fields are ${allowed.join(", ")}`;
      return `${at([...issue.path, key])}: ${formatIssuePath([...issue.path, key])}: not a field of ${ofTrace ? "a trace's texts" : "a translations file"}; ${meant}`;
    });
  }
  if (issue.code === "invalid_type" && expected) {
    const missing = isObject(parent) && !(field in parent);
    if (missing) {
      const example =
        field === "version" ? '"version": 1' : field === "traces" ? `"traces": {}` : `"${field}": "…"`;
      return [
        `${at(issue.path)}: ${formatIssuePath(issue.path)}: missing; expected ${expected}: add ${example}`,
      ];
    }
    const given = isObject(parent) ? parent[field] : undefined;
    return [
      `${at(issue.path)}: ${formatIssuePath(issue.path)}: expected ${expected}, found ${jsonType(given)}`,
    ];
  }
  if (issue.code === "invalid_value" && field === "version") {
    const given = isObject(parent) && field in parent ? JSON.stringify(parent[field]) : undefined;
    const found = given === undefined ? "missing" : `is ${given}`;
    return [`${at(issue.path)}: version: ${found}; expected ${FIELD_TEXTS.version}: write "version": 1`];
  }
  if (issue.code === "too_small" && expected) {
    const leave = field === "title" ? "" : ", or leave the field out to show the English";
    return [`${at(issue.path)}: ${formatIssuePath(issue.path)}: empty; expected ${expected}${leave}`];
  }
  return formatZodIssuesAt(file, text, root, [issue]);
}

/**
 * Validates the text of a translations file: every problem of the file, each at its
 * `file:line:col` with what was expected; a scenario the lab lacks (one of `scenarios`, the stems of
 * its `<scenario>.json`) is an error too, with the scenario it most likely meant. In file order.
 */
export function validateTranslationsText(
  text: string,
  file: string,
  scenarios: readonly string[],
): Validated<LabTranslations> {
  const json = parseJsonText(text, file);
  if (!json.ok) return json;
  const offsets = jsonOffsets(text);
  const errors: string[] = [];
  // Read from the value as written, so that a misspelt scenario is named even when its texts are invalid too.
  const traces = isObject(json.value) ? json.value.traces : undefined;
  if (isObject(traces)) {
    const named = Object.keys(traces);
    for (const key of named.filter((s) => !scenarios.includes(s))) {
      const { line, column } = positionOfPath(text, ["traces", key], offsets);
      const guess = closest(
        key,
        scenarios.filter((s) => !named.includes(s)),
      );
      const hint = guess
        ? `did you mean '${guess}'?`
        : scenarios.length
          ? `the lab's scenarios are ${scenarios.join(", ")}`
          : "the lab has no <scenario>.json yet";
      errors.push(
        `${file}:${line}:${column}: traces.${key}: no trace '${key}' in this lab (there is no ${key}.json beside lab.json); ${hint}`,
      );
    }
  }
  const result = labTranslationsSchema.safeParse(json.value);
  if (!result.success)
    for (const issue of result.error.issues)
      errors.push(...describeIssue(issue, file, text, json.value, offsets));
  if (errors.length) {
    const order = (a: string, b: string) => {
      const [la, ca] = lineColumn(a, file);
      const [lb, cb] = lineColumn(b, file);
      return la - lb || ca - cb;
    };
    return { ok: false, errors: errors.sort(order) };
  }
  return { ok: true, value: result.data as LabTranslations };
}

/** The metadata with its texts in the translation's language (each missing text stays English). */
export function translateMeta(meta: TraceMeta, translations: LabTranslations | undefined): TraceMeta {
  const texts = translations?.traces[meta.scenario];
  if (!texts) return meta;
  return {
    ...meta,
    title: texts.title,
    ...(texts.description ? { description: texts.description } : {}),
    ...(texts.question ? { question: texts.question } : {}),
  };
}

/** The lab with its description in the translation's language. */
export function translateLab(lab: Lab, translations: LabTranslations | undefined): Lab {
  return translations?.description ? { ...lab, description: translations.description } : lab;
}

/**
 * The texts a reader of the translation's language would still see in English: `description` when
 * the lab has one, and per trace `traces.<scenario>.title`, `.description` and `.question` for each
 * text its metadata has. Empty when the translation covers the lab; all of them when it is missing.
 */
export function untranslatedTexts(
  lab: Pick<Lab, "description">,
  metas: readonly Pick<TraceMeta, "scenario" | "description" | "question">[],
  translations: LabTranslations | undefined,
): string[] {
  const missing: string[] = [];
  if (lab.description && !translations?.description) missing.push("description");
  for (const meta of metas) {
    const texts = translations?.traces[meta.scenario];
    const key = `traces.${meta.scenario}`;
    if (!texts) missing.push(`${key}.title`);
    // Each text the English page shows needs its counterpart, or the page mixes languages.
    if (meta.description && !texts?.description) missing.push(`${key}.description`);
    if (meta.question && !texts?.question) missing.push(`${key}.question`);
  }
  return missing;
}
