/**
 * Fields of LOG lines recorded from kernel 6.18 (`test/fixtures/parse/real-router-fragments-errors`)
 * that were read as unknown and lost: the IPv6 fragment header's ID and more-fragments flag, and the
 * ICMPv6 parameter problem's `POINTER=`.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { protocolWords } from "../../../src/core/model/ip-protocols.ts";
import { formatEbtLine } from "../../../src/core/parse/format-ebt-line.ts";
import { formatLogLine } from "../../../src/core/parse/format-log-line.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseLine } from "../../../src/core/parse/parse-line.ts";

const recorded = readFileSync(
  new URL("../../fixtures/parse/real-router-fragments-errors/input.log", import.meta.url),
  "utf8",
).split("\n");

/** The event of recorded line `n` (1-based). */
function event(n: number) {
  const r = parseLine(recorded[n - 1] as string).result;
  if (r.kind !== "event") throw new Error(`line ${n}: ${r.kind}`);
  return r.event;
}

describe("IPv6 fragment header", () => {
  it("keeps the ID and more-fragments flag, with and without --log-ip-options", () => {
    // Line 35: `OPT ( FRAG:1448 INCOMPLETE ID:5156cab0 )`; line 36: `FRAG:1448 INCOMPLETE ID:5156cab0`.
    for (const n of [35, 36]) {
      const ip = event(n).ip;
      expect([ip?.fragment, ip?.id, ip?.flags]).toEqual([1448, 0x5156cab0, ["MF"]]);
    }
    // The last fragment: no INCOMPLETE, so no MF.
    for (const n of [37, 38]) {
      const ip = event(n).ip;
      expect([ip?.fragment, ip?.id, ip?.flags]).toEqual([2896, 0x5156cab0, undefined]);
    }
  });

  it("the first and second fragment at two hooks, lines between them lost, are two packets", () => {
    const text = [33, 36].map((n) => recorded[n - 1]).join("\n");
    expect(parseTraceText(text, { file: "x.log" }).packets.length).toBe(2);
  });
});

describe("ICMPv6 parameter problem", () => {
  it("reads POINTER= (hex) as the pointer, and the packet it quotes", () => {
    const ev = event(130);
    expect(ev.l4?.icmpType).toBe(4);
    expect(ev.l4?.icmpParameter).toBe(6);
    expect(ev.inner?.l4?.proto).toBe("132");
  });

  it("a damaged POINTER= is an error at its value", () => {
    const line = (recorded[129] as string).replace("POINTER=00000006", "POINTER=0000zz06");
    const r = parseLine(line).result;
    expect(r.kind).toBe("error");
    if (r.kind === "error") {
      expect(r.column).toBe(line.indexOf("POINTER=") + 9);
      expect(r.message).toContain("POINTER=");
      expect(r.hint).toBeTruthy();
    }
  });

  it("a line cut before the quoted packet says what is missing", () => {
    const line = (recorded[129] as string).slice(0, (recorded[129] as string).indexOf("[SRC="));
    const r = parseLine(line).result;
    expect(r.kind).toBe("error");
    if (r.kind === "error")
      expect(r.message).toBe("expected '[' and the quoted packet before the end of the line");
  });
});

