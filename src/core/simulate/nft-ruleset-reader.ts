/**
 * Reads `nft list ruleset` text (also `nft -s` and `-a`) into the shared rule model: tables of every
 * family, named sets and maps, base chains with their hook, numeric priority and policy, regular
 * chains, and rules parsed by {@link parseNftRule}. Problems are positioned diagnostics
 * (`file:line:col`, what was expected, a hint); this never throws. An `nft -f` script's variables and
 * commands are read by an {@link NftScriptReader} given to it (`nft-script-reader.ts`), so that the
 * playground fetches that code only for a script; `parseNftRuleset` (`parse-nft-ruleset.ts`) always
 * gives it.
 */

import type { Diagnostic } from "../model/packet.ts";
import type { ExpandedTokens } from "./expand-nft-variables.ts";
import { fibHookProblems } from "./fib-hooks.ts";
import { jumpLoops } from "./jump-loops.ts";
import { natOfData, reversedData } from "./nat-map-data.ts";
import { reachingBaseChains } from "./nft-chain-reach.ts";
import { ctPortRefusal } from "./nft-ct-port-context.ts";
import { elementTimeoutProblem, nftDurationMs, type SetTimeouts } from "./nft-element-timeout.ts";
import { familyConflict } from "./nft-family-conflict.ts";
import { grammarRefusal } from "./nft-grammar-refusals.ts";
import { unsupportedAtHook } from "./nft-hook-support.ts";
import { firstIntervalOverlap } from "./nft-interval-overlap.ts";
import { keyText, repeatedKey, repeatedKeyProblem } from "./nft-repeated-key.ts";
import { quotedName, reservedName } from "./nft-reserved-names.ts";
import { datatypeMismatch, elementFamilyMismatch, setDatatypes } from "./nft-set-datatype.ts";
import { transportConflict } from "./nft-transport-conflict.ts";
import {
  elementProblem,
  elementValue,
  headerFamily,
  parseNftRule,
  prependCondition,
  type SetKey,
  setTypeKeys,
} from "./parse-nft-rule.ts";
import { reversedRange, reversedRangeMessage } from "./reversed-range.ts";
import type {
  BaseChain,
  ChainDef,
  Condition,
  Flowtable,
  NftDataElement,
  NftMapElement,
  NftSet,
  NftValue,
  Rule,
  TableDef,
  Target,
} from "./ruleset.ts";
import { DEVICE_HOOK_HINT } from "./ruleset-hints.ts";
import { joinFlagWords } from "./tcp-flag-values.ts";
import { hasScriptWords, type NftToken, SCRIPT_VERBS, tokenizeNft } from "./tokenize-nft.ts";
import { STATE_HINT, UNCERTAIN_HINT } from "./unmodelled-hints.ts";
import { undecideXtHelper } from "./xt-helper-listing.ts";

/** Options of `parseNftRuleset`. */
export interface ParseNftOptions {
  /** File name for diagnostics (default `ruleset`). */
  file?: string;
  /** Line number of the text's first line in its file (default 1). */
  firstLine?: number;
  /** Takes quoted table, chain and set names: the JSON reader's text, which quotes a keyword name. */
  quotedNames?: boolean;
}

/** Options of {@link readNftRuleset}. */
export interface ReadNftOptions extends ParseNftOptions {
  /** Reads an `nft -f` script's variables and commands; without it, text that needs it (`isNftScript`) is misread. */
  script?: NftScriptReader;
}

/** A position in the text (a token's, or a rule's). */
interface At {
  line: number;
  column: number;
}

/**
 * What the ruleset reader lends an {@link NftScriptReader} while it reads one command: the tokens and
 * its position in them, the tables read so far, and its own readers of blocks, elements and rules.
 */
export interface NftReader {
  /** The text's tokens, variables expanded. */
  readonly toks: readonly NftToken[];
  /** Index in {@link toks} of the next token to read. */
  at: number;
  /** The tables read so far, in order (a command may empty or shorten the list). */
  readonly tables: TableDef[];
  /** Reports a problem at `at`. */
  err(at: At, message: string, hint?: string, severity?: "error" | "warning"): void;
  /** The tokens up to the end of the statement (line end or `;` outside braces); `keepLineEnds` keeps those inside braces. */
  statement(keepLineEnds?: boolean): NftToken[];
  /** A `table [FAMILY] NAME [{ ... }]` from its name (the body optional in `add table`); `create` refuses one that exists. */
  readTable(at: NftToken, optionalBody: boolean, create?: boolean): void;
  /** A `NAME { ... }` chain of `table`, from its name; false when it could not be read to its end. */
  readChain(table: TableDef, at: NftToken): boolean;
  /** nft's refusal of quoted name `name` (`add rule inet t "c"`), or undefined when it is taken. */
  quoted(
    name: NftToken,
    what: "table" | "chain" | "set" | "map",
  ): { message: string; hint: string } | undefined;
  /** A `NAME { ... }` set or map of `table`, from its name; false when it could not be read to its end. */
  readSet(table: TableDef, kind: "set" | "map", at: NftToken): boolean;
  /** A `NAME { ... }` flowtable of `table`, from its name; false when it could not be read to its end. */
  readFlowtable(table: TableDef, at: NftToken): boolean;
  /** Adds the elements of `words` (`... { a, b }`) to `set`. */
  addElements(set: NftSet, words: NftToken[], at: NftToken): void;
  /** The chain `name` of `table`, made when the table has none of that name. */
  chainIn(table: TableDef, name: NftToken): ChainDef;
  /** Adds the rule `words` to `chain`, at its end or at index `at` (from 0). */
  addRule(table: TableDef, chain: ChainDef, words: NftToken[], at?: number): void;
  /** Reports the command `verb what ...` as not modelled and skips it. */
  notModelled(verb: NftToken, what: string): void;
}

/** Reads what only an `nft -f` script holds: its variables and its commands (`nft-script-reader.ts`). */
export interface NftScriptReader {
  /** The tokens with `define` statements taken out and each `$NAME` replaced by its value. */
  expandVariables(tokens: readonly NftToken[]): ExpandedTokens;
  /** Reads the command that `verb` (`add`, `flush`, ...) begins; the reader is at the word after it. */
  readCommand(reader: NftReader, verb: NftToken): void;
}

/** The tables read, in order, and every problem found. */
export interface ParsedNft {
  tables: TableDef[];
  diagnostics: Diagnostic[];
}

/** The nft families. */
export const NFT_FAMILIES = ["ip", "ip6", "inet", "arp", "bridge", "netdev"] as const;

/** Named priorities (nft's `priority raw` etc.) for the IP families and for the bridge family. */
export function namedPriority(name: string, family: string): number | undefined {
  if (family === "bridge")
    return ({ dstnat: -300, filter: -200, out: 100, srcnat: 300 } as Record<string, number>)[name];
  return (
    { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 } as Record<string, number>
  )[name];
}

/** Table-level objects besides chains, sets and maps. */
export const STATEFUL_OBJECTS: ReadonlySet<string> = new Set([
  "counter",
  "quota",
  "limit",
  "ct",
  "secmark",
  "synproxy",
  "tunnel",
]);

/** nft's refusal of a range whose upper bound is below its lower one. */
const rangeMessage = (r: { lo: string; hi: string }) =>
  `range '${r.lo}-${r.hi}' has zero or negative size: nft refuses it, and with it the whole file`;
const RANGE_HINT = "write the lower bound first";

/** What to do about a script command the reader does not model. */
export const SCRIPT_HINT =
  "give the ruleset the script leaves behind: run it, then 'nft list ruleset' (or nft -s list ruleset)";

const HOOKS = new Set(["prerouting", "input", "forward", "output", "postrouting", "ingress", "egress"]);

