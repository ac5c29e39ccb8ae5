/**
 * Writes a capture into `traces/<lab>/`: the kernel log verbatim (`<stem>.log`),
 * its metadata (`<stem>.json`), the ruleset (`rulesets/<name>.rules`) and the
 * topology (`lab.json`, whose ruleset list is merged with what is already there).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { instrumentRulesetText } from "../core/simulate/instrument-ruleset.ts";
import type { OverlayRule } from "../core/simulate/log-overlay.ts";
import { isNftRuleset } from "../core/simulate/parse-ruleset-file.ts";
import { validateLabText } from "../core/trace-file/load-trace.ts";
import { pinRulesets } from "../core/trace-file/ruleset-pins.ts";
import { type Lab, labSchema, type TraceMeta, traceMetaSchema } from "../core/trace-file/schema.ts";
import { logOverlay, traceOverlay } from "../lab/load-lab.ts";
import { CaptureError } from "./capture-error.ts";
import { nftInstrumentation } from "./nft-log-rules.ts";

/** The file stem of a scenario's trace: `<name>[-trace][-docker<version>]` (Docker 28 has no suffix). */
export function traceStem(name: string, mode: "log" | "trace", dockerVersion: string): string {
  return `${name}${mode === "trace" ? "-trace" : ""}${dockerVersion === "28" ? "" : `-docker${dockerVersion}`}`;
}

/**
 * A saved ruleset in a form two captures of the same rules agree on: the save tools' comment
 * lines (dates, "# Warning: iptables-legacy tables present") dropped, and chain counters zeroed,
 * since a packet that crossed the namespace before the save would otherwise change the file.
 */
function stableSave(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .map((line) => (line.startsWith(":") ? line.replace(/ \[\d+:\d+\]$/, " [0:0]") : line))
    .join("\n")
    .trim();
}

/**
 * The ruleset file a capture writes: `iptables-save` and `ebtables-save` output made stable
 * ({@link stableSave}), after the `ipset save` output when the lab has ipsets (default: none).
 */
export function stableRuleset(
  iptablesSave: string,
  bridgeRules: string,
  note: string,
  ipsetSave = "",
): string {
  const iptables = stableSave(iptablesSave);
  const bridge = stableSave(bridgeRules) || "# (no bridge rules: Docker adds none)";
  const sets = ipsetSave.trim() === "" ? "" : `# ipset save\n${ipsetSave.trim()}\n`;
  return `# ${note}\n${sets}# iptables-save\n${iptables}\n# ebtables-save (bridge family)\n${bridge}\n`;
}

/**
 * JSON in the repository's formatter style (biome): objects one key per line,
 * arrays of plain values on one line when they fit in 110 columns. Captures
 * then leave `biome check` clean.
 */
