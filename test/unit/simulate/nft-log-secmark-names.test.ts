/**
 * The `log` statement's options, SELinux's secmark, the name of a named counter, quota or limit, and
 * the ether type's values: what nft takes and what it refuses. Each refused row was given to `nft -c -f`
 * (nft 1.0.6, a fresh namespace, the rule on line 4 from column 3) and its words and column are in the
 * row; the reader refuses it there, and takes what nft took. What `log group N` and `log level audit`
 * do: kernel 6.18 (a namespace, `nf_log_all_netns=1`, a ping to 127.0.0.1 through an input chain with
 * `log prefix "PWNFTK "`, `log prefix "PWNFTG " group 2`, `log group 3`, `log level audit` and `log
 * prefix "PWNFTL " level debug flags all`) printed the PWNFTK and PWNFTL lines to dmesg and nothing for
 * the other three: a netlink group's copy is ulogd's, an audit record auditd's.
 */
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

/** The problems of a table inet t (counter `c` declared) whose input chain holds `rule` (line 4, column 3). */
function problems(rule: string): string[] {
  const text = `table inet t {\n counter c { }\n chain in {\n  ${rule}\n }\n}\n`;
  return parseRulesetFile(text, "r.nft").diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );
}

const WHOLE = "nft refuses it, and with it the whole file";

