/**
 * A second command in one restore line (`-A X ... -A X ...`, as a paste that joined two rules makes):
 * iptables 1.8.9 refuses the line ("Cannot use -A with -A", "Cannot use -I with -A", ...), ebtables-nft
 * 1.8.9 too ("Multiple commands are not allowed"); so with a long command (`--append`, `--ins`) or one
 * right after an option without a value (`--syn -A X`).
 */
import type { RestoreCommand } from "./restore-commands.ts";
import type { Token } from "./tokenize-rule.ts";
import { IPTABLES_LONG, longOptionOf, startsMatchOption } from "./xt-long-options.ts";

/** The letter iptables names each command by. */
const LETTER: Record<RestoreCommand, string> = {
  append: "A",
  insert: "I",
  replace: "R",
  delete: "D",
  "new-chain": "N",
  "delete-chain": "X",
  flush: "F",
  zero: "Z",
  policy: "P",
};

/** Short options of a rule that take a value: a command letter after them is that value. */
const TAKES_VALUE = new Set(["-s", "-d", "-i", "-o", "-p", "-j", "-g", "-m", "-c", "-t", "-w", "-W"]);

/** A refused line, at the second command. */
export interface SecondCommand {
  token: Token;
  message: string;
  hint: string;
}

const HINT = "put each rule on a line of its own: a pasted text may have joined two lines";

/** The letters of the commands whose long name does not start with theirs. */
const ODD: Record<string, string> = { "--rename-chain": "E", "--list-rules": "S", "--delete-chain": "X" };

/** ebtables-nft 1.8.9's own long options (ebtables -h), each command's with its letter. */
const EBT_LONG: Readonly<Record<string, string>> = {
  "--append": "-A",
  "--delete": "-D",
  "--change-counters": "-C",
  "--insert": "-I",
  "--list": "-L",
  "--flush": "-F",
  "--zero": "-Z",
  "--policy": "-P",
  "--new-chain": "-N",
  "--rename-chain": "-E",
  "--delete-chain": "-X",
  "--init-table": "",
  "--proto": "",
  "--protocol": "",
  "--src": "",
  "--source": "",
  "--dst": "",
  "--destination": "",
  "--in-if": "",
  "--in-interface": "",
  "--out-if": "",
  "--out-interface": "",
  "--logical-in": "",
  "--logical-out": "",
  "--jump": "",
  "--set-counters": "",
  "--modprobe": "",
  "--concurrent": "",
  "--verbose": "",
  "--version": "",
  "--help": "",
  "--table": "",
};

/** Starts of the long options of ebtables' extensions: a word that starts one of them is not a command. */
const EBT_EXTENSION =
  /^--(a(mong|rp)|ip6?-|vlan-|stp-|limit|log|nflog|mark|pkttype|802_3|to-|snat|dnat|redirect)/;

/**
 * Long options that take no value: a command right after one is read as a command, and a `!` right after
 * one negates the next option (iptables-restore 1.8.9: `-m socket --transparent ! -j ACCEPT` is "cannot
 * have ! before -j", `-m recent --name ! -j ACCEPT` names the list '!').
 */
const FLAG =
  /^--(syn|fragments?|physdev-is-\w+|set|rcheck|update|remove|rsource|rdest|reap|rttl|strict|next|ecn-tcp-\w+|limit-iface-\w+|log(-tcp-\w+|-ip-options|-uid|-macdecode|-arp|-ip6?)?|random(-fully)?|persistent|save-mark|restore-mark|notrack|checksum-fill|clamp-mss-to-pmtu|nflog|icase|(kernel|local)tz|utc|contiguous|hashlimit-rate-match|connlimit-[sd]addr|nowildcard|transparent|restore-skmark|loose|validmark|accept-local|invert|socket-exists|suppl-groups|ipvs|return-nomatch|update-(sub)?counters|frag(res|first|more|last)|rt-0-(res|not-strict)|soft|ahres)$/;

/** Whether long option `word` takes no value (see {@link FLAG}). */
export const takesNoValue = (word: string): boolean => FLAG.test(word);

/**
 * The first of `args` that iptables (or ebtables: `ebt`) reads as a command, with its letter, or
 * undefined; a word right after an option that takes a value is that value (`--comment -A`).
 */
