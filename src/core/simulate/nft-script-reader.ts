/**
 * What only an `nft -f` script (an `/etc/nftables.conf`) needs of the nft reader: its variables
 * (`define NAME = VALUE`, `$NAME`: `expand-nft-variables.ts`) and its commands (`flush ruleset`,
 * `add|create table|chain|set|map|element|flowtable`, `add|insert rule`, `flush`, `delete` and
 * `destroy`). `nft list ruleset` output holds none of them: the playground loads this module only for
 * a script (`isNftScript` in `tokenize-nft.ts`), while `parseNftRuleset` (the CLI, the site build) always reads with it.
 */
import { expandNftVariables } from "./expand-nft-variables.ts";
import {
  NFT_FAMILIES,
  type NftReader,
  type NftScriptReader,
  SCRIPT_HINT,
  STATEFUL_OBJECTS,
  unquote,
} from "./nft-ruleset-reader.ts";
import type { TableDef } from "./ruleset.ts";
import type { NftToken } from "./tokenize-nft.ts";

/** The script reader to give `readNftRuleset` (or `readRulesetText`) for `nft -f` input. */
export const nftScriptReader: NftScriptReader = {
  expandVariables: expandNftVariables,
  readCommand: readNftCommand,
};

/**
 * `add|create|insert|flush|delete|destroy OBJECT ...`, the command `verb` begins (the reader is at the
 * word after it): applied to the tables read so far, as the kernel applies it.
 */
