/**
 * A range written with spaces around its dash where a bound is a name (`tcp dport ssh - http`): nft's
 * parser reads the two words apart, each a name of its own, and stores the range of their numbers.
 * Checked with nft 1.0.6 on kernel 6.18 in a throwaway namespace (`unshare -n`): `nft -f` loaded each
 * rule of `TAKEN` and `nft list ruleset` printed it back as `LISTED`; `nft -c -f` refused each of `REFUSED`
 * with the words and at the column given.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";

/** `rule` alone in a chain of an inet table, on line 3 at column 5. */
const inChain = (rule: string) => `table inet t {\n  chain c {\n    ${rule}\n  }\n}\n`;

const read = (rule: string) => parseNftRuleset(inChain(rule), { file: "t.nft" });

describe("a range with spaces around its dash, of names", () => {
  // nft list ruleset printed `tcp dport 22-80`, `tcp dport { 22-80, 443 }`, `tcp dport != 22-80`,
  // `ip dscp 0x08-0x18` and `ip saddr . tcp dport { 10.0.0.1 . 22-80 }`; before, `- http` was read
  // as an expression not modelled and the rule as `tcp dport 22`.
  it("is the range of the names' numbers, alone, negated and in a set", () => {
    const conditions = (rule: string) => {
      const r = read(rule);
      expect(r.diagnostics).toEqual([]);
      return r.tables[0]?.chains.get("c")?.rules[0]?.conditions;
    };
    expect(conditions("tcp dport ssh - http")).toContainEqual({
      kind: "dport",
      range: { lo: 22, hi: 80 },
      neg: false,
    });
    expect(conditions("tcp dport ssh -http")).toContainEqual({
      kind: "dport",
      range: { lo: 22, hi: 80 },
      neg: false,
    });
    expect(conditions("tcp dport != ssh - http")).toContainEqual({
      kind: "dport",
      range: { lo: 22, hi: 80 },
      neg: true,
    });
    expect(conditions("tcp dport { ssh - http, 443 }")).toContainEqual({
      kind: "nft-set",
      key: "tcp dport",
      elements: [
        { kind: "range", lo: "22", hi: "80" },
        { kind: "value", value: "443" },
      ],
      neg: false,
    });
    expect(conditions("ip dscp 8 - cs3")).toEqual([
      { kind: "nft-set", key: "ip dscp", elements: [{ kind: "range", lo: "8", hi: "24" }], neg: false },
    ]);
  });

  it("keeps the rule's text whole", () => {
    // It was cut at the joined word's length (`tcp dport 22 -8`, `meta mark 1 -`).
    const text = (rule: string) => read(rule).tables[0]?.chains.get("c")?.rules[0]?.text;
    expect(text("tcp dport ssh - http accept")).toBe("tcp dport ssh - http accept");
    expect(text("meta mark 1 - 5")).toBe("meta mark 1 - 5");
    expect(text("tcp dport 22 -80")).toBe("tcp dport 22 -80");
  });
});

describe("a range with spaces nft refuses", () => {
  // nft -c -f: "Error: Range has zero or negative size" at 3:15-21 (`80 - 22`), 3:15-24 (`http - ssh`)
  // and 3:17-26 (`{ http - ssh }`); "Could not resolve service" at 3:21-25 (`bogus`). nft never lists
  // a range with spaces: `80 - 22` was read as a listing's side-by-side comparisons (a warning).
  const said = (rule: string) =>
    read(rule).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity}: ${d.message}`);
  it("a reversed one, at its first bound", () => {
    expect(said("tcp dport 80 - 22")).toEqual([
      "3:15 error: range '80 - 22' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
    expect(said("tcp dport http - ssh")).toEqual([
      "3:15 error: range 'http - ssh' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
    expect(said("tcp dport { http - ssh }")).toEqual([
      "3:17 error: range 'http - ssh' has zero or negative size: nft refuses it, and with it the whole file",
    ]);
  });
  it("a bound that is no service name, at that bound", () => {
    expect(said("tcp dport ssh - bogus")).toEqual([
      "3:21 error: 'bogus' is not a port or a service name of /etc/services: nft refuses it (\"Could not resolve service\"), and with it the whole file",
    ]);
  });
});

describe("a NAT statement's port range with spaces around its dash", () => {
  // nft 1.0.6 (-f, then list ruleset) took each and listed it `dnat to 10.0.0.1:80-90`,
  // `dnat to 10.0.0.1-10.0.0.3:80-90` and `dnat to [fd00::1]:80-90`; the reader refused the part after
  // the port as a statement after the NAT ("Statement after terminal statement has no effect").
  it.each([
    [
      "ip",
      "tcp dport 80 dnat to 10.0.0.1:80 - 90",
      { kind: "DNAT", addr: "10.0.0.1", port: { lo: 80, hi: 90 } },
    ],
    [
      "ip",
      "tcp dport 80 dnat to 10.0.0.1:80 -90",
      { kind: "DNAT", addr: "10.0.0.1", port: { lo: 80, hi: 90 } },
    ],
    [
      "ip",
      "tcp dport 80 dnat to 10.0.0.1 - 10.0.0.3:80 - 90",
      { kind: "DNAT", addr: "10.0.0.1", addrHi: "10.0.0.3", port: { lo: 80, hi: 90 } },
    ],
    [
      "ip6",
      "tcp dport 80 dnat to [fd00::1]:80 - 90",
      { kind: "DNAT", addr: "fd00::1", port: { lo: 80, hi: 90 }, family: "ip6" },
    ],
  ])("reads %s %s as nft lists it", (family, rule, target) => {
    const r = parseNftRuleset(
      `table ${family} t {\n  chain c {\n    type nat hook prerouting priority 0;\n    ${rule}\n  }\n}\n`,
      { file: "t.nft" },
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.tables[0]?.chains.get("c")?.rules[0]?.target).toEqual(target);
  });
});
