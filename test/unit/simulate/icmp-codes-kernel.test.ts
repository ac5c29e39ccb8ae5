/**
 * `icmp code` and `icmpv6 code` in every form nft prints (names, numbers, `!=`, sets, ranges, with the type
 * and concatenated with it), and type ranges, decided as the kernel decides them. Checked on kernel 6.18 (nft 1.0.6): the
 * rules below (one counter each) loaded with nft -f into a table inet in a throwaway namespace; one ICMP
 * or ICMPv6 message per type and code in `SENT` ("family:type:code"), built with a raw socket, from
 * 203.0.113.1 / 2001:db8::1 to 203.0.113.2 / 2001:db8::2 through a veth pair; after each, the counters
 * that moved. Each form is here as `nft list ruleset`, `nft -n list ruleset` and `nft -j list ruleset`
 * printed it back, with the messages its counter counted.
 */
import { describe, expect, it } from "vitest";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { nftInputText, nftJsonInput, onlyInputRule } from "./helpers.ts";

/** The messages sent, one each, as family:type:code. */
const SENT = [
  "4:3:0",
  "4:3:1",
  "4:3:2",
  "4:3:3",
  "4:3:4",
  "4:3:5",
  "4:3:13",
  "4:8:0",
  "4:11:0",
  "4:11:1",
  "4:5:1",
  "4:12:2",
  "6:1:0",
  "6:1:1",
  "6:1:2",
  "6:1:4",
  "6:1:6",
  "6:128:0",
  "6:130:0",
  "6:3:0",
  "6:3:1",
  "6:2:0",
];

/** A form as nft lists it, as `nft -n` lists it, its `nft -j` expressions, and the messages the kernel counted. */
type Form = [text: string, numeric: string, json: object[], counted: string[]];

