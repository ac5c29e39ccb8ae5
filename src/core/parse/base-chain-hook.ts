/**
 * What a chain's name says of its hook, for a trace that names no hook (nft monitor trace) or a LOG
 * prefix naming a chain: the parser's grouping and the map's boxes read names by the same rules.
 */
import { CHAINS, type ChainHooks, type Family, type HookId, xtablesTableChains } from "../model/hook.ts";

const BUILTIN = new Set<string>(CHAINS);

/**
 * The hook an nftables base chain's name says it sits at, or undefined for any other name. nft
 * prints no hook in a trace line, so the name is all there is: a bare hook word (`input`, the
 * nft wiki's names), `<lower-case type>-<HOOK>` or `_<HOOK>` (Docker 29's `raw-PREROUTING`,
 * firewalld's `filter_INPUT`), or a one-word prefix and a lower-case hook (`trace-prerouting`).
 * iptables user chains are upper case (`DOCKER-FORWARD`) and regular chains carry more words
 * (`nat-prerouting-and-output`, `filter_INPUT_POLICIES`): they stay chains of their own.
 */
export function baseChainHook(named: string): string | undefined {
  const upper = named.toUpperCase();
  if (BUILTIN.has(upper) && (named === upper || named === named.toLowerCase())) return upper;
  const sep = Math.max(named.lastIndexOf("-"), named.lastIndexOf("_"));
  if (sep <= 0) return undefined;
  const prefix = named.slice(0, sep);
  const suffix = named.slice(sep + 1);
  if (!/^[a-z][a-z0-9_-]*$/.test(prefix)) return undefined;
  if (BUILTIN.has(suffix)) return suffix;
  const oneWord = /^[a-z][a-z0-9]*$/.test(prefix);
  return oneWord && suffix === suffix.toLowerCase() && BUILTIN.has(suffix.toUpperCase())
    ? suffix.toUpperCase()
    : undefined;
}

/** A name ending in an upper-case hook after `-` or `_` (`DOCKER-FORWARD`, `filter_INPUT`), or that hook alone. */
const HOOK_AT_END = new RegExp(`(?:^|[_-])(${CHAINS.join("|")})$`);

/**
 * The hook box a chain is drawn in on the map, by its name: a base chain's name ({@link baseChainHook}),
 * or a name ending in its hook in upper case (an iptables chain reached from that hook, `DOCKER-FORWARD`;
 * firewalld's `filter_INPUT`). Undefined: the name says no hook, and the chain is drawn beside the map.
 */
export function mapHookOf(chain: string): string | undefined {
  return baseChainHook(chain) ?? HOOK_AT_END.exec(chain)?.[1];
}

/** The tool whose tables `family` names, as a problem says it. */
const TOOL: Record<Family, string> = {
  ip: "iptables",
  ip6: "ip6tables",
  bridge: "ebtables",
  arp: "arptables",
};

/**
 * Why a well-formed hook id a user maps a prefix to (`--prefix-map`) is a slip: a built-in chain of
 * the xtables' own tables in other letters (`ip:filter:Input`), or, with a ruleset, a chain its
 * nftables table does not have. Undefined for a hook, a chain whose name says one (see
 * {@link mapHookOf}), a user chain (`ip:filter:LOGGING`, `ip:filter:DOCKER-USER`) and a regular chain
 * of the ruleset: their lines are drawn in a box of their own beside the map, as before.
 */
export function mapHookProblem(value: HookId, chainHooks?: ChainHooks): string | undefined {
  // A base chain, or a regular chain of the ruleset (null): both exist, and the map may name them.
  if (chainHooks && Object.hasOwn(chainHooks, value)) return undefined;
  const [family, table, chain] = value.split(":") as [Family, string, string];
  if (mapHookOf(chain) !== undefined) return undefined;
  const own = xtablesTableChains(family, table);
  if (own) {
    // `Input`: a built-in chain in other letters (the kernel's names are upper case; nft's lower case).
    const upper = own.find((c) => c === chain.toUpperCase());
    return upper
      ? `'${chain}' is not a hook of ${TOOL[family]}' ${table} table (its hooks: ${own.join(", ")}), nor does its name say one: did you mean '${family}:${table}:${upper}'?`
      : undefined;
  }
  const chains = Object.keys(chainHooks ?? {})
    .filter((id) => id.startsWith(`${family}:${table}:`))
    .map((id) => id.slice(family.length + table.length + 2));
  if (chains.length)
    return `'${chain}' is no chain of table '${family}:${table}' in the ruleset given with --ruleset (its chains: ${[...new Set(chains)].join(", ")}), nor does its name say a hook`;
  return undefined;
}
