/**
 * Reads a lab's `rulesets/<name>.rules`: `iptables-save` output followed by the bridge rules
 * (`ebtables-save`, `ebtables -L` or `nft list table bridge ...`), as the capture lab saves them,
 * or a whole `nft list ruleset` (text or JSON).
 */
import { parseNftJson } from "./parse-nft-json.ts";
import { parseRulesetText } from "./read-ruleset-text.ts";
import { brnfTies } from "./registration-ties.ts";
import { emptyFamily, type Ruleset } from "./ruleset.ts";
import { isNftJson } from "./xtables-text.ts";

export { CREATED_BEFORE } from "./read-ruleset-text.ts";
export { isNftRuleset } from "./xtables-text.ts";

/**
 * Parses a whole `.rules` file into both families; problems are in `diagnostics`, positioned in `file`.
 * One that starts with `{` is `nft -j list ruleset`; any other is read by {@link parseRulesetText}.
 */
export function parseRulesetFile(text: string, file = "ruleset.rules"): Ruleset {
  if (isNftJson(text)) {
    const nft = parseNftJson(text, { file });
    const ruleset = {
      ip: emptyFamily(),
      bridge: emptyFamily(),
      nft: nft.tables,
      diagnostics: nft.diagnostics,
      file,
    };
    ruleset.diagnostics.push(...brnfTies(ruleset, file));
    return ruleset;
  }
  return parseRulesetText(text, file);
}
