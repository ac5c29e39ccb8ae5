/**
 * Bridge frame matches against captures on kernel 6.18 (ebtables-nft 1.8.9, nft 1.0.6), made by
 * test/fixtures/simulate/ebt-arp-bridge/record.sh: the simulator must print the LOG lines the kernel
 * printed, in its order, from the rules as ebtables-save and as nft list ruleset printed them back.
 * - among and mark (arp.log): a pinged b across br0 under ebtables.txt; the kernel printed
 *   `hcE-fw-among ` for the echo request alone (its destination MAC is b's, the one `--among-dst`
 *   lists) and `hcE-fw-mark ` both ways (marked by `-j mark --mark-or 0x10` just before `--mark
 *   0x10/0x10`).
 * - VLAN matches on an untagged ping (vlan-untagged.log) under vlan.nft and vlan-ebtables.txt: the
 *   kernel printed none of the `vlan id 10` / `vlan pcp 3` / `ether type 8021q` / `-p 802_1Q` rules'
 *   lines, only `ether type ip`, `ip protocol icmp` and `-p IPv4` ones. (A tagged frame, vlan-tagged.log,
 *   printed the VLAN rules' lines and `ip protocol icmp`, but not `ether type ip` nor `-p IPv4`; a lab
 *   cannot describe one yet.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/ebt-arp-bridge");

/** The LOG prefixes of a capture's IPv4 frames, in the kernel's order. */
function capturedPrefixes(log: string): string[] {
  return readFileSync(join(DIR, log), "utf8")
    .split("\n")
    .filter((l) => l.includes("proto = 0x0800") || l.includes(" PROTO="))
    .map((l) => (/\] (hc\S+)/.exec(l) as RegExpExecArray)[1] as string);
}

/** The LOG prefixes the simulator prints for a's ping to b under ruleset file `name`. */
function simulatedPrefixes(name: string): string[] {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(DIR, "lab.json"), "utf8")));
  const world = {
    topology: buildTopology(lab),
    ruleset: parseRulesetFile(readFileSync(join(DIR, name), "utf8"), name),
    ebtables: lab.ebtables,
    sysctls: lab.sysctls,
  };
  const run = runScenario(world, { from: "a", to: "198.51.100.11", proto: "icmp" });
  return run.packets.flatMap((p) => p.events.flatMap((e) => e.logs.map((l) => l.prefix.trim())));
}

describe("bridge frame matches as kernel 6.18 printed them", () => {
  it("reads the captures", () => {
    expect(capturedPrefixes("arp.log")).toEqual(["hcE-fw-among", "hcE-fw-mark", "hcE-fw-mark"]);
    expect(capturedPrefixes("vlan-untagged.log")).toEqual([
      ...["hcN-etype-ip", "hcN-ip-icmp", "hcE-fw-ipv4"],
      ...["hcN-etype-ip", "hcN-ip-icmp", "hcE-fw-ipv4"],
    ]);
  });
  for (const name of ["ebtables-save.rules", "nft-list.nft"])
    it(`prints the among and mark lines from ${name}`, () => {
      expect(simulatedPrefixes(name)).toEqual(capturedPrefixes("arp.log"));
    });
  for (const name of ["vlan-ebtables-save.rules", "vlan-nft-list.nft"])
    it(`prints no VLAN rule's line for an untagged frame from ${name}`, () => {
      const want = capturedPrefixes("vlan-untagged.log").filter((p) =>
        name.includes("nft") ? true : p.startsWith("hcE"),
      );
      expect(simulatedPrefixes(name)).toEqual(want);
    });
});
