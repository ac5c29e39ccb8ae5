/**
 * The zh-TW playground's worker entry: the worker itself (`parse-worker.ts`), built without the English
 * halves of the rule notes that can go (`src/plugin/drop-other-language-notes.ts`).
 */
import "./parse-worker.ts";
