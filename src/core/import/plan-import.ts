/**
 * `packetwalk import`'s plan, from the contributor's material to the files of a lab folder:
 * the kernel log cut into one scenario per flow, `lab.json`'s hosts inferred, the ruleset as
 * installed (the instrumentation) and as a reader sees it, sysctls and environment. Pure: the
 * command reads the files, writes the plan and runs the checks. What cannot be inferred comes
 * back as questions, each naming the flag or file that answers it; nothing is guessed.
 */

import type { Diagnostic, Packet } from "../model/packet.ts";
import { parseTraceText } from "../parse/index.ts";
import { chainHooksFromRuleset } from "../simulate/chain-hooks-from-ruleset.ts";
import { canonicalAddress } from "../simulate/ip-address.ts";
import { legacyTablesMissing } from "../simulate/legacy-tables-note.ts";
import { formatIssuePath } from "../trace-file/load-trace.ts";
import { rulesetDigest } from "../trace-file/ruleset-pins.ts";
import type { Lab, LabHost, TraceMeta } from "../trace-file/schema.ts";
import { labSchema, RP_FILTER_KEY } from "../trace-file/schema.ts";
import { type AnonymizationMap, Anonymizer, envelopeHostnames, macsIn } from "./anonymize.ts";
import { ForeignLines } from "./foreign-lines.ts";
import { attachHeaderlessAnswers } from "./headerless-answers.ts";
import {
  type HostMaterial,
  hostAddresses,
  hostDevices,
  hostKind,
  inferLab,
  type NamedAddress,
} from "./infer-lab.ts";
import { builtRulesetErrors, inputRulesetErrors } from "./input-rulesets.ts";
import { PUBLISHED_JOURNAL_FIELDS, publishedJournalLine } from "./journal-fields.ts";
import { anonymityQuestions } from "./lab-anonymity.ts";
import { logDate } from "./log-date.ts";
import { exitCodeDiagnostics, HOST_JSON, type HostJsonKey, readHostJson } from "./material-checks.ts";
import { nftMaterial } from "./nft-material.ts";
import { policyRoutingNote } from "./policy-rules.ts";
import { prefixHint, prefixWhere, rulesetReading, type UnreadPart } from "./prefix-sources.ts";
import {
  hasIptablesRules,
  hasNftIpTables,
  nftBridgeTables,
  nftNativeTables,
  prefixMapFromRuleset,
  printedLogPrefixes,
  rulesetTexts,
} from "./ruleset-material.ts";
import { splitScenarios } from "./split-scenarios.ts";
import { commandsOf, matchCommands, noCommandWhy } from "./traffic-commands.ts";
import { type LeftOutFlow, leftOutNotes, unmodelledFlow } from "./unmodelled-flows.ts";

/** Everything the contributor has, as texts (any but the log may be missing). */
export interface ImportMaterial {
  /** The kernel log (any envelope `parse` reads) or `xtables-monitor --trace` output. */
  log: string;
  /** Its name, for positions in messages. */
  logFile: string;
  iptablesSave?: string;
  /** `ip6tables-save`: the IPv6 rules (and their LOG prefixes). */
  ip6tablesSave?: string;
  /** `ebtables-save` (or `ebtables -L`) output. */
  ebtablesSave?: string;
  /** `ipset save`: the sets `-m set` rules look packets up in (kept in the lab's ruleset file). */
  ipsetSave?: string;
  /** `nft list ruleset`: its bridge tables when no `ebtables-save` is given; the whole ruleset on an nftables-only host. */
  nftRuleset?: string;
  /** `ip -j addr`, `ip -j link`, `ip -j route`, `bridge -j link` (JSON texts). */
  ipAddr?: string;
  ipLink?: string;
  ipRoute?: string;
  /** `ip -6 -j route`: the IPv6 routes (`ip -j route` lists IPv4 ones only). */
  ip6Route?: string;
  /** `ip -j rule` and `ip -6 -j rule` (JSON): routing rules of the host's own are named in the lab's notes. */
  ipRule?: string;
  ip6Rule?: string;
  bridgeLink?: string;
  /** `bridge -j fdb show` (JSON): the port each container's MAC was learnt on. */
  bridgeFdb?: string;
  /** `sysctl -a` (or some `key = value` lines). */
  sysctl?: string;
  /** `uname -r`. */
  uname?: string;
  /** `iptables --version`. */
  iptablesVersion?: string;
  /** `ebtables --version`. */
  ebtablesVersion?: string;
  /** The command that made the traffic, one argument per line or shell words on one line. */
  command?: string;
  /** The traffic command's exit code. */
  exitCode?: string;
  /**
   * The file each ruleset save was read from, for messages. Default: the conventional names
   * (`nft-ruleset.txt`, `iptables-save.txt`, `ip6tables-save.txt`, `ebtables-save.txt`).
   */
  rulesetFiles?: Partial<Record<"nftRuleset" | "iptablesSave" | "ip6tablesSave" | "ebtablesSave", string>>;
  /** The file every other text was read from, for positions in messages. Default: the conventional names. */
  files?: Partial<Record<MaterialText, string>>;
}

/** The fields of {@link ImportMaterial} that hold a text the contributor saved. */
export type MaterialText = Exclude<keyof ImportMaterial, "logFile" | "rulesetFiles" | "files">;

