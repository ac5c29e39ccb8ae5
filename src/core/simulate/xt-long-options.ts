/**
 * Long options shortened as getopt_long takes them in a hand-written rules file (`--proto udp`,
 * `--in-int eth0`, `--sour 10.0.0.1`, `-j DNAT --to-dest ...`): the start of exactly one option name
 * stands for it, as iptables-restore reads a rule; iptables-save prints them whole.
 */
import type { Token } from "./tokenize-rule.ts";

/**
 * Every long option of iptables 1.8.9's own (its commands too): a start shared by two of them is
 * ambiguous, as getopt_long says (`--in`: insert or in-interface).
 */
export const IPTABLES_LONG: readonly string[] = [
  "--append",
  "--delete",
  "--insert",
  "--check",
  "--replace",
  "--list",
  "--list-rules",
  "--flush",
  "--zero",
  "--new-chain",
  "--delete-chain",
  "--rename-chain",
  "--policy",
  "--source",
  "--src",
  "--destination",
  "--dst",
  "--protocol",
  "--in-interface",
  "--jump",
  "--table",
  "--verbose",
  "--wait",
  "--wait-interval",
  "--exact",
  "--numeric",
  "--out-interface",
  "--match",
  "--goto",
  "--version",
  "--help",
  "--line-numbers",
  "--modprobe",
  "--set-counters",
  "--ipv4",
  "--ipv6",
  "--fragment",
  "--fragments",
];

/** The ones a rule's words may hold (a command in a rule is an error of its own). */
const RULE_LONG = new Set([
  "--source",
  "--src",
  "--destination",
  "--dst",
  "--protocol",
  "--in-interface",
  "--out-interface",
  "--jump",
  "--goto",
  "--match",
  "--fragment",
  "--fragments",
  "--set-counters",
]);

const TCP_UDP = ["--source-port", "--sport", "--destination-port", "--dport"];
/**
 * Long options of matches, read against once `-m` loaded them (or `-p` did, for the protocol's own
 * match, once one of its options was met): after `-m multiport` (and no tcp match), `--dport 22,80`
 * is its `--dports`; a match's whole option wins over a start of another (`-m policy --proto`).
 */
const MODULE_LONG: Record<string, readonly string[]> = {
  multiport: ["--source-ports", "--sports", "--destination-ports", "--dports", "--ports"],
  tcp: [...TCP_UDP, "--tcp-flags", "--syn", "--tcp-option"],
  udp: TCP_UDP,
  policy: [
    "--dir",
    "--pol",
    "--strict",
    "--reqid",
    "--spi",
    "--proto",
    "--mode",
    "--tunnel-src",
    "--tunnel-dst",
    "--next",
  ],
  icmp: ["--icmp-type"],
  icmp6: ["--icmpv6-type"],
  addrtype: ["--src-type", "--dst-type", "--limit-iface-in", "--limit-iface-out"],
  conntrack: [
    "--ctstate",
    "--ctproto",
    "--ctorigsrc",
    "--ctorigdst",
    "--ctreplsrc",
    "--ctrepldst",
    "--ctorigsrcport",
    "--ctorigdstport",
    "--ctreplsrcport",
    "--ctrepldstport",
    "--ctstatus",
    "--ctexpire",
    "--ctdir",
  ],
  state: ["--state"],
  physdev: ["--physdev-in", "--physdev-out", "--physdev-is-in", "--physdev-is-out", "--physdev-is-bridged"],
  comment: ["--comment"],
  mark: ["--mark"],
  connmark: ["--mark"],
  iprange: ["--src-range", "--dst-range"],
  ttl: ["--ttl", "--ttl-eq", "--ttl-gt", "--ttl-lt"],
  hl: ["--hl", "--hl-eq", "--hl-gt", "--hl-lt"],
  pkttype: ["--pkt-type"],
  mac: ["--mac-source"],
  dscp: ["--dscp", "--dscp-class"],
  tos: ["--tos"],
  ecn: ["--ecn-tcp-cwr", "--ecn-tcp-ece", "--ecn-ip-ect"],
  length: ["--length"],
  tcpmss: ["--mss"],
  helper: ["--helper"],
  // Its `--set` is no start of iptables' --set-counters.
  connlabel: ["--label", "--set"],
  statistic: ["--mode", "--probability", "--every", "--packet"],
  recent: [
    "--set",
    "--rcheck",
    "--update",
    "--remove",
    "--seconds",
    "--reap",
    "--hitcount",
    "--rttl",
    "--name",
    "--mask",
    "--rsource",
    "--rdest",
  ],
};

/** Whether `word` is, or starts, an option of a match listed here (`--pol` is policy's, not `--policy`). */
export function startsMatchOption(word: string): boolean {
  return Object.values(MODULE_LONG).some((names) => names.some((n) => n.startsWith(word)));
}

/** The match `-p NAME` loads for an option no loaded match knows (iptables loads it by the protocol's name). */
const PROTO_MATCH: Readonly<Record<string, string>> = {
  tcp: "tcp",
  udp: "udp",
  icmp: "icmp",
  icmpv6: "icmp6",
  "ipv6-icmp": "icmp6",
};

