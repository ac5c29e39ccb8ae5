/**
 * The ordered commands that build the docker-bridge lab, each with its inverse
 * where one is needed. Pure: it returns argument arrays, the runner executes them.
 * Every link is created directly inside a lab namespace, so nothing ever appears
 * in the init namespace; deleting the four namespaces undoes everything.
 */
import { LAB, type NetnsNames, ROLES } from "./lab-topology.ts";

/** One step of a plan: a command and, when it creates something, the command that removes it. */
export interface PlanStep {
  /** The command, as an argument array. */
  argv: string[];
  /** The command that undoes it (run in reverse order on teardown); absent when deleting a namespace undoes it. */
  undo?: string[];
}

const sysctl = (ns: string, key: string, value: string): string[] => [
  "ip",
  "netns",
  "exec",
  ns,
  "sysctl",
  "-q",
  "-w",
  `${key}=${value}`,
];

/** The commands that build the lab in the namespaces `names`, in order. */
export function buildLabPlan(names: NetnsNames): PlanStep[] {
  const steps: PlanStep[] = [];
  const add = (argv: string[], undo?: string[]) => steps.push(undo ? { argv, undo } : { argv });
  for (const role of ROLES) add(["ip", "netns", "add", names[role]], ["ip", "netns", "delete", names[role]]);
  for (const role of ROLES) {
    const ns = names[role];
    // No IPv6: no router solicitations or neighbour discovery in the logs.
    add(sysctl(ns, "net.ipv6.conf.all.disable_ipv6", "1"));
    add(sysctl(ns, "net.ipv6.conf.default.disable_ipv6", "1"));
    add(["ip", "-n", ns, "link", "set", "lo", "up"]);
  }
  const { host, c1, c2, wan } = names;
  add(["ip", "-n", host, "link", "add", LAB.bridge, "address", LAB.bridgeMac, "type", "bridge"]);
  add(["ip", "-n", host, "addr", "add", `${LAB.bridgeIp}/16`, "dev", LAB.bridge]);
  for (const [ns, ip, mac, port] of [
    [c1, LAB.c1Ip, LAB.c1Mac, "veth-c1"],
    [c2, LAB.c2Ip, LAB.c2Mac, "veth-c2"],
  ] as const) {
    add([
      "ip",
      "-n",
      ns,
      "link",
      "add",
      "eth0",
      "address",
      mac,
      "type",
      "veth",
      "peer",
      "name",
      port,
      "netns",
      host,
    ]);
    add(["ip", "-n", host, "link", "set", port, "master", LAB.bridge]);
    add(["ip", "-n", host, "link", "set", port, "up"]);
    add(["ip", "-n", ns, "addr", "add", `${ip}/16`, "dev", "eth0"]);
    add(["ip", "-n", ns, "link", "set", "eth0", "up"]);
    add(["ip", "-n", ns, "route", "add", "default", "via", LAB.bridgeIp]);
    // Static neighbours: no ARP exchange in the middle of a scenario.
    add([
      "ip",
      "-n",
      ns,
      "neigh",
      "replace",
      LAB.bridgeIp,
      "lladdr",
      LAB.bridgeMac,
      "dev",
      "eth0",
      "nud",
      "permanent",
    ]);
    add(["ip", "-n", host, "neigh", "replace", ip, "lladdr", mac, "dev", LAB.bridge, "nud", "permanent"]);
  }
  add(["ip", "-n", c1, "neigh", "replace", LAB.c2Ip, "lladdr", LAB.c2Mac, "dev", "eth0", "nud", "permanent"]);
  add(["ip", "-n", c2, "neigh", "replace", LAB.c1Ip, "lladdr", LAB.c1Mac, "dev", "eth0", "nud", "permanent"]);
  add(["ip", "-n", host, "link", "set", LAB.bridge, "up"]);
  add([
    "ip",
    "-n",
    host,
    "link",
    "add",
    "eth0",
    "address",
    LAB.hostEthMac,
    "type",
    "veth",
    "peer",
    "name",
    "eth0",
    "address",
    LAB.wanEthMac,
    "netns",
    wan,
  ]);
  add(["ip", "-n", host, "addr", "add", `${LAB.hostEthIp}/${LAB.linkPrefix}`, "dev", "eth0"]);
  add(["ip", "-n", host, "link", "set", "eth0", "up"]);
  add(["ip", "-n", wan, "addr", "add", `${LAB.wanEthIp}/${LAB.linkPrefix}`, "dev", "eth0"]);
  add(["ip", "-n", wan, "addr", "add", `${LAB.serverIp}/32`, "dev", "lo"]);
  add(["ip", "-n", wan, "link", "set", "eth0", "up"]);
  add(["ip", "-n", host, "route", "add", "default", "via", LAB.wanEthIp]);
  add([
    "ip",
    "-n",
    host,
    "neigh",
    "replace",
    LAB.wanEthIp,
    "lladdr",
    LAB.wanEthMac,
    "dev",
    "eth0",
    "nud",
    "permanent",
  ]);
  add([
    "ip",
    "-n",
    wan,
    "neigh",
    "replace",
    LAB.hostEthIp,
    "lladdr",
    LAB.hostEthMac,
    "dev",
    "eth0",
    "nud",
    "permanent",
  ]);
  add(sysctl(host, "net.ipv4.ip_forward", "1"));
  add(sysctl(host, "net.bridge.bridge-nf-call-iptables", "1"));
  return steps;
}

/** The commands that tear a plan down: the inverses, last first. */
export function teardownPlan(steps: readonly PlanStep[]): string[][] {
  return steps
    .filter((step): step is Required<PlanStep> => step.undo !== undefined)
    .map((step) => step.undo)
    .reverse();
}
