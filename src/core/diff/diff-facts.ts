/**
 * Compares the facts of the traces of two versions of a repository: which
 * traces were added or removed, and for each one in both, which packets'
 * summaries, hook lists, NAT rewrites, matched rules or diagram sources
 * changed; and which rulesets' text changed, line by line.
 */
import type { PacketFacts, StepFacts, TraceFacts } from "./trace-facts.ts";

/** One line of a line diff. */
export interface DiffLine {
  op: "same" | "del" | "add";
  text: string;
}

/** What changed in one packet (present in both versions, matched by number and direction). */
export interface PacketChange {
  id: number;
  direction: "request" | "reply";
  summary: { before: string; after: string } | undefined;
  /** Line diff of the hook list (one hook per line); undefined when equal. */
  hooks: DiffLine[] | undefined;
  rewrites: { before: string[]; after: string[] } | undefined;
  /**
   * Steps (same hook, paired along the hook lists' common part) whose matched rules differ: the rules
   * only before, and only after. `step` numbers it before; `stepAfter`, when it differs, after.
   */
  matched: { step: number; stepAfter?: number; hook: string; before: string[]; after: string[] }[];
}

/** What changed in one trace. */
export interface TraceChange {
  name: string;
  title: string;
  kind: "added" | "removed" | "changed";
  before?: TraceFacts;
  after?: TraceFacts;
  /** Packets only in one version, by `#id direction: summary`. */
  packetsRemoved: string[];
  packetsAdded: string[];
  packets: PacketChange[];
  /** Directions whose Mermaid source differs. */
  diagrams: ("request" | "reply")[];
}

/** A ruleset whose text changed (`<lab>/<name>`). */
export interface RulesetChange {
  name: string;
  kind: "added" | "removed" | "changed";
  /** Only the changed lines and their neighbours. */
  lines: DiffLine[];
}

/** The whole comparison. */
export interface FactsDiff {
  traces: TraceChange[];
  rulesets: RulesetChange[];
  /** Traces present in both versions and equal. */
  unchanged: number;
}

/** How a report names a step of {@link PacketChange.matched}: `step 4`, or `step 4 (5 after)` where the hook lists differ. */
export function stepName(m: { step: number; stepAfter?: number }): string {
  return `step ${m.step}${m.stepAfter !== undefined && m.stepAfter !== m.step ? ` (${m.stepAfter} after)` : ""}`;
}

/** Line diff by longest common subsequence (inputs are small: hook lists, rulesets). */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        before[i] === after[j]
          ? (lcs[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      out.push({ op: "same", text: before[i] as string });
      i++;
      j++;
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Deletions first, as `diff -u` shows a replaced line.
      out.push({ op: "del", text: before[i] as string });
      i++;
    } else {
      out.push({ op: "add", text: after[j] as string });
      j++;
    }
  }
  return out;
}

/** The changed lines of a diff with `context` unchanged lines around each. */
export function withContext(lines: DiffLine[], context = 2): DiffLine[] {
  const keep = lines.map((l) => l.op !== "same");
  return lines.filter((_, i) => {
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++)
      if (keep[k]) return true;
    return false;
  });
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const label = (p: PacketFacts) => `#${p.id} ${p.direction}: ${p.summary}`;

function comparePacket(a: PacketFacts, b: PacketFacts): PacketChange | undefined {
  const hooksA = a.steps.map((s) => s.hook);
  const hooksB = b.steps.map((s) => s.hook);
  const matched: PacketChange["matched"] = [];
  // Steps are paired along the hook lists' common part: a rule change that drops a packet shortens
  // its hook list and changes the rules matched at the step that dropped it, and that is the why.
  let i = 0;
  let j = 0;
  for (const line of diffLines(hooksA, hooksB)) {
    if (line.op === "same") {
      const s = a.steps[i] as StepFacts;
      const t = b.steps[j] as StepFacts;
      if (!same(s.matched, t.matched)) {
        // Only the rules that differ: the ones kept on both sides are context, not change.
        matched.push({
          step: i + 1,
          ...(i !== j ? { stepAfter: j + 1 } : {}),
          hook: s.hook,
          before: s.matched.filter((x) => !t.matched.includes(x)),
          after: t.matched.filter((x) => !s.matched.includes(x)),
        });
      }
    }
    if (line.op !== "add") i++;
    if (line.op !== "del") j++;
  }
  const change: PacketChange = {
    id: a.id,
    direction: a.direction,
    summary: a.summary === b.summary ? undefined : { before: a.summary, after: b.summary },
    hooks: same(hooksA, hooksB) ? undefined : diffLines(hooksA, hooksB),
    rewrites: same(a.rewrites, b.rewrites) ? undefined : { before: a.rewrites, after: b.rewrites },
    matched,
  };
  return change.summary || change.hooks || change.rewrites || matched.length ? change : undefined;
}

function compareTrace(a: TraceFacts, b: TraceFacts): TraceChange | undefined {
  const key = (p: PacketFacts) => `${p.id}/${p.direction}`;
  const inB = new Map(b.packets.map((p) => [key(p), p]));
  const inA = new Set(a.packets.map(key));
  const packets: PacketChange[] = [];
  const packetsRemoved: string[] = [];
  for (const p of a.packets) {
    const q = inB.get(key(p));
    if (!q) packetsRemoved.push(label(p));
    else {
      const c = comparePacket(p, q);
      if (c) packets.push(c);
    }
  }
  const packetsAdded = b.packets.filter((p) => !inA.has(key(p))).map(label);
  const diagrams = (["request", "reply"] as const).filter((d) => a.mermaid[d] !== b.mermaid[d]);
  if (!packets.length && !packetsRemoved.length && !packetsAdded.length && !diagrams.length) return undefined;
  return {
    name: b.name,
    title: b.title,
    kind: "changed",
    before: a,
    after: b,
    packetsRemoved,
    packetsAdded,
    packets,
    diagrams,
  };
}

/**
 * Compares two versions.
 * @param rulesets ruleset texts by `<lab>/<name>` in each version
 */
export function diffFacts(
  before: readonly TraceFacts[],
  after: readonly TraceFacts[],
  rulesets: { before: Record<string, string>; after: Record<string, string> } = { before: {}, after: {} },
): FactsDiff {
  const a = new Map(before.map((t) => [t.name, t]));
  const b = new Map(after.map((t) => [t.name, t]));
  const traces: TraceChange[] = [];
  let unchanged = 0;
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(name);
    const y = b.get(name);
    const empty = { packetsRemoved: [], packetsAdded: [], packets: [], diagrams: [] };
    if (x && !y) traces.push({ name, title: x.title, kind: "removed", before: x, ...empty });
    else if (!x && y) traces.push({ name, title: y.title, kind: "added", after: y, ...empty });
    else if (x && y) {
      const c = compareTrace(x, y);
      if (c) traces.push(c);
      else unchanged++;
    }
  }
  const ruleChanges: RulesetChange[] = [];
  for (const name of [...new Set([...Object.keys(rulesets.before), ...Object.keys(rulesets.after)])].sort()) {
    const x = rulesets.before[name];
    const y = rulesets.after[name];
    if (x === y) continue;
    // A file on one side only is all added (or removed): no empty line of nothing to match its blank lines.
    const lines = diffLines(x === undefined ? [] : x.split("\n"), y === undefined ? [] : y.split("\n"));
    ruleChanges.push({
      name,
      kind: x === undefined ? "added" : y === undefined ? "removed" : "changed",
      lines: withContext(lines, 1),
    });
  }
  return { traces, rulesets: ruleChanges, unchanged };
}
