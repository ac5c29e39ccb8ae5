/**
 * Runs a packet through one base chain of one table, as the kernel does: rules in order, jumps and
 * gotos into user chains, RETURN, falling off a user chain, the chain policy. Records every rule
 * that matched (what TRACE would print) and LOG lines, and reports unmodelled rules.
 */

import { conditionBreak, effectBreak, keysBreak } from "./ct-break.ts";
import { ENDING_TARGETS, endingVerdict } from "./ending-targets.ts";
import { type FlowOffloadNote, flowOffload } from "./flow-offload.ts";
import { evalCondition, type MatchContext, nftKeysMatch, undecidedWhy } from "./match-rule.ts";
import { natOfData } from "./nat-map-data.ts";
import { natRangeAddress } from "./nat-range-address.ts";
import { QUEUE_TARGETS, queueUnmodelled } from "./queue-target.ts";
import type { ChainDef, Condition, MarkLookup, NftKey, Rule, TableDef, Target } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";
import { clampMss } from "./tcp-mss.ts";

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
  /**
   * Set on a rule only chance or an unmodelled match decides (that match, as text) whose every
   * outcome ends the table alike: the step is shown taken, and the result stays decided.
   */
  chance?: string;
  /**
   * On the step that ended the table, when it sits behind a {@link chance} rule and the way where that
   * rule did not match ended the table alike at another step: that step (the fate is sure, the deciding
   * rule is not).
   */
  otherwise?: { kind: "rule" | "policy"; chain: string; line: number; text: string; verdict: string };
}

/** A LOG rule (or ebtables `--log` watcher) that fired. */
export interface LogHit {
  prefix: string;
  level?: string;
  line: number;
  /**
   * True when a rate limit, another chance match or an unmodelled match decides whether this line is
   * printed at all (the rest of the walk is the same either way).
   */
  chance?: boolean;
  /**
   * The packet's mark when the line was written, set when a rule of the same table changed it before
   * (`meta mark set 0x7 log`): the kernel prints `MARK=` as it stands then. Default: the mark the
   * packet entered the chain with.
   */
  mark?: number;
}

/** A rule the simulator could not decide. */
export interface Unmodelled {
  table: string;
  chain: string;
  line: number;
  text: string;
  /** What was not modelled: the match or target text. */
  what: string;
  /**
   * For a rule followed both ways (a chance or unmodelled match, a pick) whose outcomes differ: the
   * outcomes not followed, e.g. `if it matched: DROP`, `another pick: DNAT to 10.244.2.6:80`. Absent
   * for an unmodelled target, and past the fork budget.
   */
  alternatives?: string[];
  /** With `alternatives`: the rule's 1-based position in `chain`, which names it to a {@link ChooseWay}. */
  index?: number;
  /** With `alternatives`: how many ways the rule was followed (the ways a {@link ChooseWay} may pick). */
  ways?: number;
  /** With `alternatives`: the way shown (0: matched, or the first pick; the last: not matched). */
  way?: number;
  /** With `alternatives`, set by the simulator: the key a later run decides this rule by (see `Simulator`). */
  fork?: string;
  /** An unmodelled target that may decide (`xt target "DNAT"`): the walk went on past it. */
  target?: true;
}

/**
 * Decides a rule followed both ways whose ways differ: the index of the way to walk (0: as if it
 * matched, or the first pick; the last: as if it did not), or undefined for the default (not
 * matched; a pick: its first choice).
 */
export type ChooseWay = (rule: Rule) => number | undefined;

/**
 * A NAT action chosen in a nat chain. `port`: the new port, or the lowest of a range up to `portHi`
 * (`--to-ports 1024-65535`, `masquerade to :1024-65535`), within which the kernel keeps the packet's own
 * port when it can.
 */
export type NatAction = (
  | { kind: "DNAT" | "SNAT"; addr?: string; port?: number; portHi?: number }
  /**
   * A prefix map (iptables NETMAP, nft `prefix to`): the address is the packet's, its network bits
   * taken from `first`-`last`, at the manip of the hook (see `netmap-address.ts`).
   */
  | {
      kind: "NETMAP" | "DNAT" | "SNAT";
      netmap: { first: string; last: string };
      port?: number;
      portHi?: number;
    }
  | { kind: "MASQUERADE"; port?: number; portHi?: number; optionsUnknown?: boolean }
  | { kind: "REDIRECT"; port?: number; portHi?: number }
) & {
  /** The target's port is drawn at random (`--random`, `--random-fully`, nft `random`, `fully-random`). */
  random?: boolean;
};

/** The port range of a NAT target as a {@link NatAction}'s `port` and `portHi` (absent for one port). */
function natPorts(r: { lo: number; hi: number } | undefined): { port?: number; portHi?: number } {
  if (!r) return {};
  return r.hi > r.lo ? { port: r.lo, portHi: r.hi } : { port: r.lo };
}

/**
 * The address a DNAT/SNAT target gives the connection of `p`: its one address, or the one of its
 * range the kernel hashes the connection's addresses to (`nat-range-address.ts`).
 */
function natAddress(
  t: { kind: "DNAT" | "SNAT"; addr?: string; addrHi?: string; persistent?: boolean },
  p: SimPacket,
) {
  if (t.addr === undefined || t.addrHi === undefined) return t.addr;
  const manip = t.kind === "SNAT" ? "src" : "dst";
  return natRangeAddress(t.addr, t.addrHi, p.src, p.dst, manip, { persistent: t.persistent }) ?? t.addr;
}

/**
 * An nftables rule the kernel abandoned where an expression could not load its value (NFT_BREAK): a
 * `ct` key of a packet with no connection (see `ct-break.ts`). The rule did not match and nothing
 * written after that expression ran; the statements before it had acted. No TRACE line shows it.
 */
export interface RuleBreak {
  /** The chain the rule is in. */
  chain: string;
  /** 1-based line of the rule in the ruleset file. */
  line: number;
  /** The rule text. */
  text: string;
  /** The expression that could not be loaded, as written (`ct mark`, `ct helper`). */
  at: string;
}

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
  /** nft `flow add` statements met, in order, each with whether it offloaded the connection. Default: none. */
  flows?: FlowOffloadNote[];
  /** The nftables rules abandoned because the packet had no connection, in the order the walk met them. */
  breaks: RuleBreak[];
}

const MAX_DEPTH = 64;

/**
 * The LOG line `l` of the rule at `line` written now, with the packet's mark when it is no longer the
 * one `p` entered the chain with (`entryMark`).
 */
function logHit(
  l: { prefix: string; level?: string },
  line: number,
  p: SimPacket,
  entryMark: number,
  chance?: true,
): LogHit {
  return {
    prefix: l.prefix,
    level: l.level,
    line,
    ...(chance ? { chance } : {}),
    ...(p.mark !== entryMark ? { mark: p.mark } : {}),
  };
}

/** Whether a log statement writes a kernel log line: not nft's `log group N` (ulogd's) nor `log level audit`. */
function printed(t: { level?: string; group?: number }): boolean {
  return t.group === undefined && t.level !== "audit";
}

/**
 * An nftables statement that acts and lets the rule go on: log, trace, set the mark. Without `run`,
 * only what it does to the packet (a trial on a copy, see {@link reach}).
 */
