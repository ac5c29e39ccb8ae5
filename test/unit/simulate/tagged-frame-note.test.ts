/**
 * `check` names net.bridge.bridge-nf-filter-vlan-tagged where a frame's IP hooks are missing from the
 * kernel's list and its bridge hooks agree. Tester, kernel 6.18 (s4-vlan/ebt, filter-vlan-tagged=0):
 * a frame tagged VLAN 10 logged ebt-nat-PRE, ebt-filter-FWD, ebt-nat-POST and no ipt-filter-FWD; the
 * simulator, which takes frames as untagged, predicted ip:filter:FORWARD with no word why.
 */
import { describe, expect, it } from "vitest";
import { taggedFrameNote } from "../../../src/core/simulate/tagged-frame-note.ts";

const KERNEL = ["bridge:nat:PREROUTING", "bridge:filter:FORWARD", "bridge:nat:POSTROUTING"];
const PREDICTED = [
  "bridge:nat:PREROUTING",
  "bridge:filter:FORWARD",
  "ip:filter:FORWARD",
  "bridge:nat:POSTROUTING",
];

describe("a bridged frame the kernel kept out of the IP hooks", () => {
  it("gets a note naming bridge-nf-filter-vlan-tagged", () => {
    expect(taggedFrameNote({ what: "hooks", kernel: KERNEL, predicted: PREDICTED })).toContain(
      "net.bridge.bridge-nf-filter-vlan-tagged is 0",
    );
  });

  it("not when the kernel ran an IP hook, or the bridge hooks differ too", () => {
    expect(
      taggedFrameNote({ what: "hooks", kernel: [...KERNEL, "ip:filter:INPUT"], predicted: PREDICTED }),
    ).toBeUndefined();
    expect(
      taggedFrameNote({ what: "hooks", kernel: KERNEL.slice(0, 2), predicted: PREDICTED }),
    ).toBeUndefined();
    expect(taggedFrameNote({ what: "rewrites", kernel: KERNEL, predicted: PREDICTED })).toBeUndefined();
  });
});
