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
 * Why a well-formed hook id a user maps a prefix to (`--prefix-map`) names no hook: a chain of one of
 * the xtables' own tables (`ip:filter:INCOMING`, a user chain `ip:filter:DOCKER-USER`) that is none of
 * its built-in chains, whose name says no hook (see {@link mapHookOf}) and that the given ruleset's
 * base chains (`chainHooks`) do not place; or, with a ruleset, a chain of one of its nftables tables
 * that is none of that table's base chains. Undefined when the id is placed (or may be: an nftables
 * table no ruleset was given for declares its hooks itself).
 */
export function mapHookProblem(value: HookId, chainHooks?: ChainHooks): string | undefined {
  const known = chainHooks && Object.hasOwn(chainHooks, value) ? chainHooks[value] : undefined;
  if (known) return undefined;
  const [family, table, chain] = value.split(":") as [Family, string, string];
  // The ruleset's regular chain sits at no hook, whatever its name says (libvirt's `guest_output`).
  if (known === null)
    return `'${chain}' is a regular chain of table '${family}:${table}' in the ruleset given with --ruleset, at no hook: a LOG rule in it prints at the hook whose base chain jumps to it: map the prefix to that hook, or leave the prefix to the --ruleset's own LOG rules`;
  if (mapHookOf(chain) !== undefined) return undefined;
  const own = xtablesTableChains(family, table);
  const base = Object.entries(chainHooks ?? {})
    .filter(([id, hook]) => hook !== null && id.startsWith(`${family}:${table}:`))
    .map(([id]) => id)
    .map((id) => id.slice(family.length + table.length + 2));
  const listed = base.length ? `; the --ruleset's base chains there: ${base.join(", ")}` : "";
  if (own) {
    // `Input`: a built-in chain in other letters (the kernel's names are upper case; nft's lower case).
    const upper = own.find((c) => c === chain.toUpperCase());
    return `'${chain}' is not a hook of ${TOOL[family]}' ${table} table (its hooks: ${own.join(", ")}${listed}), nor does its name say one: ${
      upper
        ? `did you mean '${family}:${table}:${upper}'?`
        : `a LOG rule in a user chain prints at the hook whose chain jumps to it: map the prefix to that hook, or ${
            chainHooks
              ? "leave the prefix to the --ruleset's own LOG rules"
              : "give the ruleset with --ruleset FILE, whose jumps and nftables base chains place it"
          }`
    }`;
  }
  if (base.length)
    return `'${chain}' is not a base chain of table '${family}:${table}' in the ruleset given with --ruleset (its base chains: ${base.join(", ")}), nor does its name say a hook`;
  return undefined;
}
