/**
 * The `--host` plan for a real Docker host (the seed's setup): the commands that
 * insert the tagged LOG rules in the host's own namespace, the traffic made with
 * `docker exec`, and the exact inverse. Pure: it returns argument arrays and
 * `iptables-restore` input; `host-capture.ts` runs them.
 *
 * No WAN traffic is planned: on a real host it would leave the machine. The user
 * makes it during the wait if they want it.
 *
 * IPv6: with `ipv6` the same LOG rules go into ip6tables (ICMPv6 echo only: neighbour
 * discovery would flood the log) and the bridge also logs IPv6 ICMP echo frames.
 */
import {
  addressFamily,
  addressInIpCidr,
  canonicalAddress,
  parseIpCidr,
} from "../core/simulate/ip-address.ts";
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
  /**
   * The bridge's own address, pinged from the first container. Default `172.17.0.1` for IPv4
   * containers; IPv6 containers have no default, and without it no container-to-host step is planned.
   */
  bridgeIp?: string;
  /** Also log IPv6 (ip6tables rules and IPv6 bridge frames): only when the host has ip6tables. Default false. */
  ipv6?: boolean;
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
/** The ip6tables matches on a real host: ICMPv6 echo request and reply (no neighbour discovery). */
export const HOST_IP6_MATCHES = [
  ["-p", "ipv6-icmp", "--icmpv6-type", "echo-request"],
  ["-p", "ipv6-icmp", "--icmpv6-type", "echo-reply"],
];
/** IPv6 bridge frames logged on a real host: ICMPv6 echo request and reply (128 and 129). */
export const HOST_BRIDGE6_MATCHES = [
  ["-p", "IPv6", "--ip6-proto", "ipv6-icmp", "--ip6-icmp-type", "128:129"],
];

/** Builds the `--host` plan; see the module comment. */
export function buildHostPlan(options: HostPlanOptions): HostPlan {
  const tag = runTag(options.runId);
  const comment = ruleComment(options.runId);
  const rules = buildLogRules({
    tag,
    ipMatches: HOST_IP_MATCHES,
    bridgeMatches: options.ipv6 ? [...HOST_BRIDGE_MATCHES, ...HOST_BRIDGE6_MATCHES] : HOST_BRIDGE_MATCHES,
    ...(options.ipv6 ? { ip6Matches: HOST_IP6_MATCHES } : {}),
  });
  const ns = options.netns;
  const execIn = options.execIn ?? ((name: string) => ["docker", "exec", name]);
  const bridgeRules = rules.filter((rule) => rule.family === "bridge");
  const families = options.ipv6 ? (["ip", "ip6"] as const) : (["ip"] as const);
  const restore = (family: "ip" | "ip6", action: "insert" | "delete"): PlannedCommand => ({
    argv: inNetns(ns, [family === "ip" ? "iptables-restore" : "ip6tables-restore", "--noflush"]),
    input: iptablesRestoreText(rules, comment, action, family),
  });
  const insert: PlannedCommand[] = [
    ...families.map((family) => restore(family, "insert")),
    ...bridgeRules.map((rule) => ({ argv: inNetns(ns, ebtablesArgv(rule, "insert")) })),
  ];
  const remove: PlannedCommand[] = [
    ...[...bridgeRules].reverse().map((rule) => ({ argv: inNetns(ns, ebtablesArgv(rule, "delete")) })),
    ...[...families].reverse().map((family) => restore(family, "delete")),
  ];
  const traffic: PlannedTraffic[] = [];
  const [first, second] = options.containers;
  const v6 = first !== undefined && addressFamily(first.ip) === 6;
  // Bounded like every ping of packetwalk; IPv6 containers ping in their own family.
  const ping = (ip: string) => ["ping", ...(v6 ? ["-6"] : []), "-c1", "-W1", ip];
  const bridgeIp = options.bridgeIp ?? (v6 ? undefined : "172.17.0.1");
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
    if (bridgeIp) {
      traffic.push({
        scenario: "container-to-host",
        from: first.name,
        to: "host",
        command: { argv: [...execIn(first.name), ...ping(bridgeIp)] },
      });
    }
  }
  return { tag, comment, rules, insert, traffic, remove };
}

/** Parses `--container NAME=IP` (IPv4 or IPv6); throws with a sentence on bad input. */
export function parseContainerArg(text: string): HostContainer {
  const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.exec(
    text,
  );
  if (!match || addressFamily(match[2] as string) === undefined)
    throw new Error(`--container expects NAME=IP, e.g. web=172.17.0.2 or web=fd00:a::2; got '${text}'`);
  return { name: match[1] as string, ip: canonicalAddress(match[2] as string) };
}

/** Throws a sentence when `containers` mix IPv4 and IPv6 (the planned pings use one family). */
export function checkOneFamily(containers: readonly HostContainer[]): void {
  const [first, ...rest] = containers;
  const other = first && rest.find((c) => addressFamily(c.ip) !== addressFamily(first.ip));
  if (first && other)
    throw new Error(
      `--container ${first.name}=${first.ip} and ${other.name}=${other.ip} are of two IP families: give the containers' addresses of one family (run the capture once per family)`,
    );
}

/**
 * The host's own IPv6 address on the link of `containerIp`, read from `ip -j addr` output
 * (`ipAddrJson`): the address whose prefix holds the container's; undefined when none does.
 */
export function hostAddressOnLink(containerIp: string, ipAddrJson: string): string | undefined {
  let links: { addr_info?: { family?: string; local?: string; prefixlen?: number }[] }[];
  try {
    links = JSON.parse(ipAddrJson || "[]");
  } catch {
    return undefined;
  }
  const wanted = canonicalAddress(containerIp);
  // The most specific prefix holding the container's address is its link (a /8 elsewhere may hold it too).
  let best: { local: string; prefixlen: number } | undefined;
  for (const link of links)
    for (const a of link.addr_info ?? []) {
      if (a.family !== "inet6" || !a.local || a.prefixlen === undefined || a.prefixlen >= 128) continue;
      const cidr = parseIpCidr(`${a.local}/${a.prefixlen}`);
      if (!cidr || canonicalAddress(a.local) === wanted || !addressInIpCidr(wanted, cidr)) continue;
      if (!best || a.prefixlen > best.prefixlen) best = { local: a.local, prefixlen: a.prefixlen };
    }
  return best?.local;
}
