/** The hooks of a ruleset text's nftables base chains (see {@link chainHooksOf}). */
import type { ChainHooks } from "../model/hook.ts";
import { chainHooksOf } from "./chain-hooks-of.ts";
import { parseRulesetFile } from "./parse-ruleset-file.ts";

/**
 * `hook id -> built-in hook` for the base chains of `text` (`nft list ruleset`, an `nft -f` script or
 * `nft -j` JSON; iptables text has none). A ruleset that does not read gives what could be read: its
 * problems are reported where it is simulated.
 */
export function chainHooksFromRuleset(text: string): ChainHooks {
  return chainHooksOf(parseRulesetFile(text));
}
