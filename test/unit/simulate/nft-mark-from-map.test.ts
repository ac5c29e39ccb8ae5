/**
 * A mark set from a map (`meta mark set tcp dport map { 22 : 0x1, 80 : 0x2 }`, a concatenated key's
 * `iifname . ip daddr map { ... }`, `map @m`, `ct mark set ... map { ... }`) is the data of the element
 * the packet's key finds, and a key the map lacks ends the rule there. Kernel 6.18, nft 1.0.6, a fresh
 * namespace, a ping to 127.0.0.1 (counters after it, as `nft list chain` printed them):
 *
 *   icmp type echo-request meta mark set icmp type map { echo-reply : 0x00000006, echo-request : 0x00000005 } counter packets 1 bytes 84
 *   icmp type echo-request meta mark 0x00000005 counter packets 1 bytes 84
 *   icmp type echo-request meta mark set icmp type map { echo-reply : 0x00000007 } counter packets 0 bytes 0
 *   icmp type echo-request meta mark 0x00000005 counter packets 1 bytes 84
 *   icmp type echo-request meta mark set icmp type map @marks counter packets 1 bytes 84   (@marks: echo-request : 0x9)
 *   icmp type echo-request meta mark 0x00000009 counter packets 1 bytes 84
 *   icmp type echo-request ct mark set icmp type map { echo-request : 0x00000011 } counter packets 1 bytes 84
 *   icmp type echo-request ct mark 0x00000011 counter packets 1 bytes 84
 *
 * and at input: `meta mark set iifname . ip daddr map { "lo" . 127.0.0.1 : 0x21 }` then `meta mark
 * 0x21` counted the ping, `ct original ip saddr . icmp type map { 127.0.0.1 . echo-request : 0x22 }`
 * then `meta mark 0x22` too, and `iifname . ip daddr map { "eth9" . 127.0.0.1 : 0x23 }` counted
 * nothing, the mark staying 0x22. The reader used to call every such statement unmodelled and leave
 * the mark unknown after it (rulesets45 #9, where the kernel dropped the packet by its mark).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { onlyInputRule, preroutingAndInput, textWorld } from "./helpers.ts";

/** Where the first SYN from the lab's wan (203.0.113.1, in on eth0) to the host's port 22 ends. */
const fate = (pre: string, input: string) => {
  const p = runScenario(textWorld(preroutingAndInput(pre, input)), {
    from: "wan",
    to: "203.0.113.2",
    proto: "tcp",
    dport: 22,
  }).packets[0];
  return { fate: p?.fate.kind, unmodelled: p?.unmodelled ?? [], markUnknown: p?.received?.markUnknown };
};

describe("a mark set from a map", () => {
  it("is the lookup of the packet's key, a condition on the map's keys before it", () => {
    const { rule, diagnostics } = onlyInputRule(
      'table inet t {\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tmeta mark set iifname . ip daddr map { "eth0" . 203.0.113.2 : 0x1 }\n\t}\n}\n',
      "t.nft",
    );
    expect(rule.conditions).toEqual([
      {
        kind: "nft-set",
        key: "iifname",
        concat: ["iifname", "ip daddr"],
        elements: [{ kind: "concat", parts: [{ kind: "value", value: "eth0" }, expect.anything()] }],
        neg: false,
      },
    ]);
    expect(rule.effects).toMatchObject([
      { kind: "MARK", op: "set", mask: 0xffffffff, lookup: { key: "iifname" } },
    ]);
    expect(diagnostics).toEqual([]);
  });

  it.each([
    'meta mark set iifname . ip daddr map { "eth0" . 203.0.113.2 : 0x1 }',
    "meta mark set ct original ip saddr . tcp dport map { 203.0.113.1 . 22 : 0x1 }",
    "meta mark set tcp dport map { 80 : 0x2, 22 : 0x1 }",
  ])("gives a later mark match the element's mark, decided: %s", (set) => {
    expect(fate(set, "meta mark 0x1 drop")).toEqual({
      fate: "dropped",
      unmodelled: [],
      markUnknown: undefined,
    });
  });

  it("ends the rule for a key the map lacks: the mark stays, the statements after do not run", () => {
    const pre = 'meta mark set 0x5\n\t\tmeta mark set iifname map { "eth9" : 0x7 } meta mark set 0x6';
    expect(fate(pre, "meta mark 0x5 drop").fate).toBe("dropped");
    expect(fate(pre, "meta mark != 0x5 drop").fate).toBe("delivered");
  });

  it("reads a named map's elements, and sets the connection's mark from a map", () => {
    const named = `table ip nat {
	map marks { type inet_service : mark; elements = { 22 : 0x9 } }
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		meta mark set tcp dport map @marks
		ct mark set tcp dport map { 22 : 0x11 }
	}
}
table ip filter {
	chain input {
		type filter hook input priority filter; policy accept;
		meta mark 0x9 ct mark 0x11 drop
	}
}
`;
    const p = runScenario(textWorld(named), { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 22 })
      .packets[0];
    expect(p?.fate.kind).toBe("dropped");
    expect(p?.unmodelled).toEqual([]);
  });
});