/** Parses nft ruleset text, an `nft -f` script's variables and commands with `options.script`. */
export function readNftRuleset(text: string, options: ReadNftOptions = {}): ParsedNft {
  const file = options.file ?? "ruleset";
  const diagnostics: Diagnostic[] = [];
  const tables: TableDef[] = [];
  const columns = new Map<Rule, number>();
  // Each named set's keys as written, with their first token: checked for overlaps once all are read.
  const written = new Map<NftSet, { value: NftValue; at: NftToken }[]>();
  const remember = (set: NftSet, value: NftValue, at: NftToken) => {
    const list = written.get(set);
    if (list) list.push({ value, at });
    else written.set(set, [{ value, at }]);
  };
  // Each named set's flags (a timeout sets one) and per-element expressions as first declared, and whether by typeof.
  const declaredShape = new Map<NftSet, { shape: string; byTypeof: boolean }>();
  // What each named set's declaration says of timeouts, for its elements' `timeout` and `expires`.
  const setTimeouts = new Map<NftSet, SetTimeouts>();
  // Where each `fib` (and `rt` of `rt mtu`) word of a rule stands, in order (a rule may span lines).
  const fibWords = new Map<Rule, { line: number; column: number }[]>();
  // Where each `@set` a rule names stands (its first mention), for the lookup's datatype check.
  const setRefs = new Map<Rule, Map<string, { line: number; column: number }>>();
  // Each rule's words, and where each verdict map element's key stands: nft points at them when it refuses one.
  const ruleWords = new Map<Rule, readonly NftToken[]>();
  const elementKeys = new WeakMap<NftMapElement, At>();
  const err = (at: At, message: string, hint?: string, severity: "error" | "warning" = "error") =>
    diagnostics.push({ severity, message, hint, position: { file, line: at.line, column: at.column } });
  const firstLine = options.firstLine ?? 1;
  /** nft's refusal of a quoted name, but in the JSON reader's text (see `quotedNames`). */
  const quoted: typeof quotedName = (name, what) =>
    options.quotedNames ? undefined : quotedName(name, what);
  const srcLines = text.split(/\r?\n/);
  const tk = tokenizeNft(text, firstLine);
  if (!tk.ok) {
    err(tk, tk.message, tk.hint ?? 'close the string with a double quote (")');
    return { tables, diagnostics };
  }
  const script = options.script;
  // Without `$NAME` or `define` (see `isNftScript`) expanding changes nothing: a listing needs no script reader.
  const expanded: ExpandedTokens = script?.expandVariables(tk.tokens) ?? { tokens: tk.tokens, problems: [] };
  for (const p of expanded.problems) err(p, p.message, p.hint, p.severity);
  const toks = expanded.tokens;
  // A script is written for nft -f, never listed by nft: a reversed range in it is no listing's misprint.
  const forLoading = hasScriptWords(tk.tokens);
  let i = 0;
  const peek = () => toks[i];
  const skipBlank = () => {
    while (toks[i]?.type === "nl" || toks[i]?.value === ";") i++;
  };
  const last = toks[toks.length - 1] ?? { line: 1, column: 1 };
  /**
   * Tokens up to the end of the statement (line end or `;` outside braces); braces may span lines.
   * `keepLineEnds`: line ends inside braces are kept (they separate an anonymous chain's rules).
   */
  const statement = (keepLineEnds = false): NftToken[] => {
    const out: NftToken[] = [];
    let depth = 0;
    while (i < toks.length) {
      const t = toks[i] as NftToken;
      if (depth === 0 && (t.type === "nl" || t.value === ";" || t.value === "}")) break;
      if (t.value === "{") depth++;
      if (t.value === "}") depth--;
      if (t.type !== "nl" || keepLineEnds) out.push(t);
      i++;
    }
    return out;
  };
  /** Skips a `{ ... }` block whose `{` is at `i`. */
  const skipBlock = () => {
    let depth = 0;
    do {
      if (toks[i]?.value === "{") depth++;
      else if (toks[i]?.value === "}") depth--;
      i++;
    } while (i < toks.length && depth > 0);
  };

  /**
   * nft ends a statement (a rule, a chain's type or policy line, a table's chain or set block, a table)
   * with a line end or ';': `tcp dport 22 accept }` or `chain a { ... } }` on one line is a syntax error
   * in nft 1.0.6 ("unexpected '}', expecting newline or semicolon"). Reported at what follows.
   */
  const separated = () => {
    const next = peek();
    if (!next || next.type === "nl" || next.value === ";") return;
    err(
      next,
      `expected a line end or ';' before '${next.value}'`,
      "nft ends each rule, chain, set and table with a line end or ';' (e.g. 'tcp dport 22 accept; }'), or refuses the file",
    );
  };

  /** `flowtable NAME { hook ingress priority P; devices = { a, b }; counter; flags offload }`. */
  const readFlowtable = (table: TableDef, at: NftToken) => {
    const name = toks[i];
    if (name?.type !== "word" || toks[i + 1]?.value !== "{") {
      err(
        at,
        "expected 'flowtable NAME {'",
        "write e.g. 'flowtable ft { hook ingress priority filter; devices = { eth0 }; }'",
      );
      return false;
    }
    i += 2;
    const ft: Flowtable = { name: name.value, hook: "", priorityText: "", devices: [], line: at.line };
    for (;;) {
      skipBlank();
      const t = peek();
      if (!t) {
        err(at, `flowtable ${ft.name} is not closed`, "add '}' after its devices");
        return false;
      }
      if (t.value === "}") {
        i++;
        break;
      }
      const words = statement().map((w) => w.value);
      if (words[0] === "hook") {
        ft.hook = words[1] ?? "";
        ft.priorityText = words.slice(words.indexOf("priority") + 1).join(" ");
      } else if (words[0] === "devices")
        ft.devices = words.slice(2).filter((w) => !["{", "}", ","].includes(w));
    }
    // The kernel takes a flowtable at the ingress hook only (nf_tables_flowtable_parse_hook: EOPNOTSUPP).
    if (ft.hook !== "ingress")
      err(at, `flowtable ${ft.name} needs 'hook ingress'`, "write 'hook ingress priority filter;' in it");
    else if (ft.devices.length === 0)
      err(
        at,
        `flowtable ${ft.name} has no devices: no connection is offloaded through it`,
        "add its devices, e.g. 'devices = { br-lan, eth0 };'",
        "warning",
      );
    table.flowtables ??= new Map();
    table.flowtables.set(ft.name, ft);
    return true;
  };

  /** Adds the elements of `words` (`... { a, b }`, as after `elements =` or `add element ... SET`) to `set`. */
  const addElements = (set: NftSet, words: NftToken[], at: NftToken) => {
    const kind = set.kind;
    const open = words.findIndex((w) => w.value === "{");
    const body = words.slice(open + 1, words[words.length - 1]?.value === "}" ? -1 : undefined);
    if (open < 0 || words[words.length - 1]?.value !== "}") {
      err(at, "expected 'elements = { ... }'", "close the element list with '}'");
      return;
    }
    const entries: NftToken[][] = [[]];
    // `syn | ack` is one element (nft lists a tcp_flag set's values with spaces around `|`).
    for (const w of joinFlagWords(body)) {
      if (w.value === ",") entries.push([]);
      else (entries[entries.length - 1] as NftToken[]).push(w);
    }
    const verdictMap = / : verdict$/.test(set.type) || set.type === "verdict";
    const keys = setTypeKeys(set.type);
    const types = setDatatypes(set.type);
    for (const e of entries) {
      if (e.length === 0) continue;
      const timed = elementTimeoutProblem(e, setTimeouts.get(set) ?? { timeouts: false }, set.name);
      if (timed) {
        err(timed.at, timed.message, timed.hint);
        continue;
      }
      // Each part of the key (`fd00::1 . 80`) of its family.
      const family = types
        .map((t, k) => {
          const w = e[2 * k];
          const problem =
            w && (k === 0 || e[2 * k - 1]?.value === ".") ? elementFamilyMismatch(t, w.value) : undefined;
          return problem ? { at: w as NftToken, problem } : undefined;
        })
        .find((f) => f !== undefined);
      if (family) {
        err(
          family.at,
          `${set.kind} ${set.name}: ${family.problem}`,
          "write an address of the set's family, or declare the set with the other type",
        );
        continue;
      }
      const colon = e.findIndex((w) => w.value === ":");
      // A number past its key's width (`type mark` and 0x100000000): nft refuses the element (see `elementProblem`).
      const said = elementProblem(keys, e.slice(0, colon < 0 ? e.length : colon));
      if (said) err(said, said.message, said.hint, said.severity);
      if (said?.severity === "error") continue;
      // A data map (`inet_service : ipv4_addr . inet_service`) feeds `dnat to ... map @m`.
      if (kind === "map" && !verdictMap) {
        const element = dataElement(e, colon);
        const reversed = element && reversedRange(element.key);
        if (reversed) err(e[0] as NftToken, rangeMessage(reversed), RANGE_HINT);
        else if (element) {
          set.data ??= [];
          set.data.push(element);
          remember(set, element.key, e[0] as NftToken);
        } else
          err(
            e[0] as NftToken,
            `map element '${e.map((w) => w.value).join(" ")}' is not 'KEY : VALUE'`,
            "write e.g. 8080 : 192.168.1.30 . 80",
          );
        continue;
      }
      // The key's words: values joined by '.' (a concatenation), up to the element's options or its ':'.
      const keyWords: string[] = [];
      for (let k = 0; k < (colon < 0 ? e.length : colon); k++) {
        const w = e[k] as NftToken;
        if (k % 2 === 1 && w.value !== ".") break;
        if (k % 2 === 0) keyWords.push(w.value);
      }
      const key = elementValue(keyWords);
      if (verdictMap || colon >= 0) {
        const verdict = colon < 0 ? undefined : verdictOf(e.slice(colon + 1).map((w) => w.value));
        if (!verdict || keyWords.length === 0) {
          err(
            e[0] as NftToken,
            `map element '${e.map((w) => w.value).join(" ")}' is not 'KEY : VERDICT'`,
            'write e.g. "docker0" : jump my-chain',
          );
          continue;
        }
        const element = { key, verdict };
        set.verdicts.push(element);
        elementKeys.set(element, e[0] as NftToken);
      } else set.elements.push(key);
      remember(set, key, e[0] as NftToken);
      const reversed = reversedRange(key);
      if (reversed) err(e[0] as NftToken, rangeMessage(reversed), RANGE_HINT);
    }
  };

  const readSet = (table: TableDef, kind: "set" | "map", at: NftToken) => {
    const name = toks[i];
    if (!name || name.type === "punct" || name.type === "nl") {
      err(at, `${kind} needs a name`, `write e.g. '${kind} my-${kind} { type ipv4_addr; }'`);
      return false;
    }
    const keyword = reservedName(name, kind) ?? quoted(name, kind);
    if (keyword) err(name, keyword.message, keyword.hint);
    i++;
    if (peek()?.value !== "{") {
      err(
        peek() ?? last,
        `expected '{' after ${kind} ${name.value}`,
        `write '${kind} ${name.value} { type ...; }'`,
      );
      return false;
    }
    i++;
    const set: NftSet = { name: name.value, kind, type: "", elements: [], verdicts: [], line: at.line };
    // What the kernel compares when the set is declared again: its flags (a timeout sets one) and its
    // expressions per element (`counter`, `limit rate ...`); a size or a timeout's length it updates.
    const shape = new Set<string>();
    let byTypeof = false;
    const timeouts: SetTimeouts = { timeouts: false };
    // Elements are checked once the whole declaration is read: `flags timeout` may come after them.
    const elementLines: NftToken[][] = [];
    for (;;) {
      skipBlank();
      const t = peek();
      if (!t) {
        err(at, `${kind} ${name.value} is not closed`, "add '}' after its elements");
        return false;
      }
      if (t.value === "}") {
        i++;
        break;
      }
      const words = statement();
      const head = words[0]?.value;
      // nft takes a set's elements line without a separator before the set's '}'.
      if (head !== "elements") separated();
      if (head === "type" || head === "typeof") {
        byTypeof = head === "typeof";
        set.type = words
          .slice(1)
          .map((w) => w.value)
          .join(" ");
      } else if (head === "elements") elementLines.push(words);
      else if (head === "flags") {
        set.interval ||= words.some((w) => w.value === "interval");
        for (const w of words.slice(1)) if (w.type === "word") shape.add(w.value);
        timeouts.timeouts ||= words.some((w) => w.value === "timeout");
      } else if (head === "timeout") {
        shape.add("timeout");
        timeouts.timeouts = true;
        const ms = nftDurationMs(words[1]?.value ?? "");
        if (ms !== undefined) timeouts.timeoutMs = ms;
      } else if (head === "counter") shape.add("counter");
      else if (head === "auto-merge") set.autoMerge = true;
      else if (head === "limit" || head === "quota" || (head === "ct" && words[1]?.value === "count")) {
        // A stateful expression for every element (nft's set-level connlimit, a limit per key).
        set.stateful = words.map((w) => w.value).join(" ");
        shape.add(head === "ct" ? "ct count" : head);
      } else if (
        head &&
        !["flags", "size", "timeout", "gc-interval", "policy", "counter", "auto-merge", "comment"].includes(
          head,
        )
      )
        err(
          words[0] as NftToken,
          `unexpected '${head}' in ${kind} ${name.value}`,
          "a set holds type, flags and elements lines",
          "warning",
        );
    }
    setTimeouts.set(set, timeouts);
    for (const words of elementLines) addElements(set, words, words[0] as NftToken);
    const sets = table.sets as Map<string, NftSet>;
    const before = sets.get(set.name);
    if (!before) {
      sets.set(set.name, set);
      declaredShape.set(set, { shape: [...shape].sort().join(" "), byTypeof });
      return true;
    }
    // `nft -f` adds a set declared again to the one it has, if both are alike; else "File exists".
    const was = declaredShape.get(before) ?? { shape: "", byTypeof: false };
    const now = [...shape].sort().join(" ");
    const type = (t: string) => t.replace(/\s+/g, " ");
    // The kernel compares the key's datatype: `typeof tcp dport`, `typeof udp dport` and `type
    // inet_service` are one, so only two `type` declarations are compared here.
    const typeDiffers = !was.byTypeof && !byTypeof && type(before.type) !== type(set.type);
    if (before.kind !== set.kind || typeDiffers || was.shape !== now) {
      const flags = (f: string) => (f ? `'${f}'` : "none");
      const unlike =
        before.kind !== set.kind
          ? `as a ${kind}, a ${before.kind} at line ${before.line}`
          : typeDiffers
            ? `with type ${type(set.type)}, ${type(before.type)} at line ${before.line}`
            : `with flags, timeout and expressions ${flags(now)}, ${flags(was.shape)} at line ${before.line}`;
      err(
        name,
        `${kind} ${set.name} is declared again ${unlike}: nft refuses the file ("Could not process rule: File exists")`,
        `declare the ${kind} once, or declare it again with the same type, flags, timeout and counter to add elements (or add them with 'add element ${table.family ?? "ip"} ${table.name} ${set.name} { ... }')`,
      );
      return true;
    }
    before.elements.push(...set.elements);
    before.verdicts.push(...set.verdicts);
    if (set.data) before.data = [...(before.data ?? []), ...set.data];
    before.autoMerge ||= set.autoMerge;
    before.stateful ??= set.stateful;
    for (const e of written.get(set) ?? []) remember(before, e.value, e.at);
    written.delete(set);
    return true;
  };

  const readChain = (table: TableDef, at: NftToken) => {
    const name = toks[i];
    if (!name || name.type === "punct" || name.type === "nl") {
      err(at, "chain needs a name", "write e.g. 'chain forward { ... }'");
      return false;
    }
    const keyword = reservedName(name, "chain") ?? quoted(name, "chain");
    if (keyword) err(name, keyword.message, keyword.hint);
    i++;
    if (peek()?.value !== "{") {
      err(peek() ?? last, `expected '{' after chain ${name.value}`, `write 'chain ${name.value} { ... }'`);
      return false;
    }
    i++;
    const existed = table.chains.get(name.value);
    const chain = chainIn(table, name);
    for (;;) {
      skipBlank();
      const t = peek();
      if (!t) {
        err(name, `chain ${name.value} is not closed`, "add '}' after its rules");
        return false;
      }
      if (t.value === "}") {
        i++;
        return true;
      }
      if (t.value === "type" && toks[i + 2]?.value === "hook") {
        const words = statement();
        separated();
        const base = readBase(words, table.family ?? "ip");
        const was = chain.base;
        // A script may open a chain again (`nft -f` adds to it); the kernel refuses another hook or priority.
        if (
          base &&
          was &&
          (was.hook !== base.hook || was.priority !== base.priority || was.type !== base.type)
        )
          err(
            words[0] as NftToken,
            `chain ${chain.name} was declared 'type ${was.type} hook ${was.hook} priority ${was.priorityText}' above; it cannot change to 'type ${base.type} hook ${base.hook} priority ${base.priorityText}'`,
            "declare a base chain's type, hook and priority once (nft refuses a change: File exists)",
          );
        else if (base) {
          if (!was && existed)
            // The kernel does not turn a regular chain into a base chain (nf_tables_updchain: EEXIST).
            err(
              words[0] as NftToken,
              `chain ${chain.name} was declared above without a hook; it cannot become a base chain here`,
              "give the chain its 'type ... hook ... priority ...;' where it is first declared (nft refuses this: File exists)",
            );
          chain.base = base;
        }
        continue;
      }
      if (t.value === "policy") {
        const words = statement();
        separated();
        const p = words[1]?.value;
        if (p !== "accept" && p !== "drop")
          err(words[1] ?? t, `'${p ?? ""}' is not a chain policy`, "expected accept or drop");
        else chain.policy = p.toUpperCase();
        continue;
      }
      if (
        t.value === "comment" &&
        toks[i + 1]?.type === "string" &&
        (toks[i + 2]?.type === "nl" || toks[i + 2]?.value === ";" || toks[i + 2]?.value === "}")
      ) {
        statement();
        separated();
        continue;
      }
      const words = statement(true);
      if (words.length === 0) {
        i++;
        continue;
      }
      separated();
      addRule(table, chain, words);
    }
  };

  /** The chain `name` of `table`, made when the table has none of that name (a script adds to it). */
  const chainIn = (table: TableDef, name: NftToken): ChainDef => {
    const had = table.chains.get(name.value);
    if (had) return had;
    const chain: ChainDef = { name: name.value, line: name.line, rules: [] };
    table.chains.set(chain.name, chain);
    return chain;
  };

  const readBase = (words: NftToken[], family: string): BaseChain | undefined => {
    // type T hook H [device D] priority P
    const type = words[1]?.value ?? "";
    const hook = words[3]?.value ?? "";
    if (!HOOKS.has(hook)) {
      err(
        words[3] ?? (words[0] as NftToken),
        `'${hook}' is not a hook`,
        "expected prerouting, input, forward, output or postrouting",
      );
      return undefined;
    }
    const pIdx = words.findIndex((w) => w.value === "priority");
    if (pIdx < 0) {
      err(
        words[0] as NftToken,
        `base chain with hook ${hook} has no priority`,
        "write e.g. 'type filter hook forward priority filter;'",
      );
      return undefined;
    }
    const prio = words.slice(pIdx + 1);
    const priorityText = prio.map((w) => w.value).join(" ");
    const m = /^(-?\d+|[a-z]+)(?:\s*([+-])\s*(\d+))?$/.exec(priorityText);
    const first = m?.[1] ?? "";
    const baseValue = /^-?\d+$/.test(first) ? Number(first) : namedPriority(first, family);
    if (!m || baseValue === undefined) {
      err(
        prio[0] ?? (words[pIdx] as NftToken),
        `'${priorityText}' is not a priority`,
        "expected a number or raw, mangle, dstnat, filter, security, srcnat (with + or - N)",
      );
      return undefined;
    }
    const priority = baseValue + (m[2] ? (m[2] === "+" ? 1 : -1) * Number(m[3]) : 0);
    // nft takes the NAT priorities' names at their own hook alone (1.0.6: "invalid priority expression
    // value in this context"); a nat output chain is written with the number, as Docker writes it.
    const only = first === "dstnat" ? "prerouting" : first === "srcnat" ? "postrouting" : undefined;
    if (only && hook !== only) {
      err(
        words[pIdx] as NftToken,
        `priority '${first}' is only valid at hook ${only}, not ${hook}: nft refuses the chain ("invalid priority expression value in this context")`,
        `write the number instead: 'priority ${baseValue}'`,
      );
      return undefined;
    }
    if (type === "route" && hook !== "output") {
      err(
        words[1] as NftToken,
        `a chain of type route is only valid at hook output, not ${hook}: the kernel refuses it (nft: "Could not process rule: Operation not supported")`,
        "use 'type filter' here: a route chain re-routes what the host itself sends when a rule changes its mark or addresses",
      );
      return undefined;
    }
    if (family === "netdev" || hook === "ingress" || hook === "egress")
      // The simulator's packets start at prerouting (and end at postrouting): a device hook is never walked.
      err(
        words[3] as NftToken,
        `base chain at hook ${hook} (family ${family}) is not simulated`,
        DEVICE_HOOK_HINT,
        "warning",
      );
    return { type, hook, priority, priorityText };
  };

  /** Anonymous chains made so far, per table: each gets the next `__chainN` name, as nft names them. */
  const anonymous = new Map<TableDef, number>();
  /** `jump` or `goto` when the rules being read are an anonymous chain's (nft takes no anonymous chain in one). */
  let inAnonymous: string | undefined;
  /**
   * `written` without its line ends, each `jump { ... }` / `goto { ... }` (an anonymous chain, as
   * `nft list ruleset` prints a binding chain) replaced by a jump to a chain made of its rules.
   */
  const bindAnonymousChains = (table: TableDef, written: NftToken[]): NftToken[] | undefined => {
    const out: NftToken[] = [];
    for (let k = 0; k < written.length; k++) {
      const w = written[k] as NftToken;
      if (w.type === "nl") continue;
      const open = written[k + 1];
      if (!((w.value === "jump" || w.value === "goto") && open?.value === "{")) {
        out.push(w);
        continue;
      }
      let depth = 0;
      let close = k + 1;
      for (; close < written.length; close++) {
        const v = (written[close] as NftToken).value;
        if (v === "{") depth++;
        else if (v === "}" && --depth === 0) break;
      }
      if (close >= written.length) {
        err(open, `the anonymous chain after '${w.value}' is not closed`, "add '}' after its rules");
        return undefined;
      }
      if (inAnonymous) {
        // nft 1.0.6: "Error: too many levels of nesting".
        err(
          open,
          `an anonymous chain cannot hold another ('${w.value} {' inside '${inAnonymous} { ... }'): nft refuses it (too many levels of nesting)`,
          "declare the inner chain by name ('chain NAME { ... }') and jump to it",
        );
        return undefined;
      }
      const lastInside = written.slice(k + 2, close).at(-1);
      if (lastInside && lastInside.type !== "nl" && lastInside.value !== ";")
        err(
          written[close] as NftToken,
          "expected a line end or ';' before '}'",
          "nft ends each rule of an anonymous chain with a line end or ';' (e.g. 'jump { accept; }'), or refuses the file",
        );
      let n = anonymous.get(table) ?? 0;
      while (table.chains.has(`__chain${n}`)) n++;
      anonymous.set(table, n + 1);
      const name: NftToken = { type: "word", value: `__chain${n}`, line: open.line, column: open.column };
      const chain = chainIn(table, name);
      // Its rules: split at line ends and ';' outside nested braces.
      let rule: NftToken[] = [];
      let nested = 0;
      inAnonymous = w.value;
      for (const b of written.slice(k + 2, close)) {
        if (nested === 0 && (b.type === "nl" || b.value === ";")) {
          if (rule.length) addRule(table, chain, rule);
          rule = [];
          continue;
        }
        if (b.value === "{") nested++;
        else if (b.value === "}") nested--;
        rule.push(b);
      }
      if (rule.length) addRule(table, chain, rule);
      inAnonymous = undefined;
      out.push(w, name);
      k = close;
    }
    return out;
  };

  /** Adds the rule `written` to `chain` (at its end, or at index `at` from 0: `insert rule`, `add rule ... index N`). */
  const addRule = (table: TableDef, chain: ChainDef, written: NftToken[], at?: number) => {
    const words = bindAnonymousChains(table, written);
    if (!words || words.length === 0) return;
    const shown = written.filter((w) => w.type !== "nl");
    const parsed = parseNftRule(words, table.sets);
    const misprint = forLoading ? parsed.problems.find((p) => p.reversed) : undefined;
    if (misprint?.reversed) {
      err(misprint, rangeMessage(misprint.reversed), RANGE_HINT);
      return;
    }
    const failed = parsed.problems.some((p) => p.severity === "error");
    const conflict = failed
      ? undefined
      : (familyConflict(words, table.family ?? "ip") ??
        transportConflict(words) ??
        grammarRefusal(
          words,
          parsed.conditions.flatMap((c) => (c.kind === "unknown" ? [c.text] : [])),
        ) ??
        ctPortRefusal(words, !forLoading) ??
        unsupportedAtHook(words, chain.base?.hook));
    // A rule nft refuses is said refused alone: what the simulator would not model in it is moot.
    if (!conflict) for (const p of parsed.problems) err(p, p.message, p.hint, p.severity);
    if (failed) return;
    // The keys of the rule's own map (`vmap { 100-50 : accept }`, `dnat to tcp dport map { ... }`): nft
    // 1.0.6 refused a reversed one there too ("Range has zero or negative size").
    const mapKeys = [parsed.target, ...(parsed.afterVerdicts ?? []).map((a) => a.verdict)].flatMap((t) =>
      t.kind === "vmap" || t.kind === "nat-map" ? (t.elements ?? []).map((e) => e.key) : [],
    );
    for (const c of [...parsed.conditions, { kind: "nft-set" as const, elements: mapKeys }]) {
      const reversed = c.kind === "nft-set" ? c.elements?.map(reversedRange).find((r) => r) : undefined;
      if (reversed) {
        const exact = shown.find((w) => w.value === `${reversed.lo}-${reversed.hi}`);
        // One written from a number to a name (`ip dscp 9-cs1`) is found by its first bound, and said as written.
        const named = exact
          ? undefined
          : shown.find((w) => Number(/^(0x[0-9a-f]+|\d+)-[a-z]/i.exec(w.value)?.[1]) === Number(reversed.lo));
        const at = exact ?? named ?? (shown[0] as NftToken);
        err(at, named ? reversedRangeMessage(named.value) : rangeMessage(reversed), RANGE_HINT);
        return;
      }
    }
    // A key twice with other data in one of the rule's own maps: pointed at by its element, in the order written.
    const targets = [parsed.target, ...(parsed.afterVerdicts ?? []).map((a) => a.verdict)].flatMap((t) =>
      t.kind === "vmap" || t.kind === "nat-map" ? [t] : [],
    );
    const maps: { key: NftValue }[][] = targets.map((t) => t.elements ?? []);
    const twice = maps.map((m, n) => repeatedKey(m, targets[n]?.concat ?? [targets[n]?.key])).find((e) => e);
    if (twice) {
      const starts = shown.filter((_w, k) => {
        const open = shown.findLastIndex((b, n) => n < k && b.value === "{");
        return (
          (shown[k - 1]?.value === "," || k === open + 1) && /^v?map$/.test(shown[open - 1]?.value ?? "")
        );
      });
      const p = repeatedKeyProblem(twice.key);
      err(starts[maps.flat().indexOf(twice)] ?? (shown[0] as NftToken), p.message, p.hint);
      return;
    }
    if (conflict) {
      err(conflict.at, conflict.message, conflict.hint);
      return;
    }
    if (table.family === "inet" || table.family === "bridge" || table.family === "netdev")
      rejectFamilyDependency(parsed);
    if (table.family === "inet" && unfamiliedNat(words, err)) return;
    undecideXtHelper(table, parsed, shown, err);
    // In an inet table an IPv4 NAT target leaves IPv6 packets alone and the rule goes on (see the engine).
    const familyOf = (t: Target): Target =>
      table.family === "inet" && (t.kind === "DNAT" || t.kind === "SNAT") && t.addr && !t.addr.includes(":")
        ? { ...t, family: "ip" }
        : t;
    parsed.target = familyOf(parsed.target);
    for (const a of parsed.afterVerdicts ?? []) a.verdict = familyOf(a.verdict);
    const first = shown[0] as NftToken;
    const end = shown[shown.length - 1] as NftToken;
    const width =
      end.written?.length ?? end.width ?? (end.type === "string" ? end.value.length + 2 : end.value.length);
    // The rule as written when it is on one line (nft monitor trace prints it the same way).
    const lineText =
      first.line === end.line
        ? (srcLines[first.line - firstLine] ?? "").slice(first.column - 1, end.column - 1 + width)
        : shown
            // A variable's tokens share its position: it is shown once, as written.
            .filter(
              (w, k) =>
                !w.written || shown[k - 1]?.written !== w.written || shown[k - 1]?.column !== w.column,
            )
            .map((w) => w.written ?? (w.type === "string" ? JSON.stringify(w.value) : w.value))
            .join(" ")
            .replace(/ ([,}])/g, "$1");
    const rule: Rule = {
      table: table.name,
      chain: chain.name,
      index: chain.rules.length + 1,
      line: first.line,
      text: lineText.replace(/(^| )counter packets \d+ bytes \d+/g, "$1counter"),
      conditions: parsed.conditions,
      target: parsed.target,
    };
    if (parsed.effects.length) rule.effects = parsed.effects;
    // Only a statement written among the matches or after the target needs its place kept.
    if (parsed.effectAt.some((k) => k !== parsed.conditions.length)) rule.effectAt = parsed.effectAt;
    // Matches written after a verdict map are read only when its element lets the rule go on.
    if (parsed.targetAt !== parsed.conditions.length) rule.targetAt = parsed.targetAt;
    if (parsed.afterVerdicts) rule.afterVerdicts = parsed.afterVerdicts;
    if (parsed.comment !== undefined) rule.comment = parsed.comment;
    if (at === undefined || at >= chain.rules.length) chain.rules.push(rule);
    else {
      chain.rules.splice(at, 0, rule);
      chain.rules.forEach((r, k) => {
        r.index = k + 1;
      });
    }
    columns.set(rule, first.column);
    ruleWords.set(rule, shown);
    const refs = new Map<string, { line: number; column: number }>();
    for (const w of shown)
      if (w.type === "word" && w.value.startsWith("@") && !refs.has(w.value.slice(1)))
        refs.set(w.value.slice(1), { line: w.line, column: w.column });
    if (refs.size) setRefs.set(rule, refs);
    // `rt mtu` is held to its hooks as fib is (see fib-hooks.ts); its `rt` is counted with the fibs.
    const fibs = shown.filter(
      (w, k) =>
        w.type !== "string" &&
        (w.value === "fib" ||
          w.value === "socket" ||
          w.value === "tproxy" ||
          (w.value === "rt" && shown[k + 1]?.value === "mtu")),
    );
    if (fibs.length)
      fibWords.set(
        rule,
        fibs.map((w) => ({ line: w.line, column: w.column })),
      );
  };

  /** The table body after its `{`, up to and with its `}`. */
  const readTableBody = (table: TableDef, t: NftToken) => {
    const family = table.family ?? "ip";
    for (;;) {
      skipBlank();
      const k = peek();
      if (!k) {
        err(t, `table ${family} ${table.name} is not closed`, "add '}' at the end of the table");
        return;
      }
      if (k.value === "}") {
        i++;
        return;
      }
      i++;
      if (k.value === "chain") {
        if (!readChain(table, k)) return;
        separated();
      } else if (k.value === "set" || k.value === "map") {
        if (!readSet(table, k.value, k)) return;
        separated();
      } else if (k.value === "flags" || k.value === "comment") {
        const words = statement();
        separated();
        if (k.value === "flags" && words.some((w) => w.value === "dormant")) table.dormant = true;
      } else if (k.value === "flowtable") {
        if (!readFlowtable(table, k)) return;
        separated();
      } else if (STATEFUL_OBJECTS.has(k.value)) {
        // `counter NAME { ... }`, `ct helper NAME { ... }`: declarations; the
        // rules that use them say what is not modelled.
        const kind = k.value === "ct" ? `ct ${peek()?.value ?? ""}` : k.value;
        const name = k.value === "ct" ? toks[i + 1] : peek();
        if (name && name.type !== "punct") {
          table.objects ??= new Set();
          table.objects.add(`${kind} ${unquote(name.value)}`);
        }
        statement();
        if (peek()?.value === "{") skipBlock();
        separated();
      } else if (k.value === "include") {
        // OpenWrt's fw4 includes /etc/nftables.d/*.nft inside its table.
        notFollowed(k);
        statement();
        separated();
      } else {
        err(
          k,
          `unexpected '${k.value}' in table ${family} ${table.name}`,
          "a table holds chain, set, map and flags",
        );
        statement();
        if (peek()?.value === "{") skipBlock();
      }
    }
  };

  /** A `table [FAMILY] NAME {` block; opening a table again adds to it, as `nft -f` does. */
  const readTable = (t: NftToken, optionalBody: boolean, create = false) => {
    let family = "ip";
    let nameTok = peek();
    if (
      nameTok &&
      (NFT_FAMILIES as readonly string[]).includes(nameTok.value) &&
      toks[i + 1]?.value !== "{" &&
      toks[i + 1]?.type !== "nl" &&
      toks[i + 1] !== undefined
    ) {
      family = nameTok.value;
      i++;
      nameTok = peek();
    }
    if (!nameTok || nameTok.type === "punct" || nameTok.type === "nl") {
      err(nameTok ?? t, "table needs a family and a name", "write e.g. 'table ip docker-bridges {'");
      return;
    }
    const keyword = reservedName(nameTok, "table") ?? quoted(nameTok, "table");
    if (keyword) err(nameTok, keyword.message, keyword.hint);
    i++;
    let table = tables.find((x) => (x.family ?? "ip") === family && x.name === nameTok.value);
    if (table && create)
      // nft 1.0.6: "Could not process rule: File exists".
      err(
        nameTok,
        `table ${family} ${nameTok.value} exists already: 'create table' refuses it`,
        `use 'add table ${family} ${nameTok.value}' (it adds to a table that exists), or remove the table above`,
      );
    if (!table) {
      table = { name: nameTok.value, family, chains: new Map(), sets: new Map(), line: t.line };
      tables.push(table);
    }
    if (peek()?.value !== "{") {
      // `table inet fw4` on a line of its own is `add table` in a script (fw4's, Arch's nftables.conf).
      const next = peek();
      const bare = !next || next.type === "nl" || next.value === ";";
      if (!optionalBody && !bare)
        err(
          peek() ?? last,
          `expected '{' after table ${family} ${nameTok.value}`,
          `write 'table ${family} ${nameTok.value} {'`,
        );
      return;
    }
    i++;
    readTableBody(table, t);
    separated();
  };

  /**
   * An `include` line, at the top or in a table: the same words wherever it is. A wildcard (OpenWrt fw4's
   * `include "/etc/nftables.d/*.nft"`) may match no file, which nft takes as nothing: a warning; a
   * file named outright is rules that are missing here: an error.
   */
  const notFollowed = (t: NftToken) => {
    const path = peek()?.value ?? "";
    if (/[*?[]/.test(path))
      err(
        t,
        `'include "${path}"' is not followed: packetwalk reads only the file it is given, without the rules of the files the pattern matches`,
        "when the pattern matches no file (nft then includes nothing) the ruleset is whole; else paste those files' rules in place of the include line, or give 'nft list ruleset' output",
        "warning",
      );
    else
      err(
        t,
        "'include' is not followed: packetwalk reads only the file it is given",
        "paste the included file's rules in place of the include line (or give 'nft list ruleset' output)",
      );
  };

  /** A command not modelled: reported at its verb, and skipped with its block. */
  const notModelled = (verb: NftToken, what: string) => {
    err(verb, `'${verb.value} ${what}' is not modelled`, SCRIPT_HINT);
    statement();
    if (peek()?.value === "{") skipBlock();
  };

  const reader: NftReader = {
    toks,
    tables,
    get at() {
      return i;
    },
    set at(value) {
      i = value;
    },
    err,
    statement,
    quoted,
    readTable,
    readChain,
    readSet,
    readFlowtable,
    addElements,
    chainIn,
    addRule,
    notModelled,
  };

  for (;;) {
    skipBlank();
    const t = peek();
    if (!t) break;
    i++;
    if (t.value === "table") readTable(t, false);
    else if (SCRIPT_VERBS.has(t.value) && t.type === "word") {
      if (script) script.readCommand(reader, t);
      else {
        // Only `add @set` and the like reach here without a script reader (see `isNftScript`): as the script reader says.
        const what = peek()?.value ?? "";
        i++;
        notModelled(t, what);
      }
    } else if (t.value === "include") {
      notFollowed(t);
      statement();
    } else {
      i--;
      err(
        t,
        `unexpected '${t.value}'`,
        "nft ruleset text is a list of 'table FAMILY NAME { ... }' blocks (an nft -f script may also hold define, flush, add and insert lines)",
      );
      // Go on after the next top-level block or line.
      const words = statement();
      if (words.length === 0) i++;
      if (peek()?.value === "{") skipBlock();
    }
  }
  // The sets that remain, with the elements they still hold (a script's `flush set` empties one).
  for (const set of tables.flatMap((t) => [...(t.sets?.values() ?? [])])) {
    const live = new Set<NftValue>([
      ...set.elements,
      ...set.verdicts.map((v) => v.key),
      ...(set.data ?? []).map((d) => d.key),
    ]);
    const elements = (written.get(set) ?? []).filter((e) => live.has(e.value));
    // `1.2.3.4 . 22` in a set of one field: nft cannot read it as that field.
    const joined = /\s[.,]\s/.test(set.type.split(" : ")[0] ?? "")
      ? undefined
      : elements.find((e) => e.value.kind === "concat");
    if (joined)
      err(
        joined.at,
        `${set.kind} ${set.name}: element '${keyText(joined.value)}' joins values with '.', and the ${set.kind} holds one value of type ${set.type.split(" : ")[0]}: nft refuses it ("Can't parse symbolic invalid expressions")`,
        `write one value per element, or declare the ${set.kind} with a concatenated type (e.g. 'type ipv4_addr . inet_service')`,
      );
    const twice = repeatedKey(set.verdicts, setTypeKeys(set.type));
    if (twice) {
      const p = repeatedKeyProblem(twice.key);
      err(elementKeys.get(twice) ?? { line: 1, column: 1 }, p.message, p.hint);
    }
    const spread = set.interval ? undefined : elements.find((e) => intervalKind(e.value));
    if (spread) {
      const kind = intervalKind(spread.value) as string;
      err(
        spread.at,
        `${set.kind} ${set.name}: element '${spread.at.written ?? spread.at.value}' is a ${kind}, which a ${set.kind} without 'flags interval' cannot hold: nft refuses it ("You must add 'flags interval' to your ${set.kind} declaration if you want to add ${kind} elements")`,
        `add 'flags interval;' to the ${set.kind}'s declaration`,
      );
    }
    const overlap = set.interval && !set.autoMerge ? firstIntervalOverlap(elements) : undefined;
    if (overlap)
      err(
        overlap.at,
        `${set.kind} ${set.name}: element '${overlap.text}' overlaps '${overlap.other}': nft refuses an interval ${set.kind}'s overlapping elements ("conflicting intervals specified"), and with them the whole file`,
        `merge or split the elements so that none overlaps, or declare the ${set.kind} 'auto-merge' (nft then merges them)`,
      );
  }
  const refused = checkReferences(tables, err, (rule) => columns.get(rule) ?? 1, {
    fibAt: (rule, nth) => fibWords.get(rule)?.[nth],
    setAt: (rule, name) => setRefs.get(rule)?.get(name),
    wordsOf: (rule) => ruleWords.get(rule) ?? [],
    elementAt: (e) => elementKeys.get(e),
  });
  checkNatChains(tables, err, (rule) => columns.get(rule) ?? 1);
  // A rule nft refuses for its missing set gets that error alone, not also "not modelled" for the statement.
  const kept = refused.length
    ? diagnostics.filter(
        (d) =>
          d.severity !== "warning" ||
          !refused.some((r) => r.line === d.position?.line && d.message.includes(`'${r.statement}`)),
      )
    : diagnostics;
  // Checks made once the whole file is read report last: listed in the file's order, as a reader scans it.
  kept.sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
  return { tables, diagnostics: kept };
}

