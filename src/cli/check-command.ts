/**
 * `packetwalk check [TRACES...]`: simulates every recorded trace's scenario from its own lab and
 * ruleset and compares, packet by packet, the hooks, the NAT rewrites and (TRACE) the matched rules
 * with what the kernel recorded. Prints a readable "kernel vs predicted" diff; exit 1 on divergence.
 *
 * `packetwalk check --lessons [LESSONS...]`: checks the lessons as the build does (front matter and
 * every `::trace`, through the build's own remark plugins), without building; see `lessons-check.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { formatFoldedDiagnostics } from "../core/diagnostics/fold-diagnostics.ts";
import { closest, formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import type { ParsedTrace } from "../core/model/packet.ts";
import { parseTraceText } from "../core/parse/index.ts";
import { checkConformance, commandAnswered, formatDivergences } from "../core/simulate/conformance.ts";
import { canonicalAddress } from "../core/simulate/ip-address.ts";
import type { Unmodelled } from "../core/simulate/rule-engine.ts";
import { labFolderNameProblem } from "../core/trace-file/lab-folder-name.ts";
import { type ReadTraceFolderOptions, readTraceFolder } from "../core/trace-file/read-trace-folder.ts";
import type { Lab } from "../core/trace-file/schema.ts";
import { DEFAULT_LOCALE, LOCALES } from "../i18n/locales.ts";
import { buildWorld, LabError, type LoadedLab, recordedWorldOptions } from "../lab/load-lab.ts";

/** One line for `packetwalk --help`. */
export const summary =
  "compare every recorded trace with the simulator (--lessons: check lessons as the build does)";

const USAGE = `usage: packetwalk check [TRACE_DIR_OR_FILE...] [--verbose] [--json]

Simulates each recorded trace (origin "recorded") from its lab.json, its sysctls and the ruleset
exactly as it was installed when recorded (metadata 'instrumentation', else 'ruleset'), and
compares hook lists, the devices each line shows at them (IN=, OUT=) and NAT rewrites (TRACE
traces: also the matched rules, bridge chains included), packet by packet; for a single ping (-c1)
with its exit code, also whether its last packet got through (a drop after the last logged hook
shows in no line), and for one that got no answer, that the echo reply the recording does not show
would not have reached it. A NAT port the kernel
chooses (random, or from a source NAT's range) agrees with any port of that range, the same throughout
the connection. The replay sends the first packet with the TTL recorded before routing lowered it (else
the command's ping -t or traceroute's), a UDP datagram to a closed port when the recording's answer
is an ICMP port unreachable, and a packet to the host's loopback address (127.0.0.0/8, ::1) that came
in by one of its devices framed to its address there, as simulate --via; --verbose says what it took. An invalid lab.json,
<scenario>.json or i18n/zh-tw.json, a ruleset edited since a trace pinned it (rulesetPins), and a
lab whose zh-TW texts are missing are errors counted in the total. Arguments: lab folders (traces/docker-bridge), a folder of labs (traces: every lab in it), trace
files (traces/docker-bridge/x.log or .json), or nothing for every folder under traces/.
  --json      one JSON object: {"total", "agree", "results": [{"trace", "ok", "packets", "report", "errors"}]}
  --verbose   also list the traces that agree
Exit code 1 when any trace diverges or any file is invalid, 2 for bad arguments.

usage: packetwalk check --lessons [LESSON_FILE_OR_DIR...] [--json]

Checks lessons as \`npm run build\` does, without building or a browser: front matter, and every
::trace directive run through the build's own remark plugins (a missing trace, a bad attribute, a
typo in the directive, a packet or direction the trace does not have). Each problem is printed at
file:line:col with the directive's form and a hint; then every trace folder's problems, as the
build prints them (it stops on them before building any page, whichever lessons you name); drafts
the build leaves out, two lessons of a language with the same order, and missing translations are
warnings. Arguments: lesson files or
folders (default every lesson under content/lessons/, or PACKETWALK_CONTENT_DIR/lessons/); traces
are read from traces/ (PACKETWALK_TRACES_DIR).
  --json      one JSON object: {"lessons", "directives", "errors": [...], "warnings": [...]}
Exit code 1 when any lesson or trace folder has an error, 0 when clean (warnings included), 2 for a path that is
not a lesson or holds none.`;