function readNftCommand(r: NftReader, verb: NftToken): void {
  const { toks, tables, err } = r;
  const object = toks[r.at];
  const what = object?.value ?? "";
  r.at++;
  if (verb.value === "flush" && what === "ruleset") {
    // The script starts over: what came before is gone, as in the kernel.
    tables.length = 0;
    return;
  }
  if (what === "table") {
    if (verb.value === "add" || verb.value === "create") {
      r.readTable(object as NftToken, true, verb.value === "create");
      return;
    }
    const path = objectPath(r, 1, object as NftToken);
    if (!path) return;
    quotedPath(r, path.names, "table");
    const table =
      verb.value === "destroy"
        ? tables.find((x) => (x.family ?? "ip") === path.family && x.name === path.names[0]?.value)
        : namedTable(r, path.family, path.names[0] as NftToken);
    if (!table) return;
    if (verb.value === "flush") for (const c of table.chains.values()) c.rules = [];
    else if (verb.value === "delete" || verb.value === "destroy") tables.splice(tables.indexOf(table), 1);
    else err(verb, `'${verb.value} table' is not a ruleset command`, SCRIPT_HINT);
    return;
  }
  if (
    what === "chain" ||
    what === "set" ||
    what === "map" ||
    what === "rule" ||
    what === "element" ||
    what === "flowtable"
  ) {
    const path = objectPath(r, 2, object as NftToken);
    if (!path) return;
    const [tableName, name] = path.names as [NftToken, NftToken];
    // A set's or chain's block is read by the reader of its block, which says so of its name.
    const declared =
      (verb.value === "add" || verb.value === "create") &&
      (what === "set" || what === "map" || (what === "chain" && toks[r.at]?.value === "{"));
    const kind = what === "rule" || what === "chain" ? "chain" : what === "map" ? "map" : "set";
    quotedPath(r, declared || what === "flowtable" ? [tableName] : [tableName, name], "table", kind);
    const table =
      verb.value === "destroy"
        ? tables.find((x) => (x.family ?? "ip") === path.family && x.name === tableName.value)
        : namedTable(r, path.family, tableName);
    if (!table) return;
    if (what === "rule") {
      readRuleCommand(r, verb, table, name);
      return;
    }
    if (verb.value === "add" || verb.value === "create") {
      r.at--;
      const exists =
        what === "chain"
          ? table.chains.has(name.value)
          : (what === "set" || what === "map") && table.sets?.has(name.value);
      if (verb.value === "create" && exists)
        // nft 1.0.6: "Could not process rule: File exists".
        err(
          name,
          `${what} ${name.value} exists already in table ${path.family} ${table.name}: 'create ${what}' refuses it`,
          `use 'add ${what}' (it adds to a ${what} that exists), or remove the ${what} above`,
        );
      if (what === "chain") {
        if (toks[r.at + 1]?.value === "{") r.readChain(table, object as NftToken);
        else {
          r.chainIn(table, name);
          r.at++;
        }
      } else if (what === "flowtable") r.readFlowtable(table, object as NftToken);
      else if (what === "element") {
        r.at++;
        readElements(r, table, name);
      } else r.readSet(table, what as "set" | "map", object as NftToken);
      return;
    }
    if (verb.value === "flush" && what === "chain") {
      const chain = table.chains.get(name.value);
      if (chain) chain.rules = [];
      else
        err(
          name,
          `chain ${name.value} does not exist in table ${path.family} ${table.name}`,
          "declare it above this line",
        );
      return;
    }
    if (verb.value === "flush" && (what === "set" || what === "map")) {
      const set = table.sets?.get(name.value);
      if (set) {
        set.elements = [];
        set.verdicts = [];
        if (set.data) set.data = [];
      } else
        err(
          name,
          `${what} ${name.value} does not exist in table ${path.family} ${table.name}`,
          "declare it above this line",
        );
      return;
    }
    if ((verb.value === "delete" || verb.value === "destroy") && what === "chain") {
      if (!table.chains.delete(name.value) && verb.value === "delete")
        err(
          name,
          `chain ${name.value} does not exist in table ${path.family} ${table.name}`,
          "declare it above this line",
        );
      return;
    }
    if ((verb.value === "delete" || verb.value === "destroy") && (what === "set" || what === "map")) {
      if (!table.sets?.delete(name.value) && verb.value === "delete")
        err(
          name,
          `${what} ${name.value} does not exist in table ${path.family} ${table.name}`,
          "declare it above this line",
        );
      return;
    }
  }
  if ((verb.value === "add" || verb.value === "create") && STATEFUL_OBJECTS.has(what)) {
    // `add counter inet t http`, `add ct helper inet t ftp { ... }`: declared, so the rules that use it by name find it.
    const kind = what === "ct" ? `ct ${toks[r.at]?.value ?? ""}` : what;
    if (what === "ct") r.at++;
    const path = objectPath(r, 2, object as NftToken);
    const table = path && namedTable(r, path.family, path.names[0] as NftToken);
    if (table) {
      table.objects ??= new Set();
      table.objects.add(`${kind} ${unquote((path.names[1] as NftToken).value)}`);
    }
    r.statement();
    return;
  }
  r.notModelled(verb, what);
}

/** `add element [FAMILY] TABLE SET { ... }`, from the `{`. */
function readElements(r: NftReader, table: TableDef, name: NftToken): void {
  const words = r.statement();
  const set = table.sets?.get(name.value);
  if (!set)
    r.err(
      name,
      `set ${name.value} does not exist in table ${table.family ?? "ip"} ${table.name}`,
      "declare it above this line",
    );
  else r.addElements(set, words, name);
}

/** The table a command names, or undefined (reported at `name`) when no table of that name was declared above. */
function namedTable(r: NftReader, family: string, name: NftToken): TableDef | undefined {
  const table = r.tables.find((x) => (x.family ?? "ip") === family && x.name === name.value);
  if (!table)
    r.err(
      name,
      `table ${family} ${name.value} does not exist here`,
      `declare it above this line ('table ${family} ${name.value} { ... }' or 'add table ${family} ${name.value}')`,
    );
  return table;
}

/**
 * Reports each quoted name of `names` (the table's, then the object's, named `what` in order) nft refuses:
 * nft 1.0.6 takes no quoted name in a command (`add rule inet t "c" accept`: "syntax error, unexpected
 * quoted string, expecting string").
 */
function quotedPath(
  r: NftReader,
  names: readonly NftToken[],
  ...what: ("table" | "chain" | "set" | "map")[]
): void {
  names.forEach((name, k) => {
    const said = r.quoted(name, what[k] ?? "table");
    if (said) r.err(name, said.message, said.hint);
  });
}

