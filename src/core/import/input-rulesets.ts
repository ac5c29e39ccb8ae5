/**
 * The ruleset saves a contributor gives `packetwalk import`, read as the simulator reads them,
 * each in its own file: an error is reported at the contributor's `file:line:col`, before any lab
 * file is written (the lab's copies differ in lines and names). Pure.
 */
import type { Diagnostic } from "../model/packet.ts";
import { parseEbtables } from "../simulate/parse-ebtables.ts";
import { parseIpsetSave } from "../simulate/parse-ipset-save.ts";
import { parseIptablesSave } from "../simulate/parse-iptables-save.ts";
import { parseNftRuleset } from "../simulate/parse-nft-ruleset.ts";
import { parseRulesetText } from "../simulate/read-ruleset-text.ts";
import { hasIptablesRules, IP6TABLES_HEADER } from "./ruleset-material.ts";

/** The saves, as the contributor's files hold them, and their names. */
export interface InputRulesets {
  iptablesSave?: string;
  ip6tablesSave?: string;
  ebtablesSave?: string;
  ipsetSave?: string;
  /** `nft list ruleset` in text form; undefined when it was given as `nft -j` (its reader positions its own errors). */
  nftRuleset?: string;
  /** Whether the nft ruleset is the whole ruleset (an nftables-only host), not only its own tables next to iptables'. */
  nftOnly: boolean;
  files: Record<"iptablesSave" | "ip6tablesSave" | "ebtablesSave" | "ipsetSave" | "nftRuleset", string>;
}

/** The 1-based line ranges of the top-level `table FAMILY NAME { ... }` blocks of an nft listing. */
function nftTables(text: string): { family: string; name: string; from: number; to: number }[] {
  const out: { family: string; name: string; from: number; to: number }[] = [];
  let depth = 0;
  let open: { family: string; name: string; from: number } | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    const t = depth === 0 ? /^\s*table\s+(\S+)\s+(\S+)\s*{/.exec(line) : null;
    if (t) open = { family: t[1] as string, name: t[2] as string, from: i + 1 };
    depth += (line.match(/{/g) ?? []).length - (line.match(/}/g) ?? []).length;
    if (depth <= 0 && open) {
      out.push({ ...open, to: i + 1 });
      open = undefined;
    }
  });
  if (open) out.push({ ...open, to: Number.POSITIVE_INFINITY });
  return out;
}

/**
 * The errors of each save the lab's ruleset is built from, positioned in its own file. Of an nft
 * listing next to an iptables-save only the tables the lab keeps count: the host's own IP-family
 * tables, and the bridge tables when no ebtables-save is given.
 */
export function inputRulesetErrors(saves: InputRulesets): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { files } = saves;
  if (hasIptablesRules(saves.iptablesSave))
    out.push(...parseIptablesSave(saves.iptablesSave ?? "", { file: files.iptablesSave }).diagnostics);
  if (hasIptablesRules(saves.ip6tablesSave))
    // Its header makes the reader take IPv6 addresses; as line 0, the save's lines keep their numbers.
    out.push(
      ...parseIptablesSave(`${IP6TABLES_HEADER}\n${saves.ip6tablesSave}`, {
        file: files.ip6tablesSave,
        firstLine: 0,
      }).diagnostics,
    );
  if (saves.ebtablesSave?.trim())
    out.push(...parseEbtables(saves.ebtablesSave, { file: files.ebtablesSave }).diagnostics);
  if (saves.ipsetSave?.trim())
    out.push(...parseIpsetSave(saves.ipsetSave.split(/\r?\n/), files.ipsetSave).diagnostics);
  if (saves.nftRuleset?.trim()) {
    const kept = nftTables(saves.nftRuleset).filter(
      (t) =>
        saves.nftOnly ||
        (/^(ip|ip6|inet)$/.test(t.family) &&
          !(
            (t.family === "ip" || t.family === "ip6") &&
            /^(filter|nat|raw|mangle|security)$/.test(t.name)
          )) ||
        (t.family === "bridge" && saves.ebtablesSave === undefined),
    );
    out.push(
      ...parseNftRuleset(saves.nftRuleset, { file: files.nftRuleset }).diagnostics.filter(
        (d) => saves.nftOnly || kept.some((t) => d.position.line >= t.from && d.position.line <= t.to),
      ),
    );
  }
  return out.filter((d) => d.severity === "error");
}

/**
 * The errors of the lab's instrumentation file built from the saves (`text`, to be written as
 * `file`), for what only the saves together show; positioned in that file, which is not written.
 */
export function builtRulesetErrors(text: string, file: string): Diagnostic[] {
  return parseRulesetText(text, file)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => ({
      ...d,
      hint: `${d.hint ? `${d.hint}; ` : ""}the line is in the ruleset import builds from the saves (not written): correct the save it came from`,
    }));
}
