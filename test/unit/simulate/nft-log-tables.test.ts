/**
 * `packetwalk simulate`'s logging tables for an nftables ruleset, derived from the ruleset itself:
 * on the nft lab they are the chains the capture logged with, and a simulation logged with them
 * agrees with every recorded LOG trace of the lab; a reader's own tables are logged where they run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NFT_LOG_CHAINS } from "../../../src/capture/nft-log-rules.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { checkConformance } from "../../../src/core/simulate/conformance.ts";
import { hookSlots } from "../../../src/core/simulate/hook-order.ts";
import {
  NFT_LOG_TABLE,
  nftLogTablesText,
  planNftLogChains,
} from "../../../src/core/simulate/nft-log-tables.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { addSimulationLogging, buildWorld, loadLab } from "../../../src/lab/load-lab.ts";

const LAB = loadLab(join(import.meta.dirname, "../../../traces/docker-bridge-nft"));
const BASE = LAB.data.rulesets["docker-29-nft"] as string;

describe("planNftLogChains", () => {
  it("on Docker 29's ruleset gives exactly the chains the capture logged with (hook, priority, name)", () => {
    const key = (family: string, hook: string, priority: number, table: string, chain: string) =>
      `${family} ${hook} ${priority} ${table}/${chain}`;
    const plan = planNftLogChains(BASE).map((p) =>
      key(p.family, p.hook, p.priority, p.names.table, p.names.chain),
    );
    const capture = NFT_LOG_CHAINS.map((c) =>
      key(c.family, c.hook, c.priority, c.names.table, c.names.chain),
    );
    expect(plan.sort()).toEqual(capture.sort());
  });

  it("logs a reader's own inet table before its chain, at its own priority, and names it", () => {
    const own = `${BASE}
table inet hostfw {
	chain input {
		type filter hook input priority filter + 10; policy drop;
		ct state established,related accept
	}
}
`;
    const input = planNftLogChains(own).filter((p) => p.family === "ip" && p.hook === "input");
    expect(input).toEqual([
      {
        family: "ip",
        hook: "input",
        priority: 9,
        names: { family: "inet", table: "hostfw", chain: "input" },
      },
    ]);
    const text = nftLogTablesText(own, "pwsm");
    expect(text).toContain('log prefix "pwsm/nft/inet/hostfw/input" level debug');
    expect(parseRulesetFile(`${own}${text}`, "t.nft").diagnostics).toEqual([]);
  });
});

describe("a log chain never ties with a chain of the ruleset before the one it names", () => {
  // A host firewall one step before Docker's forward chain, dropping what it does not know.
  const guarded = `${BASE}
table inet guard {
	chain forward {
		type filter hook forward priority filter - 1; policy drop;
		ct state established,related accept
	}
}
`;

  it("logs the chain after it at that chain's own priority (packetwalk's tables register later, so run first)", () => {
    const forward = planNftLogChains(guarded).filter((p) => p.family === "ip" && p.hook === "forward");
    expect(forward.map((p) => [p.priority, `${p.names.table}/${p.names.chain}`])).toEqual([
      [-2, "guard/forward"],
      [0, "docker-bridges/filter-FORWARD"],
    ]);
  });

  it("a packet the firewall drops shows no line of the chain it never entered", () => {
    const { world, diagnostics } = buildWorld(LAB, {
      rulesetText: { text: guarded, file: "guarded.rules" },
      simulationLog: { tag: "pwsm", proto: "icmp" },
    });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const result = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    const lines = toTrace(result.packets).lines.filter((l) => l.includes("PROTO=ICMP TYPE=8"));
    // The prefix runs into IN= (no space, as the kernel prints a prefix).
    const named = lines.map((l) => /pwsm\/nft\/(.*?)IN=/.exec(l)?.[1] ?? "");
    expect(named.filter((n) => /forward/i.test(n))).toEqual(["inet/guard/forward"]);
    expect(result.packets[0]?.fate.kind).toBe("dropped");
  });

  it("a dormant table's chains get no log chain: they are not on their hooks", () => {
    const text = `${BASE}
table inet parked {
	flags dormant
	chain input {
		type filter hook input priority 5; policy drop;
	}
}
`;
    expect(parseRulesetFile(text, "t.nft").nft?.find((t) => t.name === "parked")?.dormant).toBe(true);
    expect(planNftLogChains(text).some((p) => p.names.table === "parked")).toBe(false);
  });

  it("an IP nat chain is logged before the NAT core it runs in, whatever its own priority", () => {
    const nat = `${BASE}
table ip late-nat {
	chain pre {
		type nat hook prerouting priority dstnat + 10; policy accept;
	}
}
`;
    const pre = planNftLogChains(nat).filter((p) => p.family === "ip" && p.hook === "prerouting");
    // One line before the core (-100), naming its first chain; none after it at +9.
    expect(pre.map((p) => p.priority)).not.toContain(-91);
    expect(pre.find((p) => p.names.chain === "nat-PREROUTING")?.priority).toBe(-101);
    expect(pre.some((p) => p.names.table === "late-nat")).toBe(false);
  });
});

describe("where the log chains run among the ruleset's (the simulator's hook order)", () => {
  /** The base chains at an IPv4 hook in the order they run, `table/chain`. */
  const order = (text: string, hook: string, legacy = false) => {
    const rs = parseRulesetFile(text, "t.rules");
    if (legacy) expect(addSimulationLogging(rs, "pwsm", "icmp")).toEqual([]);
    else rs.nft = parseRulesetFile(`${text}${nftLogTablesText(text, "pwsm")}`, "t.rules").nft;
    return hookSlots(rs, "ip", hook).map((x) => {
      const line = x.table.chains
        .get(x.chain)
        ?.rules.find((r) => r.text.includes("log prefix"))
        ?.text.match(/pwsm\/nft\/\w+\/([^"]+)"/)?.[1];
      return line ? `log(${line})` : `${x.table.name}/${x.chain}`;
    });
  };

  it("a nat chain below the NAT core's priority runs inside the core, after the log line that names it", () => {
    const text = `${BASE}
table inet guard {
	chain pre {
		type filter hook prerouting priority -101; policy accept;
	}
}
table ip early-nat {
	chain pre {
		type nat hook prerouting priority dstnat - 50; policy accept;
	}
}
`;
    const ran = order(text, "PREROUTING");
    const at = (name: string) => ran.indexOf(name);
    expect(at("log(early-nat/pre)")).toBeGreaterThan(at("guard/pre"));
    expect(at("log(early-nat/pre)")).toBeLessThan(at("early-nat/pre"));
    expect(at("early-nat/pre")).toBeLessThan(at("docker-bridges/nat-PREROUTING"));
  });

  it("beside a legacy iptables table, a log chain does not take the legacy table's priority", () => {
    const text = `${readFileSync(join(import.meta.dirname, "../../fixtures/simulate/nft-plus-legacy-iptables/ruleset.rules"), "utf8")}
table inet late {
	chain input {
		type filter hook input priority 1; policy accept;
	}
}
`;
    const ran = order(text, "INPUT", true);
    // The legacy filter INPUT (priority 0, logged by its own LOG rule) runs before the line naming late/input.
    expect(ran.slice(ran.indexOf("filter/INPUT"))).toEqual(["filter/INPUT", "log(late/input)", "late/input"]);
  });
});

