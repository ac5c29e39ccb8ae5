/**
 * A plain-language note for an iptables `-m recent` match, in English and Traditional Chinese, from
 * the words the iptables reader takes as xt_recent's (`readRecent`): what it records or looks up, and
 * whether it can match at all. A plain `--set` records the address and always matches; an inverted
 * one (`! --set`) records it too and never matches, which the simulator reads as a `never` condition.
 */
import { recentOutcome } from "../simulate/parse-rule-args.ts";

type Pair = [en: string, zh: string];

/** The note for one `-m recent` match: a condition it tests, or what it records when it always matches. */
export interface RecentNote {
  /** `always`: records and matches, no condition; `never`: the rule is never taken; `chance`: a list lookup. */
  outcome: "always" | "never" | "chance";
  /** The words in both languages (for `always`: the recording, said before the rule's actions). */
  note: Pair;
}

/** The value of option `name` in `words` (xt_recent's options as `readRecent` returns them), or undefined. */
function optionOf(words: readonly string[], name: string): string | undefined {
  const i = words.indexOf(name);
  return i < 0 ? undefined : words[i + 1];
}

/** Explains the `-m recent` words `words` (`!` before an inverted option, values after theirs). */
export function explainRecent(words: readonly string[]): RecentNote {
  const outcome = recentOutcome([...words]);
  const list = optionOf(words, "--name") ?? "DEFAULT";
  const [who, whoZh] = words.includes("--rdest") ? ["destination", "目的"] : ["source", "來源"];
  const mask = optionOf(words, "--mask");
  const masked: Pair = mask ? [` (masked with ${mask})`, `（以 ${mask} 遮罩）`] : ["", ""];
  const where: Pair = [`the ${who} address${masked[0]}`, `${whoZh}位址${masked[1]}`];
  if (outcome === "always")
    return {
      outcome,
      note: [
        `record ${where[0]} in recent list ${list} (-m recent --set always matches)`,
        `把${where[1]}記到 recent 清單 ${list}（-m recent --set 一定符合）`,
      ],
    };
  if (outcome === "never")
    return {
      outcome,
      note: [
        `-m recent ! --set matches, which it never does (it records ${where[0]} in recent list ${list} and answers no: the rule is never taken)`,
        `-m recent ! --set 符合，但它永遠不會符合（它把${where[1]}記到 recent 清單 ${list} 後回答否：這條規則永遠不會被採用）`,
      ],
    };
  const negate = words.includes("!");
  const seconds = optionOf(words, "--seconds");
  const hits = optionOf(words, "--hitcount");
  // --rttl: the packet's TTL must also be the one the address was recorded with.
  const ttl = words.includes("--rttl");
  const within: Pair = [
    `${seconds ? ` within the last ${seconds} seconds` : ""}${hits ? ` at least ${hits} times` : ""}${ttl ? " with the TTL it was recorded with" : ""}`,
    `${seconds ? `（最近 ${seconds} 秒內` : ""}${hits ? `${seconds ? "，" : "（"}至少 ${hits} 次` : ""}${seconds || hits ? "）" : ""}${ttl ? "（TTL 與記錄時相同）" : ""}`,
  ];
  const seen: Pair = negate
    ? [
        `${where[0]} was not seen in recent list ${list}${within[0]}`,
        `${where[1]}不在 recent 清單 ${list} 中${within[1]}`,
      ]
    : [
        `${where[0]} was seen in recent list ${list}${within[0]}`,
        `${where[1]}在 recent 清單 ${list} 中${within[1]}`,
      ];
  const after: Pair = words.includes("--update")
    ? [" (its entry's time is updated)", "（並更新該項目的時間）"]
    : words.includes("--remove")
      ? [" (its entry is removed)", "（並移除該項目）"]
      : ["", ""];
  return { outcome, note: [`${seen[0]}${after[0]}`, `${seen[1]}${after[1]}`] };
}
