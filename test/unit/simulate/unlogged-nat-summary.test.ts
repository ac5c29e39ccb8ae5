/**
 * The simulator's report says the NAT done after a packet's last logged hook: MASQUERADE at nat
 * POSTROUTING (no LOG line shows the new source, as on a real host), and a published port's reply
 * getting its source back at POSTROUTING. The trace's own summaries and rewrites stay what its lines
 * show (a parse of the simulated log reads back the same).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { summaryWithUnloggedNat } from "../../../src/core/simulate/unlogged-nat.ts";
import { labWorld, logEverywhere } from "./helpers.ts";

const world = () => labWorld("docker-28", {}, logEverywhere());

/** The report's summaries of a scenario's packets, and the trace's own. */
function summaries(spec: Parameters<typeof runScenario>[1]) {
  const run = runScenario(world(), spec);
  const trace = toTrace(run.packets);
  return {
    report: trace.packets.map((p, i) =>
      summaryWithUnloggedNat(p, run.packets[i] as (typeof run.packets)[number]),
    ),
    trace,
  };
}

describe("the simulator report's summary of a packet", () => {
  it("says the MASQUERADE no line shows, and the reply's un-SNAT its lines show", () => {
    const { report, trace } = summaries({ from: "c1", to: "198.51.100.10", proto: "icmp" });
    expect(report).toEqual([
      "ICMP echo-request 172.17.0.2 -> 198.51.100.10, SNAT to 203.0.113.2",
      "ICMP echo-reply 198.51.100.10 -> 203.0.113.2, un-SNAT to 172.17.0.2",
    ]);
    // The trace is what its lines show: no rewrite on the request, nor a word of it in its summary.
    expect(trace.packets[0]?.rewrites).toEqual([]);
    expect(trace.packets[0]?.summary).toBe("ICMP echo-request 172.17.0.2 -> 198.51.100.10");
  });

  it("says a published port's reply leaves with the published address and port", () => {
    const { report } = summaries({ from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 });
    expect(report).toEqual([
      "TCP SYN 203.0.113.1:40000 -> 203.0.113.2:8080, DNAT to 172.17.0.2:80",
      "TCP SYN-ACK 172.17.0.2:80 -> 203.0.113.1:40000, un-DNAT to 203.0.113.2:8080",
      "TCP ACK 203.0.113.1:40000 -> 203.0.113.2:8080, DNAT to 172.17.0.2:80",
    ]);
  });

  it("adds nothing to a packet no NAT touched", () => {
    const { report } = summaries({ from: "c1", to: "172.17.0.3", proto: "icmp" });
    expect(report).toEqual([
      "ICMP echo-request 172.17.0.2 -> 172.17.0.3",
      "ICMP echo-reply 172.17.0.3 -> 172.17.0.2",
    ]);
  });
});
