import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import {
  buildLogRules,
  DEFAULT_IP_MATCHES,
  ebtablesArgv,
  iptablesSpec,
  ruleComment,
} from "../capture/log-rules.ts";
import { isLoggingRule } from "../core/import/ruleset-material.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import { parseTraceText } from "../core/parse/index.ts";
import { prefixToHook } from "../core/parse/prefix-to-hook.ts";
import { type Annotation, annotateTrace } from "../core/simulate/annotate-trace.ts";
import { IP_HOOK_TABLES, natCorePriority } from "../core/simulate/hook-order.ts";
import { insertRules, type OverlayRule } from "../core/simulate/log-overlay.ts";
import { nftLogTablesText } from "../core/simulate/nft-log-tables.ts";
import { parseNftRuleset } from "../core/simulate/parse-nft-ruleset.ts";
import { parseRulesetFile } from "../core/simulate/parse-ruleset-file.ts";
import type { Ruleset, TableDef } from "../core/simulate/ruleset.ts";
import type { World } from "../core/simulate/simulate-packet.ts";
import { buildTopology } from "../core/simulate/topology.ts";
import { readRegularFileInside } from "../core/trace-file/read-regular-file.ts";
import { readTraceFolder, type TraceFolder } from "../core/trace-file/read-trace-folder.ts";
import { readerRulesets } from "../core/trace-file/ruleset-pins.ts";
import type { TraceMeta } from "../core/trace-file/schema.ts";

/** A loaded lab, ready to build worlds from. */
export interface LoadedLab {
  folder: string;
  data: TraceFolder;
}

/** Error with a message fit for the terminal (no stack). */
export class LabError extends Error {}

/** Reads and validates `folder`; throws {@link LabError} listing every problem when the lab is unusable. */
export function loadLab(folder: string): LoadedLab {
  const data = readTraceFolder(folder);
  if (!data.lab) throw new LabError(data.errors.join("\n") || `${folder}: not a lab folder`);
  return { folder, data };
}

/** Options of {@link buildWorld}. */
export interface WorldOptions {
  /** Ruleset name (default: the lab's first). */
  ruleset?: string;
  /** Ruleset text to use instead of the lab's (e.g. a what-if variant), with its file name. */
  rulesetText?: { text: string; file: string };
  /** Sysctls over the lab's. */
  sysctls?: Record<string, string>;
  /** Rules to insert, e.g. {@link logOverlay}. */
  overlay?: OverlayRule[];
  /**
   * `packetwalk simulate`'s logging, run tag, protocol and IP family (`v6`, default false: IPv4), see
   * {@link addSimulationLogging}, so a written trace has the recorded traces' form. Default: none.
   */
  simulationLog?: { tag: string; proto: string; v6?: boolean };
}

/** Builds the simulator's world; ruleset problems are returned, errors among them make it unusable. */
export function buildWorld(
  lab: LoadedLab,
  options: WorldOptions = {},
): { world: World; diagnostics: Diagnostic[] } {
  const l = lab.data.lab;
  if (!l) throw new LabError(`${lab.folder}: no lab`);
  let text: string;
  let file: string;
  if (options.rulesetText) {
    ({ text, file } = options.rulesetText);
  } else {
    const name = options.ruleset ?? readerRulesets(l.rulesets)[0];
    if (!name) throw new LabError(`${lab.folder}/lab.json: rulesets: the lab names no ruleset`);
    const found = lab.data.rulesets[name];
    if (found === undefined)
      throw new LabError(
        `${lab.folder}: no ruleset '${name}' (the lab has: ${Object.keys(lab.data.rulesets).join(", ") || "none"})`,
      );
    text = found;
    file = `${lab.folder}/rulesets/${name}.rules`;
  }
  const ruleset = parseRulesetFile(text, file);
  const diagnostics = [...ruleset.diagnostics];
  if (options.overlay) diagnostics.push(...insertRules(ruleset, options.overlay));
  if (options.simulationLog)
    diagnostics.push(
      ...addSimulationLogging(
        ruleset,
        options.simulationLog.tag,
        options.simulationLog.proto,
        options.simulationLog.v6,
      ),
    );
  return {
    world: {
      topology: buildTopology(l),
      ruleset,
      ebtables: l.ebtables,
      sysctls: { ...l.sysctls, ...options.sysctls },
    },
    diagnostics,
  };
}

