/**
 * ebtables-restore's chain commands in a save file: `-N CHAIN` (policy ACCEPT), `-N CHAIN -P POLICY`
 * and `-P CHAIN POLICY`, as ebtables-nft 1.8.9 takes them (a user chain's policy may be RETURN), and
 * what it refuses of them, in its words.
 */
import type { TableDef } from "./ruleset.ts";
import type { Token } from "./tokenize-rule.ts";

/**
 * Applies `-N`/`-P` line `tokens` (at line `line`) to `table` (`builtins`: its built-in chains); returns
 * ebtables-restore's refusal at a column, undefined when done, or `false` for a line that is no such command.
 */
export function ebtChainCommand(
  tokens: readonly Token[],
  table: TableDef,
  builtins: readonly string[],
  line: number,
): { column: number; message: string; hint: string } | undefined | false {
  const verb = tokens[0] as Token;
  const isNew = verb.value === "-N" || verb.value === "--new-chain";
  if (!isNew && verb.value !== "-P" && verb.value !== "--policy") return false;
  const [, name, p, v, extra] = tokens;
  const optP = isNew && p && ["-P", "--policy"].includes(p.value);
  const pol = isNew ? (optP ? v : undefined) : p;
  const odd = isNew ? (optP ? extra : p) : v;
  const chain = name && table.chains.get(name.value);
  const builtin = builtins.includes(name?.value ?? "");
  const policy = pol?.value ?? (isNew ? "ACCEPT" : "");
  const [at, said] = odd
    ? [odd, `Bad argument : '${odd.value}'`]
    : !name || (optP && !pol) || !policy
      ? [verb, !isNew && name ? "No policy specified" : "Unknown argument: '(null)'"]
      : (isNew ? chain || builtin : !chain && !builtin)
        ? [name, "final implicit COMMIT failed"]
        : !["ACCEPT", "DROP", "RETURN", "CONTINUE"].includes(policy)
          ? [pol, `Unknown policy '${policy}'`]
          : policy === "CONTINUE"
            ? [pol, "Wrong policy 'CONTINUE'"]
            : policy === "RETURN" && builtin
              ? [pol, "Policy RETURN only allowed for user defined chains"]
              : [];
  if (at && said)
    return {
      column: at.column,
      message: `'${tokens.map((t) => t.value).join(" ")}': ebtables-restore refuses it ("${said}")`,
      hint: "write -N CHAIN (-P POLICY) or -P CHAIN POLICY; a policy is ACCEPT, DROP or, in a chain of your own, RETURN",
    };
  const n = name as Token;
  table.chains.set(n.value, {
    name: n.value,
    policy,
    line: chain ? chain.line : line,
    rules: chain ? chain.rules : [],
  });
  return undefined;
}
