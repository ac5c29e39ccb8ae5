/**
 * nft monitor trace lines recorded on kernel 6.18 with nft 1.0.6 (hv46, trimmed to one chain): in an
 * ip or ip6 table's chain nft prints no `ip protocol`, so ESP and AH are named only by their own
 * header words, and were read as protocol-less packets that joined one "IP" flow. An ICMPv6 error's
 * quoted header (`@th,64,96`) was read only for IPv4, so the error answered no flow of its own.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const ETHER = 'iif "ra" oif "rb" ether saddr 02:00:00:00:0a:01 ether daddr 02:00:00:00:0a:fe';
const V4 = "ip saddr 192.0.2.1 ip daddr 198.51.100.1 ip dscp cs0 ip ecn not-ect ip ttl 63";
const traced = (id: string, fields: string) => [
  `trace id ${id} ip mangle FORWARD packet: ${ETHER} ${fields} `,
  `trace id ${id} ip mangle FORWARD policy accept `,
];
const flows = (lines: string[]) =>
  parseTraceText(lines.join("\n"), { file: "trace.txt" }).packets.map(
    (p) => `${p.flow} ${p.direction} ${p.summary}`,
  );

describe("nft trace: ESP, AH and a numbered protocol in an ip table's chain", () => {
  it("are three flows, each named by its protocol, the SPI kept", () => {
    const lines = [
      ...traced("b4fc3ed5", `${V4} ip id 53344 ip length 44 esp spi 4660 esp sequence 1 @th,64,96 0x0`),
      ...traced(
        "8b0b8a81",
        `${V4} ip id 27820 ip length 44 ah spi 22136 ah hdrlength 4 ah nexthdr ipv6-nonxt @th,96,64 0x0`,
      ),
      ...traced("324faaa8", `${V4} ip id 31113 ip protocol 253 ip length 30 @th,0,80 0x6578706572696d656e74`),
    ];
    const got = flows(lines);
    expect(got.map((f) => f.split(" ")[0])).toEqual(["1", "2", "3"]);
    expect(got[0]).toMatch(/^1 request ESP 192\.0\.2\.1 -> 198\.51\.100\.1/);
    expect(got[1]).toMatch(/^2 request AH 192\.0\.2\.1 -> 198\.51\.100\.1/);
    const [esp, ah] = parseTraceText(lines.join("\n")).packets;
    expect(esp?.events[0]?.l4).toMatchObject({ proto: "esp", spi: 4660 });
    expect(ah?.events[0]?.l4).toMatchObject({ proto: "ah", spi: 22136 });
  });
});

describe("nft trace: an ICMPv6 error's quoted header", () => {
  const udp = [
    `trace id f3d8a214 ip6 mangle FORWARD packet: ${ETHER} ip6 saddr 2001:db8:1::1 ip6 daddr 2001:db8:2::1 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 63 ip6 flowlabel 488341 ip6 length 9 udp sport 57655 udp dport 33434 udp length 9 @th,64,8 0x71 `,
    "trace id f3d8a214 ip6 mangle FORWARD policy accept ",
  ];
  // Port unreachable from 2001:db8:2::1, quoting flow label 0x77395 (488341), payload length 9, next header 17.
  const error = [
    'trace id d9d42f53 ip6 mangle FORWARD packet: iif "rb" oif "ra" ether saddr 02:00:00:00:0b:01 ether daddr 02:00:00:00:0b:fe ip6 saddr 2001:db8:2::1 ip6 daddr 2001:db8:1::1 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 63 ip6 flowlabel 21872 ip6 length 57 icmpv6 type destination-unreachable icmpv6 code port-unreachable icmpv6 parameter-problem 0 @th,64,96 0x600773950009113f20010db8 ',
    "trace id d9d42f53 ip6 mangle FORWARD policy accept ",
  ];
  const echo = [
    `trace id 783aa19c ip6 mangle FORWARD packet: ${ETHER} ip6 saddr 2001:db8:1::1 ip6 daddr 2001:db8:2::1 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 63 ip6 flowlabel 786110 ip6 length 64 icmpv6 type echo-request icmpv6 code no-route icmpv6 parameter-problem 1505296385 `,
    "trace id 783aa19c ip6 mangle FORWARD policy accept ",
  ];

  it("reads the quoted flow label, length and next header", () => {
    const [, err] = parseTraceText([...udp, ...error].join("\n")).packets;
    expect(err?.events[0]?.quotedHead).toEqual({ id: 488341, len: 49, proto: "udp" });
  });

  it("joins the error to the UDP flow it answers, not to an echo flow between the same hosts", () => {
    expect(flows([...echo, ...udp, ...error])).toEqual([
      "1 request ICMPv6 echo-request 2001:db8:1::1 -> 2001:db8:2::1",
      "2 request UDP [2001:db8:1::1]:57655 -> [2001:db8:2::1]:33434",
      "2 reply ICMPv6 destination-unreachable 2001:db8:2::1 -> 2001:db8:1::1",
    ]);
  });
});