function applyEffect(
  t: Target,
  p: SimPacket,
  run: ChainRun | undefined,
  line: number,
  ctx: MatchContext,
  entryMark = p.mark,
): void {
  if (t.kind === "LOG") {
    if (printed(t)) run?.logs.push(logHit(t, line, p, entryMark));
  } else if (t.kind === "TRACE") {
    if (run) run.trace = true;
  } else if (t.kind === "MARK") applyMark(looked(t, p, ctx), p);
  else if (t.kind === "CONNMARK") applyConnmark(looked(t, p, ctx), p, line);
  else if (t.kind === "TOS") applyTos(t, p);
  else if (t.kind === "TTL") applyTtl(t, p);
  else if (t.kind === "TCPMSS") applyMss(t, p, ctx);
  // Only a packet with no connection (its state reads invalid: not looked up yet, or INVALID): on a
  // tracked one notrack does nothing (nft_notrack_eval). The state, for a caller with no entry (a LOG line's).
  // A zone template is a connection to both: a notrack after it does nothing.
  else if (t.kind === "NOTRACK" && !p.ct && !p.ctZone && (ctx.ctState ?? "INVALID") === "INVALID")
    p.untracked = true;
  else if (t.kind === "CTZONE") applyZone(t, p);
  else if (t.kind === "BRIDGE_REDIRECT") p.toBridge = true;
  else if (t.kind === "FLOWOFFLOAD" && run) {
    const f = flowOffload(t, p, ctx, line);
    run.flows = [...(run.flows ?? []), f];
    // The kernel takes the connection's offload bit here: a later flow add for this packet finds it taken.
    if (f.offloads && p.ct) p.ct.entry.offloaded = { line, flowtable: f.flowtable, devices: f.devices };
  }
}

/**
 * `-j CT --zone`, `ct zone set`: the zone template the lookup uses. Only the first acts and never on a
 * tracked packet (xt_CT skips a packet with any conntrack attachment; nft_ct_set_zone_eval one with a
 * connection or template). Set after the lookup on a packet conntrack found invalid, it is looked up
 * no more but its state reads new from there on (kernel 6.18: it met neither `ct state invalid` nor
 * `established,related`). An untracked packet: xt_CT (`xt`) leaves it so, nft's template replaces the
 * mark (kernel 6.18, test/fixtures/simulate/nft-notrack-ct-state: before the lookup it opened a
 * connection in the zone, after it its state read new).
 */
function applyZone(t: Extract<Target, { kind: "CTZONE" }>, p: SimPacket, xt = false): void {
  if (p.ct || p.ctZone || (p.untracked && xt)) return;
  delete p.untracked;
  p.ctZone = t.dir ? { id: t.zone, dir: t.dir } : { id: t.zone };
}

/** `-j DSCP`, `-j TOS`, nft `ip dscp set`: the TOS byte (traffic class) rewritten, the walk goes on. */
function applyTos(t: Extract<Target, { kind: "TOS" }>, p: SimPacket): void {
  p.tos = (((p.tos ?? 0) & ~t.mask) ^ t.value) & 0xff;
}

/**
 * TCPMSS, `tcp option maxseg size set`: a segment's MSS option lowered, never raised. xt_TCPMSS adds one
 * to a segment without it that carries no data (the simulator's segments carry none but a recorded
 * longer one), as it does under iptables-nft, which skips the target's SYN-match check (kernel 6.18).
 */
function applyMss(t: Extract<Target, { kind: "TCPMSS" }>, p: SimPacket, ctx: MatchContext): void {
  if (p.proto !== "tcp") return;
  // Clamped to the path MTU: the host's routes, else 1500-byte links.
  const to =
    t.mss ??
    (ctx.routeTo ? clampMss(ctx.routeTo(p.dst), ctx.routeTo(p.src), !!p.v6, t.nft) : p.v6 ? 1440 : 1460);
  if (p.mss !== undefined) {
    if (to < p.mss) p.mss = to;
    return;
  }
  // No data: at most the TCP header of a segment without an MSS, 20 bytes with up to 12 of timestamps (the
  // simulator's ACKs carry them; a REJECT's RST and a recorded segment without them do not).
  const empty = p.len <= (p.v6 ? 40 : 20) + 32;
  if (t.nft || !empty) return;
  p.mss = Math.min(to, p.v6 ? 1220 : 536);
  p.len += 4;
}

function applyTtl(t: Extract<Target, { kind: "TTL" }>, p: SimPacket): void {
  const ttl = t.op === "set" ? t.value : t.op === "inc" ? p.ttl + t.value : p.ttl - t.value;
  p.ttl = Math.min(255, Math.max(0, ttl));
}

function applyMark(t: Extract<Target, { kind: "MARK" }>, p: SimPacket): void {
  if (setsWhole(t, "mark")) delete p.markUnknown;
  if (t.op === "set" || t.op === "xset") p.mark = (((p.mark & ~t.mask) >>> 0) ^ t.value) >>> 0;
  else if (t.op === "or") p.mark = (p.mark | t.value) >>> 0;
  else p.mark = (p.mark & t.value) >>> 0;
}

/** Mark statement `t` with the value its map gives `p` (`meta mark set tcp dport map { 22 : 0x1 }`), if it has one. */
function looked<T extends { value: number; lookup?: MarkLookup }>(t: T, p: SimPacket, ctx: MatchContext): T {
  const keys = t.lookup?.concat ?? [t.lookup?.key as NftKey];
  const hit = t.lookup?.elements.find((e) => nftKeysMatch(keys, e.key, p, ctx));
  // The reader's condition on the map's keys before it ends the rule where no element holds the key.
  return hit ? { ...t, value: Number(hit.data[0]) >>> 0 } : t;
}

/**
 * `-j CONNMARK`, nft `ct mark set` / `meta mark set ct mark`: the connection's mark and the packet's.
 * A mark the model does not know passes on with the bits copied: `--save-mark` of an unknown packet
 * mark leaves the connection's unknown, `--restore-mark` of an unknown connection mark the packet's.
 */
function applyConnmark(t: Extract<Target, { kind: "CONNMARK" }>, p: SimPacket, line: number): void {
  const entry = p.ct?.entry;
  if (!entry) return;
  const ct = entry.mark ?? 0;
  if (t.op === "set") {
    // Only bits the mask keeps are carried over from the old, unknown mark.
    if (t.mask === 0xffffffff) delete entry.markUnknown;
    entry.mark = ((ct & ~t.mask) ^ t.value) >>> 0;
  } else if (t.op === "save") {
    const unknown =
      p.markUnknown && t.nfmask !== 0
        ? `${p.markUnknown}, copied to the connection by line ${line}`
        : t.ctmask === 0xffffffff
          ? undefined
          : entry.markUnknown;
    if (unknown) entry.markUnknown = unknown;
    else delete entry.markUnknown;
    entry.mark = ((ct & ~t.ctmask) ^ (p.mark & t.nfmask)) >>> 0;
  } else {
    const unknown =
      entry.markUnknown && t.ctmask !== 0
        ? `${entry.markUnknown}, copied back to the packet by line ${line}`
        : t.nfmask === 0xffffffff
          ? undefined
          : p.markUnknown;
    if (unknown) p.markUnknown = unknown;
    else delete p.markUnknown;
    p.mark = ((p.mark & ~t.nfmask) ^ (ct & t.ctmask)) >>> 0;
  }
}

/** Where `rule`'s `k`th effect is written: the number of conditions before it (see `Rule.effectAt`). */
function effectPlace(rule: Rule, k: number): number {
  return rule.effectAt?.[k] ?? rule.conditions.length;
}

/**
 * Runs the effects of `rule` written from place `from` to place `to` (both included; see
 * {@link effectPlace}) on the walk's packet, in order: those before condition `k` act when the
 * kernel's evaluation reaches that condition, whether it then holds or not. `stop`: the first effect
 * the evaluation did not reach (one that broke the rule, see {@link reach}); it and those after it do not act.
 */
function applyEffects(
  env: WalkEnv,
  rule: Rule,
  s: WalkState,
  from: number,
  to: number,
  stop = Number.POSITIVE_INFINITY,
): void {
  for (const e of effectsBetween(rule, from, to, stop))
    applyEffect(e, s.p, s.run, rule.line, env.ctx, env.entryMark);
}

/** The effects of `rule` written from place `from` to place `to` (both included), before effect `stop`. */
function effectsBetween(rule: Rule, from: number, to: number, stop = Number.POSITIVE_INFINITY): Target[] {
  return (rule.effects ?? []).filter(
    (_, k) => k < stop && effectPlace(rule, k) >= from && effectPlace(rule, k) <= to,
  );
}

