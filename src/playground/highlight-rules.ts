/**
 * Colours the playground's listed rules as the lesson pages colour theirs: Shiki with
 * packetwalk's own grammars and the same two high-contrast themes (light colours inline, dark
 * ones in `--shiki-dark`, which the site's stylesheet switches to). Shiki, its JavaScript regex
 * engine (no WebAssembly to fetch), the themes and each grammar are imported on first use only,
 * so a page without a ruleset never loads them. Text goes in as tokens' `textContent`.
 */
import type { HighlighterCore, LanguageRegistration } from "shiki/core";
import { keepPieces } from "./keep-pieces.ts";

/** The languages a listing is in: iptables/ebtables rule text, or nftables rule text. */
export type RuleLanguage = "iptables" | "nft";

/** Each language's grammar, loaded on first use; a language without one is listed uncoloured. */
const GRAMMARS: Partial<Record<RuleLanguage, () => Promise<LanguageRegistration>>> = {
  iptables: () => import("../core/highlight/iptables-language.ts").then((m) => m.iptablesLanguage),
  nft: () => import("../core/highlight/nft-language.ts").then((m) => m.nftLanguage),
};

const THEMES = { light: "github-light-high-contrast", dark: "github-dark-high-contrast" } as const;

let highlighter: Promise<HighlighterCore> | undefined;
const loaded = new Map<RuleLanguage, Promise<string | undefined>>();

/** Whether Shiki has been asked for yet (by a first listing with rules). */
export function shikiRequested(): boolean {
  return highlighter !== undefined;
}

/** Whether rules in `lang` can be coloured. */
export function canHighlight(lang: RuleLanguage): boolean {
  return GRAMMARS[lang] !== undefined;
}

async function load(): Promise<HighlighterCore> {
  const [{ createHighlighterCore }, { createJavaScriptRegexEngine }, light, dark] = await Promise.all([
    import("shiki/core"),
    import("shiki/engine/javascript"),
    import("shiki/themes/github-light-high-contrast.mjs"),
    import("shiki/themes/github-dark-high-contrast.mjs"),
  ]);
  return createHighlighterCore({
    themes: [light.default, dark.default],
    langs: [],
    engine: createJavaScriptRegexEngine(),
  });
}

/** The Shiki language name of `lang`, its grammar loaded; undefined when it has none. */
function language(h: HighlighterCore, lang: RuleLanguage): Promise<string | undefined> {
  let name = loaded.get(lang);
  if (!name) {
    const grammar = GRAMMARS[lang];
    name = grammar
      ? grammar().then(async (g) => {
          await h.loadLanguage(g);
          return g.name;
        })
      : Promise.resolve(undefined);
    loaded.set(lang, name);
  }
  return name;
}

/**
 * Colours each of `codes` (elements whose text is one rule) in `lang`, in place; leaves them as
 * they are when the language has no grammar. Resolves once done.
 */
export async function highlightRules(codes: readonly HTMLElement[], lang: RuleLanguage): Promise<void> {
  if (codes.length === 0 || !canHighlight(lang)) return;
  highlighter ??= load();
  const h = await highlighter;
  const name = await language(h, lang);
  if (!name) return;
  for (const code of codes) {
    const text = code.textContent ?? "";
    const { tokens } = h.codeToTokens(text, { lang: name, themes: THEMES });
    const spans = (tokens[0] ?? []).map((t) => {
      const span = document.createElement("span");
      // Words with a hyphen are kept whole, as on the lesson pages: no line breaks `-j` after its `-`.
      span.append(...keepPieces(t.content));
      for (const [k, v] of Object.entries(t.htmlStyle ?? {})) span.style.setProperty(k, v);
      return span;
    });
    // A rule is one line; anything else (never seen) keeps its plain text.
    if (tokens.length !== 1 || spans.map((s) => s.textContent).join("") !== text) continue;
    code.replaceChildren(...spans);
    code.classList.add("shiki");
  }
}
