import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import { packetDecision } from "../../../src/core/render/nft-listing-words.ts";
import { toNftListing } from "../../../src/core/render/to-nft-listing.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const ruleset = parseRulesetFile(
  [
    "table inet fw {",
    "\tchain input {",
    "\t\ttype filter hook input priority filter; policy drop;",
    '\t\tiifname "lo" accept',
    "\t\ttcp dport 22 accept",
    "\t}",
    "\tchain nat-in {",
    "\t\ttype nat hook prerouting priority dstnat; policy accept;",
    "\t}",
    "}",
  ].join("\n"),
  "fw.rules",
);

const event = (hook: string, extra: Partial<TraceEvent> = {}): TraceEvent => ({
  hook: hook as TraceEvent["hook"],
  prefix: "",
  source: "log",
  raw: "",
  position: { file: "x.log", line: 1, column: 1 },
  ...extra,
});

describe("toNftListing", () => {
  it("lists the named base chain without marks when the trace gives no verdicts", () => {
    const l = toNftListing(event("ip:fw:input"), ruleset);
    expect(l.verdictsKnown).toBe(false);
    expect(l.instrumentation).toBeUndefined();
    expect(l.baseChains.map((b) => [b.family, b.table, b.chain, b.status, b.priorityText, b.policy])).toEqual(
      [["inet", "fw", "input", "ran", "filter", "DROP"]],
    );
    expect(l.baseChains[0]?.declaration).toBe("type filter hook input priority filter; policy drop;");
    expect(l.baseChains[0]?.verdict).toBeUndefined();
    expect(l.baseChains[0]?.chains[0]?.rules.some((r) => r.matched)).toBe(false);
  });

  it("finds an inet table for the IPv4 hooks and marks the simulator's rule and verdict", () => {
    const l = toNftListing(
      event("ip:fw:input", {
        crossed: [
          { family: "ip", table: "packetwalk", chain: "log-input", verdict: "ACCEPT", matched: [] },
          {
            family: "ip",
            table: "fw",
            chain: "input",
            verdict: "ACCEPT",
            matched: [{ chain: "input", ruleLine: 5, text: "tcp dport 22 accept", verdict: "ACCEPT" }],
          },
        ],
      }),
      ruleset,
    );
    // packetwalk's own logging chain is not in the lab's ruleset: not listed.
    expect(l.baseChains.map((b) => `${b.family} ${b.table} ${b.chain}`)).toEqual(["inet fw input"]);
    expect(l.baseChains[0]?.verdict).toEqual({
      verdict: "accept",
      chain: "input",
      policy: false,
      final: false,
      by: "simulator",
    });
    const rules = l.baseChains[0]?.chains[0]?.rules ?? [];
    expect(rules.map((r) => r.matched ?? null)).toEqual([null, "accept"]);
    expect(rules[1]?.matchedBy).toBe("simulator");
  });

  it("says why the chain a line names did not run: a nat chain past the first packet", () => {
    const l = toNftListing(
      event("ip:fw:nat-in", {
        crossed: [{ family: "ip", table: "packetwalk", chain: "log-nat-in", verdict: "ACCEPT", matched: [] }],
      }),
      ruleset,
    );
    expect(l.baseChains.map((b) => [b.chain, b.status])).toEqual([["nat-in", "nat-skipped"]]);
  });

  it("names a chain that is not in the lab's ruleset as packetwalk's own", () => {
    const l = toNftListing(event("ip:packetwalk:trace-prerouting", { verdicts: [] }), ruleset);
    expect(l.instrumentation).toEqual({ family: "ip", table: "packetwalk", chain: "trace-prerouting" });
    expect(l.baseChains).toEqual([]);
  });

  it("takes the policy a TRACE reports as a final drop", () => {
    const l = toNftListing(
      event("ip:fw:input", {
        source: "nft-monitor",
        verdicts: [{ kind: "policy", chain: "input", verdict: "DROP" }],
      }),
      ruleset,
    );
    expect(l.baseChains[0]?.verdict).toMatchObject({
      verdict: "drop",
      policy: true,
      final: true,
      by: "kernel",
    });
    expect(l.baseChains[0]?.chains[0]?.policyApplied).toBe("DROP");
    expect(packetDecision([{ n: 2, chains: l.baseChains }])).toBe(
      "Decided at step 2: drop in inet fw input (policy) is final.",
    );
  });

  it("decides nothing when no verdict is known", () => {
    const l = toNftListing(event("ip:fw:input"), ruleset);
    expect(packetDecision([{ n: 1, chains: l.baseChains }])).toBeUndefined();
  });
});
