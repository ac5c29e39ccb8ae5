/**
 * `meta nftrace set 1` in a bridge-family base chain. test/fixtures/bridge-nftrace/incus-bronly: an Incus
 * host (incusbr0, br_netfilter loaded) recorded with `nft monitor trace` on kernel 6.18, its only trace
 * rule in `table bridge pwtrace { chain pre { type filter hook prerouting priority -350; … } }`; the
 * container's ping to the internet was traced at that chain, then at inet prerouting (nat), bridge input,
 * inet forward and the two inet postrouting chains (c1-to-wan-trace.log). The simulator started no trace
 * in a bridge chain, so `check` found none of the kernel's lines predicted. A frame bridged from port
 * to port is traced at every chain it crosses too, and only there (test/fixtures/bridge-nftrace/bridged,
 * kernel 6.18, run.sh: with bridge-nf-call-iptables 0 the ping between two ports was traced at bridge
 * prerouting, forward and postrouting, no inet chain; with 1, the inet chains br_netfilter runs as well).
 * No case was found where the kernel ignores a bridge chain's `meta nftrace set 1`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { type Lab, labSchema } from "../../../src/core/trace-file/schema.ts";

const LAB = join(import.meta.dirname, "../../fixtures/bridge-nftrace/incus-bronly");

describe("a trace started in a bridge chain", () => {
  it("goes on through every later chain of the packet, inet ones included", () => {
    const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB, "lab.json"), "utf8")));
    const file = "incus-bronly.instrumented-8669c8cb.rules";
    const ruleset = parseRulesetFile(readFileSync(join(LAB, "rulesets", file), "utf8"), file);
    expect(ruleset.diagnostics).toEqual([]);
    const world = {
      topology: buildTopology(lab),
      ruleset,
      ebtables: lab.ebtables,
      sysctls: lab.sysctls ?? {},
    };
    const r = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    const request = r.packets[0];
    expect(request?.fate).toMatchObject({ kind: "delivered", host: "wan" });
    // The kernel's order (c1-to-wan-trace.log): br_netfilter runs inet prerouting inside the bridge's.
    expect(request?.events.filter((e) => e.traced).map((e) => e.hook)).toEqual([
      "bridge:pwtrace:pre",
      "ip:incus:fwdprert.incusbr0.203-0-113-10",
      "bridge:incus:in.c1.eth0",
      "ip:incus:fwd.incusbr0",
      "ip:incus:fwdpstrt.incusbr0.203-0-113-10",
      "ip:incus:pstrt.incusbr0",
    ]);
    // The echo reply meets no trace rule (it comes in by wan0, no bridge prerouting): nothing traced.
    expect(r.packets[1]?.events.some((e) => e.traced)).toBe(false);
  });

  it("agrees with the kernel's recording in `packetwalk check`", () => {
    const results = checkLab(LAB).filter((r) => !r.trace.endsWith("zh-tw.json"));
    expect(results.map((r) => r.trace.split("/").pop())).toEqual(["c1-to-wan-trace"]);
    for (const r of results) {
      expect(r.report, r.report).toBe("");
      expect(r.ok).toBe(true);
    }
  });
});

/** The bridged lab of test/fixtures/bridge-nftrace/bridged/run.sh: br0 with ports pa (host a) and pb (host b). */
const BRIDGED: Lab = labSchema.parse({
  version: 1,
  name: "bridged",
  description: "two hosts on one bridge",
  hosts: [
    {
      name: "br",
      role: "docker-host",
      interfaces: [
        { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
        { name: "br0", mac: "52:54:00:77:00:01", addresses: [], kind: "bridge" },
        { name: "pa", addresses: [], kind: "veth", bridge: "br0", peer: "a/eth0" },
        { name: "pb", addresses: [], kind: "veth", bridge: "br0", peer: "b/eth0" },
      ],
    },
    ...(["a", "b"] as const).map((h, n) => ({
      name: h,
      role: "other",
      interfaces: [
        { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
        {
          name: "eth0",
          mac: `52:54:00:77:00:0${h}`,
          addresses: [`198.51.100.2${n + 1}/24`],
          kind: "veth",
          peer: `br/p${h}`,
        },
      ],
      routes: [{ to: "198.51.100.0/24", dev: "eth0" }],
    })),
  ],
});
const BRIDGED_RULES = readFileSync(join(LAB, "../bridged/run.sh"), "utf8").match(
  /<<'T'\n([\s\S]*?)\nT\n/,
)?.[1];

describe("a trace started in a bridge chain, on a frame bridged from port to port", () => {
  const traced = (brnf: string) => {
    const ruleset = parseRulesetFile(BRIDGED_RULES ?? "", "run.sh");
    expect(ruleset.diagnostics).toEqual([]);
    const world = {
      topology: buildTopology(BRIDGED),
      ruleset,
      ebtables: "nft" as const,
      sysctls: { "net.bridge.bridge-nf-call-iptables": brnf },
    };
    const r = runScenario(world, { from: "a", to: "198.51.100.22", proto: "icmp" });
    expect(r.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered"]);
    return r.packets.map((p) =>
      p.events
        .filter((e) => e.traced)
        .map((e) => e.hook)
        .join(" "),
    );
  };
  // The chains of brnf0-trace.txt and brnf1-trace.txt, request and reply alike.
  it("is traced at the bridge chains only, without br_netfilter", () => {
    const bridge = "bridge:bt:cpre bridge:bt:cfwd bridge:bt:cpost";
    expect(traced("0")).toEqual([bridge, bridge]);
  });
  it("and at the inet chains br_netfilter runs, in the kernel's order, with it", () => {
    const both = "bridge:bt:cpre ip:it:cpre bridge:bt:cfwd ip:it:cfwd bridge:bt:cpost ip:it:cpost";
    expect(traced("1")).toEqual([both, both]);
  });
});
