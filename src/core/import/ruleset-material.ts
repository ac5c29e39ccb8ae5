/**
 * The ruleset files `packetwalk import` writes from a contributor's saves: the instrumentation
 * (`iptables-save`, then the bridge rules, exactly as installed, logging rules included), the
 * ruleset a reader sees (the same without logging rules), and the LOG prefixes those rules print,
 * mapped to their hooks so that any prefix convention parses. Pure.
 */
import type { HookId } from "../model/hook.ts";
import { type PrefixMap, prefixToHook } from "../parse/prefix-to-hook.ts";

/** `iptables-save` without its dated comments and with zeroed counters (two saves of one ruleset are equal). */
export function stableIptablesSave(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => !/^# (Generated|Completed|Warning)/.test(l))
    .map((l) => l.replace(/^(:\S+ \S+) \[\d+:\d+\]$/, "$1 [0:0]").replace(/^\[\d+:\d+\] /, ""))
    .join("\n")
    .trim();
}

/** `ebtables-save` without dated comments and counters. */
export function stableEbtablesSave(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => !/^# (Generated|Completed|Warning)/.test(l))
    .map((l) => l.replace(/ -c \d+ \d+$/, ""))
    .join("\n")
    .trim();
}

/** The `table bridge ...` blocks of `nft list ruleset` (the bridge rules, when no `ebtables-save` is given). */
export function nftBridgeTables(text: string): string {
  const out: string[] = [];
  let depth = 0;
  let keep = false;
  for (const line of text.split(/\r?\n/)) {
    if (depth === 0) keep = /^\s*table\s+bridge\s/.test(line);
    if (keep) out.push(line);
    depth += (line.match(/{/g) ?? []).length - (line.match(/}/g) ?? []).length;
  }
  return out.join("\n").trim();
}

/** Whether one saved rule line is a logging rule (LOG, NFLOG, TRACE, an ebtables `--log`, nft `log` / `nftrace`). */
export function isLoggingRule(line: string): boolean {
  return (
    /^-A \S+ .*-j (LOG|NFLOG|TRACE)\b/.test(line) ||
    // ebtables-save (`-A CHAIN ...`) or an `ebtables -L` listing (the rule's options alone).
    (/^(-A \S+ )?-.*--log(-prefix|-level|-ip|-arp)?\b/.test(line) && /-j CONTINUE\s*$/.test(line)) ||
    /^\s+.*\b(log( prefix| level|\s*$)|meta nftrace set 1)\b/.test(line)
  );
}

/** An nft `log` statement with its options (`log prefix "x: " level warn flags all`). */
const NFT_LOG =
  /\s*\blog(?:\s+(?:prefix\s+"(?:[^"\\]|\\.)*"|level\s+\S+|flags\s+\S+|group\s+\d+|snaplen\s+\d+|queue-threshold\s+\d+))*(?=\s|$)/;
/** What an nft rule does besides logging: a verdict, NAT, or a statement that sets something. */
const NFT_ACTS =
  /\b(?:accept|drop|reject|jump|goto|return|queue|masquerade|snat|dnat|redirect|notrack|tproxy|synproxy|dup|fwd|set|limit|quota|meter|flow\s+add)\b/;

/**
 * A saved rule line without its logging, for the ruleset a reader sees: undefined for a logging
 * rule (see {@link isLoggingRule}), the line without its `log ...` statement for an nft rule that
 * logs and also decides (`tcp dport 23 log prefix "telnet: " drop`), else the line as it is.
 */
export function withoutLogging(line: string): string | undefined {
  if (!isLoggingRule(line)) return line;
  if (!/^\s/.test(line) || !NFT_LOG.test(line)) return undefined;
  const indent = /^\s*/.exec(line)?.[0] ?? "";
  const rest = indent + line.slice(indent.length).replace(NFT_LOG, "").trimStart();
  // `counter` alone counts what the log printed: nothing a reader's ruleset needs.
  return NFT_ACTS.test(rest.replace(/"(?:[^"\\]|\\.)*"/g, '""')) ? rest : undefined;
}

