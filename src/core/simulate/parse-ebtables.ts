/**
 * Reads the bridge (ebtables) rules in any of the forms a user or the capture lab saves them:
 * `ebtables-save` text (`*filter`, `:INPUT ACCEPT`, `-A INPUT ...`), `ebtables -L` listings
 * (`Bridge table: filter`, `Bridge chain: INPUT, entries: 1, policy: ACCEPT`), or the bridge tables
 * of `nft list ruleset` (`table bridge filter { chain INPUT { ... } }`). Never throws.
 */

import type { Diagnostic } from "../model/packet.ts";
import { quoteStart } from "../model/quote-start.ts";
import { ebtChainCommand } from "./ebt-chain-commands.ts";
import { ebtablesEthertype } from "./ebtables-ethertype.ts";
import { findBinary } from "./find-binary.ts";
import { parseIpCidr } from "./ip-address.ts";
import { parseCidr, parseIpv4 } from "./ipv4.ts";
import { jumpLoops } from "./jump-loops.ts";
import { paddedMac } from "./match-rule.ts";
import { pktTypeName } from "./nft-names.ts";
import type { ParsedFamily, ParseRulesOptions } from "./parse-iptables-save.ts";
import { parseNftRule as parseNftStatements } from "./parse-nft-rule.ts";
import { parseIcmpType, parsePortRange } from "./parse-rule-args.ts";
import type { ChainDef, Condition, Rule, TableDef, Target } from "./ruleset.ts";
import { tokenizeNft } from "./tokenize-nft.ts";
import {
  OPEN_QUOTE_HINT,
  openQuoteMessage,
  SINGLE_QUOTE_HINT,
  singleQuoteMessage,
  type Token,
  tokenizeRule,
} from "./tokenize-rule.ts";
import { chanceHint, UNCERTAIN_HINT, UNMODELLED_MATCH_HINT } from "./unmodelled-hints.ts";
import { ebtLimitRefusal } from "./xt-match-refusals.ts";
import {
  ambiguousEbtOption,
  ebtFieldOption,
  secondEbtCommand,
  wholeEbtOptions,
} from "./xt-second-command.ts";

/** Built-in bridge chains per table (ebtables-nft has no broute table; legacy has it). */
export const BRIDGE_BUILTIN_CHAINS: Record<string, string[]> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "OUTPUT", "POSTROUTING"],
  broute: ["BROUTING"],
};

