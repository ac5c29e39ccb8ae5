/**
 * Turns the words of one iptables rule (after `-A CHAIN`) into typed conditions and a target.
 * Matches and targets the simulator does not model become `unknown` entries that keep their text.
 */

import { closest } from "../diagnostics/format-diagnostic.ts";
import { formatIpv6, valueGroups } from "../parse/ipv6.ts";
import { xtStatusValue } from "./ct-status.ts";
import { ctTupleOption } from "./ct-tuple-option.ts";
import { parseIpCidr } from "./ip-address.ts";
import { readSetMatch } from "./ipset-match.ts";
import { formatIpv4 } from "./ipv4.ts";
import { EXTHDR_MODULES, readExthdrMatch } from "./ipv6-header-match.ts";
import { paddedMac } from "./match-rule.ts";
import { parseNatAddressSpec } from "./nat-address-spec.ts";
import { dscpValue, nftPort, pktTypeName } from "./nft-names.ts";
import { isRedactedAddress, REDACTED_ADDRESS_HINT } from "./redacted-address.ts";
import type { Chance, Condition, PortRange, Target } from "./ruleset.ts";
import { servicePort } from "./service-ports.ts";
import { xtOwner } from "./socket-owner.ts";
import type { Token } from "./tokenize-rule.ts";
import { parseXtCidr, parseXtCidr6, xtNumericIpv4 } from "./xt-address.ts";
import { ownOptionWithValue, splitOptionValues, unknownOption, wholeLongOptions } from "./xt-long-options.ts";
import { matchRefusal } from "./xt-match-refusals.ts";
import { notInvertedOption } from "./xt-negation.ts";
import { type LoadedMatch, optionClash, optionTwice, protoOptionTwice } from "./xt-option-once.ts";
import { takesNoValue } from "./xt-second-command.ts";
import { statisticProblem } from "./xt-statistic.ts";

/** The route types libxt_addrtype takes (in any case). */
const ADDRESS_TYPES = new Set([
  "UNSPEC",
  "UNICAST",
  "LOCAL",
  "BROADCAST",
  "ANYCAST",
  "MULTICAST",
  "BLACKHOLE",
  "UNREACHABLE",
  "PROHIBIT",
  "THROW",
  "NAT",
  "XRESOLVE",
]);
/** A problem in one rule, at a column of its line. */
export interface RuleArgError {
  column: number;
  message: string;
  hint?: string;
}

/** Conditions and target of one rule, or the first error. */
export type RuleArgsResult =
  | { ok: true; conditions: Condition[]; target: Target }
  | { ok: false; error: RuleArgError };

const PROTO_NUMBERS: Record<string, string> = {
  "1": "icmp",
  "6": "tcp",
  "17": "udp",
  "58": "icmpv6",
  "ipv6-icmp": "icmpv6",
};

/** Normalizes a protocol as iptables accepts it (`6`, `TCP`, `tcp`, `ipv6-icmp`) to a lower-case name. */
export function normalizeProto(text: string): string {
  // A number in C's base 0, as xtables reads it (`06`, `0x6`).
  const lower = /^(?:0x[0-9a-f]+|0[0-7]+)$/i.test(text)
    ? String(Number.parseInt(text, text[1] === "x" || text[1] === "X" ? 16 : 8))
    : text.toLowerCase();
  return PROTO_NUMBERS[lower] ?? lower;
}

/** Parses `80`, `1000:2000`, `:1024`, `1024:` as a port range; undefined when malformed. */
export function parsePortRange(text: string): PortRange | undefined {
  const m = /^(\d{0,5})(?:[:-](\d{0,5}))?$/.exec(text);
  if (!m || text === "" || text === ":") return undefined;
  const lo = m[1] === "" ? 0 : Number(m[1]);
  const hi = m[2] === undefined ? lo : m[2] === "" ? 65535 : Number(m[2]);
  if (lo > 65535 || hi > 65535 || lo > hi) return undefined;
  return { lo, hi };
}

/**
 * A port or range of `-p tcp|udp --dport` and `-m multiport`, which also take service names
 * (xtables_parse_port: `--dport ssh`, `http:https`, as a hand-written rules.v4 has them; saves print
 * numbers); conntrack's tuple ports take numbers only ({@link parsePortRange}).
 */
export function parseServicePortRange(text: string): PortRange | undefined {
  const named = servicePort(text);
  if (named !== undefined) return { lo: named, hi: named };
  const [a, b, more] = text.split(":");
  if (more !== undefined || b === undefined || (servicePort(a ?? "") ?? servicePort(b)) === undefined)
    return parsePortRange(text);
  const lo = a === "" ? 0 : (servicePort(a as string) ?? parsePortRange(a as string)?.lo);
  const hi = b === "" ? 65535 : (servicePort(b) ?? parsePortRange(b)?.lo);
  return lo !== undefined && hi !== undefined && lo <= hi ? { lo, hi } : undefined;
}

/** iptables' `--icmp-type` names (libxt_icmp's list, in its order): a type alone matches every code. */
const ICMP_TYPES: Record<string, [number, number?]> = {
  any: [-1],
  "echo-reply": [0],
  pong: [0],
  "destination-unreachable": [3],
  "network-unreachable": [3, 0],
  "host-unreachable": [3, 1],
  "protocol-unreachable": [3, 2],
  "port-unreachable": [3, 3],
  "fragmentation-needed": [3, 4],
  "source-route-failed": [3, 5],
  "network-unknown": [3, 6],
  "host-unknown": [3, 7],
  "network-prohibited": [3, 9],
  "host-prohibited": [3, 10],
  "TOS-network-unreachable": [3, 11],
  "TOS-host-unreachable": [3, 12],
  "communication-prohibited": [3, 13],
  "host-precedence-violation": [3, 14],
  "precedence-cutoff": [3, 15],
  "source-quench": [4],
  redirect: [5],
  "network-redirect": [5, 0],
  "host-redirect": [5, 1],
  "TOS-network-redirect": [5, 2],
  "TOS-host-redirect": [5, 3],
  "echo-request": [8],
  ping: [8],
  "router-advertisement": [9],
  "router-solicitation": [10],
  "time-exceeded": [11],
  "ttl-exceeded": [11],
  "ttl-zero-during-transit": [11, 0],
  "ttl-zero-during-reassembly": [11, 1],
  "parameter-problem": [12],
  "ip-header-bad": [12, 0],
  "required-option-missing": [12, 1],
  "timestamp-request": [13],
  "timestamp-reply": [14],
  "address-mask-request": [17],
  "address-mask-reply": [18],
};

/** ip6tables' `--icmpv6-type` names (type and, for some, code). */
const ICMPV6_TYPES: Record<string, [number, number?]> = {
  "destination-unreachable": [1],
  "no-route": [1, 0],
  "communication-prohibited": [1, 1],
  "beyond-scope": [1, 2],
  "address-unreachable": [1, 3],
  "port-unreachable": [1, 4],
  "failed-policy": [1, 5],
  "reject-route": [1, 6],
  "packet-too-big": [2],
  "time-exceeded": [3],
  "ttl-exceeded": [3],
  "ttl-zero-during-transit": [3, 0],
  "ttl-zero-during-reassembly": [3, 1],
  "parameter-problem": [4],
  "bad-header": [4, 0],
  "unknown-header-type": [4, 1],
  "unknown-option": [4, 2],
  "echo-request": [128],
  ping: [128],
  "echo-reply": [129],
  pong: [129],
  "mld-listener-query": [130],
  "mld-listener-report": [131],
  "mld-listener-done": [132],
  "mld-listener-reduction": [132],
  "router-solicitation": [133],
  "router-advertisement": [134],
  "neighbour-solicitation": [135],
  "neighbor-solicitation": [135],
  "neighbour-advertisement": [136],
  "neighbor-advertisement": [136],
  redirect: [137],
};

/**
 * The type a name stands for: as libxt_icmp and libip6t_icmp6 read it, any case, and the start of
 * one name is enough (`echo-req`); a start shared by two names is refused (iptables: "Ambiguous ICMP type").
 */
function icmpName(text: string, names: Record<string, [number, number?]>): [number, number?] | undefined {
  const w = text.toLowerCase();
  if (w === "") return undefined;
  let found: [number, number?] | undefined;
  for (const [name, value] of Object.entries(names)) {
    if (!name.toLowerCase().startsWith(w)) continue;
    if (found) return undefined;
    found = value;
  }
  return found;
}

/** Parses an `--icmp-type` value (`--icmpv6-type` with `v6`): a name, `N` or `N/C`. */
export function parseIcmpType(text: string, v6 = false): { type: number | "any"; code?: number } | undefined {
  const named = icmpName(text, v6 ? ICMPV6_TYPES : ICMP_TYPES) ?? (text === "any" ? [-1] : undefined);
  if (named) return named[0] === -1 ? { type: "any" } : { type: named[0], code: named[1] };
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(text);
  if (!m) return undefined;
  return { type: Number(m[1]), code: m[2] === undefined ? undefined : Number(m[2]) };
}

/** Parses `0x10`, `16`, `0x10/0xff` into value and mask (mask defaults to all ones). */
export function parseMark(text: string): { value: number; mask: number } | undefined {
  const m = /^(0x[0-9a-f]+|\d+)(?:\/(0x[0-9a-f]+|\d+))?$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]) >>> 0;
  const mask = m[2] === undefined ? 0xffffffff : Number(m[2]) >>> 0;
  return { value, mask };
}

/**
 * iptables' refusal of the mark `v` of extension `ext`'s option `opt` past 32 bits (`0x100000000`, a mask
 * too): iptables-nft 1.8.9 says "bad integer value ... or out of range" where parseMark would wrap it.
 */
function markPastWidth(ext: string, opt: string, v: Token): RuleArgError | undefined {
  return /^[\dx/a-f]+$/i.test(v.value) && v.value.split("/").some((n) => Number(n) > 0xffffffff)
    ? {
        column: v.column,
        message: `'${v.value}' does not fit a mark's 32 bits: iptables-restore refuses it ("${ext}: bad integer value for option "${opt}", or out of range.")`,
        hint: "write a mark from 0 to 0xffffffff",
      }
    : undefined;
}

/** The protocols whose matches take ports (tcp, udp, sctp, dccp, udplite; multiport takes them too). */
const PORT_PROTOS = ["tcp", "udp", "sctp", "dccp", "udplite"];
/** The protocols whose own match reads `--dport` / `--sport`: udplite has none (iptables-restore 1.8.9: unknown option "--dport"). */
const SINGLE_PORT_PROTOS = ["tcp", "udp", "sctp", "dccp"];
/** A protocol's number or other name, as its match names it. */
const PROTO_ALIASES: Record<string, string> = {
  "132": "sctp",
  "33": "dccp",
  "136": "udplite",
  "ipv6-icmp": "icmpv6",
  "58": "icmpv6",
};

/** iptables' REJECT types, each name then its short name, in libipt_REJECT's order. */
const REJECT_V4 = [
  "icmp-net-unreachable",
  "net-unreach",
  "icmp-host-unreachable",
  "host-unreach",
  "icmp-proto-unreachable",
  "proto-unreach",
  "icmp-port-unreachable",
  "port-unreach",
  "icmp-net-prohibited",
  "net-prohib",
  "icmp-host-prohibited",
  "host-prohib",
  "tcp-reset",
  "tcp-rst",
  "icmp-admin-prohibited",
  "admin-prohib",
];
/** ip6tables' REJECT types, as {@link REJECT_V4}. */
const REJECT_V6 = [
  "icmp6-no-route",
  "no-route",
  "icmp6-adm-prohibited",
  "adm-prohibited",
  "icmp6-addr-unreachable",
  "addr-unreach",
  "icmp6-port-unreachable",
  "port-unreach",
  "icmp6-policy-fail",
  "policy-fail",
  "icmp6-reject-route",
  "reject-route",
  "tcp-reset",
  "tcp-rst",
];

/**
 * The REJECT type `--reject-with` names in `family`, written whole: as libipt_REJECT/libip6t_REJECT
 * read it, the first type whose name or short name the word begins (any case); undefined when none
 * does, as for the other family's types (ip6tables: "unknown reject type").
 */
