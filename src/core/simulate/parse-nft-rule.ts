/**
 * Reads the statements of one nftables rule (`iifname "docker0" ct state established counter accept`)
 * into the shared rule model: conditions the iptables model already has where they mean the same
 * (`iifname` is `-i`, `ip saddr` is `-s`, `fib daddr type local` is `addrtype --dst-type LOCAL`),
 * `nft-set` conditions for sets, a verdict (or `vmap`) as the target, and `log`, `meta nftrace set`
 * and `meta mark set` as effects. An expression it does not know becomes an `unknown` condition or
 * target covering exactly its words: reported, never guessed.
 */

import { isIpv6, parseCidr6 } from "../parse/ipv6.ts";
import { CT_ADDR_KEYS, ctLoadWords } from "./ct-break.ts";
import { ctStatusBits as statusBits } from "./ct-status.ts";
import { endingWarning } from "./ending-targets.ts";
import { parseIpCidr } from "./ip-address.ts";
import { parseCidr, parseIpv4 } from "./ipv4.ts";
import { readExthdr } from "./ipv6-header-match.ts";
import { paddedMac } from "./match-rule.ts";
import { parseNatAddressSpec, rangeReversed } from "./nat-address-spec.ts";
import { natOfData } from "./nat-map-data.ts";
import { maskedCidr, maskType, maskWordText, outsideMask, readMaskWord } from "./nft-bitmask.ts";
import {
  dscpValue,
  NFT_ICMP_NAMES,
  nftPort,
  nftPortBounds,
  nftProto,
  nftSymbol,
  pktTypeName,
} from "./nft-names.ts";
import { macPrefixMask, prefixLength } from "./nft-prefix-length.ts";
import { protocolNumber, unknownProtocolMessage } from "./nft-protocol-names.ts";
import { valueFormProblem } from "./nft-value-form.ts";
import { CHANCE_MODULES, NON_DECIDING_TARGETS } from "./parse-rule-args.ts";
import { queueWarning } from "./queue-target.ts";
import { reversedRange, reversedRangeMessage } from "./reversed-range.ts";
import type {
  AfterVerdict,
  Chance,
  Condition,
  MarkLookup,
  NftDataElement,
  NftKey,
  NftMapElement,
  NftSet,
  NftValue,
  PortRange,
  Target,
} from "./ruleset.ts";
import { servicePort } from "./service-ports.ts";
import { nftOwner, OWNER_HINT, OWNER_WORDS } from "./socket-owner.ts";
import { byteFlags, NFT_TCP_FLAG_NAMES, packetFlagsByte, tcpFlagsRange } from "./tcp-flag-values.ts";
import type { NftToken } from "./tokenize-nft.ts";
import {
  CT_UNCERTAIN_HINT,
  CT_UNMODELLED_MATCH_HINT,
  chanceHint,
  DECIDES_NOTHING_HINT,
  UNCERTAIN_HINT,
  UNMODELLED_MATCH_HINT,
  XT_HINT,
  XT_MASQUERADE_HINT,
  XT_MATCH_HINT,
} from "./unmodelled-hints.ts";

/**
 * The hint of an unmodelled match (`match`) or acting statement, told that a packet without a
 * connection is decided all the same when the expression loads from it (`ct`: the engine breaks there).
 */
function unmodelledHint(match: boolean, ct: boolean): string {
  if (match) return ct ? CT_UNMODELLED_MATCH_HINT : UNMODELLED_MATCH_HINT;
  return ct ? CT_UNCERTAIN_HINT : UNCERTAIN_HINT;
}

/** A problem in one rule, at a token. */
export interface NftRuleProblem {
  severity: "error" | "warning";
  message: string;
  hint?: string;
  line: number;
  column: number;
  /** A reversed range nft's listing prints (`tcp dport 5000-80`), which `nft -f` refuses as written. */
  reversed?: { lo: string; hi: string };
}

/** What to do about a reversed range nft listed for two comparisons (nft -f refuses it as written). */
const SIDE_BY_SIDE_HINT =
  'read the rule from the file nft loaded it from, or write the two comparisons with another expression (counter) between them (nft -f refuses the range as written: "Range has zero or negative size")';

/** The parsed rule. */
export interface ParsedNftRule {
  conditions: Condition[];
  target: Target;
  effects: Target[];
  /** Where each of `effects` is written (see `Rule.effectAt`). */
  effectAt: number[];
  /** How many of `conditions` are written before the target (see `Rule.targetAt`). */
  targetAt: number;
  /** The verdicts written after a target that may let the rule go on, with their places (see `Rule.afterVerdicts`). */
  afterVerdicts?: AfterVerdict[];
  comment?: string;
  problems: NftRuleProblem[];
}

/** nft's operators written as words, which may stand among a flag expression's words (`tcp flags and syn ne 0`). */
const NFT_OPERATOR_WORDS = new Set([
  "and",
  "or",
  "xor",
  "eq",
  "ne",
  "lt",
  "gt",
  "le",
  "ge",
  "lshift",
  "rshift",
]);

/** Words that start an expression or statement: where an unknown expression's words end. */
const STARTERS = new Set([
  "iifname",
  "oifname",
  "iif",
  "oif",
  "meta",
  "ip",
  "ip6",
  "tcp",
  "udp",
  "th",
  "icmp",
  "icmpv6",
  "ct",
  "fib",
  "counter",
  "comment",
  "log",
  "accept",
  "drop",
  "continue",
  "return",
  "jump",
  "goto",
  "reject",
  "dnat",
  "snat",
  "masquerade",
  "limit",
  "notrack",
  "queue",
  "redirect",
  "ether",
  "vlan",
  "arp",
  "mark",
  "pkttype",
  "ipsec",
]);

/**
 * Targets that end a rule's evaluation when reached (a verdict, a NAT: nft_nat_eval gives NF_ACCEPT),
 * so no statement after them acts; a NAT of the other family in an inet table is the one exception.
 */
const ENDS_RULE = new Set<Target["kind"]>([
  "ACCEPT",
  "DROP",
  "REJECT",
  "RETURN",
  "jump",
  "goto",
  "DNAT",
  "SNAT",
  "MASQUERADE",
  "REDIRECT",
  "nat-map",
]);

/**
 * Targets after which nft takes a later verdict (the rule may go on, by the packet): a verdict map (its
 * `continue` element) and a pick. After a NAT, even of one family, nft refuses one (kernel 6.18, nft
 * 1.0.6: "Statement after terminal statement has no effect").
 */
function mayGoOn(t: Target): boolean {
  return t.kind === "vmap" || t.kind === "pick";
}

/**
 * Whether `t` is the rule's real target: a verdict, a verdict map, a NAT, or an unknown statement that
 * may decide. A target that goes on (`xt target TCPMSS`) never ends a rule.
 */
function decides(t: Target): boolean {
  return t.kind !== "NONE" && !(t.kind === "unknown" && t.continues === true);
}

/** Unknown statements of one word: the next word starts another statement. */
const ONE_WORD = new Set(["notrack"]);

/** Tokens after which the next word is always a value, never a new expression. */
const OPERATORS = new Set([
  ".",
  "==",
  "!=",
  "&",
  "|",
  "^",
  "<",
  ">",
  "<=",
  ">=",
  "eq",
  "ne",
  ",",
  "lt",
  "gt",
]);

/**
 * Fields whose value is a protocol name that also starts an expression (`ip`, `ip6`, `arp`), or a link
 * type that does (`meta iiftype ether`).
 */
const PROTOCOL_FIELDS = new Set([
  "type",
  "l3proto",
  "protocol",
  "nexthdr",
  "l4proto",
  "nfproto",
  "iiftype",
  "oiftype",
]);

/**
 * `ct status & M == V` (or `and`, `!=`, `eq`, `ne`; `M` a word or `(a | b)`) from `at` (after `&`): the word
 * under the mask is `V`, or is not. nft 1.0.6 took `ct status and dnat == dnat` and lists it `ct status &
 * dnat == dnat` (`& dnat != 0` it lists `ct status dnat`). Without an operator the comparison is `==`, and
 * `V` may be a set: nft 1.0.6 took `ct status and dnat dnat accept` (also before `dnat to`: the word after
 * the mask is its value, not a statement) and `& dnat { dnat }`, and listed both `ct status & dnat == dnat`.
 * Undefined for another comparison (`> 0x0`).
 */
function maskedCtStatus(
  tokens: readonly NftToken[],
  at: number,
  names?: Readonly<Record<string, number>>,
): { condition: Extract<Condition, { kind: "ctstatus" }>; next: number } | undefined {
  const ctStatusBits = (w: string | undefined) => statusBits(w, names);
  // The mask's words: one (`dnat`, `0x20`), a group in parentheses, and what `|` joins after them.
  let k = at;
  let open = false;
  let written = "";
  for (; tokens[k]; k++) {
    const w = tokens[k]?.value as string;
    if (ctStatusBits(w) === undefined || k > at + 6) return undefined;
    written += w;
    if (w.startsWith("(")) open = true;
    if (w.endsWith(")")) open = false;
    const next = tokens[k + 1]?.value ?? "";
    if (!open && !w.endsWith("|") && !next.startsWith("|") && next !== ")") break;
  }
  // `& snat | dnat` is `(ct status & snat) | dnat` to nft 1.0.6 (bitwise `& 0x10 ^ 0x20`, kernel 6.18),
  // spaced or not: only a group in parentheses is a mask of several bits.
  const group = /^\(([^()]*)\)(.*)$/.exec(written);
  const [maskText, orText] = group
    ? [group[1] as string, group[2] as string]
    : [written.split("|")[0] as string, written.split("|").slice(1).join("|")];
  const mask = ctStatusBits(maskText) ?? 0;
  const or = ctStatusBits(orText) ?? 0;
  k++;
  const op = tokens[k]?.value;
  const neg = op === "!=" || op === "ne";
  if (op === "==" || op === "eq" || neg) k++;
  const values: number[] = [];
  if (tokens[k]?.value === "{" && !neg) {
    for (k++; tokens[k] && tokens[k]?.value !== "}"; k++) {
      if (tokens[k]?.value === ",") continue;
      const v = ctStatusBits(tokens[k]?.value);
      if (v === undefined) return undefined;
      values.push(v);
    }
    if (tokens[k]?.value !== "}" || values.length === 0) return undefined;
  } else {
    let value = ctStatusBits(tokens[k]?.value);
    if (value === undefined) return undefined;
    // `dnat,snat` and `dnat | snat`: one value of both bits.
    for (; /^[|,]$/.test(tokens[k + 1]?.value ?? "") && tokens[k + 2]; k += 2) {
      const more = ctStatusBits(tokens[k + 2]?.value);
      if (more === undefined) return undefined;
      value |= more;
    }
    values.push(value);
  }
  if (mask === 0) return undefined;
  // `(word & mask) | or == v`: the bits of `or` are set whatever the word; a value without them, or
  // with a bit outside both, is never equal (kept out of `values`).
  const held = values.filter((v) => (v & or) === or && (v & ~(mask | or)) === 0).map((v) => v & ~or);
  return { condition: { kind: "ctstatus", mask: mask & ~or, values: held, neg }, next: k + 1 };
}

/**
 * `ct status ...` from `at` (after the two words): any of the bits (`seen-reply,assured`,
 * `seen-reply|assured`), none of them (`! assured`), the whole word equal or not (`== seen-reply,confirmed`,
 * `!= dnat`: nft 1.0.6 compiles these to an exact compare, and lists `==` as `seen-reply | confirmed`,
 * spaced), one of a set's words (`{ confirmed, assured }`) or the word under a mask (`seen-reply /
 * seen-reply,assured`). Checked with nft --debug=netlink and nft list / -n / -j on nft 1.0.6. Undefined
 * for a bit the model does not keep (`dying`) or another form.
 */
function readCtStatus(
  tokens: readonly NftToken[],
  at: number,
  names?: Readonly<Record<string, number>>,
): { condition: Extract<Condition, { kind: "ctstatus" }>; next: number } | undefined {
  let k = at;
  const op = tokens[k]?.value;
  if (op === "==" || op === "!=" || op === "!") k++;
  if (op === "&" || op === "and") return maskedCtStatus(tokens, at + 1, names);
  // `ct status @s`: the word is one of a named set's (`type ct_status`; nft 1.0.6 took it, and `!=`).
  const named = tokens[k]?.value;
  if (named?.startsWith("@") && op !== "!")
    return { condition: { kind: "ctstatus", set: named.slice(1), neg: op === "!=" }, next: k + 1 };
  const bits = (w: string | undefined) => statusBits(w, names);
  if (tokens[k]?.value === "{") {
    // `{ a, b|c }` (also after `==`): the word is one of the elements.
    const values: number[] = [];
    let cur: number | undefined;
    for (k++; tokens[k] && tokens[k]?.value !== "}"; k++) {
      const w = tokens[k]?.value;
      if (w === ",") {
        if (cur === undefined) return undefined;
        values.push(cur);
        cur = undefined;
      } else if (w !== "|") {
        const v = bits(w);
        if (v === undefined) return undefined;
        cur = (cur ?? 0) | v;
      }
    }
    if (cur !== undefined) values.push(cur);
    if (tokens[k]?.value !== "}" || op === "!" || values.length === 0) return undefined;
    return { condition: { kind: "ctstatus", values, neg: op === "!=" }, next: k + 1 };
  }
  let word = bits(tokens[k]?.value);
  if (word === undefined) return undefined;
  // `a,b` and `a|b` join the bits; a spaced `a | b` is how nft lists an exact compare (`== a,b`).
  let listedExact = false;
  while ((tokens[k + 1]?.value === "," || tokens[k + 1]?.value === "|") && tokens[k + 2]) {
    if (tokens[k + 1]?.value === "|") listedExact = true;
    const more = bits(tokens[k + 2]?.value);
    if (more === undefined) return undefined;
    word |= more;
    k += 2;
  }
  // `ct status seen-reply / seen-reply,assured`: nft's listing of `ct status & (seen-reply|assured) == seen-reply`.
  if (tokens[k + 1]?.value === "/" && op !== "!") {
    let mask = bits(tokens[k + 2]?.value);
    if (mask === undefined) return undefined;
    k += 2;
    while (tokens[k + 1]?.value === "," && tokens[k + 2]) {
      const more = bits(tokens[k + 2]?.value);
      if (more === undefined) return undefined;
      mask |= more;
      k += 2;
    }
    // nft lists a value with bits outside the mask so too (`ct state related / established`, of `&
    // established == related`: cmp eq 0x04 after & 0x02): it never equals.
    return { condition: { kind: "ctstatus", mask, values: [word], neg: op === "!=" }, next: k + 1 };
  }
  const condition: Extract<Condition, { kind: "ctstatus" }> =
    op === "==" || op === "!=" || listedExact
      ? { kind: "ctstatus", values: [word], neg: op === "!=" }
      : op === "!"
        ? // nft's print of iptables-nft's `! --ctstatus` (xt_conntrack: no break; see `xtConntrack`).
          { kind: "ctstatus", mask: word, neg: true, xt: true }
        : { kind: "ctstatus", mask: word, neg: false };
  return { condition, next: k + 1 };
}

/**
 * `tcp option maxseg ...` from `at` (after the three words): a match on the MSS option (`exists`,
 * `missing`, `size 1460`, `size != 1460`, `size < 1000`, `size 1000-1460`) or the statement that lowers
 * it (`size set 1400`, `size set rt mtu`); undefined for another form (a set, a map), left unmodelled.
 */
function readMaxseg(
  tokens: readonly NftToken[],
  at: number,
): { condition?: Extract<Condition, { kind: "tcpmss" }>; effect?: Target; next: number } | undefined {
  const w = (k: number) => tokens[at + k]?.value;
  if (w(0) === "exists" || w(0) === "missing")
    return { condition: { kind: "tcpmss", neg: w(0) === "missing", nft: true }, next: at + 1 };
  if (w(0) !== "size") return undefined;
  if (w(1) === "set") {
    if (w(2) === "rt" && w(3) === "mtu") return { effect: { kind: "TCPMSS", nft: true }, next: at + 4 };
    const v = w(2) ?? "";
    if (/^\d+$/.test(v) && Number(v) <= 65535)
      return { effect: { kind: "TCPMSS", mss: Number(v), nft: true }, next: at + 3 };
    return undefined;
  }
  let k = 1;
  const op = COMPARISONS[w(k) ?? ""] ?? (w(k) === "==" || w(k) === "!=" ? w(k) : undefined);
  if (op) k++;
  const m = /^(\d+)(?:-(\d+))?$/.exec(w(k) ?? "");
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi > 65535 || (m[2] !== undefined && op !== undefined && op !== "==" && op !== "!=")) return undefined;
  const range =
    op === "<"
      ? { lo: 0, hi: lo - 1 }
      : op === "<="
        ? { lo: 0, hi: lo }
        : op === ">"
          ? { lo: lo + 1, hi: 65535 }
          : op === ">="
            ? { lo, hi: 65535 }
            : { lo, hi };
  if (range.hi < range.lo) return undefined;
  return { condition: { kind: "tcpmss", range, neg: op === "!=", nft: true }, next: at + k + 1 };
}

/** Verdict words: never part of a selector. */
const VERDICTS = new Set(["accept", "drop", "continue", "return", "jump", "goto"]);

/** Operators that combine a value with another (`mark and 0xff`, `ct mark | 0x1`). */
const BITWISE = new Set(["and", "or", "xor", "&", "|", "^", "<<", ">>"]);

const CT_STATES = new Set(["new", "established", "related", "invalid", "untracked"]);
/** The state bits nft compares under a mask (`ct state & established`: 0x02; untracked is 0x40). */
const CT_STATE_BITS: Readonly<Record<string, number>> = {
  invalid: 1,
  established: 2,
  related: 4,
  new: 8,
  untracked: 64,
};
const L4 = new Set(["tcp", "udp", "icmp", "icmpv6", "sctp", "udplite", "gre", "esp", "ah"]);

/** Comparison operators nft prints between a key and its value, by their word forms. */
const COMPARISONS: Record<string, string> = {
  "<": "<",
  ">": ">",
  "<=": "<=",
  ">=": ">=",
  lt: "<",
  gt: ">",
  le: "<=",
  ge: ">=",
};

/** Ethertypes by the names nft prints, as hex digits. */
const ETHERTYPES: Record<string, string> = {
  ip: "800",
  arp: "806",
  ip6: "86dd",
  "8021q": "8100",
  vlan: "8100",
};

/** nft's log levels (`log level warn`); `audit` writes an audit record instead of a kernel log line. */
const LOG_LEVELS = /^(emerg|alert|crit|err|warn|notice|info|debug|audit)$/;

/** The first word of a `log flags` value nft takes. */
const LOG_FLAGS = /^(all|skuid|ether|tcp|ip)$/;

const MARK_OPS = new Map([
  ["and", "and"],
  ["&", "and"],
  ["or", "or"],
  ["|", "or"],
  ["xor", "xor"],
  ["^", "xor"],
]);

/**
 * `[meta] mark OP N [OP N ...]` from `at` (OP: `and`/`&`, `or`/`|`, `xor`/`^`), the value `meta mark set`
 * gives: as one MARK effect, `(mark & ~mask) ^ value` (every such chain of bit operations is one). Undefined
 * for any other value.
 */
function markArithmetic(
  tokens: readonly NftToken[],
  at: number,
): { effect: Target; next: number } | undefined {
  let k = at;
  if (tokens[k]?.value === "meta") k++;
  if (tokens[k]?.value !== "mark") return undefined;
  k++;
  let keep = 0xffffffff;
  let flip = 0;
  let ops = 0;
  for (;;) {
    const op = tokens[k]?.value ?? "";
    const n = Number(tokens[k + 1]?.value);
    const kind = MARK_OPS.get(op);
    if (!kind || !Number.isInteger(n) || n < 0 || n > 0xffffffff) break;
    if (kind === "and") {
      keep = (keep & n) >>> 0;
      flip = (flip & n) >>> 0;
    } else if (kind === "or") {
      keep = (keep & ~n) >>> 0;
      flip = ((flip & ~n) ^ n) >>> 0;
    } else flip = (flip ^ n) >>> 0;
    ops++;
    k += 2;
  }
  if (ops === 0 || BITWISE.has(tokens[k]?.value ?? "") || OPERATORS.has(tokens[k]?.value ?? ""))
    return undefined;
  return { effect: { kind: "MARK", op: "xset", value: flip, mask: ~keep >>> 0 }, next: k };
}

/** Every bit of both marks: CONNMARK's masks when nft copies or sets a whole mark. */
const ALL_BITS = { value: 0, mask: 0xffffffff, nfmask: 0xffffffff, ctmask: 0xffffffff } as const;

/** A set or map element from its words: one value, or a concatenation's parts (`10.96.0.10 . tcp . 80`). */
export function elementValue(parts: readonly string[]): NftValue {
  return parts.length === 1 ? nftValue(parts[0] as string) : { kind: "concat", parts: parts.map(nftValue) };
}