/** Parses bridge rules in whichever of the three forms the text is in. */
export function parseEbtables(text: string, options: ParseRulesOptions = {}): ParsedFamily {
  const binary = findBinary(text, options.firstLine ?? 1);
  if (binary)
    return {
      rules: { tables: new Map() },
      diagnostics: [
        {
          severity: "error",
          message: `not a bridge ruleset: the file holds ${binary.what}`,
          hint: "give the text that ebtables-save or nft list table bridge print, not a binary file",
          position: { file: options.file ?? "ruleset", line: binary.line, column: binary.column },
        },
      ],
    };
  const firstReal = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "";
  if (/^\s*table\s+\w+\s+\S+\s*{/.test(firstReal)) return parseNftBridge(text, options);
  return parseEbtablesText(text, options);
}

function ensureTable(tables: Map<string, TableDef>, name: string): TableDef {
  let table = tables.get(name);
  if (!table) {
    table = { name, chains: new Map() };
    tables.set(name, table);
  }
  return table;
}

/** `ebtables-save` and `ebtables -L` (both put one rule per line, ebtables options). */
function parseEbtablesText(text: string, options: ParseRulesOptions): ParsedFamily {
  const file = options.file ?? "ruleset";
  const first = options.firstLine ?? 1;
  const diagnostics: Diagnostic[] = [];
  // Where each rule's text starts in its line (past a listing's number), for columns found later.
  const textStart = new Map<Rule, number>();
  // An `ebtables -L` listing, which may leave out chains (a save never does).
  let listed = false;
  const tables = new Map<string, TableDef>();
  let table: TableDef | undefined;
  let listChain: ChainDef | undefined;
  const lines = text.split(/\r?\n/);
  const err = (line: number, column: number, message: string, hint?: string) =>
    diagnostics.push({ severity: "error", message, hint, position: { file, line, column } });
  const warn = (line: number, column: number, message: string, hint: string) =>
    diagnostics.push({ severity: "warning", message, hint, position: { file, line, column } });
  // ebtables-legacy's broute table decides before the bridge whether a frame is bridged or routed.
  const warnBroute = (line: number, column: number) =>
    warn(
      line,
      column,
      "the broute table is not simulated: a frame its BROUTING chain DROPs is routed by the host, not bridged, and the walk bridges it",
      "ebtables-nft has no broute table (ebtables-restore: \"table name 'broute' invalid\"); on ebtables-legacy, read the path of such a frame as routed",
    );
  for (let idx = 0; idx < lines.length; idx++) {
    const raw = lines[idx] as string;
    const lineNo = first + idx;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed === "COMMIT") continue;
    const indent = raw.length - raw.trimStart().length;
    let m = /^Bridge table:\s*(\S+)/.exec(trimmed);
    if (m) {
      listed = true;
      table = ensureTable(tables, m[1] as string);
      if (table.name === "broute") warnBroute(lineNo, indent + 1);
      listChain = undefined;
      continue;
    }
    m = /^Bridge chain:\s*([^,\s]+),\s*entries:\s*\d+,\s*policy:\s*(\S+)/.exec(trimmed);
    if (m) {
      if (!table) {
        err(
          lineNo,
          indent + 1,
          "chain listed before its table",
          "an ebtables -L listing starts with 'Bridge table: NAME'",
        );
        continue;
      }
      const name = m[1] as string;
      listChain = table.chains.get(name) ?? { name, policy: m[2], line: lineNo, rules: [] };
      listChain.policy = m[2];
      table.chains.set(name, listChain);
      continue;
    }
    if (trimmed.startsWith("*")) {
      table = ensureTable(tables, trimmed.slice(1).trim());
      if (table.name === "broute") warnBroute(lineNo, indent + 1);
      listChain = undefined;
      continue;
    }
    if (!table) {
      err(
        lineNo,
        indent + 1,
        `'${quoteStart(trimmed)}' outside a table`,
        "expected '*filter' (ebtables-save) or 'Bridge table: filter' (ebtables -L)",
      );
      continue;
    }
    if (trimmed.startsWith(":")) {
      const d = /^:(\S+)\s+(\S+)/.exec(trimmed);
      if (!d) {
        err(
          lineNo,
          indent + 1,
          "malformed chain declaration",
          "expected ':CHAIN POLICY', e.g. ':FORWARD ACCEPT'",
        );
        continue;
      }
      const name = d[1] as string;
      const policy = d[2] as string;
      // ebtables-nft 1.8.9 takes ACCEPT, DROP and (a user chain's) RETURN, upper case; another word
      // reaches the kernel, which refuses the table ("ebtables-restore: final implicit COMMIT failed").
      const builtin = BRIDGE_BUILTIN_CHAINS[table.name]?.includes(name) ?? false;
      if (!(builtin ? ["ACCEPT", "DROP"] : ["ACCEPT", "DROP", "RETURN"]).includes(policy))
        err(
          lineNo,
          indent + 1 + d[0].length - policy.length,
          `'${policy}' is not a policy of ${builtin ? "built-in " : ""}chain '${name}': ebtables-restore refuses the table ("final implicit COMMIT failed")`,
          builtin
            ? "a built-in chain's policy is ACCEPT or DROP (upper case)"
            : "a user chain's policy is ACCEPT, DROP or RETURN (upper case; RETURN goes back to the caller)",
        );
      const existing = table.chains.get(name);
      table.chains.set(name, { name, policy, line: lineNo, rules: existing?.rules ?? [] });
      continue;
    }
    // What the listings add around a rule: `-L --Ln`'s number (`1.` legacy, `1` nft), `-L --Lc`'s
    // `, pcnt = N -- bcnt = N`, `ebtables-nft-save -c`'s `[pkts:bytes]`; the column stays the line's.
    const prefix = /^(?:\d+\.?\s+|\[\d+:\d+\]\s+)?/.exec(raw.slice(indent))?.[0] ?? "";
    const body = raw
      .slice(indent + prefix.length)
      .replace(/\s*,\s*pcnt\s*=\s*\d+\s*--\s*bcnt\s*=\s*\d+\s*$/, "");
    const at0 = indent + prefix.length;
    const tk = tokenizeRule(body, true, true);
    if (!tk.ok) {
      err(lineNo, at0 + tk.column, tk.message, "close the quote");
      continue;
    }
    if (tk.open !== undefined)
      warn(
        lineNo,
        at0 + tk.open,
        openQuoteMessage("ebtables-restore", tk.tokens[tk.tokens.length - 1]?.value ?? ""),
        OPEN_QUOTE_HINT,
      );
    const split = tk.tokens.find((t) => t.split);
    if (split) {
      err(lineNo, at0 + split.column, singleQuoteMessage("ebtables-restore", split.value), SINGLE_QUOTE_HINT);
      continue;
    }
    const command = ebtChainCommand(tk.tokens, table, BRIDGE_BUILTIN_CHAINS[table.name] ?? [], lineNo);
    if (command) err(lineNo, at0 + command.column, command.message, command.hint);
    if (command !== false) continue;
    let tokens = tk.tokens;
    let chain = listChain;
    if (tokens[0]?.value === "-A" || tokens[0]?.value === "--append") {
      const name = tokens[1]?.value;
      chain = name ? table.chains.get(name) : undefined;
      if (!chain && name && BRIDGE_BUILTIN_CHAINS[table.name]?.includes(name)) {
        chain = { name, policy: "ACCEPT", line: lineNo, rules: [] };
        table.chains.set(name, chain);
      }
      if (!chain) {
        err(
          lineNo,
          at0 + (tokens[1]?.column ?? 1),
          `chain '${name ?? ""}' is not declared in bridge table '${table.name}'`,
          `add ':${name ?? "CHAIN"} ACCEPT' after *${table.name}`,
        );
        continue;
      }
      tokens = tokens.slice(2);
    }
    if (!chain) {
      err(
        lineNo,
        indent + 1,
        "rule outside a chain",
        "expected '-A CHAIN ...' or a 'Bridge chain:' header before it",
      );
      continue;
    }
    const second = secondEbtCommand(tokens);
    if (second) {
      err(lineNo, at0 + second.token.column, second.message, second.hint);
      continue;
    }
    const parsed = parseEbtRuleArgs(tokens);
    if ("error" in parsed) {
      err(lineNo, at0 + parsed.error.column, parsed.error.message, parsed.error.hint);
      continue;
    }
    const misplaced = BRIDGE_BUILTIN_CHAINS[table.name]?.includes(chain.name)
      ? misplacedDevice(wholeEbtOptions(tokens), chain.name)
      : undefined;
    if (misplaced) {
      err(lineNo, at0 + misplaced.column, misplaced.message, misplaced.hint);
      continue;
    }
    for (const c of parsed.conditions)
      if (c.kind === "unknown" && c.acts) {
        // A MAC NAT target: its verdict decides, what it does to the frame is not followed.
        const at = body.search(/-j\s+(?:dnat|arpreply)\b/);
        warn(lineNo, at0 + (at < 0 ? 1 : at + 1), `not followed: ${c.text}`, UNCERTAIN_HINT);
      } else if (c.kind === "unknown") {
        const at = body.indexOf(c.text.split(" ")[0] as string);
        warn(
          lineNo,
          at0 + (at < 0 ? 1 : at + 1),
          // With its `!`, or the warning reads as the opposite test.
          `match '${c.neg ? "! " : ""}${c.text}' is not modelled`,
          c.chance ? chanceHint(c.chance) : UNMODELLED_MATCH_HINT,
        );
      }
    // ebtables logs with its log watcher (ebt_log): there is no LOG target (ebtables-nft 1.8.9: "RULE_APPEND failed").
    if (parsed.target.kind === "unknown" && parsed.target.name === "LOG") {
      const at = body.search(/-j\s+LOG\b/);
      err(lineNo, at0 + (at < 0 ? 1 : at + 1), NO_LOG_TARGET.message, NO_LOG_TARGET.hint);
      continue;
    }
    if (parsed.target.kind === "unknown") {
      const at = body.indexOf(parsed.target.text);
      warn(
        lineNo,
        at0 + (at < 0 ? 1 : at + 1),
        `target '${parsed.target.name}' is not modelled`,
        UNCERTAIN_HINT,
      );
    }
    const rule: Rule = {
      table: table.name,
      chain: chain.name,
      index: chain.rules.length + 1,
      line: lineNo,
      text: body.trim(),
      ...parsed,
    };
    chain.rules.push(rule);
    textStart.set(rule, at0);
  }
  diagnostics.push(...resolveJumps(tables, file, (rule) => textStart.get(rule) ?? 0, listed));
  diagnostics.push(...loopErrors(tables, file));
  return { rules: { tables }, diagnostics };
}

/**
 * The jump loops a built-in chain reaches, at the rule that closes each: ebtables-restore refuses them
 * (kernel 6.18, ebtables-nft 1.8.9: "RULE_APPEND failed (Too many links)"); one no built-in chain
 * reaches is taken.
 */
function loopErrors(tables: Map<string, TableDef>, file: string): Diagnostic[] {
  return [...tables.values()].flatMap((table) =>
    jumpLoops(table, {
      entered: (c) => BRIDGE_BUILTIN_CHAINS[table.name]?.includes(c.name) ?? false,
      refusal: 'ebtables-restore refuses it ("RULE_APPEND failed (Too many links)")',
    }).map((l) => ({
      severity: "error" as const,
      message: l.message,
      hint: l.hint,
      position: { file, line: l.rule.line, column: 1 },
    })),
  );
}

/** ebtables' refusal of `-j LOG`: it logs with its log watcher (ebtables-nft 1.8.9: "RULE_APPEND failed"). */
/** The built-in chains where a frame has come in by a port (`-i`, `--logical-in`), and where it goes out by one. */
const DEVICE_CHAINS = {
  in: ["INPUT", "FORWARD", "PREROUTING", "BROUTING"],
  out: ["OUTPUT", "FORWARD", "POSTROUTING"],
} as const;

/**
 * A device option of a built-in chain where the frame has no such device yet, as ebtables-restore refuses
 * it (ebtables-nft 1.8.9: "Use -i only in INPUT, FORWARD, PREROUTING and BROUTING chains"), at the option.
 */
function misplacedDevice(
  tokens: Token[],
  chain: string,
): { column: number; message: string; hint: string } | undefined {
  for (const t of tokens) {
    const o = t.value;
    const dir =
      o === "-i" || o === "--in-interface" || o === "--in-if" || o === "--logical-in"
        ? "in"
        : o === "-o" || o === "--out-interface" || o === "--out-if" || o === "--logical-out"
          ? "out"
          : undefined;
    if (!dir) continue;
    const allowed: readonly string[] = DEVICE_CHAINS[dir];
    if (allowed.includes(chain)) continue;
    const name = o.startsWith("--logical") ? o : `-${dir === "in" ? "i" : "o"}`;
    const list = `${allowed.slice(0, -1).join(", ")} and ${allowed[allowed.length - 1]}`;
    return {
      column: t.column,
      message: `${o} is not valid in ${chain}: a frame there has no ${dir === "in" ? "input" : "output"} device yet (ebtables: Use ${name} only in ${list} chains)`,
      hint:
        dir === "in"
          ? "match the input port in PREROUTING, INPUT, FORWARD or BROUTING"
          : "match the output port in FORWARD, OUTPUT or POSTROUTING",
    };
  }
  return undefined;
}