function rejectType(word: string, family: "ip" | "ip6"): string | undefined {
  const w = word.toLowerCase();
  const table = family === "ip6" ? REJECT_V6 : REJECT_V4;
  const k = w === "" ? -1 : table.findIndex((name) => name.startsWith(w));
  return k < 0 ? undefined : table[k - (k % 2)];
}

/** `-m state --state` names, in the order libxt_state tries them. */
const STATE_NAMES = ["INVALID", "NEW", "ESTABLISHED", "RELATED", "UNTRACKED"];
/** `-m conntrack --ctstate` names, in the order libxt_conntrack tries them. */
const CTSTATE_NAMES = [...STATE_NAMES, "SNAT", "DNAT"];

/**
 * The state a word of `--state`/`--ctstate` names: iptables takes the first name the word begins in any
 * case (`EST`, `related`; a hand-written rules file has `ESTABLISH,RELATE`), or undefined.
 */
function xtStateName(word: string, names: readonly string[]): string | undefined {
  const w = word.toUpperCase();
  return w === "" ? undefined : names.find((name) => name.startsWith(w));
}

/** A word that reads as a host name, which iptables-restore would resolve (`localhost` aside, see `xt-address.ts`). */
const HOST_NAME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*$/i;

function isOption(value: string): boolean {
  return value.startsWith("-") && value.length > 1 && !/^-\d/.test(value);
}

/** Whether `t` is the word `word` as written, not a quoted value that reads the same (`--comment "-g"`). */
function isWord(t: Token | undefined, ...word: string[]): boolean {
  return t !== undefined && !t.quoted && word.includes(t.value);
}

/** Whether `t` is an option or `!` as written; a quoted word is always a value. */
function isOptionWord(t: Token): boolean {
  return !t.quoted && (t.value === "!" || isOption(t.value));
}

/** Modules whose options the simulator models; any other `-m NAME` is kept as unknown. */
const KNOWN_MODULES = new Set([
  "tcp",
  "udp",
  "icmp",
  "multiport",
  "addrtype",
  "conntrack",
  "state",
  "physdev",
  "comment",
  "mark",
  "connmark",
  "iprange",
  "icmp6",
  "ipv6-icmp",
  "ttl",
  "hl",
  "pkttype",
  "mac",
  "dscp",
  "tos",
  "ecn",
  "length",
  "tcpmss",
  "helper",
]);

/** `--tos` / `--set-tos` names (iptables-extensions(8)): with them the mask is the TOS bits, 0x3f. */
const TOS_NAMES: Record<string, number> = {
  "minimize-delay": 0x10,
  "maximize-throughput": 0x08,
  "maximize-reliability": 0x04,
  "minimize-cost": 0x02,
  "normal-service": 0x00,
};

/** Parses a `--tos` / `--set-tos` value: `0x10`, `0x10/0x3f`, or a name (mask 0x3f); undefined otherwise. */
export function parseTos(text: string): { value: number; mask: number } | undefined {
  const named = TOS_NAMES[text.toLowerCase()];
  if (named !== undefined) return { value: named, mask: 0x3f };
  const m = /^(0x[0-9a-f]{1,2}|\d{1,3})(?:\/(0x[0-9a-f]{1,2}|\d{1,3}))?$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const mask = m[2] === undefined ? 0xff : Number(m[2]);
  return value <= 0xff && mask <= 0xff ? { value, mask } : undefined;
}

/** A DSCP from `--dscp` (a number, decimal or hex) or `--dscp-class` (a name: `CS1`, `AF11`, `EF`, `BE`). */
function dscpOption(opt: string, text: string): number | undefined {
  // A number for --dscp and --set-dscp, a name for the -class options.
  const fits = /^(0x[0-9a-f]+|\d+)$/i.test(text) === (opt === "--dscp" || opt === "--set-dscp");
  return fits ? dscpValue(text) : undefined;
}

/**
 * Match modules whose result depends on state the simulator cannot know, not on the packet, and that
 * change nothing it models: the rule engine follows both outcomes (see `runChain`).
 */
export const CHANCE_MODULES: ReadonlyMap<string, Chance> = new Map<string, Chance>([
  ["limit", "rate"],
  ["hashlimit", "rate"],
  ["statistic", "random"],
  ["recent", "state"],
  ["connlimit", "state"],
  ["quota", "state"],
]);

/** xt_recent's own options, with whether each takes a value (iptables-extensions(8)). */
const RECENT_OPTIONS: Record<string, boolean> = {
  "--set": false,
  "--rcheck": false,
  "--update": false,
  "--remove": false,
  "--rsource": false,
  "--rdest": false,
  "--rttl": false,
  "--reap": false,
  "--name": true,
  "--mask": true,
  "--seconds": true,
  "--hitcount": true,
};

/**
 * The words of a `-m recent` match from `start`: only xt_recent's own options (and a `!` before one);
 * any other option (`--dport` after it) belongs to the proto match iptables loaded with `-p`.
 */
export function readRecent(tokens: Token[], start: number): { words: string[]; next: number } {
  const words: string[] = [];
  let j = start;
  for (;;) {
    const bang = isWord(tokens[j], "!") ? 1 : 0;
    const t = tokens[j + bang];
    if (!t || t.quoted || !Object.hasOwn(RECENT_OPTIONS, t.value)) break;
    if (bang) words.push("!");
    words.push(t.value);
    j += bang + 1;
    const value = tokens[j];
    if (RECENT_OPTIONS[t.value] && value && !isOptionWord(value)) {
      words.push(/\s/.test(value.value) || value.value === "" ? JSON.stringify(value.value) : value.value);
      j++;
    }
  }
  return { words, next: j };
}

/**
 * What the kernel's xt_recent makes of a `-m recent` match's words: a plain `--set` adds the source
 * and always matches (kube-proxy's session affinity puts one before its DNAT), an inverted one never
 * does; a check, update or remove depends on the list, which the simulator does not hold.
 */
export function recentOutcome(words: string[]): "always" | "never" | "chance" {
  if (!words.includes("--set") || words.some((w) => ["--rcheck", "--update", "--remove"].includes(w)))
    return "chance";
  return words.includes("!") ? "never" : "always";
}

const TCP_FLAGS = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];

/**
 * `--tcp-flags`' flag list (`SYN,ACK`, `ALL`, `NONE`), or undefined for a word that is not one. `ALL`
 * is iptables' six flags, ECE and CWR not among them (iptables-save prints it as FIN,SYN,RST,PSH,ACK,URG).
 */
export function tcpFlagList(text: string): string[] | undefined {
  const up = text.toUpperCase();
  if (up === "ALL") return TCP_FLAGS.slice(0, 6);
  if (up === "NONE") return [];
  const flags = up.split(",");
  return flags.every((f) => TCP_FLAGS.includes(f)) ? flags : undefined;
}

/** Rule options iptables takes anywhere in a rule, a target's options never among them. */
const RULE_OPTIONS = new Set([
  "!",
  "-p",
  "--protocol",
  "-s",
  "--source",
  "--src",
  "-d",
  "--destination",
  "--dst",
  "-i",
  "--in-interface",
  "-o",
  "--out-interface",
  "-m",
  "--match",
  "-f",
  "--fragment",
]);

/**
 * The rule's words with the target and its own options moved to the end: iptables (getopt) takes
 * matches after `-j` too (`-j REJECT -p tcp --dport 25 --reject-with tcp-reset`), and iptables-save
 * prints them before it. From the first rule option after the target (or, for a modelled target or a
 * chain, any option it does not know) on, a word is the target's only when the target is modelled and
 * names it; an unmodelled target keeps the words before that option.
 * A quoted word is a value, and so is the word after `--comment` or a `--*-prefix` option, which
 * iptables-save prints unquoted when it reads `-g` or `-s`.
 */
function targetLast(words: Token[], chains?: ReadonlySet<string>): Token[] {
  const at = words.findIndex(
    (w, k) => isWord(w, "-j", "--jump", "-g", "--goto") && !isWord(words[k - 1], "--comment"),
  );
  if (at < 0 || at + 2 >= words.length) return words;
  const isGoto = words[at]?.value === "-g" || words[at]?.value === "--goto";
  const name = words[at + 1]?.value ?? "";
  // A chain takes no options (nor does a goto), an upper-case one declared in the table neither.
  const chain = isGoto || !/^[A-Z][A-Z0-9_]*$/.test(name) || (chains?.has(name) && !TARGET_OPTIONS[name]);
  const known = chain ? {} : TARGET_OPTIONS[name];
  const own: Token[] = [];
  const after: Token[] = [];
  let inMatches = false;
  for (let k = at + 2; k < words.length; k++) {
    const w = words[k] as Token;
    const takesValue = known && !w.quoted && Object.hasOwn(known, w.value) ? known[w.value] : undefined;
    // A modelled target's stranger option is a match's (`-p tcp -j ACCEPT --syn`, as iptables reads it).
    if (
      !w.quoted &&
      (RULE_OPTIONS.has(w.value) || (known && takesValue === undefined && w.value.startsWith("-")))
    )
      inMatches = true;
    if (takesValue !== undefined) {
      own.push(w);
      if (takesValue && k + 1 < words.length) own.push(words[++k] as Token);
    } else if (!inMatches && !w.quoted && w.value.endsWith("-prefix") && k + 1 < words.length) {
      // An unmodelled target's prefix (`--nflog-prefix -s`) is text, never a rule option.
      own.push(w, words[++k] as Token);
    } else (inMatches ? after : own).push(w);
  }
  if (after.length === 0) return words;
  return [...words.slice(0, at), ...after, ...words.slice(at, at + 2), ...own];
}

/** Options without a value: a `!` after one and before -j is refused (after another it may be its value). */
const XT_FLAG = /^(-f|--frag|--syn$|--physdev-is)/;

/** Options that take two words, with what the second one is. */
const SECOND_WORD: Readonly<Record<string, string>> = {
  "--tcp-flags": "the flags that must be set",
  "--match-set": "the flags (src, dst)",
  "--chunk-types": "the chunk types",
};

/** Where a `!` goes, as iptables-restore reads it. */
const BANG_HINT = "put '!' before the option it negates: ! -s 10.0.0.0/8, -p tcp ! --dport 22";

/** iptables-restore's refusal of a `!` that negates no option, in its words `said`. */
const bangAlone = (column: number, said: string): RuleArgError => ({
  column,
  message: `'!' negates no option: iptables-restore refuses it (${said})`,
  hint: BANG_HINT,
});

/** iptables-restore's refusal of `! opt` for an option extension `ext` does not invert (in its words `said`). */
const notInverted = (
  column: number,
  ext: string,
  opt: string,
  said = `${ext}: option "${opt}" cannot be inverted`,
): RuleArgError => ({
  column,
  message: `iptables refuses '! ${opt}' (${said})`,
  hint: "remove the '!': this option is not negated",
});

/**
 * The first `!` before a value, as iptables-restore 1.8.9 refuses it: the old form `--dport ! 22` is
 * gone (the `!` is read as --dport's value), and after a value `-s 1.2.3.4 ! 5.6.7.8` leaves a stray word.
 */
