/**
 * The scenarios the docker-bridge lab records: each direction of the seed's
 * talk, both ways, plus the bridge-nf-call-iptables=0 variants. Pure data:
 * commands are argument arrays run inside the `from` namespace.
 */
import { fileURLToPath } from "node:url";
import { LAB, type Role } from "./lab-topology.ts";

/** The TCP helper script run for the published-port scenario. */
export const TCP_PEER = fileURLToPath(new URL("./tcp-peer.ts", import.meta.url));

/** One scenario. */
export interface Scenario {
  /** File stem, e.g. `container-to-wan`. */
  name: string;
  title: string;
  description: string;
  /** The namespace that starts the traffic. */
  from: Role;
  /** The destination host (a lab host name). */
  to: Role;
  proto: "icmp" | "tcp";
  /** The command that makes the traffic, run in `from`; `node` means the Node running packetwalk. */
  command: string[];
  /** A listener started first (in namespace `in`), for TCP. */
  server?: { in: Role; command: string[] };
  /** Sysctls set in the Docker host namespace for this scenario only. */
  sysctls?: Record<string, string>;
  /** Modes this scenario is recorded in. */
  modes: ReadonlyArray<"log" | "trace">;
  /** Commands run in the Docker host namespace before the traffic (default none). */
  setup?: string[][];
  /** Commands run there after it, to put the lab's ruleset back (default none). */
  teardown?: string[][];
  /** The ruleset variant the setup makes, appended to the lab's ruleset name (default: the lab's ruleset). */
  ruleset?: string;
}

const ping = (ip: string) => ["ping", "-c1", "-W1", ip];
const noBrNf = { "net.bridge.bridge-nf-call-iptables": "0" };

/** Every scenario, in recording order. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "container-to-container",
    title: "Container c1 pings container c2",
    description:
      "ICMP echo request from c1 to c2 on the same bridge, and the reply. With bridge-nf-call-iptables=1 the bridged frames also cross the iptables hooks.",
    from: "c1",
    to: "c2",
    proto: "icmp",
    command: ping(LAB.c2Ip),
    modes: ["log"],
  },
  {
    name: "host-to-container",
    title: "The Docker host pings container c1",
    description:
      "ICMP from the host itself: it leaves through OUTPUT onto docker0; the reply comes up through INPUT.",
    from: "host",
    to: "c1",
    proto: "icmp",
    command: ping(LAB.c1Ip),
    modes: ["log"],
  },
  {
    name: "container-to-host",
    title: "Container c1 pings the Docker host",
    description:
      "ICMP from c1 to docker0's address: the bridge delivers it up to the host (INPUT); the reply leaves through OUTPUT.",
    from: "c1",
    to: "host",
    proto: "icmp",
    command: ping(LAB.bridgeIp),
    modes: ["log"],
  },
  {
    name: "container-to-wan",
    title: "Container c1 pings a server on the internet",
    description:
      "ICMP from c1 to 198.51.100.10 (TEST-NET) through the host's eth0: routed, and MASQUERADE rewrites the source in nat POSTROUTING.",
    from: "c1",
    to: "wan",
    proto: "icmp",
    command: ping(LAB.serverIp),
    modes: ["log", "trace"],
  },
  {
    name: "wan-to-published-port",
    title: "A client on the internet connects to the published port 8080",
    description:
      "TCP from 198.51.100.10 to the host's 203.0.113.2:8080: DNAT in nat PREROUTING sends it to c1:80; handshake and FIN both ways, data from the client.",
    from: "wan",
    to: "c1",
    proto: "tcp",
    command: ["node", TCP_PEER, "client", LAB.hostEthIp, String(LAB.publishedPort), LAB.serverIp],
    server: { in: "c1", command: ["node", TCP_PEER, "server", String(LAB.containerPort)] },
    modes: ["log", "trace"],
  },
  {
    name: "container-to-container-nobrnf",
    title: "Container c1 pings container c2, bridge-nf-call-iptables=0",
    description:
      "The same ping as container-to-container with br_netfilter's iptables call switched off: only ebtables sees it.",
    from: "c1",
    to: "c2",
    proto: "icmp",
    command: ping(LAB.c2Ip),
    sysctls: noBrNf,
    modes: ["log"],
  },
  {
    name: "container-to-wan-nobrnf",
    title: "Container c1 pings the internet, bridge-nf-call-iptables=0",
    description:
      "The same ping as container-to-wan with bridge-nf-call-iptables=0: routed traffic still crosses iptables once it leaves the bridge.",
    from: "c1",
    to: "wan",
    proto: "icmp",
    command: ping(LAB.serverIp),
    sysctls: noBrNf,
    modes: ["log"],
  },
];

/** The scenario named `name`, or undefined. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}

/** The command as stored in metadata: the helper script as a repository-relative path. */
export function displayCommand(command: readonly string[]): string[] {
  return command.map((arg) => (arg === TCP_PEER ? "src/capture/tcp-peer.ts" : arg));
}

