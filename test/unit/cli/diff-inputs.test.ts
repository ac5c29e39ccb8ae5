/**
 * The sides `packetwalk diff` takes besides folders of labs and revisions: two lab folders (two
 * machines, or one lab imported twice) are compared scenario by scenario whatever the labs and
 * their rulesets are called, and two traces with each other; they used to be refused ("one lab's
 * folder") or, given as their traces/ folders, reported as every trace removed and added. Sides of
 * different kinds, and a file that is no trace, are one error with a hint. Reports that cannot be
 * written (a folder there, a file where its folder would be, two reports to one file) are refused
 * before any work, not with a bare EISDIR after the first report was written. A trace whose metadata
 * does not read is named as left out, in the report too, and the exit code is 1 (it was a warning,
 * the report said "removed", and the exit code 0). A trace compared without its rule marks (its
 * lab does not load in the simulator on one side) is named too, and exits 1: its matched rules
 * used to read as removed without a word.
 */
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { outputProblem, run } from "../../../src/cli/diff-command.ts";
import { DiffInputError, openVersion, pairNaming, readVersionFacts } from "../../../src/cli/diff-inputs.ts";
import { diffFacts } from "../../../src/core/diff/diff-facts.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const ROOT = join(import.meta.dirname, "../../..");
const tmp = tempDir("pw-diff-inputs-");

/** traces/two-networks copied as lab `name`, its ruleset renamed after it as import names it. */
function labCopy(name: string): string {
  const dir = join(tmp(), name);
  cpSync(join(ROOT, "traces/two-networks"), dir, { recursive: true });
  for (const f of ["lab.json", "b1-to-a1.json"])
    writeFileSync(join(dir, f), readFileSync(join(dir, f), "utf8").replaceAll("two-networks", name));
  for (const f of readdirSync(join(dir, "rulesets")))
    renameSync(join(dir, "rulesets", f), join(dir, "rulesets", f.replace("two-networks", name)));
  return dir;
}

function compare(a: string, b: string) {
  const [va, vb] = [openVersion(a), openVersion(b)];
  const [na, nb] = pairNaming(va, vb);
  const before = readVersionFacts(va.tracesDir, na);
  const after = readVersionFacts(vb.tracesDir, nb);
  expect([...before.problems, ...after.problems]).toEqual([]);
  return diffFacts(before.traces, after.traces, { before: before.rulesets, after: after.rulesets });
}

// Copied before the tests (not at import), so a run that filters them all out copies nothing.
let hostA = "";
let hostB = "";
beforeAll(() => {
  hostA = labCopy("host-a");
  hostB = labCopy("host-b");
});

describe("diff's sides", () => {
  it("compares two lab folders of different names scenario by scenario, rulesets too", () => {
    const d = compare(hostA, hostB);
    expect(d.traces).toEqual([]);
    expect(d.rulesets).toEqual([]);
    expect(d.unchanged).toBe(1);
  });

  it("reports a change between two lab folders under the pair's name", () => {
    const log = join(hostB, "b1-to-a1.log");
    const lines = readFileSync(log, "utf8").split("\n");
    // The dropping rule's line gone: the packet's hook list is one step shorter.
    writeFileSync(log, lines.filter((l) => !l.includes("[isolation drop]")).join("\n"));
    try {
      const d = compare(hostA, hostB);
      expect(d.traces.map((t) => [t.name, t.kind])).toEqual([
        ["host-a/b1-to-a1 → host-b/b1-to-a1", "changed"],
      ]);
    } finally {
      writeFileSync(log, lines.join("\n"));
    }
  });

  it("compares two traces with each other, by their .log or .json", () => {
    const bridge = join(ROOT, "traces/docker-bridge");
    const same = compare(join(bridge, "container-to-wan.log"), join(bridge, "container-to-wan.json"));
    expect(same.traces).toEqual([]);
    expect(same.unchanged).toBe(1);
    const other = compare(join(bridge, "container-to-wan.log"), join(bridge, "container-to-container.log"));
    expect(other.traces.map((t) => [t.name, t.kind])).toEqual([
      ["docker-bridge/container-to-wan → docker-bridge/container-to-container", "changed"],
    ]);
    // Two labs' rulesets: each lab with its own, one arrow between them.
    const labs = compare(
      join(bridge, "container-to-wan.log"),
      join(ROOT, "traces/docker-bridge-nft/container-to-wan.log"),
    );
    expect(labs.rulesets.map((r) => r.name)).toEqual([
      "docker-bridge/docker-28 → docker-bridge-nft/docker-29-nft",
    ]);
  });

  it("refuses sides of different kinds and a file that is no trace", () => {
    expect(() => pairNaming(openVersion(hostA), openVersion(tmp()))).toThrow(
      `'${hostA}' is one lab folder but '${tmp()}' is a folder of labs: both sides must be of one kind`,
    );
    const stray = join(tmp(), "notes.txt");
    writeFileSync(stray, "hello\n");
    expect(() => openVersion(stray)).toThrow(DiffInputError);
    expect(() => openVersion(stray)).toThrow("is a file, but not a trace of a lab folder");
    expect(() => openVersion(join(hostA, "nope.log"))).toThrow("is neither a folder nor a git revision");
    writeFileSync(join(hostA, "orphan.log"), "\n");
    try {
      expect(() => openVersion(join(hostA, "orphan.log"))).toThrow("so 'orphan' is no trace of");
    } finally {
      rmSync(join(hostA, "orphan.log"));
    }
  });
});

