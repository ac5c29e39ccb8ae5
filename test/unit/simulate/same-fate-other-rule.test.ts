/**
 * An undecided match (unmodelled, or chance) in front of two endings alike: the packet's fate is
 * sure, but which rule decided is not. The reason names both, as the kernel may have taken either:
 * before, it named only the undecided rule, as though it had matched.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { matchedRules } from "../../../src/core/simulate/to-kernel-log.ts";
import { textWorld } from "./helpers.ts";

/** An iptables-save with FORWARD's `policy` and `rules`, and the masquerade c1 needs to reach the internet. */
function save(policy: string, ...rules: string[]): string {
  return [
    "*filter",
    ":INPUT ACCEPT [0:0]",
    `:FORWARD ${policy} [0:0]`,
    ":OUTPUT ACCEPT [0:0]",
    ...rules,
    "COMMIT",
    "*nat",
    ":PREROUTING ACCEPT [0:0]",
    ":INPUT ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ":POSTROUTING ACCEPT [0:0]",
    "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
    "COMMIT",
    "",
  ].join("\n");
}

const TIME = "-m time --timestart 09:00 --timestop 17:00";
const ping = (text: string, file = "t.rules") =>
  runScenario(textWorld(text, file), { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets[0];

describe("a drop behind an undecided match", () => {
  it("names the later rule that drops when the match does not hold", () => {
    const p = ping(save("ACCEPT", `-A FORWARD ${TIME} -j DROP`, "-A FORWARD -s 172.17.0.0/16 -j DROP"));
    expect(p?.fate.kind).toBe("dropped");
    if (p?.fate.kind !== "dropped") return;
    expect(p.fate.reason).toBe(
      `DROP by rule at line 5 of t.rules: -A FORWARD ${TIME} -j DROP, if its '${TIME}' matched; else DROP by rule at line 6 of t.rules: -A FORWARD -s 172.17.0.0/16 -j DROP`,
    );
    expect(p.fate.rule?.otherwise).toMatchObject({ kind: "rule", line: 6, verdict: "DROP" });
    const fwd = p.events.find((e) => e.hook === "ip:filter:FORWARD");
    expect(fwd && matchedRules(fwd).at(-1)).toMatchObject({
      ruleLine: 5,
      chance: TIME,
      otherwise: { ruleLine: 6, text: "-A FORWARD -s 172.17.0.0/16 -j DROP", verdict: "DROP" },
    });
  });

  it("names the chain's policy when nothing else drops", () => {
    const p = ping(save("DROP", `-A FORWARD ${TIME} -j DROP`));
    expect(p?.fate.kind === "dropped" ? p.fate.reason : "").toBe(
      `DROP by rule at line 5 of t.rules: -A FORWARD ${TIME} -j DROP, if its '${TIME}' matched; else policy DROP of ip:filter:FORWARD (declared at line 3 of t.rules)`,
    );
  });

  it("says nothing more when both ways end at the same rule", () => {
    const nft = `table ip filter {
	chain forward {
		type filter hook forward priority filter; policy accept;
		limit rate 10/second counter
		ip saddr 172.17.0.0/16 drop
	}
}
`;
    const p = ping(nft, "t.nft");
    expect(p?.fate.kind === "dropped" ? p.fate.reason : "").toBe(
      "DROP by rule at line 5 of t.nft: ip saddr 172.17.0.0/16 drop",
    );
    expect(p?.fate.kind === "dropped" ? p.fate.rule?.otherwise : "").toBeUndefined();
  });

  it("leaves a decided drop as it was", () => {
    const p = ping(save("ACCEPT", "-A FORWARD -s 172.17.0.0/16 -j DROP"));
    expect(p?.fate.kind === "dropped" ? p.fate.reason : "").toBe(
      "DROP by rule at line 5 of t.rules: -A FORWARD -s 172.17.0.0/16 -j DROP",
    );
  });
});
