/**
 * Maps a LOG prefix such as `iptable/raw-PREROUTE`, `ctc/ebtable/filter-FORWARD`
 * or `pw1a2b/iptable/nat-PREROUTING` to a canonical hook id.
 */
import { CHAINS, type Chain, type Family, type HookId, hookId } from "../model/hook.ts";
import { detach } from "./detach-string.ts";
import { firewalldPrefixHook } from "./host-firewall-prefixes.ts";

/** A user-supplied mapping from exact prefix (trimmed) to hook id. */
export type PrefixMap = Record<string, HookId>;

/** Family tags the seed's convention (and common variants) put before `<table>-<CHAIN>`. */
const FAMILY_TAGS: Record<string, Family> = {
  iptable: "ip",
  iptables: "ip",
  ipt: "ip",
  ip: "ip",
  ip4: "ip",
  ipv4: "ip",
  ip6table: "ip6",
  ip6tables: "ip6",
  ip6t: "ip6",
  ip6: "ip6",
  ipv6: "ip6",
  ebtable: "bridge",
  ebtables: "bridge",
  ebt: "bridge",
  eb: "bridge",
  bridge: "bridge",
  br: "bridge",
  arptable: "arp",
  arptables: "arp",
  arp: "arp",
};

/** The family a tag names (an own key only: `constructor` is no tag), or undefined. */
function familyTag(word: string | undefined): Family | undefined {
  const w = (word ?? "").toLowerCase();
  return Object.hasOwn(FAMILY_TAGS, w) ? FAMILY_TAGS[w] : undefined;
}

const TABLES = ["raw", "mangle", "nat", "filter", "broute", "security"] as const;

/** The chains each iptables/ebtables table has: a table and a chain written apart must be one of these. */
const TABLE_CHAINS = new Map<string, string[]>([
  ["raw", ["PREROUTING", "OUTPUT"]],
  ["mangle", ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]],
  ["nat", ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]],
  ["filter", ["INPUT", "FORWARD", "OUTPUT"]],
  ["security", ["INPUT", "FORWARD", "OUTPUT"]],
  ["broute", ["BROUTING"]],
]);

/** The base chains iptables' table `table` has (`nat`: PREROUTING, INPUT, OUTPUT, POSTROUTING), or undefined. */
export function baseChainsOf(table: string): readonly string[] | undefined {
  return TABLE_CHAINS.get(table);
}

/** Short forms people write for chains (the kernel truncates prefixes to 29 characters). */
const CHAIN_ABBREVIATIONS: Record<string, Chain> = {
  PREROUTE: "PREROUTING",
  PRE: "PREROUTING",
  POSTROUTE: "POSTROUTING",
  POST: "POSTROUTING",
  FWD: "FORWARD",
  FW: "FORWARD",
  IN: "INPUT",
  OUT: "OUTPUT",
  BROUTE: "BROUTING",
};

/** A chain word (any case, abbreviated or cut short) -> full chain, or undefined. */
export function normalizeChain(word: string): Chain | undefined {
  const w = word.toUpperCase();
  const abbr = CHAIN_ABBREVIATIONS[w];
  if (abbr) return abbr;
  if (w.length < 2) return undefined;
  let found: Chain | undefined;
  for (const c of CHAINS) {
    if (c.startsWith(w)) {
      if (found) return undefined;
      found = c;
    }
  }
  return found;
}

function normalizeTable(word: string): string | undefined {
  const w = word.toLowerCase();
  if (w.length < 3) return undefined;
  for (const t of TABLES) if (t === w || t.startsWith(w)) return t;
  return undefined;
}

/** Splits `table-CHAIN` (also `table:CHAIN`, `table.CHAIN`, `table_CHAIN`). */
function splitTableChain(seg: string): { table: string; chain: Chain } | undefined {
  for (let i = 1; i < seg.length - 1; i++) {
    const ch = seg.charCodeAt(i);
    if (ch === 45 || ch === 58 || ch === 46 || ch === 95) {
      const table = normalizeTable(seg.slice(0, i));
      const chain = normalizeChain(seg.slice(i + 1));
      if (table && chain) return { table, chain };
    }
  }
  return undefined;
}

/**
 * `<free text>-[<family>-]<table>-<CHAIN>` in one word (`host1-nat-PREROUTING`, `fw-ip6-filter-INPUT`,
 * `ns_a.mangle.OUTPUT`): the names come last, written in full and a chain that table has, since the
 * free text before them has words too.
 */
