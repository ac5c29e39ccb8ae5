/**
 * The ruleset files `packetwalk import` writes from a contributor's saves: the instrumentation
 * (`iptables-save`, then the bridge rules, exactly as installed, logging rules included), the
 * ruleset a reader sees (the same without logging rules), and the LOG prefixes those rules print,
 * mapped to their hooks so that any prefix convention parses. Pure.
 */
import type { HookId } from "../model/hook.ts";
import type { PrefixMap } from "../parse/prefix-to-hook.ts";

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

/** The files of one import's ruleset. */
export interface RulesetTexts {
  /** As installed while recording (logging rules included). */
  instrumented: string;
  /** The same without the logging rules: what a reader sees. */
  clean: string;
  /** How many logging rules the instrumentation has. */
  loggingRules: number;
}

/** Builds both ruleset files from the saves; `bridge` is `ebtables-save` or nft bridge tables ("" when none). */
export function rulesetTexts(iptablesSave: string, bridge: string, note: string, nft?: string): RulesetTexts {
  const ip = stableIptablesSave(iptablesSave);
  const br = stableEbtablesSave(bridge) || "# (no bridge rules)";
  const saved = `# ${note}\n# iptables-save\n${ip}\n# ebtables-save (bridge family)\n${br}\n`;
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
  const clean = dropEmptyTables(lines.filter((l) => !isLoggingRule(l))).join("\n");
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
  let family: "ip" | "bridge" = "ip";
  let table = "";
  const jumps = new Map<string, Set<string>>(); // `${family}:${table}:${chain}` -> chains that jump to it
  const logs: { key: string; prefix: string }[] = [];
  let listChain = ""; // `ebtables -L`: the chain of the rule lines that follow
  for (const line of text.split(/\r?\n/)) {
    if (/^#\s*ebtables|^#\s*bridge|^#\s*Generated by ebtables|^Bridge table:/i.test(line)) family = "bridge";
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
  const out: PrefixMap = {};
  for (const [p, h] of map) if (h) out[p] = h;
  return out;
}
