/**
 * A `.rules` file with an iptables-save and, under `# ebtables-save (bridge family)`, the bridge
 * tables as `nft list ruleset` lists them (what `packetwalk import` writes for a host with iptables
 * rules and no ebtables-save): a bridge table of its own name runs too. Tester (kernel 6.18,
 * /tmp/tester53/s4-vlan/nftbr-noebt): `table bridge pwbr`'s chains brpre, brfwd and brpost logged
 * every packet (brfwd > ip:filter:FORWARD > brpost), while the simulator ran only bridge filter/nat
 * and ip:filter:FORWARD, with no word about pwbr; given alone (nft only) the same tables did run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { ebtablesNeeded, nftNeeded } from "../../../src/core/simulate/ruleset-text-reader.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { LAB_DIR } from "./helpers.ts";

// As `import` wrote it for the tester's host (nft 1.0.6 `nft -c -f` takes the bridge part: exit 0).
const RULES = `# vlan-nftbr: saved on the host while the trace was recorded (packetwalk import).
# iptables-save
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -j LOG --log-prefix "ipt-filter-FWD "
COMMIT
# ebtables-save (bridge family)
table bridge filter {
	chain FORWARD {
		type filter hook forward priority filter; policy accept;
	}
}
table bridge nat {
	chain PREROUTING {
		type filter hook prerouting priority dstnat; policy accept;
	}

	chain POSTROUTING {
		type filter hook postrouting priority srcnat; policy accept;
	}
}
table bridge pwbr {
	chain brpre {
		type filter hook prerouting priority dstnat; policy accept;
		ether type ip log prefix "br-pre "
	}

	chain brfwd {
		type filter hook forward priority -100; policy accept;
		ip protocol tcp drop
	}

	chain brpost {
		type filter hook postrouting priority srcnat; policy accept;
		log prefix "br-post "
	}
}
`;

function world(): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const ruleset = parseRulesetFile(RULES, "vlan-nftbr.rules");
  expect(ruleset.diagnostics).toEqual([]);
  return { topology: buildTopology(lab), ruleset, ebtables: "nft", sysctls: lab.sysctls };
}

describe("nft bridge tables after an iptables-save", () => {
  it("run every bridge table, its own-named one too", () => {
    const r = runScenario(world(), { from: "c2", to: "172.17.0.2", proto: "icmp" });
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(r.packets[0]?.events.map((e) => e.hook)).toEqual([
      "bridge:pwbr:brpre",
      "bridge:nat:PREROUTING",
      "bridge:filter:FORWARD",
      "bridge:pwbr:brfwd",
      "ip:filter:FORWARD",
      "bridge:pwbr:brpost",
      "bridge:nat:POSTROUTING",
    ]);
  });

  it("whose drop acts", () => {
    const r = runScenario(world(), { from: "c2", to: "172.17.0.2", proto: "tcp", dport: 80 });
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "bridge:pwbr:brfwd" });
  });

  it("are nft text to the playground's reader choice", () => {
    expect(nftNeeded(RULES)).toBe("listing");
    expect(ebtablesNeeded(RULES)).toBe(false);
  });
});