/** Options of {@link planImport}. */
export interface ImportOptions {
  /** The lab's folder name. */
  lab: string;
  /** The lab as it is on disk already, when adding to it. */
  existing?: {
    lab: Lab;
    rulesets: Record<string, string>;
    stems: string[];
    /** Its traces' logs (an interface whose MAC this capture changes must be in none of those kept). */
    traces?: { stem: string; text: string; origin?: TraceMeta["origin"] }[];
  };
  containers: NamedAddress[];
  peers: NamedAddress[];
  /** The Docker host's name. Default `host`. */
  hostName?: string;
  /** The ruleset's name. Default: the lab's name. */
  ruleset?: string;
  /** Sysctls given with `--sysctl KEY=VALUE` (over the file's). */
  sysctls?: Record<string, string>;
  /** Appended to every scenario stem (e.g. `-nobrnf`). Default: none (`-trace` in TRACE mode). */
  suffix?: string;
  /** Replace public addresses, MACs and host names (see `anonymize.ts`). Default false. */
  anonymize?: boolean;
  /**
   * With {@link anonymize}: the map of the lab's earlier imports (`--anonymize-map FILE` when FILE
   * exists), whose stand-ins this import keeps. An anonymised lab on disk takes more only with it.
   */
  anonymizeMap?: AnonymizationMap;
  /**
   * This capture describes the lab now: a scenario named as a trace the lab has already replaces
   * that trace (its `.log` and `.json` are written again; no other file of the lab is removed), and
   * an interface's MAC it shows replaces lab.json's (when no trace kept shows the old one). Default
   * false: such a name, and such a MAC, is a question.
   */
  replace?: boolean;
  /** Extra host names to anonymise (the envelope's are found). */
  hostnames?: string[];
  /** The date of the recording, `YYYY-MM-DD`. Default: the log's, when its timestamps carry one (see {@link logDate}), else today. */
  date?: string;
  /** The lab's description when it is new. */
  description?: string;
}

/** One file of the plan. */
export interface PlannedFile {
  /** Path inside the lab folder. */
  path: string;
  text: string;
}

/** The plan. */
export interface ImportPlan {
  /** Questions: the import cannot go on until each is answered. */
  questions: string[];
  /** Facts for the reviewer (inferences made, flows left out). */
  notes: string[];
  lab?: Lab;
  files: PlannedFile[];
  /** The scenarios, with their parsed packets (for the summary). */
  scenarios: { stem: string; meta: TraceMeta; packets: Packet[] }[];
  /** Original → stand-in, when anonymised. */
  map?: ReturnType<Anonymizer["map"]>;
  /** The parser's problems with the log (positioned). */
  diagnostics: ReturnType<typeof parseTraceText>["diagnostics"];
  /** Names given on the command line that no packet of the log has, each a sentence (a warning). */
  unusedNames: string[];
  /** The scenarios ({@link ImportOptions.replace}) whose files replace a trace of the lab's of that name. */
  replaced: string[];
}

/** The sysctls that change a packet's path (kept in `lab.json` and every trace). */
export const PATH_SYSCTLS = [
  "net.ipv4.ip_forward",
  "net.bridge.bridge-nf-call-iptables",
  "net.ipv4.conf.all.route_localnet",
  "net.ipv6.conf.all.forwarding",
  "net.bridge.bridge-nf-call-ip6tables",
] as const;

/** `ICMP`, `ICMPv6` (an `icmp` scenario between IPv6 addresses), `TCP`, `UDP`. */
function protoLabel(s: { proto: string; src: string }): string {
  return s.proto === "icmp" && s.src.includes(":") ? "ICMPv6" : s.proto.toUpperCase();
}

/** The {@link PATH_SYSCTLS} that matter to IPv6 packets only. */
const IPV6_SYSCTLS: ReadonlySet<string> = new Set([
  "net.ipv6.conf.all.forwarding",
  "net.bridge.bridge-nf-call-ip6tables",
]);

/**
 * `sysctl -a`'s `key = value` lines. sysctl prints a device name's dots as slashes
 * (`net.ipv4.conf.eth0/100.rp_filter`, checked with sysctl on kernel 6.18), the form the simulator
 * reads, so a dotted key is kept as it is; a key in the /proc path form (`net/ipv4/conf/eth0.100/rp_filter`,
 * which sysctl also takes) is turned into it, its slashes and dots swapped.
 */
function parseSysctls(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? "").split(/\r?\n/)) {
    // The value trimmed by `trim`, not by a lazy `(.*?)\s*$`, which backtracks over long runs of blanks.
    const m = /^\s*([a-z0-9_.\-/]+)\s*=(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] as string;
    const pathForm = /^[^.]*\//.test(key);
    out[pathForm ? key.replace(/[./]/g, (c) => (c === "/" ? "." : "/")) : key] = (m[2] as string).trim();
  }
  return out;
}

/**
 * The per-device sysctls the simulator reads, each with the value that is the simulator's default
 * (and the kernel's): a device's value other than that is kept in `lab.json`, as `all`'s are.
 * route_localnet and accept_local act when the device's or `all`'s is 1 (IN_DEV_ORCONF), forwarding
 * by the input device's own alone (IN_DEV_FORWARD). rp_filter is kept for every device, see below.
 */
const DEVICE_SYSCTLS: readonly { name: string; default: string }[] = [
  { name: "route_localnet", default: "0" },
  { name: "accept_local", default: "0" },
  { name: "forwarding", default: "1" },
];

function json(text: string | undefined, file: string, problems: string[]): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    problems.push(
      `${file}: not JSON (${(error as Error).message.split("\n")[0]}): give the output of the -j form`,
    );
    return undefined;
  }
}

/** A short stable name for a text (FNV-1a, 8 hex digits). */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function labelOf(hosts: LabHost[], name: string): string {
  return hosts.find((h) => h.name === name)?.label ?? name;
}

/** An interface of the lab whose MAC a capture shows other than lab.json does. */
export interface MacChange {
  host: string;
  iface: string;
  /** lab.json's. */
  was: string;
  /** The capture's. */
  now: string;
}

/** The interfaces of `old` hosts that `found` (the same host and interface names) gives another MAC. */
export function macChanges(old: readonly LabHost[], found: readonly LabHost[]): MacChange[] {
  const out: MacChange[] = [];
  for (const h of found)
    for (const i of h.interfaces) {
      const was = old.find((x) => x.name === h.name)?.interfaces.find((x) => x.name === i.name)?.mac;
      if (was && i.mac && was.toLowerCase() !== i.mac.toLowerCase())
        out.push({ host: h.name, iface: i.name, was, now: i.mac });
    }
  return out;
}

