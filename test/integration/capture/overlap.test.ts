/**
 * Two captures at once, even with different state folders (`PACKETWALK_STATE_DIR`):
 * the second fails at once with a clear message and creates nothing, `--cleanup`
 * refuses to touch a live run, and the first finishes unharmed. A scenario that
 * records nothing (here: nf_log_all_netns switched off under a running capture)
 * fails the run instead of writing an empty trace.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { acquireCaptureLock, CaptureLockedError } from "../../../src/capture/capture-lock.ts";
import { NF_LOG_ALL_NETNS } from "../../../src/capture/cleanup.ts";
import { machineState, pauseLine, startCapture } from "./machine-state.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the overlap tests: ${why}`);

const ONE = ["--lab", "docker-bridge", "--scenario", "container-to-host"];

describe.skipIf(why !== undefined)("overlapping captures", () => {
  const scratch = mkdtempSync(join(tmpdir(), "packetwalk-overlap-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const folder = (name: string) => mkdtempSync(join(scratch, `${name}-`));

  it("the lock is held once per machine and says who holds it", async () => {
    const lock = await acquireCaptureLock({ pid: process.pid, what: "the overlap test", stateFile: "/x" });
    try {
      const error = await acquireCaptureLock({ pid: 1, what: "a second", stateFile: "/y" }).catch((e) => e);
      expect(error).toBeInstanceOf(CaptureLockedError);
      expect((error as CaptureLockedError).holder).toEqual({
        pid: process.pid,
        what: "the overlap test",
        stateFile: "/x",
      });
      const cleanup = await startCapture(["--cleanup"]).done;
      expect(cleanup.code).toBe(1);
      expect(cleanup.stderr).toContain(
        `error: another capture is running on this machine (the overlap test, pid ${process.pid}, state file /x)`,
      );
    } finally {
      await lock.release();
    }
    const again = await acquireCaptureLock({ pid: process.pid, what: "after release", stateFile: "/z" });
    await again.release();
  });

  it("a second capture with another state folder fails early and the first is unharmed", async () => {
    const before = await machineState();
    const [stateA, stateB, outA, outB] = ["state-a", "state-b", "out-a", "out-b"].map(folder);
    const first = startCapture([...ONE, "--out", outA as string], {
      PACKETWALK_STATE_DIR: stateA as string,
      PACKETWALK_TEST_PAUSE: "rules-inserted",
    });
    await first.waitFor(pauseLine("rules-inserted"));
    const during = await machineState();
    const second = await startCapture([...ONE, "--out", outB as string], {
      PACKETWALK_STATE_DIR: stateB as string,
    }).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /packetwalk capture: error: another capture is running on this machine \(capture run [a-z0-9]{2}, pid \d+, state file .*state-a-.*\/capture\.json\); wait for it to finish/,
    );
    expect(second.stderr).not.toContain("building the lab");
    expect(readdirSync(stateB as string)).toEqual([]);
    expect(readdirSync(outB as string)).toEqual([]);
    // --cleanup from either state folder leaves the live run alone.
    const cleanup = await startCapture(["--cleanup"], { PACKETWALK_STATE_DIR: stateB as string }).done;
    expect(cleanup.code).toBe(1);
    expect(cleanup.stderr).toContain("another capture is running on this machine");
    expect(await machineState()).toEqual(during);
    first.child.kill("SIGUSR2");
    const result = await first.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^ {2}\d+ lines$/m);
    expect(readFileSync(join(outA as string, "docker-bridge/container-to-host.log"), "utf8")).toMatch(
      /pw..\/iptable\/filter-INPUT/,
    );
    expect(await machineState()).toEqual(before);
  });

  it("a scenario that records 0 lines fails the run and is not written", async () => {
    const before = await machineState();
    const out = folder("empty");
    const run = startCapture([...ONE, "--out", out], { PACKETWALK_TEST_PAUSE: "rules-inserted" });
    await run.waitFor(pauseLine("rules-inserted"));
    // Something else switches LOG in namespaces off while the capture runs.
    writeFileSync(NF_LOG_ALL_NETNS, "0\n");
    run.child.kill("SIGUSR2");
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "packetwalk capture: error: scenario container-to-host recorded 0 lines, so it was not written; /proc/sys/net/netfilter/nf_log_all_netns is 0 now, though this run set it to 1: something else changed it",
    );
    expect(result.stderr).toMatch(/^hint: LOG lines from namespaces reach the kernel log only while/m);
    expect(existsSync(join(out, "docker-bridge/container-to-host.log"))).toBe(false);
    expect(existsSync(join(out, "docker-bridge/container-to-host.json"))).toBe(false);
    expect(await machineState()).toEqual(before);
  });
});
