/**
 * nft's scanner makes a map element's `:` a token of its own, whatever the spaces around it: real rulesets
 * write `{ 80: drop }`, `ipv6-icmp: jump icmp_in` and `new: accept` (whalewall's `add element` commands,
 * a blog's `meta iiftype vmap '{ loopback: accept }'`). Each form below loaded with nft 1.0.6 (`nft -f`, in
 * a throwaway namespace); the reader refused them as ports that are not services, or elements that are not
 * `KEY : VERDICT` (rulesets42 F3).
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { routedContext, synPacket } from "./helpers.ts";

const TEXT = `table inet t {
\tmap m { type inet_service: verdict; elements = { 80: drop, 443 :accept } }
\tchain input {
\t\ttype filter hook input priority 0; policy accept;
\t\ttcp dport vmap { 22: drop, 23 :drop }
\t\tmeta l4proto vmap { udp: drop }
\t\ttcp dport vmap @m
\t\tip6 daddr fe80:: accept
\t}
}
add element inet t m { 8080: drop }
`;

describe("a map element's colon without spaces", () => {
  const parsed = parseNftRuleset(TEXT, { file: "colon.nft" });
  const table = parsed.tables[0] as TableDef;
  it("loads, as nft loads it", () => {
    expect(parsed.diagnostics).toEqual([]);
  });
  it.each([
    [22, "DROP"],
    [23, "DROP"],
    [80, "DROP"],
    [443, "ACCEPT"],
    [8080, "DROP"],
    [9000, "ACCEPT"],
  ])("tcp port %i: %s", (dport, verdict) => {
    expect(runChain(table, "input", synPacket({ dport }), routedContext()).verdict).toBe(verdict);
  });
  it("keeps a port written after a colon alone (dnat to :8080) and an IPv6 key ending in '::'", () => {
    const nat = parseNftRuleset(
      "table ip n {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat;\n\t\ttcp dport 80 dnat to :8080\n\t}\n}\n",
    );
    expect(nat.diagnostics).toEqual([]);
    expect(nat.tables[0]?.chains.get("pre")?.rules[0]?.target).toMatchObject({ kind: "DNAT" });
  });
});

describe("a map element written without any space (ct state vmap {established:accept,invalid:drop})", () => {
  it("loads, and a key that is an IPv6 address keeps its colons", () => {
    const parsed = parseNftRuleset(
      "table inet t {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tct state vmap {established:accept,related:accept,invalid:drop}\n\t\ttcp dport vmap {80:accept, 22:drop}\n\t\tip6 saddr vmap { fe80::1: accept, ::ffff:1.2.3.4: drop }\n\t}\n}\n",
    );
    expect(parsed.diagnostics).toEqual([]);
    const table = parsed.tables[0] as TableDef;
    expect(runChain(table, "input", synPacket({ dport: 22 }), routedContext()).verdict).toBe("DROP");
    expect(runChain(table, "input", synPacket({ dport: 80 }), routedContext()).verdict).toBe("ACCEPT");
  });
});

describe("a person's comment after a rule's verdict", () => {
  it("is not read as an extension nft printed, whatever its words", () => {
    const parsed = parseNftRuleset(
      "table ip t {\n\tset bl { type ipv4_addr; }\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tip saddr @bl drop # match-set bl src (was: iptables -m set)\n\t\ttcp dport 22 accept # TPROXY redirect 127.0.0.1:1 is done elsewhere\n\t}\n}\n",
    );
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.tables[0]?.chains.get("input")?.rules.map((r) => r.target.kind)).toEqual([
      "DROP",
      "ACCEPT",
    ]);
  });
});

describe("a map range written with spaces, and an IPv6 key ending in '::' against its colon", () => {
  // Both loaded with nft 1.0.6 (`nft -c -f` and `nft -f` in a throwaway namespace); the reader refused them.
  const parsed = parseNftRuleset(
    "table inet t {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport vmap { 80 - 90 : accept, 22 : drop }\n\t\tip6 saddr vmap { 2001:db8::: drop, fd00::1 : accept }\n\t\tip saddr . tcp dport vmap { 10.0.0.1 . 1000 - 2000 : drop }\n\t}\n}\n",
  );
  const table = parsed.tables[0] as TableDef;
  it("loads, as nft loads it", () => {
    expect(parsed.diagnostics).toEqual([]);
  });
  it.each([
    [85, "ACCEPT"],
    [22, "DROP"],
    [1500, "DROP"],
    [2500, "ACCEPT"],
  ])("tcp port %i: %s", (dport, verdict) => {
    expect(runChain(table, "input", synPacket({ dport }), routedContext()).verdict).toBe(verdict);
  });
  it("reads the IPv6 key whole: 2001:db8:: drops, another source does not", () => {
    const v6 = (src: string) =>
      runChain(
        table,
        "input",
        synPacket({ v6: true, src, dst: "2001:db8::2", dport: 5000 }),
        routedContext({ ethType: "0x86dd" }),
      ).verdict;
    expect(v6("2001:db8::")).toBe("DROP");
    expect(v6("2001:db8::5")).toBe("ACCEPT");
  });
});

describe("ranges written with spaces in anonymous sets, named sets and maps (review43)", () => {
  // Loaded with nft 1.0.6; the reader took `{ 1000 - 1010 }` as three values and named elements as their low bound.
  const parsed = parseNftRuleset(
    "table inet t {\n\tset s {\n\t\ttype inet_service\n\t\tflags interval\n\t\telements = { 80 - 90, 100 }\n\t}\n\tmap m {\n\t\ttype inet_service : verdict\n\t\tflags interval\n\t\telements = { 200 - 210 : drop }\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter - 5; policy accept;\n\t\ttcp dport { 1000 - 1010 } drop\n\t\ttcp dport @s drop\n\t\ttcp dport vmap @m\n\t\ttcp dport vmap { 300 -310 : drop, 400- 410 : drop }\n\t}\n}\n",
  );
  const table = parsed.tables[0] as TableDef;
  it("loads, the chain's priority arithmetic untouched", () => {
    expect(parsed.diagnostics).toEqual([]);
    expect(table.chains.get("input")?.base?.priority).toBe(-5);
  });
  it.each([
    [1005, "DROP"],
    [85, "DROP"],
    [90, "DROP"],
    [205, "DROP"],
    [305, "DROP"],
    [405, "DROP"],
    [95, "ACCEPT"],
    [2000, "ACCEPT"],
  ])("tcp port %i: %s", (dport, verdict) => {
    expect(runChain(table, "input", synPacket({ dport }), routedContext()).verdict).toBe(verdict);
  });
});

describe("a range of variables in an nft -f script (review43b)", () => {
  it("is one value once they are expanded: { $a - $b } drops 70 to 90", () => {
    const parsed = parseNftRuleset(
      "define a = 70\ndefine b = 90\ntable inet t {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport { $a - $b } drop\n\t}\n}\n",
    );
    expect(parsed.diagnostics).toEqual([]);
    const table = parsed.tables[0] as TableDef;
    for (const [dport, verdict] of [
      [70, "DROP"],
      [80, "DROP"],
      [91, "ACCEPT"],
    ] as const)
      expect(runChain(table, "input", synPacket({ dport }), routedContext()).verdict, String(dport)).toBe(
        verdict,
      );
  });
});
