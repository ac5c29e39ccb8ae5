/**
 * A range whose upper bound is below its lower one: nft 1.0.6 refuses it ("Error: Range has zero or
 * negative size") and the whole file with it, so such a ruleset never ran; the reader says so where
 * it is, instead of reading a range that holds nothing.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";

describe("a range whose upper bound is below its lower one", () => {
  // nft 1.0.6 refused both: "Error: Range has zero or negative size", and the whole file with them.
  const text = `table inet t {
	set ports {
		type inet_service
		flags interval
		elements = { 100-50, 200-300 }
	}
	set nets {
		type ipv4_addr
		flags interval
		elements = { 10.0.0.9-10.0.0.1 }
	}
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport { 900-800 } drop
		tcp dport { 800-900 } drop
		tcp dport @ports drop
	}
}
`;

  it("is a positioned error, in a set's elements and in a rule's anonymous set, and the others are read", () => {
    const r = parseNftRuleset(text, { file: "t.nft" });
    expect(
      r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity}: ${d.message}`),
    ).toEqual([
      "5:16 error: range '100-50' has zero or negative size: nft refuses it, and with it the whole file",
      "10:16 error: range '10.0.0.9-10.0.0.1' has zero or negative size: nft refuses it, and with it the whole file",
      "14:15 error: range '900-800' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
    expect(r.diagnostics[0]?.hint).toBe("write the lower bound first");
    expect(r.tables[0]?.chains.get("input")?.rules.map((x) => x.line)).toEqual([15, 16]);
  });
});

describe("a reversed range as a map's key", () => {
  // nft 1.0.6 refused each: "r20.nft:5:16-21: Error: Range has zero or negative size", and at 9:27
  // and 10:20; they were read as keys that match nothing, without a word.
  const text = `table ip t {
	map m {
		type inet_service : ipv4_addr
		flags interval
		elements = { 100-50 : 10.0.0.1 }
	}
	chain c {
		type nat hook prerouting priority dstnat; policy accept;
		dnat to tcp dport map { 90-80 : 10.0.0.1 }
		tcp dport vmap { 100-50 : accept }
	}
}
`;

  it("is a positioned error, in a data map's elements and in a rule's own map or verdict map", () => {
    const r = parseNftRuleset(text, { file: "t.nft" });
    expect(
      r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity}: ${d.message}`),
    ).toEqual([
      "5:16 error: range '100-50' has zero or negative size: nft refuses it, and with it the whole file",
      "9:27 error: range '90-80' has zero or negative size: nft refuses it, and with it the whole file",
      "10:20 error: range '100-50' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
  });
});
