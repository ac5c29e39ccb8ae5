/**
 * The rule listing of one step: the rules of the chain a packet ran through
 * at a hook, and of the user chains they jump to, each with a plain-language
 * note, and the rules that matched when the trace says so (TRACE traces give
 * them exactly, simulated traces carry the simulator's), never guessed. An
 * nftables ruleset is listed per base chain ({@link toNftListing}).
 */

import { splitHookId } from "../model/hook.ts";
import type { RuleVerdict, TraceEvent } from "../model/packet.ts";
import type { Rule, Ruleset } from "../simulate/ruleset.ts";
import { describeIpset } from "./describe-ipset.ts";
import { explainRule, type RuleNote } from "./explain-rule.ts";
import { notEnteredWords } from "./not-entered-words.ts";
import { reachableChains } from "./reachable-chains.ts";
import { type NftStepListing, toNftListing } from "./to-nft-listing.ts";
import { unenteredChains } from "./unentered-chains.ts";

/** One rule line of a listed chain. */
export interface ListedRule {
  /** 1-based position in its chain. */
  index: number;
  /** 1-based line in the ruleset file. */
  line: number;
  /** As written in the ruleset, e.g. `-A FORWARD -j DOCKER-USER`. */
  text: string;
  note: RuleNote;
  /** The verdict when the trace says this rule matched (`ACCEPT`, `JUMP:DOCKER-USER`, ...). */
  matched?: string;
  /** Who said so: the kernel (TRACE) or packetwalk's simulator (LOG and simulated traces). */
  matchedBy?: "kernel" | "simulator";
}

/** One chain of the listing. */
export interface ListedChain {
  /** `filter` */
  table: string;
  /** `FORWARD`, or a user chain such as `DOCKER-USER`. */
  chain: string;
  /** Built-in chains' policy. */
  policy?: string;
  /** Set when the chain's policy decided (TRACE: `policy:ACCEPT`). */
  policyApplied?: string;
  /** Set on a user chain the packet never entered ({@link unenteredChains}): listings fold it under these words. */
  notEntered?: { en: string; "zh-TW": string };
  rules: ListedRule[];
}

/** The listing of one step. */
export interface StepListing {
  chains: ListedChain[];
  /** Whether matched rules are known for this step (TRACE or simulated); false for LOG traces. */
  verdictsKnown: boolean;
  /** Set for an nftables ruleset: its base chains at this step (then `chains` is empty). */
  nft?: NftStepListing;
  /**
   * Rules the trace says matched at this step that the listed chains do not have (as the trace
   * prints them): the ruleset is not the one the trace was recorded with. Unset when none.
   */
  unlisted?: string[];
}

// TRACE prints rules as `-4 -t filter -A CHAIN ...`; the ruleset has `-A CHAIN ...`.
function normalizeRuleText(text: string): string {
  return text
    .replace(/^-[46]\s+/, "")
    .replace(/^-t\s+\S+\s+/, "")
    .replace(/\s+/g, " ")
    .trim();
}

function isInsertedLogRule(text: string): boolean {
  return /-j (LOG|TRACE)\b/.test(text) && /--comment "?pw-/.test(text);
}

/** `note` with what the ipsets the rule looks packets up in hold (the file's `ipset save`), when it has them. */
function withSets(note: RuleNote, text: string, ruleset: Ruleset): RuleNote {
  const names = [...text.matchAll(/--match-set\s+(\S+)/g)].map((m) => m[1] as string);
  const sets = names.flatMap((n) => ruleset.ipsets?.get(n) ?? []);
  if (sets.length === 0) return note;
  const said = sets.map(describeIpset);
  return {
    ...note,
    en: `${note.en}; ${said.map((d) => d.en).join("; ")}`,
    "zh-TW": `${note["zh-TW"]}；${said.map((d) => d.zh).join("；")}`,
  };
}

