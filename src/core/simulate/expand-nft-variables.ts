/**
 * nft script variables, as `nft -f` reads them in an `/etc/nftables.conf`: `define NAME = VALUE`,
 * `redefine` and `undefine` statements are taken out of the tokens, and every `$NAME` word after them
 * is replaced by the value's tokens (a set value `{ a, b }` included). `nft list ruleset` never prints
 * a variable, so a listed ruleset passes through unchanged.
 */
import { joinSpacedRanges, type NftToken } from "./tokenize-nft.ts";

/** A problem with a variable, at the token it concerns. */
export interface VariableProblem {
  line: number;
  column: number;
  message: string;
  hint: string;
  /** `error` unless said. */
  severity?: "error" | "warning";
}

/** The tokens with variables expanded, and what could not be expanded. */
export interface ExpandedTokens {
  tokens: NftToken[];
  problems: VariableProblem[];
}

/** nft's variable names: a letter or underscore, then letters, digits, `_`, `.` and `-`. */
const NAME = /^[A-Za-z_][\w.-]*$/;

/** Verdicts: nft's grammar takes none as a variable's value (`define D = drop`: syntax error). */
const VERDICTS = new Set(["accept", "drop", "jump", "goto", "return", "continue", "queue"]);

/** What may join two values of one define (`$A . $B`, `a, b`, `1-2`, `10.0.0.0 / 8`, `syn | ack`). */
const JOINERS = new Set([".", ",", "-", "/", "|", "^", "&", "<<", ">>"]);

/** Whether `toks[i]` starts a statement (the text's start, or after a line end, `;`, `{` or `}`). */
function atStatementStart(toks: readonly NftToken[], i: number): boolean {
  const before = toks[i - 1];
  return before === undefined || before.type === "nl" || ["{", "}", ";"].includes(before.value);
}

/** The most words the uses of variables write into one ruleset (nft's own reader would run out of memory long before). */
const MAX_EXPANDED_WORDS = 5_000_000;

/**
 * A `{ ... }` open at some point: a table's or a chain's body holds the variables defined in it, as
 * nft scopes them (`define` in `table inet x { ... }` is unknown after its `}` and in other tables);
 * a named set's, map's or object's body takes a `define` into the table's scope; any other brace (an
 * anonymous set or chain, a verdict map) takes none (nft: syntax error).
 */
interface Brace {
  kind: "scope" | "block" | "inline";
  /** A scope's: the table's or the chain's variables. */
  vars?: Map<string, NftToken[]>;
  /** A scope's: whose body it is. */
  of?: "table" | "chain";
}

/**
 * Expands `define` / `redefine` / `undefine` and `$NAME` uses in `toks` (see the module comment). An
 * undefined variable stays in place as written (the rule reader then says what it expected) and is
 * reported; so is a `define` without a name, an `=` or a value, or with a value nft does not take.
 */