describe("diff's report files", () => {
  it("names a folder, or a file where a folder would be", () => {
    const file = join(tmp(), "a-file");
    writeFileSync(file, "");
    mkdirSync(join(tmp(), "reports"), { recursive: true });
    expect(outputProblem("--json", join(tmp(), "reports"))?.message).toBe(
      `--json ${join(tmp(), "reports")}: is a folder, not a file`,
    );
    expect(outputProblem("--html", join(file, "r.html"))?.message).toBe(
      `--html ${join(file, "r.html")}: ${file} is a file, so no folder can hold the report there`,
    );
    expect(outputProblem("--markdown", join(tmp(), "new", "deeper", "r.md"))).toBeUndefined();
  });

  it("refuses them before any work, exit 2, and two reports to one file", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await run([hostA, hostB, "--json", tmp()])).toBe(2);
      const same = join(tmp(), "same.out");
      expect(await run([hostA, hostB, "--json", same, "--markdown", same])).toBe(2);
      const text = err.mock.calls.map((c) => String(c[0])).join("");
      expect(text).toContain(`--json ${tmp()}: is a folder, not a file`);
      expect(text).toContain(`--markdown and --json name the same file, ${same}`);
      expect(text).not.toContain("EISDIR");
    } finally {
      err.mockRestore();
    }
  });

  it("names a trace whose metadata does not read as left out, and exits 1", async () => {
    const broken = labCopy("host-c");
    writeFileSync(join(broken, "b1-to-a1.json"), '{"version": 1, "scenario": ');
    const facts = readVersionFacts(tmp(), pairNaming(openVersion(hostA), openVersion(broken))[1]);
    expect(facts.traces).toEqual([]);
    expect(facts.dropped).toEqual([
      `${join(broken, "b1-to-a1.json")} does not read (above), so 'host-c/b1-to-a1' is left out of this side`,
    ]);
    // A log that is no text is the file named, not its metadata.
    const binary = labCopy("host-d");
    writeFileSync(join(binary, "b1-to-a1.log"), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    expect(readVersionFacts(tmp(), pairNaming(openVersion(hostA), openVersion(binary))[1]).dropped).toEqual([
      `${join(binary, "b1-to-a1.log")} does not read (above), so 'host-d/b1-to-a1' is left out of this side`,
    ]);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const report = join(tmp(), "broken.md");
    try {
      expect(await run([hostA, broken, "--markdown", report])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join("")).toContain(
        "1 file(s) could not be read (above), so their traces show as removed or added",
      );
      expect(readFileSync(report, "utf8")).toContain("**1 file(s) could not be read**");
    } finally {
      err.mockRestore();
    }
  });

  it("says which traces lost their rule marks when the simulator cannot load a side, and exits 1", async () => {
    // Two one-lab checkouts of docker-bridge; on the second, a simulated trace's what-if ruleset is gone.
    const side = (name: string) => {
      const dir = join(tmp(), name, "traces", "docker-bridge");
      cpSync(join(ROOT, "traces/docker-bridge"), dir, { recursive: true });
      return dir;
    };
    const good = side("marks-good");
    const bad = side("marks-bad");
    rmSync(join(bad, "rulesets", "sim-forward-drop.rules"));
    const [va, vb] = [openVersion(good), openVersion(bad)];
    const [na, nb] = pairNaming(va, vb);
    expect(readVersionFacts(va.tracesDir, na).unmarked).toEqual([]);
    const facts = readVersionFacts(vb.tracesDir, nb);
    expect(facts.unmarked).toEqual([
      expect.stringMatching(
        /^'docker-bridge\/sim-forward-drop' is compared without its matched rules, as the simulator cannot load its lab: .*sim-forward-drop\.log: its command names traces\/docker-bridge\/rulesets\/sim-forward-drop\.rules: /,
      ),
    ]);
    // Without them, the rules the other side marks read as removed: the report says why.
    const changed = diffFacts(readVersionFacts(va.tracesDir, na).traces, facts.traces, {
      before: {},
      after: {},
    });
    expect(changed.traces.map((t) => t.name)).toContain("docker-bridge/sim-forward-drop");
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const report = join(tmp(), "unmarked.md");
    try {
      expect(await run([good, bad, "--markdown", report])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join("")).toContain(
        "1 trace(s) compared without their matched rules (above), so those show as removed or added",
      );
      const md = readFileSync(report, "utf8");
      expect(md).toContain("**1 trace(s) compared without their matched rules**");
      expect(md).toContain("sim-forward-drop' is compared without its matched rules");
    } finally {
      err.mockRestore();
    }
  });

  it("names a linked lab among the traces, a dangling link too, instead of failing on it", () => {
    const traces = join(tmp(), "linked-traces");
    mkdirSync(traces);
    cpSync(join(ROOT, "traces/two-networks"), join(traces, "two-networks"), { recursive: true });
    symlinkSync("/nonexistent-pw-lab", join(traces, "dangling"));
    symlinkSync(join(traces, "two-networks"), join(traces, "linked"));
    const facts = readVersionFacts(traces);
    expect(facts.problems.filter((p) => p.includes("is a symbolic link"))).toEqual([
      `${join(traces, "dangling")}: is a symbolic link; traces, labs and rulesets must be files committed in the repository (copy the file's content instead of linking it)`,
      `${join(traces, "linked")}: is a symbolic link; traces, labs and rulesets must be files committed in the repository (copy the file's content instead of linking it)`,
    ]);
    expect(facts.traces.length).toBeGreaterThan(0);
  });
});