/** Records that `rule` was abandoned at `at` (an expression that could not load its value) where the walk stands. */
function noteBreak(s: WalkState, rule: Rule, at: string): void {
  s.run.breaks.push({ chain: s.cur.chain.name, line: rule.line, text: rule.text, at });
}

/** How many of `rule`'s conditions are written before its target (see `Rule.targetAt`). */
function targetPlace(rule: Rule): number {
  return rule.targetAt ?? rule.conditions.length;
}

/** What an unmodelled statement that acts may leave unknown (see {@link unsureField}). */
type UnsureField = "mark" | "ctmark" | "tos" | "other";

/**
 * What an unmodelled statement that acts (`meta mark set ct mark and 0xff`, an unknown that `acts`) leaves
 * unknown: the mark, the DSCP, or something else the model does not name.
 */
function unsureField(c: Condition): UnsureField {
  const text = c.kind === "unknown" ? c.text : "";
  if (/^(meta )?mark set /.test(text)) return "mark";
  if (/^ct mark set /.test(text)) return "ctmark";
  if (/^ip6? dscp set /.test(text)) return "tos";
  return "other";
}

/** Whether condition `c` reads what `field` names. */
function reads(c: Condition, field: UnsureField): boolean {
  if (field === "mark")
    return c.kind === "mark" || (c.kind === "nft-set" && [c.key, ...(c.concat ?? [])].includes("meta mark"));
  if (field === "ctmark")
    return c.kind === "ctmark" || (c.kind === "nft-set" && [c.key, ...(c.concat ?? [])].includes("ct mark"));
  if (field === "tos") return c.kind === "tos";
  return false;
}

/** Whether effect `e` sets what `field` names to a known value (every bit of it). */
function setsWhole(e: Target, field: UnsureField): boolean {
  if (field === "ctmark")
    return (
      e.kind === "CONNMARK" &&
      ((e.op === "set" && e.mask === 0xffffffff) || (e.op === "save" && e.ctmask === 0xffffffff))
    );
  if (field === "mark")
    return (
      (e.kind === "MARK" && e.op === "set" && e.mask === 0xffffffff) ||
      // `meta mark set ct mark`: the connection's whole mark copied.
      (e.kind === "CONNMARK" && e.op === "restore" && e.nfmask === 0xffffffff && e.ctmask === 0xffffffff)
    );
  return field === "tos" && e.kind === "TOS" && (e.mask & 0xfc) === 0xfc;
}

/** A copy of `p` with its own copy of its connection entry, so a mark set on it (`ct mark set`) stays on the copy. */
function ownCopy(p: SimPacket): SimPacket {
  return { ...p, ...(p.ct ? { ct: { ...p.ct, entry: { ...p.ct.entry } } } : {}) };
}

/** A statement among `rule`'s matches may change what a later one reads: they are tried on a copy of `p` (and its connection). */
function trialOf(rule: Rule, p: SimPacket): SimPacket {
  return rule.effectAt ? ownCopy(p) : p;
}

/** How far nft's evaluation of a rule gets (see {@link reach}). */
interface Reach {
  fails?: number;
  undecided?: number;
  unsure?: Condition[];
  /** With `fails`: the rule broke at an expression that could not load its value (`ct mark`), named here. */
  broke?: string;
  /** With `broke` at a statement: that statement's index among the effects; it and the ones after it do not act. */
  stop?: number;
}

/**
 * How far nft's evaluation of `rule` gets for `p` up to its target, its conditions read in order on
 * the packet as the statements written before each leave it (`meta mark set 0x1 meta mark 0x1` holds):
 * `fails`, the first condition that fails when every undecided one before it is taken to hold;
 * `undecided`, the first undecided condition before that. Neither: the rule reaches its target.
 * An unmodelled statement that acts (`acts`) lets the evaluation go on: what it changed is unknown
 * until a later statement sets it whole, and a match that reads it before is undecided; `unsure`
 * names those whose change still stands where the evaluation stops. In an nftables table (`nft`) an
 * expression that loads a `ct` value of a packet without a connection breaks the rule there (`broke`,
 * and `stop` when a statement did: the place it is at is `fails`).
 */
function reach(rule: Rule, p: SimPacket, ctx: MatchContext, nft: boolean): Reach {
  const trial = trialOf(rule, p);
  let undecided: number | undefined;
  // The acting unknown statements reached so far whose change no later statement overwrote.
  let unsure: Condition[] = [];
  const left = () => ({
    ...(undecided !== undefined ? { undecided } : {}),
    ...(unsure.length ? { unsure } : {}),
  });
  // The statements written at place `k`, in order; the one that broke the rule, if any.
  const statements = (k: number): Reach | undefined => {
    for (const [n, e] of (rule.effects ?? []).entries()) {
      if (effectPlace(rule, n) !== k) continue;
      const broke = nft ? effectBreak(e, trial, ctx) : undefined;
      if (broke) return { fails: k, ...left(), broke, stop: n };
      if (trial !== p) applyEffect(e, trial, undefined, rule.line, ctx);
      unsure = unsure.filter((u) => !setsWhole(e, unsureField(u)));
    }
    return undefined;
  };
  const conditions = rule.conditions.slice(0, targetPlace(rule));
  for (const [k, c] of conditions.entries()) {
    const stopped = statements(k);
    if (stopped) return stopped;
    // Checked before anything else: a statement that loads a connection's value breaks before it acts.
    const broke = nft ? conditionBreak(c, trial, ctx) : undefined;
    if (broke) return { fails: k, ...left(), broke };
    if (c.kind === "unknown" && c.acts) {
      unsure.push(c);
      continue;
    }
    const r = unsure.some((u) => reads(c, unsureField(u))) ? "unknown" : evalCondition(c, trial, ctx);
    if (r === false) return { fails: k, ...left() };
    if (r === "unknown" && undecided === undefined) undecided = k;
  }
  return statements(conditions.length) ?? left();
}

/**
 * Runs what `rule` writes after its target once that let the rule go on (`tcp dport vmap { 80 :
 * continue } meta mark set 0x6 ip saddr 192.0.2.1 accept`): the statements and matches in order, and
 * each verdict written after them (see `Rule.afterVerdicts`) when every match before it held. Gives
 * the target the rule ends with (`end`): the first of those verdicts that does not go on, the one the
 * target left (`t`) when all go on, or `CONTINUE` when a match fails (the rule breaks there, the
 * statements before it have acted) or cannot be decided (then said so, and `undecided` set). A map
 * there is looked up as the first (see {@link lookUp}): what is written after it runs only past its
 * `continue`; a NAT of the other family goes on. An unmodelled statement that acts lets the rule go
 * on, as in {@link reach}; `unsure`: those before the target whose change still stands. `forced`:
 * the walk takes this rule as matched, so an undecided match holds.
 */
