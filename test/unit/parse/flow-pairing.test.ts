/**
 * Flow pairing of packets that show no ports or echo id: ICMP errors (paired by the packet they
 * quote) and non-first fragments (paired by their datagram's IP ID), on lines recorded from
 * kernel 6.18 (`test/fixtures/parse/real-router-fragments-errors`).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type FlowAssignment,
  type FlowKeys,
  FlowPairer,
  flowKeys,
  PairingQueue,
  parseTraceText,
  TraceParser,
} from "../../../src/core/parse/index.ts";
import { sctpGuessed, sctpLines, sctpNamed } from "./sctp-answer.ts";

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
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, fragment at byte 1480",
      "2 request UDP 198.51.100.2:54904 -> 203.0.113.2:9999",
      "2 reply ICMP port-unreachable 203.0.113.2 -> 198.51.100.2",
    ]);
  });

  it("protocol unreachable and an ICMPv6 parameter problem join the SCTP and GRE flows", () => {
    expect(flows(lines(14, 112, 116, 120, 124, 35, 128, 130))).toEqual([
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, fragment at byte 1480",
      "2 request SCTP (protocol 132) 198.51.100.2 -> 203.0.113.2",
      "2 reply ICMP protocol-unreachable 203.0.113.2 -> 198.51.100.2",
      "3 request GRE (protocol 47) 198.51.100.2 -> 203.0.113.2",
      "3 reply ICMP protocol-unreachable 203.0.113.2 -> 198.51.100.2",
      "4 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2, fragment at byte 1448",
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
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2, first fragment",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, fragment at byte 1480",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, last fragment at byte 2960",
      "1 reply ICMP echo-reply 203.0.113.2 -> 198.51.100.2, first fragment",
      "1 reply ICMP 203.0.113.2 -> 198.51.100.2, fragment at byte 1480",
      "1 reply ICMP 203.0.113.2 -> 198.51.100.2, last fragment at byte 2960",
    ]);
  });

  it("IPv6 fragments join by the fragment header's ID, with and without --log-ip-options", () => {
    // mangle PREROUTING prints `OPT ( FRAG:1448 INCOMPLETE ID:.. )`, FORWARD the same without OPT.
    expect(flows(lines(33, 35, 38, 98, 101, 102))).toEqual([
      "1 request ICMPv6 echo-request 2001:db8:1::2 -> 2001:db8:2::2, first fragment",
      "1 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2, fragment at byte 1448",
      "1 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2, last fragment at byte 2896",
      "1 reply ICMPv6 echo-reply 2001:db8:2::2 -> 2001:db8:1::2, first fragment",
      "1 reply ICMPv6 2001:db8:2::2 -> 2001:db8:1::2, fragment at byte 1448",
      "1 reply ICMPv6 2001:db8:2::2 -> 2001:db8:1::2, last fragment at byte 2896",
    ]);
  });

  it("a fragment of another datagram between the same hosts opens its own flow", () => {
    const other = lines(14).replace("ID=13911", "ID=4000");
    expect(flows(`${lines(11)}\n${other}`)).toEqual([
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2, first fragment",
      "2 request ICMP 198.51.100.2 -> 203.0.113.2, fragment at byte 1480",
    ]);
  });

  it("a new ping whose first fragment repeats an older datagram's IP ID opens its own flow, and keeps its fragments", () => {
    // The same three fragments again, as a new ping (another echo id) that reuses the 16-bit IP ID 13911.
    const again = lines(11, 14, 17).replace("ID=18511", "ID=18600");
    expect(flows(`${lines(11, 14, 17)}\n${again}`)).toEqual([
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2, first fragment",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, fragment at byte 1480",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, last fragment at byte 2960",
      "2 request ICMP echo-request 198.51.100.2 -> 203.0.113.2, first fragment",
      "2 request ICMP 198.51.100.2 -> 203.0.113.2, fragment at byte 1480",
      "2 request ICMP 198.51.100.2 -> 203.0.113.2, last fragment at byte 2960",
    ]);
  });

  it("a ping to 127.0.0.1 (a tuple that reads the same both ways) has its reply in the reply direction, each one packet through lo", () => {
    const loop = readFileSync(
      new URL("../../fixtures/parse/real-ebt-ip6-and-loopback/input.log", import.meta.url),
      "utf8",
    )
      .split("\n")
      .filter((l) => l.includes("SRC=127.0.0.1 DST=127.0.0.1") && l.includes("PROTO=ICMP "))
      .join("\n");
    expect(flows(loop)).toEqual([
      "1 request ICMP echo-request 127.0.0.1 -> 127.0.0.1",
      "1 reply ICMP echo-reply 127.0.0.1 -> 127.0.0.1",
    ]);
    // Each from its OUTPUT hook out of lo to its INPUT hook in on lo, as the kernel sends the same skb.
    const hooks = parseTraceText(loop).packets.map((p) => p.hooks.join(" "));
    expect(hooks).toHaveLength(2);
    for (const h of hooks) expect(h).toMatch(/^ip:\w+:OUTPUT .*POSTROUTING .*PREROUTING .*INPUT$/);
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

  it("an error whose masqueraded quote names an older connection's tuple joins the most recently active flow", () => {
    // The host's own DNS query from 203.0.113.1:40000, then a client's that MASQUERADE maps to the same tuple.
    const log = [
      "[10.000001] iptable/filter-OUTPUT IN= OUT=wan0 SRC=203.0.113.1 DST=192.0.2.53 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=100 PROTO=UDP SPT=40000 DPT=53 LEN=40 ",
      "[10.000002] iptable/filter-INPUT IN=wan0 OUT= MAC=52:54:00:aa:00:02:52:54:00:aa:00:01:08:00 SRC=192.0.2.53 DST=203.0.113.1 LEN=60 TOS=0x00 PREC=0x00 TTL=60 ID=7 PROTO=UDP SPT=53 DPT=40000 LEN=40 ",
      "[50.000001] iptable/mangle-PREROUTING IN=lan0 OUT= MAC=52:54:00:bb:00:02:52:54:00:bb:00:01:08:00 SRC=198.51.100.2 DST=192.0.2.53 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=200 PROTO=UDP SPT=40000 DPT=53 LEN=40 ",
      "[50.000002] iptable/filter-FORWARD IN=lan0 OUT=wan0 MAC=52:54:00:bb:00:02:52:54:00:bb:00:01:08:00 SRC=198.51.100.2 DST=192.0.2.53 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=200 PROTO=UDP SPT=40000 DPT=53 LEN=40 ",
      // The error quotes the masqueraded form before the nat hook, the client's own after it.
      "[50.000010] iptable/mangle-PREROUTING IN=wan0 OUT= MAC=52:54:00:aa:00:02:52:54:00:aa:00:01:08:00 SRC=192.0.2.53 DST=203.0.113.1 LEN=88 TOS=0x00 PREC=0xC0 TTL=60 ID=9 PROTO=ICMP TYPE=3 CODE=3 [SRC=203.0.113.1 DST=192.0.2.53 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=200 PROTO=UDP SPT=40000 DPT=53 LEN=40 ] ",
      "[50.000011] iptable/filter-FORWARD IN=wan0 OUT=lan0 MAC=52:54:00:aa:00:02:52:54:00:aa:00:01:08:00 SRC=192.0.2.53 DST=198.51.100.2 LEN=88 TOS=0x00 PREC=0xC0 TTL=59 ID=9 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.2 DST=192.0.2.53 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=200 PROTO=UDP SPT=40000 DPT=53 LEN=40 ] ",
    ].join("\n");
    expect(flows(log).map((f) => f.split(" ").slice(0, 3).join(" "))).toEqual([
      "1 request UDP",
      "1 reply UDP",
      "2 request UDP",
      "2 reply ICMP",
    ]);
  });

  it("later fragments logged before their first fragment join the flow the first one's echo id chooses, each way", () => {
    // The recorded router lines reordered (see real-fragments-reordered): FRAG:185 and FRAG:370 first.
    const ping = [
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, fragment at byte 1480",
      "1 request ICMP 198.51.100.2 -> 203.0.113.2, last fragment at byte 2960",
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2, first fragment",
      "1 reply ICMP 203.0.113.2 -> 198.51.100.2, fragment at byte 1480",
      "1 reply ICMP 203.0.113.2 -> 198.51.100.2, last fragment at byte 2960",
      "1 reply ICMP echo-reply 203.0.113.2 -> 198.51.100.2, first fragment",
    ];
    expect(flows(lines(14, 17, 11, 24, 27, 21))).toEqual(ping);
    // The same when the ping's flow was opened before (the client's whole datagram at filter OUTPUT).
    expect(flows(lines(10, 14, 17, 11))).toEqual([
      "1 request ICMP echo-request 198.51.100.2 -> 203.0.113.2",
      ...ping.slice(0, 3),
    ]);
    // IPv6: the fragment header's ID ties them the same way.
    expect(flows(lines(35, 38, 33))).toEqual([
      "1 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2, fragment at byte 1448",
      "1 request ICMPv6 2001:db8:1::2 -> 2001:db8:2::2, last fragment at byte 2896",
      "1 request ICMPv6 echo-request 2001:db8:1::2 -> 2001:db8:2::2, first fragment",
    ]);
  });

  it("a later fragment waits for its first fragment in order: packets between keep their ids and flow numbers", () => {
    // A TCP handshake's SYN between the later fragments and the first: it opens flow 2, after the ping's.
    const parsed = parseTraceText(lines(14, 52, 17, 11), { file: "x.log" });
    expect(parsed.packets.map((p) => `${p.id} ${p.flow} ${p.summary.split(" ")[0]}`)).toEqual([
      "1 1 ICMP",
      "2 2 TCP",
      "3 1 ICMP",
      "4 1 ICMP",
    ]);
    expect(parsed.flows.map((f) => [f.id, f.packets])).toEqual([
      [1, [1, 3, 4]],
      [2, [2]],
    ]);
  });

  it("a later fragment whose first fragment is too far on is paired alone; a new ping never joins it by the IP ID", () => {
    const packets = parseTraceText(lines(14, 52, 56, 11), { file: "x.log" }).packets;
    const keys = packets.map((p) => flowKeys(p));
    const run = (wait: number) => {
      const out: [number, FlowAssignment][] = [];
      const q = new PairingQueue<number>(new FlowPairer(), (id, a) => out.push([id, a]), wait);
      for (let i = 0; i < 3; i++) q.push(i + 1, keys[i] as FlowKeys);
      // Waiting: nothing is handed out before the first fragment comes (or the wait runs out).
      expect(out.length).toBe(wait >= 3 ? 0 : 3);
      q.push(4, keys[3] as FlowKeys);
      q.flush();
      expect(q.size).toBe(0);
      return out.map(([id, a]) => `${id} ${a.flow} ${a.direction}${a.isNew ? " new" : ""}`);
    };
    // Three packets on: within a wait of 3 the fragment joins the ping's flow.
    expect(run(3)).toEqual(["1 1 request new", "2 2 request new", "3 2 reply", "4 1 request"]);
    // Beyond a wait of 2: the fragment opens a fragments-only flow, the ping (same IP ID) a flow of its own.
    expect(run(2)).toEqual(["1 1 request new", "2 2 request new", "3 2 reply", "4 3 request new"]);
  });

  it("a first fragment without ports (GRE, ESP, a cut transport) waits for nothing: it is paired at once", () => {
    const v4 = (id: number, proto: string, frag: string) =>
      `[100.${id}] iptable/filter-FORWARD IN=eth0 OUT=eth1 MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.7 DST=203.0.113.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=${id} ${frag}PROTO=${proto} `;
    const packets = parseTraceText(
      [v4(7001, "47", "MF "), v4(7002, "ESP SPI=0x1000 ", "MF "), v4(7003, "47", "FRAG:185 ")].join("\n"),
      { file: "x.log" },
    ).packets;
    const keys = packets.map((p) => flowKeys(p));
    expect(keys.map((k) => [k.seen[0]?.split(" ")[0], k.laterFragment])).toEqual([
      ["frag", undefined],
      ["frag", undefined],
      ["frag", true],
    ]);
    const out: number[] = [];
    const q = new PairingQueue<number>(new FlowPairer(), (id) => out.push(id));
    q.push(1, keys[0] as FlowKeys);
    q.push(2, keys[1] as FlowKeys);
    // Handed out at once, as on a live `parse -`; only the later fragment of an unknown datagram waits.
    expect([out, q.size]).toEqual([[1, 2], 0]);
    q.push(3, keys[2] as FlowKeys);
    expect([out, q.size]).toEqual([[1, 2], 1]);
    q.flush();
    expect(out).toEqual([1, 2, 3]);
  });

  it("property: in any order of a ping's six fragments (three hooks each), one flow, each side's direction", () => {
    // Request fragments (ID 13911) and reply fragments (ID 22664), each as the router logged it at three hooks.
    const blocks = [11, 14, 17, 21, 24, 27].map((n) => ({ reply: n >= 21, text: lines(n, n + 1, n + 2) }));
    fc.assert(
      fc.property(fc.shuffledSubarray(blocks, { minLength: 6, maxLength: 6 }), (order) => {
        const text = order.map((b) => b.text).join("\n");
        const parsed = parseTraceText(text, { file: "x.log" });
        expect(parsed.packets.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(parsed.packets.map((p) => `${p.flow} ${p.direction}`)).toEqual(
          order.map((b) => `1 ${b.reply ? "reply" : "request"}`),
        );
        expect(parsed.flows).toEqual([{ id: 1, proto: "icmp", packets: [1, 2, 3, 4, 5, 6] }]);
        // The same input pairs the same way again.
        expect(flows(text)).toEqual(parsed.packets.map((p) => `${p.flow} ${p.direction} ${p.summary}`));
      }),
      { numRuns: 200 },
    );
  });
});

/** An ebtables `--log-ip6` line of 2001:db8::11 and 2001:db8::12 (`reply`: the other way), next header `nh`. */
const ebt6 = (nh: number, sport: number, dport: number, reply = false) => {
  const [a, b] = reply ? ["12", "11"] : ["11", "12"];
  return `[100.0] ebt-filter-FORWARD IN=veth-a OUT=veth-b MAC source = 02:00:5e:15:00:${a} MAC dest = 02:00:5e:15:00:${b} proto = 0x86dd IPv6 SRC=2001:0db8:0000:0000:0000:0000:0000:00${a} IPv6 DST=2001:0db8:0000:0000:0000:0000:0000:00${b}, IPv6 priority=0x0, Next Header=${nh} SPT=${sport} DPT=${dport}`;
};

