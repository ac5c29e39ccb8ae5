/**
 * A packet's summary in the page's language: English as the parser writes it (and `--json` keeps
 * it), zh-TW with its words in Chinese. The summaries are made by `summarizePacket` itself, one for
 * every connector and first part it writes.
 */
import { describe, expect, it } from "vitest";
import type { L4Info, Packet, Rewrite, TraceEvent } from "../../../src/core/model/packet.ts";
import { summarizePacket } from "../../../src/core/parse/summarize-packet.ts";
import { summaryWords } from "../../../src/core/render/summary-words.ts";

/** An event with an IP header (and `l4`), or a bare one with `extra` (ARP, a frame). */
function event(ip: { src: string; dst: string } | undefined, l4?: L4Info, extra: Partial<TraceEvent> = {}) {
  return { ...(ip ? { ip: { ...ip, len: 60 } } : {}), ...(l4 ? { l4 } : {}), ...extra } as TraceEvent;
}

function rewrite(kind: Rewrite["kind"], to: Rewrite["to"]): Rewrite {
  return {
    atEvent: 1,
    afterHook: "ip:nat:PREROUTING",
    beforeHook: "ip:filter:FORWARD",
    kind,
    from: { src: "0.0.0.0", dst: "0.0.0.0" },
    to,
  } as Rewrite;
}

function summary(
  events: TraceEvent[],
  rewrites: Rewrite[] = [],
  direction: Packet["direction"] = "request",
): string {
  return summarizePacket({ events, rewrites, direction });
}

const TCP = (flags: string[], sport = 40000, dport = 8080): L4Info => ({
  proto: "tcp",
  sport,
  dport,
  tcpFlags: flags,
});
const V4 = { src: "198.51.100.10", dst: "198.51.100.2" };

