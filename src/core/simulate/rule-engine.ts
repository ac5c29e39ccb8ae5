/**
 * Runs a packet through one base chain of one table, as the kernel does: rules in order, jumps and
 * gotos into user chains, RETURN, falling off a user chain, the chain policy. Records every rule
 * that matched (what TRACE would print) and LOG lines, and reports unmodelled rules.
 */
import { type MatchContext, matchRule, nftElementMatches, nftKeyValue } from "./match-rule.ts";
import type { ChainDef, Rule, TableDef, Target } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";

/** One step a TRACE would show: a rule that matched, a user chain's fall-through, or a policy. */
export interface RuleStep {
  kind: "rule" | "return" | "policy";
  /** The chain the step is in (a user chain for jumps). */
  chain: string;
  /** 1-based rule position in its chain (for `rule`). */
  index?: number;
  /** 1-based line of the rule (or chain declaration) in the ruleset file. */
  line: number;
  /** The rule text (empty for return/policy). */
  text: string;
  /** `CONTINUE` (non-terminating, e.g. LOG), `ACCEPT`, `DROP`, `REJECT`, `RETURN`, `JUMP`, `GOTO`, `DNAT`, ... */
  verdict: string;
  /** Set when the rule's result was not modelled. */
  unmodelled?: boolean;
  /** For JUMP/GOTO: the chain jumped to. */
  target?: string;
}

/** A LOG rule (or ebtables `--log` watcher) that fired. */
export interface LogHit {
  prefix: string;
  level?: string;
  line: number;
}

/** A rule the simulator could not decide. */
export interface Unmodelled {
  table: string;
  chain: string;
  line: number;
  text: string;
  /** What was not modelled: the match or target text. */
  what: string;
}

/** A NAT action chosen in a nat chain. */
export type NatAction =
  | { kind: "DNAT" | "SNAT"; addr?: string; port?: number }
  | { kind: "MASQUERADE"; port?: number };

/** The outcome of one table at one hook. */
export interface ChainRun {
  /** `ACCEPT` (go on), `DROP`, `REJECT`, or `QUEUE`. */
  verdict: "ACCEPT" | "DROP" | "REJECT" | "QUEUE";
  steps: RuleStep[];
  logs: LogHit[];
  unmodelled: Unmodelled[];
  nat?: NatAction;
  /** Set when a TRACE target matched. */
  trace: boolean;
}

const MAX_DEPTH = 64;

/** An nftables statement that acts and lets the rule go on: log, trace, set the mark. */
function applyEffect(t: Target, p: SimPacket, run: ChainRun, line: number): void {
  if (t.kind === "LOG") run.logs.push({ prefix: t.prefix, level: t.level, line });
  else if (t.kind === "TRACE") run.trace = true;
  else if (t.kind === "MARK") applyMark(t, p);
}

function applyMark(t: Extract<Target, { kind: "MARK" }>, p: SimPacket): void {
  if (t.op === "set" || t.op === "xset") p.mark = (((p.mark & ~t.mask) >>> 0) ^ t.value) >>> 0;
  else if (t.op === "or") p.mark = (p.mark | t.value) >>> 0;
  else p.mark = (p.mark & t.value) >>> 0;
}

function unknownWhat(rule: Rule): string {
  return rule.conditions
    .filter((c) => c.kind === "unknown")
    .map((c) => (c.kind === "unknown" ? c.text : ""))
    .join(" ");
}

/**
 * Runs `chainName` of `table`. `p.mark` changes with MARK; NAT targets are returned, not applied (the
 * caller applies them at the right manip point).
 */
