/**
 * An nft ruleset that SNATs at postrouting with no nat chain at prerouting: the kernel's NAT core still
 * de-SNATs the reply at prerouting (-100), and `packetwalk simulate`'s log chains must show the reply
 * before it (DST= the translated address), as the recorded Docker traces show it before Docker's
 * nat-PREROUTING. Before the fix, packetwalk's own prerouting chain sat at 0, after the de-SNAT.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planNftLogChains } from "../../../src/core/simulate/nft-log-tables.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { buildWorld, loadLab } from "../../../src/lab/load-lab.ts";

const TRACES = join(import.meta.dirname, "../../../traces");
const NFT_LAB = loadLab(join(TRACES, "docker-bridge-nft"));
const V6_LAB = loadLab(join(TRACES, "nft-routed-v6"));

/** Simulates `proto` from `from` to `to` in `lab` with ruleset `text` and simulate's own logging. */
function simulate(
  lab: ReturnType<typeof loadLab>,
  text: string,
  from: string,
  to: string,
  proto: "icmp" | "tcp",
  v6 = false,
) {
  const { world, diagnostics } = buildWorld(lab, {
    rulesetText: { text, file: "n.rules" },
    simulationLog: { tag: "pwsm", proto: v6 && proto === "icmp" ? "ipv6-icmp" : proto, v6 },
  });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const result = runScenario(world, { from, to, proto });
  return toTrace(result.packets);
}

const MASQUERADE = `table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		masquerade
	}
}
`;

describe("NAT done with no nat chain at prerouting shows in the simulated log", () => {
  it("ip masquerade, ICMP: the reply is logged with DST=203.0.113.2, then un-SNATed to c1", () => {
    const trace = simulate(NFT_LAB, MASQUERADE, "c1", "198.51.100.10", "icmp");
    const reply = trace.packets[1];
    expect(reply?.summary).toContain("un-SNAT to 172.17.0.2");
    expect(reply?.events.find((e) => e.source === "log")?.ip?.dst).toBe("203.0.113.2");
    expect(reply?.rewrites).toEqual([
      expect.objectContaining({
        from: { src: "198.51.100.10", dst: "203.0.113.2" },
        to: { src: "198.51.100.10", dst: "172.17.0.2" },
      }),
    ]);
  });

  it("inet snat to, TCP: the SYN-ACK shows the translated address before the de-SNAT", () => {
    const text = `table inet nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" snat ip to 203.0.113.2
	}
}
`;
    const trace = simulate(NFT_LAB, text, "c1", "198.51.100.10", "tcp");
    const synAck = trace.packets[1];
    expect(synAck?.direction).toBe("reply");
    expect(synAck?.events.find((e) => e.source === "log")?.ip?.dst).toBe("203.0.113.2");
    expect(synAck?.rewrites.length).toBe(1);
  });

  it("ip6 masquerade: the ICMPv6 reply is logged with the router's address first", () => {
    const text = `table ip6 nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
`;
    const trace = simulate(V6_LAB, text, "a1", "2001:db8:2::10", "icmp", true);
    const reply = trace.packets[1];
    expect(reply?.events.find((e) => e.source === "log")?.ip?.dst).toBe(
      "2001:0db8:0001:0000:0000:0000:0000:0010",
    );
    expect(reply?.rewrites.length).toBe(1);
  });
});

describe("planNftLogChains: packetwalk's own chain before the NAT core", () => {
  const at = (text: string, hook: string) =>
    planNftLogChains(text)
      .filter((p) => p.family === "ip" && p.hook === hook)
      .map((p) => `${p.priority} ${p.names.table}/${p.names.chain}`);

  it("at prerouting, -101, when the ruleset SNATs at postrouting and has nothing before the core", () => {
    expect(at(MASQUERADE, "prerouting")).toEqual(["-101 packetwalk/PREROUTING"]);
    // No SNAT at input, so nothing to undo at output: packetwalk's chain stays at 0.
    expect(at(MASQUERADE, "output")).toEqual(["0 packetwalk/OUTPUT"]);
  });

  it("beside a chain of the ruleset after the core, which keeps its own line", () => {
    const text = `${MASQUERADE}table inet fw {
	chain pre {
		type filter hook prerouting priority 0; policy accept;
	}
}
`;
    expect(at(text, "prerouting")).toEqual(["-101 packetwalk/PREROUTING", "-1 fw/pre"]);
  });

  it("none added when a chain of the ruleset already sits before the core", () => {
    const text = `${MASQUERADE}table ip raw {
	chain pre {
		type filter hook prerouting priority raw; policy accept;
	}
}
`;
    expect(at(text, "prerouting")).toEqual(["-301 raw/pre"]);
  });

  it("at output, -101, when the ruleset SNATs at input", () => {
    const text = `table ip nat {
	chain in {
		type nat hook input priority 100; policy accept;
		snat to 127.0.0.2
	}
}
`;
    expect(at(text, "output")).toEqual(["-101 packetwalk/OUTPUT"]);
    expect(at(text, "prerouting")).toEqual(["0 packetwalk/PREROUTING"]);
  });
});
