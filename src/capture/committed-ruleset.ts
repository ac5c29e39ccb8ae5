/**
 * The ruleset a capture loads: the lab's committed `rulesets/<name>.rules`
 * when it exists, so that a maintainer edits the ruleset, captures again and
 * sees in `packetwalk diff` what the edit did; the built-in Docker ruleset
 * only for a lab folder that has none yet.
 */
import { join } from "node:path";
import { takeIpsetSection } from "../core/simulate/parse-ipset-save.ts";
import { readRegularFile } from "../core/trace-file/read-regular-file.ts";
import { CaptureError } from "./capture-error.ts";

/** A committed ruleset split for the tools that load it. */
export interface CommittedRuleset {
  /** Path it was read from. */
  path: string;
  /** `iptables-restore` input: every `*table … COMMIT` block. */
  iptables: string;
  /** `ebtables-restore` input, or "" when the file has no bridge rules. */
  bridge: string;
  /** `ipset restore` input (the file's `ipset save` section), or "" when it holds no ipsets. */
  ipset: string;
  /** The file's text as committed. */
  text: string;
}

/**
 * Splits a ruleset file as `stableRuleset` writes it (`# iptables-save`, the tables, then
 * `# ebtables-save`, the bridge tables); comment lines are dropped. A file without the markers
 * is read as iptables-save output. Pure.
 */
export function splitRulesetFile(text: string): { iptables: string; bridge: string; ipset: string } {
  const lines = text.split("\n");
  // The ipsets first: iptables-restore refuses a rule whose set does not exist yet.
  const sets = takeIpsetSection(lines)
    .lines.filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .join("\n");
  const marker = lines.findIndex((line) => /^# ebtables-save\b/.test(line));
  const keep = (part: string[]) =>
    part
      .filter((line) => line.trim() !== "" && !line.startsWith("#"))
      .join("\n")
      .trim();
  const iptables = keep(marker < 0 ? lines : lines.slice(0, marker));
  const bridge = marker < 0 ? "" : keep(lines.slice(marker + 1));
  return {
    iptables: iptables ? `${iptables}\n` : "",
    bridge: bridge ? `${bridge}\n` : "",
    ipset: sets ? `${sets}\n` : "",
  };
}

/**
 * The lab's committed ruleset `name` under `<outDir>/<lab>/rulesets/`, or undefined when the lab
 * has none (a new lab). A symbolic link or an unreadable file throws a {@link CaptureError}: a
 * capture never loads rules from outside the repository.
 */
export function committedRuleset(outDir: string, lab: string, name: string): CommittedRuleset | undefined {
  const path = join(outDir, lab, "rulesets", `${name}.rules`);
  const read = readRegularFile(path);
  if (!read.ok) {
    if (read.error.endsWith(": missing")) return undefined;
    throw new CaptureError(
      read.error,
      `commit the ruleset file itself, or remove ${path} to start from Docker's`,
    );
  }
  return { path, text: read.text, ...splitRulesetFile(read.text) };
}

/** Chain counters zeroed: they count packets, not rules. */
const zeroCounters = (text: string) => text.replace(/^(:\S+ \S+) \[\d+:\d+\]$/gm, "$1 [0:0]");

/**
 * The ruleset file a capture writes: the committed file byte for byte when the kernel, once it
 * loaded it, saved the same rules back (so the pins of the lab's other traces still hold), else
 * the saved text (the maintainer's edit as the kernel reads it). Pure.
 */
export function rulesetToWrite(saved: string, committed: CommittedRuleset | undefined): string {
  if (!committed) return saved;
  const now = splitRulesetFile(saved);
  // `ipset save` lists a hash set's elements in hash order: compared as a set of lines.
  const sorted = (text: string) => text.split("\n").sort().join("\n");
  const same =
    zeroCounters(now.iptables) === zeroCounters(committed.iptables) &&
    zeroCounters(now.bridge) === zeroCounters(committed.bridge) &&
    sorted(now.ipset) === sorted(committed.ipset);
  return same ? committed.text : saved;
}
