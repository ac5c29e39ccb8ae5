/**
 * The symbolic constants nft prints and accepts for ICMP types, services (ports), layer-4 protocols
 * and, under `nft -n`, the numbers it prints instead of names, turned into what the simulator's
 * packets carry.
 */
import { ICMP_CODES, ICMPV6_CODES } from "../parse/icmp-codes.ts";
import { ICMPV6_TYPES } from "../parse/icmpv6-types.ts";
import { servicePort } from "./service-ports.ts";

/** nft's `icmp type` names (icmp(7)), to their type numbers. */
export const NFT_ICMP_TYPES: Readonly<Record<string, number>> = Object.fromEntries(
  [
    "echo-reply",
    "",
    "",
    "destination-unreachable",
    "source-quench",
    "redirect",
    "",
    "",
    "echo-request",
    "router-advertisement",
    "router-solicitation",
    "time-exceeded",
    "parameter-problem",
    "timestamp-request",
    "timestamp-reply",
    "info-request",
    "info-reply",
    "address-mask-request",
    "address-mask-reply",
  ]
    .map((name, type) => [name, type] as const)
    .filter(([name]) => name),
);

/** nft's `icmp code` names, to their code numbers. */
export const NFT_ICMP_CODES: Readonly<Record<string, number>> = ICMP_CODES;

/** nft's `icmpv6 code` names, to their code numbers. */
export const NFT_ICMPV6_CODES: Readonly<Record<string, number>> = ICMPV6_CODES;

/** nft's `icmpv6 type` names, to their type numbers (the table the nft monitor reader uses). */
export const NFT_ICMPV6_TYPES: Readonly<Record<string, number>> = ICMPV6_TYPES;

/** The names nft gives an ICMP or ICMPv6 type or code (`echo-request`, `port-unreachable`), by key. */
export const NFT_ICMP_NAMES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "icmp type": NFT_ICMP_TYPES,
  "icmpv6 type": NFT_ICMPV6_TYPES,
  "icmp code": NFT_ICMP_CODES,
  "icmpv6 code": NFT_ICMPV6_CODES,
};

/**
 * An integer as nft reads it (nft 1.0.6, checked on the kernel): decimal, hex (`0x50`) or, with a
 * leading zero and only octal digits, octal (`010` is 8; `08` is 8); undefined for anything else.
 */
