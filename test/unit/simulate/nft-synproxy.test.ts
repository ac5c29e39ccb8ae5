/**
 * nft's `synproxy` statement, inline or by name (a map of names too, as nftables' own tests/py/ip/objects.t
 * writes it): nft_synproxy_eval answers a SYN with the host's cookie and the SYN goes no further. The reader
 * took it for a match that never decides: a ruleset ending in `counter drop` showed a certain DROP blamed
 * on an empty ban set, where in namespaces on kernel 6.18 the client got the SYN-ACK; the map form was
 * refused ("'map' is not a port") though nft loads it (rulesets42 F2, F6).
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { routedContext, synPacket } from "./helpers.ts";

const table = (statement: string) =>
  parseNftRuleset(
    `table ip t {\n\tsynproxy sp1 { mss 1460; wscale 7; }\n\tsynproxy sp2 { mss 1460; wscale 7; timestamp sack-perm; }\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 80 ${statement}\n\t\ttcp dport 80 drop\n\t}\n}\n`,
  );

describe("nft synproxy", () => {
  it.each([
    "synproxy mss 1460 wscale 7 timestamp sack-perm",
    'synproxy name "sp1"',
    'synproxy name tcp dport map { 443 : "sp1", 80 : "sp2" }',
  ])("'%s' ends a SYN's walk there, said with why; other packets go on", (statement) => {
    const parsed = table(statement);
    expect(parsed.diagnostics.map((d) => [d.severity, d.position.line, d.message])).toEqual([
      [
        "warning",
        6,
        `'${statement.replace(" }", "}")}' answers a SYN with the host's own SYN cookie and takes the client's ACK, which the simulator does not model`,
      ],
    ]);
    const t = parsed.tables[0] as TableDef;
    const syn = runChain(t, "input", synPacket(), routedContext());
    expect(syn.steps.map((s) => [s.line, s.verdict])).toEqual([[6, "DROP"]]);
    expect(syn.unmodelled[0]?.what).toMatch(/answered this SYN with a SYN cookie of its own/);
    // A FIN is neither the SYN nor the client's ACK: the next rule decides.
    const fin = runChain(t, "input", synPacket({ tcpFlags: ["FIN", "ACK"] }), routedContext());
    expect(fin.steps.at(-1)?.line).toBe(7);
  });
});
