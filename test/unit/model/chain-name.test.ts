/**
 * A step names its chain as the reader's tools do: an `nft monitor trace` line of an inet table
 * (`trace id … inet fw forward …`) is shown as `inet fw forward`, not as the hook id `ip:fw:forward`
 * (a table `ip fw` the ruleset does not have); LOG and TRACE steps keep their hook ids, and
 * `--json` keeps the ids whatever the source (its readers key on them).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readVersionFacts } from "../../../src/cli/diff-inputs.ts";
import { formatPacket } from "../../../src/cli/packet-output.ts";
import { chainName } from "../../../src/core/model/chain-name.ts";
import type { Packet } from "../../../src/core/model/packet.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/parse");

/** Every packet of a parse fixture's input. */
function packetsOf(fixture: string): Packet[] {
  const packets: Packet[] = [];
  const parser = new TraceParser((p) => packets.push(p), { file: "input.log" });
  for (const line of readFileSync(join(FIXTURES, fixture, "input.log"), "utf8").split("\n"))
    parser.line(line);
  parser.end();
  return packets;
}

describe("chainName", () => {
  const router = packetsOf("real-nft-router-trace");
  const forwarded = router.find((p) => p.hooks.includes("ip:fw:forward"));

  it("names an inet table's chain as nft does, in the parse command's text output", () => {
    expect(forwarded).toBeDefined();
    const p = forwarded as Packet;
    expect(p.events.map(chainName)).toEqual(p.events.map((e) => e.prefix));
    const text = formatPacket(p, "human");
    expect(text).toContain("    inet fw forward");
    expect(text).toContain("    ip nat prerouting");
    expect(text).toContain("rewrite dnat between ip nat prerouting and inet fw forward:");
    expect(text).not.toContain("ip:fw:forward");
  });

  it("keeps the hook ids in --json", () => {
    const json = JSON.parse(formatPacket(forwarded as Packet, "json")) as {
      hooks: string[];
      events: { hook: string }[];
    };
    expect(json.hooks).toContain("ip:fw:forward");
    expect(json.events.map((e) => e.hook)).toContain("ip:fw:forward");
  });

  it("keeps the hook id of a LOG step, whose prefix is the rule's own words", () => {
    const log = packetsOf("real-container-to-wan")[0];
    expect(log).toBeDefined();
    const p = log as Packet;
    expect(p.events.map(chainName)).toEqual(p.hooks);
  });
});

describe("diff's facts", () => {
  it("name an nft trace's steps and rewrites as the site's steps do", () => {
    const facts = readVersionFacts(join(import.meta.dirname, "../../../traces"));
    const nft = facts.traces.find((t) => t.name === "docker-bridge-nft/container-to-wan-trace");
    const request = nft?.packets.find((p) => p.direction === "request");
    expect(request?.steps.map((s) => s.hook)).toContain("ip docker-bridges filter-FORWARD");
    expect(request?.steps.map((s) => s.hook).join(" ")).not.toMatch(/\bip:/);
    const log = facts.traces.find((t) => t.name === "docker-bridge/container-to-wan");
    expect(log?.packets[0]?.steps.map((s) => s.hook)).toContain("ip:filter:FORWARD");
  });
});
