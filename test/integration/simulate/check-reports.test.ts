/**
 * `packetwalk check` reports everything: an invalid metadata file or lab.json is a failed entry
 * naming the file and field (counted in the total, never skipped), a recorded trace is simulated
 * with the rules its kernel had and nothing else, and the JSON output carries the same.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";

const LAB = join(import.meta.dirname, "../../../traces/docker-bridge");
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function copyLab(): string {
  const parent = mkdtempSync(join(tmpdir(), "pw-check-"));
  // The temporary folder itself is removed, not only the lab inside it.
  dirs.push(parent);
  const dir = join(parent, "docker-bridge");
  cpSync(LAB, dir, { recursive: true });
  return dir;
}

describe("packetwalk check on a folder with problems", () => {
  it("counts a broken metadata file as a failure that names it and its field", () => {
    const dir = copyLab();
    const good = checkLab(dir);
    const file = join(dir, "container-to-wan.json");
    const meta = JSON.parse(readFileSync(file, "utf8"));
    meta.traffic.proto = "sctp";
    const text = JSON.stringify(meta);
    writeFileSync(file, text);
    const results = checkLab(dir);
    expect(results).toHaveLength(good.length);
    const bad = results.filter((r) => !r.ok);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.trace).toBe(file);
    // At the field's key in the file (one line here).
    expect(bad[0]?.report).toContain(`${file}:1:${text.indexOf('"proto":"sctp"') + 1}: traffic.proto:`);
  });

  it("names a recorded line the parser cannot read, instead of a made-up disagreement", () => {
    const dir = copyLab();
    const file = join(dir, "container-to-wan.log");
    const lines = readFileSync(file, "utf8").split("\n");
    // Line 4 cut right after its source address.
    lines[3] = (lines[3] as string).slice(0, (lines[3] as string).indexOf(" DST=") + 1);
    writeFileSync(file, lines.join("\n"));
    const r = checkLab(dir, ["container-to-wan"]);
    expect(r).toHaveLength(1);
    expect(r[0]?.ok).toBe(false);
    expect(r[0]?.errors).toEqual([
      expect.stringMatching(
        new RegExp(`^${file}:4:\\d+: error: expected DST= before the end of the line\n  hint: `),
      ),
    ]);
    expect(r[0]?.report).not.toMatch(/hooks differ/);
  });

  it("reports an invalid lab.json instead of stopping or skipping", () => {
    const dir = copyLab();
    const file = join(dir, "lab.json");
    const lab = JSON.parse(readFileSync(file, "utf8"));
    lab.hosts[0].interfaces[1].mac = "02:42:XX";
    writeFileSync(file, JSON.stringify(lab));
    const results = checkLab(dir);
    expect(
      results.some((r) => !r.ok && r.trace === file && /hosts\[0\]\.interfaces\[1\]\.mac/.test(r.report)),
    ).toBe(true);
  });

  it("simulates with the recorded instrumentation only: without it the trace diverges, not silently agrees", () => {
    const dir = copyLab();
    const file = join(dir, "container-to-wan.json");
    const meta = JSON.parse(readFileSync(file, "utf8"));
    delete meta.instrumentation;
    delete meta.tag;
    writeFileSync(file, JSON.stringify(meta));
    const r = checkLab(dir, ["container-to-wan"]);
    expect(r).toHaveLength(1);
    // The clean ruleset has no LOG rule: the simulator predicts no line at all, and says so.
    expect(r[0]?.ok).toBe(false);
    expect(r[0]?.report).toMatch(/hooks differ/);
  });
});

describe("the instrumentation files of the docker-bridge lab", () => {
  it("are the lab's ruleset plus logging rules only", () => {
    const data = readTraceFolder(LAB);
    // Every rule that is not a LOG/TRACE rule, by family, table and chain.
    const rules = (text: string) => {
      const r = parseRulesetFile(text);
      expect(r.diagnostics).toEqual([]);
      const out: string[] = [];
      for (const [family, f] of [
        ["ip", r.ip],
        ["bridge", r.bridge],
      ] as const)
        for (const table of f.tables.values())
          for (const chain of table.chains.values())
            for (const rule of chain.rules)
              if (!rule.log && rule.target.kind !== "LOG" && !/ -j TRACE\b/.test(rule.text))
                out.push(`${family} ${table.name} ${rule.text}`);
      return out;
    };
    let n = 0;
    for (const t of data.traces) {
      if (t.meta.origin !== "recorded") continue;
      expect(t.meta.instrumentation, t.stem).toBeTruthy();
      const inst = data.rulesets[t.meta.instrumentation as string] as string;
      const clean = data.rulesets[t.meta.ruleset] as string;
      expect(inst).toMatch(t.meta.mode === "log" ? / -j LOG / : / -j TRACE/);
      expect(rules(inst)).toEqual(rules(clean));
      expect(rules(inst).length).toBeGreaterThan(5);
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });
});

describe("packetwalk check --json", () => {
  it("prints totals and one result per trace, and fails on a broken file", async () => {
    const { spawnSync } = await import("node:child_process");
    const dir = copyLab();
    writeFileSync(join(dir, "host-to-container.json"), "{ not json");
    const bin = join(import.meta.dirname, "../../../bin/packetwalk.mjs");
    const r = spawnSync(process.execPath, [bin, "check", "--json", dir], { encoding: "utf8" });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as {
      total: number;
      agree: number;
      results: { trace: string; ok: boolean }[];
    };
    expect(out.total).toBe(out.results.length);
    expect(out.total - out.agree).toBe(1);
    expect(out.results.find((x) => !x.ok)?.trace).toBe(join(dir, "host-to-container.json"));
  });

  it("names the nearest lab or trace for a misspelt one, exit 2", async () => {
    const { spawnSync } = await import("node:child_process");
    const dir = copyLab();
    const bin = join(import.meta.dirname, "../../../bin/packetwalk.mjs");
    const run = (target: string) => spawnSync(process.execPath, [bin, "check", target], { encoding: "utf8" });
    const lab = run(`${dir.slice(0, -1)}x`);
    expect(lab.status).toBe(2);
    expect(lab.stderr).toBe(
      `packetwalk check: ${dir.slice(0, -1)}x: no such file or folder\nhint: did you mean ${dir}?\n`,
    );
    const trace = run(join(dir, "container-to-wn.log"));
    expect(trace.status).toBe(2);
    expect(trace.stderr).toContain(`hint: did you mean ${join(dir, "container-to-wan.log")}?\n`);
  });

  it("checks every lab of a folder of labs (packetwalk check traces), as it checks the lab itself", async () => {
    const { spawnSync } = await import("node:child_process");
    const dir = copyLab();
    const bin = join(import.meta.dirname, "../../../bin/packetwalk.mjs");
    const run = (target: string) => {
      const r = spawnSync(process.execPath, [bin, "check", "--json", target], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { total: number; results: { trace: string }[] };
    };
    const lab = run(dir);
    const parent = run(join(dir, ".."));
    expect(lab.total).toBeGreaterThan(5);
    expect(parent.results.map((x) => x.trace)).toEqual(lab.results.map((x) => x.trace));
  });
});

describe("annotations simulated with the instrumentation", () => {
  it("point at the lines of the ruleset a reader sees, logging rules at none", async () => {
    const { annotateRecorded } = await import("../../../src/lab/load-lab.ts");
    const a = annotateRecorded(LAB, "wan-to-published-port");
    const clean = readFileSync(join(LAB, "rulesets", "docker-28.rules"), "utf8").split("\n");
    const nat = a.trace.packets[0]?.events.find((e) => e.hook === "ip:nat:PREROUTING");
    const dnat = nat?.matched?.find((m) => m.verdict === "DNAT");
    expect(dnat).toBeDefined();
    expect(clean[(dnat?.ruleLine ?? 0) - 1]).toBe(dnat?.text);
    const log = nat?.matched?.find((m) => / -j LOG /.test(m.text));
    expect(log?.ruleLine).toBe(0);
  });
});