const NO_LOG_TARGET = {
  message:
    "ebtables has no LOG target: it logs with the log watcher, options on a rule of any target, and refuses '-j LOG' (\"RULE_APPEND failed (No such file or directory)\")",
  hint: "write the log options with a target, e.g. '--log-prefix \"L2-SPOOF: \" --log-level 4 --log-arp -j CONTINUE'",
};

/**
 * The target extensions ebtables-nft 1.8.9 loads for a bridge rule (each `-j NAME` alone, in a fresh
 * namespace): any other name is a chain, and one the table lacks is refused ("Chain 'X' does not exist").
 */
const EXTENSION_TARGET =
  /^(?:arpreply|dnat|log|mark|nflog|redirect|snat|AUDIT|CHECKSUM|CLASSIFY|CONNMARK|CONNSECMARK|CT|IDLETIMER|LED|MARK|NFLOG|NFQUEUE|NOTRACK|RATEEST|SECMARK|SET|SYNPROXY|TCPOPTSTRIP|TOS|TRACE)$/;

/**
 * Jumps to a chain the table lacks become unknown targets (an extension target written alone, such as
 * `-j NFLOG`, reads as a jump), each said at its rule: `-j LOG` and a name no extension has as the
 * errors they are, an extension as not modelled.
 */
function resolveJumps(
  tables: Map<string, TableDef>,
  file: string,
  textStart: (rule: Rule) => number = () => 0,
  // A listing (`ebtables -L CHAIN`) may leave out the chain a rule jumps to.
  listed = false,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const table of tables.values())
    for (const chain of table.chains.values())
      for (const rule of chain.rules) {
        const t = rule.target;
        if ((t.kind !== "jump" && t.kind !== "goto") || table.chains.has(t.chain)) continue;
        rule.target = { kind: "unknown", name: t.chain, text: `-j ${t.chain}` };
        const at = rule.text.search(/(?:-j|--jump)\s/);
        const position = { file, line: rule.line, column: textStart(rule) + (at < 0 ? 1 : at + 1) };
        out.push(
          t.chain === "LOG"
            ? { severity: "error", ...NO_LOG_TARGET, position }
            : !(listed || EXTENSION_TARGET.test(t.chain))
              ? {
                  severity: "error",
                  message: `'${t.chain}' is neither a chain of table '${table.name}' nor a target ebtables knows: ebtables-restore refuses the rule ("Chain '${t.chain}' does not exist")`,
                  hint: `declare the chain (':${t.chain} ACCEPT' after *${table.name}), or jump to ACCEPT, DROP, CONTINUE or RETURN`,
                  position,
                }
              : {
                  severity: "warning",
                  message: `'${t.chain}' is neither a chain of table '${table.name}' nor a modelled target`,
                  hint: UNCERTAIN_HINT,
                  position,
                },
        );
      }
  return out;
}

