/**
 * ICMPv6 type names as nft prints and accepts them, shared by the nft monitor reader and the
 * simulator's nft rule reader (no other import, so any bundle may take it).
 */

/** ICMPv6 type names nft prints and accepts (icmp6(7) and neighbour discovery), and their numbers. */
export const ICMPV6_TYPES: Readonly<Record<string, number>> = {
  "destination-unreachable": 1,
  "packet-too-big": 2,
  "time-exceeded": 3,
  "parameter-problem": 4,
  "echo-request": 128,
  "echo-reply": 129,
  "mld-listener-query": 130,
  "mld-listener-report": 131,
  "mld-listener-done": 132,
  "mld-listener-reduction": 132,
  "nd-router-solicit": 133,
  "nd-router-advert": 134,
  "nd-neighbor-solicit": 135,
  "nd-neighbor-advert": 136,
  "nd-redirect": 137,
  "router-renumbering": 138,
  "ind-neighbor-solicit": 141,
  "ind-neighbor-advert": 142,
  "mld2-listener-report": 143,
};
