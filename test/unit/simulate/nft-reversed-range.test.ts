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

describe("a reversed range outside a set, in a script written for nft -f", () => {
  // nft 1.0.6 refused each ("Error: Range has zero or negative size") at 3:29, 6:16, 7:13, 8:12 and 9:13; a
  // listing keeps its warning, since nft lists two comparisons side by side so (nft-side-by-side.test.ts).
  const lines = (text: string) =>
    parseNftRuleset(text, { file: "t.nft" }).diagnostics.map(
      (d) => `${d.position.line}:${d.position.column} ${d.severity}: ${d.message}`,
    );

  it("is nft's error at the range, in an 'add rule' command and in a table block after 'flush ruleset'", () => {
    const text = `flush ruleset
add table inet t
add chain inet t c { type filter hook input priority 0; policy accept; }
add rule inet t c tcp dport 1-0 accept
table inet t {
	chain c {
		tcp dport != 5-1 accept
		icmp code 8-0 accept
		ip saddr 10.0.0.9-10.0.0.1 accept
		meta mark 0x10-0x5 accept
		tcp dport 1-5 accept
	}
}
`;
    expect(lines(text)).toEqual([
      "4:29 error: range '1-0' has zero or negative size: nft refuses it, and with it the whole file",
      "7:16 error: range '5-1' has zero or negative size: nft refuses it, and with it the whole file",
      "8:13 error: range '8-0' has zero or negative size: nft refuses it, and with it the whole file",
      "9:12 error: range '10.0.0.9-10.0.0.1' has zero or negative size: nft refuses it, and with it the whole file",
      "10:13 error: range '0x10-0x5' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
    const rules = parseNftRuleset(text, { file: "t.nft" }).tables[0]?.chains.get("c")?.rules;
    expect(rules?.map((r) => r.line)).toEqual([11]);
  });

  it("stays a warning in a listing, which nft may have printed so", () => {
    expect(
      lines(
        "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport 1-0 accept\n\t}\n}\n",
      ),
    ).toEqual([
      expect.stringMatching(/^4:13 warning: 'tcp dport 1-0' is a range whose first value is above its last/),
    ]);
  });
});

describe("a reversed range from a number to a name", () => {
  // nft 1.0.6 (`unshare -n nft -c -f`) refused each: "Error: Range has zero or negative size", at
  // 3:18-23 (`1-host`: host is 0), 4:17-22 (`80-ssh`: ssh is 22), 5:15-19 (`8-cs0`) and 6:15-20
  // (`23-ssh`); it took `20-ssh` (20-22) and `0-broadcast` (0-1). They were read as words that
  // matched nothing, or refused without nft's words ('23-ssh' is not a port or port range).
  const text = `table inet t {
  chain c {
    meta pkttype 1-host
    tcp dport { 80-ssh }
    ip dscp { 8-cs0 }
    tcp dport 23-ssh
    tcp dport { 20-ssh } meta pkttype { 0-broadcast }
  }
}
`;

  it("is refused at the range, as nft refuses it, and the others are read", () => {
    const r = parseNftRuleset(text, { file: "t.nft" });
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      "3:18 range '1-host' has zero or negative size: nft refuses it, and with it the whole file",
      "4:17 range '80-ssh' has zero or negative size: nft refuses it, and with it the whole file",
      "5:15 range '8-cs0' has zero or negative size: nft refuses it, and with it the whole file",
      "6:15 range '23-ssh' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
    expect(r.tables[0]?.chains.get("c")?.rules.map((x) => x.line)).toEqual([7]);
  });

  it("of protocols too", () => {
    // nft 1.0.6: "Range has zero or negative size" at 3:19-24 (`ip protocol { 17-tcp }`), 3:18-23
    // (`meta l4proto 17-tcp`) and 3:17-22 (`ip protocol 60-gre`); they were taken as protocol names.
    const said = (rule: string) =>
      parseNftRuleset(`table inet t {\n  chain c {\n    ${rule}\n  }\n}\n`, {
        file: "t.nft",
      }).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`);
    const msg = (r: string) =>
      `range '${r}' has zero or negative size: nft refuses it, and with it the whole file`;
    expect(said("ip protocol { 17-tcp }")).toEqual([`3:19 ${msg("17-tcp")}`]);
    expect(said("meta l4proto 17-tcp")).toEqual([`3:18 ${msg("17-tcp")}`]);
    expect(said("ip protocol 60-gre")).toEqual([`3:17 ${msg("60-gre")}`]);
  });
});