export function expandNftVariables(toks: readonly NftToken[]): ExpandedTokens {
  const global = new Map<string, NftToken[]>();
  const braces: Brace[] = [];
  /** The scopes a use looks in, innermost first. */
  const scopes = () => [
    ...braces
      .filter((b) => b.vars)
      .map((b) => b.vars as Map<string, NftToken[]>)
      .reverse(),
    global,
  ];
  const lookup = (name: string) => {
    for (const s of scopes()) {
      const v = s.get(name);
      if (v) return v;
    }
    return undefined;
  };
  const out: NftToken[] = [];
  const problems: VariableProblem[] = [];
  /** Where each variable of a table or chain block closed above was defined: its line. */
  const closed = new Map<string, number>();
  /** The line of each variable's define. */
  const definedAt = new Map<Map<string, NftToken[]>, Map<string, number>>();
  /** Words the uses of variables have written so far (see {@link MAX_EXPANDED_WORDS}). */
  let expanded = 0;
  /** `t` as written, or the variable's tokens placed where the variable was written. */
  const use = (t: NftToken): NftToken[] => {
    if (t.type !== "word" || !t.value.startsWith("$")) return [t];
    const value = lookup(t.value.slice(1));
    if (value && expanded + value.length > MAX_EXPANDED_WORDS) {
      // Defines that use each other twice over double at each step: a few lines could ask for billions of words.
      if (expanded <= MAX_EXPANDED_WORDS)
        problems.push({
          line: t.line,
          column: t.column,
          message: `variable '${t.value}' would make the ruleset over ${MAX_EXPANDED_WORDS.toLocaleString("en-US")} words long (${value.length.toLocaleString("en-US")} here): it and later uses are not expanded`,
          hint: "a define that uses another twice doubles it at each step: write the set out, or use a named set",
        });
      expanded = MAX_EXPANDED_WORDS + 1;
      return [t];
    }
    if (value) expanded += value.length;
    if (!value) {
      problems.push({
        line: t.line,
        column: t.column,
        message: `variable '${t.value}' is not defined`,
        hint: closed.has(t.value.slice(1))
          ? `it was defined at line ${closed.get(t.value.slice(1))} in a table or chain block that is closed here (nft keeps a define to its block): define it at the top of the file`
          : `define it above its first use: define ${t.value.slice(1) || "NAME"} = ...`,
      });
      return [t];
    }
    // Positions of the use: a problem in the value is shown where the rule uses it.
    return value.map((v) => ({ ...v, line: t.line, column: t.column, written: t.value }));
  };
  /** Where the statement that the token being read belongs to began. */
  let head = 0;
  /** The last `{` read: whether the statement holds one already, without reading it again at each brace. */
  let lastBrace = -1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as NftToken;
    const top = braces[braces.length - 1];
    const statementHere = atStatementStart(toks, i) && top?.kind !== "inline";
    if (statementHere) head = i;
    const braceBefore = lastBrace >= head;
    if (t.value === "{") lastBrace = i;
    if (t.value === "{" && t.type === "punct") {
      braces.push(braceOpened(toks, head, i, top, braceBefore));
      out.push(t);
      continue;
    }
    if (t.value === "}" && t.type === "punct") {
      const gone = braces.pop();
      for (const [name, line] of (gone?.vars && definedAt.get(gone.vars)) ?? []) closed.set(name, line);
      out.push(t);
      continue;
    }
    if (
      t.value === "comment" &&
      toks[i + 1]?.type === "word" &&
      (toks[i + 1] as NftToken).value.startsWith("$")
    ) {
      // nft 1.0.6: "syntax error, unexpected '$', expecting string".
      const v = toks[i + 1] as NftToken;
      problems.push({
        line: v.line,
        column: v.column,
        message: `a comment cannot be a variable ('comment ${v.value}'): nft refuses it`,
        hint: 'write the comment as a quoted string: comment "..."',
      });
    }
    const previous = toks[i - 1];
    if (
      (previous?.value === "map" || previous?.value === "vmap") &&
      t.type === "word" &&
      t.value.startsWith("$")
    )
      // nft 1.0.6 stops on it: "BUG: invalid mapping expression variable" (an assertion in evaluate.c).
      problems.push({
        line: t.line,
        column: t.column,
        message: `nft cannot use a variable as a rule's map ('${previous.value} ${t.value}'): it stops with an internal error`,
        hint: `write the map's elements in the rule (${previous.value} { KEY : ... }), or declare a named map and use ${previous.value} @NAME`,
      });
    const keyword = t.value;
    if (
      t.type !== "word" ||
      !(keyword === "define" || keyword === "redefine" || keyword === "undefine") ||
      !statementHere
    ) {
      const words = use(t);
      // nft flattens a set variable that is an element of another set (`{ $ports, 443 }`): its braces go.
      const element =
        top?.kind === "inline" && isSetElement(wordFrom(out, out.length - 1, -1), wordFrom(toks, i + 1, 1));
      const inner = element && words.length > 1 ? setBody(words) : undefined;
      // One at a time: spreading a long value into push overflows the call stack.
      for (const w of inner ?? words) out.push(w);
      continue;
    }
    // Where the variable goes: the innermost table or chain block (a set's body is in its table's).
    const scope = [...braces].reverse().find((b) => b.vars)?.vars ?? global;
    let name = toks[i + 1];
    // `define LAN=10.0.0.0/8` is one word to the tokenizer: its name, '=' and value are split here.
    const glued = name?.type === "word" ? /^([^=]+)=(.+)?$/.exec(name.value) : null;
    let valueFrom = i + 3;
    let gluedValue: NftToken[] = [];
    if (name && glued) {
      const rest = glued[2];
      gluedValue = rest
        ? [{ ...name, value: rest, column: name.column + (glued[1] as string).length + 1 }]
        : [];
      name = { ...name, value: glued[1] as string };
      valueFrom = i + 2;
    }
    if (name?.type !== "word" || !NAME.test(name.value)) {
      problems.push({
        line: (name ?? t).line,
        column: (name ?? t).column,
        message: `'${keyword}' needs a variable name`,
        hint: "write e.g. define LAN = 192.168.1.0/24",
      });
      i = skipStatement(toks, i);
      continue;
    }
    if (keyword === "undefine") {
      // nft 1.0.6 took an undefine of a name this block does not hold without a word, and left an outer
      // block's variable of that name as it was: a warning (the words are the zh-TW playground's keys).
      if (!scope.delete(name.value))
        problems.push({
          line: name.line,
          column: name.column,
          message: `variable '${name.value}' is not defined, so it cannot be undefined`,
          hint: "remove the undefine, or define the variable above it",
          severity: "warning",
        });
      i = skipStatement(toks, i + 1);
      continue;
    }
    const end = skipStatement(toks, i + 1);
    const eq = glued ? { ...name, value: "=" } : toks[i + 2];
    const value = [...gluedValue, ...toks.slice(valueFrom, end + 1).filter((v) => v.type !== "nl")];
    if (eq?.value !== "=" || value.length === 0) {
      problems.push({
        line: (eq ?? name).line,
        column: (eq ?? name).column,
        message: `expected '${keyword} ${name.value} = VALUE'`,
        hint: "write e.g. define LAN = 192.168.1.0/24 (a set: define PORTS = { 22, 443 })",
      });
      i = end;
      continue;
    }
    const wrong = notAValue(value);
    if (wrong) {
      problems.push({
        line: wrong.line,
        column: wrong.column,
        message: VERDICTS.has(wrong.value)
          ? `a variable cannot hold the verdict '${wrong.value}': nft refuses '${keyword} ${name.value} = ${value.map((v) => v.value).join(" ")}'`
          : `a variable holds one value: nft refuses '${wrong.value}' after '${value
              .slice(0, value.indexOf(wrong))
              .map((v) => v.value)
              .join(" ")}'`,
        hint: "a define holds a value (an address, a port, a string, a set { a, b }, a . b), not a match or a verdict",
      });
      // Kept, so that its uses are not each reported as undefined.
      scope.set(name.value, value);
      i = end;
      continue;
    }
    // `define` over a name this block or an outer one holds is an error in nft; `redefine` is how a script changes it.
    if (keyword === "define" && lookup(name.value))
      problems.push({
        line: name.line,
        column: name.column,
        message: `variable '${name.value}' is already defined`,
        hint: `use 'redefine ${name.value} = ...' to change its value`,
      });
    if (!definedAt.has(scope)) definedAt.set(scope, new Map());
    definedAt.get(scope)?.set(name.value, name.line);
    // Values may use earlier variables: expanded now, as nft does at the definition.
    scope.set(
      name.value,
      value.flatMap((v) => use(v)),
    );
    i = end;
  }
  // A range of variables (`{ $lo - $hi }`) is one value once they are expanded, as a written one is.
  return { tokens: joinSpacedRanges(out), problems };
}