function bangBeforeValue(words: readonly Token[]): RuleArgError | undefined {
  // A `!` as the second word of an option that takes two (`--tcp-flags SYN ! SYN`).
  const two = words.findIndex(
    (w, k) =>
      isWord(w, "!") &&
      isWord(words[k - 2], ...Object.keys(SECOND_WORD)) &&
      !isOptionWord(words[k - 1] as Token),
  );
  if (two > 0) {
    const [opt, first, bang, next] = [words[two - 2], words[two - 1], words[two], words[two + 1]] as Token[];
    const rest = next && !isOptionWord(next) ? next.value : "...";
    return {
      column: bang.column,
      message: `'!' where ${opt.value} expects its second word, ${SECOND_WORD[opt.value]}, after '${first.value}': iptables-restore refuses it (${opt.value} requires two args${opt.value === "--chunk-types" ? "" : "."})`,
      hint: `to negate the test put '!' before the option: ! ${opt.value} ${first.value} ${rest}`,
    };
  }
  const k = words.findIndex(
    (w, k) =>
      isWord(w, "!") &&
      (words[k + 1] ? !isOptionWord(words[k + 1] as Token) : !isOptionWord(words[k - 1] ?? w)),
  );
  // A target's option negated (`-j LOG ! --log-prefix x`): LOG: option "--log-prefix" cannot be inverted.
  const j = words.findIndex((w) => isWord(w, "-j", "--jump"));
  const known = TARGET_OPTIONS[words[j + 1]?.value ?? ""] ?? {};
  // Not when the `!` is a value (`--log-prefix ! --log-level 4` logs with the prefix '!').
  const t = words.findIndex(
    (w, i) =>
      j >= 0 &&
      i > j + 2 &&
      isWord(words[i - 1], "!") &&
      Object.hasOwn(known, w.value) &&
      !known[words[i - 2]?.value ?? ""],
  );
  if (t > 0 && (k < 0 || t < k))
    return notInverted((words[t] as Token).column, words[j + 1]?.value as string, (words[t] as Token).value);
  if (k < 0) return undefined;
  const [before, bang, value] = [words[k - 1], words[k] as Token, words[k + 1]];
  if (!value) return bangAlone(bang.column, "nothing appropriate following !");
  if (!before || !isOptionWord(before)) return bangAlone(value.column, `Bad argument \`${value.value}'`);
  return {
    column: bang.column,
    message: `'${before.value} ! ${value.value}': iptables-restore 1.8.9 reads this '!' as ${before.value}'s value, not as a negation`,
    hint: words.slice(0, k).some((w) => isWord(w, "-j", "--jump"))
      ? "remove the '!': a target's option is not negated"
      : `write ! ${before.value} ${value.value}${SECOND_WORD[before.value] && words[k + 2] ? ` ${words[k + 2]?.value}` : ""}`,
  };
}

/**
 * Parses the words after `-A CHAIN` of an iptables (`family` `ip`, the default) or ip6tables (`ip6`)
 * table. Returns the first hard error (a value that must be an address or port and is not one, an
 * option without its value); unmodelled matches are not errors. `chains`: the table's chains so far,
 * so that an upper-case one (`-j MYCHAIN --syn`) is read as a chain, whose words after it are matches.
 */
