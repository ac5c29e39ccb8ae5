/**
 * Every `tcp flags` form nft prints, and iptables' `--tcp-flags` / `--syn`, decided as the kernel decides
 * them. Checked on kernel 6.18 (nft 1.0.6, iptables-nft 1.8.9): the rules below (one counter each) loaded
 * with nft -f and iptables-nft in a throwaway namespace; one TCP segment per flag byte in `SENT`, built
 * with a raw socket, from 203.0.113.1 to 203.0.113.2:22 through a veth pair; after each, the counters
 * that moved. Each form is here as `nft list ruleset`, `nft -n list ruleset` and `nft -j list ruleset`
 * printed it back, with the bytes whose segment its counter counted.
 */
import { describe, expect, it } from "vitest";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { nftInputText, nftJsonInput, onlyInputRule } from "./helpers.ts";

/** The flag bytes sent, one segment each (0x40 is ECE, 0x80 CWR). */
const SENT = [
  0x00, 0x01, 0x02, 0x04, 0x10, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16, 0x29, 0x80, 0x40,
];

/** A form as nft lists it, as `nft -n` lists it, its `nft -j` match, and the bytes the kernel counted. */
type Form = [text: string, numeric: string, json: object, counted: number[]];

const FORMS: Form[] = [
  [
    "tcp flags syn",
    "tcp flags 0x2",
    { op: "in", left: { payload: { protocol: "tcp", field: "flags" } }, right: "syn" },
    [0x02, 0x12, 0x03, 0x06, 0x3f, 0x42, 0xc2, 0x16],
  ],
  [
    "tcp flags syn,ack",
    "tcp flags 0x2,0x10",
    { op: "in", left: { payload: { protocol: "tcp", field: "flags" } }, right: ["syn", "ack"] },
    [0x02, 0x10, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16],
  ],
  [
    "tcp flags syn / syn,ack",
    "tcp flags 0x2 / 0x2,0x10",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "ack"]] },
      right: "syn",
    },
    [0x02, 0x03, 0x06, 0x42, 0xc2],
  ],
  [
    "tcp flags syn,ack / syn,ack",
    "tcp flags 0x2,0x10 / 0x2,0x10",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "ack"]] },
      right: ["syn", "ack"],
    },
    [0x12, 0x3f, 0x16],
  ],
  [
    "tcp flags != syn / syn,ack",
    "tcp flags != 0x2 / 0x2,0x10",
    {
      op: "!=",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "ack"]] },
      right: "syn",
    },
    [0x00, 0x01, 0x04, 0x10, 0x12, 0x14, 0x11, 0x18, 0x3f, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags ! syn,ack",
    "tcp flags ! 0x2,0x10",
    { op: "!", left: { payload: { protocol: "tcp", field: "flags" } }, right: ["syn", "ack"] },
    [0x00, 0x01, 0x04, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags syn,ack / syn,rst,ack",
    "tcp flags 0x2,0x10 / 0x2,0x4,0x10",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "rst", "ack"]] },
      right: ["syn", "ack"],
    },
    [0x12],
  ],
  [
    "tcp flags != syn,ack / syn,rst,ack",
    "tcp flags != 0x2,0x10 / 0x2,0x4,0x10",
    {
      op: "!=",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "rst", "ack"]] },
      right: ["syn", "ack"],
    },
    [0x00, 0x01, 0x02, 0x04, 0x10, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags == syn",
    "tcp flags == 0x2",
    { op: "==", left: { payload: { protocol: "tcp", field: "flags" } }, right: "syn" },
    [0x02],
  ],
  [
    "tcp flags != syn",
    "tcp flags != 0x2",
    { op: "!=", left: { payload: { protocol: "tcp", field: "flags" } }, right: "syn" },
    [0x00, 0x01, 0x04, 0x10, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags == 0x12",
    "tcp flags == 0x12",
    { op: "==", left: { payload: { protocol: "tcp", field: "flags" } }, right: 18 },
    [0x12],
  ],
  [
    "tcp flags { syn | ack, syn }",
    "tcp flags { 0x2 | 0x10, 0x2 }",
    {
      op: "==",
      left: { payload: { protocol: "tcp", field: "flags" } },
      right: { set: [{ "|": ["syn", "ack"] }, "syn"] },
    },
    [0x02, 0x12],
  ],
  [
    "tcp flags != { syn, ack }",
    "tcp flags != { 0x2, 0x10 }",
    { op: "!=", left: { payload: { protocol: "tcp", field: "flags" } }, right: { set: ["syn", "ack"] } },
    [0x00, 0x01, 0x04, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags ! fin,syn,rst,psh,ack,urg",
    "tcp flags ! 0x1,0x2,0x4,0x8,0x10,0x20",
    {
      op: "!",
      left: { payload: { protocol: "tcp", field: "flags" } },
      right: ["fin", "syn", "rst", "psh", "ack", "urg"],
    },
    [0x00, 0x80, 0x40],
  ],
  [
    "tcp flags fin,syn,rst,psh,ack,urg / fin,syn,rst,psh,ack,urg",
    "tcp flags 0x1,0x2,0x4,0x8,0x10,0x20 / 0x1,0x2,0x4,0x8,0x10,0x20",
    {
      op: "==",
      left: {
        "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["fin", "syn", "rst", "psh", "ack", "urg"]],
      },
      right: ["fin", "syn", "rst", "psh", "ack", "urg"],
    },
    [0x3f],
  ],
  [
    "tcp flags != syn / fin,syn,rst,ack",
    "tcp flags != 0x2 / 0x1,0x2,0x4,0x10",
    {
      op: "!=",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["fin", "syn", "rst", "ack"]] },
      right: "syn",
    },
    [0x00, 0x01, 0x04, 0x10, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags & syn == syn",
    "tcp flags & 0x2 == 0x2",
    { op: "==", left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, "syn"] }, right: "syn" },
    [0x02, 0x12, 0x03, 0x06, 0x3f, 0x42, 0xc2, 0x16],
  ],
  [
    "tcp flags ! syn",
    "tcp flags ! 0x2",
    { op: "!", left: { payload: { protocol: "tcp", field: "flags" } }, right: "syn" },
    [0x00, 0x01, 0x04, 0x10, 0x14, 0x11, 0x18, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags ecn",
    "tcp flags 0x40",
    { op: "in", left: { payload: { protocol: "tcp", field: "flags" } }, right: "ecn" },
    [0x42, 0xc2, 0x40],
  ],
  [
    "tcp flags ack / syn,ack",
    "tcp flags 0x10 / 0x2,0x10",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "ack"]] },
      right: "ack",
    },
    [0x10, 0x14, 0x11, 0x18],
  ],
  [
    "tcp flags cwr",
    "tcp flags 0x80",
    { op: "in", left: { payload: { protocol: "tcp", field: "flags" } }, right: "cwr" },
    [0xc2, 0x80],
  ],
  [
    "tcp flags != 0x12",
    "tcp flags != 0x12",
    { op: "!=", left: { payload: { protocol: "tcp", field: "flags" } }, right: 18 },
    [0x00, 0x01, 0x02, 0x04, 0x10, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags fin,syn / fin,syn",
    "tcp flags 0x1,0x2 / 0x1,0x2",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["fin", "syn"]] },
      right: ["fin", "syn"],
    },
    [0x03, 0x3f],
  ],
  [
    "tcp flags syn,rst / syn,rst",
    "tcp flags 0x2,0x4 / 0x2,0x4",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "rst"]] },
      right: ["syn", "rst"],
    },
    [0x06, 0x3f, 0x16],
  ],
  [
    "tcp flags != ack",
    "tcp flags != 0x10",
    { op: "!=", left: { payload: { protocol: "tcp", field: "flags" } }, right: "ack" },
    [0x00, 0x01, 0x02, 0x04, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags syn,rst / syn,ack",
    "tcp flags 0x2,0x4 / 0x2,0x10",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "ack"]] },
      right: ["syn", "rst"],
    },
    [],
  ],
  [
    "tcp flags syn / fin,syn,rst,ack",
    "tcp flags 0x2 / 0x1,0x2,0x4,0x10",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["fin", "syn", "rst", "ack"]] },
      right: "syn",
    },
    [0x02, 0x42, 0xc2],
  ],
  [
    "tcp flags != syn / syn,rst",
    "tcp flags != 0x2 / 0x2,0x4",
    {
      op: "!=",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["syn", "rst"]] },
      right: "syn",
    },
    [0x00, 0x01, 0x04, 0x10, 0x14, 0x11, 0x06, 0x18, 0x3f, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags rst / fin,syn,rst,ack",
    "tcp flags 0x4 / 0x1,0x2,0x4,0x10",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["fin", "syn", "rst", "ack"]] },
      right: "rst",
    },
    [0x04],
  ],
  [
    "tcp flags syn,ack / syn",
    "tcp flags 0x2,0x10 / 0x2",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, "syn"] },
      right: ["syn", "ack"],
    },
    [],
  ],
  [
    "tcp flags fin,psh,urg / fin,syn,rst,psh,ack,urg",
    "tcp flags 0x1,0x8,0x20 / 0x1,0x2,0x4,0x8,0x10,0x20",
    {
      op: "==",
      left: {
        "&": [{ payload: { protocol: "tcp", field: "flags" } }, ["fin", "syn", "rst", "psh", "ack", "urg"]],
      },
      right: ["fin", "psh", "urg"],
    },
    [0x29],
  ],
  // Sets of exact values, masked or not (test/fixtures/simulate/nft-match-forms/record.sh checks them again).
  [
    "tcp flags & (fin | syn | rst | ack) == { syn | ack, syn }",
    "tcp flags & (0x1 | 0x2 | 0x4 | 0x10) == { 0x2 | 0x10, 0x2 }",
    {
      op: "==",
      left: {
        "&": [
          { payload: { protocol: "tcp", field: "flags" } },
          { "|": [{ "|": [{ "|": ["fin", "syn"] }, "rst"] }, "ack"] },
        ],
      },
      right: { set: [{ "|": ["syn", "ack"] }, "syn"] },
    },
    [0x02, 0x12, 0x42, 0xc2],
  ],
  [
    "tcp flags & (fin | syn | rst | ack) != { syn | ack, syn }",
    "tcp flags & (0x1 | 0x2 | 0x4 | 0x10) != { 0x2 | 0x10, 0x2 }",
    {
      op: "!=",
      left: {
        "&": [
          { payload: { protocol: "tcp", field: "flags" } },
          { "|": [{ "|": [{ "|": ["fin", "syn"] }, "rst"] }, "ack"] },
        ],
      },
      right: { set: [{ "|": ["syn", "ack"] }, "syn"] },
    },
    [0x00, 0x01, 0x04, 0x10, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags & (syn | ack) == { syn, ack }",
    "tcp flags & (0x2 | 0x10) == { 0x2, 0x10 }",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, { "|": ["syn", "ack"] }] },
      right: { set: ["syn", "ack"] },
    },
    [0x02, 0x10, 0x14, 0x11, 0x03, 0x06, 0x18, 0x42, 0xc2],
  ],
  [
    "tcp flags & (syn | ack) == { fin | syn, ack }",
    "tcp flags & (0x2 | 0x10) == { 0x1 | 0x2, 0x10 }",
    {
      op: "==",
      left: { "&": [{ payload: { protocol: "tcp", field: "flags" } }, { "|": ["syn", "ack"] }] },
      right: { set: [{ "|": ["fin", "syn"] }, "ack"] },
    },
    [0x10, 0x14, 0x11, 0x18],
  ],
  [
    "tcp flags != { 0x0, syn | ack }",
    "tcp flags != { 0x0, 0x2 | 0x10 }",
    {
      op: "!=",
      left: { payload: { protocol: "tcp", field: "flags" } },
      right: { set: [0, { "|": ["syn", "ack"] }] },
    },
    [0x01, 0x02, 0x04, 0x10, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x42, 0xc2, 0x16, 0x29, 0x80, 0x40],
  ],
  [
    "tcp flags & (syn | rst | ack) == { rst, ack }",
    "tcp flags & (0x2 | 0x4 | 0x10) == { 0x4, 0x10 }",
    {
      op: "==",
      left: {
        "&": [{ payload: { protocol: "tcp", field: "flags" } }, { "|": [{ "|": ["syn", "rst"] }, "ack"] }],
      },
      right: { set: ["rst", "ack"] },
    },
    [0x04, 0x10, 0x11, 0x18],
  ],
];

const NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];

/** A TCP segment to port 22 with the flags of `byte`. */
function segment(byte: number): SimPacket {
  return {
    src: "203.0.113.1",
    dst: "203.0.113.2",
    proto: "tcp",
    sport: 40000,
    dport: 22,
    tcpFlags: NAMES.filter((_, i) => byte & (1 << i)),
    ttl: 64,
    id: 1,
    len: 40,
    ipFlags: [],
    mark: 0,
  };
}

/** Per byte sent: whether the rule matched (true, false or "unknown"). */
function decisions(rule: Rule): (boolean | "unknown")[] {
  return SENT.map((b) =>
    matchRule(rule, segment(b), { bridged: false, ethType: "0x0800", addrType: () => "UNICAST" }),
  );
}

/** The kernel's decisions for `counted`. */
function kernel(counted: number[]): boolean[] {
  return SENT.map((b) => counted.includes(b));
}

function nftJson(match: object): string {
  return nftJsonInput("ip", [[{ match }, { counter: { packets: 0, bytes: 0 } }]]);
}

describe("tcp flags as the kernel counted them", () => {
  for (const [text, numeric, json, counted] of FORMS) {
    const want = kernel(counted);
    it(`${text} (nft list ruleset)`, () => {
      const { rule, diagnostics } = onlyInputRule(nftInputText("ip", text), "t.nft");
      expect(diagnostics).toEqual([]);
      expect(decisions(rule)).toEqual(want);
    });
    it(`${numeric} (nft -n list ruleset)`, () => {
      const { rule, diagnostics } = onlyInputRule(nftInputText("ip", numeric), "t.nft");
      expect(diagnostics).toEqual([]);
      expect(decisions(rule)).toEqual(want);
    });
    it(`${text} (nft -j list ruleset)`, () => {
      const { rule, diagnostics } = onlyInputRule(nftJson(json), "t.json");
      expect(diagnostics).toEqual([]);
      expect(decisions(rule)).toEqual(want);
    });
  }
});

