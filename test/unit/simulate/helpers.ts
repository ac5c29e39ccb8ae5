/** Shared helpers of the simulator's unit tests: the recorded docker-bridge lab, loaded from disk. */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { EBTABLES_CHAINS, IPTABLES_CHAINS } from "../../../src/capture/log-rules.ts";
import { insertRules, type OverlayRule } from "../../../src/core/simulate/log-overlay.ts";
import type { MatchContext } from "../../../src/core/simulate/match-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

/** The committed lab folder. */
export const LAB_DIR = join(import.meta.dirname, "../../../traces/docker-bridge");

/** Reads a ruleset of the lab (`docker-28`, `sim-icc-false`, ...). */
export function rulesetText(name: string): string {
  return readFileSync(join(LAB_DIR, "rulesets", `${name}.rules`), "utf8");
}

/** A world over the recorded lab with ruleset `name`, sysctls over the lab's, and extra rules. */
export function labWorld(
  name = "docker-28",
  sysctls: Record<string, string> = {},
  overlay: OverlayRule[] = [],
): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const ruleset = parseRulesetFile(rulesetText(name), `${name}.rules`);
  insertRules(ruleset, overlay);
  return {
    topology: buildTopology(lab),
    ruleset,
    ebtables: lab.ebtables,
    sysctls: { ...lab.sysctls, ...sysctls },
  };
}

/** A LOG rule at the top of every chain the capture lab logs (unconditional), prefix `t/<family>/<table>-<CHAIN>`. */
export function logEverywhere(): OverlayRule[] {
  return [
    ...IPTABLES_CHAINS.map(
      ([table, chain]): OverlayRule => ({
        family: "ip",
        table,
        chain,
        args: ["-j", "LOG", "--log-prefix", `t/ip/${table}-${chain}`],
      }),
    ),
    ...EBTABLES_CHAINS.map(
      ([table, chain]): OverlayRule => ({
        family: "bridge",
        table,
        chain,
        args: ["--log", "--log-ip", "--log-prefix", `t/br/${table}-${chain}`],
      }),
    ),
  ];
}

/**
 * A world over the lab in `labDir` (by default the docker-bridge lab: c1 172.17.0.2, c2 172.17.0.3,
 * wan 203.0.113.1 -> host 203.0.113.2) under the ruleset `text`, read as the file `file`.
 */
export function textWorld(text: string, file = "t.nft", labDir = LAB_DIR): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(labDir, "lab.json"), "utf8")));
  return {
    topology: buildTopology(lab),
    ruleset: parseRulesetFile(text, file),
    ebtables: "nft",
    sysctls: lab.sysctls,
  };
}

/**
 * c1's ping to the WAN server under iptables rules: `forward` in filter FORWARD, `raw` in raw PREROUTING
 * (none by default), c1's NAT as Docker's. The fates of the exchange (`request delivered`, ...); the
 * rules must read without a problem and every match be decided.
 */
export function iptablesPingFates(forward: string, raw = ""): string[] {
  const w = textWorld(
    [
      "*raw",
      ":PREROUTING ACCEPT [0:0]",
      ...(raw ? [`-A PREROUTING ${raw}`] : []),
      "COMMIT",
      "*nat",
      ":POSTROUTING ACCEPT [0:0]",
      "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
      "COMMIT",
      "*filter",
      ":FORWARD ACCEPT [0:0]",
      `-A FORWARD ${forward}`,
      "COMMIT",
      "",
    ].join("\n"),
    "t.rules",
  );
  expect(w.ruleset.diagnostics).toEqual([]);
  const run = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" });
  expect(run.packets.flatMap((p) => p.unmodelled)).toEqual([]);
  return run.packets.map((p) => `${p.direction} ${p.fate.kind}`);
}

/** An nft ruleset: `pre` in a nat prerouting chain, `input` in a filter input chain (both policy accept). */
export function natPreroutingAndInput(pre: string, input: string): string {
  return preroutingAndInput(pre, input);
}

/**
 * An nft ruleset: `pre` in a prerouting chain, `input` in a filter input chain (both policy accept), by
 * default a nat chain and both in ip tables; `raw`: a raw-priority filter chain, both in inet tables.
 */
export function preroutingAndInput(pre: string, input: string, raw = false): string {
  const [family, table, chain, type, priority] = raw
    ? ["inet", "raw", "pre", "filter", "raw"]
    : ["ip", "nat", "prerouting", "nat", "dstnat"];
  return `table ${family} ${table} {
	chain ${chain} {
		type ${type} hook prerouting priority ${priority}; policy accept;
		${pre}
	}
}
table ${family} filter {
	chain input {
		type filter hook input priority filter; policy accept;
		${input}
	}
}
`;
}

