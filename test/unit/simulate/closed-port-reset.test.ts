/**
 * A TCP SYN to a port nobody listens on (`closedPort`, `packetwalk simulate --closed`): the host it
 * reaches answers with its TCP stack's reset. Before, `closedPort` was UDP's alone and the simulator
 * predicted a SYN-ACK: on the Docker 29 lab, `--from wan --to 203.0.113.10:8080 --proto tcp` completed a
 * handshake where the kernel answered `Connection refused`.
 *
 * What the kernel printed (kernel 6.18): the tester's Docker host, lo/wan-to-host-2.log of
 * test/fixtures/docker29-nft-labs (the reset at the host's OUTPUT and POSTROUTING: `LEN=40 TOS=0x00
 * PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=8080 DPT=35454 WINDOW=0 RES=0x00 ACK RST URGP=0`), and
 * test/fixtures/closed-port-reset/capture.txt: `ct state established` counted the reset at OUTPUT; a
 * DNATed SYN's reset, sent by the host behind the DNAT, left the router as `SRC=203.0.113.10 ...
 * SPT=8080`; `conntrack -L` showed no connection after it; TOS 0x13 came back 0x10; a bare ACK got `RST`
 * alone; IPv6 `LEN=60 TC=16 HOPLIMIT=64`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { closedPortReset } from "../../../src/core/simulate/tcp-reset.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { buildWorld, loadLab } from "../../../src/lab/load-lab.ts";

const LABS = join(import.meta.dirname, "../../fixtures/docker29-nft-labs");
const LO = loadLab(join(LABS, "lo"));
const NOPROXY = loadLab(join(LABS, "noproxy"));

/** A kernel log line without its timestamp. */
const body = (line: string) => line.replace(/^\[[ \d.]+\] /, "");