/** The base chains `nft list ruleset` shows, as `family:table:CHAIN` (`ip` and `bridge` families). */
export function nftBaseChains(nft: string): Set<string> {
  const out = new Set<string>();
  let table = "";
  let chain = "";
  for (const line of nft.split(/\r?\n/)) {
    const t = /^\s*table\s+(ip|bridge)\s+(\S+)\s*{/.exec(line);
    if (t) table = `${t[1]}:${t[2]}`;
    else if (/^\s*table\s/.test(line)) table = "";
    const c = /^\s*chain\s+(\S+)\s*{/.exec(line);
    if (c) chain = c[1] as string;
    if (table && chain && /^\s*type\s+\S+\s+hook\s/.test(line)) out.add(`${table}:${chain}`);
  }
  return out;
}

/**
 * Leaves out the built-in chains `iptables-save` / `ebtables-save` print but the kernel does not
 * have: with the nf_tables backend a base chain exists only once something created it, and only
 * existing chains are traced (TRACE) or crossed. `nft` is `nft list ruleset` of the same moment.
 */
export function keepExistingBaseChains(text: string, nft: string): string {
  const base = nftBaseChains(nft);
  const families = new Set([...base].map((k) => k.split(":")[0]));
  // Where each line is; a chain with rules exists whatever the listing says.
  const where: string[] = [];
  let family = "ip";
  let table = "";
  for (const line of text.split("\n")) {
    if (/^#\s*ebtables|^#\s*bridge/i.test(line)) family = "bridge";
    if (line.startsWith("*")) table = line.slice(1).trim();
    where.push(`${family}:${table}`);
    const rule = /^-A (\S+) /.exec(line);
    if (rule) base.add(`${family}:${table}:${rule[1]}`);
  }
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    const at = where[i] as string;
    const decl = /^:(\S+) (ACCEPT|DROP|RETURN)/.exec(line);
    const name = decl?.[1] as string;
    if (decl && families.has(at.split(":")[0]) && BUILTIN.has(name) && !base.has(`${at}:${name}`)) return;
    out.push(line);
  });
  return out.join("\n");
}

/** Whether an `iptables-save` holds any rule or table (an nftables-only host's prints nothing, or warnings). */
export function hasIptablesRules(text: string | undefined): boolean {
  return /^(\*\S|-A )/m.test(text ?? "");
}

/** Whether `nft list ruleset` holds a table that sees IP packets (`ip`, `ip6` or `inet`). */
export function hasNftIpTables(nft: string | undefined): boolean {
  return /^\s*table\s+(ip|ip6|inet)\s+\S+\s*{/m.test(nft ?? "");
}

/** Whether `table FAMILY NAME` is one iptables-nft makes (`ip`/`ip6` filter, nat, raw, mangle, security). */
function isIptablesNftTable(family: string, name: string): boolean {
  return (family === "ip" || family === "ip6") && /^(filter|nat|raw|mangle|security)$/.test(name);
}

/** The IP-family tables of `nft list ruleset` that are not iptables-nft's own (`table ip docker-bridges`, `table inet firewalld`, `table inet filter`). */
export function nftNativeTables(nft: string | undefined): string[] {
  return nftNativeBlocks(nft).map((b) => b.name);
}

/** One IP-family table of `nft list ruleset` that iptables-nft did not make, as listed. */
export interface NftNativeBlock {
  /** `table inet filter`. */
  name: string;
  /** Its lines, from `table ... {` to the closing brace. */
  text: string;
  /** Listed before every iptables-nft table: created before them (nft lists tables in creation order). */
  beforeIptables: boolean;
}

/** The {@link NftNativeBlock}s of `nft list ruleset`, in listing order. */
export function nftNativeBlocks(nft: string | undefined): NftNativeBlock[] {
  const out: NftNativeBlock[] = [];
  let depth = 0;
  let block: { name: string; lines: string[]; before: boolean } | undefined;
  let iptablesSeen = false;
  for (const line of (nft ?? "").split(/\r?\n/)) {
    if (depth === 0) {
      const t = /^\s*table\s+(\S+)\s+(\S+)\s*{/.exec(line);
      if (t && isIptablesNftTable(t[1] as string, t[2] as string)) iptablesSeen = true;
      else if (t && /^(ip|ip6|inet)$/.test(t[1] as string))
        block = { name: `table ${t[1]} ${t[2]}`, lines: [], before: !iptablesSeen };
    }
    if (block) block.lines.push(line);
    depth += (line.match(/{/g) ?? []).length - (line.match(/}/g) ?? []).length;
    if (depth === 0 && block) {
      out.push({ name: block.name, text: block.lines.join("\n"), beforeIptables: block.before });
      block = undefined;
    }
  }
  // A table listed before iptables-nft's counts as created first only when iptables-nft's are listed at all.
  return iptablesSeen ? out : out.map((b) => ({ ...b, beforeIptables: false }));
}

/** `nft list ruleset` without counter values and iptables-nft's warning comments (two saves of one ruleset are equal). */
export function stableNftRuleset(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => !/^# Warning:/.test(l))
    .map((l) => l.replace(/\bcounter packets \d+ bytes \d+/g, "counter").replace(/\s+$/, ""))
    .join("\n")
    .trim();
}

/**
 * Leaves out of an nft listing the chains left with no rule once the logging rules are gone (a
 * base chain only when its policy is accept, a regular one only when nothing jumps to it), then
 * the tables left empty: the contributor's logging tables are no part of the reader's ruleset.
 */
export function pruneEmptyNft(lines: string[]): string[] {
  const text = lines.join("\n");
  const jumped = new Set([...text.matchAll(/\b(?:jump|goto)\s+([^\s,;}]+)/g)].map((m) => m[1] as string));
  const out: string[] = [];
  let depth = 0;
  let chain: string[] | undefined;
  let name = "";
  let table: string[] | undefined;
  let tableHasContent = false;
  for (const line of lines) {
    const opens = (line.match(/{/g) ?? []).length;
    const closes = (line.match(/}/g) ?? []).length;
    const before = depth;
    depth += opens - closes;
    if (before === 0 && /^\s*table\s/.test(line) && depth > 0) {
      table = [line];
      tableHasContent = false;
      continue;
    }
    if (table && before === 1 && !chain && /^\s*chain\s+\S+\s*{/.test(line) && depth === 2) {
      chain = [line];
      name = (/^\s*chain\s+(\S+)/.exec(line)?.[1] as string) ?? "";
      continue;
    }
    if (chain) {
      chain.push(line);
      if (depth === 1) {
        const body = chain.slice(1, -1).filter((l) => l.trim() !== "");
        const rules = body.filter((l) => !/^\s*(type\s.*hook\s|policy\s|comment\s|devices?\s)/.test(l));
        const accept = body.every((l) => !/policy\s+drop/.test(l));
        if (rules.length || !accept || jumped.has(name)) {
          (table as string[]).push(...chain);
          tableHasContent = true;
        }
        chain = undefined;
      }
      continue;
    }
    if (table) {
      table.push(line);
      if (before >= 1 && depth >= 1 && line.trim() !== "") tableHasContent = true;
      if (depth === 0) {
        if (tableHasContent) out.push(...table);
        table = undefined;
      }
      continue;
    }
    out.push(line);
  }
  // Blank lines left where chains were: at most one in a row, none after an opening or before a closing brace.
  return out.filter(
    (l, i) =>
      l.trim() !== "" ||
      (i > 0 &&
        (out[i - 1] as string).trim() !== "" &&
        !/{\s*$/.test(out[i - 1] as string) &&
        !/^\s*}/.test(out[i + 1] ?? "}")),
  );
}

/** The files of one import's ruleset. */
export interface RulesetTexts {
  /** As installed while recording (logging rules included). */
  instrumented: string;
  /** The same without the logging rules: what a reader sees. */
  clean: string;
  /** How many logging rules the instrumentation has. */
  loggingRules: number;
}

/**
 * Builds both ruleset files from the saves; `bridge` is `ebtables-save` or nft bridge tables ("" when none).
 * An nftables-only host (no iptables rule, nft tables of the IP families) gets `nft list ruleset` itself.
 */
export function rulesetTexts(iptablesSave: string, bridge: string, note: string, nft?: string): RulesetTexts {
  if (!hasIptablesRules(iptablesSave) && nft && hasNftIpTables(nft)) {
    const listed = `# ${note}\n# nft list ruleset\n${stableNftRuleset(nft)}\n`;
    const lines = listed.split("\n");
    return {
      instrumented: listed,
      clean: `${pruneEmptyNft(lines.flatMap((l) => withoutLogging(l) ?? []))
        .join("\n")
        .trimEnd()
        .replace(/^# .*\n/, "# The ruleset without its logging rules (see the instrumentation file).\n")}\n`,
      loggingRules: lines.filter((l) => isLoggingRule(l)).length,
    };
  }
  const ip = stableIptablesSave(iptablesSave);
  const br = stableEbtablesSave(bridge) || "# (no bridge rules)";
  // The host's own nft tables run next to iptables-nft's: kept in their creation order around the iptables-save.
  const native = nftNativeBlocks(nft);
  const nftPart = (before: boolean) => {
    const blocks = native.filter((b) => b.beforeIptables === before).map((b) => stableNftRuleset(b.text));
    // The first wording is what the ruleset reader looks for (CREATED_BEFORE in parse-ruleset-file.ts).
    const when = before ? "created before the iptables tables" : "created after the iptables tables";
    return blocks.length ? `# nft list ruleset: the host's own tables, ${when}\n${blocks.join("\n")}\n` : "";
  };
  const saved = `# ${note}\n${nftPart(true)}# iptables-save\n${ip}\n# ebtables-save (bridge family)\n${br}\n${nftPart(false)}`;
  const instrumented =
    nft && nftBaseChains(nft).size
      ? keepExistingBaseChains(
          saved.replace(
            /^# iptables-save$/m,
            "# iptables-save (built-in chains the kernel did not have, per nft list ruleset, left out)",
          ),
          nft,
        )
      : saved;
  const lines = saved.split("\n");
  const kept = dropEmptyTables(lines.flatMap((l) => withoutLogging(l) ?? []));
  // (pruneEmptyNft drops the final blank line that ends the file with a newline.)
  const clean = (native.length ? [...pruneEmptyNft(kept), ""] : kept).join("\n");
  return {
    instrumented,
    clean: clean.replace(
      /^# .*\n/,
      "# The ruleset without its logging rules (see the instrumentation file).\n",
    ),
    loggingRules: lines.filter((l) => isLoggingRule(l)).length,
  };
}

/**
 * Leaves out the tables left with nothing but built-in chains with an ACCEPT policy (removing a
 * LOG rule leaves its table behind with iptables-nft): the reader's ruleset is the same without them.
 */
function dropEmptyTables(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (!l.startsWith("*")) {
      out.push(l);
      continue;
    }
    let end = i + 1;
    while (end < lines.length && /^(:\S+ ACCEPT( \[0:0\])?|COMMIT)$/.test(lines[end] as string)) {
      const chain = /^:(\S+)/.exec(lines[end] as string)?.[1];
      if (chain && !BUILTIN.has(chain)) break;
      if (lines[end] === "COMMIT") {
        end++;
        break;
      }
      end++;
    }
    const next = lines[end];
    const blockEnded = next === undefined || next.startsWith("*") || next.startsWith("#");
    if (blockEnded && lines.slice(i + 1, end).every((x) => x === "COMMIT" || /^:\S+ ACCEPT/.test(x))) {
      i = end - 1;
      continue;
    }
    out.push(l);
  }
  return out;
}

const BUILTIN = new Set(["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING", "BROUTING"]);

/**
 * The LOG prefixes of the instrumentation's rules, trimmed as the parser compares them, each
 * mapped to its hook: the chain's own hook for a built-in chain, the one built-in chain that
 * reaches a user chain (through jumps) otherwise. A prefix used at two hooks is left out (the
 * parser's own conventions then decide). The kernel keeps 29 characters of a LOG prefix.
 */
export function prefixMapFromRuleset(text: string): PrefixMap {
  const map = new Map<string, HookId | null>();
  let family: "ip" | "ip6" | "bridge" = "ip";
  let table = "";
  const jumps = new Map<string, Set<string>>(); // `${family}:${table}:${chain}` -> chains that jump to it
  const logs: { key: string; prefix: string }[] = [];
  let listChain = ""; // `ebtables -L`: the chain of the rule lines that follow
  for (const line of text.split(/\r?\n/)) {
    if (/^#\s*ebtables|^#\s*bridge|^#\s*Generated by ebtables|^Bridge table:/i.test(line)) family = "bridge";
    if (/^#\s*ip6tables-save/i.test(line)) family = "ip6";
    if (line.startsWith("*")) table = line.slice(1).trim();
    const listed = /^Bridge table:\s*(\S+)/.exec(line);
    if (listed) table = listed[1] as string;
    const chainLine = /^Bridge chain:\s*([^,\s]+),/.exec(line);
    if (chainLine) listChain = chainLine[1] as string;
    const m = /^-A (\S+) (.*)$/.exec(line) ?? (listChain && /^-/.test(line) ? [line, listChain, line] : null);
    if (!m) continue;
    const chain = m[1] as string;
    const rest = m[2] as string;
    const target = /(?:^| )-[jg] (\S+)/.exec(rest)?.[1];
    if (
      target &&
      !/^(LOG|ACCEPT|DROP|RETURN|CONTINUE|TRACE|DNAT|SNAT|MASQUERADE|REJECT|MARK|NFLOG)$/.test(target)
    ) {
      const key = `${family}:${table}:${target}`;
      const set = jumps.get(key) ?? new Set<string>();
      set.add(chain);
      jumps.set(key, set);
    }
    const prefix = /--log-prefix ("(?:[^"\\]|\\.)*"|\S+)/.exec(rest)?.[1];
    if (prefix !== undefined) {
      const value = prefix.startsWith('"') ? (JSON.parse(prefix) as string) : prefix;
      logs.push({ key: `${family}:${table}:${chain}`, prefix: value });
    }
  }
  const hooksOf = (key: string, seen = new Set<string>()): Set<string> => {
    const [fam, tbl, chain] = key.split(":") as [string, string, string];
    if (BUILTIN.has(chain)) return new Set([key]);
    if (seen.has(key)) return new Set();
    seen.add(key);
    const out = new Set<string>();
    for (const from of jumps.get(key) ?? [])
      for (const h of hooksOf(`${fam}:${tbl}:${from}`, seen)) out.add(h);
    return out;
  };
  for (const { key, prefix } of logs) {
    const hooks = hooksOf(key);
    const hook = hooks.size === 1 ? ([...hooks][0] as HookId) : null;
    for (const p of new Set([prefix.trim(), prefix.slice(0, 29).trim()])) {
      if (!p) continue;
      const had = map.get(p);
      map.set(p, had === undefined || had === hook ? hook : null);
    }
  }
  for (const { hook, prefix } of nftLogPrefixes(text)) {
    for (const p of new Set([prefix.trim(), prefix.slice(0, 127).trim()])) {
      // A prefix of a known convention names the hook itself (packetwalk's nft logging chains name
      // the base chain the packet is about to enter, not their own).
      if (!p || prefixToHook(p) !== undefined) continue;
      const had = map.get(p);
      map.set(p, had === undefined || had === hook ? hook : null);
    }
  }
  const out: PrefixMap = {};
  for (const [p, h] of map) if (h) out[p] = h;
  return out;
}

/**
 * The `log prefix` statements of an nft listing, each with the base chain that reaches it (through
 * `jump`/`goto`, verdict maps included) as `family:table:chain`, the hook id the simulator and the
 * parser give an nft base chain (`inet` reads as `ip`); null when several base chains reach it.
 */
export function nftLogPrefixes(text: string): { hook: HookId | null; prefix: string }[] {
  const base = new Set<string>();
  const callers = new Map<string, Set<string>>(); // family:table:chain -> chains of the table that jump to it
  const mapTargets = new Map<string, string[]>(); // family:table:map -> chains its elements jump to
  const mapUses: { key: string; map: string }[] = [];
  const logs: { key: string; prefix: string }[] = [];
  let family = "";
  let table = "";
  let block: { kind: "chain" | "map"; name: string } | undefined;
  let depth = 0;
  for (const line of text.split(/\r?\n/)) {
    const before = depth;
    depth += (line.match(/{/g) ?? []).length - (line.match(/}/g) ?? []).length;
    const t = before === 0 ? /^\s*table\s+(\S+)\s+(\S+)\s*{/.exec(line) : null;
    if (t) {
      family = t[1] === "inet" ? "ip" : (t[1] as string);
      table = `${family}:${t[2]}`;
      continue;
    }
    if (before === 0) table = "";
    if (!table || !/^(ip|ip6|bridge)$/.test(family)) continue;
    const b = before === 1 ? /^\s*(chain|map|set)\s+(\S+)\s*{/.exec(line) : null;
    if (b) block = b[1] === "set" ? undefined : { kind: b[1] as "chain" | "map", name: b[2] as string };
    if (!block) continue;
    const key = `${table}:${block.name}`;
    for (const j of line.matchAll(/\b(?:jump|goto)\s+([^\s,;}]+)/g)) {
      if (block.kind === "map") mapTargets.set(key, [...(mapTargets.get(key) ?? []), j[1] as string]);
      else {
        const to = `${table}:${j[1]}`;
        callers.set(to, new Set([...(callers.get(to) ?? []), key]));
      }
    }
    if (block.kind === "chain") {
      if (/^\s*type\s+\S+\s+hook\s/.test(line)) base.add(key);
      for (const m of line.matchAll(/\bvmap\s+@(\S+)/g)) mapUses.push({ key, map: `${table}:${m[1]}` });
      const prefix = /\blog\b(?:\s+\w+\s+\S+)*?\s+prefix\s+"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
      if (prefix !== undefined) logs.push({ key, prefix: prefix.replace(/\\(.)/g, "$1") });
    }
    if (depth <= 1) block = undefined;
  }
  for (const { key, map } of mapUses)
    for (const target of mapTargets.get(map) ?? []) {
      const to = `${key.split(":").slice(0, 2).join(":")}:${target}`;
      callers.set(to, new Set([...(callers.get(to) ?? []), key]));
    }
  const basesOf = (key: string, seen = new Set<string>()): Set<string> => {
    if (base.has(key)) return new Set([key]);
    if (seen.has(key)) return new Set();
    seen.add(key);
    const out = new Set<string>();
    for (const from of callers.get(key) ?? []) for (const b of basesOf(from, seen)) out.add(b);
    return out;
  };
  return logs.map(({ key, prefix }) => {
    const bases = [...basesOf(key)];
    return { hook: bases.length === 1 ? (bases[0] as HookId) : null, prefix };
  });
}
