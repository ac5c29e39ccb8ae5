/**
 * `packetwalk parse --ruleset FILE`: what a log's own ruleset tells the parser. Its LOG rules map their
 * prefixes to the chains that print them (as `import` maps them), and its nftables base chains give
 * their hooks to chains whose names do not say them (`inet fw pre`).
 */
import { nftNetdevLogPrefixes, prefixMapFromRuleset } from "../core/import/ruleset-material.ts";
import type { ChainHooks, NetdevPrefixes, PrefixHooks } from "../core/model/hook.ts";
import { chainHooksFromRuleset } from "../core/simulate/chain-hooks-from-ruleset.ts";
import { parseRulesetFile } from "../core/simulate/parse-ruleset-file.ts";
import type { Ruleset } from "../core/simulate/ruleset.ts";
import { readOptionFile } from "./read-option-file.ts";

/** What {@link loadParseRuleset} reads from a ruleset. */
export interface ParseRuleset {
  /** Prefixes of the ruleset's LOG rules, mapped to the chains that print them. */
  prefixMap: PrefixHooks;
  /** The hooks of its nftables base chains by hook id. */
  chainHooks: ChainHooks;
  /** Prefixes its netdev chains print (lines of a family packetwalk does not draw). */
  netdevPrefixes: NetdevPrefixes;
  /** The ruleset as read (for a map that lists its base chains in their hook boxes). */
  ruleset: Ruleset;
}

const FORMS =
  "iptables-save, ip6tables-save or ebtables-save output, nft list ruleset, an nft -f script, or nft -j list ruleset";

/**
 * Reads `file` and what it tells the parser, or the problems that stop it, one per line, each
 * positioned (`file:line:col`) with a hint.
 */
export async function loadParseRuleset(file: string): Promise<ParseRuleset | string> {
  const read = await readOptionFile(file, "ruleset", `--ruleset takes the log's ruleset as a file: ${FORMS}`);
  if (typeof read === "string") return read;
  const text = read.text;
  const ruleset = parseRulesetFile(text, file);
  const errors = ruleset.diagnostics.filter((d) => d.severity === "error");
  // A ruleset read wrong would place lines at made-up hooks: its errors stop the parse.
  if (errors.length)
    return errors
      .map((d) => {
        const p = d.position;
        return `${p.file}:${p.line}:${p.column}: error: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ""}`;
      })
      .join("\n");
  const prefixMap = prefixMapFromRuleset(text);
  const chainHooks = chainHooksFromRuleset(text);
  const netdevPrefixes = nftNetdevLogPrefixes(text);
  if (
    Object.keys(prefixMap).length === 0 &&
    Object.keys(chainHooks).length === 0 &&
    Object.keys(netdevPrefixes).length === 0
  )
    return `${file}:1:1: error: no LOG rule and no nftables base chain found: the ruleset tells the parser nothing\n  hint: give the ruleset the log was written with: ${FORMS}`;
  return { prefixMap, chainHooks, netdevPrefixes, ruleset };
}