/** The first token from `at` on in direction `step` that is not a line end (a set may span lines). */
function wordFrom(toks: readonly NftToken[], at: number, step: 1 | -1): NftToken | undefined {
  let k = at;
  while (toks[k]?.type === "nl") k += step;
  return toks[k];
}

/** Whether a value between `before` and `after` is a whole element of a set: after `{` or `,`, before `,` or `}`. */
function isSetElement(before: NftToken | undefined, after: NftToken | undefined): boolean {
  const punct = (t: NftToken | undefined, ...values: string[]) =>
    t?.type === "punct" && values.includes(t.value);
  return punct(before, "{", ",") && punct(after, ",", "}");
}

/** The words inside `words` when they are one braced set (`{ 22, 80 }`), else undefined. */
function setBody(words: readonly NftToken[]): NftToken[] | undefined {
  const first = words[0];
  const last = words[words.length - 1];
  if (first?.type !== "punct" || first.value !== "{" || last?.type !== "punct" || last.value !== "}")
    return undefined;
  // `{ 1 } . { 2 }` opens and closes twice: not one set.
  let depth = 0;
  for (let k = 0; k < words.length - 1; k++) {
    const w = words[k] as NftToken;
    if (w.type === "punct" && w.value === "{") depth++;
    else if (w.type === "punct" && w.value === "}") depth--;
    if (depth === 0) return undefined;
  }
  return words.slice(1, -1);
}

