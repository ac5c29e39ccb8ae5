/**
 * Reads `iptables-save` text (with or without `[pkts:bytes]` counters, `-c` or not) into tables,
 * chains with their policies, and rules with their source line and text. Problems are positioned
 * diagnostics (`file:line:col`, what was expected, a hint); this never throws.
 */
import type { Diagnostic } from "../model/packet.ts";
import { findBinary } from "./find-binary.ts";
import { parseRuleArgs } from "./parse-rule-args.ts";
import type { ChainDef, FamilyRules, Rule, TableDef } from "./ruleset.ts";
import { tokenizeRule } from "./tokenize-rule.ts";

/** Options of {@link parseIptablesSave}. */
export interface ParseRulesOptions {
  /** File name for diagnostics (default `ruleset`). */
  file?: string;
  /** Line number of the text's first line in its file (default 1), when the text is a section of a file. */
  firstLine?: number;
}

/** The tables read, and every problem found. */
export interface ParsedFamily {
  rules: FamilyRules;
  diagnostics: Diagnostic[];
}

/** Built-in chains per table, with the policy they get when a save omits them. */
export const BUILTIN_CHAINS: Record<string, string[]> = {
  raw: ["PREROUTING", "OUTPUT"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  security: ["INPUT", "FORWARD", "OUTPUT"],
};

/** Parses iptables-save output. */
export function parseIptablesSave(text: string, options: ParseRulesOptions = {}): ParsedFamily {
  const file = options.file ?? "ruleset";
  const first = options.firstLine ?? 1;
  const diagnostics: Diagnostic[] = [];
  const tables = new Map<string, TableDef>();
  let table: TableDef | undefined;
  const pending: { rule: Rule; column: number }[] = [];
  const binary = findBinary(text, first);
  if (binary) {
    diagnostics.push({
      severity: "error",
      message: `not an iptables-save ruleset: the file holds ${binary.what}`,
      hint: "give the text that iptables-save (and ebtables-save) print, not a binary file",
      position: { file, line: binary.line, column: binary.column },
    });
    return { rules: { tables }, diagnostics };
  }
  const lines = text.split(/\r?\n/);
  const err = (
    lineNo: number,
    column: number,
    message: string,
    hint?: string,
    severity: "error" | "warning" = "error",
  ) => diagnostics.push({ severity, message, hint, position: { file, line: lineNo, column } });

  for (let idx = 0; idx < lines.length; idx++) {
    const raw = lines[idx] as string;
    const lineNo = first + idx;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const indent = raw.length - raw.trimStart().length;
    if (trimmed.startsWith("*")) {
      const name = trimmed.slice(1).trim();
      if (!/^[a-z]+$/.test(name)) {
        err(
          lineNo,
          indent + 2,
          `'${name}' is not a table name`,
          "expected *raw, *mangle, *nat, *filter or *security",
        );
        continue;
      }
      if (table)
        err(
          lineNo,
          indent + 1,
          `table '${table.name}' was not closed with COMMIT`,
          "add COMMIT before the next *table line (iptables-restore rejects a table without it)",
        );
      // Only declared chains exist (iptables-nft registers a base chain only once it is used).
      table = tables.get(name) ?? { name, chains: new Map() };
      tables.set(name, table);
      continue;
    }
    if (trimmed === "COMMIT") {
      if (!table) err(lineNo, indent + 1, "COMMIT outside a table", "a table starts with a *name line");
      table = undefined;
      continue;
    }
    if (!table) {
      err(
        lineNo,
        indent + 1,
        `'${trimmed.slice(0, 20)}' outside a table`,
        "iptables-save text starts each table with *filter, *nat, ...",
      );
      continue;
    }
    if (trimmed.startsWith(":")) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?\s*$/.exec(trimmed);
      if (!m) {
        err(
          lineNo,
          indent + 1,
          "malformed chain declaration",
          "expected ':CHAIN POLICY [pkts:bytes]', e.g. ':FORWARD DROP [0:0]'",
        );
        continue;
      }
      const [, name, policy] = m as unknown as [string, string, string];
      if (policy !== "-" && !["ACCEPT", "DROP", "RETURN", "QUEUE"].includes(policy)) {
        err(
          lineNo,
          indent + 2 + name.length + 1,
          `'${policy}' is not a chain policy`,
          "expected ACCEPT, DROP or - for a user chain",
        );
        continue;
      }
      const existing = table.chains.get(name);
      const chain: ChainDef = {
        name,
        policy: policy === "-" ? undefined : policy,
        line: lineNo,
        rules: existing?.rules ?? [],
      };
      table.chains.set(name, chain);
      continue;
    }
    // A rule, maybe preceded by [pkts:bytes].
    let body = raw;
    let offset = 0;
    const counters = /^\s*\[\d+:\d+\]\s+/.exec(body);
    if (counters) {
      offset = counters[0].length;
      body = body.slice(offset);
    } else {
      offset = indent;
      body = body.slice(indent);
    }
    const tk = tokenizeRule(body);
    if (!tk.ok) {
      err(
        lineNo,
        offset + tk.column,
        tk.message,
        "close the quote; iptables-save quotes comments with double quotes",
      );
      continue;
    }
    const [verb, chainTok, ...args] = tk.tokens;
    if (!verb || (verb.value !== "-A" && verb.value !== "--append")) {
      err(
        lineNo,
        offset + (verb?.column ?? 1),
        `unexpected '${verb?.value ?? ""}'`,
        "expected a rule '-A CHAIN ...', a ':CHAIN POLICY' line, COMMIT or *table",
      );
      continue;
    }
    if (!chainTok) {
      err(lineNo, offset + verb.column, "-A needs a chain name", "write e.g. -A FORWARD -j ACCEPT");
      continue;
    }
    let chain = table.chains.get(chainTok.value);
    if (!chain && BUILTIN_CHAINS[table.name]?.includes(chainTok.value)) {
      // iptables-restore accepts rules in an undeclared built-in chain.
      chain = { name: chainTok.value, policy: "ACCEPT", line: lineNo, rules: [] };
      table.chains.set(chain.name, chain);
    }
    if (!chain) {
      err(
        lineNo,
        offset + chainTok.column,
        `chain '${chainTok.value}' is not declared in table '${table.name}'`,
        `add ':${chainTok.value} - [0:0]' after *${table.name}`,
      );
      continue;
    }
    const parsed = parseRuleArgs(args);
    if (!parsed.ok) {
      err(lineNo, offset + parsed.error.column, parsed.error.message, parsed.error.hint);
      continue;
    }
    const rule: Rule = {
      table: table.name,
      chain: chain.name,
      index: chain.rules.length + 1,
      line: lineNo,
      text: body.trim(),
      conditions: parsed.conditions,
      target: parsed.target,
    };
    chain.rules.push(rule);
    for (const c of parsed.conditions) {
      if (c.kind !== "unknown") continue;
      const at = body.indexOf(c.text.replace(/^! /, ""));
      err(
        lineNo,
        offset + (at < 0 ? 1 : at + 1),
        `match '${c.text}' is not modelled`,
        "the simulator reports this rule's result as uncertain when a packet reaches it",
        "warning",
      );
    }
    if (parsed.target.kind === "unknown") {
      const at = body.indexOf(`-j ${parsed.target.name}`);
      err(
        lineNo,
        offset + (at < 0 ? 1 : at + 1),
        `target '${parsed.target.name}' is not modelled`,
        "the simulator reports this rule as unmodelled (it goes on to the next rule) when a packet reaches it",
        "warning",
      );
    }
    const targetTok = args.find((a, i) => (args[i - 1]?.value === "-j" || args[i - 1]?.value === "-g") && a);
    pending.push({ rule, column: offset + (targetTok?.column ?? 1) });
  }
  if (table) {
    // Positioned after the table's last line that says something.
    let last = lines.length - 1;
    while (last > 0 && (lines[last] as string).trim() === "") last--;
    err(
      first + last,
      (lines[last] as string).length + 1,
      `table '${table.name}' was not closed with COMMIT`,
      "add COMMIT at the end of the table (iptables-restore rejects a table without it; was the file cut short?)",
    );
  }
  // Jumps to names that are not chains of the table are target extensions the simulator does not model.
  for (const { rule, column } of pending) {
    const t = rule.target;
    if (t.kind === "unknown" && tables.get(rule.table)?.chains.has(t.name)) {
      // `-j CHAIN --opt`: an upper-case chain name read as a target extension, with options no chain takes.
      const notModelled = `target '${t.name}' is not modelled`;
      const at = diagnostics.findIndex((d) => d.position.line === rule.line && d.message === notModelled);
      if (at >= 0) diagnostics.splice(at, 1);
      const option = t.text.slice(t.name.length).trimStart().split(" ")[0] ?? "";
      err(
        rule.line,
        column + t.name.length + 1,
        `a jump to chain '${t.name}' takes no options, found '${option}'`,
        "end the rule after the chain name; matches go before -j",
      );
      continue;
    }
    if ((t.kind === "jump" || t.kind === "goto") && !tables.get(rule.table)?.chains.has(t.chain)) {
      rule.target = { kind: "unknown", name: t.chain, text: rule.text.slice(rule.text.indexOf(t.chain)) };
      err(
        rule.line,
        column,
        `'${t.chain}' is neither a chain of table '${rule.table}' nor a modelled target`,
        "the simulator reports this rule as unmodelled",
        "warning",
      );
    }
  }
  return { rules: { tables }, diagnostics };
}
