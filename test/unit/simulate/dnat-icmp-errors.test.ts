/**
 * ICMP errors about a packet a published port DNATed (`wan` -> 203.0.113.2:5353/udp -> c1 172.17.0.2:53).
 * Kernel 6.18, the same topology in namespaces (the host's docker0 a bridge with c1's veth as its port,
 * bridge-nf-call-iptables=1), this ruleset plus a prerouting and output chain setting nftrace, `nft
 * monitor trace` on the host, tcpdump on wan, a UDP socket on wan:
 * - nothing listens on c1's port 53: c1's port unreachable crossed the host's filter forward and filter
 *   postrouting chains, not its nat ones (RELATED); wan got it from 203.0.113.2 (ttl 63, tos 0xc0), the
 *   datagram it quotes un-DNATed back to 203.0.113.1.40000 > 203.0.113.2.5353; recv said "Connection refused".
 * - sent with TTL 1: nat prerouting DNATed it, then the host dropped it before forward and sent a time
 *   exceeded from 203.0.113.2 through filter output and filter postrouting (not nat postrouting); wan got
 *   it quoting 203.0.113.1.40001 > 203.0.113.2.5353, ttl 1.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const RULES = `table ip t {
  chain pre { type nat hook prerouting priority -100; udp dport 5353 dnat to 172.17.0.2:53; }
  chain post { type nat hook postrouting priority 100; oifname "eth0" masquerade; }
  chain cfwd { type filter hook forward priority 0; counter; }
  chain cout { type filter hook output priority 0; counter; }
  chain cin { type filter hook input priority 0; counter; }
  chain cpf { type filter hook postrouting priority 0; counter; }
}
`;

const send = (ttl?: number) =>
  runScenario(textWorld(RULES, "dnat.nft"), {
    from: "wan",
    to: "203.0.113.2",
    proto: "udp",
    sport: 40000,
    dport: 5353,
    ...(ttl ? { ttl } : {}),
    ...(ttl ? {} : { closedPort: true }),
  }).packets;

const hooks = (p: { events: { hook: string }[] } | undefined) => p?.events.map((e) => e.hook);

describe("an ICMP error about a DNATed packet", () => {
  it("a port unreachable from the container: RELATED, un-DNATed, from the host's public address", () => {
    const [req, err] = send();
    expect(hooks(req)).toEqual(["ip:t:pre", "ip:t:cfwd", "ip:t:cpf", "ip:t:post"]);
    expect(req?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(hooks(err)).toEqual(["ip:t:cfwd", "ip:t:cpf"]);
    expect(err?.received).toMatchObject({ src: "203.0.113.2", dst: "203.0.113.1", ttl: 63, tos: 192 });
    expect(err?.received?.quoted).toMatchObject({
      src: "203.0.113.1",
      dst: "203.0.113.2",
      sport: 40000,
      dport: 5353,
    });
    expect(err?.notes).toContain("wan reports recv: Connection refused");
  });

  it("a time exceeded from the host after DNAT: through output and filter postrouting, quoting the packet as wan sent it", () => {
    const [req, err] = send(1);
    expect(hooks(req)).toEqual(["ip:t:pre"]);
    expect(req?.fate).toMatchObject({ kind: "lost" });
    expect(hooks(err)).toEqual(["ip:t:cout", "ip:t:cpf"]);
    expect(err?.received).toMatchObject({ src: "203.0.113.2", icmpType: 11, icmpCode: 0, ttl: 64 });
    expect(err?.received?.quoted).toMatchObject({ dst: "203.0.113.2", dport: 5353, ttl: 1 });
  });
});