describe("the log statement", () => {
  it.each([
    // nft: 4:10 "syntax error, unexpected newline" (after the string: said at the string it is about).
    ['log "x"', `error 4:7 'log "x"': a log's prefix follows the word prefix: ${WHOLE}`],
    // nft: 4:21 "syntax error, unexpected newline".
    [
      'log prefix "x" "y"',
      `error 4:18 'log prefix "x" "y"': a log's prefix follows the word prefix: ${WHOLE}`,
    ],
    // nft: 4:13 "invalid log level".
    [
      "log level warning",
      `error 4:13 'warning' is not a log level: nft refuses it ("invalid log level"), and with it the whole file`,
    ],
    // nft: 4:13 "syntax error, unexpected number, expecting string or quoted string or ...".
    ["log level 4", `error 4:13 'log level' needs a level after it, not '4': ${WHOLE}`],
    // nft: 4:13 "syntax error, unexpected newline, expecting string or quoted string or ...".
    ["log prefix", `error 4:13 'log prefix' needs a string after it: ${WHOLE}`],
    // nft: 4:14 "syntax error, unexpected number, expecting string ...".
    ["log prefix 123", `error 4:14 'log prefix' needs a string after it, not '123': ${WHOLE}`],
    // nft: 4:12 "syntax error, unexpected newline, expecting number".
    ["log group", `error 4:12 'log group' needs a number after it: ${WHOLE}`],
    // nft: 4:13 "syntax error, unexpected string, expecting number"; 4:15 the same.
    ["log group x", `error 4:13 'log group' needs a number after it, not 'x': ${WHOLE}`],
    ["log snaplen x", `error 4:15 'log snaplen' needs a number after it, not 'x': ${WHOLE}`],
    // nft: 4:13 "syntax error, unexpected string"; 4:12 "syntax error, unexpected newline".
    ["log flags foo", `error 4:13 'log flags' needs a flag after it, not 'foo': ${WHOLE}`],
    ["log flags", `error 4:12 'log flags' needs a flag after it: ${WHOLE}`],
    // nft: 4:3 "log level audit doesn't support any further options", either order, flags too.
    ...['log level audit prefix "a"', 'log prefix "a" level audit', "log level audit flags all"].map((r) => [
      r,
      `error 4:3 'log level audit' takes no other option: nft refuses it ("log level audit doesn't support any further options"), and with it the whole file`,
    ]),
  ])("refuses %s where nft does", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it.each([
    'log prefix "123"',
    "log level audit",
    "log group 0x10",
    'log prefix "x" group 2 snaplen 64 queue-threshold 1',
    "log flags tcp sequence,options flags ip options",
    "log flags skuid flags ether",
    'log prefix "in: " level warn flags all counter accept',
  ])("takes %s, as nft does (and lists back)", (rule) => {
    expect(problems(rule)).toEqual([]);
  });

  it("prints a kernel log line for a plain log, none for a netlink group's or an audit record", () => {
    const text = `table inet t {\n\tchain in {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tlog prefix "K "\n\t\tlog prefix "G " group 2\n\t\tlog group 3\n\t\tlog level audit\n\t\tlog prefix "L " level debug flags all\n\t}\n}\n`;
    const json = JSON.stringify({
      nftables: [
        { table: { family: "inet", name: "t" } },
        {
          chain: {
            family: "inet",
            table: "t",
            name: "in",
            type: "filter",
            hook: "input",
            prio: 0,
            policy: "accept",
          },
        },
        ...[
          { prefix: "K " },
          { prefix: "G ", group: 2 },
          { group: 3 },
          { level: "audit" },
          { prefix: "L ", level: "debug" },
        ].map((log) => ({ rule: { family: "inet", table: "t", chain: "in", expr: [{ log }] } })),
      ],
    });
    for (const [ruleset, file] of [
      [text, "t.nft"],
      [json, "t.json"],
    ] as const) {
      const p = runScenario(textWorld(ruleset, file), { from: "wan", to: "203.0.113.2", proto: "icmp" })
        .packets[0];
      const input = p?.events.find((e) => e.hook === "ip:t:in");
      expect(
        input?.logs.map((l) => l.prefix),
        file,
      ).toEqual(["K ", "L "]);
    }
  });

  it("says where a netlink group's copy and an audit record go", () => {
    expect(explainNftRule('log prefix "x" group 2').en).toContain(
      "send a copy to nfnetlink_log group 2 (ulogd), not to the kernel log",
    );
    expect(explainNftRule("log level audit").en).toContain(
      "write an audit record of it (auditd), not a kernel log line",
    );
  });
});

describe("SELinux's secmark", () => {
  // nft 1.0.6 took each (its kernel had no LSM to load a secmark object: `-c` passed the rule's words and
  // evaluation, the kernel then refused the object "No such file or directory").
  it("reads setting it from an object as deciding nothing, and copying it from the connection as a ct load", () => {
    const text = `table inet t {\n\tsecmark ssh { "system_u:object_r:ssh_server_packet_t:s0" }\n\tchain in {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 22 meta secmark set "ssh"\n\t\tct secmark set meta secmark\n\t\tct state new meta secmark set ct secmark accept\n\t}\n}\n`;
    const rs = parseRulesetFile(text, "t.nft");
    expect(rs.diagnostics.map((d) => `${d.position.line} ${d.message}`)).toEqual([
      `5 statement 'meta secmark set "ssh"' is not modelled`,
      "6 statement 'ct secmark set meta secmark' is not modelled",
      "7 expression 'meta secmark set ct secmark' is not modelled",
    ]);
    const rules = [...(rs.nft?.[0]?.chains.get("in")?.rules ?? [])];
    // The object's label changes no verdict: nothing to follow both ways.
    expect(rules[0]?.conditions.map((c) => c.kind)).toEqual(["proto", "dport"]);
    // `ct secmark` is loaded from the connection: a packet without one ends the rule there (nft_ct).
    expect(rules[2]?.conditions[1]).toMatchObject({
      kind: "unknown",
      text: "meta secmark set ct secmark",
      acts: true,
    });
  });

  it.each([
    // nft: 4:16 "Cannot be used with right hand side constant value" (4:14 for ct secmark).
    [
      "meta secmark 0x1",
      `error 4:16 'meta secmark' is set, never compared: nft refuses it ("Cannot be used with right hand side constant value"), and with it the whole file`,
    ],
    [
      "ct secmark 0x2 accept",
      `error 4:14 'ct secmark' is set, never compared: nft refuses it ("Cannot be used with right hand side constant value"), and with it the whole file`,
    ],
    // nft: 4:16 "Could not parse integer".
    ['meta secmark "x"', `error 4:16 'meta secmark' is set, never compared: ${WHOLE}`],
    // nft: 4:3-18 "ct secmark must not be set to constant value"; 4:18 "Could not parse integer".
    [
      "ct secmark set 5",
      `error 4:3 'ct secmark set 5': a connection's secmark is copied from its packet's: nft refuses it ("ct secmark must not be set to constant value"), and with it the whole file`,
    ],
    [
      'ct secmark set "x"',
      `error 4:18 'ct secmark set "x"': a connection's secmark is copied from its packet's: ${WHOLE}`,
    ],
  ])("refuses %s where nft does", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it("refuses a secmark object the table does not declare, at its name", () => {
    expect(problems('meta secmark set "nosuch"')).toContain(
      "error 4:20 secmark 'nosuch' does not exist in table inet t: nft refuses the rule",
    );
  });
});

describe("a named counter, quota or limit", () => {
  it.each([
    // nft: 4:15 "syntax error, unexpected newline"; 4:16 "syntax error, unexpected accept"; 4:13 newline.
    ["counter name", `error 4:15 'counter name' needs the name of a counter object: ${WHOLE}`],
    [
      "counter name accept",
      `error 4:16 'counter name' needs the name of a counter object, not 'accept': ${WHOLE}`,
    ],
    ["limit name", `error 4:13 'limit name' needs the name of a limit object: ${WHOLE}`],
    // nft: 4:16 and 4:14 "Empty string is not allowed".
    [
      'counter name ""',
      `error 4:16 'counter name ""': an empty name: nft refuses it ("Empty string is not allowed"), and with it the whole file`,
    ],
    [
      'quota name ""',
      `error 4:14 'quota name ""': an empty name: nft refuses it ("Empty string is not allowed"), and with it the whole file`,
    ],
  ])("refuses %s where nft does", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it("takes a declared one by name, quoted or not", () => {
    expect(problems('counter name "c" accept')).toEqual([]);
    expect(problems("counter name c")).toEqual([]);
  });
});

describe("the ether type's values", () => {
  it.each([
    // nft: "Could not parse Ethernet protocol" at the word (4:14, 4:20, 4:17; nft's names are lower case).
    ["ether type bogus", "4:14 'bogus'"],
    ["ether type { ip, bogus }", "4:20 'bogus'"],
    ["ether type { IP }", "4:16 'IP'"],
    ["meta protocol bogus", "4:17 'bogus'"],
    ["meta protocol { ip, ipv4 }", "4:23 'ipv4'"],
  ])("refuses %s where nft does", (rule, at) => {
    expect(problems(rule)).toEqual([
      `error ${at} is not an Ethernet type: nft refuses it ("Could not parse Ethernet protocol"), and with it the whole file`,
    ]);
  });

  it('refuses a type past 16 bits (nft: 4:16 "Value 65536 exceeds valid range 0-65535")', () => {
    expect(problems("ether type { 0x10000 }")).toEqual([
      `error 4:16 ether type value 0x10000 exceeds its valid range 0-65535: nft refuses it ("Value 65536 exceeds valid range 0-65535"), and with it the whole file`,
    ]);
  });

  it("takes nft's names and numbers, as a set, a negated set, a range and a verdict map", () => {
    for (const rule of [
      "ether type { ip, arp, ip6, vlan, 8021q, 8021ad } accept",
      "ether type != { arp } drop",
      "ether type { 0x0800-0x86dd } accept",
      "ether type vmap { ip : accept, arp : drop }",
    ])
      expect(problems(rule), rule).toEqual([]);
  });
});