const FORMS: Form[] = [
  [
    "icmp code port-unreachable",
    "icmp code 3",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: "port-unreachable",
        },
      },
    ],
    ["4:3:3"],
  ],
  [
    "icmp code != port-unreachable",
    "icmp code != 3",
    [
      {
        match: {
          op: "!=",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: "port-unreachable",
        },
      },
    ],
    ["4:3:0", "4:3:1", "4:3:2", "4:3:4", "4:3:5", "4:3:13", "4:8:0", "4:11:0", "4:11:1", "4:5:1", "4:12:2"],
  ],
  [
    "icmp code { net-unreachable, port-unreachable }",
    "icmp code { 0, 3 }",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: { set: ["net-unreachable", "port-unreachable"] },
        },
      },
    ],
    ["4:3:0", "4:3:3", "4:8:0", "4:11:0"],
  ],
  [
    "icmp code != { net-unreachable, port-unreachable }",
    "icmp code != { 0, 3 }",
    [
      {
        match: {
          op: "!=",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: { set: ["net-unreachable", "port-unreachable"] },
        },
      },
    ],
    ["4:3:1", "4:3:2", "4:3:4", "4:3:5", "4:3:13", "4:11:1", "4:5:1", "4:12:2"],
  ],
  [
    "icmp code 1-3",
    "icmp code 1-3",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: { range: ["host-unreachable", "port-unreachable"] },
        },
      },
    ],
    ["4:3:1", "4:3:2", "4:3:3", "4:11:1", "4:5:1", "4:12:2"],
  ],
  [
    "icmp code { 1-3, admin-prohibited }",
    "icmp code { 1-3, 13 }",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: { set: [{ range: ["host-unreachable", "port-unreachable"] }, "admin-prohibited"] },
        },
      },
    ],
    ["4:3:1", "4:3:2", "4:3:3", "4:3:13", "4:11:1", "4:5:1", "4:12:2"],
  ],
  [
    "icmp code 5",
    "icmp code 5",
    [{ match: { op: "==", left: { payload: { protocol: "icmp", field: "code" } }, right: 5 } }],
    ["4:3:5"],
  ],
  [
    "icmp code > prot-unreachable",
    "icmp code > 2",
    [
      {
        match: { op: ">", left: { payload: { protocol: "icmp", field: "code" } }, right: "prot-unreachable" },
      },
    ],
    ["4:3:3", "4:3:4", "4:3:5", "4:3:13"],
  ],
  [
    "icmp code net-unreachable",
    "icmp code 0",
    [
      {
        match: { op: "==", left: { payload: { protocol: "icmp", field: "code" } }, right: "net-unreachable" },
      },
    ],
    ["4:3:0", "4:8:0", "4:11:0"],
  ],
  [
    "icmp type destination-unreachable icmp code frag-needed",
    "icmp type 3 icmp code 4",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "type" } },
          right: "destination-unreachable",
        },
      },
      { match: { op: "==", left: { payload: { protocol: "icmp", field: "code" } }, right: "frag-needed" } },
    ],
    ["4:3:4"],
  ],
  [
    "icmp type . icmp code { echo-request . net-unreachable, destination-unreachable . port-unreachable }",
    "icmp type . icmp code { 8 . 0, 3 . 3 }",
    [
      {
        match: {
          op: "==",
          left: {
            concat: [
              { payload: { protocol: "icmp", field: "type" } },
              { payload: { protocol: "icmp", field: "code" } },
            ],
          },
          right: {
            set: [
              { concat: ["echo-request", "net-unreachable"] },
              { concat: ["destination-unreachable", "port-unreachable"] },
            ],
          },
        },
      },
    ],
    ["4:3:3", "4:8:0"],
  ],
  [
    "icmp code 4-13",
    "icmp code 4-13",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: { range: ["frag-needed", "admin-prohibited"] },
        },
      },
    ],
    ["4:3:4", "4:3:5", "4:3:13"],
  ],
  [
    "icmp code != 1-3",
    "icmp code != 1-3",
    [
      {
        match: {
          op: "!=",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: { range: ["host-unreachable", "port-unreachable"] },
        },
      },
    ],
    ["4:3:0", "4:3:4", "4:3:5", "4:3:13", "4:8:0", "4:11:0"],
  ],
  [
    "icmp code 0-3",
    "icmp code 0-3",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: { range: ["net-unreachable", "port-unreachable"] },
        },
      },
    ],
    ["4:3:0", "4:3:1", "4:3:2", "4:3:3", "4:8:0", "4:11:0", "4:11:1", "4:5:1", "4:12:2"],
  ],
  [
    "icmpv6 code port-unreachable",
    "icmpv6 code 4",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "code" } },
          right: "port-unreachable",
        },
      },
    ],
    ["6:1:4"],
  ],
  [
    "icmpv6 code no-route",
    "icmpv6 code 0",
    [{ match: { op: "==", left: { payload: { protocol: "icmpv6", field: "code" } }, right: "no-route" } }],
    ["6:1:0", "6:128:0", "6:130:0", "6:3:0", "6:2:0"],
  ],
  [
    "icmpv6 code != no-route",
    "icmpv6 code != 0",
    [{ match: { op: "!=", left: { payload: { protocol: "icmpv6", field: "code" } }, right: "no-route" } }],
    ["6:1:1", "6:1:2", "6:1:4", "6:1:6", "6:3:1"],
  ],
  [
    "icmpv6 code { no-route, port-unreachable }",
    "icmpv6 code { 0, 4 }",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "code" } },
          right: { set: ["no-route", "port-unreachable"] },
        },
      },
    ],
    ["6:1:0", "6:1:4", "6:128:0", "6:130:0", "6:3:0", "6:2:0"],
  ],
  [
    "icmpv6 code 1-4",
    "icmpv6 code 1-4",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "code" } },
          right: { range: ["admin-prohibited", "port-unreachable"] },
        },
      },
    ],
    ["6:1:1", "6:1:2", "6:1:4", "6:3:1"],
  ],
  [
    "icmpv6 code 2",
    "icmpv6 code 2",
    [{ match: { op: "==", left: { payload: { protocol: "icmpv6", field: "code" } }, right: 2 } }],
    ["6:1:2"],
  ],
  [
    "icmpv6 code 0-1",
    "icmpv6 code 0-1",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "code" } },
          right: { range: ["no-route", "admin-prohibited"] },
        },
      },
    ],
    ["6:1:0", "6:1:1", "6:128:0", "6:130:0", "6:3:0", "6:3:1", "6:2:0"],
  ],
  [
    "icmpv6 type . icmpv6 code { mld-listener-query . no-route, destination-unreachable . port-unreachable }",
    "icmpv6 type . icmpv6 code { 130 . 0, 1 . 4 }",
    [
      {
        match: {
          op: "==",
          left: {
            concat: [
              { payload: { protocol: "icmpv6", field: "type" } },
              { payload: { protocol: "icmpv6", field: "code" } },
            ],
          },
          right: {
            set: [
              { concat: ["mld-listener-query", "no-route"] },
              { concat: ["destination-unreachable", "port-unreachable"] },
            ],
          },
        },
      },
    ],
    ["6:1:4", "6:130:0"],
  ],
  [
    "icmpv6 type destination-unreachable icmpv6 code port-unreachable",
    "icmpv6 type 1 icmpv6 code 4",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "type" } },
          right: "destination-unreachable",
        },
      },
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "code" } },
          right: "port-unreachable",
        },
      },
    ],
    ["6:1:4"],
  ],
];