/**
 * nft's implicit family match before `reject with icmp ...` (`meta nfproto ipv4`) or `reject with icmpv6
 * ...` (`ipv6`) in a table of several families: an IPv6 packet goes past `reject with icmp
 * port-unreachable` (kernel 6.18's `nft --debug=netlink` shows the `cmp` on nfproto; a ping6 through such a
 * rule was answered). Plain `reject` and `reject with icmpx` fit both families and get none.
 */
function rejectFamilyDependency(parsed: ReturnType<typeof parseNftRule>): void {
  const t = parsed.target;
  const family =
    t.kind !== "REJECT"
      ? undefined
      : /^icmp(?:\s|$)/.test(t.with ?? "")
        ? 4
        : /^icmpv6\b/.test(t.with ?? "")
          ? 6
          : undefined;
  if (family === undefined) return;
  prependCondition(parsed, { kind: "ethertype", ethertype: family === 4 ? "0x0800" : "0x86dd", neg: false });
}

/**
 * A data map's element from its words (`8080 : 192.168.1.30 . 80`, `10.0.0.1 . tcp : 10.0.0.2`): the
 * key's values and the data's, each joined by '.'; undefined without ':' or a side.
 */
function dataElement(words: readonly NftToken[], colon: number): NftDataElement | undefined {
  if (colon < 1) return undefined;
  const parts = (from: number, to: number) =>
    words
      .slice(from, to)
      .map((w) => w.value)
      .filter((v) => v !== ".");
  const key = parts(0, colon);
  const data = parts(colon + 1, words.length);
  return key.length && data.length ? { key: elementValue(key), data } : undefined;
}

