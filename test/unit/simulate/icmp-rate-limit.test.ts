/**
 * The kernel's per-destination ICMP error limit. Kernel 6.18, two namespaces over a veth (TEST-NET
 * addresses): 10 UDP datagrams 10 ms apart to a closed port drew 6 ICMP port unreachables, and the
 * receiver's IcmpOutRateLimitHost counted 4 (net.ipv4.icmp_ratelimit 1000, icmp_ratemask 6168); over IPv6
 * on a /64, 7 unreachables and Icmp6OutRateLimitHost 3 (net.ipv6.icmp.ratelimit 100), all 10 when sent
 * 300 ms apart. The simulator keeps no time: it sends every error and says, from the 7th on, that the
 * kernel sends it only if the packets came slower.
 */
import { describe, expect, it } from "vitest";
import { icmpErrorLimited } from "../../../src/core/simulate/icmp-rate-limit.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { labWorld } from "./helpers.ts";

describe("the ICMP error rate limit", () => {
  it("says from the 7th port unreachable to one destination on that it needs the packets to come slower", () => {
    const run = runScenario(labWorld(), {
      from: "c1",
      to: "172.17.0.3",
      proto: "udp",
      dport: 9999,
      closedPort: true,
      script: Array.from({ length: 8 }, () => ({ direction: "request" as const })),
    });
    const requests = run.packets.filter((p) => p.answers === undefined);
    const limited = requests.map((p) => p.notes.some((n) => n.includes("errors before this one")));
    expect(limited).toEqual([false, false, false, false, false, false, true, true]);
    expect(requests[6]?.notes).toContain(
      "c2 sent 172.17.0.2 6 ICMP errors before this one: the kernel lets 6 go to one destination at once, then one per second (net.ipv4.icmp_ratelimit=1000 ms), so it is sent only if the packets came slower than that (the simulator keeps no time)",
    );
    // Every error is still simulated.
    expect(run.packets.filter((p) => p.answers !== undefined)).toHaveLength(8);
  });

  it("limits the error types of the kernel's masks, not fragmentation needed or packet too big", () => {
    expect([3, 11, 12, 4].map((t) => icmpErrorLimited(t, 3, false))).toEqual([true, true, true, true]);
    expect(icmpErrorLimited(3, 4, false)).toBe(false);
    expect(icmpErrorLimited(0, 0, false)).toBe(false);
    expect([1, 3, 4].map((t) => icmpErrorLimited(t, 0, true))).toEqual([true, true, true]);
    expect(icmpErrorLimited(2, 0, true)).toBe(false);
  });
});
