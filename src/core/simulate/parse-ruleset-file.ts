/**
 * Reads a lab's `rulesets/<name>.rules`: `iptables-save` output followed by the bridge rules
 * (`ebtables-save`, `ebtables -L` or `nft list table bridge ...`), as the capture lab saves them,
 * or a whole `nft list ruleset` (text or JSON).
 */
import { parseNftJson } from "./parse-nft-json.ts";
import { parseNftRuleset } from "./parse-nft-ruleset.ts";
import { isNftJson, isNftRuleset, parseXtablesRuleset } from "./parse-xtables-ruleset.ts";
import { emptyFamily, type Ruleset } from "./ruleset.ts";

export { isNftRuleset } from "./parse-xtables-ruleset.ts";

/**
 * Parses a whole `.rules` file into both families; problems are in `diagnostics`, positioned in `file`.
 * A file that starts with an nftables `table` is read whole as `nft list ruleset` output: every table
 * of every family (iptables-nft's included) goes to `nft`; one that starts with `{` is `nft -j list ruleset`.
 */
export function parseRulesetFile(text: string, file = "ruleset.rules"): Ruleset {
  if (isNftRuleset(text) || isNftJson(text)) {
    const nft = isNftJson(text) ? parseNftJson(text, { file }) : parseNftRuleset(text, { file });
    return { ip: emptyFamily(), bridge: emptyFamily(), nft: nft.tables, diagnostics: nft.diagnostics };
  }
  return parseXtablesRuleset(text, file);
}
