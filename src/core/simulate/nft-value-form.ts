/**
 * Whether a value written for a key has the form of that key's values, wherever it is written: alone
 * (`ip saddr 1.2.3.x`), or as an element of a set, map or verdict map (`ip saddr { 1.2.3.4, 1.2.3.x }`):
 * an address where the key is an address, a conntrack state where it is `ct state`, and so on. nft
 * refuses a misspelt value and with it the whole file (nft 1.0.6: "syntax error, unexpected string",
 * "Could not parse conntrack state"); read as a value that never matches, it would have let the
 * simulator run rules the kernel never loaded. A protocol name is judged by the names nft resolves
 * here (`nft-protocol-names.ts`), and only warned of. Interface names (free words) and service names
 * (`service-ports.ts`) are not judged here.
 */
import { parseIpv6 } from "../parse/ipv6.ts";
import { parseIpv4 } from "./ipv4.ts";
import { dscpValue, NFT_ICMP_NAMES } from "./nft-names.ts";
import { prefixLength } from "./nft-prefix-length.ts";
import { knownProtocol, UNKNOWN_PROTOCOL_HINT } from "./nft-protocol-names.ts";
import { isRedactedAddress, REDACTED_ADDRESS_HINT } from "./redacted-address.ts";

/**
 * What a value should have been, nft's words for it when they are always the same, and a hint;
 * `warn` when the value is only warned of (a protocol name another system's /etc/protocols may hold).
 */
export interface ValueForm {
  what: string;
  nft?: string;
  hint: string;
  warn?: true;
}

const NUMBER = /^(0x[0-9a-f]+|\d+)$/i;
const MAC = /^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i;
/** A word nft looks up as a host name when it loads the file (it takes it): not judged here. */
const HOST_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/i;

/** nft 1.0.6's packet type names (`meta pkttype`). */
const PKTTYPE_NAMES = ["host", "unicast", "broadcast", "multicast", "other"];

/** Flag and state names nft takes (its `|` joins several in one value). */
const FLAG_NAMES: Readonly<Record<string, readonly string[]>> = {
  "ct state": ["new", "established", "related", "invalid", "untracked"],
  "ct status": ["expected", "seen-reply", "assured", "confirmed", "snat", "dnat", "dying"],
  "tcp flags": ["fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"],
};

const FLAG_FORMS: Readonly<Record<string, ValueForm>> = {
  "ct state": {
    what: "a conntrack state",
    nft: "Could not parse conntrack state",
    hint: "write new, established, related, invalid or untracked",
  },
  "ct status": {
    what: "a conntrack status",
    nft: "Could not parse conntrack status",
    hint: "write expected, seen-reply, assured, confirmed, snat, dnat or dying",
  },
  "tcp flags": {
    what: "a TCP flag",
    nft: "Could not parse TCP flag",
    hint: "write fin, syn, rst, psh, ack, urg, ecn or cwr",
  },
};