describe("VLAN tag of a bridged frame (test/fixtures/parse/real-nft-bridge-vlan)", () => {
  const read = (c: string) =>
    readFileSync(new URL(`../../fixtures/parse/${c}/input.log`, import.meta.url), "utf8");

  it("LOG lines keep VPROTO= and VID=, and a damaged VID= is an error at its value", () => {
    const tagged = read("real-nft-bridge-vlan")
      .split("\n")
      .filter((l) => l.includes(" VID="));
    expect(tagged.length).toBe(3);
    for (const line of tagged) {
      const r = parseLine(line).result;
      expect(r.kind).toBe("event");
      if (r.kind === "event") expect(r.event.vlan).toEqual({ proto: "0x8100", id: 10 });
    }
    for (const damaged of ["VID=10x", "VID=65536", "VID=-1"]) {
      const bad = (tagged[0] as string).replace("VID=10", damaged);
      const r = parseLine(bad).result;
      expect(r.kind, damaged).toBe("error");
      if (r.kind === "error") expect(r.column).toBe(bad.indexOf("VID=") + 5);
    }
  });

  it("VID= is the whole tag control field: priority and drop eligible bits above the 12-bit id", () => {
    const line = read("real-nft-bridge-vlan")
      .split("\n")
      .find((l) => l.includes(" VID=10 ")) as string;
    // nf_log_dump_vlan prints skb_vlan_tag_get(): PCP 5 on VLAN 10 is 40970, a priority-tagged frame 40960.
    const cases: [number, object][] = [
      [40970, { proto: "0x8100", id: 10, pcp: 5 }],
      [40960, { proto: "0x8100", id: 0, pcp: 5 }],
      [4106, { proto: "0x8100", id: 10, dei: 1 }],
      [65535, { proto: "0x8100", id: 4095, pcp: 7, dei: 1 }],
    ];
    for (const [tci, vlan] of cases) {
      const tagged = line.replace("VID=10 ", `VID=${tci} `);
      const r = parseLine(tagged).result;
      expect(r.kind, String(tci)).toBe("event");
      if (r.kind !== "event") continue;
      expect(r.event.vlan).toEqual(vlan);
      // Written back as the kernel prints it.
      expect(formatLogLine(r.event)).toContain(` VID=${tci} `);
    }
  });

  it("nft monitor trace keeps `vlan id 10` at every hook of the packet", () => {
    const p = parseTraceText(read("real-nft-bridge-vlan-trace"), { file: "x.log" }).packets.find(
      (x) => x.events[0]?.ip?.src === "198.51.100.12",
    );
    expect(p?.events.map((e) => [e.hook, e.vlan?.id])).toEqual([
      ["bridge:lab:PREROUTING", 10],
      ["bridge:lab:FORWARD", 10],
      ["bridge:lab:POSTROUTING", 10],
    ]);
  });

  it("nft monitor trace keeps `vlan pcp` and `vlan dei` as a LOG line's VID= does", () => {
    const text = read("real-nft-bridge-vlan-trace").replaceAll(
      "vlan pcp 0 vlan dei 0",
      "vlan pcp 5 vlan dei 1",
    );
    const p = parseTraceText(text, { file: "x.log" }).packets.find(
      (x) => x.events[0]?.ip?.src === "198.51.100.12",
    );
    expect(p?.events[0]?.vlan).toEqual({ proto: "0x8100", id: 10, pcp: 5, dei: 1 });
    const logged = parseLine(
      (
        read("real-nft-bridge-vlan")
          .split("\n")
          .find((l) => l.includes(" VID=10 ")) as string
      ).replace("VID=10 ", `VID=${(5 << 13) | (1 << 12) | 10} `),
    ).result;
    expect(logged.kind === "event" && logged.event.vlan).toEqual(p?.events[0]?.vlan);
  });
});

describe("nft monitor trace from older nft: `vlan cfi` (test/fixtures/parse/real-nft-monitor-vlan-cfi-trace)", () => {
  const cfi = readFileSync(
    new URL("../../fixtures/parse/real-nft-monitor-vlan-cfi-trace/input.log", import.meta.url),
    "utf8",
  );
  const tags = (text: string) =>
    parseTraceText(text, { file: "x.log" }).packets.flatMap((p) => p.events.map((e) => e.vlan));

  it("reads `vlan cfi` as the drop eligible bit, as `vlan dei` is read", () => {
    const all = tags(cfi);
    expect(all[0]).toEqual({ proto: "0x8100", id: 10, pcp: 5, dei: 1 });
    expect(all).toEqual(tags(cfi.replaceAll(" vlan cfi ", " vlan dei ")));
  });

  it("`ether type 8021ad` makes the outer tag an 802.1ad one; the header behind the inner tag is read", () => {
    const p = parseTraceText(cfi, { file: "x.log" }).packets.find((x) => x.events[0]?.vlan?.id === 20);
    // The inner tag's control field opens the `@nh` bytes (`1e`: VLAN 30, as xtables-monitor's NH= shows it).
    const tag = { proto: "0x88a8", id: 20, inner: { proto: "0x8100", id: 30 } };
    expect(p?.events.map((e) => e.vlan)).toEqual([tag, tag]);
    expect(p?.summary).toBe("ARP who-has 203.0.113.2 tell 203.0.113.1");
  });
});

