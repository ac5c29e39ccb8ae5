/**
 * A rule that names a set it fills (`add @s`, `update @s`, `delete @s`) or a stateful object (`counter
 * name`, `quota name`, `limit name`, `ct helper set`) that its table lacks never loads: nft 1.0.6
 * (`nft -c -f`, a throwaway namespace) refused each statement below alone in a chain ("No such file or
 * directory"), and took the file that declares them all, in a table or by script commands. The reader
 * took the statements as unmodelled (a vpngwgui listing cut from its set loaded without a word).
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

/** The reader's errors, `line:column message`. */
const errors = (text: string) =>
  parseRulesetFile(text, "t.nft")
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position?.line}:${d.position?.column} ${d.message}`);

const DECLARED = `table inet t {
	counter http { }
	quota q1 { over 1 mbytes }
	limit lim_400ppm { rate 400/minute }
	ct helper ftp-standard { type "ftp" protocol tcp; }
	set seen { type ipv4_addr; flags dynamic; }
	chain c {
		type filter hook input priority 0; policy accept;
		tcp dport 80 counter name "http"
		tcp dport 81 counter name http
		quota name "q1" drop
		limit name "lim_400ppm" accept
		update @seen { ip saddr } accept
		add @seen { ip saddr }
		delete @seen { ip saddr }
		counter name ip saddr map { 10.0.0.1 : "http" }
	}
	chain pre {
		type filter hook prerouting priority 0; policy accept;
		tcp dport 21 ct helper set "ftp-standard"
	}
}
`;

describe("sets and named objects a rule uses", () => {
  it("declared in the table, or by script commands: no error", () => {
    expect(errors(DECLARED)).toEqual([]);
    expect(
      errors(
        'add table inet t\nadd counter inet t http\nadd ct helper inet t ftp-standard { type "ftp" protocol tcp; }\nadd set inet t seen { type ipv4_addr; }\nadd chain inet t c { type filter hook input priority 0; policy accept; }\nadd rule inet t c tcp dport 80 counter name "http"\nadd rule inet t c ct helper set "ftp-standard"\nadd rule inet t c update @seen { ip saddr }\n',
      ),
    ).toEqual([]);
  });

  it.each([
    [
      "update @nosuch { ip saddr } accept",
      "set '@nosuch' does not exist in table inet t: nft refuses the rule ('update @nosuch')",
    ],
    [
      "add @nosuch { ip saddr }",
      "set '@nosuch' does not exist in table inet t: nft refuses the rule ('add @nosuch')",
    ],
    [
      "delete @nosuch { ip saddr }",
      "set '@nosuch' does not exist in table inet t: nft refuses the rule ('delete @nosuch')",
    ],
    ['limit name "nosuch" accept', "limit 'nosuch' does not exist in table inet t: nft refuses the rule"],
    ['counter name "nosuch"', "counter 'nosuch' does not exist in table inet t: nft refuses the rule"],
    ["quota name nosuch drop", "quota 'nosuch' does not exist in table inet t: nft refuses the rule"],
    ['ct helper set "nosuch"', "ct helper 'nosuch' does not exist in table inet t: nft refuses the rule"],
  ])("'%s' without its declaration is refused at the rule", (statement, message) => {
    expect(
      errors(
        `table inet t {\n\tchain c {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\t${statement}\n\t}\n}\n`,
      ),
    ).toEqual([`4:3 ${message}`]);
  });

  it("a set missing gives its error alone, not also a 'not modelled' warning for the statement", () => {
    const text =
      "table inet t {\n\tset seen { type ipv4_addr; flags dynamic; }\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tupdate @nosuch { ip saddr }\n\t\tdelete @nosuch { ip saddr }\n\t\tupdate @seen { ip saddr }\n\t}\n}\n";
    const said = parseRulesetFile(text, "t.nft").diagnostics.map(
      (d) => `${d.severity} ${d.position?.line} ${d.message.split(":")[0]}`,
    );
    expect(said.filter((d) => / [56] /.test(d))).toEqual([
      "error 5 set '@nosuch' does not exist in table inet t",
      "error 6 set '@nosuch' does not exist in table inet t",
    ]);
    // The set that exists: its statement is still said not to be modelled.
    expect(said).toContain("warning 7 statement 'update @seen { ip saddr}' is not modelled");
  });

  it("an object map keyed by osf or socket (nft -c takes both) names no object", () => {
    expect(
      errors(
        'table inet t {\n\tcounter c1 { }\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tcounter name osf name map { "Linux" : "c1" }\n\t\tcounter name socket mark map { 1 : "c1" }\n\t\tcounter name nosuch accept\n\t}\n}\n',
      ),
    ).toEqual(["7:3 counter 'nosuch' does not exist in table inet t: nft refuses the rule"]);
  });
});
