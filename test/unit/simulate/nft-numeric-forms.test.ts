/**
 * Every form nft 1.0.6 prints a numeric key's value in (a value in decimal or hex, `!=`, a range of hex
 * or decimal bounds, a negated range, anonymous and named interval sets, masks), read as the kernel
 * decides it. Checked on kernel 6.18 (nft 1.0.6): the rules below loaded with nft -f in a throwaway
 * namespace, listed back with `nft list ruleset`, `nft -n list ruleset` and `nft -j list ruleset`; for
 * `COUNTED`, an output chain at priority raw ran `meta mark set M ct zone set 3`, one at mangle `ct mark
 * set meta mark`, then one ICMP echo request (`ping -c1 -Q 0x40`, TTL 64) went from 203.0.113.1 to
 * 203.0.113.2 over a veth pair, once with M = 0x7 and once with M = 0x207, and the counters were read.
 */
import { describe, expect, it } from "vitest";
import type { ConnEntry } from "../../../src/core/simulate/conntrack.ts";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { Rule, TableDef } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { nftJsonChain } from "./helpers.ts";

/** The named sets as `nft list ruleset` printed them back (written `{ 1, 3-7 }` and `{ 1, 3-5 }`). */
const SETS = `	set ms {
		type mark
		flags interval
		elements = { 0x00000001, 0x00000003-0x00000007 }
	}

	set zs {
		typeof ct zone
		flags interval
		elements = { 1, 3-5 }
	}
`;

/** The same sets as `nft -j list ruleset` printed them. */
const JSON_SETS = [
  {
    set: {
      family: "inet",
      name: "ms",
      table: "t",
      type: "mark",
      flags: ["interval"],
      elem: [1, { range: [3, 7] }],
    },
  },
  {
    set: {
      family: "inet",
      name: "zs",
      table: "t",
      type: "ct_zone",
      flags: ["interval"],
      elem: [1, { range: [3, 5] }],
    },
  },
];

/** The marks the two echo requests carried (and their connections, `ct mark set meta mark`). */
const MARKS = [0x7, 0x207];

/** A form as `nft list ruleset` printed it, its `nft -j` match, and whether its counter moved per mark of `MARKS`. */
type Counted = [text: string, json: object, counted: [boolean, boolean]];

const mark = { meta: { key: "mark" } };
const ctMark = { ct: { key: "mark" } };
const zone = (dir?: string) => ({ ct: { key: "zone", ...(dir ? { dir } : {}) } });
const ip = (field: string) => ({ payload: { protocol: "ip", field } });
const eq = (left: object, right: unknown, op = "==") => ({ op, left, right });

