/**
 * The proof: every recorded trace under traces/ is simulated from its own lab, ruleset and sysctls
 * and must agree with the kernel, packet by packet (hooks, NAT rewrites; TRACE: matched rules).
 * A divergence fails with the readable kernel-vs-predicted diff.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { buildWorld, loadLab, logOverlay } from "../../../src/cli/load-lab.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { checkConformance } from "../../../src/core/simulate/conformance.ts";

const TRACES = join(import.meta.dirname, "../../../traces");
const labs = readdirSync(TRACES)
  .map((d) => join(TRACES, d))
  .filter((d) => statSync(d).isDirectory() && readdirSync(d).includes("lab.json"));

describe("simulator conformance with the recorded traces", () => {
  it("finds recorded traces to check", () => {
    const count = labs.flatMap((l) => checkLab(l)).length;
    expect(count).toBeGreaterThan(0);
  });

  for (const lab of labs) {
    for (const result of checkLab(lab)) {
      it(`${result.trace} agrees with the kernel`, () => {
        expect(result.report, result.report).toBe("");
        expect(result.ok).toBe(true);
        expect(result.packets).toBeGreaterThan(0);
      });
    }
  }

  it("would catch a wrong model: legacy ebtables' bridge OUTPUT order diverges from the nft recording", () => {
    const dir = join(TRACES, "docker-bridge");
    const loaded = loadLab(dir);
    const trace = loaded.data.traces.find((t) => t.stem === "host-to-container");
    if (!trace) throw new Error("host-to-container is missing from traces/docker-bridge");
    const { world } = buildWorld(loaded, {
      ruleset: trace.meta.ruleset,
      sysctls: trace.meta.sysctls,
      overlay: logOverlay(trace.meta.tag ?? ""),
    });
    world.ebtables = "legacy";
    const r = checkConformance(world, parseTraceText(trace.text), {
      mode: "log",
      from: "host",
      proto: "icmp",
    });
    expect(r.divergences.map((d) => d.what)).toContain("hooks");
  });

  it("would catch a wrong sysctl: bridge-nf-call-iptables=0 against a recording made with 1", () => {
    const dir = join(TRACES, "docker-bridge");
    const loaded = loadLab(dir);
    const trace = loaded.data.traces.find((t) => t.stem === "container-to-container");
    if (!trace) throw new Error("container-to-container is missing");
    const { world } = buildWorld(loaded, {
      ruleset: trace.meta.ruleset,
      sysctls: { "net.bridge.bridge-nf-call-iptables": "0" },
      overlay: logOverlay(trace.meta.tag ?? ""),
    });
    const r = checkConformance(world, parseTraceText(trace.text), { mode: "log", from: "c1", proto: "icmp" });
    expect(r.divergences.length).toBeGreaterThan(0);
  });
});
