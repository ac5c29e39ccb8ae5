import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { rulesetText } from "./helpers.ts";

describe("parseIptablesSave", () => {
  it("reads the recorded Docker 28 ruleset: tables, policies, rules with line and text", () => {
    const rs = parseRulesetFile(rulesetText("docker-28"), "docker-28.rules");
    expect(rs.diagnostics).toEqual([]);
    const filter = rs.ip.tables.get("filter");
    expect(filter?.chains.get("FORWARD")?.policy).toBe("DROP");
    expect(filter?.chains.get("DOCKER-USER")?.policy).toBeUndefined();
    const fwd = filter?.chains.get("FORWARD")?.rules ?? [];
    expect(fwd.map((r) => r.text)).toEqual(["-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-FORWARD"]);
    expect(fwd[0]?.target).toEqual({ kind: "jump", chain: "DOCKER-USER" });
    const lines = rulesetText("docker-28").split("\n");
    expect(lines[(fwd[1]?.line ?? 0) - 1]).toBe("-A FORWARD -j DOCKER-FORWARD");
    const dnat = rs.ip.tables.get("nat")?.chains.get("DOCKER")?.rules.at(-1);
    expect(dnat?.target).toEqual({ kind: "DNAT", addr: "172.17.0.2", port: { lo: 80, hi: 80 } });
    expect(dnat?.conditions).toContainEqual({ kind: "in", name: "docker0", neg: true });
    expect(dnat?.conditions).toContainEqual({ kind: "dport", range: { lo: 8080, hi: 8080 }, neg: false });
  });

  it("accepts [pkts:bytes] counters and keeps the rule text without them", () => {
    const r = parseIptablesSave(
      "*filter\n:INPUT ACCEPT [5:300]\n[12:720] -A INPUT -s 10.0.0.0/8 -j DROP\nCOMMIT\n",
    );
    expect(r.diagnostics).toEqual([]);
    const rule = r.rules.tables.get("filter")?.chains.get("INPUT")?.rules[0];
    expect(rule?.text).toBe("-A INPUT -s 10.0.0.0/8 -j DROP");
    expect(rule?.line).toBe(3);
  });

  it("parses quoted comments, ranges, multiport, icmp types, marks and negations", () => {
    const text = [
      "*mangle",
      ":PREROUTING ACCEPT [0:0]",
      '-A PREROUTING ! -s 192.0.2.0/24 -p udp -m udp --sport 1000:2000 -m comment --comment "a \\"quoted\\" note" -j MARK --set-xmark 0x10/0xff',
      "-A PREROUTING -p tcp -m multiport --dports 80,443,8000:8100 -j ACCEPT",
      "-A PREROUTING -p icmp -m icmp --icmp-type 3/1 -m mark --mark 0x1/0xf -j RETURN",
      "COMMIT",
    ].join("\n");
    const r = parseIptablesSave(text);
    expect(r.diagnostics).toEqual([]);
    const [a, b, c] = r.rules.tables.get("mangle")?.chains.get("PREROUTING")?.rules ?? [];
    expect(a?.conditions[0]).toMatchObject({ kind: "src", neg: true });
    expect(a?.conditions).toContainEqual({ kind: "sport", range: { lo: 1000, hi: 2000 }, neg: false });
    expect(a?.target).toEqual({ kind: "MARK", op: "xset", value: 0x10, mask: 0xff });
    expect(b?.conditions).toContainEqual({
      kind: "multiport",
      which: "dports",
      ranges: [
        { lo: 80, hi: 80 },
        { lo: 443, hi: 443 },
        { lo: 8000, hi: 8100 },
      ],
      neg: false,
    });
    expect(c?.conditions).toContainEqual({ kind: "icmp-type", type: 3, code: 1, neg: false });
    expect(c?.conditions).toContainEqual({ kind: "mark", value: 1, mask: 0xf, neg: false });
  });

  it("keeps unknown matches and targets as unmodelled, with their text", () => {
    const r = parseIptablesSave(
      "*filter\n:FORWARD ACCEPT\n-A FORWARD -m set --match-set docker-ext dst -j ACCEPT\n-A FORWARD -p tcp -j TCPMSS --clamp-mss-to-pmtu\nCOMMIT\n",
    );
    const [a, b] = r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules ?? [];
    expect(a?.conditions).toEqual([
      { kind: "unknown", text: "-m set --match-set docker-ext dst", neg: false },
    ]);
    expect(b?.target).toEqual({ kind: "unknown", name: "TCPMSS", text: "TCPMSS --clamp-mss-to-pmtu" });
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      ["warning", 3, 12, "match '-m set --match-set docker-ext dst' is not modelled"],
      ["warning", 4, 19, "target 'TCPMSS' is not modelled"],
    ]);
  });

  it.each([
    ["-A outside a table", "-A INPUT -j DROP\n", 1, 1, "outside a table"],
    [
      "an undeclared user chain",
      "*filter\n-A MYCHAIN -j DROP\nCOMMIT\n",
      2,
      4,
      "chain 'MYCHAIN' is not declared",
    ],
    [
      "a bad address",
      "*filter\n:INPUT ACCEPT\n-A INPUT -s 10.0.0.300 -j DROP\nCOMMIT\n",
      3,
      13,
      "'10.0.0.300' is not an IPv4 address",
    ],
    [
      "a bad port",
      "*filter\n:INPUT ACCEPT\n-A INPUT -p tcp --dport 70000 -j DROP\nCOMMIT\n",
      3,
      25,
      "not a port",
    ],
    [
      "an unterminated quote",
      '*filter\n:INPUT ACCEPT\n-A INPUT -m comment --comment "oops -j DROP\nCOMMIT\n',
      3,
      31,
      "unterminated",
    ],
    ["a bad policy", "*filter\n:INPUT MAYBE [0:0]\nCOMMIT\n", 2, 8, "'MAYBE' is not a chain policy"],
    [
      "a DNAT without --to-destination",
      "*nat\n:PREROUTING ACCEPT\n-A PREROUTING -j DNAT\nCOMMIT\n",
      3,
      18,
      "DNAT needs --to-destination",
    ],
  ])("reports %s with file:line:col and a hint", (_name, text, line, column, message) => {
    const r = parseIptablesSave(text, { file: "x.rules" });
    const d = r.diagnostics.find((x) => x.severity === "error");
    expect(d?.message).toContain(message);
    expect(d?.position).toEqual({ file: "x.rules", line, column });
    expect(d?.hint).toBeTruthy();
  });

  it("warns about a table left without COMMIT but keeps its rules", () => {
    const r = parseIptablesSave("*filter\n:INPUT ACCEPT\n-A INPUT -j DROP\n");
    expect(r.diagnostics[0]).toMatchObject({ severity: "warning" });
    expect(r.rules.tables.get("filter")?.chains.get("INPUT")?.rules).toHaveLength(1);
  });

  it("never throws on garbage", () => {
    for (const junk of ["\u0000\u0001", "*", ":", "-A", '"', "*filter\n-A", "*filter\n:X\n-A X ! ! -s"]) {
      expect(() => parseIptablesSave(junk)).not.toThrow();
    }
  });
});
