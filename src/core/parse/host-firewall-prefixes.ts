/**
 * LOG prefixes that a host firewall tool always writes, so a log from a machine running it parses
 * without a prefix map. Only tools whose prefixes name one table for certain are listed: ufw logs
 * from its own chains in the filter table (iptables and ip6tables alike), reached from INPUT, FORWARD
 * and OUTPUT, so each line's `IN=` and `OUT=` tell which (see `chainFitsDevices`).
 */
import type { HookId } from "../model/hook.ts";
import type { LoggedDrop } from "../model/packet.ts";

/** The filter table's built-in chains; an IPv6 line is moved to ip6 by the parser, as for any `ip:` hook. */
const FILTER: readonly HookId[] = ["ip:filter:INPUT", "ip:filter:FORWARD", "ip:filter:OUTPUT"];

/**
 * Trimmed prefix -> the chains that may print it. ufw: `[UFW BLOCK] ` (its deny logging and default
 * policies), `[UFW ALLOW] `, `[UFW AUDIT] ` and `[UFW AUDIT INVALID] ` (`logging high`/`full`),
 * `[UFW LIMIT BLOCK] ` (`ufw limit`). A prefix map given by the user wins over these.
 */
export const HOST_FIREWALL_PREFIXES: Readonly<Record<string, readonly HookId[]>> = {
  "[UFW BLOCK]": FILTER,
  "[UFW ALLOW]": FILTER,
  "[UFW AUDIT]": FILTER,
  "[UFW AUDIT INVALID]": FILTER,
  "[UFW LIMIT BLOCK]": FILTER,
};

/**
 * Trimmed prefix -> the drop it announces. ufw writes `[UFW BLOCK] ` only where a DROP or REJECT
 * follows (its default policy, `ufw deny|reject ... log`, packets to no local address: a `reject`
 * default or rule rejects, which the line does not tell), `[UFW LIMIT BLOCK] ` before `ufw-user-limit`'s
 * REJECT, and `[UFW AUDIT INVALID] ` in `ufw-logging-deny`, reached only for a conntrack-INVALID
 * packet that `ufw-before-input` then drops. `[UFW ALLOW] ` and `[UFW AUDIT] ` log packets that go on.
 */
export const HOST_FIREWALL_DROPS: Readonly<Record<string, LoggedDrop>> = {
  "[UFW BLOCK]": { verdict: "DROP or REJECT", by: "ufw" },
  "[UFW LIMIT BLOCK]": { verdict: "REJECT", by: "ufw" },
  "[UFW AUDIT INVALID]": { verdict: "DROP", by: "ufw" },
};