/** A verdict written as words (`jump x`, `accept`, ...). */
function verdictOf(words: string[]): Target | undefined {
  const [w, chain] = words;
  if (words.length === 1 && (w === "accept" || w === "drop" || w === "return" || w === "continue"))
    return { kind: w === "continue" ? "CONTINUE" : (w.toUpperCase() as "ACCEPT" | "DROP" | "RETURN") };
  if (words.length === 2 && (w === "jump" || w === "goto") && chain) return { kind: w, chain };
  return undefined;
}

/**
 * Jumps to missing chains and references to missing sets are errors: the kernel refuses them too. A
 * match on a set the rules fill (`add @set`, `update @set`) becomes a chance match, with a warning.
 */
/** A name as nft takes it, quoted or not. */
export function unquote(word: string): string {
  return word.length > 1 && word.startsWith('"') && word.endsWith('"') ? word.slice(1, -1) : word;
}

/** Words that start a key expression: a statement's `name` or `set` followed by one is an object map, not a name. */
const KEY_WORDS = new Set(
  "ip ip6 inet tcp udp udplite sctp dccp th meta ct ether vlan arp icmp icmpv6 iif oif iifname oifname mark numgen jhash symhash".split(
    " ",
  ),
);

/**
 * The named stateful objects a rule written `text` uses by name (`counter name "http"`, `limit name
 * lim_400ppm`, `ct helper set "ftp-standard"`), as `{ kind, name }`; an object map (`counter name ip
 * saddr map { ... }`) is left out.
 */
