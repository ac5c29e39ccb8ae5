/**
 * Reads an xtables `.rules` file: `iptables-save` output followed by the bridge rules
 * (`ebtables-save`, `ebtables -L` or `nft list table bridge ...`), as the capture lab saves them:
 * `xtables-text.ts` with the bridge reader. Apart from the nftables readers.
 */

import { parseEbtables } from "./parse-ebtables.ts";
import type { Ruleset } from "./ruleset.ts";
import { readXtablesRuleset } from "./xtables-text.ts";

export { bridgePartAt, bridgePartHoldsRules, isNftJson, isNftRuleset } from "./xtables-text.ts";

/**
 * Parses `iptables-save` text and the bridge rules after it; problems are in `diagnostics`, positioned
 * in `file`, whose line `firstLine` (default 1) the text starts at.
 */
export function parseXtablesRuleset(text: string, file = "ruleset.rules", firstLine = 1): Ruleset {
  return readXtablesRuleset(text, file, firstLine, parseEbtables);
}
