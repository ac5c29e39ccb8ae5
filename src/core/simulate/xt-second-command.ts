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

/** Long options that take no value: a command right after one is read as a command. */
const FLAG =
  /^--(syn|fragments?|physdev-is-\w+|set|rcheck|update|remove|rsource|rdest|reap|rttl|strict|next|ecn-tcp-\w+|limit-iface-\w+|log(-tcp-\w+|-ip-options|-uid|-macdecode|-arp|-ip6?)?|random(-fully)?|persistent|save-mark|restore-mark|notrack|checksum-fill|clamp-mss-to-pmtu|nflog)$/;

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
function ebtExtensionStart(word: string): boolean {
  return EBT_EXTENSION.test(word) || EBT_EXTENSION_NAMES.some((n) => n.startsWith(word));
}

/** The extension options whose names a short word may start (`--l`, `--m`, `--a`). */
const EBT_EXTENSION_NAMES = [
  "--among-src",
  "--among-dst",
  "--arp-op",
  "--ip-src",
  "--ip6-src",
  "--vlan-id",
  "--stp-type",
  "--limit",
  "--log",
  "--nflog",
  "--mark",
  "--pkttype-type",
  "--802_3-type",
  "--to-src",
  "--snat-target",
  "--dnat-target",
  "--redirect-target",
];

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
  const token = commandToken(args, true)?.token;
  if (!token) return undefined;
  return {
    token,
    message: `a second command '${token.value}' in one line: ebtables-restore refuses it ("Multiple commands are not allowed")`,
    hint: HINT,
  };
}
