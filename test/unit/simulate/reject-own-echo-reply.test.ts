/**
 * A REJECT of the echo reply a host's kernel sends sends nothing: the kernel sends echo replies through
 * its ICMP socket and holds it while the reply crosses the output hooks, so icmp_send cannot take it
 * (icmp_xmit_lock). Found by the random-ruleset comparison with kernel 6.18 (iptables `-A OUTPUT -j
 * REJECT` and c1 pinging the host: the kernel logged no ICMP error after the rejected reply, packetwalk
 * predicted one). A rejected echo request, which ping sends through its own socket, is still answered.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { labWorld, textWorld } from "./helpers.ts";

describe("REJECT of the host's own echo reply", () => {
  it("sends nothing for iptables' -A OUTPUT -j REJECT, and says why", () => {
    const world = labWorld("docker-28", {}, [
      { family: "ip", table: "filter", chain: "OUTPUT", args: ["-j", "REJECT"] },
    ]);
    const run = runScenario(world, { from: "c1", to: "172.17.0.1", proto: "icmp" });
    expect(run.packets.map((p) => `${p.direction} ${p.fate.kind}`)).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(run.packets[1]?.notes.join("\n")).toMatch(
      /REJECT at ip:filter:OUTPUT sends nothing back: host's kernel sends this echo reply through its ICMP socket/,
    );
  });

  it("sends nothing for an nft output chain's reject either", () => {
    const world = textWorld(
      "table inet t {\n\tchain out {\n\t\ttype filter hook output priority filter; policy accept;\n\t\ticmp type echo-reply reject\n\t}\n}\n",
    );
    const run = runScenario(world, { from: "c1", to: "172.17.0.1", proto: "icmp" });
    expect(run.packets).toHaveLength(2);
    expect(run.packets[1]?.fate.kind).toBe("dropped");
  });

  it("still answers a rejected echo request the host's ping sends", () => {
    const world = labWorld("docker-28", {}, [
      {
        family: "ip",
        table: "filter",
        chain: "OUTPUT",
        args: ["-p", "icmp", "-m", "icmp", "--icmp-type", "8", "-j", "REJECT"],
      },
    ]);
    const run = runScenario(world, { from: "host", to: "172.17.0.2", proto: "icmp" });
    expect(run.packets.map((p) => `${p.direction} ${p.sent.icmpType} ${p.fate.kind}`)).toEqual([
      "request 8 dropped",
      "reply 3 delivered",
    ]);
  });
});