export function parseRuleArgs(
  words: Token[],
  family: "ip" | "ip6" = "ip",
  chains?: ReadonlySet<string>,
): RuleArgsResult {
  const whole = ownOptionWithValue(words);
  if (whole)
    return {
      ok: false,
      error: {
        column: whole.token.column,
        message: `'${whole.token.value}' is one word to iptables-restore, which reads it whole as the option's value and refuses it (${whole.said})`,
        hint: `write ${whole.token.value.replace("=", " ")}: iptables' own options take their value as the next word`,
      },
    };
  const bad = bangBeforeValue(words);
  if (bad) return { ok: false, error: bad };
  const tokens = targetLast(
    wholeLongOptions(splitOptionValues(words), (name) => TARGET_OPTIONS[name]),
    chains,
  );
  const conditions: Condition[] = [];
  let target: Target = { kind: "NONE" };
  let module: string | undefined;
  // Where the conditions of the latest `-m` begin (`--limit-iface-in` qualifies its addrtype ones).
  let moduleFrom = 0;
  // Every `-m` with where its conditions begin (a conntrack match's options are decided together).
  const matches: { module: string; from: number }[] = [];
  let limitIface: "in" | "out" | undefined;
  // -s, -d, -p, -i and -o may each be given once (iptables: "multiple -s flags not allowed").
  const given = new Set<string>();
  const once = (flag: string, tok: Token): RuleArgsResult | undefined => {
    if (!given.has(flag)) {
      given.add(flag);
      return undefined;
    }
    return fail(
      tok.column,
      `${tok.value} is given twice in one rule (iptables: multiple ${flag} flags not allowed)`,
      flag === "-s" || flag === "-d"
        ? `write one rule per ${flag === "-s" ? "source" : "destination"}, or a list: ${flag} a,b`
        : flag === "-f"
          ? "write -f once: it matches every fragment but the first"
          : "write one rule for each",
    );
  };
  // Options of a protocol's match, each with the protocols whose `-p` it needs.
  const needs: {
    tok: Token;
    protos: readonly string[];
    before: boolean;
    explicit: boolean;
    /** `-m tcp` or `-m udp` reads the option: iptables-nft wants that very `-p` (negated or not). */
    requires?: string;
  }[] = [];
  /** Records that option `tok` needs one of `protos`: given by `-p` before it, or anywhere once its match was loaded with `-m`. */
  const needsProto = (tok: Token, protos: readonly string[]) => {
    const own = matches.findLast((m) => protos.includes(m.module))?.module;
    // --tcp-option stays an xt match, which the kernel checks (below), not iptables-nft.
    const requires = (own === "tcp" || own === "udp") && tok.value !== "--tcp-option" ? own : undefined;
    needs.push({
      tok,
      protos,
      // `! -p tcp --dport 1` loads tcp's match too (iptables-nft: meta l4proto != tcp th dport 1); multiport's needs it not negated.
      before: conditions.some(
        (c) =>
          c.kind === "proto" &&
          (!c.neg || protos !== PORT_PROTOS) &&
          protos.includes(PROTO_ALIASES[c.proto] ?? c.proto),
      ),
      explicit: matches.some((m) => protos.includes(m.module) || m.module === "multiport"),
      ...(requires ? { requires } : {}),
    });
  };
  // The first `--ecn-tcp-ece` / `--ecn-tcp-cwr`: xt_ecn takes them only in a rule of `-p tcp`.
  let ecnTcp: Token | undefined;
  // The options of the latest `-m` so far (each may be given once).
  const seen = new Set<string>();
  // Every match loaded so far, by -m or by -p, with its options (a protocol's are read by the latest).
  const loaded: LoadedMatch[] = [];
  /** iptables-restore's refusal of protocol option `opt` given twice to the match that reads it. */
  const protoTwice = (opt: string) => {
    const p = conditions.findLast((c) => c.kind === "proto");
    return protoOptionTwice(
      loaded,
      p?.kind === "proto" ? (PROTO_ALIASES[p.proto] ?? p.proto) : undefined,
      opt,
    );
  };
  // The first pair of options that exclude each other: iptables-restore refuses it once the rule is read.
  let clash: { column: number; message: string; hint: string } | undefined;
  // Where `-j` is (its target's options are checked after the matches').
  let jumpAt = -1;
  /** Records option word `t` of `-m module` (or of the protocol's match), or returns why iptables-restore refuses it twice. */
  const record = (t: Token) => {
    if (t.quoted) return undefined;
    const twice = optionTwice(module, t.value, seen) ?? protoTwice(t.value);
    if (twice) return twice;
    const excluded = clash ? undefined : optionClash(module, t.value, seen);
    if (excluded) clash = { column: t.column, ...excluded };
    return undefined;
  };
  let neg = false;
  let i = 0;
  const fail = (column: number, message: string, hint?: string): RuleArgsResult => ({
    ok: false,
    error: { column, message, hint },
  });
  while (i < tokens.length) {
    const tok = tokens[i] as Token;
    const opt = tok.value;
    if (isWord(tok, "!")) {
      const [prev, next] = [tokens[i - 1], tokens[i + 1]];
      // iptables-restore 1.8.9 refuses a `!` that negates no option (its words in each message).
      const said = !next
        ? "nothing appropriate following !"
        : isWord(next, "!")
          ? "multiple consecutive ! not allowed"
          : // After an option's name the `!` may be its value (`--string ! -j`): refused after a flag only.
            isWord(next, "-j", "--jump", "-g", "--goto") &&
              (!prev || !isOptionWord(prev) || XT_FLAG.test(prev.value) || takesNoValue(prev.value))
            ? "cannot have ! before -j"
            : isWord(next, "-m", "--match")
              ? "unexpected ! flag before --match"
              : isWord(next, "-c", "--set-counters")
                ? "cannot have ! before -c"
                : undefined;
      if (said) return { ok: false, error: bangAlone(tok.column, said) };
      neg = true;
      i++;
      continue;
    }
    // The value(s) after an option, up to the next option or `!`.
    const valuesFrom = (start: number): Token[] => {
      const out: Token[] = [];
      let j = start;
      while (j < tokens.length && !isOptionWord(tokens[j] as Token)) {
        out.push(tokens[j] as Token);
        j++;
      }
      return out;
    };
    const need = (): Token | undefined => {
      const next = tokens[i + 1];
      return next && (!isOptionWord(next) || (opt === "--comment" && !isWord(next, "!"))) ? next : undefined;
    };
    const n = neg;
    neg = false;
    const twice = record(tok);
    if (twice) return fail(tok.column, twice.message, twice.hint);
    switch (opt) {
      case "-s":
      case "--source":
      case "--src":
      case "-d":
      case "--destination":
      case "--dst": {
        const v = need();
        if (!v) return fail(tok.column, `${opt} needs an address`, "write e.g. -s 172.17.0.0/16");
        const twice = once(opt.startsWith("-s") || opt.startsWith("--s") ? "-s" : "-d", tok);
        if (twice) return twice;
        const cidr = family === "ip6" ? parseXtCidr6(v.value) : parseXtCidr(v.value);
        if (!cidr)
          return fail(
            v.column,
            `'${v.value}' is not an ${family === "ip6" ? "IPv6" : "IPv4"} address or CIDR`,
            isRedactedAddress(v.value)
              ? REDACTED_ADDRESS_HINT
              : HOST_NAME.test(v.value.split("/")[0] as string)
                ? "iptables-restore resolves a host name when it loads the rules; the simulator does not: write the address it stands for"
                : family === "ip6"
                  ? "expected e.g. fd00:a::/64 (an ip6tables-save table)"
                  : v.value.includes(":")
                    ? "an IPv6 address in an iptables-save table: put ip6tables-save output after its '# Generated by ip6tables-save' line"
                    : "expected a.b.c.d or a.b.c.d/len",
          );
        conditions.push({
          kind: opt.startsWith("-s") || opt.startsWith("--s") ? "src" : "dst",
          cidr,
          neg: n,
        });
        i += 2;
        continue;
      }
      case "-i":
      case "--in-interface":
      case "-o":
      case "--out-interface": {
        // iptables-restore takes `-i !` as the name '!' (getopt gives the option the next word).
        const v = isWord(tokens[i + 1], "!") ? tokens[i + 1] : need();
        if (!v)
          return fail(tok.column, `${opt} needs an interface name`, "write e.g. -i docker0 or -i veth+");
        const twice = once(opt === "-i" || opt === "--in-interface" ? "-i" : "-o", tok);
        if (twice) return twice;
        if (v.value.length > 15)
          return fail(
            v.column,
            `'${v.value}' is longer than an interface name can be (15 characters; iptables: must be shorter than IFNAMSIZ)`,
            "write the name as the host's ip link shows it, or a start of it with '+' (veth+)",
          );
        conditions.push({
          kind: opt === "-i" || opt === "--in-interface" ? "in" : "out",
          name: v.value,
          neg: n,
        });
        i += 2;
        continue;
      }
      case "-p":
      case "--protocol": {
        const v = need();
        if (!v) return fail(tok.column, `${opt} needs a protocol`, "write e.g. -p tcp");
        const twice = once("-p", tok);
        if (twice) return twice;
        conditions.push({ kind: "proto", proto: normalizeProto(v.value), neg: n });
        i += 2;
        continue;
      }
      case "-m":
      case "--match": {
        const v = need();
        if (!v) return fail(tok.column, "-m needs a module name", "write e.g. -m conntrack");
        module = v.value.toLowerCase();
        seen.clear();
        moduleFrom = conditions.length;
        matches.push({ module, from: moduleFrom });
        loaded.push({ module, implicit: false, seen: new Set() });
        limitIface = undefined;
        // A `!` before an option the match cannot invert: iptables-restore refuses it as it reads the option.
        const negated = notInvertedOption(module, family, tokens, i + 2, takesNoValue);
        if (negated)
          return {
            ok: false,
            error: notInverted(negated.token.column, module, negated.token.value, negated.said),
          };
        if (module === "rpfilter") {
          // Its options: --loose, --validmark (no policy routing in a lab), --accept-local, --invert.
          const opts = new Set<string>();
          let j = i + 2;
          while (["--loose", "--validmark", "--accept-local", "--invert"].includes(tokens[j]?.value ?? ""))
            opts.add((tokens[j++] as Token).value);
          conditions.push({
            kind: "rpfilter",
            strict: !opts.has("--loose"),
            acceptLocal: opts.has("--accept-local"),
            neg: opts.has("--invert"),
          });
          module = undefined;
          i = j;
          continue;
        }
        const reader = moduleReader(module, family);
        if (reader) {
          const read = reader(tokens, i + 2, tok.column);
          if (!read.ok) return fail(read.column, read.message, read.hint);
          conditions.push(read.condition);
          module = undefined;
          i = read.next;
          continue;
        }
        if (module === "recent") {
          const read = readRecent(tokens, i + 2);
          for (const t of tokens.slice(i + 2, read.next)) {
            const dup = record(t);
            if (dup) return fail(t.column, dup.message, dup.hint);
          }
          const outcome = recentOutcome(read.words);
          const text = [`-m ${v.value}`, ...read.words].join(" ");
          // `--set` records the source: it matches, inverted it never does (xt_recent returns !invert).
          if (outcome === "never") conditions.push({ kind: "never", text, neg: false });
          else if (outcome === "chance") conditions.push({ kind: "unknown", text, neg: n, chance: "state" });
          module = undefined;
          i = read.next;
          continue;
        }
        if (!KNOWN_MODULES.has(module)) {
          // Keep the whole match, module and options, as one unknown condition.
          const parts = [`-m ${v.value}`];
          let j = i + 2;
          // A rule option ends it, short or long (`--source`), and so does a `!` before one.
          const ruleWord = (t: Token | undefined) =>
            !!t && !t.quoted && (RULE_OPTIONS.has(t.value) || /^-([a-zA-Z]|-jump|-goto)$/.test(t.value));
          while (j < tokens.length) {
            const t = (tokens[j] as Token).value;
            if (isWord(tokens[j], "!") ? ruleWord(tokens[j + 1]) : ruleWord(tokens[j])) break;
            parts.push(/\s/.test(t) || t === "" ? JSON.stringify(t) : t);
            j++;
          }
          for (const t of tokens.slice(i + 2, j)) {
            const dup = record(t);
            if (dup) return fail(t.column, dup.message, dup.hint);
          }
          const chance = CHANCE_MODULES.get(module);
          const odd =
            module === "statistic"
              ? statisticProblem(tokens, i + 2, j, v)
              : matchRefusal(module, tokens.slice(i, j));
          if (odd) return fail(odd.column, odd.message, odd.hint);
          conditions.push({ kind: "unknown", text: parts.join(" "), neg: n, ...(chance ? { chance } : {}) });
          module = undefined;
          i = j;
          continue;
        }
        i += 2;
        continue;
      }
      case "-j":
      case "--jump":
      case "-g":
      case "--goto": {
        const v = need();
        if (!v) return fail(tok.column, `${opt} needs a target`, "write e.g. -j ACCEPT");
        const rest = tokens.slice(i + 2);
        if (opt === "-j" || opt === "--jump") jumpAt = i;
        const parsed = parseTarget(v, rest, opt === "-g" || opt === "--goto", words);
        if ("error" in parsed) return { ok: false, error: parsed.error };
        target = parsed.target;
        if (target.kind === "REJECT" && target.with !== undefined) {
          const type = rejectType(target.with, family);
          const at = rest.find((_t, k) => rest[k - 1]?.value === "--reject-with");
          if (!type)
            return fail(
              at?.column ?? v.column,
              `'${target.with}' is not a reject type of ${family === "ip6" ? "ip6tables" : "iptables"} (unknown reject type)`,
              `write one of ${(family === "ip6" ? REJECT_V6 : REJECT_V4).filter((_, k) => k % 2 === 0).join(", ")}`,
            );
          target = { ...target, with: type };
        }
        i = tokens.length;
        continue;
      }
      case "-c":
      case "--set-counters":
        i += 3;
        continue;
      case "--comment": {
        const v = tokens[i + 1];
        if (!v) return fail(tok.column, "--comment needs a text", 'write e.g. --comment "why"');
        if (n) return { ok: false, error: notInverted(tok.column, "comment", opt) };
        i += 2;
        continue;
      }
    }
    // Module options.
    const values = valuesFrom(i + 1);
    const first = values[0];
    /** The error for `first`, which should be a port or range. */
    const notPort = (v: { value: string; column: number }) =>
      fail(v.column, `'${v.value}' is not a port or port range`, "expected N or N:M (0..65535)");
    const tuple = ctTupleOption(opt);
    if (tuple) {
      // The connection's tuples: `--ctorigdstport 8080` is the port a DNAT rewrote.
      if (!first)
        return fail(
          tok.column,
          `${opt} needs ${tuple.port ? "a port or range" : "an address"}`,
          tuple.port ? `write e.g. ${opt} 8080 or ${opt} 8000:8100` : `write e.g. ${opt} 203.0.113.2`,
        );
      const { dir, field } = tuple;
      if (tuple.port) {
        const range = parsePortRange(first.value);
        if (!range) return notPort(first);
        conditions.push({ kind: "ct-tuple", dir, field, range, neg: n });
      } else {
        const cidr = family === "ip6" ? parseXtCidr6(first.value) : parseXtCidr(first.value, true);
        if (!cidr)
          return fail(
            first.column,
            `'${first.value}' is not an ${family === "ip6" ? "IPv6" : "IPv4"} address or CIDR`,
            family === "ip6" ? "expected e.g. fd00:a::/64" : "expected a.b.c.d or a.b.c.d/len",
          );
        conditions.push({ kind: "ct-tuple", dir, field, cidr, neg: n });
      }
      i += 2;
      continue;
    }
    switch (opt) {
      case "--sport":
      case "--source-port":
      case "--dport":
      case "--destination-port": {
        if (!first)
          return fail(
            tok.column,
            `${opt} needs a port or range`,
            "write e.g. --dport 80 or --dport 1000:2000",
          );
        const range = parseServicePortRange(first.value);
        if (!range) return notPort(first);
        needsProto(tok, SINGLE_PORT_PROTOS);
        conditions.push({
          kind: opt === "--sport" || opt === "--source-port" ? "sport" : "dport",
          range,
          neg: n,
        });
        i += 2;
        continue;
      }
      case "--sports":
      case "--dports":
      case "--ports":
      case "--source-ports":
      case "--destination-ports": {
        if (!first) return fail(tok.column, `${opt} needs a port list`, "write e.g. --dports 80,443");
        const ranges: PortRange[] = [];
        for (const part of first.value.split(",")) {
          const r = parseServicePortRange(part);
          if (!r)
            return fail(
              first.column,
              `'${part}' in '${first.value}' is not a port or range`,
              "expected N or N:M",
            );
          ranges.push(r);
        }
        // xt_multiport holds 15 ports, a range taking two.
        if (ranges.reduce((k, r) => k + (r.lo === r.hi ? 1 : 2), 0) > 15)
          return fail(
            first.column,
            `'${first.value}' holds more than 15 ports (a range counts as two): iptables refuses it (too many ports specified)`,
            "split the list over two rules, or match the ports with an ipset",
          );
        const which = opt.startsWith("--s") ? "sports" : opt.startsWith("--d") ? "dports" : "ports";
        needsProto(tok, PORT_PROTOS);
        conditions.push({ kind: "multiport", which, ranges, neg: n });
        i += 2;
        continue;
      }
      case "--icmp-type":
      case "--icmpv6-type": {
        const v6 = opt === "--icmpv6-type";
        if (v6 !== (family === "ip6"))
          return fail(
            tok.column,
            `${opt} is an ${v6 ? "ip6tables" : "iptables"} option: ${v6 ? "iptables" : "ip6tables"} refuses it (unknown option "${opt}")`,
            v6
              ? "match ICMP types with -p icmp --icmp-type"
              : "match ICMPv6 types with -p icmpv6 --icmpv6-type",
          );
        if (!first) return fail(tok.column, `${opt} needs a type`, `write e.g. ${opt} echo-request`);
        const t = parseIcmpType(first.value, v6);
        if (!t)
          return fail(
            first.column,
            `'${first.value}' is not an ${v6 ? "ICMPv6" : "ICMP"} type`,
            "use a name like echo-request or a number",
          );
        needsProto(tok, v6 ? ["icmpv6"] : ["icmp"]);
        conditions.push({ kind: "icmp-type", ...t, neg: n, ...(v6 ? { family: 6 as const } : {}) });
        i += 2;
        continue;
      }
      case "--src-type":
      case "--dst-type": {
        if (!first) return fail(tok.column, `${opt} needs an address type`, "write e.g. --dst-type LOCAL");
        const names = first.value.split(",");
        const badAt = names.findIndex((t) => !ADDRESS_TYPES.has(t.toUpperCase()));
        const bad = names[badAt];
        if (bad !== undefined)
          return fail(
            first.column + names.slice(0, badAt).join(",").length + (badAt > 0 ? 1 : 0),
            `iptables refuses the address type '${bad}' (addrtype: bad type "${bad}")`,
            `write one of ${[...ADDRESS_TYPES].join(", ")}, or several joined by commas`,
          );
        conditions.push({
          kind: "addrtype",
          which: opt === "--src-type" ? "src" : "dst",
          types: first.value.toUpperCase().split(","),
          neg: n,
          ...(limitIface ? { iface: limitIface } : {}),
        });
        i += 2;
        continue;
      }
      case "--ctdir": {
        // libxt_conntrack: the value in any case; `!` refused (iptables 1.8.9 on kernel 6.18).
        if (n)
          return fail(
            tok.column,
            `iptables refuses '! --ctdir' (conntrack: option "--ctdir" cannot be inverted)`,
            "write --ctdir ORIGINAL or --ctdir REPLY, the other direction",
          );
        const dir = first?.value.toLowerCase();
        if (dir !== "original" && dir !== "reply")
          return fail(
            first?.column ?? tok.column,
            first ? `'${first.value}' is not a direction` : "--ctdir needs a direction",
            "write --ctdir ORIGINAL or --ctdir REPLY",
          );
        conditions.push({ kind: "ctdir", dir, neg: false });
        i += 2;
        continue;
      }
      case "--ctproto": {
        // libxt_conntrack: a protocol name or number (`tcp`, `6`), of the connection's first packet, as `-p` reads it.
        if (!first)
          return fail(tok.column, "--ctproto needs a protocol", "write e.g. --ctproto tcp or --ctproto 17");
        conditions.push({ kind: "ctproto", proto: normalizeProto(first.value), neg: n });
        i += 2;
        continue;
      }
      case "--helper": {
        if (module !== "helper") break;
        if (!first) return fail(tok.column, "--helper needs a helper's name", "write e.g. --helper ftp");
        conditions.push({ kind: "helper-master", name: first.value, neg: n });
        i += 2;
        continue;
      }
      case "--ctstatus": {
        // libxt_conntrack: names in any case, comma-separated; NONE is no bit (never matches, `!` always).
        const names = first?.value.split(",") ?? [];
        let mask = 0;
        for (const name of names) {
          const v = xtStatusValue(name.toUpperCase());
          if (v === undefined)
            return fail(
              first?.column ?? tok.column,
              `'${name}' is not a conntrack status (iptables: Bad ctstatus)`,
              "write NONE, EXPECTED, SEEN_REPLY, ASSURED or CONFIRMED, comma-separated",
            );
          mask |= v;
        }
        if (!first) return fail(tok.column, "--ctstatus needs a status", "write e.g. --ctstatus SEEN_REPLY");
        conditions.push({ kind: "ctstatus", mask, neg: n, xt: true });
        i += 2;
        continue;
      }
      case "--ctstate":
      case "--state": {
        if (!first)
          return fail(tok.column, `${opt} needs states`, "write e.g. --ctstate RELATED,ESTABLISHED");
        const names = opt === "--state" ? STATE_NAMES : CTSTATE_NAMES;
        const states: string[] = [];
        let at = first.column;
        for (const word of first.value.split(",")) {
          const state = xtStateName(word, names);
          if (!state)
            return fail(
              at,
              `'${word}' is not a conntrack state (iptables: Bad ctstate)`,
              `write ${names.join(", ")}, comma-separated (a word's first letters are enough)`,
            );
          states.push(state);
          at += word.length + 1;
        }
        conditions.push({ kind: "ctstate", states, neg: n });
        i += 2;
        continue;
      }
      case "--physdev-in":
      case "--physdev-out": {
        // `--physdev-in !` names the port '!', as iptables-save printed it back.
        const port = isWord(tokens[i + 1], "!") ? tokens[i + 1] : first;
        if (!port) return fail(tok.column, `${opt} needs an interface name`, "write e.g. --physdev-in veth1");
        conditions.push({
          kind: opt === "--physdev-in" ? "physdev-in" : "physdev-out",
          name: port.value,
          neg: n,
        });
        i += 2;
        continue;
      }
      case "--physdev-is-bridged":
      case "--physdev-is-in":
      case "--physdev-is-out":
        conditions.push({ kind: opt.slice(2) as "physdev-is-bridged", neg: n });
        i += 1;
        continue;
      case "--src-range":
      case "--dst-range": {
        if (family === "ip6" && first) {
          // An IPv6 range: not modelled (followed both ways like any unmodelled match).
          conditions.push({
            kind: "unknown",
            text: `${n ? "! " : ""}-m iprange ${opt} ${first.value}`,
            neg: false,
          });
          i += 2;
          continue;
        }
        // xt_iprange reads each end as iptables reads an address; one address is a range of one.
        const ends = (first?.value ?? "").split("-");
        const [lo, hi] = ends.length > 2 ? [] : ends.map((a) => xtNumericIpv4(a));
        if (first && lo !== undefined && hi !== undefined && hi < lo) {
          // iptables takes a reversed range ("is reversed and will never match"), and `!` then always holds.
          if (!n)
            conditions.push({
              kind: "never",
              text: `${opt} ${first.value}`,
              neg: false,
              hint: "iptables warns that the range is reversed: write the lower address first",
            });
          i += 2;
          continue;
        }
        // An upper end that is no address (`10.0.0.1-10.0.0.x`) is iptables' "Bad value" too.
        if (!first || lo === undefined || (ends.length === 2 && hi === undefined))
          return fail(
            first?.column ?? tok.column,
            `${opt} needs an address range`,
            "write e.g. 203.0.113.10-203.0.113.20",
          );
        conditions.push({
          kind: "addr-range",
          which: opt === "--src-range" ? "src" : "dst",
          lo,
          hi: hi ?? lo,
          neg: n,
        });
        i += 2;
        continue;
      }
      case "-f":
      case "--fragment":
      case "--fragments":
        if (family === "ip6")
          return fail(
            tok.column,
            `${opt} is an iptables (IPv4) option`,
            "ip6tables matches fragments with -m frag",
          );
        {
          // iptables-restore 1.8.9: "multiple -f flags not allowed" (`-f --fr`: --fr is -f too).
          const twice = once("-f", tok);
          if (twice) return twice;
        }
        conditions.push({ kind: "fragment", neg: n });
        i += 1;
        continue;
      case "--ttl-eq":
      case "--ttl-lt":
      case "--ttl-gt":
      case "--hl-eq":
      case "--hl-lt":
      case "--hl-gt": {
        const v = first ? Number(first.value) : Number.NaN;
        const ttl = opt.startsWith("--ttl");
        if (!first || !Number.isInteger(v) || v < 0 || v > 255)
          return fail(
            first?.column ?? tok.column,
            `${opt} needs a ${ttl ? "TTL" : "hop limit"} from 0 to 255`,
            `write e.g. ${opt} 255`,
          );
        const op = opt.slice(-2);
        // `--hl-lt 0` and `--hl-gt 255` match nothing: an empty range is a negated full one.
        const lo = op === "gt" ? v + 1 : op === "eq" ? v : 0;
        const hi = op === "lt" ? v - 1 : op === "eq" ? v : 255;
        const range = lo > hi ? { lo: 0, hi: 255 } : { lo, hi };
        conditions.push({ kind: "ttl", range, neg: lo > hi ? !n : n, family: ttl ? 4 : 6 });
        i += 2;
        continue;
      }
      case "--syn":
        needsProto(tok, ["tcp"]);
        conditions.push({ kind: "tcp-flags", mask: ["FIN", "SYN", "RST", "ACK"], set: ["SYN"], neg: n });
        i += 1;
        continue;
      case "--tcp-flags": {
        const mask = first ? tcpFlagList(first.value) : undefined;
        const set = values[1] ? tcpFlagList(values[1].value) : undefined;
        if (!mask || !set)
          return fail(
            first?.column ?? tok.column,
            "--tcp-flags needs a mask and the flags set",
            "write e.g. --tcp-flags SYN,RST SYN",
          );
        needsProto(tok, ["tcp"]);
        conditions.push({ kind: "tcp-flags", mask, set, neg: n });
        i += 3;
        continue;
      }
      case "--limit-iface-in":
      case "--limit-iface-out": {
        if (n) return { ok: false, error: notInverted(tok.column, "addrtype", opt) };
        const iface = opt === "--limit-iface-in" ? "in" : "out";
        // Either order: the addrtype tests already read and those after it in the same `-m addrtype`.
        limitIface = iface;
        for (const c of conditions.slice(moduleFrom)) if (c.kind === "addrtype") c.iface = iface;
        i += 1;
        continue;
      }
      case "--pkt-type": {
        const type = first ? pktTypeName(first.value) : undefined;
        if (!first || !type)
          return fail(
            first?.column ?? tok.column,
            "--pkt-type needs unicast, broadcast or multicast",
            "write e.g. --pkt-type unicast",
          );
        conditions.push({ kind: "pkttype", types: [type], neg: n });
        i += 2;
        continue;
      }
      case "--mac-source": {
        if (!first || !/^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(first.value))
          return fail(
            first?.column ?? tok.column,
            "--mac-source needs a MAC address",
            "write e.g. --mac-source 02:42:ac:11:00:02",
          );
        conditions.push({ kind: "mac-src", mac: paddedMac(first.value), neg: n });
        i += 2;
        continue;
      }
      case "--dscp":
      case "--dscp-class": {
        const d = first ? dscpOption(opt, first.value) : undefined;
        if (!first || d === undefined)
          return fail(
            first?.column ?? tok.column,
            opt === "--dscp" ? "--dscp needs a number from 0 to 63" : "--dscp-class needs a class name",
            opt === "--dscp" ? "write e.g. --dscp 0x0a" : "write e.g. --dscp-class AF11",
          );
        conditions.push({ kind: "tos", values: [d << 2], mask: 0xfc, neg: n });
        i += 2;
        continue;
      }
      case "--tos": {
        const tos = first ? parseTos(first.value) : undefined;
        if (!first || !tos)
          return fail(
            first?.column ?? tok.column,
            "--tos needs value[/mask] or a name",
            "write e.g. --tos 0x10/0x3f",
          );
        conditions.push({ kind: "tos", values: [tos.value], mask: tos.mask, neg: n });
        i += 2;
        continue;
      }
      case "--ecn-ip-ect": {
        // libxt_ecn reads it in any base strtoul takes (`1`, `0x1`, `01`).
        const v = first && /^(0x[0-9a-f]+|\d+)$/i.test(first.value) ? Number(first.value) : Number.NaN;
        if (!first || !(v <= 3))
          return fail(
            first?.column ?? tok.column,
            "--ecn-ip-ect needs 0, 1, 2 or 3",
            "write e.g. --ecn-ip-ect 1",
          );
        // xt_ecn compares the IP header's two ECN bits, the TOS byte's low ones.
        conditions.push({ kind: "tos", values: [v], mask: 0x03, neg: n });
        i += 2;
        continue;
      }
      case "--ecn-tcp-ece":
      case "--ecn-tcp-cwr": {
        // xt_ecn inverts each flag on its own (`! --ecn-tcp-ece --ecn-tcp-cwr`: ECE clear and CWR set).
        const flag = opt === "--ecn-tcp-ece" ? "ECE" : "CWR";
        ecnTcp ??= tok;
        conditions.push({ kind: "tcp-flags", mask: [flag], set: n ? [] : [flag], neg: false });
        i += 1;
        continue;
      }
      case "--length": {
        const range = first ? lengthRange(first.value) : undefined;
        if (!first || !range)
          return fail(
            first?.column ?? tok.column,
            `--length needs a length or a range of lengths from 0 to 65535${first ? `, not '${first.value}'` : ""}`,
            "write e.g. --length 84 or --length 0:100 (iptables refuses a value past 65535)",
          );
        conditions.push({ kind: "length", range, neg: n });
        i += 2;
        continue;
      }
      case "--mss": {
        if (module !== "tcpmss") break;
        const range = first ? lengthRange(first.value) : undefined;
        if (!first || !range)
          return fail(
            first?.column ?? tok.column,
            `--mss needs a value or a range from 0 to 65535${first ? `, not '${first.value}'` : ""}`,
            "write e.g. --mss 1460 or --mss 1000:1500",
          );
        conditions.push({ kind: "tcpmss", range, neg: n });
        i += 2;
        continue;
      }
      case "--mark": {
        const wide = first && markPastWidth(module ?? "mark", opt, first);
        if (wide) return fail(wide.column, wide.message, wide.hint);
        const mk = first ? parseMark(first.value) : undefined;
        if (!first || !mk)
          return fail(first?.column ?? tok.column, "--mark needs value[/mask]", "write e.g. --mark 0x1/0xff");
        // `-m connmark --mark` tests the connection's mark, `-m mark --mark` the packet's.
        conditions.push({ kind: module === "connmark" ? "ctmark" : "mark", ...mk, neg: n });
        i += 2;
        continue;
      }
    }
    // An option no loaded match knows: iptables refuses the rule ("unknown option").
    const candidates = unknownOption(
      opt,
      matches.map((m) => m.module),
      conditions.flatMap((c) => (c.kind === "proto" ? [c.proto.toLowerCase()] : [])),
    );
    if (candidates) {
      const near = closest(opt, candidates);
      return fail(
        tok.column,
        `'${opt}' is no option of this rule's matches: iptables-restore refuses it (unknown option "${opt}")`,
        near
          ? `did you mean ${near}?`
          : "a match's options follow its -m (iptables-extensions(8) lists them)",
      );
    }
    // An option of a known module (or a basic one) that is not modelled: keep it, uncertain.
    if (isOption(opt)) {
      if (opt === "--tcp-option") needsProto(tok, ["tcp"]);
      // The `!` next to the option it negates, as written (`-m tcp ! --tcp-option 8`).
      const text = [module ? `-m ${module}` : "", n ? "!" : "", opt, ...values.map((v) => v.value)]
        .filter(Boolean)
        .join(" ");
      conditions.push({ kind: "unknown", text, neg: false });
      i += 1 + values.length;
      continue;
    }
    return fail(tok.column, `unexpected word '${opt}'`, "expected an option such as -s, -p, -m or -j");
  }
  // A protocol's options need its `-p` (not negated): iptables refuses them without ("unknown option").
  const protos = new Set(
    conditions.flatMap((c) => (c.kind === "proto" && !c.neg ? [PROTO_ALIASES[c.proto] ?? c.proto] : [])),
  );
  // Without its match loaded by -m, an option is read by the match of a -p written before it.
  // An explicit tcp or udp match wants its own -p anywhere in the rule, negated or not.
  const ownProto = (want: string) =>
    conditions.some((c) => c.kind === "proto" && (PROTO_ALIASES[c.proto] ?? c.proto) === want);
  const orphan = needs.find((w) =>
    w.requires !== undefined
      ? !ownProto(w.requires)
      : !w.before && !(w.explicit && w.protos.some((p) => protos.has(p))),
  );
  // iptables-nft 1.8.9 checks the -p of an explicit tcp or udp match ("TCP match requires '-p tcp'").
  if (orphan?.requires) {
    const name = orphan.requires.toUpperCase();
    const written = conditions.flatMap((c) =>
      c.kind === "proto" ? [`${c.neg ? "! " : ""}-p ${c.proto}`] : [],
    );
    return fail(
      orphan.tok.column,
      `${orphan.tok.value} of -m ${orphan.requires} in a rule ${written.length ? `of ${written.join(" and ")}` : "without -p"}: iptables-restore refuses it (${name} match requires '-p ${orphan.requires}')`,
      `add -p ${orphan.requires} to the rule, or load the match of its protocol`,
    );
  }
  if (orphan) {
    const want =
      orphan.protos.length > 1
        ? `${orphan.protos.slice(0, -1).join(", ")} or ${orphan.protos.at(-1)}`
        : orphan.protos[0];
    return fail(
      orphan.tok.column,
      `${orphan.tok.value} needs -p ${want} in the rule: iptables-restore refuses it ${protos.size ? `with -p ${[...protos].join(" and -p ")}` : "in a rule without -p"}`,
      protos.has("udplite") && orphan.protos === SINGLE_PORT_PROTOS
        ? `udplite has no match of its own: write -m multiport ${/^--s/.test(orphan.tok.value) ? "--sports" : "--dports"} N, which reads its ports`
        : `add -p ${orphan.protos[0]} to the rule`,
    );
  }
  // Under a negated -p only tcp's and udp's options become nft's own; the kernel refuses another's xt match.
  const negated = conditions.find((c) => c.kind === "proto" && c.neg);
  const xtNeg =
    negated?.kind === "proto" && !["tcp", "udp"].includes(PROTO_ALIASES[negated.proto] ?? negated.proto);
  // tcp's --tcp-option stays an xt match too (iptables-restore loaded `! -p tcp --tcp-option 2` the same way).
  const kept = negated ? needs.find((w) => w.before && (xtNeg || w.tok.value === "--tcp-option")) : undefined;
  if (kept)
    return fail(
      kept.tok.column,
      `${kept.tok.value} in a rule of '! -p ${(negated as { proto: string }).proto}': the kernel refuses its match when the protocol is negated (iptables-restore: "RULE_APPEND failed (Invalid argument)")`,
      "write the protocol without '!', or its options in a rule of their own",
    );
  // After `! -p tcp` iptables-nft tests the flags' byte of whatever transport header the packet has.
  if (negated?.kind === "proto" && negated.proto === "tcp")
    for (const c of conditions) if (c.kind === "tcp-flags") c.th = true;
  // And the ports' bytes, after `! -p tcp` or `! -p udp` (`meta l4proto != udp th dport 53`).
  if (negated?.kind === "proto" && ["tcp", "udp"].includes(PROTO_ALIASES[negated.proto] ?? negated.proto))
    for (const c of conditions) if (c.kind === "sport" || c.kind === "dport") c.th = true;
  if (clash) return fail(clash.column, clash.message, clash.hint);
  // The target's options are checked last, as iptables-restore checks them after the matches'.
  const targetClash = jumpAt < 0 ? undefined : optionsExcluded(tokens[jumpAt + 1], tokens.slice(jumpAt + 2));
  if (targetClash) return { ok: false, error: targetClash };
  // The kernel checks the rule's own protocol (`-p tcp`, not negated), wherever `-p` is written.
  if (ecnTcp && !conditions.some((c) => c.kind === "proto" && c.proto === "tcp" && !c.neg))
    return fail(
      ecnTcp.column,
      `${ecnTcp.value} needs a rule of -p tcp: xt_ecn refuses TCP flags for another protocol (iptables-restore: "RULE_APPEND failed (Invalid argument)")`,
      "add -p tcp to the rule, or test only the IP header's ECN bits with --ecn-ip-ect",
    );
  withoutConnection(conditions, matches);
  xtOwner(conditions, matches);
  return { ok: true, conditions, target };
}