function afterTarget(
  env: WalkEnv,
  rule: Rule,
  s: WalkState,
  t: Target,
  unsureBefore: Condition[],
  forced: boolean,
): { end: Target; undecided?: true } {
  const afters = rule.afterVerdicts ?? [];
  // Which verdict written after the target effect `k` comes before (afters.length: after them all).
  const segment = (k: number) => afters.filter((a) => a.effects <= k).length;
  // The acting unknown statements passed whose change no later statement overwrote.
  let unsure: Condition[] = [...unsureBefore];
  let undecided: true | undefined;
  const nft = env.table.family !== undefined;
  // Runs the statements written from place `from` to `to` in segment `seg`; false: one broke the rule.
  const act = (from: number, to: number, seg: number): boolean => {
    for (const [k, e] of (rule.effects ?? []).entries()) {
      const at = effectPlace(rule, k);
      if (segment(k) !== seg || at < from || at > to) continue;
      const broke = nft ? effectBreak(e, s.p, env.ctx) : undefined;
      if (broke) {
        noteBreak(s, rule, broke);
        return false;
      }
      applyEffect(e, s.p, s.run, rule.line, env.ctx, env.entryMark);
      unsure = unsure.filter((u) => !setsWhole(e, unsureField(u)));
    }
    return true;
  };
  const leave = (end: Target) => {
    markUnsure(env, s, rule, unsure);
    return { end, ...(undecided ? { undecided } : {}) };
  };
  // Reads conditions `from` to `to` (excluded) with the statements before each; false: the rule breaks.
  const read = (from: number, to: number, seg: number): boolean => {
    for (let k = from; k < to; k++) {
      if (!act(k + 1, k + 1, seg)) return false;
      const c = rule.conditions[k] as Condition;
      const broke = nft ? conditionBreak(c, s.p, env.ctx) : undefined;
      if (broke) {
        noteBreak(s, rule, broke);
        return false;
      }
      if (c.kind === "unknown" && c.acts) {
        unsure.push(c);
        continue;
      }
      const r = unsure.some((u) => reads(c, unsureField(u))) ? "unknown" : evalCondition(c, s.p, env.ctx);
      if (r === false) return false;
      if (r === "unknown" && !forced) {
        s.run.unmodelled.push({
          table: env.table.name,
          chain: s.cur.chain.name,
          line: rule.line,
          text: rule.text,
          what: c.kind === "unknown" ? c.text : unknownWhat(rule, env, s.p) || c.kind,
        });
        const step = s.run.steps[s.run.steps.length - 1];
        if (step?.line === rule.line) step.unmodelled = true;
        unsure = [];
        undecided = true;
        return false;
      }
    }
    return true;
  };
  let from = targetPlace(rule);
  for (const [seg, a] of afters.entries()) {
    if (!read(from, a.conditions, seg) || !act(a.conditions + 1, Number.POSITIVE_INFINITY, seg))
      return leave({ kind: "CONTINUE" });
    const v = a.verdict;
    const found =
      v.kind === "pick"
        ? pickUnknown(v)
        : v.kind === "vmap" || v.kind === "nat-map"
          ? lookUp(env, s, v, rule)
          : v;
    // No element: the rule breaks at the map.
    if (!found) return leave({ kind: "CONTINUE" });
    // A verdict or a NAT (of the packet's family) ends the rule there.
    const now = otherFamily(found, s.p) ? { kind: "CONTINUE" as const } : found;
    if (!goesOn(now)) return leave(now);
    from = a.conditions;
  }
  if (
    !read(from, rule.conditions.length, afters.length) ||
    !act(rule.conditions.length + 1, Number.POSITIVE_INFINITY, afters.length)
  )
    return leave({ kind: "CONTINUE" });
  return leave(t);
}

/** Whether NAT `t` is of the other family than `p` (`dnat ip6 to` in an inet table, an IPv4 packet): it goes on. */
function otherFamily(t: Target, p: SimPacket): boolean {
  return (
    (t.kind === "DNAT" || t.kind === "SNAT") && t.family !== undefined && (t.family === "ip6") !== !!p.v6
  );
}

/** A pick (`numgen random mod 2 vmap { ... }`) written after a verdict map: not followed, said unmodelled. */
function pickUnknown(t: Extract<Target, { kind: "pick" }>): Target {
  return { kind: "unknown", name: "pick", text: t.text };
}

/**
 * What verdict map or NAT map `t` gives `s.p`: its element's verdict, the NAT its element's data
 * names (`CONTINUE` for a NAT of the other family), or undefined when no element holds the key (the
 * rule breaks there) or the key is a `ct` value `s.p` has no connection to load from (`rule` is then
 * recorded abandoned).
 */
function lookUp(
  env: WalkEnv,
  s: WalkState,
  t: Extract<Target, { kind: "vmap" | "nat-map" }>,
  rule: Rule,
): Target | undefined {
  const sets = env.table.sets;
  const keys = t.concat ?? [t.key];
  // `ct mark vmap { ... }` of a packet without a connection: the rule breaks at the key, before the lookup.
  const broke = keysBreak(keys, s.p, env.ctx);
  if (broke) {
    noteBreak(s, rule, broke);
    return undefined;
  }
  // A key that reads a mark the model does not know finds an element the model cannot tell: undecided.
  if (
    (s.p.markUnknown && keys.includes("meta mark")) ||
    (s.p.ct?.entry.markUnknown && keys.includes("ct mark"))
  ) {
    const asSet: Condition = {
      kind: "nft-set",
      key: t.key,
      ...(t.concat ? { concat: t.concat } : {}),
      neg: false,
    };
    const why = undecidedWhy(asSet, s.p, env.ctx) ?? "";
    return {
      kind: "unknown",
      name: t.kind,
      text: `${keys.join(" . ")} ${t.kind === "vmap" ? "vmap" : "map"} (${why})`,
    };
  }
  if (t.kind === "vmap") {
    const elements = t.elements ?? sets?.get(t.map ?? "")?.verdicts ?? [];
    return elements.find((e) => nftKeysMatch(keys, e.key, s.p, env.ctx))?.verdict;
  }
  const elements = t.elements ?? sets?.get(t.map ?? "")?.data ?? [];
  const hit = elements.find((e) => nftKeysMatch(keys, e.key, s.p, env.ctx));
  if (!hit) return undefined;
  // `dnat ip to ... map` in an inet table does nothing to an IPv6 packet (nor ip6 to IPv4): the rule goes on.
  if (t.family !== undefined && (t.family === "ip6") !== !!s.p.v6) return { kind: "CONTINUE" };
  const nat = natOfData(t.nat, hit.data);
  // `prefix to ... map`: the element's prefix maps the address, keeping its host bits.
  if (nat && t.netmap && (nat.kind === "DNAT" || nat.kind === "SNAT")) return { ...nat, netmap: "prefix" };
  return nat ?? { kind: "unknown", name: t.nat, text: `${t.nat} to ${hit.data.join(" . ")}` };
}

/** Says that the acting unknown statements `what` of `rule` leave something the walk after it reads unknown. */
function markUnsure(env: WalkEnv, s: WalkState, rule: Rule, what: Condition[] | undefined): void {
  if (!what?.length) return;
  // The rules after this one read the mark it left unknown: their mark matches are undecided.
  const mark = what.find((c) => unsureField(c) === "mark");
  if (mark?.kind === "unknown") s.p.markUnknown = `line ${rule.line}: ${mark.text}`;
  // Likewise the connection's mark, for every later packet of the connection.
  const ctmark = what.find((c) => unsureField(c) === "ctmark");
  if (ctmark?.kind === "unknown" && s.p.ct) s.p.ct.entry.markUnknown = `line ${rule.line}: ${ctmark.text}`;
  s.run.unmodelled.push({
    table: env.table.name,
    chain: s.cur.chain.name,
    line: rule.line,
    text: rule.text,
    what: what.map((c) => (c.kind === "unknown" ? c.text : "")).join(" "),
  });
  const step = s.run.steps[s.run.steps.length - 1];
  if (step?.line === rule.line) step.unmodelled = true;
}

/**
 * The text of the conditions that left `rule` undecided for `p` (a `-m set` whose set the table lacks
 * among them; a MAC match on a frame whose MAC the lab lacks, with why).
 */
function unknownWhat(rule: Rule, env: WalkEnv, p: SimPacket): string {
  const table = env.table;
  // Each condition read on the packet as the statements before it leave it (`meta mark set ct mark meta mark 0x1`).
  const trial = trialOf(rule, p);
  return rule.conditions
    .map((c, k) => {
      if (trial !== p)
        (rule.effects ?? []).forEach((e, n) => {
          if (effectPlace(rule, n) === k) applyEffect(e, trial, undefined, rule.line, env.ctx);
        });
      if (c.kind === "unknown" || (c.kind === "ipset" && (c.counters || !table.ipsets?.has(c.name))))
        return c.text;
      const why = undecidedWhy(c, trial, env.ctx);
      return why ? `${conditionWords(c)} (${why})` : "";
    })
    .filter((t) => t !== "")
    .join(" ");
}

