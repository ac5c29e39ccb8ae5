/**
 * Hints of the ruleset readers' warnings that are not about an unmodelled piece (those are in
 * `unmodelled-hints.ts`): shared so the zh-TW playground translates them by the same string.
 */

/** A table given twice in one iptables-save. */
export const TABLE_TWICE_HINT = "iptables-restore keeps the last one given";

/** A netdev / ingress / egress base chain, which the walk from prerouting to postrouting never meets. */
export const DEVICE_HOOK_HINT =
  "packets are walked from prerouting to postrouting; what this chain drops or rewrites is not predicted";

/** `-m set` naming an ipset no `ipset save` in the file creates. */
export const MISSING_IPSET_HINT =
  "add the host's `ipset save` output to the ruleset file (packetwalk import reads ipset-save.txt); until then the simulator follows both outcomes";