function namedObjectUses(text: string): { kind: string; name: string }[] {
  const out: { kind: string; name: string }[] = [];
  for (const m of text.matchAll(
    /(?:^|\s)(counter|quota|limit|synproxy) name ("[^"]+"|[^\s"{};]+)|(?:^|\s)(?:ct|meta) (helper|timeout|expectation|secmark) set ("[^"]+"|[^\s"{};]+)/g,
  )) {
    // `meta secmark set "ssh"`: a secmark object (nft: "No such file or directory" without it).
    const kind = m[1] ?? (m[3] === "secmark" ? "secmark" : `ct ${m[3]}`);
    const word = (m[2] ?? m[4]) as string;
    if (!word.startsWith('"') && (KEY_WORDS.has(word) || word.startsWith("@") || /^\d/.test(word))) continue;
    // A key word this list lacks (`osf name`, `rt mark`, `fib daddr type`, `socket mark`) followed by a map.
    const rest = text.slice((m.index ?? 0) + m[0].length);
    if (!word.startsWith('"') && /^[ \t]+[a-z][\w-]*[^;]*?\smap[ \t]*[{@]/.test(rest)) continue;
    out.push({ kind, name: unquote(word) });
  }
  return out;
}

/** Words of a match that fixes a rule's network family for nft (`ip daddr`, `meta nfproto ipv6`, `icmpv6 type`). */
const FAMILY_WORDS = new Set(["ip", "ip6", "nfproto", "icmp", "icmpv6"]);