/** A modelled condition named in a warning: its kind and value (`ether saddr 02:42:ac:11:00:02`). */
function conditionWords(c: Condition): string {
  if (c.kind === "mac-src" || c.kind === "mac-dst")
    return `${c.neg ? "! " : ""}${c.kind === "mac-src" ? "source" : "destination"} MAC ${c.mac}${c.mask ? `/${c.mask}` : ""}`;
  if (c.kind === "nft-set") {
    const one =
      !c.set && c.elements?.length === 1 && c.elements[0]?.kind === "value" ? c.elements[0] : undefined;
    // One value is named (`ct helper != sip`, without nft's quotes), a set by its name or `{ ... }`.
    const what = one
      ? `${c.neg ? "!= " : ""}${/^[\w.:/-]+$/.test(one.value) ? one.value : `"${one.value}"`}`
      : c.set
        ? `@${c.set}`
        : "{ ... }";
    return `${c.concat ? c.concat.join(" . ") : c.key} ${what}`;
  }
  return c.kind;
}

/** The undecided rule the walk is about to decide by force: which of its outcomes to take. */
type Force = { choice: "match" } | { choice: "pick"; target: Target };

/** Where a walk through one table stands: the call stack, the rule it is at, what it found, the packet. */
/** Where a walk stands: a chain and a rule, and the chains its gotos went through since the jump to it. */
interface Frame {
  chain: ChainDef;
  at: number;
  /** The chain jumped to and those the gotos after it entered (default: `chain` alone): a loop's way back. */
  trail?: readonly ChainDef[];
}

/** The chains a frame entered (see {@link Frame.trail}). */
const trailOf = (f: Frame): readonly ChainDef[] => f.trail ?? [f.chain];

interface WalkState {
  stack: Frame[];
  cur: Frame;
  run: ChainRun;
  p: SimPacket;
}

/** What every branch of one `runChain` shares: the table, its context, and the forks left. */
interface WalkEnv {
  table: TableDef;
  ctx: MatchContext;
  base: ChainDef;
  forks: number;
  /** Jumps and gotos followed so far (see {@link MAX_JUMPS}). */
  jumps: number;
  choose?: ChooseWay;
  /** The packet's mark on entry to the chain (what a LOG line prints unless a rule changed it). */
  entryMark: number;
}

/** How many undecided rules one `runChain` follows both ways before it treats the next as unknown. */
const MAX_FORKS = 256;

/**
 * How many jumps and gotos one `runChain` follows, all branches together: a loop of gotos, or chains
 * that each jump twice into the next (a loop-free table the kernel takes), would walk without end.
 */
const MAX_JUMPS = 100_000;

function cloneState(s: WalkState): WalkState {
  return {
    stack: s.stack.map((f) => ({ ...f })),
    cur: { ...s.cur },
    run: {
      ...s.run,
      steps: [...s.run.steps],
      logs: [...s.run.logs],
      unmodelled: [...s.run.unmodelled],
      breaks: [...s.run.breaks],
    },
    // Each way of a fork sets its own connection mark: one way's `ct mark set` is not seen by the other.
    p: ownCopy(s.p),
  };
}

/** What a table's run hands on to the rest of the packet's walk: equal outcomes mean equal fates. */
function outcome(s: WalkState): string {
  const n = s.run.nat;
  return [
    s.run.verdict,
    n
      ? `${n.kind} ${"addr" in n ? (n.addr ?? "") : ""}:${n.port ?? ""}-${n.portHi ?? ""}${n.random ? " random" : ""}`
      : "",
    s.p.mark,
    // The connection's mark is handed on too (to this packet's later chains and the connection's later packets).
    s.p.ct?.entry.mark ?? 0,
    !!s.p.ct?.entry.markUnknown,
    s.p.tos ?? 0,
    s.run.trace,
    s.p.untracked ?? false,
    s.p.ctZone ? `${s.p.ctZone.id}${s.p.ctZone.dir ?? ""}` : "",
    // A `flow add` that offloads the connection changes the path of its later packets.
    offloadedTo(s) ?? "",
  ].join("|");
}

/** The flowtable a `flow add` met on this way offloaded the connection to, if one did. */
function offloadedTo(s: WalkState): string | undefined {
  return s.run.flows?.find((f) => f.offloads)?.flowtable;
}

/** A branch's outcome in words, for the note on an undecided rule. */
function describeOutcome(s: WalkState): string {
  const n = s.run.nat;
  const nat = n
    ? n.kind === "MASQUERADE" || n.kind === "REDIRECT"
      ? `${n.kind}${n.kind === "REDIRECT" && n.port !== undefined ? ` to :${n.port}` : ""}`
      : `${n.kind} to ${"netmap" in n ? `${n.netmap.first}-${n.netmap.last}` : (n.addr ?? "")}${n.port !== undefined ? `:${n.port}` : ""}`
    : s.run.verdict;
  const random = n?.random ? " (random port)" : "";
  const tos = s.p.tos ? ` (TOS 0x${s.p.tos.toString(16).padStart(2, "0")})` : "";
  const ft = offloadedTo(s);
  const flow = ft ? `, the connection offloaded to flowtable ${ft}` : "";
  return `${nat}${random}${s.p.mark ? ` (mark 0x${s.p.mark.toString(16)})` : ""}${tos}${flow}`;
}

/**
 * Whether the walk can follow `rule` both ways: what it cannot decide is matches (chance or
 * unmodelled), none marked `oneWay`.
 */
function followable(rule: Rule): boolean {
  return rule.conditions.every((c) => c.kind !== "unknown" || c.oneWay === undefined);
}

/**
 * Whether taking `rule` past its condition `from` (undecided) only logs: its target goes on to the
 * next rule and the statements written after that condition change nothing else.
 */
function onlyLogs(rule: Rule, from: number): boolean {
  const t = rule.target;
  // A target that changes the mark, the TOS or the trace flag does more than log.
  const next =
    t.kind === "LOG" ||
    (goesOn(t) &&
      !["TRACE", "MARK", "CONNMARK", "TOS", "TTL", "TCPMSS", "NOTRACK", "CTZONE"].includes(t.kind));
  return next && effectsBetween(rule, from + 1, Number.POSITIVE_INFINITY).every((e) => e.kind === "LOG");
}

/**
 * Runs `chainName` of `table`. `p.mark` changes with MARK; NAT targets are returned, not applied (the
 * caller applies them at the right manip point).
 *
 * A rule the model cannot decide, by chance (a rate limit, `-m statistic`, `numgen random ... vmap`)
 * or because a match is not modelled (`meta cpu`, `-m owner`), is followed every way it can
 * go, to the end of the table (at most `MAX_FORKS` of them per run): when every way hands on
 * the same verdict, NAT and mark (and meets the same undecided rules after it), the result is decided and the
 * walk shown is the one where the rule matched (for a pick, its first choice); its step carries
 * `chance`. So a limited LOG, or a limited jump to a chain that only logs and returns (ufw's
 * `ufw-logging-deny`), or a LOG behind an unmodelled match, changes nothing but whether its line is
 * printed, while a limited DROP before an accept is uncertain. When the
 * ways differ, the walk goes on as if the rule did not match (a pick: its first choice; a rate
 * limit a fresh bucket passes, see {@link passesFresh}: as if it matched) unless `choose` names
 * another way, and the unmodelled entry names the other outcomes (`alternatives`).
 */