/** Keys of a concatenation, as their first words lead to them (`ip daddr`, `meta l4proto`, `iifname`). */
const CONCAT_KEYS: [string[], NftKey][] = [
  [["iifname"], "iifname"],
  [["oifname"], "oifname"],
  [["iif"], "iifname"],
  [["oif"], "oifname"],
  [["meta", "iifname"], "iifname"],
  [["meta", "oifname"], "oifname"],
  [["meta", "l4proto"], "meta l4proto"],
  [["meta", "nfproto"], "meta nfproto"],
  [["meta", "protocol"], "meta protocol"],
  [["ether", "type"], "ether type"],
  [["meta", "mark"], "meta mark"],
  [["ct", "mark"], "ct mark"],
  [["ip", "saddr"], "ip saddr"],
  [["ip", "daddr"], "ip daddr"],
  [["ip", "protocol"], "ip protocol"],
  [["ip6", "saddr"], "ip6 saddr"],
  [["ip6", "daddr"], "ip6 daddr"],
  [["ip6", "nexthdr"], "ip6 nexthdr"],
  [["ip", "ttl"], "ip ttl"],
  [["ip6", "hoplimit"], "ip6 hoplimit"],
  [["tcp", "dport"], "tcp dport"],
  [["tcp", "sport"], "tcp sport"],
  [["udp", "dport"], "udp dport"],
  [["udp", "sport"], "udp sport"],
  [["th", "dport"], "th dport"],
  [["th", "sport"], "th sport"],
  [["icmp", "type"], "icmp type"],
  [["icmpv6", "type"], "icmpv6 type"],
  [["icmp", "code"], "icmp code"],
  [["icmpv6", "code"], "icmpv6 code"],
  [["ct", "state"], "ct state"],
  [["ct", "zone"], "ct zone"],
  [["ct", "original", "zone"], "ct original zone"],
  [["ct", "reply", "zone"], "ct reply zone"],
  [["ct", "direction"], "ct direction"],
  [["ct", "protocol"], "ct protocol"],
  [["ct", "l3proto"], "ct l3proto"],
  // The same in either direction; nft lists iptables-nft's `--ctproto 6` as `ct original protocol 6`.
  [["ct", "original", "protocol"], "ct protocol"],
  [["ct", "reply", "protocol"], "ct protocol"],
  [["ct", "original", "l3proto"], "ct l3proto"],
  [["ct", "reply", "l3proto"], "ct l3proto"],
  [["ct", "helper"], "ct helper"],
  ...CT_ADDR_KEYS.map((k): [string[], NftKey] => [k.split(" "), k]),
  [["fib", "daddr", "type"], "fib daddr type"],
  [["fib", "saddr", "type"], "fib saddr type"],
  [["meta", "pkttype"], "meta pkttype"],
  [["pkttype"], "meta pkttype"],
  [["ether", "saddr"], "ether saddr"],
  [["ether", "daddr"], "ether daddr"],
  [["ip", "dscp"], "ip dscp"],
  [["ip6", "dscp"], "ip6 dscp"],
  [["meta", "length"], "meta length"],
  [["ip", "length"], "ip length"],
  [["ip6", "length"], "ip6 length"],
];

/**
 * `fib daddr|saddr [. iif|. oif] [. mark] type` from `at`: the key (the interface flag kept, the mark
 * dropped: a lab has no policy routing) and the index after `type`; undefined for another fib form.
 */
function fibTypeKey(tokens: readonly NftToken[], at: number): { key: NftKey; next: number } | undefined {
  const addr = tokens[at + 1]?.value;
  if (tokens[at]?.value !== "fib" || (addr !== "daddr" && addr !== "saddr")) return undefined;
  let k = at + 2;
  let dev: string | undefined;
  while (tokens[k]?.value === ".") {
    const flag = tokens[k + 1]?.value;
    if ((flag === "iif" || flag === "oif") && dev === undefined) dev = flag;
    else if (flag !== "mark") return undefined;
    k += 2;
  }
  if (tokens[k]?.value !== "type") return undefined;
  return { key: (dev ? `fib ${addr} . ${dev} type` : `fib ${addr} type`) as NftKey, next: k + 1 };
}

/** The key whose words start at `at`, and where they end; undefined for a key the model does not know. */
function keyAt(tokens: readonly NftToken[], at: number): { key: NftKey; next: number } | undefined {
  // Longest first: `meta l4proto` before a one-word key.
  const found = CONCAT_KEYS.filter(([words]) => words.every((w, k) => tokens[at + k]?.value === w)).sort(
    (a, b) => b[0].length - a[0].length,
  )[0];
  return found ? { key: found[1], next: at + found[0].length } : undefined;
}

/** Expressions whose value is chance, not the packet's: `limit rate`, `numgen`, `quota`, `ct count`. */
const NFT_CHANCE = new Map<string, Chance>([
  ["limit", "rate"],
  ["numgen", "random"],
  ["quota", "state"],
]);

/** Whether the expression at `at` is a chance one (`limit rate`, `numgen`, `meta random`), and which. */
function chanceAt(
  tokens: readonly NftToken[],
  at: number,
  sets?: ReadonlyMap<string, NftSet>,
): Chance | undefined {
  const w = tokens[at]?.value ?? "";
  const next = tokens[at + 1]?.value;
  if (w === "meta" && next === "random") return "random";
  if (w === "ct" && next === "count") return "state";
  if (w === "add" || w === "update" || w === "meter") {
    // A set declared with `ct count over N` or `limit rate ...` for every element.
    const stateful = next?.startsWith("@") ? sets?.get(next.slice(1))?.stateful : undefined;
    if (stateful) return stateful.startsWith("limit") ? "rate" : "state";
    // `add @meter { ip saddr limit rate over 3/minute }`: a rate limit per key, kept in a dynamic set;
    // `add @s { ip saddr ct count over 3 }`: the connections per key (nft's connlimit), as `ct count`.
    const inside = inBraces(tokens, at);
    if (inside.includes("limit")) return "rate";
    if (inside.some((v, k) => v === "ct" && inside[k + 1] === "count")) return "state";
  }
  return NFT_CHANCE.get(w);
}

/** The words of the `{ ... }` right after the words at `at` (none when there is no such block). */
function inBraces(tokens: readonly NftToken[], at: number): string[] {
  // `meter NAME [size N] { ... }`: the block a few words on.
  const open = tokens.findIndex((t, k) => k > at && k <= at + 5 && t.value === "{");
  if (open < 0) return [];
  const words: string[] = [];
  for (let k = open + 1; k < tokens.length && tokens[k]?.value !== "}"; k++)
    words.push(tokens[k]?.value ?? "");
  return words;
}

/**
 * Whether condition `c` sets nft's transport protocol context, as a NAT map's port needs: a protocol
 * (`meta l4proto tcp`, `tcp dport 80`) or a set of them (`meta l4proto { tcp, udp }`, as NixOS writes to
 * satisfy nft), not negated.
 */
function protocolMatch(c: Condition): boolean {
  if (c.neg) return false;
  return (
    c.kind === "proto" ||
    (c.kind === "nft-set" && (c.key === "meta l4proto" || c.key === "ip protocol" || c.key === "ip6 nexthdr"))
  );
}

/** The most choices of a `numgen ... vmap` the simulator follows (kube-proxy: one per endpoint). */
const MAX_PICKS = 64;

/**
 * The largest value of each numeric key a range of values (`5-10`, `0x00000005-0x0000000a`) is read
 * for as a one-range set, as `{ 5-10 }` is: nft lists either bound in decimal or hex, by the key's type.
 */
const RANGE_MAX: Partial<Record<NftKey, number>> = {
  "meta mark": 0xffffffff,
  "ct mark": 0xffffffff,
  "ct zone": 0xffff,
  "ct original zone": 0xffff,
  "ct reply zone": 0xffff,
  "ip dscp": 63,
  "ip6 dscp": 63,
  "ip protocol": 255,
  "ip6 nexthdr": 255,
  "meta l4proto": 255,
  "icmp type": 255,
  "icmpv6 type": 255,
  "icmp code": 255,
  "icmpv6 code": 255,
  // `meta length` is 32 bits (nft took 70000); the IP headers' length fields are 16.
  "meta length": 0xffffffff,
  "ip length": 0xffff,
  "ip6 length": 0xffff,
};

/** The length keys: the packet's length at the hook and the IP headers' length fields, compared as numbers. */
const LENGTH_KEYS = new Set<NftKey>(["meta length", "ip length", "ip6 length"]);

/** The largest value nft takes for each numeric key, in a set's element as in a value (its width). */
const KEY_MAX: Partial<Record<NftKey, number>> = {
  ...RANGE_MAX,
  // nft 1.0.6: `meta pkttype { 256 }`, "Value 256 exceeds valid range 0-255".
  "meta pkttype": 255,
  "ether type": 65535,
  "meta protocol": 65535,
  "ip ttl": 255,
  "ip6 hoplimit": 255,
  "tcp dport": 65535,
  "tcp sport": 65535,
  "udp dport": 65535,
  "udp sport": 65535,
  "th dport": 65535,
  "th sport": 65535,
};

/** What nft 1.0.6 says of a value past `key`'s width (kernel 6.18 host: `ip protocol { 256 }`, `tcp dport { 65536 }`). */
function pastWidthWords(key: NftKey, bound: number, max: number): string {
  if (key === "ip protocol" || key === "ip6 nexthdr" || key === "meta l4proto")
    return "Protocol out of range";
  if (key.endsWith("port")) return "Service out of range";
  return `Value ${bound} exceeds valid range 0-${max}`;
}

/**
 * What nft says of value `tok` written for `key`, alone (`ip saddr 1.2.3.x`) or as a set element's
 * part (a value, or a range `lo-hi`): the error for a value past the key's width, positioned at that
 * bound, as nft 1.0.6 refused it (`meta mark { 0x1-0x100000000 }`: "Value 4294967296 exceeds valid
 * range 0-4294967295", at `0x100000000`), or for one not of the key's form (`nft-value-form.ts`; a
 * protocol name nft may not resolve is a warning); undefined when it fits, or for a key not judged.
 */
function valueProblem(key: SetKey | undefined, tok: NftToken, element = false): NftRuleProblem | undefined {
  return (key === "ct status" ? undefined : beyondWidth(key, tok)) ?? formProblem(key, tok, element);
}

/**
 * The problem of value `tok` not of the form of `key`'s values (see `nft-value-form.ts`); `element`: in a
 * set, at nft's column. A bad IPv6 address alone is said there too when it starts as one: nft 1.0.6 pointed
 * inside it (`ip6 saddr 1::x tcp dport 22` at `x`, "No symbol type information") or past it, and at a
 * word's start only for one it took for a host name (`zz::1`, `1x`: "Could not resolve hostname").
 */
function formProblem(key: SetKey | undefined, tok: NftToken, element = false): NftRuleProblem | undefined {
  // A range written with spaces has its bounds apart, each a word of its own (`ip - ip6`: nft 1.0.6 took it).
  if (tok.bounds?.every((bound) => valueFormProblem(key, bound) === undefined)) return undefined;
  const found = tok.type === "string" ? undefined : valueFormProblem(key, tok.value);
  if (!found) return undefined;
  const { form, bad, at, lexed } = found;
  const split = element || (key?.startsWith("ip6 ") && /^[0-9a-f]*:/i.test(bad)) ? lexed : 0;
  const said = refusal(tok, at + split, `'${bad}' is not ${form.what}`, form.nft, form.hint);
  // `tcp-udp`: two names nft's lexer reads as one, which no /etc/protocols holds (nft 1.0.6: "Could not
  // resolve protocol name"): refused, the range written with spaces hinted at; any other name warned of.
  const range = [...bad.matchAll(/-/g)]
    .map((d) => [bad.slice(0, d.index), bad.slice(d.index + 1)])
    .find((names) => names.every((n) => protocolNumber(n) !== undefined));
  if (range) {
    const [a, b] = range.sort((x, y) => (protocolNumber(x) as number) - (protocolNumber(y) as number));
    return {
      ...said,
      message: `'${bad}' is two protocol names nft reads as one: nft refuses it ("Could not resolve protocol name"), and with it the whole file`,
      // `ip-encap` may be meant as one protocol (/etc/protocols' alias IP-ENCAP): its number is what nft takes then.
      hint: `write the range with spaces: '${a} - ${b}' (${protocolNumber(a as string)}-${protocolNumber(b as string)}), or one protocol by its number`,
    };
  }
  return form.warn ? { ...said, severity: "warning", message: unknownProtocolMessage(bad) } : said;
}

/**
 * The error for a value nft refuses, and with it the whole file (`nft`: its words), at `offset`
 * characters into `tok` (a value a variable gave is shown at the variable).
 */
function refusal(
  tok: NftToken,
  offset: number,
  what: string,
  nft: string | undefined,
  hint: string,
): NftRuleProblem {
  return {
    severity: "error",
    message: `${what}: nft refuses it${nft ? ` ("${nft}")` : ""}, and with it the whole file`,
    hint,
    line: tok.line,
    column: tok.column + (tok.written === undefined ? offset : 0),
  };
}

/** {@link valueProblem}'s width check alone. */
function beyondWidth(key: NftKey | undefined, tok: NftToken): NftRuleProblem | undefined {
  const max = key === undefined ? undefined : KEY_MAX[key];
  if (key === undefined || max === undefined || tok.type === "string") return undefined;
  const port = key.endsWith("port");
  // A word from a letter is one service name to nft, dashes and all (`ftp-data`; `ssh-http` it refuses).
  // A range written with spaces has its bounds apart (`ssh - bogus`: nft 1.0.6 refused `bogus`, at it).
  const bounds = tok.bounds ?? (port && /^[a-z]/i.test(tok.value) ? [tok.value] : tok.value.split("-"));
  if (bounds.length > 2) return undefined;
  let offset = 0;
  for (const [nth, b] of bounds.entries()) {
    if (tok.bounds && nth === 1) offset = (tok.width ?? 0) - b.length;
    if (port && servicePort(b) === undefined && !/^(0x[0-9a-f]+|\d+)$/i.test(b))
      // It used to match nothing, without a word: a port set lost its element.
      return refusal(
        tok,
        offset,
        `'${b}' is not a port or a service name of /etc/services`,
        "Could not resolve service",
        /^[a-z].*-/i.test(b)
          ? "nft reads a word from a letter as one service name, dashes and all: write the range's first port as a number (22-http, 22-80)"
          : "write the port's number (e.g. 587 for submission)",
      );
    const n = /^(0x[0-9a-f]+|\d+)$/i.test(b) ? Number(b) : undefined;
    if (n !== undefined && n > max)
      return refusal(
        tok,
        offset,
        `${key} value ${b} exceeds its valid range 0-${max}`,
        pastWidthWords(key, n, max),
        `write a value from 0 to ${max}`,
      );
    offset += b.length + 1;
  }
  return undefined;
}

/**
 * The problem of the first part of a set or map element (`words`: its key's words, parts joined by
 * `.`, maybe followed by its options) that is not a value of its key in `keys` (one per part of a
 * concatenation; see {@link valueProblem}), or of an element with fewer parts than `keys` (nft 1.0.6:
 * `ip saddr . tcp dport { 1.2.3.4 }`, "invalid data type, expected concatenation of (IPv4 address,
 * internet network service)", at `1.2.3.4`); undefined when every part fits.
 */
export function elementProblem(
  keys: readonly (SetKey | undefined)[],
  words: readonly NftToken[],
): NftRuleProblem | undefined {
  for (let k = 0; k < words.length; k += 2) {
    const said = valueProblem(keys[k / 2], words[k] as NftToken, true);
    if (said) return said;
    if (words[k + 1]?.value === ".") continue;
    return k / 2 + 1 < keys.length
      ? refusal(
          words[0] as NftToken,
          0,
          `the element at '${(words[0] as NftToken).value}' has ${k / 2 + 1} of the ${keys.length} parts of the key's concatenation`,
          "... expected concatenation of ...",
          "write a value for each part, joined by ' . ' (e.g. 192.0.2.1 . 22)",
        )
      : undefined;
  }
  return undefined;
}

/** A named set's data types nft names (`type mark`), by the key whose values they hold. */
/** Words that begin a two-word value expression (`meta mark`, `ip daddr`, `tcp dport`, `rt mtu`). */
const HEADER_WORDS = new Set([
  "meta",
  "rt",
  "ip",
  "ip6",
  "tcp",
  "udp",
  "udplite",
  "sctp",
  "dccp",
  "th",
  "ether",
  "vlan",
  "arp",
  "icmp",
  "icmpv6",
  "ah",
  "esp",
  "comp",
  "osf",
  "socket",
  "ipsec",
]);

/** A set's key: a rule's keys, and `ct status`, whose sets only a named set's type declares. */
export type SetKey = NftKey | "ct status";

const TYPE_KEYS: Record<string, SetKey> = {
  mark: "meta mark",
  inet_service: "th dport",
  inet_proto: "meta l4proto",
  icmp_type: "icmp type",
  icmpv6_type: "icmpv6 type",
  icmp_code: "icmp code",
  icmpv6_code: "icmpv6 code",
  dscp: "ip dscp",
  // Named sets' elements are held to their key's form (`nft-value-form.ts`).
  ipv4_addr: "ip saddr",
  ipv6_addr: "ip6 saddr",
  ether_addr: "ether saddr",
  ct_state: "ct state",
  ct_status: "ct status",
  tcp_flag: "tcp flags",
  pkt_type: "meta pkttype",
};

/**
 * The key of each part of a named set's elements from its `type` or `typeof` words (`mark`,
 * `ipv4_addr . inet_service`, `ct zone`, `ip saddr . tcp dport`; a map's key before its ` : `), for
 * {@link elementProblem}; undefined for a part of no known key.
 */
export function setTypeKeys(type: string): (SetKey | undefined)[] {
  const key = type.split(" : ")[0] ?? "";
  return key.split(" . ").map((part) => {
    const words = part.trim().split(/\s+/);
    const found = keyAt(
      words.map((value) => ({ type: "word", value, line: 0, column: 0 }) as NftToken),
      0,
    );
    return found && found.next === words.length ? found.key : TYPE_KEYS[part.trim()];
  });
}

/** `lo-hi` of two numbers, each decimal or hex (`1-5`, `0x08-0x10`), as numbers; undefined for anything else. */
function numberRange(text: string): { lo: number; hi: number } | undefined {
  const m = /^(0x[0-9a-f]+|\d+)-(0x[0-9a-f]+|\d+)$/i.exec(text);
  return m ? { lo: Number(m[1]), hi: Number(m[2]) } : undefined;
}

/**
 * A range from a number to a name (`ip dscp 8-cs3`, `icmp type 0-echo-request`: nft 1.0.6 took both, a
 * word from a letter being one name), as numbers; undefined for another form.
 */
function namedRange(key: NftKey, text: string): { lo: number; hi: number } | undefined {
  const m = /^(0x[0-9a-f]+|\d+)-([a-z][\w-]*)$/i.exec(text);
  if (!m) return undefined;
  const name = m[2] as string;
  // Ports, packet types and protocols too (`22-http`, `0-broadcast`, `1-tcp`: nft 1.0.6 stored 22-80, 0-1
  // and 1-6, kernel 6.18).
  const hi = key.endsWith("dscp")
    ? dscpValue(name)
    : key.endsWith("port")
      ? servicePort(name)
      : key === "meta pkttype"
        ? PKTTYPE_NUMBERS[name]
        : key === "ip protocol" || key === "ip6 nexthdr" || key === "meta l4proto"
          ? protocolNumber(name)
          : NFT_ICMP_NAMES[key]?.[name];
  return typeof hi === "number" ? { lo: Number(m[1]), hi } : undefined;
}

/** Bound `word` of a range of `key` as the number nft stores (`ssh` 22, `cs3` 24, `host` 0); undefined when not known. */
function boundNumber(key: NftKey, word: string): number | undefined {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(word)) return Number(word);
  return namedRange(key, `0-${word}`)?.hi;
}

/**
 * Token `tok` of `key` as nft's parser reads it: a range written with spaces (`ssh - http`, `8 - cs3`,
 * whose bounds are words apart, each a name of its own) as the numbers nft stores (`22-80`: nft 1.0.6
 * listed `tcp dport 22-80`, kernel 6.18); any other token, or one of names not known, unchanged.
 */
function spacedRange(key: NftKey, tok: NftToken): NftToken {
  if (!tok.bounds || tok.bounds.every((b) => /^(0x[0-9a-f]+|\d+)$/i.test(b))) return tok;
  const [lo, hi] = tok.bounds.map((b) => boundNumber(key, b));
  return lo === undefined || hi === undefined ? tok : { ...tok, value: `${lo}-${hi}` };
}

/**
 * The refusal of a range written with spaces whose last bound is below its first (`80 - 22`, `http - ssh`):
 * nft 1.0.6 refused it ("Range has zero or negative size", at its first bound); nft never lists one so.
 */
function spacedReversed(key: NftKey, tok: NftToken): NftRuleProblem | undefined {
  if (!tok.bounds) return undefined;
  const [lo, hi] = tok.bounds.map((b) => boundNumber(key, b));
  const reversed =
    lo !== undefined && hi !== undefined
      ? lo > hi
      : reversedRange({ kind: "range", lo: tok.bounds[0], hi: tok.bounds[1] }) !== undefined;
  if (!reversed) return undefined;
  return {
    severity: "error",
    message: reversedRangeMessage(tok.bounds.join(" - ")),
    hint: "write the lower bound first",
    line: tok.line,
    column: tok.column,
  };
}

/** nft 1.0.6's packet type names by number (`unicast` is `host`); iptables' own words are not nft's. */
const PKTTYPE_NUMBERS: Readonly<Record<string, number>> = {
  host: 0,
  unicast: 0,
  broadcast: 1,
  multicast: 2,
  other: 3,
};

/**
 * Element `e` of a set of `key` as the kernel holds it: a range from a number to a name (`8-cs3`,
 * `80-ssh`, `1-host`) as the numbers nft stores (0x08-0x18; kernel 6.18), so that one whose name is
 * below its number is found reversed and refused as nft 1.0.6 refuses it ("Range has zero or negative size").
 */
