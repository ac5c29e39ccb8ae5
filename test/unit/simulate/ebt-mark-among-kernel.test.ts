/**
 * ebtables' mark match in each of its forms and among with addresses and `!`, against a capture on
 * kernel 6.18 (ebtables-nft 1.8.9): test/fixtures/simulate/ebt-mark-among/record.sh marked a's ping
 * to b with `-j mark --mark-set 0x12`, and the kernel printed, for the request, `--mark /0x10` (any bit
 * of 0x10 set), `--mark ! /0x1`, `--mark 0x2/0x3` and `--among-src 2:0:0:0:1:a=198.51.100.10`; for the
 * reply the same mark lines, `--among-dst ! 2:0:0:0:1:b` and `--among-src 2:0:0:0:1:b,2:0:0:0:1:c`.
 * The simulator must print those lines, in that order, from ebtables-save's and nft list's forms.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  capturedPrefixes as captured,
  simulatedPrefixes as simulated,
} from "../../helpers/kernel-prefixes.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/ebt-mark-among");

/** The LOG prefixes of the capture's IPv4 frames (b's IPv6 multicast left out), in the kernel's order. */
const capturedPrefixes = () => captured(DIR, "kernel.log", (l) => l.includes("proto = 0x0800"));

/** The LOG prefixes the simulator prints for a's ping to b under ruleset file `name`. */
const simulatedPrefixes = (name: string) => simulated(DIR, name);

describe("ebtables mark and among as kernel 6.18 printed them", () => {
  it("reads the capture", () => {
    expect(capturedPrefixes()).toEqual([
      ...["hcM-any10", "hcM-notany01", "hcM-2of3", "hcM-pair"],
      ...["hcM-any10", "hcM-notany01", "hcM-2of3", "hcM-notb", "hcM-srcb"],
    ]);
  });
  for (const name of ["ebtables-save.rules", "nft-list.nft"])
    it(`prints the kernel's lines from ${name}`, () => {
      expect(simulatedPrefixes(name)).toEqual(capturedPrefixes());
    });
});