/**
 * Whether iptables-restore refuses option `opt` ("unknown option"): neither iptables' own nor one of the
 * matches loaded by `-m` (`loaded`) or by the rule's `-p` (`protos`) knows it, nor starts one of theirs.
 * Undefined when a loaded match or protocol is one whose options are not listed here (it may know it);
 * else the loaded matches' options (for a "did you mean").
 */
export function unknownOption(
  opt: string,
  loaded: readonly string[],
  protos: readonly string[],
): readonly string[] | undefined {
  const implicit = protos.map((p) => PROTO_MATCH[p] ?? p);
  const matches = [...loaded.map((m) => (m === "ipv6-icmp" ? "icmp6" : m)), ...implicit];
  if (!opt.startsWith("--") || matches.some((m) => !Object.hasOwn(MODULE_LONG, m))) return undefined;
  const own = matches.flatMap((m) => MODULE_LONG[m] ?? []);
  const names = new Set([...IPTABLES_LONG, ...own]);
  // getopt_long reads `--dport=22` as `--dport` with its value.
  const eq = opt.indexOf("=");
  const name = eq > 2 ? opt.slice(0, eq) : opt;
  // getopt_long takes the whole name, or the start of exactly one (`--ctstat` starts two: refused).
  const starts = [...names].filter((n) => n.startsWith(name));
  return names.has(name) || starts.length === 1 ? undefined : own;
}

/** Options whose value is free text, which may start with `--` (`--log-prefix --out`). */
const TEXT_VALUE = new Set(["--comment", "--log-prefix", "--nflog-prefix", "--name"]);

/** Long options that are one option under two names: getopt_long takes a start of both (`--fr`) as it. */
const SAME_OPTION: Readonly<Record<string, string>> = {
  "--fragments": "--fragment",
  "--src": "--source",
  "--dst": "--destination",
};

/**
 * The one name of `names` that `word` is or begins, or undefined (none, or more than one: ambiguous;
 * two names of one option are not: `--fr` is --fragment).
 * @param names long options, with their `--`
 */
export function longOptionOf(word: string, names: readonly string[]): string | undefined {
  if (names.includes(word)) return word;
  let found: string | undefined;
  for (const name of names) {
    if (!name.startsWith(word)) continue;
    if (found && (SAME_OPTION[found] ?? found) !== (SAME_OPTION[name] ?? name)) return undefined;
    found ??= name;
  }
  return found;
}

/**
 * iptables' own option that `name` is or starts, unless an option of a match loaded before it (`loaded`,
 * by `-m`) starts with it (`-m policy --pol` is policy's): getopt_long knows only the loaded matches'
 * options, so `--sr=1.1.1.1` without `-m addrtype` is `--src` (iptables-restore 1.8.9: host/network
 * `--sr=1.1.1.1' not found). A loaded match whose options are not listed may hold it.
 */
function ownLong(name: string, loaded: ReadonlySet<string>): string | undefined {
  if (IPTABLES_LONG.includes(name)) return name;
  const own = longOptionOf(name, IPTABLES_LONG);
  if (!own) return undefined;
  const unlisted = [...loaded].some((m) => !Object.hasOwn(MODULE_LONG, m));
  const shadowed = unlisted
    ? startsMatchOption(name)
    : [...loaded].some((m) => (MODULE_LONG[m] ?? []).some((n) => n.startsWith(name)));
  return shadowed ? undefined : own;
}

/** The matches `-m NAME` (`--match NAME`, `--match=NAME`) loads in `words` before index `k`, lower-case. */
function loadedBefore(words: readonly Token[], k: number): Set<string> {
  const loaded = new Set<string>();
  for (let i = 0; i < k; i++) {
    const w = words[i] as Token;
    const before = words[i - 1];
    if (before && !before.quoted && (before.value === "-m" || before.value === "--match"))
      loaded.add(w.value.toLowerCase() === "ipv6-icmp" ? "icmp6" : w.value.toLowerCase());
    else if (!w.quoted && w.value.startsWith("--match=")) loaded.add(w.value.slice(8).toLowerCase());
  }
  return loaded;
}

/**
 * iptables' own options that read a value after `=` (the others read the whole word as their value):
 * iptables-restore 1.8.9 took `--goto=MYCH` and iptables-save printed `-g MYCH`.
 */
const OWN_SPLIT = new Set(["--match", "--set-counters", "--goto"]);

/** What iptables-restore 1.8.9 said for its own option written `--option=value`, which it reads whole as the value. */
const OWN_WHOLE: Readonly<Record<string, (word: string) => string | undefined>> = {
  "--source": (w) => `host/network \`${w}' not found`,
  "--src": (w) => `host/network \`${w}' not found`,
  "--destination": (w) => `host/network \`${w}' not found`,
  "--dst": (w) => `host/network \`${w}' not found`,
  "--protocol": (w) => `unknown protocol "${w}" specified`,
  // A word of up to 15 characters (`--in-i=e`) is a name it takes.
  "--in-interface": (w) =>
    w.length > 15 ? `interface name \`${w}' must be shorter than IFNAMSIZ (15)` : undefined,
  "--out-interface": (w) =>
    w.length > 15 ? `interface name \`${w}' must be shorter than IFNAMSIZ (15)` : undefined,
  "--jump": (w) => `Chain '${w}' does not exist`,
};

