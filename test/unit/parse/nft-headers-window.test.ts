/**
 * A later nft packet line of a trace that holds only its devices takes the headers the trace last
 * printed, but only within the grouping window, and never over a header of its own: the kernel
 * reuses trace ids, and a parallel parse's warm-up rebuilds no more than the window (a sequential
 * and a parallel parse once read the same VLAN-tagged ARP frame differently because of this).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const echo = (id: string) => [
  `trace id ${id} inet lab input packet: iif "br0" ether saddr 02:00:5e:15:00:11 ether daddr 02:00:5e:15:00:01 ip6 saddr 2001:db8:15::11 ip6 daddr 2001:db8:15::1 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 1040751 ip6 nexthdr ipv6-icmp ip6 length 64 icmpv6 type echo-request icmpv6 code no-route icmpv6 parameter-problem 2752513 `,
  `trace id ${id} inet lab input policy accept `,
];
const devicesOnly = (id: string) => [
  `trace id ${id} inet lab output packet: oif "br0" `,
  `trace id ${id} inet lab output policy accept `,
];
const vlanArp = (id: string) => [
  `trace id ${id} bridge lab forward packet: iif "veth-a" oif "veth-c" ether saddr 02:00:5e:00:0a:01 ether daddr ff:ff:ff:ff:ff:ff vlan pcp 5 vlan cfi 1 vlan id 10 arp operation request `,
  `trace id ${id} bridge lab forward policy accept `,
];
const filler = (n: number) => Array.from({ length: n }, (_, i) => `[ ${i}.0] usb 1-1: noise ${i}`);
const summaries = (lines: string[]) =>
  parseTraceText(lines.join("\n"), { file: "x.log" }).packets.map((p) => p.summary);

describe("nft headers carried to a later packet line of the trace", () => {
  it("are carried within the window", () => {
    const [first, second] = summaries([...echo("aaaa0001"), ...devicesOnly("aaaa0001")]);
    expect(first).toMatch(/^ICMPv6 echo-request 2001:db8:15::11 -> 2001:db8:15::1/);
    expect(second).toMatch(/2001:db8:15::/);
  });

  it("are not carried to a line of a reused trace id past the window", () => {
    const got = summaries([...echo("aaaa0001"), ...filler(600), ...devicesOnly("aaaa0001")]);
    expect(got).toHaveLength(2);
    expect(got[1]).not.toMatch(/2001:db8|ICMPv6/);
  });

  it("are not carried over a frame's own link-layer header", () => {
    const text = [...echo("aaaa0002"), ...vlanArp("aaaa0002")].join("\n");
    const events = parseTraceText(text, { file: "x.log" }).packets.flatMap((p) => p.events);
    const frame = events.find((e) => e.hook === "bridge:lab:forward");
    expect(frame?.macSrc).toBe("02:00:5e:00:0a:01");
    expect(frame?.ip).toBeUndefined();
    expect(frame?.l4).toBeUndefined();
  });
});