describe("flows of the unnamed transport with ports (ebtables IPv6 behind an extension header)", () => {
  it("looks up the TCP and UDP flows of its ports but takes no tuple of theirs over", () => {
    const text = [
      ebt6(6, 5353, 53),
      ebt6(17, 5353, 53),
      ebt6(44, 5353, 53),
      ebt6(17, 53, 5353, true),
      ebt6(17, 5353, 53),
      ebt6(6, 5353, 53),
    ].join("\n");
    const parsed = parseTraceText(text, { file: "x.log" });
    // Unnamed: the most recently active of the flows it may be (UDP); the UDP packets after it stay in the UDP flow.
    expect(parsed.packets.map((p) => `${p.flow} ${p.direction}`)).toEqual([
      "1 request",
      "2 request",
      "2 request",
      "2 reply",
      "2 request",
      "1 request",
    ]);
    expect(parsed.flows.map((f) => f.proto)).toEqual(["tcp", "udp"]);
  });

  it("a flow it opens takes the protocol of the first packet that names one, and keeps it", () => {
    const parsed = parseTraceText(
      [ebt6(44, 40000, 4789), ebt6(44, 40000, 4789), ebt6(17, 4789, 40000, true), ebt6(44, 40000, 4789)].join(
        "\n",
      ),
      { file: "x.log" },
    );
    expect(parsed.packets.map((p) => `${p.flow} ${p.direction}`)).toEqual([
      "1 request",
      "1 request",
      "1 reply",
      "1 request",
    ]);
    expect(parsed.flows).toEqual([{ id: 1, proto: "udp", packets: [1, 2, 3, 4] }]);
    // The assignments say so from the naming packet on; a flow never named stays `ports`.
    const pairer = new FlowPairer();
    const protos = parsed.packets.map((p) => pairer.assignKeys(flowKeys(p)).proto);
    expect(protos).toEqual(["ports", "ports", "udp", "udp"]);
    expect(parseTraceText(ebt6(44, 40001, 9), { file: "x.log" }).flows).toEqual([
      { id: 1, proto: "ports", packets: [1] },
    ]);
  });
});