const COUNTED: Counted[] = [
  ["meta mark 0x00000005-0x0000000a", eq(mark, { range: [5, 10] }), [true, false]],
  ["meta mark != 0x00000005-0x0000000a", eq(mark, { range: [5, 10] }, "!="), [false, true]],
  [
    "meta mark { 0x00000001, 0x00000003-0x00000007 }",
    eq(mark, { set: [1, { range: [3, 7] }] }),
    [true, false],
  ],
  [
    "meta mark != { 0x00000001, 0x00000003-0x00000007 }",
    eq(mark, { set: [1, { range: [3, 7] }] }, "!="),
    [false, true],
  ],
  ["meta mark @ms", eq(mark, "@ms"), [true, false]],
  [
    "meta mark & 0x0000ff00 0x00000100-0x00000300",
    eq({ "&": [mark, 65280] }, { range: [256, 768] }),
    [false, true],
  ],
  [
    "meta mark & 0x0000ff00 != 0x00000100-0x00000300",
    eq({ "&": [mark, 65280] }, { range: [256, 768] }, "!="),
    [true, false],
  ],
  [
    "meta mark & 0x0000ff00 { 0x00000100, 0x00000300-0x00000400 }",
    eq({ "&": [mark, 65280] }, { set: [256, { range: [768, 1024] }] }),
    [false, false],
  ],
  ["ct mark 0x00000005-0x0000000a", eq(ctMark, { range: [5, 10] }), [true, false]],
  ["ct mark != 0x00000005-0x0000000a", eq(ctMark, { range: [5, 10] }, "!="), [false, true]],
  [
    "ct mark { 0x00000001, 0x00000003-0x00000007 }",
    eq(ctMark, { set: [1, { range: [3, 7] }] }),
    [true, false],
  ],
  ["ct mark & 0x000000ff 0x00000001-0x00000007", eq({ "&": [ctMark, 255] }, { range: [1, 7] }), [true, true]],
  ["ct zone 3", eq(zone(), 3), [true, true]],
  ["ct zone 1-5", eq(zone(), { range: [1, 5] }), [true, true]],
  ["ct zone != 1-5", eq(zone(), { range: [1, 5] }, "!="), [false, false]],
  ["ct zone { 1, 3-5 }", eq(zone(), { set: [1, { range: [3, 5] }] }), [true, true]],
  ["ct zone @zs", eq(zone(), "@zs"), [true, true]],
  ["ct original zone 1-5", eq(zone("original"), { range: [1, 5] }), [true, true]],
  ["ct reply zone { 1, 3-5 }", eq(zone("reply"), { set: [1, { range: [3, 5] }] }), [true, true]],
  ["ip dscp 0x08-0x10", eq(ip("dscp"), { range: ["cs1", "cs2"] }), [true, true]],
  ["ip dscp != 0x08-0x10", eq(ip("dscp"), { range: ["cs1", "cs2"] }, "!="), [false, false]],
  ["ip dscp { cs1, 0x10-0x18 }", eq(ip("dscp"), { set: ["cs1", { range: ["cs2", "cs3"] }] }), [true, true]],
  ["ip ttl 1-64", eq(ip("ttl"), { range: [1, 64] }), [true, true]],
  ["ip ttl != 1-64", eq(ip("ttl"), { range: [1, 64] }, "!="), [false, false]],
  ["ip ttl { 1, 64-128 }", eq(ip("ttl"), { set: [1, { range: [64, 128] }] }), [true, true]],
];

/** `nft -n list ruleset` printed these differently from `nft list ruleset`; every other form the same. */
const NUMERIC: Record<string, string> = {
  "ip dscp { cs1, 0x10-0x18 }": "ip dscp { 0x08, 0x10-0x18 }",
};

/** The echo request sent with mark `m`: DSCP cs2 (TOS 0x40), TTL 64, its connection in zone 3 with mark `m`. */
function echo(m: number): SimPacket {
  const orig = { proto: "icmp", src: "203.0.113.1", dst: "203.0.113.2", sport: 1, dport: 1 };
  const entry: ConnEntry = { id: 1, orig, seenReply: false, mark: m, zone: { id: 3 } };
  return {
    src: "203.0.113.1",
    dst: "203.0.113.2",
    proto: "icmp",
    icmpType: 8,
    icmpCode: 0,
    ttl: 64,
    tos: 0x40,
    id: 1,
    len: 84,
    ipFlags: ["DF"],
    mark: m,
    ct: { entry, dir: "original", state: "NEW" },
  };
}

/** The one rule of the ruleset `text` (read as `file`), its table, and the ruleset's diagnostics. */
function onlyRule(text: string, file: string): { rule: Rule; table: TableDef; diagnostics: string[] } {
  const rs = parseRulesetFile(text, file);
  const table = rs.nft?.[0] as TableDef;
  const rules = [...table.chains.values()].flatMap((c) => c.rules);
  expect(rules).toHaveLength(1);
  return { rule: rules[0] as Rule, table, diagnostics: rs.diagnostics.map((d) => d.message) };
}

/** Per mark of `MARKS`: whether the rule matched the echo request. */
function decisions(text: string, file: string): (boolean | "unknown")[] {
  const { rule, table, diagnostics } = onlyRule(text, file);
  expect(diagnostics).toEqual([]);
  const ctx = { bridged: false, ethType: "0x0800", addrType: () => "UNICAST", sets: table.sets };
  return MARKS.map((m) => matchRule(rule, echo(m), ctx));
}

