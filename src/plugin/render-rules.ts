/**
 * HTML of one step's rule listing: every rule of the chain (and of the user
 * chains it jumps to) highlighted by Shiki with packetwalk's iptables grammar,
 * a plain-language note each, and the rule that matched marked with its verdict.
 * For an nftables ruleset: every base chain crossed at the step (nft grammar),
 * with its table, family, priority and verdict, and which one decided.
 */
import { type BundledLanguage, createHighlighter, type Highlighter } from "shiki";
import { iptablesLanguage } from "../core/highlight/iptables-language.ts";
import { nftLanguage } from "../core/highlight/nft-language.ts";
import { matchedVerdict } from "../core/render/matched-verdict.ts";
import {
  baseChainClause,
  baseChainName,
  baseChainPlace,
  packetDecision,
  stepVerdicts,
} from "../core/render/nft-listing-words.ts";
import type { PathStep } from "../core/render/plan-path.ts";
import { stepChainName, stepLoggingChain } from "../core/render/step-chain-name.ts";
import { type ListedChain, type StepListing, toListing } from "../core/render/to-listing.ts";
import type { ListedBaseChain, NftStepListing } from "../core/render/to-nft-listing.ts";
import { parseRulesetFile } from "../core/simulate/parse-ruleset-file.ts";
import type { Ruleset } from "../core/simulate/ruleset.ts";
import type { FigureStrings } from "./figure-strings.ts";
import { escapeHtml, keepWordsHtml } from "./html.ts";
import type { StoredTrace } from "./trace-store.ts";

const KEY = Symbol.for("packetwalk.highlighter");
const slot = globalThis as { [KEY]?: Promise<Highlighter> };
const lineCache = new Map<string, string>();
const rulesetCache = new Map<string, Ruleset>();

function highlighter(): Promise<Highlighter> {
  slot[KEY] ??= createHighlighter({
    themes: ["github-light-high-contrast", "github-dark-high-contrast"],
    langs: [iptablesLanguage, nftLanguage],
  });
  return slot[KEY];
}

// One line of rule text as Shiki's spans (both themes through CSS variables), without the pre/code
// wrapper; the words with a hyphen kept whole, so a phone's line does not break `-j` after its `-`.
function highlightLine(h: Highlighter, text: string, lang: "iptables" | "nft" = "iptables"): string {
  const key = `${lang}\n${text}`;
  const cached = lineCache.get(key);
  if (cached !== undefined) return cached;
  const { tokens } = h.codeToTokens(text, {
    // packetwalk's own grammars, loaded with the highlighter: Shiki's type knows only its bundled names.
    lang: lang as string as BundledLanguage,
    themes: { light: "github-light-high-contrast", dark: "github-dark-high-contrast" },
  });
  const line = tokens.length === 1 ? (tokens[0] ?? []) : [];
  const spans = line.map((t) => {
    const style = Object.entries(t.htmlStyle ?? {})
      .map(([k, v]) => `${k}:${v}`)
      .join(";");
    return `<span style="${escapeHtml(style)}">${keepWordsHtml(t.content)}</span>`;
  });
  // A rule is one line; anything else (never seen) keeps its plain text.
  const html = line.map((t) => t.content).join("") === text ? spans.join("") : keepWordsHtml(text);
  lineCache.set(key, html);
  return html;
}

function rulesetOf(trace: StoredTrace): Ruleset | undefined {
  if (trace.ruleset === undefined) return undefined;
  // Keyed by the lab's folder (the trace's name), never by lab.json's `name`, which a copied lab may share.
  const folder = trace.name.slice(0, trace.name.lastIndexOf("/"));
  const key = `${folder}/rulesets/${trace.meta.ruleset}`;
  let parsed = rulesetCache.get(key);
  if (!parsed) {
    parsed = parseRulesetFile(trace.ruleset, `traces/${key}.rules`);
    rulesetCache.set(key, parsed);
  }
  return parsed;
}

/** Who said a rule matched, as the badge reads (a NAT rule's kernel verdict with the NAT it chose). */
function verdictBadge(
  verdict: string,
  by: "kernel" | "simulator" | undefined,
  s: FigureStrings,
  ruleText = "",
): string {
  const who = by === "simulator" ? s.predicted : s.matched;
  const said = by === "simulator" ? verdict : matchedVerdict(ruleText, verdict);
  return ` <span class="pw-verdict pw-verdict-${by ?? "kernel"}">${escapeHtml(`${who}: ${said}`)}</span>`;
}

function ruleList(
  h: Highlighter,
  chain: ListedChain,
  s: FigureStrings,
  noteLang: "en" | "zh-TW",
  lang: "iptables" | "nft",
): string {
  const rules = chain.rules.map((r) => {
    const verdict = r.matched ? verdictBadge(r.matched, r.matchedBy, s, r.text) : "";
    return `<li class="pw-rule${r.matched ? " pw-matched" : ""}" value="${r.index}"><code class="shiki pw-rule-text">${highlightLine(h, r.text, lang)}</code>${verdict}<span class="pw-note">${keepWordsHtml(r.note[noteLang])}</span></li>`;
  });
  return rules.length ? `<ol class="pw-rule-list">${rules.join("")}</ol>` : "";
}

