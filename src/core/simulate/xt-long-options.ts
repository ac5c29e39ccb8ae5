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
];

/** The ones a rule's words may hold (a command in a rule is an error of its own). */
const RULE_LONG = new Set([
  "--source",
  "--destination",
  "--protocol",
  "--in-interface",
  "--out-interface",
  "--jump",
  "--goto",
  "--match",
  "--fragment",
  "--set-counters",
]);

/** A match's own option that a start of a rule option reads the same as: the match's wins, being whole. */
const MODULE_OWN: Record<string, string> = { "--set": "recent", "--proto": "policy" };

const TCP_UDP = ["--source-port", "--sport", "--destination-port", "--dport"];
/**
 * Long options of the matches whose options a start is read against once `-m` loaded them: after
 * `-m multiport` (and no `-m tcp`), `--dport 22,80` is its `--dports`, as iptables-save prints it.
 */
const MODULE_LONG: Record<string, readonly string[]> = {
  multiport: ["--source-ports", "--sports", "--destination-ports", "--dports", "--ports"],
  tcp: [...TCP_UDP, "--tcp-flags", "--syn", "--tcp-option"],
  udp: TCP_UDP,
};

/**
 * The one name of `names` that `word` is or begins, or undefined (none, or more than one: ambiguous).
 * @param names long options, with their `--`
 */
export function longOptionOf(word: string, names: readonly string[]): string | undefined {
  if (names.includes(word)) return word;
  let found: string | undefined;
  for (const name of names) {
    if (!name.startsWith(word)) continue;
    if (found) return undefined;
    found = name;
  }
  return found;
}

/**
 * The rule's words with each shortened long option written whole: iptables' own (`--proto`), and
 * after `-j NAME` the target's (`targetOptions(NAME)`, e.g. `--to-dest`). Quoted words are values.
 */
export function wholeLongOptions(
  words: readonly Token[],
  targetOptions: (name: string) => readonly string[] | undefined,
): Token[] {
  const loaded = new Set<string>();
  let target: readonly string[] | undefined;
  const out: Token[] = [];
  for (const w of words) {
    const before = out[out.length - 1];
    if (before && !before.quoted && (before.value === "-m" || before.value === "--match"))
      loaded.add(w.value.toLowerCase());
    if (before && !before.quoted && (before.value === "-j" || before.value === "--jump"))
      target = targetOptions(w.value);
    out.push(whole(w, target, loaded));
  }
  return out;
}

/** `w` written whole (see {@link wholeLongOptions}), or `w`. */
function whole(w: Token, target: readonly string[] | undefined, loaded: ReadonlySet<string>): Token {
  if (w.quoted || !w.value.startsWith("--") || w.value.length < 3) return w;
  const own = target ? longOptionOf(w.value, target) : undefined;
  if (own) return own === w.value ? w : { ...w, value: own };
  const module = MODULE_OWN[w.value];
  if (module && loaded.has(module)) return w;
  const names = [...IPTABLES_LONG, ...[...loaded].flatMap((m) => MODULE_LONG[m] ?? [])];
  const name = longOptionOf(w.value, names);
  if (!name || name === w.value) return w;
  return RULE_LONG.has(name) || !IPTABLES_LONG.includes(name) ? { ...w, value: name } : w;
}
