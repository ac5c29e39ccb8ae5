import { describe, expect, it } from "vitest";
import { describePath } from "../../../src/core/render/describe-path.ts";
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

  it("says where it was dropped in the diagram's language, in the box and in the description", () => {
    const packet = syn as NonNullable<typeof syn>;
    const zh = toMermaid(packet, { view: "path", lang: "zh-TW" });
    expect(zh).toContain(`exit("${escapeMermaidLabel("被丟棄：DOCKER-USER 的 DROP")}")`);
    expect(zh).not.toContain("dropped:");
    expect(describePath(packet, { lang: "zh-TW" }).summary).toContain("被丟棄：DOCKER-USER 的 DROP");
    expect(describePath(packet, { lang: "en" }).summary).toContain("dropped: DROP in DOCKER-USER");
    // A policy's drop names the policy: ufw's default deny of a SYN to port 23 at INPUT.
    const telnet = annotateRecorded("traces/ufw-docker", "wan-to-host-telnet-v6").trace.packets[0];
    const mmd = toMermaid(telnet as NonNullable<typeof telnet>, { view: "path", lang: "zh-TW" });
    expect(mmd).toContain(escapeMermaidLabel("被丟棄：INPUT 預設策略的 DROP"));
  });

  it("a delivered packet has no drop", () => {
    const delivered = annotateRecorded("traces/docker-bridge", "container-to-wan").trace.packets[0];
    const plan = planPath(delivered as NonNullable<typeof delivered>, "nft");
    expect(plan.dropped).toBeUndefined();
    expect(toMermaid(delivered as NonNullable<typeof delivered>, { view: "map" })).not.toContain("dropped");
  });
});
