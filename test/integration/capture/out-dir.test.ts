/**
 * `capture --out` is checked before anything is created: a file, a place that
 * cannot be written, or a broken `lab.json` give a clear error at once, and the
 * machine (namespaces, nft, sysctls, /run) is untouched.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { machineState, oneScenario, startCapture } from "./machine-state.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the --out tests: ${why}`);

describe.skipIf(why !== undefined)("capture --out checked first", () => {
  const scratch = mkdtempSync(join(tmpdir(), "packetwalk-out-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const refused = async (out: string) => {
    const before = await machineState();
    const result = await startCapture(oneScenario(out)).done;
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain("building the lab");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await machineState()).toEqual(before);
    return result.stderr;
  };

  it("refuses a file", async () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "x");
    expect(await refused(file)).toBe(
      `packetwalk capture: error: --out ${file}: ${file} is not a folder\nhint: --out names the traces folder; the lab's files go to <out>/docker-bridge/\n`,
    );
  });

  it("refuses a file for --host too, before any rule goes in", async () => {
    const before = await machineState();
    const file = join(scratch, "host-file");
    writeFileSync(file, "x");
    const result = await startCapture(["--host", "--container", "web=172.17.0.2", "--out", file]).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `packetwalk capture: error: --out ${file}: ${file} is not a folder\nhint: --out names the traces folder; the lab's files go to <out>/docker-host/\n`,
    );
    expect(await machineState()).toEqual(before);
  });

  it("refuses a path below a file", async () => {
    expect(await refused("/dev/null/x")).toContain(
      "packetwalk capture: error: --out /dev/null/x: /dev/null is not a folder",
    );
  });

  it("refuses a lab folder that is a file", async () => {
    const out = join(scratch, "lab-is-file");
    mkdirSync(out);
    writeFileSync(join(out, "docker-bridge"), "");
    expect(await refused(out)).toContain(`${join(out, "docker-bridge")} is not a folder`);
  });

  it("refuses a place it cannot write to", async () => {
    expect(await refused("/proc/packetwalk-traces")).toMatch(
      /^packetwalk capture: error: --out \/proc\/packetwalk-traces: cannot write in \/proc: E[A-Z]+\nhint: choose a folder you can write to/,
    );
    // Read-only for root too: a read-only bind mount.
    const ro = join(scratch, "read-only");
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const mounted = await startMount(ro);
    try {
      expect(await refused(join(ro, "traces"))).toContain(`cannot write in ${ro}: EROFS`);
    } finally {
      await mounted();
    }
  });

  it("refuses a broken lab.json with its position, and leaves it as it was", async () => {
    const out = join(scratch, "broken-lab");
    mkdirSync(join(out, "docker-bridge"), { recursive: true });
    const lab = join(out, "docker-bridge/lab.json");
    writeFileSync(lab, '{\n  "version": 1,\n  "name": "docker-bridge",\n  "hosts": [}\n');
    expect(await refused(out)).toMatch(
      new RegExp(
        `^packetwalk capture: error: ${lab}:4:13: invalid JSON: unexpected "}".*\\nhint: the capture merges its ruleset into the existing lab.json: fix ${lab}, or remove it`,
      ),
    );
    writeFileSync(lab, '{"version": 1, "name": "docker-bridge"}\n');
    expect(await refused(out)).toMatch(new RegExp(`error: ${lab}:1:1: description: `));
    expect(readFileSync(lab, "utf8")).toBe('{"version": 1, "name": "docker-bridge"}\n');
  });
});

/** Bind-mounts `dir` read-only (in this mount namespace); resolves to the undo. */
async function startMount(dir: string): Promise<() => Promise<void>> {
  const { runCommand } = await import("../../../src/capture/run-command.ts");
  await runCommand(["mount", "-n", "--bind", "-o", "ro", dir, dir]);
  return async () => {
    await runCommand(["umount", "-n", dir]);
  };
}