function gluedTail(seg: string): { table: string; chain: Chain; family: Family | undefined } | undefined {
  const parts = seg.split(/[-_.:]/);
  const n = parts.length;
  if (n < 3) return undefined;
  const table = (parts[n - 2] as string).toLowerCase();
  const chain = apartChain(parts[n - 1] as string);
  if (!chain || !TABLE_CHAINS.get(table)?.includes(chain)) return undefined;
  return { table, chain, family: familyTag(parts[n - 3]) };
}

/** The last whitespace-separated word of `text`. */
function lastWord(text: string): string {
  const words = text.trim().split(/\s+/);
  return words[words.length - 1] as string;
}

/** Options of {@link prefixToHook}. */
export interface PrefixToHookOptions {
  /** Exact prefixes (trimmed) mapped by the user; checked first. Default: none. */
  prefixMap?: PrefixMap;
  /** Family when the prefix names none (e.g. `raw-PREROUTE`). Default: `ip`. */
  defaultFamily?: Family;
}

/**
 * Maps a prefix to a hook id, or returns undefined when it does not follow a
 * known convention. Tags in front (`ctc/`, `pw1a2b/`) are ignored; case does not matter.
 */
export function prefixToHook(prefix: string, options: PrefixToHookOptions = {}): HookId | undefined {
  const written = prefix.trim();
  const mapped = options.prefixMap?.[written];
  if (mapped) return mapped;
  const trimmed = unquotedPrefix(written);
  if (trimmed !== written) {
    const own = options.prefixMap?.[trimmed];
    if (own) return own;
  }
  // firewalld's zone and policy prefixes name the zone, not a table: they say the chain they are reached from.
  const firewalld = firewalldPrefixHook(trimmed);
  if (firewalld) return firewalld;
  const segs = trimmed.split("/").filter((s) => s.length > 0);
  const nft = nftPrefixHook(segs);
  if (nft) return nft;
  for (let i = segs.length - 1; i >= 0; i--) {
    // Words before the last are free text (`DROP filter-INPUT`, `fw iptable/...`): the names come last.
    const words = (segs[i] as string).trim().split(/\s+/);
    // `filter-INPUT: ` and `[nat-PREROUTING]` as often as bare: the punctuation is no part of the names.
    const seg = bareWord(words[words.length - 1] as string);
    let tc = splitTableChain(seg);
    let family: Family | undefined;
    if (!tc) {
      const tail = gluedTail(seg);
      if (tail) {
        tc = tail;
        family = tail.family;
      }
    }
    if (!tc) {
      // `iptable-raw-PREROUTE` style: the family tag glued with a dash.
      const dash = seg.indexOf("-");
      if (dash > 0) {
        const tag = familyTag(seg.slice(0, dash));
        const rest = tag ? splitTableChain(seg.slice(dash + 1)) : undefined;
        if (tag && rest) {
          tc = rest;
          family = tag;
        }
      }
    }
    if (!tc) continue;
    if (!family && words.length > 1) family = familyTag(words[words.length - 2]);
    if (!family && i > 0) family = familyTag(lastWord(segs[i - 1] as string));
    if (!family)
      family = tc.table === "broute" || tc.chain === "BROUTING" ? "bridge" : (options.defaultFamily ?? "ip");
    return hookId(family, tc.table, tc.chain);
  }
  return (
    apartHook(trimmed, options.defaultFamily ?? "ip") ?? wordsHook(trimmed, options.defaultFamily ?? "ip")
  );
}

/**
 * A trimmed prefix without the double quotes firewalld 1.0 with nftables 1.0 wrote around it
 * (`"filter_IN_public_REJECT: "`, firewalld#876): the quotes are in the log line, not in the rule.
 */
export function unquotedPrefix(trimmed: string): string {
  return trimmed.length > 1 && trimmed.charCodeAt(0) === 34 && trimmed.charCodeAt(trimmed.length - 1) === 34
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}

/** A chain word written apart from its table: a full name, or an abbreviation that is no English word. */
function apartChain(word: string): Chain | undefined {
  const w = word.toUpperCase();
  if ((CHAINS as readonly string[]).includes(w)) return w as Chain;
  return w === "PREROUTE" || w === "POSTROUTE" || w === "FWD" ? CHAIN_ABBREVIATIONS[w] : undefined;
}

