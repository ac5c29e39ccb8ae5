/**
 * A lab's texts in another language: `traces/<lab>/i18n/<locale>.json` holds
 * the lab's description and each trace's title, description and question.
 * The English texts stay in lab.json and the metadata; a missing translation
 * falls back to them. Pure: callers read the files.
 */
import { z } from "zod";
import { formatZodIssuesAt, parseJsonText, type Validated } from "./load-trace.ts";
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

/** Validates the text of a translations file; a scenario the lab lacks is an error too. */
export function validateTranslationsText(
  text: string,
  file: string,
  scenarios: readonly string[],
): Validated<LabTranslations> {
  const json = parseJsonText(text, file);
  if (!json.ok) return json;
  const result = labTranslationsSchema.safeParse(json.value);
  if (!result.success)
    return { ok: false, errors: formatZodIssuesAt(file, text, json.value, result.error.issues) };
  const unknown = Object.keys(result.data.traces).filter((s) => !scenarios.includes(s));
  if (unknown.length > 0) {
    return {
      ok: false,
      errors: unknown.map(
        (s) => `${file}: traces.${s}: no trace '${s}' in this lab (there is no ${s}.json beside lab.json)`,
      ),
    };
  }
  return { ok: true, value: result.data };
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
