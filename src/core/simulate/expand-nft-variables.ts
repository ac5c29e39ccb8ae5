/**
 * nft script variables, as `nft -f` reads them in an `/etc/nftables.conf`: `define NAME = VALUE`,
 * `redefine` and `undefine` statements are taken out of the tokens, and every `$NAME` word after them
 * is replaced by the value's tokens (a set value `{ a, b }` included). `nft list ruleset` never prints
 * a variable, so a listed ruleset passes through unchanged.
 */
import type { NftToken } from "./tokenize-nft.ts";

/** A problem with a variable, at the token it concerns. */
export interface VariableProblem {
  line: number;
  column: number;
  message: string;
  hint: string;
}

/** The tokens with variables expanded, and what could not be expanded. */
export interface ExpandedTokens {
  tokens: NftToken[];
  problems: VariableProblem[];
}

/** nft's variable names: a letter or underscore, then letters, digits, `_`, `.` and `-`. */
const NAME = /^[A-Za-z_][\w.-]*$/;

/** Whether `toks[i]` starts a statement (the text's start, or after a line end, `;`, `{` or `}`). */
function atStatementStart(toks: readonly NftToken[], i: number): boolean {
  const before = toks[i - 1];
  return before === undefined || before.type === "nl" || ["{", "}", ";"].includes(before.value);
}

/**
 * Expands `define` / `redefine` / `undefine` and `$NAME` uses in `toks` (see the module comment). An
 * undefined variable stays in place as written (the rule reader then says what it expected) and is
 * reported; so is a `define` without a name, an `=` or a value.
 */
export function expandNftVariables(toks: readonly NftToken[]): ExpandedTokens {
  const vars = new Map<string, NftToken[]>();
  const out: NftToken[] = [];
  const problems: VariableProblem[] = [];
  /** `t` as written, or the variable's tokens placed where the variable was written. */
  const use = (t: NftToken): NftToken[] => {
    if (t.type !== "word" || !t.value.startsWith("$")) return [t];
    const value = vars.get(t.value.slice(1));
    if (!value) {
      problems.push({
        line: t.line,
        column: t.column,
        message: `variable '${t.value}' is not defined`,
        hint: `define it above its first use: define ${t.value.slice(1) || "NAME"} = ...`,
      });
      return [t];
    }
    // Positions of the use: a problem in the value is shown where the rule uses it.
    return value.map((v) => ({ ...v, line: t.line, column: t.column, written: t.value }));
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as NftToken;
    const keyword = t.value;
    if (
      t.type !== "word" ||
      !(keyword === "define" || keyword === "redefine" || keyword === "undefine") ||
      !atStatementStart(toks, i)
    ) {
      out.push(...use(t));
      continue;
    }
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
      if (!vars.delete(name.value))
        problems.push({
          line: name.line,
          column: name.column,
          message: `variable '${name.value}' is not defined, so it cannot be undefined`,
          hint: "remove the undefine, or define the variable above it",
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
    // `define` over an existing name is an error in nft; `redefine` is how a script changes it.
    if (keyword === "define" && vars.has(name.value))
      problems.push({
        line: name.line,
        column: name.column,
        message: `variable '${name.value}' is already defined`,
        hint: `use 'redefine ${name.value} = ...' to change its value`,
      });
    // Values may use earlier variables: expanded now, as nft does at the definition.
    vars.set(
      name.value,
      value.flatMap((v) => use(v)),
    );
    i = end;
  }
  return { tokens: out, problems };
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
