/**
 * A connection's tuples (`-m conntrack --ctorigdstport 8080`, `--ctreplsrc`, nft `ct original
 * proto-dst`, `ct reply ip saddr`) decided from the simulator's conntrack entry, as NAT left it:
 * the original tuple keeps the port a DNAT rewrote, the reply one comes from the DNAT's target and
 * goes to the client's port. The recorded kernel's behaviour is the fixture
 * test/fixtures/simulate/ipt-conntrack-tuple.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseCidr } from "../../../src/core/simulate/ipv4.ts";
import { parseNftJson } from "../../../src/core/simulate/parse-nft-json.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { parseRuleArgs } from "../../../src/core/simulate/parse-rule-args.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { LAB_DIR } from "./helpers.ts";

/** The condition of one tuple field (`range` for a port option, `cidr` for an address one). */
const ct = (
  dir: "orig" | "repl",
  field: "src" | "dst" | "sport" | "dport",
  spec: { range: { lo: number; hi: number } } | { cidr: ReturnType<typeof parseCidr> },
  neg: boolean,
) => ({ kind: "ct-tuple", dir, field, ...spec, neg });

const ipt = (text: string) => {
  const tk = tokenizeRule(text);
  if (!tk.ok) throw new Error(tk.message);
  return parseRuleArgs(tk.tokens);
};

