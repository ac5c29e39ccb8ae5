/**
 * `packetwalk simulate --sysctl` takes every per-device IPv4 setting the simulator reads. Before, it
 * refused `net.ipv4.conf.<dev>.route_localnet` ("the simulator does not model this setting") although
 * the simulator reads it from lab.json: with Docker 29's `--userland-proxy=false`, Docker sets
 * `net.ipv4.conf.bridge1.route_localnet = 1` (the tester's sysctl -a), and the host's connection to
 * 127.0.0.1:8080, DNATed to c1, succeeded on kernel 6.18 (conntrack: `src=127.0.0.1 dst=127.0.0.1
 * sport=37804 dport=8080 src=192.0.2.2 dst=192.0.2.1 sport=80 dport=37804 [ASSURED]`). The lab as
 * `packetwalk import` wrote it holds only `all`'s value (0), so the way to ask is `--sysctl`.
 * Settings the simulator does not read stay refused; `net.ipv4.conf.all.forwarding` is named as the
 * kernel's other name of `net.ipv4.ip_forward` (kernel 6.18: writing either changed both).
 */
import { describe, expect, it } from "vitest";
import { runDocker29 } from "../../helpers/run-simulate.ts";

/** TCP from the noproxy lab's host to its own 127.0.0.1:8080 (published to c1), ruleset d29-noproxy. */
const hostToLoopback = (...args: string[]) =>
  runDocker29("noproxy", "host", "127.0.0.1:8080", "--proto", "tcp", ...args);

describe("simulate --sysctl net.ipv4.conf.<dev>.<setting>", () => {
  it("without route_localnet on bridge1, the host's SYN DNATed to c1 may not leave (the kernel's martian rule)", async () => {
    const r = await hostToLoopback("--no-follow-ups");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "=> lost: host: a packet from 127.0.0.1 may not leave on bridge1 after DNAT to 192.0.2.2: the kernel drops it (net.ipv4.conf.bridge1.route_localnet is not 1)",
    );
  });

  it("takes net.ipv4.conf.bridge1.route_localnet=1: the connection completes, as on the kernel", async () => {
    const r = await hostToLoopback("--sysctl", "net.ipv4.conf.bridge1.route_localnet=1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "packet 1 (request): TCP SYN 127.0.0.1:40000 -> 127.0.0.1:8080, DNAT to 192.0.2.2:80, SNAT to 192.0.2.1:40000",
    );
    expect(r.stdout).toContain(
      "packet 2 (reply): TCP SYN-ACK 192.0.2.2:80 -> 192.0.2.1:40000, un-SNAT to 127.0.0.1:40000, un-DNAT to 127.0.0.1:8080",
    );
    expect(r.stdout).toMatch(/packet 3 \(request\): TCP ACK [^\n]*\n(?:.*\n)*? {2}=> delivered to c1/);
    expect(r.stdout).not.toContain("=> lost");
  });

  it("takes all's route_localnet too (IN_DEV_ORCONF: the device's or all's)", async () => {
    const r = await hostToLoopback("--sysctl", "net.ipv4.conf.all.route_localnet=1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("=> lost");
  });

  it("takes a device's forwarding=0: what comes in on it is not forwarded", async () => {
    const r = await runDocker29(
      "noproxy",
      "wan",
      "203.0.113.10:8080",
      "--proto",
      "tcp",
      "--sysctl",
      "net.ipv4.conf.wan0.forwarding=0",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "host does not forward what comes in on wan0 (net.ipv4.conf.wan0.forwarding=0): the kernel drops it, with no ICMP error",
    );
  });

  it.each([
    // Read nowhere by the simulator.
    ["net.ipv4.conf.all.send_redirects=1", "the simulator does not model this setting"],
    ["net.ipv6.conf.bridge1.forwarding=1", "the simulator does not model this setting"],
    ["net.ipv4.conf.bridge1.arp_ignore=1", "the simulator does not model this setting"],
    // A device the lab does not have, and `default` (no device: it seeds devices created later).
    [
      "net.ipv4.conf.bridge9.route_localnet=1",
      "'bridge9' is not an interface of the lab (write all, or one of",
    ],
    ["net.ipv4.conf.default.route_localnet=1", "'default' is not an interface of the lab"],
    ["net.ipv4.conf.bridge1.route_localnet=2", "the value must be 0 or 1"],
    [
      "net.ipv4.conf.all.forwarding=1",
      "the kernel keeps this switch and net.ipv4.ip_forward as one (writing either sets both); write --sysctl net.ipv4.ip_forward=1",
    ],
  ])("refuses --sysctl %s", async (kv, message) => {
    const r = await hostToLoopback("--sysctl", kv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("names every per-device setting it reads when it refuses one", async () => {
    const r = await hostToLoopback("--sysctl", "net.ipv4.conf.all.send_redirects=1");
    expect(r.stderr).toContain(
      "net.ipv4.conf.<all|dev>.rp_filter, .accept_local, .route_localnet, net.ipv4.conf.<dev>.forwarding",
    );
  });
});
