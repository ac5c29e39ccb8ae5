/**
 * nft rules refused for a missing family, their grammar or their hook: each row was loaded with `nft -f`
 * (nft 1.0.6) into a fresh network namespace on kernel 6.18; the reader refuses what nft refused, at
 * nft's column, and takes what it took.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

/** The problems of a table of `family` with one base chain at `hook` holding `rule` (line 4, column 3). */
function problems(family: string, hook: string, rule: string): string[] {
  const text = `table ${family} t {\n chain c {\n  type filter hook ${hook} priority 0; policy accept;\n  ${rule}\n }\n}\n`;
  return parseRulesetFile(text, "r.nft").diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );
}

describe("nft rules nft or the kernel refuses", () => {
  it.each([
    [
      "inet",
      "prerouting",
      'dup to 198.51.100.9 device "lo"',
      `error 4:3 'dup to 198.51.100.9' in a table inet: nft copies packets to an address only in an ip or ip6 table, and refuses it here ("unsupported family")`,
    ],
    [
      "ip6",
      "prerouting",
      "dup to 198.51.100.9",
      `error 4:10 '198.51.100.9' is an IPv4 address, but dup in a table ip6 copies to an IPv6 one: nft refuses it ("Could not resolve hostname: Address family for hostname not supported")`,
    ],
    [
      "inet",
      "input",
      'log prefix "a \\"q\\" # b" accept',
      `error 4:19 nft's strings have no escapes: the '"' after '\\' ends the string, and nft refuses what follows it ("syntax error, unexpected junk")`,
    ],
    [
      "inet",
      "input",
      'tcp dport 22 comment "ssh" accept',
      `error 4:30 unexpected 'accept' after the rule's comment: nft takes a comment only at the rule's end ("syntax error, unexpected accept, expecting newline or semicolon")`,
    ],
    [
      "inet",
      "input",
      "ct original saddr 198.51.100.1 accept",
      `error 4:3 'ct original saddr' says no family, and nothing before it in the rule does: nft refuses the rule ("cannot determine ip protocol version, use "ip saddr" or "ip6 saddr" instead")`,
    ],
    [
      "inet",
      "input",
      "ct state established ct reply daddr 198.51.100.1 accept",
      `error 4:24 'ct reply daddr' says no family, and nothing before it in the rule does: nft refuses the rule ("cannot determine ip protocol version, use "ip daddr" or "ip6 daddr" instead")`,
    ],
    [
      "bridge",
      "input",
      "ct saddr 198.51.100.1 accept",
      // (nft 1.0.6 says "cannot determine ip protocol version" here, and the kernel refuses the rule even with
      // a family before it: said so, in a bridge table whatever comes first.)
      `error 4:3 'ct saddr' in a bridge table: the kernel refuses the rule, whatever the rule matched before (nft: "Could not process rule: Address family not supported by protocol")`,
    ],
    [
      "ip6",
      "input",
      "ip6 exthdr frag exists accept",
      `error 4:7 'ip6 exthdr': nft refuses it ("syntax error, unexpected exthdr")`,
    ],
    [
      "inet",
      "input",
      "log flags all group 0 accept",
      `error 4:3 'log ... flags ... group': flags shapes the kernel's log line, and group sends the packet to a netlink listener (ulogd) instead: nft refuses the rule ("flags and group are mutually exclusive")`,
    ],
    [
      "inet",
      "input",
      'log prefix "x" group 2 level info accept',
      `error 4:3 'log ... level ... group': level shapes the kernel's log line, and group sends the packet to a netlink listener (ulogd) instead: nft refuses the rule ("level and group are mutually exclusive")`,
    ],
    [
      "inet",
      "forward",
      "meta l4proto tcp socket transparent 1 accept",
      `error 4:20 'socket' is only valid in a chain of hook prerouting, input and output, not forward: the kernel refuses the rule (nft: "Could not process rule: Operation not supported")`,
    ],
    [
      "inet",
      "input",
      "meta l4proto tcp tproxy ip to 127.0.0.1:1 accept",
      `error 4:20 'tproxy' is only valid in a chain of hook prerouting, not input: the kernel refuses the rule (nft: "Could not process rule: Operation not supported")`,
    ],
  ])("refuses in %s %s: %s (and says nothing else of it)", (family, hook, rule, said) => {
    expect(problems(family, hook, rule)).toEqual([said]);
  });

  it.each([
    ["inet", "input", "meta nfproto ipv4 ct original saddr 198.51.100.1 accept"],
    ["inet", "input", "ip saddr 198.51.100.2 ct original saddr 198.51.100.1 accept"],
    ["inet", "input", "ct original ip6 saddr ::1 accept"],
    ["ip", "input", "ct original saddr 198.51.100.1 accept"],
    ["inet", "input", "exthdr frag exists accept"],
    ["inet", "input", "log group 0 accept"],
    ["inet", "input", "log flags all accept"],
    ["inet", "input", "log snaplen 10 group 2 accept"],
  ])("takes in %s %s: %s", (family, hook, rule) => {
    expect(problems(family, hook, rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });

  it("takes socket in prerouting, input and output, and tproxy in prerouting", () => {
    for (const hook of ["prerouting", "input", "output"])
      expect(
        problems("inet", hook, "meta l4proto tcp socket transparent 1 accept").filter((p) =>
          p.startsWith("error"),
        ),
      ).toEqual([]);
    expect(
      problems("ip", "prerouting", "meta l4proto tcp tproxy to 127.0.0.1:1 accept").filter((p) =>
        p.startsWith("error"),
      ),
    ).toEqual([]);
  });

  /** The errors of a whole ruleset text, as `line:column message`. */
  const errorsOf = (text: string) =>
    parseRulesetFile(text, "r.nft")
      .diagnostics.filter((d) => d.severity === "error")
      .map((d) => `${d.position.line}:${d.position.column} ${d.message}`);

  it.each([
    [
      "a prefix",
      "type ipv4_addr",
      "198.51.100.0/24",
      "set s: element '198.51.100.0/24' is a prefix, which a set",
    ],
    ["a range", "type inet_service", "80-90", "set s: element '80-90' is a range, which a set"],
    [
      "a prefix in a concatenation",
      "type ipv4_addr . inet_service",
      "198.51.100.0/24 . 80",
      "set s: element '198.51.100.0/24",
    ],
  ])(
    "refuses %s in a named set without flags interval, and takes it with the flag",
    (_, type, element, said) => {
      const set = (flags: string) =>
        `table ip t {\n\tset s {\n\t\t${type}\n${flags}\t\telements = { ${element} }\n\t}\n}\n`;
      const [error, ...more] = errorsOf(set(""));
      expect(more).toEqual([]);
      expect(error?.startsWith(`4:16 ${said}`), error).toBe(true);
      expect(errorsOf(set("\t\tflags interval\n"))).toEqual([]);
    },
  );

  it.each([
    ["dnat to 198.51.100.3:80", "prerouting priority dstnat"],
    ["th dport 80 dnat to 198.51.100.3:80", "prerouting priority dstnat"],
    ["masquerade to :1024-65535", "postrouting priority srcnat"],
    ["redirect to :8080", "prerouting priority dstnat"],
  ])("refuses '%s' without a transport protocol before it, at the port as nft does", (rule, hook) => {
    const text = `table ip t {\nchain c {\ntype nat hook ${hook};\n${rule}\n}\n}\n`;
    const [error, ...more] = errorsOf(text);
    expect(more).toEqual([]);
    expect(error?.startsWith(`4:${rule.lastIndexOf(":") + 2} '`), error).toBe(true);
    expect(error).toMatch(/maps a port, but nothing before it says the transport protocol/);
    for (const first of ["tcp dport 80", "meta l4proto { tcp, udp }", "ip protocol tcp"])
      expect(errorsOf(text.replace(rule, `${first} ${rule}`))).toEqual([]);
  });

  it("refuses a jump to a base chain, a route chain outside output, and a NAT priority's name at another hook", () => {
    expect(
      errorsOf(
        "table ip t {\n\tchain o2 {\n\t\ttype filter hook output priority 0;\n\t}\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tjump o2\n\t}\n}\n",
      ),
    ).toEqual([
      `7:8 chain 'o2' is a base chain (hook output): the kernel refuses a jump to it (nft: "Could not process rule: Operation not supported")`,
    ]);
    expect(errorsOf("table ip t {\n\tchain c {\n\t\ttype route hook input priority 0;\n\t}\n}\n")).toEqual([
      `3:8 a chain of type route is only valid at hook output, not input: the kernel refuses it (nft: "Could not process rule: Operation not supported")`,
    ]);
    expect(errorsOf("table ip6 t {\n\tchain c {\n\t\ttype route hook output priority 0;\n\t}\n}\n")).toEqual(
      [],
    );
    expect(
      errorsOf("table ip t {\n\tchain c {\n\t\ttype nat hook output priority dstnat;\n\t}\n}\n"),
    ).toEqual([
      `3:24 priority 'dstnat' is only valid at hook prerouting, not output: nft refuses the chain ("invalid priority expression value in this context")`,
    ]);
    expect(
      errorsOf("table bridge t {\n\tchain c {\n\t\ttype filter hook forward priority dstnat;\n\t}\n}\n"),
    ).toHaveLength(1);
    expect(errorsOf("table ip t {\n\tchain c {\n\t\ttype nat hook output priority -100;\n\t}\n}\n")).toEqual(
      [],
    );
    expect(
      errorsOf("table bridge t {\n\tchain c {\n\t\ttype filter hook prerouting priority dstnat;\n\t}\n}\n"),
    ).toEqual([]);
  });

  it("takes log group with a tcp flags match after it, and ct l3proto as the rule's family", () => {
    expect(problems("inet", "input", "log group 1 tcp flags syn counter accept")).toEqual([]);
    expect(problems("inet", "input", "ct l3proto ipv4 ct original saddr 198.51.100.1 accept")).toEqual([]);
    expect(problems("inet", "input", "log snaplen 64 level info accept")).toEqual([
      `error 4:3 'log ... level ... group': level shapes the kernel's log line, and group sends the packet to a netlink listener (ulogd) instead: nft refuses the rule ("level and group are mutually exclusive")`,
    ]);
  });

  it("refuses a NAT in a regular chain a filter chain reaches by a jump or a verdict map, and takes it reached from nat chains alone", () => {
    const text = (from: string) =>
      `table ip t {\n\tchain a {\n\t\t${from}\n\t\tip daddr vmap { 198.51.100.2 : jump n }\n\t}\n\tchain n {\n\t\tdnat to 198.51.100.3\n\t}\n}\n`;
    expect(errorsOf(text("type filter hook forward priority 0;"))).toEqual([
      `7:3 'dnat' works only in a chain of type nat at hook prerouting or output, not in chain n, which a (a filter chain at hook forward) reaches by the jump at line 4: the kernel refuses the rule when the file is loaded ("Could not process rule: Operation not supported"), though nft -c takes it`,
    ]);
    expect(errorsOf(text("type nat hook prerouting priority dstnat;"))).toEqual([]);
  });

  it.each([
    [
      "ip",
      "input",
      'iifname "cali1234567890ab" accept',
      "4:11",
      "interface name 'cali1234567890ab' has 16 characters",
    ],
    [
      "ip",
      "input",
      'oifname { "eth0", "cali1234567890a*" } accept',
      "4:21",
      "interface name 'cali1234567890a*' has 16 characters",
    ],
    ["ip", "input", "meta pkttype otherhost drop", "4:16", "'otherhost' is not a packet type"],
    [
      "ip",
      "input",
      "numgen random mod 0 vmap { 0 : accept }",
      "4:3",
      "'numgen random mod 0' draws from no value",
    ],
    [
      "bridge",
      "forward",
      "ether type ip ct original saddr 198.51.100.1 accept",
      "4:17",
      "'ct original saddr' in a bridge table",
    ],
  ])("refuses in %s %s: %s (nft 1.0.6 refused it)", (family, hook, rule, at, said) => {
    const [error, ...more] = problems(family, hook, rule);
    expect(more).toEqual([]);
    expect(error?.startsWith(`error ${at} ${said}`), error).toBe(true);
  });

  it("takes a 15-character interface name and nft's packet type names", () => {
    expect(problems("ip", "input", 'iifname "cali1234567890a" accept')).toEqual([]);
    expect(problems("ip", "input", "meta pkttype { host, broadcast, multicast, other } accept")).toEqual([]);
    // A statement that sets the type (nft 1.0.6 loaded both, kernel 6.18): no packet type is 'set'.
    for (const rule of ["meta pkttype set host accept", "pkttype set unicast"])
      expect(problems("ip", "prerouting", rule).filter((p) => p.startsWith("error"))).toEqual([]);
    expect(
      problems("ip", "input", "numgen inc mod 2 vmap { 0 : accept, 1 : drop }").filter((p) =>
        p.startsWith("error"),
      ),
    ).toEqual([]);
  });
});