export function nftInteger(text: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number(text);
  if (/^0[0-7]+$/.test(text)) return Number.parseInt(text, 8);
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** A port word (an integer as {@link nftInteger} reads it, or a service name) as a number; undefined when it is neither. */
export function nftPort(text: string): number | undefined {
  return nftInteger(text) ?? servicePort(text);
}

/**
 * A port word's bounds as nft's lexer splits them: a word from a letter is one service name, dashes and
 * all (nft 1.0.6 took `ftp-data` and `22-http` and refused `ssh-http`: "Could not resolve service"), and
 * a number may be followed by `-` and the range's last port.
 */
export function nftPortBounds(text: string): string[] {
  const m = /^(0x[0-9a-f]+|\d+)-(.+)$/i.exec(text);
  return m ? [m[1] as string, m[2] as string] : [text];
}

/** A protocol word (`tcp`, `6`, `ipv6-icmp`) as the name the simulator's packets carry. */
export function nftProto(text: string): string {
  return (
    (
      { "1": "icmp", "6": "tcp", "17": "udp", "58": "icmpv6", "ipv6-icmp": "icmpv6" } as Record<
        string,
        string
      >
    )[text] ?? text
  );
}

/** The number of protocol `name` as the simulator's packets carry it (`tcp`: `6`); other words unchanged. */
export function nftProtoNumber(name: string): string {
  return ({ icmp: "1", tcp: "6", udp: "17", icmpv6: "58" } as Record<string, string>)[name] ?? name;
}

/** Names by number (`nft -n`), per field: bit masks by bit (1 << index), enumerations by value. */
const NUMERIC: Readonly<Record<string, { bits?: true; names: string[] }>> = {
  "ct state": { bits: true, names: ["invalid", "established", "related", "new", "", "", "untracked"] },
  "ct status": { bits: true, names: ["expected", "seen-reply", "assured", "confirmed", "snat", "dnat"] },
  "tcp flags": { bits: true, names: ["fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"] },
  "fib daddr type": {
    names: [
      "unspec",
      "unicast",
      "local",
      "broadcast",
      "anycast",
      "multicast",
      "blackhole",
      "unreachable",
      "prohibit",
    ],
  },
  "meta nfproto": { names: ["", "", "ipv4", "", "", "", "", "", "", "", "ipv6"] },
};

/**
 * The symbolic name of a value `nft -n` prints as a number, for the fields whose names the model
 * decides on (`ct state 0x8` is new, `fib daddr type 2` is local); any other value is returned as it is.
 */
export function nftSymbol(field: string, value: string): string {
  if (field === "meta protocol" || field === "ether type") return ETHER_TYPES[Number(value)] ?? value;
  const table = NUMERIC[field === "fib saddr type" ? "fib daddr type" : field];
  if (!table || !/^(0x[0-9a-f]+|\d+)$/i.test(value)) return value;
  const n = Number(value);
  const index = table.bits ? Math.log2(n) : n;
  return table.names[index] || value;
}

/** The ether types nft names (`meta protocol ip`), by number (`0x0800`). */
const ETHER_TYPES: Readonly<Record<number, string>> = {
  2048: "ip",
  34525: "ip6",
  2054: "arp",
  33024: "vlan",
  34984: "8021ad",
};

/** DSCP code points by the names nft and `--dscp-class` use (case aside): class selectors, AF, EF, VA, LE. */
const DSCP_NAMES: Readonly<Record<string, number>> = {
  be: 0,
  df: 0,
  le: 1,
  lephb: 1,
  va: 44,
  ef: 46,
  ...Object.fromEntries([0, 1, 2, 3, 4, 5, 6, 7].map((n) => [`cs${n}`, n * 8])),
  ...Object.fromEntries([1, 2, 3, 4].flatMap((c) => [1, 2, 3].map((d) => [`af${c}${d}`, c * 8 + d * 2]))),
};

/** A DSCP (0-63) from a name (`cs1`, `AF11`, `ef`) or a number (`10`, `0x0a`); undefined otherwise. */
export function dscpValue(text: string): number | undefined {
  const named = DSCP_NAMES[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) return undefined;
  const n = Number(text);
  return n <= 63 ? n : undefined;
}

/** `skb->pkt_type` values by number (`meta pkttype 1`), as nft names the four a rule can meet. */
const PKTTYPES = ["host", "broadcast", "multicast", "other"] as const;

/** A packet type's number (`host` 0 ... `other` 3, `0x1`, `7`), as nft compares it; undefined for another word. */
export function pktTypeNumber(text: string): number | undefined {
  const name = pktTypeName(text);
  return name === undefined ? nftInteger(text) : PKTTYPES.indexOf(name);
}

/**
 * A packet type in nft's words from nft's or iptables' name (`unicast` is `host`, `otherhost` is
 * `other`, `bcast`/`mcast` the short forms) or a number; undefined for any other word.
 */
export function pktTypeName(text: string): (typeof PKTTYPES)[number] | undefined {
  const t = text.toLowerCase();
  const alias: Record<string, (typeof PKTTYPES)[number]> = {
    unicast: "host",
    otherhost: "other",
    bcast: "broadcast",
    mcast: "multicast",
  };
  if (alias[t]) return alias[t];
  if ((PKTTYPES as readonly string[]).includes(t)) return t as (typeof PKTTYPES)[number];
  return /^\d+$/.test(t) ? PKTTYPES[Number(t)] : undefined;
}
