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
      `error 4:3 'ct saddr' says no family, and nothing before it in the rule does: nft refuses the rule ("cannot determine ip protocol version, use "ip saddr" or "ip6 saddr" instead")`,
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
});
