/**
 * The rule listing of one step for any ruleset the simulator reads: iptables and ebtables chains
 * as the lesson pages list them ({@link toListing}), and nftables chains (`nft list ruleset`) the
 * same way: the base chain the hook id names, then the chains its rules jump to (verdict maps
 * included), each rule with a short note from its parsed verdict and the rules that matched, from
 * the kernel's trace or the simulator's `matched`, never guessed.
 */
import { splitHookId } from "../model/hook.ts";
import type { TraceEvent } from "../model/packet.ts";
import type { RuleNote } from "../render/explain-rule.ts";
import { type ListedChain, type StepListing, toListing } from "../render/to-listing.ts";
import type { ChainDef, Rule, Ruleset, TableDef, Target } from "../simulate/ruleset.ts";
import { chainOf } from "./log-step-matches.ts";

// nft monitor trace prints a rule without its counter's numbers and handle; the listing may have them.
function normalizeNft(text: string): string {
  return text
    .replace(/\s+#\s*handle\s+\d+\s*$/, "")
    .replace(/\bcounter(\s+packets\s+\d+\s+bytes\s+\d+)?/g, "counter")
    .replace(/\s+/g, " ")
    .trim();
}

function note(en: string, zh: string): RuleNote {
  return { en, "zh-TW": zh, unknown: [] };
}

/** A note from what an nftables rule does (its verdict and statements), in both languages. */
export function nftRuleNote(rule: Rule): RuleNote {
  const t: Target = rule.target;
  const acts = (rule.effects ?? []).map((e) => e.kind);
  switch (t.kind) {
    case "ACCEPT":
      return note(
        "if it matches: accept (the packet leaves this base chain)",
        "符合時：接受(封包離開此 base chain)",
      );
    case "DROP":
      return note("if it matches: drop the packet", "符合時：丟棄封包");
    case "REJECT":
      return note("if it matches: reject the packet (an error goes back)", "符合時：拒絕封包(回送錯誤)");
    case "RETURN":
      return note("if it matches: return to the calling chain", "符合時：回到呼叫它的 chain");
    case "jump":
      return note(
        `if it matches: continue in ${t.chain}, then come back`,
        `符合時：跳到 ${t.chain},結束後回來`,
      );
    case "goto":
      return note(`if it matches: go to ${t.chain} for good`, `符合時：轉到 ${t.chain},不再回來`);
    case "vmap":
      return note(
        `look ${t.key} up in the verdict map${t.map ? ` ${t.map}` : ""}: its element decides`,
        `以 ${t.key} 查 verdict map${t.map ? ` ${t.map}` : ""}:由對應的元素決定`,
      );
    case "DNAT":
      return note(
        `if it matches: rewrite the destination to ${t.addr ?? ""}`.trim(),
        `符合時：把目的改寫為 ${t.addr ?? ""}`.trim(),
      );
    case "SNAT":
      return note(
        `if it matches: rewrite the source to ${t.addr ?? ""}`.trim(),
        `符合時：把來源改寫為 ${t.addr ?? ""}`.trim(),
      );
    case "MASQUERADE":
      return note(
        "if it matches: rewrite the source to the outgoing interface's address",
        "符合時：把來源改寫為出口介面的位址",
      );
    default:
      if (acts.includes("LOG") || t.kind === "LOG")
        return note("if it matches: log the packet and go on", "符合時：記錄封包後繼續");
      if (acts.includes("TRACE") || t.kind === "TRACE")
        return note("if it matches: trace the packet and go on", "符合時：開啟追蹤後繼續");
      if (acts.includes("MARK") || t.kind === "MARK")
        return note("if it matches: set the mark and go on", "符合時：設定 mark 後繼續");
      return note("if it matches: count it and go on", "符合時：計數後繼續");
  }
}

/** Chains a rule may continue in: its jump or goto, or the jumps of its verdict map. */
function jumpsOf(rule: Rule, table: TableDef): string[] {
  const t = rule.target;
  if (t.kind === "jump" || t.kind === "goto") return [t.chain];
  if (t.kind !== "vmap") return [];
  const elements = t.elements ?? table.sets?.get(t.map ?? "")?.verdicts ?? [];
  return elements.flatMap((e) =>
    e.verdict.kind === "jump" || e.verdict.kind === "goto" ? [e.verdict.chain] : [],
  );
}

function nftListing(event: TraceEvent, table: TableDef, base: ChainDef): StepListing {
  const byKernel = new Map<string, string>();
  const policies = new Map<string, string>();
  for (const v of event.verdicts ?? []) {
    if (v.kind === "policy" && v.verdict) policies.set(v.chain, v.verdict);
    if (v.kind === "rule" && v.text && v.verdict)
      byKernel.set(`${v.chain}\n${normalizeNft(v.text)}`, v.verdict);
  }
  const bySimulator = new Map<number, string>();
  for (const m of event.matched ?? []) {
    if (m.ruleLine > 0) bySimulator.set(m.ruleLine, m.verdict);
    else if (m.text.startsWith("policy")) policies.set(m.chain, m.verdict);
  }
  const verdictsKnown = (event.verdicts?.length ?? 0) > 0 || (event.matched?.length ?? 0) > 0;
  const chains: ListedChain[] = [];
  const seen = new Set<string>();
  const visit = (chain: ChainDef) => {
    if (seen.has(chain.name)) return;
    seen.add(chain.name);
    const listed: ListedChain = {
      table: `${table.family ?? ""} ${table.name}`.trim(),
      chain: chain.name,
      rules: [],
    };
    if (chain.policy) listed.policy = chain.policy.toUpperCase();
    const applied = policies.get(chain.name);
    if (applied) listed.policyApplied = applied;
    chains.push(listed);
    const next: string[] = [];
    for (const rule of chain.rules) {
      const item: ListedChain["rules"][number] = {
        index: rule.index,
        line: rule.line,
        text: rule.text,
        note: nftRuleNote(rule),
      };
      const kernel = byKernel.get(`${chain.name}\n${normalizeNft(rule.text)}`);
      const simulator = bySimulator.get(rule.line);
      if (kernel) Object.assign(item, { matched: kernel, matchedBy: "kernel" });
      else if (simulator) Object.assign(item, { matched: simulator, matchedBy: "simulator" });
      listed.rules.push(item);
      next.push(...jumpsOf(rule, table));
    }
    for (const name of next) {
      const c = table.chains.get(name);
      if (c) visit(c);
    }
  };
  visit(base);
  return { chains, verdictsKnown };
}

/**
 * The listing of the chain at `event.hook`: {@link toListing} for iptables and ebtables tables, the
 * nftables base chain of that name (and what it jumps to) for an `nft list ruleset`.
 */
export function listStep(event: TraceEvent, ruleset: Ruleset): StepListing {
  const found = chainOf(ruleset, event.hook);
  if (!found?.nft || !splitHookId(event.hook)) return toListing(event, ruleset);
  return nftListing(event, found.table, found.chain);
}
