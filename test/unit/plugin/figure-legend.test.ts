/**
 * A figure's legend keys only what its diagrams show: a path diagram writes its step numbers in its
 * nodes (no circled N key) and has a bridge key only with a bridge step; the drop key comes with a
 * packet that ends dropped; an nftables figure's verdict key only where a step carries a verdict (TRACE).
 */
import { describe, expect, it } from "vitest";
import type { ChainAtHook } from "../../../src/core/render/hook-chains.ts";
import { figureLegend } from "../../../src/plugin/figure-legend.ts";

const keys = (html: string) => [...html.matchAll(/pw-key pw-key-([a-z]+)/g)].map((m) => m[1]);
const NFT = { boxes: new Map<string, ChainAtHook[]>() };

describe("figureLegend", () => {
  it("keys a map's every part, as the playground's legend does for any packet", () => {
    expect(keys(figureLegend("en", "map", false))).toEqual([
      "bridge",
      "ip",
      "path",
      "notseen",
      "step",
      "decision",
      "faded",
      "endpoint",
      "dropped",
    ]);
  });

  it("keys a path figure without a bridge step, a drop or circled numbers as what it shows", () => {
    const html = figureLegend("en", "path", true, undefined, {
      bridge: false,
      dropped: false,
      verdicts: false,
      notSeen: false,
    });
    expect(keys(html)).toEqual(["ip", "path"]);
    expect(html).toContain("simulator: …");
    expect(
      keys(figureLegend("en", "path", false, undefined, { bridge: true, dropped: true, notSeen: false })),
    ).toEqual(["bridge", "ip", "path", "dropped"]);
    // A trace that ends before the way out: its dashed rest is keyed, in both languages.
    const early = figureLegend("en", "path", false, undefined, { bridge: false, dropped: false });
    expect(keys(early)).toEqual(["ip", "path", "notseen"]);
    expect(early).toContain("not in the trace: where the packet likely went after its last line");
    expect(figureLegend("zh-tw", "map", false)).toContain("追蹤記錄裡沒有：封包在最後一行之後可能走的路");
  });

  it("keys an nftables figure's verdicts only where a step carries one", () => {
    expect(figureLegend("en", "map", true, NFT, { verdicts: false })).not.toContain("pw-v-accept");
    expect(figureLegend("zh-tw", "map", false, NFT, { verdicts: true })).toContain("pw-v-accept");
    // A map always draws the bridge's boxes.
    expect(keys(figureLegend("en", "map", false, NFT, { bridge: false }))).toContain("bridge");
  });
});