/** Opening brackets before a word of a hand-written prefix. */
const LEADING = new Set(["[", "(", "<", "{"]);
/** Closing brackets and punctuation after one. */
const TRAILING = new Set(["]", ")", ":", ">", "}", ".", ",", ";", "!"]);

/**
 * `w` without its leading brackets and trailing punctuation (`[filter` -> `filter`, `FORWARD]:` ->
 * `FORWARD`). A loop, not a regex: a trailing-run pattern rescans a long run of `)` inside a word
 * from every position of it, and a line of junk took seconds.
 */
function bareWord(w: string): string {
  let start = 0;
  let end = w.length;
  while (start < end && LEADING.has(w[start] as string)) start++;
  while (end > start && TRAILING.has(w[end - 1] as string)) end--;
  return start === 0 && end === w.length ? w : w.slice(start, end);
}

/** The words of a hand-written prefix: split at spaces, `/` and `:`, each without its brackets and punctuation. */
function handWords(trimmed: string): string[] {
  return trimmed
    .split(/[\s/:]+/)
    .map(bareWord)
    .filter((w) => w.length > 0);
}

/**
 * Table and chain written by hand as the last two words or `/`- or `:`-separated parts, either
 * order, brackets and trailing punctuation ignored (`filter/FORWARD: `, `[filter:FORWARD] `,
 * `nat PREROUTING `, `FORWARD:filter`, `ip6tables filter INPUT: `), a family tag before them.
 * Stricter than the glued forms, since free text has words too: full table names, full chain
 * names (or PREROUTE, POSTROUTE, FWD), and a chain that table has.
 */
function apartHook(trimmed: string, defaultFamily: Family): HookId | undefined {
  const words = handWords(trimmed);
  const n = words.length;
  if (n < 2) return undefined;
  const [a, b] = [words[n - 2] as string, words[n - 1] as string];
  let table = a.toLowerCase();
  let chain = apartChain(b);
  if (!TABLE_CHAINS.has(table) || !chain) {
    table = b.toLowerCase();
    chain = apartChain(a);
  }
  if (!chain || !TABLE_CHAINS.get(table)?.includes(chain)) return undefined;
  return hookId(familyTag(words[n - 3]) ?? (table === "broute" ? "bridge" : defaultFamily), table, chain);
}

/** A table word, bare or with a suffix people add to say "table" (`nat_t`, `filter-tbl`, `mangle_table`). */
const TABLE_WORD = /^(raw|mangle|nat|filter)(?:[-_](t|tbl|table))?$/;

/**
 * Table and chain as two words anywhere in the prefix, free text around them (`nat_t PREROUTING negatlov`,
 * a libvirt host's name glued to `IN=`): read only when the table word carries a suffix that says
 * "table" (`nat_t`: no English word, unlike a bare `filter`, which {@link apartHook} reads only last),
 * no other word names a table (bare or not) nor a chain (in full), and that table has that chain. Only
 * raw, mangle, nat and filter: `security` is an English word too. A family tag right before the table
 * word is read.
 */
function wordsHook(trimmed: string, defaultFamily: Family): HookId | undefined {
  const words = handWords(trimmed);
  let table: string | undefined;
  let suffixed = false;
  let tableAt = -1;
  let chain: Chain | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const t = TABLE_WORD.exec(w.toLowerCase());
    if (t) {
      if (table !== undefined) return undefined;
      table = t[1] as string;
      suffixed = t[2] !== undefined;
      tableAt = i;
      continue;
    }
    const c = apartChain(w);
    if (c !== undefined) {
      if (chain !== undefined) return undefined;
      chain = c;
    }
  }
  if (!suffixed || table === undefined || chain === undefined || !TABLE_CHAINS.get(table)?.includes(chain))
    return undefined;
  return hookId(familyTag(words[tableAt - 1]) ?? defaultFamily, table, chain);
}

/**
 * Whether a logging rule of a ruleset, in the chain of hook id `own`, is read at that chain rather than
 * at `named`, the chain its prefix's words name by a convention (`nat-post ` in `inet nat`'s chain
 * `post` reads `ip:nat:POSTROUTING`): when both are of one table, the words only guess at the chain
 * the ruleset says. The nft lab's `<tag>/nft/<family>/<table>/<chain>` always names the chain a logging
 * chain of its own is about, and a prefix naming another table is another table's.
 */
