/**
 * A trace's packet lines (nft monitor's `packet:`, xtables-monitor's `PACKET:`) are netfilter lines:
 * the summary counts them so, and an input of such lines alone is said to name no chain, not to be empty.
 */
import { describe, expect, it } from "vitest";
import { noPacketsMessage } from "../../../src/cli/parse-command.ts";
import type { Packet } from "../../../src/core/model/packet.ts";
import { TraceParser } from "../../../src/core/parse/index.ts";

/** The packets, netfilter lines, skipped lines and diagnostics of `text`, as the CLI's summary counts them. */
function read(text: string) {
  const packets: Packet[] = [];
  const parser = new TraceParser((p) => packets.push(p), { file: "t.log" });
  for (const line of text.split("\n")) parser.line(line);
  parser.end();
  return {
    packets,
    events: parser.events,
    skippedLines: parser.skippedLines,
    diagnostics: parser.diagnostics,
  };
}

/** OpenWrt issue 19814's nft monitor trace, as posted. */
const TRACE = [
  'trace id efb1d592 inet fw4 raw_prerouting packet: iif "eth0.2" ether saddr 00:00:5E:00:53:b8 ether daddr 00:00:5E:00:53:e0 ip saddr 165.227.75.125 ip daddr 192.0.2.16 ip dscp cs0 ip ecn not-ect ip ttl 56 ip id 42100 ip protocol tcp ip length 60 tcp sport 40066 tcp dport 1234 tcp flags == syn tcp window 64240',
  "trace id efb1d592 inet fw4 raw_prerouting rule tcp dport 1234 meta nftrace set 1 (verdict continue)",
  "trace id efb1d592 inet fw4 raw_prerouting verdict continue",
  "trace id efb1d592 inet fw4 raw_prerouting policy accept",
  'trace id efb1d592 inet fw4 mangle_prerouting packet: iif "eth0.2" ether saddr 00:00:5E:00:53:b8 ether daddr 00:00:5E:00:53:e0 ip saddr 165.227.75.125 ip daddr 192.0.2.16 ip dscp cs0 ip ecn not-ect ip ttl 56 ip id 42100 ip protocol tcp ip length 60 tcp sport 40066 tcp dport 1234 tcp flags == syn tcp window 64240',
  "trace id efb1d592 inet fw4 mangle_prerouting verdict continue",
  "trace id efb1d592 inet fw4 mangle_prerouting policy accept",
  'trace id efb1d592 inet fw4 input packet: iif "eth0.2" ether saddr 00:00:5E:00:53:b8 ether daddr 00:00:5E:00:53:e0 ip saddr 165.227.75.125 ip daddr 192.0.2.16 ip dscp cs0 ip ecn not-ect ip ttl 56 ip id 42100 ip protocol tcp ip length 60 tcp sport 40066 tcp dport 1234 tcp flags == syn tcp window 64240',
  'trace id efb1d592 inet fw4 input rule iifname "eth0.2" jump input_wan comment "!fw4: Handle wan IPv4/IPv6 input traffic" (verdict jump input_wan)',
  "trace id efb1d592 inet fw4 input_wan rule jump drop_from_wan (verdict jump drop_from_wan)",
  'trace id efb1d592 inet fw4 drop_from_wan rule iifname "eth0.2" counter packets 12 bytes 720 drop comment "!fw4: drop wan IPv4/IPv6 traffic" (verdict drop)',
].join("\n");

describe("a trace's packet lines in the summary", () => {
  it("counts every line of an nft monitor trace, its packet: lines too", () => {
    const text = TRACE;
    const lines = text.split("\n");
    expect(lines.filter((l) => l.includes(" packet: "))).not.toHaveLength(0);
    const r = read(text);
    expect(r.packets).toHaveLength(1);
    expect([r.events, r.skippedLines]).toEqual([lines.length, 0]);
  });

  it("counts an nft packet: line read alone once, as the packet it draws", () => {
    const r = read(TRACE.split("\n")[0] as string);
    expect([r.packets.length, r.events]).toEqual([1, 1]);
  });

  it("says an input of one xtables-monitor PACKET: line names no chain, not that it is empty", () => {
    const line =
      "PACKET: 2 c6b3d9c1 IN=enp0s3 MACSRC=52:54:00:12:35:02 MACDST=08:00:27:aa:bb:cc MACPROTO=0800 SRC=10.0.2.2 DST=10.0.2.15 LEN=44 TOS=0x0 TTL=64 ID=1234 SPORT=51000 DPORT=22 SYN ";
    const r = read(line);
    expect([r.packets.length, r.events, r.skippedLines, r.diagnostics.length]).toEqual([0, 1, 0, 0]);
    const said = noPacketsMessage(["p.log"], r.events, r.skippedLines, 0, 0);
    expect(said).not.toContain("empty");
    expect(said).toBe(
      "packetwalk parse: no packet: the one netfilter line read names no chain or rule (a trace's PACKET: line without its TRACE: lines)\nhint: give the whole xtables-monitor --trace output: a packet's TRACE: lines say which chains and rules it went through\n",
    );
  });
});
