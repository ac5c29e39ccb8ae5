/**
 * nft chain names are case-sensitive (`WAN_in` and `wan_in` are two chains): an nft monitor trace's
 * `(verdict jump WAN_in)` keeps its target as printed, and only the keyword is written in the model's
 * upper case. It used to read `JUMP WAN_IN`, a chain the ruleset does not have, and the playground's
 * badge said so. Writing the event back as nft monitor lines gives the kernel's text again.
 */
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { formatNftMonitorLines } from "../../../src/core/parse/format-nft-monitor.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";

const LINES = [
  'trace id 5a1c0e01 ip filter forward packet: iif "lan0" oif "wan0" ip saddr 192.168.7.2 ip daddr 203.0.113.9 ip dscp cs0 ip ecn not-ect ip ttl 63 ip id 4242 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 7 icmp sequence 1 ',
  'trace id 5a1c0e01 ip filter forward rule iifname "lan0" jump WAN_in (verdict jump WAN_in)',
  "trace id 5a1c0e01 ip filter WAN_in rule ip daddr 203.0.113.0/24 goto Lan-Out (verdict goto Lan-Out)",
  "trace id 5a1c0e01 ip filter Lan-Out verdict continue",
  "trace id 5a1c0e01 ip filter forward policy accept ",
];

function parse(lines: string[]): Packet[] {
  const packets: Packet[] = [];
  const parser = new TraceParser((p) => packets.push(p), { file: "t.log" });
  for (const l of lines) parser.line(l);
  parser.end();
  return packets;
}

describe("nft monitor verdicts", () => {
  it("keep a jump or goto target's case and upper-case only the keyword", () => {
    const [packet] = parse(LINES);
    const verdicts = packet?.events.flatMap((e) => e.verdicts ?? []).map((v) => `${v.chain}:${v.verdict}`);
    expect(verdicts).toEqual([
      "forward:JUMP WAN_in",
      "WAN_in:GOTO Lan-Out",
      "Lan-Out:CONTINUE",
      "forward:ACCEPT",
    ]);
  });

  it("are written back as the kernel printed them", () => {
    const [packet] = parse(LINES);
    const written = packet?.events.flatMap((e) => formatNftMonitorLines(e)).join("\n");
    expect(written).toContain("(verdict jump WAN_in)");
    expect(written).toContain("(verdict goto Lan-Out)");
    expect(written).not.toMatch(/WAN_IN|LAN-OUT/);
  });
});
