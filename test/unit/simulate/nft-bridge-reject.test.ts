/**
 * What an nft bridge-family reject sends back (test/fixtures/simulate/nft-bridge-reject): the answer
 * nf_reject_skb_v4_unreach / _tcp_reset build (kernel 6.18 capture of the same builders under
 * nft_reject_netdev, since that kernel has no CONFIG_NFT_BRIDGE_REJECT): from the rejected destination,
 * MACs swapped, TTL 64, id 0, DF, TOS 0, an ICMP error quoting the whole packet; a's ping prints
 * "Destination Port Unreachable", b's "Packet filtered", a's connect "Connection refused" and "No route
 * to host". Which bridge hooks it crosses and where nft_reject_bridge refuses to answer are read from
 * the kernel source (br_forward from the input port, nft_reject_bridge_validate), not captured.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rejectAnswer } from "../../../src/core/simulate/reject-answer.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { Simulator } from "../../../src/core/simulate/simulate-packet.ts";
import { textWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/nft-bridge-reject");
const RULESET = readFileSync(join(DIR, "ruleset.nft"), "utf8");
const world = (text = RULESET) => textWorld(text, "ruleset.nft", DIR);
const hooks = (p: { events: { hook: string }[] } | undefined) => p?.events.map((e) => e.hook);

describe("nft bridge reject sends back what nf_reject_skb_* builds", () => {
  it("a's ping rejected in bridge prerouting: a port unreachable from b's address and MAC, out of veth-a", () => {
    const r = runScenario(world(), { from: "a", to: "198.51.100.11", proto: "icmp" });
    const [req, err] = r.packets;
    expect(req?.fate).toMatchObject({ kind: "dropped", hook: "bridge:filter:cpre" });
    expect(r.packets).toHaveLength(2);
    // capture: MAC=02:00:00:00:01:0a:02:00:00:00:01:0b SRC=198.51.100.11 DST=198.51.100.10 LEN=112 TTL=64 ID=0 DF TYPE=3 CODE=3
    expect(err?.sent).toMatchObject({
      src: "198.51.100.11",
      dst: "198.51.100.10",
      proto: "icmp",
      icmpType: 3,
      icmpCode: 3,
      len: 112,
      ttl: 64,
      id: 0,
      ipFlags: ["DF"],
    });
    expect(err?.sent.tos).toBeUndefined();
    expect(err?.received).toMatchObject({ macSrc: "02:00:00:00:01:0b", macDst: "02:00:00:00:01:0a" });
    expect(err).toMatchObject({ direction: "reply", answers: 1, fate: { kind: "delivered", host: "a" } });
    expect(hooks(err)).toEqual(["bridge:filter:cout", "bridge:filter:cpost"]);
    expect(err?.notes).toContain("a reports ping: Destination Port Unreachable");
  });

  it("icmpx admin-prohibited: code 13 to b's ping (Packet filtered) and a's connect (No route to host)", () => {
    const ping = runScenario(world(), { from: "b", to: "198.51.100.10", proto: "icmp" }).packets[1];
    expect(ping?.sent).toMatchObject({ src: "198.51.100.10", dst: "198.51.100.11", icmpCode: 13, len: 112 });
    expect(ping?.notes).toContain("b reports ping: Packet filtered");
    const tcp = runScenario(world(), { from: "a", to: "198.51.100.11", proto: "tcp", dport: 5002 }).packets;
    expect(tcp).toHaveLength(2);
    expect(tcp[1]?.sent).toMatchObject({ icmpType: 3, icmpCode: 13, len: 88, id: 0 });
    expect(tcp[1]?.notes).toContain("a reports connect: No route to host");
  });

  it("tcp reset: a RST,ACK from b's port, id 0, DF; a's connect is refused", () => {
    const r = runScenario(world(), { from: "a", to: "198.51.100.11", proto: "tcp", dport: 5001 });
    expect(r.packets).toHaveLength(2);
    expect(r.packets[1]?.sent).toMatchObject({
      src: "198.51.100.11",
      sport: 5001,
      dst: "198.51.100.10",
      dport: 40000,
      tcpFlags: ["ACK", "RST"],
      len: 40,
      id: 0,
      ipFlags: ["DF"],
    });
    expect(r.packets[1]?.fate).toEqual({ kind: "delivered", host: "a" });
    expect(r.packets[1]?.notes).toContain("a reports connect: Connection refused");
  });

  it("plain reject of UDP: a port unreachable quoting the whole datagram (capture: LEN=58 for 30)", () => {
    const r = runScenario(world(), { from: "a", to: "198.51.100.11", proto: "udp", dport: 5003 });
    const [req, err] = r.packets;
    expect(err?.sent).toMatchObject({ icmpType: 3, icmpCode: 3, len: 28 + (req?.sent.len ?? 0) });
    expect(err?.fate).toEqual({ kind: "delivered", host: "a" });
    expect(err?.notes).toContain("a reports send: Connection refused");
  });

  it("a reject in a bridge forward chain: nft refuses the ruleset, so nothing is sent back", () => {
    const fwd = RULESET.replace(
      "chain cfwd {\n\t\ttype filter hook forward priority filter; policy accept;\n",
      "chain cfwd {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\ttcp dport 5009 reject\n",
    );
    const w = world(fwd);
    expect(w.ruleset.diagnostics).toMatchObject([
      {
        severity: "error",
        position: { line: 13 },
        message: "reject in a bridge table works only in a prerouting or input chain",
      },
    ]);
    expect(world().ruleset.diagnostics).toEqual([]);
    const r = runScenario(w, { from: "a", to: "198.51.100.11", proto: "tcp", dport: 5009 });
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "bridge:filter:cfwd" });
    expect(r.packets[0]?.notes.join("\n")).toContain("only in prerouting and input chains");
    expect(r.packets.every((p) => p.answers === undefined)).toBe(true);
  });

  it("a destination unreachable is not answered by one; a time exceeded is (nf_reject_skb_v4_unreach)", () => {
    const any = RULESET.replace(
      "icmp type echo-request reject with icmp port",
      "meta l4proto icmp reject with icmp port",
    );
    const sim = new Simulator(world(any));
    const p = sim.send({ from: "a", to: "198.51.100.11", proto: "icmp", icmpType: 3, direction: "request" });
    expect(p.notes.join("\n")).toContain("sends nothing back: the kernel sends no destination unreachable");
    expect(sim.packets).toHaveLength(1);
    const ttl = { proto: "icmp", dst: "198.51.100.11", icmpType: 11 };
    expect(rejectAnswer(undefined, ttl, "bridge")).toEqual({ answer: { kind: "icmp", type: 3, code: 3 } });
    expect(rejectAnswer(undefined, ttl)).toHaveProperty("none");
  });

  it("sends nothing for a frame to a broadcast or multicast MAC, whatever the reject type", () => {
    for (const w of [undefined, "tcp reset"])
      expect(rejectAnswer(w, { proto: "tcp", dst: "198.51.100.11", pktType: "broadcast" }, "bridge")).toEqual(
        { none: "a bridge family's reject sends nothing for a frame to a broadcast or multicast MAC" },
      );
  });
});
