/**
 * Reads an xtables `.rules` file: `iptables-save` output followed by the bridge rules
 * (`ebtables-save`, `ebtables -L` or `nft list table bridge ...`), as the capture lab saves them.
 * Apart from the nftables readers, so a bundle that lists xtables rules only (the playground's
 * worker) does not carry them.
 */

import { BRIDGE_START } from "./bridge-part-start.ts";
import { parseEbtables } from "./parse-ebtables.ts";
import { parseIptablesSave } from "./parse-iptables-save.ts";
import { emptyFamily, type Ruleset } from "./ruleset.ts";

/** True when the file's first statement is an nftables `table` block: an `nft list ruleset` file. */
export function isNftRuleset(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  // An `nft -f` script (an /etc/nftables.conf) may start with a command or a variable.
  return (
    first !== undefined &&
    /^\s*(table|flush\s+ruleset|(define|redefine)\s+\S|(add|create)\s+(table|chain|rule|set|map|element)\s|include\s+")/.test(
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
  // without COMMIT that declares no chain the ebtables-save way (`:INPUT ACCEPT`).
  return split < 0 ||
    rest.some((l) => /^\s*:\S+\s+\S+\s+\[\d+:\d+\]\s*$|^-A\s.*\s(-m|--[ds]port)\s/.test(l)) ||
    (lastCommit < 0 && !rest.some((l) => /^\s*:\S+\s+\S+\s*$/.test(l)))
    ? -1
    : split;
}

/**
 * Parses `iptables-save` text and the bridge rules after it; problems are in `diagnostics`, positioned
 * in `file`, whose line `firstLine` (default 1) the text starts at.
 */
export function parseXtablesRuleset(text: string, file = "ruleset.rules", firstLine = 1): Ruleset {
  const lines = text.split(/\r?\n/);
  const split = bridgePartAt(lines);
  const ipText = split < 0 ? text : lines.slice(0, split).join("\n");
  const ip = parseIptablesSave(ipText, { file, firstLine });
  const bridge =
    split < 0
      ? { rules: emptyFamily(), diagnostics: [] }
      : parseEbtables(lines.slice(split).join("\n"), { file, firstLine: firstLine + split });
  return {
    ip: ip.rules,
    ...(ip.ip6 ? { ip6: ip.ip6 } : {}),
    bridge: bridge.rules,
    diagnostics: [...ip.diagnostics, ...bridge.diagnostics],
  };
}
