/**
 * Canonical names for the places in the kernel where netfilter runs rules.
 *
 * A hook id is `<family>:<table>:<CHAIN>`, e.g. `ip:nat:PREROUTING` or
 * `bridge:filter:FORWARD`. Chain names are always spelled in full and in
 * upper case; tables in lower case.
 */

/** Netfilter families packetwalk knows: ebtables is `bridge`, iptables is `ip`. */
export const FAMILIES = ["bridge", "ip", "ip6", "arp"] as const;
/** One of {@link FAMILIES}. */
export type Family = (typeof FAMILIES)[number];

/** The built-in chains, in full. */
export const CHAINS = ["BROUTING", "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"] as const;
/** One of {@link CHAINS}. */
export type Chain = (typeof CHAINS)[number];

/** A canonical hook id: `<family>:<table>:<CHAIN>`. */
export type HookId = `${Family}:${string}:${string}`;

/**
 * LOG prefixes (trimmed) mapped to the hook whose rules print them, or to the built-in chains of one
 * table that all print it (ufw's `[UFW BLOCK] ` at INPUT and FORWARD): then each line's `IN=` and
 * `OUT=` choose among them (see `chainFitsDevices`).
 */
export type PrefixHooks = Record<string, HookId | readonly HookId[]>;

/**
 * The built-in hook (`PREROUTING`...) of nftables base chains by hook id (`ip:pw:pw_pre`), as the
 * ruleset declares them: trace lines name a base chain, never its hook. `null`: a regular chain of the
 * ruleset, at no hook whatever its name says (libvirt's `guest_output` is jumped to from `forward`).
 */
export type ChainHooks = Readonly<Record<string, Chain | null>>;

/**
 * LOG prefixes (trimmed) that rules of nftables netdev chains print, to the table and chain printing
 * them: packetwalk draws no netdev hook, so their lines are reported as such, not as unknown prefixes.
 */
export type NetdevPrefixes = Readonly<Record<string, { table: string; chain: string }>>;

/**
 * Whether a packet logged with these devices can be at built-in `chain`: INPUT and PREROUTING see an
 * input device only, OUTPUT an output device only, FORWARD both, POSTROUTING an output device.
 */
export function chainFitsDevices(chain: string, input: boolean, output: boolean): boolean {
  switch (chain) {
    case "PREROUTING":
    case "INPUT":
    case "BROUTING":
      return input && !output;
    case "FORWARD":
      return input && output;
    case "OUTPUT":
      return !input && output;
    case "POSTROUTING":
      return output;
    default:
      return false;
  }
}

/** Build a hook id from its parts (table lower-cased, chain upper-cased). */
export function hookId(family: Family, table: string, chain: string): HookId {
  return `${family}:${table.toLowerCase()}:${chain.toUpperCase()}`;
}

/** Split a hook id into its parts; returns undefined when it is not of the form `family:table:CHAIN`. */
export function splitHookId(id: string): { family: Family; table: string; chain: string } | undefined {
  const parts = id.split(":");
  if (parts.length !== 3) return undefined;
  const [family, table, chain] = parts as [string, string, string];
  if (!(FAMILIES as readonly string[]).includes(family) || !table || !chain) return undefined;
  return { family: family as Family, table, chain };
}

/**
 * A table name as nft's scanner reads one (and as iptables, ebtables and arptables name theirs): a
 * letter, `_` or `.`, then letters, digits, `/`, `_`, `.` or `-` (`docker-bridges`, `_x`, `a/b`).
 */
const TABLE_NAME = /^[A-Za-z_.][A-Za-z0-9/_.-]*$/;

/**
 * A chain name as a trace may print it: nft's names as for tables, iptables' user chains
 * (`DOCKER-ISOLATION-STAGE-1`, `f2b-sshd`) anything printable but a space; never `:`, which ends a part.
 */
const CHAIN_NAME = /^[!-9;-~]+$/;

/** The longest table or chain name nft accepts (`NFT_NAME_MAXLEN` less its terminating NUL). */
const MAX_NAME = 255;

/** The shape of a hook id a user may give, without {@link builtinChainProblem}'s check. */
function isHookIdShape(value: string): boolean {
  const [family, table, chain, ...rest] = value.split(":");
  return (
    rest.length === 0 &&
    (FAMILIES as readonly string[]).includes(family ?? "") &&
    TABLE_NAME.test(table ?? "") &&
    (table ?? "").length <= MAX_NAME &&
    CHAIN_NAME.test(chain ?? "") &&
    (chain ?? "").length <= MAX_NAME
  );
}