describe("addSimulationLogging (what packetwalk simulate --write logs)", () => {
  const FIX = join(import.meta.dirname, "../../fixtures/simulate");

  it("logs an nft -j ruleset the nft way, making up no iptables table", () => {
    const json = readFileSync(join(FIX, "ipt-docker28-icc-internal/nft-list.json"), "utf8");
    const rs = parseRulesetFile(json, "nft-list.json");
    expect(addSimulationLogging(rs, "pwsm", "icmp")).toEqual([]);
    expect(rs.ip.tables.size).toBe(0);
    const own = rs.nft?.filter((t) => t.name === NFT_LOG_TABLE) ?? [];
    expect(own.map((t) => t.family)).toEqual(["ip", "bridge"]);
  });

  it("beside legacy tables: LOG rules in the legacy chains that exist, no own nft chain at a hook they log", () => {
    const text = readFileSync(join(FIX, "nft-plus-legacy-iptables/ruleset.rules"), "utf8");
    const rs = parseRulesetFile(text, "ruleset.rules");
    expect(addSimulationLogging(rs, "pwsm", "icmp")).toEqual([]);
    expect([...rs.ip.tables.keys()]).toEqual(["filter"]);
    const filter = rs.ip.tables.get("filter");
    for (const chain of ["INPUT", "FORWARD", "OUTPUT"])
      expect(filter?.chains.get(chain)?.rules[0]?.target).toEqual({
        kind: "LOG",
        prefix: `pwsm/iptable/filter-${chain}`,
        level: "debug",
      });
    const plans = planNftLogChains(text, (family, hook) => family === "ip" && hook === "input");
    expect(plans.filter((p) => p.family === "ip" && p.hook === "input")).toEqual([]);
    // Without legacy tables the hook gets packetwalk's own chain, as before.
    expect(planNftLogChains(text).filter((p) => p.family === "ip" && p.hook === "input")).toEqual([
      {
        family: "ip",
        hook: "input",
        priority: 0,
        names: { family: "ip", table: NFT_LOG_TABLE, chain: "INPUT" },
      },
    ]);
  });
});

describe("a simulation logged with these tables", () => {
  const logTraces = LAB.data.traces.filter((t) => t.meta.mode === "log" && t.meta.origin === "recorded");

  it("covers every recorded LOG trace of the nft lab", () => {
    expect(logTraces.length).toBeGreaterThanOrEqual(8);
  });

  for (const trace of logTraces) {
    it(`agrees with the kernel on ${trace.stem} (hooks and rewrites, packet by packet)`, () => {
      const name = trace.meta.ruleset as string;
      const text = LAB.data.rulesets[name] as string;
      const { world, diagnostics } = buildWorld(LAB, {
        rulesetText: { text: `${text}${nftLogTablesText(text, "pwsm")}`, file: `${name}.rules` },
        sysctls: trace.meta.sysctls,
      });
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const traffic = trace.meta.traffic as { from: string; proto: "icmp" | "tcp" | "udp" };
      const r = checkConformance(world, parseTraceText(trace.text), {
        mode: "log",
        from: traffic.from,
        proto: traffic.proto,
      });
      expect(r.divergences).toEqual([]);
    });
  }
});