function commandToken(args: readonly Token[], ebt: boolean): { token: Token; letter: string } | undefined {
  const letters = ebt ? /^-[ACDEFILNPXZ]$/ : /^-[ACDEFILNPRSXZ]$/;
  for (const [k, t] of args.entries()) {
    const before = args[k - 1]?.value ?? "";
    const long = t.value.startsWith("--")
      ? longOptionOf(t.value, ebt ? Object.keys(EBT_LONG) : IPTABLES_LONG)
      : undefined;
    // A start of a match's option is that option (ebtables: of an extension's, `--po` is --policy).
    const shadowed = ebt ? ebtExtensionStart(t.value) : startsMatchOption(t.value);
    const name = long === t.value || !shadowed ? long : undefined;
    // iptables' own long options start with its 13 commands' (`--append` is -A).
    const letter = name
      ? ebt
        ? (EBT_LONG[name] ?? "")
        : IPTABLES_LONG.indexOf(name) < 13
          ? `-${ODD[name] ?? name[2]?.toUpperCase()}`
          : ""
      : t.value;
    if (t.quoted || !letters.test(letter)) continue;
    // `--opt=value` holds its value; `-c P B` takes two.
    const valued = before.startsWith("--")
      ? !before.includes("=") && !FLAG.test(before)
      : TAKES_VALUE.has(before);
    if (!valued && args[k - 2]?.value !== "-c") return { token: t, letter };
  }
  return undefined;
}

/** Whether `word` starts the name of an ebtables extension's option (`--li`: --limit), or one starts it. */
export function ebtExtensionStart(word: string): boolean {
  return EBT_EXTENSION.test(word) || EBT_EXTENSION_NAMES.some((n) => n.startsWith(word));
}

/**
 * ebtables-nft 1.8.9's ip, ip6 and arp options, a second name of one after its first (the one the
 * bridge reader reads): a start of one of them is that option (`--ip-sr` is --ip-src, `--arp-ip-s`
 * --arp-ip-src), a start of two ambiguous (`--ip-s`: --ip-src or --ip-sport; `--arp-m`), as
 * `ebtables-restore` and `ebtables -A` read them.
 */
const EBT_FIELDS = new Map<string, string>(
  "ip-src/ip-source ip-dst/ip-destination ip-tos ip-proto/ip-protocol ip-sport/ip-source-port ip-dport/ip-destination-port ip-icmp-type ip-igmp-type ip6-src/ip6-source ip6-dst/ip6-destination ip6-tclass ip6-proto/ip6-protocol ip6-sport/ip6-source-port ip6-dport/ip6-destination-port ip6-icmp-type arp-op/arp-opcode arp-htype arp-ptype arp-ip-src arp-ip-dst arp-mac-src arp-mac-dst arp-gratuitous"
    .split(" ")
    .flatMap((names) =>
      names.split("/").map((n) => [`--${n}`, `--${names.split("/")[0]}`] as [string, string]),
    ),
);

/** The match options whose names a short word may start (`--l`, `--m`, `--a`). */
const EBT_MATCH_NAMES = [
  "--among-src",
  "--among-dst",
  ...EBT_FIELDS.keys(),
  "--vlan-id",
  "--stp-type",
  "--limit",
  "--log",
  "--nflog",
  "--mark",
  "--pkttype-type",
  "--802_3-type",
];

/** The extension options whose names a short word may start, the targets' too. */
const EBT_EXTENSION_NAMES = [
  ...EBT_MATCH_NAMES,
  "--to-src",
  "--snat-target",
  "--dnat-target",
  "--redirect-target",
];

/** ebtables' own rule options by the short option each is. */
const EBT_OWN: Readonly<Record<string, string>> = {
  "--in-interface": "-i",
  "--in-if": "-i",
  "--out-interface": "-o",
  "--out-if": "-o",
  "--protocol": "-p",
  "--proto": "-p",
  "--source": "-s",
  "--src": "-s",
  "--destination": "-d",
  "--dst": "-d",
  "--logical-in": "--logical-in",
  "--logical-out": "--logical-out",
  "--jump": "-j",
};

/**
 * A rule's words as ebtables-nft 1.8.9 reads them with getopt_long: `--opt=value` is the option and its
 * value (`--in-interface=eth0`, `--ip-src=1.2.3.4`), and a start of one of ebtables' own options that no
 * other option (a command's, an extension's) shares is that option (`--in-i` is -i, `--sr` -s, `--ju` -j).
 */
