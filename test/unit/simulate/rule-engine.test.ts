import { describe, expect, it } from "vitest";
import type { MatchContext } from "../../../src/core/simulate/match-rule.ts";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";

function table(text: string, name = "filter"): TableDef {
  const r = parseIptablesSave(text);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.rules.tables.get(name) as TableDef;
}

const pkt = (): SimPacket => ({
  src: "10.0.0.1",
  dst: "10.0.0.2",
  proto: "tcp",
  sport: 1234,
  dport: 80,
  tcpFlags: ["SYN"],
  ttl: 64,
  id: 1,
  len: 60,
  ipFlags: [],
  mark: 0,
});
const ctx: MatchContext = {
  in: "eth0",
  bridged: false,
  ethType: "0x0800",
  ctState: "NEW",
  addrType: () => "UNICAST",
};

describe("runChain", () => {
  it("jumps, falls off user chains back to the caller, and applies the policy", () => {
    const t = table(
      "*filter\n:FORWARD DROP\n:A - [0:0]\n:B - [0:0]\n-A FORWARD -j A\n-A FORWARD -j B\n-A A -p udp -j ACCEPT\n-A B -j RETURN\nCOMMIT\n",
    );
    const run = runChain(t, "FORWARD", pkt(), ctx);
    expect(run.verdict).toBe("DROP");
    expect(run.steps.map((s) => `${s.kind}:${s.chain}:${s.verdict}`)).toEqual([
      "rule:FORWARD:JUMP",
      "return:A:RETURN",
      "rule:FORWARD:JUMP",
      "rule:B:RETURN",
      "policy:FORWARD:DROP",
    ]);
    expect(run.steps[0]?.target).toBe("A");
  });

  it("goto does not come back to the chain that jumped", () => {
    const t = table(
      "*filter\n:FORWARD ACCEPT\n:G - [0:0]\n:X - [0:0]\n-A FORWARD -j X\n-A FORWARD -j DROP\n-A X -g G\n-A X -j ACCEPT\n-A G -j RETURN\nCOMMIT\n",
    );
    const run = runChain(t, "FORWARD", pkt(), ctx);
    // G returns to FORWARD (X's caller), skipping X's ACCEPT, so FORWARD's DROP applies.
    expect(run.verdict).toBe("DROP");
    expect(run.steps.at(-1)?.text).toBe("-A FORWARD -j DROP");
  });

  it("LOG and TRACE do not terminate; MARK changes the mark seen by later rules", () => {
    const t = table(
      '*mangle\n:PREROUTING ACCEPT\n-A PREROUTING -j LOG --log-prefix "p1 "\n-A PREROUTING -j TRACE\n-A PREROUTING -j MARK --set-mark 0x5\n-A PREROUTING -m mark --mark 0x5 -j DROP\nCOMMIT\n',
      "mangle",
    );
    const p = pkt();
    const run = runChain(t, "PREROUTING", p, ctx);
    expect(run.logs).toEqual([{ prefix: "p1 ", level: undefined, line: 3 }]);
    expect(run.trace).toBe(true);
    expect(p.mark).toBe(5);
    expect(run.verdict).toBe("DROP");
  });

  it("returns NAT targets instead of a verdict", () => {
    const t = table(
      "*nat\n:PREROUTING ACCEPT\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.17.0.2:8080\nCOMMIT\n",
      "nat",
    );
    const run = runChain(t, "PREROUTING", pkt(), ctx);
    expect(run.nat).toEqual({ kind: "DNAT", addr: "172.17.0.2", port: 8080 });
    expect(run.steps[0]?.verdict).toBe("DNAT");
  });

  it("REJECT ends the chain", () => {
    const t = table(
      "*filter\n:INPUT ACCEPT\n-A INPUT -p tcp -j REJECT --reject-with tcp-reset\n-A INPUT -j DROP\nCOMMIT\n",
    );
    expect(runChain(t, "INPUT", pkt(), ctx).verdict).toBe("REJECT");
  });

  it("reports unmodelled rules with their text and carries on", () => {
    const t = table(
      "*filter\n:FORWARD ACCEPT\n-A FORWARD -m set --match-set blocked src -j DROP\n-A FORWARD -j CT --notrack\nCOMMIT\n",
    );
    const run = runChain(t, "FORWARD", pkt(), ctx);
    expect(run.unmodelled.map((u) => u.line)).toEqual([3, 4]);
    expect(run.unmodelled[0]?.what).toBe("-m set --match-set blocked src");
    expect(run.unmodelled[1]?.text).toBe("-A FORWARD -j CT --notrack");
    expect(run.steps.filter((s) => s.unmodelled)).toHaveLength(2);
    expect(run.verdict).toBe("ACCEPT");
  });

  it("goes on, decided, past a target that never ends the walk (TCPMSS, NFLOG), and stops uncertain at one that may", () => {
    const t = table(
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu\n-A FORWARD -j NFLOG --nflog-group 5\n-A FORWARD -p tcp --dport 80 -j ACCEPT\nCOMMIT\n",
    );
    const run = runChain(t, "FORWARD", pkt(), ctx);
    expect(run.unmodelled).toEqual([]);
    expect(run.verdict).toBe("ACCEPT");
    const queued = table(
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -j NFQUEUE --queue-num 1\n-A FORWARD -j ACCEPT\nCOMMIT\n",
    );
    expect(runChain(queued, "FORWARD", pkt(), ctx).unmodelled.map((u) => u.what)).toEqual([
      "NFQUEUE --queue-num 1",
    ]);
  });

  it("nft: a bare 'tcp flags syn' tests the bit; an MSS clamp changes no verdict", () => {
    const parsed = parseNftRuleset(
      "table inet t {\n\tchain fwd {\n\t\ttype filter hook forward priority mangle; policy drop;\n\t\ttcp flags syn tcp option maxseg size set rt mtu\n\t\ttcp flags syn accept\n\t}\n}\n",
    );
    expect(parsed.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
    const t = parsed.tables[0] as TableDef;
    expect(runChain(t, "fwd", pkt(), ctx)).toMatchObject({ verdict: "ACCEPT", unmodelled: [] });
    expect(runChain(t, "fwd", { ...pkt(), tcpFlags: ["ACK"] }, ctx)).toMatchObject({
      verdict: "DROP",
      unmodelled: [],
    });
  });
});
