/**
 * A packet logged twice at one hook (a LOG rule in FORWARD and another in a chain it jumps to):
 * the path view draws the hook once, with both step numbers, and the step-through finds that box
 * for either step.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { escapeMermaidLabel } from "../../../src/core/render/escape-mermaid-label.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { stepTargets } from "../../../src/plugin/step-targets.ts";

const text = readFileSync(
  join(import.meta.dirname, "../../fixtures/parse/logged-twice-at-one-hook/input.log"),
  "utf8",
);
const ping = parseTraceText(text).packets[0];
if (!ping) throw new Error("the fixture has no packet");

describe("a packet logged twice at one hook", () => {
  it("is one path box titled with both steps, between the hooks before and after it", () => {
    const mmd = toMermaid(ping, { view: "path" });
    const boxes = [...mmd.matchAll(/^ {2}(s\d+)\["([^"]*)"\]$/gm)].map((m) => [m[1], m[2]]);
    expect(boxes).toEqual([
      ["s1", escapeMermaidLabel("#1 iptables raw PREROUTING")],
      ["s2", escapeMermaidLabel("#2 · #3 iptables filter FORWARD")],
      ["s4", escapeMermaidLabel("#4 iptables nat POSTROUTING")],
    ]);
    expect(mmd).toContain("s1 step2@--> s2");
    expect(mmd).toContain("s2 step4@--> s4");
  });

  it("the step-through marks that one box for steps 2 and 3, in the path view and on the map", () => {
    expect([...stepTargets(ping, "", "path", "nft").nodes]).toEqual([
      ["s1", [1]],
      ["s2", [2, 3]],
      ["s4", [4]],
    ]);
    expect(stepTargets(ping, "", "map", "nft").nodes.get("ip_FORWARD")).toEqual([2, 3]);
  });
});
