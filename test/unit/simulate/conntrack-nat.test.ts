import { describe, expect, it } from "vitest";
import { ConntrackTable, replyTuple } from "../../../src/core/simulate/conntrack.ts";
import { applyNat, natNeedsChain, setBinding } from "../../../src/core/simulate/nat.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { labWorld, logEverywhere, synPacket } from "./helpers.ts";

/** The conntrack entry attached to `p` (fails the test when there is none). */
function entryOf(p: SimPacket) {
  if (!p.ct) throw new Error("no conntrack entry attached");
  return p.ct.entry;
}

const syn = (): SimPacket =>
  synPacket({ src: "198.51.100.10", dst: "203.0.113.2", sport: 5555, dport: 8080 });

describe("conntrack and NAT", () => {
  it("first packet NEW, reply ESTABLISHED, later packets ESTABLISHED", () => {
    const ct = new ConntrackTable();
    const a = syn();
    expect(ct.lookup(a)).toBe("NEW");
    const again = syn();
    expect(ct.lookup(again)).toBe("NEW");
    const reply: SimPacket = {
      ...syn(),
      src: "203.0.113.2",
      dst: "198.51.100.10",
      sport: 8080,
      dport: 5555,
      tcpFlags: ["ACK", "SYN"],
    };
    expect(ct.lookup(reply)).toBe("ESTABLISHED");
    expect(reply.ct?.dir).toBe("reply");
    const ack = { ...syn(), tcpFlags: ["ACK"] };
    expect(ct.lookup(ack)).toBe("ESTABLISHED");
    expect(ct.list()).toHaveLength(1);
  });

  it("a reply without a connection is INVALID", () => {
    const ct = new ConntrackTable();
    // Kernel 6.18 (see test/unit/listing/notrack-reply.test.ts): a SYN/ACK, a FIN or an RST opens nothing.
    for (const tcpFlags of [["ACK", "SYN"], ["ACK", "FIN"], ["RST"]])
      expect(ct.lookup({ ...syn(), tcpFlags }), tcpFlags.join(",")).toBe("INVALID");
    // A bare ACK is INVALID only with nf_conntrack_tcp_loose 0; the default picks it up mid-stream (NEW).
    expect(new ConntrackTable({ tcpLoose: false }).lookup({ ...syn(), tcpFlags: ["ACK"] })).toBe("INVALID");
    const loose = new ConntrackTable();
    expect(loose.lookup({ ...syn(), tcpFlags: ["ACK"] })).toBe("NEW");
    expect(loose.list()).toHaveLength(1);
    expect(
      ct.lookup({
        src: "1.1.1.1",
        dst: "2.2.2.2",
        proto: "icmp",
        icmpType: 0,
        icmpId: 1,
        ttl: 64,
        id: 1,
        len: 84,
        ipFlags: [],
        mark: 0,
      }),
    ).toBe("INVALID");
  });

  it("DNAT binds once; later packets are rewritten without the chain and replies are translated back", () => {
    const ct = new ConntrackTable();
    const p = syn();
    ct.lookup(p);
    expect(natNeedsChain(p, "dst")).toBe(true);
    setBinding(entryOf(p), "dst", { addr: "172.17.0.2", port: 80 });
    expect(applyNat(p, "dst")).toBe(true);
    expect([p.dst, p.dport]).toEqual(["172.17.0.2", 80]);
    expect(natNeedsChain(p, "dst")).toBe(false);
    expect(replyTuple(entryOf(p))).toEqual({
      proto: "tcp",
      src: "172.17.0.2",
      dst: "198.51.100.10",
      sport: 80,
      dport: 5555,
    });

    const reply: SimPacket = {
      ...syn(),
      src: "172.17.0.2",
      dst: "198.51.100.10",
      sport: 80,
      dport: 5555,
      tcpFlags: ["ACK", "SYN"],
    };
    expect(ct.lookup(reply)).toBe("ESTABLISHED");
    expect(natNeedsChain(reply, "src")).toBe(false);
    expect(applyNat(reply, "dst")).toBe(false);
    expect(applyNat(reply, "src")).toBe(true);
    expect([reply.src, reply.sport]).toEqual(["203.0.113.2", 8080]);

    const ack = { ...syn(), tcpFlags: ["ACK"] };
    ct.lookup(ack);
    expect(natNeedsChain(ack, "dst")).toBe(false);
    applyNat(ack, "dst");
    expect([ack.dst, ack.dport]).toEqual(["172.17.0.2", 80]);
  });

  it("MASQUERADE-style SNAT: the reply's destination is translated back at the dst manip", () => {
    const ct = new ConntrackTable();
    const p: SimPacket = {
      src: "172.17.0.2",
      dst: "198.51.100.10",
      proto: "icmp",
      icmpType: 8,
      icmpId: 7,
      ttl: 64,
      id: 1,
      len: 84,
      ipFlags: [],
      mark: 0,
    };
    ct.lookup(p);
    setBinding(entryOf(p), "dst", null);
    setBinding(entryOf(p), "src", { addr: "203.0.113.2" });
    applyNat(p, "src");
    expect(p.src).toBe("203.0.113.2");
    const reply: SimPacket = {
      src: "198.51.100.10",
      dst: "203.0.113.2",
      proto: "icmp",
      icmpType: 0,
      icmpId: 7,
      ttl: 64,
      id: 2,
      len: 84,
      ipFlags: [],
      mark: 0,
    };
    expect(ct.lookup(reply)).toBe("ESTABLISHED");
    applyNat(reply, "dst");
    expect(reply.dst).toBe("172.17.0.2");
  });
});

