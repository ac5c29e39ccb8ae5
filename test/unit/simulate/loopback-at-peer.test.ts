/**
 * A packet with a loopback source or destination arriving on the ethernet device of a host that does not
 * run the ruleset. A host with route_localnet 1 on wan0 answers wan's hand-made SYN for its 127.0.0.1:8080
 * from 127.0.0.1 (test/fixtures/replay-needs/remote-loopback: kernel 6.18, SYN-ACK out of wan0 twice).
 * Before, the simulator said that SYN-ACK was "delivered to wan". On kernel 6.18
 * (test/fixtures/replay-needs/remote-loopback/loopback-martians: wan-martian.sh and its output kernel-6.18.txt) wan's raw
 * PREROUTING counted both SYN-ACKs (`counter packets 2 bytes 88`) and its INPUT none (`packets 0`), and
 * log_martians printed "IPv4: martian source 203.0.113.1 from 127.0.0.1, on dev eth0": wan's routing
 * dropped them; with route_localnet 1 alone on eth0 the same; only with accept_local 1 as well did INPUT
 * count 2 (and wan sent 2 resets). The lab's sysctls are the ruleset host's, so wan's are the defaults.
 * A loopback destination is a martian destination the same way (the recorded route_localnet 0 case of
 * remote-loopback: only the prerouting line, no socket saw it).
 *
 * The host that runs the ruleset, the same code: a frame from 127.0.0.1 to its 203.0.113.10:8080
 * (host-source.sh, its output host-source-6.18.txt) reached its INPUT only with route_localnet and
 * accept_local both 1 on wan0 (route_localnet 1 alone: raw PREROUTING 1, INPUT 0), as 127.0.0.1 is lo's
 * address; from 127.0.0.2, which no interface holds, route_localnet 1 alone let it in. Before, the
 * simulator delivered the first (it left every 127/8 source out of the own-address check).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSimulate } from "../../helpers/run-simulate.ts";

const LOCALNET = join(import.meta.dirname, "../../fixtures/replay-needs/remote-loopback/route-localnet");
const MARTIAN_SOURCE =
  "wan drops it at routing: its source 127.0.0.1 is a loopback address arriving on eth0 (a martian source: 127.0.0.1 is wan's own address, and only route_localnet=1 with accept_local=1 on eth0 would let it in; the simulator takes wan's settings as the defaults, 0)";

describe("a loopback address arriving at a host without the ruleset", () => {
  it("the host's SYN-ACK from 127.0.0.1 is dropped by wan's routing, not delivered", async () => {
    const r = await runSimulate(
      ...["--lab", LOCALNET, "--ruleset", "pwchk-log", "--from", "wan", "--to", "127.0.0.1:8080"],
      ...["--proto", "tcp", "--via", "203.0.113.10", "--sysctl", "net.ipv4.conf.wan0.route_localnet=1"],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("packet 2 (reply): TCP SYN-ACK 127.0.0.1:8080 -> 203.0.113.1:40000");
    // The host sends it (its OUTPUT and POSTROUTING, as it logged them): wan is where it dies.
    expect(r.stdout).toMatch(/ip:pwchk:post +127\.0\.0\.1 -> 203\.0\.113\.1 +OUT=wan0\n/);
    expect(r.stdout).toContain(`  => lost: ${MARTIAN_SOURCE}\n`);
    expect(r.stdout).not.toContain("=> delivered to wan");
    expect(r.stdout).not.toContain("packet 3");
  });

  const fromLoopback = (src: string, ...sysctls: string[]) =>
    runSimulate(
      ...["--lab", LOCALNET, "--ruleset", "pwchk-log", "--from", "wan", "--to", "203.0.113.10:8080"],
      ...["--proto", "tcp", "--via", "203.0.113.10", "--no-follow-ups", "--src", src],
      ...sysctls.flatMap((s) => ["--sysctl", `net.ipv4.conf.wan0.${s}`]),
    );

  it.each([
    [
      "127.0.0.1",
      [],
      "=> lost: host drops it at routing: its source 127.0.0.1 is a loopback address arriving on wan0 (a martian source; net.ipv4.conf.wan0.route_localnet=1 with net.ipv4.conf.wan0.accept_local=1 (127.0.0.1 is host's own address) would let it in)",
    ],
    [
      "127.0.0.1",
      ["route_localnet=1"],
      "=> lost: host drops it at routing: its source 127.0.0.1 is an address of host's own (a martian source; net.ipv4.conf.wan0.accept_local would let it in)",
    ],
    ["127.0.0.1", ["route_localnet=1", "accept_local=1"], "=> delivered to host"],
    ["127.0.0.2", ["route_localnet=1"], "=> delivered to host"],
  ])("the ruleset's host, a frame from %s with wan0's %j: as the kernel", async (src, sysctls, fate) => {
    const r = await fromLoopback(src, ...sysctls);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  ${fate}\n`);
  });

  it("a frame to 127.0.0.1 on c2's MAC is dropped by c2's routing as a martian destination", async () => {
    const r = await runSimulate(
      ...["--lab", join(import.meta.dirname, "../../../traces/docker-bridge"), "--from", "c1"],
      ...["--to", "127.0.0.1:80", "--proto", "tcp", "--via", "172.17.0.3", "--no-follow-ups"],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "=> lost: c2 drops it at routing: its destination 127.0.0.1 is a loopback address arriving on eth0 (a martian destination: only route_localnet=1 on eth0 would let it in; the simulator takes c2's settings as the defaults, 0)",
    );
    expect(r.stdout).not.toContain("=> delivered to c2");
  });
});
