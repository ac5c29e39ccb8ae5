/**
 * nft monitor trace of an ARP frame: nft prints its operation only (`arp operation request`), behind
 * a VLAN tag too, and the frame is read as the ARP packet it is, not as a bare frame.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

/** Recorded with nftables 1.0.6 on kernel 6.18: a VLAN 10 tagged ARP request sent from an AF_PACKET socket into a bridge's port. */
const TAGGED = [
  'trace id b8205b9d bridge lab prerouting_c packet: iif "pa" ether saddr 02:00:00:00:00:0a ether daddr ff:ff:ff:ff:ff:ff vlan pcp 0 vlan dei 0 vlan id 10 arp operation request @nh,224,96 0x0 ',
  "trace id b8205b9d bridge lab prerouting_c rule ether type 8021q meta nftrace set 1 (verdict continue)",
  "trace id b8205b9d bridge lab prerouting_c policy accept ",
  'trace id 7ff19556 bridge lab forward_c packet: iif "pa" oif "pb" ether saddr 02:00:00:00:00:0a ether daddr ff:ff:ff:ff:ff:ff vlan pcp 0 vlan dei 0 vlan id 10 arp operation request @nh,224,96 0x0 ',
  "trace id 7ff19556 bridge lab forward_c rule ether type 8021q counter packets 0 bytes 0 (verdict continue)",
  "trace id 7ff19556 bridge lab forward_c policy accept ",
].join("\n");

describe("nft monitor trace of an ARP frame", () => {
  it("reads a VLAN-tagged ARP request's operation: one ARP packet through both chains, its tag kept", () => {
    const r = parseTraceText(TAGGED);
    expect(r.packets.map((p) => [p.summary, p.hooks])).toEqual([
      [
        "ARP request 02:00:00:00:00:0a -> ff:ff:ff:ff:ff:ff",
        ["bridge:lab:prerouting_c", "bridge:lab:forward_c"],
      ],
    ]);
    const ev = r.packets[0]?.events[0];
    expect(ev?.arp).toEqual({ htype: 1, ptype: "0x0800", opcode: 1 });
    expect(ev?.vlan).toEqual({ proto: "0x8100", id: 10 });
  });

  it("reads a reply and the addresses nft prints as `arp saddr ip`", () => {
    const line =
      'trace id 0a0b0c0d arp filter input packet: iif "br0" ether saddr 02:00:00:00:00:0b ether daddr 02:00:00:00:00:0a arp operation reply arp saddr ip 198.51.100.2 arp daddr ip 198.51.100.1 arp saddr ether 02:00:00:00:00:0b ';
    const r = parseTraceText(`${line}\ntrace id 0a0b0c0d arp filter input policy accept `);
    expect(r.packets[0]?.events[0]?.arp).toEqual({
      htype: 1,
      ptype: "0x0800",
      opcode: 2,
      ipSrc: "198.51.100.2",
      ipDst: "198.51.100.1",
      macSrc: "02:00:00:00:00:0b",
    });
    expect(r.packets[0]?.summary).toBe("ARP reply 198.51.100.2 is-at 02:00:00:00:00:0b");
  });
});
