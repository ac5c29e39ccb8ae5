/**
 * nft match forms read as the kernel decides them (kernel 6.18, nft 1.0.6; the fixture
 * test/fixtures/simulate/nft-match-forms and its record.sh): a set of exact `tcp flags` values, ICMP types
 * and codes compared with `<`, `>`, `<=`, `>=`, and concatenations of the connection's addresses, which
 * nft refuses with a connection's port (`ct original proto-dst`). Here: what the reader makes of each,
 * as written in a file and as listed; the matcher on a connection NAT rewrote and on an IPv6 one; the
 * rule notes in both languages. The packets each form matches are in tcp-flags-kernel.test.ts and
 * icmp-codes-kernel.test.ts.
 */
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { nftInputText, nftJsonInput, onlyInputRule, textWorld } from "./helpers.ts";

/** The conditions the reader makes of `rule` in an inet input chain, with its diagnostics. */
function read(rule: string) {
  const { rule: r, diagnostics } = onlyInputRule(nftInputText("inet", rule), "t.nft");
  return { conditions: r.conditions, diagnostics };
}

describe("the reader", () => {
  it("reads a masked set of flag values as written in a file (`&` mask, no `==`, no spaces around `|`)", () => {
    expect(read("tcp flags & (fin|syn|rst|ack) { syn, syn|ack }")).toEqual({
      conditions: [
        { kind: "proto", proto: "tcp", neg: false },
        {
          kind: "tcp-flags",
          mask: ["FIN", "SYN", "RST", "ACK"],
          set: [],
          neg: false,
          values: [["SYN"], ["SYN", "ACK"]],
        },
      ],
      diagnostics: [],
    });
  });

  it("reads `!=` against a set of whole flag bytes, nft -n's `0x0` as no flag", () => {
    const { conditions } = read("tcp flags != { 0x0, syn | ack }");
    expect(conditions[1]).toEqual({
      kind: "tcp-flags",
      mask: ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"],
      set: [],
      neg: true,
      values: [[], ["SYN", "ACK"]],
    });
  });

  it("refuses `tcp flags ! { ... }` where it is, as nft 1.0.6 does (test/fixtures/tcp-flags-sets)", () => {
    const { diagnostics } = parseRulesetFile(nftInputText("inet", "tcp flags ! { syn, ack }"), "t.nft");
    expect(diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity}`)).toEqual([
      "4:3 error",
    ]);
    expect(diagnostics[0]?.message).toContain("negation can only be used with singleton bitmask values");
  });

  it("reads an ICMP comparison as the range of values it leaves, by name or number", () => {
    const range = (text: string) => read(text).conditions[1];
    expect(range("icmp code > net-unreachable")).toEqual({
      kind: "nft-set",
      key: "icmp code",
      elements: [{ kind: "range", lo: "1", hi: "255" }],
      neg: false,
    });
    expect(range("icmpv6 type <= 127")).toEqual({
      kind: "nft-set",
      key: "icmpv6 type",
      elements: [{ kind: "range", lo: "0", hi: "127" }],
      neg: false,
    });
    // Nothing is below 0 (nft accepts it; kernel 6.18 counted no message): an empty range never matches.
    expect(range("icmp code < net-unreachable")).toEqual({
      kind: "nft-set",
      key: "icmp code",
      elements: [{ kind: "range", lo: "0", hi: "255" }],
      neg: true,
    });
  });

  it("leaves nft 1.0.6's `icmp code 8-0` (its listing of `icmp type >= 8 icmp code <= 0`) undecided, not matching nothing", () => {
    // Kernel 6.18 counted types 8 and 11 with code 0 for it (record.sh, forms.nft's last rule).
    for (const rule of [
      nftInputText("inet", "icmp code 8-0"),
      nftJsonInput("inet", [
        [
          {
            match: {
              op: "==",
              left: { payload: { protocol: "icmp", field: "code" } },
              right: { range: [8, "net-unreachable"] },
            },
          },
        ],
      ]),
    ]) {
      const { rule: r, diagnostics } = onlyInputRule(rule, rule.startsWith("{") ? "t.json" : "t.nft");
      expect(diagnostics).toEqual([
        "'icmp code 8-0' is a range whose first value is above its last: nft 1.0.6 lists two comparisons of the ICMP type and code written side by side (icmp type >= 8 icmp code <= 0) so; not modelled",
      ]);
      expect(r.conditions.at(-1)).toEqual({ kind: "unknown", text: "icmp code 8-0", neg: false });
    }
  });

  it("reads a concatenation of the connection's addresses with its mark or the packet's port as one set match", () => {
    expect(read("ct mark . ct original ip saddr { 0x00000001 . 10.0.0.1 }").conditions).toEqual([
      {
        kind: "nft-set",
        key: "ct mark",
        elements: [
          {
            kind: "concat",
            parts: [
              { kind: "value", value: "0x00000001" },
              { kind: "value", value: "10.0.0.1" },
            ],
          },
        ],
        neg: false,
        concat: ["ct mark", "ct original ip saddr"],
      },
    ]);
    const [c] = read("ct reply ip6 saddr . tcp dport != { 2001:db8::2 . 22 }").conditions;
    expect(c).toMatchObject({ kind: "nft-set", neg: true, concat: ["ct reply ip6 saddr", "tcp dport"] });
  });

  it("says where nft refuses a connection's port in a concatenation, and drops the rule", () => {
    const text = nftInputText(
      "inet",
      "tcp dport 22 ct original ip saddr . ct original proto-dst { 10.0.0.1 . 22 } accept",
    );
    const rs = parseRulesetFile(text, "t.nft");
    expect(rs.diagnostics).toEqual([
      {
        severity: "error",
        message:
          "nft refuses 'ct original proto-dst' in a concatenation: its size depends on the protocol (\"can not use variable sized data types (invalid) in concat expressions\")",
        hint: "match it on its own (ct original proto-dst 22), or concatenate the packet's port (tcp dport) instead",
        position: { file: "t.nft", line: 4, column: 39 },
      },
    ]);
    expect([...(rs.nft?.[0]?.chains.values() ?? [])].flatMap((c) => c.rules)).toEqual([]);
    // First in the concatenation, or after a packet field, it is refused alike.
    for (const rule of [
      "ct reply proto-src . ct reply ip saddr { 22 . 10.0.0.1 }",
      "ip saddr . ct original proto-dst { 10.0.0.1 . 22 }",
    ])
      expect(
        parseRulesetFile(nftInputText("inet", rule), "t.nft").diagnostics.map((d) => d.severity),
      ).toEqual(["error"]);
  });
});

describe("the matcher", () => {
  /** The docker-bridge lab with 8080 published to c1:80 (nft DNAT) and `forward` in a filter forward chain. */
  function fate(forward: string): string | undefined {
    const text = `table ip t {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 8080 dnat to 172.17.0.2:80
	}
	chain fwdc {
		type filter hook forward priority filter; policy accept;
		${forward}
	}
}
`;
    const w = textWorld(text);
    expect(w.ruleset.diagnostics).toEqual([]);
    const p = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 }).packets[0];
    expect(p?.unmodelled).toEqual([]);
    return p?.fate.kind === "delivered" ? p.fate.host : p?.fate.kind;
  }

  it("reads the original tuple before the DNAT and the reply tuple from its target", () => {
    expect(fate("ct original ip daddr . ct reply ip saddr { 203.0.113.2 . 172.17.0.2 } drop")).toBe(
      "dropped",
    );
    expect(fate("ct original ip daddr . ct reply ip saddr { 203.0.113.2 . 203.0.113.2 } drop")).toBe("c1");
    expect(fate("ct reply ip saddr . ct reply ip daddr != { 172.17.0.2 . 203.0.113.1 } drop")).toBe("c1");
    expect(fate("ct original ip saddr . tcp dport { 203.0.113.1 . 80 } drop")).toBe("dropped");
  });

  /** A TCP SYN of an IPv6 connection from 2001:db8::1 to 2001:db8::2 (as record.sh's section 4 sent). */
  const v6: SimPacket = {
    v6: true,
    src: "2001:db8::1",
    dst: "2001:db8::2",
    proto: "tcp",
    sport: 40000,
    dport: 7301,
    tcpFlags: ["SYN"],
    ttl: 64,
    id: 1,
    len: 80,
    ipFlags: [],
    mark: 0,
    ct: {
      entry: {
        id: 1,
        orig: { proto: "tcp", src: "2001:db8::1", dst: "2001:db8::2", sport: 40000, dport: 7301 },
        seenReply: false,
      },
      dir: "original",
      state: "NEW",
    },
  };
  const ctx = { bridged: false, ethType: "0x86dd", addrType: () => "UNICAST" };
  const decide = (rule: string) =>
    matchRule(onlyInputRule(nftInputText("inet", rule), "t.nft").rule, v6, ctx);

  it("ends the rule at an IPv4 address of an IPv6 connection, negated or not (kernel 6.18: 7301 delivered)", () => {
    expect(decide("ct original ip saddr . ct original ip daddr != { 192.0.2.1 . 192.0.2.2 }")).toBe(false);
    expect(decide("ct original ip6 saddr . ct original ip6 daddr { 2001:db8::1 . 2001:db8::2 }")).toBe(true);
    expect(decide("ct original ip6 saddr . ct original ip6 daddr != { 2001:db8::1 . 2001:db8::2 }")).toBe(
      false,
    );
  });
});

describe("the rule notes", () => {
  it("say a set of flag values, and a value the mask can never show", () => {
    expect(explainNftRule("tcp flags & (syn | ack) == { fin | syn, ack } drop")).toMatchObject({
      en: "of the TCP flags SYN, ACK, those set are exactly one of: FIN, SYN (never: outside the mask); ACK: drop (final: the packet ends here)",
      "zh-TW":
        "TCP 旗標 SYN、ACK 之中，有設的剛好是下列之一：FIN、SYN（永遠不符合：超出遮罩）；ACK：丟棄（最終結果：封包到此為止）",
    });
    expect(explainNftRule("tcp flags != { 0x0, syn | ack } accept")).toMatchObject({
      en: "the TCP flags are not exactly any of: none; SYN, ACK: accept (ends this base chain only)",
      "zh-TW": "TCP 旗標不是下列任何一組：都沒有；SYN、ACK：接受（只結束這個 base chain）",
    });
  });

  it("say an ICMP comparison as the range it leaves", () => {
    expect(explainNftRule("icmp type < echo-request accept")).toMatchObject({
      en: "the ICMP type is 0-7: accept (ends this base chain only)",
      "zh-TW": "ICMP 類型是 0-7：接受（只結束這個 base chain）",
      unknown: [],
    });
  });

  it("say a concatenation of the connection's addresses, and where a packet without one ends the rule", () => {
    const note = explainNftRule(
      "ct original ip saddr . ct reply ip daddr { 203.0.113.1 . 203.0.113.1 } drop",
    );
    expect(note.en).toBe(
      "the combination the connection's original source address (before NAT) . the destination address of the connection's replies is 203.0.113.1 . 203.0.113.1 (a packet without a connection, e.g. untracked, ends the rule at 'ct original ip saddr': no match, nothing after it runs): drop (final: the packet ends here)",
    );
    expect(note["zh-TW"]).toBe(
      "組合 連線原本（NAT 之前）的來源位址 . 連線回覆封包的目的位址是 203.0.113.1 . 203.0.113.1（沒有連線的封包（例如未追蹤）在「ct original ip saddr」就結束這條規則：不符合，之後的都不執行）：丟棄（最終結果：封包到此為止）",
    );
  });
});

describe("a quoted address", () => {
  // nft 1.0.6 (`nft -c`) took the quoted address and refused the quoted prefix, at the define and at the literal.
  it("that is a prefix is refused: nft resolves it as a host name", () => {
    const r = parseNftRuleset(
      'define LAN = "172.17.0.0/16"\ndefine ONE = "203.0.113.2"\ntable ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip saddr $LAN drop\n\t\tip daddr $ONE drop\n\t\tip saddr "10.0.0.0/8" drop\n\t}\n}\n',
    );
    expect(r.diagnostics.map((d) => `${d.severity} ${d.position.line} ${d.message.split(":")[0]}`)).toEqual([
      'error 6 "172.17.0.0/16" is quoted',
      'error 8 "10.0.0.0/8" is quoted',
    ]);
  });

  it("that is a host name, dashes and all, is not taken for a prefix or range", () => {
    const r = parseNftRuleset(
      'table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip daddr "db-1.lan" drop\n\t\tip daddr "cafe-gw" drop\n\t}\n}\n',
    );
    expect(r.diagnostics.map((d) => d.message).filter((m) => m.includes("is quoted"))).toEqual([]);
  });
});

describe("tcp flags compared with a number", () => {
  // nft 1.0.6 loaded each (`unshare -n nft -f`, then `nft list ruleset` and `nft --debug=netlink`): it listed
  //   tcp flags & syn == 0         as  tcp flags ! syn          (bitwise & 0x02, cmp eq 0x00)
  //   tcp flags & syn != 0         as  tcp flags syn            (bitwise & 0x02, cmp neq 0x00)
  //   tcp flags & (syn|ack) == 0   as  tcp flags ! syn,ack      (bitwise & 0x12, cmp eq 0x00)
  //   tcp flags & (fin|syn) == 0   as  tcp flags ! fin,syn      (bitwise & 0x03, cmp eq 0x00)
  //   tcp flags == 18              as  tcp flags == 0x12
  //   tcp flags 18                 as  tcp flags syn,ack        (bitwise & 0x12, cmp neq 0x00)
  //   tcp flags 0                  as  tcp flags 0x0            (bitwise & 0x00, cmp neq 0x00: never)
  // The reader left the decimal forms unmodelled (`& syn == 2` it read, the number being syn's).
  it.each([
    ["tcp flags & syn == 0", "tcp flags ! syn"],
    ["tcp flags & syn != 0", "tcp flags syn"],
    ["tcp flags & (syn|ack) == 0", "tcp flags ! syn,ack"],
    ["tcp flags & (fin|syn) == 0", "tcp flags ! fin,syn"],
    ["tcp flags == 18", "tcp flags == 0x12"],
    ["tcp flags 18", "tcp flags syn,ack"],
    ["tcp flags 0", "tcp flags 0x0"],
  ])("reads '%s' as nft's listing '%s'", (written, listed) => {
    const got = read(written);
    expect(got.diagnostics).toEqual([]);
    expect(got.conditions).toEqual(read(listed).conditions);
    expect(got.conditions.some((c) => c.kind === "tcp-flags")).toBe(true);
  });
});

describe("'!' apart from '='", () => {
  // nft 1.0.6 -c -f refused each, the rule on line 4 from column 3 (nftInputText), at the second operator:
  //   tcp flags ! = syn     4:15-15: Error: syntax error, unexpected '='
  //   tcp flags ! == syn    4:15-16: Error: syntax error, unexpected ==
  //   tcp flags ! ! syn     4:15-15: Error: syntax error, unexpected !
  //   tcp dport ! = 22      4:15-15: Error: syntax error, unexpected '='
  //   iifname ! = "lo"      4:13-13: Error: syntax error, unexpected '='
  // The reader took the first as an unmodelled expression, the fourth for a port named '!', the last for
  // the interface '!'.
  const refused = (second: string, said: string) =>
    `'! ${second}': '!' takes a value, not another operator: nft refuses it ("syntax error, unexpected ${said}")`;
  it.each([
    ["tcp flags ! = syn", "4:15", "=", "'='"],
    ["tcp flags ! == syn", "4:15", "==", "=="],
    ["tcp flags ! ! syn", "4:15", "!", "!"],
    ["tcp dport ! = 22", "4:15", "=", "'='"],
    ['iifname ! = "lo"', "4:13", "=", "'='"],
  ])("refuses '%s' at %s", (rule, at, second, said) => {
    const rs = parseRulesetFile(nftInputText("inet", rule), "t.nft");
    expect(rs.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `${at} ${refused(second, said)}`,
    ]);
  });
});
