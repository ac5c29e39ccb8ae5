/**
 * The base chains of an nftables lab per hook, read from the rulesets its traces name (see
 * `hook-chains.ts`); apart so that drawing a pasted ruleset's chains needs no file reader.
 */
import { parseRulesetFile } from "../simulate/parse-ruleset-file.ts";
import { isNftJson, isNftRuleset } from "../simulate/xtables-text.ts";
import type { TraceMeta } from "../trace-file/schema.ts";
import { type HookChains, hookChains } from "./hook-chains.ts";

const isNft = (text: string) => isNftRuleset(text) || isNftJson(text);

/**
 * The base chains of a lab whose traces ran with nftables rulesets: the union of every ruleset its
 * traces name (in the order of first use), their instrumentation only located. Undefined for an
 * iptables lab (any ruleset drawn not `nft list ruleset` text), whose map lists the iptables tables.
 * @param metas the metadata of every trace of the lab
 * @param rulesets the lab's ruleset texts by name (`rulesets/<name>.rules`)
 */
export function labHookChains(
  metas: readonly Pick<TraceMeta, "ruleset" | "instrumentation">[],
  rulesets: Readonly<Record<string, string>>,
): HookChains | undefined {
  const drawn = [...new Set(metas.map((m) => m.ruleset))].filter((name) => rulesets[name] !== undefined);
  if (drawn.length === 0 || drawn.some((name) => !isNft(rulesets[name] as string))) return undefined;
  const read = (name: string) => parseRulesetFile(rulesets[name] as string, `${name}.rules`);
  const instrumentation = [...new Set(metas.flatMap((m) => (m.instrumentation ? [m.instrumentation] : [])))]
    .filter((name) => rulesets[name] !== undefined && !drawn.includes(name))
    .map(read);
  return hookChains(
    drawn.map((name) => ({ name, ruleset: read(name) })),
    instrumentation,
  );
}
