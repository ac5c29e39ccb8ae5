/**
 * xtables-monitor's `NH=` network header (bridge and arp families), as iptables 1.8.9 printed it on
 * kernel 6.18 (`test/fixtures/parse/real-xtables-monitor-bridge-arp-trace`): bytes of 0x80 or more
 * sign-extended to `ffffffXX`; and the plain two-digit form.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { IpInfo } from "../../../src/core/model/packet.ts";
import { decodeNetworkHeader, linkHeaderMacs } from "../../../src/core/parse/decode-network-header.ts";
import { formatLogLine } from "../../../src/core/parse/format-log-line.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { blankEvent } from "../../../src/core/parse/parsed-line.ts";

const fixture = (c: string) =>
  readFileSync(new URL(`../../fixtures/parse/${c}/input.log`, import.meta.url), "utf8");

/** The NH= values of the recorded PACKET: lines, by their MACPROTO=. */
const recorded = fixture("real-xtables-monitor-bridge-arp-trace")
  .split("\n")
  .map((l) => /MACPROTO=(\w+) NH=(\w+)/.exec(l))
  .filter((m) => m !== null)
  .map((m) => ({ type: `0x${m[1]}`, hex: m[2] as string }));

describe("decodeNetworkHeader", () => {
  it("an IPv4 header printed with sign-extended bytes", () => {
    const echo = recorded.find((r) => r.hex.startsWith("45000054366d"));
    const h = decodeNetworkHeader(echo?.hex ?? "", "0x0800");
    expect(h?.ip).toMatchObject({
      src: "198.51.100.11",
      dst: "198.51.100.12",
      len: 84,
      id: 0x366d,
      ttl: 64,
      flags: ["DF"],
    });
    expect(h?.l4?.proto).toBe("icmp");
  });

  it("an ARP request and reply", () => {
    const arps = recorded
      .filter((r) => r.type === "0x0806")
      .map((r) => decodeNetworkHeader(r.hex, r.type)?.arp);
    expect(arps[0]).toEqual({
      htype: 1,
      ptype: "0x0800",
      opcode: 1,
      macSrc: "4a:24:d7:45:97:9f",
      ipSrc: "198.51.100.11",
      macDst: "00:00:00:00:00:00",
      ipDst: "198.51.100.12",
    });
    expect(arps.some((a) => a?.opcode === 2 && a.macSrc === "c2:e8:62:3d:62:80")).toBe(true);
  });

  it("an IPv6 header (hop-by-hop first: no transport), and the plain two-digit form", () => {
    const mld = recorded.find((r) => r.type === "0x86dd");
    const h = decodeNetworkHeader(mld?.hex ?? "", "0x86dd");
    expect([h?.ip?.src, h?.ip?.dst, h?.l4]).toEqual(["::", "ff02::16", undefined]);
    const plain = "4500005400004000400100ffc633640bc633640c";
    expect(decodeNetworkHeader(plain, "0x0800")?.ip).toMatchObject({ src: "198.51.100.11", id: 0, ttl: 64 });
  });

  it("bytes that are no such header are undefined", () => {
    expect(decodeNetworkHeader("zz", "0x0800")).toBeUndefined();
    expect(decodeNetworkHeader("4500", "0x0800")).toBeUndefined();
    expect(decodeNetworkHeader("45000054366d40004001", "0x86dd")).toBeUndefined();
    // Version 4 but an IHL of 4: no IPv4 header is that short.
    expect(decodeNetworkHeader("44000054366d40004001ffafbdc633640bc633", "0x0800")).toBeUndefined();
  });

  it("a received ARP frame's Ethernet padding (the kernel sends min(len, 40) bytes), sign-extended or plain", () => {
    const request = recorded.find((r) => r.type === "0x0806")?.hex ?? "";
    const who = decodeNetworkHeader(request, "0x0806")?.arp;
    expect(who?.opcode).toBe(1);
    // 28 bytes of header and 12 of padding: 40 bytes.
    expect(decodeNetworkHeader(`${request}${"00".repeat(12)}`, "0x0806")?.arp).toEqual(who);
    const plain = "000108000604000102000000000bc633640b000000000000c633640c";
    expect(decodeNetworkHeader(`${plain}${"00".repeat(12)}`, "0x0806")?.arp).toMatchObject({
      opcode: 1,
      macSrc: "02:00:00:00:00:0b",
      ipSrc: "198.51.100.11",
      ipDst: "198.51.100.12",
    });
    // More than the kernel ever sends is no header.
    expect(decodeNetworkHeader(`${plain}${"00".repeat(13)}`, "0x0806")).toBeUndefined();
  });

  it("an IPv4 fragment's offset is kept in LOG's FRAG: unit (8 bytes), as a LOG line reads it", () => {
    // MF and offset 185 (1480 bytes): the second fragment of a 3008-byte UDP datagram.
    const ip = decodeNetworkHeader("450005dc01f420b93c110000c6336407cb007102", "0x0800")?.ip;
    expect([ip?.fragment, ip?.flags, ip?.id]).toEqual([185, ["MF"], 500]);
    const line =
      "[100.000002] iptable/filter-INPUT IN=eth0 OUT= MAC=52:54:00:aa:00:02:52:54:00:aa:00:01:08:00 SRC=198.51.100.7 DST=203.0.113.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=60 ID=500 MF FRAG:185 PROTO=UDP ";
    const logged = parseTraceText(line, { file: "x.log" }).packets[0]?.events[0]?.ip;
    expect(logged?.fragment).toBe(ip?.fragment);
    expect(formatLogLine({ ...blankEvent("log", ""), ip: ip as IpInfo })).toContain(" MF FRAG:185 ");
  });
});

