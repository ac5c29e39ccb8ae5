/**
 * br_netfilter calls IP FORWARD from the bridge forward hook at priority 0 (NF_BR_PRI_BRNF), not -1,
 * and a bridge chain of equal priority runs first when its table was created after the namespace's
 * first bridge (the kernel puts a later hook before the earlier ones of its priority). Kernel 6.18,
 * test/fixtures/kernel-probes/bridge-brnf-hook-order/recorded.txt: a forward chain at -1 logged before
 * IP FORWARD and one at 1 after it, whatever the order of creation; one at 0 created after br0 logged
 * first ("h53p0after-brfwd" before "h53p0after-ipfwd") and its drop stopped the ping (rc=1), one created
 * before br0 never ran (rc=0). Tester (s4-vlan/nftbr, every packet): `br-fwd-ip IN=vnet0 OUT=vnet1`
 * 15 µs before `ipt-filter-FWD IN=br0 OUT=br0`; the simulator had put the chain after IP FORWARD.
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

// `unshare -n nft -c -f` (nft 1.0.6) takes it with each priority: exit 0.
const rules = (priority: number) => `table bridge userbr {
	chain fwd24 {
		type filter hook forward priority ${priority}; policy accept;
		tcp dport 24 meta mark set 0x1
	}
}
table ip userip {
	chain fwdc {
		type filter hook forward priority 0; policy accept;
		meta mark 0x1 drop
	}
}
`;

function run(priority: number) {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const ruleset = parseRulesetFile(rules(priority), "t.nft");
  const world: World = { topology: buildTopology(lab), ruleset, ebtables: "nft", sysctls: lab.sysctls };
  const r = runScenario(world, { from: "c2", to: "172.17.0.2", proto: "tcp", dport: 24 });
  return { ruleset, packet: r.packets[0], hooks: r.packets[0]?.events.map((e) => e.hook) ?? [] };
}

describe("a bridge forward chain and br_netfilter's IP FORWARD", () => {
  it("at priority 0, the chain runs first: its mark reaches IP FORWARD's drop", () => {
    const { packet, hooks } = run(0);
    expect(hooks).toEqual(["bridge:userbr:fwd24", "ip:userip:fwdc"]);
    expect(packet?.fate).toMatchObject({ kind: "dropped", hook: "ip:userip:fwdc" });
  });

  it("at priority 0, says the order is the creation order's, which the file does not hold", () => {
    const { ruleset } = run(0);
    expect(ruleset.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        message:
          "chain fwd24 (bridge userbr, hook forward priority 0) has br_netfilter's priority: it runs before IP FORWARD only if its table was created after the namespace's first bridge, and the file does not say when that was",
        position: { file: "t.nft", line: 2, column: 1 },
      }),
    ]);
    expect(ruleset.diagnostics[0]?.hint).toContain(
      "it never sees the frames br_netfilter hands to IP FORWARD",
    );
    // Without an IP chain at that hook in the file, nothing to order the chain against: no warning.
    expect(parseRulesetFile(rules(0).replace(/table ip userip[\s\S]*/, ""), "t.nft").diagnostics).toEqual([]);
  });

  it("at -1 the chain runs first, at 1 after IP FORWARD (too late for the drop), with no warning", () => {
    expect(run(-1).hooks).toEqual(["bridge:userbr:fwd24", "ip:userip:fwdc"]);
    const after = run(1);
    expect(after.hooks).toEqual(["ip:userip:fwdc", "bridge:userbr:fwd24"]);
    expect(after.packet?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(after.ruleset.diagnostics).toEqual([]);
    expect(run(-1).ruleset.diagnostics).toEqual([]);
  });
});
