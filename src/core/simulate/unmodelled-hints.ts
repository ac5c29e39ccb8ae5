/** The hints of the readers' "is not modelled" warnings, shared so every reader says the same. */
import type { Chance } from "./ruleset.ts";

/** An unmodelled target or verdict statement that may decide the packet's fate. */
export const UNCERTAIN_HINT =
  "the simulator reports this rule's result as uncertain when a packet reaches it";

/** An unmodelled match: the packet may or may not match it, so both outcomes are followed. */
export const UNMODELLED_MATCH_HINT =
  "the simulator follows both outcomes (matched and not) and reports the rule uncertain only where they differ";

/** Where a packet without a connection stops a rule (nft_ct's NFT_BREAK), decided whatever the expression does. */
const NO_CONNECTION =
  "a packet without a connection (untracked, or not looked up yet) ends the rule here, as the kernel does";

/** {@link UNMODELLED_MATCH_HINT} of an unmodelled expression that loads a value from the connection (`ct helper`). */
export const CT_UNMODELLED_MATCH_HINT = `${NO_CONNECTION}; for a packet with one, the simulator follows both outcomes (matched and not) and reports the rule uncertain only where they differ`;

/** {@link UNCERTAIN_HINT} of an unmodelled statement that loads a value from the connection (`meta mark set ct mark & 0xff`). */
export const CT_UNCERTAIN_HINT = `${NO_CONNECTION}; for a packet with one, the simulator reports this rule's result as uncertain`;

/** An unmodelled statement or target that never decides: the walk goes on, decided. */
export const DECIDES_NOTHING_HINT =
  "it changes no verdict the simulator decides; the rules after it stay decided";

/** A chance match (a random draw): followed both ways. Every hint of a match left to chance starts "its result " (see `fold-diagnostics.ts`). */
export const CHANCE_HINT =
  "its result is chance, not the packet's: the simulator follows both outcomes and reports the rule uncertain only where they differ";

/** A match on the rate packets come at (`-m limit`, `limit rate`): followed both ways. */
export const RATE_HINT =
  "its result depends on how fast packets came before this one, not on the packet: the simulator follows both outcomes and reports the rule uncertain only where they differ";

/** A match on earlier traffic (`-m recent`, `ct count`, a quota, a set rules fill): followed both ways. */
export const STATE_HINT =
  "its result depends on the packets seen before (a list, a count or a quota the simulator does not keep), not on this one alone: the simulator follows both outcomes and reports the rule uncertain only where they differ";

/** The hint for a match whose result is `chance` (see `Condition`'s `chance`). Default: a random draw. */
export function chanceHint(chance: Chance | undefined): string {
  return chance === "rate" ? RATE_HINT : chance === "state" ? STATE_HINT : CHANCE_HINT;
}

/** iptables-nft's extension target as nft prints it (`xt target "X"`): its options are not shown. */
export const XT_HINT =
  "nft does not print this iptables-nft extension's options: give iptables-save's output for this table; until then the rule is uncertain when a packet reaches it";

/** iptables-nft's extension match as nft prints it (`xt match "conntrack"`): its options are not shown. */
export const XT_MATCH_HINT =
  "nft does not print this iptables-nft extension's options: give iptables-save's output for this table; until then the simulator follows both outcomes and reports the rule uncertain only where they differ";

/** iptables-nft's `xt target "MASQUERADE"` as nft -j prints it: modelled, but not its port options. */
export const XT_MASQUERADE_HINT =
  "--to-ports, --random or --random-fully would give another source port: give iptables-save's output for this table to see them";
