/** The ruleset files of an import: logging rules told apart, prefixes mapped to hooks, base chains per nft. */
import { describe, expect, it } from "vitest";
import {
  isLoggingRule,
  keepExistingBaseChains,
  nftLogPrefixes,
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

  // An nftables-only host: Docker 29's shape (per-bridge chains through verdict maps), the
  // contributor's own logging table, and an inet table.
  const NFT = `# Warning: table ip filter is managed by iptables-nft, do not touch!
table ip docker-bridges {
	map filter-forward-in-jumps {
		type ifname : verdict
		elements = { "br-a" : jump filter-forward-in__br-a,
			     "br-b" : jump filter-forward-in__br-b }
	}

	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
	}

	chain filter-forward-in__br-a {
		iifname "br-a" counter packets 3 bytes 252 accept comment "ICC"
		meta l4proto icmp log prefix "br-a \\"drop\\": " level debug
		counter packets 1 bytes 84 drop
	}

	chain filter-forward-in__br-b {
		counter packets 0 bytes 0 drop
	}

	chain shared {
		log prefix "shared: "
	}

	chain nat-POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		jump shared
	}

	chain nat-OUTPUT {
		type nat hook output priority -100; policy accept;
		goto shared
	}
}
table inet mylog {
	chain pre {
		type filter hook prerouting priority raw - 1; policy accept;
		meta l4proto icmp log prefix "dbg pre: "
	}

	chain unused {
	}
}
table ip trace {
	chain prerouting {
		type filter hook prerouting priority raw - 10; policy accept;
		meta l4proto icmp meta nftrace set 1
	}
}`;

  it("maps an nft log prefix to the base chain that reaches it, through verdict maps and jumps", () => {
    expect(nftLogPrefixes(NFT)).toEqual([
      { hook: "ip:docker-bridges:filter-FORWARD", prefix: 'br-a "drop": ' },
      { hook: null, prefix: "shared: " },
      { hook: "ip:mylog:pre", prefix: "dbg pre: " },
    ]);
    expect(prefixMapFromRuleset(`# nft list ruleset\n${NFT}`)).toEqual({
      'br-a "drop":': "ip:docker-bridges:filter-FORWARD",
      "dbg pre:": "ip:mylog:pre",
    });
  });

  it("leaves a prefix of a known convention to the parser (it names the hook, not the logging chain)", () => {
    const lab = `table bridge packetwalk {
	chain log-PREROUTING {
		type filter hook prerouting priority -201; policy accept;
		log prefix "pwpc/nft/bridge/packetwalk/PREROUTING"
	}
}`;
    expect(nftLogPrefixes(lab)).toEqual([
      { hook: "bridge:packetwalk:log-PREROUTING", prefix: "pwpc/nft/bridge/packetwalk/PREROUTING" },
    ]);
    expect(prefixMapFromRuleset(lab)).toEqual({});
  });

  it("takes nft list ruleset as the ruleset when iptables-save has no table, without counters or logging tables", () => {
    const t = rulesetTexts("# Warning: iptables-legacy tables present\n", "", "note", NFT);
    expect(t.loggingRules).toBe(4);
    expect(t.instrumented).toMatch(/^# note\n# nft list ruleset\ntable ip docker-bridges {/);
    expect(t.instrumented).toContain('log prefix "dbg pre: "');
    expect(t.instrumented).not.toMatch(/counter packets|# Warning/);
    expect(t.clean).not.toMatch(/log prefix|nftrace|table inet mylog|table ip trace/);
    // The chains that still decide stay, an empty one something jumps to too.
    expect(t.clean).toContain('iifname "br-a" counter accept comment "ICC"');
    expect(t.clean).toContain("chain shared {");
    expect(t.clean).toMatch(/\n}\n$/);
    expect(t.clean).not.toMatch(/\n\n\s*}/);
    // An iptables-save with rules keeps the iptables form.
    expect(rulesetTexts(IPT, "", "note", NFT).instrumented).toContain("# iptables-save");
  });
});
