/**
 * Whether a lab's translation into a locale covers what its English pages show: a missing
 * `i18n/<locale>.json`, or a text of lab.json or of a trace's metadata it leaves out, is an error
 * (a reader of that locale would meet English on the lab's pages), each with what to write. Pure.
 */
import { jsonOffsets, positionOfPath } from "./json-positions.ts";
import type { Lab, TraceMeta } from "./schema.ts";
import { type LabTranslations, untranslatedTexts } from "./translations.ts";

/** A translations file as read: its text and its validated content. */
export interface ReadTranslations {
  text: string;
  translations: LabTranslations;
}

/** `"title": "…", "description": "…"` for the texts `meta` has in English. */
function textsToWrite(meta: Pick<TraceMeta, "description" | "question">): string {
  const fields = [
    "title",
    ...(meta.description ? ["description"] : []),
    ...(meta.question ? ["question"] : []),
  ];
  return fields.map((f) => `"${f}": "…"`).join(", ");
}

/**
 * `file[:line:col]: key: missing; ...` errors for what `file` (the lab's `i18n/<locale>.json`, at
 * `path`; undefined when it does not exist) leaves in English, one per missing file, per trace
 * it lacks and per text a trace it has lacks. Empty when the translation covers the lab.
 */
export function translationCoverageErrors(
  lab: Pick<Lab, "description">,
  metas: readonly Pick<TraceMeta, "scenario" | "title" | "description" | "question">[],
  locale: string,
  path: string,
  file: ReadTranslations | undefined,
): string[] {
  const english = (text: string | undefined) => (text ? ` (English: ${JSON.stringify(text)})` : "");
  if (!file) {
    if (!lab.description && metas.length === 0) return [];
    const traces = metas.map((m) => `"${m.scenario}": { ${textsToWrite(m)} }`).join(", ");
    return [
      `${path}: missing; every lab has its texts in ${locale} too, or ${locale} readers see them in English: write { "version": 1, ${lab.description ? `"description": "…", ` : ""}"traces": { ${traces} } } with the ${locale} of lab.json's description and of each <scenario>.json's texts (if you cannot write ${locale}, say so in the pull request and a maintainer will add it)`,
    ];
  }
  const offsets = jsonOffsets(file.text);
  const at = (keys: PropertyKey[]) => {
    const { line, column } = positionOfPath(file.text, keys, offsets);
    return `${path}:${line}:${column}`;
  };
  const errors: string[] = [];
  const byScenario = new Map(metas.map((m) => [m.scenario, m]));
  for (const key of untranslatedTexts(lab, metas, file.translations)) {
    const [top, scenario = "", field = ""] = key.split(".");
    const meta = byScenario.get(scenario);
    if (top === "description") {
      errors.push(
        `${at([])}: description: missing; expected lab.json's description in ${locale}: add "description": "…"${english(lab.description)}`,
      );
    } else if (!meta) {
    } else if (!file.translations.traces[scenario]) {
      // The trace is not there at all: one error for it, with every text to write (its title is key enough).
      if (field !== "title") continue;
      errors.push(
        `${at(["traces"])}: traces.${scenario}: missing; expected the ${locale} texts of ${scenario}.json: add "${scenario}": { ${textsToWrite(meta)} } to "traces"${english(meta.title)}`,
      );
    } else {
      errors.push(
        `${at(["traces", scenario])}: ${key}: missing; expected the trace's ${field} in ${locale}: add "${field}": "…"${english(meta[field as "description" | "question"])}`,
      );
    }
  }
  return errors;
}
