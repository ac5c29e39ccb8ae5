/**
 * The two sides of `packetwalk diff`: a folder as it is, or a git revision
 * whose `traces/` is exported (`git archive`) into a temporary folder that is
 * removed afterwards; and the facts of every trace found there.
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { type TraceFacts, traceFacts } from "../core/diff/trace-facts.ts";
import { labHookChains } from "../core/render/lab-hook-chains.ts";
import { readTraceFolder } from "../core/trace-file/read-trace-folder.ts";
import { readerRulesets } from "../core/trace-file/ruleset-pins.ts";
import { parseAsShown } from "../lab/parse-as-shown.ts";

/** A user mistake in the arguments (exit code 2). */
export class DiffInputError extends Error {
  /** What to do about it. */
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/** One side, ready to read. */
export interface Version {
  /** As the user wrote it. */
  label: string;
  /** The folder holding the lab folders (`<lab>/lab.json`). */
  tracesDir: string;
  /** Removes what was exported (nothing for a folder). */
  cleanup(): void;
}

function git(repo: string, args: string[], input?: Buffer) {
  return spawnSync("git", ["-C", repo, ...args], { input, maxBuffer: 1 << 30 });
}

/**
 * Opens `spec`: a folder (a repository root with `traces/`, or a traces folder itself), else a git revision of `repo`.
 * @param repo the git repository revisions are read from; default the current directory
 */
export function openVersion(spec: string, repo: string = process.cwd()): Version {
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    const inner = join(spec, "traces");
    if (existsSync(inner)) return { label: spec, tracesDir: inner, cleanup: () => undefined };
    // A lab folder or an unrelated one would compare as "every trace removed" or as nothing at all.
    if (existsSync(join(spec, "lab.json")))
      throw new DiffInputError(
        `'${spec}' is one lab's folder (it holds lab.json), not a folder of labs`,
        "give the repository root or its traces/ folder on both sides, e.g. packetwalk diff old/traces new/traces",
      );
    if (!readdirSync(spec).some((name) => existsSync(join(spec, name, "lab.json"))))
      throw new DiffInputError(
        `'${spec}' holds neither traces/ nor a lab folder (<lab>/lab.json)`,
        "give the repository root or its traces/ folder, or a git revision",
      );
    return { label: spec, tracesDir: spec, cleanup: () => undefined };
  }
  const rev = git(repo, ["rev-parse", "--verify", "--quiet", `${spec}^{commit}`]);
  if (rev.status !== 0) {
    const isRepo = git(repo, ["rev-parse", "--git-dir"]).status === 0;
    throw new DiffInputError(
      `'${spec}' is neither a folder nor a git revision${isRepo ? ` of ${repo}` : ` (${repo} is not a git repository)`}`,
      "give two folders, or two revisions (a branch, tag or commit) of the repository you run it in (or --repo DIR)",
    );
  }
  const sha = rev.stdout.toString().trim();
  const dir = mkdtempSync(join(tmpdir(), "packetwalk-diff-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const hasTraces = git(repo, ["cat-file", "-e", `${sha}:traces`]).status === 0;
    if (hasTraces) {
      const archive = git(repo, ["archive", "--format=tar", sha, "traces"]);
      if (archive.status !== 0) throw new Error(`git archive ${spec}: ${archive.stderr.toString().trim()}`);
      const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
      if (untar.status !== 0) throw new Error(`tar: ${untar.stderr.toString().trim()}`);
    }
    return { label: spec, tracesDir: join(dir, "traces"), cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** What was read from one side. */
export interface VersionFacts {
  traces: TraceFacts[];
  /** Ruleset texts by `<lab>/<name>`. */
  rulesets: Record<string, string>;
  /** Problems with files that could not be read (the rest is still compared). */
  problems: string[];
  /** Log lines that could not be read (`file:line:col: error: ...`): their packets are compared without them. */
  unreadable: string[];
}

/** The facts of every trace under `tracesDir` (no folder: none). */
export function readVersionFacts(tracesDir: string): VersionFacts {
  const out: VersionFacts = { traces: [], rulesets: {}, problems: [], unreadable: [] };
  if (!existsSync(tracesDir)) return out;
  for (const lab of readdirSync(tracesDir).sort()) {
    const folder = join(tracesDir, lab);
    if (!statSync(folder).isDirectory() || !existsSync(join(folder, "lab.json"))) continue;
    const data = readTraceFolder(folder);
    out.problems.push(...data.errors);
    if (!data.lab) continue;
    // A ruleset's instrumented copies change with it: the reader's ruleset alone is reported.
    for (const name of readerRulesets(Object.keys(data.rulesets)))
      out.rulesets[`${lab}/${name}`] = data.rulesets[name] as string;
    // An nftables lab's maps list its base chains, as the site draws them.
    const chains = labHookChains(
      data.traces.map((t) => t.meta),
      data.rulesets,
    );
    for (const t of data.traces) {
      // Compared as the site shows it: with the matched rules where the simulator loads the lab.
      const parsed = parseAsShown(t);
      // A line that cannot be read would silently drop out of the hook list being compared.
      for (const d of parsed.diagnostics)
        if (d.severity === "error") out.unreadable.push(formatDiagnostic(d));
      out.traces.push(traceFacts(`${lab}/${t.stem}`, t.meta, data.lab, parsed, chains));
    }
  }
  return out;
}
