/**
 * The core's hints as the playground gives them. The parser's hint for an unknown LOG prefix names
 * the CLI's `--prefix-map FILE`, which this page has no place for: here the prefix form under
 * "Unknown LOG prefixes" and a pasted ruleset (whose LOG rules name their prefixes) do that job.
 */
import type { Diagnostic } from "../core/model/packet.ts";
import {
  ARP_PREFIX_HINT,
  PREFIX_HINT,
  PREFIX_NAMING_HINT,
  UNPLACED_CHAIN_HINT,
} from "../core/parse/parse-hints.ts";

/** The playground's words for an unknown LOG prefix, in English. */
export const PLAYGROUND_PREFIX_HINT = `${PREFIX_NAMING_HINT}, or say which chain wrote this prefix under "Unknown LOG prefixes" below, or paste the ruleset that logged it ("Ruleset (optional)"): its LOG rules tell which chain uses each prefix`;

/** The playground's words for an nft trace chain whose hook is unknown, in English. */
export const PLAYGROUND_UNPLACED_CHAIN_HINT =
  'nft trace lines name no hook: paste the trace\'s ruleset (nft list ruleset) under "Ruleset (optional)", which places each base chain at its hook';

/** The playground's English words, by the core's hint; a hint not listed is shown as the core gives it. */
const PLAYGROUND_HINTS: ReadonlyMap<string, string> = new Map([
  [PREFIX_HINT, PLAYGROUND_PREFIX_HINT],
  // The page's form names the chain whatever the family: one wording.
  [ARP_PREFIX_HINT, PLAYGROUND_PREFIX_HINT],
  [UNPLACED_CHAIN_HINT, PLAYGROUND_UNPLACED_CHAIN_HINT],
]);

/** `d` with its hint as the playground words it (the message, what the CLI prints too, is kept). */
export function playgroundDiagnostic(d: Diagnostic): Diagnostic {
  const hint = d.hint === undefined ? undefined : PLAYGROUND_HINTS.get(d.hint);
  return hint ? { ...d, hint } : d;
}