describe("TraceParser.floor and state with packets in the pairing queue", () => {
  it("a later fragment waiting for its first fragment holds the floor at its line and counts in state", () => {
    const handed: number[] = [];
    const parser = new TraceParser((p) => handed.push(p.id), { file: "x.log", group: { windowLines: 4 } });
    // A later fragment of a datagram no flow knows (line 1), then UDP packets of other connections:
    // the grouping closes packets in its sweep (every 64 lines), the pairing holds the fragment and those after it.
    parser.line(lines(14));
    const udp = (n: number) => lines(86).replace("ID=39078", `ID=${n}`).replace("SPT=54904", `SPT=${n}`);
    for (let n = 40000; n < 40140; n++) {
      parser.line(udp(n));
      // Each packet handed to the pairing before its wait runs out is held, and the floor with it.
      if (n === 40070) {
        expect(handed).toEqual([]);
        expect(parser.state.pairing).toBeGreaterThanOrEqual(2);
        expect(parser.floor).toBe(1);
      }
    }
    // 64 packets on, the fragment is paired alone and every packet held behind it is handed out.
    expect(handed.length).toBeGreaterThan(60);
    expect(parser.state.pairing).toBeLessThan(handed.length);
    expect(parser.floor).toBeGreaterThan(60);
    parser.end();
    expect(handed.length).toBe(141);
    expect(parser.state.pairing).toBe(0);
    expect(parser.floor).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("xtables-monitor SCTP, UDP-Lite and DCCP: named by a rule, on every packet of the flow", () => {
  const named = sctpNamed;
  const guessed = sctpGuessed;

  it("a packet read as UDP pairs with the SCTP flow of its ports, in either order; the flow and both summaries are SCTP", () => {
    for (const text of [
      [...named, ...guessed],
      [...guessed, ...named],
    ]) {
      const parsed = parseTraceText(text.join("\n"), { file: "x.log" });
      // The packet no rule named, before or after the one a rule named, is said to be SCTP as well.
      expect(parsed.packets.map((p) => `${p.flow} ${p.summary.split(" ")[0]}`)).toEqual(["1 SCTP", "1 SCTP"]);
      expect(parsed.packets.flatMap((p) => p.events.map((e) => e.l4?.proto))).not.toContain("udp");
      expect(new Set(parsed.packets.map((p) => p.direction))).toEqual(new Set(["request", "reply"]));
      expect(parsed.flows).toEqual([{ id: 1, proto: "sctp", packets: [1, 2] }]);
    }
  });

  it("UDP-Lite and DCCP flows: every packet's summary names the protocol, none says UDP", () => {
    /** The recorded packet of lines `from`-`to` (1-based), its `-p` rules made to name no protocol when `bare`. */
    const packet = (from: number, to: number, bare: boolean, reply: boolean) =>
      sctpLines
        .slice(from - 1, to)
        .map((l) => (bare ? l.replace(/ -p \S+/, "") : l))
        .map((l) =>
          reply
            ? l
                .replace("SRC=198.51.100.1 DST=198.51.100.2", "SRC=198.51.100.2 DST=198.51.100.1")
                .replace(/SPORT=(\d+) DPORT=(\d+)/, "SPORT=$2 DPORT=$1")
                // Another trace id: another packet.
                .replace(/ ([0-9a-f]{8}) /, (_, id: string) => ` ${[...id].reverse().join("")} `)
            : l,
        );
    for (const [from, to, word] of [
      [7, 11, "UDP-Lite"],
      [12, 16, "DCCP"],
    ] as const) {
      // A reply no rule names first, then the request its raw rule names.
      const text = [...packet(from, to, true, true), ...packet(from, to, false, false)];
      const parsed = parseTraceText(text.join("\n"), { file: "x.log" });
      expect(parsed.packets.map((p) => p.summary.split(" ")[0])).toEqual([word, word]);
      expect(parsed.packets.map((p) => p.summary).join("\n")).not.toMatch(/\bUDP\b(?!-Lite)/);
    }
  });

  it("LOG lines name their protocol (SCTP as PROTO=132): a UDP and an SCTP packet with one tuple are two flows", () => {
    const log = (proto: string, n: number) =>
      `[${n}.0] fw/iptable/filter-INPUT IN=eth0 OUT= SRC=198.51.100.1 DST=198.51.100.2 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=${n} DF PROTO=${proto} SPT=40132 DPT=5060 LEN=16 `;
    const parsed = parseTraceText([log("132", 5), log("UDP", 6)].join("\n"), { file: "x.log" });
    expect(parsed.flows.map((f) => f.packets)).toEqual([[1], [2]]);
  });
});

describe("an ICMP error whose line shows no quoted packet", () => {
  it("is an answer, not a new request (LOG prints no quote for this parameter problem, kernel 6.18, hv46)", () => {
    const line = (hook: string, devs: string) =>
      `[36753.101437] iptable/${hook} ${devs} SRC=10.5.0.1 DST=10.5.0.2 LEN=60 TOS=0x00 PREC=0xC0 TTL=64 ID=20869 PROTO=ICMP TYPE=12 CODE=0 PARAMETER=21 `;
    expect(
      flows([line("mangle-OUTPUT", "IN= OUT=re"), line("mangle-POSTROUTING", "IN= OUT=re")].join("\n")),
    ).toEqual(["1 reply ICMP parameter-problem 10.5.0.1 -> 10.5.0.2"]);
  });
});

/**
 * Recorded on kernel 6.18 (iptables 1.8.9 nft backend, nft 1.0.6): a client (10.9.0.2) behind a
 * MASQUERADE router sends 3000 bytes of UDP to 203.0.113.2, which echoes them; the router logs in an
 * nft chain at priority -450 (before defragmentation at -400: it printed each fragment) and in iptables
 * mangle PREROUTING and filter FORWARD (they printed the reassembled datagram). iptables raw PREROUTING
 * (-300) printed the reassembled datagram too, not its fragments.
 */
const NAT_FRAGMENTS = [
  "[49683.038009] nft-early-pre IN=pr0 OUT= MAC=4a:53:58:f7:ef:68:66:81:e8:d5:10:80:08:00 SRC=10.9.0.2 DST=203.0.113.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=24853 MF PROTO=UDP SPT=40000 DPT=5353 LEN=3008 ",
  "[49683.038024] nft-early-pre IN=pr0 OUT= MAC=4a:53:58:f7:ef:68:66:81:e8:d5:10:80:08:00 SRC=10.9.0.2 DST=203.0.113.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=24853 MF FRAG:185 PROTO=UDP ",
  "[49683.038027] nft-early-pre IN=pr0 OUT= MAC=4a:53:58:f7:ef:68:66:81:e8:d5:10:80:08:00 SRC=10.9.0.2 DST=203.0.113.2 LEN=68 TOS=0x00 PREC=0x00 TTL=64 ID=24853 FRAG:370 PROTO=UDP ",
  "[49683.038046] iptable/mangle-PREROUTING IN=pr0 OUT= MAC=4a:53:58:f7:ef:68:66:81:e8:d5:10:80:08:00 SRC=10.9.0.2 DST=203.0.113.2 LEN=3028 TOS=0x00 PREC=0x00 TTL=64 ID=24853 PROTO=UDP SPT=40000 DPT=5353 LEN=3008 ",
  "[49683.038056] iptable/filter-FORWARD IN=pr0 OUT=pr1 MAC=4a:53:58:f7:ef:68:66:81:e8:d5:10:80:08:00 SRC=10.9.0.2 DST=203.0.113.2 LEN=3028 TOS=0x00 PREC=0x00 TTL=63 ID=24853 PROTO=UDP SPT=40000 DPT=5353 LEN=3008 ",
  "[49683.038494] nft-early-pre IN=pr1 OUT= MAC=b6:f8:9c:26:b7:dc:f6:56:c5:cb:76:18:08:00 SRC=203.0.113.2 DST=203.0.113.1 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=64631 MF PROTO=UDP SPT=5353 DPT=40000 LEN=3008 ",
  "[49683.038522] nft-early-pre IN=pr1 OUT= MAC=b6:f8:9c:26:b7:dc:f6:56:c5:cb:76:18:08:00 SRC=203.0.113.2 DST=203.0.113.1 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=64631 MF FRAG:185 PROTO=UDP ",
  "[49683.038525] nft-early-pre IN=pr1 OUT= MAC=b6:f8:9c:26:b7:dc:f6:56:c5:cb:76:18:08:00 SRC=203.0.113.2 DST=203.0.113.1 LEN=68 TOS=0x00 PREC=0x00 TTL=64 ID=64631 FRAG:370 PROTO=UDP ",
  "[49683.038529] iptable/mangle-PREROUTING IN=pr1 OUT= MAC=b6:f8:9c:26:b7:dc:f6:56:c5:cb:76:18:08:00 SRC=203.0.113.2 DST=203.0.113.1 LEN=3028 TOS=0x00 PREC=0x00 TTL=64 ID=64631 PROTO=UDP SPT=5353 DPT=40000 LEN=3008 ",
  "[49683.038533] iptable/filter-FORWARD IN=pr1 OUT=pr0 MAC=b6:f8:9c:26:b7:dc:f6:56:c5:cb:76:18:08:00 SRC=203.0.113.2 DST=10.9.0.2 LEN=3028 TOS=0x00 PREC=0x00 TTL=63 ID=64631 PROTO=UDP SPT=5353 DPT=40000 LEN=3008 ",
];

describe("a masqueraded reply logged in fragments before defragmentation", () => {
  const prefixMap = { "nft-early-pre": "ip:early:pre" } as const;
  const pairs = (text: string) =>
    parseTraceText(text, { file: "x.log", prefixMap }).packets.map((p) => `${p.flow} ${p.direction}`);

  it("joins the request's flow as its reply: fragments and reassembled datagram alike", () => {
    const parsed = parseTraceText(NAT_FRAGMENTS.join("\n"), { file: "x.log", prefixMap });
    // Before: the reply's fragments (to the router's 203.0.113.1) opened flow 2 as a request, and the datagram joined them.
    expect(parsed.packets.map((p) => `${p.flow} ${p.direction} ${p.summary}`)).toEqual([
      "1 request UDP 10.9.0.2:40000 -> 203.0.113.2:5353, first fragment",
      "1 request UDP 10.9.0.2 -> 203.0.113.2, fragment at byte 1480",
      "1 request UDP 10.9.0.2 -> 203.0.113.2, last fragment at byte 2960",
      "1 request UDP 10.9.0.2:40000 -> 203.0.113.2:5353",
      "1 reply UDP 203.0.113.2:5353 -> 203.0.113.1:40000, first fragment",
      "1 reply UDP 203.0.113.2 -> 203.0.113.1, fragment at byte 1480",
      "1 reply UDP 203.0.113.2 -> 203.0.113.1, last fragment at byte 2960",
      "1 reply UDP 203.0.113.2:5353 -> 203.0.113.1:40000, un-SNAT to 10.9.0.2:40000",
    ]);
    expect(parsed.flows).toEqual([{ id: 1, proto: "udp", packets: [1, 2, 3, 4, 5, 6, 7, 8] }]);
  });

  it("the same when the later fragments come before the first one", () => {
    const [a, b, c, d, e, f, g, h, i, j] = NAT_FRAGMENTS as string[] & { length: 10 };
    expect(pairs([a, b, c, d, e, g, h, f, i, j].join("\n"))).toEqual([
      ...Array(4).fill("1 request"),
      ...Array(4).fill("1 reply"),
    ]);
  });

  it("a first fragment whose datagram never shows waits no longer than the wait, then opens its flow", () => {
    const keys = parseTraceText(NAT_FRAGMENTS.slice(5, 8).join("\n"), {
      file: "x.log",
      prefixMap,
    }).packets.map((p) => flowKeys(p));
    const out: string[] = [];
    const q = new PairingQueue<number>(new FlowPairer(), (id, a) => out.push(`${id} ${a.flow}`), 2);
    for (const [n, k] of keys.entries()) q.push(n + 1, k);
    // The first fragment's own tuple is all there is: it and its later fragments are one flow.
    expect(out).toEqual(["1 1", "2 1", "3 1"]);
  });
});

describe("a TCP reset whose opening SYN was not logged", () => {
  // Recorded on kernel 6.18 (two namespaces, LOG --log-tcp-sequence at INPUT and OUTPUT): the answer to
  // a SYN for a closed port, and the reset a client's socket sends when it aborts (SO_LINGER 0).
  const closed =
    "[62093.070006] iptable/filter-INPUT IN=va OUT= MAC=6e:f6:7e:55:99:9e:06:f4:c6:b8:c8:90:08:00 SRC=198.51.100.2 DST=198.51.100.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=9 DPT=42902 SEQ=0 ACK=3713313689 WINDOW=0 RES=0x00 ACK RST URGP=0 ";
  const aborted =
    "[62095.013923] iptable/filter-OUTPUT IN= OUT=va SRC=198.51.100.1 DST=198.51.100.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=35734 DF PROTO=TCP SPT=43364 DPT=8080 SEQ=2981111022 ACK=449510001 WINDOW=63 RES=0x00 ACK RST URGP=0 ";

  it("the kernel's reset of a closed port (WINDOW=0) is drawn as the reply of its flow", () => {
    const r = parseTraceText(closed);
    expect(r.packets.map((p) => [p.flow, p.direction])).toEqual([[1, "reply"]]);
  });

  it("a socket's abort (its window sent) is not taken for an answer", () => {
    const r = parseTraceText(aborted);
    expect(r.packets.map((p) => [p.flow, p.direction])).toEqual([[1, "request"]]);
  });

  it("with its SYN logged before, the reset joins that flow as its reply either way", () => {
    const syn =
      "[62093.069987] iptable/filter-INPUT IN=vb OUT= MAC=06:f4:c6:b8:c8:90:6e:f6:7e:55:99:9e:08:00 SRC=198.51.100.1 DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=32871 DF PROTO=TCP SPT=42902 DPT=9 SEQ=3713313688 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 ";
    const r = parseTraceText(`${syn}\n${closed}\n`);
    expect(r.packets.map((p) => [p.flow, p.direction])).toEqual([
      [1, "request"],
      [1, "reply"],
    ]);
  });
});
