/**
 * The logging tables `packetwalk simulate` adds to an nftables ruleset so that a simulated trace has
 * the form of a recorded one: at every hook, a `log` base chain one priority step before each base
 * chain the ruleset has there (at the chain's own priority when another chain of the ruleset holds that
 * step: registered later, it runs first), an IP nat chain counted at its NAT core's priority (its prefix
 * `<tag>/nft/<family>/<table>/<chain>` names the chain the packet is about to enter), and one of
 * packetwalk's own at a hook the ruleset leaves alone (and no legacy iptables/ebtables table beside it
 * logs). Where the ruleset SNATs at postrouting (input), the NAT core de-SNATs replies at prerouting
 * (output) with or without a nat chain there: when no chain of the ruleset sits before the core at that
 * hook, packetwalk's own sits at -101, so the reply shows with the translated address, as the capture's
 * chains before Docker's nat chains show it. Derived from the ruleset itself, so a reader's own tables
 * and priorities are logged where they run. Pure.
 */
import { natCorePriority } from "./hook-order.ts";
import { parseRulesetFile } from "./parse-ruleset-file.ts";
import type { TableDef } from "./ruleset.ts";

/** packetwalk's own table name, one per family. */
export const NFT_LOG_TABLE = "packetwalk";

const IP_HOOKS = ["prerouting", "input", "forward", "output", "postrouting"] as const;

/** Where packetwalk's own chain sits at a hook the ruleset leaves alone (the bridge's at ebtables' places). */
const OWN_PRIORITY: Record<"ip" | "ip6" | "bridge", Record<string, number>> = {
  ip: { prerouting: 0, input: 0, forward: 0, output: 0, postrouting: 0 },
  ip6: { prerouting: 0, input: 0, forward: 0, output: 0, postrouting: 0 },
  bridge: { prerouting: -300, input: -200, forward: -200, output: -200, postrouting: 300 },
};

/** The hook whose SNAT the NAT core undoes on replies at a DNAT hook (the kernel's manip by hook). */
const SNAT_UNDONE_AT: Record<string, string> = { prerouting: "postrouting", output: "input" };

/**
 * Whether an active table running for IP family `family` (its own or inet) has a nat base chain at
 * `hook`: the kernel's NAT core, registered for the whole family, then undoes its SNAT on replies at
 * the other hook ({@link SNAT_UNDONE_AT}) even where the ruleset has no nat chain there.
 */
function hasNatChainAt(tables: readonly TableDef[], family: "ip" | "ip6", hook: string): boolean {
  return tables.some(
    (t) =>
      (t.family === family || t.family === "inet") &&
      t.name !== NFT_LOG_TABLE &&
      !t.dormant &&
      [...t.chains.values()].some((c) => c.base?.type === "nat" && c.base.hook === hook),
  );
}

/** One log base chain to add. */
export interface NftLogChainPlan {
  /** `ip` (it runs among ip and inet base chains), `ip6` (among ip6 and inet ones) or `bridge`. */
  family: "ip" | "ip6" | "bridge";
  hook: string;
  priority: number;
  /** The base chain the line names: the ruleset's (first listed at that priority) or packetwalk's own. */
  names: { family: string; table: string; chain: string };
}

/**
 * Whether something else logs a hook already (a legacy iptables/ebtables table's chain there, logged
 * the iptables way): then packetwalk's own nft chain is not added at it. Default: nothing does.
 */
export type HookLogged = (family: "ip" | "ip6" | "bridge", hook: string) => boolean;

/**
 * The priorities at which something other than the nft tables runs at a hook (a legacy iptables table
 * beside them; its nat table at the NAT core's): a log chain is not put on one of them. Default: none.
 */
export type HookOccupied = (family: "ip" | "ip6" | "bridge", hook: string) => readonly number[];

/**
 * The log chains for the base chains of `source`: ruleset text (`nft list ruleset`, its JSON, or
 * either with an `iptables-legacy-save` beside it) or its parsed nftables tables. `ipFamily`: the
 * IP family logged, `ip` (default) for IPv4 packets, `ip6` for IPv6 ones. `occupied`: see {@link HookOccupied}.
 */
