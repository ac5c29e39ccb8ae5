/**
 * A protocol's options after a negated `-p`, as iptables-nft 1.8.9 loads them. `! -p tcp --dport 1`
 * loads tcp's match by the protocol's name all the same, and iptables-nft turns it into nft's own
 * expressions, which the kernel takes: loaded with `unshare -n iptables-restore`, iptables-save printed
 * `-A INPUT ! -p tcp -m tcp --dport 1 -j ACCEPT` and `nft list ruleset` showed
 * `meta l4proto != tcp th dport 1 counter ... accept` (the port of whatever transport header follows).
 * The matches it keeps as xtables matches (icmp, sctp, dccp) passed `iptables-restore --test` but the
 * kernel refused them: `line 2: RULE_APPEND failed (Invalid argument): rule in chain INPUT`.
 */
import { describe, expect, it } from "vitest";
import { type MatchContext, matchRule, undecidedWhy } from "../../../src/core/simulate/match-rule.ts";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import { nftInputText, onlyInputRule, synPacket } from "./helpers.ts";

/** The problems of a filter table whose INPUT chain holds `rule` (line 3), with their hints. */
const parse = (rule: string) => parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`);
const problems = (rule: string) =>
  parse(rule).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message} | ${d.hint}`,
  );

const CTX: MatchContext = { bridged: false, ethType: "0x0800", addrType: () => "UNICAST" };

describe("tcp's and udp's options after '! -p'", () => {
  it.each([
    "-A INPUT ! -p tcp --dport 1 -j ACCEPT",
    "-A INPUT ! -p udp --sport 53 -j ACCEPT",
    "-A INPUT ! -p tcp --syn -j ACCEPT",
    "-A INPUT ! -p tcp ! --dport 1 -j ACCEPT",
    "-A INPUT ! -p tcp -m tcp --dport 1 -j ACCEPT",
    "-A INPUT ! -p 6 --dport 1 -j ACCEPT",
  ])("takes %s, as iptables-restore 1.8.9 loaded it", (rule) => {
    expect(problems(rule)).toEqual([]);
  });

  it("matches a packet of another protocol to that port (meta l4proto != tcp th dport 1)", () => {
    const chain = parse("-A INPUT ! -p tcp --dport 1 -j ACCEPT")
      .rules.tables.get("filter")
      ?.chains.get("INPUT");
    const rule = chain?.rules[0] as Rule;
    expect(rule).toBeDefined();
    const sent = [
      synPacket({ proto: "udp", dport: 1, tcpFlags: undefined }),
      synPacket({ proto: "tcp", dport: 1 }),
      synPacket({ proto: "udp", dport: 2, tcpFlags: undefined }),
    ];
    expect(sent.map((p) => matchRule(rule, p, CTX))).toEqual([true, false, false]);
  });
});

