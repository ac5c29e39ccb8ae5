/**
 * A simulated packet's summary says the NAT done after its last logged hook: MASQUERADE at nat
 * POSTROUTING (no LOG line shows the new source, as on a real host), and a published port's reply
 * getting its source back at POSTROUTING. The packets' own rewrites stay what their lines show.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { labWorld, logEverywhere } from "./helpers.ts";

const world = () => labWorld("docker-28", {}, logEverywhere());

describe("the summary of a simulated packet", () => {
  it("says the MASQUERADE no line shows, and the reply's un-SNAT its lines show", () => {
    const trace = toTrace(runScenario(world(), { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets);
    expect(trace.packets.map((p) => p.summary)).toEqual([
      "ICMP echo-request 172.17.0.2 -> 198.51.100.10, SNAT to 203.0.113.2",
      "ICMP echo-reply 198.51.100.10 -> 203.0.113.2, un-SNAT to 172.17.0.2",
    ]);
    // The request's rewrites are only what its lines show: none.
    expect(trace.packets[0]?.rewrites).toEqual([]);
  });

  it("says a published port's reply leaves with the published address and port", () => {
    const trace = toTrace(
      runScenario(world(), { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 }).packets,
    );
    expect(trace.packets.map((p) => p.summary)).toEqual([
      "TCP SYN 203.0.113.1:40000 -> 203.0.113.2:8080, DNAT to 172.17.0.2:80",
      "TCP SYN-ACK 172.17.0.2:80 -> 203.0.113.1:40000, un-DNAT to 203.0.113.2:8080",
      "TCP ACK 203.0.113.1:40000 -> 203.0.113.2:8080, DNAT to 172.17.0.2:80",
    ]);
  });

  it("adds nothing to a packet no NAT touched", () => {
    const trace = toTrace(runScenario(world(), { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets);
    expect(trace.packets.map((p) => p.summary)).toEqual([
      "ICMP echo-request 172.17.0.2 -> 172.17.0.3",
      "ICMP echo-reply 172.17.0.3 -> 172.17.0.2",
    ]);
  });
});
