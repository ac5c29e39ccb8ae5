/**
 * `packetwalk check [TRACES...]`: simulates every recorded trace's scenario from its own lab and
 * ruleset and compares, packet by packet, the hooks, the NAT rewrites and (TRACE) the matched rules
 * with what the kernel recorded. Prints a readable "kernel vs predicted" diff; exit 1 on divergence.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { nftLogRulesText, nftTraceRulesText } from "../capture/nft-log-rules.ts";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { parseTraceText } from "../core/parse/index.ts";
import { checkConformance, formatDivergences } from "../core/simulate/conformance.ts";
import { isNftRuleset } from "../core/simulate/parse-ruleset-file.ts";
import { buildWorld, LabError, loadLab, logOverlay, traceOverlay } from "../lab/load-lab.ts";

/** One line for `packetwalk --help`. */
export const summary = "compare every recorded trace with the simulator";

const USAGE = `usage: packetwalk check [TRACE_DIR_OR_FILE...] [--verbose]

Simulates each recorded trace (origin "recorded") from its lab.json, ruleset and sysctls, and
compares hook lists and NAT rewrites (TRACE traces: also the matched rules), packet by packet.
Arguments: lab folders (traces/docker-bridge), trace files (traces/docker-bridge/x.log or .json),
or nothing for every folder under traces/. Exit code 1 when any trace diverges.`;

/** The outcome of checking one trace. */
export interface TraceCheck {
  trace: string;
  ok: boolean;
  /** The readable diff (empty when ok). */
  report: string;
  packets: number;
}

/** Checks every recorded trace of lab `folder` (or only `stems`). */
export function checkLab(folder: string, stems?: string[]): TraceCheck[] {
  const lab = loadLab(folder);
  const results: TraceCheck[] = [];
  for (const t of lab.data.traces) {
    if (t.meta.origin !== "recorded") continue;
    if (stems && !stems.includes(t.stem)) continue;
    const name = `${folder}/${t.stem}`;
    const parsed = parseTraceText(t.text, { file: t.logPath });
    let overlay: ReturnType<typeof logOverlay> = [];
    let nftOverlay: string | undefined;
    const nft = isNftRuleset(lab.data.rulesets[t.meta.ruleset] ?? "");
    if (nft) {
      const tag = t.meta.tag ?? /\b(pw[a-z0-9]{2})\//.exec(t.text)?.[1] ?? "pwxx";
      nftOverlay = t.meta.mode === "log" ? nftLogRulesText(tag) : nftTraceRulesText();
    } else if (t.meta.mode === "log") {
      const tag = t.meta.tag ?? /\b(pw[a-z0-9]{2})\//.exec(t.text)?.[1];
      if (!tag) {
        results.push({
          trace: name,
          ok: false,
          report: `${name}: no run tag (metadata 'tag') to rebuild the lab's LOG rules`,
          packets: 0,
        });
        continue;
      }
      overlay = logOverlay(tag);
    } else {
      const comment = /--comment (pw-[a-z0-9]{2})/.exec(t.text)?.[1] ?? "pw-xx";
      overlay = traceOverlay(comment);
    }
    const { world, diagnostics } = buildWorld(lab, {
      ruleset: t.meta.ruleset,
      sysctls: t.meta.sysctls,
      overlay,
      nftOverlay,
    });
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (errors.length) {
      results.push({ trace: name, ok: false, report: errors.map(formatDiagnostic).join("\n"), packets: 0 });
      continue;
    }
    const r = checkConformance(world, parsed, {
      mode: t.meta.mode,
      from: t.meta.traffic.from,
      proto: t.meta.traffic.proto,
    });
    const report = r.divergences.length
      ? `${formatDivergences(name, r.divergences)}${r.stopped ? `\n${name}: simulation stopped: ${r.stopped}` : ""}`
      : "";
    results.push({ trace: name, ok: r.divergences.length === 0, report, packets: r.recorded.length });
  }
  return results;
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const verbose = argv.includes("--verbose");
  const args = argv.filter((a) => !a.startsWith("--"));
  const unknown = argv.filter((a) => a.startsWith("--") && a !== "--verbose");
  if (unknown.length) {
    process.stderr.write(`packetwalk check: unknown option ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  const targets: { folder: string; stems?: string[] }[] = [];
  if (args.length === 0) {
    if (!existsSync("traces")) {
      process.stderr.write(
        "packetwalk check: no traces/ folder here\nhint: run it from the repository root or name a lab folder\n",
      );
      return 2;
    }
    for (const entry of (await import("node:fs")).readdirSync("traces")) {
      const f = join("traces", entry);
      if (statSync(f).isDirectory() && existsSync(join(f, "lab.json"))) targets.push({ folder: f });
    }
  }
  for (const a of args) {
    if (!existsSync(a)) {
      process.stderr.write(`packetwalk check: ${a}: no such file or folder\n`);
      return 2;
    }
    if (statSync(a).isDirectory()) targets.push({ folder: a.replace(/\/$/, "") });
    else targets.push({ folder: dirname(a), stems: [basename(a).replace(/\.(log|json)$/, "")] });
  }
  let failed = 0;
  let total = 0;
  for (const t of targets) {
    let results: TraceCheck[];
    try {
      results = checkLab(t.folder, t.stems);
    } catch (error) {
      if (error instanceof LabError) {
        process.stderr.write(`packetwalk check: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
    for (const r of results) {
      total++;
      if (r.ok) {
        if (verbose) process.stdout.write(`ok    ${r.trace} (${r.packets} packets)\n`);
      } else {
        failed++;
        process.stdout.write(`FAIL  ${r.trace}\n${r.report}\n`);
      }
    }
  }
  process.stdout.write(`${total - failed}/${total} recorded traces agree with the simulator\n`);
  return failed ? 1 : 0;
}