describe("a first packet that netfilter drops leaves no conntrack entry", () => {
  it("a retransmitted SYN is NEW again and meets the nat chains again, as the kernel logs it", () => {
    // The published port's DNAT stays; every SYN to it is dropped in filter FORWARD.
    const world = labWorld("docker-28", {}, [
      ...logEverywhere(),
      { family: "ip", table: "filter", chain: "FORWARD", args: ["-p", "tcp", "-j", "DROP"] },
    ]);
    const syns = Array.from({ length: 3 }, () => ({ direction: "request" as const, tcpFlags: ["SYN"] }));
    const r = runScenario(world, {
      from: "wan",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 8080,
      script: [...syns, { direction: "reply", tcpFlags: ["ACK", "SYN"] }],
    });
    // Three SYNs sent (the client retransmits), no SYN-ACK (no SYN arrived).
    expect(r.packets).toHaveLength(3);
    for (const p of r.packets) {
      expect(p.fate.kind).toBe("dropped");
      expect(p.events.map((e) => e.hook)).toContain("ip:nat:PREROUTING");
    }
    expect(r.stopped).toMatch(/^packet 1 \(request\) was not delivered: DROP by rule/);
    expect(r.simulator.conntrack.list()).toEqual([]);
  });

  it("an entry is kept only once its packet passed its last hook: a SYN not forwarded leaves none", () => {
    // ip_forward=0: the SYN is DNATed in PREROUTING, then not routed; the retransmission is NEW again.
    const world = labWorld("docker-28", { "net.ipv4.ip_forward": "0" }, logEverywhere());
    const r = runScenario(world, {
      from: "wan",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 8080,
      script: [
        { direction: "request", tcpFlags: ["SYN"] },
        { direction: "request", tcpFlags: ["SYN"] },
      ],
    });
    expect(r.packets.map((p) => p.fate.kind)).toEqual(["lost", "lost"]);
    for (const p of r.packets) expect(p.events.map((e) => e.hook)).toContain("ip:nat:PREROUTING");
    expect(r.simulator.conntrack.list()).toEqual([]);
  });

  it("IPv4 forwards by the input device's own switch: forwarding=0 on eth0 loses what comes in there (simcheck7 D2)", () => {
    // Kernel 6.18 with ip_forward=1 and wan0.forwarding=0: the DNATed SYN from wan was dropped before FORWARD,
    // and a container's connection out lost its SYN-ACK (it comes in on wan0); the SYN itself left.
    const world = labWorld("docker-28", { "net.ipv4.conf.eth0.forwarding": "0" }, logEverywhere());
    const inbound = runScenario(world, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 });
    expect(inbound.packets[0]?.fate).toEqual({
      kind: "lost",
      reason:
        "host does not forward what comes in on eth0 (net.ipv4.conf.eth0.forwarding=0): the kernel drops it, with no ICMP error",
    });
    expect(inbound.packets[0]?.events.map((e) => e.hook)).not.toContain("ip:filter:FORWARD");
    const outbound = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 });
    expect(outbound.packets.map((p) => p.fate.kind)).toEqual(["delivered", "lost"]);
  });

  it("a reply is sent only when its request arrived", () => {
    // The data segment is dropped; its ACK is never sent, the FIN after it is.
    const world = labWorld("docker-28", {}, [
      {
        family: "ip",
        table: "filter",
        chain: "FORWARD",
        args: ["-p", "tcp", "--tcp-flags", "PSH", "PSH", "-j", "DROP"],
      },
    ]);
    const r = runScenario(world, {
      from: "wan",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 8080,
      script: [
        { direction: "request", tcpFlags: ["SYN"] },
        { direction: "reply", tcpFlags: ["ACK", "SYN"] },
        { direction: "request", tcpFlags: ["ACK", "PSH"] },
        { direction: "reply", tcpFlags: ["ACK"] },
        { direction: "request", tcpFlags: ["ACK", "FIN"] },
      ],
    });
    expect(r.packets.map((p) => `${p.direction} ${p.sent.tcpFlags?.join(",")} ${p.fate.kind}`)).toEqual([
      "request SYN delivered",
      "reply ACK,SYN delivered",
      "request ACK,PSH dropped",
      "request ACK,FIN delivered",
    ]);
  });

  it("ping numbers each request that follows an unanswered one", () => {
    const world = labWorld("docker-28", {}, [
      { family: "ip", table: "filter", chain: "FORWARD", args: ["-p", "icmp", "-j", "DROP"] },
    ]);
    const r = runScenario(world, {
      from: "c1",
      to: "198.51.100.10",
      proto: "icmp",
      script: [{ direction: "request" }, { direction: "request" }],
    });
    expect(r.packets.map((p) => p.sent.icmpSeq)).toEqual([1, 2]);
    // A dropped reply: the next request still has the next number.
    const replies = labWorld("docker-28", {}, [
      {
        family: "ip",
        table: "filter",
        chain: "FORWARD",
        args: ["-p", "icmp", "--icmp-type", "echo-reply", "-j", "DROP"],
      },
    ]);
    const r2 = runScenario(replies, {
      from: "c1",
      to: "198.51.100.10",
      proto: "icmp",
      script: [{ direction: "request" }, { direction: "reply" }, { direction: "request" }],
    });
    expect(r2.packets.map((p) => `${p.direction} ${p.sent.icmpSeq} ${p.fate.kind}`)).toEqual([
      "request 1 delivered",
      "reply 1 dropped",
      "request 2 delivered",
    ]);
  });
});