/** `nft list ruleset` of table inet `t` with the named sets and one output chain holding `rule` with a counter. */
function listed(rule: string): string {
  return `table inet t {\n${SETS}\n\tchain c {\n\t\ttype filter hook output priority filter + 10; policy accept;\n\t\t${rule} counter packets 0 bytes 0\n\t}\n}\n`;
}

/** `rule` alone in an input chain of table `ip t`, on line 4 from column 3. */
function chainRule(rule: string): string {
  return `table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\t${rule} accept\n\t}\n}\n`;
}

/** `nft -j list ruleset` of the same, one rule of `match`. */
function listedJson(match: object): string {
  const json = JSON.parse(
    nftJsonChain("inet", { type: "filter", hook: "output", prio: 10 }, [
      [{ match }, { counter: { packets: 0, bytes: 0 } }],
    ]),
  );
  json.nftables.splice(2, 0, ...JSON_SETS);
  return JSON.stringify(json);
}

describe("numeric values as the kernel counted them", () => {
  for (const [text, json, counted] of COUNTED) {
    it(`${text} (nft list ruleset)`, () => {
      expect(decisions(listed(text), "t.nft")).toEqual(counted);
    });
    it(`${NUMERIC[text] ?? text} (nft -n list ruleset)`, () => {
      expect(decisions(listed(NUMERIC[text] ?? text), "t.nft")).toEqual(counted);
    });
    it(`${text} (nft -j list ruleset)`, () => {
      expect(decisions(listedJson(json), "t.json")).toEqual(counted);
    });
  }
});

/**
 * The rest of the numeric forms nft 1.0.6 printed back (same namespace, `nft list ruleset`; `nft -n`
 * printed the names as numbers, `icmp type { 0, 3-8 }`): each reads without a problem, or, for a key
 * the packet model does not carry, as the one "not modelled" warning.
 */
const READ: [text: string, problem?: string][] = [
  ["meta mark 0x00000005"],
  ["meta mark != 0x00000005"],
  ["meta mark & 0x0000ff00 == 0x00000100"],
  ["meta mark & 0x0000ff00 != 0x00000100"],
  ["meta mark & 0x0000ff00 == { 0x00000100, 0x00000200 }"],
  ["meta mark & 0x000000ff == 0x00000005"],
  ["meta mark 0xffffffff"],
  ["meta mark 0x00000000"],
  ["ct mark 0x00000000-0xffffffff"],
  ["ct mark & 0x000000ff == 0x00000001"],
  ["ct zone & 255 == 1"],
  ["ip ttl & 240 == 64"],
  ["ip6 hoplimit 1-64"],
  ["ip6 hoplimit { 1, 64-128 }"],
  ["ip dscp cs1"],
  ["ip dscp 0x08"],
  ["ip6 dscp 0x08-0x10"],
  ["tcp dport 1-1024"],
  ["tcp dport != 1-1024"],
  ["tcp dport { 22, 80-90 }"],
  ["tcp dport & 65280 == 256"],
  ["th dport 1-1024"],
  ["icmp type 0-8"],
  ["icmp type { echo-reply, 3-8 }"],
  ["icmp type { 0, 3-8 }"],
  ["icmp code 1-3"],
  ["icmp code { net-unreachable, 2-3 }"],
  ["icmpv6 type 1-4"],
  ["ip protocol 1-6"],
  ["ip protocol { icmp, 6-17 }"],
  ["ip protocol { 1, 6-17 }"],
  ["meta l4proto 6-17"],
  ["meta l4proto { 1, 6-17 }"],
  ["ip6 nexthdr 6-17"],
  ["meta skuid 1000-2000", "expression 'meta skuid 1000-2000' is not modelled"],
  ["meta skgid { 0, 100-200 }", "expression 'meta skgid { 0, 100-200}' is not modelled"],
  ["meta length 100-200"],
  ["ip length 100-200"],
  ["ip id 1-100", "expression 'ip id 1-100' is not modelled"],
  ["ip frag-off 1-100", "expression 'ip frag-off 1-100' is not modelled"],
  ["ip6 flowlabel 1-5", "expression 'ip6 flowlabel 1-5' is not modelled"],
  ["meta priority 1:2", "expression 'meta priority 1:2' is not modelled"],
  ["ct expiration 10s-30s", "expression 'ct expiration 10s-30s' is not modelled"],
  ["meta cpu 0-3", "expression 'meta cpu 0-3' is not modelled"],
];

