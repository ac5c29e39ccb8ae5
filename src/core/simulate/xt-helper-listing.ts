/**
 * `ct helper "ftp"` in a table iptables-nft may keep (`table ip filter`, `table ip6 mangle`): nft lists
 * iptables' `-m helper --helper ftp` so, and the two differ. Recorded on kernel 6.18 (test/fixtures/
 * simulate/ct-protocol-helper): xt_helper reads the helper that expected the connection, so `! --helper
 * ftp` held for every other connection, while nft's own expression ends the rule on a connection
 * without a helper, negated or not. Such a compare is left undecided, with a warning at it.
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

/** Turns `parsed`'s `ct helper` compares into undecided ones when `table` may be iptables-nft's. */
export function undecideXtHelper(
  table: TableDef,
  parsed: ParsedNftRule,
  shown: readonly NftToken[],
  report: Report,
): void {
  if (!xtTable(table)) return;
  parsed.conditions.forEach((c, k) => {
    if (c.kind !== "nft-set" || c.key !== "ct helper" || c.concat || c.set) return;
    const first = c.elements?.[0];
    const text = `ct helper ${c.neg ? "!= " : ""}"${first?.kind === "value" ? first.value : ""}"`;
    parsed.conditions[k] = { kind: "unknown", text, neg: false };
    const at = shown.find((w, n) => w.value === "ct" && shown[n + 1]?.value === "helper") ?? shown[0];
    if (at)
      report(
        at,
        `'${text}' in table ${table.family} ${table.name} is not modelled: nft lists iptables-nft's -m helper the same way, and the two differ (xt_helper reads the helper that expected the connection, nft's own expression the connection's helper)`,
        XT_HELPER_HINT,
        "warning",
      );
  });
}