/**
 * An unsigned number as xtables reads it (strtoul with base 0): decimal, `0x` hex, or octal after a
 * leading `0` (iptables-nft 1.8.9 took `--length 0x54` as 84 and `--length 010` as 8); undefined for
 * anything else.
 */
function xtablesNumber(text: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number(text);
  if (/^0[0-7]+$/.test(text)) return Number.parseInt(text, 8);
  return /^(0|[1-9]\d*)$/.test(text) ? Number(text) : undefined;
}

/**
 * `--length` of `-m length`: `N`, `LO:HI`, `:HI` (from 0) or `LO:` (to 65535), each up to 65535 (iptables-nft
 * 1.8.9 saved `:100` as `0:100` and `100:` as `100:65535`, and took `200:100`, which holds no length);
 * undefined for anything else.
 */
function lengthRange(text: string): PortRange | undefined {
  const [a, b, more] = text.split(":");
  if (more !== undefined || a === undefined) return undefined;
  const lo = a === "" && b !== undefined ? 0 : xtablesNumber(a);
  const hi = b === undefined ? lo : b === "" ? 65535 : xtablesNumber(b);
  if (lo === undefined || hi === undefined || lo > 65535 || hi > 65535) return undefined;
  return { lo, hi };
}

/** xt_policy's options, with whether each takes a value (iptables-extensions(8)). */
/** `-m policy` options of one policy element (`--next` starts another): each once in it. */
const POLICY_ELEMENT = new Set(["--reqid", "--spi", "--proto", "--mode", "--tunnel-src", "--tunnel-dst"]);
const POLICY_OPTIONS: Record<string, boolean> = {
  "--dir": true,
  "--pol": true,
  "--strict": false,
  "--reqid": true,
  "--spi": true,
  "--proto": true,
  "--mode": true,
  "--tunnel-src": true,
  "--tunnel-dst": true,
  "--next": false,
};

