/**
 * What iptables-restore refuses in a match's options that the rule reader keeps as an unmodelled match:
 * `-m hashlimit` without `--hashlimit-name`, `-m string` without `--algo`, a rate whose unit is not a
 * prefix of second, minute, hour or day (or whose count is 0), and `--weekdays` naming no day. Each was
 * checked with iptables-nft 1.8.9 (`iptables-restore` in a fresh namespace), message for message.
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

/** How each module says a bad rate of option `opt` written `v`. */
const BAD_RATE: Readonly<Partial<Record<string, (opt: string, v: string) => string>>> = {
  limit: (_, v) => `bad rate "${v}"'`,
  hashlimit: (opt, v) => `hashlimit: Bad value for "${opt}" option: "${v}"`,
};

/** Whether `rate` (`5/sec`, `5`, hashlimit's `1kb/s`) has a count above 0 and a unit iptables takes. */
function rateOk(rate: string): boolean {
  const [count = "", unit] = rate.split("/");
  // xtables takes a unit's prefix, any case: `s`, `sec`, `Minute`; `hr` is none.
  return (
    !/^0*$/.test(count) &&
    (unit === undefined ||
      (unit !== "" && ["second", "minute", "hour", "day"].some((u) => u.startsWith(unit.toLowerCase()))))
  );
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
  const bad = BAD_RATE[module];
  for (const opt of ["--limit", "--hashlimit-upto", "--hashlimit-above", "--hashlimit"]) {
    const v = bad && after(opt);
    if (v && !rateOk(v.value))
      return {
        column: v.column,
        message: `'${v.value}' is not a rate: iptables-restore refuses it (${bad(opt, v.value)})`,
        hint: "write N/second, N/minute, N/hour or N/day (or s, m, h, d), N from 1",
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
  const [needed, hint] = NEEDED[module] ?? [];
  if (needed && hint && !after(needed))
    return {
      column: tokens[1]?.column ?? 1,
      message: `-m ${module} needs ${needed}: iptables-restore refuses the rule without it ("${module}: option "${needed}" must be specified")`,
      hint,
    };
  return undefined;
}
