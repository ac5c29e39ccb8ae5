/**
 * Reads a `.rules` file's text forms: `iptables-save` output followed by the bridge rules
 * (`ebtables-save`, `ebtables -L` or `nft list table bridge ...`), a whole `nft list ruleset` or an
 * `nft -f` script, both in any order, and an `ipset save` anywhere. The nft and `ipset save` readers
 * are given ({@link TextReaders}), so that the playground fetches each only for text that holds its
 * part ({@link mayHoldIpsetSave}, {@link nftNeeded}); `parseRulesetText` (`read-ruleset-text.ts`, the
 * CLI's) gives them all. `nft -j list ruleset` is read by `parse-ruleset-file.ts`.
 */
import { legacyTablesMissing } from "./legacy-tables-note.ts";
import type { ParsedNft, ParseNftOptions } from "./nft-ruleset-reader.ts";
import type { parseEbtables } from "./parse-ebtables.ts";
import type { parseIpsetSave, takeIpsetSection } from "./parse-ipset-save.ts";
import { brnfTies, CREATED_AFTER, registrationTies } from "./registration-ties.ts";
import { resolveIpsets } from "./resolve-ipsets.ts";
import { emptyFamily, type Ruleset } from "./ruleset.ts";
import { isNftScript } from "./tokenize-nft.ts";
import { restoreToolComments } from "./tool-comment-lines.ts";
import { bridgePartHoldsRules, isNftRuleset, readXtablesRuleset } from "./xtables-text.ts";

// For the playground, which takes them from here: the xtables readers then come in this module's chunk.
export { isNftJson, isNftRuleset } from "./xtables-text.ts";

/**
 * The comment that marks nft text as created before the file's iptables tables (`packetwalk import`
 * writes it above a host firewall that `nft list ruleset` lists before iptables-nft's tables): at an
 * equal priority its base chains then run after theirs. Without it nft tables count as created after.
 */
export const CREATED_BEFORE = /^#.*\bcreated before the iptables tables\b/m;

/** The `ipset save` reader (`parse-ipset-save.ts`). */
export interface IpsetReader {
  takeIpsetSection: typeof takeIpsetSection;
  parseIpsetSave: typeof parseIpsetSave;
}

/** The readers of the parts a `.rules` file holds besides `iptables-save` and the bridge rules. */
export interface TextReaders {
  /**
   * Reads nft text: `parseNftRuleset`, or `readNftRuleset` for text without an `nft -f` script's
   * variables and commands. Needed when the file holds nft text ({@link nftNeeded}).
   */
  nft?: (text: string, options: ParseNftOptions) => ParsedNft;
  /** Needed when the file may hold an `ipset save` ({@link mayHoldIpsetSave}). */
  ipset?: IpsetReader;
  /** The bridge reader (`parseEbtables`), needed when an xtables part holds bridge rules ({@link ebtablesNeeded}). */
  ebtables?: typeof parseEbtables;
}

/**
 * Parses a `.rules` file's text (not JSON) into both families; problems are in `diagnostics`,
 * positioned in `file`. A file that starts with an nftables `table` is read as `nft list ruleset`
 * output: every table of every family (iptables-nft's included) goes to `nft`. An `iptables-save`
 * before, after or between nft text (a host with legacy iptables tables too) is read as such; nft text
 * under a {@link CREATED_BEFORE} comment was created before the iptables tables. Throws when the text
 * holds a part whose reader is not in `readers`.
 */
export function readRulesetText(text: string, file: string, readers: TextReaders): Ruleset {
  if (!readers.ipset && mayHoldIpsetSave(text)) missing("an ipset save");
  // `nft list ruleset` and an `iptables-legacy-save` (whose tables nft does not list), in any order,
  // and an `ipset save` anywhere: its lines are read apart and blanked, so line numbers stay.
  const { lines, ipset, text: taken } = withoutIpsetSection(text, readers.ipset);
  const uncommented = restoreToolComments(lines, file);
  const rest = uncommented ? lines.join("\n") : taken;
  const ruleset = parseParts(
    rest,
    lines,
    file,
    readers.nft ?? (() => missing("nft rules")),
    readers.ebtables,
  );
  if (ipset.lines.length > 0 && readers.ipset) {
    const parsed = readers.ipset.parseIpsetSave(ipset.lines, file, ipset.first);
    ruleset.ipsets = parsed.sets;
    ruleset.diagnostics.push(...parsed.diagnostics);
  }
  if (uncommented) ruleset.diagnostics.unshift(uncommented);
  resolveIpsets(ruleset, file);
  ruleset.diagnostics.push(...legacyTablesMissing(lines, file));
  ruleset.file = file;
  return ruleset;
}

/**
 * Whether `text` may hold an `ipset save`: a line starting with `create` (each such section starts
 * with one). False means {@link readRulesetText} needs no `ipset` reader.
 */
export function mayHoldIpsetSave(text: string): boolean {
  return /^create\s/m.test(text);
}

