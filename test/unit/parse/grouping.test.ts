/**
 * One packet logged twice at one hook (a LOG rule in the built-in chain and another in a chain it
 * jumps to, both naming that hook): one packet with two events, unless the clock, the IP id or the
 * distance between the lines says it is a retransmission.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

/** A TCP SYN at filter FORWARD, logged by the rule tagged `tag` at uptime `t`. */
const syn = (tag: string, t: string, id: number, ttl = 63) =>
  `[${t}] ${tag}/iptable/filter-FORWARD IN=wan0 OUT=br0 MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=203.0.113.20 DST=10.77.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} DF PROTO=TCP SPT=40000 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 `;
/** The same without the dmesg stamp: no clock. */
const bare = (line: string) => line.replace(/^\[[^\]]*\] /, "");
const other =
  "[ 5.500000] x/iptable/raw-PREROUTING IN=wan0 OUT= SRC=203.0.113.9 DST=10.77.0.3 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=9 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ";

const shape = (text: string) =>
  parseTraceText(text, { file: "x.log" }).packets.map((p) =>
    p.events.map((e) => `${e.hook} ${e.prefix.split("/")[0]}`),
  );

describe("a packet logged twice at one hook", () => {
  it("two rules' lines microseconds apart with one header are one packet with two events", () => {
    expect(shape([syn("fw", "5.000100", 77), syn("iso", "5.000108", 77)].join("\n"))).toEqual([
      ["ip:filter:FORWARD fw", "ip:filter:FORWARD iso"],
    ]);
  });

  it("a second apart they are two packets, even with one IP id (0, as some stacks send)", () => {
    expect(shape([syn("fw", "5.000100", 0), other, syn("iso", "6.000100", 0)].join("\n"))).toEqual([
      ["ip:filter:FORWARD fw"],
      ["ip:raw:PREROUTING x"],
      ["ip:filter:FORWARD iso"],
    ]);
  });

  it("a retransmission (new IP id) and the same rule's line again are new packets", () => {
    expect(shape([syn("fw", "5.000100", 77), syn("iso", "5.000108", 78)].join("\n")).length).toBe(2);
    expect(shape([syn("fw", "5.000100", 77), syn("fw", "5.000108", 78)].join("\n")).length).toBe(2);
    expect(shape([syn("fw", "5.000100", 77), syn("iso", "5.000108", 77, 62)].join("\n")).length).toBe(2);
    // The same prefix and IP id, but not the next line, or at the same time (a line copied twice).
    expect(shape([syn("fw", "5.000100", 77), other, syn("fw", "5.000108", 77)].join("\n")).length).toBe(3);
    expect(shape([syn("fw", "5.000100", 77), syn("fw", "5.000100", 77)].join("\n")).length).toBe(2);
  });

  it("two LOG rules of one chain with one prefix print a datagram on consecutive lines: one packet (recorded, hv46)", () => {
    // A general LOG rule and one for an interface, both named after their chain, as packetwalk's convention asks.
    expect(shape([syn("fw", "5.000100", 77), syn("fw", "5.000108", 77)].join("\n"))).toEqual([
      ["ip:filter:FORWARD fw", "ip:filter:FORWARD fw"],
    ]);
  });

  it("the same two rules printing a retransmission with one header (IP id 0, no clock): two packets, each logged twice", () => {
    const lines = [
      syn("fw", "5.000100", 0),
      syn("iso", "5.000108", 0),
      syn("fw", "5.010100", 0),
      syn("iso", "5.010108", 0),
    ];
    const twice = [
      ["ip:filter:FORWARD fw", "ip:filter:FORWARD iso"],
      ["ip:filter:FORWARD fw", "ip:filter:FORWARD iso"],
    ];
    expect(shape(lines.join("\n"))).toEqual(twice);
    expect(shape(lines.map(bare).join("\n"))).toEqual(twice);
  });

  it("without a clock only the next line is taken as the same packet logged again", () => {
    const a = bare(syn("fw", "5.000100", 0));
    const b = bare(syn("iso", "5.000108", 0));
    expect(shape([a, b].join("\n"))).toEqual([["ip:filter:FORWARD fw", "ip:filter:FORWARD iso"]]);
    expect(shape([a, bare(other), b].join("\n")).length).toBe(3);
  });
});
