/**
 * The tagged LOG rules the seed's lab puts at the top of every chain, as
 * `iptables-restore` text and `ebtables` argument arrays, with their exact
 * removal. Pure: nothing here runs a command.
 *
 * A prefix is `<tag>/iptable/<table>-<CHAIN>` (`ip6t` for ip6tables, `ebtable`
 * for ebtables), with the seed's abbreviations PREROUTE / POSTROUTE so that it
 * fits the kernel's 29 characters (`ip6table/mangle-POSTROUTE` would not).
 */

/** The kernel's limit on a LOG prefix (`--log-prefix`), in characters. */
export const MAX_PREFIX = 29;

/** The iptables table/chain pairs that get a LOG rule, in the order they are listed. */
export const IPTABLES_CHAINS: ReadonlyArray<readonly [string, string]> = [
  ["raw", "PREROUTING"],
  ["raw", "OUTPUT"],
  ["mangle", "PREROUTING"],
  ["mangle", "INPUT"],
  ["mangle", "FORWARD"],
  ["mangle", "OUTPUT"],
  ["mangle", "POSTROUTING"],
  ["nat", "PREROUTING"],
  ["nat", "INPUT"],
  ["nat", "OUTPUT"],
  ["nat", "POSTROUTING"],
  ["filter", "INPUT"],
  ["filter", "FORWARD"],
  ["filter", "OUTPUT"],
];

/** The ebtables table/chain pairs that exist with ebtables-nft (which has no `broute` table). */
export const EBTABLES_CHAINS: ReadonlyArray<readonly [string, string]> = [
  ["filter", "INPUT"],
  ["filter", "FORWARD"],
  ["filter", "OUTPUT"],
  ["nat", "PREROUTING"],
  ["nat", "OUTPUT"],
  ["nat", "POSTROUTING"],
];

/** The rule families: iptables, ip6tables, ebtables. */
export type LogFamily = "ip" | "ip6" | "bridge";

/** The family word of a LOG prefix, as `src/core/parse/prefix-to-hook.ts` reads it. */
const PREFIX_FAMILY: Record<LogFamily, string> = { ip: "iptable", ip6: "ip6t", bridge: "ebtable" };

/** One LOG rule at the top of one chain. */
export interface LogRule {
  /** `ip` for iptables, `ip6` for ip6tables, `bridge` for ebtables. */
  family: LogFamily;
  table: string;
  chain: string;
  /** The LOG prefix, at most {@link MAX_PREFIX} characters. */
  prefix: string;
  /** The match part, e.g. `["-p", "icmp"]`. */
  match: string[];
  /** 1-based position in the chain (rules of one chain are kept in the given order). */
  position: number;
}

/** Options of {@link buildLogRules}. */
export interface LogRuleOptions {
  /** The run tag that starts every prefix, e.g. `pwk3`. */
  tag: string;
  /** One rule per chain per entry. Default: ICMP, and TCP to or from ports 80 and 8080. */
  ipMatches?: string[][];
  /** One ebtables rule per chain per entry. Default: IPv4 ICMP and TCP frames (no ARP, no IGMP). */
  bridgeMatches?: string[][];
  /** One ip6tables rule per chain (the iptables chains) per entry. Default: none (no ip6tables rule). */
  ip6Matches?: string[][];
}

/** The default iptables matches: the lab's ICMP and its published port. */
export const DEFAULT_IP_MATCHES: string[][] = [
  ["-p", "icmp"],
  ["-p", "tcp", "-m", "multiport", "--ports", "80,8080"],
];

/** The default ebtables matches: IPv4 ICMP and TCP (the bridge's own IGMP reports would come at random times). */
export const DEFAULT_BRIDGE_MATCHES: string[][] = [
  ["-p", "IPv4", "--ip-proto", "icmp"],
  ["-p", "IPv4", "--ip-proto", "tcp"],
];

/** The run tag that starts every prefix of run `runId`. */
export function runTag(runId: string): string {
  return `pw${runId}`;
}

/** The `-m comment` text that marks every iptables rule of run `runId`. */
export function ruleComment(runId: string): string {
  return `pw-${runId}`;
}

/** `PREROUTING` -> `PREROUTE`, `POSTROUTING` -> `POSTROUTE` (the seed's spelling); others unchanged. */
export function abbreviateChain(chain: string): string {
  return chain.replace(/ROUTING$/, "ROUTE");
}

/** The LOG prefix for one chain; throws when it would be longer than the kernel keeps. */
export function logPrefix(tag: string, family: LogFamily, table: string, chain: string): string {
  const prefix = `${tag}/${PREFIX_FAMILY[family]}/${table}-${abbreviateChain(chain)}`;
  if (prefix.length > MAX_PREFIX) {
    throw new Error(`LOG prefix '${prefix}' is ${prefix.length} characters; the kernel keeps ${MAX_PREFIX}`);
  }
  return prefix;
}