function numberedElement(key: NftKey, e: NftValue): NftValue {
  const r = e.kind === "value" ? namedRange(key, e.value) : undefined;
  return r ? { kind: "range", lo: String(r.lo), hi: String(r.hi) } : e;
}

function numberOf(text: string): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) ? n : undefined;
}

/** Parses a port (number or service name nft prints) or `lo-hi`. */
function portRange(text: string): PortRange | undefined {
  const [a, b] = nftPortBounds(text);
  const lo = nftPort(a as string);
  const hi = b === undefined ? lo : nftPort(b);
  if (lo === undefined || hi === undefined || lo > 65535 || hi > 65535 || lo > hi) return undefined;
  return { lo, hi };
}

/**
 * Whether `v` is a range whose first value is above its last, of numbers (`100-50`, `0x0a-0x05`) or
 * IPv4 addresses. nft 1.0.6 lists two comparisons written side by side so, whatever the key (`A >= x`
 * then `B <= y` as `B x-y`, kernel 6.18: ports, protocols, TTL, marks, zones, DSCP, addresses).
 */
function listedReversed(v: string): boolean {
  const m = /^([^-]+)-([^-]+)$/.exec(v);
  if (!m) return false;
  const [lo, hi] = [m[1] as string, m[2] as string];
  const number = (t: string) => /^(0x[0-9a-f]+|\d+)$/i.test(t);
  const ipv4 = (t: string) => parseIpv4(t) !== undefined;
  if (!(number(lo) && number(hi)) && !(ipv4(lo) && ipv4(hi))) return false;
  return reversedRange({ kind: "range", lo, hi }) !== undefined;
}

const NFT_TCP_FLAGS = new Set(NFT_TCP_FLAG_NAMES);

/** Every flag, as the simulator's packets carry them: a mask of them all compares the byte whole. */
const ALL_TCP_FLAGS = byteFlags(0xff);

/** The most values a range of flag bytes is read as (all 256 bytes). */
const FLAG_BYTES = 256;

/** What {@link tcpFlagsMatch} read, and the token after it (`next`). */
type TcpFlagsRead =
  /** A `tcp-flags` condition of the model (see `Condition`). */
  | { kind: "flags"; mask: string[]; set: string[]; neg: boolean; values?: string[][]; next: number }
  /**
   * A named `tcp_flag` set (`tcp flags @f`, `& (fin | syn) != @f`): the flag byte, under `mask` (its
   * number, `0x3`) when one is written, is one of its elements (`neg`: is none of them).
   */
  | { kind: "named"; set: string; mask?: string; neg: boolean; next: number }
  /**
   * Words nft refuses, at token `at`: `!` before a set or range (`negated`), a range whose first
   * value is above its last in a set (`reversed-in-set`); or the same range outside a set
   * (`reversed`), which nft refuses as written but also lists for two comparisons side by side.
   */
  | RefusedFlags<"negated">
  | RefusedFlags<"reversed-in-set">
  | RefusedFlags<"reversed">;

/** Words of a `tcp flags` match nft refuses (see {@link TcpFlagsRead}): where, which, and its `!=`. */
type RefusedFlags<K extends string> = { kind: K; at: number; text: string; neg: boolean; next: number };

/**
 * `tcp flags` from `at`, the word after `flags`, in every form nft prints (checked against kernel 6.18,
 * test/unit/simulate/tcp-flags-kernel.test.ts and tcp-flags-sets.test.ts): `& (fin | syn | rst | ack) ==
 * syn` (or `!=`, a single flag without parentheses), nft 1.0's `syn / fin,syn,rst,ack` and `!= syn /
 * fin,syn,rst,ack`, the exact `== syn` / `!= 0x12`, `! syn,ack` (none of them on), a bare `syn,ack` (any
 * of them on), a set of exact values, masked or not (`{ syn | ack, syn }`, `& (fin | syn | rst | ack) !=
 * { syn | ack, syn }`, nft -n's `0x0`: no flag), a range of bytes (`0x1-0x3`, nft -j's `fin-0x3`, in a set
 * or not, unmasked), and a named set, masked or not (`@f`, `!= @f`, `& (fin | syn) == @f`). Undefined for
 * any other form. Flags are upper-cased as the simulator's packets carry them.
 */
function tcpFlagsMatch(tokens: readonly NftToken[], at: number): TcpFlagsRead | undefined {
  // nft's tokenizer keeps parentheses and `|` on their words (`(fin`, `syn|ack`): split them off, and
  // remember which token each piece came from, to say where the match ends.
  const pieces: { value: string; token: number }[] = [];
  for (let t = at; t < tokens.length && pieces.length < 60; t++) {
    const v = (tokens[t] as NftToken).value;
    for (const part of v.split(/([()|])/).filter(Boolean)) pieces.push({ value: part, token: t });
  }
  let k = 0;
  const list = (separator: string): string[] | undefined => {
    const out: string[] = [];
    const paren = pieces[k]?.value === "(";
    if (paren) k++;
    for (;;) {
      const raw = pieces[k]?.value;
      // nft lists a value of several flags in hex (`tcp flags == 0x12` for syn,ack): its bits, in nft's order.
      // A decimal number too (nft 1.0.6 listed `tcp flags & syn == 0` as `tcp flags ! syn`, `== 18` as syn,ack).
      if (raw !== undefined && /^(0x[0-9a-f]{1,2}|\d{1,3})$/i.test(raw) && Number(raw) < 256) {
        out.push(...byteFlags(Number(raw)));
        k++;
        if (pieces[k]?.value !== separator) break;
        k++;
        continue;
      }
      const f = raw === undefined ? undefined : nftSymbol("tcp flags", raw);
      if (f === undefined || !NFT_TCP_FLAGS.has(f)) return undefined;
      out.push(flagName(f));
      k++;
      if (pieces[k]?.value !== separator) break;
      k++;
    }
    if (paren) {
      if (pieces[k]?.value !== ")") return undefined;
      k++;
    }
    return out;
  };
  // The match ends where a token ends: the next one starts the next expression.
  const next = () => (k < pieces.length ? (pieces[k] as { token: number }).token : tokens.length);
  const here = () => (pieces[k] as { token: number }).token;
  // The first range whose first value is above its last, where it is.
  let reversed: { at: number; text: string } | undefined;
  /** The range of bytes at `k` (`0x1-0x3`), each byte's flags, `k` past it; undefined when none is there. */
  const range = (): string[][] | undefined => {
    const r = tcpFlagsRange(pieces[k]?.value ?? "");
    if (!r) return undefined;
    if (r.lo > r.hi) reversed ??= { at: here(), text: pieces[k]?.value ?? "" };
    k++;
    return Array.from({ length: Math.max(0, r.hi - r.lo + 1) }, (_, b) => byteFlags(r.lo + b));
  };
  /** `{ syn | ack, syn }` at `k` (ranges when `ranges`): each element's flags; undefined when there is no such set. */
  const values = (ranges: boolean): string[][] | undefined => {
    if (pieces[k]?.value !== "{") return undefined;
    const out: string[][] = [];
    do {
      k++;
      const r = ranges ? range() : undefined;
      const v = r ?? list("|");
      if (!v) return undefined;
      if (r) out.push(...r);
      else out.push(v as string[]);
    } while (pieces[k]?.value === ",");
    if (pieces[k]?.value !== "}") return undefined;
    k++;
    return out.length > FLAG_BYTES ? undefined : out;
  };
  /** The set at `k` under `mask`, `neg` for `!=`: named (`@f`) or of values; undefined when none follows. */
  const setOf = (mask: string[], neg: boolean): TcpFlagsRead | undefined => {
    const name = pieces[k]?.value;
    if (name?.startsWith("@") && name.length > 1) {
      k++;
      const byte = packetFlagsByte(mask);
      const m = byte === 0xff ? {} : { mask: `0x${byte.toString(16)}` };
      return { kind: "named", set: name.slice(1), ...m, neg, next: next() };
    }
    const start = k;
    // nft lists a range under a mask oddly (`& (syn | ack) == 0x1-0x1 | 0x2`): ranges only on the whole byte.
    const vs = values(mask.length === ALL_TCP_FLAGS.length);
    if (reversed) return { kind: "reversed-in-set", ...reversed, neg, next: next() };
    if (!vs) {
      k = start;
      return undefined;
    }
    return { kind: "flags", mask, set: [], neg, next: next(), values: vs };
  };
  // `and` is `&` to nft 1.0.6 (it listed `tcp flags and syn syn` as `tcp flags & syn == syn`).
  if (pieces[k]?.value === "&" || pieces[k]?.value === "and") {
    k++;
    // The mask is one flag or a group in parentheses: `& syn | ack` is `(tcp flags & syn) | ack` to nft
    // 1.0.6 (bitwise `& 0x02 ^ 0x10`, kernel 6.18), `|` joining the flags set after the mask.
    const mask = list(pieces[k]?.value === "(" ? "|" : "\0");
    let or: string[] = [];
    if (mask && pieces[k]?.value === "|") {
      k++;
      or = list("|") ?? [];
      if (or.length === 0) return undefined;
    }
    const written = pieces[k]?.value;
    // `& (fin | syn) { syn }` and `& (fin | syn) @f` as written in a file; nft lists them with `==`.
    if (mask && or.length === 0 && (written === "{" || written?.startsWith("@"))) return setOf(mask, false);
    // Without an operator the comparison is `==` (nft 1.0.6 listed `tcp flags and syn syn` as `& syn == syn`).
    const op = written === "==" || written === "!=" ? written : "==";
    if (!mask) return undefined;
    if (written === op) k++;
    const set = or.length === 0 ? setOf(mask, op === "!=") : undefined;
    if (set) return set;
    if (pieces[k]?.value === "{" || pieces[k]?.value.startsWith("@")) return undefined;
    const flags = list("|");
    if (!flags) return undefined;
    // `(byte & mask) | or == flags`: `or`'s flags are on whatever the byte. A flag of the set outside the
    // mask is kept: the condition then never holds, as in the kernel (so are `or`'s when flags lack one).
    const kept = mask.filter((f) => !or.includes(f));
    const held = or.every((f) => flags.includes(f)) && flags.every((f) => mask.includes(f) || or.includes(f));
    const set2 = held ? flags.filter((f) => !or.includes(f)) : [...new Set([...flags, ...or])];
    return { kind: "flags", mask: kept, set: set2, neg: op === "!=", next: next() };
  }
  // iptables-nft's `! --tcp-flags FIN,SYN,RST,ACK SYN` is listed as `tcp flags != syn / fin,syn,rst,ack`,
  // its `--tcp-flags ALL NONE` as `tcp flags ! fin,syn,rst,psh,ack,urg`.
  const word = pieces[k]?.value;
  const op = word === "==" || word === "!=" || word === "!" ? word : undefined;
  if (op) k++;
  const first = pieces[k]?.value ?? "";
  // nft 1.0.6: "negation can only be used with singleton bitmask values" (a set, a named set, a range).
  if (op === "!" && (first === "{" || first.startsWith("@") || tcpFlagsRange(first))) {
    const at = here();
    // The refused words end after the set's `}`, the set's name or the range.
    if (first === "{") while (k < pieces.length && pieces[k]?.value !== "}") k++;
    k++;
    return { kind: "negated", at, text: first, neg: false, next: next() };
  }
  // `tcp flags { syn | ack, syn }`, `tcp flags @f`: the whole flag byte is one of the values.
  if (first === "{" || first.startsWith("@")) return setOf(ALL_TCP_FLAGS, op === "!=");
  // `tcp flags 0x1-0x3` (nft's listing of `{ 0x1-0x3 }`): the whole flag byte within the range.
  const bytes = range();
  if (reversed) return { kind: "reversed", ...reversed, neg: op === "!=", next: next() };
  if (bytes)
    return { kind: "flags", mask: ALL_TCP_FLAGS, set: [], neg: op === "!=", next: next(), values: bytes };
  const set = list(",");
  if (!set) return undefined;
  if (pieces[k]?.value !== "/") {
    // `tcp flags syn,ack` (`& (syn | ack) != 0`): any of them on, i.e. not all of them off.
    if (op === undefined) return { kind: "flags", mask: set, set: [], neg: true, next: next() };
    // `tcp flags ! syn,ack` (`& (syn | ack) == 0`): none of them on.
    if (op === "!") return { kind: "flags", mask: set, set: [], neg: false, next: next() };
    // `tcp flags == syn` or `!= 0x12` compares every flag: the packet's flags are exactly those.
    return { kind: "flags", mask: ALL_TCP_FLAGS, set, neg: op === "!=", next: next() };
  }
  if (op === "!") return undefined;
  k++;
  const mask = list(",");
  if (!mask) return undefined;
  return { kind: "flags", mask, set, neg: op === "!=", next: next() };
}

/** An nft flag name as the simulator's packets carry it (`ecn` is the header's ECE). */
function flagName(f: string): string {
  return f === "ecn" ? "ECE" : f.toUpperCase();
}

/** Parses one set element word into a value, prefix or range. */
export function nftValue(text: string): NftValue {
  // An IPv6 address alone is its /128: one address has several written forms.
  if (text.includes("/") || isIpv6(text)) {
    const cidr = parseIpCidr(text);
    if (cidr) return { kind: "prefix", cidr };
  }
  const dash = /^([^-]+)-([^-]+)$/.exec(text);
  // nft prints a mark's or a DSCP's bounds in hex (`0x00000003-0x00000007`, `0x10-0x18`).
  const bound = (b: string) => /^([\d.]+|0x[0-9a-f]+)$/i.test(b) || isIpv6(b);
  if (dash && bound(dash[1] as string) && bound(dash[2] as string))
    return { kind: "range", lo: dash[1] as string, hi: dash[2] as string };
  return { kind: "value", value: text };
}

/**
 * nft's reverse path filter at `tokens[at]` (`fib saddr [. mark] [. iif] oif|oifname missing|exists`,
 * also `0`/`1` as `nft -n` prints them, and `!=`): the condition and the index after it, or
 * undefined for another fib expression.
 */
function readReversePath(
  tokens: readonly NftToken[],
  at: number,
): { condition: Extract<Condition, { kind: "rpfilter" }>; next: number } | undefined {
  let k = at + 2;
  let strict = false;
  while (tokens[k]?.value === ".") {
    const flag = tokens[k + 1]?.value;
    if (flag === "iif") strict = true;
    else if (flag !== "mark") return undefined;
    k += 2;
  }
  const result = tokens[k]?.value;
  // nft 1.0.8+ writes the presence test as `check` (`fib saddr . mark . iif check missing`, firewalld).
  if (result !== "oif" && result !== "oifname" && result !== "check") return undefined;
  k++;
  let negated = false;
  if (tokens[k]?.value === "!=" || tokens[k]?.value === "==") {
    negated = tokens[k]?.value === "!=";
    k++;
  }
  const v = tokens[k]?.value;
  const missing =
    v === "missing" ||
    v === "0" ||
    (result === "oifname" && v === "") ||
    (result === "check" && v === "false");
  if (!missing && v !== "exists" && v !== "1" && !(result === "check" && v === "true")) return undefined;
  // The rule matches when no way back exists (`missing`), or when one does (`exists`, `!= 0`).
  return {
    condition: { kind: "rpfilter", strict, acceptLocal: false, neg: missing !== negated },
    next: k + 1,
  };
}

/**
 * `ipsec in|out [spnum N] reqid|spi|ip saddr|ip daddr|ip6 saddr|ip6 daddr [==|!=|<|>|...] VALUE` (a
 * value, a range or an anonymous set) at `at`: where it ends; undefined for any other form (a map or
 * a verdict map keyed by it).
 */
function ipsecField(tokens: readonly NftToken[], at: number): { next: number } | undefined {
  let k = at + 2;
  if (tokens[k]?.value === "spnum" && tokens[k + 1]) k += 2;
  const field = tokens[k]?.value;
  if (field === "reqid" || field === "spi") k++;
  else if (
    (field === "ip" || field === "ip6") &&
    (tokens[k + 1]?.value === "saddr" || tokens[k + 1]?.value === "daddr")
  )
    k += 2;
  else return undefined;
  const op = tokens[k]?.value ?? "";
  if (op === "==" || op === "!=" || op === "eq" || op === "ne" || COMPARISONS[op]) k++;
  const v = tokens[k];
  if (!v || (v.type === "punct" && v.value !== "{") || v.value === "vmap" || v.value === "map")
    return undefined;
  if (v.value !== "{") return { next: k + 1 };
  while (k < tokens.length && tokens[k]?.value !== "}") k++;
  return k < tokens.length ? { next: k + 1 } : undefined;
}

