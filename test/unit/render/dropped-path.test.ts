import { describe, expect, it } from "vitest";
import { escapeMermaidLabel } from "../../../src/core/render/escape-mermaid-label.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { annotateRecorded } from "../../../src/lab/load-lab.ts";

// The simulator's what-if: DOCKER-USER drops the SYN to the published port.
const trace = annotateRecorded("traces/docker-bridge", "sim-docker-user-drop").trace;
const syn = trace.packets[0];

describe("a dropped packet", () => {
  it("ends in a dropped box naming the chain that dropped it, not at its destination", () => {
    expect(syn).toBeDefined();
    const plan = planPath(syn as NonNullable<typeof syn>, "nft");
    expect(plan.dropped).toEqual({
      hook: "ip:filter:FORWARD",
      verdict: "DROP",
      chain: "DOCKER-USER",
      policy: false,
    });
    expect(plan.exitLabel).toBe("dropped: DROP in DOCKER-USER");
    expect(plan.exitIsLocal).toBe(false);
    const mmd = toMermaid(syn as NonNullable<typeof syn>, { view: "path" });
    expect(mmd).toContain(`exit("${escapeMermaidLabel("dropped: DROP in DOCKER-USER")}")`);
    expect(mmd).toContain("class exit dropped");
    expect(mmd).toContain("classDef dropped");
  });

  it("a delivered packet has no drop", () => {
    const delivered = annotateRecorded("traces/docker-bridge", "container-to-wan").trace.packets[0];
    const plan = planPath(delivered as NonNullable<typeof delivered>, "nft");
    expect(plan.dropped).toBeUndefined();
    expect(toMermaid(delivered as NonNullable<typeof delivered>, { view: "map" })).not.toContain("dropped");
  });
});
