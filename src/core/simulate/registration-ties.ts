/**
 * An nft base chain and an iptables (or ebtables) table's chain at the same hook and priority run in
 * an order the file cannot tell: the kernel runs the hook registered last first (kernel 6.18: an nft
 * chain setting a mark and a legacy FORWARD rule dropping on it, at priority 0, dropped the ping only
 * when the legacy table was loaded first). The simulator takes nft tables as created after the
 * iptables ones unless a comment says otherwise; this says so where the order decides something.
 */
import type { Diagnostic } from "../model/packet.ts";
import { bridgeHookTables, IP_HOOK_TABLES, natCorePriority } from "./hook-order.ts";
import type { ChainDef, Ruleset } from "./ruleset.ts";

/**
 * The comment that marks nft text as created after the file's iptables tables, the order the
 * simulator assumes: it silences {@link registrationTies}.
 */
export const CREATED_AFTER = /^#.*\bcreated after the iptables tables\b/m;

/** Whether a chain does something a packet could notice: a rule, or a policy other than accept. */
function acts(c: ChainDef): boolean {
  return c.rules.length > 0 || (c.policy !== undefined && c.policy.toUpperCase() !== "ACCEPT");
}

/**
 * A warning at each nft base chain (of a table not marked created before or after the iptables
 * tables) that ties with an iptables/ip6tables/ebtables chain of the file at its hook: the same
 * priority, or both at the NAT core with the same own priority. Only chains that do something.
 */
export function registrationTies(ruleset: Ruleset, file: string, ordered: ReadonlySet<object>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const table of ruleset.nft ?? []) {
    if (table.beforeXtables || ordered.has(table) || table.dormant) continue;
    const family = table.family ?? "";
    const xt =
      family === "bridge"
        ? [{ rules: ruleset.bridge, hooks: bridgeHookTables("nft"), label: "ebtables" }]
        : [
            ...(family === "ip" || family === "inet" ? [{ rules: ruleset.ip, label: "iptables" }] : []),
            ...((family === "ip6" || family === "inet") && ruleset.ip6
              ? [{ rules: ruleset.ip6, label: "ip6tables" }]
              : []),
          ].map((x) => ({ ...x, hooks: IP_HOOK_TABLES }));
    for (const chain of table.chains.values()) {
      const base = chain.base;
      if (!base || !acts(chain)) continue;
      const hook = base.hook.toUpperCase();
      const nat = family !== "bridge" && base.type === "nat";
      for (const { rules, hooks, label } of xt) {
        const other = (hooks[hook] ?? []).find(({ table: name, priority }) => {
          // iptables-nft's own table, listed by nft and saved by iptables-nft-save alike, is one table.
          if (table.name === name && chain.name === hook && family !== "inet") return false;
          const c = rules.tables.get(name)?.chains.get(hook);
          if (!c || !acts(c)) return false;
          const xtNat = family !== "bridge" && name === "nat";
          const at = (isNat: boolean, p: number) => (isNat ? natCorePriority(hook) : p);
          return (
            at(nat, base.priority) === at(xtNat, priority) && (!(nat && xtNat) || base.priority === priority)
          );
        });
        if (!other) continue;
        out.push({
          severity: "warning",
          message: `chain ${chain.name} (${family} ${table.name}, hook ${base.hook} priority ${base.priorityText}) and ${label}' ${other.table} ${hook} run at the same priority: the kernel runs the one registered last first, and the file does not say which that was`,
          hint: `taken as created after the ${label} tables, so chain ${chain.name} runs first; write '# created before the iptables tables' above the nft text if it was loaded first (a firewall started at boot, before Docker), or '# created after the iptables tables' to confirm`,
          position: { file, line: chain.line, column: 1 },
        });
        break;
      }
    }
  }
  return out;
}

/** The bridge hooks br_netfilter calls an IP hook from, at priority 0 (NF_BR_PRI_BRNF), with that hook's name. */
const BRNF_HOOKS: Record<string, string> = { prerouting: "PREROUTING", forward: "FORWARD" };

/**
 * A warning at each bridge-family nft base chain that does something at br_netfilter's own priority,
 * 0, at prerouting or forward, in a file with IP chains at the IP hook br_netfilter calls there: the kernel runs the hook registered last first, and br_netfilter
 * registers its hooks in a namespace when its first bridge appears, which no file records. Kernel
 * 6.18 (test/fixtures/kernel-probes/bridge-brnf-hook-order): created after the bridge, the chain ran
 * before the IP hook; created before it, a prerouting chain ran after IP PREROUTING and a forward
 * chain never saw (nor dropped) a frame br_netfilter passed to IP FORWARD.
 */
export function brnfTies(ruleset: Ruleset, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Only beside the file's own IP chains at that hook: a host where br_netfilter's call matters has them (Docker's).
  const ipChainsAt = (hook: string) =>
    [ruleset.ip, ruleset.ip6].some((f) => [...(f?.tables.values() ?? [])].some((t) => t.chains.has(hook))) ||
    (ruleset.nft ?? []).some(
      (t) =>
        ["ip", "ip6", "inet"].includes(t.family ?? "") &&
        !t.dormant &&
        [...t.chains.values()].some((c) => c.base?.hook === hook.toLowerCase()),
    );
  for (const table of ruleset.nft ?? []) {
    if (table.family !== "bridge" || table.dormant) continue;
    for (const chain of table.chains.values()) {
      const base = chain.base;
      const ipHook = base && BRNF_HOOKS[base.hook];
      if (!base || !ipHook || base.priority !== 0 || !acts(chain) || !ipChainsAt(ipHook)) continue;
      const before =
        ipHook === "FORWARD"
          ? "it never sees the frames br_netfilter hands to IP FORWARD"
          : "it runs after IP PREROUTING";
      out.push({
        severity: "warning",
        message: `chain ${chain.name} (bridge ${table.name}, hook ${base.hook} priority ${base.priorityText}) has br_netfilter's priority: it runs before IP ${ipHook} only if its table was created after the namespace's first bridge, and the file does not say when that was`,
        hint: `taken as created after the bridge, so chain ${chain.name} runs first; if the table was created before, ${before} (kernel 6.18); priority -1 or 1 makes the order sure`,
        position: { file, line: chain.line, column: 1 },
      });
    }
  }
  return out;
}
