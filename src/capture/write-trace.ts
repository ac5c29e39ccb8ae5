/**
 * Writes a capture into `traces/<lab>/`: the kernel log verbatim (`<stem>.log`),
 * its metadata (`<stem>.json`), the ruleset (`rulesets/<name>.rules`) and the
 * topology (`lab.json`, whose ruleset list is merged with what is already there).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateLabText } from "../core/trace-file/load-trace.ts";
import { type Lab, labSchema, type TraceMeta, traceMetaSchema } from "../core/trace-file/schema.ts";
import { CaptureError } from "./capture-error.ts";

/** The file stem of a scenario's trace: `<name>[-trace][-docker<version>]` (Docker 28 has no suffix). */
export function traceStem(name: string, mode: "log" | "trace", dockerVersion: string): string {
  return `${name}${mode === "trace" ? "-trace" : ""}${dockerVersion === "28" ? "" : `-docker${dockerVersion}`}`;
}

/** Strips `iptables-save`'s dated comment lines so that two captures give the same ruleset file. */
export function stableRuleset(iptablesSave: string, bridgeRules: string, note: string): string {
  const iptables = iptablesSave
    .split("\n")
    .filter((line) => !/^# (Generated|Completed) /.test(line))
    .join("\n")
    .trimEnd();
  const bridge = bridgeRules.trim() || "# (no bridge rules: Docker adds none)";
  return `# ${note}\n# iptables-save\n${iptables}\n# ebtables-save (bridge family)\n${bridge}\n`;
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
}

/** Writes `traces` (and the lab's ruleset and topology) into `<outDir>/<lab.name>/`; returns the paths written. */
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
  let rulesets = sets.map((r) => r.name);
  if (existsSync(labPath)) {
    // checkOutDir found it valid before the capture; one spoiled since is not overwritten blindly.
    const previous = validateLabText(readFileSync(labPath, "utf8"), labPath);
    if (!previous.ok) throw new CaptureError(previous.errors.join("\n"), `fix ${labPath} or remove it`);
    rulesets = [...new Set([...previous.value.rulesets, ...rulesets])].sort();
  }
  write(labPath, `${formatJson(labSchema.parse({ ...lab, rulesets }))}\n`);
  for (const r of sets) write(join(folder, "rulesets", `${r.name}.rules`), r.text);
  for (const trace of traces) {
    write(join(folder, `${trace.stem}.log`), trace.lines.length ? `${trace.lines.join("\n")}\n` : "");
    write(join(folder, `${trace.stem}.json`), `${formatJson(traceMetaSchema.parse(trace.meta))}\n`);
  }
  return written;
}