export function runChain(
  table: TableDef,
  chainName: string,
  p: SimPacket,
  baseCtx: MatchContext,
  choose?: ChooseWay,
): ChainRun {
  const run: ChainRun = { verdict: "ACCEPT", steps: [], logs: [], unmodelled: [], trace: false, breaks: [] };
  const ctx = table.sets
    ? { ...baseCtx, sets: table.sets }
    : table.ipsets
      ? { ...baseCtx, ipsets: table.ipsets }
      : baseCtx;
  const base = table.chains.get(chainName);
  if (!base) return run;
  const end = walk(
    { table, ctx, base, forks: MAX_FORKS, jumps: 0, entryMark: p.mark, ...(choose ? { choose } : {}) },
    { stack: [], cur: { chain: base, at: 0 }, run, p },
  );
  // A forked walk ends on a copy of the packet: what its rules rewrote goes back to the packet.
  if (end.p !== p) {
    p.mark = end.p.mark;
    // Whether that mark is known goes back with it (a --restore-mark of an unknown connection mark).
    if (end.p.markUnknown) p.markUnknown = end.p.markUnknown;
    else delete p.markUnknown;
    if (end.p.tos !== undefined) p.tos = end.p.tos;
    if (end.p.untracked) p.untracked = true;
    if (end.p.ctZone) p.ctZone = end.p.ctZone;
    // The connection's mark as that way left it (the fork's ways each had a copy of the entry).
    const entry = p.ct?.entry;
    const left = end.p.ct?.entry;
    if (entry && left && entry !== left) {
      if (left.mark !== undefined) entry.mark = left.mark;
      else delete entry.mark;
      if (left.markUnknown) entry.markUnknown = left.markUnknown;
      else delete entry.markUnknown;
    }
  }
  return end.run;
}

/**
 * The outcomes of an undecided rule, as forced walks, and the one followed when they differ. `undecided`:
 * the rule's first undecided condition, where the way it did not match stops (the statements before it act).
 */
function forkChance(
  env: WalkEnv,
  s: WalkState,
  rule: Rule,
  t: Target | undefined,
  undecided?: number,
  broken?: WalkState,
): WalkState {
  const unmodelledBefore = s.run.unmodelled.length;
  const logsBefore = s.run.logs.length;
  const forces: Force[] =
    t?.kind === "pick" ? t.choices.map((target) => ({ choice: "pick", target })) : [{ choice: "match" }];
  const ways = forces.map((force) => walk(env, cloneState(s), force));
  let followed: WalkState | undefined;
  if (broken) {
    // The way where a match after its verdict map did not hold: already walked to that match.
    followed = walk(env, broken);
    ways.push(followed);
  } else if (t?.kind !== "pick") {
    // The way where it did not match: the rule is shown undecided, as any unmodelled rule.
    const skip = cloneState(s);
    skip.cur.at++;
    if (undecided !== undefined) applyEffects(env, rule, skip, 0, undecided);
    markUnknown(env, skip, rule, unknownWhat(rule, env, s.p));
    followed = walk(env, skip);
    ways.push(followed);
  }
  // Two ways are alike when they hand on the same and meet the same undecided rules after the fork.
  const alike = (w: WalkState) =>
    JSON.stringify([
      outcome(w),
      w.run.unmodelled
        .slice(unmodelledBefore + (w === followed ? 1 : 0))
        .map((u) => [u.line, u.what, u.alternatives]),
    ]);
  const first = ways[0] as WalkState;
  if (ways.every((w) => alike(w) === alike(first))) {
    const step = first.run.steps.find((x, k) => k >= s.run.steps.length && x.line === rule.line);
    if (step) step.chance = unknownWhat(rule, env, s.p) || (t?.kind === "pick" ? t.text : "");
    // Matched or not, the table ends alike, but maybe at another rule (a later DROP, the policy): both are named.
    const [ended, instead] = [first.run.steps.at(-1), followed?.run.steps.at(-1)];
    if (
      ended &&
      instead &&
      followed !== first &&
      ways.length === 2 &&
      (instead.kind !== ended.kind || instead.line !== ended.line || instead.chain !== ended.chain)
    )
      ended.otherwise = {
        kind: instead.kind === "policy" ? "policy" : "rule",
        chain: instead.chain,
        line: instead.line,
        text: instead.text,
        verdict: instead.verdict,
      };
    // A LOG line only the taken way prints may not be printed: the rule may not have matched.
    const other = ways[ways.length - 1] as WalkState;
    const printed = new Map<string, number>();
    for (const l of other === first ? [] : other.run.logs.slice(logsBefore)) {
      const key = `${l.line}\n${l.prefix}`;
      printed.set(key, (printed.get(key) ?? 0) + 1);
    }
    first.run.logs = first.run.logs.map((l, k) => {
      if (k < logsBefore || other === first) return l;
      const key = `${l.line}\n${l.prefix}`;
      const n = printed.get(key) ?? 0;
      if (n > 0) {
        printed.set(key, n - 1);
        return l;
      }
      return { ...l, chance: true };
    });
    return first;
  }
  const chosen = env.choose?.(rule);
  // A fresh rate limit passes the first packets (its burst): that way is shown, the other named.
  const fresh = t?.kind !== "pick" && passesFresh(rule, s.p) ? first : undefined;
  const shown = (chosen !== undefined ? ways[chosen] : undefined) ?? fresh ?? followed ?? first;
  if (shown !== followed)
    markUnknownAt(env, shown, s, rule, t?.kind === "pick" ? t.text : unknownWhat(rule, env, s.p));
  const label = (w: WalkState) =>
    w === followed ? "if it did not match" : followed ? "if it matched" : "another pick";
  // An outcome reached past an unmodelled target that may decide (`xt target "DNAT"`) says so: it may not be the outcome.
  const past = (w: WalkState) => {
    const targets = w.run.unmodelled.slice(unmodelledBefore).filter((u) => u.target);
    return targets.length ? ` past unmodelled ${targets.map((u) => u.what).join(", ")}` : "";
  };
  const entry = shown.run.unmodelled[unmodelledBefore];
  if (entry)
    Object.assign(entry, {
      alternatives: [
        ...new Set(
          ways.filter((w) => w !== shown).map((w) => `${label(w)}: ${describeOutcome(w)}${past(w)}`),
        ),
      ],
      index: rule.index,
      ways: ways.length,
      way: ways.indexOf(shown),
    });
  return shown;
}

/**
 * Whether what leaves `rule` undecided is only rate limits that a fresh token bucket lets `p` through
 * (`limit rate 1/second`, `-m limit`, `-m hashlimit --hashlimit-upto`; not `limit rate over`,
 * `--hashlimit-above`, nor `!`): a connection's first packet then matches, as the kernel did. A limit
 * whose direction the rule does not show (`limit name "x"`, iptables-nft's `xt match "hashlimit"`) is
 * not taken as passed, nor an nft byte rate whose rate and burst are fewer bytes than `p` (nft_limit_init
 * fills the bucket with rate + burst bytes); hashlimit's byte mode passes a new entry's first packet
 * whatever its rate (kernel 6.18: `--hashlimit-upto 10b/s` passed a 60-byte SYN).
 */
function passesFresh(rule: Rule, p: SimPacket): boolean {
  const unknown = rule.conditions.filter((c) => c.kind === "unknown" && !c.acts);
  return (
    unknown.length > 0 &&
    unknown.every(
      (c) =>
        c.kind === "unknown" &&
        c.chance === "rate" &&
        !c.neg &&
        !/(?:^|\s)over(?:\s|$)|--hashlimit-above|\blimit name\b|^xt match "hashlimit"/.test(c.text) &&
        bytesAllow(c.text, p.len),
    )
  );
}

/** Bytes per nft byte-rate unit. */
const BYTE_UNITS: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 * 1024 };

/** Whether an nft byte rate in `text` (`limit rate 10 kbytes/second burst 2 kbytes`) lets a fresh bucket pass `len` bytes; true when it is a packet rate. */
function bytesAllow(text: string, len: number): boolean {
  const m =
    /\blimit rate (?:over )?(\d+) ?(bytes|kbytes|mbytes)\/\S+(?: burst (\d+) ?(bytes|kbytes|mbytes))?/.exec(
      text,
    );
  if (!m) return true;
  const size = (n: string | undefined, unit: string | undefined) =>
    Number(n ?? 0) * (BYTE_UNITS[unit ?? "bytes"] ?? 1);
  return size(m[1], m[2]) + size(m[3], m[4]) >= len;
}

