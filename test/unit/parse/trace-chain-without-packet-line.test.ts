/**
 * xtables-monitor prints a `PACKET:` line once for a trace id's first table at a hook: the next table at
 * the same hook (`nat:PREROUTING` after `raw:PREROUTING`), or a later hook of the same packet, may have
 * none. Such a chain takes the packet data the hook's earlier chain printed; at a later hook only the
 * devices the path keeps (the input device from PREROUTING to INPUT). A chain whose devices nothing
 * printed says so (`IN=? OUT=?`), where it said `IN= OUT=`, the devices of a locally sent packet.
 */
import { describe, expect, it } from "vitest";
import { packetTail } from "../../../src/cli/packet-output.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const devices = (text: string) =>
  parseTraceText(text, { file: "x.log" }).packets.map((p) =>
    p.events.map((e) => `${e.hook} in=${e.in ?? "?"} out=${e.out ?? "?"} src=${e.ip?.src ?? "?"}`),
  );

const PACKET =
  "PACKET: 2 5a1c0de1 IN=br-a MACSRC=2:42:ac:14:0:2 MACDST=2:42:a4:c7:f1:f1 MACPROTO=0800 SRC=172.20.0.2 DST=198.51.100.7 LEN=84 TOS=0x0 TTL=64 ID=4375 DF ";

describe("an xtables-monitor chain without a packet line of its own", () => {
  it("at the same hook takes the earlier table's packet data, devices included", () => {
    const text = [
      PACKET,
      " TRACE: 2 5a1c0de1 raw:PREROUTING:rule:0x4:CONTINUE  -4 -t raw -A PREROUTING -p icmp -j TRACE",
      " TRACE: 2 5a1c0de1 raw:PREROUTING:policy:ACCEPT ",
      " TRACE: 2 5a1c0de1 nat:PREROUTING:return:",
      " TRACE: 2 5a1c0de1 nat:PREROUTING:policy:ACCEPT ",
      PACKET.replace("5a1c0de1 IN=br-a", "9e0d4c21 IN=br-a OUT=eth0").replace("TTL=64", "TTL=63"),
      " TRACE: 2 9e0d4c21 filter:FORWARD:rule:0x34:ACCEPT  -4 -t filter -A FORWARD -i br-a ! -o br-a -j ACCEPT",
    ].join("\n");
    expect(devices(text)).toEqual([
      [
        "ip:raw:PREROUTING in=br-a out=? src=172.20.0.2",
        "ip:nat:PREROUTING in=br-a out=? src=172.20.0.2",
        "ip:filter:FORWARD in=br-a out=eth0 src=172.20.0.2",
      ],
    ]);
  });

  it("at a later hook takes only the input device, and says the devices it cannot know are unknown", () => {
    const text = [
      "TRACE: 2 fc475095 raw:PREROUTING:rule:0x3:CONTINUE -4 -t raw -A PREROUTING -p icmp -j TRACE",
      "PACKET: 0 fc475095 IN=lo LL=0x304 0000000000000000000000000800 SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x0 TTL=64 ID=38349DF",
      "TRACE: 2 fc475095 raw:PREROUTING:return:",
      "TRACE: 2 fc475095 raw:PREROUTING:policy:ACCEPT",
      "TRACE: 2 fc475095 filter:INPUT:return:",
      "TRACE: 2 fc475095 filter:INPUT:policy:DROP",
      "TRACE: 2 0df9d3d8 raw:PREROUTING:rule:0x3:CONTINUE -4 -t raw -A PREROUTING -p icmp -j TRACE",
    ].join("\n");
    expect(devices(text)).toEqual([
      ["ip:raw:PREROUTING in=lo out=? src=127.0.0.1", "ip:filter:INPUT in=lo out=? src=?"],
      ["ip:raw:PREROUTING in=? out=? src=?"],
    ]);
    const last = parseTraceText(text, { file: "x.log" }).packets[1];
    expect(packetTail(last as NonNullable<typeof last>, "human")).toContain("IN=? OUT=?");
  });
});