/** What a module's own reader returns: its condition and the token after it, or why the tool refuses it. */
type ModuleRead =
  | { ok: true; condition: Condition; next: number }
  | { ok: false; column: number; message: string; hint: string };

/**
 * The reader of a module whose options are read whole by a reader of its own (`-m set`, `-m policy`,
 * the IPv6 extension-header modules), called with the tokens, the index after `-m NAME` and the
 * column of `-m`; undefined for the modules read option by option here.
 */
function moduleReader(
  module: string,
  family: "ip" | "ip6",
): ((tokens: Token[], at: number, column: number) => ModuleRead) | undefined {
  if (module === "set") return readSetMatch;
  if (module === "policy") return readPolicy;
  // The exthdr readers start at the module name: their errors point at it.
  if (EXTHDR_MODULES.has(module) || module === "ipv6header")
    return (tokens, at) => readExthdrMatch(tokens, at - 1, module, family);
  return undefined;
}

/** A `-m policy` read: its condition and the token after it, or why iptables refuses it. */
type PolicyRead =
  | { ok: true; condition: Extract<Condition, { kind: "ipsec" }>; next: number }
  | { ok: false; column: number; message: string; hint: string };

/**
 * The options of a `-m policy` from `start` (`--dir in|out --pol none|ipsec`, then the transform's
 * `--strict`, `--reqid`, `--spi`, `--proto`, `--mode`, `--tunnel-src`, `--tunnel-dst`, `--next`, a `!`
 * before any of those) as one IPsec condition: `--pol none` is the condition negated. Refused as
 * iptables-nft 1.8.9 refused them: no `--dir`, a `--dir` or `--pol` of another value, a `!` before
 * `--dir` or `--pol`, `--next` without `--strict`. No `--pol` is `--pol ipsec`, as iptables-save prints it.
 */
function readPolicy(tokens: Token[], start: number, column: number): PolicyRead {
  let dir: "in" | "out" | undefined;
  let pol: "none" | "ipsec" = "ipsec";
  const seen = new Map<string, Token>();
  let j = start;
  const refuse = (at: number, message: string, hint: string): PolicyRead => ({
    ok: false,
    column: at,
    message,
    hint,
  });
  // The options of the current policy element (up to --next): each may be given once in it.
  const element = new Set<string>();
  for (;;) {
    const bang = isWord(tokens[j], "!") ? 1 : 0;
    const t = tokens[j + bang];
    if (!t || t.quoted || !Object.hasOwn(POLICY_OPTIONS, t.value)) break;
    const value = POLICY_OPTIONS[t.value] ? tokens[j + bang + 1] : undefined;
    if (POLICY_OPTIONS[t.value] && (!value || isOptionWord(value)))
      return refuse(t.column, `${t.value} needs a value`, `write e.g. -m policy --dir in --pol none`);
    if (POLICY_ELEMENT.has(t.value)) {
      if (element.has(t.value))
        return refuse(
          t.column,
          `'${t.value}' is given twice in one policy element: iptables-restore refuses it ("policy match: double ${t.value} option")`,
          "give it once: the next element's options follow --next (with --strict)",
        );
      element.add(t.value);
    } else if (t.value === "--next") element.clear();
    else if (seen.has(t.value))
      return refuse(
        t.column,
        `'${t.value}' is given twice in one -m policy: iptables-restore refuses it ("policy: option "${t.value}" can only be used once.")`,
        "give it once: a second test needs a -m of its own",
      );
    if (bang && (t.value === "--dir" || t.value === "--pol"))
      return refuse(
        (tokens[j] as Token).column,
        `iptables refuses '! ${t.value}': policy: option "${t.value}" cannot be inverted`,
        t.value === "--pol"
          ? "--pol none is the negation of --pol ipsec: write that instead"
          : "write --dir in or --dir out",
      );
    if (t.value === "--dir") {
      const v = (value as Token).value;
      if (v !== "in" && v !== "out")
        return refuse(
          (value as Token).column,
          `'${v}' is not a policy direction`,
          "write --dir in or --dir out",
        );
      dir = v;
    }
    if (t.value === "--pol") {
      const v = (value as Token).value;
      if (v !== "none" && v !== "ipsec")
        return refuse((value as Token).column, `'${v}' is not a policy`, "write --pol none or --pol ipsec");
      pol = v;
    }
    seen.set(t.value, t);
    j += bang + 1 + (value ? 1 : 0);
  }
  const next = seen.get("--next");
  if (next && !seen.has("--strict"))
    return refuse(
      next.column,
      `iptables refuses --next without --strict (policy: option "--next" also requires "--strict")`,
      "add --strict before the first element's options, or drop --next",
    );
  if (!dir)
    return refuse(
      column,
      "-m policy needs --dir in or --dir out (iptables: policy match: neither --dir in nor --dir out specified)",
      "write e.g. -m policy --dir in --pol none",
    );
  return { ok: true, condition: { kind: "ipsec", dir, neg: pol === "none" }, next: j };
}

/**
 * Sets `withoutConnection` on the options of each `-m conntrack` of a rule whose result xt_conntrack
 * decides without a connection (its tuple options, `--ctdir`, `--ctstatus` and the unmodelled ones:
 * `--ctexpire`, ...): true when the same match has a `--ctstate`, false otherwise (see the conditions' field).
 */
function withoutConnection(conditions: Condition[], matches: { module: string; from: number }[]): void {
  for (const [k, m] of matches.entries()) {
    if (m.module !== "conntrack") continue;
    const own = conditions.slice(m.from, matches[k + 1]?.from ?? conditions.length);
    const state = own.some((c) => c.kind === "ctstate");
    for (const c of own)
      if (c.kind === "unknown" && /(?:^|\s)-m conntrack\s/.test(c.text)) c.withoutConnection = state;
      else if (
        (c.kind === "ct-tuple" || c.kind === "ctdir" || c.kind === "ctstatus" || c.kind === "ctproto") &&
        state
      )
        c.withoutConnection = true;
  }
}

/**
 * Target extensions that always let the packet go on to the next rule and change nothing the
 * simulator decides on (addresses, ports, marks, TOS, TTL, conntrack state): MSS, checksums, logging
 * to userspace, classification, timers, security labels. DSCP and TOS are not among them: a later
 * `-m dscp` reads what they set; nor TTL and HL: `-m ttl`/`-m hl` and forwarding's expiry read theirs.
 */
export const NON_DECIDING_TARGETS = new Set(
  "TCPMSS CHECKSUM NFLOG ULOG CLASSIFY ECN AUDIT IDLETIMER SECMARK CONNSECMARK LED RATEEST".split(" "),
);

const SIMPLE_TARGETS = new Set(["ACCEPT", "DROP", "RETURN", "TRACE", "CONTINUE"]);

function optionValue(rest: Token[], names: string[]): Token | undefined {
  for (let i = 0; i < rest.length; i++) {
    if (names.includes((rest[i] as Token).value)) return rest[i + 1];
  }
  return undefined;
}

/**
 * `-j NETMAP --to NET[/LEN|/MASK]` (libxt_NETMAP): the prefix's first and last address, mapped by hook
 * (see the `netmap` field of the DNAT/SNAT target). A bare address is a /32 (/128).
 */
