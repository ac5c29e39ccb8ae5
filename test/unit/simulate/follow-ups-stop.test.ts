/**
 * A connection's follow-ups stop where the exchange breaks: a packet that does not reach the host it
 * is addressed to (dropped, lost, or consumed by another host) is answered by nobody, and the TCP
 * initiator whose SYN-ACK never came sends no ACK (it retransmits its SYN and times out). Docker-bridge
 * lab: c1 172.17.0.2 behind the host's MASQUERADE, wan 203.0.113.1 with 198.51.100.10 on its lo.
 */
import { describe, expect, it } from "vitest";
import { runScenario, type ScriptItem } from "../../../src/core/simulate/run-scenario.ts";
import { rulesetText, textWorld } from "./helpers.ts";

/** wan's MAC, the source of every frame wan sends to the host. */
const WAN_MAC = "52:54:00:12:34:01";

/** The lab's docker-28 ruleset with `rule` first in FORWARD. */
function withForwardRule(rule: string): string {
  return rulesetText("docker-28").replace("-A FORWARD -j DOCKER-USER", `${rule}\n-A FORWARD -j DOCKER-USER`);
}

/** The lab's docker-28 ruleset with `rule` first in raw PREROUTING. */
function withRawRule(rule: string): string {
  return rulesetText("docker-28").replace(
    "-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP",
    `${rule}\n-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP`,
  );
}

const DROP_SYN_ACK = withForwardRule(
  `-A FORWARD -p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK -m mac --mac-source ${WAN_MAC} -j DROP`,
);
const NOTRACK_SYN_ACK = withRawRule(
  "-A PREROUTING -i eth0 -p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK -j CT --notrack",
);

/** Each packet of a run: its direction, flags or ICMP type, and where it ended. */
function shape(r: ReturnType<typeof runScenario>): string[] {
  return r.packets.map((p) => {
    const what = p.sent.tcpFlags?.join(",") ?? String(p.sent.icmpType ?? p.sent.proto);
    return `${p.direction} ${what}: ${p.fate.kind === "delivered" ? p.fate.host : p.fate.kind}`;
  });
}

function c1ToWan(text: string, proto: "tcp" | "icmp", script?: ScriptItem[]) {
  return runScenario(textWorld(text, "t.rules"), {
    from: "c1",
    to: "198.51.100.10",
    proto,
    dport: 80,
    ...(script ? { script } : {}),
  });
}

const tcp = (direction: "request" | "reply", ...tcpFlags: string[]): ScriptItem => ({ direction, tcpFlags });

describe("TCP follow-ups", () => {
  it("the whole handshake when every packet arrives", () => {
    const r = c1ToWan(rulesetText("docker-28"), "tcp");
    expect(shape(r)).toEqual(["request SYN: wan", "reply ACK,SYN: c1", "request ACK: wan"]);
    expect(r.stopped).toBeUndefined();
  });

  it("a dropped SYN-ACK: no ACK, and the run says packet 2 stopped it", () => {
    const r = c1ToWan(DROP_SYN_ACK, "tcp");
    expect(shape(r)).toEqual(["request SYN: wan", "reply ACK,SYN: dropped"]);
    expect(r.stopped).toMatch(
      /^packet 2 \(reply\) was not delivered to c1: DROP by rule at line \d+ of t\.rules: .*--mac-source/,
    );
  });

  it("a SYN-ACK consumed by the host (notracked, so never un-SNATed to c1): no ACK, and stopped", () => {
    const r = c1ToWan(NOTRACK_SYN_ACK, "tcp");
    expect(shape(r)).toEqual(["request SYN: wan", "reply ACK,SYN: host"]);
    expect(r.stopped).toBe("packet 2 (reply) was not delivered to c1: it was delivered to host instead");
  });

  it("a dropped SYN: nothing answers it and no ACK follows", () => {
    const r = c1ToWan(withForwardRule("-A FORWARD -p tcp -m tcp --tcp-flags SYN,ACK SYN -j DROP"), "tcp");
    expect(shape(r)).toEqual(["request SYN: dropped"]);
    expect(r.stopped).toMatch(/^packet 1 \(request\) was not delivered: DROP by rule/);
  });

  it("a script: the initiator still retransmits its SYN after a lost SYN-ACK, but sends no ACK", () => {
    const r = c1ToWan(DROP_SYN_ACK, "tcp", [
      tcp("request", "SYN"),
      tcp("reply", "ACK", "SYN"),
      tcp("request", "ACK"),
      tcp("reply", "ACK", "FIN"),
      tcp("request", "SYN"),
    ]);
    expect(shape(r)).toEqual(["request SYN: wan", "reply ACK,SYN: dropped", "request SYN: wan"]);
    expect(r.stopped).toMatch(/^packet 2 \(reply\)/);
  });

  it("a script picked up mid-stream (no SYN) is sent as it is", () => {
    const r = c1ToWan(rulesetText("docker-28"), "tcp", [tcp("request", "ACK"), tcp("reply", "ACK")]);
    expect(r.packets.map((p) => p.direction)).toEqual(["request", "reply"]);
  });
});

describe("ICMP echo follow-ups", () => {
  it("a dropped echo request gets no reply", () => {
    const r = c1ToWan(withForwardRule("-A FORWARD -p icmp -m icmp --icmp-type 8 -j DROP"), "icmp");
    expect(shape(r)).toEqual(["request 8: dropped"]);
    expect(r.stopped).toMatch(/^packet 1 \(request\) was not delivered: DROP by rule/);
  });

  it("an echo reply consumed by the host instead of reaching c1 stops the run", () => {
    const r = c1ToWan(
      withRawRule("-A PREROUTING -i eth0 -p icmp -m icmp --icmp-type 0 -j CT --notrack"),
      "icmp",
    );
    expect(shape(r)).toEqual(["request 8: wan", "reply 0: host"]);
    expect(r.stopped).toBe("packet 2 (reply) was not delivered to c1: it was delivered to host instead");
  });

  it("a script: ping sends its next request after a dropped reply", () => {
    const r = c1ToWan(withForwardRule(`-A FORWARD -p icmp -m mac --mac-source ${WAN_MAC} -j DROP`), "icmp", [
      { direction: "request" },
      { direction: "reply" },
      { direction: "request" },
      { direction: "reply" },
    ]);
    expect(shape(r)).toEqual(["request 8: wan", "reply 0: dropped", "request 8: wan", "reply 0: dropped"]);
    expect(r.packets.map((p) => p.sent.icmpSeq)).toEqual([1, 1, 2, 2]);
    expect(r.stopped).toMatch(/^packet 2 \(reply\) was not delivered to c1: DROP/);
  });
});