/** Every LOG rule of a run: iptables first, then ip6tables, then ebtables. */
export function buildLogRules(options: LogRuleOptions): LogRule[] {
  const ipMatches = options.ipMatches ?? DEFAULT_IP_MATCHES;
  const bridgeMatches = options.bridgeMatches ?? DEFAULT_BRIDGE_MATCHES;
  const rules: LogRule[] = [];
  for (const [family, chains, matches] of [
    ["ip", IPTABLES_CHAINS, ipMatches],
    ["ip6", IPTABLES_CHAINS, options.ip6Matches ?? []],
    ["bridge", EBTABLES_CHAINS, bridgeMatches],
  ] as const) {
    for (const [table, chain] of chains) {
      matches.forEach((match, index) => {
        rules.push({
          family,
          table,
          chain,
          prefix: logPrefix(options.tag, family, table, chain),
          match: [...match],
          position: index + 1,
        });
      });
    }
  }
  return rules;
}

/** The rule specification after the chain name (iptables), with the comment tag. */
export function iptablesSpec(rule: LogRule, comment: string): string[] {
  return [
    ...rule.match,
    "-m",
    "comment",
    "--comment",
    comment,
    "-j",
    "LOG",
    "--log-prefix",
    rule.prefix,
    "--log-level",
    "debug",
  ];
}

/**
 * `iptables-restore --noflush` text that inserts (`insert`) or deletes (`delete`) the rules of
 * `family` among `rules` (default `ip`; `ip6` gives `ip6tables-restore` text).
 */
export function iptablesRestoreText(
  rules: readonly LogRule[],
  comment: string,
  action: "insert" | "delete",
  family: "ip" | "ip6" = "ip",
): string {
  const byTable = new Map<string, string[]>();
  for (const rule of rules) {
    if (rule.family !== family) continue;
    const spec = iptablesSpec(rule, comment).join(" ");
    const line =
      action === "insert" ? `-I ${rule.chain} ${rule.position} ${spec}` : `-D ${rule.chain} ${spec}`;
    const lines = byTable.get(rule.table) ?? [];
    lines.push(line);
    byTable.set(rule.table, lines);
  }
  let text = "";
  for (const [table, lines] of byTable) text += `*${table}\n${lines.join("\n")}\nCOMMIT\n`;
  return text;
}

/** The `ebtables` command that inserts or deletes one bridge rule (an `-p IPv6` frame logs its IPv6 header). */
export function ebtablesArgv(rule: LogRule, action: "insert" | "delete"): string[] {
  const where = action === "insert" ? ["-I", rule.chain, String(rule.position)] : ["-D", rule.chain];
  const proto = rule.match.indexOf("-p");
  const ipv6 = proto >= 0 && rule.match[proto + 1] === "IPv6";
  return [
    "ebtables",
    "-t",
    rule.table,
    ...where,
    ...rule.match,
    "--log",
    "--log-level",
    "debug",
    ipv6 ? "--log-ip6" : "--log-ip",
    "--log-prefix",
    rule.prefix,
  ];
}

/** The `iptables` commands that insert (or delete) TRACE rules in raw PREROUTING and OUTPUT for each match. */
export function traceRuleArgvs(
  matches: string[][],
  comment: string,
  action: "insert" | "delete",
): string[][] {
  const argvs: string[][] = [];
  for (const chain of ["PREROUTING", "OUTPUT"]) {
    matches.forEach((match, index) => {
      const where = action === "insert" ? ["-I", chain, String(index + 1)] : ["-D", chain];
      argvs.push([
        "iptables",
        "-t",
        "raw",
        ...where,
        ...match,
        "-m",
        "comment",
        "--comment",
        comment,
        "-j",
        "TRACE",
      ]);
    });
  }
  return argvs;
}

/**
 * The `iptables-restore --noflush` text that deletes every rule of `iptablesSave`
 * (output of `iptables-save`) carrying `--comment <comment>`: what `--cleanup`
 * uses on a host after a killed run. Returns an empty string when none is found.
 */
export function deleteTaggedRulesText(iptablesSave: string, comment: string): string {
  let table = "";
  const byTable = new Map<string, string[]>();
  const tagged = new RegExp(`(^| )--comment "?${comment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?( |$)`);
  for (const line of iptablesSave.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    else if (line.startsWith("-A ") && tagged.test(line)) {
      const lines = byTable.get(table) ?? [];
      lines.push(`-D ${line.slice(3)}`);
      byTable.set(table, lines);
    }
  }
  let text = "";
  for (const [name, lines] of byTable) text += `*${name}\n${lines.join("\n")}\nCOMMIT\n`;
  return text;
}