describe("LL=: the link header xtables-monitor leaves undecoded (no input device)", () => {
  /** The PACKET: lines of the real TRACE capture of traces/user-network (iptables-nft, bridge OUTPUT). */
  const lines = readFileSync(
    new URL("../../../traces/user-network/client-to-web-trace.log", import.meta.url),
    "utf8",
  )
    .split("\n")
    .filter((l) => / LL=0x/.test(l));

  it("the real capture's LL= lines give each bridge event its own frame's MACs", () => {
    expect(lines.length).toBeGreaterThan(0);
    const r = parseTraceText(
      lines.flatMap((l) => [l, ` TRACE: 7 ${l.split(" ")[2]} filter:OUTPUT:policy:ACCEPT `]).join("\n"),
    );
    const bridge = r.packets.flatMap((p) => p.events).filter((e) => e.hook.startsWith("bridge:"));
    expect(bridge.length).toBeGreaterThan(0);
    for (const e of bridge) {
      // The router's bridge (10.77.0.1) to the web container (10.77.0.2): dst first in the header.
      expect(e.macDst).toBe("02:42:0a:4d:00:02");
      expect(e.macSrc).toBe("02:42:0a:4d:00:01");
      expect(e.ip?.dst).toBe("10.77.0.2");
    }
  });

  it("a recorded broadcast and unicast out of a bridge's ports: each bridge event has its own frame's MACs", () => {
    const parsed = parseTraceText(fixture("real-xtables-monitor-bridge-ll-broadcast-trace"));
    const bridge = parsed.packets.flatMap((p) => p.events).filter((e) => e.hook.startsWith("bridge:"));
    expect(bridge.map((e) => `${e.ip?.dst} ${e.macSrc} > ${e.macDst}`)).toEqual(
      // The broadcast's two copies (to vb, then to va) are each an event of its own.
      [1, 2, 3].flatMap(() => [
        "198.51.100.255 02:42:c6:33:64:01 > ff:ff:ff:ff:ff:ff",
        "198.51.100.255 02:42:c6:33:64:01 > ff:ff:ff:ff:ff:ff",
        "198.51.100.2 02:42:c6:33:64:01 > 02:42:c6:33:64:02",
      ]),
    );
  });

  it("reads both hex forms; a broadcast stays the frame's destination", () => {
    const src = "02420a4d0001";
    expect(linkHeaderMacs("0x0", `ffffffffffff${src}0800`)).toEqual({
      dst: "ff:ff:ff:ff:ff:ff",
      src: "02:42:0a:4d:00:01",
    });
    expect(linkHeaderMacs("0x0", `${"ffffffff".repeat(6)}${src}0800`)?.dst).toBe("ff:ff:ff:ff:ff:ff");
    // ffffffXX for XX of 0x80 or more: 0xc2 and 0x80 in the source.
    expect(linkHeaderMacs("0x0", "4a24ffffffd745ffffff97ffffff9fffffffc2ffffffe8623d62ffffff800800")).toEqual(
      {
        dst: "4a:24:d7:45:97:9f",
        src: "c2:e8:62:3d:62:80",
      },
    );
    // A VLAN tag the kernel put back: 18 bytes.
    expect(linkHeaderMacs("0x0", `ffffffffffff${src}8100000a0800`)?.src).toBe("02:42:0a:4d:00:01");
  });

  it("reads no MACs from another device type's header or a header of the wrong length", () => {
    expect(linkHeaderMacs("0x304", "02420a4d000202420a4d00010800")).toBeUndefined();
    expect(linkHeaderMacs("0x0", "02420a4d000202420a4d0001")).toBeUndefined();
    expect(linkHeaderMacs("0x0", "02420a4d000202420a4d0001080045")).toBeUndefined();
    expect(linkHeaderMacs("0x0", "zz420a4d000202420a4d00010800")).toBeUndefined();
  });

  it("a PACKET: line's LL= MACs are its own event's, even when another packet reuses the trace id", () => {
    const nh = "450000203fffffffc040004011ffffffe5730a4d00010a4d00ffffffff";
    const text = [
      ...lines.slice(0, 1).flatMap((l) => [l, ` TRACE: 7 ${l.split(" ")[2]} filter:OUTPUT:policy:ACCEPT `]),
      `PACKET: 7 ${lines[0]?.split(" ")[2]} OUT=vweb LL=0x0 ${"ffffffff".repeat(6)}02420a4d00010800 NH=${nh} `,
      ` TRACE: 7 ${lines[0]?.split(" ")[2]} filter:OUTPUT:policy:ACCEPT `,
    ].join("\n");
    const events = parseTraceText(text).packets.flatMap((p) => p.events);
    expect(events.map((e) => [e.ip?.dst, e.macDst])).toEqual([
      ["10.77.0.2", "02:42:0a:4d:00:02"],
      ["10.77.0.255", "ff:ff:ff:ff:ff:ff"],
    ]);
  });
});

