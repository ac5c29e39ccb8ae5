/**
 * `packetwalk import`: a contributor's kernel log and saves (a folder of conventionally named
 * files, or flags) into a lab folder under `traces/`, then the same validation and `check` as
 * `npm test`, and a summary of what a reviewer will see. See `src/core/import/plan-import.ts`.
 */

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { formatJson } from "../capture/write-trace.ts";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { type AnonymizationMap, AnonymizeError, readAnonymizationMap } from "../core/import/anonymize.ts";
import type { NamedAddress } from "../core/import/infer-lab.ts";
import { isCalendarDate } from "../core/import/material-checks.ts";
import {
  type ImportMaterial,
  type ImportPlan,
  type MaterialText,
  planImport,
} from "../core/import/plan-import.ts";
import { decodeBytes } from "../core/input/decode-bytes.ts";
import { InputError } from "../core/input/decode-input.ts";
import { addressFamily, canonicalAddress } from "../core/simulate/ip-address.ts";
import { readTraceFolder } from "../core/trace-file/read-trace-folder.ts";
import { untranslatedTexts } from "../core/trace-file/translations.ts";
import { DEFAULT_LOCALE, LOCALES } from "../i18n/locales.ts";
import { checkLab } from "./check-command.ts";
import { readCommandArgs } from "./command-args.ts";

/** One line for `packetwalk --help`. */
export const summary = "turn a kernel log and the host's saves into a lab folder";

/** The conventional file names in an input folder, by material field (first found wins). */
export const MATERIAL_FILES: Record<MaterialText, string[]> = {
  log: [
    "kernel.log",
    "dmesg.txt",
    "dmesg.log",
    "journal.txt",
    "trace.txt",
    "xtables-monitor.txt",
    "nft-monitor-trace.txt",
    "nft-monitor.txt",
  ],
  iptablesSave: ["iptables-save.txt", "iptables-save"],
  ip6tablesSave: ["ip6tables-save.txt", "ip6tables-save"],
  ebtablesSave: ["ebtables-save.txt", "ebtables-save", "ebtables-L.txt"],
  ipsetSave: ["ipset-save.txt", "ipset-save"],
  nftRuleset: ["nft-ruleset.txt", "nft-list-ruleset.txt", "nft-ruleset.json", "nft-list-ruleset.json"],
  ipAddr: ["ip-addr.json"],
  ipLink: ["ip-link.json"],
  ipRoute: ["ip-route.json"],
  ip6Route: ["ip6-route.json"],
  ipRule: ["ip-rule.json"],
  ip6Rule: ["ip6-rule.json"],
  bridgeLink: ["bridge-link.json"],
  bridgeFdb: ["bridge-fdb.json"],
  sysctl: ["sysctl.txt", "sysctl-a.txt"],
  uname: ["uname.txt"],
  iptablesVersion: ["iptables-version.txt"],
  ebtablesVersion: ["ebtables-version.txt"],
  command: ["command.txt"],
  exitCode: ["exit-code.txt"],
};

/** What each conventional file holds, for the help text. */
const SOURCE: Record<string, string> = {
  log: "dmesg / journalctl -k / syslog (or: xtables-monitor.txt, nft-monitor-trace.txt)",
  iptablesSave: "iptables-save, taken while the logging rules were installed",
  ip6tablesSave: "ip6tables-save, same moment (the IPv6 rules, of a host with IPv6 flows)",
  ebtablesSave: "ebtables-save (or ebtables -L), same moment",
  ipsetSave: "ipset save, same moment (optional: the sets -m set rules look packets up in)",
  nftRuleset:
    "nft list ruleset or nft -j list ruleset, same moment (the ruleset itself on an nftables-only host; JSON is found by its content)",
  ipAddr: "ip -j addr (the Docker host)",
  ipLink: "ip -j -d link",
  ipRoute: "ip -j route",
  ip6Route: "ip -6 -j route (a host with IPv6 flows)",
  ipRule: "ip -j rule (optional: routing rules of the host's own are named in the lab's notes)",
  ip6Rule: "ip -6 -j rule (optional, same)",
  bridgeLink: "bridge -j link",
  bridgeFdb: "bridge -j fdb show (optional: which port a container's MAC is behind)",
  sysctl: "sysctl -a",
  uname: "uname -r (optional)",
  iptablesVersion: "iptables --version (optional)",
  ebtablesVersion: "ebtables --version (optional)",
  command: "the traffic command (optional; several: one per line, in the order they ran)",
  exitCode: "its exit code (optional; several: one per line, same order)",
};

