/**
 * LOG prefixes that a host firewall tool always writes, so a log from a machine running it parses
 * without a prefix map. Only tools whose prefixes name one table for certain are listed: ufw logs
 * from its own chains in the filter table (iptables and ip6tables alike), reached from INPUT, FORWARD
 * and OUTPUT, so each line's `IN=` and `OUT=` tell which (see `chainFitsDevices`). firewalld (with
 * `LogDenied` on) logs before its drops and rejects with prefixes that name the zone or policy and the
 * verdict; its source (src/firewall/core/nftables.py and ipXtables.py) writes them.
 */
import type { HookId } from "../model/hook.ts";
import type { LoggedDrop } from "../model/packet.ts";
import { toolPrefix } from "./firewall-tool-prefixes.ts";

/** The filter table's built-in chains; an IPv6 line is moved to ip6 by the parser, as for any `ip:` hook. */
const FILTER: readonly HookId[] = ["ip:filter:INPUT", "ip:filter:FORWARD", "ip:filter:OUTPUT"];
/** Where firewalld's iptables backend logs `STATE_INVALID_DROP: ` and `FINAL_REJECT: `. */
const FILTER_IN_FWD: readonly HookId[] = ["ip:filter:INPUT", "ip:filter:FORWARD"];

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
  // firewalld's iptables backend, at the end of INPUT and FORWARD (its nftables backend logs them in
  // table inet firewalld: a prefix map from that ruleset names those chains and wins over these).
  "STATE_INVALID_DROP:": FILTER_IN_FWD,
  "FINAL_REJECT:": FILTER_IN_FWD,
  // firewalld's reverse path filter (IPv6_rpfilter, on by default on Fedora and RHEL), in its nftables
  // backend's filter_PREROUTING (the default backend since firewalld 0.6; the iptables one logs it in
  // mangle or raw PREROUTING, by version: a prefix map names that one).
  "rpfilter_DROP:": ["ip:firewalld:filter_PREROUTING"],
  // A LOG rule a user put in Docker's DOCKER-USER chain, named after it: Docker (libnetwork's
  // firewall_linux.go) creates that chain in the filter table and jumps to it from FORWARD only.
  "DOCKER-USER:": ["ip:filter:FORWARD"],
  "DOCKER-USER": ["ip:filter:FORWARD"],
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
  // firewalld: before `ct state invalid drop` and before the reject that ends INPUT and FORWARD.
  "STATE_INVALID_DROP:": { verdict: "DROP", by: "firewalld" },
  "FINAL_REJECT:": { verdict: "REJECT", by: "firewalld" },
  "rpfilter_DROP:": { verdict: "DROP", by: "firewalld" },
};

/**
 * firewalld's zone and policy prefixes: `filter_IN_public_REJECT: ` (nftables backend, the table's
 * name first), `IN_public_REJECT: ` (iptables backend); `IN_`, `FWD_` (older: `FWDI_`, `FWDO_`) or
 * `OUT_`, then the zone or `policy_<name>`, then the verdict of the zone's or policy's target
 * (`REJECT` for `default` and `%%REJECT%%`). firewalld writes no `_DENY` prefix: `deny` names a chain.
 */
const FIREWALLD_TARGET = /^(filter_)?(IN|FWD|FWDI|FWDO|OUT)_\S+_(REJECT|DROP|ICMP_BLOCK):$/;
/** `<table>_<zone>_ICMP_BLOCK: ` (nftables) or `<zone>_ICMP_BLOCK: `: before an icmp-block's reject or drop. */
const FIREWALLD_ICMP_BLOCK = /^\S+_ICMP_BLOCK:$/;

/** The built-in chain each firewalld chain prefix is reached from. */
const FIREWALLD_CHAIN: Record<string, string> = {
  IN: "INPUT",
  FWD: "FORWARD",
  FWDI: "FORWARD",
  FWDO: "FORWARD",
  OUT: "OUTPUT",
};

/**
 * The hook of a firewalld zone or policy prefix (trimmed), or undefined: the nftables backend's
 * `filter_IN_public_REJECT:` is printed in table inet firewalld, reached from its base chain
 * `filter_INPUT`; the iptables backend's `IN_public_REJECT:` in the filter table, from INPUT.
 */