/**
 * Merges newly inferred hosts into a lab's: new hosts added, new interfaces and routes added to
 * known ones. With `replaceMacs` (`import --replace`), an interface's MAC is the new one.
 */
export function mergeHosts(old: LabHost[], found: LabHost[], replaceMacs = false): LabHost[] {
  const out = old.map((h) => structuredClone(h));
  for (const h of found) {
    const o = out.find((x) => x.name === h.name);
    if (!o) {
      out.push(structuredClone(h));
      continue;
    }
    for (const i of h.interfaces) {
      const oi = o.interfaces.find((x) => x.name === i.name);
      if (!oi) o.interfaces.push(structuredClone(i));
      else {
        if (i.mac && (!oi.mac || replaceMacs)) oi.mac = i.mac;
        if (!oi.peer && i.peer) oi.peer = i.peer;
        for (const a of i.addresses) if (!oi.addresses.includes(a)) oi.addresses.push(a);
      }
    }
    for (const r of h.routes)
      if (!o.routes.some((x) => x.to === r.to && x.dev === r.dev && x.via === r.via)) o.routes.push({ ...r });
  }
  return out;
}

/**
 * What a capture that shows an interface of the lab with another MAC must be asked (empty: nothing).
 * lab.json holds one MAC per interface, and the simulator takes it from there (MAC matches, the
 * bridge's forwarding database): without `--replace` the new traces would disagree with it, and
 * with it a trace kept (`traces` but the `replaced` ones) that shows the old MAC would. Neither is
 * written; the traces are named. In an anonymised lab both MACs are stand-ins (the material was
 * anonymised with the lab's map), so no real MAC is written or said.
 */
export function macQuestions(
  existing: ImportOptions["existing"],
  found: readonly LabHost[],
  replaced: readonly string[],
  replace: boolean,
): string[] {
  if (!existing) return [];
  const out: string[] = [];
  const kept = (existing.traces ?? []).filter((t) => !replaced.includes(t.stem));
  for (const c of macChanges(existing.lab.hosts, found)) {
    const stale = kept
      .filter((t) => macsIn(t.text).has(c.was.toLowerCase()))
      .sort((a, b) => a.stem.localeCompare(b.stem));
    const one = stale.length === 1;
    const names = stale.map((t) => `${t.stem}${t.origin === "simulated" ? " (simulated)" : ""}`).join(", ");
    const head = `${c.host}/${c.iface}: this capture shows the MAC ${c.now}, lab.json has ${c.was}`;
    if (!replace)
      out.push(
        `${head}${stale.length ? ` (and so ${one ? "does the lab's trace" : "do the lab's traces"} ${names})` : ""}: lab.json holds one MAC per interface, so this import's traces would disagree with it; add --replace to write ${c.now} into lab.json (once no trace the import leaves shows ${c.was}), or import this capture into a new --lab`,
      );
    else if (stale.length)
      out.push(
        `${head}, and the lab's ${one ? "trace" : "traces"} ${names}, which this import does not replace, show${one ? "s" : ""} ${c.was}: with ${c.now} in lab.json ${one ? "it" : "they"} would disagree with it; if this capture supersedes ${one ? "it" : "them"}, remove ${one ? "its" : "their"} .log and .json first (and record or simulate ${one ? "it" : "them"} again after this import), or import this capture into a new --lab`,
      );
  }
  return out;
}