/**
 * The world options of a recorded trace: the ruleset exactly as it was installed while it was
 * recorded (its `instrumentation`, or its `ruleset` when that already is), its sysctls, and nothing
 * added: the logging rules a trace shows are the ones its kernel had.
 */
export function recordedWorldOptions(meta: TraceMeta): WorldOptions {
  return { ruleset: meta.instrumentation ?? meta.ruleset, sysctls: meta.sysctls };
}

/** The capture lab's LOG rules for run tag `tag` (e.g. `pwjy`): top of every chain, its matches. */
export function logOverlay(tag: string): OverlayRule[] {
  return toOverlay(buildLogRules({ tag }), tag);
}

// The capture's LogRule list as simulator overlay rules (the argument lists iptables/ebtables would get).
function toOverlay(rules: ReturnType<typeof buildLogRules>, tag: string): OverlayRule[] {
  const runId = tag.replace(/^pw/, "");
  return rules.map((rule): OverlayRule => {
    if (rule.family === "ip") {
      return {
        family: "ip",
        table: rule.table,
        chain: rule.chain,
        position: rule.position,
        args: iptablesSpec(rule, ruleComment(runId)),
      };
    }
    const argv = ebtablesArgv(rule, "insert");
    return {
      family: "bridge",
      table: rule.table,
      chain: rule.chain,
      position: rule.position,
      args: argv.slice(argv.indexOf(rule.chain) + 2),
    };
  });
}

/** The capture lab's TRACE rules (raw PREROUTING and OUTPUT) with comment `comment` (e.g. `pw-yt`). */
export function traceOverlay(comment: string): OverlayRule[] {
  const out: OverlayRule[] = [];
  for (const chain of ["PREROUTING", "OUTPUT"]) {
    DEFAULT_IP_MATCHES.forEach((match, i) => {
      out.push({
        family: "ip",
        table: "raw",
        chain,
        position: i + 1,
        args: [...match, "-m", "comment", "--comment", comment, "-j", "TRACE"],
      });
    });
  }
  return out;
}

/**
 * The recorded LOG trace `stem` of lab `folder`, parsed, with the matched rule and verdict of every
 * chain marked (`TraceEvent.matched`) where the simulator agrees with the kernel: for the plugin's
 * annotated rule listings. Throws {@link LabError} for a missing lab or trace, or a TRACE-mode trace.
 */
export function annotateRecorded(folder: string, stem: string): Annotation {
  const lab = loadLab(folder);
  const t = lab.data.traces.find((x) => x.stem === stem);
  if (!t) throw new LabError(`${folder}: no trace '${stem}'`);
  if (t.meta.mode !== "log") throw new LabError(`${t.logPath}: a TRACE trace already names its rules`);
  const options: WorldOptions = recordedWorldOptions(t.meta);
  if (t.meta.origin === "simulated") {
    const tag = t.meta.tag ?? "pwsm";
    options.ruleset = t.meta.ruleset;
    // A simulated trace names its what-if ruleset file and its LOG rules' protocol in its command.
    const cmd = t.meta.traffic.command;
    const file = cmd[cmd.indexOf("--ruleset-file") + 1];
    if (cmd.includes("--ruleset-file") && file)
      options.rulesetText = { text: whatIfRuleset(lab, t.logPath, file), file };
    const text = options.rulesetText?.text ?? lab.data.rulesets[t.meta.ruleset ?? ""];
    if (text === undefined || !logsHooks(text)) options.simulationLog = { tag, proto: t.meta.traffic.proto };
  }
  const { world } = buildWorld(lab, options);
  const annotation = annotateTrace(
    world,
    parseTraceText(t.text, { file: t.logPath, prefixMap: t.prefixMap, chainHooks: t.chainHooks }),
    {
      from: t.meta.traffic.from,
      proto: t.meta.traffic.proto,
    },
  );
  const clean = lab.data.rulesets[t.meta.ruleset];
  if (t.meta.origin === "recorded" && t.meta.instrumentation && clean !== undefined)
    toReaderLines(annotation, clean, `${folder}/rulesets/${t.meta.ruleset}.rules`);
  return annotation;
}