export function runChain(table: TableDef, chainName: string, p: SimPacket, baseCtx: MatchContext): ChainRun {
  const run: ChainRun = { verdict: "ACCEPT", steps: [], logs: [], unmodelled: [], trace: false };
  const ctx = table.sets ? { ...baseCtx, sets: table.sets } : baseCtx;
  const base = table.chains.get(chainName);
  if (!base) return run;
  // Frames of the call stack: chain and next rule index.
  const stack: { chain: ChainDef; at: number }[] = [];
  let cur: { chain: ChainDef; at: number } = { chain: base, at: 0 };
  for (;;) {
    const rule = cur.chain.rules[cur.at];
    if (!rule) {
      if (cur.chain === base || stack.length === 0) {
        const policy = base.policy ?? "ACCEPT";
        run.steps.push({ kind: "policy", chain: base.name, line: base.line, text: "", verdict: policy });
        run.verdict = policy === "DROP" ? "DROP" : "ACCEPT";
        return run;
      }
      run.steps.push({
        kind: "return",
        chain: cur.chain.name,
        line: cur.chain.line,
        text: "",
        verdict: "RETURN",
      });
      cur = stack.pop() as { chain: ChainDef; at: number };
      continue;
    }
    cur.at++;
    const m = matchRule(rule, p, ctx);
    if (rule.log && m === true)
      run.logs.push({ prefix: rule.log.prefix, level: rule.log.level, line: rule.line });
    if (m === false) continue;
    if (m === "unknown") {
      run.unmodelled.push({
        table: table.name,
        chain: cur.chain.name,
        line: rule.line,
        text: rule.text,
        what: unknownWhat(rule),
      });
      // Undecidable: carry on as if it did not match, and say so.
      run.steps.push({
        kind: "rule",
        chain: cur.chain.name,
        index: rule.index,
        line: rule.line,
        text: rule.text,
        verdict: "UNKNOWN",
        unmodelled: true,
      });
      continue;
    }
    let t = rule.target;
    if (t.kind === "vmap") {
      // The element the key finds decides; no element: the rule breaks (nothing happens, nothing traced).
      const { key } = t;
      const v = nftKeyValue(key, p, ctx);
      const elements = t.elements ?? table.sets?.get(t.map ?? "")?.verdicts ?? [];
      const hit = v === undefined ? undefined : elements.find((e) => nftElementMatches(key, e.key, v));
      if (!hit) continue;
      t = hit.verdict;
    }
    const step: RuleStep = {
      kind: "rule",
      chain: cur.chain.name,
      index: rule.index,
      line: rule.line,
      text: rule.text,
      verdict: "CONTINUE",
    };
    run.steps.push(step);
    for (const effect of rule.effects ?? []) applyEffect(effect, p, run, rule.line);
    switch (t.kind) {
      case "NONE":
      case "CONTINUE":
        continue;
      case "LOG":
        run.logs.push({ prefix: t.prefix, level: t.level, line: rule.line });
        continue;
      case "TRACE":
        run.trace = true;
        continue;
      case "MARK":
        applyMark(t, p);
        continue;
      case "vmap":
        continue;
      case "unknown":
        // A non-terminating target that touches nothing modelled (TCPMSS): the walk goes on, decided.
        if (t.continues) continue;
        step.verdict = "UNKNOWN";
        step.unmodelled = true;
        run.unmodelled.push({
          table: table.name,
          chain: cur.chain.name,
          line: rule.line,
          text: rule.text,
          what: t.text,
        });
        continue;
      case "ACCEPT":
      case "DROP":
      case "REJECT":
        step.verdict = t.kind;
        run.verdict = t.kind;
        return run;
      case "DNAT":
      case "SNAT":
        step.verdict = t.kind;
        run.nat = { kind: t.kind, addr: t.addr, port: t.port?.lo };
        return run;
      case "MASQUERADE":
        step.verdict = "MASQUERADE";
        run.nat = { kind: "MASQUERADE", port: t.port?.lo };
        return run;
      case "RETURN":
        step.verdict = "RETURN";
        if (stack.length === 0) {
          const policy = base.policy ?? "ACCEPT";
          run.steps.push({ kind: "policy", chain: base.name, line: base.line, text: "", verdict: policy });
          run.verdict = policy === "DROP" ? "DROP" : "ACCEPT";
          return run;
        }
        cur = stack.pop() as { chain: ChainDef; at: number };
        continue;
      case "jump":
      case "goto": {
        const target = table.chains.get(t.chain);
        step.verdict = t.kind === "jump" ? "JUMP" : "GOTO";
        step.target = t.chain;
        if (!target || stack.length >= MAX_DEPTH) {
          run.unmodelled.push({
            table: table.name,
            chain: cur.chain.name,
            line: rule.line,
            text: rule.text,
            what: `-j ${t.chain}`,
          });
          step.unmodelled = true;
          continue;
        }
        if (t.kind === "jump") stack.push(cur);
        cur = { chain: target, at: 0 };
        continue;
      }
    }
  }
}
