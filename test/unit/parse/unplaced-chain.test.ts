/**
 * nft trace lines name no hook. A chain the trace enters (its `packet:` line) whose name does not say
 * its hook, and that no ruleset placed, is drawn beside the map: the reader is told why, once per
 * chain, and how to place it (the ruleset), instead of a silent side column.
 */
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../src/core/diagnostics/format-diagnostic.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { UNPLACED_CHAIN_HINT } from "../../../src/core/parse/parse-hints.ts";
import { chainHooksFromRuleset } from "../../../src/core/simulate/chain-hooks-from-ruleset.ts";
import { diagnosticZh } from "../../../src/playground/diagnostics-zh.ts";
import { playgroundDiagnostic } from "../../../src/playground/playground-hints.ts";
import { PLAYGROUND_STRINGS } from "../../../src/playground/strings.ts";

const SYN =
  'iif "wan0" ether saddr b6:f4:13:02:d6:a3 ether daddr b2:40:a0:37:bb:f0 ip saddr 198.51.100.2 ip daddr 198.51.100.1 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 32276 ip protocol tcp ip length 60 tcp sport 46194 tcp dport 8080 tcp flags == syn tcp window 64240';
const FORWARDED = SYN.replace('iif "wan0"', 'iif "wan0" oif "lan0"')
  .replace("ip daddr 198.51.100.1", "ip daddr 203.0.113.2")
  .replace("ip ttl 64", "ip ttl 63")
  .replace("tcp dport 8080", "tcp dport 80");

/** A DNAT router's trace (nft 1.0.6's lines) whose base chains are `pre`, `fwd` and `post`. */
function trace(names: { pre: string; fwd: string; post: string }): string {
  const { pre, fwd, post } = names;
  return [
    `trace id ff8d5c3e ip nat ${pre} packet: ${SYN}`,
    `trace id ff8d5c3e ip nat ${pre} rule ip daddr 198.51.100.1 tcp dport 8080 dnat to 203.0.113.2:80 (verdict accept)`,
    `trace id ff8d5c3e inet fw ${fwd} packet: ${FORWARDED}`,
    `trace id ff8d5c3e inet fw ${fwd} rule iifname vmap { "lan0" : goto from-lan, "wan0" : jump from-wan } (verdict jump from-wan)`,
    "trace id ff8d5c3e inet fw from-wan rule tcp dport 80 ct status dnat accept (verdict accept)",
    `trace id ff8d5c3e ip nat ${post} packet: ${FORWARDED}`,
    `trace id ff8d5c3e ip nat ${post} rule oifname "lan0" masquerade (verdict accept)`,
    `trace id 4ee3117e inet fw ${fwd} packet: ${FORWARDED.replace("tcp flags == syn", "tcp flags == ack")}`,
    `trace id 4ee3117e inet fw ${fwd} rule ct state established,related accept (verdict accept)`,
    "",
  ].join("\n");
}

const RULESET = `table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 198.51.100.1 tcp dport 8080 dnat to 203.0.113.2:80
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "lan0" masquerade
	}
}
table inet fw {
	chain fwd {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname vmap { "lan0" : goto from-lan, "wan0" : jump from-wan }
	}
	chain from-wan {
		tcp dport 80 ct status dnat accept
	}
	chain from-lan {
		accept
	}
}
`;

const UNNAMED = trace({ pre: "pre", fwd: "fwd", post: "post" });

