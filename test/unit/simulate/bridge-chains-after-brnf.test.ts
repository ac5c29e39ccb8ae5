/**
 * br_netfilter calls the IP hook from inside the bridge hook, at its own priority (0 at PREROUTING
 * and FORWARD: bridge-forward-brnf-tie.test.ts); a bridge-family chain of higher priority runs after the IP hook returns. On kernel
 * 6.18 (simcheck6, Docker 29's nft rules in namespaces): a bridge forward chain at priority 100 set a
 * mark that an ip forward chain dropped on, and the connection was made (IP FORWARD had run first,
 * mark 0); a bridge prerouting chain at 100 counted the DNATed destination, never the original; one at
 * 100 never saw what IP FORWARD dropped. The simulator ran every bridge chain before the IP hook.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { LAB_DIR } from "./helpers.ts";

const RULES = `table bridge userbr {
	chain pre100 {
		type filter hook prerouting priority 100; policy accept;
	}
	chain prelow {
		type filter hook prerouting priority -200; policy accept;
	}
	chain fwd100 {
		type filter hook forward priority 100; policy accept;
		ip daddr 172.17.0.2 tcp dport 24 meta mark set 0x1
		tcp dport 25 drop
	}
}
table ip userip {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 172.17.0.1 tcp dport 9090 dnat to 172.17.0.2:80
	}
	chain fwdc {
		type filter hook forward priority 10; policy accept;
		meta mark 0x1 drop
		tcp dport 25 drop
	}
}
`;

function world(sysctls: Record<string, string> = {}): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const ruleset = parseRulesetFile(RULES, "t.nft");
  expect(ruleset.diagnostics).toEqual([]);
  return { topology: buildTopology(lab), ruleset, ebtables: "nft", sysctls: { ...lab.sysctls, ...sysctls } };
}

const hooks = (r: ReturnType<typeof runScenario>) => r.packets[0]?.events.map((e) => e.hook) ?? [];

describe("bridge chains above br_netfilter's priority", () => {
  it("run after IP FORWARD: the mark set there comes too late for the ip chain's drop", () => {
    const r = runScenario(world(), { from: "c2", to: "172.17.0.2", proto: "tcp", dport: 24 });
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(hooks(r)).toEqual([
      "bridge:userbr:prelow",
      "ip:userip:pre",
      "bridge:userbr:pre100",
      "ip:userip:fwdc",
      "bridge:userbr:fwd100",
    ]);
  });

  it("see the destination the IP hook's DNAT wrote", () => {
    const r = runScenario(world(), { from: "c2", to: "172.17.0.1", proto: "tcp", dport: 9090 });
    const seen = (hook: string) => r.packets[0]?.events.find((e) => e.hook === hook)?.packet.dst;
    expect(seen("bridge:userbr:prelow")).toBe("172.17.0.1");
    expect(seen("bridge:userbr:pre100")).toBe("172.17.0.2");
  });

  it("never see what IP FORWARD dropped", () => {
    const r = runScenario(world(), { from: "c2", to: "172.17.0.2", proto: "tcp", dport: 25 });
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:userip:fwdc" });
    expect(hooks(r)).not.toContain("bridge:userbr:fwd100");
  });

  it("without br_netfilter's IP call, run in their own order, the IP hooks not at all", () => {
    const r = runScenario(world({ "net.bridge.bridge-nf-call-iptables": "0" }), {
      from: "c2",
      to: "172.17.0.2",
      proto: "tcp",
      dport: 25,
    });
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "bridge:userbr:fwd100" });
    expect(hooks(r)).toEqual(["bridge:userbr:prelow", "bridge:userbr:pre100", "bridge:userbr:fwd100"]);
  });
});