/**
 * The first of `words` that is iptables' own `--source=1.2.3.4` (`--protocol=tcp`, `--jump=ACCEPT`):
 * iptables-restore 1.8.9 takes the whole word as the value and refuses it; with what it said.
 */
export function ownOptionWithValue(words: readonly Token[]): { token: Token; said: string } | undefined {
  for (const [k, w] of words.entries()) {
    const m = /^(--[A-Za-z0-9_-]+)=/.exec(w.value);
    const before = words[k - 1];
    if (!m || w.quoted || (before && !before.quoted && VALUE_AFTER.has(before.value))) continue;
    const own = ownLong(m[1] as string, loadedBefore(words, k));
    const said = own ? OWN_WHOLE[own]?.(w.value) : undefined;
    if (said) return { token: w, said };
  }
  return undefined;
}

/** Options after which a word is their value, whatever it holds (`--comment --a=b`). */
const VALUE_AFTER = new Set([...TEXT_VALUE, "-s", "-d", "-i", "-o", "-p", "-m", "-j", "-g"]);

/**
 * The rule's words with a match's or target's `--option=value` (getopt_long's form) split into the
 * option and its value (`--log-prefix=abc`, `-m policy --dir=in`), as iptables-restore reads them;
 * iptables' own options keep the word whole (it refuses `--source=1.2.3.4` as a host name).
 */
export function splitOptionValues(words: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const [k, w] of words.entries()) {
    const m = /^(--[A-Za-z0-9_-]+)=/.exec(w.value);
    const before = words[k - 1];
    // A match's whole option wins over a start of iptables' own (`--pol=none` is policy's).
    const own = m ? ownLong(m[1] as string, loadedBefore(words, k)) : undefined;
    if (!m || (own && !OWN_SPLIT.has(own)) || (before && !before.quoted && VALUE_AFTER.has(before.value))) {
      out.push(w);
      continue;
    }
    const name = m[1] as string;
    const value: Token = { value: w.value.slice(name.length + 1), column: w.column + name.length + 1 };
    out.push({ value: name, column: w.column }, w.quoted ? { ...value, quoted: true } : value);
  }
  return out;
}

/**
 * The rule's words with each shortened long option written whole: iptables' own (`--proto`), a loaded
 * match's (`-m multiport --dport`), the protocol's match's (`-p tcp --dp 22`), and after `-j NAME` the
 * target's (`targetOptions(NAME)`: its options, each with whether it takes a value; `--to-dest`).
 * Quoted words and the values of text options are left as they are.
 */
export function wholeLongOptions(
  words: readonly Token[],
  targetOptions: (name: string) => Readonly<Record<string, boolean>> | undefined,
): Token[] {
  const loaded = new Set<string>();
  let proto: string | undefined;
  let target: Readonly<Record<string, boolean>> | undefined;
  const out: Token[] = [];
  for (const w of words) {
    const before = out[out.length - 1];
    const opt = before && !before.quoted ? before.value : "";
    if (opt === "-m" || opt === "--match") loaded.add(w.value.toLowerCase());
    if (opt === "-p" || opt === "--protocol") proto = w.value.toLowerCase();
    if (opt === "-j" || opt === "--jump") target = targetOptions(w.value);
    // A value, not an option, whatever it looks like.
    if (TEXT_VALUE.has(opt) || (target && Object.hasOwn(target, opt) && target[opt])) {
      out.push(w);
      continue;
    }
    out.push(whole(w, target ? Object.keys(target) : undefined, loaded, proto));
  }
  return out;
}

/** `w` written whole (see {@link wholeLongOptions}), or `w`; a protocol match it needs is loaded in `loaded`. */
function whole(
  w: Token,
  target: readonly string[] | undefined,
  loaded: Set<string>,
  proto: string | undefined,
): Token {
  if (w.quoted || !w.value.startsWith("--") || w.value.length < 3) return w;
  const own = target ? longOptionOf(w.value, target) : undefined;
  if (own) return own === w.value ? w : { ...w, value: own };
  const names = [...IPTABLES_LONG, ...[...loaded].flatMap((m) => MODULE_LONG[m] ?? [])];
  const name = longOptionOf(w.value, names) ?? implicit(w.value, proto, loaded);
  if (!name || name === w.value) return w;
  return RULE_LONG.has(name) || !IPTABLES_LONG.includes(name) ? { ...w, value: name } : w;
}

/**
 * What iptables does with an option no loaded match knows: it loads the match of the rule's `-p`
 * (tcp, udp) and reads the option there; from then on that match's whole options win (`-p tcp --syn
 * -m multiport --dport 80,443` is tcp's `--dport`).
 */
function implicit(word: string, proto: string | undefined, loaded: Set<string>): string | undefined {
  const options = proto && !loaded.has(proto) ? MODULE_LONG[proto] : undefined;
  const name = options ? longOptionOf(word, options) : undefined;
  if (name && proto) loaded.add(proto);
  return name;
}