/** Builds the plan; see the module comment. */
export function planImport(material: ImportMaterial, options: ImportOptions): ImportPlan {
  const questions: string[] = [];
  const notes: string[] = [];
  const files: PlannedFile[] = [];
  const plan: ImportPlan = {
    questions,
    notes,
    files,
    scenarios: [],
    diagnostics: [],
    unusedNames: [],
    replaced: [],
  };
  // An anonymised lab takes only material anonymised with its map, and a plain one only plain material.
  questions.push(
    ...anonymityQuestions(options.lab, options.existing?.lab, {
      anonymize: options.anonymize === true,
      map: options.anonymizeMap,
    }),
  );
  if (questions.length) return plan;

  // 0. The nft ruleset, found by its content and read in its text form whatever form it was saved in.
  const nft = nftMaterial(material, {
    nftRuleset: "nft-ruleset.txt",
    iptablesSave: "iptables-save.txt",
    ip6tablesSave: "ip6tables-save.txt",
    ebtablesSave: "ebtables-save.txt",
    ...material.rulesetFiles,
  });
  notes.push(...nft.notes);
  if (nft.diagnostics.some((d) => d.severity === "error"))
    questions.push(
      `the nft -j ruleset could not be read whole (see the errors): give \`nft -j list ruleset\` (or \`nft list ruleset\`) output unchanged`,
    );

  // The saves as the contributor's files hold them: their errors are positioned there.
  const saved = nft.material;
  const fileOf = (k: MaterialText, conventional: string) => material.files?.[k] ?? conventional;
  const inputErrors: Diagnostic[] = [];
  if (material.exitCode !== undefined)
    inputErrors.push(
      ...exitCodeDiagnostics(
        material.exitCode,
        fileOf("exitCode", "exit-code.txt"),
        commandsOf(material.command, undefined).length,
      ),
    );
  const hostJsonOk = new Set<HostJsonKey>();
  for (const k of Object.keys(HOST_JSON) as HostJsonKey[]) {
    const text = saved[k];
    if (text === undefined) continue;
    const read = readHostJson(k, text, fileOf(k, HOST_JSON[k].file));
    inputErrors.push(...read.diagnostics);
    if (!read.diagnostics.length) hostJsonOk.add(k);
  }

  // 1. Anonymise every text with one map, before anything is inferred from them.
  let m: ImportMaterial = nft.material;
  let containers = options.containers;
  let peers = options.peers;
  if (options.anonymize) {
    // The machine's name also as `sysctl -a` prints it: a log without a syslog envelope names no host.
    const sysctlHost = parseSysctls(material.sysctl)["kernel.hostname"];
    // No stand-in may be an address, MAC or name the files already hold: two hosts would become one.
    const texts = Object.entries(m).flatMap(([k, v]) =>
      typeof v === "string" && k !== "logFile" ? [v] : [],
    );
    // The lab's own files too: a new stand-in is never one of its stand-ins (or values kept) already.
    const lab = options.existing
      ? [JSON.stringify(options.existing.lab), ...Object.values(options.existing.rulesets)]
      : [];
    const anon = new Anonymizer(
      [
        ...envelopeHostnames(material.log),
        ...(sysctlHost && sysctlHost !== "(none)" && sysctlHost !== "localhost" ? [sysctlHost] : []),
        ...(options.hostnames ?? []),
      ],
      { avoid: [...texts, ...lab], known: options.anonymizeMap },
    );
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) if (typeof v === "string" && k !== "logFile") anon.learn(v);
    for (const [k, v] of Object.entries(m))
      out[k] = typeof v === "string" && k !== "logFile" ? anon.text(v) : v;
    m = out as unknown as ImportMaterial;
    const named = (n: NamedAddress): NamedAddress => ({
      ...n,
      ip: anon.address(n.ip),
      ...(n.mac ? { mac: anon.mac(n.mac) } : {}),
    });
    containers = containers.map(named);
    peers = peers.map(named);
    plan.map = anon.map();
  }

  // The host's saves, read once: what they show the host to be names it in every file written.
  const problems: string[] = [];
  // A save already reported above is left out, not read a second time.
  const hostJson = (k: HostJsonKey) =>
    hostJsonOk.has(k) ? json(m[k], fileOf(k, HOST_JSON[k].file), problems) : undefined;
  const hostMaterial: HostMaterial = {
    addr: hostJson("ipAddr"),
    link: hostJson("ipLink"),
    route: hostJson("ipRoute"),
    route6: hostJson("ip6Route"),
    bridgeLink: hostJson("bridgeLink"),
    bridgeFdb: hostJson("bridgeFdb"),
  };
  const policyNote = policyRoutingNote(hostJson("ipRule"), hostJson("ip6Rule"));
  if (policyNote) notes.push(policyNote);
  const kind = hostKind(hostMaterial, [m.iptablesSave, m.ip6tablesSave, m.nftRuleset].join("\n"), {
    ...parseSysctls(m.sysctl),
    ...(options.sysctls ?? {}),
  });

  // 2. The ruleset as installed, and as a reader sees it.
  const nftOnly = !hasIptablesRules(m.iptablesSave) && hasNftIpTables(m.nftRuleset);
  const nativeTables = nftOnly ? [] : nftNativeTables(m.nftRuleset);
  if (hasIptablesRules(m.iptablesSave) && nativeTables.length)
    notes.push(
      `nft list ruleset has tables iptables-save does not show (${nativeTables.join(", ")}): the lab's ruleset holds them next to the iptables-save, in the order nft lists them (a table listed before iptables-nft's was created first, so at an equal priority its chains run after theirs)`,
    );
  // iptables-nft-save leaves out a table's chains it cannot show (nft's own, sharing a table name): the lab would lack them.
  for (const k of ["iptablesSave", "ip6tablesSave"] as const) {
    const text = m[k] ?? "";
    for (const hit of text.matchAll(
      /^# Table `([^']+)' (?:contains incompatible base-chains|is incompatible)/gm,
    )) {
      const line = text.slice(0, hit.index).split("\n").length;
      const file = fileOf(k, k === "iptablesSave" ? "iptables-save.txt" : "ip6tables-save.txt");
      questions.push(
        `${file}:${line}:1: ${k === "iptablesSave" ? "iptables" : "ip6tables"}-save left chains of table '${hit[1]}' out ("${hit[0].slice(2)}"): nft chains of the host's own share that table, so a lab built from this save would run without them; ${m.nftRuleset !== undefined ? "take the ruleset from nft list ruleset alone: leave iptables-save.txt and ip6tables-save.txt out (nft-ruleset.txt holds every table, iptables-nft's too)" : "give `nft list ruleset` from the same moment (nft-ruleset.txt, or --nft FILE) and leave iptables-save.txt and ip6tables-save.txt out"}`,
      );
    }
  }
  if (!hasIptablesRules(m.iptablesSave) && !nftOnly) {
    questions.push(
      `the ruleset is missing${m.iptablesSave !== undefined ? " (the iptables-save has no table)" : ""}: give \`iptables-save\` taken while the logging rules were installed (iptables-save.txt in the folder, or --iptables-save FILE), or \`nft list ruleset\` on an nftables-only host (nft-ruleset.txt, or --nft FILE)`,
    );
  }
  const bridge = m.ebtablesSave ?? (m.nftRuleset ? nftBridgeTables(m.nftRuleset) : "");
  // With an ebtables-save the bridge rules come from it: a bridge table of the host's own is not in the lab.
  const ownBridge = [...(m.nftRuleset ?? "").matchAll(/^\s*table\s+bridge\s+(\S+)\s*{/gm)]
    .map((t) => t[1] as string)
    .filter((name) => !/^(filter|nat|broute)$/.test(name));
  // Said by the unknown-prefix question instead when the log has lines of those tables' rules.
  const ownBridgeNote =
    m.ebtablesSave !== undefined && ownBridge.length
      ? `nft list ruleset has bridge tables ebtables-save does not show (${ownBridge.map((n) => `table bridge ${n}`).join(", ")}): the lab's bridge rules are the ebtables-save, so the check does not run them; leave ebtables-save.txt out to take the bridge tables from nft-ruleset.txt instead`
      : undefined;
  if (ownBridgeNote) notes.push(ownBridgeNote);
  const texts = rulesetTexts(
    m.iptablesSave ?? "",
    bridge,
    `${options.lab}: saved on the ${kind} while the trace was recorded (packetwalk import).`,
    m.nftRuleset,
    m.ip6tablesSave,
    m.ipsetSave,
  );
  // Sets the rules look packets up in that no `ipset save` holds: their matches stay undecided.
  const created = new Set([...(m.ipsetSave ?? "").matchAll(/^create\s+(\S+)/gm)].map((x) => x[1] as string));
  const missingSets = [
    ...new Set(
      [...`${m.iptablesSave ?? ""}\n${m.ip6tablesSave ?? ""}`.matchAll(/--match-set\s+(\S+)/g)].map(
        (x) => x[1] as string,
      ),
    ),
  ].filter((name) => !created.has(name));
  if (missingSets.length)
    notes.push(
      `the rules match ipsets ${missingSets.map((n) => `'${n}'`).join(", ")} that no ipset save holds: give \`ipset save\` output (ipset-save.txt, or --ipset-save FILE) so the simulator decides those matches; until then it follows both outcomes`,
    );
  // The saves' own errors, at their lines; then what only the lab's file built from them shows.
  const conventional = {
    iptablesSave: "iptables-save.txt",
    ip6tablesSave: "ip6tables-save.txt",
    ebtablesSave: "ebtables-save.txt",
    nftRuleset: "nft-ruleset.txt",
  } as const;
  const rulesetFile = (k: keyof typeof conventional) => material.rulesetFiles?.[k] ?? conventional[k];
  // The file the nft text came from: as saved, or moved from another slot; none when nft -j (JSON) was converted.
  const nftFrom = (["nftRuleset", "iptablesSave", "ip6tablesSave", "ebtablesSave"] as const).find(
    (k) => saved.nftRuleset !== undefined && material[k] === saved.nftRuleset,
  );
  const rulesetErrors = inputRulesetErrors({
    iptablesSave: saved.iptablesSave,
    ip6tablesSave: saved.ip6tablesSave,
    ebtablesSave: saved.ebtablesSave,
    ipsetSave: saved.ipsetSave,
    nftRuleset: nftFrom ? saved.nftRuleset : undefined,
    nftOnly,
    files: {
      iptablesSave: rulesetFile("iptablesSave"),
      ip6tablesSave: rulesetFile("ip6tablesSave"),
      ebtablesSave: rulesetFile("ebtablesSave"),
      ipsetSave: fileOf("ipsetSave", "ipset-save.txt"),
      nftRuleset: rulesetFile(nftFrom ?? "nftRuleset"),
    },
  });
  inputErrors.push(
    ...(rulesetErrors.length || nft.diagnostics.some((d) => d.severity === "error")
      ? rulesetErrors
      : builtRulesetErrors(
          texts.instrumented,
          `rulesets/${options.ruleset ?? options.lab}.instrumented.rules`,
        )),
  );
  const prefixMap = {
    ...(m.ip6tablesSave ? prefixMapFromRuleset(`# ip6tables-save\n${m.ip6tablesSave}`) : {}),
    ...prefixMapFromRuleset(texts.instrumented),
  };

  // 3. The log, read with the prefixes its own rules print.
  // Base chains whose names hide their hooks (`inet fw pre`) are placed by the saved ruleset.
  const chainHooks = chainHooksFromRuleset(texts.instrumented);
  // A whole dmesg holds other namespaces' and machines' lines: those naming devices the host lacks are left out.
  const printed = printedLogPrefixes(texts.instrumented, m.ip6tablesSave);
  const foreign = new ForeignLines({
    printed,
    devices: hostDevices(hostMaterial),
  });
  // A REJECT's ICMP error xtables-monitor prints without a protocol goes with the flow it answers.
  const parsed = attachHeaderlessAnswers(
    parseTraceText(m.log, {
      file: material.logFile,
      prefixMap,
      chainHooks,
      keepLine: foreign.keep,
    }),
  );
  // Dated by the log itself when --date is not given: an import is often days after the capture.
  const fromLog = options.date === undefined ? logDate(parsed.packets) : undefined;
  const recorded = options.date ?? fromLog ?? new Date().toISOString().slice(0, 10);
  if (fromLog)
    notes.push(
      `recorded on ${fromLog} (UTC), the day of the log's first timestamp: give --date to say otherwise`,
    );
  // The parser's hint names `parse --prefix-map`; import maps prefixes from the saved rules instead,
  // and says which file it read for which family and where the saves hold the prefix.
  const reading = rulesetReading({
    ...m,
    nftOnly,
    nativeTables,
    ipRules: hasIptablesRules(m.iptablesSave),
    ip6Rules: hasIptablesRules(m.ip6tablesSave),
    files: {
      iptablesSave: rulesetFile("iptablesSave"),
      ip6tablesSave: rulesetFile("ip6tablesSave"),
      ebtablesSave: rulesetFile("ebtablesSave"),
      nftRuleset: rulesetFile(nftFrom ?? "nftRuleset"),
    },
  });
  const prefixOf = (d: Diagnostic) => /unknown LOG prefix '(.*)' \(/.exec(d.message)?.[1];
  // The family of a warning's first line: an IPv6 line's missing ip6tables-save is what to give.
  let logLines: string[] | undefined;
  const familyOf = (d: Diagnostic): "IPv4" | "IPv6" | undefined => {
    logLines ??= m.log.split("\n");
    const line = logLines[d.position.line - 1] ?? "";
    return /\bSRC=[0-9a-f]*:/i.test(line) ? "IPv6" : /\bSRC=\d/.test(line) ? "IPv4" : undefined;
  };
  const whereOf = (d: Diagnostic) => prefixWhere(prefixOf(d) ?? "", reading, printed);
  // Legacy tables the saves name but do not hold run on the same hooks: the check cannot predict them.
  const legacy = [
    ...legacyTablesMissing(
      (m.iptablesSave ?? "").split(/\r?\n/),
      material.rulesetFiles?.iptablesSave ?? "iptables-save.txt",
    ),
    ...legacyTablesMissing(
      (m.ip6tablesSave ?? "").split(/\r?\n/),
      material.rulesetFiles?.ip6tablesSave ?? "ip6tables-save.txt",
    ),
  ];
  plan.diagnostics = [
    ...inputErrors,
    ...nft.diagnostics,
    ...legacy,
    ...parsed.diagnostics.map((d) =>
      /unknown LOG prefix/.test(d.message) ? { ...d, hint: prefixHint(whereOf(d), reading, familyOf(d)) } : d,
    ),
  ];
  const unknownPrefixes = plan.diagnostics.filter((d) => /unknown LOG prefix/.test(d.message));
  // Told apart by where the saves hold them: each kind has its own cause and its own answer.
  const absent = unknownPrefixes.filter((d) => whereOf(d).kind === "absent");
  const unplaced = unknownPrefixes.filter((d) => whereOf(d).kind === "unplaced");
  const unread = new Map<string, { part: UnreadPart; prefixes: string[] }>();
  for (const d of unknownPrefixes) {
    const w = whereOf(d);
    if (w.kind !== "unread") continue;
    const key = `${w.part.file} ${w.part.what}`;
    const entry = unread.get(key) ?? { part: w.part, prefixes: [] };
    entry.prefixes.push(prefixOf(d) ?? "");
    unread.set(key, entry);
  }
  if (unread.size && ownBridgeNote) notes.splice(notes.indexOf(ownBridgeNote), 1);
  const listed = (ds: Diagnostic[]) => ds.map((d) => `'${prefixOf(d)}'`).join(", ");
  const prefixQuestions = [
    ...[...unread.values()].map(
      ({ part, prefixes }) =>
        `${material.logFile}: ${prefixes.map((p) => `'${p}'`).join(", ")} ${prefixes.length === 1 ? "is" : "are"} printed by ${part.file}'s ${part.what}, which the lab's ruleset leaves out (${part.why}), so their lines would be left out: ${part.fix}`,
    ),
    ...(unplaced.length
      ? [
          `${material.logFile}: ${listed(unplaced)} ${unplaced.length === 1 ? "is" : "are"} printed by logging rules of the saved ruleset at hooks a line's devices do not tell apart, or in a chain no base chain reaches, so their lines would be left out: give each logging rule a prefix of its own, or cut those lines out of the log`,
        ]
      : []),
  ];
  const noLines = !parsed.packets.length;
  if (noLines && !unknownPrefixes.length)
    questions.push(
      `${material.logFile}: no netfilter line found: give the kernel log (dmesg, journalctl -k, syslog), xtables-monitor --trace or nft monitor trace output`,
    );
  else if (noLines && absent.length === unknownPrefixes.length)
    questions.push(
      `${material.logFile}: no LOG prefix of the log is printed by a logging rule of the saved ruleset (${unknownPrefixes.length} prefixes, see the warnings): give the ruleset saved while those rules were installed (iptables-save.txt, ip6tables-save.txt or nft-ruleset.txt)`,
    );
  else {
    questions.push(...prefixQuestions);
    if (absent.length)
      // Their lines would be left out of the lab: the log and the saved ruleset do not belong together.
      questions.push(
        `${material.logFile}: ${listed(absent)} ${absent.length === 1 ? "is" : "are"} printed by no logging rule of the saved ruleset, so their lines would be left out: save the ruleset while the rules that print them are installed, or cut those lines out of the log`,
      );
  }
  questions.push(...foreign.questions(parsed.packets, material.logFile));
  notes.push(...foreign.notes());
  const events = parsed.packets.flatMap((p) => p.events);
  const traceMode = events.some((e) => e.source !== "log" && e.source !== "ebt-log");
  const logEvents = events.filter((e) => e.source === "log" || e.source === "ebt-log").length;
  if (
    (hasIptablesRules(m.iptablesSave) || nftOnly) &&
    texts.loggingRules === 0 &&
    (logEvents > 0 || traceMode)
  )
    questions.push(
      `the ${nftOnly ? "nft list ruleset" : "iptables-save"} has no ${traceMode ? (nftOnly ? "meta nftrace set 1" : "TRACE") : nftOnly ? "log" : "LOG"} rule, but the log was written by one: save the ruleset while the logging rules are installed (the instrumentation is part of the record)`,
    );

  // 4. The topology.
  questions.push(...problems);
  if (inputErrors.length)
    questions.push(
      `the saved files have ${inputErrors.length} error${inputErrors.length === 1 ? "" : "s"} (above, each at its file:line:col): correct ${inputErrors.length === 1 ? "it" : "them"}, or save the output again`,
    );
  // Traffic the simulator does not follow (broadcast, multicast, neighbour discovery, ...) names no
  // host and makes no scenario: it is left out before anything is inferred from its addresses.
  const context = {
    hostAddresses: hostAddresses(hostMaterial),
    named: new Set([...containers, ...peers].map((n) => canonicalAddress(n.ip))),
  };
  const byId = new Map(parsed.packets.map((p) => [p.id, p]));
  const leftOut: LeftOutFlow[] = [];
  const keptFlows = parsed.flows.filter((f) => {
    const why = unmodelledFlow(
      f,
      f.packets.map((id) => byId.get(id)).filter((p) => p !== undefined),
      context,
    );
    if (why) leftOut.push(why);
    return !why;
  });
  const keptIds = new Set(keptFlows.flatMap((f) => f.packets));
  const kept = { ...parsed, flows: keptFlows, packets: parsed.packets.filter((p) => keptIds.has(p.id)) };
  const inferred = inferLab(hostMaterial, kept.packets, {
    hostName: options.hostName,
    hostLabel: kind,
    containers,
    peers,
    known: options.existing?.lab.hosts,
  });
  questions.push(...inferred.questions);
  notes.push(...inferred.notes);
  plan.unusedNames.push(...inferred.unusedNames);

  // 5. Sysctls.
  const all = { ...parseSysctls(m.sysctl), ...(options.sysctls ?? {}) };
  const sysctls: Record<string, string> = {};
  // The IPv6 ones only for a log with IPv6 packets: an IPv4 lab's record stays as it was.
  const hasV6 = kept.packets.some((p) => p.events.some((e) => e.ip?.src.includes(":")));
  for (const k of PATH_SYSCTLS)
    if (all[k] !== undefined && (hasV6 || !IPV6_SYSCTLS.has(k))) sysctls[k] = all[k] as string;
  // A reverse path filter that is on (`all`'s or a device's) drops packets after PREROUTING, and echo
  // requests to a broadcast address are answered when the host says so: kept where not the default.
  for (const [k, v] of Object.entries(all))
    if (RP_FILTER_KEY.test(k) && v !== "0" && !k.includes(".default.")) sysctls[k] = v;
  if (all["net.ipv4.icmp_echo_ignore_broadcasts"] === "0")
    sysctls["net.ipv4.icmp_echo_ignore_broadcasts"] = "0";
  // A bare ACK opens no connection when tcp_loose is 0 (the simulator's and the kernel's default is 1).
  if (all["net.netfilter.nf_conntrack_tcp_loose"] === "0")
    sysctls["net.netfilter.nf_conntrack_tcp_loose"] = "0";
  // The lab's devices' own switches (Docker's --userland-proxy=false sets its bridge's route_localnet
  // to 1, `all`'s staying 0): without them the simulator drops what the kernel let through.
  const labDevices = [
    "all",
    ...(inferred.hosts[0]?.interfaces.map((i) => i.name.replaceAll(".", "/")) ?? []),
  ];
  for (const dev of labDevices)
    for (const s of DEVICE_SYSCTLS) {
      const key = `net.ipv4.conf.${dev}.${s.name}`;
      const v = all[key];
      // `all`'s forwarding is ip_forward's; with ip_forward 0 every device's is 0 and the host forwards nothing anyway.
      if (s.name === "forwarding" && (dev === "all" || sysctls["net.ipv4.ip_forward"] !== "1")) continue;
      if ((v === "0" || v === "1") && v !== s.default) sysctls[key] = v;
    }
  // A lab bridge port in hairpin mode sends a frame back out of the port it came in by (a pod reaching
  // itself through a Service): the simulator reads it as `brport.<port>.hairpin_mode`, as simulate's --sysctl.
  const labPorts = new Set(inferred.hosts[0]?.interfaces.filter((i) => i.bridge).map((i) => i.name));
  for (const [k, v] of Object.entries(all)) {
    const port = /^brport\.(.+)\.hairpin_mode$/.exec(k)?.[1];
    if (port && labPorts.has(port) && (v === "0" || v === "1")) sysctls[k] = v;
  }
  for (const h of inferred.hairpinPorts) {
    const key = `brport.${h.port}.hairpin_mode`;
    if (sysctls[key] !== undefined) continue;
    sysctls[key] = "1";
    notes.push(
      `${h.port} is in hairpin mode (${h.from}): the lab's sysctls say ${key}=1, so a frame the host sends back out of the port it came in by is delivered`,
    );
  }
  const hasBridge = inferred.hosts[0]?.interfaces.some((i) => i.kind === "bridge");
  if (hasBridge && sysctls["net.bridge.bridge-nf-call-iptables"] === undefined)
    questions.push(
      "net.bridge.bridge-nf-call-iptables is unknown (it decides whether bridged packets cross iptables): give sysctl.txt (sysctl -a) or --sysctl net.bridge.bridge-nf-call-iptables=0|1",
    );
  if (sysctls["net.ipv4.ip_forward"] === undefined)
    questions.push(
      "net.ipv4.ip_forward is unknown: give sysctl.txt (sysctl -a) or --sysctl net.ipv4.ip_forward=0|1",
    );

  // 6. Scenarios.
  const given = options.suffix?.replace(/^(?=[^-])/, "-");
  const suffix = `${given ?? ""}${traceMode ? "-trace" : ""}`;
  const split = splitScenarios(kept, m.log, inferred.owner, suffix, options.hostName ?? "host");
  // A flow left out only because a host is unnamed is said by the question that asks for the name.
  const asked = questions.join("\n");
  notes.push(
    ...split.skipped
      .filter((s) => {
        const unnamed = /: (\S+) belongs to no host of the lab$/.exec(s)?.[1];
        return !unnamed || (!asked.includes(`NAME=${unnamed} `) && !asked.endsWith(`NAME=${unnamed}`));
      })
      .map((s) => `left out: ${s}`),
    ...leftOutNotes(leftOut, material.logFile),
    ...split.hairpins,
  );
  if (parsed.packets.length && !split.scenarios.length && !questions.length)
    questions.push("no flow of the log could be placed between two hosts of the lab (see the notes)");
  if (split.scenarios.some((s) => s.src.includes(":"))) {
    if (sysctls["net.ipv6.conf.all.forwarding"] === undefined)
      questions.push(
        "net.ipv6.conf.all.forwarding is unknown (the log has IPv6 flows): give sysctl.txt (sysctl -a) or --sysctl net.ipv6.conf.all.forwarding=0|1",
      );
    if (hasBridge && sysctls["net.bridge.bridge-nf-call-ip6tables"] === undefined)
      questions.push(
        "net.bridge.bridge-nf-call-ip6tables is unknown (it decides whether bridged IPv6 packets cross ip6tables): give sysctl.txt (sysctl -a) or --sysctl net.bridge.bridge-nf-call-ip6tables=0|1",
      );
  }
  const taken = new Set(options.existing?.stems ?? []);
  for (const s of split.scenarios) {
    if (!taken.has(s.stem)) continue;
    if (options.replace) plan.replaced.push(s.stem);
    else
      questions.push(
        `${s.stem}: the lab has a trace of that name already: give another --suffix (e.g. --suffix=-2), or --replace to write this import's ${s.stem}.log and ${s.stem}.json over it`,
      );
  }
  const macAsked = macQuestions(options.existing, inferred.hosts, plan.replaced, options.replace === true);
  questions.push(...macAsked);
  // Said, as lab.json is written again: the reviewer sees which MAC the lab takes from this capture.
  if (options.replace && !macAsked.length)
    notes.push(
      ...macChanges(options.existing?.lab.hosts ?? [], inferred.hosts).map(
        (c) =>
          `lab.json: ${c.host}/${c.iface}'s MAC is now ${c.now} (it was ${c.was}), as this capture shows`,
      ),
    );
  if (questions.length) return plan;

  // 7. Names of the ruleset files: an identical ruleset already in the lab is reused.
  const existingRulesets = options.existing?.rulesets ?? {};
  const sameAs = (text: string) => Object.entries(existingRulesets).find(([, t]) => t === text)?.[0];
  let rulesetName = sameAs(texts.clean) ?? options.ruleset ?? options.lab;
  if (!sameAs(texts.clean) && existingRulesets[rulesetName] !== undefined)
    rulesetName = `${rulesetName}-${shortHash(texts.clean)}`;
  const instName =
    sameAs(texts.instrumented) ?? `${rulesetName}.instrumented-${shortHash(texts.instrumented)}`;
  if (!sameAs(texts.clean)) files.push({ path: `rulesets/${rulesetName}.rules`, text: texts.clean });
  if (!sameAs(texts.instrumented))
    files.push({ path: `rulesets/${instName}.rules`, text: texts.instrumented });

  const old = options.existing?.lab;
  const hosts = old ? mergeHosts(old.hosts, inferred.hosts, options.replace === true) : inferred.hosts;
  const version = m.iptablesVersion?.trim();
  const legacyBridge = /\*broute|legacy/.test(`${bridge}\n${m.ebtablesVersion ?? ""}`);
  const lab: Lab = {
    version: 1,
    name: options.lab,
    description:
      old?.description ??
      options.description ??
      `A ${kind} imported from a contributor's kernel log and saves (packetwalk import).`,
    hosts,
    sysctls: old?.sysctls ?? sysctls,
    ebtables: old?.ebtables ?? (legacyBridge ? "legacy" : "nft"),
    rulesets: [...new Set([...(old?.rulesets ?? []), rulesetName, instName])].sort(),
    notes: [
      ...new Set([
        ...(old?.notes ?? []),
        "Imported with packetwalk import: every trace's instrumentation file is the ruleset saved while it was recorded, logging rules included.",
        ...inferred.notes,
        ...(policyNote ? [policyNote] : []),
      ]),
    ],
    // Recorded, so that a later import into the lab keeps its stand-ins (see lab-anonymity.ts).
    ...(options.anonymize
      ? { anonymized: true }
      : old?.anonymized !== undefined
        ? { anonymized: old.anonymized }
        : {}),
  };
  // Checked before anything is written: a lab.json that would not validate is a question, not a half-written lab.
  const valid = labSchema.safeParse(lab);
  if (!valid.success) {
    questions.push(
      ...valid.error.issues.map(
        (i) =>
          `lab.json would not validate: ${formatIssuePath(i.path)}: ${i.message}${i.path.at(-1) === "mac" ? " (import takes a host's MAC from the log's lines: give the right one with --peer NAME=IP,mac=MAC or --container NAME=IP,mac=MAC)" : ""}`,
      ),
    );
    return plan;
  }
  plan.lab = lab;
  const environment =
    m.uname && version
      ? {
          kernel: m.uname.trim(),
          iptables: version,
          backend: /legacy/.test(version) ? ("legacy" as const) : ("nf_tables" as const),
          ...(m.ebtablesVersion ? { ebtables: m.ebtablesVersion.trim() } : {}),
          date: recorded,
          tool: "packetwalk import",
        }
      : undefined;
  if (!environment)
    notes.push(
      "no uname.txt / iptables-version.txt: the traces carry no environment (kernel, iptables version)",
    );
  const lines = m.log.split("\n");
  const commands = commandsOf(m.command, m.exitCode);
  const matched = matchCommands(commands, split.scenarios);
  const droppedFields = new Set<string>();
  for (const [i, s] of split.scenarios.entries()) {
    const match = matched[i] ?? { none: { kind: "unnamed", given: commands.length } };
    const found = "command" in match ? match.command : undefined;
    if (commands.length && "none" in match)
      notes.push(`${s.stem}: ${noCommandWhy(match.none, s)}: its command says it was not given`);
    const command = found?.argv ?? ["(not given: imported from a kernel log)"];
    const lone = m.exitCode !== undefined && /^\s*\d+\s*$/.test(m.exitCode) ? Number(m.exitCode) : undefined;
    const exit = found ? found.exit : commands.length ? undefined : lone;
    const meta: TraceMeta = {
      version: 1,
      scenario: s.stem,
      title: `${labelOf(hosts, s.from)} to ${labelOf(hosts, s.to)} (${protoLabel(s)}${traceMode ? ", TRACE" : ""})`,
      description: `${protoLabel(s)} from ${s.src} to ${s.dst}, imported from a kernel log (${s.packets} packet${s.packets === 1 ? "" : "s"}).`,
      mode: traceMode ? "trace" : "log",
      origin: "recorded",
      traffic: { from: s.from, to: s.to, proto: s.proto, command },
      ...(exit !== undefined ? { exitCode: exit } : {}),
      ruleset: rulesetName,
      instrumentation: instName,
      // texts.clean / texts.instrumented are byte for byte the files named (new or reused).
      rulesetPins: {
        [rulesetName]: rulesetDigest(texts.clean),
        [instName]: rulesetDigest(texts.instrumented),
      },
      sysctls,
      ...(environment ? { environment } : {}),
    };
    const published = s.lines.map((n) => publishedJournalLine(lines[n - 1]?.replace(/\r$/, "") ?? ""));
    for (const p of published) for (const f of p.dropped) droppedFields.add(f);
    const text = `${published.map((p) => p.line).join("\n")}\n`;
    files.push({ path: `${s.stem}.log`, text });
    plan.scenarios.push({
      stem: s.stem,
      meta,
      packets: parseTraceText(text, { prefixMap, chainHooks }).packets,
    });
  }
  if (droppedFields.size)
    notes.push(
      `journal records keep only ${[...PUBLISHED_JOURNAL_FIELDS].join(", ")}: left out ${[...droppedFields].sort().join(", ")} (they identify the machine, its boot and its journal, not the packet)`,
    );
  if (!m.command) notes.push("no command.txt / --command: the traces' command says it was not given");
  return plan;
}
