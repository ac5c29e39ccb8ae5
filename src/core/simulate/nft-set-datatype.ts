/**
 * The datatypes nft compares when a rule looks a packet's key up in a named set or map (`ip6 saddr
 * @s`, `tcp dport vmap @m`) and when a set's element is read: a key of one datatype against a set
 * declared with another is refused ("datatype mismatch", nft 1.0.6), whatever the elements. Only
 * datatypes known here are compared; an unknown one (integers, `typeof` of an unlisted expression)
 * is never called a mismatch.
 */
import { type SetKey, setTypeKeys } from "./parse-nft-rule.ts";

/** nft's datatype names and how nft describes them in its errors. */
const DESCRIBED: Readonly<Record<string, string>> = {
  ipv4_addr: "IPv4 address",
  ipv6_addr: "IPv6 address",
  inet_service: "internet network service",
  inet_proto: "Internet protocol",
  ifname: "network interface name",
  ether_addr: "Ethernet address",
  ether_type: "Ethernet protocol",
  nf_proto: "netfilter protocol",
  mark: "packet mark",
  ct_state: "conntrack state",
  ct_status: "conntrack status",
  ct_dir: "conntrack direction",
  pkt_type: "packet type",
  icmp_type: "ICMP type",
  icmpv6_type: "ICMPv6 type",
  icmp_code: "icmp code",
  icmpv6_code: "icmpv6 code",
  dscp: "Differentiated Services Code Point",
  tcp_flag: "TCP flag",
  fib_addrtype: "fib address type",
};

/** The datatype of each key whose datatype does not depend on the table's family. */
const KEY_TYPES: Partial<Record<SetKey, string>> = {
  iifname: "ifname",
  oifname: "ifname",
  "ip saddr": "ipv4_addr",
  "ip daddr": "ipv4_addr",
  "ip6 saddr": "ipv6_addr",
  "ip6 daddr": "ipv6_addr",
  "ip protocol": "inet_proto",
  "ip6 nexthdr": "inet_proto",
  "meta l4proto": "inet_proto",
  "ct protocol": "inet_proto",
  "meta nfproto": "nf_proto",
  "ct l3proto": "nf_proto",
  "meta protocol": "ether_type",
  "ether type": "ether_type",
  "tcp dport": "inet_service",
  "tcp sport": "inet_service",
  "udp dport": "inet_service",
  "udp sport": "inet_service",
  "th dport": "inet_service",
  "th sport": "inet_service",
  "tcp flags": "tcp_flag",
  "icmp type": "icmp_type",
  "icmpv6 type": "icmpv6_type",
  "icmp code": "icmp_code",
  "icmpv6 code": "icmpv6_code",
  "ct state": "ct_state",
  "ct status": "ct_status",
  "ct direction": "ct_dir",
  "meta mark": "mark",
  "ct mark": "mark",
  "meta pkttype": "pkt_type",
  "ether saddr": "ether_addr",
  "ether daddr": "ether_addr",
  "ip dscp": "dscp",
  "ip6 dscp": "dscp",
  "fib daddr type": "fib_addrtype",
  "fib saddr type": "fib_addrtype",
};

/** The datatype of `key`; undefined when not one of those compared here. */
export function keyDatatype(key: SetKey): string | undefined {
  return KEY_TYPES[key];
}

/**
 * The datatype of each part of a set's key from its declared `type` (`ipv4_addr . inet_service`) or
 * `typeof` words (`ip saddr . tcp dport`), or nft -j's list (`ipv4_addr , inet_service`); a map's key is
 * before its ` : `. Undefined for a part
 * whose datatype is not compared here.
 */
export function setDatatypes(type: string): (string | undefined)[] {
  const key = type.split(" : ")[0] ?? "";
  // nft -j gives a concatenation's types as a list, which its reader joins with commas.
  return key.split(/ [.,] /).map((part) => {
    const name = part.trim();
    if (DESCRIBED[name]) return name;
    const key = setTypeKeys(name)[0];
    return key ? keyDatatype(key) : undefined;
  });
}

/** How nft describes a key of `types` (one, or a concatenation). */
function describe(types: readonly (string | undefined)[]): string {
  const one = (t: string | undefined) => (t ? (DESCRIBED[t] ?? t) : "?");
  return types.length === 1 ? one(types[0]) : `concatenation of (${types.map(one).join(", ")})`;
}

/**
 * nft's refusal of looking `keys` up in a set or map declared as `type`, or undefined when every part
 * whose datatype is known here agrees (and the number of parts does). `lookup`: `set` for `KEY @s`,
 * `map` for `KEY vmap @m` / `KEY map @m`.
 */
export function datatypeMismatch(
  keys: readonly SetKey[],
  type: string,
  lookup: "set" | "map",
): string | undefined {
  const want = keys.map(keyDatatype);
  const have = setDatatypes(type);
  const differs =
    want.length !== have.length ||
    want.some((t, k) => t !== undefined && have[k] !== undefined && t !== have[k]);
  if (!differs) return undefined;
  return lookup === "map"
    ? `datatype mismatch, map expects ${describe(have)}, mapping expression has type ${describe(want)}`
    : `datatype mismatch, expected ${describe(want)}, expression has type ${describe(have)}`;
}

/**
 * Whether an element written as `value` cannot be of datatype `type` for its address family: an
 * IPv6 address in an `ipv4_addr` set, or an IPv4 one in an `ipv6_addr` set. nft refuses the element
 * ("Could not resolve hostname"); the message, or undefined.
 */
export function elementFamilyMismatch(type: string | undefined, value: string): string | undefined {
  const bare = value.replace(/\/\d+$/, "");
  if (type === "ipv4_addr" && bare.includes(":"))
    return `'${value}' is an IPv6 address, but the set holds IPv4 addresses (type ipv4_addr): nft refuses it ("Could not resolve hostname: Address family for hostname not supported")`;
  if (type === "ipv6_addr" && /^\d+\.\d+\.\d+\.\d+$/.test(bare))
    return `'${value}' is an IPv4 address, but the set holds IPv6 addresses (type ipv6_addr): nft refuses it ("Could not resolve hostname: Address family for hostname not supported")`;
  return undefined;
}
