/**
 * A packet whose TTL a rule rewrites stays one packet. Real lines (kernel 6.18, iptables 1.8.9 nft
 * backend, the docker-bridge lab under random-iptables-rules.ts seed 3 with `-t mangle -A PREROUTING -j
 * TTL --ttl-set 63`): c1's ping logs TTL=64 at raw and mangle PREROUTING, 63 at nat PREROUTING (the
 * target ran), 62 once forwarded; the client's SYN likewise, DNATed on the way; c1's SYN-ACK (IP id 0)
 * goes from 64 to 62 across bridge filter INPUT. The parser took a TTL other than the first or one less
 * for another packet and split each in two, so `check` found hooks missing on both sides.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const LOG = [
  "[11172.131567] pwnn/ebtable/nat-PREROUTE IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172.17.0.2 IP DST=198.51.100.10, IP tos=0x00, IP proto=1",
  "[11172.131596] pwnn/iptable/raw-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=6902 DF PROTO=ICMP TYPE=8 CODE=0 ID=22834 SEQ=1 ",
  "[11172.131608] pwnn/iptable/mangle-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=6902 DF PROTO=ICMP TYPE=8 CODE=0 ID=22834 SEQ=1 ",
  "[11172.131615] pwnn/iptable/nat-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=6902 DF PROTO=ICMP TYPE=8 CODE=0 ID=22834 SEQ=1 ",
  "[11172.131625] pwnn/ebtable/filter-INPUT IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172.17.0.2 IP DST=198.51.100.10, IP tos=0x00, IP proto=1",
  "[11172.131637] pwnn/iptable/mangle-FORWARDIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=62 ID=6902 DF PROTO=ICMP TYPE=8 CODE=0 ID=22834 SEQ=1 ",
  "[11172.131643] pwnn/iptable/filter-FORWARDIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=62 ID=6902 DF PROTO=ICMP TYPE=8 CODE=0 ID=22834 SEQ=1 ",
  "[11172.131649] pwnn/iptable/mangle-POSTROUTEIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=62 ID=6902 DF PROTO=ICMP TYPE=8 CODE=0 ID=22834 SEQ=1 ",
  "[11172.131654] pwnn/iptable/nat-POSTROUTEIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=62 ID=6902 DF PROTO=ICMP TYPE=8 CODE=0 ID=22834 SEQ=1 ",
  "[11172.405041] pwnn/iptable/raw-PREROUTEIN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=6379 DF PROTO=TCP SPT=44839 DPT=8080 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "[11172.405061] pwnn/iptable/mangle-PREROUTEIN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=6379 DF PROTO=TCP SPT=44839 DPT=8080 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "[11172.405069] pwnn/iptable/nat-PREROUTEIN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=6379 DF PROTO=TCP SPT=44839 DPT=8080 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "[11172.405086] pwnn/iptable/mangle-FORWARDIN=eth0 OUT=docker0 MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=172.17.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=6379 DF PROTO=TCP SPT=44839 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "[11172.405091] pwnn/iptable/filter-FORWARDIN=eth0 OUT=docker0 MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=172.17.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=6379 DF PROTO=TCP SPT=44839 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "[11172.405100] pwnn/iptable/mangle-POSTROUTEIN=eth0 OUT=docker0 MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=172.17.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=6379 DF PROTO=TCP SPT=44839 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "[11172.405105] pwnn/iptable/nat-POSTROUTEIN=eth0 OUT=docker0 MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=172.17.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=6379 DF PROTO=TCP SPT=44839 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "[11172.405170] pwnn/ebtable/filter-OUTPUT IN= OUT=veth-c1 MAC source = 02:42:5e:1a:b0:01 MAC dest = 02:42:ac:11:00:02 proto = 0x0800 IP SRC=198.51.100.10 IP DST=172.17.0.2, IP tos=0x00, IP proto=6 SPT=44839 DPT=80",
  "[11172.405180] pwnn/ebtable/nat-OUTPUT IN= OUT=veth-c1 MAC source = 02:42:5e:1a:b0:01 MAC dest = 02:42:ac:11:00:02 proto = 0x0800 IP SRC=198.51.100.10 IP DST=172.17.0.2, IP tos=0x00, IP proto=6 SPT=44839 DPT=80",
  "[11172.405187] pwnn/ebtable/nat-POSTROUTE IN= OUT=veth-c1 MAC source = 02:42:5e:1a:b0:01 MAC dest = 02:42:ac:11:00:02 proto = 0x0800 IP SRC=198.51.100.10 IP DST=172.17.0.2, IP tos=0x00, IP proto=6 SPT=44839 DPT=80",
  "[11172.405209] pwnn/ebtable/nat-PREROUTE IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172.17.0.2 IP DST=198.51.100.10, IP tos=0x00, IP proto=6 SPT=80 DPT=44839",
  "[11172.405219] pwnn/iptable/raw-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=80 DPT=44839 WINDOW=65160 RES=0x00 ACK SYN URGP=0 ",
  "[11172.405225] pwnn/iptable/mangle-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=80 DPT=44839 WINDOW=65160 RES=0x00 ACK SYN URGP=0 ",
  "[11172.405230] pwnn/ebtable/filter-INPUT IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172.17.0.2 IP DST=198.51.100.10, IP tos=0x00, IP proto=6 SPT=80 DPT=44839",
  "[11172.405240] pwnn/iptable/mangle-FORWARDIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=0 DF PROTO=TCP SPT=80 DPT=44839 WINDOW=65160 RES=0x00 ACK SYN URGP=0 ",
  "[11172.405244] pwnn/iptable/filter-FORWARDIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=0 DF PROTO=TCP SPT=80 DPT=44839 WINDOW=65160 RES=0x00 ACK SYN URGP=0 ",
  "[11172.405249] pwnn/iptable/mangle-POSTROUTEIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=0 DF PROTO=TCP SPT=80 DPT=44839 WINDOW=65160 RES=0x00 ACK SYN URGP=0 ",
].join("\n");

describe("a TTL a rule rewrote", () => {
  it("keeps the packet's lines together: the ping, the DNATed SYN, the SYN-ACK with IP id 0", () => {
    const parsed = parseTraceText(LOG, { file: "ttl-rewritten.log" });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.packets.map((p) => p.events.map((e) => e.position.line))).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22, 23, 24, 25, 26],
    ]);
    // The rewritten TTL is what the lines say: 64, then 63 after the target, 62 once forwarded.
    expect(parsed.packets[0]?.events.map((e) => e.ip?.ttl).filter((t) => t !== undefined)).toEqual([
      64, 64, 63, 62, 62, 62, 62,
    ]);
  });

  it("does not take another TTL and another source at once for one packet SNATed (two senders, one IP id)", () => {
    // A reviewer's lines: a TTL of 127 and one of 63, two hosts whose pings share IP id 100 and echo id 1.
    const two = [
      "[  100.000001] iptable/mangle-FORWARD IN=eth1 OUT=eth0 SRC=192.168.1.10 DST=198.51.100.8 LEN=60 TOS=0x00 PREC=0x00 TTL=127 ID=100 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=5 ",
      "[  100.000002] iptable/nat-POSTROUTING IN= OUT=eth0 SRC=192.168.1.20 DST=198.51.100.8 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=100 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=5 ",
    ].join("\n");
    const parsed = parseTraceText(two, {
      file: "two-senders.log",
      prefixMap: {
        "iptable/mangle-FORWARD": "ip:mangle:FORWARD",
        "iptable/nat-POSTROUTING": "ip:nat:POSTROUTING",
      },
    });
    expect(parsed.packets).toHaveLength(2);
    expect(parsed.packets.flatMap((p) => p.rewrites)).toEqual([]);
  });

  it("still opens a packet for a TTL that neither fits nor comes right after the packet's line", () => {
    const lines = LOG.split("\n");
    // The ping's forwarded lines after another packet's line: not believed to be the same packet.
    const moved = [...lines.slice(0, 3), lines[10] as string, ...lines.slice(5, 9)].join("\n");
    const parsed = parseTraceText(moved, { file: "ttl-moved.log" });
    expect(parsed.packets.map((p) => p.events.map((e) => e.position.line))).toEqual([
      [1, 2, 3],
      [4],
      [5, 6, 7, 8],
    ]);
  });
});
