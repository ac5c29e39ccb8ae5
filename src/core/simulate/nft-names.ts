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