/** Builds the listing of the chain at `event.hook` from `ruleset`; empty when the ruleset has no such table. */
export function toListing(event: TraceEvent, ruleset: Ruleset): StepListing {
  const parts = splitHookId(event.hook);
  const family =
    parts?.family === "bridge"
      ? ruleset.bridge
      : parts?.family === "ip"
        ? ruleset.ip
        : parts?.family === "ip6"
          ? ruleset.ip6
          : undefined;
  const table = parts && family?.tables.get(parts.table);
  // A file with iptables-save and the host's own nft tables: a step at an iptables table nft does not
  // also list (iptables-nft's own tables are in `nft list ruleset` too) lists the iptables chain.
  const inNft = ruleset.nft?.some(
    (t) =>
      t.name === parts?.table &&
      (t.family === parts.family ||
        (t.family === "inet" && (parts.family === "ip" || parts.family === "ip6"))),
  );
  if (ruleset.nft && (!table || inNft)) {
    const nft = toNftListing(event, ruleset);
    return { chains: [], verdictsKnown: nft.verdictsKnown, nft };
  }
  const matchedTexts = new Map<string, string>();
  const policies = new Map<string, string>();
  // Legacy TRACE lines give `chain:kind:N`, N counting the chain's rules (1-based), its policy one past them.
  const numbered = new Map<string, RuleVerdict["kind"]>();
  for (const v of event.verdicts ?? []) {
    if (event.source === "trace") numbered.set(`${v.chain} ${v.rule}`, v.kind);
    if (v.kind === "policy" && v.verdict) policies.set(v.chain, v.verdict);
    if (v.kind === "rule" && v.text && v.verdict && !isInsertedLogRule(v.text)) {
      matchedTexts.set(normalizeRuleText(v.text), v.verdict);
    }
  }
  const simulated = new Map<number, string>();
  for (const m of event.matched ?? []) {
    // Line 0 is a chain policy, or a rule the simulator inserted (the lab's LOG rules): only the policy is listed.
    if (m.ruleLine > 0) simulated.set(m.ruleLine, m.verdict);
    else if (m.text.startsWith("policy")) policies.set(m.chain, m.verdict);
  }
  const verdictsKnown = (event.verdicts?.length ?? 0) > 0 || (event.matched?.length ?? 0) > 0;
  if (!parts || !table) return { chains: [], verdictsKnown };

  // iptables and ebtables rules lead on only by their own jump or goto.
  const leadsTo = (rule: Rule) =>
    rule.target.kind === "jump" || rule.target.kind === "goto" ? [rule.target.chain] : [];
  const used = new Set<string>();
  const chains = reachableChains(table, parts.chain, leadsTo).map((def) => {
    const listed: ListedChain = { table: parts.table, chain: def.name, rules: [] };
    if (def.policy) listed.policy = def.policy;
    const applied =
      policies.get(def.name) ??
      (numbered.get(`${def.name} ${def.rules.length + 1}`) === "policy" ? def.policy : undefined);
    if (applied) listed.policyApplied = applied;
    for (const rule of def.rules) {
      const item: ListedRule = {
        index: rule.index,
        line: rule.line,
        text: rule.text,
        note: withSets(explainRule(rule.text), rule.text, ruleset),
      };
      // Legacy TRACE: the verdict xtables-monitor would print (a NAT target accepts, REJECT drops, an
      // unmodelled target that may end the walk shows its name). The kernel says `policy`/`return` at
      // a rule for an unconditional ACCEPT, DROP or RETURN.
      const t = rule.target;
      const kind = numbered.get(`${def.name} ${rule.index}`);
      const verdict =
        "chain" in t
          ? `${t.kind.toUpperCase()}:${t.chain}`
          : /^(ACCEPT|DROP|RETURN)$/.test(t.kind)
            ? t.kind
            : /^REJ/.test(t.kind)
              ? "DROP"
              : /NAT|MASQ|REDIR/.test(t.kind)
                ? "ACCEPT"
                : t.kind === "unknown" && !t.continues
                  ? t.name
                  : "CONTINUE";
      const key = normalizeRuleText(rule.text);
      if (matchedTexts.has(key)) used.add(key);
      const byKernel =
        matchedTexts.get(key) ?? (kind === "rule" || (kind && verdict === t.kind) ? verdict : undefined);
      const bySimulator = simulated.get(rule.line);
      if (byKernel) {
        item.matched = byKernel;
        item.matchedBy = "kernel";
      } else if (bySimulator) {
        item.matched = bySimulator;
        item.matchedBy = "simulator";
      }
      listed.rules.push(item);
    }
    return listed;
  });
  const unentered = unenteredChains(chains);
  for (const c of chains) if (unentered.has(c.chain)) c.notEntered = notEnteredWords(c.rules.length);
  // A TRACE rule is the tracing's own switch, often added for the capture and gone from a later save.
  const unlisted = [...matchedTexts.keys()].filter((k) => !used.has(k) && !/-j TRACE\b/.test(k));
  // Legacy TRACE names a rule by its number: one past the listed chain's rules (or in no listed chain) is not there.
  for (const [k, kind] of numbered) {
    const [chain = "", n = ""] = k.split(" ");
    const listed = chains.find((c) => c.chain === chain);
    if (kind === "rule" && (!listed || Number(n) > listed.rules.length)) unlisted.push(`${chain} rule ${n}`);
  }
  return { chains, verdictsKnown, ...(unlisted.length ? { unlisted } : {}) };
}
