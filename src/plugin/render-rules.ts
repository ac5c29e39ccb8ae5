/**
 * HTML of one step's rule listing: every rule of the chain (and of the user
 * chains it jumps to) highlighted by Shiki with packetwalk's iptables grammar,
 * a plain-language note each, and the rule that matched marked with its verdict.
 */
import { createHighlighter, type Highlighter } from "shiki";
import { iptablesLanguage } from "../core/highlight/iptables-language.ts";
import type { PathStep } from "../core/render/plan-path.ts";
import { toListing } from "../core/render/to-listing.ts";
import { parseRulesetFile } from "../core/simulate/parse-ruleset-file.ts";
import type { Ruleset } from "../core/simulate/ruleset.ts";
import type { FigureStrings } from "./figure-strings.ts";
import { escapeHtml } from "./html.ts";
import type { StoredTrace } from "./trace-store.ts";

const KEY = Symbol.for("packetwalk.highlighter");
const slot = globalThis as { [KEY]?: Promise<Highlighter> };
const lineCache = new Map<string, string>();
const rulesetCache = new Map<string, Ruleset>();

function highlighter(): Promise<Highlighter> {
  slot[KEY] ??= createHighlighter({
    themes: ["github-light-high-contrast", "github-dark-high-contrast"],
    langs: [iptablesLanguage],
  });
  return slot[KEY];
}

// One line of rule text as Shiki's spans (both themes through CSS variables), without the pre/code wrapper.
function highlightLine(h: Highlighter, text: string): string {
  const cached = lineCache.get(text);
  if (cached !== undefined) return cached;
  const html = h.codeToHtml(text, {
    lang: "iptables",
    themes: { light: "github-light-high-contrast", dark: "github-dark-high-contrast" },
  });
  const inner = /<span class="line">([\s\S]*?)<\/span><\/code>/.exec(html)?.[1] ?? escapeHtml(text);
  lineCache.set(text, inner);
  return inner;
}

function rulesetOf(trace: StoredTrace): Ruleset | undefined {
  if (trace.ruleset === undefined) return undefined;
  const key = `${trace.lab.name}/${trace.meta.ruleset}`;
  let parsed = rulesetCache.get(key);
  if (!parsed) {
    parsed = parseRulesetFile(trace.ruleset, `traces/${key}.rules`);
    rulesetCache.set(key, parsed);
  }
  return parsed;
}

/** HTML of the rules of the chain `step` ran through; empty when the lab has no ruleset. */
export async function renderRules(
  trace: StoredTrace,
  step: PathStep,
  s: FigureStrings,
  locale: string,
): Promise<string> {
  const ruleset = rulesetOf(trace);
  if (!ruleset) return "";
  const h = await highlighter();
  const listing = toListing(step.event, ruleset);
  const noteLang = locale === "zh-tw" ? "zh-TW" : "en";
  const chains = listing.chains.map((chain) => {
    const head = `<p class="pw-chain-name"><code>${escapeHtml(`${chain.table} ${chain.chain}`)}</code>${
      chain.policy ? ` <span class="pw-policy">${escapeHtml(`${s.policy} ${chain.policy}`)}</span>` : ""
    }${chain.policyApplied ? ` <span class="pw-verdict">${escapeHtml(`${s.policy}: ${chain.policyApplied}`)}</span>` : ""}</p>`;
    const rules = chain.rules.map((r) => {
      const who = r.matchedBy === "simulator" ? s.predicted : s.matched;
      const verdict = r.matched
        ? ` <span class="pw-verdict pw-verdict-${r.matchedBy}">${escapeHtml(`${who}: ${r.matched}`)}</span>`
        : "";
      return `<li class="pw-rule${r.matched ? " pw-matched" : ""}" value="${r.index}"><code class="shiki pw-rule-text">${highlightLine(h, r.text)}</code>${verdict}<span class="pw-note">${escapeHtml(r.note[noteLang])}</span></li>`;
    });
    return `${head}${rules.length ? `<ol class="pw-rule-list">${rules.join("")}</ol>` : ""}`;
  });
  if (chains.length === 0)
    return `<div class="pw-rules"><p class="pw-note">${escapeHtml(s.noRules)}</p></div>`;
  return `<details class="pw-rules"${listing.verdictsKnown ? " open" : ""}><summary>${escapeHtml(s.rules)}</summary>${chains.join("")}</details>`;
}
