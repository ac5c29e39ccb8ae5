/**
 * A bridge's flooded copies of one frame, as LOG lines show them: one copy per port it is forwarded
 * to, each logged by every table at the hook before the next copy, and the bridge's own copy at INPUT. Lines recorded on kernel 6.18 with ebtables and an nft
 * bridge table logging at once (test/fixtures/parse/real-bridge-flood-copies).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { recordedLines } from "./recorded.ts";

const lines = recordedLines("real-bridge-flood-copies");

/** Each packet's flow, its hooks with their devices and its line numbers. */
const packets = (text: string) =>
  parseTraceText(text, { file: "x.log" }).packets.map(
    (p) =>
      `${p.flow} ${p.direction} ${p.events.map((e) => `${e.hook} IN=${e.in} OUT=${e.out}`).join(", ")} (${p.events.map((e) => e.position.line).join(",")})`,
  );

describe("a flooded frame's copies", () => {
  it("are one packet per port, the bridge's own copy beside the last one forwarded, all in the frame's flow", () => {
    // The kernel printed, for host .2's ARP request: pwlog FORWARD OUT=vc, filter FORWARD OUT=vb (its rule
    // has `-o vb`), pwlog FORWARD OUT=vb, filter INPUT, pwlog INPUT; then the reply FORWARD IN=vb OUT=va.
    // (A packet's FORWARD and INPUT lines are drawn as copies beside each other, test/unit/render/arp-family-path.)
    expect(packets(lines(1, 2, 3, 4, 5, 6))).toEqual([
      "1 request bridge:pwlog:FORWARD IN=va OUT=vc (1)",
      "1 request bridge:filter:FORWARD IN=va OUT=vb, bridge:pwlog:FORWARD IN=va OUT=vb, bridge:filter:INPUT IN=va OUT=, bridge:pwlog:INPUT IN=va OUT= (2,3,4,5)",
      "1 reply bridge:pwlog:FORWARD IN=vb OUT=va (6)",
    ]);
  });

  it("leave by one port each, whatever table logs them", () => {
    // An unknown unicast (to a MAC no port learnt) flooded to vc, then vb (lines 10-12); the bridge's own
    // ARP request out of vc, vb and va, each at both tables (lines 13-18).
    const out = packets(lines(10, 11, 12, 13, 14, 15, 16, 17, 18));
    expect(out).toHaveLength(5);
    for (const p of out) expect(new Set(p.match(/OUT=\w+/g)).size, p).toBe(1);
    expect(out.map((p) => p.split(" ")[0])).toEqual(["1", "1", "2", "2", "2"]);
  });
});