/**
 * The nft reader {@link readRulesetText} needs for `text` (its `ipset save` taken out with `ipset`,
 * given when {@link mayHoldIpsetSave}): none when it holds no nft text, `readNftRuleset` for a listing,
 * `parseNftRuleset` for an `nft -f` script's variables and commands (`isNftScript`).
 */
export function nftNeeded(text: string, ipset?: IpsetReader): "none" | "listing" | "script" {
  const { lines, text: rest } = withoutIpsetSection(text, ipset);
  const parts = splitParts(rest, lines).filter((p) => p.nft);
  if (parts.length === 0) return "none";
  return parts.some((p) => isNftScript(lines.slice(p.from, p.to).join("\n"))) ? "script" : "listing";
}

/**
 * Whether {@link readRulesetText} needs the bridge reader for `text` (its `ipset save` taken out with
 * `ipset`): an xtables part with bridge rules after its iptables-save.
 */
export function ebtablesNeeded(text: string, ipset?: IpsetReader): boolean {
  const { lines, text: rest } = withoutIpsetSection(text, ipset);
  return splitParts(rest, lines).some((p) => !p.nft && bridgePartHoldsRules(lines.slice(p.from, p.to)));
}

/** `text`'s lines with the `ipset save` section blanked when there is one (and `ipset` to take it), and them joined. */
function withoutIpsetSection(
  text: string,
  ipset: IpsetReader | undefined,
): { lines: string[]; ipset: ReturnType<typeof takeIpsetSection>; text: string } {
  const lines = text.split(/\r?\n/);
  const section = ipset?.takeIpsetSection(lines) ?? { lines: [], first: 1 };
  return { lines, ipset: section, text: section.text === undefined ? text : lines.join("\n") };
}

/** A run of a `.rules` file's lines, from `from` up to `to` (excluded): nft text or xtables text. */
interface Part {
  nft: boolean;
  from: number;
  to: number;
}

/** A part whose reader {@link readRulesetText} was not given: the caller's mistake (see {@link TextReaders}). */
function missing(what: string): never {
  throw new Error(`readRulesetText: the text holds ${what} and no reader of it was given`);
}

/** The iptables, ebtables and nft parts of a `.rules` file (see {@link readRulesetText}). */
function parseParts(
  text: string,
  lines: string[],
  file: string,
  readNft: NonNullable<TextReaders["nft"]>,
  readBridge: TextReaders["ebtables"],
): Ruleset {
  const parts = splitParts(text, lines);
  if (parts.length === 1 && !parts[0]?.nft) return readXtablesRuleset(text, file, 1, readBridge);
  const out: Ruleset = { ip: emptyFamily(), bridge: emptyFamily(), nft: [], diagnostics: [] };
  // nft tables a comment says were created after the iptables tables: their order is known.
  const ordered = new Set<object>();
  for (const c of parts) {
    const part = lines.slice(c.from, c.to).join("\n");
    const parsed = c.nft
      ? readNft(part, { file, firstLine: c.from + 1 })
      : readXtablesRuleset(part, file, c.from + 1, readBridge);
    // One at a time: a spread of tens of thousands of diagnostics overflows the call stack.
    for (const d of parsed.diagnostics) out.diagnostics.push(d);
    if ("tables" in parsed) {
      if (CREATED_BEFORE.test(part)) for (const t of parsed.tables) t.beforeXtables = true;
      if (CREATED_AFTER.test(part)) for (const t of parsed.tables) ordered.add(t);
      for (const t of parsed.tables) out.nft?.push(t);
    } else {
      for (const [name, t] of parsed.ip.tables) out.ip.tables.set(name, t);
      if (parsed.ip6) {
        out.ip6 ??= emptyFamily();
        for (const [name, t] of parsed.ip6.tables) out.ip6.tables.set(name, t);
      }
      for (const [name, t] of parsed.bridge.tables) out.bridge.tables.set(name, t);
    }
  }
  for (const d of registrationTies(out, file, ordered)) out.diagnostics.push(d);
  for (const d of brnfTies(out, file)) out.diagnostics.push(d);
  return out;
}

/** `lines` cut where nft text gives way to an `iptables-save` or `ebtables-save` and back (`text` is them joined). */
function splitParts(text: string, lines: string[]): Part[] {
  const parts: Part[] = [];
  let nft = isNftRuleset(text);
  let from = 0;
  lines.forEach((l, at) => {
    // A bridge table listed by nft (after `# ebtables-save`) is nft text too: read by the nft reader,
    // every table runs by its chains' hooks and priorities, not only ebtables' filter/nat/broute.
    const switches = nft
      ? /^(\*[a-z]+\s*$|#\s*Generated by (ip6?|eb)tables)/.test(l)
      : /^table\s+(ip|ip6|inet|arp|netdev|bridge)\s/.test(l);
    if (!switches) return;
    // Comments right above a `table` line are the nft text's own (a CREATED_BEFORE/AFTER note).
    let start = at;
    if (!nft) while (start > from && /^#/.test(lines[start - 1] ?? "")) start--;
    if (start > from) parts.push({ nft, from, to: start });
    nft = !nft;
    from = start;
  });
  parts.push({ nft, from, to: lines.length });
  return parts;
}
