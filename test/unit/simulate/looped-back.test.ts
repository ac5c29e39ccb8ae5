/**
 * A packet the host sends itself is one packet from its OUTPUT hook to its INPUT hook, in the parse and
 * in `check`'s comparison, as the simulator follows it and the kernel sends it (the same skb out of and
 * back in through lo). test/fixtures/looped-back: a REJECT's ICMP error from the host to itself, kernel 6.18.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { recordedPackets } from "../../../src/core/simulate/conformance.ts";

const log = readFileSync(
  join(import.meta.dirname, "../../fixtures/looped-back/host-to-container.log"),
  "utf8",
);

describe("a packet looped back through lo", () => {
  it("is one packet in the parse and in check's comparison", () => {
    const parsed = parseTraceText(log);
    expect(parsed.packets.map((p) => p.events.length)).toEqual([4, 8]);
    const recorded = recordedPackets(parsed, "log");
    expect(recorded.map((p) => p.hooks.join(" "))).toEqual([
      "ip:raw:OUTPUT ip:mangle:OUTPUT ip:nat:OUTPUT ip:filter:OUTPUT",
      "ip:raw:OUTPUT ip:mangle:OUTPUT ip:filter:OUTPUT ip:mangle:POSTROUTING ip:raw:PREROUTING ip:mangle:PREROUTING ip:mangle:INPUT ip:filter:INPUT",
    ]);
  });

  it("keeps apart two packets of a flow that only pass lo one after the other", () => {
    // The same hooks, another IP id: the echo request's second copy is not its loop.
    const other = log.replace(/ID=53217 PROTO=ICMP TYPE=3(.*)$/gm, (line, rest, offset) =>
      offset > log.indexOf("IN=lo ") ? `ID=53218 PROTO=ICMP TYPE=3${rest}` : line,
    );
    const parsed = parseTraceText(other);
    expect(parsed.packets.map((p) => p.events.length)).toEqual([4, 4, 4]);
    expect(recordedPackets(parsed, "log")).toHaveLength(3);
  });
});
