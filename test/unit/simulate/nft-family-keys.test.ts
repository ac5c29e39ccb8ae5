/**
 * `meta nfproto` and `meta protocol` as keys of a verdict map or a set, and compared with `!=` or a
 * number: the nftables wiki's server ruleset sends each family to its own chain with
 * `meta protocol vmap { ip : jump inbound_ipv4, ip6 : jump inbound_ipv6 }`. The map was not modelled:
 * the simulator went on past it and reported the policy's DROP as the certain fate of a ping the
 * kernel accepted. Checked on kernel 6.18 (nft 1.0.6): the ruleset below loaded in a throwaway
 * namespace and listed back as written; `nft -j` gave the same vmap, read alike.
 */
import { describe, expect, it } from "vitest";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { icmpPacket, textWorld } from "./helpers.ts";

/** An input chain that drops what its family chain does not accept. */
const byFamily = (vmap: string) => `table inet filter {
	chain in4 {
		icmp type echo-request accept
	}

	chain in6 {
		icmpv6 type echo-request accept
	}

	chain input {
		type filter hook input priority filter; policy drop;
		${vmap}
	}
}
`;

describe("a verdict map keyed by the packet's family", () => {
  for (const vmap of [
    "meta nfproto vmap { ipv4 : jump in4, ipv6 : jump in6 }",
    "meta protocol vmap { ip : jump in4, ip6 : jump in6 }",
  ])
    it(`${vmap}: jumps to the IPv4 chain, which accepts the ping`, () => {
      const world = textWorld(byFamily(vmap));
      expect(world.ruleset.diagnostics).toEqual([]);
      const p = runScenario(world, { from: "c1", to: "172.17.0.1", proto: "icmp" }).packets[0];
      expect(p?.fate.kind).toBe("delivered");
      const input = p?.events.find((e) => e.hook === "ip:filter:input");
      expect(input?.steps.map((s) => `${s.chain}:${s.verdict}`)).toEqual(["input:JUMP", "in4:ACCEPT"]);
    });
});

describe("one value, != and sets of families", () => {
  const ping = icmpPacket();
  /** Whether `rule` matched an IPv4 ping, and the problems reading it gave. */
  const decided = (rule: string) => {
    const rs = parseRulesetFile(
      `table inet t {\n\tchain c {\n\t\ttype filter hook input priority filter;\n\t\t${rule}\n\t}\n}\n`,
      "t.nft",
    );
    const table = rs.nft?.[0] as TableDef;
    const r = [...table.chains.values()][0]?.rules[0];
    if (!r) throw new Error(`no rule read from ${rule}`);
    const ctx = { bridged: false, ethType: "0x0800", addrType: () => "UNICAST", sets: table.sets };
    return { matched: matchRule(r, ping, ctx), problems: rs.diagnostics.map((d) => d.message) };
  };
  it.each([
    ["meta nfproto != ipv4 accept", false],
    ["meta nfproto != ipv6 accept", true],
    ["meta nfproto { ipv6 } accept", false],
    ["meta protocol { ip, ip6 } accept", true],
    ["meta protocol { arp } accept", false],
    ["meta protocol != ip accept", false],
    ["meta protocol 0x0800 accept", true],
    ["meta protocol 0x86dd accept", false],
  ])("%s: %s for an IPv4 packet", (rule, matched) => {
    expect(decided(rule)).toEqual({ matched, problems: [] });
  });
});
