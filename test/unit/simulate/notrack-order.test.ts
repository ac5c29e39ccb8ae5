/**
 * What a later chain sees after a notrack, by priority, and a zone template set on an untracked packet:
 * the fixture test/fixtures/simulate/nft-notrack-ct-state, checked on kernel 6.18 (its record.sh: one
 * SYN per port, counters and conntrack -L). Here the connection each SYN leaves in the table and the
 * state every `ct state` rule read, which the fixture's fates show only through its drops.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/nft-notrack-ct-state");

function world(file: string): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(DIR, "lab.json"), "utf8")));
  return {
    topology: buildTopology(lab),
    ruleset: parseRulesetFile(readFileSync(join(DIR, file), "utf8"), file),
    ebtables: lab.ebtables,
    sysctls: lab.sysctls,
  };
}

/** One SYN from the wan to `dport`: its conntrack entries (zone), and `chain:line` of each rule it met. */
function syn(file: string, dport: number) {
  const r = runScenario(world(file), {
    from: "wan",
    to: "203.0.113.2",
    proto: "tcp",
    dport,
    script: [{ direction: "request", tcpFlags: ["SYN"] }],
  });
  const p = r.packets[0];
  return {
    fate: p?.fate.kind,
    entries: r.simulator.conntrack.list().map((e) => ({ dport: e.orig.dport, zone: e.zone?.id ?? 0 })),
    rules: (p?.events ?? []).flatMap((e) => e.steps.map((s) => `${s.chain}:${s.line}`)),
  };
}

describe("a SYN a notrack took, read by later chains", () => {
  it("stays untracked after a raw-priority notrack (7301), with no connection", () => {
    expect(syn("nft-list.nft", 7301)).toMatchObject({ fate: "delivered", entries: [] });
  });

  it("a notrack at -199, after conntrack's lookup, does nothing: the SYN is new and tracked (7302)", () => {
    expect(syn("nft-list.nft", 7302)).toMatchObject({
      fate: "delivered",
      entries: [{ dport: 7302, zone: 0 }],
    });
  });

  it("nft `ct zone set` at -250 after the notrack: tracked again, in zone 5 (7303)", () => {
    expect(syn("nft-list.nft", 7303)).toMatchObject({
      fate: "delivered",
      entries: [{ dport: 7303, zone: 5 }],
    });
  });

  it("nft `ct zone set` after the lookup: untracked until then, new from there on, no connection (7304)", () => {
    const r = syn("nft-list.nft", 7304);
    expect(r).toMatchObject({ fate: "delivered", entries: [] });
    // Line 24 (`ct zone set 6`) matched; the drops on `!= untracked` before it (23) and `!= new` after it (25), and input's `!= new` (32), did not.
    expect(r.rules).toContain("pre150:24");
    expect(r.rules.filter((x) => ["pre150:23", "pre150:25", "input:32"].includes(x))).toEqual([]);
  });

  it("iptables `-j CT --zone` after `-j CT --notrack` leaves the SYN untracked (7305)", () => {
    expect(syn("iptables-nft-save.rules", 7305)).toMatchObject({ fate: "delivered", entries: [] });
  });
});
