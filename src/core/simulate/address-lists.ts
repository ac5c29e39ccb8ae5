/**
 * `-s a,b -d c` in iptables-restore input: iptables adds one rule per source and destination
 * (sources outer, destinations inner), each with one address; iptables-save prints them so.
 */
import type { Token } from "./tokenize-rule.ts";
import { IPTABLES_LONG, longOptionOf } from "./xt-long-options.ts";

/** The options naming a rule's addresses (also shortened, `--sour`: see `xt-long-options.ts`). */
const ADDRESS_OPTIONS = new Set(["-s", "--source", "--src", "-d", "--destination", "--dst"]);

/** A rule's words once per address of its lists (one list of words when it has none), or a problem. */
export function addressLists(
  words: readonly Token[],
): { specs: Token[][] } | { column: number; message: string; hint: string } {
  let specs: Token[][] = [[...words]];
  for (let k = 0; k < words.length - 1; k++) {
    const opt = words[k] as Token;
    const value = words[k + 1] as Token;
    const name = opt.value.startsWith("--") ? longOptionOf(opt.value, IPTABLES_LONG) : opt.value;
    if (opt.quoted || !ADDRESS_OPTIONS.has(name ?? "") || value.quoted || !value.value.includes(","))
      continue;
    const negated = words[k - 1]?.value === "!" && !words[k - 1]?.quoted;
    if (negated)
      return {
        column: opt.column,
        message: `'! ${opt.value} ${value.value}': iptables takes '!' with one address only (! not allowed with multiple source or destination IP addresses)`,
        hint: "write one rule per address, each with '!', or match the list with an ipset",
      };
    const parts = value.value.split(",");
    const empty = parts.indexOf("");
    if (empty >= 0)
      return {
        column: value.column,
        message: `'${value.value}' has an empty address in its list`,
        hint: "separate addresses with single commas, e.g. -s 10.0.0.1,10.0.0.2",
      };
    specs = specs.flatMap((spec) =>
      parts.map((p) => spec.map((t, j) => (j === k + 1 ? { ...t, value: p } : t))),
    );
  }
  return { specs };
}

/** A rule's words as one string, the way `-D CHAIN rule` is compared with the rules added. */
export function specText(words: readonly Token[]): string {
  return words.map((w) => w.value).join(" ");
}
