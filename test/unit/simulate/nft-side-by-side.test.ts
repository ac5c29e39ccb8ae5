/**
 * Ranges in an nft listing that the kernel checked (kernel 6.18, nft 1.0.6, two throwaway namespaces,
 * a counter on each rule, one ping, two TCP SYNs and one UDP datagram from 203.0.113.1; review19):
 * - a range of protocols (`ip protocol 1-6`, `meta l4proto 6-17`, also `{ 6-17 }`, which nft lists
 *   without braces, and `!= 1-6`) is compared as numbers, as for ports;
 * - nft 1.0.6 lists two comparisons written side by side, `A >= x` then `B <= y`, as the range `B x-y`,
 *   whatever the fields: `tcp sport >= 5000 tcp dport <= 80` as `tcp dport 5000-80`, `ip ttl >= 64
 *   ip protocol <= 6` as `ip protocol 64-6`, `icmpv6 type >= 128 icmpv6 code <= 0` as `icmpv6 code
 *   128-0`; the kernel runs the two comparisons (the SYN from port 40000 to 22 met `tcp dport 5000-80`,
 *   the ping `ip protocol 64-6`). When the first value is above the last the words cannot be a range:
 *   a warning, the rule undecided. When it is not (`icmp code >= 1 icmp type <= 3` listed `icmp type
 *   1-3`) the listing reads as a range and nothing can tell them apart.
 */
import { describe, expect, it } from "vitest";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { nftInputText, nftJsonInput, onlyInputRule } from "./helpers.ts";

/** What the kernel was sent: a ping (TTL 64), SYNs 40000 -> 22 and 40001 -> 7000, a datagram 40002 -> 53. */
const SENT: SimPacket[] = [
  { proto: "icmp", icmpType: 8, icmpCode: 0, icmpId: 1 },
  { proto: "tcp", sport: 40000, dport: 22, tcpFlags: ["SYN"] },
  { proto: "tcp", sport: 40001, dport: 7000, tcpFlags: ["SYN"] },
  { proto: "udp", sport: 40002, dport: 53 },
].map((l4) => ({
  v6: false,
  src: "203.0.113.1",
  dst: "203.0.113.2",
  ttl: 64,
  id: 1,
  len: 60,
  ipFlags: [],
  mark: 0,
  ...(l4 as Pick<SimPacket, "proto">),
}));

/** Per packet of SENT: whether `rule` matched (true, false or "unknown"). */
function decisions(rule: Rule): (boolean | "unknown")[] {
  return SENT.map((p) =>
    matchRule(rule, p, { bridged: false, ethType: "0x0800", addrType: () => "UNICAST" }),
  );
}

/** `rule` as nft lists it (text) and as nft -j does (`match`, one expression), read by the reader. */
function both(text: string, match: object) {
  return [
    onlyInputRule(nftInputText("inet", text), "t.nft"),
    onlyInputRule(nftJsonInput("inet", [[{ match }, { counter: { packets: 0, bytes: 0 } }]]), "t.json"),
  ];
}

const proto = { payload: { protocol: "ip", field: "protocol" } };
const l4proto = { meta: { key: "l4proto" } };

describe("a range of protocols", () => {
  const cases: [string, object, (boolean | "unknown")[]][] = [
    ["ip protocol 1-6", { op: "==", left: proto, right: { range: [1, 6] } }, [true, true, true, false]],
    ["meta l4proto 6-17", { op: "==", left: l4proto, right: { range: [6, 17] } }, [false, true, true, true]],
    ["ip protocol != 1-6", { op: "!=", left: proto, right: { range: [1, 6] } }, [false, false, false, true]],
  ];
  for (const [text, match, counted] of cases)
    it(`${text} is compared as numbers, as the kernel counted`, () => {
      for (const { rule, diagnostics } of both(text, match)) {
        expect(diagnostics).toEqual([]);
        expect(decisions(rule)).toEqual(counted);
      }
    });

  it("in a set too (`meta l4proto { 6-17 }` as written in a file)", () => {
    const { rule, diagnostics } = onlyInputRule(nftInputText("inet", "meta l4proto { 6-17 }"), "t.nft");
    expect(diagnostics).toEqual([]);
    expect(decisions(rule)).toEqual([false, true, true, true]);
  });
});

describe("nft 1.0.6's listing of two comparisons side by side", () => {
  // The want: undecided, but for what nft's implicit dependency (`meta l4proto tcp`) already rules out.
  const cases: [string, object, string, (boolean | "unknown")[]][] = [
    [
      "tcp dport 5000-80",
      { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: { range: [5000, 80] } },
      "tcp sport >= 5000 tcp dport <= 80",
      [false, "unknown", "unknown", false],
    ],
    [
      "ip protocol 64-6",
      { op: "==", left: proto, right: { range: [64, 6] } },
      "ip ttl >= 64 ip protocol <= 6",
      SENT.map(() => "unknown"),
    ],
  ];
  for (const [text, match, written, want] of cases)
    it(`'${text}' (from ${written}) is a warning and undecided, not an error or a range that matches nothing`, () => {
      for (const { rule, diagnostics } of both(text, match)) {
        expect(diagnostics).toHaveLength(1);
        expect(diagnostics[0]).toContain(`'${text}' is a range whose first value is above its last`);
        expect(diagnostics[0]).toContain("two comparisons written side by side");
        expect(decisions(rule)).toEqual(want);
      }
    });

  it("is said so for ICMPv6 as for ICMP (`icmpv6 code 128-0`, from icmpv6 type >= 128 icmpv6 code <= 0)", () => {
    const icmpv6 = { payload: { protocol: "icmpv6", field: "code" } };
    for (const { rule, diagnostics } of both("icmpv6 code 128-0", {
      op: "==",
      left: icmpv6,
      right: { range: [128, "no-route"] },
    })) {
      expect(diagnostics[0]).toContain("'icmpv6 code 128-0' is a range whose first value is above its last");
      expect(rule.conditions.at(-1)).toEqual({ kind: "unknown", text: "icmpv6 code 128-0", neg: false });
    }
  });
});
