/**
 * IPv6 neighbor discovery: a solicitation goes to the target's solicited-node group (or, probing a
 * known neighbor again, to the target itself) and the advertisement comes back to the asker, so no
 * tuple of one is the other's reverse. The advertisement is the solicitation's reply all the same;
 * one to all nodes, and the answer to duplicate address detection (asked from `::`), answer nobody.
 * LOG lines in the form of a real capture (kernel 6.18, see test/fixtures/parse/real-neighbor-discovery).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { neighborKeys } from "../../../src/core/parse/neighbor-discovery.ts";
import { blankEvent } from "../../../src/core/parse/parsed-line.ts";

/** A LOG line of an ICMPv6 packet of `type` between two addresses (full form, as the kernel prints). */
function line(hook: "OUTPUT" | "INPUT", src: string, dst: string, type: number): string {
  const dev = hook === "OUTPUT" ? "IN= OUT=pwnda" : "IN=pwnda OUT=";
  return `[39566.655124] ip6table/filter-${hook} ${dev} SRC=${src} DST=${dst} LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=${type} CODE=0 `;
}

const A = "2001:0db8:0007:0000:0000:0000:0000:0001";
const B = "2001:0db8:0007:0000:0000:0000:0000:0002";
const C = "2001:0db8:0007:0000:0000:0000:0000:0003";
const GROUP_B = "ff02:0000:0000:0000:0000:0001:ff00:0002";
const ALL_NODES = "ff02:0000:0000:0000:0000:0000:0000:0001";
const UNSPECIFIED = "0000:0000:0000:0000:0000:0000:0000:0000";

function flows(lines: string[]): string[] {
  return parseTraceText(lines.join("\n")).packets.map((p) => `${p.flow} ${p.direction}`);
}

describe("neighbor discovery flows", () => {
  it("makes the advertisement the reply of the solicitation sent to the target's solicited-node group", () => {
    expect(flows([line("OUTPUT", A, GROUP_B, 135), line("INPUT", B, A, 136)])).toEqual([
      "1 request",
      "1 reply",
    ]);
  });

  it("ties a solicitation sent to the target itself (a neighbor probed again) to its answer", () => {
    expect(flows([line("OUTPUT", A, B, 135), line("INPUT", B, A, 136)])).toEqual(["1 request", "1 reply"]);
  });

  it("does not tie an advertisement from another target to the solicitation", () => {
    expect(flows([line("OUTPUT", A, GROUP_B, 135), line("INPUT", C, A, 136)])).toEqual([
      "1 request",
      "2 request",
    ]);
  });

  it("leaves advertisements to all nodes and duplicate address detection on their own", () => {
    expect(flows([line("OUTPUT", UNSPECIFIED, GROUP_B, 135), line("INPUT", B, ALL_NODES, 136)])).toEqual([
      "1 request",
      "2 request",
    ]);
  });

  it("reads addresses in any written form", () => {
    const ev = (src: string, dst: string, type: number) => {
      const e = blankEvent("nft-monitor", "");
      e.ip = { src, dst };
      e.l4 = { proto: "icmpv6", icmpType: type };
      return [e];
    };
    expect(neighborKeys(ev("2001:db8:7::1", "ff02::1:ff00:2", 135)).solicits).toBe(
      neighborKeys(ev(B, A, 136)).answers,
    );
    expect(neighborKeys(ev("2001:db8:7::1", "2001:db8:7::2", 128))).toEqual({});
  });
});
