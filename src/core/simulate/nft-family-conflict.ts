/**
 * One nft rule reads one network family. nft gives each rule a network context (the table's family, or the
 * first expression that needs one in an inet, bridge or netdev table) and refuses an expression of the other
 * family ("conflicting protocols specified: ip vs. ip6"): `ip6 saddr` in an ip table, `ip saddr ... ip6
 * daddr` in any table, `reject with icmpv6` after `ip saddr`. `meta nfproto` outside an inet table is refused
 * too. Each was checked with nft 1.0.6 on kernel 6.18 (`nft -c -f`), message and column.
 */
import type { NftToken } from "./tokenize-nft.ts";

/** IPv4 and IPv6 header fields as nft names them after `ip` and `ip6`. */
const HEADER_FIELDS: Record<"ip" | "ip6", ReadonlySet<string>> = {
  ip: new Set("saddr daddr protocol dscp ecn length ttl id frag-off version hdrlength checksum".split(" ")),
  ip6: new Set("saddr daddr nexthdr hoplimit flowlabel dscp ecn length version priority".split(" ")),
};

/** ICMP and ICMPv6 header fields as nft names them after `icmp` and `icmpv6`. */
const ICMP_FIELDS: ReadonlySet<string> = new Set(
  "type code checksum id sequence gateway mtu parameter-problem max-delay taddr daddr".split(" "),
);

/** A network family a rule's expression needs, and where it is written. */
interface FamilyNeed {
  family: "ip" | "ip6";
  /** The expression as a reader names it (`ip6 saddr`, `reject with icmpv6`, `meta nfproto ipv4`). */
  what: string;
  at: NftToken;
  /** nft writes its reject conflict without the dot ("ip vs ip6"). */
  reject?: boolean;
  /**
   * `icmp`: an ICMP header gives a rule without context its family but conflicts with none (`ip saddr X icmpv6
   * type Y` loads); `nfproto`: `meta nfproto` (and `meta protocol` or `ether type` in a bridge or netdev table)
   * gives it, whatever was set before (`ip saddr X meta nfproto ipv6 ip6 saddr Y` loads); `ct`:
   * conntrack's tuple or a NAT's family conflicts with a family set before it and gives none.
   */
  weak?: "icmp" | "nfproto" | "ct";
  /** nft says more for a NAT statement's family. */
  nat?: boolean;
}

/**
 * `dup to ADDR [device DEV]`: nft 1.0.6 takes it in ip and ip6 tables only ("unsupported family" in inet
 * and bridge ones), with an address of the table's family ("Could not resolve hostname"). A netdev
 * table's `dup to DEVICE` is another statement, not checked here.
 */
function dupFamily(words: readonly NftToken[], tableFamily: string): FamilyConflict | undefined {
  if (tableFamily === "netdev") return undefined;
  for (let k = 0; k < words.length - 2; k++) {
    const w = words[k] as NftToken;
    if (w.type !== "word" || w.value !== "dup" || words[k + 1]?.value !== "to") continue;
    const addr = words[k + 2] as NftToken;
    if (tableFamily !== "ip" && tableFamily !== "ip6")
      return {
        at: w,
        message: `'dup to ${addr.value}' in a table ${tableFamily}: nft copies packets to an address only in an ip or ip6 table, and refuses it here ("unsupported family")`,
        hint: "move the rule to a table ip (or ip6) at the same hook",
      };
    // An address written out; a map or an expression (`dup to ip daddr map { ... }`) is not checked.
    const v6 = /^[0-9a-f:.]*:[0-9a-f:.]*$/i.test(addr.value);
    if (!v6 && !/^\d+\.\d+\.\d+\.\d+$/.test(addr.value)) continue;
    if (v6 !== (tableFamily === "ip6"))
      return {
        at: addr,
        message: `'${addr.value}' is an ${v6 ? "IPv6" : "IPv4"} address, but dup in a table ${tableFamily} copies to an ${v6 ? "IPv4" : "IPv6"} one: nft refuses it ("Could not resolve hostname: Address family for hostname not supported")`,
        hint: `write an ${tableFamily === "ip6" ? "IPv6" : "IPv4"} address, or move the rule to a table ${v6 ? "ip6" : "ip"}`,
      };
  }
  return undefined;
}

