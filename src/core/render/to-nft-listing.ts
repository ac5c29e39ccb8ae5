/**
 * The rule listing of one step of a trace recorded against an nftables ruleset: every base chain of
 * the lab's ruleset the packet crossed there, in the order they ran (hook, then priority), each with
 * its table, family and priority, its rules and those of the regular chains it reaches (jump, goto,
 * verdict map), the rules that matched and the verdict it gave (from the kernel for TRACE, from the
 * simulator for LOG), and the base chains at that hook a final drop kept the packet from.
 */

import { splitHookId } from "../model/hook.ts";
import type { MatchedRule, RuleVerdict, TraceEvent } from "../model/packet.ts";
import { hookSlots } from "../simulate/hook-order.ts";
import type { ChainDef, Ruleset, TableDef } from "../simulate/ruleset.ts";
import { explainNftRule } from "./explain-nft-rule.ts";
import { reachableChains } from "./reachable-chains.ts";
import type { ListedChain, ListedRule } from "./to-listing.ts";

/** What a base chain decided. */
export interface BaseChainVerdict {
  /** As nft prints it: `accept`, `drop`, `reject`, or the NAT statement that accepted (`dnat`, `snat`, `masquerade`). */
  verdict: string;
  /** The chain whose rule or policy gave it (a regular chain when a jump led there). */
  chain: string;
  /** True when the base chain's policy gave it. */
  policy: boolean;
  /** A drop or reject ends the packet; an accept ends only its own base chain. */
  final: boolean;
  /** Who says so: the kernel (TRACE) or packetwalk's simulator (LOG). */
  by: "kernel" | "simulator";
}

/**
 * Whether the packet ran through a base chain: `ran`; `not-reached` (a final drop earlier at the same
 * hook ended the packet); `nat-skipped` (a nat chain, consulted only for a connection's first packet);
 * `not-run` (the step names it, but the simulator did not run it for this packet, for no reason above).
 */
export type BaseChainStatus = "ran" | "not-reached" | "nat-skipped" | "not-run";

/** One base chain of the listing. */
export interface ListedBaseChain {
  /** The table's nft family: `ip`, `inet`, `bridge`, ... */
  family: string;
  table: string;
  chain: string;
  /** `filter`, `nat`, `route`. */
  type: string;
  /** Lower-case nft hook name (`forward`). */
  hook: string;
  /** Numeric priority. */
  priority: number;
  /** The priority as written (`filter`, `-100`, `raw - 1`). */
  priorityText: string;
  /** `ACCEPT` or `DROP`. */
  policy: string;
  /** The chain's declaration as nft lists it: `type filter hook forward priority filter; policy accept;`. */
  declaration: string;
  status: BaseChainStatus;
  /** The base chain and every regular chain it reaches, each once, in the order they are reached. */
  chains: ListedChain[];
  /** Set when the trace (or the simulator) says what the chain decided. */
  verdict?: BaseChainVerdict;
}

/** The nftables listing of one step. */
export interface NftStepListing {
  /** The base chains, in the order they ran, followed by those the packet did not reach. */
  baseChains: ListedBaseChain[];
  /** Whether matched rules and verdicts are known (TRACE, or LOG the simulator agrees with). */
  verdictsKnown: boolean;
  /** Set when the step's own chain is not in the lab's ruleset: packetwalk's logging or tracing chain. */
  instrumentation?: { family: string; table: string; chain: string };
}

const HOOK_FAMILY: Record<string, string[]> = {
  ip: ["ip", "inet"],
  ip6: ["ip6", "inet"],
  bridge: ["bridge"],
};
const TERMINAL = /^(ACCEPT|DROP|REJECT|DNAT|SNAT|MASQUERADE)$/;

function findTable(ruleset: Ruleset, family: string, name: string): TableDef | undefined {
  const families = HOOK_FAMILY[family] ?? [family];
  return ruleset.nft?.find((t) => t.name === name && families.includes(t.family ?? ""));
}

// nft monitor trace prints a rule's counter values; the ruleset has the bare `counter`.
function normalize(text: string): string {
  return text
    .replace(/(^| )counter packets \d+ bytes \d+/g, "$1counter")
    .replace(/\s+/g, " ")
    .trim();
}

