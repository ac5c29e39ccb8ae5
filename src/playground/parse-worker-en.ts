/**
 * The English playground's worker entry: the worker itself (`parse-worker.ts`), built without the rule
 * notes' Chinese halves (`src/plugin/drop-other-language-notes.ts`), so an English page never downloads them.
 */
import "./parse-worker.ts";