/**
 * An optional family then the object's names (`[FAMILY] TABLE [CHAIN]`) from the reader's position;
 * undefined (reported at `at`) when one is missing.
 */
function objectPath(
  r: NftReader,
  count: number,
  at: NftToken,
): { family: string; names: NftToken[] } | undefined {
  const { toks } = r;
  let family = "ip";
  const first = toks[r.at];
  // A family word is a family when the names follow it (a table may be called 'inet').
  if (
    first &&
    (NFT_FAMILIES as readonly string[]).includes(first.value) &&
    toks[r.at + count]?.type !== undefined &&
    toks.slice(r.at + 1, r.at + 1 + count).every((x) => x.type === "word" || x.type === "string")
  ) {
    family = first.value;
    r.at++;
  }
  const names = toks.slice(r.at, r.at + count);
  if (names.length < count || names.some((x) => x.type !== "word" && x.type !== "string")) {
    r.err(
      names.find((x) => x.type !== "word" && x.type !== "string") ?? toks[r.at] ?? at,
      `'${at.value}' needs ${count === 1 ? "a table" : count === 2 ? "a table and a name" : "a table, a chain and a rule"}`,
      `write e.g. '${at.value} ${count === 1 ? "table inet fw" : count === 2 ? "chain inet fw forward" : "rule inet fw forward tcp dport 22 accept"}'`,
    );
    return undefined;
  }
  r.at += count;
  return { family, names };
}

/** `add rule [FAMILY] TABLE CHAIN [index N] WORDS`, `insert rule ...` (at the top, or before index N). */
function readRuleCommand(r: NftReader, verb: NftToken, table: TableDef, chainName: NftToken): void {
  const { toks, err, statement } = r;
  const chain = table.chains.get(chainName.value);
  if (!chain) {
    err(
      chainName,
      `chain ${chainName.value} does not exist in table ${table.family ?? "ip"} ${table.name}`,
      `declare it above this line ('add chain ${table.family ?? "ip"} ${table.name} ${chainName.value}')`,
    );
    statement();
    return;
  }
  if (verb.value !== "add" && verb.value !== "insert") {
    err(
      verb,
      `'${verb.value} rule' is not modelled: a rule's handle is only known to the kernel that loaded it`,
      SCRIPT_HINT,
    );
    statement();
    return;
  }
  let at = verb.value === "insert" ? 0 : undefined;
  const place = toks[r.at];
  if (place?.value === "index" || place?.value === "position" || place?.value === "handle") {
    const n = toks[r.at + 1];
    // `position 0` and `handle 0` name no rule: nft inserts at the top and adds at the end, as without them.
    const none = place.value !== "index" && /^0+$/.test(n?.value ?? "");
    if (!none && (place.value !== "index" || !/^\d+$/.test(n?.value ?? ""))) {
      err(
        place,
        `'${place.value} ${n?.value ?? ""}' is not modelled: a handle is only known to the kernel that loaded the rules`,
        "write the rules in the order they run, or use 'index N' (from 0)",
      );
      statement();
      return;
    }
    const index = Number(n?.value);
    if (!none && index >= chain.rules.length) {
      // nft 1.0.6: "Could not process rule: No such file or directory" (no rule at that index).
      err(
        place,
        `'index ${index}': chain ${chain.name} has ${chain.rules.length === 0 ? "no rules" : `rules at index 0 to ${chain.rules.length - 1} only`} here`,
        "an index names a rule the chain already holds (from 0); nft refuses the file otherwise",
      );
      statement();
      return;
    }
    // `add` places after the rule at index N, `insert` before it.
    if (!none) at = index + (verb.value === "add" ? 1 : 0);
    r.at += 2;
  }
  const words = statement(true);
  if (words.length === 0) {
    err(
      chainName,
      `'${verb.value} rule' has no rule after chain ${chainName.value}`,
      "write e.g. 'add rule inet fw forward tcp dport 22 accept'",
    );
    return;
  }
  r.addRule(table, chain, words, at);
}
