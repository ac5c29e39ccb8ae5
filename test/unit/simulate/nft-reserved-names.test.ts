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

describe("in and out as names, and quoted names", () => {
  // nft 1.0.6 (`unshare -n nft -f`) took `chain in`, `chain out`, `jump in`, `goto out`, `add chain inet t in`
  // and `add rule inet t out jump in`, and listed them unquoted: they are no keywords to its parser.
  it("takes in and out as chain names, declared, jumped to and in commands", () => {
    expect(
      problems(
        "table inet t {\n chain c {\n  jump in\n  goto out\n }\n chain in {\n }\n chain out {\n }\n}\nadd chain inet t in2\nadd rule inet t in accept\n",
      ),
    ).toEqual([]);
  });

  // nft 1.0.6 -c -f refused every quoted name, keyword or not: "syntax error, unexpected quoted string,
  // expecting string" at 2:9 (`chain "in"`), 1:12 (`table inet "t"`), 2:7 (`set "s"`), 3:17 (`add rule
  // inet t "c"`), 2:18 (`add chain inet t "in"`); and `jump "foo"` at 3:10 ("... expecting '{'"). They were taken.
  it("refuses a quoted table, chain or set name, and a quoted jump target, where nft does", () => {
    const quoted = (name: string, what: string) =>
      `"${name}" is quoted: nft takes no quoted ${what} name ("syntax error, unexpected quoted string, expecting string")`;
    expect(problems('table inet t {\n  chain "in" {\n  }\n}\n')).toEqual([`2:9 ${quoted("in", "chain")}`]);
    expect(problems('table inet "t" {\n}\n')).toEqual([`1:12 ${quoted("t", "table")}`]);
    expect(problems('table inet t {\n  set "s" {\n    type ipv4_addr\n  }\n}\n')).toEqual([
      `2:7 ${quoted("s", "set")}`,
    ]);
    expect(problems('add table inet t\nadd chain inet t c\nadd rule inet t "c" accept\n')).toEqual([
      `3:17 ${quoted("c", "chain")}`,
    ]);
    expect(problems('add table inet t\nadd chain inet t "in"\n')).toEqual([`2:18 ${quoted("in", "chain")}`]);
    expect(problems('table inet t {\n  chain c {\n    jump "foo"\n  }\n  chain foo {\n  }\n}\n')).toEqual([
      `3:10 'jump "foo"': a quoted chain name: nft refuses it ("syntax error, unexpected quoted string, expecting '{'")`,
    ]);
  });

  it("takes a name nft -j made that nft's text cannot write, by its JSON", () => {
    // nft 1.0.6 -j -f made `chain "my chain"`; its `nft list ruleset` printed `chain my chain {`, which
    // nft -c -f refused. Its JSON listing was read as broken text ("expected '{' after chain my").
    const json = JSON.stringify({
      nftables: [
        { table: { family: "inet", name: "t", handle: 1 } },
        { chain: { family: "inet", table: "t", name: "my chain", handle: 1 } },
        { chain: { family: "inet", table: "t", name: "in", handle: 2 } },
      ],
    });
    const rs = parseRulesetFile(json, "k.json");
    expect(rs.diagnostics).toEqual([]);
    expect([...(rs.nft?.[0]?.chains.keys() ?? [])]).toEqual(["my chain", "in"]);
  });
});