/**
 * `dnat to ADDR` or `snat to ADDR` (an address, a map, a pick) in an inet table without `ip` or `ip6`
 * after the keyword, and with no match on a network header before it (nft takes the family from one):
 * nft refuses it at the keyword ("ip or ip6 must be specified with address for inet tables"), said so
 * there. Whether it was.
 */
function unfamiliedNat(
  words: readonly NftToken[],
  err: (at: NftToken, message: string, hint?: string) => void,
): boolean {
  for (let k = 0; k < words.length - 1; k++) {
    const w = words[k] as NftToken;
    if (w.type !== "word" || (w.value !== "dnat" && w.value !== "snat") || words[k + 1]?.value !== "to")
      continue;
    // A port alone (`dnat to :80`) names no address.
    if (words[k + 2]?.value.startsWith(":")) continue;
    // A match on a network header before it (`ip daddr`, `meta nfproto ipv4`, `icmp type`) gives nft the family.
    if (words.slice(0, k).some((x) => x.type === "word" && FAMILY_WORDS.has(x.value))) continue;
    // So does a map's key that reads one (`dnat to ip daddr . tcp dport map { ... }`: nft 1.0.6 took it).
    const map = words.findIndex((x, j) => j > k && x.value === "map");
    if (map > 0 && words.slice(k + 2, map).some((x) => x.type === "word" && FAMILY_WORDS.has(x.value)))
      continue;
    err(
      w,
      `in an inet table '${w.value} to' with an address needs its family: nft refuses it ("ip or ip6 must be specified with address for inet tables")`,
      `write '${w.value} ip to ...' for IPv4 (or '${w.value} ip6 to ...')`,
    );
    return true;
  }
  return false;
}

