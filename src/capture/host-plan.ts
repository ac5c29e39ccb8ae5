/**
 * The `--host` plan for a real Docker host (the seed's setup): the commands that
 * insert the tagged LOG rules in the host's own namespace, the traffic made with
 * `docker exec`, and the exact inverse. Pure: it returns argument arrays and
 * `iptables-restore` input; `host-capture.ts` runs them.
 *
 * No WAN traffic is planned: on a real host it would leave the machine. The user
 * makes it during the wait if they want it.
 */
import {
  buildLogRules,
  ebtablesArgv,
  iptablesRestoreText,
  type LogRule,
  ruleComment,
  runTag,
} from "./log-rules.ts";
import { inNetns } from "./run-command.ts";

/** One container of the real host, as given with `--container NAME=IP`. */
export interface HostContainer {
  name: string;
  ip: string;
}

/** Options of {@link buildHostPlan}. */
export interface HostPlanOptions {
  runId: string;
  /** The containers to make traffic between; the first pings the second and the host. Default: none (wait only). */
  containers: HostContainer[];
  /** The bridge's own address, pinged from the first container. Default `172.17.0.1`. */
  bridgeIp?: string;
  /** Run the rule commands in this network namespace (tests against the lab); default: this namespace. */
  netns?: string;
  /** The argument prefix that runs a command in a container. Default: `docker exec <name>`. */
  execIn?: (container: string) => string[];
}

/** A command of the plan, with its standard input when it has one. */
export interface PlannedCommand {
  argv: string[];
  input?: string;
}

/** One traffic step: what it shows and the command. */
export interface PlannedTraffic {
  scenario: string;
  from: string;
  to: string;
  command: PlannedCommand;
}

/** The whole plan: insert, make traffic, remove (the exact inverse of insert, last first). */
export interface HostPlan {
  tag: string;
  comment: string;
  rules: LogRule[];
  insert: PlannedCommand[];
  traffic: PlannedTraffic[];
  remove: PlannedCommand[];
}

/** The matches used on a real host: ICMP only, like the seed (nothing else of the host's traffic is logged). */
export const HOST_IP_MATCHES = [["-p", "icmp"]];
/** Bridge frames logged on a real host: IPv4 ICMP only. */
export const HOST_BRIDGE_MATCHES = [["-p", "IPv4", "--ip-proto", "icmp"]];

/** Builds the `--host` plan; see the module comment. */
export function buildHostPlan(options: HostPlanOptions): HostPlan {
  const tag = runTag(options.runId);
  const comment = ruleComment(options.runId);
  const rules = buildLogRules({ tag, ipMatches: HOST_IP_MATCHES, bridgeMatches: HOST_BRIDGE_MATCHES });
  const ns = options.netns;
  const execIn = options.execIn ?? ((name: string) => ["docker", "exec", name]);
  const bridgeRules = rules.filter((rule) => rule.family === "bridge");
  const insert: PlannedCommand[] = [
    {
      argv: inNetns(ns, ["iptables-restore", "--noflush"]),
      input: iptablesRestoreText(rules, comment, "insert"),
    },
    ...bridgeRules.map((rule) => ({ argv: inNetns(ns, ebtablesArgv(rule, "insert")) })),
  ];
  const remove: PlannedCommand[] = [
    ...[...bridgeRules].reverse().map((rule) => ({ argv: inNetns(ns, ebtablesArgv(rule, "delete")) })),
    {
      argv: inNetns(ns, ["iptables-restore", "--noflush"]),
      input: iptablesRestoreText(rules, comment, "delete"),
    },
  ];
  const traffic: PlannedTraffic[] = [];
  const [first, second] = options.containers;
  const ping = (ip: string) => ["ping", "-c1", "-W1", ip];
  if (first && second) {
    traffic.push({
      scenario: "container-to-container",
      from: first.name,
      to: second.name,
      command: { argv: [...execIn(first.name), ...ping(second.ip)] },
    });
  }
  if (first) {
    traffic.push({
      scenario: "host-to-container",
      from: "host",
      to: first.name,
      command: { argv: inNetns(ns, ping(first.ip)) },
    });
    traffic.push({
      scenario: "container-to-host",
      from: first.name,
      to: "host",
      command: { argv: [...execIn(first.name), ...ping(options.bridgeIp ?? "172.17.0.1")] },
    });
  }
  return { tag, comment, rules, insert, traffic, remove };
}

/** Parses `--container NAME=IP`; throws with a sentence on bad input. */
export function parseContainerArg(text: string): HostContainer {
  const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (!match) throw new Error(`--container expects NAME=IPv4, e.g. web=172.17.0.2; got '${text}'`);
  return { name: match[1] as string, ip: match[2] as string };
}
