/**
 * `packetwalk simulate --sysctl net.netfilter.nf_conntrack_tcp_loose=V`. The simulator reads it from
 * lab.json's sysctls (the ruleset host's: see `tcpLooseOf`), but --sysctl refused it ("the simulator
 * does not model this setting"). It is one value per network namespace: on kernel 6.18, `sysctl -w
 * net.netfilter.nf_conntrack_tcp_loose=0` in one namespace left a second one's at 1, and a per-device
 * form does not exist (`sysctl -w net.netfilter.v0.nf_conntrack_tcp_loose=0` and
 * `net.ipv4.conf.v0.nf_conntrack_tcp_loose=0` with a veth v0 in the namespace: "cannot stat
 * /proc/sys/net/.../v0/nf_conntrack_tcp_loose: No such file or directory"); a value of 2: "setting key
 * "net.netfilter.nf_conntrack_tcp_loose": Invalid argument".
 *
 * The lab (test/fixtures/simulate/nft-notrack-ct-state, recorded with tcp_loose 0) leaves a SYN to port
 * 8080 untracked and drops a later segment that does not read invalid: with 0 the kernel's ACK read
 * invalid (its intent); with 1 a bare ACK with no connection reads new (kernel 6.18, see
 * test/unit/simulate/routed-kernel-cases.test.ts), so the ACK is dropped.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSimulate } from "../../helpers/run-simulate.ts";

const LAB = join(import.meta.dirname, "../../fixtures/simulate/nft-notrack-ct-state");
const toPort8080 = [
  ...["--lab", LAB, "--ruleset-file", join(LAB, "nft-list.nft")],
  ...["--from", "wan", "--to", "203.0.113.2:8080", "--proto", "tcp"],
];
const DROPPED = "=> dropped: DROP by rule at line 35 of";

describe("simulate --sysctl net.netfilter.nf_conntrack_tcp_loose", () => {
  it("takes 0, the lab's: the ACK after the untracked SYN reads invalid and is delivered", async () => {
    const r = await runSimulate(...toPort8080, "--sysctl", "net.netfilter.nf_conntrack_tcp_loose=0");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/packet 3 \(request\): TCP ACK [^\n]*\n(?:.*\n)*? {2}=> delivered to host/);
    expect(r.stdout).not.toContain(DROPPED);
  });

  it("takes 1: the ACK opens a connection (new), and the rule for what is not invalid drops it", async () => {
    const r = await runSimulate(...toPort8080, "--sysctl", "net.netfilter.nf_conntrack_tcp_loose=1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "line  35  DROP       tcp dport 8080 tcp flags != syn / syn,ack ct state != invalid drop",
    );
    expect(r.stdout).toContain("stopped: packet 3 (request) was not delivered to host");
  });

  it.each([
    "net.netfilter.eth0.nf_conntrack_tcp_loose",
    "net.ipv4.conf.eth0.nf_conntrack_tcp_loose",
    "net.ipv4.conf.all.nf_conntrack_tcp_loose",
  ])("refuses %s: one per network namespace, and names the form to write", async (key) => {
    const r = await runSimulate(...toPort8080, "--sysctl", `${key}=0`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--sysctl ${key}: nf_conntrack_tcp_loose is a setting of a whole network namespace, not of an interface (the kernel has no per-device one); write --sysctl net.netfilter.nf_conntrack_tcp_loose=0, which sets it for the host that runs the ruleset, as lab.json's sysctls do`,
    );
  });

  it("refuses a value the kernel refuses (2: Invalid argument)", async () => {
    const r = await runSimulate(...toPort8080, "--sysctl", "net.netfilter.nf_conntrack_tcp_loose=2");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--sysctl net.netfilter.nf_conntrack_tcp_loose=2: the value must be 0 or 1");
  });
});
