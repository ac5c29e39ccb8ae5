import { describe, expect, it } from "vitest";
import { fdbLookup, neighbourMac } from "../../../src/core/simulate/bridge-fdb.ts";
import { routeLookup } from "../../../src/core/simulate/route.ts";
import { buildTopology, isBroadcastAddress, isLocalAddress } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { labWorld } from "./helpers.ts";

const topo = labWorld().topology;

describe("routing and the bridge FDB over the recorded lab", () => {
  it("routes by longest prefix over connected subnets and the lab's routes", () => {
    expect(routeLookup(topo, "host", "172.17.0.3")).toEqual({
      kind: "unicast",
      dev: "docker0",
      via: undefined,
      src: "172.17.0.1",
      mtu: 1500,
    });
    expect(routeLookup(topo, "host", "198.51.100.10")).toEqual({
      kind: "unicast",
      dev: "eth0",
      via: "203.0.113.1",
      src: "203.0.113.2",
      mtu: 1500,
    });
    // A local address goes by lo, whose MTU is 65536.
    expect(routeLookup(topo, "host", "203.0.113.2")).toEqual({ kind: "local", mtu: 65536 });
    expect(routeLookup(topo, "c1", "198.51.100.10")).toMatchObject({
      dev: "eth0",
      via: "172.17.0.1",
      src: "172.17.0.2",
    });
    expect(routeLookup(topo, "wan", "172.17.0.2")).toEqual({ kind: "unreachable" });
  });

  it("gives the path MTU: a route's own over its device's, the device's over the default", () => {
    const lab = labSchema.parse({
      version: 1,
      name: "mtu",
      description: "A host with a 1400-byte link and a route with its own MTU.",
      hosts: [
        {
          name: "a",
          role: "docker-host",
          interfaces: [
            { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback", mtu: 16384 },
            { name: "eth0", addresses: ["203.0.113.2/24"], kind: "veth", mtu: 1400 },
          ],
          routes: [
            { to: "default", via: "203.0.113.1", dev: "eth0" },
            { to: "198.51.100.0/24", via: "203.0.113.1", dev: "eth0", mtu: 1280 },
          ],
        },
      ],
    });
    const t = buildTopology(lab);
    expect(routeLookup(t, "a", "203.0.113.9")).toMatchObject({ dev: "eth0", mtu: 1400 });
    expect(routeLookup(t, "a", "192.0.2.9")).toMatchObject({ dev: "eth0", mtu: 1400 });
    expect(routeLookup(t, "a", "198.51.100.9")).toMatchObject({ dev: "eth0", mtu: 1280 });
    expect(routeLookup(t, "a", "203.0.113.2")).toEqual({ kind: "local", mtu: 16384 });
  });

  it("picks the source the kernel picks on a device of several addresses, not the first listed (simcheck7 D1)", () => {
    // Kernel 6.18: `ip route get` from a host whose wan0 lists 10.99.0.10/24 first said src 203.0.113.10
    // (the gateway's subnet), and MASQUERADE used it; for IPv6 the longest prefix shared with the destination.
    const lab = labSchema.parse({
      version: 1,
      name: "src",
      description: "A host whose uplink has an unrelated address first.",
      hosts: [
        {
          name: "a",
          role: "docker-host",
          interfaces: [
            { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
            {
              name: "wan0",
              addresses: [
                "10.99.0.10/24",
                "203.0.113.10/24",
                "203.0.113.11/24",
                "2001:db8:99::10/64",
                "2001:db8:1::10/64",
                "fe80::1/64",
              ],
              kind: "veth",
            },
          ],
          routes: [
            { to: "default", via: "203.0.113.1", dev: "wan0" },
            { to: "::/0", via: "2001:db8:1::1", dev: "wan0" },
          ],
        },
      ],
    });
    const t = buildTopology(lab);
    expect(routeLookup(t, "a", "198.51.100.10")).toMatchObject({ via: "203.0.113.1", src: "203.0.113.10" });
    expect(routeLookup(t, "a", "10.99.0.20")).toMatchObject({ src: "10.99.0.10" });
    expect(routeLookup(t, "a", "2001:db8:1::1")).toMatchObject({ src: "2001:db8:1::10" });
    expect(routeLookup(t, "a", "2001:db8:99::7")).toMatchObject({ src: "2001:db8:99::10" });
    // Shared prefixes count bits: 2001:db8:5:: shares 45 with 2001:db8:1::, 40 with 2001:db8:99::.
    expect(routeLookup(t, "a", "2001:db8:5::1")).toMatchObject({ src: "2001:db8:1::10" });
    expect(routeLookup(t, "a", "2001:db8:9a::1")).toMatchObject({ src: "2001:db8:99::10" });
  });

  it("knows local and broadcast addresses", () => {
    expect(isLocalAddress(topo, "host", "172.17.0.1")).toBe(true);
    expect(isLocalAddress(topo, "host", "127.0.0.53")).toBe(true);
    expect(isLocalAddress(topo, "host", "172.17.0.2")).toBe(false);
    expect(isBroadcastAddress(topo, "host", "172.17.255.255")).toBe(true);
    expect(isBroadcastAddress(topo, "host", "172.17.0.255")).toBe(false);
  });

  it("finds the port behind a MAC, the bridge's own MAC, and the neighbour answering ARP", () => {
    expect(fdbLookup(topo, "host", "docker0", "02:42:ac:11:00:03")).toEqual({
      kind: "port",
      port: "veth-c2",
    });
    expect(fdbLookup(topo, "host", "docker0", "02:42:5e:1a:b0:01")).toEqual({ kind: "local" });
    expect(fdbLookup(topo, "host", "docker0", "02:00:00:00:00:99")).toEqual({ kind: "unknown" });
    expect(neighbourMac(topo, "c1", "eth0", "172.17.0.1")).toBe("02:42:5e:1a:b0:01");
    expect(neighbourMac(topo, "c1", "eth0", "172.17.0.3")).toBe("02:42:ac:11:00:03");
    expect(neighbourMac(topo, "host", "eth0", "203.0.113.1")).toBe("52:54:00:12:34:01");
  });
});

describe("ARP for an address the neighbour holds on another interface", () => {
  // A default route without a gateway (`default dev wg0`): ARP asks for the destination itself. Kernel
  // 6.18 (nft-mullvad lab, arp_ignore 0): the relay answered for 198.51.100.10 held on its loopback; a
  // neighbour solicitation for an IPv6 address held on the neighbour's loopback stayed INCOMPLETE.
  const lab = labSchema.parse({
    version: 1,
    name: "arp",
    description: "a host whose neighbour holds addresses on other interfaces",
    hosts: [
      {
        name: "a",
        role: "docker-host",
        interfaces: [
          {
            name: "eth0",
            mac: "02:00:00:00:00:0a",
            addresses: ["10.9.0.2/24"],
            kind: "veth",
            peer: "b/eth0",
          },
        ],
      },
      {
        name: "b",
        role: "other",
        interfaces: [
          {
            name: "lo",
            addresses: ["127.0.0.1/8", "198.51.100.10/32", "2001:db8:9::1/128"],
            kind: "loopback",
          },
          {
            name: "eth0",
            mac: "02:00:00:00:00:0b",
            addresses: ["10.9.0.1/24"],
            kind: "veth",
            peer: "a/eth0",
          },
          { name: "eth1", mac: "02:00:00:00:00:0c", addresses: ["192.0.2.1/24"], kind: "veth" },
        ],
      },
    ],
  });
  const t = buildTopology(lab);
  it("is answered by the interface the request reached, for any IPv4 address of its host", () => {
    expect(neighbourMac(t, "a", "eth0", "198.51.100.10")).toBe("02:00:00:00:00:0b");
    expect(neighbourMac(t, "a", "eth0", "192.0.2.1")).toBe("02:00:00:00:00:0b");
  });
  it("a gatewayless default serves IPv6 only where no route of that family is as long (nft-mullvad: IPv4 default dev wg0, IPv6 via the LAN)", () => {
    const two = buildTopology(
      labSchema.parse({
        ...lab,
        hosts: [
          {
            ...lab.hosts[0],
            interfaces: [
              ...(lab.hosts[0]?.interfaces ?? []),
              { name: "eth1", addresses: ["2001:db8:1::20/64"], kind: "other" },
            ],
            routes: [
              { to: "default", dev: "eth0" },
              { to: "::/0", via: "2001:db8:1::1", dev: "eth1" },
            ],
          },
          lab.hosts[1],
        ],
      }),
    );
    expect(routeLookup(two, "a", "2001:db8:ff::10")).toMatchObject({ dev: "eth1", via: "2001:db8:1::1" });
    expect(routeLookup(two, "a", "198.51.100.10")).toMatchObject({ dev: "eth0", via: undefined });
    expect(routeLookup(t, "a", "2001:db8:ff::10")).toEqual({ kind: "unreachable" });
  });
  it("but never for a loopback address, nor for IPv6 (neighbour discovery answers for the interface's own)", () => {
    expect(neighbourMac(t, "a", "eth0", "127.0.0.1")).toBeUndefined();
    expect(neighbourMac(t, "a", "eth0", "2001:db8:9::1")).toBeUndefined();
    expect(neighbourMac(t, "a", "eth0", "198.51.100.11")).toBeUndefined();
  });
});