/**
 * The text of the what-if ruleset a simulated trace's command names (`--ruleset-file`): the lab's own copy
 * (`simulate --write` puts it in `rulesets/`, listed in lab.json or not), else the file at that path under the lab's repository root
 * (the lab folder's grandparent, when the lab is in a `traces/` folder), read only as a regular file inside it: a lab read from another checkout
 * (`packetwalk diff`) uses its own file, and a trace's metadata can make nothing outside be read.
 */
function whatIfRuleset(lab: LoadedLab, logPath: string, file: string): string {
  const own = lab.data.rulesets[basename(file).replace(/\.rules$/, "")];
  if (own !== undefined) return own;
  // A copy in the lab's rulesets/ that lab.json does not list (traces written before --write listed it):
  // the lab's own file, also when the lab was copied out of its repository (another machine's checkout).
  if (file.endsWith(".rules")) {
    const local = readRegularFileInside(lab.folder, resolve(lab.folder, "rulesets", basename(file)));
    if (local.ok) return local.text;
  }
  // Only a lab in a `traces/` folder has a repository around it; elsewhere (a lab copied to
  // /tmp or a home folder) the grandparent is any folder, and nothing there is the lab's to read.
  if (basename(dirname(resolve(lab.folder))) !== "traces")
    throw new LabError(
      `${logPath}: its command names ${file}, which is not in the lab's rulesets/, and the lab is not in a traces/ folder of a repository, where it could be`,
    );
  const root = resolve(lab.folder, "..", "..");
  const path = resolve(root, file);
  const inside = relative(root, path);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside))
    throw new LabError(`${logPath}: its command names ${file}, which is outside the repository`);
  const read = readRegularFileInside(root, path);
  if (!read.ok) throw new LabError(`${logPath}: its command names ${file}: ${read.error}`);
  return read.text;
}

/**
 * Points the matched rules of an annotation simulated with a trace's instrumentation at the lines
 * of the ruleset a reader sees (`ruleset`); the logging rules, which it does not list, get line 0
 * (as rules inserted over a ruleset always had).
 */
function toReaderLines(annotation: Annotation, clean: string, file: string): void {
  // Keyed by family and table too: iptables and ip6tables (and nft's ip and ip6 tables) hold chains
  // of one name with the same rule text, at different lines.
  const lines = new Map<string, number>();
  const parsed = parseRulesetFile(clean, file);
  const tables: [string, TableDef][] = [
    ...[...parsed.ip.tables.values()].map((t): [string, TableDef] => ["ip", t]),
    ...[...(parsed.ip6?.tables.values() ?? [])].map((t): [string, TableDef] => ["ip6", t]),
    ...[...parsed.bridge.tables.values()].map((t): [string, TableDef] => ["bridge", t]),
    ...(parsed.nft ?? []).map((t): [string, TableDef] => [t.family ?? "ip", t]),
  ];
  for (const [family, table] of tables)
    for (const chain of table.chains.values())
      for (const rule of chain.rules)
        lines.set(`${family}|${table.name}|${chain.name}\n${rule.text}`, rule.line);
  for (const p of annotation.trace.packets)
    for (const e of p.events) {
      const [family, table] = e.hook.split(":") as [string, string];
      for (const m of e.matched ?? [])
        if (m.ruleLine > 0)
          m.ruleLine =
            lines.get(`${family}|${table}|${m.chain}\n${m.text}`) ??
            // An inet table's events are ip: or ip6: by the packet.
            lines.get(`inet|${table}|${m.chain}\n${m.text}`) ??
            0;
    }
}

/**
 * Adds `packetwalk simulate`'s logging to a parsed ruleset, the way each part of it is logged when
 * recorded: an iptables/ebtables ruleset gets the capture lab's LOG rules at the top of every built-in
 * chain ({@link simulationLogOverlay}); nftables tables get a log base chain before each base chain
 * ({@link nftLogTablesText}); and legacy tables beside nft ones (`nft list ruleset` followed by
 * `iptables-legacy-save`) get the LOG rules in the built-in chains they have, prefix
 * `<tag>/iptable/<table>-<CHAIN>`, with no nft chain of packetwalk's own at a hook they log. Returns
 * the problems found (none for a ruleset that parsed).
 */