function netmapTarget(name: Token, rest: Token[]): { target: Target } | { error: RuleArgError } {
  const v = optionValue(rest, ["--to"]);
  const c = v ? parseIpCidr(v.value) : undefined;
  if (!v || !c)
    return {
      error: {
        column: v?.column ?? name.column,
        message: v ? `'${v.value}' is not an address or prefix` : "NETMAP needs --to",
        hint: "write e.g. -j NETMAP --to 198.51.100.0/24",
      },
    };
  const [first, last] =
    "v6" in c
      ? [c.net, c.net | (((1n << 128n) - 1n) ^ c.mask)].map((x) => formatIpv6(valueGroups(x)))
      : [c.net >>> 0, (c.net | ~c.mask) >>> 0].map((x) => formatIpv4(x));
  return {
    target: {
      kind: "DNAT",
      addr: first as string,
      ...(last !== first ? { addrHi: last as string } : {}),
      netmap: "hook",
    },
  };
}

/**
 * Options of the targets the simulator models, with whether each takes a value
 * (iptables-extensions(8)); the simple verdicts take none.
 */
const TARGET_OPTIONS: Record<string, Record<string, boolean>> = {
  ACCEPT: {},
  DROP: {},
  RETURN: {},
  TRACE: {},
  CONTINUE: {},
  REJECT: { "--reject-with": true },
  LOG: {
    "--log-prefix": true,
    "--log-level": true,
    "--log-tcp-sequence": false,
    "--log-tcp-options": false,
    "--log-ip-options": false,
    "--log-uid": false,
    "--log-macdecode": false,
  },
  DNAT: { "--to-destination": true, "--to": true, "--random": false, "--persistent": false },
  SNAT: {
    "--to-source": true,
    "--to": true,
    "--random": false,
    "--random-fully": false,
    "--persistent": false,
  },
  MASQUERADE: { "--to-ports": true, "--random": false, "--random-fully": false },
  REDIRECT: { "--to-ports": true, "--random": false },
  NETMAP: { "--to": true },
  MARK: {
    "--set-xmark": true,
    "--set-mark": true,
    "--or-mark": true,
    "--and-mark": true,
    "--xor-mark": true,
  },
  CONNMARK: {
    "--set-xmark": true,
    "--set-mark": true,
    "--save-mark": false,
    "--restore-mark": false,
    "--mask": true,
    "--nfmask": true,
    "--ctmask": true,
    "--and-mark": true,
    "--or-mark": true,
    "--xor-mark": true,
    // CONNMARK revision 2's shifts: read, not modelled (see connmarkTarget).
    "--left-shift-mark": true,
    "--right-shift-mark": true,
  },
  DSCP: { "--set-dscp": true, "--set-dscp-class": true },
  TOS: { "--set-tos": true, "--and-tos": true, "--or-tos": true, "--xor-tos": true },
  // Not modelled (NFLOG) or in part: listed so that each option given twice is refused as the tool does.
  NFLOG: {
    "--nflog-group": true,
    "--nflog-range": true,
    "--nflog-size": true,
    "--nflog-threshold": true,
    "--nflog-prefix": true,
  },
  TCPMSS: { "--set-mss": true, "--clamp-mss-to-pmtu": false },
  TTL: { "--ttl-set": true, "--ttl-dec": true, "--ttl-inc": true },
  HL: { "--hl-set": true, "--hl-dec": true, "--hl-inc": true },
};

/** A target's options iptables reports by another name (`-j DNAT --to` is its `--to-destination`). */
const TARGET_NAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DNAT: { "--to": "--to-destination" },
  SNAT: { "--to": "--to-source" },
};

/**
 * iptables-restore's refusal of two options of target `name` (the words `rest` after it) that exclude
 * each other (`-j MARK --set-mark 1 --and-mark 2`), at the later; undefined when none do.
 */
function optionsExcluded(name: Token | undefined, rest: readonly Token[]): RuleArgError | undefined {
  const known = name ? TARGET_OPTIONS[name.value] : undefined;
  if (!name || !known) return undefined;
  const given = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i] as Token;
    if (!Object.hasOwn(known, tok.value)) continue;
    const excluded = optionClash(name.value, tok.value, given);
    if (excluded) return { column: tok.column, ...excluded };
    given.add(tok.value);
    if (known[tok.value]) i++;
  }
  return undefined;
}

/** The first word after `-j NAME` that is not one of the target's options (or lacks its value), as an error. */
function badTargetOption(name: Token, rest: Token[]): RuleArgError | undefined {
  const known = TARGET_OPTIONS[name.value];
  if (!known) return undefined;
  const list = Object.keys(known);
  const given = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i] as Token;
    const takesValue = Object.hasOwn(known, tok.value) ? known[tok.value] : undefined;
    const option = TARGET_NAMED[name.value]?.[tok.value] ?? tok.value;
    if (takesValue !== undefined && given.has(option))
      return {
        column: tok.column,
        message: `'${tok.value}' is given twice to -j ${name.value}: iptables-restore refuses it ("${name.value}: option "${option}" can only be used once.")`,
        hint: `give it once: -j ${name.value} takes one ${option}`,
      };
    given.add(option);
    if (takesValue === undefined)
      return {
        column: tok.column,
        message: list.length
          ? `'${tok.value}' is not an option of target ${name.value}`
          : `target ${name.value} takes no options, found '${tok.value}'`,
        hint: list.length
          ? `${name.value} takes ${list.join(", ")}`
          : `end the rule after -j ${name.value}; matches go before -j`,
      };
    if (takesValue) {
      if (i + 1 >= rest.length)
        return {
          column: tok.column,
          message: `${tok.value} needs a value`,
          hint: `write e.g. ${tok.value} VALUE`,
        };
      i++;
    }
  }
  return undefined;
}

function parseTarget(
  name: Token,
  rest: Token[],
  isGoto: boolean,
  words: readonly Token[],
): { target: Target } | { error: RuleArgError } {
  const t = name.value;
  const bad = isGoto ? undefined : badTargetOption(name, rest);
  if (bad) return { error: bad };
  // A chain takes no options; an unknown upper-case name is a target extension that may.
  if ((isGoto || (!TARGET_OPTIONS[t] && !/^[A-Z][A-Z0-9_]*$/.test(t))) && rest[0])
    return {
      error: {
        column: rest[0].column,
        message: `a ${isGoto ? "goto" : "jump"} to chain '${t}' takes no options, found '${rest[0].value}'`,
        hint: "end the rule after the chain name; matches go before -j",
      },
    };
  const text = [
    t,
    ...rest.map((r) => (/\s/.test(r.value) || r.value === "" ? JSON.stringify(r.value) : r.value)),
  ].join(" ");
  if (isGoto) return { target: { kind: "goto", chain: t } };
  if (SIMPLE_TARGETS.has(t)) return { target: { kind: t as "ACCEPT" } };
  switch (t) {
    case "REJECT":
      return { target: { kind: "REJECT", with: optionValue(rest, ["--reject-with"])?.value } };
    case "LOG":
      return {
        target: {
          kind: "LOG",
          prefix: optionValue(rest, ["--log-prefix"])?.value ?? "",
          level: optionValue(rest, ["--log-level"])?.value,
        },
      };
    case "DNAT":
    case "SNAT": {
      const v = optionValue(rest, t === "DNAT" ? ["--to-destination", "--to"] : ["--to-source", "--to"]);
      if (!v)
        return {
          error: {
            column: name.column,
            message: `${t} needs ${t === "DNAT" ? "--to-destination" : "--to-source"}`,
            hint: `write e.g. -j ${t} ${t === "DNAT" ? "--to-destination 172.17.0.2:80" : "--to-source 198.51.100.2"}`,
          },
        };
      // DNAT revision 2's shifted ports (`:8080-8090/8000`: the original port minus 8000 picks one of
      // the range): the new port depends on the packet's, which the target does not model.
      const shift = t === "DNAT" ? /^([^/]*:[^/:]+-[^/:]+)\/(.*)$/.exec(v.value) : null;
      if (shift && parseNatAddressSpec(shift[1] as string, undefined, natPortRange)) {
        const noProto = portWithoutProto(words, v, (shift[1] as string).lastIndexOf(":") + 1);
        if (noProto) return { error: noProto };
        const base = xtablesNumber(shift[2] as string);
        // iptables-nft 1.8.9 refused `/0`, `/70000` and an empty base ("Port `0' not valid").
        if (base === undefined || base < 1 || base > 65535)
          return {
            error: {
              column: v.column + (shift[1] as string).length + 1,
              message: `${shift[2] ? `'${shift[2]}'` : "nothing after '/'"} is not a base port: iptables refuses it (Port \`${shift[2]}' not valid)`,
              hint: "the port after '/' is from 1 to 65535, e.g. --to-destination 10.0.0.1:8080-8090/8000",
            },
          };
        return { target: { kind: "unknown", name: t, text } };
      }
      const to = parseNatAddressSpec(v.value, undefined, natPortRange);
      if (!to)
        return {
          error: {
            column: v.column,
            message: `'${v.value}' is not addr[-addr][:port[-port]]`,
            hint: "expected a.b.c.d[-a.b.c.d][:port[-port]], or [ipv6-address[-ipv6-address]]:port",
          },
        };
      if (to.port) {
        const noProto = portWithoutProto(words, v, v.value.lastIndexOf(":") + 1);
        if (noProto) return { error: noProto };
      }
      const persistent = rest.some((r) => r.value === "--persistent");
      return {
        target: {
          kind: t,
          ...(to.addr !== undefined ? { addr: to.addr } : {}),
          ...(to.addrHi !== undefined ? { addrHi: to.addrHi, ...(persistent ? { persistent } : {}) } : {}),
          ...(to.port ? { port: to.port } : {}),
          ...(randomNat(rest) ? { random: true } : {}),
        },
      };
    }
    case "NETMAP":
      return netmapTarget(name, rest);
    case "MASQUERADE":
    case "REDIRECT": {
      const v = optionValue(rest, ["--to-ports"]);
      const port = v ? natPortRange(v.value) : undefined;
      if (v && !port)
        return {
          error: {
            column: v.column,
            message: `'${v.value}' is not a port or port range${v.value.includes(":") ? `: iptables refuses 'N:M' here ("Invalid port:port syntax - use dash")` : ""}`,
            hint: "e.g. 3128 or 1024-65535",
          },
        };
      const noProto = v ? portWithoutProto(words, v, 0) : undefined;
      if (noProto) return { error: noProto };
      return { target: { kind: t, port, ...(randomNat(rest) ? { random: true } : {}) } };
    }
    case "MARK": {
      for (const [opt, op] of [
        ["--set-xmark", "xset"],
        ["--set-mark", "set"],
        ["--or-mark", "or"],
        ["--and-mark", "and"],
        ["--xor-mark", "xset"],
      ] as const) {
        const v = optionValue(rest, [opt]);
        if (v) {
          const wide = markPastWidth("MARK", opt, v);
          if (wide) return { error: wide };
          const mk = parseMark(v.value);
          if (!mk)
            return {
              error: { column: v.column, message: `'${v.value}' is not value[/mask]`, hint: "e.g. 0x1/0xff" },
            };
          if (op !== "set" && opt !== "--set-xmark" && v.value.includes("/"))
            return { error: bitsNotValueMask(opt, v) };
          return {
            target: {
              kind: "MARK",
              op,
              value: mk.value,
              // `--xor-mark BITS` is `--set-xmark BITS/0`, as iptables-save prints it back; `--set-mark V/M`
              // clears M and V (libxt_MARK: mask V|M; iptables-save prints --set-xmark V/(V|M)).
              mask: opt === "--xor-mark" ? 0 : op === "set" ? (mk.mask | mk.value) >>> 0 : mk.mask,
            },
          };
        }
      }
      return { target: { kind: "unknown", name: t, text } };
    }
  }
  if (t === "CONNMARK") {
    const c = connmarkTarget(rest);
    if (!c) return { target: { kind: "unknown", name: t, text } };
    if ("error" in c) return { error: { ...c.error, column: c.error.column || name.column } };
    return { target: c };
  }
  if (t === "DSCP" || t === "TOS") {
    const tos = tosTarget(t, rest);
    if ("error" in tos) return { error: { ...tos.error, column: tos.error.column || name.column } };
    return { target: tos };
  }
  if (t === "TTL" || t === "HL") {
    // `-j TTL --ttl-set|--ttl-dec|--ttl-inc N` (HL: --hl-*), one option: what `-m ttl` and forwarding then read.
    const op = /^--(?:ttl|hl)-(set|dec|inc)$/.exec(rest[0]?.value ?? "")?.[1];
    const n = rest[1] && /^\d{1,3}$/.test(rest[1].value) ? Number(rest[1].value) : Number.NaN;
    if (op && n <= 255 && rest.length === 2 && rest[0]?.value.startsWith(t === "TTL" ? "--ttl" : "--hl"))
      return { target: { kind: "TTL", op: op as "set" | "inc" | "dec", value: n } };
    return { target: { kind: "unknown", name: t, text } };
  }
  if (t === "TCPMSS") {
    // `--set-mss N` (at most 65535, as libxt_TCPMSS takes it) or `--clamp-mss-to-pmtu`; given both, the
    // later one is the rule's (iptables-restore 1.8.9 took both, iptables-save printed the later alone).
    const last = rest.findLast((r) => r.value === "--set-mss" || r.value === "--clamp-mss-to-pmtu");
    const set =
      last?.value === "--set-mss" ? xtablesNumber(rest[rest.indexOf(last) + 1]?.value ?? "") : undefined;
    if (set !== undefined && set <= 65535) return { target: { kind: "TCPMSS", mss: set } };
    if (last?.value === "--clamp-mss-to-pmtu") return { target: { kind: "TCPMSS" } };
  }
  if (NON_DECIDING_TARGETS.has(t)) return { target: { kind: "unknown", name: t, text, continues: true } };
  // xt_CT's notrack (raw table only, the kernel refuses it elsewhere) is nft's `notrack`: same check, same effect.
  if (
    (t === "CT" && rest.length === 1 && rest[0]?.value === "--notrack") ||
    (t === "NOTRACK" && !rest.length)
  )
    return { target: { kind: "NOTRACK" } };
  // xt_CT's zone template (raw table only, like --notrack): `--zone N`, `--zone-orig N`, `--zone-reply N`.
  const zoneOpt = t === "CT" && rest.length === 2 ? rest[0]?.value : undefined;
  if (zoneOpt === "--zone" || zoneOpt === "--zone-orig" || zoneOpt === "--zone-reply") {
    const v = rest[1] as (typeof rest)[number];
    // `--zone mark`: the zone comes from the packet's mark, which the model does not follow into the lookup.
    if (v.value === "mark") return { target: { kind: "unknown", name: t, text } };
    const zone = /^(0x[0-9a-f]+|\d+)$/i.test(v.value) ? Number(v.value) : Number.NaN;
    if (!(zone <= 65535))
      return {
        error: {
          column: v.column,
          message: `'${v.value}' is not a zone ID`,
          hint: "iptables refuses it (Cannot parse as a zone ID): a zone is a number from 0 to 65535",
        },
      };
    const dir = zoneOpt === "--zone-orig" ? "original" : zoneOpt === "--zone-reply" ? "reply" : undefined;
    return { target: { kind: "CTZONE", zone, ...(dir ? { dir } : {}) } };
  }
  // xt_CT's event masks only choose what ctnetlink reports: the target goes on and changes nothing modelled.
  if (
    t === "CT" &&
    rest.length > 0 &&
    rest.every((r, k) => (k % 2 === 0 ? ["--ctevents", "--expevents"].includes(r.value) : true)) &&
    rest.length % 2 === 0
  )
    return { target: { kind: "unknown", name: t, text, continues: true } };
  // `-j SET --add-set/--del-set` changes a set, not the packet (`--map-set` may set its mark).
  if (t === "SET" && !rest.some((r) => r.value === "--map-set"))
    return { target: { kind: "unknown", name: t, text, continues: true } };
  // An upper-case name that is not a chain is a target extension; lower/mixed case names are chains.
  if (/^[A-Z][A-Z0-9_]*$/.test(t) && rest.length > 0) return { target: { kind: "unknown", name: t, text } };
  return { target: { kind: "jump", chain: t } };
}

