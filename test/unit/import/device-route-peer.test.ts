/**
 * A peer reached by a route without a gateway. test/fixtures/import/tailscale-device-route: a
 * Tailscale subnet router (kernel 6.18) whose tailscale0 holds 100.90.0.1/32 and whose route
 * `100.64.0.0/10 dev tailscale0` puts the tailnet on that link; every line of the peer 100.90.0.2
 * shows IN=tailscale0. import put the peer on the default gateway's loopback ("100.90.0.2 is on none
 * of the host's links: it is an address of 'wan', behind the host's gateway 203.0.113.1") and its own
 * check failed ("wan has no route to 192.168.50.10").
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { deviceRouteLink } from "../../../src/core/import/device-route-link.ts";
import { planImport } from "../../../src/core/import/plan-import.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const material = () =>
  readMaterial(
    join(import.meta.dirname, "../../fixtures/import/tailscale-device-route/material"),
    {},
    () => "",
  );
const tmp = tempDir("pw-import-device-route-");

describe("a peer on a device route's link", () => {
  const p = planImport(material(), {
    lab: "tailscale-subnet",
    date: "2026-12-07",
    hostName: "rtr",
    containers: [],
    peers: ["tspeer=100.90.0.2,mac=02:00:00:00:ff:02", "lan=192.168.50.10"].map((x) =>
      parseNamedAddress(x, "--peer"),
    ),
  });

  it("is put on that link, peered to the host's interface, with the route's prefix", () => {
    expect(p.questions).toEqual([]);
    const tspeer = p.lab?.hosts.find((h) => h.name === "tspeer");
    expect(tspeer?.interfaces[1]).toEqual({
      name: "eth0",
      mac: "02:00:00:00:ff:02",
      addresses: ["100.90.0.2/10"],
      kind: "other",
      peer: "rtr/tailscale0",
    });
    // It sent packets off the link (to the LAN): the host's tailscale0 address is its gateway.
    expect(tspeer?.routes).toEqual([
      { to: "default", via: "100.90.0.1", dev: "eth0" },
      { to: "100.64.0.0/10", dev: "eth0" },
    ]);
    const rtr = p.lab?.hosts.find((h) => h.name === "rtr");
    expect(rtr?.interfaces.find((i) => i.name === "tailscale0")?.peer).toBe("tspeer/eth0");
    expect(p.notes).toContain(
      "100.90.0.2 (tspeer) is on the host's tailscale0: the host's route 100.64.0.0/10 dev tailscale0 has no gateway, so its addresses are neighbours there (no address of tailscale0 covers 100.90.0.2)",
    );
    expect(p.notes.join("\n")).not.toMatch(/is on none of the host's links/);
  });

  it("and the check of its connection agrees with the kernel", () => {
    const folder = join(tmp(), "tailscale-subnet");
    writePlan(p, folder);
    const results = checkLab(folder).filter((r) => !r.trace.endsWith("zh-tw.json"));
    expect(results.map((r) => [r.trace.split("/").pop(), r.ok, r.report])).toEqual([
      ["tspeer-to-lan-trace", true, ""],
    ]);
  });
});

describe("deviceRouteLink", () => {
  const devices = new Set(["tailscale0", "wan0"]);
  const routes = [
    { dst: "default", gateway: "203.0.113.1", dev: "wan0" },
    { dst: "100.64.0.0/10", dev: "tailscale0", scope: "link" },
    { dst: "100.100.0.0/16", gateway: "203.0.113.1", dev: "wan0" },
    { dst: "100.90.9.9", dev: "tailscale0", scope: "link" },
    { dst: "100.91.0.0/16", type: "blackhole" },
    { dst: "100.92.0.0/16", dev: "other0", scope: "link" },
  ];

  it("takes the most specific route, as the kernel's lookup does", () => {
    expect(deviceRouteLink("100.90.0.2", routes, devices)).toEqual({
      dev: "tailscale0",
      prefix: "100.64.0.0/10",
    });
    expect(deviceRouteLink("100.90.9.9", routes, devices)).toEqual({
      dev: "tailscale0",
      prefix: "100.90.9.9/32",
    });
    // A longer route with a gateway: behind that gateway, on no link.
    expect(deviceRouteLink("100.100.1.1", routes, devices)).toBeUndefined();
    expect(deviceRouteLink("198.51.100.10", routes, devices)).toBeUndefined();
  });

  it("finds no link for a blackhole, another device, or the other family", () => {
    expect(deviceRouteLink("100.91.0.1", routes, devices)).toBeUndefined();
    expect(deviceRouteLink("100.92.0.1", routes, devices)).toBeUndefined();
    expect(deviceRouteLink("fd00::1", routes, devices)).toBeUndefined();
  });
});
