/**
 * A REJECT's answer in a recording that prints no header for it: xtables-monitor's PACKET line for an
 * ICMP packet names no protocol (iptables 1.8.9, kernel 6.18: `PACKET: 2 57a6b38f OUT=docker0
 * SRC=172.17.0.1 DST=172.17.0.2 LEN=88 TOS=0xc0 TTL=64 ID=54431`). Found by the random-ruleset
 * comparison (iptables seed 26, TRACE mode: c1's SYN-ACK rejected in DOCKER-USER, the host's ICMP error
 * traced at raw OUTPUT): the replay took the traced error for one more packet from c1 and sent a bare
 * TCP segment in its place. The script item is the answer when it went between the answer's addresses.
 */
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import { type RecordedPacket, scenarioFromRecorded } from "../../../src/core/simulate/conformance.ts";
import { runScenario, type ScriptItem } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

/** Docker's published port, with c1's SYN-ACKs rejected on their way out through FORWARD. */
const world = textWorld(
  [
    "*nat",
    ":PREROUTING ACCEPT [0:0]",
    "-A PREROUTING -d 203.0.113.2/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
    "COMMIT",
    "*filter",
    ":FORWARD ACCEPT [0:0]",
    "-A FORWARD -p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK -j REJECT --reject-with icmp-admin-prohibited",
    "COMMIT",
    "",
  ].join("\n"),
  "t.rules",
);

/** What each sent packet was: who sent it, and its flags or ICMP type. */
function sent(script: ScriptItem[]): string[] {
  const run = runScenario(world, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080, script });
  return run.packets.map(
    (p) => `${p.from} ${p.sent.proto} ${p.sent.tcpFlags?.join(",") ?? p.sent.icmpType ?? "(no flags)"}`,
  );
}

describe("a REJECT's answer the recording shows without a header", () => {
  const syn: ScriptItem = { direction: "request", tcpFlags: ["SYN"] };
  const synAck: ScriptItem = { direction: "reply", tcpFlags: ["SYN", "ACK"] };

  it("is the answer the simulator sent, when it went between the same addresses", () => {
    const error: ScriptItem = { direction: "reply", addrs: { src: "172.17.0.1", dst: "172.17.0.2" } };
    expect(sent([syn, synAck, error, synAck, error, syn])).toEqual([
      "wan tcp SYN",
      "c1 tcp SYN,ACK",
      "host icmp 3",
      "c1 tcp SYN,ACK",
      "host icmp 3",
      "wan tcp SYN",
    ]);
  });

  it("is another packet of the peer when its addresses are not the answer's", () => {
    const other: ScriptItem = { direction: "reply", addrs: { src: "172.17.0.2", dst: "198.51.100.10" } };
    expect(sent([syn, synAck, other])).toEqual([
      "wan tcp SYN",
      "c1 tcp SYN,ACK",
      "host icmp 3",
      "c1 tcp (no flags)",
    ]);
  });

  it("is another packet when its length is not the answer's, whatever its addresses", () => {
    // The error quotes the 60-byte SYN-ACK: 20 + 8 + 60 bytes.
    const error: ScriptItem = {
      direction: "reply",
      addrs: { src: "172.17.0.1", dst: "172.17.0.2" },
      len: 88,
    };
    expect(sent([syn, synAck, error])).toEqual(["wan tcp SYN", "c1 tcp SYN,ACK", "host icmp 3"]);
    expect(sent([syn, synAck, { ...error, len: 60 }])).toEqual([
      "wan tcp SYN",
      "c1 tcp SYN,ACK",
      "host icmp 3",
      "c1 tcp (no flags)",
    ]);
  });

  it("is told by its addresses also when a bridge line decoded its network header but no ICMP type", () => {
    // Iptables seed 31, TRACE mode: the error's bridge OUTPUT line (`NH=45c00058...`, the IP header alone)
    // gave it a protocol and no type, so the replay took it for one more packet of c1's.
    const ev = (ip: TraceEvent["ip"], l4?: TraceEvent["l4"]) => ({ ip, ...(l4 ? { l4 } : {}) }) as TraceEvent;
    const recorded: RecordedPacket[] = [
      {
        direction: "request",
        hooks: [],
        events: [
          ev(
            { src: "198.51.100.10", dst: "203.0.113.2", len: 60 },
            { proto: "tcp", sport: 4, dport: 8080, tcpFlags: ["SYN"] },
          ),
        ],
      },
      {
        direction: "reply",
        hooks: [],
        events: [
          ev({ src: "172.17.0.1", dst: "172.17.0.2", len: 88 }),
          ev({ src: "172.17.0.1", dst: "172.17.0.2", len: 88 }, { proto: "icmp" }),
        ],
      },
    ];
    const script = scenarioFromRecorded(recorded, "wan", "tcp")?.script;
    expect(script?.[1]).toEqual({
      direction: "reply",
      len: 88,
      addrs: { src: "172.17.0.1", dst: "172.17.0.2" },
    });
    // A datagram, or a segment whose only line shows no flags, is a packet of its own: no addresses to be taken by.
    const one = (l4: TraceEvent["l4"]): RecordedPacket => ({
      direction: "request",
      hooks: [],
      events: [ev({ src: "172.17.0.1", dst: "172.17.0.2", len: 57 }, l4)],
    });
    const items = scenarioFromRecorded(
      [
        one({ proto: "udp", sport: 5, dport: 53 }),
        one({ proto: "udp", sport: 5, dport: 53 }),
        one({ proto: "tcp" }),
      ],
      "host",
      "udp",
    )?.script;
    expect(items?.map((i) => i.addrs)).toEqual([undefined, undefined, undefined]);
  });
});
