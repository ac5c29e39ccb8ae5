/**
 * Cleanup is a guarantee: after a successful capture, a failing one, one killed
 * with SIGTERM mid-run, and one killed with SIGKILL then `capture --cleanup`,
 * the machine looks exactly as before: namespaces, init-namespace links,
 * nft ruleset, nf_log_all_netns, and the state folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { runCommand } from "../../../src/capture/run-command.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the cleanup tests: ${why}`);

const ROOT = join(import.meta.dirname, "../../..");
const NODE = process.execPath;
const CLI = join(ROOT, "bin/packetwalk.mjs");

async function snapshot() {
  const links = (await runCommand(["ip", "-o", "link", "show"])).stdout
    .split("\n")
    // Counters and timers change by themselves; names, flags and addresses must not.
    .map((line) => line.replace(/\\\s+link\/.*$/, "").trim())
    .filter(Boolean);
  return {
    netns: (await runCommand(["ip", "netns", "list"])).stdout,
    links,
    nft: (await runCommand(["nft", "list", "ruleset"])).stdout,
    nfLogAllNetns: readFileSync("/proc/sys/net/netfilter/nf_log_all_netns", "utf8"),
    state: existsSync("/run/packetwalk") ? readdirSync("/run/packetwalk") : [],
  };
}

function cli(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
} {
  const child = spawn(NODE, [CLI, "capture", ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

/** Resolves once a lab namespace exists (the run is mid-way), polling every 10 ms for at most 10 s. */
async function waitForLab(): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const { stdout } = await runCommand(["ip", "netns", "list"]);
    if (/^pw-[a-z0-9]{2}-wan/m.test(stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the capture never built its lab");
}

describe.skipIf(why !== undefined)("capture cleanup", () => {
  it("leaves nothing behind after a successful run", async () => {
    const before = await snapshot();
    const run = cli([
      "--lab",
      "docker-bridge",
      "--scenario",
      "container-to-host",
      "--out",
      "/tmp/packetwalk-cleanup-ok",
    ]);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(await snapshot()).toEqual(before);
    await runCommand(["rm", "-rf", "/tmp/packetwalk-cleanup-ok"]);
  });

  it("leaves nothing behind when the run fails after building the lab", async () => {
    const before = await snapshot();
    // /dev/null is not a folder: writing the traces fails after every scenario ran.
    const result = await cli([
      "--lab",
      "docker-bridge",
      "--scenario",
      "container-to-host",
      "--out",
      "/dev/null/x",
    ]).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/packetwalk capture: .*\/dev\/null/);
    expect(await snapshot()).toEqual(before);
  });

  it("removes the lab and restores the sysctl when killed with SIGTERM mid-run", async () => {
    const before = await snapshot();
    const run = cli(["--lab", "docker-bridge", "--out", "/tmp/packetwalk-cleanup-term"]);
    await waitForLab();
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain("SIGTERM: removing the lab");
    expect(await snapshot()).toEqual(before);
  });

  it("removes a SIGKILLed run's leftovers with --cleanup, and nothing else", async () => {
    const before = await snapshot();
    // Something that is not ours, named almost like ours, must survive --cleanup.
    await runCommand(["ip", "netns", "add", "pw-keep-me"]);
    try {
      const withForeign = await snapshot();
      const run = cli(["--lab", "docker-bridge", "--out", "/tmp/packetwalk-cleanup-kill"]);
      await waitForLab();
      run.child.kill("SIGKILL");
      await run.done;
      const leftover = await snapshot();
      expect(leftover.netns).toMatch(/pw-[a-z0-9]{2}-host/);
      expect(leftover.state).toContain("capture.json");
      const cleanup = await cli(["--cleanup"]).done;
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(cleanup.stderr).toMatch(/removed namespace pw-[a-z0-9]{2}-host/);
      expect(await snapshot()).toEqual(withForeign);
      const again = await cli(["--cleanup"]).done;
      expect(again.stderr).toContain("nothing to clean up");
    } finally {
      await runCommand(["ip", "netns", "delete", "pw-keep-me"], { allowFailure: true });
    }
    expect(await snapshot()).toEqual(before);
  });
});
