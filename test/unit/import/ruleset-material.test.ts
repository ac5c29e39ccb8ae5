/** The ruleset files of an import: logging rules told apart, prefixes mapped to hooks, base chains per nft. */
import { describe, expect, it } from "vitest";
import {
  isLoggingRule,
  keepExistingBaseChains,
  prefixMapFromRuleset,
  rulesetTexts,
} from "../../../src/core/import/ruleset-material.ts";

const IPT = `*filter
:INPUT ACCEPT [12:840]
:FORWARD DROP [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A DOCKER-USER -s 10.0.0.0/8 -j LOG --log-prefix "user-drop: "
-A DOCKER-USER -j RETURN
COMMIT
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p tcp -j TRACE
COMMIT
# Completed on Mon Nov 30 08:31:35 2026`;

describe("import ruleset material", () => {
  it("tells logging rules apart in every save form", () => {
    expect(isLoggingRule('-A FORWARD -j LOG --log-prefix "x"')).toBe(true);
    expect(isLoggingRule("-A PREROUTING -p tcp -j TRACE")).toBe(true);
    expect(isLoggingRule('-A OUTPUT -p IPv4 --log-level debug --log-prefix "x" -j CONTINUE')).toBe(true);
    expect(isLoggingRule('-p IPv4 --log-level debug --log-prefix "x" --log-ip -j CONTINUE')).toBe(true);
    expect(isLoggingRule("-A FORWARD -j DOCKER-USER")).toBe(false);
    expect(isLoggingRule("-A FORWARD -p IPv4 -j DROP")).toBe(false);
  });

  it("maps a prefix in a user chain to the one hook that reaches it; an ebtables -L listing too", () => {
    const listing = `Bridge table: nat

Bridge chain: POSTROUTING, entries: 1, policy: ACCEPT
-p IPv4 --log-level debug --log-prefix "br-out" -j CONTINUE`;
    const map = prefixMapFromRuleset(
      `# iptables-save\n${IPT}\n# ebtables-save (bridge family)\n${listing}\n`,
    );
    expect(map).toEqual({ "user-drop:": "ip:filter:FORWARD", "br-out": "bridge:nat:POSTROUTING" });
  });

  it("writes the instrumentation as saved and the reader's ruleset without logging rules, dates or counters", () => {
    const t = rulesetTexts(IPT, "", "note");
    expect(t.loggingRules).toBe(2);
    expect(t.instrumented).toContain('-A DOCKER-USER -s 10.0.0.0/8 -j LOG --log-prefix "user-drop: "');
    expect(t.instrumented).toContain(":INPUT ACCEPT [0:0]");
    expect(t.instrumented).not.toContain("Completed");
    expect(t.clean).not.toMatch(/LOG|TRACE|\*raw/);
    expect(t.clean).toContain("-A DOCKER-USER -j RETURN");
  });

  it("leaves out the built-in chains nft list ruleset does not show", () => {
    const nft = `table ip filter {
	chain FORWARD {
		type filter hook forward priority filter; policy drop;
	}
	chain DOCKER-USER {
	}
}`;
    const kept = keepExistingBaseChains(`# iptables-save\n${IPT}`, nft);
    expect(kept).toContain(":FORWARD DROP");
    expect(kept).toContain(":DOCKER-USER -");
    expect(kept).not.toContain(":INPUT ACCEPT");
    // A family nft does not list at all is left as saved.
    expect(kept).toContain(":PREROUTING ACCEPT");
  });
});
