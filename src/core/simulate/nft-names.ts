/**
 * The symbolic constants nft prints and accepts for ICMP types, services (ports) and layer-4
 * protocols, turned into the numbers and names the simulator's packets carry.
 */

/** nft's `icmp type` names (icmp(7)), to their type numbers. */
export const NFT_ICMP_TYPES: Readonly<Record<string, number>> = {
  "echo-reply": 0,
  "destination-unreachable": 3,
  "source-quench": 4,
  redirect: 5,
  "echo-request": 8,
  "router-advertisement": 9,
  "router-solicitation": 10,
  "time-exceeded": 11,
  "parameter-problem": 12,
  "timestamp-request": 13,
  "timestamp-reply": 14,
  "info-request": 15,
  "info-reply": 16,
  "address-mask-request": 17,
  "address-mask-reply": 18,
};

/** Service names nft prints for ports (`nft list` without `-n`, older versions, `/etc/services`). */
export const NFT_SERVICES: Readonly<Record<string, number>> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  http: 80,
  pop3: 110,
  ntp: 123,
  "netbios-ns": 137,
  imap: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  "microsoft-ds": 445,
  syslog: 514,
  "dhcpv6-client": 546,
  "dhcpv6-server": 547,
  submission: 587,
  rsync: 873,
  imaps: 993,
  pop3s: 995,
  mysql: 3306,
  postgresql: 5432,
  mdns: 5353,
  "http-alt": 8080,
};

/** Layer-4 protocol numbers nft may print instead of names. */
const PROTO_NUMBERS: Readonly<Record<string, string>> = { "1": "icmp", "6": "tcp", "17": "udp" };

/** A port word (number or service name) as a number; undefined when it is neither. */
export function nftPort(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  return NFT_SERVICES[text];
}

/** A protocol word (`tcp`, `6`) as the name the simulator's packets carry. */
export function nftProto(text: string): string {
  return PROTO_NUMBERS[text] ?? text;
}

/** Conntrack state bits as `nft -n` prints them (`ct state 0x2,0x4`). */
const CT_STATE_BITS: Readonly<Record<number, string>> = {
  1: "invalid",
  2: "established",
  4: "related",
  8: "new",
  64: "untracked",
};

/** Conntrack status bits the model knows (`ct status 0x20` is dnat). */
const CT_STATUS_BITS: Readonly<Record<number, string>> = { 16: "snat", 32: "dnat" };

/** Route types (`fib daddr type 2` is local), as rtnetlink numbers them. */
const FIB_TYPES: Readonly<Record<number, string>> = {
  0: "unspec",
  1: "unicast",
  2: "local",
  3: "broadcast",
  4: "anycast",
  5: "multicast",
  6: "blackhole",
  7: "unreachable",
  8: "prohibit",
};

/** Protocol families (`meta nfproto 2` is ipv4). */
const NFPROTO: Readonly<Record<number, string>> = { 2: "ipv4", 10: "ipv6" };

/** TCP flag bits (`tcp flags 0x2 / 0x1,0x2,0x4,0x10`). */
const TCP_FLAG_BITS: Readonly<Record<number, string>> = {
  1: "fin",
  2: "syn",
  4: "rst",
  8: "psh",
  16: "ack",
  32: "urg",
  64: "ecn",
  128: "cwr",
};

const NUMERIC: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  "ct state": CT_STATE_BITS,
  "ct status": CT_STATUS_BITS,
  "fib daddr type": FIB_TYPES,
  "fib saddr type": FIB_TYPES,
  "meta nfproto": NFPROTO,
  "tcp flags": TCP_FLAG_BITS,
};

/**
 * The symbolic name of a value `nft -n` prints as a number, for the fields whose names the model
 * decides on (`ct state 0x8` is new); any other value is returned as it is.
 */
export function nftSymbol(field: string, value: string): string {
  const table = NUMERIC[field];
  if (!table || !/^(0x[0-9a-f]+|\d+)$/i.test(value)) return value;
  return table[Number(value)] ?? value;
}
