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