export function addSimulationLogging(ruleset: Ruleset, tag: string, proto: string, v6 = false): Diagnostic[] {
  const overlay = simulationLogOverlay(tag, proto, v6);
  const nft = ruleset.nft ?? [];
  if (nft.length === 0) return insertRules(ruleset, overlay);
  // Beside nft tables, only the legacy tables that exist run: no table or chain is created.
  const familyOf = (f: OverlayRule["family"]) =>
    f === "ip" ? ruleset.ip : f === "ip6" ? ruleset.ip6 : ruleset.bridge;
  const legacy = overlay.filter((r) => familyOf(r.family)?.tables.get(r.table)?.chains.get(r.chain)?.policy);
  const logged = (family: "ip" | "ip6" | "bridge", hook: string) =>
    legacy.some((r) => r.family === family && r.chain === hook.toUpperCase());
  // A legacy IP table runs at its fixed priority (nat at the NAT core's): no log chain ties with it.
  const occupied = (family: "ip" | "ip6" | "bridge", hook: string) => {
    const chain = hook.toUpperCase();
    const tables = family === "bridge" ? undefined : familyOf(family)?.tables;
    return (IP_HOOK_TABLES[chain] ?? [])
      .filter((t) => tables?.get(t.table)?.chains.get(chain)?.policy)
      .map((t) => (t.table === "nat" ? natCorePriority(chain) : t.priority));
  };
  const tables = parseNftRuleset(nftLogTablesText(nft, tag, logged, v6 ? "ip6" : "ip", occupied), {
    file: "packetwalk-log-tables",
  });
  ruleset.nft = [...nft, ...tables.tables];
  return [...tables.diagnostics, ...insertRules(ruleset, legacy)];
}

/**
 * Whether a ruleset already logs where packets are (a trace's instrumentation): a logging rule whose
 * prefix names a hook. A host firewall's own LOG rules (`[UFW BLOCK] `) do not, so it gets packetwalk's.
 */
export function logsHooks(text: string): boolean {
  return text.split("\n").some((line) => {
    if (!isLoggingRule(line)) return false;
    const prefix = /(?:--log-prefix|log prefix) ("(?:[^"\\]|\\.)*"|\S+)/.exec(line)?.[1];
    // TRACE rules and nftrace marks log every hook by themselves.
    if (prefix === undefined) return /-j TRACE\b|nftrace set 1/.test(line);
    return prefixToHook(prefix.replace(/^"|"$/g, "").trim()) !== undefined;
  });
}

/** The LOG rules `packetwalk simulate` inserts: the capture lab's layout, matching the simulated protocol. */
export function simulationLogOverlay(tag: string, proto: string, v6 = false): OverlayRule[] {
  const rules = buildLogRules({
    tag,
    ipMatches: [["-p", proto]],
    bridgeMatches: [["-p", "IPv4", "--ip-proto", proto]],
  });
  if (!v6) return toOverlay(rules, tag);
  // IPv6: the same chains of ip6tables (prefix `<tag>/ip6t/...`, within LOG's 29 characters), and
  // every IPv6 frame on the bridge with its IPv6 header logged.
  const v6Word = (args: string[], i: number, a: string): string =>
    args[i - 1] === "-p" ? ({ icmp: "ipv6-icmp", IPv4: "IPv6" }[a] ?? a) : a === "--log-ip" ? "--log-ip6" : a;
  return toOverlay(rules, tag).map((r) => {
    const args = r.args.map((a, i) => v6Word(r.args, i, a).replace(`${tag}/iptable/`, `${tag}/ip6t/`));
    if (r.family === "ip") return { ...r, family: "ip6" as const, args };
    // ebtables has no match on an IPv6 packet's protocol that the simulator models.
    return { ...r, args: args.filter((a, i) => a !== "--ip-proto" && args[i - 1] !== "--ip-proto") };
  });
}
