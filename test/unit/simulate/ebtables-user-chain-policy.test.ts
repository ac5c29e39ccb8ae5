/**
 * An ebtables user chain's own policy (`:MYCHAIN DROP`, `Bridge chain: MYCHAIN, ..., policy: ACCEPT`):
 * ebt_do_table applies it where a packet reaches the chain's end. ACCEPT and DROP end the table's
 * traversal there; RETURN, the default, goes back to the caller. Kernel 6.18 (a reviewer's run).
 */
import { describe, expect, it } from "vitest";
import type { MatchContext } from "../../../src/core/simulate/match-rule.ts";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { icmpPacket, rulesetText, textWorld } from "./helpers.ts";

const pkt = (): SimPacket => icmpPacket();
const ctx: MatchContext = {
  in: "veth-c1",
  out: "veth-c2",
  bridged: true,
  ethType: "0x0800",
  ctState: "NEW",
  addrType: () => "UNICAST",
};

/** The ebtables filter table of `text`, read without an error. */
function filter(text: string): TableDef {
  const r = parseEbtables(text);
  expect(r.diagnostics).toEqual([]);
  return r.rules.tables.get("filter") as TableDef;
}

/** ebtables-save text: FORWARD (policy `forward`) jumps to MYCHAIN (policy `mine`, none: not declared with one). */
function save(forward: string, mine: string, ...rules: string[]): string {
  return `*filter\n:INPUT ACCEPT\n:FORWARD ${forward}\n:OUTPUT ACCEPT\n:MYCHAIN ${mine}\n-A FORWARD -i veth-c+ -j MYCHAIN\n${rules.join("\n")}\n`;
}

const steps = (t: TableDef) =>
  runChain(t, "FORWARD", pkt(), ctx).steps.map((s) => `${s.kind}:${s.chain}:${s.verdict}:${s.line}`);

describe("an ebtables user chain's policy", () => {
  it("DROP drops a packet that reaches the chain's end, and the step names the chain", () => {
    const t = filter(save("ACCEPT", "DROP", "-A MYCHAIN -p IPv4 --ip-dst 172.17.0.9 -j RETURN"));
    expect(runChain(t, "FORWARD", pkt(), ctx).verdict).toBe("DROP");
    expect(steps(t)).toEqual(["rule:FORWARD:JUMP:6", "policy:MYCHAIN:DROP:5"]);
  });

  it("ACCEPT ends the table's traversal with accept, before the caller's DROP rule and policy", () => {
    const t = filter(save("DROP", "ACCEPT", "-A FORWARD -j DROP"));
    expect(runChain(t, "FORWARD", pkt(), ctx).verdict).toBe("ACCEPT");
    expect(steps(t)).toEqual(["rule:FORWARD:JUMP:6", "policy:MYCHAIN:ACCEPT:5"]);
  });

  it("RETURN (the default) goes back to the caller, whose policy then applies", () => {
    const t = filter(save("DROP", "RETURN"));
    expect(runChain(t, "FORWARD", pkt(), ctx).verdict).toBe("DROP");
    expect(steps(t)).toEqual(["rule:FORWARD:JUMP:6", "return:MYCHAIN:RETURN:5", "policy:FORWARD:DROP:3"]);
  });

  it("a RETURN rule leaves the chain before its policy", () => {
    const t = filter(save("ACCEPT", "DROP", "-A MYCHAIN -p IPv4 --ip-dst 172.17.0.3 -j RETURN"));
    expect(runChain(t, "FORWARD", pkt(), ctx).verdict).toBe("ACCEPT");
    expect(steps(t).at(-1)).toBe("policy:FORWARD:ACCEPT:3");
  });

  it("applies in a chain jumped to from another user chain, which is not returned to", () => {
    const t = filter(
      "*filter\n:FORWARD ACCEPT\n:A RETURN\n:B DROP\n-A FORWARD -j A\n-A A -j B\n-A A -j ACCEPT\n",
    );
    expect(runChain(t, "FORWARD", pkt(), ctx).verdict).toBe("DROP");
    expect(steps(t).at(-1)).toBe("policy:B:DROP:4");
  });

  it("is read from an `ebtables -L` listing too", () => {
    const t = filter(
      "Bridge table: filter\n\nBridge chain: FORWARD, entries: 1, policy: ACCEPT\n-j MYCHAIN\n\nBridge chain: MYCHAIN, entries: 0, policy: DROP\n",
    );
    expect(runChain(t, "FORWARD", pkt(), ctx).verdict).toBe("DROP");
    expect(steps(t).at(-1)).toBe("policy:MYCHAIN:DROP:6");
  });

  it("is not applied to iptables or nftables user chains, which fall back to the caller", () => {
    const ipt = parseIptablesSave("*filter\n:FORWARD DROP [0:0]\n:MY - [0:0]\n-A FORWARD -j MY\nCOMMIT\n");
    const it4 = ipt.rules.tables.get("filter") as TableDef;
    expect(runChain(it4, "FORWARD", pkt(), ctx).steps.map((s) => s.kind)).toEqual([
      "rule",
      "return",
      "policy",
    ]);
    const nft = filter(
      "table bridge filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tjump mine\n\t}\n\tchain mine {\n\t}\n}\n",
    );
    expect(steps(nft)).toEqual(["rule:FORWARD:JUMP:4", "return:mine:RETURN:6", "policy:FORWARD:DROP:2"]);
  });
});

describe("an ebtables user chain's policy in the docker-bridge lab (kernel 6.18)", () => {
  /** docker-28's iptables part with `ebtables` as its bridge part. */
  const fate = (ebtables: string) => {
    const ipt = rulesetText("docker-28").split("# ebtables-save (bridge family)")[0] as string;
    // ARP let through first: the policies below would drop c1's ARP request too, and the walk end there.
    const arp = ebtables.replace(
      "-A FORWARD -i veth-c+",
      "-A FORWARD -p ARP -j ACCEPT\n-A FORWARD -i veth-c+",
    );
    const w = textWorld(`${ipt}# ebtables-save (bridge family)\n${arp}`, "t.rules");
    expect(w.ruleset.diagnostics).toEqual([]);
    return runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate;
  };

  it("policy DROP of MYCHAIN drops c1's ping to c2 at bridge FORWARD", () => {
    const f = fate(save("ACCEPT", "DROP", "-A MYCHAIN -p IPv4 --ip-dst 172.17.0.9 -j RETURN"));
    expect(f).toMatchObject({ kind: "dropped", hook: "bridge:filter:FORWARD", rule: { chain: "MYCHAIN" } });
    expect(f?.kind === "dropped" ? f.reason : "").toMatch(
      /^policy DROP of user chain MYCHAIN \(declared at line \d+ of t\.rules\), jumped to from bridge:filter:FORWARD$/,
    );
  });

  it("policy ACCEPT of MYCHAIN lets it through a FORWARD whose policy is DROP", () => {
    expect(fate(save("DROP", "ACCEPT", "-A MYCHAIN -p IPv4 --ip-dst 172.17.0.9 -j RETURN"))).toMatchObject({
      kind: "delivered",
      host: "c2",
    });
  });

  it("policy RETURN of MYCHAIN leaves it to FORWARD's policy", () => {
    const f = fate(save("DROP", "RETURN"));
    expect(f).toMatchObject({ kind: "dropped", hook: "bridge:filter:FORWARD" });
    expect(f?.kind === "dropped" ? f.reason : "").toMatch(/^policy DROP of bridge:filter:FORWARD \(declared/);
    expect(fate(save("ACCEPT", "RETURN"))).toMatchObject({ kind: "delivered", host: "c2" });
  });
});
