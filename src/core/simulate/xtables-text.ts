/**
 * Reads an xtables `.rules` file: `iptables-save` output followed by the bridge rules
 * (`ebtables-save`, `ebtables -L` or `nft list table bridge ...`), as the capture lab saves them,
 * with the bridge reader given by the caller. Apart from the nftables and bridge readers, so a bundle
 * that lists iptables rules only (the playground's worker) does not carry them; `parse-xtables-ruleset.ts`
 * is this with the bridge reader.
 */

import { BRIDGE_START } from "./bridge-part-start.ts";
import type { parseEbtables } from "./parse-ebtables.ts";
import { parseIptablesSave } from "./parse-iptables-save.ts";
import { emptyFamily, type Ruleset } from "./ruleset.ts";

/** True when the file's first statement is an nftables `table` block: an `nft list ruleset` file. */
export function isNftRuleset(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  // An `nft -f` script (an /etc/nftables.conf) may start with a command or a variable.
  return (
    first !== undefined &&
    /^\s*(table|flush\s+ruleset|(define|redefine)\s+\S|(add|create|insert|flush|delete|destroy)\s+(table|chain|rule|set|map|element|counter|quota|limit|flowtable|ct)\s|include\s+["'])/.test(
      first,
    )
  );
}

/** True when the text is `nft -j list ruleset` output (JSON). */
export function isNftJson(text: string): boolean {
  return text.trimStart().startsWith("{");
}

/**
 * The 0-based line where an xtables text's bridge rules start, -1 when it has none: a marker line
 * ({@link BRIDGE_START}), else a bare `*table` that only ebtables-save writes (see below).
 */
export function bridgePartAt(lines: readonly string[]): number {
  const at = lines.findIndex((l) => BRIDGE_START.test(l));
  if (at >= 0) return at;
  // ebtables-save never writes COMMIT: a `*table` after the last COMMIT, or the first of a text without any.
  const lastCommit = lines.findLastIndex((l) => l.trim() === "COMMIT");
  const split = lines.findIndex((l, i) => i > lastCommit && l.trim().startsWith("*"));
  const rest = lines.slice(split);
  // iptables-save gives chains [packets:bytes], ebtables-save does not, nor iptables' `-m` or `--dport`:
  // with them it is an iptables table cut short (its parser reports the missing COMMIT), as is a text
  // without COMMIT that declares no chain the ebtables way (`:INPUT ACCEPT`, `-N MYCH -P RETURN`).
  return split < 0 ||
    rest.some((l) => /^\s*:\S+\s+\S+\s+\[\d+:\d+\]\s*$|^-A\s.*\s(-m|--[ds]port)\s/.test(l)) ||
    (lastCommit < 0 && !rest.some((l) => /^\s*:\S+\s+\S+\s*$|^-N\s+\S+\s+-P\s/.test(l)))
    ? -1
    : split;
}

/**
 * Whether the bridge part of xtables text `lines` (from {@link bridgePartAt}) holds anything but
 * comments and blank lines: only then is the bridge reader needed (Docker's own files mark an empty one).
 */
export function bridgePartHoldsRules(lines: readonly string[]): boolean {
  const split = bridgePartAt(lines);
  return split >= 0 && lines.slice(split).some((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
}

/**
 * Parses `iptables-save` text and the bridge rules after it; problems are in `diagnostics`, positioned
 * in `file`, whose line `firstLine` the text starts at. `readBridge` (`parseEbtables`) reads the bridge
 * rules; throws when they hold any ({@link bridgePartHoldsRules}) and it is not given.
 */
export function readXtablesRuleset(
  text: string,
  file: string,
  firstLine: number,
  readBridge: typeof parseEbtables | undefined,
): Ruleset {
  const lines = text.split(/\r?\n/);
  const split = bridgePartAt(lines);
  const ipText = split < 0 ? text : lines.slice(0, split).join("\n");
  const ip = parseIptablesSave(ipText, { file, firstLine });
  const rules = bridgePartHoldsRules(lines);
  if (rules && !readBridge)
    throw new Error("readXtablesRuleset: the text holds bridge rules and no reader of them was given");
  const bridge =
    rules && readBridge
      ? readBridge(lines.slice(split).join("\n"), { file, firstLine: firstLine + split })
      : { rules: emptyFamily(), diagnostics: [] };
  return {
    ip: ip.rules,
    ...(ip.ip6 ? { ip6: ip.ip6 } : {}),
    bridge: bridge.rules,
    diagnostics: [...ip.diagnostics, ...bridge.diagnostics],
  };
}