/** Whether `value` (one bound of an element) has the form `key` takes; undefined for keys not judged. */
function fits(key: string, value: string): boolean | undefined {
  // A prefix length nft reads as a number (decimal, hex, octal): at most the key's width.
  const prefixed = (text: string, width: number, form: (v: string) => boolean): boolean => {
    const [v, len, more] = text.split("/");
    return (
      more === undefined &&
      form(v as string) &&
      (len === undefined || (NUMBER.test(len) && prefixLength(len) <= width))
    );
  };
  switch (key) {
    case "ip saddr":
    case "ip daddr":
      return prefixed(value, 32, (a) => parseIpv4(a) !== undefined || NUMBER.test(a) || HOST_NAME.test(a));
    case "ip6 saddr":
    case "ip6 daddr":
      // `[::1]`: nft takes an IPv6 address in brackets too.
      return prefixed(
        value,
        128,
        (a) => parseIpv6(a.replace(/^\[(.*)\]$/, "$1")) !== undefined || HOST_NAME.test(a),
      );
    case "ether saddr":
    case "ether daddr":
      return prefixed(value, 48, (a) => MAC.test(a));
    case "meta mark":
    case "ct mark":
      return prefixed(value, 32, (a) => NUMBER.test(a));
    // nft's names of ether types, case and all (nft 1.0.6 refused `ipv4`, `IP`), or a number.
    case "meta protocol":
    case "ether type":
      return /^(ip6?|arp|vlan|8021q|8021ad)$/.test(value) || NUMBER.test(value);
    // The netfilter family's own names (nft 1.0.6 refused `ip`, `IPv4`, `arp`: "Could not parse netfilter protocol"), or a number.
    case "meta nfproto":
      return /^ipv[46]$/.test(value) || NUMBER.test(value);
    case "ct zone":
    case "ct original zone":
    case "ct reply zone":
      return NUMBER.test(value);
    case "icmp type":
    case "icmpv6 type":
      return NUMBER.test(value) || NFT_ICMP_NAMES[key]?.[value] !== undefined;
    case "meta pkttype":
      // nft's names (not iptables' `otherhost`, `bcast`, nor `HOST`), or any number (its width is judged apart).
      return PKTTYPE_NAMES.includes(value) || NUMBER.test(value);
    case "ip dscp":
    case "ip6 dscp":
      return dscpValue(value) !== undefined;
    case "ip protocol":
    case "ip6 nexthdr":
    case "meta l4proto":
      return knownProtocol(value);
    case "ct state":
    case "ct status":
    case "tcp flags":
      return value.split("|").every((f) => NUMBER.test(f.trim()) || FLAG_NAMES[key]?.includes(f.trim()));
    default:
      return undefined;
  }
}

/** What `key`'s values should be, for the message (see {@link valueFormProblem}). */
function formOf(key: string, value: string): ValueForm {
  const flags = FLAG_FORMS[key];
  if (flags) return flags;
  if (key === "ether type" || key === "meta protocol")
    return {
      what: "an Ethernet type",
      nft: "Could not parse Ethernet protocol",
      hint: "write ip, ip6, arp, vlan, 8021ad or a number such as 0x0800",
    };
  if (key === "meta nfproto")
    return {
      what: "a netfilter family",
      nft: "Could not parse netfilter protocol",
      hint: "write ipv4 or ipv6",
    };
  if (/protocol|nexthdr|l4proto/.test(key))
    return { what: "a protocol name of /etc/protocols", hint: UNKNOWN_PROTOCOL_HINT, warn: true };
  if (/^ip6? [sd]addr$/.test(key)) {
    const v6 = key.startsWith("ip6");
    const what = v6 ? "an IPv6 address or prefix" : "an IPv4 address or prefix";
    const bare = value.split("/")[0] as string;
    if (isRedactedAddress(bare)) return { what, hint: REDACTED_ADDRESS_HINT };
    return { what, hint: v6 ? "write e.g. fd00:a::/64" : "write e.g. 172.17.0.0/16" };
  }
  if (key.startsWith("ether")) return { what: "a MAC address", hint: "write e.g. 02:42:ac:11:00:02" };
  if (key.endsWith("mark")) return { what: "a mark", hint: "write e.g. 0x1" };
  // nft says so of a word (`x`); of `-1` or `1.5` its parser's syntax error.
  if (key.endsWith("zone"))
    return {
      what: "a zone",
      ...(/^[a-z]/i.test(value) ? { nft: "Could not parse integer" } : {}),
      hint: "write a number from 0 to 65535",
    };
  if (key === "icmpv6 type")
    return {
      what: "an ICMPv6 type",
      nft: "Could not parse ICMPv6 type",
      hint: "write e.g. echo-request or nd-neighbor-solicit",
    };
  if (key === "icmp type")
    return { what: "an ICMP type", nft: "Could not parse ICMP type", hint: "write e.g. echo-request" };
  if (key === "meta pkttype")
    return {
      what: "a packet type",
      nft: "Could not parse packet type",
      hint: `write host, unicast, broadcast, multicast or other${value === "otherhost" ? " (ebtables' otherhost is nft's other)" : ""}`,
    };
  return {
    what: "a DSCP",
    nft: "Could not parse Differentiated Services Code Point",
    hint: "write e.g. cs1, af11, ef or a number from 0 to 63",
  };
}