function declaration(def: ChainDef): string {
  const b = def.base;
  return b
    ? `type ${b.type} hook ${b.hook} priority ${b.priorityText}; policy ${(def.policy ?? "ACCEPT").toLowerCase()};`
    : "";
}

/** A matched-rule mark keyed by `chain\ntext`. */
type Marks = Map<string, { verdict: string; by: "kernel" | "simulator" }>;

function listChains(table: TableDef, base: string, marks: Marks, policyMark?: string): ListedChain[] {
  return reachableChains(table, base).map((def) => {
    const listed: ListedChain = { table: table.name, chain: def.name, rules: [] };
    if (def.policy) listed.policy = def.policy;
    if (def.name === base && policyMark) listed.policyApplied = policyMark;
    for (const rule of def.rules) {
      const item: ListedRule = {
        index: rule.index,
        line: rule.line,
        text: rule.text,
        note: explainNftRule(rule.text, table.sets),
      };
      const mark = marks.get(`${def.name}\n${normalize(rule.text)}`);
      if (mark) {
        item.matched = mark.verdict;
        item.matchedBy = mark.by;
      }
      listed.rules.push(item);
    }
    return listed;
  });
}

/** nft's word for a verdict: `ACCEPT` -> `accept`, `JUMP filter-X` -> `jump filter-X` (chain names as in the table). */
function nftVerdict(verdict: string, table: TableDef): string {
  const m = /^(JUMP|GOTO)[ :](.+)$/i.exec(verdict);
  if (m) {
    const target = m[2] as string;
    // Exact first (nft names are case-sensitive); a reader that upper-cased the target still finds its chain.
    const wanted = target.toLowerCase();
    const name = table.chains.has(target)
      ? target
      : ([...table.chains.keys()].find((c) => c.toLowerCase() === wanted) ?? target);
    return `${(m[1] as string).toLowerCase()} ${name}`;
  }
  return verdict.toLowerCase();
}

function kernelMarks(verdicts: readonly RuleVerdict[], table: TableDef): Marks {
  const marks: Marks = new Map();
  for (const v of verdicts)
    if (v.kind === "rule" && v.text && v.verdict)
      marks.set(`${v.chain}\n${normalize(v.text)}`, { verdict: nftVerdict(v.verdict, table), by: "kernel" });
  return marks;
}

function simulatorMarks(matched: readonly MatchedRule[], table: TableDef): Marks {
  const marks: Marks = new Map();
  for (const m of matched)
    if (!m.text.startsWith("policy ")) {
      const verdict = m.target ? `${m.verdict} ${m.target}` : m.verdict;
      marks.set(`${m.chain}\n${normalize(m.text)}`, { verdict: nftVerdict(verdict, table), by: "simulator" });
    }
  return marks;
}

/** The base chain's verdict from its last terminal step (a rule or the policy). */
function verdictOf(
  steps: readonly { chain: string; verdict: string; policy: boolean }[],
  by: "kernel" | "simulator",
): BaseChainVerdict | undefined {
  const last = [...steps].reverse().find((s) => TERMINAL.test(s.verdict));
  if (!last) return undefined;
  const verdict = last.verdict.toLowerCase();
  return {
    verdict,
    chain: last.chain,
    policy: last.policy,
    final: verdict === "drop" || verdict === "reject",
    by,
  };
}

function baseChain(
  table: TableDef,
  def: ChainDef,
  status: BaseChainStatus,
  marks: Marks = new Map(),
  verdict?: BaseChainVerdict,
): ListedBaseChain {
  const b = def.base;
  const listed: ListedBaseChain = {
    family: table.family ?? "",
    table: table.name,
    chain: def.name,
    type: b?.type ?? "",
    hook: b?.hook ?? "",
    priority: b?.priority ?? 0,
    priorityText: b?.priorityText ?? "",
    policy: def.policy ?? "ACCEPT",
    declaration: declaration(def),
    status,
    chains: listChains(
      table,
      def.name,
      marks,
      verdict?.policy && verdict.chain === def.name ? verdict.verdict.toUpperCase() : undefined,
    ),
  };
  if (verdict) listed.verdict = verdict;
  return listed;
}

