/**
 * `packetwalk import` names a scenario `<from>-to-<to>` (`-v6` for IPv6) and adds the protocol
 * only when another protocol's flow has the same name: an IPv4 flow and an IPv6 flow of two
 * hosts are told apart by `-v6` alone. Several flows of one name are told apart by destination port.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitScenarios } from "../../../src/core/import/split-scenarios.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const root = join(import.meta.dirname, "../../..");
const log = (path: string) => readFileSync(join(root, "traces", path), "utf8");
// Recorded flows, all from host x to host y: ICMP and TCP over IPv4, ICMPv6.
const flows = {
  icmp: log("docker-bridge/host-to-container.log"), // 172.17.0.1 -> 172.17.0.2
  tcp: log("docker-bridge/wan-to-published-port.log"), // 198.51.100.10 -> 203.0.113.2 (DNAT 172.17.0.2)
  icmp6: log("dual-stack/host-to-a1-v6.log"), // fd00:a::1 -> fd00:a::2
};
const owner = new Map([
  ["172.17.0.1", "x"],
  ["198.51.100.10", "x"],
  ["fd00:a::1", "x"],
  ["172.17.0.2", "y"],
  ["fd00:a::2", "y"],
]);
const stems = (...order: (keyof typeof flows)[]) => {
  const text = order.map((k) => flows[k]).join("");
  const { scenarios, skipped } = splitScenarios(parseTraceText(text), text, owner);
  expect(skipped).toEqual([]);
  return scenarios.map((s) => `${s.stem} ${s.proto}`);
};

describe("splitScenarios: stems of flows between the same two hosts", () => {
  it("an IPv4 TCP flow and an ICMPv6 flow: no protocol in either name, in either order", () => {
    expect(stems("tcp", "icmp6")).toEqual(["x-to-y tcp", "x-to-y-v6 icmp"]);
    expect(stems("icmp6", "tcp")).toEqual(["x-to-y-v6 icmp", "x-to-y tcp"]);
  });

  it("two protocols of one family still get the protocol; the IPv6 flow beside them does not", () => {
    expect(stems("icmp", "tcp", "icmp6")).toEqual(["x-to-y icmp", "x-to-y-tcp tcp", "x-to-y-v6 icmp"]);
  });
});

describe("splitScenarios: several flows of one pair and protocol", () => {
  const syn = (sport: number, dport: number, src = "198.51.100.10", dst = "172.17.0.2") =>
    `[1.0] iptable/filter-INPUT IN=eth0 OUT= MAC=02:42:ac:11:00:01:02:42:ac:11:00:02:08:00 SRC=${src} DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=${sport} DPT=${dport} WINDOW=64240 RES=0x00 SYN URGP=0 `;
  const split = (lines: string[]) => {
    const text = `${lines.join("\n")}\n`;
    return splitScenarios(parseTraceText(text), text, owner, "-x");
  };

  it("are named by destination port when the ports differ, numbered only where the port is the same", () => {
    const r = split([syn(40001, 22), syn(40002, 23), syn(40003, 22)]);
    expect(r.scenarios.map((s) => s.stem)).toEqual(["x-to-y-22-x", "x-to-y-23-x", "x-to-y-22-2-x"]);
  });

  it("a protocol that comes back after another keeps its bare name, numbered (not -icmp, -icmp-2)", () => {
    const ping = (id: number) =>
      `[1.0] iptable/filter-INPUT IN=eth0 OUT= MAC=02:42:ac:11:00:01:02:42:ac:11:00:02:08:00 SRC=198.51.100.10 DST=172.17.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=ICMP TYPE=8 CODE=0 ID=${id} SEQ=1 `;
    const stems = (lines: string[]) => split(lines).scenarios.map((s) => s.stem);
    // Three runs of one ping with a TCP connection after the first (a home router's log).
    expect(stems([ping(1), syn(40001, 80), ping(2), ping(3)])).toEqual([
      "x-to-y-x",
      "x-to-y-tcp-x",
      "x-to-y-2-x",
      "x-to-y-3-x",
    ]);
    expect(stems([syn(40001, 80), ping(1), syn(40002, 80), ping(2)])).toEqual([
      "x-to-y-x",
      "x-to-y-icmp-x",
      "x-to-y-2-x",
      "x-to-y-icmp-2-x",
    ]);
  });

  it("are numbered when all go to one port", () => {
    const r = split([syn(40001, 80), syn(40002, 80)]);
    expect(r.scenarios.map((s) => s.stem)).toEqual(["x-to-y-x", "x-to-y-2-x"]);
  });

  it("a flow between two addresses of one host that is not the Docker host is left out, saying why", () => {
    const text = `${syn(40001, 80, "198.51.100.10", "172.17.0.2")}\n${syn(40002, 80, "172.17.0.2", "172.17.0.2")}\n`;
    const r = splitScenarios(parseTraceText(text), text, owner, "", "x");
    expect(r.scenarios.map((s) => s.stem)).toEqual(["x-to-y"]);
    expect(r.skipped).toEqual([
      "flow 2 (TCP 172.17.0.2 -> 172.17.0.2): both addresses belong to 'y', so the packet crosses no link the lab models",
    ]);
  });
});

describe("splitScenarios: a flow whose transport the log never names", () => {
  it("is skipped saying ebtables did not name it (TCP or UDP may be what it was)", () => {
    const text =
      "[1.0] ebt-filter-FORWARD IN=veth-a OUT=veth-b MAC source = 02:42:ac:11:00:01 MAC dest = 02:42:ac:11:00:02 proto = 0x86dd IPv6 SRC=fd00:000a:0000:0000:0000:0000:0000:0001 IPv6 DST=fd00:000a:0000:0000:0000:0000:0000:0002, IPv6 priority=0x0, Next Header=44 SPT=40000 DPT=4789\n";
    const r = splitScenarios(parseTraceText(text), text, owner);
    expect(r.scenarios).toEqual([]);
    expect(r.skipped).toEqual([
      "flow 1 (TCP/UDP/SCTP/DCCP behind IPv6 extension headers): ebtables printed its ports behind an IPv6 extension header without naming the transport, and no packet of the flow names it: TCP, UDP, SCTP or DCCP cannot be told",
    ]);
  });
});
