/**
 * Cases a lesson reader or a Docker user simulates, each as kernel 6.18 showed it in namespaces.
 * - A router (198.51.100.2/25 -- r -- 203.0.113.2/25), its inet forward chain rejecting TCP to port 81
 *   `with tcp reset` and to port 82 with the default reject: the client's connect failed with
 *   ECONNREFUSED both times; r's output chain counted both answers `ct state related`, 128 bytes in all
 *   (a 40-byte RST and an 88-byte ICMP port unreachable quoting the 60-byte SYN).
 * - Segments crafted with a raw socket through r, no connection before them: a bare ACK and a PSH/ACK
 *   were `ct state new`, a SYN/ACK, a RST and a FIN/ACK `ct state invalid`; with
 *   net.netfilter.nf_conntrack_tcp_loose=0 the bare ACK was invalid too.
 * - A container connecting to its own published port through the host's address (DNAT back to
 *   itself, Docker's MASQUERADE of it): with bridge-nf-call-iptables=1 and the port's hairpin mode off
 *   the SYN never reached FORWARD (the bridge does not send a frame back out of the port it came by);
 *   with hairpin on it connected; with bridge-nf-call-iptables=0 it connected whatever the hairpin mode
 *   (the frame to the bridge's MAC is routed by the host and leaves from the bridge device itself);
 *   without the MASQUERADE the connection stayed SYN_SENT [UNREPLIED] (the server answered itself).
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { textWorld } from "./helpers.ts";

const ROUTER = labSchema.parse({
  version: 1,
  name: "router",
  description: "a -- r -- b",
  sysctls: { "net.ipv4.ip_forward": "1" },
  hosts: [
    {
      name: "a",
      role: "container",
      interfaces: [{ name: "ar", kind: "veth", mac: "02:00:00:00:00:0a", addresses: ["198.51.100.2/25"] }],
      routes: [{ to: "default", via: "198.51.100.1", dev: "ar" }],
    },
    {
      name: "r",
      role: "docker-host",
      interfaces: [
        { name: "ra", kind: "veth", mac: "02:00:00:00:00:01", addresses: ["198.51.100.1/25"], peer: "a/ar" },
        { name: "rb", kind: "veth", mac: "02:00:00:00:00:02", addresses: ["203.0.113.1/25"], peer: "b/bx" },
      ],
    },
    {
      name: "b",
      role: "container",
      interfaces: [{ name: "bx", kind: "veth", mac: "02:00:00:00:00:0b", addresses: ["203.0.113.2/25"] }],
      routes: [{ to: "default", via: "203.0.113.1", dev: "bx" }],
    },
  ],
});

const NFT = `table inet t {
  chain cout { type filter hook output priority 0; ct state related counter; }
  chain cfwd { type filter hook forward priority 0; ct state invalid counter; tcp dport 81 reject with tcp reset; tcp dport 82 reject; }
}
`;

function router(sysctls: Record<string, string> = {}): World {
  return {
    topology: buildTopology(ROUTER),
    ruleset: parseRulesetFile(NFT, "t.nft"),
    ebtables: "nft",
    sysctls: { ...ROUTER.sysctls, ...sysctls },
  };
}

describe("REJECT in a routed forward chain", () => {
  it.each([
    [81, { proto: "tcp", len: 40, src: "203.0.113.2", tcpFlags: ["ACK", "RST"] }],
    [82, { proto: "icmp", len: 88, src: "198.51.100.1", icmpType: 3, icmpCode: 3 }],
  ])("port %i: the answer crosses output as RELATED, and connect is refused", (port, answer) => {
    const r = runScenario(router(), { from: "a", to: "203.0.113.2", proto: "tcp", dport: port });
    const [syn, back] = r.packets;
    expect(syn?.fate).toMatchObject({ kind: "dropped", hook: "ip:t:cfwd" });
    expect(back?.sent).toMatchObject({ ...answer, dst: "198.51.100.2" });
    const out = back?.events.find((e) => e.chain === "cout");
    expect(out?.steps[0]?.text).toBe("ct state related counter");
    expect(back?.fate).toEqual({ kind: "delivered", host: "a" });
    expect(back?.notes).toContain("a reports connect: Connection refused");
  });
});

describe("TCP segments with no connection through a router", () => {
  const invalid = (flags: string[], sysctls: Record<string, string> = {}) => {
    const r = runScenario(router(sysctls), {
      from: "a",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 90,
      script: [{ direction: "request", tcpFlags: flags }],
    });
    const fwd = r.packets[0]?.events.find((e) => e.chain === "cfwd");
    return fwd?.steps.some((s) => s.text === "ct state invalid counter") ?? false;
  };
  it("a bare ACK and a PSH/ACK are picked up (new); a SYN/ACK, a RST and a FIN/ACK are invalid", () => {
    expect(invalid(["ACK"])).toBe(false);
    expect(invalid(["ACK", "PSH"])).toBe(false);
    expect(invalid(["ACK", "SYN"])).toBe(true);
    expect(invalid(["RST"])).toBe(true);
    expect(invalid(["ACK", "FIN"])).toBe(true);
  });
  it("with nf_conntrack_tcp_loose=0 the bare ACK is invalid", () => {
    expect(invalid(["ACK"], { "net.netfilter.nf_conntrack_tcp_loose": "0" })).toBe(true);
  });
});

describe("a container to its own published port (hairpin NAT)", () => {
  const rules = (masquerade: boolean) => `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 203.0.113.2/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
${masquerade ? "-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE\n" : ""}COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`;
  const connect = (brnf: string, hairpin: string, masquerade = true) => {
    const w = textWorld(rules(masquerade), "hairpin.rules");
    w.sysctls = {
      ...w.sysctls,
      "net.ipv4.ip_forward": "1",
      "net.bridge.bridge-nf-call-iptables": brnf,
      "brport.veth-c1.hairpin_mode": hairpin,
    };
    return runScenario(w, { from: "c1", to: "203.0.113.2", proto: "tcp", dport: 8080 });
  };
  it("bridge-nf-call-iptables=1, hairpin off: the SYN is lost at the bridge, before FORWARD", () => {
    const r = connect("1", "0");
    expect(r.packets[0]?.fate).toEqual({
      kind: "lost",
      reason: "docker0 does not send a frame back out of veth-c1 (hairpin mode off)",
    });
    expect(r.packets[0]?.events.map((e) => e.hook)).not.toContain("ip:filter:FORWARD");
  });
  it.each([
    ["1", "1"],
    ["0", "0"],
    ["0", "1"],
  ])("bridge-nf-call-iptables=%s, hairpin %s: connected", (brnf, hairpin) => {
    const r = connect(brnf, hairpin);
    expect(r.stopped).toBeUndefined();
    expect(r.packets.map((p) => p.fate)).toEqual([
      { kind: "delivered", host: "c1" },
      { kind: "delivered", host: "c1" },
      { kind: "delivered", host: "c1" },
    ]);
    // MASQUERADE: the server saw the host's bridge address.
    expect(r.packets[0]?.received?.src).toBe("172.17.0.1");
  });
  it("without the MASQUERADE the handshake fails", () => {
    expect(connect("1", "1", false).stopped).toMatch(
      /so the connection fails; the reply did not cross the host that rewrote the request/,
    );
  });
});