describe("NH= without a MACPROTO= that names the header", () => {
  const parse = (text: string) => parseTraceText(text, { file: "x.log" }).packets;

  it("the arp family's OUTPUT (arp_create's ARP, no MAC header yet) is ARP", () => {
    const out = [
      "PACKET: 3 17df7f88 OUT=br0 NH=00010800060400014a24ffffffd745ffffff97ffffff9fffffffc633640b000000000000ffffffc633640c ",
      " TRACE: 3 17df7f88 af:output_c:policy:ACCEPT ",
    ].join("\n");
    const [p] = parse(out);
    expect(p?.summary).toBe("ARP who-has 198.51.100.12 tell 198.51.100.11");
    expect(p?.hooks).toEqual(["arp:af:output_c"]);
  });

  it("a VLAN tag's MACPROTO=8100 (the trace rebuilds the tagged header): the version nibble says IPv4", () => {
    const tagged = [
      "PACKET: 7 8d6847c9 IN=veth-a MACSRC=4a:24:d7:45:97:9f MACDST=c2:e8:62:3d:62:80 MACPROTO=8100 NH=45000054366d40004001ffffffafffffffbdffffffc633640bffffffc633640c ",
      " TRACE: 7 8d6847c9 lab:prerouting_c:policy:ACCEPT ",
    ].join("\n");
    const [p] = parse(tagged);
    expect(p?.summary).toBe("ICMP 198.51.100.11 -> 198.51.100.12");
    expect(p?.events[0]?.ip).toMatchObject({ id: 0x366d, ttl: 64, flags: ["DF"] });
  });

  it("decodes by the family, else by the version nibble, and guesses nothing else", () => {
    const arp = recorded.find((r) => r.type === "0x0806")?.hex ?? "";
    const ipv6 = recorded.find((r) => r.type === "0x86dd")?.hex ?? "";
    expect(decodeNetworkHeader(arp, "", "arp")?.arp?.opcode).toBe(1);
    expect(decodeNetworkHeader(ipv6, "0x8100")?.ip?.dst).toBe("ff02::16");
    // Under a tag an ARP header is known by its own sizes (real-xtables-monitor-bridge-vlan-arp-trace);
    // in the arp family IP is not guessed.
    expect(decodeNetworkHeader(arp, "0x8100")?.arp?.opcode).toBe(1);
    expect(decodeNetworkHeader(ipv6, "", "arp")).toBeUndefined();
    // A type that names another header (LLDP) is not guessed at.
    expect(decodeNetworkHeader(ipv6, "0x88cc")).toBeUndefined();
  });
});