/** Parses the options of one ebtables rule. */
export function parseEbtRuleArgs(
  words: Token[],
):
  | { conditions: Condition[]; target: Target; log?: Rule["log"]; effects?: Target[] }
  | { error: { column: number; message: string; hint?: string } } {
  const ambiguous = ambiguousEbtOption(words);
  if (ambiguous) return { error: { column: ambiguous.token.column, ...ambiguous } };
  const tokens = targetWordsLast(wholeEbtOptions(words));
  const conditions: Condition[] = [];
  const effects: Target[] = [];
  // ebtables' default target (no -j) is CONTINUE.
  let target: Target = { kind: "CONTINUE" };
  let log: Rule["log"];
  let neg = false;
  /** Where an `--ip(6)-icmp-type` stands: its protocol is checked once the whole rule is read. */
  let icmpTypeAt: { column: number; option: string; v6: boolean } | undefined;
  // The first port option, checked against the rule's transport once all options are read.
  let portAt: { column: number; option: string; v6: boolean } | undefined;
  /** The `--ip-proto` / `--ip6-proto` options read, for that check. */
  const protocols: { v6: boolean; proto: string; neg: boolean }[] = [];
  // The options given so far that ebtables takes once each (-i and --in-if are one option).
  const given = new Set<string>();
  /** Per option a second of which replaces the first: what the latest one read made, and whether a `!` was met. */
  type Read = { from: number; protoFrom: number; conds: object[]; protos: object[]; neg: boolean };
  const lastRead = new Map<string, Read>();
  let reading: Read | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    const next = tokens[i + 1];
    const o = EBT_LONG_NAMES[tok.value] ?? tok.value;
    if (o === "!") {
      neg = true;
      continue;
    }
    // A start of an arp option is that option (`--arp-h 1 --arp-htype 1`: "Multiple use of same option").
    const named = o.startsWith("--") ? (ebtFieldOption(o) ?? o) : o;
    const once = tok.quoted ? undefined : (EBT_ONCE[o] ?? (EBT_ONCE_OPTION.test(named) ? named : undefined));
    if (once && given.has(once)) return { error: ebtTwice(tok) };
    if (once) given.add(once);
    // The conditions of the option read before this one are known now.
    if (reading) reading.conds = conditions.slice(reading.from);
    if (reading) reading.protos = protocols.slice(reading.protoFrom);
    reading = undefined;
    const last = tok.quoted ? undefined : EBT_LAST[o];
    const earlier = last ? lastRead.get(last) : undefined;
    if (earlier) {
      // A second --ip-src (--mark, ...) replaces the first; a `!` on either inverts it (ebtables-save
      // printed `-p IPv4 ! --ip-src 1.2.3.4 --ip-src 1.2.3.5` as `--ip-src ! 1.2.3.5`).
      const gone = new Set<object>([...earlier.conds, ...earlier.protos]);
      conditions.splice(0, conditions.length, ...conditions.filter((c) => !gone.has(c)));
      protocols.splice(0, protocols.length, ...protocols.filter((p) => !gone.has(p)));
    }
    const n = neg || next?.value === "!" || (earlier?.neg ?? false);
    if (last) {
      reading = { from: conditions.length, protoFrom: protocols.length, conds: [], protos: [], neg: n };
      lastRead.set(last, reading);
    }
    if (next?.value === "!") tokens.splice(i + 1, 1);
    neg = false;
    const val = tokens[i + 1];
    /** The option's value is not `what`. */
    const badValue = (what: string, hint: string) => ({
      error: { column: (val as Token).column, message: `'${(val as Token).value}' is not ${what}`, hint },
    });
    const needVal = () => {
      if (!val)
        return { error: { column: tok.column, message: `${o} needs a value`, hint: "see ebtables(8)" } };
      i++;
      return undefined;
    };
    switch (o) {
      case "-p":
      case "--protocol": {
        const e = needVal();
        if (e) return e;
        const et = ebtablesEthertype((val as Token).value);
        if ("error" in et)
          return { error: { column: (val as Token).column, message: et.error, hint: et.hint } };
        conditions.push({ kind: "ethertype", ethertype: et.ethertype, neg: n });
        continue;
      }
      case "-i":
      case "--in-interface":
      case "--in-if":
      case "-o":
      case "--out-interface":
      case "--out-if": {
        const e = needVal();
        if (e) return e;
        conditions.push({
          kind: o.startsWith("-i") || o.startsWith("--in") ? "in" : "out",
          name: (val as Token).value,
          neg: n,
        });
        continue;
      }
      case "--logical-in":
      case "--logical-out": {
        const e = needVal();
        if (e) return e;
        conditions.push({
          kind: o === "--logical-in" ? "logical-in" : "logical-out",
          name: (val as Token).value,
          neg: n,
        });
        continue;
      }
      case "-s":
      case "--source":
      case "-d":
      case "--destination": {
        const e = needVal();
        if (e) return e;
        const mac = ebtMac((val as Token).value);
        if (!mac)
          return badValue(
            "a MAC address",
            "expected e.g. 02:42:ac:11:00:02[/ff:ff:ff:00:00:00] or Broadcast",
          );
        conditions.push({
          kind: o.includes("s") && !o.includes("dest") ? "mac-src" : "mac-dst",
          ...mac,
          neg: n,
        });
        continue;
      }
      case "--ip-tos":
      case "--ip6-tclass": {
        // ebt_ip / ebt_ip6 compare the whole TOS byte (traffic class), not only the DSCP.
        const e = needVal();
        if (e) return e;
        const v = Number((val as Token).value);
        if (!Number.isInteger(v) || v < 0 || v > 0xff) return badValue("a TOS byte", "expected e.g. 0x10");
        conditions.push({ kind: "tos", values: [v], mask: 0xff, neg: n });
        continue;
      }
      case "--pkttype-type": {
        const e = needVal();
        if (e) return e;
        const type = pktTypeName((val as Token).value);
        if (!type) return badValue("a packet type", "expected host, broadcast, multicast or otherhost");
        conditions.push({ kind: "pkttype", types: [type], neg: n });
        continue;
      }
      case "--ip-src":
      case "--ip-source":
      case "--ip-dst":
      case "--ip-destination": {
        const e = needVal();
        if (e) return e;
        const cidr = parseCidr((val as Token).value);
        if (!cidr) return badValue("an IPv4 address or CIDR", "expected a.b.c.d[/len]");
        conditions.push({ kind: o.includes("src") || o.includes("source") ? "src" : "dst", cidr, neg: n });
        continue;
      }
      case "--arp-op":
      case "--arp-ip-src":
      case "--arp-ip-dst":
      case "--arp-mac-src":
      case "--arp-mac-dst": {
        // ebt_arp's header fields: the operation (by name or number) and the sender's and target's
        // addresses; a masked MAC (`--arp-mac-src MAC/MASK`) is left unmodelled below.
        const v = tokens[i + 1]?.value ?? "";
        const field = (
          {
            "--arp-op": "operation",
            "--arp-ip-src": "saddr ip",
            "--arp-ip-dst": "daddr ip",
            "--arp-mac-src": "saddr ether",
            "--arp-mac-dst": "daddr ether",
          } as const
        )[o];
        const ok =
          field === "operation"
            ? /^(request|reply|[12])$/i.test(v)
            : field.endsWith("ip")
              ? parseCidr(v) !== undefined
              : /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(v);
        if (!ok) break;
        i++;
        conditions.push({ kind: "arp-field", field, values: [v.toLowerCase()], neg: n });
        continue;
      }
      case "--ip6-src":
      case "--ip6-source":
      case "--ip6-dst":
      case "--ip6-destination": {
        const e = needVal();
        if (e) return e;
        const v = (val as Token).value;
        const cidr = parseIpCidr(v.includes("/") ? v : `${v}/128`);
        if (!cidr || !("v6" in cidr))
          return badValue("an IPv6 address or prefix", "expected e.g. fd00:a::/64");
        conditions.push({ kind: o.includes("src") || o.includes("source") ? "src" : "dst", cidr, neg: n });
        continue;
      }
      case "--ip-proto":
      case "--ip-protocol":
      case "--ip6-proto":
      case "--ip6-protocol": {
        const e = needVal();
        if (e) return e;
        const proto = (val as Token).value.toLowerCase();
        // ebtables names ICMPv6 as /etc/protocols does.
        conditions.push({ kind: "ip-proto", proto: proto === "ipv6-icmp" ? "icmpv6" : proto, neg: n });
        protocols.push({ v6: o.startsWith("--ip6"), proto, neg: n });
        continue;
      }
      case "--ip-icmp-type":
      case "--ip6-icmp-type": {
        const e = needVal();
        if (e) return e;
        const v6 = o === "--ip6-icmp-type";
        icmpTypeAt ??= { column: tok.column, option: o, v6 };
        const t = ebtIcmpType((val as Token).value, v6);
        if (!t)
          return badValue(
            v6 ? "an ICMPv6 type" : "an ICMP type",
            "expected a name (echo-request), TYPE[:TYPE] or TYPE[:TYPE]/CODE[:CODE]",
          );
        conditions.push({ kind: "icmp-type", ...t, neg: n, ...(v6 ? { family: 6 as const } : {}) });
        continue;
      }
      case "--ip-dport":
      case "--ip-destination-port":
      case "--ip-sport":
      case "--ip-source-port":
      case "--ip6-dport":
      case "--ip6-destination-port":
      case "--ip6-sport":
      case "--ip6-source-port": {
        const e = needVal();
        if (e) return e;
        const range = parsePortRange((val as Token).value);
        if (!range) return badValue("a port or port range", "expected N or N:M (0..65535)");
        portAt ??= { column: tok.column, option: o, v6: o.startsWith("--ip6") };
        conditions.push({ kind: o.includes("d") ? "dport" : "sport", range, neg: n });
        continue;
      }
      case "--log":
        log = log ?? { prefix: "" };
        continue;
      case "--log-prefix":
      case "--log-level": {
        const e = needVal();
        if (e) return e;
        log = log ?? { prefix: "" };
        if (o === "--log-prefix") log.prefix = (val as Token).value;
        else log.level = (val as Token).value;
        continue;
      }
      case "--log-ip":
      case "--log-arp":
      case "--log-ip6":
        log = log ?? { prefix: "" };
        continue;
      case "--nflog":
        // The nflog watcher copies the frame to userspace and always matches, like --log.
        continue;
      case "--nflog-group":
      case "--nflog-prefix":
      case "--nflog-range":
      case "--nflog-threshold": {
        const e = needVal();
        if (e) return e;
        continue;
      }
      case "--mark":
      case "--mark-match": {
        const e = needVal();
        if (e) return e;
        const v = (val as Token).value;
        const mk = ebtMarkMatch(v);
        if ("bad" in mk)
          return {
            error: {
              column: (val as Token).column + mk.bad,
              message: `'${v}' is not a mark value: ebtables refuses it ("Bad mark value '${v}'")`,
              hint: "expected VALUE[/MASK] or /MASK, each decimal, hex (0x5) or octal (05), e.g. 0x5/0xff",
            },
          };
        const text = `--mark ${n ? "! " : ""}${v}`;
        // ebt_mark_m: `V/M` is (mark & M) == V, `V` is mark == V; `/M` holds when any bit of M is set,
        // i.e. when (mark & M) == 0 does not (kernel 6.18: `--mark /0x1` passed a 0x12 mark, `! /0x1` logged it).
        if (mk.any) conditions.push({ kind: "mark", value: 0, mask: Number(mk.mask & 0xffffffffn), neg: !n });
        // The mark has 32 bits: a wider value never equals it, and inverted the match always holds.
        else if (mk.value > 0xffffffffn) {
          if (!n) conditions.push({ kind: "never", text, neg: false });
        } else
          conditions.push({
            kind: "mark",
            value: Number(mk.value),
            mask: Number(mk.mask & 0xffffffffn),
            neg: n,
          });
        continue;
      }
      case "--among-src":
      case "--among-dst": {
        const e = needVal();
        if (e) return e;
        conditions.push(ebtAmong(o === "--among-src" ? "src" : "dst", (val as Token).value, n));
        continue;
      }
      case "-c":
      case "--set-counters":
        i += 2;
        continue;
      case "-j":
      case "--jump": {
        const e = needVal();
        if (e) return e;
        const t = (val as Token).value;
        if (t === "redirect") {
          const r = ebtRedirectTarget(val as Token, tokens.slice(i + 1));
          if ("error" in r) return r;
          target = r.target;
          effects.push({ kind: "BRIDGE_REDIRECT" });
          i = tokens.length;
          continue;
        }
        if (t === "snat" || t === "dnat" || t === "arpreply") {
          const r = ebtNatTarget(t, val as Token, tokens.slice(i + 1));
          if ("error" in r) return r;
          target = r.target;
          if (r.acts) conditions.push(r.acts);
          i = tokens.length;
          continue;
        }
        if (t === "mark") {
          const marked = ebtMarkTarget(val as Token, tokens.slice(i + 1));
          if (marked) {
            if ("error" in marked) return marked;
            target = marked.target;
            effects.push(marked.effect);
            i = tokens.length;
            continue;
          }
        }
        // ebtables reads the options after a verdict as the rule's (`-j ACCEPT -i eth1` tests eth1).
        if (["ACCEPT", "DROP", "CONTINUE", "RETURN"].includes(t)) {
          target = { kind: t as "ACCEPT" };
          continue;
        }
        // So are they after a user chain's name (an extension's is all lower case): ebtables-save
        // printed `-j MYCH -i eth0` as `-i eth0 -j MYCH`. `-j LOG` is no chain: refused below.
        if (
          t !== "LOG" &&
          /[A-Z]/.test(t) &&
          /^[A-Za-z0-9_-]+$/.test(t) &&
          splitTargetWords("", tokens.slice(i + 1)).own.length === 0
        ) {
          target = { kind: "jump", chain: t };
          continue;
        }
        target = ["ACCEPT", "DROP", "CONTINUE", "RETURN"].includes(t)
          ? { kind: t as "ACCEPT" }
          : /^[a-z]+$/.test(t) || tokens.length > i + 1
            ? {
                kind: "unknown",
                name: t,
                text: tokens
                  .slice(i)
                  .map((x) => x.value)
                  .join(" "),
              }
            : { kind: "jump", chain: t };
        if (target.kind === "unknown" && /^[A-Za-z0-9_-]+$/.test(t) && tokens.length === i + 1)
          target = { kind: "jump", chain: t };
        i = tokens.length;
        continue;
      }
      case "--pcnt":
      case "--bcnt":
        i++;
        continue;
    }
    const badLimit = o === "--limit" && val ? ebtLimitRefusal(val) : undefined;
    if (badLimit) return { error: badLimit };
    // Anything else (among, vlan, stp, mark, ...) is kept with its values, unmodelled.
    const parts = [o];
    while (tokens[i + 1] && !(tokens[i + 1] as Token).value.startsWith("-")) {
      i++;
      parts.push((tokens[i] as Token).value);
    }
    // ebtables' limit match (`--limit 3/min --limit-burst 5`): a token bucket, chance for the simulator;
    // its two options are one match, said once.
    const chance = /^--limit(-burst)?$/.test(o) ? { chance: "rate" as const } : {};
    const before = conditions.at(-1);
    if (chance.chance && before?.kind === "unknown" && before.chance === "rate") {
      before.text = `${before.text} ${parts.join(" ")}`;
      continue;
    }
    conditions.push({ kind: "unknown", text: parts.join(" "), neg: n, ...chance });
  }
  // ebtables-nft 1.8.9 refuses an ICMP type without its family's protocol, or with `!` on it (ebt_ip's
  // check: RULE_APPEND failed, Invalid argument), wherever the options stand in the rule.
  if (icmpTypeAt) {
    const { column, option, v6 } = icmpTypeAt;
    const names = v6 ? ["ipv6-icmp", "icmpv6", "58"] : ["icmp", "1"];
    const own = protocols.filter((p) => p.v6 === v6 && names.includes(p.proto));
    if (own.length === 0 || own.some((p) => p.neg))
      return {
        error: {
          column,
          message: `${option} needs ${v6 ? "--ip6-proto ipv6-icmp" : "--ip-proto icmp"}, not negated, in the same rule (ebtables refuses it: Invalid argument)`,
          hint: `write e.g. -p ${v6 ? "IPv6 --ip6-proto ipv6-icmp" : "IPv4 --ip-proto icmp"} ${option} echo-request`,
        },
      };
  }
  if (portAt) {
    // ebt_ip(6)_mt_check: a port needs a transport with ports, not negated.
    const { column, option, v6 } = portAt;
    const own = protocols.filter((p) => p.v6 === v6 && PORT_PROTOCOLS.has(p.proto));
    if (own.length === 0 || own.some((p) => p.neg))
      return {
        error: {
          column,
          message: `${option} needs ${v6 ? "--ip6-proto" : "--ip-proto"} tcp, udp, udplite, sctp or dccp, not negated, in the same rule (ebtables refuses it: Invalid argument)`,
          hint: `write e.g. -p ${v6 ? "IPv6 --ip6-proto tcp" : "IPv4 --ip-proto tcp"} ${option} 22`,
        },
      };
  }
  return { conditions, target, log, ...(effects.length ? { effects } : {}) };
}