/** [what summarizePacket writes, its zh-TW rendering]. */
const CASES: [string, string][] = [
  // Every NAT connector, both directions, alone and together (a `both` rewrite writes two).
  [
    summary(
      [event(V4, TCP(["SYN"]))],
      [rewrite("dnat", { src: V4.src, dst: "172.18.0.2", dport: 80, sport: 40000 })],
    ),
    "TCP SYN 198.51.100.10:40000 -> 198.51.100.2:8080，DNAT 到 172.18.0.2:80",
  ],
  [
    summary(
      [event({ src: "172.17.0.2", dst: "198.51.100.10" }, { proto: "icmp", icmpType: 8 })],
      [rewrite("snat", { src: "203.0.113.2", dst: "198.51.100.10" })],
    ),
    "ICMP echo-request 172.17.0.2 -> 198.51.100.10，SNAT 到 203.0.113.2",
  ],
  [
    summary(
      [event({ src: "198.51.100.10", dst: "203.0.113.2" }, { proto: "icmp", icmpType: 0 })],
      [rewrite("dnat", { src: "198.51.100.10", dst: "172.17.0.2" })],
      "reply",
    ),
    "ICMP echo-reply 198.51.100.10 -> 203.0.113.2，還原 SNAT 為 172.17.0.2",
  ],
  [
    summary(
      [event({ src: "172.18.0.2", dst: "198.51.100.10" }, TCP(["SYN", "ACK"], 80, 40000))],
      [rewrite("snat", { src: "198.51.100.2", sport: 8080, dst: "198.51.100.10", dport: 40000 })],
      "reply",
    ),
    "TCP SYN-ACK 172.18.0.2:80 -> 198.51.100.10:40000，還原 DNAT 為 198.51.100.2:8080",
  ],
  [
    summary(
      [event({ src: "172.18.0.3", dst: "198.51.100.2" }, TCP(["SYN"], 40000, 8080))],
      [rewrite("both", { src: "172.18.0.1", sport: 40000, dst: "172.18.0.2", dport: 80 })],
    ),
    "TCP SYN 172.18.0.3:40000 -> 198.51.100.2:8080，DNAT 到 172.18.0.2:80，SNAT 到 172.18.0.1:40000",
  ],
  [
    summary(
      [event({ src: "172.18.0.2", dst: "172.18.0.1" }, TCP(["SYN", "ACK"], 80, 40000))],
      [rewrite("both", { src: "198.51.100.2", sport: 8080, dst: "172.18.0.3", dport: 40000 })],
      "reply",
    ),
    "TCP SYN-ACK 172.18.0.2:80 -> 172.18.0.1:40000，還原 SNAT 為 172.18.0.3:40000，還原 DNAT 為 198.51.100.2:8080",
  ],
  // Two rewrites along the way; IPv6 endpoints in brackets.
  [
    summary(
      [event({ src: "2001:db8:1::10", dst: "2001:db8:1::2" }, { proto: "udp", sport: 5353, dport: 53 })],
      [
        rewrite("dnat", { src: "2001:db8:1::10", sport: 5353, dst: "fd00::2", dport: 53 }),
        rewrite("snat", { src: "fd00::1", sport: 5353, dst: "fd00::2", dport: 53 }),
      ],
    ),
    "UDP [2001:db8:1::10]:5353 -> [2001:db8:1::2]:53，DNAT 到 [fd00::2]:53，SNAT 到 [fd00::1]:5353",
  ],
  // First parts: protocol, flag and ICMP names stay; the words around them do not.
  [summary([event(V4, TCP(["FIN", "ACK"]))]), "TCP FIN-ACK 198.51.100.10:40000 -> 198.51.100.2:8080"],
  [summary([event(V4, TCP([]))]), "TCP 無旗標 198.51.100.10:40000 -> 198.51.100.2:8080"],
  [summary([event(V4, { proto: "tcp", sport: 1, dport: 2 })]), "TCP 198.51.100.10:1 -> 198.51.100.2:2"],
  [
    summary([event(V4, { proto: "icmp", icmpType: 3, icmpCode: 3 })]),
    "ICMP port-unreachable 198.51.100.10 -> 198.51.100.2",
  ],
  [summary([event(V4, { proto: "icmp", icmpType: 42 })]), "ICMP 類型 42 198.51.100.10 -> 198.51.100.2"],
  [summary([event(V4, { proto: "icmp" })]), "ICMP 198.51.100.10 -> 198.51.100.2"],
  [
    summary([event({ src: "fe80::1", dst: "ff02::1" }, { proto: "icmpv6", icmpType: 134 })]),
    "ICMPv6 router-advertisement fe80::1 -> ff02::1",
  ],
  [
    summary([event({ src: "fe80::1", dst: "ff02::1" }, { proto: "icmpv6", icmpType: 200 })]),
    "ICMPv6 類型 200 fe80::1 -> ff02::1",
  ],
  [summary([event(V4, { proto: "47" })]), "GRE（協定 47）198.51.100.10 -> 198.51.100.2"],
  [summary([event(V4, { proto: "50" })]), "ESP（IPsec，協定 50）198.51.100.10 -> 198.51.100.2"],
  [summary([event(V4, { proto: "253" })]), "IP 協定 253 198.51.100.10 -> 198.51.100.2"],
  [summary([event(V4, { proto: "sctp", sport: 1, dport: 2 })]), "SCTP 198.51.100.10:1 -> 198.51.100.2:2"],
  [summary([event(V4)]), "IP 198.51.100.10 -> 198.51.100.2"],
  // Fragments: where each sits in its datagram (IPv4 offsets in 8-byte units, IPv6 in bytes), before any rewrite.
  [
    summary(
      [
        {
          ...event(undefined, { proto: "icmp", icmpType: 8 }),
          ip: { src: "172.17.0.2", dst: "198.51.100.10", len: 1500, flags: ["MF"] },
        } as TraceEvent,
      ],
      [rewrite("snat", { src: "203.0.113.2", dst: "198.51.100.10" })],
    ),
    "ICMP echo-request 172.17.0.2 -> 198.51.100.10，第一個分片，SNAT 到 203.0.113.2",
  ],
  [
    summary([{ ...event(V4), ip: { ...V4, len: 1500, fragment: 185, flags: ["MF"] } } as TraceEvent]),
    "IP 198.51.100.10 -> 198.51.100.2，分片，位移 1480 位元組",
  ],
  [
    summary([
      {
        ...event({ src: "2001:db8::1", dst: "2001:db8::2" }, { proto: "udp", sport: 1, dport: 2 }),
        ip: { src: "2001:db8::1", dst: "2001:db8::2", len: 160, fragment: 2896 },
      } as TraceEvent,
    ]),
    "UDP [2001:db8::1]:1 -> [2001:db8::2]:2，最後一個分片，位移 2896 位元組",
  ],
  // A copy the host made with TEE of a packet it received (kernel 6.18 capture, session 49), after any rewrite.
  [
    summarizePacket({
      events: [event(V4, { proto: "icmp", icmpType: 8 })],
      rewrites: [rewrite("snat", { src: "203.0.113.2", dst: "198.51.100.2" })],
      copyOf: { file: "tee.log", line: 12, column: 1 },
    }),
    "ICMP echo-request 198.51.100.10 -> 198.51.100.2，SNAT 到 203.0.113.2，第 12 行封包的複本（TEE 或 dup）",
  ],
  [summary([event({ src: "2001:db8::1", dst: "2001:db8::2" })]), "IPv6 2001:db8::1 -> 2001:db8::2"],
  [
    summary([
      event(undefined, undefined, {
        arp: { htype: 1, ptype: "0x0800", opcode: 1, ipSrc: "172.18.0.1", ipDst: "172.18.0.2" },
      }),
    ]),
    "ARP 詢問：誰是 172.18.0.2？請告訴 172.18.0.1",
  ],
  [
    summary([event(undefined, undefined, { arp: { htype: 1, ptype: "0x0800", opcode: 1 } })]),
    "ARP 詢問：誰是 ?？請告訴 ?",
  ],
  [
    summary([
      event(undefined, undefined, {
        arp: { htype: 1, ptype: "0x0800", opcode: 2, ipSrc: "172.18.0.2", macSrc: "02:42:ac:12:00:02" },
      }),
    ]),
    "ARP 回覆：172.18.0.2 的 MAC 是 02:42:ac:12:00:02",
  ],
  [summary([event(undefined, undefined, { arp: { htype: 1, ptype: "0x0800", opcode: 3 } })]), "ARP 操作碼 3"],
  [
    summary([
      event(undefined, undefined, {
        macSrc: "02:42:ac:12:00:02",
        macDst: "ff:ff:ff:ff:ff:ff",
        ethType: "0x88cc",
      }),
    ]),
    "訊框 02:42:ac:12:00:02 -> ff:ff:ff:ff:ff:ff（EtherType 0x88cc）",
  ],
  [summary([event(undefined, undefined, {})]), "訊框 ? -> ?"],
  // A TRACE line whose packet line was refused or cut off: the trace's id, no frame claimed.
  [summary([event(undefined, undefined, { traceId: "0df9d3d8" })]), "追蹤 0df9d3d8：沒有日誌行顯示它的標頭"],
  [summary([]), "空封包"],
];