/** The outcome of checking one trace (or of one invalid file, with `errors`). */
export interface TraceCheck {
  /** `<lab folder>/<stem>`, or the invalid file's path. */
  trace: string;
  ok: boolean;
  /** The readable diff or the file's problems (empty when ok). */
  report: string;
  packets: number;
  /** `file: field: message` lines when the files of this trace (or lab) are invalid. */
  errors?: string[];
  /** Set on an entry for a file of the lab (lab.json, a translation, a ruleset), not of one trace. */
  labFile?: true;
  /**
   * When the trace agrees only with another way of rules the simulator cannot decide (an unmodelled
   * or chance match): those rules and the way taken, e.g. `filter FORWARD line 12 (-m cpu ...): as if it matched`.
   */
  ways?: string[];
  /**
   * The NAT ports the kernel chose (random, or from a source NAT's range) that were compared as any
   * port of their range, e.g. `MASQUERADE at ip:nat:POSTROUTING draws it at random: compared as any port of 1024-65535 ...`.
   */
  chosenPorts?: string[];
  /** What the replay took from the command and the recording beyond the headers (`TTL 1 (...)`), in words. */
  inferred?: string[];
}

/** An undecided rule a replay took another way, in words: where it is, what was not decided, the way. */
function wayTaken(u: Unmodelled): string {
  const pick = u.alternatives?.some((a) => a.startsWith("another pick"));
  const way = pick ? `pick ${(u.way ?? 0) + 1}` : u.way === 0 ? "as if it matched" : "as if it did not match";
  return `${u.table} ${u.chain} line ${u.line} (${u.what}): ${way}`;
}

/** The file an error line of `readTraceFolder` is about (`path: field: message` or `path:line:col: ...`). */
function errorFile(line: string): string {
  return /^(.*?\.(?:json|log|rules))(?::\d+:\d+)?:/.exec(line)?.[1] ?? line.split(": ")[0] ?? line;
}

/**
 * Checks every recorded trace of lab `folder` (or only `stems`). Invalid files come back as failed
 * entries naming the file and field, one per file, so that they count in the total. `options` are
 * `readTraceFolder`'s: `packetwalk check` passes the locales each lab must be translated into.
 */
