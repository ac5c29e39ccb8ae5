/**
 * What really exists at each hook of an nftables lab: every base chain of
 * the lab's rulesets (iptables-nft's tables included, they are nft tables
 * too), with its family, table and priority, in the order the kernel runs
 * them. A lab with several rulesets gets their union, each chain that only
 * some rulesets have marked with their names, so every map of the lab is
 * the same picture whichever ruleset a trace was recorded with. Pure.
 */
import type { HookId } from "../model/hook.ts";
import { CONNTRACK_PRIORITY, hookSlots, natCorePriority } from "../simulate/hook-order.ts";
import type { Ruleset } from "../simulate/ruleset.ts";

/** One base chain at a hook. */
export interface ChainAtHook {
  /** The id trace events use for it: `<family>:<table>:<chain>`, e.g. `ip:docker-bridges:filter-FORWARD`. */
  hook: HookId;
  /** nft family of its table: `ip`, `inet`, `bridge`. */
  family: string;
  table: string;
  chain: string;
  /** Numeric priority (named priorities resolved for the family). */
  priority: number;
  /** Priority as written in the ruleset (`filter`, `dstnat`, `-100`). */
  priorityText: string;
  /** Where the kernel runs it: its priority, or the NAT core's for a nat chain. */
  runsAt: number;
  /** A nat chain: the NAT core runs it for a connection's first packet only. */
  nat: boolean;
  /** The rulesets that have it, when some of the lab's drawn rulesets have not; absent when all have. */
  only?: string[];
}

/** The base chains of a lab per hook box of the map, and where every chain of the lab is drawn. */
export interface HookChains {
  /**
   * Base chains per box key (`ip_FORWARD`, `br_PREROUTING`), in the kernel's order, as an IPv4 packet
   * meets them (the IP boxes: ip and inet tables).
   */
  boxes: Map<string, ChainAtHook[]>;
  /**
   * The same as an IPv6 packet meets them (the IP boxes: ip6 and inet tables; the bridge's alike). See
   * {@link chainsFor}. Default: none (a lab with no ip6 or inet table).
   */
  boxes6?: Map<string, ChainAtHook[]>;
  /** The box of every base chain of every ruleset given (instrumentation included), by hook id. */
  boxOf: Map<string, string>;
  /** Names of the drawn rulesets, in the order given. */
  rulesets: string[];
  /**
   * The nft base chains (instrumentation included) by the LOG prefix their rules write (`pwpc/nft/bridge/packetwalk/INPUT`
   * → `bridge packetwalk log-INPUT`): what a step of a logging chain is named after, since its prefix names
   * the hook, not the chain. Only prefixes one chain writes. Default: none.
   */
  loggedBy?: Map<string, { family: string; table: string; chain: string }>;
}

/**
 * The base chains of `rulesets`' nft tables by the LOG prefix (trimmed) their rules write; a prefix written
 * by two chains is left out (no step could say which one logged it).
 */
function loggingChains(
  rulesets: readonly Ruleset[],
): Map<string, { family: string; table: string; chain: string }> {
  const found = new Map<string, { family: string; table: string; chain: string } | null>();
  for (const ruleset of rulesets)
    for (const table of ruleset.nft ?? [])
      for (const chain of table.chains.values()) {
        if (!chain.base) continue;
        const at = { family: table.family ?? "ip", table: table.name, chain: chain.name };
        for (const rule of chain.rules)
          for (const t of [rule.target, ...(rule.effects ?? [])]) {
            if (t.kind !== "LOG" || !t.prefix.trim()) continue;
            const prefix = t.prefix.trim();
            const had = found.get(prefix);
            found.set(
              prefix,
              had === undefined ||
                (had && had.table === at.table && had.chain === at.chain && had.family === at.family)
                ? at
                : null,
            );
          }
      }
  const out = new Map<string, { family: string; table: string; chain: string }>();
  for (const [prefix, at] of found) if (at) out.set(prefix, at);
  return out;
}

/** The hooks of the map, by the box-key prefix of their layer. */
const HOOKS = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"] as const;
const LAYERS = [
  { family: "ip", box: "ip" },
  { family: "bridge", box: "br" },
] as const;
/** The layers an IPv6 packet crosses: the IP boxes hold the ip6 family's chains. */
const LAYERS6 = [
  { family: "ip6", box: "ip" },
  { family: "bridge", box: "br" },
] as const;

/** The IP family of a packet's hooks: `ip6` when its lines carry IPv6 addresses or ip6 hooks. */
export function packetFamily(packet: {
  events: readonly { hook: string; ip?: { src: string } }[];
}): "ip" | "ip6" {
  const ip = packet.events.find((e) => e.ip)?.ip;
  if (ip) return ip.src.includes(":") ? "ip6" : "ip";
  return packet.events.some((e) => e.hook.startsWith("ip6:")) ? "ip6" : "ip";
}

/** The chains as a packet of `family` meets them: {@link HookChains.boxes6} drawn for an IPv6 one. */
export function chainsFor(chains: HookChains, family: "ip" | "ip6"): HookChains {
  return family === "ip6" && chains.boxes6 ? { ...chains, boxes: chains.boxes6 } : chains;
}