describe("numeric forms nft printed back read without an error", () => {
  for (const [text, problem] of READ)
    it(text, () => {
      expect(onlyRule(listed(text), "t.nft").diagnostics).toEqual(problem ? [problem] : []);
    });
});

describe("a range or set of a numeric key matches its numbers", () => {
  /** Whether `rule` (in the listing) matched the echo request with mark 0x7 and with 0x207. */
  const both = (rule: string) => decisions(listed(rule), "t.nft");
  it("ip protocol, meta l4proto and icmp ranges hold ICMP (1) and its type 8", () => {
    expect(both("ip protocol 1-6")).toEqual([true, true]);
    expect(both("meta l4proto { 6-17 }")).toEqual([false, false]);
    expect(both("icmp type 0-8")).toEqual([true, true]);
    expect(both("icmp code 1-3")).toEqual([false, false]);
  });
  it("a range from a number to a name holds the name's number (DSCP cs2 of tos 0x40, ICMP type 8)", () => {
    // review49: nft 1.0.6 took `ip dscp 8-cs3` and `icmp type 0-echo-request`; they were read as DSCP 0 and
    // as no ICMP type.
    expect(both("ip dscp 8-cs3")).toEqual([true, true]);
    expect(both("ip dscp 17-cs3")).toEqual([false, false]);
    expect(both("icmp type 0-echo-request")).toEqual([true, true]);
    expect(both("icmp type 0-echo-reply")).toEqual([false, false]);
  });
  it("in a set too: `{ 8-cs3 }` holds DSCP cs2 (16)", () => {
    // nft 1.0.6 stored `ip dscp { 8-cs3 }` as `cmp gte 0x20, cmp lte 0x60` (DSCP 8-24) and listed it
    // `ip dscp 0x08-0x18` (kernel 6.18, nft --debug=netlink); it was read as one word no packet held.
    expect(both("ip dscp { 8-cs3 }")).toEqual([true, true]);
    expect(both("ip dscp { 17-cs3 }")).toEqual([false, false]);
  });
  it("a protocol range to a name holds the name's number (ICMP, 1, in 1-tcp)", () => {
    // nft 1.0.6 listed `ip protocol 1-tcp` as `ip protocol 1-6`, `meta l4proto tcp - udp` as `6-17` and
    // `ip protocol 1-gre` as `1-47`; they were read as a protocol named '1-tcp' (or 'tcp-udp') no packet had.
    expect(both("ip protocol 1-tcp")).toEqual([true, true]);
    expect(both("ip protocol { 1-gre }")).toEqual([true, true]);
    expect(both("ip protocol 2-tcp")).toEqual([false, false]);
    expect(both("meta l4proto tcp - udp")).toEqual([false, false]);
    expect(both("meta l4proto icmp - tcp")).toEqual([true, true]);
  });
  it("a hex element equals the decimal mark", () => {
    expect(both("meta mark { 0x00000007 }")).toEqual([true, false]);
    expect(both("ct mark { 0x00000207 }")).toEqual([false, true]);
  });
  it("nft -j's DSCP range of names reads as the numbers", () => {
    expect(decisions(listedJson(eq(ip("dscp"), { range: ["cs3", "cs4"] })), "t.json")).toEqual([
      false,
      false,
    ]);
  });
});