/**
 * The hooks a NAT target's expression takes, as nft_nat, nft_redir and nft_masq validate its chain:
 * `dst` (dnat, redirect), `src` (snat) or `masq` (masquerade, postrouting alone).
 */
function natSide(t: Target): { side: "dst" | "src" | "masq"; word: string } | undefined {
  if (t.kind === "DNAT" || t.kind === "REDIRECT") return { side: "dst", word: t.kind.toLowerCase() };
  if (t.kind === "SNAT") return { side: "src", word: "snat" };
  if (t.kind === "MASQUERADE") return { side: "masq", word: "masquerade" };
  if (t.kind === "nat-map") return { side: t.nat === "DNAT" ? "dst" : "src", word: t.nat.toLowerCase() };
  if (t.kind === "pick") return t.choices.map(natSide).find((x) => x !== undefined);
  return undefined;
}

/** The hooks nf_nat takes each kind of NAT at, in a chain of type nat. */
const NAT_HOOKS = {
  dst: ["prerouting", "output"],
  src: ["postrouting", "input"],
  masq: ["postrouting"],
} as const;

/**
 * A NAT statement in a base chain that is not of type nat, or at a hook its kind of NAT is not done
 * at: the kernel refuses the rule when the file is loaded (kernel 6.18, nft 1.0.6 `nft -f`: "Could not
 * process rule: Operation not supported"), though `nft -c` takes it. Said as an error at the rule.
 */
function checkNatChains(
  tables: TableDef[],
  err: (at: { line: number; column: number }, message: string, hint?: string) => void,
  columnOf: (rule: Rule) => number,
): void {
  for (const table of tables) {
    // A regular chain's NAT runs at every base chain that reaches it (kernel 6.18 refused a masquerade
    // in a chain a filter input chain jumps to, rulesets44).
    const reach = reachingBaseChains(table);
    for (const chain of table.chains.values()) {
      const bases = chain.base
        ? [{ chain, line: undefined }]
        : (reach.get(chain.name) ?? []).map((r) => ({ chain: r.chain, line: r.line as number | undefined }));
      for (const rule of chain.rules) {
        const nat = natSide(rule.target);
        if (!nat) continue;
        const hooks: readonly string[] = NAT_HOOKS[nat.side];
        const bad = bases.find((b) => !(b.chain.base?.type === "nat" && hooks.includes(b.chain.base.hook)));
        const base = bad?.chain.base;
        if (!bad || !base) continue;
        const where =
          bad.line === undefined
            ? `a ${base.type} chain at hook ${base.hook}`
            : `chain ${chain.name}, which ${bad.chain.name} (a ${base.type} chain at hook ${base.hook}) reaches by the jump at line ${bad.line}`;
        err(
          { line: rule.line, column: columnOf(rule) },
          `'${nat.word}' works only in a chain of type nat at hook ${hooks.join(" or ")}, not in ${where}: the kernel refuses the rule when the file is loaded ("Could not process rule: Operation not supported"), though nft -c takes it`,
          `put it in a chain declared 'type nat hook ${hooks[0]} priority ${nat.side === "dst" ? "dstnat" : "srcnat"};'${bad.line === undefined ? "" : ", or jump to it from such chains alone"}`,
        );
      }
    }
  }
}

/** `prefix` or `range` when an element of a named set needs `flags interval` (a part of a concatenation too). */
function intervalKind(v: NftValue): "prefix" | "range" | undefined {
  // An IPv6 address alone is read as its /128 (see `nftValue`): one address, which any set holds.
  if (v.kind === "prefix") return "v6" in v.cidr && v.cidr.len === 128 ? undefined : "prefix";
  if (v.kind === "range") return "range";
  if (v.kind === "concat") for (const p of v.parts) if (intervalKind(p)) return intervalKind(p);
  return undefined;
}

/** Where the words {@link checkReferences} reports stand, as the reader kept them. */
interface Places {
  /** The `nth` fib (or `rt mtu`) of `rule`. */
  fibAt(rule: Rule, nth: number): At | undefined;
  /** The first `@name` of `rule`. */
  setAt(rule: Rule, name: string): At | undefined;
  /** The words of `rule`, where they stand. */
  wordsOf(rule: Rule): readonly NftToken[];
  /** The key of a named verdict map's element. */
  elementAt(e: NftMapElement): At | undefined;
}

/**
 * Reports what nft refuses for a name the table lacks: a set a rule fills, a named object, a chain a
 * verdict or map names, each at the word nft points at. Returns the rules refused for a missing set
 * (their statement), whose "not modelled" warning the error replaces.
 */