/**
 * Extension options ebtables-nft 1.8.9 took twice in a rule, the second replacing the first (a `!` on
 * either kept): ip, ip6, mark, pkttype and among; the value is the option they share.
 */
const EBT_LAST: Readonly<Record<string, string>> = {
  "--ip-src": "ip-src",
  "--ip-source": "ip-src",
  "--ip-dst": "ip-dst",
  "--ip-destination": "ip-dst",
  "--ip-tos": "ip-tos",
  "--ip-proto": "ip-proto",
  "--ip-protocol": "ip-proto",
  "--ip-sport": "ip-sport",
  "--ip-source-port": "ip-sport",
  "--ip-dport": "ip-dport",
  "--ip-destination-port": "ip-dport",
  "--ip-icmp-type": "ip-icmp-type",
  "--ip6-src": "ip6-src",
  "--ip6-source": "ip6-src",
  "--ip6-dst": "ip6-dst",
  "--ip6-destination": "ip6-dst",
  "--ip6-tclass": "ip6-tclass",
  "--ip6-proto": "ip6-proto",
  "--ip6-protocol": "ip6-proto",
  "--ip6-sport": "ip6-sport",
  "--ip6-source-port": "ip6-sport",
  "--ip6-dport": "ip6-dport",
  "--ip6-destination-port": "ip6-dport",
  "--ip6-icmp-type": "ip6-icmp-type",
  "--mark": "mark",
  "--mark-match": "mark",
  "--pkttype-type": "pkttype",
  "--among-src": "among-src",
  "--among-dst": "among-dst",
};

/** ebtables' own options by the name the reader reads (`--src` is -s; ebtables -h names them so). */
const EBT_LONG_NAMES: Readonly<Record<string, string>> = {
  "--src": "-s",
  "--dst": "-d",
  "--proto": "-p",
};

/** ebtables' own options that may be given once in a rule (ebtables-nft 1.8.9: "Multiple use of same option not allowed"). */
const EBT_ONCE: Readonly<Record<string, string>> = {
  "-i": "-i",
  "--in-interface": "-i",
  "--in-if": "-i",
  "-o": "-o",
  "--out-interface": "-o",
  "--out-if": "-o",
  "-p": "-p",
  "--protocol": "-p",
  "-s": "-s",
  "--source": "-s",
  "-d": "-d",
  "--destination": "-d",
  "-j": "-j",
  "--jump": "-j",
};

