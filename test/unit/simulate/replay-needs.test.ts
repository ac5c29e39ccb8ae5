/**
 * What `check` replays beyond a recording's headers: the TTL the initiator sent with, and a UDP port no
 * socket listened on. test/fixtures/replay-needs/capture/icmp-errors (see its intent) is a tester's
 * router recorded on kernel 6.18: `ping -t 1`, answered by the router's ICMP time exceeded, and a UDP
 * datagram answered by an ICMP port unreachable; check once replayed the first with TTL 64 (forwarded)
 * and the second's answer as UDP. The command forms were checked in namespaces (kernel 6.18, nft
 * monitor trace of what arrived): `ping -c1 -W1 -t1` sent TTL 1, `ping -nt 2` TTL 2, `ping -t 3` to an
 * IPv6 address hop limit 3 (iputils 20221126); traceroute 2.1.2 sent its first probes with TTL 1, with
 * `-f 3` TTL 3, with `--first=5` TTL 5.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { recordedPackets } from "../../../src/core/simulate/conformance.ts";
import { commandTtl, replayNeeds } from "../../../src/core/simulate/replay-needs.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";

const LAB = join(import.meta.dirname, "../../fixtures/replay-needs/capture/icmp-errors");

describe("check replays what the recording needs", () => {
  const results = checkLab(LAB).filter((r) => !r.trace.endsWith("zh-tw.json"));
  const result = (stem: string) => results.find((r) => r.trace.endsWith(`/${stem}`));

  it("ping -t 1: the TTL the router saw, so the router's time exceeded is predicted", () => {
    const r = result("lan-to-wan-icmp");
    expect(r?.report, r?.report).toBe("");
    expect(r?.ok).toBe(true);
    expect(r?.inferred).toEqual(["TTL 1 (the first packet's, as recorded at ip:raw:PREROUTING)"]);
  });

  it("a UDP datagram answered by an ICMP port unreachable: no socket listened", () => {
    const r = result("lan-to-wan");
    expect(r?.report, r?.report).toBe("");
    expect(r?.ok).toBe(true);
    expect(r?.inferred).toEqual([
      "no socket on the UDP port (the recording's answer is an ICMP port unreachable), as simulate --udp-closed",
    ]);
  });

  it("takes the command's TTL when no line shows the packet before routing lowered it", () => {
    // The UDP datagram's lines from FORWARD on (TTL=63 there), under a ping command that says -t 2.
    const trace = readTraceFolder(LAB).traces.find((t) => t.stem === "lan-to-wan");
    const log = trace?.text.split("\n").slice(1).join("\n") ?? "";
    const recorded = recordedPackets(parseTraceText(log, { prefixMap: trace?.prefixMap }), "log");
    expect(recorded[0]?.events.map((e) => `${e.hook} TTL=${e.ip?.ttl}`)).toEqual([
      "ip:filter:FORWARD TTL=63",
      "ip:mangle:POSTROUTING TTL=63",
      "ip:nat:POSTROUTING TTL=63",
    ]);
    expect(replayNeeds(recorded, "udp", ["ping", "-c1", "-t", "2", "198.51.100.20"], undefined)).toEqual({
      ttl: 2,
      closedPort: true,
      said: [
        "TTL 2 (the command's: ping -c1 -t 2 198.51.100.20)",
        "no socket on the UDP port (the recording's answer is an ICMP port unreachable), as simulate --udp-closed",
      ],
    });
  });
});

describe("commandTtl", () => {
  it("reads ping's -t in its forms, and no other option's value", () => {
    expect(commandTtl(["ping", "-c1", "-W1", "-t", "1", "198.51.100.20"])).toBe(1);
    expect(commandTtl(["ping", "-c1", "-W1", "-t1", "10.54.4.1"])).toBe(1);
    expect(commandTtl(["/usr/bin/ping", "-c1", "-nt", "2", "10.54.4.1"])).toBe(2);
    expect(commandTtl(["ping6", "-t", "3", "2001:db8::1"])).toBe(3);
    // -c takes 1t2 as its value; -I takes "-t"'s place: neither is a TTL.
    expect(commandTtl(["ping", "-c1t2", "10.0.0.1"])).toBeUndefined();
    expect(commandTtl(["ping", "-I", "t", "10.0.0.1"])).toBeUndefined();
    expect(commandTtl(["ping", "-c1", "10.0.0.1"])).toBeUndefined();
    expect(commandTtl(["ping", "-t", "0", "10.0.0.1"])).toBeUndefined();
  });

  it("traceroute's first TTL: 1 unless -f or --first says another", () => {
    expect(commandTtl(["traceroute", "-n", "198.51.100.20"])).toBe(1);
    expect(commandTtl(["traceroute", "-n", "-f", "3", "198.51.100.20"])).toBe(3);
    expect(commandTtl(["traceroute6", "--first=5", "2001:db8::1"])).toBe(5);
  });

  it("says nothing for another command", () => {
    expect(commandTtl(["curl", "-t", "1", "http://198.51.100.20/"])).toBeUndefined();
    expect(commandTtl(["(not given: imported from a kernel log)"])).toBeUndefined();
  });
});

describe("a TCP SYN answered by a reset", () => {
  // A tester's Docker 29 host (test/fixtures/docker29-nft-labs/lo, kernel 6.18): wan connected to
  // 203.0.113.10:8080 where nothing listened; the host answered `ACK RST` (Connection refused).
  const log = readFileSync(
    join(import.meta.dirname, "../../fixtures/docker29-nft-labs/lo/wan-to-host-2.log"),
    "utf8",
  );
  const prefixMap = {
    "d29 pre:": "ip:raw:PREROUTING",
    "d29 dnat:": "ip:nat:PREROUTING",
    "d29 in:": "ip:filter:INPUT",
    "d29 out:": "ip:filter:OUTPUT",
    "d29 post:": "ip:nat:POSTROUTING",
  } as const;

  it("is replayed with no socket on the port, as simulate --closed", () => {
    const recorded = recordedPackets(parseTraceText(log, { prefixMap }), "log");
    expect(recorded.map((p) => p.events[0]?.l4?.tcpFlags)).toEqual([["SYN"], ["ACK", "RST"]]);
    expect(replayNeeds(recorded, "tcp", undefined, undefined)).toEqual({
      closedPort: true,
      said: ["no socket on the TCP port (the recording answers the SYN with a reset), as simulate --closed"],
    });
  });

  it("a SYN answered by a SYN-ACK needs nothing", () => {
    const answered = log.replace(/ACK RST/g, "ACK SYN").replace(/WINDOW=0 /g, "WINDOW=65160 ");
    const recorded = recordedPackets(parseTraceText(answered, { prefixMap }), "log");
    expect(replayNeeds(recorded, "tcp", undefined, undefined)).toEqual({ said: [] });
  });
});
