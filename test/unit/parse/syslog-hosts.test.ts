/**
 * The host a syslog or journal line names: a log server's file holds several hosts' lines, and a
 * packet is one host's (harvest45: two hosts' lines of one SYN were read as one packet crossing raw
 * PREROUTING on one and filter INPUT on the other). A line sent without a host (RFC 3164 allows it)
 * keeps its LOG prefix: `DENY:` is no host name (Elastic's iptables test log).
 */
import { describe, expect, it } from "vitest";
import type { HookId } from "../../../src/core/model/hook.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const SYN =
  "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.7 DST=203.0.113.9 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=4242 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ";
const hooks = (text: string, prefixes?: Record<string, HookId>) =>
  parseTraceText(text, { file: "x.log", ...(prefixes ? { prefixMap: prefixes } : {}) }).packets.map((p) =>
    p.events.map((e) => `${e.host ?? "-"} ${e.hook}`),
  );

describe("the host a line names", () => {
  it("keeps two hosts' lines of one packet apart", () => {
    const text = [
      `Dec  6 12:00:00 hosta kernel: [ 100.000001] iptable/raw-PREROUTING ${SYN}`,
      `Dec  6 12:00:00 hostb kernel: [ 200.000001] iptable/filter-INPUT ${SYN}`,
    ].join("\n");
    expect(hooks(text)).toEqual([["hosta ip:raw:PREROUTING"], ["hostb ip:filter:INPUT"]]);
  });

  it("groups one host's lines as before", () => {
    const text = [
      `Dec  6 12:00:00 hosta kernel: [ 100.000001] iptable/raw-PREROUTING ${SYN}`,
      `Dec  6 12:00:00 hosta kernel: [ 100.000002] iptable/filter-INPUT ${SYN}`,
      `2026-12-06T12:00:00.000003+00:00 hostb kernel: iptable/raw-PREROUTING ${SYN}`,
    ].join("\n");
    expect(hooks(text)).toEqual([
      ["hosta ip:raw:PREROUTING", "hosta ip:filter:INPUT"],
      ["hostb ip:raw:PREROUTING"],
    ]);
  });

  it("reads a word no host name could be as the prefix of a line sent without a host", () => {
    const text = `Jan  8 03:37:09 DENY: ${SYN}`;
    expect(hooks(text, { "DENY:": "ip:filter:INPUT" as HookId })).toEqual([["- ip:filter:INPUT"]]);
    expect(
      parseTraceText(text, { file: "x.log", prefixMap: { "DENY:": "ip:filter:INPUT" as HookId } }).packets[0]
        ?.events[0]?.prefix,
    ).toBe("DENY: ");
  });
});