describe("a port after '! -p tcp' on an ICMP message", () => {
  // Kernel 6.18, two namespaces, an echo request (id 4660, seq 1, payload `packetwalk`) whose checksum
  // was 51388 sent through four counting rules: `! -p tcp --dport 51388` and `! -p tcp --sport 2048`
  // (type 8, code 0) counted it, `--dport 51387` and `--sport 2049` did not (nft list ruleset:
  // `meta l4proto != tcp th dport 51388`): the destination port is the checksum's bytes.
  const rule = (text: string) =>
    parse(`-A INPUT ${text} -j ACCEPT`).rules.tables.get("filter")?.chains.get("INPUT")?.rules[0] as Rule;
  const echo = (over = {}) =>
    synPacket({
      proto: "icmp",
      sport: undefined,
      dport: undefined,
      tcpFlags: undefined,
      icmpType: 8,
      icmpCode: 0,
      ...over,
    });

  it("leaves the destination port undecided: it is the checksum, which the simulator does not compute", () => {
    for (const text of [
      "! -p tcp --dport 22",
      "! -p tcp ! --dport 22",
      "! -p udp --dport 53",
      "! -p tcp -m tcp --dport 1:5",
    ])
      expect(matchRule(rule(text), echo(), CTX), text).toBe("unknown");
    const [, port] = rule("! -p tcp --dport 22").conditions;
    expect(undecidedWhy(port as Rule["conditions"][number], echo(), CTX)).toBe(
      "the destination port is read from bytes 3 and 4 of whatever transport header the packet has (nft's th dport, which iptables-nft makes of a port after '! -p tcp' or '! -p udp'): of this icmp packet, its checksum, which the simulator does not compute, so the match is left undecided, not guessed",
    );
  });

  it("decides the source port by the message's type and code", () => {
    expect(matchRule(rule("! -p tcp --sport 2048"), echo(), CTX)).toBe(true);
    expect(matchRule(rule("! -p tcp --sport 2049"), echo(), CTX)).toBe(false);
    expect(matchRule(rule("! -p tcp ! --sport 2048"), echo(), CTX)).toBe(false);
    // An echo reply is type 0, code 0.
    expect(matchRule(rule("! -p udp --sport 0"), echo({ icmpType: 0 }), CTX)).toBe(true);
  });

  it("reads nft's own th dport and th sport the same way (nft 1.0.6: no protocol dependency)", () => {
    // `nft --debug=netlink`: `th dport 22` is `payload load 2b @ transport header + 2`, nothing before it.
    const nft = (text: string) => onlyInputRule(nftInputText("ip", text), "t.nft").rule;
    expect(matchRule(nft("th dport 22"), echo(), CTX)).toBe("unknown");
    expect(matchRule(nft("th sport 2048"), echo(), CTX)).toBe(true);
    expect(matchRule(nft("th sport > 2048"), echo(), CTX)).toBe(false);
    // `tcp dport` depends on the protocol: an ICMP message fails it.
    expect(matchRule(nft("tcp dport 22"), echo(), CTX)).toBe(false);
  });

  it("still fails an ICMP message under -p tcp, and reads a datagram's own port", () => {
    expect(matchRule(rule("-p tcp --dport 22"), echo(), CTX)).toBe(false);
    expect(
      matchRule(
        rule("! -p tcp --dport 53"),
        synPacket({ proto: "udp", dport: 53, tcpFlags: undefined }),
        CTX,
      ),
    ).toBe(true);
  });
});

describe("tcp's flags after '! -p tcp'", () => {
  // iptables-nft 1.8.9 loaded `! -p tcp --syn` as `meta l4proto != tcp @th,104,8 & 0x17 == 0x2` (nft list
  // ruleset): byte 13 of whatever transport header follows. Kernel 6.18, two namespaces, UDP to port 9001
  // under `! -p tcp --dport 9001 --syn -j ACCEPT`: payload `abcde\x02` counted, `abcde\x12` did not, and
  // neither did `abcd` or `abcde` (no 14th byte: the rule breaks), nor under `! --syn` (port 9002).
  const rule = (text: string) =>
    parse(`-A INPUT ${text} -j ACCEPT`).rules.tables.get("filter")?.chains.get("INPUT")?.rules[0] as Rule;
  const udp = (len: number) => synPacket({ proto: "udp", dport: 9001, tcpFlags: undefined, len });

  it("leaves a datagram with a 14th transport byte undecided: its payload is not in the packet", () => {
    for (const text of ["! -p tcp --syn", "! -p tcp ! --syn", "! -p tcp --tcp-flags SYN,ACK SYN"])
      expect(matchRule(rule(text), udp(34), CTX), text).toBe("unknown");
    const [, flags] = rule("! -p tcp --syn").conditions;
    expect(undecidedWhy(flags as Rule["conditions"][number], udp(34), CTX)).toBe(
      "after '! -p tcp' iptables-nft reads the TCP flags' byte (the transport header's 14th) of any packet: of this udp packet, a byte of its payload, which the simulator does not carry, so the match is left undecided, not guessed",
    );
  });

  it("fails a datagram too short to have one, negated or not, as the kernel's rule breaks", () => {
    // 20 + 8 + 5 bytes: `abcde`; an IPv6 one of 40 + 8 + 1.
    expect(matchRule(rule("! -p tcp --syn"), udp(33), CTX)).toBe(false);
    expect(matchRule(rule("! -p tcp ! --syn"), udp(33), CTX)).toBe(false);
    const v6 = { ...udp(49), v6: true, src: "fd00::1", dst: "fd00::2" };
    expect(matchRule(rule("! -p tcp ! --syn"), v6, { ...CTX, ethType: "0x86dd" })).toBe(false);
  });

  it("still fails a TCP segment by its protocol, and reads a TCP segment's flags after -p tcp", () => {
    expect(matchRule(rule("! -p tcp --syn"), synPacket(), CTX)).toBe(false);
    expect(matchRule(rule("-p tcp --syn"), synPacket(), CTX)).toBe(true);
    expect(matchRule(rule("-p tcp --syn"), udp(100), CTX)).toBe(false);
  });
});