/**
 * Comparisons other than equality (`<`, `>`, `<=`, `>=`: the header's byte compared as a number) and
 * `!=` against a set of types, checked the same way with the messages of `SENT` (the neighbours fixed
 * both ways first: no neighbour solicitation among them). test/fixtures/simulate/nft-match-forms/record.sh
 * sends them again.
 */
const COMPARE_FORMS: Form[] = [
  [
    "icmp code > net-unreachable",
    "icmp code > 0",
    [
      {
        match: { op: ">", left: { payload: { protocol: "icmp", field: "code" } }, right: "net-unreachable" },
      },
    ],
    ["4:3:1", "4:3:2", "4:3:3", "4:3:4", "4:3:5", "4:3:13", "4:11:1", "4:5:1", "4:12:2"],
  ],
  [
    "icmp code >= port-unreachable",
    "icmp code >= 3",
    [
      {
        match: {
          op: ">=",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: "port-unreachable",
        },
      },
    ],
    ["4:3:3", "4:3:4", "4:3:5", "4:3:13"],
  ],
  [
    "icmp code < prot-unreachable",
    "icmp code < 2",
    [
      {
        match: { op: "<", left: { payload: { protocol: "icmp", field: "code" } }, right: "prot-unreachable" },
      },
    ],
    ["4:3:0", "4:3:1", "4:8:0", "4:11:0", "4:11:1", "4:5:1"],
  ],
  [
    "icmp code <= host-unreachable",
    "icmp code <= 1",
    [
      {
        match: {
          op: "<=",
          left: { payload: { protocol: "icmp", field: "code" } },
          right: "host-unreachable",
        },
      },
    ],
    ["4:3:0", "4:3:1", "4:8:0", "4:11:0", "4:11:1", "4:5:1"],
  ],
  [
    "icmp type > echo-request",
    "icmp type > 8",
    [{ match: { op: ">", left: { payload: { protocol: "icmp", field: "type" } }, right: "echo-request" } }],
    ["4:11:0", "4:11:1", "4:12:2"],
  ],
  [
    "icmp type < echo-request",
    "icmp type < 8",
    [{ match: { op: "<", left: { payload: { protocol: "icmp", field: "type" } }, right: "echo-request" } }],
    ["4:3:0", "4:3:1", "4:3:2", "4:3:3", "4:3:4", "4:3:5", "4:3:13", "4:5:1"],
  ],
  [
    "icmp type >= time-exceeded",
    "icmp type >= 11",
    [{ match: { op: ">=", left: { payload: { protocol: "icmp", field: "type" } }, right: "time-exceeded" } }],
    ["4:11:0", "4:11:1", "4:12:2"],
  ],
  [
    "icmp type <= destination-unreachable",
    "icmp type <= 3",
    [
      {
        match: {
          op: "<=",
          left: { payload: { protocol: "icmp", field: "type" } },
          right: "destination-unreachable",
        },
      },
    ],
    ["4:3:0", "4:3:1", "4:3:2", "4:3:3", "4:3:4", "4:3:5", "4:3:13"],
  ],
  [
    "icmp type != { echo-reply, echo-request }",
    "icmp type != { 0, 8 }",
    [
      {
        match: {
          op: "!=",
          left: { payload: { protocol: "icmp", field: "type" } },
          right: { set: ["echo-reply", "echo-request"] },
        },
      },
    ],
    ["4:3:0", "4:3:1", "4:3:2", "4:3:3", "4:3:4", "4:3:5", "4:3:13", "4:11:0", "4:11:1", "4:5:1", "4:12:2"],
  ],
  [
    "icmpv6 code > no-route",
    "icmpv6 code > 0",
    [{ match: { op: ">", left: { payload: { protocol: "icmpv6", field: "code" } }, right: "no-route" } }],
    ["6:1:1", "6:1:2", "6:1:4", "6:1:6", "6:3:1"],
  ],
  [
    "icmpv6 code >= addr-unreachable",
    "icmpv6 code >= 3",
    [
      {
        match: {
          op: ">=",
          left: { payload: { protocol: "icmpv6", field: "code" } },
          right: "addr-unreachable",
        },
      },
    ],
    ["6:1:4", "6:1:6"],
  ],
  [
    "icmpv6 code < port-unreachable",
    "icmpv6 code < 4",
    [
      {
        match: {
          op: "<",
          left: { payload: { protocol: "icmpv6", field: "code" } },
          right: "port-unreachable",
        },
      },
    ],
    ["6:1:0", "6:1:1", "6:1:2", "6:128:0", "6:130:0", "6:3:0", "6:3:1", "6:2:0"],
  ],
  [
    "icmpv6 type < echo-request",
    "icmpv6 type < 128",
    [{ match: { op: "<", left: { payload: { protocol: "icmpv6", field: "type" } }, right: "echo-request" } }],
    ["6:1:0", "6:1:1", "6:1:2", "6:1:4", "6:1:6", "6:3:0", "6:3:1", "6:2:0"],
  ],
  [
    "icmpv6 type > echo-request",
    "icmpv6 type > 128",
    [{ match: { op: ">", left: { payload: { protocol: "icmpv6", field: "type" } }, right: "echo-request" } }],
    ["6:130:0"],
  ],
  [
    "icmpv6 type != { echo-request, mld-listener-query }",
    "icmpv6 type != { 128, 130 }",
    [
      {
        match: {
          op: "!=",
          left: { payload: { protocol: "icmpv6", field: "type" } },
          right: { set: ["echo-request", "mld-listener-query"] },
        },
      },
    ],
    ["6:1:0", "6:1:1", "6:1:2", "6:1:4", "6:1:6", "6:3:0", "6:3:1", "6:2:0"],
  ],
];

