/**
 * The `--host` code path for real: run against the lab's Docker host namespace
 * (standing in for a real Docker host's init namespace), with `ip netns exec`
 * in place of `docker exec`. It must log the traffic and then leave exactly the
 * rules that were there before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { dockerRuleset } from "../../../src/capture/docker-ruleset.ts";
import { captureHost } from "../../../src/capture/host-capture.ts";
import { buildLabPlan, teardownPlan } from "../../../src/capture/lab-plan.ts";
import { LAB, netnsNames } from "../../../src/capture/lab-topology.ts";
import { netnsDirBefore, restoreNetnsDir } from "../../../src/capture/netns-dir.ts";
import { inNetns, runCommand } from "../../../src/capture/run-command.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the --host test: ${why}`);

// A run id no capture draws at random would still be fine; this one is fixed for readability.
const names = netnsNames("h0");
const plan = buildLabPlan(names);
// ip netns leaves /run/netns behind: put it back as it was, like a capture does.
const netnsDir = netnsDirBefore();

describe.skipIf(why !== undefined)("capture --host against the lab's host namespace", () => {
  beforeAll(async () => {
    try {
      for (const step of plan) await runCommand(step.argv);
      await runCommand(inNetns(names.host, ["iptables-restore"]), { input: dockerRuleset("28") });
    } catch (error) {
      for (const argv of teardownPlan(plan)) await runCommand(argv, { allowFailure: true });
      throw error;
    }
  });
  afterAll(async () => {
    for (const argv of teardownPlan(plan)) await runCommand(argv, { allowFailure: true });
    if (netnsDir) await restoreNetnsDir(netnsDir);
  });

  it("logs the planned pings and removes exactly its tagged rules", async () => {
    const rulesBefore = (await runCommand(inNetns(names.host, ["iptables-save"]))).stdout;
    const bridgeBefore = (await runCommand(inNetns(names.host, ["ebtables-save"]))).stdout;
    const traces = await captureHost({
      containers: [
        { name: names.c1, ip: LAB.c1Ip },
        { name: names.c2, ip: LAB.c2Ip },
      ],
      netns: names.host,
      execIn: (container) => ["ip", "netns", "exec", container],
      runId: "h1",
    });
    expect(traces.map((trace) => trace.scenario)).toEqual([
      "container-to-container",
      "host-to-container",
      "container-to-host",
    ]);
    for (const trace of traces) {
      expect(trace.lines.length, trace.scenario).toBeGreaterThan(0);
      for (const line of trace.lines) expect(line).toMatch(/^\[ *\d+\.\d{6}\] pwh1\/(ip|eb)table\//);
    }
    // Host to container leaves through OUTPUT, as the seed shows.
    expect(traces[1]?.lines.some((line) => line.includes("pwh1/iptable/filter-OUTPUT"))).toBe(true);
    const strip = (text: string) => text.replace(/^#.*\n/gm, "").replace(/\[\d+:\d+\]/g, "");
    expect(strip((await runCommand(inNetns(names.host, ["iptables-save"]))).stdout)).toEqual(
      strip(rulesBefore),
    );
    expect((await runCommand(inNetns(names.host, ["ebtables-save"]))).stdout.replace(/^#.*\n/gm, "")).toEqual(
      bridgeBefore.replace(/^#.*\n/gm, ""),
    );
  });
});
