/**
 * What iptables-restore refuses in a match's options that the rule reader keeps as an unmodelled match:
 * `-m hashlimit` without `--hashlimit-name` or a rate, `-m string` without `--algo` or a pattern, a rate
 * whose unit is not a prefix of second, minute, hour or day (or whose count reads as 0), a rate past what
 * the module counts ("Rate too fast"), and `--weekdays` naming no day. Each was checked with iptables-nft
 * 1.8.9 (`iptables-restore` in a fresh namespace), message for message.
 */
import type { Token } from "./tokenize-rule.ts";

/** A refusal at a column, in iptables' words. */
export interface MatchRefusal {
  column: number;
  message: string;
  hint: string;
}

/** The option each module cannot go without, the extension's message, and a hint. */
const NEEDED: Readonly<Record<string, readonly [string, string]>> = {
  hashlimit: ["--hashlimit-name", "name the rule's hash table, e.g. --hashlimit-name ssh"],
  string: ["--algo", "write --algo bm (or kmp)"],
};

/**
 * What each module's own final check asks for before the options it marks as needed (libxt_hashlimit
 * and libxt_string run first): options any one of which will do, how the rule says them, what the
 * extension prints, and a hint.
 */
const NEEDED_ONE_OF: Readonly<Record<string, readonly [readonly string[], string, string, string]>> = {
  hashlimit: [
    ["--hashlimit-upto", "--hashlimit-above", "--hashlimit"],
    "--hashlimit-upto or --hashlimit-above",
    "You have to specify --hashlimit",
    "write --hashlimit-upto N/second to match up to a rate, or --hashlimit-above N/second past it",
  ],
  bpf: [
    ["--bytecode", "--object-pinned"],
    "--bytecode or --object-pinned",
    "bpf: one of --bytecode or --pinned is required",
    'give the program: --bytecode "N,..." (nfbpf_compile\'s output) or --object-pinned PATH',
  ],
  string: [
    ["--string", "--hex-string"],
    "--string or --hex-string",
    "STRING match: You must specify `--string' or `--hex-string'",
    "write the bytes to look for: --string GET or --hex-string |474554|",
  ],
};

/** The most each module counts in a second: libxt_limit's scale, and hashlimit's (revision 2 on). */
const MOST_PER_SECOND: Readonly<Record<string, number>> = { limit: 10000, hashlimit: 1000000 };

/** How a rate is written. */
const RATE_HINT = "write N/second, N/minute, N/hour or N/day (or s, m, h, d), N from 1";

/** Seconds in each unit a rate takes. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/** How each module says a bad rate of option `opt` written `v`. */
const BAD_RATE: Readonly<Partial<Record<string, (opt: string, v: string) => string>>> = {
  limit: (_, v) => `bad rate "${v}"'`,
  hashlimit: (opt, v) => `hashlimit: Bad value for "${opt}" option: "${v}"`,
};

/**
 * The count libxt_limit (`atoi`, kept in 32 bits) or libxt_hashlimit (`strtoull`) reads from the start
 * of `count`: leading digits in base 10, a sign wrapping around, digits past the type's end saturating.
 */
function rateCount(count: string, module: string): bigint {
  const m = /^\s*([+-]?)(\d*)/.exec(count) as RegExpExecArray;
  const n = BigInt(m[2] || "0");
  if (module === "limit") {
    const long = m[1] === "-" ? (n > 2n ** 63n ? -(2n ** 63n) : -n) : n >= 2n ** 63n ? 2n ** 63n - 1n : n;
    return BigInt.asUintN(32, long);
  }
  if (n >= 2n ** 64n) return 2n ** 64n - 1n;
  return BigInt.asUintN(64, m[1] === "-" ? -n : n);
}

/** Why `rate` (`5/sec`, `5`, hashlimit's `1kb/s`) is refused by `module`: "bad" or "fast"; or undefined. */
function rateProblem(rate: string, module: string): "bad" | "fast" | undefined {
  const slash = rate.indexOf("/");
  const unit = slash < 0 ? "second" : rate.slice(slash + 1).toLowerCase();
  // xtables takes a unit's prefix, any case: `s`, `sec`, `Minute`; `hr` is none.
  const per = unit === "" ? undefined : Object.keys(UNIT_SECONDS).find((u) => u.startsWith(unit));
  const r = rateCount(slash < 0 ? rate : rate.slice(0, slash), module);
  if (rate.includes("b/s")) return /^0*(\D|$)/.test(rate) ? "bad" : undefined;
  if (per === undefined || r === 0n) return "bad";
  return r > BigInt((MOST_PER_SECOND[module] ?? 0) * (UNIT_SECONDS[per] ?? 0)) ? "fast" : undefined;
}

