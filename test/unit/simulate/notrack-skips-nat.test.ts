/**
 * A packet without conntrack meets no nat chain (D2 of the kernel probe, re-checked): kernel 6.18, a
 * router namespace with `icmp type echo-request notrack` in raw prerouting and output and a counter in
 * nat prerouting, input, output and postrouting. A ping through it, from it and to it all got answers,
 * the forward chain counted the untracked request, and every nat chain's counter stayed 0 (the echo
 * replies, with no connection, are INVALID and meet no nat chain either).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const RULESET = `table ip t {
	chain raw {
		type filter hook prerouting priority raw; policy accept;
		icmp type echo-request notrack
	}
	chain rawout {
		type filter hook output priority raw; policy accept;
		icmp type echo-request notrack
	}
	chain pr {
		type nat hook prerouting priority dstnat; policy accept;
		counter
	}
	chain po {
		type nat hook postrouting priority srcnat; policy accept;
		counter
	}
	chain o {
		type nat hook output priority -100; policy accept;
		counter
	}
	chain i {
		type nat hook input priority 100; policy accept;
		counter
	}
	chain f {
		type filter hook forward priority filter; policy accept;
		ct state untracked counter
	}
}
`;

describe("notrack: no nat chain runs", () => {
  it.each([
    ["wan", "203.0.113.2", ["ip:t:raw", "ip:t:rawout"]],
    ["host", "203.0.113.1", ["ip:t:rawout", "ip:t:raw"]],
  ])("a ping from %s to %s and its reply cross no nat chain", (from, to, hooks) => {
    const r = runScenario(textWorld(RULESET), { from, to, proto: "icmp" });
    expect(r.packets.map((p) => p.events.map((e) => e.hook))).toEqual(hooks.map((h) => [h]));
    expect(r.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered"]);
  });

  it("a forwarded untracked ping: raw and forward (ct state untracked matched), no nat prerouting or postrouting", () => {
    const req = runScenario(textWorld(RULESET), { from: "c1", to: "198.51.100.10", proto: "icmp" })
      .packets[0];
    expect(req?.events.map((e) => e.hook)).toEqual(["ip:t:raw", "ip:t:f"]);
    expect(req?.events[1]?.steps.some((s) => s.kind === "rule" && s.line === 28)).toBe(true);
  });
});
