/**
 * Reads a `.rules` file's text forms (`iptables-save` and the bridge rules, `nft list ruleset` or an
 * `nft -f` script, an `ipset save`): the reader of `ruleset-text-reader.ts` with every part's reader,
 * always. The CLI, `check`, `import` and the site build read here; the playground fetches each part's
 * reader only for text that holds the part.
 */
import { parseEbtables } from "./parse-ebtables.ts";
import { parseIpsetSave, takeIpsetSection } from "./parse-ipset-save.ts";
import { parseNftRuleset } from "./parse-nft-ruleset.ts";
import type { Ruleset } from "./ruleset.ts";
import { readRulesetText } from "./ruleset-text-reader.ts";

export { CREATED_BEFORE } from "./ruleset-text-reader.ts";

/**
 * Parses a `.rules` file's text (not JSON) into both families; problems are in `diagnostics`,
 * positioned in `file` (see `readRulesetText` for the forms and their order).
 */
export function parseRulesetText(text: string, file = "ruleset.rules"): Ruleset {
  return readRulesetText(text, file, {
    nft: parseNftRuleset,
    ipset: { takeIpsetSection, parseIpsetSave },
    ebtables: parseEbtables,
  });
}
