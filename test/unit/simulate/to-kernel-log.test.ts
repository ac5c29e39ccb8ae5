import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { labWorld, logEverywhere } from "./helpers.ts";

describe("simulated kernel log", () => {
  it.each([
    ["c1", "198.51.100.10", "icmp", undefined],
    ["c1", "172.17.0.3", "icmp", undefined],
    ["host", "172.17.0.2", "icmp", undefined],
    ["wan", "203.0.113.2", "tcp", 8080],
  ] as const)(
    "%s -> %s (%s): the parser reads back the same packets, hooks and rewrites",
    (from, to, proto, dport) => {
      const r = runScenario(labWorld("docker-28", {}, logEverywhere()), {
        from,
        to,
        proto,
        dport,
        src: from === "wan" ? "198.51.100.10" : undefined,
      });
      const sim = toTrace(r.packets);
      const parsed = parseTraceText(sim.lines.join("\n"), { file: "simulated.log" });
      expect(parsed.diagnostics).toEqual([]);
      expect(parsed.packets.map((p) => p.hooks)).toEqual(sim.packets.map((p) => p.hooks));
      expect(parsed.packets.map((p) => p.direction)).toEqual(sim.packets.map((p) => p.direction));
      expect(
        parsed.packets.map((p) => p.rewrites.map((w) => [w.afterHook, w.beforeHook, w.kind, w.to])),
      ).toEqual(sim.packets.map((p) => p.rewrites.map((w) => [w.afterHook, w.beforeHook, w.kind, w.to])));
      expect(parsed.packets.map((p) => p.summary)).toEqual(sim.packets.map((p) => p.summary));
    },
  );

  it("names a packet's TCP flags when only ebtables lines logged it (br_netfilter's IP call off): they print none", () => {
    const w = labWorld("docker-28", { "net.bridge.bridge-nf-call-iptables": "0" }, logEverywhere());
    const r = runScenario(w, { from: "c1", to: "172.17.0.3", proto: "tcp", dport: 80 });
    const sim = toTrace(r.packets);
    expect(sim.packets.every((p) => p.events.every((e) => e.source === "ebt-log"))).toBe(true);
    expect(sim.packets.map((p) => p.summary)).toEqual([
      "TCP SYN 172.17.0.2:40000 -> 172.17.0.3:80",
      "TCP SYN-ACK 172.17.0.3:80 -> 172.17.0.2:40000",
      "TCP ACK 172.17.0.2:40000 -> 172.17.0.3:80",
    ]);
  });

  it("writes LOG lines in the recorded form (prefix glued to IN=, PHYSIN, MAC only with an input device)", () => {
    const r = runScenario(labWorld("docker-28", {}, logEverywhere()), {
      from: "c1",
      to: "198.51.100.10",
      proto: "icmp",
    });
    const lines = toTrace(r.packets).lines;
    expect(lines[0]).toMatch(
      /^\[ {0,4}\d+\.\d{6}\] t\/br\/nat-PREROUTING IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172\.17\.0\.2 IP DST=198\.51\.100\.10, IP tos=0x00, IP proto=1$/,
    );
    expect(lines[1]).toContain(
      "t/ip/raw-PREROUTINGIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64",
    );
    const post = lines.find((l) => l.includes("t/ip/nat-POSTROUTING"));
    expect(post).toContain("IN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=");
    expect(post).toContain("TTL=63");
  });

  it("keeps the matched rules per event in the model", () => {
    const r = runScenario(labWorld("docker-28", {}, logEverywhere()), {
      from: "c1",
      to: "198.51.100.10",
      proto: "icmp",
    });
    const fwd = toTrace(r.packets).packets[0]?.events.find((e) => e.hook === "ip:filter:FORWARD");
    expect(fwd?.matched?.at(-1)).toMatchObject({
      chain: "DOCKER-FORWARD",
      verdict: "ACCEPT",
      text: "-A DOCKER-FORWARD -i docker0 -j ACCEPT",
    });
    expect(fwd?.matched?.at(-1)?.ruleLine).toBeGreaterThan(0);
  });
});
