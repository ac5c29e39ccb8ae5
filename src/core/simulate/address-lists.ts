/**
 * `-s a,b -d c` in iptables-restore input: iptables adds one rule per source and destination
 * (sources outer, destinations inner), each with one address; iptables-save prints them so.
 */
import type { Token } from "./tokenize-rule.ts";
import { IPTABLES_LONG, longOptionOf } from "./xt-long-options.ts";

/** The options naming a rule's addresses (also shortened, `--sour`: see `xt-long-options.ts`). */
const ADDRESS_OPTIONS = new Set(["-s", "--source", "--src", "-d", "--destination", "--dst"]);

/** Most rules one line may stand for: past this a list is an error, not minutes of work. */
const MAX_RULES = 65536;

/**
 * A rule's words once per address of its lists (one list of words when it has none), sources outer
 * and destinations inner whatever their order in the rule, or a problem (`-s` or `-d` given twice
 * is one, as in iptables, said before any list is made).
 */
export function addressLists(
  words: readonly Token[],
): { specs: Token[][] } | { column: number; message: string; hint: string } {
  const at: Record<"s" | "d", number[]> = { s: [], d: [] };
  for (let k = 0; k < words.length - 1; k++) {
    const opt = words[k] as Token;
    const name = opt.value.startsWith("--") ? longOptionOf(opt.value, IPTABLES_LONG) : opt.value;
    if (opt.quoted || !ADDRESS_OPTIONS.has(name ?? "")) continue;
    at[name === "-s" || name === "--source" || name === "--src" ? "s" : "d"].push(k + 1);
  }
  for (const [flag, given] of [
    ["-s", at.s],
    ["-d", at.d],
  ] as const) {
    const second = given[1] === undefined ? undefined : (words[given[1] - 1] as Token);
    if (second)
      return {
        column: second.column,
        message: `${second.value} is given twice in one rule (iptables: multiple ${flag} flags not allowed)`,
        hint: `write one rule per ${flag === "-s" ? "source" : "destination"}, or a list: ${flag} a,b`,
      };
  }
  const lists: { k: number; parts: string[] }[] = [];
  for (const k of [...at.s, ...at.d]) {
    const value = words[k] as Token;
    if (value.quoted || !value.value.includes(",")) continue;
    const opt = words[k - 1] as Token;
    if (words[k - 2]?.value === "!" && !words[k - 2]?.quoted)
      return {
        column: opt.column,
        message: `'! ${opt.value} ${value.value}': iptables takes '!' with one address only (! not allowed with multiple source or destination IP addresses)`,
        hint: "write one rule per address, each with '!', or match the list with an ipset",
      };
    const parts = value.value.split(",");
    if (parts.includes(""))
      return {
        column: value.column,
        message: `'${value.value}' has an empty address in its list`,
        hint: "separate addresses with single commas, e.g. -s 10.0.0.1,10.0.0.2",
      };
    lists.push({ k, parts });
  }
  if (lists.reduce((n, l) => n * l.parts.length, 1) > MAX_RULES)
    return {
      column: (words[lists[0]?.k ?? 0] as Token).column,
      message: `the address lists make more than ${MAX_RULES} rules of one line`,
      hint: "match long lists with an ipset (-m set --match-set NAME src)",
    };
  let specs: Token[][] = [[...words]];
  for (const { k, parts } of lists)
    specs = specs.flatMap((spec) => parts.map((p) => spec.map((t, j) => (j === k ? { ...t, value: p } : t))));
  return { specs };
}

/** A rule's words as one string, as a `-D CHAIN rule` that deletes nothing is quoted back. */
export function specText(words: readonly Token[]): string {
  return words.map((w) => w.value).join(" ");
}
