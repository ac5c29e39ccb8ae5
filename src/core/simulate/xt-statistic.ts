/**
 * What iptables-restore (iptables-nft 1.8.9, libxt_statistic) refuses in one `-m statistic` match, in
 * the order it finds it: each option's value as it is read, then the module's own check (a mode
 * without what it needs, a `--packet` past the round), then the generic one (`--mode` missing,
 * `--probability` with `--every`/`--packet`, `--every` and `--packet` without each other).
 */
import { closest } from "../diagnostics/format-diagnostic.ts";
import type { Token } from "./tokenize-rule.ts";
import { optionClash, optionTwice } from "./xt-option-once.ts";

/** A refusal, positioned at the word iptables-restore names. */
export interface StatisticProblem {
  column: number;
  message: string;
  hint: string;
}

/** The options libxt_statistic knows, in the order of its option table (the generic check's order). */
export const STATISTIC_OPTIONS = ["--mode", "--probability", "--every", "--packet"] as const;

/** The two modes, and what each needs. */
export const STATISTIC_MODE_HINT =
  "write --mode random --probability P, or --mode nth --every N --packet P (P from 0 to N-1)";
export const STATISTIC_PROBABILITY_HINT =
  "give the chance a packet matches: --mode random --probability 0.5 matches about half of them";
export const STATISTIC_NO_MODE_HINT =
  "-m statistic without --mode is random mode: write --mode random --probability P, or --mode nth --every N --packet P";
export const STATISTIC_NTH_HINT =
  "give both: --mode nth --every 3 --packet 0 matches the first of every 3 packets";
export const STATISTIC_PACKET_HINT =
  "add --packet, counted from 0: --every 3 --packet 0 matches the first of every 3 packets";
export const STATISTIC_EVERY_HINT = "add --every: --every 3 --packet 0 matches the first of every 3 packets";
export const STATISTIC_RANDOM_PACKET_HINT =
  "--packet counts packets in nth mode only: remove it, or write --mode nth --every N --packet P";
export const STATISTIC_PACKET_VALUE_HINT =
  "write which packet of the round matches, counted from 0: --every 3 --packet 0";
export const STATISTIC_MODE_VALUE_HINT = STATISTIC_MODE_HINT;

const U32 = 0xffffffff;

/** Words that end the options a `-m statistic` takes: another statistic match, or the target. */
const ENDS = new Set(["-j", "--jump", "-g", "--goto"]);

/**
 * iptables-restore's first refusal of the `-m statistic` match whose own words are `tokens[from..to)`
 * (`module` is the word `statistic`, for what it refuses about the match as a whole); undefined when it
 * loads. Its options given later in the rule count too (`-p tcp --every 2`: only statistic knows
 * `--every`), up to the next `-m statistic` or the target. An option's value is the word after it,
 * even past the match (`--mode -j` reads `-j`).
 */
