/**
 * A named interval set whose elements overlap never loads: checked with nft 1.0.6 (`nft -c -f` in a
 * throwaway namespace), each case below as nft answered it. The reader read such a file and
 * simulated it.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

// The lookup of the set's own datatype: nft refuses another one ("datatype mismatch").
const LOOKUP: Record<string, string> = {
  ipv4_addr: "ip daddr",
  ipv6_addr: "ip6 daddr",
  inet_service: "tcp dport",
};
const withSet = (
  elements: string,
  type = "ipv4_addr",
  extra = "",
) => `table ${type === "ipv6_addr" ? "ip6" : "ip"} t {
	set s {
		type ${type}
		flags interval
${extra}		elements = { ${elements} }
	}
	chain fw {
		type filter hook forward priority filter; policy accept;
		${LOOKUP[type]} @s drop
	}
}
`;

/** The reader's problems, `line:column message`. */
const problems = (text: string) =>
  parseRulesetFile(text, "s.nft").diagnostics.map(
    (d) => `${d.position?.line}:${d.position?.column} ${d.severity} ${d.message}`,
  );

const refused = (line: number, column: number, element: string, other: string) =>
  `${line}:${column} error set s: element '${element}' overlaps '${other}': nft refuses an interval set's overlapping elements ("conflicting intervals specified"), and with them the whole file`;

describe("overlapping elements of an interval set", () => {
  it.each([
    ["10.2.0.0/24, 10.2.0.2-10.2.0.5", 29, "10.2.0.2-10.2.0.5", "10.2.0.0/24"],
    ["10.0.0.0/8, 10.1.0.0/16", 28, "10.1.0.0/16", "10.0.0.0/8"],
    ["10.0.0.0/24, 10.0.0.7", 29, "10.0.0.7", "10.0.0.0/24"],
    ["10.0.0.1-10.0.0.5, 10.0.0.5-10.0.0.9", 35, "10.0.0.5-10.0.0.9", "10.0.0.1-10.0.0.5"],
    // Written in the other order: the later one is named, where nft points.
    ["10.1.0.0/16, 10.0.0.0/8", 29, "10.0.0.0/8", "10.1.0.0/16"],
  ])("{ %s } is refused at the later element", (elements, column, element, other) => {
    expect(problems(withSet(elements))).toEqual([refused(5, column, element, other)]);
  });

  it("compares ports and IPv6 prefixes as numbers too", () => {
    expect(problems(withSet("10-20, 15-30", "inet_service"))).toEqual([refused(5, 23, "15-30", "10-20")]);
    expect(problems(withSet("2001:db8::/32, 2001:db8:1::/48", "ipv6_addr"))).toEqual([
      refused(5, 31, "2001:db8:1::/48", "2001:db8::/32"),
    ]);
  });

  it("takes what nft takes: an element written twice, ranges that only touch, auto-merge, an anonymous set", () => {
    expect(problems(withSet("10.0.0.1, 10.0.0.1"))).toEqual([]);
    expect(problems(withSet("10.0.0.1-10.0.0.5, 10.0.0.6-10.0.0.9"))).toEqual([]);
    expect(problems(withSet("10.0.0.0/8, 10.1.0.0/16", "ipv4_addr", "\t\tauto-merge\n"))).toEqual([]);
    expect(
      problems(
        withSet("10.9.0.0/16").replace("ip daddr @s drop", "ip daddr { 10.0.0.0/8, 10.1.0.0/16 } drop"),
      ),
    ).toEqual([]);
  });

  it("checks what a script leaves in the set: elements a flush took out do not count", () => {
    const script = `${withSet("10.0.0.0/8")}flush set ip t s
add element ip t s { 10.1.0.0/16 }
`;
    expect(problems(script)).toEqual([]);
    expect(
      problems(`${withSet("10.0.0.0/8")}add element ip t s { 10.1.0.0/16 }
`),
    ).toEqual([refused(12, 22, "10.1.0.0/16", "10.0.0.0/8")]);
  });

  it("finds an overlap among 90,000 elements by sorting, and one added by a later element line", () => {
    const many = Array.from({ length: 90_000 }, (_, k) => `10.${k >> 16}.${(k >> 8) & 255}.${k & 255}`);
    expect(problems(withSet(many.join(", ")))).toEqual([]);
    const text = withSet(many.join(", ")).replace(
      "\t}\n\tchain",
      "\t\telements = { 10.0.1.0/24 }\n\t}\n\tchain",
    );
    expect(problems(text)).toEqual([refused(6, 16, "10.0.1.0/24", "10.0.1.0")]);
  });
});