/** A conflict nft refuses the rule for, positioned as nft positions it. */
export interface FamilyConflict {
  at: NftToken;
  message: string;
  hint: string;
}

/** `an` before a family read as a word that starts with a vowel (`an ip table`), else `a`. */
function article(family: string): string {
  return /^[aeio]/.test(family) ? "an" : "a";
}

/** The family expression `words[k]` needs, or undefined (not a header field, a context word or a reject's type). */
function needAt(words: readonly NftToken[], k: number, tableFamily: string): FamilyNeed | undefined {
  const w = words[k] as NftToken;
  if (w.type !== "word") return undefined;
  const next = words[k + 1];
  const before = words[k - 1]?.value;
  if (
    (w.value === "ip" || w.value === "ip6") &&
    next?.type === "word" &&
    HEADER_FIELDS[w.value].has(next.value)
  ) {
    // `ct original ip saddr` reads conntrack's tuple, of that family all the same: said at `ct`.
    const ct = (before === "original" || before === "reply") && words[k - 2]?.value === "ct";
    return {
      family: w.value,
      what: `${ct ? `ct ${before} ` : ""}${w.value} ${next.value}`,
      at: ct ? (words[k - 2] as NftToken) : w,
      ...(ct ? { weak: "ct" as const } : {}),
    };
  }
  if ((w.value === "icmp" || w.value === "icmpv6") && next?.type === "word" && ICMP_FIELDS.has(next.value))
    return {
      family: w.value === "icmp" ? "ip" : "ip6",
      what: `${w.value} ${next.value}`,
      at: w,
      weak: "icmp",
    };
  // A bridge or netdev chain sees every ethertype: `meta protocol ip6` or `ether type ip6` takes the rule to it.
  if (
    (tableFamily === "bridge" || tableFamily === "netdev") &&
    ((w.value === "protocol" && before === "meta") || (w.value === "type" && before === "ether"))
  ) {
    const value = next?.value === "{" && words[k + 3]?.value === "}" ? words[k + 2] : next;
    if (value?.type === "word" && (value.value === "ip" || value.value === "ip6"))
      return {
        family: value.value,
        what: `${before} ${w.value} ${value === next ? value.value : `{ ${value.value} }`}`,
        at: words[k - 1] as NftToken,
        weak: "nfproto",
      };
  }
  // `ct [original|reply] l3proto ipv4` gives the rule its family as `meta nfproto` does (nft 1.0.6 took
  // `ct l3proto ipv4 ct original saddr X` in an inet table).
  const ctL3 =
    w.value === "l3proto" &&
    (before === "ct" || ((before === "original" || before === "reply") && words[k - 2]?.value === "ct"));
  if (ctL3 && (next?.value === "ipv4" || next?.value === "ipv6"))
    return {
      family: next.value === "ipv4" ? "ip" : "ip6",
      what: `${before === "ct" ? "ct" : `ct ${before}`} l3proto ${next.value}`,
      at: words[k - (before === "ct" ? 1 : 2)] as NftToken,
      weak: "nfproto",
    };
  if (w.value === "nfproto" && before === "meta" && (next?.value === "ipv4" || next?.value === "ipv6"))
    return {
      family: next.value === "ipv4" ? "ip" : "ip6",
      what: `meta nfproto ${next.value}`,
      at: words[k - 1] as NftToken,
      weak: "nfproto",
    };
  if (
    (w.value === "dnat" || w.value === "snat") &&
    (next?.value === "ip" || next?.value === "ip6") &&
    words[k + 2]?.value === "to"
  )
    return { family: next.value, what: `${w.value} ${next.value}`, at: w, weak: "ct", nat: true };
  if (w.value === "with" && before === "reject" && (next?.value === "icmp" || next?.value === "icmpv6")) {
    // nft says it at the ICMP type (`type` may stand before it).
    const type = words[k + 2]?.value === "type" ? words[k + 3] : words[k + 2];
    return {
      family: next.value === "icmp" ? "ip" : "ip6",
      what: `reject with ${next.value}`,
      at: type ?? next,
      reject: true,
    };
  }
  return undefined;
}

