/**
 * What a REJECT answers with, by its type (iptables `--reject-with`, ip6tables' `icmp6-*`, nft
 * `reject with icmp|icmpv6|icmpx|tcp reset`), and when the kernel answers nothing (an ICMP error, a
 * broadcast, a RST, a tcp-reset for a packet that is not TCP).
 */
import { describe, expect, it } from "vitest";
import { rejectAnswer } from "../../../src/core/simulate/reject-answer.ts";

const echo = { proto: "icmp", dst: "198.51.100.10", icmpType: 8 };
const echo6 = { v6: true, proto: "icmpv6", dst: "2001:db8::10", icmpType: 128 };
const syn = { proto: "tcp", dst: "198.51.100.10", tcpFlags: ["SYN"] };

describe("rejectAnswer", () => {
  it("gives each iptables --reject-with its ICMP destination unreachable code (type 3), port unreachable by default", () => {
    const codes = Object.fromEntries(
      [
        "icmp-net-unreachable",
        "icmp-host-unreachable",
        "icmp-proto-unreachable",
        "icmp-port-unreachable",
        "icmp-net-prohibited",
        "icmp-host-prohibited",
        "icmp-admin-prohibited",
        "admin-prohib",
      ].map((w) => [w, rejectAnswer(w, echo)]),
    );
    expect(codes).toEqual({
      "icmp-net-unreachable": { answer: { kind: "icmp", type: 3, code: 0 } },
      "icmp-host-unreachable": { answer: { kind: "icmp", type: 3, code: 1 } },
      "icmp-proto-unreachable": { answer: { kind: "icmp", type: 3, code: 2 } },
      "icmp-port-unreachable": { answer: { kind: "icmp", type: 3, code: 3 } },
      "icmp-net-prohibited": { answer: { kind: "icmp", type: 3, code: 9 } },
      "icmp-host-prohibited": { answer: { kind: "icmp", type: 3, code: 10 } },
      "icmp-admin-prohibited": { answer: { kind: "icmp", type: 3, code: 13 } },
      "admin-prohib": { answer: { kind: "icmp", type: 3, code: 13 } },
    });
    expect(rejectAnswer(undefined, echo)).toEqual({ answer: { kind: "icmp", type: 3, code: 3 } });
  });

  it("gives ip6tables' icmp6-* their ICMPv6 codes (type 1), port unreachable (4) by default", () => {
    expect(
      ["icmp6-no-route", "icmp6-adm-prohibited", "icmp6-addr-unreachable", "icmp6-port-unreachable"].map(
        (w) => rejectAnswer(w, echo6),
      ),
    ).toEqual([0, 1, 3, 4].map((code) => ({ answer: { kind: "icmp", type: 1, code } })));
    expect(rejectAnswer(undefined, echo6)).toEqual({ answer: { kind: "icmp", type: 1, code: 4 } });
  });

  it("reads nft's reject forms: icmp [type] NAME, icmpv6, icmpx per family, a number, tcp reset", () => {
    expect(rejectAnswer("icmp type host-prohibited", echo)).toEqual({
      answer: { kind: "icmp", type: 3, code: 10 },
    });
    expect(rejectAnswer("icmp admin-prohibited", echo)).toEqual({
      answer: { kind: "icmp", type: 3, code: 13 },
    });
    expect(rejectAnswer("icmp 9", echo)).toEqual({ answer: { kind: "icmp", type: 3, code: 9 } });
    expect(rejectAnswer("icmpv6 type admin-prohibited", echo6)).toEqual({
      answer: { kind: "icmp", type: 1, code: 1 },
    });
    expect(rejectAnswer("icmpx admin-prohibited", echo)).toEqual({
      answer: { kind: "icmp", type: 3, code: 13 },
    });
    expect(rejectAnswer("icmpx admin-prohibited", echo6)).toEqual({
      answer: { kind: "icmp", type: 1, code: 1 },
    });
    expect(rejectAnswer("icmpx host-unreachable", echo6)).toEqual({
      answer: { kind: "icmp", type: 1, code: 3 },
    });
    // nft -n: icmpx's number is the kernel's enum (3: admin-prohibited), icmp's and icmpv6's the code.
    expect(rejectAnswer("icmpx 3", echo)).toEqual({ answer: { kind: "icmp", type: 3, code: 13 } });
    expect(rejectAnswer("icmpx 1", echo6)).toEqual({ answer: { kind: "icmp", type: 1, code: 4 } });
    expect(rejectAnswer("icmpv6 3", echo6)).toEqual({ answer: { kind: "icmp", type: 1, code: 3 } });
    expect(rejectAnswer("tcp reset", syn)).toEqual({ answer: { kind: "tcp-reset" } });
    expect(rejectAnswer("tcp-reset", syn)).toEqual({ answer: { kind: "tcp-reset" } });
  });

  it("answers nothing for an ICMP error, a broadcast, a RST, or a tcp-reset of a packet that is not TCP", () => {
    expect(rejectAnswer(undefined, { ...echo, icmpType: 3 })).toMatchObject({
      none: expect.stringMatching(/ICMP error/),
    });
    expect(rejectAnswer(undefined, { ...echo6, icmpType: 1 })).toMatchObject({ none: expect.any(String) });
    expect(rejectAnswer(undefined, { ...echo, dst: "255.255.255.255" })).toMatchObject({
      none: expect.any(String),
    });
    expect(rejectAnswer(undefined, { ...echo, pktType: "broadcast" })).toMatchObject({
      none: expect.any(String),
    });
    expect(rejectAnswer("tcp-reset", { ...syn, tcpFlags: ["RST"] })).toMatchObject({
      none: expect.any(String),
    });
    expect(rejectAnswer("tcp-reset", echo)).toMatchObject({ none: expect.any(String) });
    // A TCP segment is answered with an ICMP error unless the type says tcp-reset.
    expect(rejectAnswer(undefined, syn)).toEqual({ answer: { kind: "icmp", type: 3, code: 3 } });
  });
});