const FLAG_OF: Record<string, keyof ImportMaterial> = {
  log: "log",
  "iptables-save": "iptablesSave",
  "ip6tables-save": "ip6tablesSave",
  "ebtables-save": "ebtablesSave",
  "ipset-save": "ipsetSave",
  nft: "nftRuleset",
  "ip-addr": "ipAddr",
  "ip-link": "ipLink",
  "ip-route": "ipRoute",
  "ip6-route": "ip6Route",
  "ip-rule": "ipRule",
  "ip6-rule": "ip6Rule",
  "bridge-link": "bridgeLink",
  "bridge-fdb": "bridgeFdb",
  "sysctl-file": "sysctl",
};

const USAGE = `usage: packetwalk import [FOLDER] --lab NAME [--out traces] [options]

Turns a kernel log (LOG lines in any envelope packetwalk parse reads, xtables-monitor --trace or
nft monitor trace output) and what you saved on the Docker host into traces/<NAME>/: lab.json
(hosts inferred), rulesets/ (as installed, and without the logging rules; nft list ruleset on an
nftables-only host), one <scenario>.log + .json per flow (IPv4 or IPv6).
Then validates the folder and runs packetwalk check on it.

FOLDER holds files with these names (packetwalk capture --host writes them):
${Object.entries(MATERIAL_FILES)
  .map(([k, v]) => `  ${v[0]?.padEnd(22)} ${SOURCE[k]}`)
  .join("\n")}
or give each with a flag:
  --log FILE|-          the kernel log (- for stdin)
  --iptables-save FILE  --ip6tables-save FILE  --ebtables-save FILE  --nft FILE (nft list ruleset)
  --ipset-save FILE     ipset save
  --ip-addr FILE  --ip-link FILE  --ip-route FILE  --ip6-route FILE  --bridge-link FILE
  --ip-rule FILE  --ip6-rule FILE
  --bridge-fdb FILE     (all -j JSON)
  --sysctl-file FILE    sysctl -a output;  --sysctl KEY=VALUE overrides one
What cannot be inferred:
  --container NAME=IP[,port=PORT][,mac=MAC]   a container the log shows (repeat; IPv4 or
                                              IPv6, a dual-stack one once per address)
  --peer NAME=IP[,mac=MAC]                    a machine on one of the host's links (repeat);
                                              the default gateway too: NAME and MAC are then
                                              those of the host that stands for the internet
  --command "ping -c1 1.2.3.4"                the command that made the traffic
Other options:
  --host-name NAME      the Docker host's name in lab.json (default host)
  --ruleset NAME        the ruleset's name (default: the lab's)
  --suffix=TEXT         appended to every scenario name (default: -trace for TRACE output; write
                        it with "=", --suffix=-2, as a value starting with - is read as a flag)
  --date YYYY-MM-DD     when it was recorded (default: the day of the log's first full timestamp,
                        journal JSON, ISO, RFC 5424 or dmesg -T, in UTC; else today)
  --description TEXT    the lab's one-sentence description (a new lab only)
  --anonymize           public addresses -> TEST-NET/2001:db8::, MACs, host names -> stand-ins
  --anonymize-map FILE  also write the original -> stand-in map there (refused inside the lab,
                        --out, or the repository); a FILE that exists is read first, and its
                        stand-ins kept: an anonymised lab takes more material only with its map
  --replace             a scenario named as a trace the lab has replaces it: its .log and .json
                        are written again (no other file of the lab is removed); a host's MAC
                        this capture shows replaces lab.json's (asked when a trace kept shows it)
  --hostname NAME       one more host name to anonymise (the log's envelope names are found)
  --dry-run             print the plan, write nothing
  --no-check            write, validate, but do not run packetwalk check`;

