/**
 * Packets to a broadcast address. Checked on kernel 6.18 in throwaway namespaces: `ping -b` from a
 * client to its subnet's broadcast (10.1.0.255) reached the router's INPUT, where `-m addrtype
 * --dst-type BROADCAST` counted it and `--dst-type LOCAL` did not, and nft's `meta pkttype broadcast`
 * matched; no reply came back (icmp_echo_ignore_broadcasts is 1 by default). The simulator said
 * "lost: no neighbour answers for 10.1.0.255" instead.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { LAB_DIR, textWorld } from "./helpers.ts";

/** The docker-bridge lab's INPUT with `rules` (iptables-save form) before an ACCEPT policy. */
const inputRules = (...rules: string[]) =>
  [
    "*filter",
    ":INPUT ACCEPT [0:0]",
    ":FORWARD ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ...rules,
    "COMMIT",
    "",
  ].join("\n");

describe("a packet to a broadcast address", () => {
  it("is framed to ff:ff:ff:ff:ff:ff without asking a neighbour and is the receiving host's own, at INPUT", () => {
    const w = textWorld(
      inputRules(
        "-A INPUT -p icmp -m addrtype --dst-type LOCAL -j ACCEPT",
        "-A INPUT -p icmp -m addrtype --dst-type BROADCAST -j DROP",
      ),
      "b.rules",
    );
    const r = runScenario(w, { from: "wan", to: "203.0.113.255", proto: "icmp" });
    const first = r.packets[0];
    expect(first?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:INPUT" });
    expect(first?.fate.kind === "dropped" && first.fate.reason).toBe(
      "DROP by rule at line 6 of b.rules: -A INPUT -p icmp -m addrtype --dst-type BROADCAST -j DROP",
    );
    expect(first?.events.map((e) => e.hook)).toEqual(["ip:filter:INPUT"]);
    expect(first?.events[0]?.packet.macDst).toBe("ff:ff:ff:ff:ff:ff");
  });

  it("matches nft's meta pkttype broadcast", () => {
    const w = textWorld(
      `table inet f {
	chain input {
		type filter hook input priority filter; policy accept;
		meta pkttype host accept
		meta pkttype broadcast counter drop
	}
}
`,
      "b.nft",
    );
    const r = runScenario(w, { from: "wan", to: "203.0.113.255", proto: "icmp" });
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:f:input" });
    expect(r.packets[0]?.fate.kind === "dropped" && r.packets[0].fate.reason).toContain(
      "meta pkttype broadcast counter drop",
    );
  });

  it("is delivered, and an echo request to it gets no reply by default: the scenario says why", () => {
    const w = textWorld(inputRules(), "b.rules");
    const r = runScenario(w, { from: "wan", to: "203.0.113.255", proto: "icmp" });
    expect(r.packets).toHaveLength(1);
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "host" });
    expect(r.stopped).toBe(
      "packet 1 (request) gets no answer: host received it at broadcast address 203.0.113.255 and ignores an echo request sent to a broadcast address (net.ipv4.icmp_echo_ignore_broadcasts=1, the kernel's default; set it to 0 in the lab's sysctls for a reply)",
    );
  });

  it("with icmp_echo_ignore_broadcasts=0, is answered from the host's own address", () => {
    const w = textWorld(inputRules(), "b.rules");
    w.sysctls = { ...w.sysctls, "net.ipv4.icmp_echo_ignore_broadcasts": "0" };
    const r = runScenario(w, { from: "wan", to: "203.0.113.255", proto: "icmp" });
    expect(r.stopped).toBeUndefined();
    const reply = r.packets[1];
    expect(reply?.direction).toBe("reply");
    expect([reply?.sent.src, reply?.sent.dst]).toEqual(["203.0.113.2", "203.0.113.1"]);
    expect(reply?.fate).toEqual({ kind: "delivered", host: "wan" });
  });

  it("gets no TCP answer, not even a reset", () => {
    const r = runScenario(textWorld(inputRules(), "b.rules"), {
      from: "wan",
      to: "203.0.113.255",
      proto: "tcp",
      dport: 22,
    });
    expect(r.packets).toHaveLength(1);
    expect(r.stopped).toContain("TCP answers nothing sent to a broadcast address");
  });

  it("crossing a bridge, goes up to the bridge's host and names the copies flooded to other ports", () => {
    const w = textWorld(inputRules(), "b.rules");
    const r = runScenario(w, { from: "c1", to: "172.17.255.255", proto: "udp", dport: 67 });
    const first = r.packets[0];
    expect(first?.fate).toEqual({ kind: "delivered", host: "host" });
    expect(first?.events.map((e) => [e.hook, e.in])).toEqual([["ip:filter:INPUT", "docker0"]]);
    expect(first?.notes).toContain(
      "docker0 also floods a copy of this broadcast out of each of its other ports (through bridge FORWARD); the walk follows the copy host itself takes",
    );
  });

  it("sent to 255.255.255.255, leaves by the route's device without its gateway", () => {
    const r = runScenario(textWorld(inputRules(), "b.rules"), {
      from: "c1",
      to: "255.255.255.255",
      proto: "udp",
      dport: 67,
    });
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "host" });
    expect(r.packets[0]?.events[0]?.packet.macDst).toBe("ff:ff:ff:ff:ff:ff");
  });

  it("sent to 255.255.255.255 from a chosen source, leaves by the device holding it; without one, needs a route", () => {
    const w = textWorld(inputRules(), "b.rules");
    // wan has no default route: the kernel answers "Network is unreachable" unless the source places it.
    const bare = runScenario(w, { from: "wan", to: "255.255.255.255", proto: "udp", dport: 67 });
    expect(bare.packets[0]?.fate).toEqual({ kind: "lost", reason: "wan has no route to 255.255.255.255" });
    const bound = runScenario(w, {
      from: "wan",
      to: "255.255.255.255",
      proto: "udp",
      dport: 67,
      src: "203.0.113.1",
    });
    expect(bound.packets[0]?.fate).toEqual({ kind: "delivered", host: "host" });
    expect(bound.packets[0]?.events[0]?.in).toBe("eth0");
  });

  it("sent to a broadcast MAC that the receiving router does not take as its own, is not forwarded", () => {
    // docker0 as a /24 while c1 is a /16: c1's 172.17.255.255 is a broadcast to c1, an address to the host.
    const lab = JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8"));
    for (const i of lab.hosts[0].interfaces) if (i.name === "docker0") i.addresses = ["172.17.0.1/24"];
    const w = { ...textWorld(inputRules(), "b.rules"), topology: buildTopology(labSchema.parse(lab)) };
    const r = runScenario(w, { from: "c1", to: "172.17.255.255", proto: "udp", dport: 9 });
    expect(r.packets[0]?.fate).toEqual({
      kind: "lost",
      reason:
        "host does not forward it: its frame went to a broadcast MAC, not to host, and 172.17.255.255 is not host's own broadcast",
    });
    expect(r.packets[0]?.events.some((e) => e.hook === "ip:filter:FORWARD")).toBe(false);
  });

  it("answered over UDP from the responder's own address, gets no note about NAT", () => {
    const r = runScenario(textWorld(inputRules(), "b.rules"), {
      from: "wan",
      to: "203.0.113.255",
      proto: "udp",
      dport: 53,
      script: [{ direction: "request" }, { direction: "reply" }],
    });
    expect(r.packets[1]?.fate).toEqual({ kind: "delivered", host: "wan" });
    expect(r.packets[1]?.received?.src).toBe("203.0.113.2");
    expect(r.packets[1]?.notes).toEqual([]);
  });

  it("is not forwarded by a router whose own subnet it is the broadcast of", () => {
    const w = textWorld(inputRules("-A FORWARD -j DROP"), "b.rules");
    const r = runScenario(w, { from: "c1", to: "203.0.113.255", proto: "icmp" });
    // c1's route sends it to its gateway as a unicast; the host owns 203.0.113.0/24 and takes it itself.
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "host" });
    expect(r.packets[0]?.events.some((e) => e.hook === "ip:filter:FORWARD")).toBe(false);
  });
});
