/**
 * The ARP a hop needs crosses some chains of the filtering machine and not others: between two ports of
 * its bridge, bridge FORWARD; to the bridge's own address, bridge INPUT and OUTPUT and the arp family's
 * hooks; on a routed link, the arp hooks alone. On kernel 6.18 `ebtables -A FORWARD -p ARP -j DROP` lost
 * c1 -> c2 (the neighbour INCOMPLETE) while c1 -> the internet connected; the walk noted "may drop ARP" on
 * both, every hop (simcheck7 D3).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const bridgeForward = (rule: string) =>
  `table bridge filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\t${rule}\n\t}\n}\n`;

describe("an ARP drop, by the chains the ARP crosses", () => {
  it("an unconditional drop in bridge FORWARD loses a packet between two containers, and only that", () => {
    const world = textWorld(bridgeForward("ether type arp counter drop"));
    const across = runScenario(world, { from: "c1", to: "172.17.0.3", proto: "icmp" });
    expect(across.packets[0]?.fate).toEqual({
      kind: "lost",
      reason:
        "c1 asks who-has 172.17.0.3 by ARP (between two ports of the bridge), and line 4 of t.nft drops every ARP frame there: no answer, the packet is never sent",
    });
    // To its gateway (the bridge itself) and on out: no bridge FORWARD, no note (this ruleset has no NAT back).
    const out = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    expect(out.packets[0]?.fate).toEqual({ kind: "delivered", host: "wan" });
    expect(out.packets.flatMap((p) => p.notes).filter((n) => n.includes("ARP"))).toEqual([]);
  });

  it("a drop of some ARP frames is a note on the packets whose ARP crosses it", () => {
    const world = textWorld(bridgeForward("ether type arp arp daddr ip 172.17.0.9 drop"));
    const across = runScenario(world, { from: "c1", to: "172.17.0.3", proto: "icmp" });
    expect(across.packets[0]?.fate.kind).toBe("delivered");
    expect(across.packets[0]?.notes).toEqual([
      expect.stringMatching(
        /^c1 asks who-has 172\.17\.0\.3 by ARP \(between two ports of the bridge\), which the walk does not send, and the ruleset may drop it \(line 4 of t\.nft\)/,
      ),
    ]);
  });

  it("an arp input chain's drop policy loses what needs the host's own answer, not what the bridge forwards", () => {
    const world = textWorld(
      "table arp a {\n\tchain in {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n",
    );
    expect(runScenario(world, { from: "c1", to: "172.17.0.1", proto: "icmp" }).packets[0]?.fate.kind).toBe(
      "lost",
    );
    expect(runScenario(world, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate.kind).toBe(
      "delivered",
    );
  });
});
