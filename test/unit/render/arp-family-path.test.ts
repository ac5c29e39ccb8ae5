/**
 * ARP packets an nft `arp` table logged (kernel 6.18, test/fixtures/simulate/ebt-arp-bridge): the
 * arp family has no box of the map, and its chains are drawn as boxes of their own. An ARP request
 * its input chain saw goes to the host's ARP layer, and the host's reply starts there; the walk used
 * to end "to a routed interface" and start "from a bridge port" instead.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prefixMapFromRuleset } from "../../../src/core/import/ruleset-material.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { describePath } from "../../../src/core/render/describe-path.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";

const dir = join(import.meta.dirname, "../../fixtures/simulate/ebt-arp-bridge");
const trace = parseTraceText(readFileSync(join(dir, "arp.log"), "utf8"), {
  file: "arp.log",
  prefixMap: prefixMapFromRuleset(readFileSync(join(dir, "nft-list.nft"), "utf8")),
});
const packet = (id: number) => {
  const p = trace.packets.find((x) => x.id === id);
  if (!p) throw new Error(`no packet ${id}`);
  return p;
};

describe("an ARP packet at an arp-family chain", () => {
  it("is read whole: every line placed", () => {
    expect(trace.diagnostics).toEqual([]);
    expect(packet(5).hooks).toEqual(["bridge:filter:INPUT", "arp:hcarp:in"]);
    expect(packet(6).hooks).toEqual(["arp:hcarp:out", "bridge:filter:OUTPUT"]);
  });

  it("ends at the host when its input chain saw it", () => {
    const plan = planPath(packet(5), "nft");
    expect(plan.exitIsLocal).toBe(true);
    expect(plan.entryIsLocal).toBe(false);
    expect(toMermaid(packet(5), { view: "path" })).toMatch(/exit\("local process/);
  });

  it("starts at the host when its output chain saw it first", () => {
    const plan = planPath(packet(6), "nft");
    expect(plan.entryIsLocal).toBe(true);
    expect(plan.exitIsLocal).toBe(false);
    const mmd = toMermaid(packet(6), { view: "path" });
    expect(mmd).toMatch(/entry\("local process/);
    expect(mmd).toContain('exit("packet via veth-a")');
  });
});

describe("a frame the bridge floods", () => {
  it("reaches bridge INPUT from the bridging decision beside its FORWARD copy, not out of FORWARD", () => {
    // The ARP request is broadcast: forwarded to b (FORWARD, out veth-b) and passed up to the host (INPUT).
    const request = packet(1);
    expect(request.hooks).toEqual(["bridge:filter:FORWARD", "bridge:filter:INPUT", "arp:hcarp:in"]);
    const plan = planPath(request, "nft");
    const arrows = plan.segments.map((s) => `${s.from}>${s.to}${s.step ? `#${s.step}` : ""}`);
    expect(arrows).toContain("br_decide>br_FORWARD#1");
    expect(arrows).toContain("br_decide>br_INPUT#2");
    expect(arrows.some((a) => a.startsWith("br_FORWARD>br_INPUT"))).toBe(false);
    expect(describePath(request, { lang: "en" }).steps[1]).toBe(
      "Step 2: ebtables filter INPUT, after the bridging decision, in on veth-a.",
    );
  });
});