describe("base chains of one table in a trace", () => {
  const hooks = (c: string) =>
    parseTraceText(fixture(c), { file: "x.log" }).packets.map((p) => p.hooks.join(" "));

  it.each(["real-xtables-monitor-bridge-arp-trace", "real-nft-bridge-named-chains-trace"])(
    "%s: a base chain opened by its own packet line stays a hook of its own",
    (c) => {
      const all = hooks(c);
      expect(all).toContain("bridge:lab:prerouting_c bridge:lab:forward_c");
      expect(all.filter((h) => h.includes("forward_c")).length).toBeGreaterThanOrEqual(4);
    },
  );

  it("xtables-monitor: the ARP request is one packet through the bridge and arp chains", () => {
    const p = parseTraceText(fixture("real-xtables-monitor-bridge-arp-trace"), { file: "x.log" }).packets[1];
    expect(p?.summary).toBe("ARP who-has 198.51.100.12 tell 198.51.100.11");
    expect(p?.hooks).toEqual(["bridge:lab:prerouting_c", "bridge:lab:forward_c", "arp:af:input_c"]);
  });
});

describe("tagged ARP on a bridge (real-xtables-monitor-bridge-vlan-arp-trace)", () => {
  const lines = fixture("real-xtables-monitor-bridge-vlan-arp-trace").split("\n");
  const nh = (type: string) =>
    lines
      .map((l) => /MACPROTO=(\w+) NH=(\w+)/.exec(l))
      .filter((m) => m !== null && m[1] === type)
      .map((m) => m?.[2] as string);

  it("MACPROTO=8100: the tag is held aside and NH= is the ARP header", () => {
    expect(decodeNetworkHeader(nh("8100")[0] as string, "0x8100")?.arp).toEqual({
      htype: 1,
      ptype: "0x0800",
      opcode: 1,
      macSrc: "02:00:5e:00:0a:01",
      ipSrc: "198.51.100.1",
      macDst: "00:00:00:00:00:00",
      ipDst: "198.51.100.2",
    });
  });

  it("MACPROTO=88a8: NH= starts at the inner tag (control field, type), then the ARP header", () => {
    const [request, , reply] = nh("88a8");
    expect(request?.startsWith("001e0806")).toBe(true);
    expect(decodeNetworkHeader(request as string, "0x88a8")?.arp).toMatchObject({
      opcode: 1,
      ipSrc: "203.0.113.1",
      ipDst: "203.0.113.2",
    });
    expect(decodeNetworkHeader(reply as string, "0x88a8")?.arp).toMatchObject({
      opcode: 2,
      macSrc: "02:00:5e:00:0a:02",
      ipSrc: "203.0.113.2",
    });
    // The inner tag's bytes printed sign-extended (PCP 4 or more) read the same.
    const pcp7 = `ffffffe01e0806${(request as string).slice(8)}`;
    expect(decodeNetworkHeader(pcp7, "0x88a8")?.arp).toEqual(
      decodeNetworkHeader(request as string, "0x88a8")?.arp,
    );
    // Behind an inner tag, a type that names no header packetwalk reads (LLDP) is not guessed at.
    expect(decodeNetworkHeader(`001e88cc${(request as string).slice(8)}`, "0x88a8")).toBeUndefined();
    // Not behind an untagged MACPROTO: 0x0806 says the header itself starts there.
    expect(decodeNetworkHeader(request as string, "0x0806")).toBeUndefined();
  });

  it("the flooded request's two trace ids are one packet, and each reply pairs with its request", () => {
    const r = parseTraceText(fixture("real-xtables-monitor-bridge-vlan-arp-trace"), { file: "x.log" });
    expect(r.packets.map((p) => [p.summary, p.direction, p.hooks.length])).toEqual([
      ["ARP who-has 198.51.100.2 tell 198.51.100.1", "request", 2],
      ["ARP who-has 203.0.113.2 tell 203.0.113.1", "request", 2],
      ["ARP reply 198.51.100.2 is-at 02:00:5e:00:0a:02", "reply", 2],
      ["ARP reply 203.0.113.2 is-at 02:00:5e:00:0a:02", "reply", 2],
    ]);
    expect(r.flows.map((f) => f.packets)).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});

describe("IPv6 next header in NH=", () => {
  // Version 6, payload length 8, next header `next`, hop limit 64, 2001:db8:15::11 -> 2001:db8:15::1.
  const v6 = (next: number) =>
    `600000000008${next.toString(16).padStart(2, "0")}4020010db800150000000000000000001120010db8001500000000000000000001`;

  it("a transport packetwalk does not name is kept by number; an extension header is no transport", () => {
    expect(decodeNetworkHeader(v6(58), "0x86dd")?.ip?.dst).toBe("2001:db8:15::1");
    expect(decodeNetworkHeader(v6(58), "0x86dd")?.l4?.proto).toBe("icmpv6");
    expect(decodeNetworkHeader(v6(132), "0x86dd")?.l4?.proto).toBe("132");
    expect(decodeNetworkHeader(v6(0), "0x86dd")?.l4).toBeUndefined();
    expect(decodeNetworkHeader(v6(44), "0x86dd")?.l4).toBeUndefined();
  });
});

describe("IPv4 behind two tags (802.1ad around 802.1Q)", () => {
  // The inner tag (VLAN 20, type IPv4), then 36 of the kernel's 40 bytes: the IPv4 header
  // (198.51.100.1 -> 198.51.100.2, ICMP, id 0x366d, DF) and the first 16 bytes of the echo request.
  const ipv4 = "450000543 66d400040010000c6336401c6336402".replace(/ /g, "");
  const nh = `00140800${ipv4}0800f7ff0001000100000000000000000`.slice(0, 80);

  it("is decoded with the payload bytes that follow its header, plain or sign-extended", () => {
    expect(nh.length).toBe(80);
    const header = decodeNetworkHeader(nh, "0x88a8");
    expect(header?.ip).toMatchObject({ src: "198.51.100.1", dst: "198.51.100.2", id: 0x366d, flags: ["DF"] });
    expect(header?.l4?.proto).toBe("icmp");
    // As iptables 1.8.9 prints it: every byte of 0x80 or more through a signed char (`ffffffXX`).
    const signed = (nh.match(/../g) as string[])
      .map((x) => (Number.parseInt(x, 16) >= 0x80 ? `ffffff${x}` : x))
      .join("");
    expect(signed).toContain("ffffffc6");
    expect(decodeNetworkHeader(signed, "0x88a8")?.ip).toEqual(header?.ip);
  });

  it("an IPv6 header behind two tags is cut at 36 bytes and left undecoded", () => {
    const v6 = `001486dd600000000008114020010db800150000000000000000001120010db80015000000000000`;
    expect(v6.length).toBe(80);
    expect(decodeNetworkHeader(v6, "0x88a8")).toBeUndefined();
  });

  it("ESP and AH are named as LOG and nft trace lines name them", () => {
    expect(decodeNetworkHeader(`${ipv4.slice(0, 18)}32${ipv4.slice(20)}`, "0x0800")?.l4?.proto).toBe("esp");
    expect(decodeNetworkHeader(`${ipv4.slice(0, 18)}33${ipv4.slice(20)}`, "0x0800")?.l4?.proto).toBe("ah");
  });
});