/** Whether `value` is a hook id a user may give (the check of {@link hookIdProblem}, without its words). */
export function isGivenHookId(value: string): value is HookId {
  return hookIdProblem(value) === undefined;
}

/** The built-in chains of iptables' and ip6tables' tables. */
const IP_TABLES: Record<string, readonly Chain[]> = {
  raw: ["PREROUTING", "OUTPUT"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  security: ["INPUT", "FORWARD", "OUTPUT"],
};
/** {@link IP_TABLES} and the tables of ebtables and arptables, by family. */
const XTABLES_CHAINS: Record<Family, Record<string, readonly Chain[]>> = {
  ip: IP_TABLES,
  ip6: IP_TABLES,
  bridge: {
    filter: ["INPUT", "FORWARD", "OUTPUT"],
    nat: ["PREROUTING", "OUTPUT", "POSTROUTING"],
    broute: ["BROUTING"],
  },
  arp: { filter: ["INPUT", "FORWARD", "OUTPUT"] },
};

/**
 * The built-in chains of `table` as iptables, ip6tables, ebtables or arptables (by `family`) have it,
 * or undefined for a table of another name (an nftables table's).
 */
export function xtablesTableChains(family: Family, table: string): readonly Chain[] | undefined {
  const tables = XTABLES_CHAINS[family];
  // Own keys only: a table named `constructor` or `toString` is an nft name, not Object's.
  return Object.hasOwn(tables, table) ? tables[table] : undefined;
}

/** Edit distance of `a` and `b`, or 3 once it is known to be above 2 (only typos are of interest). */
function typoDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return Math.min(prev[b.length] as number, 3);
}

/**
 * What is wrong with a well-formed hook id in one of the xtables' own tables: a built-in chain of
 * another table (`ip:filter:PREROUTING`) or a near miss of one of its own (`ip:raw:PREROUTNG`). A
 * chain far from every built-in name may be an nft chain of a table that happens to share the name.
 */
function builtinChainProblem(value: string): string | undefined {
  const [family, table, chain] = value.split(":") as [Family, string, string];
  const own = xtablesTableChains(family, table);
  if (!own || (own as readonly string[]).includes(chain)) return undefined;
  const near = own.find((c) => typoDistance(chain, c) <= 2);
  if (!near && !(CHAINS as readonly string[]).includes(chain)) return undefined;
  const which = `${family === "bridge" ? "ebtables" : family === "arp" ? "arptables" : family === "ip6" ? "ip6tables" : "iptables"}' ${table} table`;
  return `'${chain}' is not a chain of ${which} (its hooks: ${own.join(", ")})${near ? `: did you mean '${family}:${table}:${near}'?` : ""}`;
}

/**
 * What is wrong with `value` as a hook id a user gives (a prefix map's value), in words naming the
 * part; undefined when it is one the parser or the simulator's readers may produce
 * (`ip:filter:INPUT`, `ip:docker-bridges:filter-FORWARD`, `bridge:nat:POSTROUTING`).
 */
export function hookIdProblem(value: string): string | undefined {
  if (isHookIdShape(value)) return builtinChainProblem(value);
  const parts = value.split(":");
  if (parts.length !== 3)
    return `'${value}' is not a hook id: expected family:table:CHAIN, e.g. 'ip:filter:INPUT' or 'ip:docker-bridges:filter-FORWARD'`;
  const [family, table, chain] = parts as [string, string, string];
  if (!(FAMILIES as readonly string[]).includes(family))
    return `'${family}' is not a family: use ${FAMILIES.join(", ")}${
      family === "inet"
        ? " (nft's inet tables are read as ip)"
        : family === "netdev"
          ? " (netdev chains are not drawn: give the ruleset with --ruleset FILE and their lines are reported as netdev's)"
          : ""
    }`;
  if (!TABLE_NAME.test(table) || table.length > MAX_NAME)
    return table === ""
      ? "the table is missing between the two ':'"
      : `'${table}' is not a table name: a letter, '_' or '.' first, then letters, digits, '/', '_', '.' or '-' (at most ${MAX_NAME})`;
  if (!CHAIN_NAME.test(chain) || chain.length > MAX_NAME)
    return chain === ""
      ? "the chain is missing after the table"
      : `'${chain}' is not a chain name: printable characters, no space or ':' (at most ${MAX_NAME})`;
  return `'${value}' is not a hook id`;
}
