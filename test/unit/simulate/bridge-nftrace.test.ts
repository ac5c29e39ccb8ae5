/**
 * `meta nftrace set 1` in a bridge-family base chain. test/fixtures/bridge-nftrace/incus-bronly: an Incus
 * host (incusbr0, br_netfilter loaded) recorded with `nft monitor trace` on kernel 6.18, its only trace
 * rule in `table bridge pwtrace { chain pre { type filter hook prerouting priority -350; … } }`; the
 * container's ping to the internet was traced at that chain, then at inet prerouting (nat), bridge input,
 * inet forward and the two inet postrouting chains (c1-to-wan-trace.log). The simulator started no trace
 * in a bridge chain, so `check` found none of the kernel's lines predicted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

const LAB = join(import.meta.dirname, "../../fixtures/bridge-nftrace/incus-bronly");

describe("a trace started in a bridge chain", () => {
  it("goes on through every later chain of the packet, inet ones included", () => {
    const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB, "lab.json"), "utf8")));
    const file = "incus-bronly.instrumented-8669c8cb.rules";
    const ruleset = parseRulesetFile(readFileSync(join(LAB, "rulesets", file), "utf8"), file);
    expect(ruleset.diagnostics).toEqual([]);
    const world = {
      topology: buildTopology(lab),
      ruleset,
      ebtables: lab.ebtables,
      sysctls: lab.sysctls ?? {},
    };
    const r = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    const request = r.packets[0];
    expect(request?.fate).toMatchObject({ kind: "delivered", host: "wan" });
    // The kernel's order (c1-to-wan-trace.log): br_netfilter runs inet prerouting inside the bridge's.
    expect(request?.events.filter((e) => e.traced).map((e) => e.hook)).toEqual([
      "bridge:pwtrace:pre",
      "ip:incus:fwdprert.incusbr0.203-0-113-10",
      "bridge:incus:in.c1.eth0",
      "ip:incus:fwd.incusbr0",
      "ip:incus:fwdpstrt.incusbr0.203-0-113-10",
      "ip:incus:pstrt.incusbr0",
    ]);
    // The echo reply meets no trace rule (it comes in by wan0, no bridge prerouting): nothing traced.
    expect(r.packets[1]?.events.some((e) => e.traced)).toBe(false);
  });

  it("agrees with the kernel's recording in `packetwalk check`", () => {
    const results = checkLab(LAB).filter((r) => !r.trace.endsWith("zh-tw.json"));
    expect(results.map((r) => r.trace.split("/").pop())).toEqual(["c1-to-wan-trace"]);
    for (const r of results) {
      expect(r.report, r.report).toBe("");
      expect(r.ok).toBe(true);
    }
  });
});