/** Records `rule` as undecided where the walk stands: an UNKNOWN step and an unmodelled entry. */
function markUnknown(env: WalkEnv, s: WalkState, rule: Rule, what: string): void {
  s.run.unmodelled.push({
    table: env.table.name,
    chain: s.cur.chain.name,
    line: rule.line,
    text: rule.text,
    what,
  });
  s.run.steps.push({
    kind: "rule",
    chain: s.cur.chain.name,
    index: rule.index,
    line: rule.line,
    text: rule.text,
    verdict: "UNKNOWN",
    unmodelled: true,
  });
}

/** For a way walked as if the rule matched (or picked): the unmodelled entry at the fork, its step marked undecided. */
function markUnknownAt(env: WalkEnv, shown: WalkState, at: WalkState, rule: Rule, what: string): void {
  shown.run.unmodelled.splice(at.run.unmodelled.length, 0, {
    table: env.table.name,
    chain: at.cur.chain.name,
    line: rule.line,
    text: rule.text,
    what,
  });
  // A rule that broke at a later failing match has no step of its own.
  const step = shown.run.steps[at.run.steps.length];
  if (step?.line === rule.line) step.unmodelled = true;
}

/** Unmodelled targets that may change the packet's mark (see `SimPacket.markUnknown`). */
const MARK_TARGETS = new Set(["MARK", "CONNMARK"]);

/** Whether unmodelled target `t` is a CONNMARK that names `op` (a shifted copy: it writes one of the two marks only). */
function connmarkOnly(
  t: Extract<Target, { kind: "unknown" }>,
  op: "--save-mark" | "--restore-mark",
): boolean {
  return t.name === "CONNMARK" && t.text.split(/\s+/).includes(op);
}

/** Whether target `t` lets the rule's evaluation go on past it (no verdict, a statement, a harmless unknown). */
function goesOn(t: Target): boolean {
  return (
    [
      "NONE",
      "CONTINUE",
      "LOG",
      "TRACE",
      "MARK",
      "CONNMARK",
      "TOS",
      "TTL",
      "TCPMSS",
      "NOTRACK",
      "CTZONE",
    ].includes(t.kind) ||
    (t.kind === "unknown" && t.continues === true)
  );
}

/**
 * The policy an ebtables user chain (`:MYCHAIN DROP`, `Bridge chain: MYCHAIN, ..., policy: ACCEPT`)
 * applies when a packet reaches its end: `ACCEPT` or `DROP`; undefined for its default RETURN (back
 * to the caller), for the base chain, and for nftables and iptables chains (whose user chains have no policy).
 */
function userPolicy(env: WalkEnv, chain: ChainDef): "ACCEPT" | "DROP" | undefined {
  if (chain === env.base || env.table.family !== undefined) return undefined;
  return chain.policy === "ACCEPT" || chain.policy === "DROP" ? chain.policy : undefined;
}

