/**
 * ebtables `-j redirect` in the nat table's PREROUTING: the frame's destination MAC becomes the
 * bridge's own, so the bridge hands it to the host, which routes it, instead of forwarding it.
 * Checked on kernel 6.18 (a bridge and two namespaces in a throwaway one, ebtables-restore of a save
 * with `-A PREROUTING -j redirect` and a FORWARD chain jumping to a counting chain): the ping crossed,
 * the redirect rule counted 2 frames and bridge FORWARD's rule 0.
 */
import { describe, expect, it } from "vitest";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { rulesetText, textWorld } from "./helpers.ts";

/**
 * Docker 28's iptables rules with `nat` as the bridge family's nat PREROUTING rules, and a bridge FORWARD
 * that drops what is not ARP (ARP let through: the walk would end at c1's ARP request otherwise).
 */
const withBridgeNat = (...nat: string[]) => {
  const ipt = rulesetText("docker-28").split("# ebtables-save (bridge family)")[0] as string;
  return textWorld(
    `${ipt}# ebtables-save (bridge family)\n*nat\n:PREROUTING ACCEPT\n:OUTPUT ACCEPT\n:POSTROUTING ACCEPT\n${nat.map((r) => `-A PREROUTING ${r}\n`).join("")}*filter\n:INPUT ACCEPT\n:FORWARD DROP\n:OUTPUT ACCEPT\n-A FORWARD -p ARP -j ACCEPT\n`,
    "t.rules",
  );
};

describe("ebtables -j redirect", () => {
  it("hands the frame to the host, which routes it: bridge FORWARD (policy DROP here) is never crossed", () => {
    const w = withBridgeNat("-p IPv4 -i veth-c1 -j redirect");
    expect(w.ruleset.diagnostics).toEqual([]);
    const p = runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0];
    expect(p?.fate).toEqual({ kind: "delivered", host: "c2" });
    const hooks = p?.events.map((e) => e.hook) ?? [];
    expect(hooks).not.toContain("bridge:filter:FORWARD");
    expect(hooks).toContain("bridge:filter:INPUT");
    // Routed by the host: docker0 in, docker0 out, the TTL one lower.
    const fwd = p?.events.find((e) => e.hook === "ip:filter:FORWARD");
    expect([fwd?.in, fwd?.out]).toEqual(["docker0", "docker0"]);
    expect(p?.received?.ttl).toBe(63);
  });

  it("without it the same frame is bridged, and the FORWARD policy drops it", () => {
    const w = withBridgeNat("-p ARP -j ACCEPT");
    expect(runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate.kind).toBe(
      "dropped",
    );
  });

  it("takes --redirect-target's verdict, and refuses what ebtables refuses", () => {
    const w = withBridgeNat("-p IPv4 -i veth-c1 -j redirect --redirect-target DROP");
    expect(runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate.kind).toBe(
      "dropped",
    );
    const bad = parseEbtables(
      "*nat\n:PREROUTING ACCEPT\n-A PREROUTING -j redirect --redirect-target accept\n",
    );
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      "'accept' is not a --redirect-target verdict: ebtables refuses it",
    ]);
  });

  it("is explained in the rule listing as what it does, not as a jump to a chain named redirect", () => {
    expect(explainRule("-A PREROUTING -p IPv4 -i eth1 -j redirect").en).toBe(
      "if it is protocol IPv4 and it came in on eth1, send the frame up to the bridge itself (its destination MAC becomes the bridge's): the host routes it instead of the bridge forwarding it",
    );
  });
});
