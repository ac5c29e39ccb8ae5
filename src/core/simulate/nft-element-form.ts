/**
 * Whether an element of an nft set, map or verdict map has the form of its key's values: an address
 * where the key is an address (`ip saddr { 1.2.3.4, 1.2.3.x }`), a conntrack state where it is `ct
 * state`, and so on. nft refuses a misspelt element and with it the whole file (nft 1.0.6: "syntax
 * error, unexpected string", "Could not parse conntrack state"); read as a value that never matches,
 * it would have let the simulator run rules the kernel never loaded. Keys whose values are free words
 * (interface names) or come from system files (protocol and service names) are not judged here.
 */
import { parseIpv6 } from "../parse/ipv6.ts";
import { parseIpv4 } from "./ipv4.ts";
import { dscpValue, NFT_ICMP_NAMES, pktTypeName } from "./nft-names.ts";
import { isRedactedAddress, REDACTED_ADDRESS_HINT } from "./redacted-address.ts";

/** What an element should have been, nft's words for it when they are always the same, and a hint. */
export interface ElementForm {
  what: string;
  nft?: string;
  hint: string;
  /** A word nft looks up as a host name when it loads the file (it takes it); the simulator cannot. */
  hostName?: true;
}

const NUMBER = /^(0x[0-9a-f]+|\d+)$/i;
const MAC = /^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i;
/** A word nft would look up as a host name (it resolves one when it loads the file; the simulator cannot). */
const HOST_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/i;

/** Flag and state names nft takes in a set (its `|` joins several in one element). */
const FLAG_NAMES: Readonly<Record<string, readonly string[]>> = {
  "ct state": ["new", "established", "related", "invalid", "untracked"],
  "ct status": ["expected", "seen-reply", "assured", "confirmed", "snat", "dnat", "dying"],
  "tcp flags": ["fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"],
};

const FLAG_FORMS: Readonly<Record<string, ElementForm>> = {
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
  switch (key) {
    case "ip saddr":
    case "ip daddr": {
      const [addr, len, more] = value.split("/");
      return (
        more === undefined &&
        (parseIpv4(addr as string) !== undefined || NUMBER.test(addr as string)) &&
        (len === undefined || (/^\d{1,2}$/.test(len) && Number(len) <= 32))
      );
    }
    case "ip6 saddr":
    case "ip6 daddr": {
      const [addr, len, more] = value.split("/");
      return (
        more === undefined &&
        parseIpv6(addr as string) !== undefined &&
        (len === undefined || (/^\d{1,3}$/.test(len) && Number(len) <= 128))
      );
    }
    case "ether saddr":
    case "ether daddr":
      return MAC.test(value);
    case "meta mark":
    case "ct mark":
      return NUMBER.test(value);
    case "icmp type":
    case "icmpv6 type":
      return NUMBER.test(value) || NFT_ICMP_NAMES[key]?.[value] !== undefined;
    case "meta pkttype":
      return pktTypeName(value) !== undefined;
    case "ip dscp":
    case "ip6 dscp":
      return dscpValue(value) !== undefined;
    case "ct state":
    case "ct status":
    case "tcp flags":
      return value.split("|").every((f) => NUMBER.test(f.trim()) || FLAG_NAMES[key]?.includes(f.trim()));
    default:
      return undefined;
  }
}

/** What `key`'s elements should be, for the message (see {@link elementFormProblem}). */
function formOf(key: string, value: string): ElementForm {
  const flags = FLAG_FORMS[key];
  if (flags) return flags;
  if (/^ip6? [sd]addr$/.test(key)) {
    const v6 = key.startsWith("ip6");
    const what = v6 ? "an IPv6 address or prefix" : "an IPv4 address or prefix";
    const bare = value.split("/")[0] as string;
    if (isRedactedAddress(bare)) return { what, hint: REDACTED_ADDRESS_HINT };
    if (HOST_NAME.test(bare) && !v6) return { what, hint: "write the address it stands for", hostName: true };
    return { what, hint: v6 ? "write e.g. fd00:a::/64" : "write e.g. 172.17.0.0/16" };
  }
  if (key.startsWith("ether")) return { what: "a MAC address", hint: "write e.g. 02:42:ac:11:00:02" };
  if (key.endsWith("mark")) return { what: "a mark", hint: "write e.g. 0x1" };
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
      hint: "write host, unicast, broadcast, multicast or other",
    };
  return {
    what: "a DSCP",
    nft: "Could not parse Differentiated Services Code Point",
    hint: "write e.g. cs1, af11, ef or a number from 0 to 63",
  };
}

/**
 * The form `value` (an element's part: a value, or a range `lo-hi`) should have had for `key`, when it
 * does not have it; undefined when it fits or `key` is not judged. `value` is the bound that does not
 * fit, as `bad`; its offset in the element is `at`.
 */
export function elementFormProblem(
  key: string | undefined,
  value: string,
): { form: ElementForm; bad: string; at: number } | undefined {
  if (key === undefined || fits(key, value) !== false) return undefined;
  // A range: each bound on its own (`1.2.3.1-1.2.3.9`, `3-8`, `echo-reply-8`: names may hold a dash).
  for (let dash = value.indexOf("-"); dash > 0; dash = value.indexOf("-", dash + 1))
    if (fits(key, value.slice(0, dash)) && fits(key, value.slice(dash + 1))) return undefined;
  const dash = value.indexOf("-");
  const first = dash > 0 ? value.slice(0, dash) : value;
  // The bound that does not fit, when the other does (`1.2.3.1-1.2.3.x`); else the whole element.
  const bad =
    dash > 0 && fits(key, first)
      ? value.slice(dash + 1)
      : dash > 0 && fits(key, value.slice(dash + 1))
        ? first
        : value;
  return { form: formOf(key, bad), bad, at: value.indexOf(bad) };
}