/** Parses the statements of one rule from `tokens` (no line-end tokens in them). */
export function parseNftRule(tokens: readonly NftToken[], sets?: ReadonlyMap<string, NftSet>): ParsedNftRule {
  const out: ParsedNftRule = {
    conditions: [],
    target: { kind: "NONE" },
    effects: [],
    effectAt: [],
    targetAt: 0,
    problems: [],
  };
  let i = 0;
  // Whether a statement before the last one read the real target: effects the last one added come after it.
  let pastTarget = false;
  // The target as the statements before the last one left it (a later one may not replace it).
  let before: Target = out.target;
  // Where the last statement started (a statement after the verdict is reported there).
  let lastAt = 0;
  // How many problems were said before the last statement: its own give way to its refusal.
  let saidBefore = 0;
  const place = () => {
    // The verdict the statements before the last one ended with.
    const ended = out.afterVerdicts?.[out.afterVerdicts.length - 1]?.verdict ?? before;
    // nft says this before judging the statement's values (`drop ip dscp bogus`): its own errors give way.
    let refuse = !out.problems.slice(0, saidBefore).some((p) => p.severity === "error");
    if (out.target !== before && decides(before)) {
      // A later target: after a verdict map (or a NAT of one family) that may go on it acts when that
      // goes on; after a verdict it never acts (the first ends the rule, and nft refuses the rule).
      const second = out.target;
      out.target = before;
      const last = out.afterVerdicts?.[out.afterVerdicts.length - 1]?.verdict ?? before;
      if (decides(second) && mayGoOn(last)) {
        // What is written after a map is read only past its own continue (see `Rule.afterVerdicts`).
        out.afterVerdicts = [
          ...(out.afterVerdicts ?? []),
          { verdict: second, conditions: out.conditions.length, effects: out.effectAt.length },
        ];
      } else if (decides(second) && refuse) {
        refuse = false;
        out.problems.length = saidBefore;
        problem(
          tokens[lastAt],
          `'${text(lastAt, i)}' after the rule's verdict or NAT does not act: the first one ends the rule, and nft refuses the rule ("Statement after terminal statement has no effect")`,
          "keep one verdict",
        );
      }
    } else if (out.target !== before && decides(out.target)) out.targetAt = out.conditions.length;
    // Any statement but a comment (a match, a counter, a limit) after a verdict, a NAT or a queue.
    if (
      pastTarget &&
      i > lastAt &&
      tokens[lastAt]?.value !== "comment" &&
      (ENDS_RULE.has(ended.kind) || (ended.kind === "unknown" && ended.name === "queue")) &&
      refuse
    ) {
      out.problems.length = saidBefore;
      problem(
        tokens[lastAt],
        `statement '${text(lastAt, i)}' after the rule's verdict or NAT does not act once that is reached: it ends the rule, and nft refuses the rule ("Statement after terminal statement has no effect")`,
        "write the statement before it",
      );
    }
    // After the target: one more than the conditions before it, so a place after the target never
    // equals one before it (see `Rule.effectAt`).
    while (out.effectAt.length < out.effects.length)
      out.effectAt.push(out.conditions.length + (pastTarget ? 1 : 0));
    pastTarget = decides(out.target);
    before = out.target;
    lastAt = i;
    saidBefore = out.problems.length;
  };
  const peek = (k = 0) => tokens[i + k];
  /**
   * Where `KEY map @name` or `KEY map { ... }` from `at` ends (the key a few words, `.`-joined), or -1
   * when the words there are a plain object name (`counter name http`).
   */
  const objectMapEnd = (at: number): number => {
    let k = at;
    while (k < at + 12 && tokens[k] && tokens[k]?.value !== "map" && tokens[k]?.type !== "punct") k++;
    while (tokens[k]?.value === ".") k += 2;
    if (tokens[k]?.value !== "map" || k === at) return -1;
    const m = tokens[k + 1];
    if (m?.value.startsWith("@")) return k + 2;
    if (m?.value !== "{") return -1;
    let depth = 0;
    for (let e = k + 1; e < tokens.length; e++) {
      if (tokens[e]?.value === "{") depth++;
      else if (tokens[e]?.value === "}" && --depth === 0) return e + 1;
    }
    return -1;
  };
  const word = (k = 0) => {
    const t = tokens[i + k];
    return t && t.type !== "punct" ? t.value : undefined;
  };
  const problem = (
    t: NftToken | undefined,
    message: string,
    hint?: string,
    severity: "error" | "warning" = "error",
  ) =>
    out.problems.push({
      severity,
      message,
      hint,
      line: t?.line ?? tokens[0]?.line ?? 0,
      column: t?.column ?? tokens[0]?.column ?? 1,
    });
  const text = (from: number, to: number) =>
    tokens
      .slice(from, to)
      .map((t) => (t.type === "string" ? JSON.stringify(t.value) : t.value))
      .join(" ")
      .replace(/ ([,}])/g, "$1")
      .replace(/\{ /g, "{ ");
  /** Where a value expression starting at `at` ends: `0x1`, `ct mark`, `meta mark and 0xff`, `ip daddr map @m`. */
  // The end of one value expression at `k`: `iifname`, `ip daddr`, `ct original ip saddr`, `0x1`.
  const valueEnd = (k: number): number => {
    const v = tokens[k]?.value ?? "";
    if (v === "ct") {
      let n = k + 1;
      if (tokens[n]?.value === "original" || tokens[n]?.value === "reply") n++;
      if (tokens[n]?.value === "ip" || tokens[n]?.value === "ip6") n++;
      return n + 1;
    }
    return HEADER_WORDS.has(v) ? k + 2 : k + 1;
  };
  const setValueEnd = (at: number): number => {
    const v = tokens[at]?.value;
    let k = valueEnd(at);
    // A hash or a counter (`jhash ip saddr . ip daddr mod 2 seed 0x1 offset 5`) runs to its modulus and options.
    if (v === "numgen" || v === "jhash" || v === "symhash") {
      const mod = tokens.findIndex(
        (x, n) => n > at && (x.value === "mod" || x.value === "{" || x.value === ";"),
      );
      if (tokens[mod]?.value === "mod") {
        k = mod + 2;
        while ((tokens[k]?.value === "seed" || tokens[k]?.value === "offset") && tokens[k + 1]) k += 2;
      }
    }
    for (;;) {
      const op = tokens[k]?.value ?? "";
      if (op === "map" && tokens[k + 1]?.value === "{") {
        let depth = 0;
        k++;
        do {
          if (tokens[k]?.value === "{") depth++;
          else if (tokens[k]?.value === "}") depth--;
          k++;
        } while (k < tokens.length && depth > 0);
      } else if (op === "." && tokens[k + 1]) k = valueEnd(k + 1);
      else if ((op === "map" || BITWISE.has(op)) && tokens[k + 1]) k += 2;
      else return Math.min(k, tokens.length);
    }
  };
  const unknownFrom = (start: number) => {
    i = start + 1;
    let depth = 0;
    // `fib saddr . iif oif missing`: the flags, joined by '.', then the result (oif, type) and its value.
    const fibResult = new Set(tokens[start]?.value === "fib" ? ["oif", "oifname", "type", "check"] : []);
    while (i < tokens.length) {
      const t = tokens[i] as NftToken;
      const prev = tokens[i - 1] as NftToken;
      if (t.value === "{" || t.value === "(") depth++;
      else if (t.value === "}" || t.value === ")") depth--;
      else if (
        depth === 0 &&
        t.type === "word" &&
        STARTERS.has(t.value) &&
        !fibResult.has(t.value) &&
        // A selector's value may be a word that also starts an expression (`ct status dnat`, `. iif`);
        // no selector is written with a verdict word, so one right after the first word ends it.
        (i - start >= 2 || VERDICTS.has(t.value) || ONE_WORD.has(tokens[start]?.value ?? "")) &&
        // `ether type ip`, `ct l3proto ip6`: a protocol field's value is a protocol name.
        !PROTOCOL_FIELDS.has(prev.value) &&
        // `arp saddr ether`, `arp daddr ip`: the address's kind is part of the ARP field's name.
        !(tokens[start]?.value === "arp" && (prev.value === "saddr" || prev.value === "daddr")) &&
        !OPERATORS.has(prev.value) &&
        !(
          fibResult.has(prev.value) ||
          (tokens[start]?.value === "fib" && prev.type === "word" && i - start < 3)
        )
      )
        break;
      i++;
    }
    const what = text(start, i);
    const chance = chanceAt(tokens, start);
    problem(
      tokens[start],
      `expression '${what}' is not modelled`,
      chance !== undefined
        ? chanceHint(chance)
        : ctLoadWords(what) !== undefined
          ? CT_UNMODELLED_MATCH_HINT
          : OWNER_WORDS.test(what)
            ? OWNER_HINT
            : UNMODELLED_MATCH_HINT,
      "warning",
    );
    return what;
  };
  /**
   * `KEY LO-HI` (`!=` when `neg`) whose first value is above its last, as nft 1.0.6 lists two
   * comparisons written side by side (`A >= LO` then `KEY <= HI`; for `!=`, `A < LO` then `KEY > HI`),
   * whatever field `A` is (kernel 6.18): a warning at `t`, and the rule undecided.
   */
  const sideBySide = (t: NftToken | undefined, key: string, v: string, neg: boolean) => {
    const [lo, hi] = v.split("-");
    const [from, to] = neg ? ["<", ">"] : [">=", "<="];
    const what = `${key}${neg ? " !=" : ""} ${v}`;
    problem(
      t,
      `'${what}' is a range whose first value is above its last: nft 1.0.6 lists two comparisons written side by side (another field ${from} ${lo}, then ${key} ${to} ${hi}) so; not modelled`,
      SIDE_BY_SIDE_HINT,
      "warning",
    );
    (out.problems.at(-1) as NftRuleProblem).reversed = { lo: lo as string, hi: hi as string };
    out.conditions.push({ kind: "unknown", text: what, neg: false });
  };
  /**
   * Reports the words from `from` to the current one as not modelled: an unknown condition (a match,
   * or a statement that `acts` on the packet in a way not modelled), an unknown target, or a
   * statement that decides nothing.
   */
  const unmodelled = (from: number, as: "condition" | "acts" | "target" | "statement") => {
    const what = text(from, i);
    const statement = as === "statement";
    problem(
      tokens[from],
      `${statement ? "statement" : "expression"} '${what}' is not modelled`,
      statement
        ? DECIDES_NOTHING_HINT
        : as === "condition" && OWNER_WORDS.test(what)
          ? OWNER_HINT
          : unmodelledHint(as === "condition", as !== "target" && ctLoadWords(what) !== undefined),
      "warning",
    );
    if (as === "condition") out.conditions.push({ kind: "unknown", text: what, neg: false });
    if (as === "acts")
      out.conditions.push({ kind: "unknown", text: what, neg: false, oneWay: true, acts: true });
    if (as === "target") out.target = { kind: "unknown", name: what, text: what };
  };
  /** `[==|!=] WORD` at `k` words on: the word, whether negated, and how many words that was; not a set or concatenation. */
  const single = (k: number): { value: string; neg: boolean; words: number } | undefined => {
    const neg = word(k) === "!=";
    const at = word(k) === "==" || neg ? k + 1 : k;
    const v = peek(at);
    if (!v || v.type === "punct" || v.value.startsWith("@") || [".", ","].includes(peek(at + 1)?.value ?? ""))
      return undefined;
    return { value: v.value, neg, words: at + 1 };
  };
  /**
   * An ARP field's operand `k` words on: `[==|!=] value` or `[!=] { a, b }` of plain values (not a named
   * set, a range or a bitwise test), with the index after it; undefined for any other form.
   */
  const arpOperand = (k: number): { values: string[]; neg: boolean; next: number } | undefined => {
    const neg = word(k) === "!=";
    let at = i + (word(k) === "==" || neg ? k + 1 : k);
    const plain = (t: NftToken | undefined) =>
      t !== undefined &&
      t.type === "word" &&
      !t.value.startsWith("@") &&
      !/^-|-$/.test(t.value) &&
      !/^\d+-\d+$/.test(t.value);
    if (tokens[at]?.value !== "{") {
      const v = tokens[at];
      if (!plain(v) || OPERATORS.has(tokens[at + 1]?.value ?? "") || BITWISE.has(tokens[at + 1]?.value ?? ""))
        return undefined;
      return { values: [(v as NftToken).value], neg, next: at + 1 };
    }
    const values: string[] = [];
    for (at++; tokens[at] && tokens[at]?.value !== "}"; at++) {
      const t = tokens[at] as NftToken;
      if (t.value === "," || t.type === "nl") continue;
      if (!plain(t)) return undefined;
      values.push(t.value);
    }
    return tokens[at]?.value === "}" && values.length ? { values, neg, next: at + 1 } : undefined;
  };
  /**
   * The value at `i` joined with a range's last bound written apart from it by a dash (`ssh - http`,
   * `8 -cs3`: nft 1.0.6 took both, a range of the names' numbers), as one token whose `bounds` are the
   * two words, the index past it; the token alone for any other value. A number or address range is
   * joined so when the text is split into words (`joinSpacedRanges`).
   */
  const spacedAt = (): { tok: NftToken; next: number } => {
    const t = peek() as NftToken;
    const [dash, after] = [peek(1), peek(2)];
    const bound = (w: NftToken | undefined) =>
      w?.type === "word" && /^([a-z][\w-]*|0x[0-9a-f]+|\d+)$/i.test(w.value);
    const hi =
      dash?.value === "-" && bound(after)
        ? { word: (after as NftToken).value, end: after as NftToken, next: i + 3 }
        : dash?.type === "word" && /^-[a-z]/i.test(dash.value)
          ? { word: dash.value.slice(1), end: dash, next: i + 2 }
          : undefined;
    if (!hi || t.bounds || !bound(t) || t.line !== hi.end.line) return { tok: t, next: i + 1 };
    const bounds: [string, string] = [t.value, hi.word];
    const width = hi.end.column + hi.end.value.length - t.column;
    return { tok: { ...t, value: bounds.join("-"), bounds, width }, next: hi.next };
  };
  /** Reads `[==|!=] value`, `{ a, b }` or `@set`, or `vmap ...`, for `key` (`keys`: a concatenation's parts). */
  const readOperand = (
    key: NftKey,
    keyStart: number,
    keys: readonly NftKey[] = [key],
  ):
    | { kind: "single"; value: NftToken; neg: boolean }
    | { kind: "set"; elements?: NftValue[]; set?: string; neg: boolean; words?: NftToken[][] }
    | { kind: "cmp"; op: string; value: NftToken }
    | { kind: "vmap" }
    | undefined => {
    let neg = false;
    const op = word();
    if (op === "==" || op === "eq") i++;
    else if (op === "!=" || op === "ne") {
      neg = true;
      i++;
    }
    const t = peek();
    if (!t) {
      problem(tokens[keyStart], `'${key}' needs a value`, `write e.g. '${key} "docker0"'`);
      return undefined;
    }
    // nft takes a quoted address for a host name to resolve: a quoted prefix or range resolves to none.
    if (t.type === "string" && /(?:^|\s)[sd]addr$/.test(key) && QUOTED_PREFIX.test(t.value)) {
      problem(
        t,
        `"${t.value}" is quoted: nft takes a quoted address for a host name, and a prefix or range resolves to none ("Could not resolve hostname: Name or service not known")`,
        `write it without quotes: ${t.value} (in its define too)`,
      );
      i++;
      return undefined;
    }
    const cmp = t.type === "word" ? COMPARISONS[t.value] : undefined;
    if (cmp && peek(1)) {
      i += 2;
      return { kind: "cmp", op: cmp, value: peek(-1) as NftToken };
    }
    if (t.type === "word" && t.value === "vmap") {
      i++;
      const m = peek();
      if (m?.type === "word" && m.value.startsWith("@")) {
        i++;
        out.target = { kind: "vmap", key, map: m.value.slice(1) };
        return { kind: "vmap" };
      }
      if (m?.value === "{") {
        const elements = readMapElements(keys);
        if (elements) out.target = { kind: "vmap", key, elements };
        return { kind: "vmap" };
      }
      problem(m ?? t, "vmap needs '@map' or '{ key : verdict, ... }'", "write e.g. 'oifname vmap @jumps'");
      return undefined;
    }
    if (t.type === "word" && t.value.startsWith("@")) {
      i++;
      return { kind: "set", set: t.value.slice(1), neg };
    }
    if (t.value === "{") {
      i++;
      const elements: NftValue[] = [];
      // Each element's words, its parts with the `.` between them, for the width check.
      const words: NftToken[][] = [];
      let parts: string[] = [];
      let partWords: NftToken[] = [];
      const close = () => {
        if (parts.length) {
          elements.push(elementValue(parts));
          words.push(partWords);
        }
        parts = [];
        partWords = [];
      };
      // nft merges a set written as an element of another (`{ { 22, 80 }, 443 }`, what `{ $ports, 443 }` expands to).
      let nested = 0;
      while (i < tokens.length && !(peek()?.value === "}" && nested === 0)) {
        const partKey = keys[parts.length] ?? key;
        const spaced = [",", "{", "."].includes(peek(-1)?.value ?? "") ? spacedAt() : undefined;
        const said = spaced && spacedReversed(partKey, spaced.tok);
        if (said) {
          // nft refuses the rule whole: nothing after the error is read.
          out.problems.push(said);
          i = tokens.length;
          return undefined;
        }
        if (spaced) i = spaced.next - 1;
        const e = spacedRange(partKey, spaced?.tok ?? (peek() as NftToken));
        if (e.value === "{" && parts.length === 0) nested++;
        else if (e.value === "}") {
          close();
          nested--;
        } else if (e.value === ",") close();
        else {
          if (e.value !== ".") parts.push(e.value);
          partWords.push(e);
        }
        i++;
      }
      close();
      if (peek()?.value !== "}") {
        problem(t, "unclosed '{' in an anonymous set", "close the set with '}'");
        return undefined;
      }
      i++;
      return { kind: "set", elements, neg, words };
    }
    const spaced = spacedAt();
    const said = spacedReversed(key, spaced.tok);
    if (said) {
      out.problems.push(said);
      i = tokens.length;
      return undefined;
    }
    i = spaced.next;
    // `ct state established,related` is a comma list nft prints without braces.
    if (peek()?.value === ",") {
      const elements: NftValue[] = [nftValue(t.value)];
      const words: NftToken[][] = [[t]];
      while (peek()?.value === "," && peek(1)) {
        elements.push(nftValue((peek(1) as NftToken).value));
        words.push([peek(1) as NftToken]);
        i += 2;
      }
      return { kind: "set", elements, neg, words };
    }
    return { kind: "single", value: spacedRange(key, spaced.tok), neg };
  };
  const readVerdict = (): Target | undefined => {
    const t = peek();
    const w = word();
    if (w === "accept" || w === "drop" || w === "continue" || w === "return") {
      i++;
      return { kind: w === "continue" ? "CONTINUE" : (w.toUpperCase() as "ACCEPT" | "DROP" | "RETURN") };
    }
    if (w === "jump" || w === "goto") {
      const chain = peek(1);
      if (!chain || chain.type === "punct") {
        problem(t, `'${w}' needs a chain name`, `write e.g. '${w} my-chain'`);
        i++;
        return undefined;
      }
      i += 2;
      return { kind: w, chain: chain.value };
    }
    return undefined;
  };
  /** Reads `{ key : verdict, ... }`; `keys` (one per part of the key) refuse a key past its width, as nft does. */
  const readMapElements = (keys: readonly NftKey[] = []): NftMapElement[] | undefined => {
    const open = peek();
    i++;
    const elements: NftMapElement[] = [];
    while (i < tokens.length && peek()?.value !== "}") {
      if (peek()?.value === ",") {
        i++;
        continue;
      }
      const k = peek() as NftToken;
      i++;
      const parts = [k.value];
      // The key's parts with the `.` between them, for the width check.
      const words: NftToken[] = [k];
      // A key of several flags (`syn | ack : drop`, a bitmask's value) is one word, `syn|ack`.
      while (
        peek()?.type === "word" &&
        (parts[parts.length - 1]?.endsWith("|") || peek()?.value.startsWith("|"))
      ) {
        parts[parts.length - 1] += (peek() as NftToken).value;
        i++;
      }
      // A range written with spaces (`80 - 90 : accept`) is one value, as `80-90`.
      const spacedRange = () => {
        if (peek()?.value === "-" && peek(1)?.type === "word") {
          parts[parts.length - 1] += `-${(peek(1) as NftToken).value}`;
          i += 2;
        }
      };
      spacedRange();
      while (peek()?.value === "." && peek(1)) {
        parts.push((peek(1) as NftToken).value);
        words.push(peek() as NftToken, peek(1) as NftToken);
        i += 2;
        spacedRange();
      }
      const said = elementProblem(keys, words);
      if (said) out.problems.push(said);
      if (said?.severity === "error") {
        // The rule is refused whole: the rest of its map is not read as expressions.
        i = tokens.length;
        return undefined;
      }
      if (peek()?.value !== ":") {
        problem(
          peek() ?? k,
          "expected ':' between a map element's key and its verdict",
          'write e.g. "docker0" : jump chain',
        );
        return undefined;
      }
      i++;
      const v = readVerdict();
      if (!v) {
        problem(peek() ?? k, "expected a verdict (accept, drop, jump CHAIN, goto CHAIN, return, continue)");
        return undefined;
      }
      elements.push({ key: elementValue(parts), verdict: v });
    }
    if (peek()?.value !== "}") {
      problem(open, "unclosed '{' in a verdict map", "close the map with '}'");
      return undefined;
    }
    i++;
    return elements;
  };
  /**
   * `KEY &|and MASK [==|!=|eq|ne] VALUE` with `i` at the `&` (nft's bitmask match, see `nft-bitmask.ts`):
   * an address under a mask is the `src`/`dst` (or connection tuple) condition a prefix is, a mark the
   * `mark`/`ctmark` one; any other key, or a set, range or prefix of values, a masked `nft-set`. A
   * missing value, or a mask or value not of the key's type, is an error there (nft refuses the rule, so
   * it is dropped); a comparison (`<`), a map or a concatenation under a mask is left unmodelled.
   */
  const masked = (key: NftKey, keyStart: number) => {
    const amp = peek() as NftToken;
    const type = maskType(key);
    if (!type) {
      out.conditions.push({ kind: "unknown", text: unknownFrom(keyStart), neg: false });
      return;
    }
    const example =
      "family" in type
        ? type.family === 4
          ? `${key} & 0.0.0.255 == 0.0.0.2`
          : `${key} & ::ffff == ::1`
        : type.bits === 8
          ? `${key} & 0xf0 == 0x40`
          : `${key} & 0xff00 == 0x100`;
    const what = "family" in type ? `an IPv${type.family} address` : `a number of ${type.bits} bits`;
    const refuse = (at: NftToken | undefined, message: string) => {
      const other = "family" in type && at?.value.includes(type.family === 4 ? ":" : ".");
      problem(
        at ?? amp,
        message,
        other
          ? `${key} compares IPv${type.family} addresses (nft: "Address family for hostname not supported"); write e.g. ${example}`
          : `write e.g. ${example}`,
      );
      // One error for the rule: nothing after it is read.
      i = tokens.length;
    };
    const endsValue = (t: NftToken | undefined) =>
      !t ||
      (t.type === "punct" && t.value !== "{") ||
      (t.type === "word" && (STARTERS.has(t.value) || VERDICTS.has(t.value)));
    const maskTok = peek(1);
    if (endsValue(maskTok))
      return refuse(maskTok, `'${text(keyStart, i + 1)}' needs a mask after '${amp.value}'`);
    const mask = readMaskWord((maskTok as NftToken).value, type);
    if (mask === undefined)
      return refuse(maskTok, `'${(maskTok as NftToken).value}' is not a mask of ${key}: ${what} is expected`);
    const maskText = maskWordText(mask, type);
    i += 2;
    if (word() === "vmap" || word() === ".") {
      // A map looked up, or a concatenation keyed, by the masked value: not modelled.
      if (word() === "vmap") {
        i++;
        if (peek()?.value === "{") while (i < tokens.length && peek()?.value !== "}") i++;
        i++;
        unmodelled(keyStart, "target");
      } else out.conditions.push({ kind: "unknown", text: unknownFrom(keyStart), neg: false });
      return;
    }
    const op = word();
    const valueTok = peek(op === "==" || op === "!=" || op === "eq" || op === "ne" ? 1 : 0);
    if (endsValue(valueTok))
      return refuse(
        valueTok ?? maskTok,
        `'${text(keyStart, i)}' needs a value to compare the masked ${key} with`,
      );
    const operand = readOperand(key, keyStart);
    if (!operand || operand.kind === "vmap") return;
    if (operand.kind === "cmp") return unmodelled(keyStart, "condition");
    const proto = key.split(" ")[0] as string;
    if (proto === "tcp" || proto === "udp") out.conditions.push({ kind: "proto", proto, neg: false });
    if (operand.kind === "set") {
      if (refuseWide([key], operand)) return;
      return pushSet(key, { ...operand, mask: maskText });
    }
    const v = operand.value.value;
    const { neg } = operand;
    const bad = () => refuse(operand.value, `'${v}' is not a value of ${key}: ${what} is expected`);
    const range = /^([^-/]+)-([^-/]+)$/.exec(v);
    if (range || v.includes("/")) {
      // A range or prefix of values under the mask: a one-element set, its bounds as the matcher reads them.
      const [lo, hi] = range ? [range[1], range[2]].map((b) => readMaskWord(b as string, type)) : [];
      const prefix = range ? undefined : "family" in type ? parseIpCidr(v) : undefined;
      if (range && (lo === undefined || hi === undefined || lo > hi)) return bad();
      if (!range && (!prefix || "v6" in prefix !== ("family" in type && type.family === 6))) return bad();
      const element: NftValue = prefix
        ? { kind: "prefix", cidr: prefix }
        : { kind: "range", lo: maskWordText(lo as bigint, type), hi: maskWordText(hi as bigint, type) };
      return pushSet(key, { elements: [element], neg, mask: maskText });
    }
    const want = readMaskWord(v, type);
    if (want === undefined) return bad();
    if (outsideMask(want, mask))
      problem(
        operand.value,
        `'${text(keyStart, i)}' ${neg ? "holds for every packet that has this field" : "never matches"}: ${v} has bits outside the mask ${maskTok?.value}`,
        `the kernel compares only the bits under the mask; write ${maskWordText(want & mask, type)} to test them`,
        "warning",
      );
    if ("family" in type) {
      const cidr = maskedCidr(mask, want, type.family);
      const which = key.endsWith("saddr") ? "src" : "dst";
      if (key.startsWith("ct "))
        out.conditions.push({
          kind: "ct-tuple",
          dir: key.startsWith("ct original") ? "orig" : "repl",
          field: which,
          cidr,
          neg,
        });
      else out.conditions.push({ kind: which, cidr, neg });
      return;
    }
    if (key === "meta mark" || key === "ct mark") {
      out.conditions.push({
        kind: key === "ct mark" ? "ctmark" : "mark",
        value: Number(want),
        mask: Number(mask),
        neg,
      });
      return;
    }
    pushSet(key, { elements: [{ kind: "value", value: String(want) }], neg, mask: maskText });
  };
  /**
   * `ct mark ...` at `i`: `ct mark set N`, `ct mark set [meta] mark` (CONNMARK --save-mark), `ct mark set
   * ct mark and A xor B` (iptables-nft's --set-xmark) as effects, `ct mark & M == V` and `ct mark V`, `{
   * ... }`, `vmap` as matches; true when read (`i` after it), false for a form left to the generic reader.
   */
  const readConnmark = (): boolean => {
    // nft prints iptables-nft's `-m connmark --mark V/M` as `ct mark and M == V`.
    if (word(2) === "&" || word(2) === "and") {
      i += 2;
      masked("ct mark", i - 2);
      return true;
    }
    if (word(2) !== "set") {
      i += 2;
      match("ct mark", i - 2);
      return true;
    }
    const v = Number(word(3));
    const next = word(4) ?? "";
    if (word(3) !== undefined && Number.isInteger(v) && !OPERATORS.has(next) && !BITWISE.has(next)) {
      out.effects.push({ kind: "CONNMARK", op: "set", ...ALL_BITS, value: v >>> 0 });
      i += 4;
      return true;
    }
    const from = word(3) === "meta" ? 4 : 3;
    if (word(from) === "mark" && setValueEnd(i + 3) === i + from + 1) {
      out.effects.push({ kind: "CONNMARK", op: "save", ...ALL_BITS });
      i += from + 1;
      return true;
    }
    const lookup = markLookup(i + 3);
    if (lookup) {
      out.effects.push({ kind: "CONNMARK", op: "set", ...ALL_BITS, lookup });
      return true;
    }
    // `ct mark set ct mark and 0xffffff00 xor 0x10`: the connection's own bits changed.
    const own = word(3) === "ct" ? markArithmetic(tokens, i + 4) : undefined;
    if (own?.effect.kind !== "MARK") return false;
    out.effects.push({
      kind: "CONNMARK",
      op: "set",
      ...ALL_BITS,
      value: own.effect.value,
      mask: own.effect.mask,
      fromCt: true,
    });
    i = own.next;
    return true;
  };
  /**
   * `ct original|reply [ip|ip6] saddr|daddr [!=] ADDR[/LEN]` or `ct original|reply proto-src|proto-dst
   * [!=] PORT[-PORT]` (iptables-nft's `--ctorigdstport` and kin) at `i`: the connection tuple's
   * condition, `i` after it; undefined, `i` unchanged, for any other form (a set, a range of addresses).
   */
  const readCtTuple = (): Condition | undefined => {
    let k = 2;
    if (word(k) === "ip" || word(k) === "ip6") k++;
    // No family word: nft's print of iptables-nft's xt_conntrack (`--ctorigsrc`), not a native expression.
    const xt = k === 2 && !word(k)?.startsWith("proto-");
    const field = word(k);
    const which = { saddr: "src", daddr: "dst", "proto-src": "sport", "proto-dst": "dport" } as const;
    if (field !== "saddr" && field !== "daddr" && field !== "proto-src" && field !== "proto-dst")
      return undefined;
    const operand = single(k + 1);
    if (!operand) return undefined;
    const port = field.startsWith("proto-");
    const range = port ? portRange(operand.value) : undefined;
    const cidr = port ? undefined : parseIpCidr(operand.value);
    if (!range && !cidr) return undefined;
    const dir = word(1) === "original" ? "orig" : "repl";
    i += operand.words;
    return {
      kind: "ct-tuple",
      dir,
      field: which[field],
      ...(range ? { range } : { cidr }),
      neg: operand.neg,
      ...(xt ? { xt: true } : {}),
    } as Condition;
  };
  /**
   * `KEY [. KEY ...] map @m` or `map { k : addr [. port], ... }` at `at`, the address of a `dnat`/`snat`
   * (port forwards kept in a map): its `nat-map` target, `i` after it; undefined, `i` unchanged, for
   * any other expression (a key the model lacks, `numgen ... map`).
   */
  const readNatMap = (at: number, nat: "DNAT" | "SNAT"): Target | undefined => {
    const first = keyAt(tokens, at);
    if (!first) return undefined;
    const keys: NftKey[] = [first.key];
    let k = first.next;
    while (tokens[k]?.value === ".") {
      const next = keyAt(tokens, k + 1);
      if (!next) return undefined;
      keys.push(next.key);
      k = next.next;
    }
    if (tokens[k]?.value !== "map") return undefined;
    const lookup = {
      kind: "nat-map",
      nat,
      key: first.key,
      ...(keys.length > 1 ? { concat: keys } : {}),
    } as const;
    const m = tokens[k + 1];
    if (m?.type === "word" && m.value.startsWith("@")) {
      i = k + 2;
      return { ...lookup, map: m.value.slice(1) };
    }
    if (m?.value !== "{") return undefined;
    const read = readNatElements(k + 2);
    if (!read) return undefined;
    i = read.next;
    const elements: NftDataElement[] = read.elements.map((e) => ({ key: elementValue(e.key), data: e.data }));
    return { ...lookup, elements };
  };
  /**
   * `KEY map { k : 0x1, ... }` or `KEY map @m` at `at`, a mark's value (`meta mark set tcp dport map {
   * 22 : 0x1 }`): its lookup, the condition on the map's keys put in before it (a key the map lacks ends
   * the rule), `i` after it; undefined, `i` unchanged, for another value, data that is no mark, or a map
   * the table does not declare before.
   */
  const markLookup = (at: number): MarkLookup | undefined => {
    const was = i;
    const read = readNatMap(at, "DNAT");
    const elements =
      read?.kind === "nat-map" ? (read.elements ?? sets?.get(read.map ?? "")?.data) : undefined;
    if (
      read?.kind !== "nat-map" ||
      !elements?.every((e) => e.data.length === 1 && /^(0x[\da-f]+|\d+)$/i.test(e.data[0] as string))
    ) {
      i = was;
      return undefined;
    }
    // A mark past 32 bits (`22 : 0x100000000`): nft 1.0.6 refused it ("Value 4294967296 exceeds valid range").
    const wide = tokens
      .slice(at, i)
      .map((x, k, all) => all[k - 1]?.value === ":" && beyondWidth("meta mark", x))
      .find((p) => p);
    if (wide) out.problems.push(wide);
    const concat = read.concat ? { concat: read.concat } : {};
    out.conditions.push({
      kind: "nft-set",
      key: read.key,
      ...concat,
      elements: elements.map((e) => e.key),
      neg: false,
    });
    return { key: read.key, ...concat, elements };
  };
  /**
   * The elements of a NAT map's braces from `from` (just past `{`): `{ 8080 : 192.168.1.30 . 80, ... }`,
   * key and data words each split at '.'; `next` is past `}`. Undefined when the braces do not close.
   */
  const readNatElements = (
    from: number,
  ): { elements: { key: string[]; data: string[] }[]; next: number } | undefined => {
    const elements: { key: string[]; data: string[] }[] = [];
    let key: string[] = [];
    let data: string[] | undefined;
    const close = () => {
      if (key.length && data?.length) elements.push({ key, data });
      key = [];
      data = undefined;
    };
    let k = from;
    for (; k < tokens.length && tokens[k]?.value !== "}"; k++) {
      const v = (tokens[k] as NftToken).value;
      if (v === ",") close();
      else if (v === ":") data = [];
      else if (v !== ".") (data ?? key).push(v);
    }
    if (tokens[k]?.value !== "}") return undefined;
    close();
    return { elements, next: k + 1 };
  };
  /** iptables' `--random-fully` written in nft (`masquerade random-fully`): nft spells it `fully-random`. */
  const refuseRandomFully = () => {
    if (peek()?.value !== "random-fully") return;
    problem(
      peek(),
      `'random-fully' is iptables' word: nft refuses it ("syntax error, unexpected newline")`,
      "write 'fully-random', as nft spells the flag",
    );
    i++;
  };
  /**
   * `meta iiftype vmap { ether : jump ether_in }`: a verdict map on a key the model does not read (or
   * `vmap @map`). Each element's verdict, and the way past the map (no element), is followed as a pick
   * is; undefined, `i` unspecified, for any other form.
   */
  const readUnmodelledVmap = (start: number): Target | undefined => {
    const vmap = tokens.findIndex((x, k) => k > start && x.value === "vmap");
    if (vmap < 0 || vmap - start > 4) return undefined;
    if (
      tokens
        .slice(start, vmap)
        .some((x) => x.value === "{" || x.value === "." || (x.type === "word" && VERDICTS.has(x.value)))
    )
      return undefined;
    const next = tokens[vmap + 1];
    let verdicts: Target[];
    if (next?.value === "{") {
      i = vmap + 1;
      const elements = readMapElements();
      if (!elements) return undefined;
      verdicts = elements.map((e) => e.verdict);
    } else if (next?.value.startsWith("@") && sets?.get(next.value.slice(1))) {
      verdicts = (sets.get(next.value.slice(1)) as NftSet).verdicts.map((v) => v.verdict);
      i = vmap + 2;
    } else return undefined;
    const seen = new Set<string>();
    const choices = [...verdicts, { kind: "NONE" } as Target].filter((t) => {
      const key = JSON.stringify(t);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (choices.length > MAX_PICKS) return undefined;
    return { kind: "pick", text: text(start, i), choices };
  };
  /**
   * `numgen random mod N [offset O] vmap { 0 : goto a, ... }` (and `numgen inc`, `jhash EXPR mod N`):
   * a verdict drawn among the map's, one choice per value the expression can take (a value without an
   * element breaks the rule: the walk goes on). Undefined, `i` unspecified, for any other form.
   */
  const readPick = (start: number): Target | undefined => {
    const vmap = tokens.findIndex((x, k) => k > start && x.value === "vmap");
    const mod = tokens.findIndex((x, k) => k > start && k < vmap && x.value === "mod");
    if (vmap < 0 || mod < 0 || tokens[vmap + 1]?.value !== "{") return undefined;
    if (
      tokens.slice(start, vmap).some((x) => x.value === "{" || (x.type === "word" && VERDICTS.has(x.value)))
    )
      return undefined;
    const n = Number(tokens[mod + 1]?.value);
    const offset = tokens[mod + 2]?.value === "offset" ? Number(tokens[mod + 3]?.value) : 0;
    if (!Number.isInteger(n) || n < 1 || n > MAX_PICKS || !Number.isInteger(offset)) return undefined;
    i = vmap + 1;
    const elements = readMapElements();
    if (!elements) return undefined;
    const choices: Target[] = [];
    for (let v = offset; v < offset + n; v++) {
      const e = elements.find((x) => x.key.kind === "value" && numberOf(x.key.value) === v);
      choices.push(e ? e.verdict : { kind: "NONE" });
    }
    return { kind: "pick", text: text(start, i), choices };
  };
  /**
   * `dnat [ip|ip6] to numgen random mod N [offset O] map { 0 : ADDR [. PORT], ... }` (kube-proxy's
   * nftables load balancing; also `jhash EXPR mod N [seed S]`): a NAT drawn among the map's data, one
   * choice per value the expression can take (a value without an element breaks the rule); with
   * `mod 1`, the one NAT. `at` is the expression's first word. Undefined, `i` unspecified, for any other form.
   */
  const readNatPick = (start: number, at: number, nat: "DNAT" | "SNAT"): Target | undefined => {
    const map = tokens.findIndex((x, k) => k > at && x.value === "map");
    const mod = tokens.findIndex((x, k) => k > at && k < map && x.value === "mod");
    if (map < 0 || mod < 0 || tokens[map + 1]?.value !== "{") return undefined;
    if (tokens.slice(at, map).some((x) => x.value === "{" || (x.type === "word" && VERDICTS.has(x.value))))
      return undefined;
    const n = Number(tokens[mod + 1]?.value);
    let offset = 0;
    for (let k = mod + 2; k < map; k += 2) {
      const [w, v] = [tokens[k]?.value, tokens[k + 1]?.value];
      if (w === "offset") offset = Number(v);
      else if (w !== "seed" || v === undefined) return undefined;
    }
    if (!Number.isInteger(n) || n < 1 || n > MAX_PICKS || !Number.isInteger(offset)) return undefined;
    const read = readNatElements(map + 2);
    if (!read) return undefined;
    i = read.next;
    const elements = read.elements;
    // A key is a value or a range of them (`0-1 : 10.1.0.1`); another key leaves the rule unmodelled.
    const keys = elements.map((x) => {
      const [lo, hi = lo] = x.key.length === 1 ? (x.key[0] as string).split("-").map(numberOf) : [];
      return lo === undefined || hi === undefined ? undefined : { lo, hi };
    });
    if (keys.some((k) => k === undefined)) return undefined;
    const choices: Target[] = [];
    for (let v = offset; v < offset + n; v++) {
      const e = elements.find((_, k) => v >= (keys[k]?.lo ?? 1) && v <= (keys[k]?.hi ?? 0));
      choices.push(
        e
          ? (natOfData(nat, e.data) ?? {
              kind: "unknown",
              name: nat,
              text: `${nat.toLowerCase()} to ${e.data.join(" . ")}`,
            })
          : { kind: "NONE" },
      );
    }
    // nft: "transport protocol mapping is only valid after transport protocol match".
    if (elements.some((e) => e.data.length > 1) && !out.conditions.some(protocolMatch))
      problem(
        tokens[at],
        `nft refuses a port in ${nat.toLowerCase()}'s map data without a transport protocol match before it ("transport protocol mapping is only valid after transport protocol match")`,
        `match the protocol first, as kube-proxy does: 'meta l4proto tcp ${nat.toLowerCase()} ip to ...'`,
      );
    // Values mapped alike are one choice (`0-1 : A`); `mod 1`, or one NAT for every value, draws nothing.
    const distinct = choices.filter(
      (c, k) => choices.findIndex((d) => JSON.stringify(d) === JSON.stringify(c)) === k,
    );
    return distinct.length === 1 ? distinct[0] : { kind: "pick", text: text(start, i), choices: distinct };
  };
  /**
   * A NAT statement's port (`dnat to A:80`, `masquerade to :1024-65535`) with no transport protocol matched
   * before it: nft refuses the rule ("transport protocol mapping is only valid after transport protocol
   * match"), said at the port (`offset` characters into `at`).
   */
  const portWithoutProtocol = (at: NftToken, offset: number, written: string): void => {
    if (out.conditions.some(protocolMatch)) return;
    problem(
      { ...at, column: at.column + offset },
      `'${written}' maps a port, but nothing before it says the transport protocol: nft refuses the rule ("transport protocol mapping is only valid after transport protocol match")`,
      `match the protocol first: 'tcp dport 8080 ${written}' or 'meta l4proto tcp ${written}'`,
    );
  };
  /**
   * Whether the words at `at` are a connection's port (`ct original proto-dst`), which nft 1.0.6 refuses
   * in a concatenation (kernel 6.18 host: "can not use variable sized data types (invalid) in concat
   * expressions", whatever its place); said so there as an error.
   */
  /**
   * Whether a flag word of `key` from `at` to the next expression is not one nft takes (`tcp flags
   * bogus`, `ct status bogus`: "Could not parse TCP flag", as in a set); if so its error is reported
   * at that word and the rule is refused.
   */
  const refuseBadFlag = (key: "tcp flags" | "ct status", at: number): boolean => {
    for (let k = at; k < tokens.length; k++) {
      const t = tokens[k] as NftToken;
      if (STARTERS.has(t.value) || t.value === "vmap" || t.value === "map") return false;
      // Operators and comparisons (`& (syn | ack) > 0x0`, `and`, `ne`) are no flags: nft lists some itself.
      for (const m of t.value.matchAll(/[^(),|&!=/{}<>^~]+/g)) {
        const said =
          m[0].startsWith("@") || NFT_OPERATOR_WORDS.has(m[0])
            ? undefined
            : formProblem(key, { ...t, value: m[0] });
        if (said) {
          out.problems.push({ ...said, column: said.column + (t.written === undefined ? m.index : 0) });
          // The rule is refused whole: nothing after the error is read.
          i = tokens.length;
          return true;
        }
      }
    }
    return false;
  };
  const refuseCtPort = (at: number): boolean => {
    const [ct, dir, field] = [0, 1, 2].map((k) => tokens[at + k]?.value);
    if (ct !== "ct" || (dir !== "original" && dir !== "reply") || !field?.startsWith("proto-")) return false;
    problem(
      tokens[at],
      `nft refuses '${ct} ${dir} ${field}' in a concatenation: its size depends on the protocol ("can not use variable sized data types (invalid) in concat expressions")`,
      `match it on its own (ct ${dir} ${field} 22), or concatenate the packet's port (tcp dport) instead`,
    );
    return true;
  };
  /**
   * Whether an element of an anonymous set (`words`, per element) has a part that is not a value of its
   * key (one key per part, see {@link elementProblem}); if so its error is reported there and the rule
   * is refused, as nft refuses it (a protocol name is only warned of).
   */
  const refuseWide = (keys: readonly NftKey[], operand: { words?: NftToken[][] }): boolean => {
    for (const w of operand.words ?? []) {
      const said = elementProblem(keys, w);
      if (said) out.problems.push(said);
      if (said?.severity === "error") return true;
    }
    return false;
  };
  /** Adds `key`'s (or a concatenation's) set condition: an anonymous set's elements or a named set. */
  const pushSet = (
    key: NftKey,
    operand: { elements?: NftValue[]; set?: string; neg: boolean; mask?: string },
    concat?: NftKey[],
  ) => {
    // A concatenation's elements keep their words: only a single key's are numbered.
    const elements = concat ? operand.elements : operand.elements?.map((e) => numberedElement(key, e));
    out.conditions.push({
      kind: "nft-set",
      key,
      ...(elements ? { elements } : {}),
      ...(operand.set ? { set: operand.set } : {}),
      neg: operand.neg,
      ...(concat ? { concat } : {}),
      ...(operand.mask !== undefined ? { mask: operand.mask } : {}),
    });
  };
  /** Adds the condition for `key` with its operand (single value mapped to the iptables kinds). */
  const match = (key: NftKey, keyStart: number) => {
    if (word() === "&" || word() === "and") return masked(key, keyStart);
    // A concatenation (`ip daddr . meta l4proto . th dport vmap @svc`): a set or map of its keys' values.
    if (peek()?.value === ".") {
      const keys: NftKey[] = [key];
      while (peek()?.value === ".") {
        const next = keyAt(tokens, i + 1);
        // A refused rule is dropped whole: nothing after the error is read.
        if (!next && refuseCtPort(i + 1)) {
          i = tokens.length;
          return;
        }
        if (!next) break;
        keys.push(next.key);
        i = next.next;
      }
      const operand = peek()?.value === "." ? undefined : readOperand(key, keyStart, keys);
      if (operand?.kind === "vmap" && out.target.kind === "vmap") out.target.concat = keys;
      else if (operand?.kind === "set") {
        if (!refuseWide(keys, operand)) pushSet(key, operand, keys);
      } else {
        // A single value or a comparison of a concatenation, or a key the model does not know.
        if (operand?.kind === "vmap") out.target = { kind: "NONE" };
        out.conditions.push({ kind: "unknown", text: unknownFrom(keyStart), neg: false });
      }
      return;
    }
    const operand = readOperand(key, keyStart);
    if (!operand || operand.kind === "vmap") return;
    const proto = key.split(" ")[0] as string;
    if ((proto === "tcp" || proto === "udp") && !key.startsWith("th"))
      out.conditions.push({ kind: "proto", proto, neg: false });
    if (operand.kind === "cmp" && (key === "ip ttl" || key === "ip6 hoplimit")) {
      const n = Number(operand.value.value);
      if (!Number.isInteger(n) || n < 0 || n > 255) return unmodelled(keyStart, "condition");
      const { op } = operand;
      const lo = op[0] === ">" ? n + (op === ">" ? 1 : 0) : 0;
      const hi = op[0] === "<" ? n - (op === "<" ? 1 : 0) : 255;
      const family = key === "ip ttl" ? 4 : 6;
      // `ip ttl < 0` matches nothing: an empty range is written as a negated full one.
      out.conditions.push({
        kind: "ttl",
        range: lo > hi ? { lo: 0, hi: 255 } : { lo, hi },
        neg: lo > hi,
        family,
      });
      return;
    }
    if (operand.kind === "cmp") {
      const v = operand.value.value;
      // `icmp code > net-unreachable`: a byte of the header, compared as a number (kernel 6.18, see
      // test/fixtures/simulate/nft-match-forms); matched as a one-range set. So is a length (`meta length > 1000`).
      const names = NFT_ICMP_NAMES[key];
      const length = LENGTH_KEYS.has(key);
      const said = valueProblem(key, operand.value);
      if (said) out.problems.push(said);
      if (said?.severity === "error") return;
      const n = key.endsWith("port")
        ? nftPort(v)
        : names
          ? (names[v] ?? numberOf(v))
          : length
            ? numberOf(v)
            : undefined;
      const max = names ? 255 : length ? (RANGE_MAX[key] as number) : 65535;
      // `meta mark > 5`: a comparison the model has no condition for.
      if (n === undefined || n < 0 || n > max) return unmodelled(keyStart, "condition");
      const { op } = operand;
      const lo = op[0] === ">" ? n + (op === ">" ? 1 : 0) : 0;
      const hi = op[0] === "<" ? n - (op === "<" ? 1 : 0) : max;
      // `< 0` and `> 65535` match no port: an empty range is written as a negated full one.
      const empty = lo > hi;
      if (names || length) {
        const range = empty ? `0-${max}` : `${lo}-${hi}`;
        pushSet(key, { elements: [nftValue(range)], neg: empty });
        return;
      }
      out.conditions.push({
        kind: key.endsWith("dport") ? "dport" : "sport",
        range: empty ? { lo: 0, hi: 65535 } : { lo, hi },
        neg: empty,
        ...(key.startsWith("th ") ? { th: true as const } : {}),
      });
      return;
    }
    if (operand.kind === "set") {
      if (!refuseWide([key], operand)) pushSet(key, operand);
      return;
    }
    const v = operand.value.value;
    const neg = operand.neg;
    // A value past its key's width (`ip length 65536`) or not of its form (`ether saddr 1:2`): as in a set.
    const said = valueProblem(key, operand.value);
    if (said) out.problems.push(said);
    if (said?.severity === "error") return;
    const bad = (what: string, hint: string) => problem(operand.value, `'${v}' is not ${what}`, hint);
    // `icmp code 8-0`: nft 1.0.6's listing of `icmp type >= 8 icmp code <= 0` written side by side (kernel
    // 6.18 matched types 8 and 11 with code 0): what it compares is not in the words, so not guessed.
    const [lo, hi] = v.split("-").map(Number);
    if (NFT_ICMP_NAMES[key] && (lo as number) > (hi as number)) {
      problem(
        operand.value,
        `'${key} ${v}' is a range whose first value is above its last: nft 1.0.6 lists two comparisons of the ICMP type and code written side by side (icmp type >= 8 icmp code <= 0) so; not modelled`,
        SIDE_BY_SIDE_HINT,
        "warning",
      );
      (out.problems.at(-1) as NftRuleProblem).reversed = { lo: String(lo), hi: String(hi) };
      out.conditions.push({ kind: "unknown", text: `${key} ${v}`, neg: false });
      return;
    }
    // The same misprint of other fields (kernel 6.18, nft 1.0.6: `tcp sport >= 5000 tcp dport <= 80` listed
    // as `tcp dport 5000-80`, `ip ttl >= 64 ip protocol <= 6` as `ip protocol 64-6`; the kernel ran both).
    // A warning, not nft -f's error ("Range has zero or negative size"): nft's own listing prints it.
    if (operand.value.type !== "string" && listedReversed(v)) {
      sideBySide(operand.value, key, v, neg);
      return;
    }
    // `meta mark 0x00000005-0x0000000a`, `ct zone 1-5`, `ip dscp 0x08-0x10`, `ip protocol 1-6`: numbers
    // compared (kernel 6.18, see nft-numeric-forms.test.ts), matched as a one-range set like `{ 1-6 }`.
    const max = RANGE_MAX[key];
    const range = max === undefined ? undefined : (numberRange(v) ?? namedRange(key, v));
    // A bound past the key's width is refused above.
    if (max !== undefined && range && range.hi <= max) {
      pushSet(key, { elements: [{ kind: "range", lo: String(range.lo), hi: String(range.hi) }], neg });
      return;
    }
    switch (key) {
      case "iifname":
      case "oifname":
        // nft's trailing `*` wildcard is iptables' `+`.
        out.conditions.push({ kind: key === "iifname" ? "in" : "out", name: v.replace(/\*$/, "+"), neg });
        return;
      case "ip saddr":
      case "ip daddr": {
        const range = /^([\d.]+)-([\d.]+)$/.exec(v);
        if (range) {
          // Each bound's form is checked above, and a range whose first is above its last read side by side.
          const lo = parseIpv4(range[1] as string) as number;
          const hi = parseIpv4(range[2] as string) as number;
          out.conditions.push({ kind: "addr-range", which: key === "ip saddr" ? "src" : "dst", lo, hi, neg });
          return;
        }
        const cidr = parseCidr(v.includes("/") ? v : `${v}/32`);
        // A host name or a number (its form checked above): nft resolves it when it loads the file.
        if (!cidr) return unmodelled(keyStart, "condition");
        out.conditions.push({ kind: key === "ip saddr" ? "src" : "dst", cidr, neg });
        return;
      }
      case "ip6 saddr":
      case "ip6 daddr": {
        const cidr = parseCidr6(v);
        if (!cidr) {
          // `ip6 saddr fd00::1-fd00::9` (nft -j's listing of a one-range set): matched as `{ fd00::1-fd00::9 }`.
          const range = nftValue(v);
          if (range.kind === "range") {
            pushSet(key, { elements: [range], neg });
            return;
          }
          // A host name (its form checked above): nft resolves it when it loads the file.
          return unmodelled(keyStart, "condition");
        }
        out.conditions.push({ kind: key === "ip6 saddr" ? "src" : "dst", cidr, neg });
        return;
      }
      case "ip protocol":
      case "ip6 nexthdr":
      case "meta l4proto":
        if (key === "meta l4proto") {
          out.conditions.push({ kind: "proto", proto: nftProto(v), neg });
          return;
        }
        out.conditions.push({
          kind: "proto",
          proto: nftProto(v),
          neg,
          family: key === "ip protocol" ? 4 : 6,
        });
        return;
      case "ip ttl":
      case "ip6 hoplimit": {
        // A value or a range (`ip6 hoplimit 1-254`).
        const parts = v.split("-").map(Number);
        const [lo, hi] = [parts[0] as number, parts[parts.length - 1] as number];
        const byte = (n: number) => Number.isInteger(n) && n >= 0 && n <= 255;
        if (parts.length > 2 || !byte(lo) || !byte(hi) || lo > hi)
          return bad("a number from 0 to 255 or a range", `write e.g. ${key} 255 or ${key} 1-254`);
        out.conditions.push({ kind: "ttl", range: { lo, hi }, neg, family: key === "ip ttl" ? 4 : 6 });
        return;
      }
      case "tcp dport":
      case "udp dport":
      case "tcp sport":
      case "udp sport":
      case "th dport":
      case "th sport": {
        const range = portRange(v);
        // `23-ssh` (nft 1.0.6: "Range has zero or negative size"): a one-range set, refused as reversed by the reader.
        const named = range ? undefined : namedRange(key, v);
        if (named) {
          pushSet(key, { elements: [{ kind: "value", value: v }], neg });
          return;
        }
        if (!range) return bad("a port or port range", "write e.g. 8080 or 1024-2048");
        out.conditions.push({
          kind: key.endsWith("dport") ? "dport" : "sport",
          range,
          neg,
          // `th dport` has no protocol dependency: it reads any transport header.
          ...(key.startsWith("th ") ? { th: true as const } : {}),
        });
        return;
      }
      case "icmp type":
      case "icmpv6 type": {
        const v6 = key === "icmpv6 type";
        // Its form is checked above (a name of nft's, or a number).
        const type = NFT_ICMP_NAMES[key]?.[v] ?? Number(v);
        out.conditions.push(
          v6 ? { kind: "icmp-type", type, neg, family: 6 } : { kind: "icmp-type", type, neg },
        );
        return;
      }
      case "icmp code":
      case "icmpv6 code": {
        // A code by nft's name (`port-unreachable`, `no-route`) or number: matched as a one-element set.
        const codes = NFT_ICMP_NAMES[key] ?? {};
        if (codes[v] === undefined && !/^\d+$/.test(v))
          return bad("an ICMP code", "write e.g. port-unreachable or 1-3");
        pushSet(key, { elements: [{ kind: "value", value: v }], neg });
        return;
      }
      case "ct state": {
        // Its form is checked above; `new|established` (the whole state word compared) is not modelled.
        const state = nftSymbol("ct state", v);
        if (!CT_STATES.has(state)) return unmodelled(keyStart, "condition");
        out.conditions.push({ kind: "ctstate", states: [state.toUpperCase()], neg });
        return;
      }
      case "ct direction":
        if (v !== "original" && v !== "reply") return bad("a direction", "write original or reply");
        pushSet(key, { elements: [{ kind: "value", value: v }], neg });
        return;
      case "ct protocol":
      case "ct helper":
      // `meta nfproto != ipv4`, `meta protocol 0x0800`: compared by name (`ipv4`, `ip`), as one-element sets.
      case "meta nfproto":
      case "meta protocol":
        pushSet(key, { elements: [{ kind: "value", value: v }], neg });
        return;
      case "ct l3proto":
        // nft takes any number (`ct l3proto 7`, which no connection has) besides the two names.
        if (!["ipv4", "ipv6"].includes(nftSymbol("meta nfproto", v)) && !/^\d+$/.test(v))
          return bad("an address family", "write ipv4 or ipv6");
        pushSet(key, { elements: [{ kind: "value", value: v }], neg });
        return;
      case "ct zone":
      case "ct original zone":
      case "ct reply zone": {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          return bad("a zone", "write a number from 0 to 65535");
        pushSet(key, { elements: [{ kind: "value", value: String(n) }], neg });
        return;
      }
      case "meta mark":
      case "ct mark": {
        // `0x10/28`: the mark's top 28 bits compared (nft lists it so; a longer prefix is refused before).
        // Its form and width are checked above.
        const [base, bits] = v.split("/");
        const n = Number(base);
        const len = bits === undefined ? 32 : prefixLength(bits);
        const mask = len > 0 ? (-1 << (32 - len)) >>> 0 : 0;
        out.conditions.push({
          kind: key === "ct mark" ? "ctmark" : "mark",
          value: (n & mask) >>> 0,
          mask,
          neg,
        });
        return;
      }
      case "fib daddr type":
      case "fib saddr type":
      case "fib daddr . iif type":
      case "fib daddr . oif type":
      case "fib saddr . iif type":
      case "fib saddr . oif type": {
        const dev = key.includes(". iif") ? "in" : key.includes(". oif") ? "out" : undefined;
        out.conditions.push({
          kind: "addrtype",
          which: key.startsWith("fib daddr") ? "dst" : "src",
          types: [nftSymbol("fib daddr type", v).toUpperCase()],
          neg,
          ...(dev ? { iface: dev } : {}),
        });
        return;
      }
      case "meta pkttype": {
        const type = pktTypeName(v);
        // A number nft names no type for (`meta pkttype 7`): nft takes it, and no packet of the simulator's has it.
        if (!type) pushSet(key, { elements: [{ kind: "value", value: v }], neg });
        else out.conditions.push({ kind: "pkttype", types: [type], neg });
        return;
      }
      case "ether saddr":
      case "ether daddr": {
        // `02:42:00:00:00:00/24` (nft takes it and lists it so): the address's first 24 bits compared.
        const [mac, len] = v.split("/");
        const bits = len === undefined ? 48 : prefixLength(len);
        out.conditions.push({
          kind: key === "ether saddr" ? "mac-src" : "mac-dst",
          mac: paddedMac(mac as string),
          ...(bits < 48 ? { mask: macPrefixMask(bits) } : {}),
          neg,
        });
        return;
      }
      case "meta length":
      case "ip length":
      case "ip6 length":
        if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) return bad("a length", `write e.g. ${key} 84 or ${key} 80-90`);
        pushSet(key, { elements: [{ kind: "value", value: String(Number(v)) }], neg });
        return;
      case "ip dscp":
      case "ip6 dscp": {
        const d = dscpValue(v) as number;
        out.conditions.push({
          kind: "tos",
          values: [d << 2],
          mask: 0xfc,
          neg,
          family: key === "ip dscp" ? 4 : 6,
        });
        return;
      }
    }
  };

  // `! = 22`, `! == syn`, `! ! syn`: nft's `!` takes a value, not another operator (nft 1.0.6: "syntax
  // error, unexpected '='"); the reader took `!` for the value. Said at the second, where nft points.
  const apart = tokens.findIndex((t, k) => t.value === "!" && /^(=|!$)/.test(tokens[k + 1]?.value ?? ""));
  const second = tokens[apart + 1];
  if (apart >= 0 && second) {
    const said = /^=(?!=)/.test(second.value) ? "'='" : second.value;
    problem(
      second,
      `'! ${second.value}': '!' takes a value, not another operator: nft refuses it ("syntax error, unexpected ${said}")`,
      "write '!=' as one word (tcp dport != 22), or '!' before a flag (tcp flags ! syn)",
    );
    return out;
  }
  while (i < tokens.length) {
    place();
    const start = i;
    const t = tokens[i] as NftToken;
    const w = t.type === "word" ? t.value : undefined;
    const w1 = word(1);
    if (w === "iifname" || w === "oifname" || w === "iif" || w === "oif") {
      i++;
      match(w.startsWith("i") ? "iifname" : "oifname", start);
      continue;
    }
    if (w === "meta" && (w1 === "iifname" || w1 === "oifname" || w1 === "iif" || w1 === "oif")) {
      i += 2;
      match(w1.startsWith("i") ? "iifname" : "oifname", start);
      continue;
    }
    if (w === "meta" && w1 === "l4proto") {
      i += 2;
      match("meta l4proto", start);
      continue;
    }
    if (w === "notrack") {
      // It acts where it is written and the rule goes on (see the NOTRACK target).
      i++;
      out.effects.push({ kind: "NOTRACK" });
      continue;
    }
    if (w === "flow" && (w1 === "add" || w1 === "offload") && peek(2)?.value.startsWith("@")) {
      // `flow add @ft` (`flow offload @ft` before nft 0.9.4): a statement that decides nothing for this packet.
      const flowtable = (peek(2) as NftToken).value.slice(1);
      i += 3;
      const stmt: Extract<Target, { kind: "FLOWOFFLOAD" }> = { kind: "FLOWOFFLOAD", flowtable };
      out.effects.push(stmt);
      // Placed now: the gate below comes after it.
      out.effectAt.push(out.conditions.length + (pastTarget ? 1 : 0));
      // The kernel ends the rule on a packet it does not offload (NFT_BREAK): what follows acts only on the
      // packet that offloads the connection.
      if (i < tokens.length && peek()?.value !== "comment") {
        problem(
          tokens[start],
          `what follows 'flow ${w1} @${flowtable}' acts only on the packet that offloads the connection`,
          "the kernel ends the rule for every other packet",
          "warning",
        );
        out.conditions.push({ kind: "flow-offloads", stmt, neg: false });
      }
      continue;
    }
    if (w === "meta" && w1 === "nftrace" && word(2) === "set") {
      const v = word(3);
      i += 4;
      if (v === "1") out.effects.push({ kind: "TRACE" });
      else if (v !== "0") problem(tokens[start + 3], "meta nftrace set takes 0 or 1");
      continue;
    }
    if ((w === "meta" && w1 === "mark") || w === "mark") {
      i += w === "mark" ? 1 : 2;
      if (word() === "set") {
        const v = Number(word(1));
        if (!word(1)) {
          problem(peek(1) ?? t, "meta mark set needs a value", "write e.g. meta mark set 0x1");
          i++;
        } else if (Number.isInteger(v) && !OPERATORS.has(word(2) ?? "") && !BITWISE.has(word(2) ?? "")) {
          out.effects.push({ kind: "MARK", value: v >>> 0, mask: 0xffffffff, op: "set" });
          i += 2;
        } else {
          const own = markArithmetic(tokens, i + 1);
          if (own) {
            // `meta mark set mark or 0x4000` (kube-proxy, iptables-nft's MARK): the mark's own bits changed.
            out.effects.push(own.effect);
            i = own.next;
            continue;
          }
          if (word(1) === "ct" && word(2) === "mark" && setValueEnd(i + 1) === i + 3) {
            // `meta mark set ct mark`: the connection's mark copied to the packet (CONNMARK --restore-mark).
            out.effects.push({ kind: "CONNMARK", op: "restore", ...ALL_BITS, fromCt: true });
            i += 3;
            continue;
          }
          const lookup = markLookup(i + 1);
          if (lookup) {
            out.effects.push({ kind: "MARK", op: "set", value: 0, mask: 0xffffffff, lookup });
            continue;
          }
          // `meta mark set ct mark and 0xff`: the mark becomes a value the model does not know.
          i = setValueEnd(i + 1);
          unmodelled(start, "acts");
        }
        continue;
      }
      if (word() === "&" || word() === "and") {
        masked("meta mark", start);
        continue;
      }
      match("meta mark", start);
      continue;
    }
    // `meta length`, `ip length`, `ip6 length`: the packet's length and the IP headers' fields (kernel 6.18).
    if ((w === "meta" || w === "ip" || w === "ip6") && w1 === "length" && word(2) !== "set") {
      i += 2;
      match(`${w} length` as NftKey, start);
      continue;
    }
    // `meta secpath exists|missing` (nft 1.0.6 lists it `meta ipsec`; `nft -n`: 1|0; nft -j: true|false).
    if (w === "meta" && (w1 === "secpath" || w1 === "ipsec")) {
      const op = word(2) === "==" || word(2) === "!=" ? word(2) : undefined;
      const v = word(op ? 3 : 2) ?? "";
      const present = ["exists", "1", "true"].includes(v)
        ? true
        : ["missing", "0", "false"].includes(v)
          ? false
          : undefined;
      if (present !== undefined) {
        i += op ? 4 : 3;
        // The condition holds for a packet with a secpath: `exists` is it, `missing` (or `!= exists`) its negation.
        out.conditions.push({ kind: "ipsec", dir: "in", neg: present === (op === "!=") });
        continue;
      }
    }
    if (w === "ipsec" && (w1 === "in" || w1 === "out")) {
      const read = ipsecField(tokens, i);
      if (read) {
        i = read.next;
        out.conditions.push({ kind: "ipsec", dir: w1, neg: false, field: text(start, i) });
        continue;
      }
    }
    // `ip daddr set 192.168.1.100`, `tcp dport set 8080`: a header rewrite without NAT (Debian's
    // load_balancing.nft), which later matches and routing read: said unmodelled, not refused.
    if (
      (((w === "ip" || w === "ip6") && (w1 === "saddr" || w1 === "daddr")) ||
        ((w === "tcp" || w === "udp" || w === "th") && (w1 === "sport" || w1 === "dport"))) &&
      word(2) === "set"
    ) {
      i = setValueEnd(i + 3);
      unmodelled(start, "acts");
      continue;
    }
    if (
      w === "ip" &&
      (w1 === "saddr" || w1 === "daddr" || w1 === "protocol" || (w1 === "ttl" && word(2) !== "set"))
    ) {
      i += 2;
      match(`ip ${w1}` as NftKey, start);
      continue;
    }
    if (
      w === "ip6" &&
      (w1 === "saddr" || w1 === "daddr" || w1 === "nexthdr" || (w1 === "hoplimit" && word(2) !== "set"))
    ) {
      i += 2;
      match(`ip6 ${w1}` as NftKey, start);
      continue;
    }
    // `meta pkttype set host` is a statement (the packet's type rewritten), not a match.
    if (((w === "meta" && w1 === "pkttype") || w === "pkttype") && word(w === "meta" ? 2 : 1) !== "set") {
      i += w === "meta" ? 2 : 1;
      match("meta pkttype", start);
      continue;
    }
    if ((w === "ip" || w === "ip6") && w1 === "dscp") {
      if (word(2) !== "set") {
        i += 2;
        match(`${w} dscp`, start);
        continue;
      }
      // `ip dscp set cs1`: a constant; the rule depends on the packet's family (nft's implicit `meta nfproto`).
      const d = dscpValue(word(3) ?? "");
      const after = peek(4)?.value ?? "";
      if (d !== undefined && !OPERATORS.has(after) && !BITWISE.has(after) && after !== "map") {
        i += 4;
        out.conditions.push({ kind: "ethertype", ethertype: w === "ip" ? "0x0800" : "0x86dd", neg: false });
        out.effects.push({ kind: "TOS", value: d << 2, mask: 0xfc });
        continue;
      }
      // A DSCP computed from something else: a later DSCP match would read a value the walk cannot know.
      i = setValueEnd(i + 3);
      unmodelled(start, "acts");
      continue;
    }
    const fragMask = w === "ip" && w1 === "frag-off" && word(2) === "&" ? Number(word(3)) : Number.NaN;
    if (fragMask > 0 && (fragMask & ~0x3fff) === 0) {
      // iptables-nft's `-f` (`ip frag-off & 8191 != 0`, a non-first fragment), VyOS's `& 16383 != 0` (any
      // fragment): bits of the offset and more-fragments only, which a whole packet has all clear.
      const op = word(4) === "==" || word(4) === "!=" ? (word(4) as string) : "==";
      const at = op === word(4) ? 5 : 4;
      if (word(at) === "0") {
        i += at + 1;
        out.conditions.push({ kind: "fragment", neg: op === "==" });
        continue;
      }
    }
    const exthdr = readExthdr(tokens, i);
    if (exthdr) {
      i = exthdr.next;
      if (exthdr.field !== undefined) {
        // `rt type 0`, `frag more-fragments 1`: a field of the header is compared; its value does not
        // matter to the simulator, whose packets carry no extension header.
        const operand = readOperand("ip6 nexthdr", start);
        if (!operand || operand.kind === "vmap") {
          if (operand) out.target = { kind: "NONE" };
          unmodelled(start, "condition");
          continue;
        }
      }
      out.conditions.push({
        kind: "exthdr",
        header: exthdr.header,
        ...(exthdr.field !== undefined ? { field: text(start, i) } : {}),
        neg: exthdr.missing,
      });
      continue;
    }
    if ((w === "tcp" || w === "udp" || w === "th") && (w1 === "dport" || w1 === "sport")) {
      i += 2;
      match(`${w} ${w1}` as NftKey, start);
      continue;
    }
    if ((w === "icmp" || w === "icmpv6") && (w1 === "type" || w1 === "code")) {
      i += 2;
      out.conditions.push({ kind: "proto", proto: w, neg: false, family: w === "icmp" ? 4 : 6 });
      match(`${w} ${w1}`, start);
      continue;
    }
    if (w === "tcp" && w1 === "flags") {
      // `tcp flags vmap { syn : accept, syn | ack : drop }`: the whole flag byte looked up, as any key's.
      if (peek(2)?.value === "vmap") {
        i += 2;
        match("tcp flags", start);
        continue;
      }
      const flags = tcpFlagsMatch(tokens, i + 2);
      if (!flags && refuseBadFlag("tcp flags", i + 2)) continue;
      if (flags) {
        i = flags.next;
        if (flags.kind === "negated") {
          const what = flags.text === "{" ? "{ ... }" : flags.text;
          problem(
            tokens[start],
            `nft refuses 'tcp flags ! ${what}': '!' takes one flag value, not a set or a range ("negation can only be used with singleton bitmask values")`,
            `write '!=' for a flag byte that is none of them: tcp flags != ${what}`,
          );
          continue;
        }
        if (flags.kind === "reversed-in-set") {
          problem(tokens[flags.at], reversedRangeMessage(flags.text), "write the lower bound first");
          continue;
        }
        out.conditions.push({ kind: "proto", proto: "tcp", neg: false });
        if (flags.kind === "reversed") {
          sideBySide(tokens[flags.at], "tcp flags", flags.text, flags.neg);
          continue;
        }
        if (flags.kind === "named") {
          const { set, neg, mask } = flags;
          pushSet("tcp flags", { set, neg, ...(mask !== undefined ? { mask } : {}) });
          continue;
        }
        const { mask, set, neg, values } = flags;
        out.conditions.push({ kind: "tcp-flags", mask, set, neg, ...(values ? { values } : {}) });
        continue;
      }
    }
    if (w === "xt" && (w1 === "match" || w1 === "target") && peek(2)) {
      // iptables-nft's untranslated extension: its options are not in the listing.
      const name = (peek(2) as NftToken).value;
      i += 3;
      // A comment always matches; a chance match is chance whatever its options.
      if (w1 === "match" && name === "comment") continue;
      const what = text(start, i);
      if (w1 === "target" && name === "MASQUERADE") {
        // Its address is the outgoing interface's whatever its options; only the port depends on them.
        problem(
          tokens[start],
          `'${what}': nft does not print the options of this iptables-nft target; read as a masquerade that keeps the port of the packet`,
          XT_MASQUERADE_HINT,
          "warning",
        );
        out.target = { kind: "MASQUERADE", optionsUnknown: true };
        continue;
      }
      const chance = w1 === "match" ? CHANCE_MODULES.get(name) : undefined;
      const continues = w1 === "target" && (NON_DECIDING_TARGETS.has(name) || name === "LOG");
      problem(
        tokens[start],
        `expression '${what}' is not modelled`,
        chance
          ? chanceHint(chance)
          : continues
            ? DECIDES_NOTHING_HINT
            : w1 === "match"
              ? XT_MATCH_HINT
              : XT_HINT,
        "warning",
      );
      if (w1 === "target")
        out.target = { kind: "unknown", name, text: what, ...(continues ? { continues } : {}) };
      else out.conditions.push({ kind: "unknown", text: what, neg: false, ...(chance ? { chance } : {}) });
      continue;
    }
    if (w === "ether" && (w1 === "type" || w1 === "saddr" || w1 === "daddr")) {
      // A single value: the ethertype, or a MAC address (nft drops leading zeros: `2:42:ac:11:0:3`).
      const one = single(2);
      // nft's type names are lower case (nft 1.0.6: `ether type IP` "Could not parse Ethernet protocol").
      const raw = one?.value ?? "";
      const v = raw
        .split("-")
        .map((part) => (/^0x/i.test(part) ? part.toLowerCase() : part))
        .join("-");
      const hex = ETHERTYPES[v] ?? (/^0x[0-9a-f]{1,4}$/.test(v) ? v.slice(2) : undefined);
      // `ether type 0x800-ip6`, `ip - ip6`, `0x800-0x900`: a range of types, from a number or spaced (nft
      // 1.0.6 took each; `0x900-ip`, `ip6 - ip`: "Range has zero or negative size").
      const spaced = peek(one?.words ?? 0)?.value === "-" && peek((one?.words ?? 0) + 1)?.type === "word";
      const dash = v.indexOf("-");
      const [lo, hi] = spaced
        ? [v, peek((one?.words ?? 0) + 1)?.value]
        : /^(0x[0-9a-f]+|\d+)-/.test(v)
          ? [v.slice(0, dash), v.slice(dash + 1)]
          : [];
      const [a, b] = [lo, hi].map((x) => {
        const n = Number(
          ETHERTYPES[x ?? ""] ? `0x${ETHERTYPES[x ?? ""]}` : /^(0x[0-9a-f]+|\d+)$/.test(x ?? "") ? x : NaN,
        );
        return n <= 0xffff ? n : undefined;
      });
      const at = peek((one?.words ?? 1) - 1) as NftToken;
      // A range's upper bound that is no type (`ip - IP6`, `0x800-IP6`): nft points at it.
      if (one && w1 === "type" && a !== undefined && hi !== undefined && b === undefined) {
        const [tok, offset] = spaced ? [peek(one.words + 1) as NftToken, 0] : [at, dash + 1];
        out.problems.push(
          refusal(
            tok,
            offset,
            `'${hi}' is not an Ethernet type`,
            "Could not parse Ethernet protocol",
            "write ip, ip6, arp, vlan, 8021ad or a number such as 0x0800",
          ),
        );
        i = tokens.length;
        continue;
      }
      if (one && w1 === "type" && a !== undefined && b !== undefined) {
        i += one.words + (spaced ? 2 : 0);
        if (a > b) {
          problem(at, reversedRangeMessage(spaced ? `${lo} - ${hi}` : v), "write the lower bound first");
          i = tokens.length;
          continue;
        }
        const type = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;
        out.conditions.push({ kind: "ethertype", ethertype: type(a), hi: type(b), neg: one.neg });
        continue;
      }
      // `ip-ip6`: a word from a letter is one name to nft's lexer, dashes and all.
      if (one && w1 === "type" && /^[a-z][^-]*-/.test(v)) {
        out.problems.push(
          refusal(
            at,
            0,
            `'${v}' is not an Ethernet type`,
            "Could not parse Ethernet protocol",
            "write the range with spaces ('ip - ip6') or from a number ('0x800-ip6')",
          ),
        );
        i = tokens.length;
        continue;
      }
      if (one && w1 === "type" && hex) {
        i += one.words;
        out.conditions.push({ kind: "ethertype", ethertype: `0x${hex.padStart(4, "0")}`, neg: one.neg });
        continue;
      }
      // ebtables-nft's `-p Length`: a type field below 0x0600 holds an 802.3 frame's length.
      if (w1 === "type" && word(2) === "<" && word(3)?.toLowerCase() === "0x0600") {
        i += 4;
        out.conditions.push({ kind: "ethertype", ethertype: "length", neg: false });
        continue;
      }
      if (word(2) !== "set") {
        // A MAC, a set of types or MACs (`ether type { ip, ip6 }`), or a map keyed by them (`ether daddr
        // set ...` rewrites: not modelled).
        i += 2;
        match(`ether ${w1}` as NftKey, start);
        continue;
      }
    }
    const br = w === "meta" ? w1 : w;
    if (br === "ibrname" || br === "obrname") {
      // The bridge a bridged frame came in on / goes out of (ebtables' --logical-in/-out).
      const one = single(w === "meta" ? 2 : 1);
      if (one) {
        i += one.words;
        const name = one.value.replace(/\*$/, "+");
        out.conditions.push({ kind: br === "ibrname" ? "logical-in" : "logical-out", name, neg: one.neg });
        continue;
      }
    }
    // `ip ttl set 1`, `ip6 hoplimit set 64`: a constant, which `ip ttl` matches and forwarding then read.
    if (((w === "ip" && w1 === "ttl") || (w === "ip6" && w1 === "hoplimit")) && word(2) === "set") {
      const v = word(3) ?? "";
      const after = peek(4)?.value ?? "";
      if (
        /^\d{1,3}$/.test(v) &&
        Number(v) <= 255 &&
        !OPERATORS.has(after) &&
        !BITWISE.has(after) &&
        after !== "map"
      ) {
        i += 4;
        out.conditions.push({ kind: "ethertype", ethertype: w === "ip" ? "0x0800" : "0x86dd", neg: false });
        out.effects.push({ kind: "TTL", op: "set", value: Number(v) });
        continue;
      }
    }
    // The TCP MSS option: `tcp option maxseg exists|missing`, `... size [OP] N[-M]`, `... size set N|rt mtu`.
    if (w === "tcp" && w1 === "option" && word(2) === "maxseg") {
      const mss = readMaxseg(tokens, i + 3);
      if (mss) {
        i = mss.next;
        // nft 1.0.6 adds no `meta l4proto tcp`: nft_exthdr ends the rule on a packet of another protocol
        // for a size, read or written (kernel 6.18: an echo request met no `tcp option maxseg size set 1400
        // accept`), but reads the option missing there (an echo request met `tcp option maxseg missing`).
        if (mss.condition?.range || mss.effect)
          out.conditions.push({ kind: "proto", proto: "tcp", neg: false });
        if (mss.condition) out.conditions.push(mss.condition);
        else if (mss.effect) out.effects.push(mss.effect);
        continue;
      }
    }
    // SELinux's label, set from a secmark object (`meta secmark set "ssh"`) or copied (`ct secmark set meta
    // secmark`): the policy that reads it is not netfilter's, and no rule compares it (nft 1.0.6 refused
    // `meta secmark 0x1`: "Cannot be used with right hand side constant value"; `ct secmark set 5`).
    if ((w === "meta" || w === "ct") && w1 === "secmark") {
      const v = peek(3);
      const set = word(2) === "set";
      if (!set || (w === "ct" && (v?.type === "string" || /^\d/.test(v?.value ?? "")))) {
        const number = /^\d/.test((set ? v : peek(2))?.value ?? "");
        out.problems.push(
          refusal(
            // nft points at the whole statement for a number set, else at the value.
            (set && number ? t : set ? v : peek(2)) ?? t,
            0,
            set
              ? `'ct secmark set ${text(i + 3, i + 4)}': a connection's secmark is copied from its packet's`
              : `'${w} secmark' is set, never compared`,
            number
              ? set
                ? "ct secmark must not be set to constant value"
                : "Cannot be used with right hand side constant value"
              : undefined,
            'write meta secmark set "NAME" (a secmark object), or copy it: ct secmark set meta secmark',
          ),
        );
        i = tokens.length;
        continue;
      }
      i = setValueEnd(i + 3);
      // Loaded from the connection (`set ct secmark`), it ends the rule for a packet without one.
      unmodelled(start, ctLoadWords(text(start, i)) ? "acts" : "statement");
      continue;
    }
    // Only the next four words: a scan of the whole rule at every word is quadratic in a long rule.
    let setAt = -1;
    for (let k = i + 1; k <= i + 4 && k < tokens.length; k++)
      if ((tokens[k] as NftToken).value === "set") {
        setAt = k;
        break;
      }
    if (
      setAt > 0 &&
      ((w === "tcp" && w1 === "option") ||
        (w === "ip" && (w1 === "ttl" || w1 === "ecn")) ||
        (w === "meta" && w1 === "priority"))
    ) {
      // `tcp option maxseg size set rt mtu`, `ip ecn set ce`: header rewrites no verdict depends on.
      i = setValueEnd(setAt + 1);
      unmodelled(start, "statement");
      continue;
    }
    // `ct [original|reply] zone set N` (a zone template, see the CTZONE target) and `ct [original|reply] zone` matches.
    if (w === "ct" && (w1 === "zone" || ((w1 === "original" || w1 === "reply") && word(2) === "zone"))) {
      const dir = w1 === "original" || w1 === "reply" ? w1 : undefined;
      const at = dir ? 3 : 2;
      if (word(at) !== "set") {
        i += at;
        match(dir ? `ct ${dir} zone` : "ct zone", start);
        continue;
      }
      const v = word(at + 1) ?? "";
      const after = peek(at + 2)?.value ?? "";
      if (/^(0x[0-9a-f]+|\d+)$/i.test(v) && !OPERATORS.has(after) && !BITWISE.has(after) && after !== "map") {
        i += at + 2;
        const zone = Number(v);
        // nft refuses it: "Value 65536 exceeds valid range 0-65535".
        if (zone > 65535)
          problem(tokens[i - 1], `zone ${v} exceeds the valid range 0-65535`, "a zone is 16 bits");
        else out.effects.push({ kind: "CTZONE", zone, ...(dir ? { dir } : {}) });
        continue;
      }
      // `ct zone set meta mark map { ... }`: the zone the lookup uses is a value the model does not know.
      i = setValueEnd(i + at + 1);
      unmodelled(start, "acts");
      continue;
    }
    if (w === "ct" && w1 === "mark") {
      const connmark = readConnmark();
      if (connmark) continue;
    }
    if (w === "ct" && w1 !== undefined && word(2) === "set") {
      i = setValueEnd(i + 3);
      // `ct mark set meta mark and 0xff`: the connection's mark becomes a value the model does not know.
      if (w1 === "mark") unmodelled(start, "acts");
      // `ct zone set 1`: conntrack state the model keeps none of.
      else unmodelled(start, "statement");
      continue;
    }
    if (w === "ct" && w1 === "status" && word(2) !== "set") {
      const status = readCtStatus(tokens, i + 2);
      if (status) {
        out.conditions.push(status.condition);
        i = status.next;
        continue;
      }
      if (refuseBadFlag("ct status", i + 2)) continue;
    }
    // `ct state & established == established` (`and`, `!= 0`, a set of values) and nft's listing of it,
    // `ct state related / established` (nft 1.0.6 --debug=netlink: bitwise & 0x02, cmp eq 0x04): the
    // one state bit a packet has under the mask, read as the states that pass.
    const maskedState = w === "ct" && w1 === "state" ? readCtStatus(tokens, i + 2, CT_STATE_BITS) : undefined;
    const { mask: stateMask, values: stateValues } = maskedState?.condition ?? {};
    if (maskedState && stateMask !== undefined && stateValues) {
      // Said as the states that pass (`& established != 0` is established).
      const states = Object.keys(CT_STATE_BITS).filter(
        (s) => stateValues.includes((CT_STATE_BITS[s] as number) & stateMask) !== maskedState.condition.neg,
      );
      out.conditions.push({ kind: "ctstate", states: states.map((s) => s.toUpperCase()), neg: false });
      i = maskedState.next;
      continue;
    }
    // `ct state ! new,established`: nft's print of iptables-nft's `! --ctstate NEW,ESTABLISHED` (xt_conntrack).
    // `ct state == new,established` (listed `ct state new | established`): nft compares the whole state word.
    const stateOp = w1 === "state" && ["==", "!=", "!"].includes(word(2) ?? "") ? word(2) : undefined;
    const firstState = stateOp ? 3 : 2;
    const stateSep = peek(firstState + 1)?.value;
    const exactState =
      w1 === "state" &&
      stateOp !== "!" &&
      (stateSep === "|" || (stateOp !== undefined && stateSep === ",")) &&
      !!word(firstState + 2);
    if (w === "ct" && (stateOp === "!" || exactState)) {
      const values: string[] = [];
      let k = firstState;
      const neg = stateOp === "!=" || stateOp === "!";
      values.push(nftSymbol("ct state", word(k) ?? ""));
      while ((peek(k + 1)?.value === "," || peek(k + 1)?.value === "|") && word(k + 2)) {
        values.push(nftSymbol("ct state", word(k + 2) as string));
        k += 2;
      }
      if (values.every((v) => CT_STATES.has(v))) {
        if (exactState) {
          const written = `ct state ${stateOp ? `${stateOp} ` : ""}${values.join(stateSep === "|" ? " | " : ",")}`;
          problem(
            tokens[i + 2],
            `'${written}' ${neg ? "holds for every packet" : "never matches"}: nft compares the whole state with ${values.join("|")}, and a packet has one state`,
            `write 'ct state ${neg ? "!= { " : "{ "}${values.join(", ")} }' to test each state`,
            "warning",
          );
        }
        i += k + 1;
        out.conditions.push({
          kind: "ctstate",
          states: values.map((v) => v.toUpperCase()),
          neg,
          ...(exactState ? { exact: true as const } : {}),
        });
        continue;
      }
    }
    if (w === "ct" && (w1 === "original" || w1 === "reply")) {
      // `ct original ip saddr & 0.0.0.255 == 0.0.0.2`: the tuple's address under a mask.
      const addr = keyAt(tokens, i);
      if (addr && (tokens[addr.next]?.value === "&" || tokens[addr.next]?.value === "and")) {
        i = addr.next;
        masked(addr.key, start);
        continue;
      }
      const tuple = readCtTuple();
      if (tuple) {
        out.conditions.push(tuple);
        continue;
      }
      const field = word(2);
      if ((field === "protocol" || field === "l3proto") && word(3) !== "set") {
        i += 3;
        match(`ct ${field}`, start);
        continue;
      }
      // `ct original ip saddr . ct original ip daddr { ... }`: a concatenation of the tuple's addresses.
      const key = keyAt(tokens, i);
      if (key && tokens[key.next]?.value === ".") {
        i = key.next;
        match(key.key, start);
        continue;
      }
      if (peek(3)?.value === "." && refuseCtPort(i)) {
        i = tokens.length;
        continue;
      }
    }
    // `ip version 4` (LXD/Incus write it in inet tables): nft's implicit `meta nfproto ipv4` plus a header field every IPv4 packet has.
    if ((w === "ip" || w === "ip6") && w1 === "version" && word(2) === (w === "ip" ? "4" : "6")) {
      const after = peek(3)?.value ?? "";
      if (!OPERATORS.has(after) && !BITWISE.has(after) && after !== "," && after !== "map") {
        i += 3;
        out.conditions.push({ kind: "ethertype", ethertype: w === "ip" ? "0x0800" : "0x86dd", neg: false });
        continue;
      }
    }
    // An ARP header field (LXD's `arp saddr ether != MAC drop`): nft's implicit `ether type arp`, so never an
    // IP packet (all the walk sends); the field itself unknown.
    if (w === "arp" && w1 !== undefined) {
      out.conditions.push({ kind: "ethertype", ethertype: "0x0806", neg: false });
      // The operation and the sender's and target's addresses, compared with a value or a set of them.
      const field =
        w1 === "operation"
          ? "operation"
          : (w1 === "saddr" || w1 === "daddr") && (word(2) === "ip" || word(2) === "ether")
            ? (`${w1} ${word(2)}` as "saddr ip" | "daddr ip" | "saddr ether" | "daddr ether")
            : undefined;
      const read = field ? arpOperand(field === "operation" ? 2 : 3) : undefined;
      if (field && read) {
        i = read.next;
        out.conditions.push({ kind: "arp-field", field, values: read.values, neg: read.neg });
        continue;
      }
      out.conditions.push({ kind: "unknown", text: unknownFrom(start), neg: false });
      continue;
    }
    // A VLAN tag field (`vlan id 10`, `vlan pcp 3`): nft's implicit `ether type 8021q`, which an untagged
    // frame fails (kernel 6.18 logged none at `vlan id 10` for one), so never a frame the walk sends.
    if (w === "vlan" && w1 !== undefined && w1 !== "set") {
      out.conditions.push({ kind: "ethertype", ethertype: "0x8100", neg: false });
      out.conditions.push({ kind: "unknown", text: unknownFrom(start), neg: false });
      continue;
    }
    // A family test; an IPv6 header field the model has no key for is unknown, and never matches IPv4.
    if ((w === "meta" && (w1 === "nfproto" || w1 === "protocol")) || w === "ip6" || w === "icmpv6") {
      // Each key by its own names: `meta protocol ip`, `meta nfproto ipv4` (nft 1.0.6 refused `meta
      // protocol ipv6`: "Could not parse Ethernet protocol", and `meta nfproto ip`).
      const key = w1 === "protocol" ? "meta protocol" : "meta nfproto";
      const family = w === "meta" ? nftSymbol(key, word(2) ?? "") : "ipv6";
      const ipv4 = family === (key === "meta protocol" ? "ip" : "ipv4");
      const ipv6 = w !== "meta" || family === (key === "meta protocol" ? "ip6" : "ipv6");
      if (w === "meta" && (ipv4 || ipv6) && word(3) !== ",") {
        i += 3;
        out.conditions.push({ kind: "ethertype", ethertype: ipv4 ? "0x0800" : "0x86dd", neg: false });
        continue;
      }
      if (w !== "meta") {
        out.conditions.push({ kind: "ethertype", ethertype: "0x86dd", neg: false });
        out.conditions.push({ kind: "unknown", text: unknownFrom(start), neg: false });
        continue;
      }
      // A verdict map or set of families (`meta nfproto vmap { ipv4 : jump in4, ipv6 : jump in6 }`), or `!=`.
      if (word(2) !== "set") {
        i += 2;
        match(w1 === "nfproto" ? "meta nfproto" : "meta protocol", start);
        continue;
      }
    }
    if (w === "ct" && (w1 === "state" || (w1 === "direction" && word(2) !== "set"))) {
      i += 2;
      match(w1 === "state" ? "ct state" : "ct direction", start);
      continue;
    }
    // `ct protocol tcp`, `ct l3proto ipv4`, `ct helper "ftp"` (not `ct helper set "ftp"`, a statement).
    if (w === "ct" && (w1 === "protocol" || w1 === "l3proto" || w1 === "helper") && word(2) !== "set") {
      i += 2;
      match(`ct ${w1}` as NftKey, start);
      continue;
    }
    if (w === "fib" && w1 === "saddr") {
      const rp = readReversePath(tokens, i);
      if (rp) {
        out.conditions.push(rp.condition);
        i = rp.next;
        continue;
      }
    }
    const fib = fibTypeKey(tokens, i);
    if (fib) {
      i = fib.next;
      match(fib.key, start);
      continue;
    }
    // `counter|quota|limit name KEY map @objects`: the named object the packet's key picks (nft's object maps).
    const objects =
      (w === "counter" || w === "quota" || w === "limit") && word(1) === "name" ? objectMapEnd(i + 2) : -1;
    if (objects > 0) {
      const text = tokens
        .slice(start, objects)
        .map((x) => x.value)
        .join(" ")
        .replace(/ ([,}])/g, "$1");
      i = objects;
      // A counter counts; a quota or a limit matches by the traffic before, or not at all for a key the map lacks.
      if (w !== "counter") {
        const chance = w === "limit" ? "rate" : "state";
        problem(tokens[start], `expression '${text}' is not modelled`, chanceHint(chance), "warning");
        out.conditions.push({ kind: "unknown", text, neg: false, chance });
      }
      continue;
    }
    // `counter|quota|limit name NAME`: nft takes no name missing, a keyword (`counter name accept`) nor "".
    const n = peek(2);
    if (
      /^(counter|quota|limit)$/.test(w ?? "") &&
      w1 === "name" &&
      (n?.type === "string" ? !n.value : n?.type !== "word" || STARTERS.has(n.value))
    ) {
      out.problems.push(
        refusal(
          (n && n.type !== "punct" ? n : peek(1)) as NftToken,
          n && n.type !== "punct" ? 0 : 4,
          n?.type === "string"
            ? `'${w} name ""': an empty name`
            : `'${w} name' needs the name of a ${w} object${n?.type === "word" ? `, not '${n.value}'` : ""}`,
          n?.type === "string" ? "Empty string is not allowed" : undefined,
          `declare it in the table ('${w} NAME { ... }') and write ${w} name "NAME"`,
        ),
      );
      i = tokens.length;
      continue;
    }
    if (w === "counter") {
      i++;
      // `nft list` prints the counter's values; they are state, not rule. `counter name X` counts in a named counter.
      if (word() === "packets" && word(2) === "bytes") i += 4;
      else if (word() === "name" && peek(1)) i += 2;
      continue;
    }
    if (w === "comment") {
      const c = peek(1);
      if (!c || c.type === "punct") {
        problem(t, "comment needs a string", 'write e.g. comment "ICC"');
        i++;
        continue;
      }
      out.comment = c.value;
      i += 2;
      // nft's grammar takes a rule's comment last: a word after it ends the file's reading there.
      const after = peek();
      if (after && after.type !== "punct" && after.type !== "nl") {
        problem(
          after,
          `unexpected '${after.value}' after the rule's comment: nft takes a comment only at the rule's end ("syntax error, unexpected ${after.value}, expecting newline or semicolon")`,
          `move the comment to the end of the rule (e.g. 'tcp dport 22 accept comment "ssh"')`,
        );
        i = tokens.length;
      }
      continue;
    }
    if (w === "log") {
      i++;
      let prefix = "";
      let level: string | undefined;
      let group: number | undefined;
      // An option but `level` given: nft takes `level audit` alone.
      let other = false;
      let bad = false;
      for (;;) {
        const k = word() ?? "";
        const v = peek(1);
        const number = /^(group|snaplen|queue-threshold)$/.test(k);
        if (!number && k !== "prefix" && k !== "level" && k !== "flags") break;
        other ||= k !== "level";
        const ok = v?.type === "string" || v?.type === "word";
        // Each option needs its value, of its kind (nft 1.0.6: "syntax error, unexpected newline", "expecting number").
        if (
          !ok ||
          (number !== (v.type === "word" && /^(0x[\da-f]+|\d+)$/i.test(v.value)) && k !== "flags") ||
          (k === "flags" && !LOG_FLAGS.test(v.value))
        ) {
          out.problems.push(
            refusal(
              (ok ? v : peek()) as NftToken,
              ok ? 0 : k.length,
              `'log ${k}' needs ${number ? "a number" : k === "prefix" ? "a string" : k === "level" ? "a level" : "a flag"} after it${ok ? `, not '${v.value}'` : ""}`,
              undefined,
              'write e.g. log prefix "drop: " level info, or log group 2',
            ),
          );
          bad = true;
          break;
        }
        if (k === "level" && !LOG_LEVELS.test(v.value)) {
          out.problems.push(
            refusal(
              v,
              0,
              `'${v.value}' is not a log level`,
              "invalid log level",
              "write emerg, alert, crit, err, warn, notice, info, debug or audit",
            ),
          );
          bad = true;
          break;
        }
        i += 2;
        if (k === "prefix") {
          prefix = v.value;
          // nft's scanner ends an unquoted word at a colon (`log prefix DROP: drop`), which no rule takes there.
          if (v.type === "word" && peek()?.value === ":") {
            problem(
              peek() as NftToken,
              `the unquoted log prefix '${prefix}' ends at ':': nft refuses the rule ("syntax error, unexpected colon")`,
              `quote the prefix: log prefix "${prefix}: "`,
            );
            i++;
          }
        } else if (k === "level") level = v.value;
        else if (k === "group") group = Number(v.value) & 0xffff;
        // `flags tcp sequence,options`, `flags ip options`: the family word, then its flag words.
        if (k === "flags" && (v.value === "tcp" || v.value === "ip"))
          while (/^(sequence|options)$/.test(word() ?? "")) i += peek(1)?.value === "," ? 2 : 1;
      }
      if (
        level === "audit" &&
        other &&
        group === undefined &&
        !/snaplen|queue/.test(text(start, i)) &&
        !bad
      ) {
        bad = true;
        out.problems.push(
          refusal(
            t,
            0,
            "'log level audit' takes no other option",
            "log level audit doesn't support any further options",
            "write 'log level audit' alone: an audit record has no prefix or flags",
          ),
        );
      }
      // A string after the options (`log "x"`): nft reads it as an expression and refuses the rule.
      if (peek()?.type === "string" && !bad) {
        bad = true;
        out.problems.push(
          refusal(
            peek() as NftToken,
            0,
            `'${text(start, i + 1)}': a log's prefix follows the word prefix`,
            undefined,
            `write log prefix ${JSON.stringify((peek() as NftToken).value)}`,
          ),
        );
      }
      if (bad) {
        i = tokens.length;
        continue;
      }
      out.effects.push({
        kind: "LOG",
        prefix,
        ...(level ? { level } : {}),
        ...(group !== undefined ? { group } : {}),
      });
      continue;
    }
    const verdict = readVerdict();
    if (verdict) {
      out.target = verdict;
      continue;
    }
    if (w === "reject") {
      i++;
      let withText: string | undefined;
      if (word() === "with") {
        // `with tcp reset`, `with icmp[x|v6] [type] CODE`.
        const from = i + 1;
        const kind = word(1);
        if (kind === "tcp" && word(2) === "reset") i += 3;
        else if (kind === "icmp" || kind === "icmpx" || kind === "icmpv6") {
          i += 2;
          if (word() === "type") i++;
          if (word() !== undefined && !STARTERS.has(word() as string)) i++;
        } else {
          problem(
            peek(1) ?? t,
            `'reject with ${kind ?? ""}' is not a reject type`,
            "write e.g. reject with tcp reset or reject with icmpx admin-prohibited",
          );
          i++;
          continue;
        }
        withText = text(from, i);
      }
      out.target = { kind: "REJECT", ...(withText ? { with: withText } : {}) };
      continue;
    }
    if (w === "dnat" || w === "snat") {
      i++;
      const family = word() === "ip" || word() === "ip6" ? word() : undefined;
      if (family) i++;
      // `snat ip prefix to NET/LEN`: a NETMAP (nft prints it without the family in an ip or ip6 table).
      const netmap = word() === "prefix" && word(1) === "to";
      if (netmap) i++;
      // `dnat ip addr . port to KEY map @m`, as written for a map of addresses and ports (nft prints it without).
      if (word() === "addr" && word(1) === "." && word(2) === "port") i += 3;
      // nft takes the address without `to` too (`dnat 192.168.1.10:22`, as OpenWrt's fw4 writes it) and lists it with.
      const bare =
        word() !== "to" && /^([[\d]|[0-9a-f]{1,4}:)/i.test(word() ?? "") && peek()?.type === "word";
      if (word() !== "to" && !bare) {
        problem(peek() ?? t, `${w} needs 'to ADDRESS[:PORT]'`, `write e.g. ${w} to 172.17.0.2:80`);
        continue;
      }
      const dest = peek(bare ? 0 : 1);
      if (!dest || dest.type === "punct") {
        problem(peek() ?? t, `${w} to needs an address`, `write e.g. ${w} to 172.17.0.2:80`);
        i++;
        continue;
      }
      i += bare ? 1 : 2;
      let persistent = false;
      let random = false;
      const natFlags = () => {
        while (["random", "fully-random", "persistent", ","].includes(peek()?.value ?? "")) {
          if (peek()?.value === "persistent") persistent = true;
          else if (peek()?.value !== ",") random = true;
          i++;
        }
        refuseRandomFully();
      };
      const ipv6 =
        family === "ip6" || dest.value.startsWith("[") || (dest.value.match(/:/g)?.length ?? 0) > 1;
      const computed = /^(ip|ip6|tcp|udp|th|meta|ct|numgen|jhash|symhash)$/.test(dest.value);
      const nat = w === "dnat" ? "DNAT" : "SNAT";
      const pick = /^(numgen|jhash|symhash)$/.test(dest.value) ? readNatPick(start, i - 1, nat) : undefined;
      if (pick) {
        natFlags();
        const fam = family === "ip" || family === "ip6" ? family : undefined;
        const of = (c: Target): Target =>
          fam && (c.kind === "DNAT" || c.kind === "SNAT") ? { ...c, family: fam } : c;
        out.target = pick.kind === "pick" ? { ...pick, choices: pick.choices.map(of) } : of(pick);
        continue;
      }
      const read = computed ? readNatMap(i - 1, nat) : undefined;
      // `prefix to KEY map { k : NET/LEN }`: the element found is a NETMAP's prefix.
      const mapped = read?.kind === "nat-map" && netmap ? { ...read, netmap: true as const } : read;
      if (mapped) {
        natFlags();
        out.target =
          family && mapped.kind === "nat-map" ? { ...mapped, family: family as "ip" | "ip6" } : mapped;
        continue;
      }
      if (computed) {
        // An address computed other than by a map lookup is not modelled (for its family only).
        if (ipv6) out.conditions.push({ kind: "ethertype", ethertype: "0x86dd", neg: false });
        i = setValueEnd(i - 1);
        natFlags();
        unmodelled(start, "target");
        continue;
      }
      // `dnat ip6 to ADDR` rewrites IPv6 packets only; an IPv4 one goes on (the target keeps its family).
      const spec = parseNatAddressSpec(dest.value, ipv6, portRange);
      natFlags();
      if (!spec) {
        problem(
          dest,
          ipv6
            ? `'${dest.value}' is not [ADDRESS[-ADDRESS]]:PORT`
            : `'${dest.value}' is not ADDRESS[-ADDRESS][:PORT]`,
          ipv6 ? `write e.g. ${w} ip6 to [fd00:a::2]:80` : `write e.g. ${w} to 172.17.0.2:80`,
        );
        continue;
      }
      if (rangeReversed(spec)) {
        problem(
          dest,
          `'${dest.value}': the range has zero or negative size`,
          `write the lower address first`,
        );
        continue;
      }
      if (spec.port) portWithoutProtocol(dest, dest.value.lastIndexOf(":") + 1, `${w} to ${dest.value}`);
      out.target = {
        kind: w === "dnat" ? "DNAT" : "SNAT",
        ...(spec.addr !== undefined ? { addr: spec.addr } : {}),
        ...(spec.addrHi !== undefined ? { addrHi: spec.addrHi, ...(persistent ? { persistent } : {}) } : {}),
        ...(spec.port ? { port: spec.port } : {}),
        ...(ipv6 ? { family: "ip6" as const } : {}),
        ...(random ? { random } : {}),
        ...(netmap ? { netmap: "prefix" as const } : {}),
      };
      continue;
    }
    if (w === "masquerade" || w === "redirect") {
      i++;
      let port: PortRange | undefined;
      // `redirect to :26`, as nft lists it, or `redirect to 26`, as nft takes it written.
      const to = word() === "to" ? word(1) : undefined;
      const written = to?.startsWith(":") ? to.slice(1) : to;
      const ported = written === undefined ? undefined : portRange(written);
      if (ported) {
        port = ported;
        const at = peek(1) as NftToken;
        portWithoutProtocol(at, at.value.startsWith(":") ? 1 : 0, `${w} to ${at.value}`);
        i += 2;
      }
      let random = false;
      while (["random", "fully-random", "persistent", ","].includes(peek()?.value ?? "")) {
        if (peek()?.value === "random" || peek()?.value === "fully-random") random = true;
        i++;
      }
      refuseRandomFully();
      out.target = {
        kind: w === "redirect" ? "REDIRECT" : "MASQUERADE",
        ...(port ? { port } : {}),
        ...(random ? { random } : {}),
      };
      continue;
    }
    if (w !== undefined && L4.has(w) && w1 === undefined) {
      // A bare protocol word is never a whole expression.
      unknownFrom(start);
      continue;
    }
    if (w === "numgen" || w === "jhash" || w === "symhash") {
      const pick = readPick(start);
      if (pick) {
        out.target = pick;
        continue;
      }
      i = start;
    }
    if (w === "synproxy" && !pastTarget) {
      // `synproxy [mss N] [wscale N] [timestamp] [sack-perm]` or `synproxy name NAME|EXPR map { ... }`:
      // the SYN is answered and goes no further, as iptables' SYNPROXY (see `ending-targets.ts`).
      i = start + 1;
      if (peek()?.value === "name") {
        i++;
        const open = tokens.findIndex((x, k) => k >= i && x.value === "{");
        const map = open > 0 && tokens[open - 1]?.value === "map";
        if (map) {
          let depth = 0;
          for (i = open; i < tokens.length; i++) {
            if (tokens[i]?.value === "{") depth++;
            else if (tokens[i]?.value === "}" && --depth === 0) break;
          }
        }
        i++;
      } else
        while (["mss", "wscale", "timestamp", "sack-perm"].includes(peek()?.value ?? ""))
          i += peek()?.value === "mss" || peek()?.value === "wscale" ? 2 : 1;
      const written = text(start, i);
      const said = endingWarning("SYNPROXY", written);
      problem(tokens[start], said.message, said.hint, "warning");
      out.target = { kind: "unknown", name: "SYNPROXY", text: written };
      continue;
    }
    const unmodelledMap = readUnmodelledVmap(start);
    if (unmodelledMap) {
      problem(
        tokens[start],
        `verdict map on '${text(
          start,
          tokens.findIndex((x, k) => k > start && x.value === "vmap"),
        )}' is not modelled`,
        "the simulator follows each element's verdict and the way past the map (no element), and reports the rule uncertain only where they differ",
        "warning",
      );
      out.target = unmodelledMap;
      continue;
    }
    i = start;
    const what = unknownFrom(start);
    // nft guards an expression on one family's header with that family (`update @s6 { ip6 saddr }` runs
    // for IPv6 alone: `meta nfproto ipv6` before its dynset, in an inet table): the other family breaks the rule.
    const family = headerFamily(what);
    if (family)
      out.conditions.push({ kind: "ethertype", ethertype: family === 4 ? "0x0800" : "0x86dd", neg: false });
    const chance = chanceAt(tokens, start, sets);
    // An unknown statement that decides (queue, a redirect not read above) is an unknown target, else a condition.
    if (w === "queue" || w === "redirect") {
      out.target = { kind: "unknown", name: w, text: what };
      const p = out.problems[out.problems.length - 1];
      if (p) Object.assign(p, w === "queue" ? queueWarning(what) : { hint: UNCERTAIN_HINT });
    } else if ((w === "add" || w === "update") && w1?.startsWith("@") && !chance) {
      // `update @seen { ip saddr }` only fills a set: matches on that set are chance (see checkReferences).
      const p = out.problems[out.problems.length - 1];
      if (p) Object.assign(p, { message: `statement '${what}' is not modelled`, hint: DECIDES_NOTHING_HINT });
    } else if (!chance && (w === "flow" || /(?:^| )set /.test(what))) {
      // It acts (sets a field from something not modelled, offloads): no match to follow both ways.
      out.conditions.push({ kind: "unknown", text: what, neg: false, oneWay: true, acts: true });
      const p = out.problems[out.problems.length - 1];
      if (p) p.hint = UNCERTAIN_HINT;
    } else out.conditions.push({ kind: "unknown", text: what, neg: false, ...(chance ? { chance } : {}) });
  }
  place();
  if (!decides(out.target)) out.targetAt = out.conditions.length;
  rejectTcpDependency(out);
  xtConntrack(out.conditions);
  nftOwner(out.conditions);
  return out;
}

/**
 * nft's implicit match before `reject with tcp reset` (evaluate.c, stmt_reject_gen_dependency): when no
 * match written before the reject names a transport protocol, nft puts `meta l4proto tcp` first in the
 * rule (so `log reject with tcp reset` logs only TCP), in every family, and lists it back so. A packet of
 * another protocol does not match the rule and goes on to the next.
 */
function rejectTcpDependency(out: ParsedNftRule): void {
  const verdicts = [
    { verdict: out.target, before: out.targetAt },
    ...(out.afterVerdicts ?? []).map((a) => ({ verdict: a.verdict, before: a.conditions })),
  ];
  const needed = verdicts.some(
    ({ verdict, before }) =>
      verdict.kind === "REJECT" &&
      verdict.with === "tcp reset" &&
      // A protocol match (`tcp dport 22`, `meta l4proto tcp`) sets nft's transport context: no dependency.
      !out.conditions.slice(0, before).some((c) => c.kind === "proto" && !c.neg),
  );
  if (needed) prependCondition(out, { kind: "proto", proto: "tcp", neg: false });
}

/** An IPv4 or IPv6 prefix or range (`10.0.0.0/8`, `fd00::/64`, `10.0.0.1-10.0.0.9`), not a host name (`db-1.lan`). */
const QUOTED_PREFIX = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*)(?:\/\d+|-[0-9a-fA-F:.]+)$/;

