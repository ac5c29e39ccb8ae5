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

  it("gives each packet its own return when two left by lo before either came back (IPv6: no IP id)", () => {
    const L = "0000:0000:0000:0000:0000:0000:0000:0001";
    const line = (t: number, prefix: string, dev: string, label: number) =>
      `[100.00000${t}] ${prefix}${dev} SRC=${L} DST=${L} LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=${label} PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=1`;
    const out = "IN= OUT=lo";
    const back = "IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:86:dd";
    const text = (a: number, b: number) =>
      [
        line(1, "iptable/filter-OUTPUT ", out, a),
        line(2, "iptable/mangle-POSTROUTING ", out, a),
        line(3, "iptable/filter-OUTPUT ", out, b),
        line(4, "iptable/mangle-POSTROUTING ", out, b),
        line(5, "iptable/mangle-PREROUTING ", back, a),
        line(6, "iptable/filter-INPUT ", back, a),
        line(7, "iptable/mangle-PREROUTING ", back, b),
        line(8, "iptable/filter-INPUT ", back, b),
      ].join("\n");
    const shape = (t: string) =>
      parseTraceText(t).packets.map((p) =>
        p.events.map((e) => `${e.hook.split(":")[2]}/${e.ip?.flowLabel}`).join(" "),
      );
    // Told apart by the flow label, and by order when the labels are the same: the first out is the first back.
    expect(shape(text(1, 2))).toEqual([
      "OUTPUT/1 POSTROUTING/1 PREROUTING/1 INPUT/1",
      "OUTPUT/2 POSTROUTING/2 PREROUTING/2 INPUT/2",
    ]);
    expect(parseTraceText(text(1, 1)).packets.map((p) => p.events.map((e) => e.position.line))).toEqual([
      [1, 2, 5, 6],
      [3, 4, 7, 8],
    ]);
  });

  it("is one packet in a TRACE capture too: the trace mark stays on through lo", () => {
    const traced = readFileSync(
      join(import.meta.dirname, "../../fixtures/looped-back/ping-localhost-trace.log"),
      "utf8",
    );
    const parsed = parseTraceText(traced);
    const hooks = "ip:raw:OUTPUT ip:raw:PREROUTING ip:filter:INPUT";
    expect(parsed.packets.map((p) => p.hooks.join(" "))).toEqual([hooks, hooks]);
    // (Which is the reply is not told here: xtables-monitor prints no ICMP type, and both go 127.0.0.1 -> 127.0.0.1.)
    expect(recordedPackets(parsed, "trace").map((p) => p.hooks.join(" "))).toEqual([hooks, hooks]);
  });
});
