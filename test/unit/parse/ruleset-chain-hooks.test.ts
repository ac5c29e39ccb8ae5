/**
 * A base chain whose name hides its hook (`inet pw pw_pre`) is placed by the ruleset the trace ran
 * with: read from `nft list ruleset` or an `nft -f` script, and used by the grouping, so the lines of
 * one packet at that chain and at the chains after it stay one packet.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { chainHooksFromRuleset } from "../../../src/core/simulate/chain-hooks-from-ruleset.ts";

const LISTING = `table inet pw {
	chain pw_pre {
		type filter hook prerouting priority mangle; policy accept;
		iifname "lan0" log prefix "pw-pre " level debug
	}

	chain helper {
		counter
	}
}
table bridge pwbr {
	chain fwd {
		type filter hook forward priority -190; policy accept;
	}
}
table netdev edge {
	chain in0 {
		type filter hook ingress device "lan0" priority 0; policy accept;
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		log prefix "nat-pre " level debug
	}
}
`;

describe("chainHooksFromRuleset", () => {
  it("gives every ip, ip6, inet and bridge base chain its hook, an inet table's under both IP families", () => {
    expect(chainHooksFromRuleset(LISTING)).toEqual({
      "ip:pw:pw_pre": "PREROUTING",
      "ip6:pw:pw_pre": "PREROUTING",
      "bridge:pwbr:fwd": "FORWARD",
      "ip:nat:prerouting": "PREROUTING",
    });
  });

  it("reads an nft -f script as the ruleset it leaves", () => {
    const script = [
      "flush ruleset",
      "add table ip fw",
      "add chain ip fw early { type filter hook prerouting priority -300; policy accept; }",
      "add chain ip fw late { type filter hook postrouting priority 300; policy accept; }",
      "",
    ].join("\n");
    expect(chainHooksFromRuleset(script)).toEqual({
      "ip:fw:early": "PREROUTING",
      "ip:fw:late": "POSTROUTING",
    });
  });

  it("gives nothing for iptables-save text, whose chains are named by their hooks", () => {
    expect(chainHooksFromRuleset("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j LOG\nCOMMIT\n")).toEqual({});
  });
});

/** One LOG line of an echo request from the LAN, as `nf_log_syslog` prints it at PREROUTING. */
function line(second: number, prefix: string, id: number): string {
  return `[  ${second}.000000] ${prefix}IN=lan0 OUT= MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 SRC=10.0.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=${id} `;
}

describe("grouping with the ruleset's base chains", () => {
  // Two echo requests, each logged at PREROUTING by pw_pre (mangle) and then by the nat chain.
  const log = `${[line(1, "pw-pre ", 1), line(1, "nat-pre ", 1), line(2, "pw-pre ", 2), line(2, "nat-pre ", 2)].join("\n")}\n`;
  const prefixMap = { "pw-pre": "ip:pw:pw_pre", "nat-pre": "ip:nat:prerouting" } as const;

  it("keeps each packet's lines together when the chains' hooks are known", () => {
    const { packets, diagnostics } = parseTraceText(log, {
      prefixMap,
      chainHooks: chainHooksFromRuleset(LISTING),
    });
    expect(diagnostics).toEqual([]);
    expect(packets.map((p) => p.hooks)).toEqual([
      ["ip:pw:pw_pre", "ip:nat:prerouting"],
      ["ip:pw:pw_pre", "ip:nat:prerouting"],
    ]);
  });

  it("needs them: by its name alone, pw_pre is no PREROUTING chain and the nat chain (a PREROUTING chain by its name) cannot follow it: the packets come apart", () => {
    const { packets } = parseTraceText(log, { prefixMap });
    expect(packets.map((p) => p.hooks)).toEqual([
      ["ip:pw:pw_pre"],
      ["ip:nat:prerouting"],
      ["ip:pw:pw_pre"],
      ["ip:nat:prerouting"],
    ]);
  });
});
