/**
 * The value of ebtables' `-p`/`--protocol`: a name from the ethertypes table (as ebtables-save
 * and `ebtables -L` print it, `IPv4`, `802_1Q`, ...), a hexadecimal number with or without `0x`,
 * or `Length` (an 802.3 frame, whose type field holds its length).
 */

/**
 * Names and aliases of netbase's `/etc/ethertypes` and of the older list ebtables shipped (DEC ...,
 * LOOP), which ebtables reads (case-insensitively) to parse `-p` and to print it. Kept here so that
 * a ruleset reads the same on every machine.
 */
const ETHERTYPE_NAMES: Record<string, number> = {
  ipv4: 0x0800,
  ip: 0x0800,
  ip4: 0x0800,
  x25: 0x0805,
  arp: 0x0806,
  "ether-arp": 0x0806,
  fr_arp: 0x0808,
  bpq: 0x08ff,
  trill: 0x22f3,
  "l2-is-is": 0x22f4,
  dec: 0x6000,
  dna_dl: 0x6001,
  dna_rc: 0x6002,
  dna_rt: 0x6003,
  lat: 0x6004,
  diag: 0x6005,
  cust: 0x6006,
  sca: 0x6007,
  teb: 0x6558,
  raw_fr: 0x6559,
  rarp: 0x8035,
  atalk: 0x809b,
  aarp: 0x80f3,
  "802_1q": 0x8100,
  "8021q": 0x8100,
  "1q": 0x8100,
  "802.1q": 0x8100,
  dot1q: 0x8100,
  ipx: 0x8137,
  netbeui: 0x8191,
  ipv6: 0x86dd,
  ip6: 0x86dd,
  ppp: 0x880b,
  mpls: 0x8847,
  mpls_multi: 0x8848,
  atmmpoa: 0x884c,
  ppp_disc: 0x8863,
  ppp_ses: 0x8864,
  atmfate: 0x8884,
  eapol: 0x888e,
  "s-tag": 0x88a8,
  eap_preauth: 0x88c7,
  lldp: 0x88cc,
  macsec: 0x88e5,
  pbb: 0x88e7,
  macinmac: 0x88e7,
  mvrp: 0x88f5,
  ptp: 0x88f7,
  fcoe: 0x8906,
  fip: 0x8914,
  roce: 0x8915,
  lowpan: 0xa0ed,
  loop: 0x9000,
};

/** What `-p VALUE` matches: an ethertype as `0x` and four hex digits, or `"length"` for 802.3 frames. */
export type EbtablesEthertype = { ethertype: string } | { error: string; hint: string };

/** Reads `-p VALUE` as ebtables does (see the module comment). */
export function ebtablesEthertype(value: string): EbtablesEthertype {
  const v = value.toLowerCase();
  // ebtables' `Length`: frames whose type field is below 0x0600 (802.3 with a length, not Ethernet II).
  if (v === "length") return { ethertype: "length" };
  const named = ETHERTYPE_NAMES[v];
  const hex = /^(0x)?[0-9a-f]{1,4}$/.test(v) ? Number.parseInt(v.replace(/^0x/, ""), 16) : undefined;
  const n = named ?? hex;
  if (n === undefined)
    return {
      error: `unknown protocol '${value}' for -p`,
      hint: "give an ethertype name of /etc/ethertypes (IPv4, ARP, IPv6, 802_1Q, ...), a hexadecimal number such as 0x0800, or Length",
    };
  if (n < 0x0600)
    return {
      error: `-p ${value} is below 0x0600, which ebtables refuses: such a type field holds an 802.3 frame's length`,
      hint: "use -p Length to match 802.3 frames",
    };
  return { ethertype: `0x${n.toString(16).padStart(4, "0")}` };
}
