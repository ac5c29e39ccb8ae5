/**
 * One ruleset, every form a machine prints it in: iptables-legacy-save -c, iptables-nft-save, and
 * `nft list ruleset` of the iptables-nft tables (xt matches translated to nft's own) decide every
 * packet the same; `nft -j list ruleset` keeps xt matches untranslated, so there the packets that
 * meet one are uncertain, never decided otherwise without saying so.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario, type ScenarioSpec } from "../../../src/core/simulate/run-scenario.ts";
import { labWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/ipt-docker28-icc-internal");
const scenarios = JSON.parse(readFileSync(join(DIR, "scenario.json"), "utf8")) as (ScenarioSpec & {
  name: string;
})[];

function fates(file: string) {
  const ruleset = parseRulesetFile(readFileSync(join(DIR, file), "utf8"), file);
  expect(ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return scenarios.map((s) => {
    const r = runScenario({ ...labWorld(), ruleset }, s);
    return {
      name: s.name,
      packets: r.packets.map((p) => ({
        fate: p.fate.kind === "dropped" ? `dropped at ${p.fate.hook}` : p.fate.kind,
        received: p.received && `${p.received.src} -> ${p.received.dst}:${p.received.dport ?? ""}`,
        uncertain: p.unmodelled.length > 0,
      })),
    };
  });
}

describe("one Docker 28 ruleset in every saved form", () => {
  const legacy = fates("ruleset.rules");

  it("is decided without uncertainty from iptables-legacy-save -c", () => {
    expect(legacy.flatMap((s) => s.packets.map((p) => p.uncertain))).not.toContain(true);
    expect(legacy.find((s) => s.name === "c1-to-c2-icc-off")?.packets[0]?.fate).toBe(
      "dropped at ip:filter:FORWARD",
    );
  });

  it("gives the same fates from iptables-nft-save and from nft list ruleset", () => {
    expect(fates("iptables-nft-save.rules")).toEqual(legacy);
    expect(fates("nft-list.nft")).toEqual(legacy);
  });

  it("from nft -j list ruleset: every first packet meets an xt match and is uncertain", () => {
    for (const s of fates("nft-list.json")) expect(s.packets[0]?.uncertain, s.name).toBe(true);
  });
});

describe("nft -n list ruleset (numbers for names)", () => {
  const dir = join(import.meta.dirname, "../../fixtures/nft-ruleset/numeric");
  const specs = JSON.parse(readFileSync(join(dir, "scenarios.json"), "utf8")) as (ScenarioSpec & {
    name: string;
  })[];
  const run = (file: string) => {
    const ruleset = parseRulesetFile(readFileSync(join(dir, file), "utf8"), file);
    return {
      errors: ruleset.diagnostics.filter((d) => d.severity === "error"),
      unmodelled: ruleset.diagnostics.filter((d) => d.severity === "warning").length,
      fates: specs.map((s) =>
        runScenario({ ...labWorld(), ruleset }, s).packets.map((p) => ({
          fate: p.fate.kind === "dropped" ? `dropped at ${p.fate.hook}` : p.fate.kind,
          received: p.received && `${p.received.src} -> ${p.received.dst}:${p.received.dport ?? ""}`,
          unmodelled: p.unmodelled.map((u) => u.line),
        })),
      ),
    };
  };

  it("reads ct state, fib types, tcp flags, nfproto and ct status bits as their names: same warnings and fates", () => {
    const named = run("ruleset.nft");
    const numeric = run("ruleset-n.nft");
    expect(numeric.errors).toEqual([]);
    expect(numeric.unmodelled).toBe(named.unmodelled);
    expect(numeric.fates).toEqual(named.fates);
    // The ct state vmap (`0x2 : accept`) lets the handshake's later packets through.
    expect(named.fates[0]?.map((p) => p.fate)).toEqual(["delivered", "delivered", "delivered"]);
  });
});
