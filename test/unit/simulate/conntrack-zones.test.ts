/**
 * Conntrack zones (`-j CT --zone`, nft `ct zone set`, `ct zone` matches): what nft and iptables refuse,
 * and the direction a one-way zone applies to. The whole rulesets, each checked against the kernel, are
 * the fixture test/fixtures/simulate/conntrack-zones. Checked on kernel 6.18 (nft 1.0.6, iptables-nft
 * 1.8.9) in a throwaway namespace: nft -f refuses `ct zone set 65536` ("Value 65536 exceeds valid range
 * 0-65535") and accepts `ct zone set 1` in forward, input and postrouting chains (no hook check) and `ct
 * reply zone set 2` in an output chain, printing it back as written and in nft -j
 * as `{"mangle": {"key": {"ct": {"key": "zone", "dir": "reply"}}, "value": 2}}`; iptables-nft refuses
 * `-t filter -A FORWARD -j CT --zone 1` ("RULE_APPEND failed (Invalid argument)") and `-j CT --zone
 * 65536` ("Cannot parse 65536 as a zone ID"), and accepts `--zone-reply 3`. With `-i eth0 -j CT
 * --zone-reply 1` alone (the fixture's lab, its LAN-to-wan probes), every reply was lost: conntrack -L
 * listed the connections in zone 0, UNREPLIED.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { nftJsonInput, textWorld } from "./helpers.ts";

const LAB = join(import.meta.dirname, "../../fixtures/simulate/conntrack-zones");

/** `file:line:column: message` of each diagnostic. */
function diagnostics(text: string, file: string): string[] {
  return parseRulesetFile(text, file).diagnostics.map(
    (d) => `${d.position.line}:${d.position.column}: ${d.severity}: ${d.message}`,
  );
}

/** The LAN-side iptables ruleset of the fixture (zone on br0) with its raw rule replaced by `raw`. */
function iptables(raw: string): string {
  return readFileSync(join(LAB, "one-iptables-nft-save.rules"), "utf8").replace(
    "-A PREROUTING -i br0 -j CT --zone 1",
    raw,
  );
}

describe("conntrack zones nft and iptables refuse", () => {
  it("says where nft refuses a zone above 65535", () => {
    const text =
      "table ip a {\n\tchain f {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tct zone set 65536\n\t}\n}\n";
    expect(diagnostics(text, "t.nft")).toEqual(["4:15: error: zone 65536 exceeds the valid range 0-65535"]);
  });

  it("says where iptables refuses CT outside the raw table and a zone it cannot parse", () => {
    const filter = "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j CT --zone 1\nCOMMIT\n";
    expect(diagnostics(filter, "t.rules")).toEqual([
      "3:12: error: target 'CT' is only valid in the raw table, not 'filter'",
    ]);
    expect(diagnostics(iptables("-A OUTPUT -j CT --zone 65536"), "t.rules")).toEqual([
      "4:24: error: '65536' is not a zone ID",
    ]);
  });

  it("reads the forms the kernel accepted without a diagnostic, in text and in nft -j", () => {
    expect(diagnostics(iptables("-A PREROUTING -i eth0 -j CT --zone-reply 3"), "t.rules")).toEqual([]);
    const text =
      "table ip a {\n\tchain f {\n\t\ttype filter hook output priority raw; policy accept;\n\t\tct reply zone set 2\n\t}\n}\n";
    expect(diagnostics(text, "t.nft")).toEqual([]);
    // nft -j's form (the kernel took `ct zone set` at input too: no hook check).
    const json = nftJsonInput("ip", [[{ mangle: { key: { ct: { key: "zone", dir: "reply" } }, value: 2 } }]]);
    expect(diagnostics(json, "t.json")).toEqual([]);
    const rule = parseRulesetFile(json, "t.json").nft?.[0]?.chains.get("c")?.rules[0];
    expect(rule?.effects).toEqual([{ kind: "CTZONE", zone: 2, dir: "reply" }]);
  });
});

describe("a zone for one direction", () => {
  it("looks a reply given --zone-reply up in that zone, where the connection made in zone 0 is not", () => {
    const w = textWorld(iptables("-A PREROUTING -i eth0 -j CT --zone-reply 1"), "t.rules", LAB);
    for (const proto of ["tcp", "icmp"] as const) {
      const packets = runScenario(w, { from: "a", to: "198.51.100.10", proto, dport: 80 }).packets;
      expect(
        packets.map((p) => `${p.direction}: ${p.fate.kind === "dropped" ? p.fate.reason : p.fate.kind}`),
        proto,
      ).toEqual([
        "request: delivered",
        "reply: DROP by rule at line 12 of t.rules: -A FORWARD -m conntrack --ctstate INVALID -j DROP",
      ]);
    }
  });
});

/**
 * A zone template before the lookup reads as new. Checked on kernel 6.18 with the ruleset below, one ping
 * from a to 198.51.100.10: the br0 `ct state new` counter counted the request, `ct state invalid` nothing;
 * on eth0 (no template) the echo reply counted as invalid.
 */
const TEMPLATE = `table inet z {
	chain raw1 {
		type filter hook prerouting priority raw; policy accept;
		iifname "br0" ct zone set 1
	}
	chain raw2 {
		type filter hook prerouting priority -250; policy accept;
		iifname "br0" ct state new counter packets 0 bytes 0
		iifname "br0" ct state invalid counter packets 0 bytes 0
		iifname "eth0" ct state new counter packets 0 bytes 0
		iifname "eth0" ct state invalid counter packets 0 bytes 0
	}
}
`;

describe("a zone template before the lookup", () => {
  it("reads as new in a later raw chain, where a packet without one reads invalid", () => {
    const packets = runScenario(textWorld(TEMPLATE, "t.nft", LAB), {
      from: "a",
      to: "198.51.100.10",
      proto: "icmp",
    }).packets;
    const raw2 = packets.map((p) =>
      p.events
        .filter((e) => e.chain === "raw2")
        .flatMap((e) => e.steps.filter((s) => s.kind === "rule").map((s) => s.line)),
    );
    expect(raw2).toEqual([[8], [11]]);
  });
});