/**
 * Where the first packet of a TCP connection from the lab's `wan` to the host's 203.0.113.2, port each
 * of `dports`, ends: `PORT: HOST` when delivered, else `PORT: dropped` (the fate's kind).
 */
export function wanTcpFates(w: World, ...dports: number[]): string[] {
  return dports.map((dport) => {
    const p = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets[0];
    return `${dport}: ${p?.fate.kind === "delivered" ? p.fate.host : p?.fate.kind}`;
  });
}

/**
 * `nft -j list ruleset` of one table `t` of `family` whose input chain `c` (filter, policy accept) holds
 * one rule per entry of `rules`, each its list of JSON expressions.
 */
export function nftJsonInput(family: string, rules: object[][]): string {
  return nftJsonChain(family, { type: "filter", hook: "input", prio: 0 }, rules);
}

/** `nft -j list ruleset` of one table `t` of `family` whose base chain `c` (`base`, policy accept) holds `rules`. */
export function nftJsonChain(
  family: string,
  base: { type: string; hook: string; prio: number },
  rules: object[][],
): string {
  return JSON.stringify({
    nftables: [
      { table: { family, name: "t", handle: 1 } },
      { chain: { family, table: "t", name: "c", handle: 1, ...base, policy: "accept" } },
      ...rules.map((expr, k) => ({ rule: { family, table: "t", chain: "c", handle: 2 + k, expr } })),
    ],
  });
}

/**
 * The one rule of a ruleset file holding a single input rule (an nft table's chain, or iptables' filter
 * INPUT), and the file's diagnostics; fails the test when there is not exactly one.
 */
export function onlyInputRule(text: string, file: string): { rule: Rule; diagnostics: string[] } {
  const rs = parseRulesetFile(text, file);
  const rules = [...(rs.nft?.[0]?.chains.values() ?? [])].flatMap((c) => c.rules);
  rules.push(...(rs.ip.tables.get("filter")?.chains.get("INPUT")?.rules ?? []));
  expect(rules).toHaveLength(1);
  return { rule: rules[0] as Rule, diagnostics: rs.diagnostics.map((d) => d.message) };
}

/** `nft list ruleset` of one table `t` of `family` whose input chain `c` holds `rule` with a counter. */
export function nftInputText(family: string, rule: string): string {
  return `table ${family} t {\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t\t${rule} counter packets 0 bytes 0\n\t}\n}\n`;
}

/** An IPv4 ICMP echo request from c1 to c2 as the simulator carries it, with `over`'s fields instead. */
export function icmpPacket(over: Partial<SimPacket> = {}): SimPacket {
  return {
    v6: false,
    src: "172.17.0.2",
    dst: "172.17.0.3",
    proto: "icmp",
    icmpType: 8,
    icmpCode: 0,
    ttl: 64,
    id: 1,
    len: 84,
    ipFlags: [],
    mark: 0,
    ...over,
  };
}

/** A TCP SYN of 60 bytes, TTL 64, mark 0: 10.0.0.1:1234 to 10.0.0.2:80 unless `over` says otherwise. */
export function synPacket(over: Partial<SimPacket> = {}): SimPacket {
  return {
    src: "10.0.0.1",
    dst: "10.0.0.2",
    proto: "tcp",
    sport: 1234,
    dport: 80,
    tcpFlags: ["SYN"],
    ttl: 64,
    id: 1,
    len: 60,
    ipFlags: [],
    mark: 0,
    ...over,
  };
}

/** A routed (not bridged) IPv4 packet's match context, new connection, unicast, in on `eth0` unless `over` says otherwise. */
export function routedContext(over: Partial<MatchContext> = {}): MatchContext {
  return {
    in: "eth0",
    bridged: false,
    ethType: "0x0800",
    ctState: "NEW",
    addrType: () => "UNICAST",
    ...over,
  };
}

/**
 * The chains of the docker-28 lab (logged everywhere) a RELATED packet of the host's own crosses on its
 * way to a container: the IP output hooks without nat, then the bridge's output hooks to the port.
 */
export const RELATED_TO_CONTAINER = [
  "ip:raw:OUTPUT",
  "ip:mangle:OUTPUT",
  "ip:filter:OUTPUT",
  "ip:mangle:POSTROUTING",
  "bridge:filter:OUTPUT",
  "bridge:nat:OUTPUT",
  "bridge:nat:POSTROUTING",
];

/** The IP output hooks of {@link RELATED_TO_CONTAINER} alone: a RELATED packet of the host's own to the WAN. */
export const RELATED_OUT = RELATED_TO_CONTAINER.slice(0, 4);