/** The iptables commands that leave a FORWARD policy DROP on the host, as an earlier Docker or a host firewall does. */
const FORWARD_DROP = [["iptables", "-P", "FORWARD", "DROP"]];
/** The fix Docker's documentation gives: accept Docker's traffic in the iptables FORWARD chain too. */
const FORWARD_ACCEPT_DOCKER = [
  ["iptables", "-A", "FORWARD", "-o", LAB.bridge, "-j", "ACCEPT"],
  ["iptables", "-A", "FORWARD", "-i", LAB.bridge, "-j", "ACCEPT"],
];
/** Removes the iptables-nft table the two above create. */
const REMOVE_IPTABLES_FILTER = [["nft", "delete", "table", "ip", "filter"]];

/**
 * The docker-bridge-nft lab's scenarios: the same directions under Docker 29's nftables ruleset, and
 * "accept is not final": an iptables FORWARD policy DROP left on the host, failing, then fixed.
 */
export const NFT_SCENARIOS: readonly Scenario[] = [
  ...SCENARIOS.map((s) => ({
    ...s,
    description: s.description
      .replace("the iptables hooks", "the IPv4 hooks")
      .replace("nat PREROUTING", "Docker's nat-PREROUTING")
      .replace("nat POSTROUTING", "Docker's nat-postrouting-out__docker0")
      .replace("only ebtables sees it", "only the bridge family's hooks see it")
      .replace("crosses iptables", "crosses the IPv4 hooks"),
  })),
  {
    name: "container-to-wan-forward-drop",
    title: "Container c1 pings the internet, with an iptables FORWARD policy DROP left on the host",
    description:
      "The iptables-nft filter table's FORWARD chain is another base chain at the forward hook, at the same priority as Docker's filter-FORWARD; created after Docker's table, it runs first and drops the ping by policy. A drop ends the packet whichever base chain says it; Docker's accept would have ended only its own chain.",
    from: "c1",
    to: "wan",
    proto: "icmp",
    command: ping(LAB.serverIp),
    setup: FORWARD_DROP,
    teardown: REMOVE_IPTABLES_FILTER,
    ruleset: "forward-drop",
    modes: ["log", "trace"],
  },
  {
    name: "container-to-wan-forward-drop-fixed",
    title: "The same ping once the iptables FORWARD chain accepts Docker's traffic",
    description:
      "One of the documented fixes: ACCEPT rules for docker0 in the iptables FORWARD chain. That accept ends only the iptables chain: Docker's filter-FORWARD still runs after it and accepts too, so the ping and its reply pass.",
    from: "c1",
    to: "wan",
    proto: "icmp",
    command: ping(LAB.serverIp),
    setup: [...FORWARD_DROP, ...FORWARD_ACCEPT_DOCKER],
    teardown: REMOVE_IPTABLES_FILTER,
    ruleset: "forward-drop-fixed",
    modes: ["log", "trace"],
  },
];

/** The nft lab's scenario named `name`, or undefined. */
export function findNftScenario(name: string): Scenario | undefined {
  return NFT_SCENARIOS.find((scenario) => scenario.name === name);
}