describe("an nft trace chain whose name does not say its hook", () => {
  it("is a warning once per chain, at its first packet line, counting its packet lines, with the ruleset as the way out", () => {
    const parsed = parseTraceText(UNNAMED, { file: "router.log" });
    expect(parsed.diagnostics.map((d) => [d.position.line, d.message])).toEqual([
      [
        1,
        "packet lines of the nft trace at chain 'ip nat pre', whose name does not say its hook: its steps are drawn beside the map (1 line)",
      ],
      [
        3,
        "packet lines of the nft trace at chain 'inet fw fwd', whose name does not say its hook: its steps are drawn beside the map (2 lines)",
      ],
      [
        6,
        "packet lines of the nft trace at chain 'ip nat post', whose name does not say its hook: its steps are drawn beside the map (1 line)",
      ],
    ]);
    expect(parsed.diagnostics.every((d) => d.severity === "warning" && d.hint === UNPLACED_CHAIN_HINT)).toBe(
      true,
    );
    expect(formatDiagnostic(parsed.diagnostics[0] as NonNullable<(typeof parsed.diagnostics)[0]>)).toMatch(
      /^router\.log:1:1: warning: .*\n {2}hint: .*--ruleset FILE/,
    );
    // The packets themselves are read as before: the warning only explains the drawing.
    expect(parsed.packets.map((p) => p.events.map((e) => e.hook))).toEqual([
      ["ip:nat:pre", "ip:fw:fwd", "ip:nat:post"],
      ["ip:fw:fwd"],
    ]);
  });

  it("is none once the ruleset places the chains", () => {
    const parsed = parseTraceText(UNNAMED, { chainHooks: chainHooksFromRuleset(RULESET) });
    expect(parsed.diagnostics).toEqual([]);
  });

  it("is none for base chains named after their hooks, nor for a regular chain reached by a jump", () => {
    const named = trace({ pre: "prerouting", fwd: "forward", post: "postrouting" });
    expect(parseTraceText(named).diagnostics).toEqual([]);
    // `from-wan` (jumped to, no packet line of its own) is drawn in its base chain's step: no warning names it.
    expect(parseTraceText(UNNAMED).diagnostics.some((d) => d.message.includes("from-wan"))).toBe(false);
  });

  it("is none for a chain the map places by its name, lower or upper case", () => {
    for (const names of [
      { pre: "prerouting", fwd: "forward", post: "postrouting" },
      { pre: "nat_PREROUTING", fwd: "MY_FORWARD", post: "srcnat-POSTROUTING" },
    ])
      expect(parseTraceText(trace(names)).diagnostics, names.pre).toEqual([]);
  });

  it("is none once a ruleset is given, even for a regular chain that opened the trace", () => {
    // `meta nftrace set 1` in a regular chain jumped to: its first traced rule carries the packet line.
    const regular = trace({ pre: "trace_on", fwd: "forward", post: "postrouting" });
    expect(parseTraceText(regular).diagnostics).toHaveLength(1);
    const ruleset = RULESET.replace("chain pre {", "chain prerouting {");
    expect(parseTraceText(regular, { chainHooks: chainHooksFromRuleset(ruleset) }).diagnostics).toEqual([]);
  });

  it("is none for an arp table's chain, which the map has no place for whatever its name", () => {
    const arp = [
      'trace id 17df7f87 arp af input_c packet: iif "br0" ether saddr 4a:24:d7:45:97:9f ether daddr ff:ff:ff:ff:ff:ff arp operation request ',
      "trace id 17df7f87 arp af input_c rule counter packets 0 bytes 0 (verdict continue)",
      "",
    ].join("\n");
    const parsed = parseTraceText(arp);
    expect(parsed.packets).toHaveLength(1);
    expect(parsed.diagnostics).toEqual([]);
  });

  it("points the playground's reader at its ruleset box, in English and in Chinese", () => {
    const d = parseTraceText(UNNAMED).diagnostics[0] as NonNullable<
      ReturnType<typeof parseTraceText>["diagnostics"][0]
    >;
    const en = playgroundDiagnostic(d);
    expect(en.message).toBe(d.message);
    expect(en.hint).not.toContain("--ruleset");
    expect(en.hint).toContain(`"${PLAYGROUND_STRINGS.en.rulesLabel}"`);
    const zh = diagnosticZh(d);
    expect(zh?.code).toBe("unplaced-chain");
    expect(zh?.message).toContain("'ip nat pre'");
    expect(zh?.hint).toContain(`「${PLAYGROUND_STRINGS["zh-tw"].rulesLabel}」`);
    expect(zh?.hint).not.toContain("--ruleset");
  });
});