export function wholeEbtOptions(words: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const w of words) {
    // A prefix's text stays as written (ebtables-restore logged `--log-prefix --in-i` with "--in-i").
    if (w.quoted || out.at(-1)?.value.endsWith("-prefix")) {
      out.push(w);
      continue;
    }
    const m = /^(--[A-Za-z0-9_-]+)=(.*)$/s.exec(w.value);
    const name = m ? (m[1] as string) : w.value;
    const own = name.startsWith("--") ? ebtOwnOption(name) : undefined;
    // A start of one ip, ip6 or arp option alone is it; the reader keeps an unmodelled one as
    // written, where its warning points.
    const starts = new Set([...EBT_FIELDS].flatMap(([n, f]) => (n.startsWith(name) ? [f] : [])));
    const [field] = starts;
    const whole = starts.size === 1 && !/igmp|[hp]type|grat/.test(field as string) ? field : undefined;
    out.push({ ...w, value: own ?? whole ?? name });
    if (m) out.push({ value: m[2] as string, column: w.column + name.length + 1 });
  }
  return out;
}

/**
 * The ip, ip6 or arp option `word` is or alone starts, by its first name (`--arp-h` is `--arp-htype`,
 * `--arp-opc` `--arp-op`), or undefined: getopt_long reads it so, so a second use under another
 * spelling is the same option given twice.
 */
export function ebtFieldOption(word: string): string | undefined {
  const starts = new Set([...EBT_FIELDS].flatMap(([n, f]) => (n.startsWith(word) ? [f] : [])));
  return starts.size === 1 ? [...starts][0] : undefined;
}

/** The short option of ebtables' own long option that `word` is or alone starts, or undefined. */
function ebtOwnOption(word: string): string | undefined {
  if (Object.hasOwn(EBT_OWN, word) || ebtExtensionStart(word)) return undefined;
  const names = [...Object.keys(EBT_LONG), ...Object.keys(EBT_OWN)].filter((n) => n.startsWith(word));
  const shorts = new Set(names.map((n) => EBT_OWN[n] ?? n));
  return shorts.size === 1 && Object.hasOwn(EBT_OWN, names[0] as string) ? [...shorts][0] : undefined;
}

/** iptables-restore's refusal of a command letter among `args` of a line whose command is `command`. */
export function secondCommand(command: RestoreCommand, args: readonly Token[]): SecondCommand | undefined {
  const found = commandToken(args, false);
  if (!found) return undefined;
  const { token } = found;
  const said = `Cannot use ${found.letter} with -${LETTER[command]}`;
  return {
    token,
    message: `a second command '${token.value}' in one line: iptables-restore refuses it ("${said}")`,
    hint: HINT,
  };
}

/** ebtables-restore's refusal of a command among `args`, the words after a rule's `-A CHAIN`. */
export function secondEbtCommand(args: readonly Token[]): SecondCommand | undefined {
  const found = commandToken(args, true);
  if (!found) return undefined;
  const { token } = found;
  // ebtables checks -Z (zero the counters) before it counts commands.
  const said =
    found.letter === "-Z"
      ? "Command -Z only allowed together with command -L"
      : "Multiple commands are not allowed";
  return {
    token,
    message: `a second command '${token.value}' in one line: ebtables-restore refuses it ("${said}")`,
    hint: HINT,
  };
}

/**
 * ebtables-restore's refusal of a word that starts two options of its own or of its matches and is
 * neither (`--in`: --insert or --in-if; `--among-s`: --among-src or --among-src-file): getopt_long
 * finds it ambiguous, and ebtables-nft 1.8.9 then refuses the word after it ("Unknown argument: 'eth0'").
 */
export function ambiguousEbtOption(words: readonly Token[]): SecondCommand | undefined {
  const names = new Set([
    ...Object.keys(EBT_LONG),
    ...Object.keys(EBT_OWN),
    ...EBT_MATCH_NAMES,
    "--among-src-file",
    "--among-dst-file",
  ]);
  for (const [k, token] of words.entries()) {
    const word = token.value.split("=")[0] as string;
    // A prefix's value (`--log-prefix --in`) is text.
    if (token.quoted || !word.startsWith("--") || names.has(word) || words[k - 1]?.value.endsWith("-prefix"))
      continue;
    const starts = [...names].filter((n) => n.startsWith(word));
    // Two names of one option (--src, --source) are no ambiguity.
    if (new Set(starts.map((n) => EBT_OWN[n] ?? (EBT_LONG[n] || EBT_FIELDS.get(n) || n))).size < 2) continue;
    const after = words[k + 1]?.value ?? "(null)";
    return {
      token,
      message: `'${word}' is ambiguous to ebtables: it starts ${starts.join(", ")}; ebtables-restore refuses the rule${words[k - 1]?.value === "!" ? "" : ` (Unknown argument: '${after}')`}`,
      hint: "write the option whole (ebtables -h lists them)",
    };
  }
  return undefined;
}