/**
 * Extension options ebtables-nft 1.8.9 refused twice in a rule (vlan, arp, limit, stp, nflog); ip, ip6,
 * mark, pkttype and log took a second, which replaced the first.
 */
const EBT_ONCE_OPTION =
  /^--(logical-(in|out)|vlan-(id|prio|encap)|arp-[\w-]+|limit(-burst)?|stp-[\w-]+|nflog-[\w-]+)$/;

/** ebtables' refusal of option `tok` given a second time. */
function ebtTwice(tok: Token): { column: number; message: string; hint: string } {
  return {
    column: tok.column,
    message: `${tok.value} is given twice: ebtables refuses it ("Multiple use of same option not allowed")`,
    hint: "give it once: write one rule for each value",
  };
}

/** The transports ebtables' port options take, by name or number. */
const PORT_PROTOCOLS = new Set(["tcp", "6", "udp", "17", "udplite", "136", "sctp", "132", "dccp", "33"]);

/** ebt_mark_t's operations as the MARK target's `(mark & ~mask) ^ value`. */
const EBT_MARK_OPS: Record<string, (v: number) => { value: number; mask: number }> = {
  "--mark-set": (v) => ({ value: v, mask: 0xffffffff }),
  "--set-mark": (v) => ({ value: v, mask: 0xffffffff }),
  "--mark-or": (v) => ({ value: v, mask: v }),
  "--mark-and": (v) => ({ value: 0, mask: ~v >>> 0 }),
  "--mark-xor": (v) => ({ value: v, mask: 0 }),
};

/** C's strtoul with base 0 at the start of `text`: its value (ULONG_MAX on overflow) and the characters read. */
function strtoul(text: string): { value: bigint; read: number } {
  const m = /^(\s*)([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)/i.exec(text);
  if (!m) return { value: 0n, read: 0 };
  const digits = m[3] as string;
  let n = BigInt(/^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits);
  if (n > 0xffffffffffffffffn) n = 0xffffffffffffffffn;
  else if (m[2] === "-") n = (0x10000000000000000n - n) & 0xffffffffffffffffn;
  return { value: n, read: m[0].length };
}

/**
 * An ebtables `--mark V[/M]` (or `/M`) as libebt_mark_m reads it: strtoul (base 0) for the value, then
 * for the mask after a `/` (default 0xffffffff), nothing left after; `any` for `/M` (no value: any bit of
 * M set). Each is kept to 64 bits, as ebtables-nft-save prints it back. `bad`: the offset where the
 * text stops being one ("Bad mark value").
 */
export function ebtMarkMatch(text: string): { value: bigint; mask: bigint; any: boolean } | { bad: number } {
  const value = strtoul(text);
  if (text[value.read] !== "/") {
    if (value.read === 0) return { bad: 0 };
    return value.read === text.length
      ? { value: value.value, mask: 0xffffffffn, any: false }
      : { bad: value.read };
  }
  const mask = strtoul(text.slice(value.read + 1));
  const end = value.read + 1 + mask.read;
  return end === text.length ? { value: value.value, mask: mask.value, any: value.read === 0 } : { bad: end };
}

/** The verdicts `--mark-target` takes, written as ebtables-nft 1.8.9 takes them: in capitals. */
const EBT_MARK_VERDICTS = ["ACCEPT", "DROP", "CONTINUE", "RETURN"];

/**
 * A mark target's value as ebtables reads it (strtoul, base 0: hex, octal after a leading `0`, decimal),
 * into the 32 bits of the packet's mark: ebtables-nft 1.8.9 took `0x100000005` and saved it so, and the
 * kernel's mark was then 0x5 (a later `--mark 0x5` counted); `010` set 0x8. Undefined past 64 bits or
 * for anything else.
 */
function ebtMarkValue(text: string): number | undefined {
  const digits = /^0x[0-9a-f]{1,16}$/i.test(text)
    ? text
    : /^0[0-7]*$/.test(text)
      ? `0o${text.slice(1) || "0"}`
      : /^[1-9]\d*$/.test(text)
        ? text
        : undefined;
  if (digits === undefined) return undefined;
  const n = BigInt(digits);
  return n > 0xffffffffffffffffn ? undefined : Number(n & 0xffffffffn);
}

/**
 * `-j mark [--mark-set|--set-mark|--mark-or|--mark-and|--mark-xor V] [--mark-target VERDICT]`
 * (ebt_mark_t) as ebtables-nft 1.8.9 takes it: one operation at most, each option once, a verdict in
 * capitals, at least one option; with no operation the mark is set to 0 (it saved `--mark-target DROP`
 * as `--mark-set 0x0 --mark-target DROP`). The mark is changed, then the verdict (ACCEPT when none is
 * given) decides; an error where ebtables refuses the words; undefined for other options.
 */
function ebtMarkTarget(
  name: Token,
  rest: Token[],
):
  | { target: Target; effect: Target }
  | { error: { column: number; message: string; hint: string } }
  | undefined {
  const refuse = (at: Token, message: string, hint: string) => ({
    error: { column: at.column, message, hint },
  });
  if (rest.length === 0)
    return refuse(
      name,
      'the mark target needs an option: ebtables refuses it without ("You must specify some option")',
      "write e.g. -j mark --mark-set 0x5 --mark-target CONTINUE",
    );
  let effect: Target | undefined;
  let verdict = "ACCEPT";
  let operation: Token | undefined;
  const seen = new Set<string>();
  for (let k = 0; k < rest.length; k += 2) {
    const opt = rest[k] as Token;
    const v = rest[k + 1];
    const op = EBT_MARK_OPS[opt.value];
    if (!v || (!op && opt.value !== "--mark-target")) return undefined;
    if (seen.has(opt.value))
      return refuse(
        opt,
        `${opt.value} is given twice: ebtables refuses it ("Multiple use of same option not allowed")`,
        "give each option of the mark target once",
      );
    seen.add(opt.value);
    if (op) {
      if (operation)
        return refuse(
          opt,
          `${opt.value} after ${operation.value}: the mark target does one operation, and ebtables refuses a second ("${opt.value} cannot be used together with specific --mark option")`,
          "keep one of --mark-set, --mark-or, --mark-and, --mark-xor; write another -j mark rule for the next",
        );
      operation = opt;
      const mk = ebtMarkValue(v.value);
      if (mk === undefined)
        return refuse(v, `'${v.value}' is not a mark`, "expected e.g. 0x5 (ebtables keeps its low 32 bits)");
      effect = { kind: "MARK", op: "xset", ...op(mk) };
    } else if (!EBT_MARK_VERDICTS.includes(v.value))
      return refuse(
        v,
        `'${v.value}' is not a --mark-target verdict: ebtables refuses it ("Illegal --mark-target target")`,
        "write ACCEPT, DROP, CONTINUE or RETURN, in capitals",
      );
    else verdict = v.value;
  }
  // No operation: ebt_mark_t sets the mark to its value, 0.
  effect ??= { kind: "MARK", op: "xset", value: 0, mask: 0xffffffff };
  return { target: { kind: verdict as "ACCEPT" }, effect };
}

/**
 * `-j redirect [--redirect-target VERDICT]` (ebt_redirect): the frame goes to the bridge itself, then
 * the verdict (ACCEPT when none) decides; an error where ebtables refuses the words.
 */
function ebtRedirectTarget(
  name: Token,
  rest: Token[],
): { target: Target } | { error: { column: number; message: string; hint: string } } {
  if (rest.length === 0) return { target: { kind: "ACCEPT" } };
  const [opt, v] = rest;
  if (opt?.value === "--redirect-target" && rest[2]?.value === opt.value) return { error: ebtTwice(rest[2]) };
  if (opt?.value !== "--redirect-target" || !v || rest.length > 2)
    return {
      error: {
        column: (opt ?? name).column,
        message: `expected --redirect-target VERDICT after -j redirect, found '${rest.map((r) => r.value).join(" ")}'`,
        hint: "write e.g. -j redirect --redirect-target ACCEPT (or -j redirect alone)",
      },
    };
  if (!EBT_MARK_VERDICTS.includes(v.value))
    return {
      error: {
        column: v.column,
        message: `'${v.value}' is not a --redirect-target verdict: ebtables refuses it`,
        hint: "write ACCEPT, DROP, CONTINUE or RETURN, in capitals",
      },
    };
  return { target: { kind: v.value as "ACCEPT" } };
}

/** The options ebtables' redirect and MAC NAT targets take, each with whether it takes a value. */
const EBT_TARGET_WORDS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  redirect: { "--redirect-target": true },
  snat: { "--to-source": true, "--to-src": true, "--snat-arp": false, "--snat-target": true },
  dnat: { "--to-destination": true, "--to-dst": true, "--dnat-target": true },
  arpreply: { "--arpreply-mac": true, "--arpreply-target": true },
};