/** The docker-bridge lab: a published 8080 -> c1:80 and FORWARD policy drop, with `forward` rules. */
function fate(forward: string[], dport = 8080) {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const text = [
    "*nat",
    ":PREROUTING ACCEPT [0:0]",
    ":POSTROUTING ACCEPT [0:0]",
    "-A PREROUTING -d 203.0.113.2/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
    "-A PREROUTING -d 203.0.113.2/32 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.17.0.3:81",
    "COMMIT",
    "*filter",
    ":FORWARD DROP [0:0]",
    "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    ...forward,
    "COMMIT",
    "",
  ].join("\n");
  const ruleset = parseRulesetFile(text, "t.rules");
  expect(ruleset.diagnostics).toEqual([]);
  const world = { topology: buildTopology(lab), ruleset, ebtables: lab.ebtables, sysctls: lab.sysctls };
  const p = runScenario(world, { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets[0];
  expect(p?.unmodelled).toEqual([]);
  return p?.fate.kind === "dropped" ? `dropped: ${p.fate.reason}` : p?.fate.kind;
}

describe("conntrack tuple matches", () => {
  it("reads the eight iptables options with ports, ranges, addresses and negation", () => {
    const r = ipt("-m conntrack --ctstate DNAT --ctorigdstport 8000:8100 ! --ctreplsrc 10.0.0.0/8 -j ACCEPT");
    expect(r.ok && r.conditions).toEqual([
      { kind: "ctstate", states: ["DNAT"], neg: false },
      // Beside a --ctstate: xt_conntrack decides a packet without a connection by the state alone.
      { ...ct("orig", "dport", { range: { lo: 8000, hi: 8100 } }, false), withoutConnection: true },
      { ...ct("repl", "src", { cidr: parseCidr("10.0.0.0/8") }, true), withoutConnection: true },
    ]);
    // Without one, the tuple options fail such a packet (the default).
    const alone = ipt("-m conntrack --ctorigdstport 8080 -j ACCEPT");
    expect(alone.ok && alone.conditions).toEqual([
      ct("orig", "dport", { range: { lo: 8080, hi: 8080 } }, false),
    ]);
    const bad = ipt("-m conntrack --ctorigdstport http -j ACCEPT");
    expect(!bad.ok && bad.error).toMatchObject({ column: 30, message: "'http' is not a port or port range" });
  });

  it("accepts a port forward by its original port, not by the port DNAT rewrote it to", () => {
    expect(fate(["-A FORWARD -m conntrack --ctstate DNAT --ctorigdstport 8080 -j ACCEPT"])).toBe("delivered");
    expect(fate(["-A FORWARD -m conntrack --ctstate DNAT --ctorigdstport 80 -j ACCEPT"])).toMatch(
      /^dropped: policy/,
    );
    expect(fate(["-A FORWARD -m conntrack --ctorigdst 203.0.113.2 -j ACCEPT"])).toBe("delivered");
  });

  it("reads the reply tuple as replies carry it: from the DNAT's target, to the client's own port", () => {
    expect(fate(["-A FORWARD -m conntrack --ctreplsrc 172.17.0.2 --ctreplsrcport 80 -j ACCEPT"])).toBe(
      "delivered",
    );
    expect(fate(["-A FORWARD -m conntrack --ctrepldstport 80 -j ACCEPT"])).toMatch(/^dropped: policy/);
    expect(fate(["-A FORWARD -m conntrack --ctrepldstport 40000 -j ACCEPT"])).toBe("delivered");
    expect(
      fate(["-A FORWARD -m conntrack ! --ctreplsrc 172.17.0.2 -j DROP", "-A FORWARD -j ACCEPT"], 8081),
    ).toMatch(/^dropped: DROP by rule/);
  });

  it("reads nft's ct original / ct reply fields in text and in nft -j alike", () => {
    // Printed by nft 1.0.6 (`nft list ruleset`, `nft -j list ruleset`) for the table it loaded in a namespace.
    const dir = join(import.meta.dirname, "../../fixtures/nft-ruleset/ct-tuple");
    const text = readFileSync(join(dir, "ruleset.nft"), "utf8");
    const json = readFileSync(join(dir, "ruleset.json"), "utf8");
    const conditions = (tables: ReturnType<typeof parseNftRuleset>["tables"]) =>
      tables[0]?.chains.get("fw")?.rules.map((r) => r.conditions.filter((c) => c.kind === "ct-tuple"));
    const fromText = parseNftRuleset(text);
    const fromJson = parseNftJson(json);
    expect(fromText.diagnostics).toEqual([]);
    expect(fromJson.diagnostics).toEqual([]);
    expect(conditions(fromText.tables)).toEqual([
      [
        ct("orig", "dst", { cidr: parseCidr("203.0.113.2/32") }, false),
        ct("orig", "dport", { range: { lo: 8080, hi: 8080 } }, false),
      ],
      [
        ct("repl", "src", { cidr: parseCidr("192.168.1.30/32") }, true),
        ct("repl", "sport", { range: { lo: 1000, hi: 1100 } }, false),
      ],
    ]);
    expect(conditions(fromJson.tables)).toEqual(conditions(fromText.tables));
  });

  it("never matches a connection of the other family in an inet table, negated or not", () => {
    // The dual-stack lab `packetwalk import` wrote: a1 fd00:a::2 forwarded by the host to wan 2001:db8:2::10.
    const dir = join(import.meta.dirname, "../../fixtures/import/ipv6-iptables/expected");
    const lab = labSchema.parse(JSON.parse(readFileSync(join(dir, "lab.json"), "utf8")));
    const forward = (rule: string) => {
      const text = `table inet f {\n\tchain fwdc {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\t${rule}\n\t}\n}\n`;
      const ruleset = parseRulesetFile(text, "t.nft");
      expect(ruleset.diagnostics).toEqual([]);
      const world = { topology: buildTopology(lab), ruleset, ebtables: "nft" as const, sysctls: lab.sysctls };
      const p = runScenario(world, { from: "a1", to: "2001:db8:2::10", proto: "tcp", dport: 443 }).packets[0];
      expect(p?.unmodelled).toEqual([]);
      return p?.fate.kind === "delivered" ? p.fate.host : p?.fate.kind;
    };
    expect(forward("ct original ip daddr != 10.9.9.9 drop")).toBe("wan");
    expect(forward("ct reply ip saddr != 10.9.9.9 drop")).toBe("wan");
    expect(forward("ct original ip daddr 0.0.0.0/0 drop")).toBe("wan");
    // Its own family still decides.
    expect(forward("ct original ip6 daddr != fd00:9::9 drop")).toBe("dropped");
    expect(forward("ct original ip6 daddr != 2001:db8:2::10 drop")).toBe("wan");
  });

  it("is explained in both rule grammars, in words the listing shows", () => {
    expect(explainRule("-A FORWARD -m conntrack --ctstate DNAT --ctorigdstport 8080 -j ACCEPT").en).toBe(
      "if the connection is DNAT and the connection's original destination port (before NAT) is 8080, accept the packet (stop checking this table's chains)",
    );
    const n = explainNftRule("ct reply ip saddr != 192.168.1.30 drop");
    expect(n.en).toBe(
      "the connection's replies do not come from 192.168.1.30 (a packet without a connection, e.g. untracked, ends the rule at 'ct reply ip saddr': no match, nothing after it runs): drop (final: the packet ends here)",
    );
    expect(n["zh-TW"]).toBe(
      "連線的回覆封包不來自 192.168.1.30（沒有連線的封包（例如未追蹤）在「ct reply ip saddr」就結束這條規則：不符合，之後的都不執行）：丟棄（最終結果：封包到此為止）",
    );
    expect(n.unknown).toEqual([]);
  });
});
