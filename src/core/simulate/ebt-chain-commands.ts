/**
 * ebtables-restore's chain commands in a save file: `-N CHAIN` (policy ACCEPT), `-N CHAIN -P POLICY`
 * and `-P CHAIN POLICY`, as ebtables-nft 1.8.9 takes them (a user chain's policy may be RETURN).
 */
import type { TableDef } from "./ruleset.ts";
import type { Token } from "./tokenize-rule.ts";

/** A refused command, at a column of its line's words. */
interface Refusal {
  column: number;
  message: string;
  hint: string;
}

/**
 * Applies `-N`/`-P` line `tokens` (at line `line`) to `table` (`builtins`: its built-in chains); returns why
 * ebtables-restore refuses it, or undefined (done; also for a line that is no such command: `false`).
 */
export function ebtChainCommand(
  tokens: readonly Token[],
  table: TableDef,
  builtins: readonly string[],
  line: number,
): Refusal | undefined | false {
  const verb = tokens[0]?.value;
  const isNew = verb === "-N" || verb === "--new-chain";
  if (!isNew && verb !== "-P" && verb !== "--policy") return false;
  const [, name, p, v, extra] = tokens;
  const pol = isNew ? (p && ["-P", "--policy"].includes(p.value) ? v : undefined) : p;
  const odd = isNew ? (pol ? extra : p) : v;
  const at = odd ?? (!name || (!pol && !isNew) ? tokens[0] : undefined);
  if (at || !name)
    return {
      column: (at ?? (tokens[0] as Token)).column,
      message: `'${tokens.map((t) => t.value).join(" ")}' is not a chain command ebtables-restore takes`,
      hint: "write -N CHAIN, -N CHAIN -P POLICY or -P CHAIN POLICY",
    };
  const chain = table.chains.get(name.value);
  const builtin = builtins.includes(name.value);
  if (isNew ? chain || builtin : !chain && !builtin)
    return {
      column: name.column,
      message: `chain '${name.value}' ${isNew ? "already exists" : "is not declared"} in bridge table '${table.name}': ebtables-restore fails its commit`,
      hint: isNew ? "declare each chain once" : "declare the chain first with -N",
    };
  const policy = pol?.value ?? "ACCEPT";
  const said = !["ACCEPT", "DROP", "RETURN", "CONTINUE"].includes(policy)
    ? `Unknown policy '${policy}'`
    : policy === "CONTINUE"
      ? `Wrong policy '${policy}'`
      : policy === "RETURN" && builtin
        ? "Policy RETURN only allowed for user defined chains"
        : undefined;
  if (said)
    return {
      column: (pol as Token).column,
      message: `'${policy}' is no policy of chain '${name.value}': ebtables-restore refuses it ("${said}")`,
      hint: "a chain's policy is ACCEPT or DROP, or RETURN in a chain of your own",
    };
  table.chains.set(name.value, {
    name: name.value,
    policy,
    line: chain?.line ?? line,
    rules: chain?.rules ?? [],
  });
  return undefined;
}