/** A word that starts one of the rule's own options or matches (not a target's): `-i`, `!`, `--ip-src`. */
const EBT_RULE_WORD =
  /^(?:!|-[iopsdc]|--(?:in-interface|out-interface|logical-in|logical-out|protocol|source|destination|set-counters|ip-|ip6-|arp-|vlan-|mark$|pkttype-|among-|limit|stp-|log|nflog|802_3-))/;

/**
 * `tokens` with the rule's options that follow a redirect or MAC NAT target's `-j NAME` moved before it,
 * as ebtables reads them (ebtables-save printed `-j dnat --to-dst M -i eth0` as `-i eth0 -j dnat --to-dst M`).
 */
function targetWordsLast(tokens: Token[]): Token[] {
  const at = tokens.findIndex(
    (w, k) =>
      !w.quoted &&
      (w.value === "-j" || w.value === "--jump") &&
      Object.hasOwn(EBT_TARGET_WORDS, tokens[k + 1]?.value ?? ""),
  );
  if (at < 0) return tokens;
  const { own, rule } = splitTargetWords((tokens[at + 1] as Token).value, tokens.slice(at + 2));
  if (rule.length === 0) return tokens;
  return [...tokens.slice(0, at), ...rule, ...tokens.slice(at, at + 2), ...own];
}

/**
 * The words after `-j NAME` (a redirect or MAC NAT target) split into the target's own options with
 * their values (`own`) and the rule's options among them with theirs (`rule`), which ebtables reads as
 * the rule's wherever they stand. Any other word stays the target's, for its reader to refuse.
 */
function splitTargetWords(name: string, rest: readonly Token[]): { own: Token[]; rule: Token[] } {
  const takes = EBT_TARGET_WORDS[name] ?? {};
  const own: Token[] = [];
  const rule: Token[] = [];
  for (let k = 0; k < rest.length; k++) {
    const w = rest[k] as Token;
    if (!w.quoted && Object.hasOwn(takes, w.value)) {
      own.push(w);
      if (takes[w.value] && rest[k + 1]) own.push(rest[++k] as Token);
    } else if (!w.quoted && EBT_RULE_WORD.test(w.value)) {
      rule.push(w);
      // Its values (and a `!` after it), up to the next option.
      while (rest[k + 1] && !(rest[k + 1] as Token).value.startsWith("-")) rule.push(rest[++k] as Token);
    } else own.push(w);
  }
  return { own, rule };
}

/** What each MAC NAT target of ebtables takes: its address options, its verdict option and default verdict. */
const EBT_NAT_TARGETS: Record<string, { address: string[]; flags: string[]; verdict: string; by: string }> = {
  snat: {
    address: ["--to-source", "--to-src"],
    flags: ["--snat-arp"],
    verdict: "ACCEPT",
    by: "--snat-target",
  },
  dnat: { address: ["--to-destination", "--to-dst"], flags: [], verdict: "ACCEPT", by: "--dnat-target" },
  arpreply: { address: ["--arpreply-mac"], flags: [], verdict: "DROP", by: "--arpreply-target" },
};

/**
 * `-j snat --to-source MAC [--snat-target V]`, `-j dnat --to-destination MAC [--dnat-target V]` and
 * `-j arpreply --arpreply-mac MAC [--arpreply-target V]`: each returns its verdict, so the chain ends
 * there (ebt_snat, ebt_dnat and ebt_arpreply return it; ACCEPT, ACCEPT and DROP by default). The MAC a
 * dnat writes can send the frame out of another port, and arpreply's answer is a frame of its own: not
 * followed, said as an acting condition. An error where ebtables refuses the words.
 */
function ebtNatTarget(
  kind: string,
  name: Token,
  rest: Token[],
): { target: Target; acts?: Condition } | { error: { column: number; message: string; hint: string } } {
  const spec = EBT_NAT_TARGETS[kind] as (typeof EBT_NAT_TARGETS)[string];
  let verdict = spec.verdict;
  let mac: string | undefined;
  // Each option once (--to-dst is --to-destination): ebtables-nft 1.8.9 refuses a second.
  const given = new Set<string>();
  for (let k = 0; k < rest.length; k++) {
    const opt = rest[k] as Token;
    const id = spec.address.includes(opt.value) ? "address" : opt.value;
    if (given.has(id)) return { error: ebtTwice(opt) };
    given.add(id);
    if (spec.flags.includes(opt.value)) continue;
    const v = rest[k + 1];
    if (!v || (!spec.address.includes(opt.value) && opt.value !== spec.by))
      return {
        error: {
          column: opt.column,
          message: `unexpected '${opt.value}' after -j ${kind}`,
          hint: `write e.g. -j ${kind} ${spec.address[0]} 02:00:00:00:00:01 ${spec.by} ${spec.verdict}`,
        },
      };
    k++;
    if (opt.value === spec.by) {
      if (!EBT_MARK_VERDICTS.includes(v.value))
        return {
          error: {
            column: v.column,
            message: `'${v.value}' is not a ${spec.by} verdict: ebtables refuses it`,
            hint: "write ACCEPT, DROP, CONTINUE or RETURN, in capitals",
          },
        };
      verdict = v.value;
    } else mac = v.value;
  }
  if (mac === undefined)
    return {
      error: {
        column: name.column,
        message: `-j ${kind} needs ${spec.address[0]} MAC: ebtables refuses it without`,
        hint: `write e.g. -j ${kind} ${spec.address[0]} 02:00:00:00:00:01`,
      },
    };
  const target = { kind: verdict as "ACCEPT" };
  if (kind === "snat") return { target };
  const text =
    kind === "dnat"
      ? `-j dnat ${spec.address[0]} ${mac}: the frame goes to that MAC, maybe out of another port`
      : `-j arpreply ${spec.address[0]} ${mac}: the bridge answers the ARP request with that MAC`;
  return { target, acts: { kind: "unknown", text, neg: false, oneWay: true, acts: true } };
}

