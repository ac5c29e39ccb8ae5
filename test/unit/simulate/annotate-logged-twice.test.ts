/**
 * A chain that prints two LOG lines for one packet (a rule in FORWARD and another in a chain it
 * jumps to): the recorded trace agrees with the prediction line by line, and the base chains a
 * line stands for are split between the two: the first holds the chain, the second what follows.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { annotateTrace } from "../../../src/core/simulate/annotate-trace.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { labWorld } from "./helpers.ts";

const RULES = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j LOG --log-prefix "t/iptable/mangle-PREROUTING "
-A POSTROUTING -j LOG --log-prefix "t/iptable/mangle-POSTROUTING "
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:ISO - [0:0]
-A FORWARD -j LOG --log-prefix "fw/iptable/filter-FORWARD "
-A FORWARD -j ISO
-A ISO -j LOG --log-prefix "iso/iptable/filter-FORWARD "
COMMIT
`;

describe("a packet logged twice in one chain", () => {
  it("agrees, and each line's crossed chains are its own", () => {
    const world = { ...labWorld(), ruleset: parseRulesetFile(RULES, "x.rules") };
    const run = runScenario(world, { from: "c1", to: "172.17.0.3", proto: "icmp" });
    const parsed = parseTraceText(`${toTrace(run.packets).lines.join("\n")}\n`);
    expect(parsed.packets[0]?.hooks).toEqual([
      "ip:mangle:PREROUTING",
      "ip:filter:FORWARD",
      "ip:filter:FORWARD",
      "ip:mangle:POSTROUTING",
    ]);
    const a = annotateTrace(world, parsed, { from: "c1", proto: "icmp" });
    expect(a.divergences).toEqual([]);
    const crossed = a.trace.packets[0]?.events.map((e) => [
      e.prefix.split("/")[0],
      e.crossed?.map((c) => `${c.table}:${c.chain}`),
    ]);
    expect(crossed).toEqual([
      ["t", ["mangle:PREROUTING", "mangle:FORWARD"]],
      ["fw", ["filter:FORWARD"]],
      ["iso", []],
      ["t", ["mangle:POSTROUTING"]],
    ]);
  });
});
