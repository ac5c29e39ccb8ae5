/**
 * Cleanup is a guarantee: after a successful capture, a failing one, one killed
 * with SIGKILL then `capture --cleanup` (also with a damaged state file), the
 * machine looks exactly as before: namespaces, links, nft ruleset, sysctls, /run.
 * Runs are stopped at named phases (`PACKETWALK_TEST_PAUSE`), never by timing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { NF_LOG_ALL_NETNS } from "../../../src/capture/cleanup.ts";
import { runCommand } from "../../../src/capture/run-command.ts";
import { checkLab } from "../../../src/cli/check-command.ts";
import { machineState, oneScenario, pauseLine, startCapture } from "./machine-state.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the cleanup tests: ${why}`);

const STATE = "/run/packetwalk/capture.json";

/** Starts a one-scenario capture, stops it at `phase` and kills it with SIGKILL: leftovers and a state file remain. */
async function killedAt(phase: string, out: string, lab = "docker-bridge"): Promise<void> {
  const run = startCapture(oneScenario(out, lab), {
    PACKETWALK_TEST_PAUSE: phase,
  });
  await run.waitFor(pauseLine(phase));
  run.child.kill("SIGKILL");
  await run.done;
}

describe.skipIf(why !== undefined)("capture cleanup", () => {
  const out = mkdtempSync(join(tmpdir(), "packetwalk-cleanup-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("leaves nothing behind after a successful run, /run included", async () => {
    const before = await machineState();
    const result = await startCapture(oneScenario(out)).done;
    expect(result.code, result.stderr).toBe(0);
    // No empty /run/packetwalk, no /run/netns bind mount, unless they were there before.
    expect(await machineState()).toEqual(before);
    expect(readFileSync(join(out, "docker-bridge/container-to-host.log"), "utf8")).toMatch(/pw..\/iptable/);
  });

  it("leaves nf_log_all_netns at 1 when it was 1 before the run", async () => {
    writeFileSync(NF_LOG_ALL_NETNS, "1\n");
    try {
      const result = await startCapture(oneScenario(out)).done;
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(NF_LOG_ALL_NETNS, "utf8").trim()).toBe("1");
    } finally {
      writeFileSync(NF_LOG_ALL_NETNS, "0\n");
    }
  });

  it("leaves nothing behind when writing the traces fails after the recording", async () => {
    const before = await machineState();
    const folder = join(out, "late-failure");
    mkdirSync(join(folder, "docker-bridge"), { recursive: true });
    const run = startCapture(oneScenario(folder), {
      PACKETWALK_TEST_PAUSE: "rules-inserted",
    });
    await run.waitFor(pauseLine("rules-inserted"));
    // Spoiled while the capture runs: found when the traces are written, after the lab exists.
    writeFileSync(join(folder, "docker-bridge/lab.json"), '{"version": 1,');
    run.child.kill("SIGUSR2");
    const result = await run.done;
    expect(result.code, `${result.signal} ${result.stderr}`).toBe(1);
    expect(result.stderr).toMatch(
      /packetwalk capture: error: .*late-failure\/docker-bridge\/lab\.json:1:\d+: invalid JSON/,
    );
    expect(await machineState()).toEqual(before);
  });

  it("removes a SIGKILLed run's leftovers with --cleanup, and nothing else", async () => {
    const before = await machineState();
    // Something that is not ours, named almost like ours, must survive --cleanup.
    await runCommand(["ip", "netns", "add", "pw-keep-me"]);
    try {
      const withForeign = await machineState();
      await killedAt("rules-inserted", out);
      const leftover = await machineState();
      expect(leftover.netns).toMatch(/pw-[a-z0-9]{2}-host/);
      expect(leftover.runPacketwalk).toContain("capture.json");
      expect(readFileSync(NF_LOG_ALL_NETNS, "utf8").trim()).toBe("1");
      const cleanup = await startCapture(["--cleanup"]).done;
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(cleanup.stderr).toMatch(/removed namespace pw-[a-z0-9]{2}-host/);
      expect(await machineState()).toEqual(withForeign);
      const again = await startCapture(["--cleanup"]).done;
      expect(again.stderr).toContain("nothing to clean up");
    } finally {
      await runCommand(["ip", "netns", "delete", "pw-keep-me"], { allowFailure: true });
    }
    // ip netns left its folder for pw-keep-me: not the capture's to remove, so the test does.
    if (before.runNetns === "(absent)") {
      await runCommand(["umount", "-n", "/run/netns"], { allowFailure: true });
      rmdirSync("/run/netns");
    }
    expect(await machineState()).toEqual(before);
  });

  it("docker-bridge-nft: a run leaves nothing behind and writes a trace that names its instrumentation and agrees", async () => {
    const before = await machineState();
    const result = await startCapture(oneScenario(out, "docker-bridge-nft")).done;
    expect(result.code, result.stderr).toBe(0);
    expect(await machineState()).toEqual(before);
    const lab = join(out, "docker-bridge-nft");
    expect(readFileSync(join(lab, "container-to-host.log"), "utf8")).toMatch(
      /pw..\/nft\/ip\/packetwalk\/INPUT/,
    );
    const meta = JSON.parse(readFileSync(join(lab, "container-to-host.json"), "utf8"));
    expect(meta.instrumentation).toBe(`docker-29-nft.instrumented-${meta.tag}`);
    expect(readFileSync(join(lab, "rulesets", `${meta.instrumentation}.rules`), "utf8")).toContain(
      "table bridge packetwalk {",
    );
    expect(Object.keys(meta.rulesetPins)).toEqual(["docker-29-nft", meta.instrumentation]);
    const checked = checkLab(lab);
    expect(checked.map((c) => c.report)).toEqual([""]);
  });

  it("docker-bridge-nft: a SIGKILLed run's namespaces (Docker's and packetwalk's nft tables in them) go with --cleanup", async () => {
    const before = await machineState();
    await killedAt("rules-inserted", out, "docker-bridge-nft");
    expect((await machineState()).netns).toMatch(/pw-[a-z0-9]{2}-host/);
    const cleanup = await startCapture(["--cleanup"]).done;
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stderr).toMatch(/removed namespace pw-[a-z0-9]{2}-host/);
    expect(await machineState()).toEqual(before);
  });

  it("--cleanup with a state file cut short still restores everything it names", async () => {
    const before = await machineState();
    await killedAt("rules-inserted", out);
    const text = readFileSync(STATE, "utf8");
    // Cut inside the namespace list, the last field: every other fact is still whole.
    writeFileSync(STATE, text.slice(0, text.indexOf('"namespaces"') + 20));
    const cleanup = await startCapture(["--cleanup"]).done;
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stderr).toMatch(
      /warning: the state file is damaged \(.*capture\.json:\d+:\d+: invalid JSON/,
    );
    expect(cleanup.stderr).toMatch(/removed namespace pw-[a-z0-9]{2}-wan/);
    expect(cleanup.stderr).toContain("nf_log_all_netns (back to 0)");
    expect(await machineState()).toEqual(before);
  });

  it("--cleanup with an unreadable state file says what it cannot restore, exits 1 and keeps the file", async () => {
    const before = await machineState();
    await killedAt("rules-inserted", out);
    writeFileSync(STATE, '{\n  "ru');
    const first = await startCapture(["--cleanup"]).done;
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/removed namespace pw-[a-z0-9]{2}-host/);
    expect(first.stderr).toMatch(
      /error: cannot tell what \/proc\/sys\/net\/netfilter\/nf_log_all_netns was before/,
    );
    expect(first.stderr).toContain(`kept ${STATE}`);
    expect(existsSync(STATE)).toBe(true);
    expect((await machineState()).netns).toBe(before.netns);
    // The operator knows it was 0 and says so; the next --cleanup then finishes.
    writeFileSync(NF_LOG_ALL_NETNS, "0\n");
    const second = await startCapture(["--cleanup"]).done;
    expect(second.code, second.stderr).toBe(0);
    expect(existsSync(STATE)).toBe(false);
    // What the file no longer says (did /run/netns and /run/packetwalk exist before?) is left, and said.
    for (const dir of ["/run/packetwalk", "/run/netns"]) {
      const listed = dir === "/run/netns" ? before.runNetns : before.runPacketwalk;
      if (listed !== "(absent)") continue;
      expect(second.stderr).toContain(
        `warning: left ${dir}: cannot tell whether it existed before the capture`,
      );
      if (dir === "/run/netns") await runCommand(["umount", "-n", dir], { allowFailure: true });
      rmdirSync(dir);
    }
    expect(await machineState()).toEqual(before);
  });
});
