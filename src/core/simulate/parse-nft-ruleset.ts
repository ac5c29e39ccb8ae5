/**
 * Reads `nft list ruleset` text (also `nft -s`, `-a` and `-f` input of the same shape) into the shared
 * rule model: tables of every family, named sets and maps, base chains with their hook, numeric
 * priority and policy, regular chains, and rules parsed by {@link parseNftRule}. Problems are
 * positioned diagnostics (`file:line:col`, what was expected, a hint); this never throws.
 */
import type { Diagnostic } from "../model/packet.ts";
import { natOfData, reversedData } from "./nat-map-data.ts";
import { elementValue, parseNftRule } from "./parse-nft-rule.ts";
import type {
  BaseChain,
  ChainDef,
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
import { type NftToken, tokenizeNft } from "./tokenize-nft.ts";
import { CHANCE_HINT, UNCERTAIN_HINT } from "./unmodelled-hints.ts";

/** Options of {@link parseNftRuleset}. */
export interface ParseNftOptions {
  /** File name for diagnostics (default `ruleset`). */
  file?: string;
  /** Line number of the text's first line in its file (default 1). */
  firstLine?: number;
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
const STATEFUL_OBJECTS = new Set(["counter", "quota", "limit", "ct", "secmark", "synproxy", "tunnel"]);

const HOOKS = new Set(["prerouting", "input", "forward", "output", "postrouting", "ingress", "egress"]);

/** Parses nft ruleset text. */
export function parseNftRuleset(text: string, options: ParseNftOptions = {}): ParsedNft {
  const file = options.file ?? "ruleset";
  const diagnostics: Diagnostic[] = [];
  const tables: TableDef[] = [];
  const columns = new Map<Rule, number>();
  const err = (
    at: { line: number; column: number },
    message: string,
    hint?: string,
    severity: "error" | "warning" = "error",
  ) => diagnostics.push({ severity, message, hint, position: { file, line: at.line, column: at.column } });
  const firstLine = options.firstLine ?? 1;
  const srcLines = text.split(/\r?\n/);
  const tk = tokenizeNft(text, firstLine);
  if (!tk.ok) {
    err(tk, tk.message, 'close the string with a double quote (")');
    return { tables, diagnostics };
  }
  const toks = tk.tokens;
  let i = 0;
  const peek = () => toks[i];
  const skipBlank = () => {
    while (toks[i]?.type === "nl" || toks[i]?.value === ";") i++;
  };
  const last = toks[toks.length - 1] ?? { line: 1, column: 1 };
  /** Tokens up to the end of the statement (line end or `;` outside braces); braces may span lines. */
  const statement = (): NftToken[] => {
    const out: NftToken[] = [];
    let depth = 0;
    while (i < toks.length) {
      const t = toks[i] as NftToken;
      if (depth === 0 && (t.type === "nl" || t.value === ";" || t.value === "}")) break;
      if (t.value === "{") depth++;
      if (t.value === "}") depth--;
      if (t.type !== "nl") out.push(t);
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

  const readSet = (table: TableDef, kind: "set" | "map", at: NftToken) => {
    const name = toks[i];
    if (!name || name.type === "punct" || name.type === "nl") {
      err(at, `${kind} needs a name`, `write e.g. '${kind} my-${kind} { type ipv4_addr; }'`);
      return false;
    }
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
      if (head === "type" || head === "typeof")
        set.type = words
          .slice(1)
          .map((w) => w.value)
          .join(" ");
      else if (head === "elements") {
        const open = words.findIndex((w) => w.value === "{");
        const body = words.slice(open + 1, words[words.length - 1]?.value === "}" ? -1 : undefined);
        if (open < 0 || words[words.length - 1]?.value !== "}") {
          err(words[0] as NftToken, "expected 'elements = { ... }'", "close the element list with '}'");
          continue;
        }
        const entries: NftToken[][] = [[]];
        for (const w of body) {
          if (w.value === ",") entries.push([]);
          else (entries[entries.length - 1] as NftToken[]).push(w);
        }
        const verdictMap = / : verdict$/.test(set.type) || set.type === "verdict";
        for (const e of entries) {
          if (e.length === 0) continue;
          const colon = e.findIndex((w) => w.value === ":");
          // A data map (`inet_service : ipv4_addr . inet_service`) feeds `dnat to ... map @m`.
          if (kind === "map" && !verdictMap) {
            const element = dataElement(e, colon);
            if (element) {
              set.data ??= [];
              set.data.push(element);
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
            set.verdicts.push({ key, verdict });
          } else set.elements.push(key);
        }
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
    (table.sets as Map<string, NftSet>).set(set.name, set);
    return true;
  };

  const readChain = (table: TableDef, at: NftToken) => {
    const name = toks[i];
    if (!name || name.type === "punct" || name.type === "nl") {
      err(at, "chain needs a name", "write e.g. 'chain forward { ... }'");
      return false;
    }
    i++;
    if (peek()?.value !== "{") {
      err(peek() ?? last, `expected '{' after chain ${name.value}`, `write 'chain ${name.value} { ... }'`);
      return false;
    }
    i++;
    const chain: ChainDef = { name: name.value, line: name.line, rules: [] };
    if (table.chains.has(chain.name))
      err(
        name,
        `chain '${chain.name}' is declared twice in table ${table.family} ${table.name}`,
        "rename one of them",
      );
    table.chains.set(chain.name, chain);
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
        const base = readBase(words, table.family ?? "ip");
        if (base) chain.base = base;
        continue;
      }
      if (t.value === "policy") {
        const words = statement();
        const p = words[1]?.value;
        if (p !== "accept" && p !== "drop")
          err(words[1] ?? t, `'${p ?? ""}' is not a chain policy`, "expected accept or drop");
        else chain.policy = p.toUpperCase();
        continue;
      }
      if (
        t.value === "comment" &&
        toks[i + 1]?.type === "string" &&
        (toks[i + 2]?.type === "nl" || toks[i + 2]?.value === ";")
      ) {
        statement();
        continue;
      }
      const words = statement();
      if (words.length === 0) {
        i++;
        continue;
      }
      addRule(table, chain, words);
    }
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

  const addRule = (table: TableDef, chain: ChainDef, words: NftToken[]) => {
    const parsed = parseNftRule(words);
    for (const p of parsed.problems) err(p, p.message, p.hint, p.severity);
    if (parsed.problems.some((p) => p.severity === "error")) return;
    // In an inet table an IPv4 NAT target leaves IPv6 packets alone and the rule goes on (see the engine).
    const familyOf = (t: Target): Target =>
      table.family === "inet" && (t.kind === "DNAT" || t.kind === "SNAT") && t.addr && !t.addr.includes(":")
        ? { ...t, family: "ip" }
        : t;
    parsed.target = familyOf(parsed.target);
    for (const a of parsed.afterVerdicts ?? []) a.verdict = familyOf(a.verdict);
    const first = words[0] as NftToken;
    const end = words[words.length - 1] as NftToken;
    // The rule as written when it is on one line (nft monitor trace prints it the same way).
    const lineText =
      first.line === end.line
        ? (srcLines[first.line - firstLine] ?? "").slice(
            first.column - 1,
            end.column - 1 + (end.type === "string" ? end.value.length + 2 : end.value.length),
          )
        : words
            .map((w) => (w.type === "string" ? JSON.stringify(w.value) : w.value))
            .join(" ")
            .replace(/ ([,}])/g, "$1");
    const rule: Rule = {
      table: table.name,
      chain: chain.name,
      index: chain.rules.length + 1,
      line: (words[0] as NftToken).line,
      text: lineText.replace(/ counter packets \d+ bytes \d+/g, " counter"),
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
    chain.rules.push(rule);
    columns.set(rule, first.column);
  };

  for (;;) {
    skipBlank();
    const t = peek();
    if (!t) break;
    if (t.value !== "table") {
      err(
        t,
        `unexpected '${t.value}'`,
        "nft list ruleset text is a list of 'table FAMILY NAME { ... }' blocks",
      );
      // Go on after the next top-level block or line.
      const words = statement();
      if (words.length === 0) i++;
      if (peek()?.value === "{") skipBlock();
      continue;
    }
    i++;
    let family = "ip";
    let nameTok = peek();
    if (
      nameTok &&
      (NFT_FAMILIES as readonly string[]).includes(nameTok.value) &&
      toks[i + 1]?.value !== "{"
    ) {
      family = nameTok.value;
      i++;
      nameTok = peek();
    }
    if (!nameTok || nameTok.type === "punct" || nameTok.type === "nl") {
      err(nameTok ?? t, "table needs a family and a name", "write e.g. 'table ip docker-bridges {'");
      continue;
    }
    i++;
    if (peek()?.value !== "{") {
      err(
        peek() ?? last,
        `expected '{' after table ${family} ${nameTok.value}`,
        `write 'table ${family} ${nameTok.value} {'`,
      );
      continue;
    }
    i++;
    const table: TableDef = { name: nameTok.value, family, chains: new Map(), sets: new Map(), line: t.line };
    tables.push(table);
    let closed = false;
    while (!closed) {
      skipBlank();
      const k = peek();
      if (!k) {
        err(t, `table ${family} ${table.name} is not closed`, "add '}' at the end of the table");
        break;
      }
      if (k.value === "}") {
        i++;
        closed = true;
        break;
      }
      i++;
      if (k.value === "chain") {
        if (!readChain(table, k)) break;
      } else if (k.value === "set" || k.value === "map") {
        if (!readSet(table, k.value, k)) break;
      } else if (k.value === "flags" || k.value === "comment") {
        const words = statement();
        if (k.value === "flags" && words.some((w) => w.value === "dormant")) table.dormant = true;
      } else if (k.value === "flowtable") {
        if (!readFlowtable(table, k)) break;
      } else if (STATEFUL_OBJECTS.has(k.value)) {
        // `counter NAME { ... }`, `ct helper NAME { ... }`: declarations; the
        // rules that use them say what is not modelled.
        statement();
        if (peek()?.value === "{") skipBlock();
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
  }
  checkReferences(tables, err, (rule) => columns.get(rule) ?? 1);
  return { tables, diagnostics };
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
function checkReferences(
  tables: TableDef[],
  err: (
    at: { line: number; column: number },
    message: string,
    hint?: string,
    severity?: "error" | "warning",
  ) => void,
  columnOf: (rule: Rule) => number,
): void {
  for (const table of tables) {
    // Sets the rules fill as packets pass (`add @meter { ... }`, `update @blocklist { ... }`); a name
    // may hold slashes (kube-proxy's `update @affinity-X-ns/svc/tcp/p__10.0.0.1/80 { ip saddr }`).
    for (const chain of table.chains.values())
      for (const rule of chain.rules)
        for (const m of rule.text.matchAll(/(?:^|\s)(?:add|update) @([^\s{}]+)/g)) {
          const set = table.sets?.get(m[1] as string);
          if (set) set.dynamic = true;
        }
    const chainOk = (name: string) => table.chains.has(name);
    const check = (rule: Rule, t: Target) => {
      if ((t.kind === "jump" || t.kind === "goto") && !chainOk(t.chain))
        err(
          { line: rule.line, column: columnOf(rule) },
          `chain '${t.chain}' does not exist in table ${table.family} ${table.name}`,
          "declare the chain in the same table",
        );
    };
    for (const set of table.sets?.values() ?? []) {
      for (const e of set.verdicts) {
        const t = e.verdict;
        if ((t.kind === "jump" || t.kind === "goto") && !chainOk(t.chain))
          err(
            { line: set.line, column: 1 },
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
            { line: rule.line, column: columnOf(rule) },
            `verdict map '@${t.map}' does not exist in table ${table.family} ${table.name}`,
            "declare it with 'map NAME { type ... : verdict; }'",
          );
        for (const e of t.elements ?? []) check(rule, e.verdict);
      }
      if (t.kind === "nat-map")
        checkNatMap(table, t, (message, hint, severity) =>
          err({ line: rule.line, column: columnOf(rule) }, message, hint, severity),
        );
    };
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        for (const t of rule.effects ?? [])
          if (t.kind === "FLOWOFFLOAD")
            checkFlow(table, chain, t, (message, hint) =>
              err({ line: rule.line, column: columnOf(rule) }, message, hint),
            );
        for (const t of [rule.target, ...(rule.afterVerdicts ?? []).map((a) => a.verdict)])
          checkTarget(rule, t);
        rule.conditions = rule.conditions.map((c) => {
          if (c.kind !== "nft-set" || !c.set) return c;
          const set = table.sets?.get(c.set);
          if (!set)
            err(
              { line: rule.line, column: columnOf(rule) },
              `set '@${c.set}' does not exist in table ${table.family} ${table.name}`,
              "declare it with 'set NAME { type ...; }'",
            );
          if (!set?.dynamic) return c;
          // Filled by the rules as packets pass: whether this packet's key is in it is chance.
          const text = `${(c.concat ?? [c.key]).join(" . ")} ${c.neg ? "!= " : ""}@${c.set}`;
          err(
            { line: rule.line, column: columnOf(rule) },
            `match '${text}' on dynamic set @${c.set} is not modelled`,
            CHANCE_HINT,
            "warning",
          );
          return { kind: "unknown", text, neg: false, chance: "state" };
        });
      }
    }
  }
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

export type { NftMapElement, NftValue };
