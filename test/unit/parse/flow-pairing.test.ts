/**
 * Flow pairing of packets that show no ports or echo id: ICMP errors (paired by the packet they
 * quote) and non-first fragments (paired by their datagram's IP ID), on lines recorded from
 * kernel 6.18 (`test/fixtures/parse/real-router-fragments-errors`).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const recorded = readFileSync(
  new URL("../../fixtures/parse/real-router-fragments-errors/input.log", import.meta.url),
  "utf8",
).split("\n");

/** Recorded lines by 1-based number, joined as a log. */
const lines = (...numbers: number[]) => numbers.map((n) => recorded[n - 1]).join("\n");

/** Each packet's flow, direction and summary. */
const flows = (text: string) =>
  parseTraceText(text, { file: "x.log" }).packets.map((p) => `${p.flow} ${p.direction} ${p.summary}`);

describe("flows of packets without ports", () => {
  it("an ICMP port unreachable joins the UDP flow it quotes, not an earlier id-less ICMP flow", () => {
    // A second IPv4 fragment (ICMP, no id) from the client to the server, then UDP and its error.
    expect(flows(lines(14, 86, 90))).toEqual([
      "1 request ICMP 198.51.100.2 -> 203.0.113.2",
      "2 request UDP 198.51.100.2:54904 -> 203.0.113.2:9999",
      "2 reply ICMP port-unreachable 203.0.113.2 -> 198.51.100.2",
    ]);
  });

  it("protocol unreachable and an ICMPv6 parameter problem join the SCTP and GRE flows", () => {
    expect(flows(lines(14, 112, 116, 120, 124, 35, 128, 130))).toEqual([
      "1 request ICMP 198.51.100.2 -> 203.0.113.2",
      "2 request SCTP (protocol 132) 198.51.100.2 -> 203.0.113.2",
      "2 reply ICMP protocol-unreachable 203.0.113.2 -> 198.51.100.2",
      "3 request GRE (protocol 47) 198.51.100.2 -> 203.0.113.2",
      "3 reply ICMP protocol-unreachable 203.0.113.2 -> 198.51.100.2",
      "4 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2",
      "5 request SCTP (protocol 132) 2001:db8:1::2 -> 2001:db8:2::2",
      "5 reply ICMPv6 parameter-problem 2001:db8:2::2 -> 2001:db8:1::2",
    ]);
  });

  it("two errors quoting one packet that was not logged share a flow", () => {
    expect(flows(lines(90, 91))).toEqual(["1 reply ICMP port-unreachable 203.0.113.2 -> 198.51.100.2"]);
    const twice = `${lines(90)}\n${lines(90).replace("ID=22697", "ID=22698")}`;
    expect(flows(twice)).toEqual([
      "1 reply ICMP port-unreachable 203.0.113.2 -> 198.51.100.2",
      "1 reply ICMP port-unreachable 203.0.113.2 -> 198.51.100.2",
    ]);
  });

  it("IPv4 fragments join the first fragment's flow by the IP ID, each way", () => {
    expect(flows(lines(11, 14, 17, 21, 24, 27))).toEqual([
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2",
      "1 reply ICMP echo-reply 203.0.113.2 -> 198.51.100.2",
      "1 reply ICMP 203.0.113.2 -> 198.51.100.2",
      "1 reply ICMP 203.0.113.2 -> 198.51.100.2",
    ]);
  });

  it("IPv6 fragments join by the fragment header's ID, with and without --log-ip-options", () => {
    // mangle PREROUTING prints `OPT ( FRAG:1448 INCOMPLETE ID:.. )`, FORWARD the same without OPT.
    expect(flows(lines(33, 35, 38, 98, 101, 102))).toEqual([
      "1 request ICMPv6 echo-request 2001:db8:1::2 -> 2001:db8:2::2",
      "1 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2",
      "1 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2",
      "1 reply ICMPv6 echo-reply 2001:db8:2::2 -> 2001:db8:1::2",
      "1 reply ICMPv6 2001:db8:2::2 -> 2001:db8:1::2",
      "1 reply ICMPv6 2001:db8:2::2 -> 2001:db8:1::2",
    ]);
  });

  it("a fragment of another datagram between the same hosts opens its own flow", () => {
    const other = lines(14).replace("ID=13911", "ID=4000");
    expect(flows(`${lines(11)}\n${other}`)).toEqual([
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2",
      "2 request ICMP 198.51.100.2 -> 203.0.113.2",
    ]);
  });

  it("a new ping whose first fragment repeats an older datagram's IP ID opens its own flow, and keeps its fragments", () => {
    // The same three fragments again, as a new ping (another echo id) that reuses the 16-bit IP ID 13911.
    const again = lines(11, 14, 17).replace("ID=18511", "ID=18600");
    expect(flows(`${lines(11, 14, 17)}\n${again}`)).toEqual([
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2",
      "2 request ICMP echo-request 198.51.100.2 -> 203.0.113.2",
      "2 request ICMP 198.51.100.2 -> 203.0.113.2",
      "2 request ICMP 198.51.100.2 -> 203.0.113.2",
    ]);
  });

  it("a ping to 127.0.0.1 (a tuple that reads the same both ways) has its replies in the reply direction", () => {
    const loop = readFileSync(
      new URL("../../fixtures/parse/real-ebt-ip6-and-loopback/input.log", import.meta.url),
      "utf8",
    )
      .split("\n")
      .filter((l) => l.includes("SRC=127.0.0.1 DST=127.0.0.1") && l.includes("PROTO=ICMP "))
      .join("\n");
    expect(flows(loop)).toEqual([
      "1 request ICMP echo-request 127.0.0.1 -> 127.0.0.1",
      "1 request ICMP echo-request 127.0.0.1 -> 127.0.0.1",
      "1 reply ICMP echo-reply 127.0.0.1 -> 127.0.0.1",
      "1 reply ICMP echo-reply 127.0.0.1 -> 127.0.0.1",
    ]);
  });

  it("an ICMP error through a masquerade joins its datagram's flow by the quote's de-NATed form", () => {
    const natted = readFileSync(
      new URL("../../fixtures/parse/real-icmp-errors-through-nat/input.log", import.meta.url),
      "utf8",
    )
      .split("\n")
      .filter((l) => / SPT=4000[123] |TYPE=3 /.test(l))
      .join("\n");
    expect(flows(natted)).toEqual([
      "1 request UDP 198.51.100.2:40001 -> 203.0.113.2:9999",
      "1 reply ICMP port-unreachable 203.0.113.2 -> 203.0.113.1, un-SNAT to 198.51.100.2",
      "2 request UDP 198.51.100.2:40002 -> 198.51.100.1:5353, DNAT to 203.0.113.2:9999",
      "2 reply ICMP port-unreachable 203.0.113.2 -> 203.0.113.1, un-SNAT to 198.51.100.2",
      "3 request UDP 198.51.100.2:40003 -> 203.0.113.2:7777",
      "3 reply ICMP host-prohibited 203.0.113.2 -> 203.0.113.1, un-SNAT to 198.51.100.2",
    ]);
  });
});
