/**
 * SIGTERM at every phase of a capture, the teardown included: the run stops at
 * the phase (the `PACKETWALK_TEST_PAUSE` hook says so on stderr), gets the
 * signal, and afterwards the machine is exactly as before: namespaces, links,
 * every nft table, the sysctls, /run. No sleeps decide when the signal lands.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { CAPTURE_PHASES } from "../../../src/capture/run-control.ts";
import { machineState, oneScenario, pauseLine, startCapture } from "./machine-state.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the signal tests: ${why}`);

describe.skipIf(why !== undefined)("a signal at any phase of a capture", () => {
  const out = mkdtempSync(join(tmpdir(), "packetwalk-signals-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const runs: { mode: "log" | "trace"; scenario: string; phases: readonly string[] }[] = [
    { mode: "log", scenario: "container-to-host", phases: CAPTURE_PHASES },
    // TRACE mode differs where its rules and monitor are: those phases, and the teardown.
    { mode: "trace", scenario: "container-to-wan", phases: ["rules-inserted", "traffic-sent", "teardown"] },
  ];
  for (const { mode, scenario, phases } of runs) {
    for (const phase of phases) {
      it(`${mode} mode: SIGTERM at '${phase}' leaves the machine as it was`, async () => {
        const before = await machineState();
        const run = startCapture(
          ["--lab", "docker-bridge", "--mode", mode, "--scenario", scenario, "--out", out],
          { PACKETWALK_TEST_PAUSE: phase },
        );
        await run.waitFor(pauseLine(phase));
        run.child.kill("SIGTERM");
        const result = await run.done;
        expect(result.code, result.stderr).toBe(143);
        expect(result.stderr).toContain("packetwalk: SIGTERM: removing the lab");
        expect(result.stderr).not.toMatch(/cleanup failed|left something behind/);
        expect(await machineState()).toEqual(before);
      });
    }
  }

  it("a second signal during the teardown does not cut it short", async () => {
    const before = await machineState();
    const run = startCapture(oneScenario(out), {
      PACKETWALK_TEST_PAUSE: "teardown,teardown-netns-removed",
    });
    await run.waitFor(pauseLine("teardown"));
    run.child.kill("SIGTERM");
    // The namespaces are gone, the sysctl and state file not yet: the most fragile moment.
    await run.waitFor(pauseLine("teardown-netns-removed"));
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain("packetwalk: SIGINT: still removing the lab, please wait");
    expect(result.stderr).toContain("lab removed");
    expect(await machineState()).toEqual(before);
  });
});