/** Where conntrack looks a packet up (`conntrack`) or confirms it (`confirm`) at a hook, as a priority. */
export function conntrackAt(hook: string): { label: "conntrack" | "confirm"; priority: number } | undefined {
  if (hook === "PREROUTING" || hook === "OUTPUT") return { label: "conntrack", priority: CONNTRACK_PRIORITY };
  // Confirmation runs last at the hooks where a packet leaves netfilter (NF_IP_PRI_CONNTRACK_CONFIRM).
  if (hook === "INPUT" || hook === "POSTROUTING")
    return { label: "confirm", priority: Number.MAX_SAFE_INTEGER };
  return undefined;
}

/** `filter 0` for a named priority, `-100` for a number, `raw - 1 = -301` for a sum, as a label writes it. */
export function formatPriority(chain: Pick<ChainAtHook, "priority" | "priorityText">): string {
  const text = chain.priorityText.trim();
  if (text === String(chain.priority) || text === "") return `${chain.priority}`;
  // `raw - 1 -301` would read as three terms: a sum is given its value.
  return /\s[-+]\s*\d/.test(text) ? `${text} = ${chain.priority}` : `${text} ${chain.priority}`;
}

/** `ip docker-bridges filter-FORWARD (filter 0)`. */
export function chainLabel(chain: ChainAtHook): string {
  return `${chain.family} ${chain.table} ${chain.chain} (${formatPriority(chain)})`;
}

/**
 * The base chains of the lab at every hook.
 * @param drawn the lab's own rulesets (one per scenario), drawn on the map
 * @param instrumentation rulesets whose chains are only located (packetwalk's LOG and nftrace chains), never drawn
 */
export function hookChains(
  drawn: ReadonlyArray<{ name: string; ruleset: Ruleset }>,
  instrumentation: readonly Ruleset[] = [],
): HookChains {
  const boxOf = new Map<string, string>();
  const locate = (ruleset: Ruleset, layers: typeof LAYERS | typeof LAYERS6) => {
    const found: Array<{ box: string; chains: ChainAtHook[] }> = [];
    for (const layer of layers)
      for (const hook of HOOKS) {
        const box = `${layer.box}_${hook}`;
        const chains = hookSlots(ruleset, layer.family, hook).map((slot): ChainAtHook => {
          const family = slot.table.family ?? layer.family;
          // Trace events name an inet table's chain by the packet's family (`ip:` or `ip6:`).
          const hookId =
            `${family === "inet" ? layer.family : family}:${slot.table.name}:${slot.chain}` as HookId;
          boxOf.set(hookId, box);
          const priorityText = slot.table.chains.get(slot.chain)?.base?.priorityText ?? String(slot.priority);
          const runsAt = slot.nat ? natCorePriority(hook) : slot.priority;
          return {
            hook: hookId,
            family,
            table: slot.table.name,
            chain: slot.chain,
            priority: slot.priority,
            priorityText,
            runsAt,
            nat: slot.nat,
          };
        });
        found.push({ box, chains });
      }
    return found;
  };
  const merge = (layers: typeof LAYERS | typeof LAYERS6) => {
    const boxes = new Map<string, ChainAtHook[]>();
    const holders = new Map<string, string[]>();
    for (const { name, ruleset } of drawn) {
      for (const { box, chains } of locate(ruleset, layers)) {
        const merged = boxes.get(box) ?? [];
        // Union in the kernel's order: a chain new to the list goes right after the one it follows in this ruleset.
        let at = -1;
        for (const chain of chains) {
          const known = merged.findIndex((c) => c.hook === chain.hook);
          if (known >= 0) at = known;
          else merged.splice(++at, 0, chain);
          holders.set(chain.hook, [...(holders.get(chain.hook) ?? []), name]);
        }
        // Across rulesets the kernel's order is by priority again; a tie keeps the order the rulesets gave.
        merged.sort((a, b) => a.runsAt - b.runsAt || a.priority - b.priority);
        boxes.set(box, merged);
      }
    }
    const names = drawn.map((d) => d.name);
    for (const chains of boxes.values())
      for (const chain of chains) {
        const have = holders.get(chain.hook) ?? [];
        if (have.length < names.length) chain.only = names.filter((n) => have.includes(n));
      }
    return boxes;
  };
  const boxes = merge(LAYERS);
  // IPv6 only where a ruleset has tables IPv6 packets run (ip6, inet).
  const v6 = drawn.some(({ ruleset }) =>
    (ruleset.nft ?? []).some((t) => t.family === "ip6" || t.family === "inet"),
  );
  const boxes6 = v6 ? merge(LAYERS6) : undefined;
  for (const ruleset of instrumentation) {
    locate(ruleset, LAYERS);
    locate(ruleset, LAYERS6);
  }
  // A drawn chain is located by its own box even when an instrumentation ruleset names it too.
  for (const map of boxes6 ? [boxes, boxes6] : [boxes])
    for (const [box, chains] of map) for (const c of chains) boxOf.set(c.hook, box);
  // A drawn ruleset's logging chains too: a pasted instrumented ruleset draws them.
  const loggedBy = loggingChains([...drawn.map((d) => d.ruleset), ...instrumentation]);
  return {
    boxes,
    ...(boxes6 ? { boxes6 } : {}),
    boxOf,
    rulesets: drawn.map((d) => d.name),
    ...(loggedBy.size > 0 ? { loggedBy } : {}),
  };
}