describe("summaryWords", () => {
  it("writes every summary as summarizePacket does in English", () => {
    for (const [en] of CASES) expect(summaryWords(en, "en")).toBe(en);
    // The connectors as the parser writes them (and `--json` keeps them).
    const written = CASES.map(([en]) => en).join("\n");
    for (const connector of [
      ", DNAT to ",
      ", SNAT to ",
      ", un-SNAT to ",
      ", un-DNAT to ",
      ", first fragment",
      ", fragment at byte ",
      ", last fragment at byte ",
      ", a copy (TEE or dup) of the packet of line ",
    ])
      expect(written).toContain(connector);
  });

  it("writes every summary's words in zh-TW, addresses, protocol, flag and ICMP names kept", () => {
    for (const [en, zh] of CASES) expect(summaryWords(en, "zh-TW"), en).toBe(zh);
  });

  it("leaves no English connector and spaces Chinese and Latin as the lessons do", () => {
    for (const [en] of CASES) {
      const zh = summaryWords(en, "zh-TW");
      expect(zh, en).not.toMatch(
        /\b(?:un-SNAT|un-DNAT|to|who-has|tell|is-at|opcode|frame|trace|headers|type|protocol|none|empty|fragment|byte)\b/,
      );
      expect(zh, en).not.toMatch(/, /);
      // A half-width space between a Chinese character and a Latin letter or digit, none beside full-width punctuation.
      expect(zh, en).not.toMatch(/[\u4e00-\u9fff][A-Za-z0-9[?]|[A-Za-z0-9\]]\p{Script=Han}/u);
      expect(zh, en).not.toMatch(/ [，：？（）]|[，：？（] /);
    }
  });

  it("leaves text it does not know as it is", () => {
    expect(summaryWords("something else, entirely", "zh-TW")).toBe("something else, entirely");
  });
});
