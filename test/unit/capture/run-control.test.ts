import { describe, expect, it } from "vitest";
import { CAPTURE_PHASES, InterruptedError, RunControl } from "../../../src/capture/run-control.ts";

describe("the capture's run control", () => {
  it("passes every phase at once when no pause is asked for", async () => {
    const control = new RunControl([]);
    for (const phase of CAPTURE_PHASES) await control.phase(phase);
  });

  it("refuses a pause at a phase that does not exist", () => {
    expect(() => new RunControl(["teardown", "tear-down"])).toThrow(
      "PACKETWALK_TEST_PAUSE: unknown phase 'tear-down' (phases: locked, claimed,",
    );
  });

  it("stops the run at the next check once a signal has arrived, with the shell's exit code", async () => {
    const control = new RunControl([]);
    control.check();
    control.signal = "SIGTERM";
    expect(() => control.check()).toThrow(InterruptedError);
    await expect(control.phase("lab-built")).rejects.toMatchObject({ exitCode: 143, signal: "SIGTERM" });
    expect(new InterruptedError("SIGINT").exitCode).toBe(130);
  });
});