export function firewalldPrefixHook(prefix: string): HookId | undefined {
  const m = FIREWALLD_TARGET.exec(prefix);
  if (!m) return undefined;
  const chain = FIREWALLD_CHAIN[m[2] as string] as string;
  return m[1] ? `ip:firewalld:filter_${chain}` : `ip:filter:${chain}`;
}

/** OpenWrt fw4's zone chains, by the traffic a zone verdict's prefix logs: from the zone, or to it. */
const FW4_FROM: readonly HookId[] = ["ip:fw4:input", "ip:fw4:forward"];
const FW4_TO: readonly HookId[] = ["ip:fw4:forward", "ip:fw4:output"];
const FILTER_FWD_OUT: readonly HookId[] = ["ip:filter:FORWARD", "ip:filter:OUTPUT"];

/**
 * OpenWrt's zone verdicts, logged just before them (a zone's `log` option): fw4 (nftables, table inet
 * fw4) prints `drop wan in: ` (`in`: traffic from the zone, to its input or forward chain; `out`: to
 * the zone, forward or output) and, in `forward_<zone>` when the forward policy is no accept,
 * `drop wan forward: ` before that policy (ruleset.uc), and `drop wan invalid ct state: ` in `accept_to_<zone>`
 * of a masqueraded zone (zone-drop-invalid.uc: traffic to the zone, so forward or output, as `out`);
 * fw3 (iptables) `REJECT(src wan)` and `DROP(dest lan)`.
 */
const FW4_VERDICT = /^(drop|reject|accept) \S+ (in|out|forward|invalid ct state):$/;
const FW3_VERDICT = /^(DROP|REJECT|ACCEPT)\((src|dest) \S+\)$/;

/**
 * The chains that may print a host firewall's LOG prefix (trimmed), or undefined: the fixed ones
 * ({@link HOST_FIREWALL_PREFIXES}), OpenWrt's zone verdicts, which carry the zone's name, and the other
 * tools' (`firewall-tool-prefixes.ts`). The line's devices choose among them.
 */
export function hostFirewallChoices(prefix: string): readonly HookId[] | undefined {
  if (Object.hasOwn(HOST_FIREWALL_PREFIXES, prefix)) return HOST_FIREWALL_PREFIXES[prefix];
  const fw4 = FW4_VERDICT.exec(prefix);
  if (fw4) return fw4[2] === "in" ? FW4_FROM : fw4[2] === "forward" ? ["ip:fw4:forward"] : FW4_TO;
  const fw3 = FW3_VERDICT.exec(prefix);
  if (fw3) return fw3[2] === "src" ? FILTER_IN_FWD : FILTER_FWD_OUT;
  return toolPrefix(prefix)?.hooks;
}

/**
 * The drop a host firewall's LOG prefix (trimmed) announces, or undefined: ufw's and firewalld's fixed
 * prefixes ({@link HOST_FIREWALL_DROPS}), and firewalld's zone and policy prefixes, which carry the
 * zone's name (`filter_IN_public_REJECT:`, `FWD_home_DROP:`, `filter_IN_public_ICMP_BLOCK:`).
 */
export function hostFirewallDrop(prefix: string): LoggedDrop | undefined {
  if (Object.hasOwn(HOST_FIREWALL_DROPS, prefix)) return HOST_FIREWALL_DROPS[prefix];
  const m = FIREWALLD_TARGET.exec(prefix);
  if (m && m[3] !== "ICMP_BLOCK") return { verdict: m[3] as "REJECT" | "DROP", by: "firewalld" };
  if (FIREWALLD_ICMP_BLOCK.test(prefix)) return { verdict: "DROP or REJECT", by: "firewalld" };
  const openwrt = FW4_VERDICT.exec(prefix) ?? FW3_VERDICT.exec(prefix);
  const verdict = openwrt?.[1]?.toUpperCase();
  if (verdict === "DROP" || verdict === "REJECT")
    return { verdict, by: `OpenWrt ${openwrt?.[2] === "src" || openwrt?.[2] === "dest" ? "fw3" : "fw4"}` };
  return toolPrefix(prefix)?.drop;
}
