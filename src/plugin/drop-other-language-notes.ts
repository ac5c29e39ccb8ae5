/**
 * A Vite worker plugin that builds each language's playground parse worker without the other language's
 * rule notes. The core's note code (`src/core/render/`) writes every note in both languages, as
 * `[en, zh]` pairs and `{ en, "zh-TW" }` records, and keeps doing so everywhere else (tests, the CLI);
 * only the two worker bundles are cut, at build time:
 * - the English page's (`src/playground/parse-worker-en.ts`): every string and template literal whose own
 *   text holds a CJK character becomes `""`;
 * - the zh-TW page's (`parse-worker-zh.ts`): the English half of a pair or record becomes `""` when it is
 *   a string or template literal with no call, assignment or `++` in it (an English half such as
 *   `` `with prefix "${arg()}"` `` moves the rule's reader on, which the Chinese half relies on: kept).
 *
 * Safe because no code reads those strings' content: no regexp is built from them, no map is keyed by
 * them, no input is parsed with them, and a `zh || "..."` fallback only feeds another Chinese string.
 * Checked with grep when this was written, and by running every trace's logs with each of its rulesets,
 * and every rule of the fixtures' and traces' rulesets, through the original and the cut code: all
 * output but the dropped language's halves was the same. The budgets e2e test asserts that the English
 * page's worker code holds no CJK character.
 */
import type { Plugin } from "vite";

/** CJK ideographs, CJK punctuation and full-width forms: what the zh-TW notes are written in. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
/** The worker entries, with the language each keeps. */
const ENTRIES: [RegExp, "en" | "zh-TW"][] = [
  [/[\\/]src[\\/]playground[\\/]parse-worker-en\.ts$/, "en"],
  [/[\\/]src[\\/]playground[\\/]parse-worker-zh\.ts$/, "zh-TW"],
];
/** The note code whose other-language halves are dropped. */
const NOTE_CODE = /[\\/]src[\\/]core[\\/]render[\\/][^\\/]+\.ts$/;
/** Nodes that may change state: an English half holding one is kept. */
const IMPURE =
  /^(CallExpression|NewExpression|UpdateExpression|AssignmentExpression|AwaitExpression|YieldExpression|TaggedTemplateExpression|ImportExpression)$/;

/** The small part of an ESTree node this plugin reads. */
interface Node {
  type: string;
  start: number;
  end: number;
  value?: unknown;
  computed?: boolean;
  quasis?: { value: { raw: string } }[];
  [key: string]: unknown;
}

/** Whether `value` is an ESTree node. */
const isNode = (value: unknown): value is Node =>
  !!value && typeof value === "object" && typeof (value as Node).type === "string";

/** Calls `visit` on each node under `node` with its parent and key; `visit` returns false to skip a subtree. */
function walk(node: unknown, visit: (n: Node, parent: Node | undefined, key: string) => boolean): void {
  const go = (value: unknown, parent: Node | undefined, key: string): void => {
    if (Array.isArray(value)) for (const child of value) go(child, parent, key);
    else if (isNode(value) && visit(value, parent, key))
      for (const [k, child] of Object.entries(value)) if (k !== "parent") go(child, value, k);
  };
  go(node, undefined, "");
}

/** The `[start, end)` ranges of `program`'s string and template literals written in CJK (outermost only). */
export function cjkLiteralRanges(program: unknown): [number, number][] {
  const ranges: [number, number][] = [];
  walk(program, (n, parent, key) => {
    // A key, an import's source or a type is not a runtime string: left alone.
    const inert =
      (parent?.type === "Property" && key === "key" && !parent.computed) ||
      parent?.type === "TaggedTemplateExpression" ||
      parent?.type === "TSLiteralType" ||
      key === "source";
    const chinese =
      (n.type === "Literal" && typeof n.value === "string" && CJK.test(n.value)) ||
      // A template is Chinese when its own text is; an English one keeps its Chinese parts' slots, emptied.
      (n.type === "TemplateLiteral" && !!n.quasis?.some((q) => CJK.test(q.value.raw)));
    if (inert || !chinese) return true;
    ranges.push([n.start, n.end]);
    return false;
  });
  return ranges;
}

/**
 * The `[start, end)` ranges of the English halves in `program` (parsed from `code`): the first of a
 * two-element array whose second is Chinese, the `en` of a record that has `zh-TW` or `zh`, each only
 * when it is a string or template literal that changes no state.
 */
export function englishHalfRanges(program: unknown, code: string): [number, number][] {
  const chinese = (n: Node) => CJK.test(code.slice(n.start, n.end));
  let pure = true;
  const isPure = (n: Node) => {
    pure = true;
    walk(n, (m) => {
      if (IMPURE.test(m.type)) pure = false;
      return pure;
    });
    return pure;
  };
  const english = (n: unknown): n is Node =>
    isNode(n) &&
    ((n.type === "Literal" && typeof n.value === "string") || n.type === "TemplateLiteral") &&
    !chinese(n) &&
    isPure(n);
  const keyOf = (p: Node) => {
    const key = p.key as Node | undefined;
    return p.type === "Property" && !p.computed ? (key?.name ?? key?.value) : undefined;
  };
  const ranges: [number, number][] = [];
  walk(program, (n) => {
    const elements = n.type === "ArrayExpression" ? (n.elements as unknown[]) : [];
    const [first, second] = elements;
    if (elements.length === 2 && isNode(second) && chinese(second) && english(first))
      ranges.push([first.start, first.end]);
    if (n.type === "ObjectExpression") {
      const properties = n.properties as Node[];
      const keys = properties.map(keyOf);
      if (keys.includes("en") && (keys.includes("zh-TW") || keys.includes("zh")))
        for (const p of properties)
          if (keyOf(p) === "en" && english(p.value)) ranges.push([p.value.start, p.value.end]);
    }
    return true;
  });
  return ranges;
}

/** `code` with each range replaced by `""` (ranges do not overlap). */
export function emptyRanges(code: string, ranges: readonly [number, number][]): string {
  let out = "";
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    out += `${code.slice(at, start)}""`;
    at = end;
  }
  return out + code.slice(at);
}

/** The plugin; give it to `vite.worker.plugins` (a fresh one per worker bundle, as Vite asks). */
export function dropOtherLanguageNotes(): Plugin {
  let keep: "en" | "zh-TW" | undefined;
  return {
    name: "packetwalk:drop-other-language-notes",
    buildStart(options) {
      const input = options.input;
      const entries =
        typeof input === "string" ? [input] : Array.isArray(input) ? input : Object.values(input ?? {});
      keep = ENTRIES.find(([entry]) => entries.some((e) => entry.test(e)))?.[1];
    },
    transform(code, id) {
      if (!keep || !NOTE_CODE.test(id.split("?")[0] ?? id) || !CJK.test(code)) return null;
      const program = this.parse(code, { lang: "ts" });
      const ranges = keep === "en" ? cjkLiteralRanges(program) : englishHalfRanges(program, code);
      return ranges.length ? { code: emptyRanges(code, ranges), map: null } : null;
    },
  };
}
