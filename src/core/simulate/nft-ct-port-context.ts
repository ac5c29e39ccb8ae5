/**
 * `ct [original|reply] proto-src|proto-dst`: a port of the connection's tuple, whose type nft takes from
 * the transport protocol a match before it names (`meta l4proto tcp`, `ip protocol`, `ip6 nexthdr`, `ct
 * protocol`, or a header of its own: `tcp dport`, `icmp type`; not `th`). Without one, nft 1.0.6 cannot
 * read the value ("Can't parse symbolic invalid expressions", at the value); with one but no direction,
 * the kernel refuses the expression ("Could not process rule: Invalid argument", at `ct`). Each checked
 * with `nft -f` in a fresh namespace, kernel 6.18. nft's listing prints a port without a protocol for
 * iptables-nft's `-m conntrack --ctorigdstport 8080` (no `-p`), which the kernel runs: only a script
 * written for `nft -f` is held to the protocol.
 */
import type { GrammarRefusal } from "./nft-grammar-refusals.ts";
import type { NftToken } from "./tokenize-nft.ts";

/** Headers that name a transport protocol by being matched. */
const TRANSPORT_HEADERS = new Set([
  "tcp",
  "udp",
  "udplite",
  "sctp",
  "dccp",
  "icmp",
  "icmpv6",
  "igmp",
  "ah",
  "esp",
  "comp",
]);

/** Whether one of `words` says the transport protocol: a protocol match, or a transport header's field. */
function saysProtocol(words: readonly NftToken[]): boolean {
  return words.some((w, k) => {
    if (w.type !== "word") return false;
    const before = words[k - 1]?.value;
    if (w.value === "l4proto" || (w.value === "nexthdr" && before === "ip6")) return true;
    if (w.value === "protocol" && ["ip", "ct", "original", "reply"].includes(before ?? "")) return true;
    return TRANSPORT_HEADERS.has(w.value) && before !== "with";
  });
}

/** The first value compared after `words[k]` (past `==`/`!=`, `vmap`, `{`), or undefined for a set's name. */
function firstValue(words: readonly NftToken[], k: number): NftToken | undefined {
  let at = k;
  while (["==", "!=", "vmap", "{"].includes(words[at]?.value ?? "")) at++;
  const w = words[at];
  return w && !w.value.startsWith("@") && w.type !== "nl" ? w : undefined;
}

/**
 * nft's refusal of a `ct ... proto-src|proto-dst` in the rule `words`, or undefined; `listed`: the rule
 * may be nft's listing, which says no protocol for iptables-nft's port match.
 */
export function ctPortRefusal(words: readonly NftToken[], listed: boolean): GrammarRefusal | undefined {
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as NftToken;
    if (w.type !== "word" || (w.value !== "proto-src" && w.value !== "proto-dst")) continue;
    const direction = ["original", "reply"].includes(words[k - 1]?.value ?? "");
    const ct = words[direction ? k - 2 : k - 1];
    if (ct?.value !== "ct" || words[k + 1]?.value === "set") continue;
    const what = words
      .slice(direction ? k - 2 : k - 1, k + 1)
      .map((x) => x.value)
      .join(" ");
    if (!listed && !saysProtocol(words.slice(0, k))) {
      const at = firstValue(words, k + 1);
      if (!at) continue;
      return {
        at,
        message: `'${what}' compares a port, but nothing before it says the transport protocol: nft refuses the rule ("Can't parse symbolic invalid expressions")`,
        hint: `match the protocol first, e.g. 'meta l4proto tcp ${what} ${at.value}'`,
      };
    }
    if (!direction)
      return {
        at: ct,
        message: `'${what}' says no direction: the kernel refuses the rule (nft: "Could not process rule: Invalid argument")`,
        hint: `name the direction: 'ct original ${w.value}' (the side that opened the connection) or 'ct reply ${w.value}'`,
      };
  }
  return undefined;
}
