/**
 * Where conntrack's state after a notrack meets nft's newer match forms, as kernel 6.18 decided it
 * (review19: nft 1.0.6, two throwaway namespaces wan 203.0.113.1 and host 203.0.113.2, this ruleset in
 * host, one SYN to 7303 and 7304 from wan, a ping from host that wan rejects, each rule's counter read):
 * - a SYN notracked at -300 and given `ct zone set 5` at -250 is tracked in zone 5: a concatenation of its
 *   connection's addresses matched in input (7303 dropped);
 * - one given `ct zone set 6` at -150, after conntrack's lookup, has only a zone template: the same
 *   concatenation with `!=` ended the rule in that chain and in input (its counter after it stayed 0,
 *   7304 delivered);
 * - the port unreachable answering the ping met `icmp type < echo-request`, `ct state related` and the
 *   concatenation of its connection's original addresses, the echo request's (203.0.113.2 . 203.0.113.1).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const RULES = `table inet t {
	chain raw {
		type filter hook prerouting priority -300; policy accept;
		tcp dport { 7303, 7304 } counter notrack
	}
	chain early {
		type filter hook prerouting priority -250; policy accept;
		tcp dport 7303 counter ct zone set 5
	}
	chain late {
		type filter hook prerouting priority -150; policy accept;
		tcp dport 7304 counter ct zone set 6
		tcp dport 7304 counter ct original ip saddr . ct original ip daddr != { 192.0.2.1 . 192.0.2.2 } counter
	}
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 7303 counter ct original ip saddr . ct original ip daddr { 203.0.113.1 . 203.0.113.2 } counter drop
		tcp dport 7304 counter ct original ip saddr . ct original ip daddr != { 192.0.2.1 . 192.0.2.2 } counter drop
		icmp type < echo-request counter ct state related counter ct original ip saddr . ct original ip daddr { 203.0.113.2 . 203.0.113.1 } counter drop
	}
}
`;

const world = () => textWorld(RULES, "t.nft", "test/fixtures/simulate/nft-notrack-ct-state");

/** One SYN from the wan to `dport`: its fate and the rules abandoned at a `ct` expression (their lines). */
function syn(dport: number) {
  const w = world();
  expect(w.ruleset.diagnostics).toEqual([]);
  const p = runScenario(w, {
    from: "wan",
    to: "203.0.113.2",
    proto: "tcp",
    dport,
    script: [{ direction: "request", tcpFlags: ["SYN"] }],
  }).packets[0];
  return {
    fate: p?.fate.kind === "dropped" ? `dropped at ${p.fate.rule?.line}` : p?.fate.kind,
    abandoned: (p?.notes ?? []).map((n) => /^rule at line (\d+) .* abandoned at '([^']+)'/.exec(n)?.slice(1)),
  };
}

describe("a connection's addresses after a notrack", () => {
  it("are read once a zone template before the lookup tracked the packet again (7303 dropped)", () => {
    expect(syn(7303)).toEqual({ fate: "dropped at 17", abandoned: [] });
  });

  it("end the rule, `!=` too, on a packet given a template after the lookup (7304 delivered)", () => {
    expect(syn(7304)).toEqual({
      fate: "delivered",
      abandoned: [
        ["13", "ct original ip saddr"],
        ["18", "ct original ip saddr"],
      ],
    });
  });

  it("of an ICMP error are its related connection's, met with `icmp type <` and `ct state related`", () => {
    // The ping goes out, wan's reject answers it with a port unreachable (type 3).
    const script = [8, 3].map((icmpType, k) => ({ direction: k ? "reply" : "request", icmpType }) as const);
    const ping = { from: "host", to: "203.0.113.1", proto: "icmp", script } as const;
    const [request, error] = runScenario(world(), ping).packets;
    expect(request?.fate.kind).toBe("delivered");
    expect(error?.fate).toMatchObject({ kind: "dropped", rule: { line: 19 } });
  });
});
