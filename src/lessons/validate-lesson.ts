/**
 * Validates a lesson file's front matter against {@link lessonSchema} and
 * turns each problem into a positioned diagnostic (`file:line:col`, the field,
 * what was expected, a hint), pointing at the offending value in the YAML.
 */
import { isAlias, isMap, isSeq, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { closest } from "../core/diagnostics/format-diagnostic.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import { type LessonData, lessonSchema } from "./lesson-schema.ts";

/** The result of {@link validateLesson}: the data when valid, and the problems found. */
export interface LessonValidation {
  data?: LessonData;
  diagnostics: Diagnostic[];
  /** Where each field's value is written (`order` → its line and column), when the front matter is a map. */
  positions?: Record<string, Diagnostic["position"]>;
}

const FENCE = /^---\r?\n([\s\S]*?)\r?\n---\r?(?:\n|$)/;

/** Validates the front matter of the lesson text `source` read from `file`. */
export function validateLesson(source: string, file: string): LessonValidation {
  const match = FENCE.exec(source);
  if (!match && source.startsWith("\uFEFF") && FENCE.test(source.slice(1))) {
    // Windows Notepad's "UTF-8 with BOM": the fence is there, one invisible character before it.
    return {
      diagnostics: [
        {
          severity: "error",
          message: "the lesson starts with a byte-order mark (U+FEFF) before its front matter's `---`",
          hint: `save it as UTF-8 without BOM (in your editor, or: sed -i '1s/^\\xEF\\xBB\\xBF//' ${file})`,
          position: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  if (!match) {
    return {
      diagnostics: [
        {
          severity: "error",
          message: "the lesson has no front matter",
          hint: "start the file with a `---` block holding title, description, section, order and locale (see CONTRIBUTING.md)",
          position: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  const yamlText = match[1] ?? "";
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false });
  // Front matter starts on line 2 (after the opening fence).
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { file, line: p.line + 1, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e) => ({
        severity: "error" as const,
        message: `front matter is not valid YAML: ${e.message.split("\n")[0]}`,
        hint: "quote values that contain ':' or '#'",
        position: at(e.pos[0]),
      })),
    };
  }
  // A tag (`!custom x`, `!!int 1.5`) is only a warning here, but Astro's reader (js-yaml) throws on it mid-build.
  const tags = doc.warnings.filter(
    (w) => w.code === "TAG_RESOLVE_FAILED" || w.code === "BAD_COLLECTION_TYPE",
  );
  if (tags.length > 0) {
    return {
      diagnostics: tags.map((w) => ({
        severity: "error" as const,
        message: `front matter is not valid YAML as Astro reads it: ${w.message.split("\n")[0]}`,
        hint: "quote values that start with '!' (YAML reads `!word` as a type tag)",
        position: at(w.pos[0]),
      })),
    };
  }
  // `*name` with no `&name` before it parses, but reading its value throws (it has none).
  const unresolved: Diagnostic[] = [];
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && !node.resolve(doc))
        unresolved.push({
          severity: "error",
          message: `front matter is not valid YAML: '*${node.source}' refers to no '&${node.source}' before it`,
          hint: "quote values that start with '*' or '&' (YAML reads them as references)",
          position: at(node.range?.[0] ?? 0),
        });
    },
  });
  if (unresolved.length > 0) return { diagnostics: unresolved };
  // A list or a lone value parses as YAML but holds no `field: value` lines: say so, not "field '' is missing".
  if (doc.contents !== null && !isMap(doc.contents)) {
    return {
      diagnostics: [
        {
          severity: "error",
          message: `front matter is a YAML ${isSeq(doc.contents) ? "list" : "single value"}, expected \`field: value\` lines`,
          hint: "write one `field: value` per line (title, description, section, order, locale), no `- ` before them",
          position: at(doc.contents.range?.[0] ?? 0),
        },
      ],
    };
  }
  const map = isMap(doc.contents) ? doc.contents : undefined;
  const locate = (key: string) => {
    const pair = map?.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
    const node = (pair?.value ?? pair?.key) as { range?: [number, number, number] } | undefined;
    return node?.range ? at(node.range[0]) : { file, line: 2, column: 1 };
  };
  const values = (doc.toJS() ?? {}) as Record<string, unknown>;
  const positions = Object.fromEntries(Object.keys(values).map((key) => [key, locate(key)]));
  const result = lessonSchema.safeParse(values);
  if (result.success) return { data: result.data, diagnostics: [], positions };
  return {
    diagnostics: result.error.issues.map((issue) => toDiagnostic(issue, locate, values)),
    positions,
  };
}

const FIELDS = Object.keys(lessonSchema.shape);

function toDiagnostic(
  issue: z.core.$ZodIssue,
  locate: (key: string) => Diagnostic["position"],
  values: Record<string, unknown>,
): Diagnostic {
  const present = Object.keys(values);
  const field = String(issue.path[0] ?? "");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const guess = closest(key, FIELDS);
    return {
      severity: "error",
      message: `front matter field '${key}' is not a lesson field`,
      hint: guess ? `did you mean '${guess}'?` : `lesson fields are: ${FIELDS.join(", ")}`,
      position: locate(key),
    };
  }
  if (!present.includes(field)) {
    return {
      severity: "error",
      message: `front matter field '${field}' is missing`,
      hint: `add \`${field}:\` (${describeField(field)})`,
      position: { ...locate(field), line: 2, column: 1 },
    };
  }
  // `order:` with nothing after it (the template's) is YAML's null: "expected number, received null" tells a newcomer little.
  if (values[field] === null) {
    return {
      severity: "error",
      message: `front matter field '${field}' has no value`,
      hint: `give it one: ${describeField(field)}`,
      position: locate(field),
    };
  }
  return {
    severity: "error",
    message: `front matter field '${field}': ${issue.message}`,
    hint: describeField(field),
    position: locate(field),
  };
}

function describeField(field: string): string {
  const shape = lessonSchema.shape as Record<string, { description?: string; options?: readonly string[] }>;
  const options = shape[field]?.options;
  if (options) return `one of ${options.map((o) => `'${o}'`).join(", ")}`;
  switch (field) {
    case "title":
      return "the page title, shown as its only h1";
    case "description":
      return "one or two sentences for search results and link previews";
    case "order":
      return "a whole number no other lesson of the language has (lower comes first in the course)";
    case "draft":
      return "true or false";
    default:
      return "see CONTRIBUTING.md";
  }
}