describe("text nft refuses stays an error", () => {
  // The refused rule is dropped: its diagnostics are all that is left of it.
  const error = (rule: string) => parseRulesetFile(listed(rule), "t.nft").diagnostics.map((d) => d.message);
  // A single value is judged by the words a set's element is (nft 1.0.6 refused both at the same bound:
  // `meta mark 5-x` "Could not parse packet mark" at `x`, `ip dscp 0x08-0x40` "Value 64 exceeds valid range 0-63" at `0x40`).
  it("a bound that is not a number", () => {
    expect(error("meta mark 5-x")).toEqual(["'x' is not a mark: nft refuses it, and with it the whole file"]);
    // review49: nft 1.0.6 said "Could not parse integer" at `x` (4:13 of chainRule), alone as in a set; it
    // took nothing of `{ 1, x }` either (4:16), which was read as a set holding a zone 'x'.
    const zone =
      "'x' is not a zone: nft refuses it (\"Could not parse integer\"), and with it the whole file";
    expect(error("ct zone 1-x")).toEqual([zone]);
    const at = (rule: string) =>
      parseRulesetFile(chainRule(rule), "t.nft").diagnostics.map((d) => `${d.position.column} ${d.message}`);
    expect(at("ct zone 1-x")).toEqual([`13 ${zone}`]);
    expect(at("ct zone { 1, x }")).toEqual([`16 ${zone}`]);
    expect(at("ct original zone y")).toEqual([`20 ${zone.replace("'x'", "'y'")}`]);
    // `ct zone -1`: "syntax error, unexpected -", not nft's words for a word.
    expect(at("ct zone -1")).toEqual(["11 '-1' is not a zone: nft refuses it, and with it the whole file"]);
  });
  it("a value past the key's width", () => {
    const past = (key: string, v: string, max: number, nft: string) =>
      `${key} value ${v} exceeds its valid range 0-${max}: nft refuses it ("${nft}"), and with it the whole file`;
    const mark = past(
      "meta mark",
      "0x100000000",
      0xffffffff,
      "Value 4294967296 exceeds valid range 0-4294967295",
    );
    expect(error("meta mark 0x100000000")).toEqual([mark]);
    expect(error("meta mark 1-0x100000000")).toEqual([mark]);
    expect(error("ct zone 1-70000")).toEqual([
      past("ct zone", "70000", 65535, "Value 70000 exceeds valid range 0-65535"),
    ]);
    expect(error("ip dscp 0x08-0x40")).toEqual([
      past("ip dscp", "0x40", 63, "Value 64 exceeds valid range 0-63"),
    ]);
    expect(error("ip protocol 1-300")).toEqual([past("ip protocol", "300", 255, "Protocol out of range")]);
  });
  it("a reversed range of hex bounds in a set", () => {
    expect(error("meta mark { 0x0000000a-0x00000005 }")).toEqual([
      "range '0x0000000a-0x00000005' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
  });
});

/**
 * Ports written by hand in an `nft -f` script in hex or with a leading zero: nft 1.0.6 reads `0x50` as
 * 80, `010` as octal 8 and `08` as 8 (loaded in a throwaway namespace, `nft list ruleset` printed back
 * `tcp dport 80`, `udp sport 8`, `udp dport 8-16` for `0010-0020`, `tcp dport { 8, 16 }` for
 * `{ 010, 0x10 }`). They used to be refused as "not a port", or `010` read as 10.
 */
describe("ports in hex and octal, as nft reads an nft -f script", () => {
  /** Whether `rule` matched a TCP SYN from 203.0.113.1:40000 to port `dport`. */
  const toPort = (rule: string, dport: number) => {
    const { rule: r, table, diagnostics } = onlyRule(listed(rule), "t.nft");
    expect(diagnostics).toEqual([]);
    const ctx = { bridged: false, ethType: "0x0800", addrType: () => "UNICAST", sets: table.sets };
    const syn: SimPacket = {
      src: "203.0.113.1",
      dst: "203.0.113.2",
      proto: "tcp",
      sport: 40000,
      dport,
      tcpFlags: ["SYN"],
      ttl: 64,
      tos: 0,
      id: 1,
      len: 60,
      ipFlags: ["DF"],
      mark: 0,
    };
    return matchRule(r, syn, ctx);
  };
  it("a hex port, range and set element", () => {
    expect([toPort("tcp dport 0x50", 80), toPort("tcp dport 0x50", 50)]).toEqual([true, false]);
    expect([toPort("tcp dport 0x400-0x800", 1500), toPort("tcp dport 0x400-0x800", 3000)]).toEqual([
      true,
      false,
    ]);
    expect([toPort("tcp dport { 0x1bb, 22 }", 443), toPort("tcp dport { 0x1bb, 22 }", 187)]).toEqual([
      true,
      false,
    ]);
  });
  it("a leading zero reads octal when every digit is, decimal otherwise", () => {
    expect([toPort("tcp dport 010", 8), toPort("tcp dport 010", 10)]).toEqual([true, false]);
    expect([toPort("tcp dport 0010-0020", 16), toPort("tcp dport 0010-0020", 20)]).toEqual([true, false]);
    expect([toPort("tcp dport { 010, 0x10 }", 16), toPort("tcp dport { 010, 0x10 }", 10)]).toEqual([
      true,
      false,
    ]);
    expect(toPort("tcp dport 08", 8)).toBe(true);
  });
  it("a service name of /etc/services, alone or in a set, as nft 1.0.6 took it (RHEL 8's firewalld listing: dhcpv6-client)", () => {
    // Only a dozen names were known: a set lost the others without a word, and a name alone was refused.
    expect([toPort("tcp dport dhcpv6-client", 546), toPort("tcp dport dhcpv6-client", 547)]).toEqual([
      true,
      false,
    ]);
    const set = "tcp dport { ssh, submission, ldap, microsoft-ds }";
    expect([587, 389, 445, 22, 25].map((p) => toPort(set, p))).toEqual([true, true, true, true, false]);
  });
  it("a range is a number, a dash, then a number or a name; a word from a letter is one name, dashes and all", () => {
    // review49: nft 1.0.6 took `22-http`, `{ 22-http }` and `10-ftp-data` (ftp-data is port 20).
    expect([21, 22, 80, 81].map((p) => toPort("tcp dport 22-http", p))).toEqual([false, true, true, false]);
    expect([21, 22, 80, 81].map((p) => toPort("tcp dport { 22-http, 443 }", p))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect([10, 20, 21].map((p) => toPort("tcp dport 10-ftp-data", p))).toEqual([true, true, false]);
    // It refused `ssh-http`, `ssh-22`, `http-https` and `{ ssh-http }` whole, at the word ("Could not resolve
    // service: Servname not supported for ai_socktype"): packetwalk had read them as ranges.
    for (const [rule, column] of [
      ["tcp dport ssh-http", 13],
      ["th dport ssh-22", 12],
      ["udp dport { domain-ntp, 80 }", 15],
      ["tcp dport != http-https", 16],
    ] as const) {
      const d = parseRulesetFile(chainRule(rule), "t.nft").diagnostics;
      const word = /[a-z]+-[a-z0-9]+/.exec(rule)?.[0];
      expect(d.map((x) => [x.severity, x.message.split(":")[0], x.position.column, x.hint])).toEqual([
        [
          "error",
          `'${word}' is not a port or a service name of /etc/services`,
          column,
          "nft reads a word from a letter as one service name, dashes and all: write the range's first port as a number (22-http, 22-80)",
        ],
      ]);
    }
  });
  it("a name /etc/services does not hold is refused where nft refused it", () => {
    // nft 1.0.6: "Could not resolve service: Servname not supported for ai_socktype", at the name.
    const r = parseRulesetFile(listed("tcp dport { ssh, nosuchsvc }"), "t.nft");
    expect(r.diagnostics.map((d) => [d.severity, d.message.split(":")[0], d.position.column])).toEqual([
      ["error", "'nosuchsvc' is not a port or a service name of /etc/services", 20],
    ]);
  });
});