/** The message `sent` ("4:3:3") as the simulator carries it. */
function message(sent: string): SimPacket {
  const [family, type, code] = sent.split(":");
  const v6 = family === "6";
  return {
    v6,
    src: v6 ? "2001:db8::1" : "203.0.113.1",
    dst: v6 ? "2001:db8::2" : "203.0.113.2",
    proto: v6 ? "icmpv6" : "icmp",
    icmpType: Number(type),
    icmpCode: Number(code),
    ttl: 64,
    id: 1,
    len: 60,
    ipFlags: [],
    mark: 0,
  };
}

/** Per message of `sent`: whether the rule matched (true, false or "unknown"). */
function decisions(rule: Rule, sent: string[]): (boolean | "unknown")[] {
  return sent.map((s) =>
    matchRule(rule, message(s), {
      bridged: false,
      ethType: s.startsWith("6") ? "0x86dd" : "0x0800",
      addrType: () => "UNICAST",
    }),
  );
}

/** Each form of `forms` in its three listings, decided for each message of `sent` as the kernel counted. */
function checkForms(forms: Form[], sent: string[]): void {
  for (const [text, numeric, json, counted] of forms) {
    const want = sent.map((s) => counted.includes(s));
    it(`${text} (nft list ruleset)`, () => {
      const { rule, diagnostics } = onlyInputRule(nftInputText("inet", text), "t.nft");
      expect(diagnostics).toEqual([]);
      expect(decisions(rule, sent)).toEqual(want);
    });
    it(`${numeric} (nft -n list ruleset)`, () => {
      expect(decisions(onlyInputRule(nftInputText("inet", numeric), "t.nft").rule, sent)).toEqual(want);
    });
    it(`${text} (nft -j list ruleset)`, () => {
      const { rule, diagnostics } = onlyInputRule(
        nftJsonInput("inet", [[...json, { counter: { packets: 0, bytes: 0 } }]]),
        "t.json",
      );
      expect(diagnostics).toEqual([]);
      expect(decisions(rule, sent)).toEqual(want);
    });
  }
}

