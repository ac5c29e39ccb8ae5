/**
 * `ct helper != "ftp"` in a table iptables-nft may keep (`table ip filter`, `table ip6 mangle`): nft lists
 * iptables' `-m helper ! --helper ftp` so, and the two differ. Both read the helper that expected the
 * connection (its master's), but on a connection no helper expected, or a packet without one, xt_helper's
 * negation holds while nft's own expression ends the rule (kernel 6.18, test/fixtures/simulate/
 * ct-protocol-helper). Such a compare is left undecided, with a warning at it; `ct helper "ftp"` reads
 * the same either way and stays decided.
 */
import type { ParsedNftRule } from "./parse-nft-rule.ts";
import type { TableDef } from "./ruleset.ts";
import type { NftToken } from "./tokenize-nft.ts";

/** What to give instead, said with the warning. */
export const XT_HELPER_HINT =
  "give iptables-nft-save's output for this table, or keep the rule in a table of your own";

/** Reports a problem at a token of the rule. */
type Report = (at: NftToken, message: string, hint?: string, severity?: "error" | "warning") => void;

/** Whether `table` is one iptables-nft keeps, where nft lists its xt matches as expressions. */
function xtTable(table: TableDef): boolean {
  return (
    (table.family === "ip" || table.family === "ip6") &&
    ["filter", "nat", "mangle", "raw", "security"].includes(table.name)
  );
}

/** Turns `parsed`'s negated `ct helper` compares into undecided ones when `table` may be iptables-nft's. */
export function undecideXtHelper(
  table: TableDef,
  parsed: ParsedNftRule,
  shown: readonly NftToken[],
  report: Report,
): void {
  if (!xtTable(table)) return;
  // The compares' own words, in order (`ct helper set "h"`, a statement, is none of them).
  const at = shown.filter(
    (w, n) => w.value === "ct" && shown[n + 1]?.value === "helper" && shown[n + 2]?.value !== "set",
  );
  let seen = 0;
  parsed.conditions.forEach((c, k) => {
    if (c.kind !== "nft-set" || c.key !== "ct helper" || c.concat) return;
    const where = at[seen++] ?? shown[0];
    if (!c.neg) return;
    const what = c.set
      ? `@${c.set}`
      : (c.elements ?? []).map((e) => (e.kind === "value" ? `"${e.value}"` : "?")).join(", ");
    const text = `ct helper != ${c.elements && c.elements.length > 1 ? `{ ${what} }` : what}`;
    parsed.conditions[k] = { kind: "unknown", text, neg: false, xt: true };
    if (where)
      report(
        where,
        `'${text}' in table ${table.family} ${table.name} is not modelled: nft lists iptables-nft's -m helper ! --helper the same way, and on a connection no helper expected the two differ (xt_helper's negation holds, nft's own expression ends the rule)`,
        XT_HELPER_HINT,
        "warning",
      );
  });
}