/** Walks from `s` to the end of the table; `force` decides the undecided rule `s` stands at. */
function walk(env: WalkEnv, s: WalkState, force?: Force): WalkState {
  const { table, ctx, base } = env;
  const { run } = s;
  for (;;) {
    const rule = s.cur.chain.rules[s.cur.at];
    if (!rule) {
      const own = userPolicy(env, s.cur.chain);
      if (own) {
        // An ebtables user chain's own policy ends the table's traversal at its end (ebt_do_table).
        run.steps.push({
          kind: "policy",
          chain: s.cur.chain.name,
          line: s.cur.chain.line,
          text: "",
          verdict: own,
        });
        run.verdict = own;
        return s;
      }
      if (s.cur.chain === base || s.stack.length === 0) {
        const policy = base.policy ?? "ACCEPT";
        run.steps.push({ kind: "policy", chain: base.name, line: base.line, text: "", verdict: policy });
        run.verdict = policy === "DROP" ? "DROP" : "ACCEPT";
        return s;
      }
      run.steps.push({
        kind: "return",
        chain: s.cur.chain.name,
        line: s.cur.chain.line,
        text: "",
        verdict: "RETURN",
      });
      s.cur = s.stack.pop() as Frame;
      continue;
    }
    const forced = force;
    force = undefined;
    // Forced: the undecided conditions taken to hold (a pick: the rule matched).
    const r = reach(rule, s.p, ctx, table.family !== undefined);
    const undecided = forced ? undefined : r.undecided;
    if (r.fails !== undefined) {
      // The rule breaks at a failing match (or an expression that could not load its value); the
      // statements written before it have acted.
      const chancy = undecided === undefined ? [] : effectsBetween(rule, undecided + 1, r.fails, r.stop);
      if (undecided === undefined || chancy.length === 0) {
        applyEffects(env, rule, s, 0, r.fails, r.stop);
        if (undecided === undefined && r.broke) noteBreak(s, rule, r.broke);
        s.cur.at++;
        if (undecided === undefined) markUnsure(env, s, rule, r.unsure);
        continue;
      }
      // An undecided match decides only whether the statements after it act before the break.
      if (followable(rule) && chancy.every((e) => e.kind === "LOG")) {
        applyEffects(env, rule, s, 0, undecided);
        s.cur.at++;
        for (const l of chancy)
          if (l.kind === "LOG" && printed(l)) run.logs.push(logHit(l, rule.line, s.p, env.entryMark, true));
        continue;
      }
      if (env.forks > 0 && followable(rule)) {
        env.forks--;
        return forkChance(env, s, rule, undefined, undecided);
      }
      applyEffects(env, rule, s, 0, undecided);
      s.cur.at++;
      markUnknown(env, s, rule, unknownWhat(rule, env, s.p));
      continue;
    }
    const m = undecided === undefined ? true : "unknown";
    if (m === "unknown" && followable(rule) && onlyLogs(rule, undecided as number)) {
      // Matched or not, the walk goes on from the next rule alike: only the LOG line may be missing.
      applyEffects(env, rule, s, 0, undecided as number);
      s.cur.at++;
      run.steps.push({
        kind: "rule",
        chain: s.cur.chain.name,
        index: rule.index,
        line: rule.line,
        text: rule.text,
        verdict: "CONTINUE",
        chance: unknownWhat(rule, env, s.p),
      });
      const lines = [
        ...effectsBetween(rule, (undecided as number) + 1, Number.POSITIVE_INFINITY),
        rule.target,
      ].filter((x): x is Extract<Target, { kind: "LOG" }> => x.kind === "LOG" && printed(x));
      for (const l of [...(rule.log ? [rule.log] : []), ...lines])
        run.logs.push(logHit(l, rule.line, s.p, env.entryMark, true));
      continue;
    }
    if (!forced && env.forks > 0 && (m === "unknown" ? followable(rule) : rule.target.kind === "pick")) {
      env.forks--;
      return forkChance(env, s, rule, m === true ? rule.target : undefined, undecided);
    }
    // A match after a verdict map may be undecided too: the walk as it stood before the rule, to follow it both ways.
    const before =
      !forced && m === true && env.forks > 0 && followable(rule) && targetPlace(rule) < rule.conditions.length
        ? cloneState(s)
        : undefined;
    s.cur.at++;
    if (rule.log && m === true) run.logs.push(logHit(rule.log, rule.line, s.p, env.entryMark));
    if (m === "unknown") {
      // Undecidable: carry on as if it did not match (the statements before the undecided match act), and say so.
      applyEffects(env, rule, s, 0, undecided as number);
      markUnknown(env, s, rule, unknownWhat(rule, env, s.p));
      continue;
    }
    let t = forced?.choice === "pick" ? forced.target : rule.target;
    const blind = t.kind === "pick";
    if (t.kind === "pick") {
      // No forks left: the first choice, undecided.
      s.run.unmodelled.push({
        table: table.name,
        chain: s.cur.chain.name,
        line: rule.line,
        text: rule.text,
        what: t.text,
      });
      t = t.choices[0] ?? { kind: "NONE" };
    }
    // The statements before the target (a mark set, a log) act even when its map lookup then breaks the rule.
    applyEffects(env, rule, s, 0, targetPlace(rule));
    if (t.kind === "vmap" || t.kind === "nat-map") {
      // The element the key finds decides (a verdict, a NAT); no element: the rule breaks (nothing more happens, nothing traced).
      const found = lookUp(env, s, t, rule);
      if (!found) {
        markUnsure(env, s, rule, forced ? undefined : r.unsure);
        continue;
      }
      t = found;
    }
    // `dnat ip to ADDR` in an inet table does nothing to an IPv6 packet: the rule goes on.
    if (otherFamily(t, s.p)) t = { kind: "CONTINUE" };
    const step: RuleStep = {
      kind: "rule",
      chain: s.cur.chain.name,
      index: rule.index,
      line: rule.line,
      text: rule.text,
      verdict: "CONTINUE",
      ...(blind ? { unmodelled: true } : {}),
    };
    run.steps.push(step);
    // Statements written after the target act only when it lets the rule go on (`vmap { 80 : continue }`,
    // a NAT of the other family): a verdict or a NAT ends the rule (nft_nat_eval sets NF_ACCEPT).
    const unsure = forced ? [] : (r.unsure ?? []);
    if (goesOn(t) && !(rule.target.kind === "pick" && t.kind === "NONE")) {
      // What an acting unknown statement before the target left unknown stays so past the map.
      const after = afterTarget(env, rule, s, t, unsure, !!forced);
      if (after.undecided && before) {
        // Followed both ways, as an undecided match before the map is; `s` is the way it did not hold.
        env.forks--;
        return forkChance(env, before, rule, undefined, undefined, s);
      }
      t = after.end;
    }
    // An acting unknown statement before the target left something unknown: said on the rule's step.
    else markUnsure(env, s, rule, unsure);
    switch (t.kind) {
      case "NONE":
      case "CONTINUE":
        continue;
      case "LOG":
        run.logs.push(logHit(t, rule.line, s.p, env.entryMark));
        continue;
      case "TRACE":
        run.trace = true;
        continue;
      case "MARK":
        applyMark(t, s.p);
        continue;
      case "CONNMARK":
        applyConnmark(t, s.p, rule.line);
        continue;
      case "TOS":
        applyTos(t, s.p);
        continue;
      case "TTL":
        applyTtl(t, s.p);
        continue;
      case "TCPMSS":
        applyMss(t, s.p, ctx);
        continue;
      case "NOTRACK":
        applyEffect(t, s.p, run, rule.line, ctx);
        continue;
      case "CTZONE":
        // A target is iptables' `-j CT --zone` (nft's `ct zone set` is a statement: applyEffect).
        applyZone(t, s.p, true);
        continue;
      case "vmap":
      case "nat-map":
      case "pick":
        continue;
      case "unknown": {
        // A non-terminating target that touches nothing modelled (CHECKSUM): the walk goes on, decided.
        if (t.continues) continue;
        // TPROXY and SYNPROXY end the walk (see ending-targets.ts); SYNPROXY lets other packets go on, decided.
        const ending = ENDING_TARGETS.has(t.name);
        const end = ending ? endingVerdict(t.name, t.text, s.p) : undefined;
        if (ending && !end) continue;
        if (end?.mark) applyMark({ kind: "MARK", op: "set", ...end.mark }, s.p);
        if (end?.markUnknown) s.p.markUnknown = `line ${rule.line}: ${t.text}`;
        // Queued: the program's verdict resumes at the next hook, never at the next rule (nf_reinject).
        const queued = QUEUE_TARGETS.has(t.name);
        // iptables-nft's `xt target "MARK"` (options not listed) may set the mark, CONNMARK restore it
        // (a shifted --save-mark writes only the connection's mark, a shifted --restore-mark only the packet's).
        if (MARK_TARGETS.has(t.name) && !connmarkOnly(t, "--save-mark"))
          s.p.markUnknown = `line ${rule.line}: ${t.text}`;
        // CONNMARK (a shifted --save-mark, `xt target "CONNMARK"`) may write the connection's mark as well.
        if (t.name === "CONNMARK" && !connmarkOnly(t, "--restore-mark") && s.p.ct)
          s.p.ct.entry.markUnknown = `line ${rule.line}: ${t.text}`;
        // An ending drop is said as one, at this rule; an ending accept by the target's name (TPROXY).
        step.verdict = end ? (end.verdict === "DROP" ? "DROP" : t.name) : queued ? "QUEUE" : "UNKNOWN";
        step.unmodelled = true;
        run.unmodelled.push({
          table: table.name,
          chain: s.cur.chain.name,
          line: rule.line,
          text: rule.text,
          what: end?.what ?? (queued ? queueUnmodelled(t.text) : t.text),
          // MARK and CONNMARK never decide: what they leave unknown is the mark, said where it is read.
          ...(MARK_TARGETS.has(t.name) ? {} : { target: true as const }),
        });
        if (end || queued) {
          run.verdict = end?.verdict ?? "ACCEPT";
          return s;
        }
        continue;
      }
      case "ACCEPT":
      case "DROP":
      case "REJECT":
        step.verdict = t.kind;
        run.verdict = t.kind;
        return s;
      case "DNAT":
      case "SNAT":
        if (t.netmap && t.addr !== undefined) {
          step.verdict = t.netmap === "hook" ? "NETMAP" : t.kind;
          run.nat = {
            kind: t.netmap === "hook" ? "NETMAP" : t.kind,
            netmap: { first: t.addr, last: t.addrHi ?? t.addr },
            ...natPorts(t.port),
          };
          return s;
        }
        step.verdict = t.kind;
        run.nat = {
          kind: t.kind,
          addr: natAddress(t, s.p),
          ...natPorts(t.port),
          ...(t.random ? { random: true } : {}),
        };
        return s;
      case "MASQUERADE":
      case "REDIRECT":
        step.verdict = t.kind;
        run.nat = {
          kind: t.kind,
          ...natPorts(t.port),
          ...(t.random ? { random: true } : {}),
          ...(t.kind === "MASQUERADE" && t.optionsUnknown ? { optionsUnknown: true } : {}),
        };
        return s;
      case "RETURN":
        step.verdict = "RETURN";
        if (s.stack.length === 0) {
          const policy = base.policy ?? "ACCEPT";
          run.steps.push({ kind: "policy", chain: base.name, line: base.line, text: "", verdict: policy });
          run.verdict = policy === "DROP" ? "DROP" : "ACCEPT";
          return s;
        }
        s.cur = s.stack.pop() as Frame;
        continue;
      case "jump":
      case "goto": {
        const target = table.chains.get(t.chain);
        step.verdict = t.kind === "jump" ? "JUMP" : "GOTO";
        step.target = t.chain;
        // A loop (which the readers report: the kernel refuses it) or a jump past the caps is not followed.
        const loops = target !== undefined && [s.cur, ...s.stack].some((f) => trailOf(f).includes(target));
        if (!target || s.stack.length >= MAX_DEPTH || loops || ++env.jumps > MAX_JUMPS) {
          run.unmodelled.push({
            table: table.name,
            chain: s.cur.chain.name,
            line: rule.line,
            text: rule.text,
            what: `-j ${t.chain}`,
          });
          step.unmodelled = true;
          continue;
        }
        if (t.kind === "jump") s.stack.push(s.cur);
        // A goto stays in the frame the jump opened: its chain joins the frame's trail.
        s.cur = {
          chain: target,
          at: 0,
          ...(t.kind === "goto" ? { trail: [...trailOf(s.cur), target] } : {}),
        };
        continue;
      }
    }
  }
}
