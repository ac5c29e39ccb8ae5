/**
 * Reads `nft list ruleset` text (also `nft -s`, `-a` and `-f` input of the same shape, variables and
 * commands included) into the shared rule model: the reader of `nft-ruleset-reader.ts` with the script
 * reader of `nft-script-reader.ts`, always. The CLI, `check`, `import` and the site build read here;
 * the playground reads with the script reader only for a script, fetched then.
 */
import { type ParsedNft, type ParseNftOptions, readNftRuleset } from "./nft-ruleset-reader.ts";
import { nftScriptReader } from "./nft-script-reader.ts";

/** Parses nft ruleset text or an `nft -f` script; problems are positioned diagnostics, this never throws. */
export function parseNftRuleset(text: string, options: ParseNftOptions = {}): ParsedNft {
  return readNftRuleset(text, { ...options, script: nftScriptReader });
}

export type { ParsedNft, ParseNftOptions } from "./nft-ruleset-reader.ts";
