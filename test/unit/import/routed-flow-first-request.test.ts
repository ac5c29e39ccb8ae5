/**
 * A peer that sent packets the host routed gets a route through the host. `inferLab` looks at each
 * flow's first request that shows the routing (a line with IN= and OUT=): a request logged only at
 * an early ingress chain (a fragment before reassembly, hv46) shows none, and once left the peer
 * without a route, so the check said "client has no route to the server". On the recorded
 * routed-lan-peer capture, with such a request put before the flow's first.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inferLab } from "../../../src/core/import/infer-lab.ts";
import type { Packet } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const input = join(import.meta.dirname, "../../fixtures/import/routed-lan-peer/input");
const read = (f: string) => JSON.parse(readFileSync(join(input, f), "utf8"));
const packets = parseTraceText(readFileSync(join(input, "kernel.log"), "utf8")).packets;
const material = {
  addr: read("ip-addr.json"),
  link: read("ip-link.json"),
  route: read("ip-route.json"),
  bridgeLink: read("bridge-link.json"),
};
const options = {
  containers: [],
  peers: [
    { name: "client", ip: "10.66.0.2" },
    { name: "server", ip: "203.0.113.20" },
  ],
};
const clientRoutes = (ps: Packet[]) =>
  inferLab(material, ps, options).hosts.find((h) => h.name === "client")?.routes ?? [];

describe("inferLab: the route of a peer whose first request shows no routing", () => {
  const first = packets.find((p) => p.direction === "request") as Packet;

  it("the recorded capture gives the client its default route through the host", () => {
    expect(clientRoutes(packets)).toContainEqual({ to: "default", via: "10.66.0.1", dev: "eth0" });
  });

  it("still does when the flow's first request was logged only at raw PREROUTING", () => {
    const early: Packet = { ...first, events: first.events.slice(0, 1), hooks: first.hooks.slice(0, 1) };
    expect(early.events[0]?.out).toBe("");
    expect(clientRoutes([early, ...packets])).toContainEqual({
      to: "default",
      via: "10.66.0.1",
      dev: "eth0",
    });
  });
});