/**
 * The kind of the brace `toks[at]` opens, in the statement begun at `toks[head]` (`braceBefore`: one
 * of its words before it is a `{`): a table's or a chain's body (`table ...`, `chain ...`,
 * `add|create table|chain ...`) is a scope, another named block of a table body (a set, a map, a
 * flowtable, an object) a block, the rest inline.
 */
function braceOpened(
  toks: readonly NftToken[],
  head: number,
  at: number,
  top: Brace | undefined,
  braceBefore: boolean,
): Brace {
  // Only the statement's first brace is its body (`chain c {`); one after it is in a rule.
  if (braceBefore || top?.kind === "block") return { kind: "inline" };
  const first = head < at ? toks[head]?.value : undefined;
  const second = head + 1 < at ? toks[head + 1]?.value : undefined;
  const command = first === "add" || first === "create";
  const object = command ? second : first;
  if (object === "table" || object === "chain") return { kind: "scope", vars: new Map(), of: object };
  if (
    (top === undefined ? command : top.of === "table") &&
    ["set", "map", "flowtable", "counter", "quota", "limit", "ct", "secmark", "synproxy"].includes(
      object ?? "",
    )
  )
    return { kind: "block" };
  return { kind: "inline" };
}

/**
 * The first token of a define's value that nft's grammar does not take: a verdict outside braces, or a
 * value following another without an operator between (`tcp dport 22`). Undefined when it is a value.
 */
function notAValue(value: readonly NftToken[]): NftToken | undefined {
  let depth = 0;
  let expectValue = true;
  for (const v of value) {
    if (v.type === "punct" && v.value === "{") {
      if (depth === 0 && !expectValue) return v;
      depth++;
      continue;
    }
    if (v.type === "punct" && v.value === "}") {
      depth--;
      if (depth === 0) expectValue = false;
      continue;
    }
    if (depth > 0) continue;
    if (v.type === "word" && VERDICTS.has(v.value)) return v;
    const joiner = (v.type === "word" || v.type === "punct") && JOINERS.has(v.value);
    if (joiner) expectValue = true;
    else if (!expectValue) return v;
    else expectValue = false;
  }
  return undefined;
}

/** The index of the last token of the statement that `toks[from]` is part of (braces may span lines). */
function skipStatement(toks: readonly NftToken[], from: number): number {
  let depth = 0;
  let i = from;
  for (; i < toks.length; i++) {
    const t = toks[i] as NftToken;
    if (t.value === "{") depth++;
    else if (t.value === "}") {
      if (depth === 0) return i - 1;
      depth--;
    } else if (depth === 0 && (t.type === "nl" || t.value === ";")) return i - 1;
  }
  return i - 1;
}
