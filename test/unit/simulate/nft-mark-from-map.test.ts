/**
 * A mark set from a concatenated key's map (`meta mark set iifname . ip daddr map { ... }`) is one
 * statement the simulator does not model: read whole (it was split at `ip | daddr` into a statement and
 * a match), so the mark is unknown after it and a later mark match is undecided, its drop named, not
 * passed over (rulesets45 #9: nft 1.0.6 loaded it and kernel 6.18 dropped the packet by its mark).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { onlyInputRule, preroutingAndInput, textWorld } from "./helpers.ts";

describe("a mark set from a map with a concatenated key", () => {
  it("is one unmodelled statement, whole", () => {
    const { rule, diagnostics } = onlyInputRule(
      'table inet t {\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tmeta mark set iifname . ip daddr map { "eth0" . 203.0.113.2 : 0x1 }\n\t}\n}\n',
      "t.nft",
    );
    expect(rule.conditions).toHaveLength(1);
    expect(rule.conditions[0]).toMatchObject({ kind: "unknown", acts: true });
    expect(diagnostics).toEqual([
      "expression 'meta mark set iifname . ip daddr map { \"eth0\" . 203.0.113.2 : 0x1}' is not modelled",
    ]);
  });

  it.each([
    'meta mark set iifname . ip daddr map { "eth0" . 203.0.113.2 : 0x1 }',
    "meta mark set ct original ip saddr . tcp dport map { 203.0.113.1 . 22 : 0x1 }",
  ])("leaves a later mark match undecided, its drop named: %s", (set) => {
    const w = textWorld(preroutingAndInput("", `${set}\n\t\tmeta mark 0x1 drop`));
    const p = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 22 }).packets[0];
    const match = p?.unmodelled.find((u) => u.line === 11);
    expect(match?.text).toBe("meta mark 0x1 drop");
    expect(match?.alternatives).toEqual(["if it matched: DROP"]);
    expect(p?.received?.markUnknown).toMatch(/^line 10: meta mark set /);
  });
});
