/**
 * A hairpin NAT: a container reaches another through the host's public address, DNATed back onto the
 * bridge they share. Kernel 6.18 (bridge br-c with two hosts, DNAT in nat PREROUTING, no
 * MASQUERADE): with bridge-nf-call-iptables=1 the connection was made (the bridged SYN-ACK crossed
 * conntrack and was un-DNATed); with 0 the client timed out, conntrack stayed SYN_SENT [UNREPLIED]:
 * the SYN-ACK went straight across the bridge from the server's own address, which no socket of the
 * client expects. The simulator showed the handshake completing.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const rules = (masquerade: boolean) => `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 203.0.113.2/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.3:80
${masquerade ? "-A POSTROUTING -s 172.17.0.0/16 -d 172.17.0.3/32 -j MASQUERADE\n" : ""}COMMIT
`;

function handshake(masquerade: boolean, brnf: "0" | "1") {
  const w = textWorld(rules(masquerade), "hairpin.rules");
  w.sysctls = { ...w.sysctls, "net.bridge.bridge-nf-call-iptables": brnf };
  return runScenario(w, { from: "c1", to: "203.0.113.2", proto: "tcp", dport: 8080 });
}

describe("a hairpin NAT's reply", () => {
  it("that goes around the host (no SNAT, bridge-nf-call-iptables 0) ends the connection, and says why", () => {
    const r = handshake(false, "0");
    expect(r.packets.map((p) => `${p.direction} ${p.fate.kind}`)).toEqual([
      "request delivered",
      "reply delivered",
    ]);
    expect(r.packets[1]?.received?.src).toBe("172.17.0.3");
    expect(r.stopped).toBe(
      "packet 2 (reply) reached c1 from 172.17.0.3:80, but c1 sent to 203.0.113.2:8080: no socket of c1 takes it (TCP answers it with a reset), so the connection fails; the reply did not cross the host that rewrote the request, so nothing undid its DNAT (for a hairpin NAT, SNAT the request too, e.g. with MASQUERADE, so the answer comes back through that host)",
    );
  });

  it("completes when the bridge hands the reply to conntrack, or when the request is SNATed", () => {
    for (const [masquerade, brnf] of [
      [false, "1"],
      [true, "0"],
    ] as const) {
      const r = handshake(masquerade, brnf);
      expect(r.stopped).toBeUndefined();
      expect(r.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered", "delivered"]);
      expect(r.packets[1]?.received?.src).toBe("203.0.113.2");
    }
  });
});