/** The base chains of the lab's ruleset at `hook` that come after `after` and were not crossed. */
function notReached(
  ruleset: Ruleset,
  after: ListedBaseChain,
  family: "ip" | "ip6" | "bridge",
  crossed: ReadonlySet<string>,
): ListedBaseChain[] {
  const slots = hookSlots(ruleset, family, after.hook.toUpperCase());
  const at = slots.findIndex((s) => s.table.name === after.table && s.chain === after.chain);
  return slots
    .slice(at + 1)
    .filter((s) => !crossed.has(`${s.table.name}\n${s.chain}`))
    .flatMap((s) => {
      const def = s.table.chains.get(s.chain);
      return def ? [baseChain(s.table, def, "not-reached")] : [];
    });
}

/**
 * Builds the listing of the step at `event` from the lab's nftables `ruleset` (the committed file, without
 * packetwalk's logging tables). TRACE events give one base chain and the kernel's verdicts; LOG events
 * annotated by the simulator give every base chain crossed up to the packet's next line.
 */
export function toNftListing(event: TraceEvent, ruleset: Ruleset): NftStepListing {
  const parts = splitHookId(event.hook);
  const family = parts?.family === "bridge" ? "bridge" : parts?.family === "ip6" ? "ip6" : "ip";
  const own = parts && findTable(ruleset, family, parts.table);
  const ownDef = parts && own?.chains.get(parts.chain);
  const out: NftStepListing = { baseChains: [], verdictsKnown: false };
  if (parts && !ownDef?.base)
    out.instrumentation = { family: parts.family, table: parts.table, chain: parts.chain };

  if (event.verdicts?.length && own && ownDef?.base) {
    // TRACE: the kernel traced this base chain; its steps are the verdicts of the event.
    out.verdictsKnown = true;
    const steps = event.verdicts
      .filter((v) => v.kind !== "return" && v.verdict)
      .map((v) => ({ chain: v.chain, verdict: v.verdict as string, policy: v.kind === "policy" }));
    const listed = baseChain(
      own,
      ownDef,
      "ran",
      kernelMarks(event.verdicts, own),
      verdictOf(steps, "kernel"),
    );
    out.baseChains.push(listed);
    if (listed.verdict?.final)
      out.baseChains.push(...notReached(ruleset, listed, family, new Set([`${own.name}\n${ownDef.name}`])));
    return out;
  }

  if (event.crossed) {
    out.verdictsKnown = true;
    const crossedKeys = new Set<string>();
    let final: ListedBaseChain | undefined;
    for (const c of event.crossed) {
      const table = findTable(ruleset, c.family, c.table);
      const def = table?.chains.get(c.chain);
      // packetwalk's own logging chains are not in the lab's ruleset: they decide nothing.
      if (!table || !def?.base) continue;
      crossedKeys.add(`${table.name}\n${def.name}`);
      const steps = c.matched.map((m) => ({
        chain: m.chain,
        verdict: m.verdict,
        policy: m.text.startsWith("policy "),
      }));
      const listed = baseChain(
        table,
        def,
        "ran",
        simulatorMarks(c.matched, table),
        verdictOf(steps, "simulator"),
      );
      out.baseChains.push(listed);
      if (listed.verdict?.final) final = listed;
    }
    const after = final ? notReached(ruleset, final, family, crossedKeys) : [];
    out.baseChains.push(...after);
    // The chain this line is named after, when the simulator did not run it: say why.
    if (own && ownDef?.base && !crossedKeys.has(`${own.name}\n${ownDef.name}`)) {
      const listedAlready = after.some((b) => b.table === own.name && b.chain === ownDef.name);
      if (!listedAlready)
        out.baseChains.push(baseChain(own, ownDef, ownDef.base.type === "nat" ? "nat-skipped" : "not-run"));
    }
    return out;
  }

  // No verdicts: the line shows the packet reached this base chain, not what it matched.
  if (own && ownDef?.base) out.baseChains.push(baseChain(own, ownDef, "ran"));
  return out;
}