describe("ICMP redirect (test/fixtures/parse/real-icmp-redirect)", () => {
  const line = readFileSync(
    new URL("../../fixtures/parse/real-icmp-redirect/input.log", import.meta.url),
    "utf8",
  ).split("\n")[1] as string;

  it("reads GATEWAY= and the quoted echo", () => {
    const r = parseLine(line).result;
    expect(r.kind).toBe("event");
    if (r.kind === "event") {
      expect([r.event.l4?.icmpType, r.event.l4?.icmpGateway]).toEqual([5, "198.51.100.3"]);
      expect(r.event.inner?.l4?.icmpId).toBe(25619);
    }
  });

  it("a redirect cut before the packet it quotes is an error (the kernel always quotes it)", () => {
    const cut = line.slice(0, line.indexOf("[SRC="));
    const r = parseLine(cut).result;
    expect(r.kind).toBe("error");
    if (r.kind === "error")
      expect(r.message).toBe("expected '[' and the quoted packet before the end of the line");
  });
});

describe("protocols beyond TCP, UDP and ICMP (kernel 6.18 captures)", () => {
  const fixture = (c: string) =>
    readFileSync(new URL(`../../fixtures/parse/${c}/input.log`, import.meta.url), "utf8");
  const l4s = (c: string) =>
    parseTraceText(fixture(c), { file: "x.log" }).packets.map((p) => p.events[0]?.l4);

  it("nft monitor trace: /etc/protocols names become what a LOG line gives; SCTP and DCCP keep their ports", () => {
    const all = l4s("real-nft-monitor-protocols-trace");
    expect(all.slice(0, 11).map((l) => l?.proto)).toEqual([
      "132",
      "33",
      "47",
      "esp",
      "ah",
      "4",
      "udplite",
      "2",
      "89",
      "41",
      "4",
    ]);
    expect([all[0]?.sport, all[0]?.dport, all[1]?.sport, all[1]?.dport]).toEqual([40132, 5060, 40033, 5001]);
  });

  it("nft monitor trace: `ip6 nexthdr ip` (hop-by-hop) and `ipv6-opts` are extension headers, no transport", () => {
    const text = fixture("real-nft-monitor-protocols-trace");
    expect(text).toContain("ip6 nexthdr ip ip6 length");
    expect(text).toContain("ip6 nexthdr ipv6-opts ");
    const all = l4s("real-nft-monitor-protocols-trace");
    // Echoes 1 (hop-by-hop), 2 (destination options) and 4, each a packet; the tagged frame after the TCP SYN.
    expect([all[11], all[12], all[13], all[15]]).toEqual([undefined, undefined, undefined, undefined]);
    expect(all[14]?.proto).toBe("tcp");
  });

  it("ebtables log: `Next Header=0` names no transport; SCTP keeps ebt_log's ports; ICMPv6 stays ICMPv6", () => {
    const r = parseTraceText(fixture("real-ebt-ip6-hop-by-hop-vlan"), { file: "x.log" });
    const byLine = (n: number) => r.packets.find((p) => p.events[0]?.position.line === n)?.events[0];
    expect(byLine(1)?.l4).toBeUndefined();
    expect(byLine(3)?.l4?.proto).toBe("icmpv6");
    expect(byLine(10)?.l4).toMatchObject({ proto: "132", sport: 40132, dport: 5060 });
    // Written back with its ports, and an answer with the ports swapped pairs with it by them.
    const sctp = byLine(10) as NonNullable<ReturnType<typeof byLine>>;
    expect(formatEbtLine(sctp)).toContain(" IP proto=132 SPT=40132 DPT=5060");
    const line = fixture("real-ebt-ip6-hop-by-hop-vlan").split("\n")[9] as string;
    const answer = line
      .replace("IN=bond0.100 OUT=mv-lan0", "IN=mv-lan0 OUT=bond0.100")
      .replace("IP SRC=198.51.100.11 IP DST=198.51.100.12", "IP SRC=198.51.100.12 IP DST=198.51.100.11")
      .replace("SPT=40132 DPT=5060", "SPT=5060 DPT=40132");
    const other = line.replace("SPT=40132", "SPT=40133");
    const flows = parseTraceText([line, other, answer].join("\n"), { file: "x.log" }).packets.map((p) => [
      p.flow,
      p.direction,
    ]);
    expect(flows).toEqual([
      [1, "request"],
      [2, "request"],
      [1, "reply"],
    ]);
  });

  it("LOG: DCCP is named, UID/GID/MARK and the options are kept, the fragment header behind a VLAN tag too", () => {
    const r = parseTraceText(fixture("real-log-protocols-uid-mark"), { file: "x.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[2]?.summary).toBe("DCCP (protocol 33) 198.51.100.11 -> 198.51.100.1");
    // A word that is an Object property names no protocol.
    expect([protocolWords("33"), protocolWords("constructor")]).toEqual([
      "DCCP (protocol 33)",
      "CONSTRUCTOR",
    ]);
    const syn = r.packets.find((p) => p.events[0]?.l4?.tcpFlags?.includes("SYN"))?.events[0];
    expect([syn?.uid, syn?.gid, syn?.mark, syn?.l4?.tcpOptions?.slice(0, 8)]).toEqual([
      0,
      0,
      "0x2a",
      "020405B4",
    ]);
    // ESP's and AH's SPI=, and each IPv6 extension header's own OPT ( ... ), are kept and written back.
    const line = (n: number) => r.packets.flatMap((p) => p.events).find((e) => e.position.line === n);
    expect([line(7)?.l4?.spi, line(8)?.inner?.l4?.spi, line(9)?.l4?.spi]).toEqual([0x1234, 0x1234, 0x5678]);
    expect(line(20)?.ip?.extensionHeaders).toEqual(["", ""]);
    expect(formatLogLine(line(20) as NonNullable<ReturnType<typeof line>>)).toContain(
      " OPT ( ) OPT ( ) PROTO=ICMPv6 ",
    );
    expect(line(25)?.ip?.extensionHeaders).toEqual(["", "FRAG:0 ID:15151515"]);
    const tagged = r.packets.at(-2)?.events[0];
    expect([tagged?.vlan?.id, tagged?.ip?.id, tagged?.ip?.fragment, tagged?.in]).toEqual([
      10,
      0x15151515,
      0,
      "bond0.100",
    ]);
  });
});

describe("nft monitor trace's `@nh` bytes", () => {
  it("are read only behind a VLAN tag: an untagged frame's unnamed header is not guessed at", () => {
    const cfi = readFileSync(
      new URL("../../fixtures/parse/real-nft-monitor-vlan-cfi-trace/input.log", import.meta.url),
      "utf8",
    );
    const qinq = cfi.split("\n").find((l) => l.includes("@nh,0,256")) as string;
    const tagged = parseLine(qinq).result;
    expect(tagged.kind === "packet-data" && tagged.event.arp?.opcode).toBe(1);
    // The ARP header alone (28 bytes) in a frame whose type nft did not name, with no tag before it.
    const untagged = parseLine(
      qinq
        .replace(/ ether type 8021ad vlan pcp 0 vlan cfi 0 vlan id 20 vlan type 8021q/, "")
        .replace("@nh,0,256 0x1e0806000", "@nh,0,224 0x"),
    ).result;
    expect(untagged.kind).toBe("packet-data");
    expect(untagged.kind === "packet-data" && [untagged.event.arp, untagged.event.ip]).toEqual([
      undefined,
      undefined,
    ]);
  });
});

describe("nft monitor trace's QinQ frame", () => {
  it("reads the inner tag and the ports from the `@nh` bytes behind the 802.1ad tag", () => {
    // nft 1.0.6, kernel 6.18: an 802.1ad 100 (PCP 3) / 802.1Q 10 UDP frame sent from an AF_PACKET socket
    // through a bridge, `meta nftrace set 1` in its bridge prerouting chain. The bytes start at the inner
    // tag's control field (0x000a, its leading zeros not printed) and type (0x0800), then the IPv4 header.
    const line =
      'trace id d04cbf57 bridge t pre packet: iif "ba" ether saddr 02:00:00:00:0a:01 ether daddr 02:00:00:00:0b:01 ether type 8021ad vlan pcp 3 vlan dei 0 vlan id 100 vlan type 8021q @nh,0,304 0xa080045000022123440004011d42cc6336401c63364029c4114e9000eb66068656c6c6f0a ';
    const r = parseLine(line).result;
    expect(r.kind).toBe("packet-data");
    if (r.kind !== "packet-data") return;
    expect(r.event.vlan).toEqual({ proto: "0x88a8", id: 100, pcp: 3, inner: { proto: "0x8100", id: 10 } });
    expect([r.event.ip?.src, r.event.ip?.dst, r.event.ip?.id, r.event.l4?.proto]).toEqual([
      "198.51.100.1",
      "198.51.100.2",
      0x1234,
      "udp",
    ]);
    expect([r.event.l4?.sport, r.event.l4?.dport]).toEqual([40001, 5353]);
    // An ICMP echo behind the same tags: its type, id and sequence (the checksum's bytes between are skipped).
    const echo = parseLine(
      line.replace(
        /@nh,0,304 \S+/,
        "@nh,0,256 0xa0800450000541234400040010000c6336401c633640208000000abcd0007",
      ),
    ).result;
    expect(echo.kind === "packet-data" && echo.event.l4).toMatchObject({
      proto: "icmp",
      icmpType: 8,
      icmpId: 0xabcd,
      icmpSeq: 7,
    });
  });
});

describe("nft monitor trace's `@nh` length", () => {
  it("is read only up to the 40 bytes the kernel sends: a huge length is left undecoded, not padded out", () => {
    const line =
      'trace id aa bridge lab prerouting_c packet: iif "veth-a" ether saddr 02:00:5e:00:0a:01 ether daddr ff:ff:ff:ff:ff:ff ether type 8021ad vlan id 20 vlan type 8021q @nh,0,99999999992 0x1';
    const r = parseLine(line).result;
    expect(r.kind).toBe("packet-data");
    expect(r.kind === "packet-data" && [r.event.vlan?.id, r.event.ip, r.event.arp]).toEqual([
      20,
      undefined,
      undefined,
    ]);
    // 41 bytes is one more than the kernel ever sends.
    const over = parseLine(line.replace("@nh,0,99999999992 0x1", "@nh,0,328 0x1")).result;
    expect(over.kind === "packet-data" && [over.event.ip, over.event.arp]).toEqual([undefined, undefined]);
  });
});

describe("ebtables IPv6 lines behind an extension header", () => {
  const v6 = (
    nh: string,
    src = "2001:0db8:0000:0000:0000:0000:0000:0001",
    dst = "2001:0db8:0000:0000:0000:0000:0000:0002",
  ) =>
    `ebt-filter-FORWARD IN=bond0.100 OUT=mv-lan0 MAC source = 02:00:5e:15:00:11 MAC dest = 02:00:5e:15:00:12 proto = 0x86dd IPv6 SRC=${src} IPv6 DST=${dst}, IPv6 priority=0x0, Next Header=${nh}`;

  it("are written back with the next header printed, and a first fragment keeps its ports", () => {
    for (const line of [v6("44 SPT=5353 DPT=53"), v6("60"), v6("43"), v6("0 SPT=1 DPT=2"), v6("0")]) {
      const r = parseLine(line).result;
      expect(r.kind).toBe("event");
      if (r.kind === "event") expect(formatEbtLine(r.event)).toBe(line);
    }
    const frag = parseLine(v6("44 SPT=5353 DPT=53")).result;
    expect(frag.kind === "event" && frag.event.l4).toMatchObject({ sport: 5353, dport: 53 });
  });

  it("pair by their ports with the answer that names its transport", () => {
    const a = "2001:0db8:0000:0000:0000:0000:0000:0001";
    const b = "2001:0db8:0000:0000:0000:0000:0000:0002";
    const answer = v6("17 SPT=53 DPT=5353", b, a).replace(
      "IN=bond0.100 OUT=mv-lan0",
      "IN=mv-lan0 OUT=bond0.100",
    );
    const other = v6("44 SPT=5354 DPT=53");
    const flows = parseTraceText([v6("44 SPT=5353 DPT=53"), other, answer].join("\n"), {
      file: "x.log",
    }).packets.map((p) => [p.flow, p.direction]);
    expect(flows).toEqual([
      [1, "request"],
      [2, "request"],
      [1, "reply"],
    ]);
  });
});
