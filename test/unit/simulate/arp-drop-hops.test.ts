/**
 * The ARP a hop needs crosses some chains of the filtering machine and not others: between two ports of
 * its bridge, bridge FORWARD; to the bridge's own address, bridge INPUT and OUTPUT and the arp family's
 * hooks; on a routed link, the arp hooks alone. On kernel 6.18 `ebtables -A FORWARD -p ARP -j DROP` lost
 * c1 -> c2 (the neighbour INCOMPLETE) while c1 -> the internet connected; the walk noted "may drop ARP" on
 * both, every hop (simcheck7 D3).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { rulesetText, textWorld } from "./helpers.ts";

const bridgeForward = (rule: string) =>
  `table bridge filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\t${rule}\n\t}\n}\n`;

describe("an ARP drop, by the chains the ARP crosses", () => {
  it("an unconditional drop in bridge FORWARD loses a packet between two containers, and only that", () => {
    const world = textWorld(bridgeForward("ether type arp counter drop"));
    const across = runScenario(world, { from: "c1", to: "172.17.0.3", proto: "icmp" });
    expect(across.packets[0]?.fate).toEqual({
      kind: "lost",
      reason:
        "c1 asks who-has 172.17.0.3 by ARP (between two ports of the bridge), and line 4 of t.nft drops the ARP request there: no answer, the packet is never sent",
    });
    // To its gateway (the bridge itself) and on out: no bridge FORWARD, no note (this ruleset has no NAT back).
    const out = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    expect(out.packets[0]?.fate).toEqual({ kind: "delivered", host: "wan" });
    expect(out.packets.flatMap((p) => p.notes).filter((n) => n.includes("ARP"))).toEqual([]);
  });

  it("an ARP field decides which requests a drop takes (kernel 6.18: `arp daddr ip` and `arp operation`)", () => {
    // The request for .3 is not one for .9: decided, no note; the one for .3 is dropped.
    const other = runScenario(textWorld(bridgeForward("ether type arp arp daddr ip 172.17.0.9 drop")), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
    });
    expect(other.packets.map((p) => [p.fate.kind, p.notes])).toEqual([
      ["delivered", []],
      ["delivered", []],
    ]);
    const mine = runScenario(textWorld(bridgeForward("arp daddr ip 172.17.0.3 drop")), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
    });
    expect(mine.packets[0]?.fate.kind).toBe("lost");
    // Replies alone dropped: the request passes, its answer does not.
    const replies = runScenario(textWorld(bridgeForward("arp operation reply drop")), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
    });
    expect(replies.packets[0]?.fate).toMatchObject({
      kind: "lost",
      reason: expect.stringMatching(/drops the ARP reply that answers it/),
    });
  });

  it("a drop of ARP frames the model cannot tell apart is a note on the packets whose ARP crosses it", () => {
    const world = textWorld(bridgeForward("ether type arp arp htype 1 drop"));
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

  // simcheck10 (kernel 6.18, a bridge br-a with ports to a1 and a2): each of these lost the ping, a1's
  // neighbour entry INCOMPLETE, while the rules named no ARP; the walk runs a real request and reply through
  // the bridge chains they cross.
  it.each([
    [
      "a forward policy drop that accepts IPv4 alone",
      "policy drop;",
      "ether type ip counter accept",
      "the policy of FORWARD (line 2 of t.nft) drops the ARP request",
    ],
    [
      "a drop of every frame but IPv4",
      "policy accept;",
      "ether type != ip counter drop",
      "line 4 of t.nft drops the ARP request",
    ],
    [
      "a drop of broadcast frames",
      "policy accept;",
      "ether daddr ff:ff:ff:ff:ff:ff counter drop",
      "line 4 of t.nft drops the ARP request",
    ],
    [
      "a drop of frames for other hosts",
      "policy accept;",
      "meta pkttype other drop",
      "line 4 of t.nft drops the ARP reply that answers it",
    ],
  ])("%s loses a packet between two containers", (_, policy, rule, by) => {
    const world = textWorld(
      `table bridge filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; ${policy}\n\t\t${rule}\n\t}\n}\n`,
    );
    expect(runScenario(world, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate).toEqual({
      kind: "lost",
      reason: `c1 asks who-has 172.17.0.3 by ARP (between two ports of the bridge), and ${by} there: no answer, the packet is never sent`,
    });
    // The same rules with ARP accepted first let the ping through.
    const arp = textWorld(
      `table bridge filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; ${policy}\n\t\tether type arp accept\n\t\t${rule}\n\t}\n}\n`,
    );
    expect(runScenario(arp, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate.kind).not.toBe(
      "lost",
    );
  });

  it("ebtables' FORWARD policy DROP with -p IPv4 ACCEPT loses it too", () => {
    const ipt = rulesetText("docker-28").split("# ebtables-save (bridge family)")[0] as string;
    const w = textWorld(
      `${ipt}# ebtables-save (bridge family)\n*filter\n:INPUT ACCEPT\n:FORWARD DROP\n:OUTPUT ACCEPT\n-A FORWARD -p IPv4 -j ACCEPT\n`,
      "t.rules",
    );
    expect(runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate).toMatchObject({
      kind: "lost",
      reason: expect.stringMatching(
        /^c1 asks who-has 172\.17\.0\.3 by ARP \(between two ports of the bridge\), and the policy of FORWARD \(line \d+ of t\.rules\) drops the ARP request there/,
      ),
    });
  });

  it("a bridge input policy drop loses a container's packet to its gateway, and the host's answer to its own question", () => {
    const world = textWorld(
      "table bridge filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tether type ip accept\n\t}\n}\n",
    );
    expect(runScenario(world, { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets[0]?.fate).toEqual({
      kind: "lost",
      reason:
        "c1 asks who-has 172.17.0.1 by ARP (to or from the bridge itself), and the policy of INPUT (line 2 of t.nft) drops the ARP request there: no answer, the packet is never sent",
    });
    // The host asks c1 itself (its ping to a container): the request leaves, c1's reply comes in through INPUT.
    expect(runScenario(world, { from: "host", to: "172.17.0.2", proto: "icmp" }).packets[0]?.fate).toEqual({
      kind: "lost",
      reason:
        "host asks who-has 172.17.0.2 by ARP (to or from the bridge itself), and the policy of INPUT (line 2 of t.nft) drops the ARP reply that answers it there: no answer, the packet is never sent",
    });
  });

  it("takes every neighbour as resolved when told the lab's neighbours are static (a recording's check)", () => {
    const world = textWorld(bridgeForward("ether type arp counter drop"));
    const run = runScenario(
      world,
      { from: "c1", to: "172.17.0.3", proto: "icmp" },
      { staticNeighbours: true },
    );
    expect(run.packets[0]?.fate).toEqual({ kind: "delivered", host: "c2" });
  });

  it("the asked host learns the asker from its request: the reply needs no ARP of its own", () => {
    // simcheck11 (kernel 6.18): a drop of c2's own broadcast requests left a1 -> a2 and its reply delivered,
    // the rule's counter at 0: a2 had an entry for a1 from a1's request.
    const world = textWorld(
      bridgeForward("ether saddr 02:42:ac:11:00:03 ether daddr ff:ff:ff:ff:ff:ff counter drop"),
    );
    const run = runScenario(world, { from: "c1", to: "172.17.0.3", proto: "icmp" });
    expect(run.packets.map((p) => p.fate)).toEqual([
      { kind: "delivered", host: "c2" },
      { kind: "delivered", host: "c1" },
    ]);
    // c2 asking first has no entry to use: its request is the one dropped.
    expect(runScenario(world, { from: "c2", to: "172.17.0.2", proto: "icmp" }).packets[0]?.fate.kind).toBe(
      "lost",
    );
  });
});
