/**
 * br_netfilter routes a bridged IPv4 frame whose destination PREROUTING rewrote (a DNAT, or a reply's
 * un-SNAT) through the routing input path. With `net.ipv4.ip_forward=0` that path gives an error route and
 * the kernel drops the frame silently: kernel 6.18 in namespaces (simcheck8 D2) timed out a DNAT to a
 * host on the same bridge (FORWARD counter 0, nothing reached it) and lost a MASQUERADEd ping's reply. The
 * old "bridged DNAT needs no ip_forward" fallback the simulator followed is dead code in current kernels.
 * A frame bridged without a rewrite, and IPv6, are not affected.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { labWorld } from "./helpers.ts";

const DNAT = {
  family: "ip" as const,
  table: "nat",
  chain: "PREROUTING",
  args: [
    "-d",
    "172.17.0.1/32",
    "-p",
    "tcp",
    "--dport",
    "9090",
    "-j",
    "DNAT",
    "--to-destination",
    "172.17.0.3:80",
  ],
};
const MASQUERADE = {
  family: "ip" as const,
  table: "nat",
  chain: "POSTROUTING",
  args: ["-s", "172.17.0.2/32", "-d", "172.17.0.3/32", "-j", "MASQUERADE"],
};
const LOST =
  "host does not forward (net.ipv4.ip_forward=0): after its destination was rewritten, br_netfilter routes the frame, and the route it gets drops it, with no ICMP error";

describe("a bridged frame whose destination PREROUTING rewrote, with net.ipv4.ip_forward=0", () => {
  it("a DNAT to a host on the same bridge is lost before FORWARD; with ip_forward=1 it is delivered", () => {
    const off = runScenario(labWorld("docker-28", { "net.ipv4.ip_forward": "0" }, [DNAT]), {
      from: "c1",
      to: "172.17.0.1",
      proto: "tcp",
      dport: 9090,
    });
    expect(off.packets[0]?.fate).toEqual({ kind: "lost", reason: LOST });
    expect(off.packets[0]?.events.map((e) => e.hook)).not.toContain("ip:filter:FORWARD");
    const on = runScenario(labWorld("docker-28", {}, [DNAT]), {
      from: "c1",
      to: "172.17.0.1",
      proto: "tcp",
      dport: 9090,
    });
    expect(on.packets[0]?.fate).toEqual({ kind: "delivered", host: "c2" });
  });

  it("a MASQUERADEd ping between two ports reaches c2, and its un-SNATed reply is lost", () => {
    const r = runScenario(labWorld("docker-28", { "net.ipv4.ip_forward": "0" }, [MASQUERADE]), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
    });
    expect(r.packets.map((p) => p.fate)).toEqual([
      { kind: "delivered", host: "c2" },
      { kind: "lost", reason: LOST },
    ]);
  });

  it("a frame bridged without a rewrite is not affected", () => {
    const r = runScenario(labWorld("docker-28", { "net.ipv4.ip_forward": "0" }), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
    });
    expect(r.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered"]);
  });
});
