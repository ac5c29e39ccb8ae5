/**
 * The reverse path filter. Kernel 6.18 (a router with all.rp_filter=1, a client sending from
 * 10.9.0.2, which the router routes out of its other link): mangle PREROUTING counted the ping,
 * FORWARD did not, and TcpExtIPReversePathFilter went up. The simulator forwarded it, ignoring the
 * setting in lab.json without a word.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { labWorld } from "./helpers.ts";

/** c1's ping to the WAN server from `src`, under `sysctls`: the request's fate and the hooks it crossed. */
function walk(src: string, sysctls: Record<string, string>) {
  const r = runScenario(labWorld("docker-28", sysctls), {
    from: "c1",
    to: "203.0.113.1",
    proto: "icmp",
    src,
  });
  const first = r.packets[0];
  return { fate: first?.fate, hooks: first?.events.map((e) => e.hook) };
}

describe("rp_filter", () => {
  it("strict (1) drops a source the host routes out of another device, after PREROUTING", () => {
    const { fate, hooks } = walk("203.0.113.77", { "net.ipv4.conf.all.rp_filter": "1" });
    expect(fate).toEqual({
      kind: "lost",
      reason:
        "host drops it at routing: it came in by docker0, but host routes its source 203.0.113.77 out of eth0 (reverse path filter, net.ipv4.conf.all.rp_filter=1, strict)",
    });
    expect(hooks?.at(-1)).toBe("ip:nat:PREROUTING");
    expect(hooks).not.toContain("ip:filter:FORWARD");
  });

  it("loose (2) lets it through, as long as the source has a route back", () => {
    expect(walk("203.0.113.77", { "net.ipv4.conf.all.rp_filter": "2" }).fate?.kind).toBe("delivered");
  });

  it("takes the larger of all's and the device's, and drops the host's own address as a source in either mode", () => {
    expect(walk("203.0.113.77", { "net.ipv4.conf.docker0.rp_filter": "1" }).fate?.kind).toBe("lost");
    expect(
      walk("203.0.113.77", { "net.ipv4.conf.all.rp_filter": "2", "net.ipv4.conf.docker0.rp_filter": "1" })
        .fate?.kind,
    ).toBe("delivered");
    const own = walk("203.0.113.2", { "net.ipv4.conf.all.rp_filter": "2" }).fate;
    expect(own?.kind === "lost" && own.reason).toBe(
      "host drops it at routing: its source 203.0.113.2 is an address of host's own (reverse path filter, net.ipv4.conf.all.rp_filter=2)",
    );
  });

  it("drops a source that is the host's own address even when off, unless accept_local is on", () => {
    const own = walk("203.0.113.2", {}).fate;
    expect(own?.kind === "lost" && own.reason).toBe(
      "host drops it at routing: its source 203.0.113.2 is an address of host's own (a martian source; net.ipv4.conf.docker0.accept_local would let it in)",
    );
    expect(walk("203.0.113.2", { "net.ipv4.conf.all.accept_local": "1" }).fate?.kind).toBe("delivered");
  });

  it("passes a packet whose source is routed back by the device it came in by, and is off by default", () => {
    expect(walk("172.17.0.2", { "net.ipv4.conf.all.rp_filter": "1" }).fate?.kind).toBe("delivered");
    expect(walk("203.0.113.77", {}).fate?.kind).toBe("delivered");
  });

  it("is the one setting lab.json takes 2 for", () => {
    const lab = (sysctls: Record<string, string>) =>
      labSchema.safeParse({
        version: 1,
        name: "l",
        description: "d",
        hosts: [
          { name: "h", role: "docker-host", label: "h", interfaces: [{ name: "lo", kind: "loopback" }] },
        ],
        sysctls,
      });
    expect(lab({ "net.ipv4.conf.eth0.rp_filter": "2" }).success).toBe(true);
    const wrong = lab({ "net.ipv4.ip_forward": "2" });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      [
        "sysctls.net.ipv4.ip_forward",
        `'2' is not a value of this switch: expected "0" or "1" (as sysctl prints it; 2 is for an rp_filter), e.g. "net.ipv4.ip_forward": "1"`,
      ],
    ]);
  });
});
