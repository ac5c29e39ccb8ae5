/**
 * A recorded LOG trace the simulator agrees with ends in a drop when the base chain after the packet's
 * last line dropped it (`TraceEvent.crossed`): the map marks the box that dropped it and says by what,
 * as it does for a TRACE verdict; a packet that went on is not marked.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { labHookChains } from "../../../src/core/render/lab-hook-chains.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { annotateRecorded } from "../../../src/lab/load-lab.ts";

const folder = join(import.meta.dirname, "../../../traces/docker-bridge-nft");
const data = readTraceFolder(folder);
const chains = labHookChains(
  data.traces.map((t) => t.meta),
  data.rulesets,
);

function requestPlan(stem: string) {
  const { trace } = annotateRecorded(folder, stem);
  const request = trace.packets.find((p) => p.direction === "request") as Packet;
  return planPath(request, "nft", {}, undefined, chains);
}

describe("a LOG trace's drop, read off the simulator's walk", () => {
  it("ends the ping in IP FORWARD, dropped by ip filter FORWARD's policy", () => {
    const plan = requestPlan("container-to-wan-forward-drop");
    expect(plan.dropped).toEqual({
      hook: "ip:docker-bridges:filter-FORWARD",
      verdict: "DROP",
      chain: "FORWARD",
      policy: true,
    });
    expect(plan.exitKey).toBe("ip_FORWARD");
    expect(plan.exitLabel).toContain("DROP");
  });

  it("leaves a packet the fixed ruleset lets through unmarked", () => {
    expect(requestPlan("container-to-wan-forward-drop-fixed").dropped).toBeUndefined();
  });
});
