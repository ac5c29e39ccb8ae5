/**
 * One nft rule reads one transport protocol. The first expression that names one (`meta l4proto tcp`,
 * `ip protocol udp`, `ip6 nexthdr tcp`, or a header field such as `tcp dport`) sets the rule's transport
 * context, and nft refuses a later header field of another protocol ("conflicting protocols specified: tcp
 * vs. udp"), and `reject with tcp reset` once the context is not TCP ("you cannot use tcp reset with this
 * protocol"). A later `meta l4proto` or `ip protocol` compare does not change the context. `th`, `tcp
 * option` and `sctp chunk` name no protocol. Each form was checked with nft 1.0.6 (`nft -c -f`), message
 * and column.
 */
import type { NftToken } from "./tokenize-nft.ts";

/** Header fields after each transport protocol's name (nft's payload expressions, not `tcp option`). */
const FIELDS: Record<string, ReadonlySet<string>> = {
  tcp: new Set("sport dport sequence ackseq doff reserved flags window checksum urgptr".split(" ")),
  udp: new Set("sport dport length checksum".split(" ")),
  udplite: new Set("sport dport csumcov checksum".split(" ")),
  sctp: new Set("sport dport vtag checksum".split(" ")),
  dccp: new Set("sport dport type".split(" ")),
  esp: new Set("spi sequence".split(" ")),
  ah: new Set("nexthdr hdrlength reserved spi sequence".split(" ")),
  icmp: new Set("type code checksum id sequence gateway mtu".split(" ")),
  icmpv6: new Set(
    "type code checksum parameter-problem packet-too-big id sequence max-delay taddr daddr".split(" "),
  ),
  igmp: new Set("type mrt checksum group".split(" ")),
};

/** Protocol values of `meta l4proto`, `ip protocol` and `ip6 nexthdr` by the name nft says them with. */
const VALUES: Record<string, string> = {
  "1": "icmp",
  "2": "igmp",
  "6": "tcp",
  "17": "udp",
  "33": "dccp",
  "50": "esp",
  "51": "ah",
  "58": "icmpv6",
  "132": "sctp",
  "136": "udplite",
  "ipv6-icmp": "icmpv6",
};

/** The protocol a compared value names (`tcp`, `6`, `{ tcp }`) and the value as written, or undefined for another value or a set of several. */
function protocolValue(
  words: readonly NftToken[],
  k: number,
): { proto: string; written: string } | undefined {
  let v = words[k];
  if (v?.value === "==" || v?.value === "eq") v = words[++k];
  let set = false;
  if (v?.value === "{") {
    if (words[k + 2]?.value !== "}") return undefined;
    v = words[k + 1];
    set = true;
  }
  if (v?.type !== "word") return undefined;
  const proto = VALUES[v.value] ?? v.value;
  if (!(proto in FIELDS)) return undefined;
  return { proto, written: set ? `{ ${v.value} }` : v.value };
}

/** A conflict nft refuses the rule for, positioned as nft positions it. */
export interface TransportConflict {
  /** The token nft points at: the conflicting header field's protocol word, or `reject`. */
  at: NftToken;
  /** What nft refuses, with its own words quoted. */
  message: string;
  /** How to write the rule so that nft takes it. */
  hint: string;
}

/** The first expression of the rule `words` that nft refuses for its transport protocol, or undefined. */
export function transportConflict(words: readonly NftToken[]): TransportConflict | undefined {
  let context: { proto: string; what: string } | undefined;
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as NftToken;
    if (w.type !== "word") continue;
    const next = words[k + 1];
    const compared =
      (w.value === "l4proto" && words[k - 1]?.value === "meta") ||
      (w.value === "protocol" && words[k - 1]?.value === "ip") ||
      (w.value === "nexthdr" && words[k - 1]?.value === "ip6");
    if (compared) {
      const value = context ? undefined : protocolValue(words, k + 1);
      if (value) context = { proto: value.proto, what: `${words[k - 1]?.value} ${w.value} ${value.written}` };
      continue;
    }
    if (w.value === "reject") {
      // Its `with icmp type ...` names the answer, not a header the rule reads.
      if (next?.value !== "with" || words[k + 2]?.value !== "tcp") break;
      if (context && context.proto !== "tcp")
        return {
          at: w,
          message: `'reject with tcp reset' answers TCP alone, but '${context.what}' before it took the rule to ${context.proto}: nft refuses the rule ("you cannot use tcp reset with this protocol")`,
          hint: "reject other protocols with 'reject' (an ICMP port unreachable) or 'reject with icmpx type port-unreachable'",
        };
      break;
    }
    const fields = FIELDS[w.value];
    if (!fields || next?.type !== "word" || !fields.has(next.value)) continue;
    if (!context) {
      context = { proto: w.value, what: `${w.value} ${next.value}` };
      continue;
    }
    if (context.proto === w.value) continue;
    return {
      at: w,
      message: `'${w.value} ${next.value}' reads ${/^(?:ah|esp|icmp|igmp)/.test(w.value) ? "an" : "a"} ${w.value} header, but '${context.what}' before it already took the rule to ${context.proto}: nft refuses the rule ("conflicting protocols specified: ${context.proto} vs. ${w.value}")`,
      hint: "a rule matches one transport protocol: write one rule per protocol, or match ports of several with 'meta l4proto { tcp, udp } th dport'",
    };
  }
  return undefined;
}