describe("a TCP SYN to a closed port", () => {
  it("is answered by the host's reset, through its OUTPUT and POSTROUTING, as the kernel logged it", () => {
    // The ruleset as it was installed while the tester recorded, its log rules included.
    const { world } = buildWorld(LO, { ruleset: "d29-lo.instrumented-581a0246" });
    const r = runScenario(world, {
      from: "wan",
      to: "203.0.113.10",
      proto: "tcp",
      sport: 35454,
      dport: 8080,
      closedPort: true,
    });
    const recorded = readFileSync(join(LABS, "lo/wan-to-host-2.log"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map(body);
    const resets = recorded.filter((l) => l.includes(" RST "));
    expect(resets.map((l) => l.split(" IN=")[0])).toEqual(["d29 out:", "d29 post:"]);
    const lines = toTrace(r.packets).lines.map(body);
    expect(lines.filter((l) => l.includes(" RST "))).toEqual(resets);
    // The exchange is the SYN and its reset: no SYN-ACK, and the client sends no ACK.
    expect(r.packets.map((p) => p.sent.tcpFlags)).toEqual([["SYN"], ["ACK", "RST"]]);
    expect(r.packets[1]?.answers).toBe(1);
    expect(r.packets[1]?.fate).toEqual({ kind: "delivered", host: "wan" });
    expect(r.packets[1]?.notes).toContain("wan reports connect: Connection refused");
    expect(r.stopped).toBeUndefined();
  });

  it("goes out ESTABLISHED in the reply direction, and conntrack forgets the connection", () => {
    // Nothing but an established reply leaves: a RELATED (a REJECT's), NEW or INVALID reset would be
    // dropped. nft 1.0.6 (`nft -c -f`) takes the ruleset.
    const rules = `table inet t {
	chain out {
		type filter hook output priority 0; policy drop;
		ct state established ct direction reply accept
	}
}
`;
    const { world } = buildWorld(LO, { rulesetText: { text: rules, file: "t.nft" } });
    const r = runScenario(world, {
      from: "wan",
      to: "203.0.113.10",
      proto: "tcp",
      dport: 8080,
      closedPort: true,
    });
    expect(r.packets[1]?.events.map((e) => `${e.hook} ${e.verdict}`)).toEqual(["ip:t:out ACCEPT"]);
    expect(r.packets[1]?.fate).toEqual({ kind: "delivered", host: "wan" });
    expect(r.simulator.conntrack.list()).toEqual([]);
  });

  it("from a host behind a DNAT, is un-DNATed on its way back", () => {
    const { world } = buildWorld(NOPROXY, { ruleset: "d29-noproxy" });
    const r = runScenario(world, {
      from: "wan",
      to: "203.0.113.10",
      proto: "tcp",
      dport: 8080,
      closedPort: true,
    });
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "c1" });
    const reset = r.packets[1];
    expect(reset?.from).toBe("c1");
    expect(reset?.sent).toMatchObject({ src: "192.0.2.2", sport: 80, tcpFlags: ["ACK", "RST"] });
    expect(reset?.received).toMatchObject({ src: "203.0.113.10", sport: 8080, dst: "203.0.113.1" });
    expect(reset?.notes).toContain("wan reports connect: Connection refused");
    expect(r.packets).toHaveLength(2);
  });

  it("a reset the host's OUTPUT drops leaves the client retransmitting, and no socket answers", () => {
    const rules = `table inet t {
	chain out {
		type filter hook output priority 0; policy drop;
	}
}
`;
    const { world } = buildWorld(LO, { rulesetText: { text: rules, file: "t.nft" } });
    const r = runScenario(world, {
      from: "wan",
      to: "203.0.113.10",
      proto: "tcp",
      dport: 8080,
      closedPort: true,
      script: [
        { direction: "request", tcpFlags: ["SYN"] },
        { direction: "reply", tcpFlags: ["ACK", "SYN"] },
        { direction: "request", tcpFlags: ["SYN"] },
        { direction: "request", tcpFlags: ["ACK"] },
      ],
    });
    // SYN, its reset (dropped), the retransmitted SYN, its reset: no SYN-ACK, no ACK.
    expect(r.packets.map((p) => `${p.direction} ${p.sent.tcpFlags?.join(",")} ${p.fate.kind}`)).toEqual([
      "request SYN delivered",
      "reply ACK,RST dropped",
      "request SYN delivered",
      "reply ACK,RST dropped",
    ]);
    expect(r.stopped).toMatch(/^packet 2 \(reply\) was not delivered to wan: /);
  });

  it("the reset's header: the segment's TOS without ECN bits, RST alone for an ACK, IPv6's length", () => {
    const syn: SimPacket = {
      src: "203.0.113.1",
      dst: "203.0.113.10",
      proto: "tcp",
      sport: 40002,
      dport: 8081,
      tcpFlags: ["SYN"],
      ttl: 64,
      id: 4343,
      len: 40,
      ipFlags: ["DF"],
      mark: 0,
      tos: 0x13,
    };
    expect(closedPortReset(syn)).toMatchObject({
      src: "203.0.113.10",
      dst: "203.0.113.1",
      sport: 8081,
      dport: 40002,
      tcpFlags: ["ACK", "RST"],
      tos: 0x10,
      ttl: 64,
      id: 0,
      len: 40,
      window: 0,
      ipFlags: ["DF"],
    });
    expect(closedPortReset({ ...syn, tcpFlags: ["ACK"], tos: 0 }).tcpFlags).toEqual(["RST"]);
    expect(closedPortReset({ ...syn, tos: 0 }).tos).toBeUndefined();
    const v6 = closedPortReset({ ...syn, v6: true, src: "2001:db8:1::1", dst: "2001:db8:1::10", tos: 16 });
    expect(v6).toMatchObject({ v6: true, len: 60, ttl: 64, tos: 16, ipFlags: [] });
  });

  it("is not sent without closedPort (a socket listens: the handshake completes)", () => {
    const { world } = buildWorld(LO, { ruleset: "d29-lo" });
    const r = runScenario(world, { from: "wan", to: "203.0.113.10", proto: "tcp", dport: 8080 });
    expect(r.packets.map((p) => p.sent.tcpFlags)).toEqual([["SYN"], ["ACK", "SYN"], ["ACK"]]);
  });
});
