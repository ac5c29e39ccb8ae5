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
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  capturedPrefixes as captured,
  simulatedPrefixes as simulated,
} from "../../helpers/kernel-prefixes.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/ebt-arp-bridge");

/** The LOG prefixes of a capture's IPv4 frames, in the kernel's order. */
const capturedPrefixes = (log: string) =>
  captured(DIR, log, (l) => l.includes("proto = 0x0800") || l.includes(" PROTO="));

/** The LOG prefixes the simulator prints for a's ping to b under ruleset file `name`. */
const simulatedPrefixes = (name: string) => simulated(DIR, name);

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
