/**
 * Fixture cases under test/fixtures/simulate/<case>/: `scenario.json` (a what-if run over the recorded
 * lab; one scenario or a list) with `expected.jsonl` (per packet: hooks crossed, fate, what was not
 * modelled, with the other outcomes of a chance rule), or `input.rules` with `expected.txt` (the positioned diagnostics). A scenario's `rulesetFile`
 * names a ruleset in the case's folder (e.g. another machine's `nft list ruleset`) instead of a lab
 * ruleset; its diagnostics are listed where a file is first used. A scenario's `lab` names a lab.json in the
 * case's folder (another kind of machine: a Kubernetes node, a libvirt host) instead of the
 * docker-bridge lab's topology. A scenario's `script` gives the packets to send (default: the protocol's
 * usual exchange), and `notes: true` adds each packet's notes. Expected files are rewritten only with UPDATE=1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { labWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate");

/** A ruleset file of a case's folder, read as the CLI reads `--ruleset-file`. */
function rulesetOf(path: string) {
  return parseRulesetFile(readFileSync(path, "utf8"), basename(path));
}
/** A world over a case's own topology (`lab`: its lab.json, another kind of machine), rules set by the scenario. */
function caseWorld(path: string, sysctls: Record<string, string>): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  return {
    topology: buildTopology(lab),
    ruleset: parseRulesetFile("", "none"),
    ebtables: lab.ebtables,
    sysctls: { ...lab.sysctls, ...sysctls },
  };
}
const UPDATE = process.env.UPDATE === "1";

function compare(path: string, actual: string): void {
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`${path} is missing; run with UPDATE=1 to create it`);
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("simulator fixtures", () => {
  for (const name of readdirSync(DIR).sort()) {
    const dir = join(DIR, name);
    it(`${name}: ${readFileSync(join(dir, "intent"), "utf8").trim()}`, () => {
      if (existsSync(join(dir, "input.rules"))) {
        const rs = parseRulesetFile(readFileSync(join(dir, "input.rules"), "utf8"), "input.rules");
        const text = rs.diagnostics
          .map(
            (d) =>
              `${d.position.file}:${d.position.line}:${d.position.column}: ${d.severity}: ${d.message} (hint: ${d.hint ?? "-"})`,
          )
          .join("\n");
        compare(join(dir, "expected.txt"), `${text}\n`);
        return;
      }
      const parsed = JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8"));
      const scenarios = Array.isArray(parsed) ? parsed : [parsed];
      const lines: string[] = [];
      for (const [n, s] of scenarios.entries()) {
        const base = s.lab
          ? caseWorld(join(dir, s.lab), s.sysctls ?? {})
          : labWorld("docker-28", s.sysctls ?? {});
        const world = s.rulesetFile
          ? { ...base, ruleset: rulesetOf(join(dir, s.rulesetFile)) }
          : labWorld(s.ruleset, s.sysctls ?? {});
        if (s.rulesetFile && !scenarios.slice(0, n).some((x) => x.rulesetFile === s.rulesetFile))
          for (const d of world.ruleset.diagnostics)
            lines.push(
              `${n === 0 ? "" : `${s.rulesetFile}:`}${d.position.line}:${d.position.column}: ${d.severity}: ${d.message}`,
            );
        const r = runScenario(world, {
          from: s.from,
          to: s.to,
          src: s.src,
          proto: s.proto,
          sport: s.sport,
          dport: s.dport,
          ...(s.script ? { script: s.script } : {}),
        });
        for (const p of r.packets)
          lines.push(
            JSON.stringify({
              ...(scenarios.length > 1 ? { scenario: s.name ?? n + 1 } : {}),
              packet: p.id,
              direction: p.direction,
              hooks: p.events.map((e) => e.hook),
              fate:
                p.fate.kind === "dropped"
                  ? { kind: "dropped", hook: p.fate.hook, reason: p.fate.reason }
                  : p.fate,
              received: p.received
                ? `${p.received.src}${p.received.sport ? `:${p.received.sport}` : ""} -> ${p.received.dst}${p.received.dport ? `:${p.received.dport}` : ""}`
                : undefined,
              ...(p.unmodelled.length
                ? {
                    unmodelled: p.unmodelled.map(
                      (u) =>
                        `line ${u.line}: ${u.what}${u.alternatives?.length ? ` (${u.alternatives.join("; ")})` : ""}`,
                    ),
                  }
                : {}),
              // A scenario with `notes: true` lists what the simulator noticed (e.g. a flowtable's offload).
              ...(s.notes && p.notes.length ? { notes: p.notes } : {}),
            }),
          );
      }
      compare(join(dir, "expected.jsonl"), `${lines.join("\n")}\n`);
    });
  }
});
