/**
 * LOG prefixes of a recorded capture next to those the simulator prints for the same scenario: the
 * comparison the bridge-match kernel tests make on their fixture folders (lab.json, rulesets, logs).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseRulesetFile } from "../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../src/core/simulate/run-scenario.ts";
import { buildTopology } from "../../src/core/simulate/topology.ts";
import { labSchema } from "../../src/core/trace-file/schema.ts";

/** The LOG prefixes (`hc...` words) of the lines of `dir/log` that `keep` selects, in the kernel's order. */
export function capturedPrefixes(dir: string, log: string, keep: (line: string) => boolean): string[] {
  return readFileSync(join(dir, log), "utf8")
    .split("\n")
    .filter(keep)
    .map((l) => (/\] (hc\S+)/.exec(l) as RegExpExecArray)[1] as string);
}

/** The LOG prefixes the simulator prints for a's ping to 198.51.100.11 (b) in `dir`'s lab under ruleset file `name`. */
export function simulatedPrefixes(dir: string, name: string): string[] {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(dir, "lab.json"), "utf8")));
  const world = {
    topology: buildTopology(lab),
    ruleset: parseRulesetFile(readFileSync(join(dir, name), "utf8"), name),
    ebtables: lab.ebtables,
    sysctls: lab.sysctls,
  };
  const run = runScenario(world, { from: "a", to: "198.51.100.11", proto: "icmp" });
  return run.packets.flatMap((p) => p.events.flatMap((e) => e.logs.map((l) => l.prefix.trim())));
}