export function formatJson(value: unknown, indent = "", lead = 0): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((item) => item === null || typeof item !== "object")) {
      const inline = `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
      if (indent.length + lead + inline.length + 1 <= 110) return inline;
    }
    const inner = `${indent}  `;
    return `[\n${value.map((item) => `${inner}${formatJson(item, inner)}`).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return "{}";
    const inner = `${indent}  `;
    const lines = entries.map(([key, item]) => {
      const head = `${JSON.stringify(key)}: `;
      return `${inner}${head}${formatJson(item, inner, head.length)}`;
    });
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** One trace to write. */
export interface TraceToWrite {
  stem: string;
  /** The log or monitor output, one entry per line, verbatim. */
  lines: string[];
  meta: TraceMeta;
  /**
   * The ruleset as saved while the trace was recorded, logging rules included (see
   * `instrumentation` in the schema). Default: rebuilt by {@link instrumentedRuleset}.
   */
  instrumentation?: { name: string; text: string };
}

/**
 * The logging rules `packetwalk capture --lab` installs for a trace, rebuilt from its metadata and
 * lines by the code that installs them: LOG mode, the tagged LOG rules at the top of every chain
 * (run tag `meta.tag`); TRACE mode, the commented TRACE rules in raw PREROUTING and OUTPUT (the
 * comment as the lines print it). Undefined when the trace does not carry the capture's marks.
 */
export function captureInstrumentation(
  meta: TraceMeta,
  lines: readonly string[],
): { suffix: string; rules: OverlayRule[] } | undefined {
  if (meta.mode === "log") return meta.tag ? { suffix: meta.tag, rules: logOverlay(meta.tag) } : undefined;
  for (const line of lines) {
    const comment = /--comment (pw-[a-z0-9]{2})\b/.exec(line)?.[1];
    if (comment) return { suffix: comment, rules: traceOverlay(comment) };
  }
  return undefined;
}

/**
 * The instrumentation ruleset file of a captured trace: `ruleset` with the capture's logging
 * rules written in, named `<ruleset>.instrumented-<tag or comment>`; for an nft ruleset (the
 * docker-bridge-nft lab), with its log or nftrace tables, named `<ruleset>.instrumented-<tag or nftrace>`,
 * placed after the tables of `loadedFirst` (the lab's ruleset the capture loaded before them;
 * default `ruleset` itself) as the kernel registered them.
 */
export function instrumentedRuleset(
  ruleset: { name: string; text: string },
  meta: TraceMeta,
  lines: readonly string[],
  loadedFirst: string = ruleset.text,
): { name: string; text: string } | undefined {
  const kind = meta.mode === "log" ? "LOG" : "TRACE";
  if (isNftRuleset(ruleset.text)) {
    // The nft lab loads tables of its own (nftLogRulesText / nftTraceRulesText) next to Docker's.
    if (meta.mode === "log" && !meta.tag) return undefined;
    const nft = nftInstrumentation(ruleset.text, meta.mode, meta.tag ?? "", loadedFirst);
    const header = `# As installed while recording: ${ruleset.name} and packetwalk capture's nft ${kind} tables (${nft.suffix}).\n`;
    return { name: `${ruleset.name}.instrumented-${nft.suffix}`, text: header + nft.text };
  }
  const found = captureInstrumentation(meta, lines);
  if (!found) return undefined;
  const header = `# As installed while recording: ${ruleset.name} and packetwalk capture's ${kind} rules (${found.suffix}).\n`;
  return {
    name: `${ruleset.name}.instrumented-${found.suffix}`,
    text: header + instrumentRulesetText(ruleset.text, found.rules),
  };
}

/**
 * Writes `traces` (and the lab's ruleset and topology) into `<outDir>/<lab.name>/`; returns the
 * paths written. Of several rulesets, the first is the one the capture loaded before its logging
 * tables or rules; the others are what a scenario's setup made of it.
 */
export function writeLabFolder(
  outDir: string,
  lab: Lab,
  ruleset: { name: string; text: string } | readonly { name: string; text: string }[],
  traces: readonly TraceToWrite[],
): string[] {
  const sets = Array.isArray(ruleset) ? ruleset : [ruleset as { name: string; text: string }];
  const folder = join(outDir, lab.name);
  mkdirSync(join(folder, "rulesets"), { recursive: true });
  const written: string[] = [];
  const write = (path: string, text: string) => {
    writeFileSync(path, text);
    written.push(path);
  };
  const labPath = join(folder, "lab.json");
  const instrumentations = new Map<string, string>();
  const metas = traces.map((trace) => {
    if (trace.meta.origin !== "recorded" || trace.meta.instrumentation) return trace.meta;
    const own = sets.find((r) => r.name === trace.meta.ruleset) ?? sets[0];
    // The first ruleset was loaded before the capture's tables: a variant's own tables came after them.
    const inst =
      trace.instrumentation ?? (own && instrumentedRuleset(own, trace.meta, trace.lines, sets[0]?.text));
    if (!inst) return trace.meta;
    instrumentations.set(inst.name, inst.text);
    return { ...trace.meta, instrumentation: inst.name };
  });
  const texts = {
    ...Object.fromEntries(sets.map((r) => [r.name, r.text])),
    ...Object.fromEntries(instrumentations),
  };
  for (const [i, meta] of metas.entries()) {
    if (meta.origin === "recorded") metas[i] = { ...meta, rulesetPins: pinRulesets(meta, texts) };
  }
  let rulesets = [...sets.map((r) => r.name), ...instrumentations.keys()];
  if (existsSync(labPath)) {
    // checkOutDir found it valid before the capture; one spoiled since is not overwritten blindly.
    const previous = validateLabText(readFileSync(labPath, "utf8"), labPath);
    if (!previous.ok) throw new CaptureError(previous.errors.join("\n"), `fix ${labPath} or remove it`);
    rulesets = [...previous.value.rulesets, ...rulesets];
  }
  rulesets = [...new Set(rulesets)].sort();
  write(labPath, `${formatJson(labSchema.parse({ ...lab, rulesets }))}\n`);
  for (const r of sets) write(join(folder, "rulesets", `${r.name}.rules`), r.text);
  for (const [name, text] of instrumentations) write(join(folder, "rulesets", `${name}.rules`), text);
  traces.forEach((trace, i) => {
    write(join(folder, `${trace.stem}.log`), trace.lines.length ? `${trace.lines.join("\n")}\n` : "");
    write(join(folder, `${trace.stem}.json`), `${formatJson(traceMetaSchema.parse(metas[i]))}\n`);
  });
  return written;
}