/** The bridge tables of `nft list ruleset` (other families are skipped). */
function parseNftBridge(text: string, options: ParseRulesOptions): ParsedFamily {
  const file = options.file ?? "ruleset";
  const first = options.firstLine ?? 1;
  const diagnostics: Diagnostic[] = [];
  const tables = new Map<string, TableDef>();
  let table: TableDef | undefined;
  let chain: ChainDef | undefined;
  let skipDepth = 0;
  const lines = text.split(/\r?\n/);
  for (let idx = 0; idx < lines.length; idx++) {
    const raw = lines[idx] as string;
    const lineNo = first + idx;
    const t = raw.trim();
    if (t === "" || t.startsWith("#")) continue;
    if (skipDepth > 0) {
      skipDepth += (t.match(/{/g)?.length ?? 0) - (t.match(/}/g)?.length ?? 0);
      continue;
    }
    let m = /^table\s+(\S+)\s+(\S+)\s*{/.exec(t);
    if (m) {
      if (m[1] !== "bridge") {
        skipDepth = 1;
        continue;
      }
      table = { name: m[2] as string, chains: new Map() };
      tables.set(table.name, table);
      continue;
    }
    m = /^chain\s+(\S+)\s*{/.exec(t);
    if (m && table) {
      chain = { name: m[1] as string, line: lineNo, rules: [], policy: "RETURN" };
      table.chains.set(chain.name, chain);
      continue;
    }
    if (t === "}") {
      if (chain) chain = undefined;
      else table = undefined;
      continue;
    }
    if (!table || !chain) {
      diagnostics.push({
        severity: "error",
        message: `'${t.slice(0, 20)}' outside a bridge chain`,
        hint: "expected 'table bridge NAME {' and 'chain NAME {'",
        position: { file, line: lineNo, column: raw.length - raw.trimStart().length + 1 },
      });
      continue;
    }
    m = /^type\s+\S+\s+hook\s+\S+\s+priority\s+[^;]+;\s*(?:policy\s+(\w+);)?/.exec(t);
    if (m) {
      chain.policy = (m[1] ?? "accept").toUpperCase();
      continue;
    }
    // The one nft rule reader: what it does not model is a positioned warning, and the verdict after it stays.
    const tk = tokenizeNft(raw, lineNo);
    if (!tk.ok) {
      diagnostics.push({
        severity: "error",
        message: tk.message,
        hint: 'close the string with a double quote (")',
        position: { file, line: tk.line, column: tk.column },
      });
      continue;
    }
    const parsed = parseNftStatements(tk.tokens.filter((x) => x.type !== "nl"));
    for (const p of parsed.problems)
      diagnostics.push({
        severity: p.severity,
        message: p.message,
        hint: p.hint,
        position: { file, line: p.line, column: p.column },
      });
    if (parsed.problems.some((p) => p.severity === "error")) continue;
    // A bridge chain's rule without a verdict goes on (ebtables' CONTINUE).
    const target: Target = parsed.target.kind === "NONE" ? { kind: "CONTINUE" } : parsed.target;
    const logEffect = parsed.effects.find((e) => e.kind === "LOG");
    chain.rules.push({
      table: table.name,
      chain: chain.name,
      index: chain.rules.length + 1,
      line: lineNo,
      text: t.replace(/ counter packets \d+ bytes \d+/g, " counter"),
      conditions: parsed.conditions,
      target,
      ...(logEffect?.kind === "LOG"
        ? { log: { prefix: logEffect.prefix, ...(logEffect.level ? { level: logEffect.level } : {}) } }
        : {}),
      ...(parsed.effects.some((e) => e.kind !== "LOG")
        ? { effects: parsed.effects.filter((e) => e.kind !== "LOG") }
        : {}),
      ...(parsed.comment !== undefined ? { comment: parsed.comment } : {}),
    });
  }
  diagnostics.push(...resolveJumps(tables, file, undefined, true));
  diagnostics.push(...loopErrors(tables, file));
  return { rules: { tables }, diagnostics };
}

/** ebtables' `--ip-icmp-type` (`v6`: `--ip6-icmp-type`): a name, or `TYPE[:TYPE][/CODE[:CODE]]` (ranges inclusive). */
function ebtIcmpType(
  text: string,
  v6: boolean,
): { type: number; typeHi?: number; code?: number; codeHi?: number } | undefined {
  const m = /^(\d{1,3})(?::(\d{1,3}))?(?:\/(\d{1,3})(?::(\d{1,3}))?)?$/.exec(text);
  if (!m) {
    const named = parseIcmpType(text, v6);
    return named && named.type !== "any"
      ? { type: named.type, ...(named.code !== undefined ? { code: named.code } : {}) }
      : undefined;
  }
  const [type, typeHi, code, codeHi] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  if ([type, typeHi, code, codeHi].some((x) => x !== undefined && x > 255)) return undefined;
  return {
    type: type as number,
    ...(typeHi !== undefined ? { typeHi } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(codeHi !== undefined ? { codeHi } : {}),
  };
}

/**
 * `--among-src LIST` / `--among-dst LIST` (ebt_among): the frame's source (destination) MAC is one of
 * LIST's `MAC` or `MAC=IPv4` elements, comma-separated, as ebtables-save prints them (`2:0:0:0:1:b`).
 * An element with an address also needs the IPv4 packet's source (destination) address to be that
 * one; ebt_among reads no address from an IPv6 frame, so such an element never holds for one. A list
 * that mixes both kinds, or one that does not read, stays unmodelled (ebtables-nft and the legacy
 * kernel match then differ).
 */
function ebtAmong(dir: "src" | "dst", list: string, neg: boolean): Condition {
  const unknown: Condition = {
    kind: "unknown",
    text: `--among-${dir} ${neg ? "! " : ""}${list}`,
    neg: false,
  };
  const elements = list.split(",").map((item) => {
    const [mac, ip, extra] = item.trim().split("=");
    const m = mac === undefined ? undefined : ebtMac(mac);
    if (!m || m.mask || extra !== undefined || (ip !== undefined && parseIpv4(ip) === undefined))
      return undefined;
    return { mac: m.mac, ip };
  });
  if (elements.some((x) => x === undefined)) return unknown;
  const pairs = elements as { mac: string; ip?: string }[];
  const withIp = pairs.filter((x) => x.ip !== undefined).length;
  const macKey = dir === "src" ? "ether saddr" : "ether daddr";
  if (withIp === 0)
    return {
      kind: "nft-set",
      key: macKey,
      elements: pairs.map((x) => ({ kind: "value", value: x.mac })),
      neg,
    };
  // nft fails a rule whose IPv4 key an IPv6 frame lacks even under `!=`; ebt_among's `!` then holds.
  if (withIp !== pairs.length || neg) return unknown;
  return {
    kind: "nft-set",
    key: macKey,
    concat: [macKey, dir === "src" ? "ip saddr" : "ip daddr"],
    elements: pairs.map((x) => ({
      kind: "concat",
      parts: [
        { kind: "value", value: x.mac },
        { kind: "value", value: x.ip as string },
      ],
    })),
    neg,
  };
}

/** ebtables' MAC names (ebtables(8)): an address under a mask. */
const EBT_MACS: Record<string, { mac: string; mask: string }> = {
  unicast: { mac: "00:00:00:00:00:00", mask: "01:00:00:00:00:00" },
  multicast: { mac: "01:00:00:00:00:00", mask: "01:00:00:00:00:00" },
  broadcast: { mac: "ff:ff:ff:ff:ff:ff", mask: "ff:ff:ff:ff:ff:ff" },
  bga: { mac: "01:80:c2:00:00:00", mask: "ff:ff:ff:ff:ff:ff" },
};

/** An ebtables `-s`/`-d` value: `MAC[/MASK]` (ebtables-save drops leading zeros) or a name; undefined otherwise. */
function ebtMac(text: string): { mac: string; mask?: string } | undefined {
  const named = EBT_MACS[text.toLowerCase()];
  if (named) return named;
  const [mac, mask, extra] = text.split("/");
  const ok = (m: string | undefined) => m !== undefined && /^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(m);
  if (!ok(mac) || (mask !== undefined && !ok(mask)) || extra !== undefined) return undefined;
  const full = mask === undefined ? undefined : paddedMac(mask);
  return { mac: paddedMac(mac as string), ...(full && full !== "ff:ff:ff:ff:ff:ff" ? { mask: full } : {}) };
}