export function statisticProblem(
  tokens: readonly Token[],
  from: number,
  to: number,
  module: Token,
): StatisticProblem | undefined {
  // libxt_statistic's data: the probability and `every` share one word (a union), so the later wins.
  let mode: "random" | "nth" = "random";
  let every = 0;
  let packet = 0;
  const given = new Map<string, Token>();
  // Given before in the match's own words: the rule's reader has refused a repeat there.
  const seen = new Set<string>();
  let modeValue: Token | undefined;
  let packetValue: Token | undefined;
  for (let k = from; k < tokens.length; k++) {
    const opt = tokens[k] as Token;
    const word = (w: Token | undefined, ...names: string[]) => !!w && !w.quoted && names.includes(w.value);
    if (
      k >= to &&
      (word(opt, ...ENDS) || (word(opt, "-m", "--match") && tokens[k + 1]?.value === "statistic"))
    )
      break;
    if (opt.quoted || !opt.value.startsWith("--") || word(tokens[k - 1], "--comment")) continue;
    const known = (STATISTIC_OPTIONS as readonly string[]).includes(opt.value);
    // Past its own words, an option of another match or of iptables: not this match's.
    if (k >= to && !known) continue;
    if (!known) {
      const near = closest(opt.value, STATISTIC_OPTIONS);
      return {
        column: opt.column,
        message: `'${opt.value}' is no option of this rule's matches: iptables-restore refuses it (unknown option "${opt.value}")`,
        hint: near
          ? `did you mean ${near}?`
          : "a match's options follow its -m (iptables-extensions(8) lists them)",
      };
    }
    const twice = optionTwice("statistic", opt.value, seen);
    if (twice) return { column: opt.column, ...twice };
    const value = tokens[k + 1];
    if (!value)
      return {
        column: opt.column,
        message: `${opt.value} needs a value: iptables-restore refuses it (option "${opt.value}" requires an argument)`,
        hint: opt.value === "--mode" ? STATISTIC_MODE_HINT : STATISTIC_PACKET_VALUE_HINT,
      };
    given.set(opt.value, opt);
    k++;
    if (opt.value === "--mode") {
      if (value.value !== "random" && value.value !== "nth")
        return {
          column: value.column,
          message: `Bad mode "${value.value}"`,
          hint: STATISTIC_MODE_VALUE_HINT,
        };
      mode = value.value;
      modeValue = value;
    } else if (opt.value === "--probability") {
      const p = Number(value.value);
      if (value.value === "" || !(p >= 0 && p <= 1))
        return {
          column: value.column,
          message: 'statistic: bad value for option "--probability", or out of range (0-1).',
          hint: "write a probability from 0 to 1, e.g. --probability 0.5",
        };
      // The kernel's fixed-point probability, written over `every`.
      every = Math.round(0x80000000 * p);
    } else if (opt.value === "--every") {
      const n = Number(value.value);
      if (!/^\d+$/.test(value.value) || !(n >= 1 && n <= U32))
        return {
          column: value.column,
          message: 'statistic: bad value for option "--every", or out of range (1-4294967295).',
          hint: "write how many packets make a round, 1 or more: --every 2 takes every second packet",
        };
      // libxt_statistic keeps every - 1.
      every = n - 1;
    } else {
      const n = Number(value.value);
      if (!/^\d+$/.test(value.value) || n > U32)
        return {
          column: value.column,
          message: 'statistic: bad value for option "--packet", or out of range (0-4294967295).',
          hint: STATISTIC_PACKET_VALUE_HINT,
        };
      packet = n;
      packetValue = value;
    }
  }
  // The module's own check.
  if (mode === "random" && !given.has("--probability"))
    return {
      column: (modeValue ?? module).column,
      message: "--probability must be specified when using random mode",
      hint: modeValue ? STATISTIC_PROBABILITY_HINT : STATISTIC_NO_MODE_HINT,
    };
  if (mode === "nth" && !given.has("--every") && !given.has("--packet"))
    return {
      column: (modeValue ?? module).column,
      message: "--every and --packet must be specified when using nth mode",
      hint: STATISTIC_NTH_HINT,
    };
  if (packetValue && packet > every)
    return {
      column: packetValue.column,
      message: "the --packet p must be 0 <= p <= n-1",
      hint:
        mode === "random"
          ? STATISTIC_RANDOM_PACKET_HINT
          : given.has("--every")
            ? `count the packet from 0: with --every ${every + 1}, --packet is 0 to ${every}`
            : STATISTIC_EVERY_HINT,
    };
  // The generic check, option by option in the table's order.
  if (!given.has("--mode"))
    return {
      column: module.column,
      message: 'statistic: option "--mode" must be specified',
      hint: STATISTIC_MODE_HINT,
    };
  const probability = given.get("--probability");
  const other = given.get("--every") ?? given.get("--packet");
  if (probability && other) {
    const [first, later] = probability.column < other.column ? [probability, other] : [other, probability];
    const clash = optionClash("statistic", later.value, new Set([first.value]));
    if (clash) return { column: later.column, ...clash };
  }
  const everyOpt = given.get("--every");
  const packetOpt = given.get("--packet");
  if (everyOpt && !packetOpt)
    return {
      column: everyOpt.column,
      message: 'statistic: option "--every" also requires "--packet".',
      hint: STATISTIC_PACKET_HINT,
    };
  if (packetOpt && !everyOpt)
    return {
      column: packetOpt.column,
      message: 'statistic: option "--packet" also requires "--every".',
      hint: STATISTIC_EVERY_HINT,
    };
  return undefined;
}
