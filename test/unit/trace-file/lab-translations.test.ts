/**
 * Every lab under traces/ has its texts in every locale of the site besides English
 * (`i18n/<locale>.json`): a zh-TW reader of a trace page never meets an English title or
 * description because a lab or one of its traces was left out.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { untranslatedTexts } from "../../../src/core/trace-file/translations.ts";
import { DEFAULT_LOCALE, LOCALES } from "../../../src/i18n/locales.ts";

const TRACES = join(import.meta.dirname, "../../../traces");
const labs = readdirSync(TRACES).filter((name) => statSync(join(TRACES, name)).isDirectory());
const locales = LOCALES.filter((l) => l !== DEFAULT_LOCALE);

describe("translations of the committed labs", () => {
  it("finds the labs and the locales to check", () => {
    expect(labs).toContain("docker-bridge");
    expect(locales).toContain("zh-tw");
  });

  describe.each(labs)("%s", (lab) => {
    const folder = readTraceFolder(join(TRACES, lab));

    it("reads without errors", () => {
      expect(folder.errors).toEqual([]);
    });

    it.each(locales)("has every text in %s", (locale) => {
      const translations = folder.translations?.[locale];
      // A named failure: which file is missing, not only an empty list.
      expect(translations, `traces/${lab}/i18n/${locale}.json is missing`).toBeDefined();
      expect(
        untranslatedTexts(
          folder.lab ?? { description: "" },
          folder.traces.map((t) => t.meta),
          translations,
        ),
      ).toEqual([]);
    });
  });
});

describe("untranslatedTexts", () => {
  const lab = { description: "A lab." };
  const metas = [
    { scenario: "a", description: "A trace." },
    { scenario: "sim", description: "Simulated.", question: "What if?" },
  ];

  it("lists every text when the lab has no translation", () => {
    expect(untranslatedTexts(lab, metas, undefined)).toEqual([
      "description",
      "traces.a.title",
      "traces.a.description",
      "traces.sim.title",
      "traces.sim.description",
      "traces.sim.question",
    ]);
  });

  it("lists the keys a partial translation lacks, and nothing for a text the English lacks too", () => {
    const partial = {
      version: 1 as const,
      traces: { a: { title: "甲" }, sim: { title: "模擬", description: "模擬的。" } },
    };
    expect(untranslatedTexts(lab, metas, partial)).toEqual([
      "description",
      "traces.a.description",
      "traces.sim.question",
    ]);
    expect(untranslatedTexts({ description: "" }, [{ scenario: "a" }], partial)).toEqual([]);
  });
});
