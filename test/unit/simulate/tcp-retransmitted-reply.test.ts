/**
 * A TCP peer retransmits its SYN-ACK on its own timer, whether the initiator's retransmitted SYN reached
 * it or not. Found by the random-ruleset comparison with kernel 6.18 (in its first runs): under `ct state
 * established,related drop` at prerouting, the SYN-ACK and every later SYN were dropped, and the kernel
 * still logged c1's retransmitted SYN-ACKs; packetwalk skipped each reply whose last SYN had not
 * arrived, so its packets shifted against the kernel's. An echo reply still needs its request.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const DROP_ESTABLISHED =
  "table inet t {\n\tchain pre {\n\t\ttype filter hook prerouting priority 150; policy accept;\n\t\tct state established,related drop\n\t}\n}\n";

describe("replies after a lost retransmission", () => {
  it("sends a TCP peer's retransmitted SYN-ACK after a SYN that did not arrive", () => {
    const run = runScenario(textWorld(DROP_ESTABLISHED), {
      from: "c1",
      to: "172.17.0.3",
      proto: "tcp",
      dport: 80,
      script: [
        { direction: "request", tcpFlags: ["SYN"] },
        { direction: "reply", tcpFlags: ["ACK", "SYN"] },
        { direction: "request", tcpFlags: ["SYN"] },
        { direction: "reply", tcpFlags: ["ACK", "SYN"] },
      ],
    });
    expect(run.packets.map((p) => `${p.direction} ${p.sent.src} ${p.fate.kind}`)).toEqual([
      "request 172.17.0.2 delivered",
      "reply 172.17.0.3 dropped",
      "request 172.17.0.2 dropped",
      "reply 172.17.0.3 dropped",
    ]);
  });

  it("sends no echo reply for a ping that did not arrive", () => {
    const run = runScenario(textWorld(DROP_ESTABLISHED), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
      script: [
        { direction: "request" },
        { direction: "reply" },
        { direction: "request" },
        { direction: "reply" },
      ],
    });
    expect(run.packets.map((p) => `${p.direction} ${p.fate.kind}`)).toEqual([
      "request delivered",
      "reply dropped",
      // The same echo id: conntrack's established connection, dropped; so no reply follows.
      "request dropped",
    ]);
  });
});