export function ownChainOverConvention(
  prefix: string,
  named: string | undefined,
  own: string | undefined,
): boolean {
  if (named === undefined || own === undefined) return false;
  const table = (id: string) => id.slice(id.indexOf(":") + 1, id.lastIndexOf(":"));
  return table(named) === table(own) && !isNftLogChainPrefix(prefix);
}

/**
 * Whether `prefix` is the nft lab's (`<tag>/nft/<family>/<table>/<chain>`): printed by a log chain of its
 * own just before the base chain it names, which sees every packet at the hook, also where the base
 * chain is a nat chain that only a connection's first packet enters.
 */
export function isNftLogChainPrefix(prefix: string): boolean {
  return (
    nftPrefixHook(
      prefix
        .trim()
        .split("/")
        .filter((s) => s.length > 0),
    ) !== undefined
  );
}

/**
 * `<tag>/nft/<family>/<table>/<chain>`: the nft lab's log prefix, naming an nftables base chain
 * whose name is kept as written (`ip:docker-bridges:raw-PREROUTING`).
 */
function nftPrefixHook(segs: string[]): HookId | undefined {
  const at = segs.length - 4;
  if (at < 0 || segs[at] !== "nft") return undefined;
  const [, family, table, chain] = segs.slice(at) as [string, string, string, string];
  const fam = familyTag(family) ?? (family === "inet" ? "ip" : undefined);
  if (!fam || !/^[\w.-]+$/.test(table) || !/^[\w.-]+$/.test(chain)) return undefined;
  return `${fam}:${table}:${chain}`;
}

/** Slots of the resolver's first-level cache (a power of two). */
const RECENT_SLOTS = 1024;

/** Where the slot hash reads a prefix, counted from its end: chain, table and family tag differ there. */
const SLOT_CHARS = [1, 2, 3, 5, 8, 10, 12, 14, 17, 21];

/**
 * The first-level slot of a prefix: its length and the characters at {@link SLOT_CHARS} (0 before
 * its start), so that `iptable/raw-PREROUTE`, `iptable/nat-PREROUTE` and `ebtable/nat-PREROUTE`
 * do not take turns in one slot. Cheaper than hashing every character, or than a map's hash of a
 * fresh slice of the line.
 */
function recentSlot(p: string): number {
  const n = p.length;
  let h = Math.imul(n, 0x9e3779b1);
  for (let i = 0; i < SLOT_CHARS.length; i++)
    h = Math.imul(h ^ (p.charCodeAt(n - (SLOT_CHARS[i] as number)) | 0), 0x01000193);
  return (h ^ (h >>> 15)) & (RECENT_SLOTS - 1);
}

/**
 * Memoising wrapper: prefixes repeat on every line, so each distinct one is mapped once per family.
 * A small table of recent prefixes, compared whole, answers most lines before the maps do.
 */
export function createPrefixResolver(
  options: PrefixToHookOptions = {},
): (prefix: string, defaultFamily: Family) => HookId | undefined {
  const caches = new Map<Family, Map<string, HookId | null>>();
  const recentPrefix: (string | undefined)[] = new Array(RECENT_SLOTS).fill(undefined);
  const recentFamily: (Family | undefined)[] = new Array(RECENT_SLOTS).fill(undefined);
  const recentHook: (HookId | null)[] = new Array(RECENT_SLOTS).fill(null);
  return (prefix, defaultFamily) => {
    const slot = recentSlot(prefix);
    if (recentPrefix[slot] === prefix && recentFamily[slot] === defaultFamily)
      return recentHook[slot] ?? undefined;
    let cache = caches.get(defaultFamily);
    if (!cache) {
      cache = new Map();
      caches.set(defaultFamily, cache);
    }
    let hit = cache.get(prefix);
    if (hit === undefined) {
      hit = prefixToHook(prefix, { ...options, defaultFamily }) ?? null;
      if (cache.size > 10_000) cache.clear();
      // The prefix is a slice of its line: keep a copy, not the whole input chunk.
      cache.set(detach(prefix), hit);
    }
    recentPrefix[slot] = detach(prefix);
    recentFamily[slot] = defaultFamily;
    recentHook[slot] = hit;
    return hit ?? undefined;
  };
}
