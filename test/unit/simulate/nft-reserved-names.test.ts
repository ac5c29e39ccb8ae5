/**
 * A keyword as a table's, chain's or set's name: nft 1.0.6 refused each of these declared with
 * `nft -c -f` ("syntax error, unexpected fwd, expecting string"), and took the names below them.
 * simcheck12 and rulesets45 met `chain fwd` in hand-written rulesets, which packetwalk took.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const problems = (text: string, file = "k.nft") =>
  parseRulesetFile(text, file).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`);

describe("a keyword as a name", () => {
  it("is refused at the name for a chain, a set and a table", () => {
    const text =
      "table inet t {\n chain fwd {\n  type filter hook forward priority 0; policy accept;\n }\n set log {\n  type ipv4_addr\n }\n}\ntable ip counter {\n}\n";
    expect(problems(text)).toEqual([
      `2:8 'fwd' is an nft keyword and cannot name a chain: nft refuses it ("syntax error, unexpected fwd, expecting string")`,
      `5:6 'log' is an nft keyword and cannot name a set: nft refuses it ("syntax error, unexpected log, expecting string")`,
      `9:10 'counter' is an nft keyword and cannot name a table: nft refuses it ("syntax error, unexpected counter, expecting string")`,
    ]);
  });

  it.each(["input", "forward", "filter", "nat", "state", "new", "protocol", "saddr", "docker-user", "wan"])(
    "takes %s, as nft did",
    (name) => {
      expect(
        problems(`table inet ${name} {\n chain ${name} {\n }\n set ${name}-s {\n  type ipv4_addr\n }\n}\n`),
      ).toEqual([]);
    },
  );

  it("takes such a name from nft -j, whose JSON has no keywords", () => {
    const json = JSON.stringify({
      nftables: [
        { table: { family: "inet", name: "t", handle: 1 } },
        {
          chain: {
            family: "inet",
            table: "t",
            name: "log",
            handle: 1,
            type: "filter",
            hook: "input",
            prio: 0,
            policy: "accept",
          },
        },
        { rule: { family: "inet", table: "t", chain: "log", handle: 2, expr: [{ drop: null }] } },
      ],
    });
    const rs = parseRulesetFile(json, "k.json");
    expect(rs.diagnostics).toEqual([]);
    expect(rs.nft?.[0]?.chains.get("log")?.rules.map((r) => r.target.kind)).toEqual(["DROP"]);
  });
});