/**
 * Where in `bad` nft's lexer starts the word it refuses in a set, after the address or number it reads
 * first (nft 1.0.6: `{ 1.2.3.x }` at `.2.3.x`, `{ 1.2.3.4/x }` at `x`, `{ 0xzz }` at `xzz`); 0 when it
 * refuses the whole word (`1.2.3.256`: "Could not resolve hostname").
 */
function lexedAt(key: string, bad: string): number {
  if (/^ip6 [sd]addr$/.test(key)) return lexedAt6(bad);
  if (!/^ip [sd]addr$|mark$|zone$/.test(key)) return 0;
  const addr = /^(\d{1,3}\.){3}\d{1,3}/.exec(bad)?.[0];
  const rest = addr === undefined ? "" : bad.slice(addr.length);
  if (addr !== undefined) return /^(\/\d+)?$/.test(rest) ? 0 : addr.length + (rest[0] === "/" ? 1 : 0);
  const n = /^(0x[0-9a-f]+|\d+)/i.exec(bad)?.[0].length ?? 0;
  return n < bad.length ? n : 0;
}

/**
 * {@link lexedAt} for an IPv6 key: nft's lexer takes the longest start that is an IPv6 address (`1::` of
 * `1::x`, `ab::` of `ab::xy`), a word from a letter (`zz` of `zz::1`) or a number (`1` of `1x`), and refuses the word after it
 * (nft 1.0.6: `{ 1::x }` "syntax error, unexpected string" at `x`); 0 when it refuses the whole word.
 */
function lexedAt6(bad: string): number {
  let address = 0;
  for (let k = bad.length - 1; k > 1 && address === 0; k--) if (parseIpv6(bad.slice(0, k))) address = k;
  const word = /^[a-z_.][a-z0-9/_.-]*/i.exec(bad)?.[0].length ?? 0;
  const number = /^(0x[0-9a-f]+|\d+)/i.exec(bad)?.[0].length ?? 0;
  const at = Math.max(address, word, number);
  const rest = bad.slice(at);
  // `1::1:x`: a colon after the address is a map's (nft: "mapping outside of map context", at the element).
  if (at === 0 || /^:(?!:)/.test(rest) || /^(\/\d+)?$/.test(rest)) return 0;
  return at + (rest[0] === "/" ? 1 : 0);
}

/**
 * The form `value` (a value alone, or an element's part: a value, or a range `lo-hi`) should have had
 * for `key`, when it does not have it; undefined when it fits or `key` is not judged. The bound that
 * does not fit is `bad`; its offset in `value` is `at`; nft's column in a set is `lexed` further.
 */
export function valueFormProblem(
  key: string | undefined,
  value: string,
): { form: ValueForm; bad: string; at: number; lexed: number } | undefined {
  if (key === undefined) return undefined;
  // A placeholder where an address was (`x.x.x.x` reads as a host name): nft finds no such host.
  const redacted = /^ip6? [sd]addr$/.test(key) && isRedactedAddress(value.split("/")[0] as string);
  if (!redacted && fits(key, value) !== false) return undefined;
  // A range: each bound on its own (`1.2.3.1-1.2.3.9`, `3-8`, `0-echo-request`: names may hold a dash). A
  // word from a letter is one name to nft's lexer, dashes and all (nft 1.0.6 refused `host-other`, `cs1-cs3`).
  const split = /^[a-z][^:]*$/i.test(value) ? -1 : value.indexOf("-");
  for (let dash = split; dash > 0; dash = value.indexOf("-", dash + 1))
    if (fits(key, value.slice(0, dash)) && fits(key, value.slice(dash + 1))) return undefined;
  const dash = split;
  const first = dash > 0 ? value.slice(0, dash) : value;
  // The bound that does not fit, when the other does (`1.2.3.1-1.2.3.x`); else the whole element.
  const bad =
    dash > 0 && fits(key, first)
      ? value.slice(dash + 1)
      : dash > 0 && fits(key, value.slice(dash + 1))
        ? first
        : value;
  return { form: formOf(key, bad), bad, at: value.indexOf(bad), lexed: lexedAt(key, bad) };
}