/**
 * `ct [original|reply] saddr|daddr` at `words[k]` without `ip` or `ip6`, in a rule whose family nothing
 * gave yet: nft cannot size the address ("cannot determine ip protocol version"), said at `ct`.
 */
function ctAddressWithoutFamily(
  words: readonly NftToken[],
  k: number,
  bridgeFamily?: string,
): FamilyConflict | undefined {
  const w = words[k] as NftToken;
  if (w.type !== "word" || w.value !== "ct") return undefined;
  const dir =
    words[k + 1]?.value === "original" || words[k + 1]?.value === "reply" ? words[k + 1]?.value : undefined;
  const field = words[k + (dir ? 2 : 1)]?.value;
  if (field !== "saddr" && field !== "daddr") return undefined;
  const what = `ct ${dir ? `${dir} ` : ""}${field}`;
  if (bridgeFamily)
    return {
      at: w,
      message: `'${what}' in a ${bridgeFamily} table: the kernel refuses the rule, whatever the rule matched before (nft: "Could not process rule: Address family not supported by protocol")`,
      hint: "match the connection's addresses in an ip, ip6 or inet table (`ct original ip saddr`)",
    };
  return {
    at: w,
    message: `'${what}' says no family, and nothing before it in the rule does: nft refuses the rule ("cannot determine ip protocol version, use "ip ${field}" or "ip6 ${field}" instead")`,
    hint: `write 'ct ${dir ? `${dir} ` : ""}ip ${field}' (or ip6), or match 'meta nfproto ipv4' before it`,
  };
}

/**
 * The first expression of the rule `words` that nft refuses for its network family in a table of
 * `tableFamily`, or undefined when every expression fits.
 */
export function familyConflict(words: readonly NftToken[], tableFamily: string): FamilyConflict | undefined {
  let context: { family: "ip" | "ip6"; what: string } | undefined =
    tableFamily === "ip" || tableFamily === "ip6"
      ? { family: tableFamily, what: `table ${tableFamily}` }
      : undefined;
  // A bridge or netdev table has no address family for conntrack's tuple: nft's context does not help
  // (`ether type ip ct original saddr X`: "Address family not supported by protocol", kernel 6.18).
  const bridged = tableFamily === "bridge" || tableFamily === "netdev";
  const dup = dupFamily(words, tableFamily);
  if (dup) return dup;
  for (let k = 0; k < words.length; k++) {
    const unfamilied =
      context && !bridged ? undefined : ctAddressWithoutFamily(words, k, bridged ? tableFamily : undefined);
    if (unfamilied) return unfamilied;
    const need = needAt(words, k, tableFamily);
    if (!need) continue;
    if (need.what.startsWith("meta nfproto") && tableFamily !== "inet")
      return {
        at: need.at,
        message: `'${need.what}' in ${article(tableFamily)} ${tableFamily} table: nft refuses it ("meta nfproto is only useful in the inet family")`,
        hint: `${article(tableFamily)} ${tableFamily} table's chains see ${tableFamily === "ip" ? "IPv4 alone" : tableFamily === "ip6" ? "IPv6 alone" : "frames of every protocol"}: match the family with 'meta protocol ip' or 'meta protocol ip6' (bridge, netdev), or drop the match`,
      };
    if (!context || need.weak === "nfproto") {
      if (need.weak !== "ct" && (need.weak !== "icmp" || !context)) context = need;
      continue;
    }
    if (context.family === need.family || need.weak === "icmp") continue;
    const vs = `${context.family} vs${need.reject ? "" : "."} ${need.family}${need.nat ? ". You must specify ip or ip6 family in nat statement" : ""}`;
    const table = context.what.startsWith("table ");
    return {
      at: need.at,
      message: `'${need.what}' reads ${need.family === "ip" ? "IPv4" : "IPv6"} packets, but ${table ? `this ${context.what} sees ${context.family === "ip" ? "IPv4" : "IPv6"} alone` : `'${context.what}' before it already took the rule to ${context.family === "ip" ? "IPv4" : "IPv6"}`}: nft refuses the rule ("conflicting protocols specified: ${vs}")`,
      hint: table
        ? `move the rule to a table of family ${need.family} or inet`
        : "a rule matches one family: write one rule for IPv4 and another for IPv6",
    };
  }
  return undefined;
}
