/**
 * The docker-bridge lab's fixed topology: names, addresses and MACs, chosen once
 * so that two captures give the same traces. Everything on the "internet" side
 * is TEST-NET (203.0.113.0/24, 198.51.100.0/24); the bridge is Docker's default
 * 172.17.0.0/16, which exists only inside the lab's namespaces.
 */
import type { Lab } from "../core/trace-file/schema.ts";

/** The lab's folder name under `traces/`. */
export const LAB_NAME = "docker-bridge";

/** Addresses and MACs of the lab (no prefix length unless named `...Cidr`). */
export const LAB = {
  bridge: "docker0",
  bridgeMac: "02:42:5e:1a:b0:01",
  bridgeIp: "172.17.0.1",
  subnetCidr: "172.17.0.0/16",
  c1Ip: "172.17.0.2",
  c1Mac: "02:42:ac:11:00:02",
  c2Ip: "172.17.0.3",
  c2Mac: "02:42:ac:11:00:03",
  hostEthMac: "52:54:00:12:34:02",
  hostEthIp: "203.0.113.2",
  wanEthMac: "52:54:00:12:34:01",
  wanEthIp: "203.0.113.1",
  linkPrefix: 24,
  /** The "internet server" in the WAN namespace. */
  serverIp: "198.51.100.10",
  /** The host port Docker publishes (`-p 8080:80`) and the container port. */
  publishedPort: 8080,
  containerPort: 80,
} as const;

/** The lab's four network namespace roles. */
export const ROLES = ["host", "c1", "c2", "wan"] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Namespace names of one run: `pw-<runId>-<role>`. */
export type NetnsNames = Record<Role, string>;

/** Matches the names the lab gives its namespaces, for `--cleanup`. */
export const NETNS_PATTERN = /^pw-[a-z0-9]{2}-(host|c1|c2|wan)$/;

/** The namespace names for run `runId` (two lower-case letters or digits). */
export function netnsNames(runId: string): NetnsNames {
  if (!/^[a-z0-9]{2}$/.test(runId))
    throw new Error(`run id must be two lower-case letters or digits, got '${runId}'`);
  return { host: `pw-${runId}-host`, c1: `pw-${runId}-c1`, c2: `pw-${runId}-c2`, wan: `pw-${runId}-wan` };
}

/** The topology as written to `traces/docker-bridge/lab.json` (namespaces shown as `pw-<run>-<role>`). */
export function labTopology(rulesets: string[]): Lab {
  const ns = (role: Role) => `pw-<run>-${role}`;
  return {
    version: 1,
    name: LAB_NAME,
    description:
      "Docker's default bridge network rebuilt in network namespaces: a Docker host with docker0 and two containers, and a WAN namespace on TEST-NET playing the internet.",
    hosts: [
      {
        name: "host",
        role: "docker-host",
        label: "Docker host",
        netns: ns("host"),
        interfaces: [
          { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
          {
            name: LAB.bridge,
            mac: LAB.bridgeMac,
            addresses: [`${LAB.bridgeIp}/16`],
            kind: "bridge",
          },
          { name: "veth-c1", kind: "veth", bridge: LAB.bridge, peer: "c1/eth0", addresses: [] },
          { name: "veth-c2", kind: "veth", bridge: LAB.bridge, peer: "c2/eth0", addresses: [] },
          {
            name: "eth0",
            mac: LAB.hostEthMac,
            addresses: [`${LAB.hostEthIp}/${LAB.linkPrefix}`],
            kind: "veth",
            peer: "wan/eth0",
          },
        ],
        routes: [
          { to: "default", via: LAB.wanEthIp, dev: "eth0" },
          { to: LAB.subnetCidr, dev: LAB.bridge },
          { to: `203.0.113.0/${LAB.linkPrefix}`, dev: "eth0" },
        ],
      },
      {
        name: "c1",
        role: "container",
        label: "container c1",
        netns: ns("c1"),
        interfaces: [
          { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
          { name: "eth0", mac: LAB.c1Mac, addresses: [`${LAB.c1Ip}/16`], kind: "veth", peer: "host/veth-c1" },
        ],
        routes: [
          { to: "default", via: LAB.bridgeIp, dev: "eth0" },
          { to: LAB.subnetCidr, dev: "eth0" },
        ],
      },
      {
        name: "c2",
        role: "container",
        label: "container c2",
        netns: ns("c2"),
        interfaces: [
          { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
          { name: "eth0", mac: LAB.c2Mac, addresses: [`${LAB.c2Ip}/16`], kind: "veth", peer: "host/veth-c2" },
        ],
        routes: [
          { to: "default", via: LAB.bridgeIp, dev: "eth0" },
          { to: LAB.subnetCidr, dev: "eth0" },
        ],
      },
      {
        name: "wan",
        role: "wan",
        label: "internet (TEST-NET)",
        netns: ns("wan"),
        interfaces: [
          { name: "lo", addresses: ["127.0.0.1/8", `${LAB.serverIp}/32`], kind: "loopback" },
          {
            name: "eth0",
            mac: LAB.wanEthMac,
            addresses: [`${LAB.wanEthIp}/${LAB.linkPrefix}`],
            kind: "veth",
            peer: "host/eth0",
          },
        ],
        routes: [{ to: `203.0.113.0/${LAB.linkPrefix}`, dev: "eth0" }],
      },
    ],
    sysctls: {
      "net.ipv4.ip_forward": "1",
      "net.bridge.bridge-nf-call-iptables": "1",
      "net.ipv6.conf.all.disable_ipv6": "1",
      "net.netfilter.nf_log_all_netns": "1",
    },
    ebtables: "nft",
    rulesets,
  };
}