function iptablesChains(
  h: Highlighter,
  listing: StepListing,
  s: FigureStrings,
  noteLang: "en" | "zh-TW",
): string[] {
  return listing.chains.map((chain) => {
    const name = `<code>${escapeHtml(`${chain.table} ${chain.chain}`)}</code>`;
    const rules = ruleList(h, chain, s, noteLang, "iptables");
    // A chain the packet never jumped to is folded: its rules are there, but not in the packet's way.
    if (chain.notEntered) {
      const note = ` <span class="pw-policy">${escapeHtml(chain.notEntered[noteLang])}</span>`;
      return chain.rules.length
        ? `<details class="pw-chain-unentered"><summary class="pw-chain-name">${name}${note}</summary>${rules}</details>`
        : `<p class="pw-chain-name pw-chain-unentered">${name}${note}</p>`;
    }
    const head = `<p class="pw-chain-name">${name}${
      chain.policy ? ` <span class="pw-policy">${escapeHtml(`${s.policy} ${chain.policy}`)}</span>` : ""
    }${chain.policyApplied ? ` <span class="pw-verdict">${escapeHtml(`${s.policy}: ${chain.policyApplied}`)}</span>` : ""}</p>`;
    return `${head}${rules}`;
  });
}

function nftBaseChain(
  h: Highlighter,
  b: ListedBaseChain,
  s: FigureStrings,
  noteLang: "en" | "zh-TW",
): string {
  const verdict = b.verdict
    ? verdictBadge(`${b.verdict.verdict}${b.verdict.policy ? ` (${s.policy})` : ""}`, b.verdict.by, s)
    : "";
  // A chain that did not run says why under its name; one that ran has its verdict in the step's sentence.
  const why = b.status === "ran" ? undefined : baseChainClause(b, noteLang);
  const head = [
    `<p class="pw-chain-name pw-base-chain-name"><code>${escapeHtml(baseChainName(b))}</code>${verdict}`,
    ` <span class="pw-policy">${escapeHtml(baseChainPlace(b, noteLang))}</span></p>`,
    why ? `<p class="pw-base-verdict">${keepWordsHtml(why)}</p>` : "",
  ].join("");
  if (b.status !== "ran") return `<div class="pw-base-chain pw-base-${b.status}">${head}</div>`;
  const chains = b.chains.map((chain, i) => {
    const decl =
      i === 0
        ? `<p class="pw-chain-decl"><code class="shiki pw-rule-text">${highlightLine(h, b.declaration, "nft")}</code></p>`
        : `<p class="pw-chain-name pw-regular-chain"><code class="shiki pw-rule-text">${highlightLine(h, `chain ${chain.chain}`, "nft")}</code></p>`;
    return `${decl}${ruleList(h, chain, s, noteLang, "nft")}`;
  });
  return `<div class="pw-base-chain pw-base-ran">${head}${chains.join("")}</div>`;
}

function nftChains(
  h: Highlighter,
  nft: NftStepListing,
  s: FigureStrings,
  noteLang: "en" | "zh-TW",
  stepName: string,
  byLoggingChain: boolean,
): string[] {
  const out: string[] = [];
  if (nft.instrumentation || byLoggingChain)
    out.push(
      `<p class="pw-note">${keepWordsHtml(s.nftInstrumentation(stepName, nft.baseChains.length > 0))}</p>`,
    );
  const verdicts = stepVerdicts(nft.baseChains, noteLang);
  if (verdicts) out.push(`<p class="pw-step-verdicts">${keepWordsHtml(verdicts)}</p>`);
  out.push(...nft.baseChains.map((b) => nftBaseChain(h, b, s, noteLang)));
  return out;
}

/** HTML of the rules of the chain `step` ran through (every base chain, for nftables); empty when the lab has no ruleset. */
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
  if (listing.nft) {
    // The note names the step's chain as its heading does.
    const body = nftChains(
      h,
      listing.nft,
      s,
      noteLang,
      stepChainName(step.event, trace.chains),
      stepLoggingChain(step.event, trace.chains) !== undefined,
    );
    if (listing.nft.baseChains.length === 0)
      return `<div class="pw-rules pw-nft-rules">${body.join("") || `<p class="pw-note">${escapeHtml(s.noRules)}</p>`}</div>`;
    return `<details class="pw-rules pw-nft-rules"${listing.verdictsKnown ? " open" : ""}><summary>${escapeHtml(s.nftRules)}</summary>${body.join("")}</details>`;
  }
  const chains = iptablesChains(h, listing, s, noteLang);
  if (chains.length === 0)
    return `<div class="pw-rules"><p class="pw-note">${escapeHtml(s.noRules)}</p></div>`;
  return `<details class="pw-rules"${listing.verdictsKnown ? " open" : ""}><summary>${escapeHtml(s.rules)}</summary>${chains.join("")}</details>`;
}

/**
 * HTML of the sentence saying which base chain decided a packet (nftables rulesets, when the trace or
 * the simulator gives verdicts); empty otherwise.
 */
export function renderDecision(trace: StoredTrace, steps: readonly PathStep[], locale: string): string {
  const ruleset = rulesetOf(trace);
  if (!ruleset?.nft) return "";
  const lang = locale === "zh-tw" ? "zh-TW" : "en";
  const listed = steps.map((step) => ({
    n: step.n,
    chains: toListing(step.event, ruleset).nft?.baseChains ?? [],
  }));
  const sentence = packetDecision(listed, lang);
  return sentence ? `<p class="pw-decision">${keepWordsHtml(sentence)}</p>` : "";
}
