/**
 * xtables-monitor prints no transport for ICMP (kernel 6.18, iptables 1.8.9: `PACKET: ... TTL=64
 * ID=25021 DF`, then nothing), so a traced ping read as bare IP: a lesson's figure titled it "IP
 * 172.17.0.2 -> 198.51.100.10". A `rule` line is printed only for a rule that matched: one that names
 * `-p icmp` says what the packet is. Recorded: traces/docker-bridge/container-to-wan-trace.log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packetTail } from "../../../src/cli/packet-output.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const LOG = readFileSync(
  join(import.meta.dirname, "../../../traces/docker-bridge/container-to-wan-trace.log"),
  "utf8",
);

describe("an xtables-monitor ping", () => {
  it("is ICMP when a rule it matched says -p icmp; its request and reply stay one flow", () => {
    expect(LOG).toContain("-A PREROUTING -p icmp -m comment --comment pw-dh -j TRACE");
    const r = parseTraceText(LOG);
    expect(r.packets.map((p) => [p.flow, p.direction, p.summary])).toEqual([
      [1, "request", "ICMP 172.17.0.2 -> 198.51.100.10"],
      [1, "reply", "ICMP 198.51.100.10 -> 203.0.113.2, un-SNAT to 172.17.0.2"],
    ]);
    expect(r.flows.map((f) => f.proto)).toEqual(["icmp"]);
    const header = JSON.parse(`{${packetTail(r.packets[0] as never, "json")}`).header;
    // No type is claimed: the line shows none.
    expect(header).toMatchObject({ proto: "icmp", src: "172.17.0.2", dst: "198.51.100.10" });
    expect(header.icmpType).toBeUndefined();
  });

  it("stays bare IP when no rule it matched names the protocol, and still pairs with a named one", () => {
    // The reply's trace without its `-p icmp` rule (a TRACE rule for all traffic, as `-A OUTPUT -j TRACE`).
    const lines = LOG.split("\n");
    const replyStart = lines.findIndex(
      (l, i) => i > 0 && l.startsWith("PACKET:") && l.includes("SRC=198.51.100.10"),
    );
    const edited = lines.map((l, i) => (i >= replyStart ? l.replace("-p icmp ", "") : l)).join("\n");
    const r = parseTraceText(edited);
    expect(r.packets.map((p) => [p.flow, p.direction, p.summary])).toEqual([
      [1, "request", "ICMP 172.17.0.2 -> 198.51.100.10"],
      [1, "reply", "IP 198.51.100.10 -> 203.0.113.2, un-SNAT to 172.17.0.2"],
    ]);
  });
});