describe("icmp and icmpv6 codes as the kernel counted them", () => {
  checkForms(FORMS, SENT);
});

describe("icmp and icmpv6 types and codes compared, as the kernel counted them", () => {
  checkForms(COMPARE_FORMS, SENT);
});

/**
 * Type ranges, as nft prints them (numbers in text, names in nft -j), checked the same way with the
 * messages of `TYPES_SENT`. The neighbour solicitation the sender sent before its first ICMPv6 message
 * was counted too (by the nd-neighbor-solicit rule): left out here.
 */
const TYPES_SENT = [
  "4:0:0",
  "4:3:3",
  "4:4:0",
  "4:5:1",
  "4:8:0",
  "4:11:0",
  "4:13:0",
  "6:1:4",
  "6:2:0",
  "6:4:0",
  "6:128:0",
  "6:129:0",
  "6:135:0",
  "6:3:0",
];

const TYPE_FORMS: Form[] = [
  [
    "icmp type 0-8",
    "icmp type 0-8",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "type" } },
          right: { range: ["echo-reply", "echo-request"] },
        },
      },
    ],
    ["4:0:0", "4:3:3", "4:4:0", "4:5:1", "4:8:0"],
  ],
  [
    "icmp type != 3-5",
    "icmp type != 3-5",
    [
      {
        match: {
          op: "!=",
          left: { payload: { protocol: "icmp", field: "type" } },
          right: { range: ["destination-unreachable", "redirect"] },
        },
      },
    ],
    ["4:0:0", "4:8:0", "4:11:0", "4:13:0"],
  ],
  [
    "icmp type { 3-5, echo-request }",
    "icmp type { 3-5, 8 }",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmp", field: "type" } },
          right: { set: [{ range: ["destination-unreachable", "redirect"] }, "echo-request"] },
        },
      },
    ],
    ["4:3:3", "4:4:0", "4:5:1", "4:8:0"],
  ],
  [
    "icmpv6 type 1-4",
    "icmpv6 type 1-4",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "type" } },
          right: { range: ["destination-unreachable", "parameter-problem"] },
        },
      },
    ],
    ["6:1:4", "6:2:0", "6:4:0", "6:3:0"],
  ],
  [
    "icmpv6 type { 128-129, nd-neighbor-solicit }",
    "icmpv6 type { 128-129, 135 }",
    [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "icmpv6", field: "type" } },
          right: { set: [{ range: ["echo-request", "echo-reply"] }, "nd-neighbor-solicit"] },
        },
      },
    ],
    ["6:128:0", "6:129:0", "6:135:0"],
  ],
];

describe("icmp and icmpv6 type ranges as the kernel counted them", () => {
  checkForms(TYPE_FORMS, TYPES_SENT);
});
