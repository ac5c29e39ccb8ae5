/**
 * `packetwalk parse --ruleset FILE`: what a log's own ruleset tells the parser. Its LOG rules map their
 * prefixes to the chains that print them (as `import` maps them), and its nftables base chains give
 * their hooks to chains whose names do not say them (`inet fw pre`).
 */
import { nftNetdevLogPrefixes, prefixMapFromRuleset } from "../core/import/ruleset-material.ts";
import type { ChainHooks, HookId, NetdevPrefixes, PrefixHooks } from "../core/model/hook.ts";
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

/** The prefix maps of several files as one: a prefix two files print at different hooks may be either. */
function mergePrefixMaps(maps: readonly PrefixHooks[]): PrefixHooks {
  const out: Record<string, HookId | readonly HookId[]> = {};
  for (const map of maps)
    for (const [prefix, hooks] of Object.entries(map)) {
      const both = new Set([...[out[prefix] ?? []].flat(), ...[hooks].flat()]);
      // Printed by iptables and ip6tables at one chain (ufw's): its `ip:` hook, made `ip6:` per IPv6 line by the parser.
      const all = [...both]
        .map((h) => (h.startsWith("ip6:") && both.has(`ip:${h.slice(4)}` as HookId) ? `ip:${h.slice(4)}` : h))
        .filter((h, i, list) => list.indexOf(h) === i)
        .sort() as HookId[];
      out[prefix] = all.length === 1 ? (all[0] as HookId) : all;
    }
  return out;
}

/** A reader's errors as lines `file:line:col: error: message (hint: ...)`. */
function errorLines(ruleset: Ruleset): string[] {
  return ruleset.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => {
      const p = d.position;
      return `${p.file}:${p.line}:${p.column}: error: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ""}`;
    });
}

/**
 * Reads `files` (one, or several given as repeated `--ruleset`: a dual-stack host's iptables-save and
 * ip6tables-save, its nft ruleset and ebtables-save) and what they tell the parser together, or the
 * problems that stop it, one per line, each positioned (`file:line:col`) in its own file, with a hint.
 */
export async function loadParseRuleset(files: string | readonly string[]): Promise<ParseRuleset | string> {
  const list = typeof files === "string" ? [files] : files;
  const texts: string[] = [];
  const problems: string[] = [];
  for (const file of list) {
    const read = await readOptionFile(
      file,
      "ruleset",
      `--ruleset takes the log's ruleset as a file: ${FORMS}`,
    );
    if (typeof read === "string") {
      problems.push(read);
      continue;
    }
    // Each file is read alone first, so that an error is positioned in the file that has it.
    const alone = parseRulesetFile(read.text, file);
    problems.push(...errorLines(alone));
    texts.push(read.text);
  }
  // A ruleset read wrong would place lines at made-up hooks: its errors stop the parse.
  if (problems.length) return problems.join("\n");
  const text = texts.map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("");
  const name = list.join(" + ");
  const ruleset = parseRulesetFile(text, name);
  const together = errorLines(ruleset);
  if (together.length)
    return [
      ...together,
      `  hint: each of ${list.join(", ")} reads alone; together they do not (two saves of one table?): give the files the log's host wrote, each once`,
    ].join("\n");
  // Prefixes file by file: a save without its header line is read as the family it says, not the one before.
  const prefixMap = mergePrefixMaps(texts.map(prefixMapFromRuleset));
  const chainHooks = chainHooksFromRuleset(text);
  const netdevPrefixes = nftNetdevLogPrefixes(text);
  if (
    Object.keys(prefixMap).length === 0 &&
    !Object.values(chainHooks).some((hook) => hook !== null) &&
    Object.keys(netdevPrefixes).length === 0
  )
    return `${list[0]}:1:1: error: no LOG rule and no nftables base chain found: the ruleset tells the parser nothing\n  hint: give the ruleset the log was written with: ${FORMS}`;
  return { prefixMap, chainHooks, netdevPrefixes, ruleset };
}