export function checkLab(
  folder: string,
  stems?: string[],
  options: ReadTraceFolderOptions & {
    /** Whether lab.json's `name` must be the folder's name, as the build requires. Default: false. */
    folderName?: boolean;
  } = {},
): TraceCheck[] {
  const data = readTraceFolder(folder, options);
  const results: TraceCheck[] = [];
  const byFile = new Map<string, string[]>();
  const labFile = join(folder, "lab.json");
  const misnamed =
    options.folderName && data.lab
      ? labFolderNameProblem(data.lab.name, basename(resolve(folder)), readFileSync(labFile, "utf8"), labFile)
      : undefined;
  for (const e of misnamed ? [...data.errors, misnamed] : data.errors) {
    const file = errorFile(e);
    byFile.set(file, [...(byFile.get(file) ?? []), e]);
  }
  const wanted = (file: string) => {
    if (!stems) return true;
    const base = basename(file).replace(/\.(log|json)$/, "");
    return stems.includes(base) || !/\.(log|json)$/.test(file) || base === "lab";
  };
  for (const [file, errors] of byFile) {
    if (!wanted(file)) continue;
    const entry: TraceCheck = { trace: file, ok: false, report: errors.join("\n"), packets: 0, errors };
    // A trace's own .log or .json sits in the lab folder itself; any other file is the lab's.
    const traceFile =
      // Resolved: the folder as typed (`./traces/x`, `a//b`) and the file as read may be spelt apart.
      resolve(dirname(file)) === resolve(folder) &&
      /\.(log|json)$/.test(file) &&
      basename(file) !== "lab.json";
    if (!traceFile) entry.labFile = true;
    results.push(entry);
  }
  if (!data.lab) return results;
  const lab: LoadedLab = { folder, data };
  for (const t of data.traces) {
    if (t.meta.origin !== "recorded") continue;
    if (stems && !stems.includes(t.stem)) continue;
    if (byFile.has(join(folder, `${t.stem}.json`))) continue;
    const name = `${folder}/${t.stem}`;
    const parsed = parseTraceText(t.text, {
      file: t.logPath,
      prefixMap: t.prefixMap,
      chainHooks: t.chainHooks,
    });
    // A recorded line the parser cannot read would show as a made-up disagreement: name the line instead.
    const unread = parsed.diagnostics.filter((d) => d.severity === "error");
    if (unread.length) {
      const lines = unread.map(formatDiagnostic);
      results.push({ trace: name, ok: false, report: lines.join("\n"), packets: 0, errors: lines });
      continue;
    }
    // No packet at all: a comparison would only say "count differ"; say what the log lacks instead.
    if (parsed.packets.length === 0) {
      const lines = [
        `${t.logPath}:1:1: error: no netfilter packet in this recorded trace (${parsed.skippedLines} other ${parsed.skippedLines === 1 ? "line" : "lines"})`,
        ...parsed.diagnostics.map(formatDiagnostic),
        `  hint: a trace's .log holds the kernel's LOG or TRACE lines of its capture, as \`packetwalk capture\` writes them; \`packetwalk parse ${t.logPath}\` says what it reads there`,
      ];
      results.push({ trace: name, ok: false, report: lines.join("\n"), packets: 0, errors: lines });
      continue;
    }
    let built: ReturnType<typeof buildWorld>;
    try {
      built = buildWorld(lab, recordedWorldOptions(t.meta));
    } catch (error) {
      if (!(error instanceof LabError)) throw error;
      results.push({ trace: name, ok: false, report: error.message, packets: 0, errors: [error.message] });
      continue;
    }
    const errors = built.diagnostics.filter((d) => d.severity === "error");
    if (errors.length) {
      const lines = errors.map(formatDiagnostic);
      results.push({ trace: name, ok: false, report: lines.join("\n"), packets: 0, errors: lines });
      continue;
    }
    const r = checkConformance(built.world, parsed, {
      mode: t.meta.mode,
      from: t.meta.traffic.from,
      proto: t.meta.traffic.proto,
      // A single ping's exit code tells what became of its last packet, which no line may show.
      answered: commandAnswered(t.meta.traffic.command, t.meta.exitCode),
      command: t.meta.traffic.command,
    });
    // A disagreement is often explained by what the simulator does not model: say it with the diff.
    const unmodelled = formatFoldedDiagnostics(built.diagnostics.filter((d) => d.severity === "warning"));
    const ways = (r.ways ?? []).map(wayTaken);
    const report = r.divergences.length
      ? [
          formatDivergences(name, r.divergences),
          ...(r.stopped ? [`${name}: simulation stopped: ${r.stopped}`] : []),
          // The replay shown is the closest one: say which undecided rules it took another way.
          ...(ways.length
            ? [`${name}: compared taking undecided rules another way: ${ways.join("; ")}`]
            : []),
          ...(r.chosenPorts ?? []).map((c) => `${name}: a port the kernel chose: ${c}`),
          ...(r.inferred?.length ? [`${name}: replayed with ${r.inferred.join("; ")}`] : []),
          ...unmodelled,
          ...otherSender(parsed.packets[0], data.lab, t.meta.traffic.from, t.logPath),
        ].join("\n")
      : "";
    const ok = r.divergences.length === 0;
    results.push({
      trace: name,
      ok,
      report,
      packets: r.recorded.length,
      ...(ok && ways.length ? { ways } : {}),
      ...(ok && r.chosenPorts ? { chosenPorts: r.chosenPorts } : {}),
      ...(r.inferred ? { inferred: r.inferred } : {}),
    });
  }
  return results;
}

/**
 * A hint when the log's first packet was not sent by the host the metadata names (`traffic.from`):
 * a log copied from another scenario disagrees everywhere, and the comparison alone does not say why.
 */
function otherSender(
  first: ParsedTrace["packets"][number] | undefined,
  lab: Lab,
  from: string,
  logPath: string,
): string[] {
  const logged = first?.events[0]?.ip?.src;
  const host = lab.hosts.find((h) => h.name === from);
  if (!logged || !host || first?.direction !== "request") return [];
  // LOG prints IPv6 in full (`fd00:000a:...:0002`), lab.json as written (`fd00:a::2`): compared alike.
  const src = canonicalAddress(logged);
  const address = (a: string) => canonicalAddress(a.split("/")[0] ?? "");
  const own = host.interfaces
    .flatMap((i) => i.addresses.map(address))
    .filter((a) => !a.startsWith("127.") && a !== "::1");
  // A NATed or routed sender may show another address; only a host that has none of its own says nothing here.
  // A loopback source is every host's own (host -> 127.0.0.1:port, DNATed on).
  if (own.length === 0 || own.includes(src) || src.startsWith("127.") || src === "::1") return [];
  const sender = lab.hosts.find((h) => h.interfaces.some((i) => i.addresses.some((a) => address(a) === src)));
  return [
    `  hint: ${logPath}'s first packet comes from ${src}${sender ? ` (${sender.name})` : ""}, but traffic.from is '${from}' (${own.join(", ")}): is this the log of another scenario?`,
  ];
}

