/**
 * `nft monitor trace` prints `ip6 length` as the IPv6 header's payload length, while a LOG line's `LEN=`
 * is the whole packet (nf_log prints the payload length plus the 40-byte header): the parser keeps the
 * whole length for both, so one packet seen by both tools has one length (grouping compares it), and a
 * rule on the length is matched on the same number. The nft line is line 31 of the real capture
 * test/fixtures/parse/real-nft-monitor-protocols-trace (an IPv4-in-IPv6 packet, payload 38).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";

/** The first event of each packet of `lines`. */
function firstEvents(lines: string[]) {
  const packets: Packet[] = [];
  const parser = new TraceParser((p) => packets.push(p), { file: "t.log" });
  for (const l of lines) parser.line(l);
  parser.end();
  return packets.map((p) => p.events[0]);
}

describe("ip6 length of nft monitor trace", () => {
  it("is read as the whole packet's length, as LOG's LEN= is", () => {
    const input = readFileSync(
      join(import.meta.dirname, "../../fixtures/parse/real-nft-monitor-protocols-trace/input.log"),
      "utf8",
    ).split("\n");
    const nftLines = input.slice(30, 33);
    expect(nftLines[0]).toContain("ip6 length 38 ");
    const logLine =
      "[ 100.000000] ip6table/filter-INPUT IN=br0 OUT= MAC=02:00:5e:15:00:01:02:00:5e:15:00:11:86:dd SRC=2001:0db8:0015:0000:0000:0000:0000:0011 DST=2001:0db8:0015:0000:0000:0000:0000:0001 LEN=78 TC=0 HOPLIMIT=64 FLOWLBL=622320 PROTO=4 ";
    const [nft] = firstEvents(nftLines);
    const [log] = firstEvents([logLine]);
    expect(nft?.ip?.len).toBe(78);
    expect(nft?.ip?.len).toBe(log?.ip?.len);
  });

  it("leaves IPv4's ip length as printed (the total length)", () => {
    const lines = [
      'trace id 0a0b0c0d ip filter input packet: iif "eth0" ip saddr 203.0.113.1 ip daddr 203.0.113.2 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 7 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 1 icmp sequence 1 ',
      "trace id 0a0b0c0d ip filter input policy accept ",
    ];
    expect(firstEvents(lines)[0]?.ip?.len).toBe(84);
  });
});