describe("another protocol's options after '! -p'", () => {
  it.each([
    ["-A INPUT ! -p icmp --icmp-type 8 -j ACCEPT", "3:20 --icmp-type in a rule of '! -p icmp'"],
    ["-A INPUT ! -p sctp --dport 1 -j ACCEPT", "3:20 --dport in a rule of '! -p sctp'"],
    ["-A INPUT ! -p dccp --dport 1 -j ACCEPT", "3:20 --dport in a rule of '! -p dccp'"],
    // tcp's --tcp-option stays an xt match: RULE_APPEND failed (Invalid argument), as after '! -p sctp'.
    ["-A INPUT ! -p tcp --tcp-option 2 -j ACCEPT", "3:19 --tcp-option in a rule of '! -p tcp'"],
    ["-A INPUT ! -p tcp -m tcp --tcp-option 2 -j ACCEPT", "3:26 --tcp-option in a rule of '! -p tcp'"],
  ])("refuses %s as the kernel did", (rule, said) => {
    expect(problems(rule)).toEqual([
      `error ${said}: the kernel refuses its match when the protocol is negated (iptables-restore: "RULE_APPEND failed (Invalid argument)") | write the protocol without '!', or its options in a rule of their own`,
    ]);
  });

  it("still refuses multiport's after '! -p tcp' (multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP)", () => {
    expect(problems("-A INPUT ! -p tcp -m multiport --dports 1,2 -j ACCEPT")).toHaveLength(1);
  });
});

describe("tcp's --tcp-option", () => {
  it("is taken after -p tcp (iptables-save: -A INPUT -p tcp -m tcp --tcp-option 2 -j ACCEPT)", () => {
    expect(problems("-A INPUT -p tcp --tcp-option 2 -j ACCEPT").filter((p) => p.startsWith("error"))).toEqual(
      [],
    );
  });

  it("is refused after -m tcp without -p tcp, as the kernel refused it (RULE_APPEND failed (Invalid argument))", () => {
    expect(problems("-A INPUT -m tcp --tcp-option 2 -j ACCEPT")).toEqual([
      "error 3:17 --tcp-option needs -p tcp in the rule: iptables-restore refuses it in a rule without -p | add -p tcp to the rule",
    ]);
  });
});

describe("an explicit -m tcp or -m udp", () => {
  // iptables-restore --test (1.8.9, nf_tables) printed "TCP match requires '-p tcp'" for the first four
  // and "UDP match requires '-p udp'" for the last two; it took `! -p tcp -m tcp --dport 1` and
  // `-m tcp --dport 22 -p tcp`, and `-m tcp --tcp-option 2` (an xt match the kernel checks on load).
  it.each([
    ["-A INPUT ! -p udp -m tcp --dport 1 -j ACCEPT", "--dport of -m tcp in a rule of ! -p udp", "TCP", "tcp"],
    ["-A INPUT -p udp -m tcp --dport 1 -j ACCEPT", "--dport of -m tcp in a rule of -p udp", "TCP", "tcp"],
    ["-A INPUT -m tcp --syn -j ACCEPT", "--syn of -m tcp in a rule without -p", "TCP", "tcp"],
    ["-A INPUT -p udp -m tcp --syn -j ACCEPT", "--syn of -m tcp in a rule of -p udp", "TCP", "tcp"],
    ["-A INPUT -p tcp -m udp --sport 1 -j ACCEPT", "--sport of -m udp in a rule of -p tcp", "UDP", "udp"],
    [
      "-A INPUT -p tcp -m tcp -m udp --dport 1 -j ACCEPT",
      "--dport of -m udp in a rule of -p tcp",
      "UDP",
      "udp",
    ],
  ])("refuses %s as iptables-nft does", (rule, said, name, proto) => {
    expect(problems(rule).map((p) => p.replace(/^error 3:\d+ /, ""))).toEqual([
      `${said}: iptables-restore refuses it (${name} match requires '-p ${proto}') | add -p ${proto} to the rule, or load the match of its protocol`,
    ]);
  });

  it.each([
    "-A INPUT ! -p tcp -m tcp --dport 1 -j ACCEPT",
    "-A INPUT -m tcp --dport 22 -p tcp -j ACCEPT",
    "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT",
  ])("takes %s", (rule) => {
    expect(problems(rule)).toEqual([]);
  });
});
