/**
 * nft monitor and xtables-monitor print a packet line once per base chain a packet traverses: a
 * second packet line at the chain a packet's last event is at is another packet, whatever its
 * trace id. Lines from the recorded fixtures `real-nft-monitor-protocols-trace` and
 * `real-xtables-monitor-bridge-ll-broadcast-trace` (kernel 6.18).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const shape = (text: string) =>
  parseTraceText(text, { file: "x.log" }).packets.map((p) =>
    p.events.map((e) => `${e.hook} ${e.out ? `OUT=${e.out} ` : ""}line ${e.position.line}`),
  );

/** One ICMPv6 echo (sequence `seq`) to the bridge with its own trace id, behind a destination options header. */
const echo = (id: string, seq: string, nexthdr: string) => [
  `trace id ${id} inet ji input packet: iif "br0" ether saddr 02:00:5e:15:00:11 ether daddr 02:00:5e:15:00:01 ip6 saddr 2001:db8:15::11 ip6 daddr 2001:db8:15::1 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 1040751 ip6 nexthdr ${nexthdr} ip6 length 19 @th,0,88 0x80003e9315150${seq}686268 `,
  `trace id ${id} inet ji input rule ip6 saddr 2001:db8:15::11 meta nftrace set 1 (verdict continue)`,
  `trace id ${id} inet ji input policy accept `,
];

describe("a packet line at the chain the packet is at", () => {
  it("nft monitor: two echoes with one header and different trace ids at one inet chain are two packets", () => {
    const text = [...echo("24a69c6f", "001", "ip"), ...echo("91ff84d7", "002", "ipv6-opts")].join("\n");
    expect(shape(text)).toEqual([["ip6:ji:input line 2"], ["ip6:ji:input line 5"]]);
  });

  it("xtables-monitor: a broadcast flooded to two bridge ports shows both copies, each with its port", () => {
    const ll = "ffffffffffffffffffffffffffffffffffffffffffffffff0242ffffffc63364010800";
    const nh = "450000216fffffffd54000401175ffffff8fffffffc6336401ffffffc63364ffffffff";
    const text = [
      "PACKET: 2 d75b944b OUT=br0 SRC=198.51.100.1 DST=198.51.100.255 LEN=33 TOS=0x0 TTL=64 ID=28629 DF SPORT=33323 DPORT=9999 ",
      " TRACE: 2 d75b944b raw:OUTPUT:rule:0x2:CONTINUE  -4 -t raw -A OUTPUT -d 198.51.100.0/24 -p udp -j TRACE",
      " TRACE: 2 d75b944b raw:OUTPUT:policy:ACCEPT ",
      `PACKET: 7 59600df6 OUT=vb LL=0x0 ${ll} NH=${nh} `,
      " TRACE: 7 59600df6 filter:OUTPUT:rule:0x2:ACCEPT  ",
      `PACKET: 7 d75b944b OUT=va LL=0x0 ${ll} NH=${nh} `,
      " TRACE: 7 d75b944b filter:OUTPUT:rule:0x2:ACCEPT  ",
    ].join("\n");
    // As the LOG lines of a flood show it: the first copy goes on with the datagram, the second is a packet from the bridge hook on.
    expect(shape(text)).toEqual([
      ["ip:raw:OUTPUT OUT=br0 line 2", "bridge:filter:OUTPUT OUT=vb line 5"],
      ["bridge:filter:OUTPUT OUT=va line 7"],
    ]);
  });
});
