/**
 * Import gives `wan` a route through the host to what the log shows it reaching there (a network behind
 * the host, another link, an address the host translates). A route to an address no host routes through a
 * gateway is never written: a loopback address (wan's own kernel keeps 127.0.0.0/8 to itself, its local
 * table before any route: on kernel 6.18 a route 127.0.0.1/32 via a neighbour left `ping 127.0.0.1` on
 * lo), the unspecified address, a multicast group or the limited broadcast. A lab a tester imported from
 * Docker 29's "D5" material (wan's hand-made frame to the host's 127.0.0.1:8080) held `127.0.0.1/32 via
 * 203.0.113.10` for wan, with no effect and no note; each place that writes such a route now refuses
 * one to these addresses and says why in a note.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMaterial } from "../../../src/cli/import-command.ts";
import { type Iface, routeThroughHost } from "../../../src/core/import/infer-lab.ts";
import { planImport } from "../../../src/core/import/plan-import.ts";
import type { LabHost } from "../../../src/core/trace-file/schema.ts";

/** wan as import makes it: 203.0.113.1/24 on eth0, across the host's wan0 (203.0.113.10/24). */
const wan = (): LabHost => ({
  name: "wan",
  role: "wan",
  label: "internet (behind the host's gateway)",
  interfaces: [
    { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
    { name: "eth0", addresses: ["203.0.113.1/24", "2001:db8:1::1/64"], kind: "other", peer: "host/wan0" },
  ],
  routes: [{ to: "203.0.113.0/24", dev: "eth0" }],
});
const wan0: Iface = { name: "wan0", addresses: ["203.0.113.10/24", "2001:db8:1::10/64"], kind: "veth" };

describe("a route for wan through the host", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1/32", "it is a loopback address, which its own kernel keeps to itself"],
    ["127.0.1.1", "127.0.1.1/32", "it is a loopback address"],
    ["::1", "::1/128", "it is a loopback address"],
    ["0.0.0.0", "0.0.0.0/32", "it is the unspecified address"],
    ["239.1.2.3", "239.1.2.3/32", "it is a multicast or broadcast address"],
    ["255.255.255.255", "255.255.255.255/32", "it is a multicast or broadcast address"],
    ["ff02::1", "ff02::1/128", "it is a multicast or broadcast address"],
  ])("is not written to %s, and a note says why", (dst, to, why) => {
    const host = wan();
    const notes: string[] = [];
    expect(routeThroughHost(host, wan0, dst, to, notes)).toBeUndefined();
    expect(host.routes).toEqual([{ to: "203.0.113.0/24", dev: "eth0" }]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`no route to ${dst} is written for 'wan': ${why}`);
  });

  it("is written to an address a host routes (the translated one of the home router)", () => {
    const host = wan();
    const notes: string[] = [];
    expect(routeThroughHost(host, wan0, "198.51.100.77", "198.51.100.77/32", notes)).toBe("203.0.113.10");
    expect(host.routes).toContainEqual({ to: "198.51.100.77/32", via: "203.0.113.10", dev: "eth0" });
    expect(notes).toEqual([]);
  });

  it("the D5 material (wan's hand-made SYN to the host's 127.0.0.1:8080): wan gets no route to 127.0.0.1", () => {
    const m = readMaterial(join(import.meta.dirname, "../../fixtures/import/remote-loopback"), {}, () => "");
    const p = planImport(m, { lab: "d29-lo", date: "2026-12-07", containers: [], peers: [] });
    const routes = p.lab?.hosts.find((h) => h.name === "wan")?.routes ?? [];
    expect(routes).toEqual([{ to: "203.0.113.0/24", dev: "eth0" }]);
    expect(p.scenarios.map((s) => s.meta.description)).toEqual([
      "TCP from 203.0.113.1 to 127.0.0.1, imported from a kernel log (1 packet).",
    ]);
  });
});