export function planNftLogChains(
  source: string | readonly TableDef[],
  logged?: HookLogged,
  ipFamily: "ip" | "ip6" = "ip",
  occupied?: HookOccupied,
): NftLogChainPlan[] {
  const tables = typeof source === "string" ? (parseRulesetFile(source).nft ?? []) : source;
  const plans: NftLogChainPlan[] = [];
  for (const family of [ipFamily, "bridge"] as const) {
    for (const hook of IP_HOOKS) {
      const slots: { at: number; priority: number; order: number; names: NftLogChainPlan["names"] }[] = [];
      for (const table of tables) {
        const runsHere =
          family === "bridge"
            ? table.family === "bridge"
            : table.family === family || table.family === "inet";
        // A dormant table's chains are not on their hooks: nothing to log before them.
        if (!runsHere || table.name === NFT_LOG_TABLE || table.dormant) continue;
        for (const chain of table.chains.values()) {
          if (chain.base?.hook !== hook) continue;
          // An IP nat chain runs inside the NAT core, at the core's priority: it is logged before the core.
          const nat = family !== "bridge" && chain.base.type === "nat";
          slots.push({
            at: nat ? natCorePriority(hook.toUpperCase()) : chain.base.priority,
            priority: chain.base.priority,
            order: slots.length,
            names: { family: table.family ?? family, table: table.name, chain: chain.name },
          });
        }
      }
      // By place; at one place the first listed is named (as the capture names it), nat chains by priority.
      slots.sort((a, b) => a.at - b.at || a.priority - b.priority || a.order - b.order);
      const taken = new Set([...slots.map((x) => x.at), ...(occupied?.(family, hook) ?? [])]);
      const seen = new Set<number>();
      for (const slot of slots) {
        if (seen.has(slot.at)) continue;
        seen.add(slot.at);
        plans.push({
          family,
          hook,
          // One step before the chain; where a chain of the ruleset sits there, at the chain's own priority:
          // packetwalk's tables are registered after the ruleset's, and the kernel runs the later one first.
          priority: taken.has(slot.at - 1) ? slot.at : slot.at - 1,
          names: slot.names,
        });
      }
      const core = natCorePriority(hook.toUpperCase());
      const snatHook = SNAT_UNDONE_AT[hook];
      // The core de-SNATs replies here even with no nat chain at this hook: a line before it shows the SNATed address.
      const beforeNat =
        family !== "bridge" &&
        snatHook !== undefined &&
        hasNatChainAt(tables, family, snatHook) &&
        !slots.some((x) => x.at <= core);
      if ((seen.size === 0 || beforeNat) && !logged?.(family, hook))
        plans.push({
          family,
          hook,
          priority: beforeNat ? core - 1 : (OWN_PRIORITY[family][hook] as number),
          names: { family, table: NFT_LOG_TABLE, chain: hook.toUpperCase() },
        });
    }
  }
  return plans.sort((a, b) =>
    a.family === b.family ? a.priority - b.priority : a.family !== "bridge" ? -1 : 1,
  );
}

/** The log prefix of a planned chain for run tag `tag`. */
export function nftLogTablePrefix(tag: string, plan: NftLogChainPlan): string {
  return `${tag}/nft/${plan.names.family}/${plan.names.table}/${plan.names.chain}`;
}

/**
 * `nft -f` text of the logging tables for `source` (see {@link planNftLogChains}), run tag `tag`:
 * every packet of `ipFamily` (default `ip`) is logged; `logged` and `occupied` as for {@link planNftLogChains}.
 */
export function nftLogTablesText(
  source: string | readonly TableDef[],
  tag: string,
  logged?: HookLogged,
  ipFamily: "ip" | "ip6" = "ip",
  occupied?: HookOccupied,
): string {
  const plans = planNftLogChains(source, logged, ipFamily, occupied);
  const out: string[] = [];
  for (const family of [ipFamily, "bridge"] as const) {
    out.push(`table ${family} ${NFT_LOG_TABLE} {`);
    for (const [n, plan] of plans.filter((p) => p.family === family).entries()) {
      out.push(`\tchain log-${n + 1}-${plan.hook} {`);
      out.push(`\t\ttype filter hook ${plan.hook} priority ${plan.priority}; policy accept;`);
      out.push(`\t\tlog prefix ${JSON.stringify(nftLogTablePrefix(tag, plan))} level debug`);
      out.push("\t}");
    }
    out.push("}");
  }
  return `${out.join("\n")}\n`;
}
