/**
 * A loopback address on another device than lo, at routing. Kernel 6.18 (a helper's run, Docker 29's
 * nftables rules with the userland proxy off, in namespaces): the host's connection to its own
 * `[::1]:8080`, DNATed to a container and masqueraded, timed out. The container's SYN-ACK reached the
 * bridge, was un-SNATed to `::1` in PREROUTING and never reached INPUT: IPv6 routes `::1` on lo alone
 * (rt6_need_strict) and has no route_localnet. The simulator delivered it and showed the connection
 * made. IPv4 calls such a packet a martian unless route_localnet is on for the device (Docker sets it
 * on the bridge for a 127.0.0.1-published port), which the simulator follows.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const TRACES = join(import.meta.dirname, "../../../traces");

/** Each packet of the exchange: its summary and its fate (`delivered` or why it was lost). */
const fates = (run: ReturnType<typeof runScenario>) =>
  run.packets.map(
    (p) => `${p.sent.tcpFlags?.join(",") ?? ""} ${p.fate.kind === "delivered" ? "delivered" : p.fate.reason}`,
  );

describe("a loopback destination after NAT, on a bridge", () => {
  it("IPv6: the reply un-SNATed to ::1 is lost at routing, so the host's connection to [::1]:8080 never forms", () => {
    const world = textWorld(
      `table ip6 nat {
	chain output {
		type nat hook output priority -100; policy accept;
		ip6 daddr ::1 tcp dport 8080 dnat to [fd00:a::2]:80
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "br-a" ip6 saddr ::1 masquerade
	}
}
`,
      "v6.nft",
      join(TRACES, "dual-stack"),
    );
    const run = runScenario(world, { from: "host", to: "::1", proto: "tcp", dport: 8080 });
    expect(fates(run)).toEqual([
      "SYN delivered",
      "ACK,SYN host drops it at routing: its destination ::1 is routed on lo alone, and it arrived on br-a (a reply whose NAT was undone to ::1: IPv6 has no route_localnet, so a port published on [::1] answers only through a userland proxy)",
    ]);
  });

  const v4 = `table ip nat {
	chain output {
		type nat hook output priority -100; policy accept;
		ip daddr 127.0.0.1 tcp dport 8080 dnat to 172.17.0.2:80
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "docker0" ip saddr 127.0.0.0/8 masquerade
	}
}
`;

  it("IPv4 with route_localnet on the bridge alone (as Docker sets it): the reply un-SNATed to 127.0.0.1 is taken", () => {
    const world = textWorld(v4, "v4.nft", join(TRACES, "docker-bridge-nft"));
    world.sysctls = { ...world.sysctls, "net.ipv4.conf.docker0.route_localnet": "1" };
    const run = runScenario(world, { from: "host", to: "127.0.0.1", proto: "tcp", dport: 8080 });
    expect(fates(run)).toEqual(["SYN delivered", "ACK,SYN delivered", "ACK delivered"]);
  });

  it("IPv4 without route_localnet: the SYN may not leave the host with its loopback source", () => {
    const run = runScenario(textWorld(v4, "v4.nft", join(TRACES, "docker-bridge-nft")), {
      from: "host",
      to: "127.0.0.1",
      proto: "tcp",
      dport: 8080,
    });
    expect(fates(run)[0]).toMatch(/route_localnet is not 1/);
  });
});
