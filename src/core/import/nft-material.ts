/**
 * Recognises an nftables ruleset among a contributor's saves by its content, whatever the file is
 * named: `nft -j list ruleset` output (JSON) becomes the same ruleset as `nft list ruleset` prints
 * it, so that an import reads it exactly as the text form; an nft ruleset (text or JSON) saved
 * where `iptables-save`, `ip6tables-save` or `ebtables-save` output was expected is taken as the nft
 * ruleset. Pure.
 */
import type { Diagnostic } from "../model/packet.ts";
import { nftJsonText } from "../simulate/parse-nft-json.ts";
import { isNftRuleset } from "../simulate/xtables-text.ts";

/** Whether `text` is `nft -j list ruleset` output: a JSON object whose first key is `nftables`. */
export function isNftJsonRuleset(text: string | undefined): boolean {
  return /^\s*\{\s*"nftables"\s*:/.test(text ?? "");
}

/** The ruleset fields of the material an nft ruleset may have been saved under, in the order looked at. */
const SLOTS = ["nftRuleset", "iptablesSave", "ip6tablesSave", "ebtablesSave"] as const;

/** The saves an nft ruleset may be among (a subset of `ImportMaterial`). */
export type RulesetSaves = Partial<Record<(typeof SLOTS)[number], string>>;

/** Where the material's nft ruleset was found and what was done with it (for the reviewer's notes). */
export interface NftMaterial<M extends RulesetSaves> {
  material: M;
  /** One note per save moved or rewritten. */
  notes: string[];
  /** The JSON's own problems (an error means it could not be read whole). */
  diagnostics: Diagnostic[];
}

/**
 * `material` with its nft ruleset, wherever it was saved, in `nftRuleset` and in nft's text form.
 * `names` gives each field's file name for the notes and positions (default: the field's name).
 */
export function nftMaterial<M extends RulesetSaves>(
  material: M,
  names: Partial<Record<(typeof SLOTS)[number], string>> = {},
): NftMaterial<M> {
  const out: M = { ...material };
  const notes: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const slot of SLOTS) {
    const text = out[slot];
    if (text === undefined) continue;
    const json = isNftJsonRuleset(text);
    if (!json && (slot === "nftRuleset" || !isNftRuleset(text))) continue;
    const file = names[slot] ?? slot;
    if (slot !== "nftRuleset") {
      if (out.nftRuleset !== undefined && out.nftRuleset.trim() !== "") continue;
      delete out[slot];
      notes.push(
        `${file} holds an nft ruleset${json ? " (nft -j)" : ""}, not ${slot}'s output: it is read as the nft ruleset`,
      );
    }
    if (!json) {
      out.nftRuleset = text;
      continue;
    }
    const written = nftJsonText(text, { file });
    diagnostics.push(...written.diagnostics);
    out.nftRuleset = `${written.text}\n`;
    notes.push(
      `${file} is nft -j list ruleset output (JSON): it is read as the same ruleset in nft list ruleset's text form`,
    );
  }
  return { material: out, notes, diagnostics };
}
