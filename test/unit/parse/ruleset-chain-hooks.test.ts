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
  it("gives every ip, ip6, inet and bridge base chain its hook, an inet table's under both IP families, and a regular chain none", () => {
    expect(chainHooksFromRuleset(LISTING)).toEqual({
      "ip:pw:pw_pre": "PREROUTING",
      "ip6:pw:pw_pre": "PREROUTING",
      // Said to be at no hook: a regular chain's name may read as a base chain's (see the libvirt test below).
      "ip:pw:helper": null,
      "ip6:pw:helper": null,
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

describe("a regular chain whose name reads as a base chain's", () => {
  // libvirt's nftables backend, as `nft list ruleset` printed it on kernel 6.18 (counters left out).
  const LIBVIRT = `table ip libvirt_network {
	chain forward {
		type filter hook forward priority filter; policy accept;
		counter jump guest_cross
		counter jump guest_input
		counter jump guest_output
	}

	chain guest_output {
		ip saddr 192.0.2.0/24 iif "virbr0" counter accept
		iif "virbr0" counter reject
	}

	chain guest_input {
		oif "virbr0" ip daddr 192.0.2.0/24 ct state established,related counter accept
		oif "virbr0" counter reject
	}

	chain guest_cross {
		iif "virbr0" oif "virbr0" counter accept
	}
}
`;
  // What nft monitor trace printed for a guest's ping leaving by eth0 (the packet line shortened).
  const TRACE = [
    'trace id 09961161 ip libvirt_network forward packet: iif "virbr0" oif "eth0" ether saddr 52:54:00:00:01:02 ether daddr 52:54:00:00:01:01 ip saddr 192.0.2.2 ip daddr 198.51.100.10 ip dscp cs0 ip ecn not-ect ip ttl 63 ip id 28753 ip length 84 icmp type echo-request icmp code net-unreachable icmp id 10287 icmp sequence 1 ',
    "trace id 09961161 ip libvirt_network forward rule counter packets 0 bytes 0 jump guest_cross (verdict jump guest_cross)",
    "trace id 09961161 ip libvirt_network forward rule counter packets 0 bytes 0 jump guest_input (verdict jump guest_input)",
    "trace id 09961161 ip libvirt_network forward rule counter packets 0 bytes 0 jump guest_output (verdict jump guest_output)",
    'trace id 09961161 ip libvirt_network guest_output rule ip saddr 192.0.2.0/24 iif "virbr0" counter packets 0 bytes 0 accept (verdict accept)',
    "",
  ].join("\n");

  it("is a chain forward jumped to when the ruleset says so: one packet, accepted in forward's walk", () => {
    const { packets, diagnostics } = parseTraceText(TRACE, { chainHooks: chainHooksFromRuleset(LIBVIRT) });
    expect(diagnostics).toEqual([]);
    expect(packets.map((p) => p.hooks)).toEqual([["ip:libvirt_network:forward"]]);
    expect(packets[0]?.events[0]?.verdict).toMatchObject({ chain: "guest_output", verdict: "ACCEPT" });
  });

  it("is read by its name without a ruleset (guest_output: an OUTPUT chain), which splits the packet", () => {
    // The reason the ruleset's word is needed: the kernel's walk was forward -> guest_output, one packet.
    const { packets } = parseTraceText(TRACE);
    expect(packets.map((p) => p.hooks)).toEqual([
      ["ip:libvirt_network:forward"],
      ["ip:libvirt_network:guest_output"],
    ]);
  });
});