/**
 * iptables' forms as iptables-nft-save printed them, with the bytes counted; `--syn`, `! --syn`, `ALL NONE`
 * and `ALL ALL` were loaded as written (iptables-nft-save prints them as their `--tcp-flags` twins above).
 */
const XT_FORMS: [string, number[]][] = [
  ["--tcp-flags SYN,ACK SYN", [0x02, 0x03, 0x06, 0x42, 0xc2]],
  [
    "! --tcp-flags FIN,SYN,RST,ACK SYN",
    [0x00, 0x01, 0x04, 0x10, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x16, 0x29, 0x80, 0x40],
  ],
  ["! --syn", [0x00, 0x01, 0x04, 0x10, 0x12, 0x14, 0x11, 0x03, 0x06, 0x18, 0x3f, 0x16, 0x29, 0x80, 0x40]],
  ["--tcp-flags FIN,SYN,RST,ACK SYN", [0x02, 0x42, 0xc2]],
  ["--syn", [0x02, 0x42, 0xc2]],
  ["--tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE", [0x00, 0x80, 0x40]],
  // iptables' ALL is the six flags it lists for it, not ECE and CWR: those segments are counted too.
  ["--tcp-flags ALL NONE", [0x00, 0x80, 0x40]],
  ["--tcp-flags ALL ALL", [0x3f]],
  ["--tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,SYN,RST,PSH,ACK,URG", [0x3f]],
  [
    "! --tcp-flags SYN,RST SYN",
    [0x00, 0x01, 0x04, 0x10, 0x14, 0x11, 0x06, 0x18, 0x3f, 0x16, 0x29, 0x80, 0x40],
  ],
  ["--tcp-flags FIN,SYN,RST,ACK RST", [0x04]],
  ["--tcp-flags SYN SYN,ACK", []],
  ["--tcp-flags FIN,SYN FIN,SYN", [0x03, 0x3f]],
  ["--tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,PSH,URG", [0x29]],
];

describe("iptables --tcp-flags as the kernel counted them", () => {
  for (const [flags, counted] of XT_FORMS) {
    it(flags, () => {
      const save = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp ${flags}\nCOMMIT\n`;
      const { rule, diagnostics } = onlyInputRule(save, "t.rules");
      expect(diagnostics).toEqual([]);
      expect(decisions(rule)).toEqual(kernel(counted));
    });
  }
});