/** IPv4 and IPv6 header fields as nft names them after `ip` and `ip6`. */
const IP_FIELDS = "saddr|daddr|protocol|dscp|ecn|length|ttl|id|frag-off|version|hdrlength|checksum";
const IP6_FIELDS = "saddr|daddr|nexthdr|hoplimit|flowlabel|dscp|ecn|length|version|priority";
const IP_FIELD = new RegExp(`(?:^|[\\s{.(])ip (?:${IP_FIELDS})\\b`);
const IP6_FIELD = new RegExp(`(?:^|[\\s{.(])ip6 (?:${IP6_FIELDS})\\b`);

/**
 * The one IP family whose header the expression `text` reads (4 for `ip saddr`, 6 for `ip6 saddr`), or
 * undefined for none or both: nft makes such an expression depend on that family.
 */
export function headerFamily(text: string): 4 | 6 | undefined {
  const v4 = IP_FIELD.test(text);
  const v6 = IP6_FIELD.test(text);
  return v4 === v6 ? undefined : v4 ? 4 : 6;
}

/** Puts `c` first in the rule `out`, as nft puts an implied match (a dependency) before what was written. */
export function prependCondition(out: ParsedNftRule, c: Condition): void {
  out.conditions.unshift(c);
  // Everything written in the rule now comes after one more condition.
  out.effectAt = out.effectAt.map((k) => k + 1);
  out.targetAt += 1;
  if (out.afterVerdicts)
    out.afterVerdicts = out.afterVerdicts.map((a) => ({ ...a, conditions: a.conditions + 1 }));
}

/**
 * iptables-nft's `-m conntrack` as nft lists it (`ct state untracked ct original saddr 192.0.2.1`, `ct
 * status ! assured`): the kernel runs xt_conntrack, which decides a packet without a connection by the
 * match's `--ctstate` alone. Each such tuple or `!` expression passes that packet when a `ct state`
 * comes before it in the rule (the same match's, as nft prints them in order), else fails it (kernel
 * 6.18: both forms of the nft-ct-break fixture's 7133 and 7136 dropped an untracked packet). A status
 * test without `!` (`ct state untracked ct status assured`) reads as nft's own, which breaks the rule
 * on that packet: nft lists iptables-nft's `--ctstatus ASSURED` the same way, and the two cannot be told apart.
 */
function xtConntrack(conditions: Condition[]): void {
  // Whether a `ct state` came before, carried along: a rescan per condition is quadratic in a long rule.
  let state = false;
  for (const c of conditions) {
    if ((c.kind === "ct-tuple" || c.kind === "ctstatus") && c.xt && state) c.withoutConnection = true;
    else if (c.kind === "unknown" && /^ct (?:original |reply )?[a-z-]+ ! /.test(c.text))
      c.withoutConnection = state;
    if (c.kind === "ctstate") state = true;
  }
}
