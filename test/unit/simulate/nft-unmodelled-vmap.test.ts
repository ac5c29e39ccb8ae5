/**
 * A verdict map on a key the model does not read (`meta iiftype`, `meta iifgroup`, `meta day`, `meta skuid`)
 * was taken for a match without a statement: "the same fate whichever way", then the policy's DROP as a
 * certain fate. A blog's ruleset sends every input packet through `meta iiftype vmap { ether : jump
 * ether_in }`: in namespaces on kernel 6.18 port 22 connected, where packetwalk said dropped (rulesets42
 * F1). nft also refuses iptables' `random-fully` (its flag is `fully-random`); the reader only warned (F7).
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { routedContext, synPacket } from "./helpers.ts";

const table = (vmap: string) =>
  parseNftRuleset(
    `table inet t {\n\tmap m { type iface_type : verdict; elements = { ether : jump ether_in } }\n\tchain ether_in {\n\t\ttcp dport 22 accept\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\t${vmap}\n\t}\n}\n`,
  );

describe("a verdict map on a key the model does not read", () => {
  it.each([
    "meta iiftype vmap { ether : jump ether_in }",
    "meta iiftype vmap @m",
    "meta iifgroup vmap { 0 : jump ether_in }",
  ])("'%s' follows the element's verdict and the way past it: uncertain, not a certain DROP", (vmap) => {
    const parsed = table(vmap);
    expect(parsed.diagnostics.map((d) => d.message)).toEqual([
      `verdict map on '${vmap.slice(0, vmap.indexOf(" vmap"))}' is not modelled`,
    ]);
    const run = runChain(parsed.tables[0] as TableDef, "input", synPacket({ dport: 22 }), routedContext());
    // Shown as the element's way (ether: jump, then accepted), with the policy's DROP as the other outcome.
    expect(run.verdict).toBe("ACCEPT");
    expect(run.unmodelled.map((u) => [u.line, u.alternatives])).toEqual([[8, ["another pick: DROP"]]]);
  });

  it("is decided when every way ends alike", () => {
    const parsed = table("meta iiftype vmap { ether : drop }");
    const run = runChain(parsed.tables[0] as TableDef, "input", synPacket({ dport: 22 }), routedContext());
    expect(run.verdict).toBe("DROP");
    expect(run.unmodelled).toEqual([]);
  });
});

describe("iptables' random-fully in an nft rule", () => {
  it("is refused at the word, with nft's spelling in the hint", () => {
    const parsed = parseNftRuleset(
      'table ip t {\n\tchain c {\n\t\ttype nat hook postrouting priority srcnat;\n\t\toifname "eth0" masquerade random-fully\n\t}\n}\n',
    );
    expect(parsed.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.hint])).toEqual([
      ["error", 4, 29, "write 'fully-random', as nft spells the flag"],
    ]);
  });
});