function fail(message: string, hint?: string): number {
  process.stderr.write(`packetwalk import: ${message}\n${hint ? `hint: ${hint}\n` : ""}`);
  return 2;
}

/** What is wrong with `name` as a lab's folder name (`traces/<NAME>`), or undefined when it is one. */
export function labNameProblem(name: string): string | undefined {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return undefined;
  const allowed = "letters, digits, '.', '_' and '-', starting with a letter or digit";
  if (/[/\\]/.test(name))
    return `a lab name is one folder name under --out, not a path: no '/' or '\\' (allowed: ${allowed})`;
  if (!/^[A-Za-z0-9]/.test(name)) return `a lab name must start with a letter or digit (allowed: ${allowed})`;
  const bad = [...new Set(name.replace(/[A-Za-z0-9._-]/g, ""))].map((c) => `'${c}'`).join(", ");
  return `${bad} may not be in a lab name (allowed: ${allowed})`;
}

/**
 * Why `out` cannot hold lab folders (undefined when it can, or can be created): it, or the first
 * of its parents that exists, is a file.
 */
export function outFolderProblem(out: string): string | undefined {
  for (let at = resolve(out); ; at = dirname(at)) {
    if (existsSync(at))
      return statSync(at).isDirectory()
        ? undefined
        : `--out ${out}: ${at === resolve(out) ? "is a file, not a folder" : `${at} is a file, so no folder can be made under it`}`;
    if (dirname(at) === at) return undefined;
  }
}

/** `path` absolute with every link resolved, also when its last parts do not exist yet. */
function realPathOf(path: string): string {
  const rest: string[] = [];
  let at = resolve(path);
  while (!existsSync(at) && dirname(at) !== at) {
    rest.unshift(basename(at));
    at = dirname(at);
  }
  return join(realpathSync(at), ...rest);
}