/**
 * libxt_MARK and libxt_CONNMARK read `--and-mark`, `--or-mark` and `--xor-mark` as one 32-bit value:
 * iptables-nft 1.8.9 refuses `--or-mark 0x1/0x2` ("bad value for option"), checked in a namespace.
 */
function bitsNotValueMask(opt: string, v: Token): RuleArgError {
  return {
    column: v.column,
    message: `${opt} takes bits, not value/mask: '${v.value}'`,
    hint: `write e.g. ${opt} 0x1, or --set-xmark VALUE/MASK to set bits under a mask`,
  };
}

/** CONNMARK's bit operations as the `--set-xmark V/M` iptables-save prints for them: `(ctmark & ~M) ^ V`. */
const CONNMARK_BITS: Record<string, (bits: number) => { value: number; mask: number }> = {
  "--and-mark": (b) => ({ value: 0, mask: ~b >>> 0 }),
  "--or-mark": (b) => ({ value: b, mask: b }),
  "--xor-mark": (b) => ({ value: b, mask: 0 }),
};

/**
 * `-j CONNMARK --set-xmark V[/M] | --set-mark V[/M] | --and-mark B | --or-mark B | --xor-mark B |
 * --save-mark | --restore-mark` (with `--mask`, or `--nfmask` and `--ctmask`, as iptables-save writes
 * them) as the kernel's xt_CONNMARK runs it; undefined for a mark shifted by
 * `--left-shift-mark`/`--right-shift-mark`, which is left unmodelled.
 */
function connmarkTarget(
  rest: Token[],
): Extract<Target, { kind: "CONNMARK" }> | { error: RuleArgError } | undefined {
  const shift = optionValue(rest, ["--left-shift-mark", "--right-shift-mark"]);
  if (shift && Number(shift.value) !== 0) return undefined;
  const mark = (names: string[], fallback: number): number | { error: RuleArgError } => {
    const v = optionValue(rest, names);
    if (!v) return fallback;
    const mk = parseMark(v.value);
    if (!mk || v.value.includes("/"))
      return { error: { column: v.column, message: `'${v.value}' is not a mask`, hint: "e.g. 0xff" } };
    return mk.value;
  };
  const at = rest.findIndex((r) => Object.hasOwn(CONNMARK_BITS, r.value));
  const bitsOpt = rest[at];
  const bits = rest[at + 1];
  if (bitsOpt && bits) {
    const mk = parseMark(bits.value);
    if (!mk)
      return { error: { column: bits.column, message: `'${bits.value}' is not a mark`, hint: "e.g. 0x1" } };
    if (bits.value.includes("/")) return { error: bitsNotValueMask(bitsOpt.value, bits) };
    const { value, mask } = (CONNMARK_BITS[bitsOpt.value] as (typeof CONNMARK_BITS)[string])(mk.value);
    return { kind: "CONNMARK", op: "set", value, mask, nfmask: 0xffffffff, ctmask: 0xffffffff };
  }
  const set = optionValue(rest, ["--set-xmark", "--set-mark"]);
  const wide = set && markPastWidth("CONNMARK", rest.find((_r, k) => rest[k + 1] === set)?.value ?? "", set);
  if (wide) return { error: wide };
  if (set) {
    const mk = parseMark(set.value);
    if (!mk)
      return {
        error: { column: set.column, message: `'${set.value}' is not value[/mask]`, hint: "e.g. 0x1/0xff" },
      };
    // `--set-mark V/M` zeroes the bits of M and sets those of V (iptables-save prints it as --set-xmark V/(M|V)).
    const xmark = rest.some((r) => r.value === "--set-xmark");
    const mask = xmark ? mk.mask : (mk.mask | mk.value) >>> 0;
    return { kind: "CONNMARK", op: "set", value: mk.value, mask, nfmask: 0xffffffff, ctmask: 0xffffffff };
  }
  const op = rest.some((r) => r.value === "--save-mark")
    ? "save"
    : rest.some((r) => r.value === "--restore-mark")
      ? "restore"
      : undefined;
  if (!op) return undefined;
  const both = mark(["--mask"], 0xffffffff);
  if (typeof both !== "number") return both;
  const nfmask = mark(["--nfmask"], both);
  if (typeof nfmask !== "number") return nfmask;
  const ctmask = mark(["--ctmask"], both);
  if (typeof ctmask !== "number") return ctmask;
  return { kind: "CONNMARK", op, value: 0, mask: 0, nfmask, ctmask };
}

/**
 * `-j DSCP --set-dscp N | --set-dscp-class C` and `-j TOS --set-tos V[/M] | --and-tos | --or-tos |
 * --xor-tos B` as one rewrite of the TOS byte, `(tos & ~mask) ^ value` (as the kernel's xt_DSCP does).
 */
function tosTarget(
  t: "DSCP" | "TOS",
  rest: Token[],
): Extract<Target, { kind: "TOS" }> | { error: RuleArgError } {
  const opt = rest[0];
  const v = rest[1];
  const bad = (message: string, hint: string) => ({
    error: { column: v?.column ?? opt?.column ?? 0, message, hint },
  });
  if (!opt || !v)
    return bad(
      `${t} needs ${t === "DSCP" ? "--set-dscp or --set-dscp-class" : "--set-tos"}`,
      `write e.g. -j ${t} ${t === "DSCP" ? "--set-dscp 0x0a" : "--set-tos 0x10"}`,
    );
  if (t === "DSCP") {
    const d = dscpOption(opt.value, v.value);
    if (d === undefined)
      return bad(`'${v.value}' is not a DSCP`, "write e.g. --set-dscp 0x0a or --set-dscp-class AF11");
    return { kind: "TOS", value: d << 2, mask: 0xfc };
  }
  const tos = parseTos(v.value);
  if (!tos) return bad(`'${v.value}' is not a TOS value`, "write e.g. --set-tos 0x10/0x3f");
  if (opt.value === "--set-tos") return { kind: "TOS", value: tos.value, mask: tos.mask };
  // The bit operations as an xor under a mask: and clears the bits not given, or sets those given.
  if (opt.value === "--and-tos") return { kind: "TOS", value: 0, mask: ~tos.value & 0xff };
  if (opt.value === "--or-tos") return { kind: "TOS", value: tos.value, mask: tos.value };
  return { kind: "TOS", value: tos.value, mask: 0 };
}

/**
 * A NAT target's port or `lo-hi` range as libxt_NAT, libxt_MASQUERADE and libxt_REDIRECT read it
 * (iptables-nft 1.8.9): each bound decimal, hex (`0x50`) or octal (`0120`), up to 65535, or a lone
 * service name (`http`); `080`, `70000`, `90-80`, `http-https` and `N:M` refused. Undefined otherwise.
 */
export function natPortRange(text: string): PortRange | undefined {
  const [a, b, more] = text.split("-");
  if (a === undefined || more !== undefined) return undefined;
  const lo = b === undefined && !/^\d/.test(a) ? nftPort(a) : xtablesNumber(a);
  const hi = b === undefined ? lo : xtablesNumber(b);
  if (lo === undefined || hi === undefined || hi > 65535 || lo > hi) return undefined;
  return { lo, hi };
}

/** Protocols whose rule may give a NAT target a port: libxt_NAT's check (ICMP's echo id is its port). */
const NAT_PORT_PROTOS = new Set(["tcp", "6", "udp", "17", "sctp", "132", "dccp", "33", "icmp", "1"]);

/**
 * The error for a NAT port (in value `v` from offset `at`) in a rule whose `-p`, written before the
 * port, is none of TCP, UDP, SCTP, DCCP (or ICMP): iptables-nft 1.8.9 refused `-j DNAT --to-destination
 * 10.0.0.1:80` alone, with `-p udplite`, `-p all`, or with `-p tcp` after the target; `! -p tcp` was taken.
 */
function portWithoutProto(words: readonly Token[], v: Token, at: number): RuleArgError | undefined {
  const proto = words.find(
    (w, k) => w.column < v.column && isWord(w, "-p", "--protocol") && !isWord(words[k - 1], "--comment"),
  );
  const value = proto ? words[words.indexOf(proto) + 1] : undefined;
  if (value && NAT_PORT_PROTOS.has(value.value.toLowerCase())) return undefined;
  return {
    column: v.column + at,
    message: `a port needs -p tcp, udp, sctp or dccp: iptables refuses it ${value ? `with -p ${value.value}` : "without -p"} ("Need TCP, UDP, SCTP or DCCP with port specification")`,
    hint: "add -p tcp (or udp, sctp, dccp) before the target",
  };
}

/** Whether a NAT target's options draw its port at random (`--random`, `--random-fully`). */
function randomNat(rest: readonly { value: string }[]): boolean {
  return rest.some((r) => r.value === "--random" || r.value === "--random-fully");
}
