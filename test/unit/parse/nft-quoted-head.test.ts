/**
 * nft monitor trace prints an ICMP error's quoted packet as raw bytes after the ICMP header
 * (`@th,64,96 0x4500003c63dc400040065edb`: version, length 60, IP id 0x63dc, ..., protocol 6), not its
 * addresses. Those bytes find the packet the error answers (sent by the error's destination, with that
 * IP id, length and protocol), so the error joins that packet's flow as its reply. Its own `icmp id 0`
 * (nft prints the unused header words) ties it to no other error. Lines from a real capture (kernel
 * 6.18, nftables 1.0.6), trimmed to one chain each.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const LINES = [
  // A SYN to the router's port 23, and the admin-prohibited error its reject sent.
  'trace id 492d1d78 inet firewalld filter_INPUT packet: iif "rtr-wan" ip saddr 203.0.113.2 ip daddr 203.0.113.1 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 25564 ip protocol tcp ip length 60 tcp sport 43618 tcp dport 23 tcp flags == syn tcp window 64240 ',
  "trace id 492d1d78 inet firewalld filter_INPUT rule reject with icmpx admin-prohibited (verdict drop)",
  'trace id 75dc1d03 inet firewalld filter_OUTPUT packet: oif "rtr-wan" ip saddr 203.0.113.1 ip daddr 203.0.113.2 ip dscp cs6 ip ecn not-ect ip ttl 64 ip id 794 ip protocol icmp ip length 88 icmp type destination-unreachable icmp code admin-prohibited icmp id 0 icmp sequence 0 @th,64,96 0x4500003c63dc400040065edb ',
  "trace id 75dc1d03 inet firewalld filter_OUTPUT policy accept ",
  // A ping from the same host, rejected too: its error must not join the first error's flow.
  'trace id 3c1e0a11 inet firewalld filter_INPUT packet: iif "rtr-wan" ip saddr 203.0.113.2 ip daddr 203.0.113.1 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 22947 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 9 icmp sequence 1 ',
  "trace id 3c1e0a11 inet firewalld filter_INPUT rule reject with icmpx admin-prohibited (verdict drop)",
  'trace id 5d2f1b22 inet firewalld filter_OUTPUT packet: oif "rtr-wan" ip saddr 203.0.113.1 ip daddr 203.0.113.2 ip dscp cs6 ip ecn not-ect ip ttl 64 ip id 795 ip protocol icmp ip length 112 icmp type destination-unreachable icmp code admin-prohibited icmp id 0 icmp sequence 0 @th,64,96 0x4500005459a340003f01b358 ',
  "trace id 5d2f1b22 inet firewalld filter_OUTPUT policy accept ",
];

describe("an nft trace's ICMP error quoting only the start of a packet", () => {
  it("reads the quoted IP id, length and protocol", () => {
    const { packets } = parseTraceText(LINES.join("\n"));
    expect(packets.map((p) => p.events.find((e) => e.quotedHead)?.quotedHead)).toEqual([
      undefined,
      { id: 25564, len: 60, proto: "tcp" },
      undefined,
      { id: 22947, len: 84, proto: "icmp" },
    ]);
  });

  it("joins each error to the flow of the packet it quotes, as its reply", () => {
    const { packets, flows } = parseTraceText(LINES.join("\n"));
    expect(packets.map((p) => `${p.id} flow ${p.flow} ${p.direction}`)).toEqual([
      "1 flow 1 request",
      "2 flow 1 reply",
      "3 flow 2 request",
      "4 flow 2 reply",
    ]);
    expect(flows).toHaveLength(2);
  });
});
