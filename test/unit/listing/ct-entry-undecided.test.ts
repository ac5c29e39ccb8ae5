/**
 * A LOG line does not carry the packet's connection entry: its tuple's addresses, mark or zone. A rule
 * that reads them (`ct original ip saddr . ct original ip daddr { ... }`, `ct original ip saddr 1.2.3.4`,
 * `ct mark 0x0`, `ct zone . ip saddr { ... }`, `ct status seen-reply`) is undecided for a tracked packet, never decided as if the
 * packet had no connection. Kernel 6.18 (review19, two throwaway namespaces, counters): every such rule
 * met the tracked SYN or the ICMP error (RELATED) it was written for; an untracked SYN ended the rule at
 * the concatenation (test/fixtures/simulate/nft-match-forms, 7214), which the listing still decides.
 */
import { describe, expect, it } from "vitest";
import { logStepMatches } from "../../../src/core/listing/log-step-matches.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

/**
 * A raw chain leaving port 7214 untracked; the input chain's lines 11-16 read the entry; 17 reads only
 * whether NAT changed the connection, which the trace's rewrites tell; 18 reads nothing of it.
 */
const RULES = `table inet raw {
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		tcp dport 7214 notrack
	}
}
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		meta nfproto ipv4 counter
		ct original ip saddr . ct original ip daddr != { 192.0.2.1 . 192.0.2.2 } counter
		ct original ip saddr . ct original ip daddr { 198.51.100.1 . 203.0.113.2 } counter
		ct zone . ip saddr { 0 . 198.51.100.1 } counter
		ct original ip saddr 198.51.100.1 counter
		ct mark 0x0 counter
		ct status seen-reply counter
		ct status dnat counter
		tcp dport 22 counter
	}
}
`;

const prefixMap = { "pw/raw/pre": "ip:raw:pre", "pw/filter/input": "ip:filter:input" } as const;
const IN = "IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=198.51.100.1 DST=203.0.113.2";
const SYN = "LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 WINDOW=64240 RES=0x00 SYN URGP=0";

/** The rules the input step of a SYN to `dport` (logged at raw prerouting and at input) matched, with their verdicts. */
function inputMarks(dport: number): [number, string][] | undefined {
  const rules = parseRulesetFile(RULES, "r.nft");
  expect(rules.diagnostics).toEqual([]);
  const syn = SYN.replace("SPT=40000", `SPT=40000 DPT=${dport}`);
  const parsed = parseTraceText(
    [`[1.0] pw/raw/pre ${IN} ${syn} `, `[1.0] pw/filter/input ${IN} ${syn} `].join("\n"),
    { prefixMap },
  );
  const p = parsed.packets[0];
  if (!p) throw new Error("no packet");
  return logStepMatches(p, rules, parsed.packets)
    .at(-1)
    ?.map((m) => [m.ruleLine, m.verdict]);
}

describe("a rule that reads the connection's entry, in a listing", () => {
  it("is undecided for a tracked packet, not taken as a packet without a connection", () => {
    expect(inputMarks(22)).toEqual([
      [10, "CONTINUE"],
      [11, "UNKNOWN"],
      [12, "UNKNOWN"],
      [13, "UNKNOWN"],
      [14, "UNKNOWN"],
      [15, "UNKNOWN"],
      [16, "UNKNOWN"],
      [18, "CONTINUE"],
      [0, "ACCEPT"],
    ]);
  });

  it("still ends the rule for an untracked packet (kernel 6.18: 7214 met no counter after the concatenation)", () => {
    expect(inputMarks(7214)).toEqual([
      [10, "CONTINUE"],
      [0, "ACCEPT"],
    ]);
  });
});

describe("`ct status dnat` in a listing", () => {
  const rules = `table inet nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 8080 dnat ip to 172.17.0.2:80
	}
}
table inet filter {
	chain fwdc {
		type filter hook forward priority filter; policy accept;
		ct status dnat counter
		ct status ! dnat counter
	}
}
`;
  const map = { "pw/nat/pre": "ip:nat:pre", "pw/filter/fwd": "ip:filter:fwdc" } as const;

  /** The rules the forward step of a SYN to 203.0.113.2:`dport` matched. */
  function forwardMarks(dport: number): [number, string][] | undefined {
    const r = parseRulesetFile(rules, "r.nft");
    expect(r.diagnostics).toEqual([]);
    const pre = `${IN} ${SYN.replace("SPT=40000", `SPT=40000 DPT=${dport}`)}`;
    const to = dport === 8080 ? "DST=172.17.0.2" : "DST=203.0.113.2";
    const fwd = pre
      .replace("OUT=", "OUT=docker0")
      .replace("DST=203.0.113.2", to)
      .replace(`DPT=${dport}`, `DPT=${dport === 8080 ? 80 : dport}`)
      .replace("TTL=64", "TTL=63");
    const parsed = parseTraceText([`[1.0] pw/nat/pre ${pre} `, `[1.0] pw/filter/fwd ${fwd} `].join("\n"), {
      prefixMap: map,
    });
    const p = parsed.packets[0];
    if (!p) throw new Error("no packet");
    return logStepMatches(p, r, parsed.packets)
      .at(-1)
      ?.map((m) => [m.ruleLine, m.verdict]);
  }

  it("is decided by the rewrite the trace shows", () => {
    expect(forwardMarks(8080)).toEqual([
      [10, "CONTINUE"],
      [0, "ACCEPT"],
    ]);
    expect(forwardMarks(9090)).toEqual([
      [11, "CONTINUE"],
      [0, "ACCEPT"],
    ]);
  });
});