function checkReferences(
  tables: TableDef[],
  err: (at: At, message: string, hint?: string, severity?: "error" | "warning") => void,
  columnOf: (rule: Rule) => number,
  { fibAt, setAt, wordsOf, elementAt }: Places,
): { line: number; statement: string }[] {
  const refused: { line: number; statement: string }[] = [];
  const ruleAt = (rule: Rule): At => ({ line: rule.line, column: columnOf(rule) });
  /** The word after `before` (one of them) that says `name`, where it stands: nft points at it. */
  const nameAt = (rule: Rule, before: readonly string[], name: string): number =>
    wordsOf(rule).findIndex((w, k, words) => w.value === name && before.includes(words[k - 1]?.value ?? ""));
  for (const table of tables) {
    // Sets the rules fill as packets pass (`add @meter { ... }`, `update @blocklist { ... }`; `flow add
    // @ft` names a flowtable); a name
    // may hold slashes (kube-proxy's `update @affinity-X-ns/svc/tcp/p__10.0.0.1/80 { ip saddr }`).
    for (const chain of table.chains.values())
      for (const rule of chain.rules) {
        for (const m of rule.text.matchAll(/(?:^|\s)(?<!flow\s)(add|update|delete) @([^\s{}]+)/g)) {
          const set = table.sets?.get(m[2] as string);
          if (set) {
            if (m[1] !== "delete") set.dynamic = true;
          } else {
            refused.push({ line: rule.line, statement: `${m[1]} @${m[2]}` });
            err(
              setAt(rule, m[2] as string) ?? { line: rule.line, column: columnOf(rule) },
              `set '@${m[2]}' does not exist in table ${table.family} ${table.name}: nft refuses the rule ('${m[1]} @${m[2]}')`,
              `declare it in the same table, e.g. 'set ${m[2]} { type ipv4_addr; flags dynamic; }'`,
            );
          }
        }
        // A set an unmodelled expression looks up (`ct original proto-dst @ports`): nft needs it too.
        for (const c of rule.conditions) {
          const text = c.kind === "unknown" ? c.text : "";
          for (const m of text.matchAll(/(?<!(?:add|update|delete) )@([^\s{},]+)(?=\s|$)/g))
            if (!table.sets?.has(m[1] as string)) {
              refused.push({ line: rule.line, statement: text });
              err(
                setAt(rule, m[1] as string) ?? ruleAt(rule),
                `set '@${m[1]}' does not exist in table ${table.family} ${table.name}`,
                "declare it with 'set NAME { type ...; }'",
              );
            }
        }
        for (const use of namedObjectUses(rule.text))
          if (!table.objects?.has(`${use.kind} ${use.name}`))
            err(
              // nft points at the name (`counter name cnt`, `ct helper set "ftp-std"`).
              wordsOf(rule)[nameAt(rule, ["name", "set"], use.name)] ?? ruleAt(rule),
              `${use.kind} '${use.name}' does not exist in table ${table.family} ${table.name}: nft refuses the rule`,
              `declare it in the same table, e.g. '${use.kind} ${use.name} { ... }'`,
            );
      }
    const chainOk = (name: string) => table.chains.has(name);
    // A verdict of the rule's own map (`inElement`) is pointed at by its element's key, as nft does.
    const check = (rule: Rule, t: Target, inElement = false) => {
      if (t.kind !== "jump" && t.kind !== "goto") return;
      const base = table.chains.get(t.chain)?.base;
      if (chainOk(t.chain) && !base) return;
      const words = wordsOf(rule);
      let k = nameAt(rule, [t.kind], t.chain);
      // The element's key starts after the `{` or `,` before it.
      if (inElement) while (k > 0 && words[k - 1]?.value !== "{" && words[k - 1]?.value !== ",") k--;
      const at = words[k] ?? ruleAt(rule);
      if (!base)
        err(
          at,
          `chain '${t.chain}' does not exist in table ${table.family} ${table.name}`,
          "declare the chain in the same table",
        );
      // A base chain runs at its hook alone: the kernel refuses a jump into one (kernel 6.18, nft 1.0.6).
      else
        err(
          at,
          `chain '${t.chain}' is a base chain (hook ${base.hook}): the kernel refuses a ${t.kind} to it (nft: "Could not process rule: Operation not supported")`,
          `${t.kind} to a regular chain (one without 'type ... hook ...'), and let the hook call '${t.chain}' itself`,
        );
    };
    for (const set of table.sets?.values() ?? []) {
      for (const e of set.verdicts) {
        const t = e.verdict;
        if ((t.kind === "jump" || t.kind === "goto") && !chainOk(t.chain))
          err(
            elementAt(e) ?? { line: set.line, column: 1 },
            `map ${set.name} jumps to chain '${t.chain}', which does not exist in table ${table.family} ${table.name}`,
            "declare the chain in the same table",
          );
      }
    }
    // A target, or a verdict written after it (a second map past a continue): the same checks.
    const checkTarget = (rule: Rule, t: Target) => {
      check(rule, t);
      if (t.kind === "vmap") {
        if (t.map && !table.sets?.get(t.map)?.verdicts)
          err(
            setAt(rule, t.map) ?? ruleAt(rule),
            `verdict map '@${t.map}' does not exist in table ${table.family} ${table.name}`,
            "declare it with 'map NAME { type ... : verdict; }'",
          );
        const map = t.map ? table.sets?.get(t.map) : undefined;
        const keys = t.concat ?? [t.key];
        const mismatch = map && datatypeMismatch(keys, map.type, "map");
        if (mismatch && t.map)
          err(
            setAt(rule, t.map) ?? { line: rule.line, column: columnOf(rule) },
            `${mismatch}: '${keys.join(" . ")} vmap @${t.map}' looks up a key the map (type ${map.type}) does not hold, and nft refuses the rule`,
            `look it up with a key of the map's type, or declare the map with 'typeof ${keys.join(" . ")} : verdict'`,
          );
        for (const e of t.elements ?? []) check(rule, e.verdict, true);
      }
      if (t.kind === "nat-map") {
        // nft points at a missing map's name (`map @nomap`), at the rule for the rest.
        const at = (t.map && !table.sets?.has(t.map) && setAt(rule, t.map)) || ruleAt(rule);
        checkNatMap(table, t, (message, hint, severity) => err(at, message, hint, severity));
      }
    };
    for (const l of jumpLoops(table)) err({ line: l.rule.line, column: columnOf(l.rule) }, l.message, l.hint);
    for (const f of fibHookProblems(table))
      err(fibAt(f.rule, f.nth) ?? { line: f.rule.line, column: columnOf(f.rule) }, f.message, f.hint);
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        for (const t of rule.effects ?? [])
          if (t.kind === "FLOWOFFLOAD")
            checkFlow(table, chain, t, (message, hint) =>
              // nft points at `flow` for a missing flowtable, at the rule for the hook.
              err(
                (!table.flowtables?.has(t.flowtable) && wordsOf(rule).find((w) => w.value === "flow")) ||
                  ruleAt(rule),
                message,
                hint,
              ),
            );
        const targets = [rule.target, ...(rule.afterVerdicts ?? []).map((a) => a.verdict)];
        for (const t of targets) checkTarget(rule, t);
        // nft_reject_bridge_validate: EOPNOTSUPP at any other hook; a regular chain is not checked.
        if (
          table.family === "bridge" &&
          chain.base &&
          !["prerouting", "input"].includes(chain.base.hook) &&
          targets.some((t) => t.kind === "REJECT")
        )
          err(
            { line: rule.line, column: columnOf(rule) },
            "reject in a bridge table works only in a prerouting or input chain",
            "the kernel refuses it elsewhere (Operation not supported); reject in prerouting, or drop here",
          );
        const guards: { at: number; family: 4 | 6 }[] = [];
        rule.conditions = rule.conditions.map((c, k) => {
          const name = c.kind === "nft-set" || c.kind === "ctstatus" ? c.set : undefined;
          if (name === undefined) return c;
          const keys: SetKey[] = c.kind === "nft-set" ? (c.concat ?? [c.key]) : ["ct status"];
          const set = table.sets?.get(name);
          if (!set)
            err(
              setAt(rule, name) ?? ruleAt(rule),
              `set '@${name}' does not exist in table ${table.family} ${table.name}`,
              "declare it with 'set NAME { type ...; }'",
            );
          const mismatch = set && datatypeMismatch(keys, set.type, "set");
          if (mismatch)
            err(
              setAt(rule, name) ?? { line: rule.line, column: columnOf(rule) },
              `${mismatch}: '${keys.join(" . ")}' is looked up in ${set.kind} @${name} (type ${set.type}), and nft refuses the rule`,
              `look it up with a key of the ${set.kind}'s type, or declare the ${set.kind} with 'typeof ${keys.join(" . ")}'`,
            );
          if (!set?.dynamic) return c;
          // Filled by the rules as packets pass: whether this packet's key is in it is chance.
          const text = `${keys.join(" . ")} ${c.neg ? "!= " : ""}@${name}`;
          err(
            { line: rule.line, column: columnOf(rule) },
            `match '${text}' on dynamic set @${name} is not modelled`,
            STATE_HINT,
            "warning",
          );
          // nft guards a lookup keyed on one family's header with that family: the other one never reaches it.
          const family = headerFamily(text);
          if (family) guards.push({ at: k, family });
          return { kind: "unknown", text, neg: false, chance: "state" };
        });
        for (const g of guards.reverse())
          insertCondition(rule, g.at, {
            kind: "ethertype",
            ethertype: g.family === 4 ? "0x0800" : "0x86dd",
            neg: false,
          });
      }
    }
  }
  return refused;
}

/**
 * Puts `c` before condition `at` of `rule`, as nft puts an implied match (a dependency) before the one
 * that needs it: effects and verdicts written after that condition move one on.
 */
function insertCondition(rule: Rule, at: number, c: Condition): void {
  rule.conditions.splice(at, 0, c);
  if (rule.effectAt) rule.effectAt = rule.effectAt.map((k) => (k > at ? k + 1 : k));
  if (rule.targetAt !== undefined && rule.targetAt > at) rule.targetAt += 1;
  if (rule.afterVerdicts)
    rule.afterVerdicts = rule.afterVerdicts.map((a) =>
      a.conditions > at ? { ...a, conditions: a.conditions + 1 } : a,
    );
}

/**
 * `flow add @NAME`: the flowtable must exist in the rule's table (nft_flow_offload_init: ENOENT) and the
 * rule be in an ip, ip6 or inet table at the forward hook (nft_flow_offload_validate: EOPNOTSUPP); a
 * regular chain is not checked. Gives the statement its flowtable's devices.
 */
function checkFlow(
  table: TableDef,
  chain: ChainDef,
  t: Extract<Target, { kind: "FLOWOFFLOAD" }>,
  report: (message: string, hint: string) => void,
): void {
  const ft = table.flowtables?.get(t.flowtable);
  if (!ft)
    report(
      `flowtable '${t.flowtable}' does not exist in table ${table.family} ${table.name}`,
      "declare it with 'flowtable NAME { hook ingress priority filter; devices = { ... }; }'",
    );
  else t.devices = ft.devices;
  const family = table.family ?? "ip";
  if (!["ip", "ip6", "inet"].includes(family) || (chain.base && chain.base.hook !== "forward"))
    report(
      `flow add @${t.flowtable} works only in a forward chain of an ip, ip6 or inet table`,
      "the kernel refuses it elsewhere (Operation not supported); move it to the forward chain",
    );
}

/**
 * A `dnat|snat to KEY map @m` whose map is missing is an error (the kernel refuses it), and so is an
 * address range in the data whose last address is below its first (nft refuses it); a range or a
 * prefix is the kernel's pick of it; data the simulator cannot rewrite to (a port range, a port alone)
 * is a warning: a packet finding it is uncertain.
 */
function checkNatMap(
  table: TableDef,
  t: Extract<Target, { kind: "nat-map" }>,
  report: (message: string, hint: string, severity: "error" | "warning") => void,
): void {
  const set = t.map === undefined ? undefined : table.sets?.get(t.map);
  if (t.map !== undefined && !set) {
    report(
      `map '@${t.map}' does not exist in table ${table.family} ${table.name}`,
      "declare it with 'map NAME { type ... : ipv4_addr; elements = { ... } }'",
      "error",
    );
    return;
  }
  const elements = t.elements ?? set?.data ?? [];
  const where = t.map ? `map @${t.map}` : "the rule's map";
  const reversed = elements.find((e) => reversedData(e.data));
  if (reversed) {
    report(
      `${t.nat.toLowerCase()} to '${reversed.data.join(" . ")}' (an element of ${where}): the range has zero or negative size`,
      "write the lower address first",
      "error",
    );
    return;
  }
  const odd = elements.find((e) => !natOfData(t.nat, e.data));
  if (odd)
    report(
      `${t.nat.toLowerCase()} to '${odd.data.join(" . ")}' (an element of ${where}) is not modelled`,
      UNCERTAIN_HINT,
      "warning",
    );
}
