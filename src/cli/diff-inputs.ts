/**
 * The two sides of `packetwalk diff`: a folder as it is, or a git revision
 * whose `traces/` is exported (`git archive`) into a temporary folder that is
 * removed afterwards; and the facts of every trace found there.
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { type TraceFacts, traceFacts } from "../core/diff/trace-facts.ts";
import { labHookChains } from "../core/render/lab-hook-chains.ts";
import { entryKind, notRegularFile } from "../core/trace-file/read-regular-file.ts";
import { noRulesets, readTraceFolder } from "../core/trace-file/read-trace-folder.ts";
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

/** A side that is one lab folder, or one trace of it, rather than a folder of labs. */
export interface Only {
  /** The lab folder (it holds `lab.json`). */
  folder: string;
  /** The lab's name (its folder's). */
  lab: string;
  /** The trace's scenario, when the side is one trace (`<lab>/<scenario>.log` or `.json`). */
  stem?: string;
}

/** One side, ready to read. */
export interface Version {
  /** As the user wrote it. */
  label: string;
  /** The folder holding the lab folders (`<lab>/lab.json`). */
  tracesDir: string;
  /** Set when the side is one lab or one trace: only that is compared. */
  only?: Only;
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
  if (existsSync(spec) && statSync(spec).isFile()) return openTraceFile(spec);
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    const inner = join(spec, "traces");
    if (existsSync(inner)) return { label: spec, tracesDir: inner, cleanup: () => undefined };
    // One lab folder: its traces are compared with the other side's lab, scenario by scenario.
    if (existsSync(join(spec, "lab.json")))
      return {
        label: spec,
        tracesDir: dirname(spec),
        only: { folder: spec, lab: basename(spec) },
        cleanup: () => undefined,
      };
    if (!readdirSync(spec).some((name) => existsSync(join(spec, name, "lab.json"))))
      throw new DiffInputError(
        `'${spec}' holds neither traces/ nor a lab folder (<lab>/lab.json)`,
        "give the repository root or its traces/ folder, a lab folder, one trace (<lab>/<scenario>.log), or a git revision",
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

/** A trace file given as a side: `<lab>/<scenario>.log` or `.json`, in a lab folder. */
function openTraceFile(spec: string): Version {
  const folder = dirname(spec);
  const m = /^(.+)\.(log|json)$/.exec(basename(spec));
  const stem = m?.[1];
  if (!stem || basename(spec) === "lab.json" || !existsSync(join(folder, "lab.json")))
    throw new DiffInputError(
      `'${spec}' is a file, but not a trace of a lab folder (<lab>/<scenario>.log or .json beside lab.json)`,
      "give a trace of a lab folder (traces/my-host/web-to-db.log), a lab folder, a repository root or its traces/ folder, or a git revision; to compare raw kernel logs, import each first (packetwalk import)",
    );
  if (!existsSync(join(folder, `${stem}.json`)))
    throw new DiffInputError(
      `'${spec}': ${join(folder, `${stem}.json`)} does not exist, so '${stem}' is no trace of ${folder}`,
      `give a scenario that has both files: ${
        readdirSync(folder)
          .filter((f) => f.endsWith(".json") && f !== "lab.json")
          .map((f) => f.slice(0, -5))
          .join(", ") || "(the folder holds none)"
      }`,
    );
  return {
    label: spec,
    tracesDir: dirname(folder),
    only: { folder, lab: basename(folder), stem },
    cleanup: () => undefined,
  };
}

/** How a side's traces and rulesets are named in the comparison, so that two sides' names meet. */
export interface FactsNaming {
  /** Only this lab folder (and this trace of it), not every lab of the side. */
  only?: Only;
  /**
   * The name its traces are compared under, instead of `<lab>/<scenario>`: `lab` replaces the lab's name;
   * `trace`, when set, the whole name; `labs`, two labs' names, makes each `a/<scenario> → b/<scenario>`.
   */
  as?: { lab: string; trace?: string; labs?: [string, string] };
  /** The whole name its one reader ruleset is compared under (`a/docker-28 → b/docker-29-nft`: each lab with its ruleset). */
  rulesetAs?: string;
}

/**
 * The names two sides are compared under: two folders of labs by their own names; two lab folders
 * (or two traces) under one shared name, `a → b` where they differ, so that two machines' labs
 * meet scenario by scenario. Throws a {@link DiffInputError} when the sides are of different kinds.
 */
export function pairNaming(a: Version, b: Version): [FactsNaming, FactsNaming] {
  const kind = (v: Version) => (!v.only ? "a folder of labs" : v.only.stem ? "one trace" : "one lab folder");
  if (kind(a) !== kind(b))
    throw new DiffInputError(
      `'${a.label}' is ${kind(a)} but '${b.label}' is ${kind(b)}: both sides must be of one kind`,
      "give two repository roots or traces/ folders, two lab folders (traces/a traces/b), or two traces (traces/a/x.log traces/b/x.log)",
    );
  if (!a.only || !b.only) return [{}, {}];
  const join2 = (x: string, y: string) => (x === y ? x : `${x} → ${y}`);
  const lab = join2(a.only.lab, b.only.lab);
  const trace =
    a.only.stem && b.only.stem
      ? join2(`${a.only.lab}/${a.only.stem}`, `${b.only.lab}/${b.only.stem}`)
      : undefined;
  // Two labs of different names: each scenario as `a/x → b/x`, as two traces are named.
  const labs: [string, string] | undefined = a.only.lab === b.only.lab ? undefined : [a.only.lab, b.only.lab];
  const as = { lab, ...(trace ? { trace } : {}), ...(labs ? { labs } : {}) };
  const ra = labReaderRulesets(a.only.folder, a.only.stem);
  const rb = labReaderRulesets(b.only.folder, b.only.stem);
  // Each side's lab with its ruleset (`a/docker-28 → b/docker-29-nft`), not two arrows in one name.
  const rulesetAs =
    ra.length === 1 && rb.length === 1
      ? join2(`${a.only.lab}/${ra[0] as string}`, `${b.only.lab}/${rb[0] as string}`)
      : undefined;
  return [
    { only: a.only, as, ...(rulesetAs ? { rulesetAs } : {}) },
    { only: b.only, as, ...(rulesetAs ? { rulesetAs } : {}) },
  ];
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
  /** Labs and traces left out because their files do not read: on this side they look removed (or added). */
  dropped: string[];
  /** LOG traces compared without rule marks (the simulator cannot load their lab): their matched rules look removed (or added). */
  unmarked: string[];
}

/** The facts of every trace under `tracesDir` (no folder: none); `naming` narrows and renames them (see {@link pairNaming}). */
export function readVersionFacts(tracesDir: string, naming: FactsNaming = {}): VersionFacts {
  const out: VersionFacts = {
    traces: [],
    rulesets: noRulesets(),
    problems: [],
    unreadable: [],
    dropped: [],
    unmarked: [],
  };
  if (!existsSync(tracesDir)) return out;
  const labs = naming.only ? [naming.only.lab] : readdirSync(tracesDir).sort();
  for (const lab of labs) {
    const folder = naming.only ? naming.only.folder : join(tracesDir, lab);
    const kind = entryKind(folder);
    // A linked lab (dangling or not) is refused as the site's build refuses it, not followed.
    if (kind === "symlink") {
      out.problems.push(notRegularFile(folder, kind));
      continue;
    }
    if (kind !== "directory" || !existsSync(join(folder, "lab.json"))) continue;
    const data = readTraceFolder(folder);
    out.problems.push(...data.errors);
    const scenarios = readdirSync(folder)
      .filter((f) => f.endsWith(".json") && f !== "lab.json")
      .map((f) => f.slice(0, -5))
      .filter((s) => naming.only?.stem === undefined || s === naming.only.stem);
    if (!data.lab) {
      out.dropped.push(
        `${join(folder, "lab.json")} does not read (above), so the lab's ${scenarios.length} trace(s) are left out of this side`,
      );
      continue;
    }
    // A scenario whose metadata does not read is missing from data.traces: say so, or it reads as removed.
    const read = new Set(data.traces.map((t) => t.stem));
    for (const s of scenarios)
      if (!read.has(s)) {
        // The log that does not read (binary, a link) is the one to name; else its metadata.
        const log = join(folder, `${s}.log`);
        const blamed = data.errors.some((e) => e.startsWith(`${log}:`)) ? log : join(folder, `${s}.json`);
        out.dropped.push(`${blamed} does not read (above), so '${lab}/${s}' is left out of this side`);
      }
    const labName = naming.as?.lab ?? lab;
    const stem = naming.only?.stem;
    const traces = stem === undefined ? data.traces : data.traces.filter((t) => t.stem === stem);
    // A ruleset's instrumented copies change with it: the reader's ruleset alone is reported.
    const used = new Set(traces.map((t) => t.meta.ruleset));
    const readers = readerRulesets(Object.keys(data.rulesets)).filter(
      (n) => stem === undefined || used.has(n),
    );
    // Two labs' rulesets are named after their labs: one reader ruleset on each side is the same one.
    const single = naming.as && readers.length === 1;
    for (const name of readers)
      out.rulesets[single && naming.rulesetAs ? naming.rulesetAs : `${labName}/${name}`] = data.rulesets[
        name
      ] as string;
    // An nftables lab's maps list its base chains, as the site draws them.
    const chains = labHookChains(
      data.traces.map((t) => t.meta),
      data.rulesets,
    );
    for (const t of traces) {
      // Compared as the site shows it: with the matched rules where the simulator loads the lab.
      const parsed = parseAsShown(t, (why) =>
        out.unmarked.push(
          `'${labName}/${t.stem}' is compared without its matched rules, as the simulator cannot load its lab: ${why.split("\n")[0]}`,
        ),
      );
      // A line that cannot be read would silently drop out of the hook list being compared.
      for (const d of parsed.diagnostics)
        if (d.severity === "error") out.unreadable.push(formatDiagnostic(d));
      out.traces.push(
        traceFacts(
          naming.as?.trace ??
            (naming.as?.labs
              ? `${naming.as.labs[0]}/${t.stem} → ${naming.as.labs[1]}/${t.stem}`
              : `${labName}/${t.stem}`),
          t.meta,
          data.lab,
          parsed,
          chains,
        ),
      );
    }
  }
  return out;
}

/** The reader rulesets of a lab folder (none when it does not read). */
export function labReaderRulesets(folder: string, stem?: string): string[] {
  const data = readTraceFolder(folder);
  const used = new Set(
    data.traces.filter((t) => stem === undefined || t.stem === stem).map((t) => t.meta.ruleset),
  );
  return readerRulesets(Object.keys(data.rulesets)).filter((n) => stem === undefined || used.has(n));
}
