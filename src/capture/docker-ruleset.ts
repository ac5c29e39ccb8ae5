/**
 * The iptables ruleset a fresh Docker daemon writes for the default bridge with
 * one container publishing a port (`docker run -p 8080:80`), as `iptables-restore`
 * input. Docker 28 splits FORWARD into DOCKER-FORWARD / DOCKER-CT / DOCKER-BRIDGE
 * and adds raw-table "direct access" DROP rules; Docker 27 keeps everything in FORWARD.
 */
import { LAB } from "./lab-topology.ts";

/** Docker versions whose default layout packetwalk knows. */
export const DOCKER_VERSIONS = ["27", "28"] as const;
/** One of {@link DOCKER_VERSIONS}. */
export type DockerVersion = (typeof DOCKER_VERSIONS)[number];

/** The ruleset name used in trace metadata and `rulesets/<name>.rules`. */
export function rulesetName(version: DockerVersion): string {
  return `docker-${version}`;
}

/** Addresses the ruleset refers to; defaults are the lab's. */
export interface RulesetAddresses {
  bridge: string;
  subnetCidr: string;
  /** The containers on the bridge (Docker 28 protects each from direct access). */
  containers: string[];
  /** The container that publishes the port. */
  publishedTo: string;
  hostPort: number;
  containerPort: number;
}

const LAB_ADDRESSES: RulesetAddresses = {
  bridge: LAB.bridge,
  subnetCidr: LAB.subnetCidr,
  containers: [LAB.c1Ip, LAB.c2Ip],
  publishedTo: LAB.c1Ip,
  hostPort: LAB.publishedPort,
  containerPort: LAB.containerPort,
};

/** `iptables-restore` text for Docker `version` (default addresses: the lab's). */
export function dockerRuleset(version: DockerVersion, a: RulesetAddresses = LAB_ADDRESSES): string {
  const br = a.bridge;
  const publishAccept = `-A DOCKER -d ${a.publishedTo}/32 ! -i ${br} -o ${br} -p tcp -m tcp --dport ${a.containerPort} -j ACCEPT`;
  const nat = [
    "*nat",
    ":PREROUTING ACCEPT [0:0]",
    ":INPUT ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ":POSTROUTING ACCEPT [0:0]",
    ":DOCKER - [0:0]",
    "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
    "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
    `-A POSTROUTING -s ${a.subnetCidr} ! -o ${br} -j MASQUERADE`,
    `-A DOCKER -i ${br} -j RETURN`,
    `-A DOCKER ! -i ${br} -p tcp -m tcp --dport ${a.hostPort} -j DNAT --to-destination ${a.publishedTo}:${a.containerPort}`,
    "COMMIT",
  ];
  if (version === "27") {
    return `${[
      ...nat,
      "*filter",
      ":INPUT ACCEPT [0:0]",
      ":FORWARD DROP [0:0]",
      ":OUTPUT ACCEPT [0:0]",
      ":DOCKER - [0:0]",
      ":DOCKER-ISOLATION-STAGE-1 - [0:0]",
      ":DOCKER-ISOLATION-STAGE-2 - [0:0]",
      ":DOCKER-USER - [0:0]",
      "-A FORWARD -j DOCKER-USER",
      "-A FORWARD -j DOCKER-ISOLATION-STAGE-1",
      `-A FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${br} -j DOCKER`,
      `-A FORWARD -i ${br} ! -o ${br} -j ACCEPT`,
      `-A FORWARD -i ${br} -o ${br} -j ACCEPT`,
      publishAccept,
      `-A DOCKER-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`,
      "-A DOCKER-ISOLATION-STAGE-1 -j RETURN",
      `-A DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`,
      "-A DOCKER-ISOLATION-STAGE-2 -j RETURN",
      "-A DOCKER-USER -j RETURN",
      "COMMIT",
    ].join("\n")}\n`;
  }
  return `${[
    "*raw",
    ":PREROUTING ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    // Docker 28 drops packets addressed straight to a container from outside its bridge.
    ...a.containers.map((ip) => `-A PREROUTING -d ${ip}/32 ! -i ${br} -j DROP`),
    "COMMIT",
    ...nat,
    "*filter",
    ":INPUT ACCEPT [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ":DOCKER - [0:0]",
    ":DOCKER-BRIDGE - [0:0]",
    ":DOCKER-CT - [0:0]",
    ":DOCKER-FORWARD - [0:0]",
    ":DOCKER-ISOLATION-STAGE-1 - [0:0]",
    ":DOCKER-ISOLATION-STAGE-2 - [0:0]",
    ":DOCKER-USER - [0:0]",
    "-A FORWARD -j DOCKER-USER",
    "-A FORWARD -j DOCKER-FORWARD",
    publishAccept,
    `-A DOCKER ! -i ${br} -o ${br} -j DROP`,
    `-A DOCKER-BRIDGE -o ${br} -j DOCKER`,
    `-A DOCKER-CT -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    "-A DOCKER-FORWARD -j DOCKER-CT",
    "-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1",
    "-A DOCKER-FORWARD -j DOCKER-BRIDGE",
    `-A DOCKER-FORWARD -i ${br} -j ACCEPT`,
    `-A DOCKER-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`,
    `-A DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`,
    "-A DOCKER-USER -j RETURN",
    "COMMIT",
  ].join("\n")}\n`;
}
