/**
 * A packet to another host's loopback address. Docker 29 adds `DROP REMOTE LOOPBACK` to raw-PREROUTING
 * (`iifname != "lo" ip daddr 127.0.0.1 tcp dport 8080 ... drop`) against hosts on the link that frame a
 * packet for 127.0.0.1 to the Docker host's MAC. On kernel 6.18 the tester's hand-made SYN from wan
 * (a packet socket: destination 127.0.0.1:8080, the host's MAC) met it: nft monitor trace `raw-PREROUTING
 * rule iifname != "lo" ip daddr 127.0.0.1 tcp dport 8080 ... drop comment "DROP REMOTE LOOPBACK"
 * (verdict drop)`, and the log rule before it printed lo/wan-to-host.log of test/fixtures/docker29-nft-labs.
 *
 * Before, `simulate --from wan --to 127.0.0.1:8080` could not send it: wan's own kernel delivers
 * 127.0.0.1 to itself (its local table before any route: kernel 6.18, a route 127.0.0.1/32 via a
 * neighbour left `ping 127.0.0.1` on lo), so simulate printed "delivered to wan" and said nothing more.
 * Now it says why and how, and `--via ADDR` frames the requests to a neighbour on the sender's link.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { buildWorld, loadLab } from "../../../src/lab/load-lab.ts";
import { DOCKER29_LABS, runDocker29 } from "../../helpers/run-simulate.ts";

const LO = join(DOCKER29_LABS, "lo");
/** TCP from wan (203.0.113.1) to 127.0.0.1:8080 in the lo lab, with its own ruleset d29-lo. */
const toLoopback = (...args: string[]) =>
  runDocker29("lo", "wan", "127.0.0.1:8080", "--proto", "tcp", "--src", "203.0.113.1", ...args);

describe("simulate to another host's loopback", () => {
  it("without --via, says the sender delivered it to itself and how to send it out", async () => {
    const r = await toLoopback("--no-follow-ups");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("=> delivered to wan");
    expect(r.stdout).toContain(
      "note: 127.0.0.1 is wan's own loopback address: its kernel delivers it to itself (its local table comes before its routes), so it never leaves wan; to send it to another host's loopback, as a hand-made frame on the link does, add --via 203.0.113.10 (the gateway of a route of wan's)",
    );
  });

  it("--via 203.0.113.10: the SYN reaches the host, whose raw-PREROUTING drops it (DROP REMOTE LOOPBACK)", async () => {
    const r = await toLoopback("--via", "203.0.113.10");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'line  31  DROP       iifname != "lo" ip daddr 127.0.0.1 tcp dport 8080 counter drop comment "DROP REMOTE LOOPBACK"',
    );
    expect(r.stdout).toContain(
      "note: wan puts it on eth0 framed to 203.0.113.10's MAC, as a packet socket sends a hand-made frame (wan's own routing and hooks are skipped)",
    );
    expect(r.stdout).not.toContain("packet 2");
    expect(r.stdout).not.toContain("own loopback address");
  });

  it("--via: the host logs it where the kernel did, before the drop", () => {
    const { world } = buildWorld(loadLab(LO), { ruleset: "d29-lo.instrumented-581a0246" });
    const r = runScenario(world, {
      from: "wan",
      to: "127.0.0.1",
      src: "203.0.113.1",
      proto: "tcp",
      dport: 8080,
      via: "203.0.113.10",
    });
    const fields = (line: string) =>
      /(\S+ pre: IN=\S+ OUT= MAC=\S+ SRC=\S+ DST=\S+) .* DPT=(\d+)/.exec(line)?.slice(1);
    const kernel = readFileSync(join(LO, "wan-to-host.log"), "utf8").split("\n").filter(Boolean);
    const simulated = toTrace(r.packets).lines;
    expect(kernel.map(fields)).toEqual([
      [
        "d29 pre: IN=wan0 OUT= MAC=52:54:00:bb:00:10:52:54:00:bb:00:01:08:00 SRC=203.0.113.1 DST=127.0.0.1",
        "8080",
      ],
    ]);
    expect(simulated.map(fields)).toEqual(kernel.map(fields));
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:docker-bridges:raw-PREROUTING" });
  });

  it.each([
    [
      ["--via", "192.0.2.2"],
      "--via: 192.0.2.2 is not on a link of wan (wan reaches it through 203.0.113.10)",
    ],
    [["--via", "gateway"], "--via: 'gateway' is not an IP address (the neighbour's, e.g. 203.0.113.10)"],
    [["--via", "2001:db8::1"], "--via: '2001:db8::1' and the destination 127.0.0.1 are not of one IP family"],
  ])("refuses %j", async (args, message) => {
    const r = await toLoopback(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("refuses --via from the host that runs the ruleset", async () => {
    const r = await runDocker29("lo", "host", "203.0.113.1:80", "--proto", "tcp", "--via", "203.0.113.1");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--via: host runs the ruleset, and a frame it sends from a packet socket skips its IP hooks, which the simulator does not model; send from another host",
    );
  });
});