/** Whether `path` is `folder` or inside it (both real, absolute). */
function isInside(path: string, folder: string): boolean {
  const r = relative(folder, path);
  return r === "" || (r !== ".." && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/** The repository's checkout: a file anywhere in it is one `git add` away from being published. */
const REPOSITORY = join(import.meta.dirname, "..", "..");
/** The repository's folders the site publishes (a file there is public once committed). */
const PUBLISHED = ["traces", "content", "public"].map((f) => join(REPOSITORY, f));

/**
 * Why `--anonymize-map FILE` may not be written (undefined when it may): the map holds the
 * originals anonymising hides, so never in the lab folder `labFolder`, nor under `--out` (`out`),
 * nor in a folder the repository publishes; and only with `--anonymize`, in a folder that exists.
 */
export function anonymizeMapProblem(
  mapFile: string,
  labFolder: string,
  anonymize: boolean,
  out = dirname(labFolder),
): { message: string; hint: string } | undefined {
  const hint =
    "give a path outside the lab and outside the repository, e.g. --anonymize-map ~/packetwalk-map.json";
  if (!anonymize)
    return {
      message: `--anonymize-map ${mapFile}: there is no map without --anonymize`,
      hint: "add --anonymize, or leave --anonymize-map out",
    };
  const map = realPathOf(mapFile);
  const refuse = (where: string) => ({
    message: `--anonymize-map ${mapFile}: ${where}; the map holds the real addresses, MACs and host names it replaces, so it is never written where it would be published (nothing written)`,
    hint,
  });
  const lab = realPathOf(labFolder);
  if (isInside(map, lab)) return refuse(`it is inside the lab folder ${labFolder} being written`);
  if (isInside(map, realPathOf(out))) return refuse(`it is inside ${out}, the folder of lab folders (--out)`);
  const published = PUBLISHED.find((f) => isInside(map, realPathOf(f)));
  if (published) return refuse(`it is inside ${published}, which the site publishes`);
  if (isInside(map, realPathOf(REPOSITORY)))
    return refuse(`it is inside the repository ${REPOSITORY}, where one \`git add\` commits it`);
  if (existsSync(map) && statSync(map).isDirectory())
    return { message: `--anonymize-map ${mapFile}: is a folder, not a file`, hint };
  if (!existsSync(dirname(map)))
    return {
      message: `--anonymize-map ${mapFile}: the folder ${dirname(mapFile)} does not exist`,
      hint: `create it first (mkdir -p ${dirname(mapFile)}), or give a file in a folder that exists`,
    };
  return undefined;
}

/**
 * Parses `NAME=IP[,port=PORT][,mac=MAC]` (IP: IPv4 or IPv6; `port=` for `--container` only: a
 * peer is no bridge port's); throws a sentence on bad input.
 */
export function parseNamedAddress(text: string, flag: string): NamedAddress {
  const m =
    /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)((?:,(?:port|mac)=[^,]+)*)$/.exec(
      text,
    );
  if (!m || addressFamily(m[2] as string) === undefined)
    throw new Error(
      `${flag} expects NAME=IP[,port=PORT][,mac=MAC], e.g. web=172.17.0.2 or web=fd00:a::2; got '${text}'`,
    );
  const out: NamedAddress = { name: m[1] as string, ip: canonicalAddress(m[2] as string) };
  for (const part of (m[3] ?? "").split(",").filter(Boolean)) {
    const [k, v] = part.split("=") as [string, string];
    if (k === "port" && flag === "--peer")
      throw new Error(
        `${flag} ${text}: a peer takes NAME=IP[,mac=MAC] (port= names a container's bridge port: --container NAME=IP,port=PORT)`,
      );
    if (k === "port") out.port = v;
    else if (/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(v)) out.mac = v.toLowerCase();
    else throw new Error(`${flag} ${text}: mac must look like 02:42:ac:11:00:02`);
  }
  return out;
}

/**
 * The text of a material file as the contributor saved it: a rotated `.gz` and UTF-16 (a Windows
 * editor) are decoded, so the lab gets UTF-8 text; anything else is a positioned error.
 */
function readText(file: string, read: () => Uint8Array | string): string {
  try {
    const bytes = read();
    return typeof bytes === "string" ? bytes : decodeBytes(bytes, (b) => gunzipSync(b));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new Error(`${file}:1:1: error: ${e.message}\n  hint: ${e.hintFor(file)}`);
  }
}

/**
 * A saved file's text without the UTF-8 byte-order mark a Windows editor or PowerShell puts first,
 * which JSON.parse and the ruleset readers take for content. The log keeps it: its columns count it.
 */
function withoutBom(key: string, text: string): string {
  return key === "log" ? text : text.replace(/^\uFEFF/, "");
}

/** The ruleset saves whose file names the plan's messages name. */
const RULESET_SAVES = new Set(["nftRuleset", "iptablesSave", "ip6tablesSave", "ebtablesSave"]);

/** Reads the material from `folder` (conventional names) and the flags (which win); `stdin` gives standard input (bytes, or text). */
export function readMaterial(
  folder: string | undefined,
  flags: Record<string, string | undefined>,
  stdin: () => Uint8Array | string,
): ImportMaterial {
  const m: Partial<ImportMaterial> = {};
  if (folder) {
    for (const [key, names] of Object.entries(MATERIAL_FILES)) {
      const found = names
        .map((n) => join(folder, n))
        .find((p) => existsSync(p) && !statSync(p).isDirectory());
      if (found) {
        (m as Record<string, string>)[key] = withoutBom(
          key,
          readText(found, () => readFileSync(found)),
        );
        m.files = { ...m.files, [key]: found };
        if (key === "log") m.logFile = found;
        if (RULESET_SAVES.has(key)) m.rulesetFiles = { ...m.rulesetFiles, [key]: found };
      }
    }
  }
  for (const [flag, key] of Object.entries(FLAG_OF)) {
    const file = flags[flag];
    if (file === undefined) continue;
    if (file === "-" && key === "log") {
      m.log = readText("-", stdin);
      m.logFile = "-";
      continue;
    }
    if (!existsSync(file)) throw new Error(`--${flag} ${file}: no such file`);
    // Read as a file, a folder would end the import with a bare EISDIR.
    if (statSync(file).isDirectory())
      throw new Error(
        `--${flag} ${file}: is a folder, not a file (give the file itself, or the folder as FOLDER)`,
      );
    (m as Record<string, string>)[key] = withoutBom(
      key,
      readText(file, () => readFileSync(file)),
    );
    m.files = { ...m.files, [key]: file };
    if (key === "log") m.logFile = file;
    if (RULESET_SAVES.has(key)) m.rulesetFiles = { ...m.rulesetFiles, [key]: file };
  }
  if (flags.command !== undefined) m.command = flags.command;
  if (m.log === undefined)
    throw new Error(
      `no kernel log: put it in ${folder ?? "FOLDER"}/kernel.log, or give --log FILE (- for stdin)`,
    );
  return { logFile: "-", ...m } as ImportMaterial;
}

/** Writes a complete plan (no questions) into `folder`: lab.json, rulesets, logs, metadata. */
export function writePlan(plan: ImportPlan, folder: string): void {
  if (!plan.lab) throw new Error("writePlan: the plan has open questions");
  mkdirSync(join(folder, "rulesets"), { recursive: true });
  writeFileSync(join(folder, "lab.json"), `${formatJson(plan.lab)}\n`);
  for (const f of plan.files) writeFileSync(join(folder, f.path), f.text);
  for (const s of plan.scenarios) writeFileSync(join(folder, `${s.stem}.json`), `${formatJson(s.meta)}\n`);
}

/** Prints the plan (for --dry-run and before writing). */
function describePlan(plan: ImportPlan, folder: string): string {
  const out: string[] = [];
  out.push(`lab folder: ${folder}`);
  for (const h of plan.lab?.hosts ?? [])
    out.push(
      `  host ${h.name} (${h.role}, "${h.label ?? h.name}"): ${h.interfaces
        .filter((i) => i.kind !== "loopback" || i.addresses.length > 1)
        .map(
          (i) =>
            `${i.name}${i.mac ? ` ${i.mac}` : ""}${i.addresses.length ? ` ${i.addresses.join(" ")}` : ""}${i.bridge ? ` port of ${i.bridge}` : ""}`,
        )
        .join(", ")}`,
    );
  const replaced = new Set(plan.replaced.map((stem) => `${stem}.log`));
  for (const f of plan.files)
    out.push(
      `  ${replaced.has(f.path) ? "replace" : "write"} ${f.path}${f.path.endsWith(".log") ? " (+ .json)" : ""}`,
    );
  for (const s of plan.scenarios)
    out.push(
      `  scenario ${s.stem}: ${s.meta.traffic.from} -> ${s.meta.traffic.to} ${s.meta.traffic.proto}, ${s.packets.length} packets, ${s.meta.mode} mode`,
    );
  for (const n of plan.notes) out.push(`  note: ${n}`);
  return out.join("\n");
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = readCommandArgs(argv, {
    name: "import",
    usage: USAGE,
    fail,
    options: {
      lab: { type: "string" },
      out: { type: "string", default: "traces" },
      log: { type: "string" },
      "iptables-save": { type: "string" },
      "ip6tables-save": { type: "string" },
      "ebtables-save": { type: "string" },
      nft: { type: "string" },
      "ip-addr": { type: "string" },
      "ip-link": { type: "string" },
      "ip-route": { type: "string" },
      "ip6-route": { type: "string" },
      "ip-rule": { type: "string" },
      "ip6-rule": { type: "string" },
      "bridge-link": { type: "string" },
      "bridge-fdb": { type: "string" },
      "sysctl-file": { type: "string" },
      sysctl: { type: "string", multiple: true },
      container: { type: "string", multiple: true },
      peer: { type: "string", multiple: true },
      command: { type: "string" },
      "host-name": { type: "string" },
      ruleset: { type: "string" },
      suffix: { type: "string" },
      date: { type: "string" },
      description: { type: "string" },
      anonymize: { type: "boolean" },
      "anonymize-map": { type: "string" },
      replace: { type: "boolean" },
      hostname: { type: "string", multiple: true },
      "dry-run": { type: "boolean" },
      "no-check": { type: "boolean" },
    },
  });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const labName = values.lab as string | undefined;
  if (!labName) return fail("--lab NAME is required: the lab folder's name", "e.g. --lab my-docker-host");
  const badName = labNameProblem(labName);
  if (badName) return fail(`--lab ${labName}: ${badName}`, "e.g. --lab my-docker-host");
  if (positionals.length > 1) return fail(`expected at most one FOLDER, got ${positionals.join(" ")}`);
  const input = positionals[0];
  if (input !== undefined && !(existsSync(input) && statSync(input).isDirectory()))
    return fail(`${input}: not a folder`, "give the folder of saved files, or the files with flags");
  // Without --date, the plan dates the traces by the log's own timestamps (else today).
  const date = values.date as string | undefined;
  if (date !== undefined && !isCalendarDate(date))
    return fail(
      `--date ${date}: expected the day it was recorded as YYYY-MM-DD, a real calendar date`,
      "e.g. --date 2026-11-30 (or leave --date out: the day the log's timestamps give, else today)",
    );
  let material: ImportMaterial;
  let containers: NamedAddress[];
  let peers: NamedAddress[];
  const sysctls: Record<string, string> = {};
  try {
    material = readMaterial(input, values as Record<string, string | undefined>, () => readFileSync(0));
    containers = ((values.container as string[] | undefined) ?? []).map((c) =>
      parseNamedAddress(c, "--container"),
    );
    peers = ((values.peer as string[] | undefined) ?? []).map((c) => parseNamedAddress(c, "--peer"));
    for (const s of (values.sysctl as string[] | undefined) ?? []) {
      const m = /^([a-z0-9_.-]+)=(\S+)$/.exec(s);
      if (!m) throw new Error(`--sysctl expects KEY=VALUE, e.g. net.ipv4.ip_forward=1; got '${s}'`);
      sysctls[m[1] as string] = m[2] as string;
    }
  } catch (error) {
    return fail((error as Error).message, "run `packetwalk import --help`");
  }
  const folder = join(values.out as string, labName);
  const outProblem = outFolderProblem(values.out as string);
  if (outProblem)
    return fail(outProblem, "give a folder for --out (it is created when missing), e.g. --out traces");
  const mapFile = values["anonymize-map"] as string | undefined;
  if (mapFile !== undefined) {
    const problem = anonymizeMapProblem(mapFile, folder, values.anonymize === true);
    if (problem) return fail(problem.message, problem.hint);
  }
  // An existing map is an earlier import's: its stand-ins are kept (and it is written back, extended).
  let anonymizeMap: AnonymizationMap | undefined;
  if (mapFile !== undefined && existsSync(mapFile)) {
    const read = readAnonymizationMap(readFileSync(mapFile, "utf8"));
    if (typeof read === "string")
      return fail(
        `--anonymize-map ${mapFile}: ${read}; it exists, so import reads it as an earlier import's map (nothing written)`,
        "give the map an earlier --anonymize import wrote, or a file that does not exist yet for a new map",
      );
    anonymizeMap = read;
  }
  const existing = existsSync(join(folder, "lab.json")) ? readTraceFolder(folder) : undefined;
  if (existing && !existing.lab)
    return fail(`${folder} exists but its lab.json is invalid:\n${existing.errors.join("\n")}`);
  let plan: ImportPlan;
  try {
    plan = planImport(material, {
      lab: labName,
      existing: existing?.lab
        ? {
            lab: existing.lab,
            rulesets: existing.rulesets,
            stems: readdirSync(folder)
              .filter((f) => f.endsWith(".json") && f !== "lab.json")
              .map((f) => f.slice(0, -5)),
            traces: existing.traces.map((t) => ({ stem: t.stem, text: t.text, origin: t.meta.origin })),
          }
        : undefined,
      containers,
      peers,
      hostName: values["host-name"] as string | undefined,
      ruleset: values.ruleset as string | undefined,
      sysctls,
      suffix: values.suffix as string | undefined,
      anonymize: values.anonymize === true,
      ...(anonymizeMap ? { anonymizeMap } : {}),
      replace: values.replace === true,
      hostnames: values.hostname as string[] | undefined,
      date,
      description: values.description as string | undefined,
    });
  } catch (error) {
    if (error instanceof AnonymizeError) return fail(error.message);
    throw error;
  }
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  for (const d of plan.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  // A name the log never shows is no host of the lab: said, so that a typo is not imported silently.
  for (const u of plan.unusedNames) process.stderr.write(`packetwalk import: warning: ${u}\n`);
  if (plan.questions.length || errors.length) {
    process.stderr.write(
      `packetwalk import: cannot build ${folder} yet; answer these and run it again:\n${plan.questions.map((q) => `  - ${q}`).join("\n")}\n`,
    );
    for (const n of plan.notes) process.stderr.write(`  note: ${n}\n`);
    return 2;
  }
  process.stdout.write(`${describePlan(plan, folder)}\n`);
  if (values["dry-run"]) {
    process.stdout.write("dry run: nothing written\n");
    return 0;
  }
  // The map first: a map that cannot be written stops the import before the lab is.
  if (mapFile && plan.map) {
    try {
      writeFileSync(mapFile, `${JSON.stringify(plan.map, null, 2)}\n`);
    } catch (error) {
      return fail(
        `--anonymize-map ${mapFile}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing written`,
        "give a file in a folder you can write to",
      );
    }
    process.stdout.write(
      `anonymisation map ${anonymizeMap ? "read from and written back to" : "written to"} ${mapFile} (keep it out of the pull request, and keep it: a later import into this lab needs it)\n`,
    );
  }
  try {
    writePlan(plan, folder);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return fail(
      `cannot write ${e.path ?? folder} (${e.code ?? e.message}); ${folder} may be partly written`,
      `give an --out folder you can write to, and remove ${folder} if it was created`,
    );
  }

  // What npm test and a reviewer will see.
  const read = readTraceFolder(folder);
  if (read.errors.length) {
    process.stdout.write(`validation: ${read.errors.length} problem(s)\n${read.errors.join("\n")}\n`);
    return 1;
  }
  process.stdout.write(`validation: ${folder} is valid (${read.traces.length} traces)\n`);
  // --replace removes no file: a ruleset only the replaced traces named is left, and said.
  if (plan.replaced.length) {
    const named = new Set(read.traces.flatMap((t) => [t.meta.ruleset, t.meta.instrumentation]));
    const unnamed = (read.lab?.rulesets ?? []).filter((r) => !named.has(r));
    process.stdout.write(
      `replaced ${plan.replaced.join(", ")}${unnamed.length ? `; no trace names ${unnamed.map((r) => `rulesets/${r}.rules`).join(", ")} any more (the traces replaced did): remove ${unnamed.length === 1 ? "it and its name" : "them and their names"} in lab.json's rulesets if no lesson needs ${unnamed.length === 1 ? "it" : "them"}` : ""}\n`,
    );
  }
  let failed = 0;
  for (const s of plan.scenarios) {
    process.stdout.write(`\n${s.stem}: ${s.meta.title}\n`);
    for (const p of s.packets)
      process.stdout.write(`  #${p.id} ${p.direction.padEnd(7)} ${p.summary}: ${p.hooks.join(" > ")}\n`);
  }
  if (!values["no-check"]) {
    const results = checkLab(
      folder,
      plan.scenarios.map((s) => s.stem),
    );
    for (const r of results) {
      if (!r.ok) failed++;
      process.stdout.write(
        r.ok ? `check ok    ${r.trace} (${r.packets} packets)\n` : `check FAIL  ${r.trace}\n${r.report}\n`,
      );
    }
    process.stdout.write(
      `${results.length - failed}/${results.length} imported traces agree with the simulator\n`,
    );
  }
  // npm test requires the lab's texts in every locale; say so now, not 40 minutes into CI.
  for (const locale of LOCALES.filter((l) => l !== DEFAULT_LOCALE)) {
    const missing = untranslatedTexts(
      read.lab ?? { description: "" },
      read.traces.map((t) => t.meta),
      read.translations?.[locale],
    );
    if (missing.length)
      process.stdout.write(
        `translation: ${join(folder, "i18n", `${locale}.json`)} lacks ${missing.join(", ")}: npm test requires them (the format is in traces/README.md; if you cannot write ${locale}, say so in the pull request and a maintainer will add it)\n`,
      );
  }
  return failed ? 1 : 0;
}
