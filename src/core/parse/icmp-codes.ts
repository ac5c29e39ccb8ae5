/**
 * ICMP and ICMPv6 code names as nft prints and accepts them (destination-unreachable codes), shared by
 * the nft monitor reader and the simulator's nft rule reader (no other import, so any bundle may take it).
 */

/** nft's `icmp code` names and their numbers. */
export const ICMP_CODES: Readonly<Record<string, number>> = {
  "net-unreachable": 0,
  "host-unreachable": 1,
  "prot-unreachable": 2,
  "port-unreachable": 3,
  "frag-needed": 4,
  "net-prohibited": 9,
  "host-prohibited": 10,
  "admin-prohibited": 13,
};

/** nft's `icmpv6 code` names and their numbers. */
export const ICMPV6_CODES: Readonly<Record<string, number>> = {
  "no-route": 0,
  "admin-prohibited": 1,
  "addr-unreachable": 3,
  "port-unreachable": 4,
  "policy-fail": 5,
  "reject-route": 6,
};