/** ebtables-restore's refusal of `--limit`'s value `v` (libebt_limit reads a rate as libxt_limit does). */
export function ebtLimitRefusal(v: Token): MatchRefusal | undefined {
  const problem = rateProblem(v.value, "limit");
  if (problem === "bad")
    return {
      column: v.column,
      message: `'${v.value}' is not a rate: ebtables-restore refuses it (bad rate \`${v.value}')`,
      hint: RATE_HINT,
    };
  if (problem === "fast")
    return {
      column: v.column,
      message: `'${v.value}' is faster than --limit counts: ebtables-restore refuses it (Rate too fast "${v.value}")`,
      hint: "--limit counts at most 10000/second: write a rate up to that, or leave the limit out",
    };
  return undefined;
}

/** The first day of `--weekdays` `list` libxt_time refuses, with its message, or undefined. */
function badWeekday(list: string): string | undefined {
  for (const part of list.split(",")) {
    // libxt_time reads 3 characters of each day, a number (not 0) or a name by its first two letters.
    const day = part.slice(0, 3);
    if (/^\d*$/.test(day)) {
      if (Number(day) === 0) return "No, the week does NOT begin with Sunday.";
    } else if (!["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"].includes(day.slice(0, 2)))
      return `${day} is not a valid day specifier`;
  }
  return undefined;
}

/** iptables-restore's refusal of `-m module` with `tokens` (from `-m` on), or undefined. */
export function matchRefusal(module: string, tokens: readonly Token[]): MatchRefusal | undefined {
  const after = (opt: string) =>
    tokens.find((_, k) => tokens[k - 1]?.value === opt && !tokens[k - 1]?.quoted);
  // Whether any word may be `opt` as getopt_long reads it: whole, shortened (`--hashlimit-up`), or `--opt=value`.
  const given = (opt: string) =>
    tokens.some((t) => {
      const name = t.value.split("=")[0] as string;
      return !t.quoted && name.length > 2 && name.startsWith("--") && opt.startsWith(name);
    });
  const bad = BAD_RATE[module];
  for (const opt of ["--limit", "--hashlimit-upto", "--hashlimit-above", "--hashlimit"]) {
    const v = bad && after(opt);
    const problem = v && rateProblem(v.value, module);
    if (v && problem === "bad")
      return {
        column: v.column,
        message: `'${v.value}' is not a rate: iptables-restore refuses it (${bad(opt, v.value)})`,
        hint: RATE_HINT,
      };
    if (v && problem === "fast")
      return {
        column: v.column,
        message: `'${v.value}' is faster than -m ${module} counts: iptables-restore refuses it (Rate too fast "${v.value}")`,
        hint: `-m ${module} counts at most ${MOST_PER_SECOND[module]}/second: write a rate up to that, or leave the limit out`,
      };
  }
  const days = module === "time" ? after("--weekdays") : undefined;
  const said = days && badWeekday(days.value);
  if (days && said)
    return {
      column: days.column,
      message: `'${days.value}' names a day iptables does not know: iptables-restore refuses it ("${said}")`,
      hint: "write Mon, Tue, Wed, Thu, Fri, Sat, Sun or 1 to 7 (Monday is 1), joined by commas",
    };
  const [any, named, tool, anyHint] = NEEDED_ONE_OF[module] ?? [];
  if (any && !any.some(given))
    return {
      column: tokens[1]?.column ?? 1,
      message: `-m ${module} needs ${named}: iptables-restore refuses the rule without it ("${tool}")`,
      hint: anyHint as string,
    };
  // libxt_bpf takes one program: given both ways, its words are the same.
  if (module === "bpf" && any?.every(given))
    return {
      column: tokens[1]?.column ?? 1,
      message: `-m bpf takes ${named}, not both: iptables-restore refuses the rule ("${tool}")`,
      hint: anyHint as string,
    };
  const [needed, hint] = NEEDED[module] ?? [];
  if (needed && hint && !given(needed))
    return {
      column: tokens[1]?.column ?? 1,
      message: `-m ${module} needs ${needed}: iptables-restore refuses the rule without it ("${module}: option "${needed}" must be specified")`,
      hint,
    };
  return undefined;
}
