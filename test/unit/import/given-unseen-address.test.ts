/**
 * An address given on the command line for a host the log shows by another address (tester D6:
 * test/fixtures/import/docker29-v6-given-ipv4, a Docker 29 nftables host, kernel 6.18, nft 1.0.6,
 * dual-stack containers c1 192.168.0.2 + fd49:efd7:54aa::2 and c2 192.168.0.3 + fd49:efd7:54aa::3
 * on br-v6; the capture kept is c2's TCP to [fd49:efd7:54aa::2]:80, dropped by the ICC rule).
 * `--container c2=192.168.0.3 --container c2=fd49:efd7:54aa::3` gave "no packet of the log has
 * 192.168.0.3: the lab has no host for it" and a c2 with its IPv6 address alone, so `simulate --from
 * c2 --to 192.168.0.2` said "c2 has no route to 192.168.0.2", though the container had both (`ip
 * addr add 192.168.0.3/24` and its default route through 192.168.0.1 in the tester's setup). Now such
 * an address is kept on the host the name gives, with the routes its subnet gives, in a note; a name
 * no packet shows at all stays a warning (a typo, another capture's host).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { planImport } from "../../../src/core/import/plan-import.ts";
import { routeLookup } from "../../../src/core/simulate/route.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import type { Lab } from "../../../src/core/trace-file/schema.ts";

const fixtures = join(import.meta.dirname, "../../fixtures/import");
const docker = readMaterial(join(fixtures, "docker29-v6-given-ipv4/material"), {}, () => "");
const router = readMaterial(join(fixtures, "nat-router-dmesg/material"), {}, () => "");

const dockerPlan = (containers: string[]) =>
  planImport(docker, {
    lab: "v6g",
    date: "2026-12-07",
    containers: containers.map((c) => parseNamedAddress(c, "--container")),
    peers: [],
  });

const host = (lab: Lab | undefined, name: string) => lab?.hosts.find((h) => h.name === name);

describe("an address given for a host the log shows by another address", () => {
  it("keeps a dual-stack container's IPv4 that no packet has, with its routes, and says so", () => {
    const p = dockerPlan([
      "c1=192.168.0.2",
      "c1=fd49:efd7:54aa::2,mac=02:42:c0:a8:00:02",
      "c2=192.168.0.3",
      "c2=fd49:efd7:54aa::3",
    ]);
    expect(p.questions).toEqual([]);
    expect(p.unusedNames).toEqual([]);
    expect(p.notes).toContain(
      "--container c2=192.168.0.3 is given, but no packet of the log has 192.168.0.3: it is kept as an address of 'c2' on br-v6, with a route to 192.168.0.0/24 and a default route through 192.168.0.1",
    );
    const c2 = host(p.lab, "c2");
    expect(c2?.interfaces[1]?.addresses).toEqual(["192.168.0.3/24", "fd49:efd7:54aa::3/64"]);
    expect(c2?.routes).toEqual([
      { to: "default", via: "192.168.0.1", dev: "eth0" },
      { to: "192.168.0.0/24", dev: "eth0" },
      { to: "default", via: "fd49:efd7:54aa::1", dev: "eth0" },
      { to: "fd49:efd7:54aa::/64", dev: "eth0" },
    ]);
    // simulate --from c2 --to 192.168.0.2 said "c2 has no route to 192.168.0.2".
    const topo = buildTopology(p.lab as Lab);
    expect(routeLookup(topo, "c2", "192.168.0.2")).toMatchObject({ kind: "unicast", dev: "eth0" });
    expect(routeLookup(topo, "c2", "198.51.100.10")).toMatchObject({ kind: "unicast", via: "192.168.0.1" });
  });

  it("still warns of a name no packet shows, and of an address off the container's bridge", () => {
    const p = dockerPlan([
      "c1=fd49:efd7:54aa::2,mac=02:42:c0:a8:00:02",
      "c2=fd49:efd7:54aa::3",
      "c2=10.9.9.9",
      "c9=192.168.0.9",
    ]);
    expect(p.questions).toEqual([]);
    expect(host(p.lab, "c2")?.interfaces[1]?.addresses).toEqual(["fd49:efd7:54aa::3/64"]);
    expect(host(p.lab, "c9")).toBeUndefined();
    expect(p.unusedNames).toEqual([
      "--container c2=10.9.9.9 is given, but no packet of the log has 10.9.9.9: the lab has no host for it (a typo? the log's addresses are those the questions and scenarios name)",
      "--container c9=192.168.0.9 is given, but no packet of the log has 192.168.0.9: the lab has no host for it (a typo? the log's addresses are those the questions and scenarios name)",
    ]);
  });

  it("keeps a peer's second address on its link (nat-router-dmesg: laptop 192.0.2.2 on lan0)", () => {
    const p = planImport(router, {
      lab: "nat-router",
      date: "2026-12-07",
      containers: [],
      peers: ["laptop=192.0.2.2", "laptop=192.0.2.77"].map((x) => parseNamedAddress(x, "--peer")),
    });
    expect(p.questions).toEqual([]);
    expect(p.unusedNames).toEqual([]);
    expect(p.notes).toContain(
      "--peer laptop=192.0.2.77 is given, but no packet of the log has 192.0.2.77: it is kept as an address of 'laptop' on the host's lan0, with a route to 192.0.2.0/24",
    );
    expect(host(p.lab, "laptop")?.interfaces[1]?.addresses).toEqual(["192.0.2.2/24", "192.0.2.77/24"]);
  });
});
