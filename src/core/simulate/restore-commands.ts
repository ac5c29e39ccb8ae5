/**
 * The commands iptables-restore takes in a table besides `-A` (a hand-written rules file has them;
 * iptables-save prints none): `-I CHAIN [N]`, `-R CHAIN N`, `-D CHAIN N|rule`, `-N`, `-X [CHAIN]`,
 * `-F [CHAIN]`, `-Z [CHAIN]` and `-P CHAIN POLICY`, each as iptables 1.8.9 applies it to the table
 * read so far.
 */
import type { ChainDef, Rule, TableDef } from "./ruleset.ts";
import type { Token } from "./tokenize-rule.ts";
import { IPTABLES_LONG, longOptionOf } from "./xt-long-options.ts";

/** What a restore line does to its table. */
export type RestoreCommand =
  | "append"
  | "insert"
  | "replace"
  | "delete"
  | "new-chain"
  | "delete-chain"
  | "flush"
  | "zero"
  | "policy";

const SHORT: Record<string, RestoreCommand> = {
  "-A": "append",
  "-I": "insert",
  "-R": "replace",
  "-D": "delete",
  "-N": "new-chain",
  "-X": "delete-chain",
  "-F": "flush",
  "-Z": "zero",
  "-P": "policy",
};

/** The command a line's first word names (`-I`, `--insert`, `--new`), or undefined. */
export function restoreCommand(word: string): RestoreCommand | undefined {
  if (Object.hasOwn(SHORT, word)) return SHORT[word];
  if (!word.startsWith("--")) return undefined;
  const name = longOptionOf(word, IPTABLES_LONG)?.slice(2);
  return name && Object.values(SHORT).includes(name as RestoreCommand) ? (name as RestoreCommand) : undefined;
}

/** Commands whose chain may be left out: they then act on every chain of the table. */
export const CHAIN_OPTIONAL: ReadonlySet<RestoreCommand> = new Set(["delete-chain", "flush", "zero"]);

/** How each command is written, for the hint of one written without its chain. */
export const COMMAND_HINT: Record<RestoreCommand, string> = {
  append: "write e.g. -A FORWARD -j ACCEPT",
  insert: "write e.g. -I INPUT 1 -i lo -j ACCEPT",
  replace: "write e.g. -R INPUT 2 -p tcp --dport 22 -j ACCEPT",
  delete: "write e.g. -D INPUT 2, or -D INPUT -p tcp --dport 22 -j ACCEPT",
  "new-chain": "write e.g. -N MYCHAIN",
  "delete-chain": "write e.g. -X MYCHAIN",
  flush: "write e.g. -F INPUT",
  zero: "write e.g. -Z INPUT",
  policy: "write e.g. -P INPUT DROP",
};

/** A command refused, at its token (undefined: at the chain's name). */
export interface CommandProblem {
  token?: Token;
  message: string;
  hint: string;
}

/**
 * Where `-I`, `-R` and `-D` act, as a 0-based index into a chain of `length` rules, from the rule
 * number written (`-I` without one: the top); the number checked as iptables checks it. Undefined
 * for `-A`, and for `-D` with a rule instead of a number.
 */
export function numberedPlace(
  command: RestoreCommand,
  numbered: Token | undefined,
  length: number,
  hasRule: boolean,
): number | undefined | { message: string; hint: string } {
  if (command === "append") return undefined;
  if (command === "delete" && !numbered) {
    return hasRule ? undefined : { message: "-D needs a rule number or a rule", hint: COMMAND_HINT.delete };
  }
  if (command === "delete" && hasRule)
    return { message: "-D takes a rule number or a rule, not both", hint: COMMAND_HINT.delete };
  if (!numbered && command === "insert") return 0;
  if (!numbered) return { message: `-R needs a rule number`, hint: COMMAND_HINT.replace };
  const n = Number(numbered.value);
  // -I may add after the last rule; -R and -D need a rule there.
  const last = command === "insert" ? length + 1 : length;
  if (n < 1 || n > last)
    return {
      message:
        command === "insert"
          ? `-I ${numbered.value}: the chain has ${length} rule${length === 1 ? "" : "s"} here, so a rule goes in at 1 to ${last} (iptables: Index of insertion too big)`
          : `${command === "delete" ? "-D" : "-R"} ${numbered.value}: the chain has ${length} rule${length === 1 ? "" : "s"} here (iptables: Index of ${command === "delete" ? "deletion" : "replacement"} too big)`,
      hint: "rules are numbered from 1 in the order the lines before this one left them",
    };
  return n - 1;
}

/** Built-in chains' policies a line may set. */
const POLICIES = new Set(["ACCEPT", "DROP"]);

/**
 * Applies `-F`, `-Z`, `-X` or `-P` to `table` (at `chain`, or every chain when none is named);
 * rules taken out go to `removed`. A problem when iptables would refuse the line.
 */
export function chainCommand(
  command: "flush" | "zero" | "delete-chain" | "policy",
  table: TableDef,
  chain: ChainDef | undefined,
  rest: readonly Token[],
  builtin: readonly string[],
  removed: Set<Rule>,
): CommandProblem | undefined {
  // `-Z CHAIN N` zeroes one rule's counters (iptables-legacy): a number after the chain is taken.
  const skip =
    command === "policy" || (command === "zero" && chain && /^\d+$/.test(rest[0]?.value ?? "")) ? 1 : 0;
  // `iptables -S -v` prints a policy's counters after it: `-P INPUT ACCEPT -c 12 3456`.
  const counted = command === "policy" && rest[1]?.value === "-c" && rest.length === 4 ? 3 : 0;
  const extra = rest[skip + counted];
  if (extra)
    return {
      token: extra,
      message: `unexpected '${extra.value}' after the chain`,
      hint: COMMAND_HINT[command],
    };
  const chains = chain ? [chain] : [...table.chains.values()];
  if (command === "zero") return undefined;
  if (command === "flush") {
    for (const c of chains) for (const r of c.rules.splice(0)) removed.add(r);
    return undefined;
  }
  if (command === "policy") {
    const policy = rest[0];
    if (!chain || !builtin.includes(chain.name))
      return {
        message: `'${chain?.name}' is not a built-in chain of table '${table.name}', so it has no policy (iptables: Bad built-in chain name)`,
        hint: `-P sets the policy of ${builtin.join(", ")}`,
      };
    if (!policy || !POLICIES.has(policy.value))
      return {
        ...(policy ? { token: policy } : {}),
        message: policy ? `'${policy.value}' is not a chain policy` : "-P needs a policy",
        hint: `write e.g. -P ${chain.name} DROP`,
      };
    chain.policy = policy.value;
    return undefined;
  }
  const users = chains.filter((c) => !builtin.includes(c.name));
  if (chain && users.length === 0)
    return {
      message: `'${chain.name}' is a built-in chain: -X deletes user chains only`,
      hint: "empty it with -F instead",
    };
  for (const c of users) {
    const jumper = [...table.chains.values()]
      .flatMap((x) => x.rules)
      .find((r) => (r.target.kind === "jump" || r.target.kind === "goto") && r.target.chain === c.name);
    if (c.rules.length > 0 || jumper)
      return {
        message: `chain '${c.name}' ${c.rules.length > 0 ? `still has ${c.rules.length} rule${c.rules.length === 1 ? "" : "s"}` : `is jumped to (line ${jumper?.line})`}: -X deletes an empty chain nothing refers to (iptables: Directory not empty / Too many links)`,
        hint: `flush it first (-F ${c.name}), and delete the rules that jump to it`,
      };
  }
  for (const c of users) table.chains.delete(c.name);
  return undefined;
}
