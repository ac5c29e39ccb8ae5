/**
 * Whether a ruleset gives connections a conntrack helper, which the simulator does not follow: nft's
 * `ct helper set "obj"`, iptables' `-j CT --helper ftp`, or nft's listing of iptables-nft's CT target
 * (`xt target "CT"`, its options not shown). Without any, no connection has a helper (the kernel's
 * automatic assignment has been off by default since Linux 4.7 and gone since 6.0).
 */
import type { Ruleset } from "./ruleset.ts";

const ASSIGNS = /\bct helper set\b|-j CT\b.*--helper\b|\bxt target "?CT\b/;

/** Whether any rule of `ruleset` may assign a connection helper. */
export function assignsHelpers(ruleset: Ruleset): boolean {
  const tables = [
    ...ruleset.ip.tables.values(),
    ...(ruleset.ip6?.tables.values() ?? []),
    ...ruleset.bridge.tables.values(),
    ...(ruleset.nft ?? []),
  ];
  return tables.some((t) => [...t.chains.values()].some((c) => c.rules.some((r) => ASSIGNS.test(r.text))));
}
