/**
 * `packetwalk simulate --closed`: no socket listens on the destination's TCP or UDP port. Before, only
 * UDP could say so (`--udp-closed`), and TCP to a port nobody listens on predicted a SYN-ACK: the
 * tester's `--from wan --to 203.0.113.10:8080 --proto tcp` on a Docker 29 host, where the kernel
 * answered `Connection refused` with its reset (test/fixtures/docker29-nft-labs/lo/wan-to-host-2.log;
 * the reset's header is checked against it in test/unit/simulate/closed-port-reset.test.ts).
 * One flag for both transports: the condition is the same (no socket on the port), and a command
 * line keeps it when --proto changes; `--udp-closed` stays as it was.
 */
import { describe, expect, it } from "vitest";
import { runDocker29 } from "../../helpers/run-simulate.ts";

/** From wan to the lo lab's host (`to`), which runs its ruleset d29-lo. */
const wanToHost = (to: string, ...args: string[]) => runDocker29("lo", "wan", to, ...args);

describe("simulate --closed", () => {
  it("TCP: the host answers the SYN with its reset, and the client reports Connection refused", async () => {
    const r = await wanToHost("203.0.113.10:8080", "--proto", "tcp", "--closed");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "note: host sends a TCP reset (ACK,RST) from 203.0.113.10:8080 to 203.0.113.1:40000: no socket listens on port 8080: packet 2",
    );
    expect(r.stdout).toContain("packet 2 (reply): TCP RST-ACK 203.0.113.10:8080 -> 203.0.113.1:40000");
    expect(r.stdout).toContain("note: wan reports connect: Connection refused");
    expect(r.stdout).not.toContain("SYN-ACK");
    expect(r.stdout).not.toContain("packet 3");
  });

  it("TCP behind a DNAT: the container's reset comes back un-DNATed", async () => {
    const r = await runDocker29("noproxy", "wan", "203.0.113.10:8080", "--proto", "tcp", "--closed");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "packet 2 (reply): TCP RST-ACK 192.0.2.2:80 -> 203.0.113.1:40000, un-DNAT to 203.0.113.10:8080",
    );
    expect(r.stdout).toContain("note: wan reports connect: Connection refused");
  });

  it("UDP: the same as --udp-closed, an ICMP port unreachable", async () => {
    const closed = await wanToHost("203.0.113.10:53", "--proto", "udp", "--closed");
    const udpClosed = await wanToHost("203.0.113.10:53", "--proto", "udp", "--udp-closed");
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toContain("host sends an ICMP port unreachable (type 3 code 3)");
    expect(closed.stdout).toBe(udpClosed.stdout);
  });

  it.each([
    [
      ["203.0.113.10"],
      "--closed closes the destination's TCP or UDP port: ICMP, the default protocol, has no ports",
    ],
    [
      ["203.0.113.10", "--proto", "icmp"],
      "--closed closes the destination's TCP or UDP port: --proto icmp has no ports",
    ],
    [
      ["203.0.113.10:53", "--proto", "udp", "--udp-reply"],
      "--closed and --udp-reply contradict each other: a closed port has no socket to answer",
    ],
  ])("refuses --closed with %j", async ([to, ...args], message) => {
    const r = await wanToHost(to as string, ...args, "--closed");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("--udp-closed with TCP names --closed", async () => {
    const r = await wanToHost("203.0.113.10:8080", "--proto", "tcp", "--udp-closed");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--udp-closed closes a UDP port: add --proto udp (it is tcp); for a closed TCP port, --closed",
    );
  });
});