/** Whether `folder` holds a lab: its lab.json, or trace files (then a missing lab.json is reported, not skipped). */
function isLabFolder(folder: string): boolean {
  return readdirSync(folder).some((n) => n === "lab.json" || n.endsWith(".json"));
}

/** The lab folders directly inside `root`, in name order. */
function labsIn(root: string): { folder: string }[] {
  return readdirSync(root)
    .sort()
    .map((entry) => join(root, entry))
    .filter((f) => statSync(f).isDirectory() && isLabFolder(f))
    .map((folder) => ({ folder }));
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const verbose = argv.includes("--verbose");
  const json = argv.includes("--json");
  const lessons = argv.includes("--lessons");
  const args = argv.filter((a) => !a.startsWith("--"));
  const known = lessons ? ["--lessons", "--json"] : ["--verbose", "--json"];
  const unknown = argv.filter((a) => a.startsWith("--") && !known.includes(a));
  if (unknown.length) {
    process.stderr.write(
      `packetwalk check: ${lessons && unknown[0] === "--verbose" ? "--verbose is for traces, not with --lessons" : `unknown option ${unknown[0]}`}\n${USAGE}\n`,
    );
    return 2;
  }
  // Loaded only here: the trace check never loads the Markdown pipeline.
  if (lessons) return (await import("./lessons-check.ts")).runLessonsCheck(args, json);
  const targets: { folder: string; stems?: string[] }[] = [];
  if (args.length === 0) {
    if (!existsSync("traces")) {
      process.stderr.write(
        "packetwalk check: no traces/ folder here\nhint: run it from the repository root or name a lab folder\n",
      );
      return 2;
    }
    targets.push(...labsIn("traces"));
  }
  for (const a of args) {
    if (!existsSync(a)) {
      // A misspelt lab or trace: the nearest name in the folder it would be in.
      const dir = dirname(a.replace(/\/$/, ""));
      const names =
        existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).map((n) => join(dir, n)) : [];
      const guess = closest(a.replace(/\/$/, ""), names);
      process.stderr.write(
        `packetwalk check: ${a}: no such file or folder\nhint: ${guess ? `did you mean ${guess}?` : "give a lab folder (traces/<lab>), a trace file, or nothing for every lab under traces/"}\n`,
      );
      return 2;
    }
    const folder = a.replace(/\/$/, "");
    // A folder of labs (`traces`) is every lab in it; a folder with its own lab.json or trace files is one lab.
    if (statSync(a).isDirectory())
      targets.push(
        ...(isLabFolder(folder) ? [{ folder }] : labsIn(folder).length ? labsIn(folder) : [{ folder }]),
      );
    else targets.push({ folder: dirname(a), stems: [basename(a).replace(/\.(log|json)$/, "")] });
  }
  const all: TraceCheck[] = [];
  // As the build: every lab has its texts in each other locale of the site.
  const locales = LOCALES.filter((l) => l !== DEFAULT_LOCALE);
  for (const t of targets) all.push(...checkLab(t.folder, t.stems, { locales, folderName: true }));
  const failed = all.filter((r) => !r.ok).length;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ total: all.length, agree: all.length - failed, results: all }, null, 2)}\n`,
    );
    return failed ? 1 : 0;
  }
  for (const r of all) {
    if (r.ok) {
      if (verbose)
        process.stdout.write(
          `ok    ${r.trace} (${r.packets} packets)${r.ways ? `, taking undecided rules another way: ${r.ways.join("; ")}` : ""}${r.chosenPorts ? `; ports the kernel chose: ${r.chosenPorts.join("; ")}` : ""}${r.inferred ? `; replayed with ${r.inferred.join("; ")}` : ""}\n`,
        );
    } else {
      process.stdout.write(`${r.errors ? "ERROR" : "FAIL "} ${r.trace}\n${r.report}\n`);
    }
  }
  // A lab's own files are no traces: counted apart, so that the total is the number of traces.
  const traces = all.filter((r) => !r.labFile);
  const failedTraces = traces.filter((r) => !r.ok).length;
  const labFiles = all.length - traces.length;
  const badLabFiles = labFiles
    ? `; ${labFiles} lab ${labFiles === 1 ? "file is" : "files are"} invalid (ERROR above)`
    : "";
  process.stdout.write(
    `${traces.length - failedTraces}/${traces.length} recorded traces agree with the simulator${failedTraces ? ` (${failedTraces} failed or invalid)` : ""}${badLabFiles}\n`,
  );
  return failed ? 1 : 0;
}
