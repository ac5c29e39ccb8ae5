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

  it("rejects a table left without COMMIT (iptables-restore would), positioned after its last line", () => {
    const r = parseIptablesSave("*filter\n:INPUT ACCEPT\n-A INPUT -j DROP\n\n", { file: "cut.rules" });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      severity: "error",
      message: "table 'filter' was not closed with COMMIT",
      position: { file: "cut.rules", line: 3, column: 17 },
    });
    const next = parseIptablesSave("*nat\n:PREROUTING ACCEPT\n*filter\n:INPUT ACCEPT\nCOMMIT\n");
    expect(next.diagnostics).toMatchObject([
      {
        severity: "error",
        message: "table 'nat' was not closed with COMMIT",
        position: { line: 3, column: 1 },
      },
    ]);
  });

  it("a .rules file cut inside a table is read as iptables-save cut short, not as bridge rules", () => {
    // Without the bridge part and its marker comment: only COMMIT tells the two kinds of table apart.
    const full = rulesetText("docker-28");
    const text = full.slice(0, full.indexOf("# ebtables"));
    expect(parseRulesetFile(text).diagnostics).toEqual([]);
    for (const cut of [text.slice(0, text.lastIndexOf("COMMIT")), text.replaceAll("COMMIT\n", "")]) {
      const rs = parseRulesetFile(cut, "cut.rules");
      expect(
        rs.diagnostics.some((d) => d.severity === "error" && /not closed with COMMIT/.test(d.message)),
      ).toBe(true);
      expect(rs.bridge.tables.size).toBe(0);
    }
  });

  it("rejects target options the target does not have, at their column", () => {
    const at = (rule: string) => {
      const r = parseIptablesSave(`*filter\n:INPUT ACCEPT\n:X - [0:0]\n${rule}\nCOMMIT\n`, {
        file: "r.rules",
      });
      return r.diagnostics.filter((d) => d.severity === "error");
    };
    expect(at("-A INPUT -j RETURN --bogus-opt")).toMatchObject([
      {
        message: "target RETURN takes no options, found '--bogus-opt'",
        position: { file: "r.rules", line: 4, column: 20 },
      },
    ]);
    expect(at("-A INPUT -j LOG --log-prefix x --bogus")).toMatchObject([
      { message: "'--bogus' is not an option of target LOG", position: { line: 4, column: 32 } },
    ]);
    expect(at("-A INPUT -j X --bogus")).toMatchObject([
      { message: "a jump to chain 'X' takes no options, found '--bogus'" },
    ]);
    expect(at("-A INPUT -j LOG --log-prefix")).toMatchObject([{ message: "--log-prefix needs a value" }]);
    for (const ok of [
      "-A INPUT -j RETURN",
      '-A INPUT -j LOG --log-prefix "fw in: " --log-level 7 --log-uid',
      "-A INPUT -p tcp -j REJECT --reject-with tcp-reset",
      "-A INPUT -j X",
    ])
      expect(at(ok), ok).toEqual([]);
  });

  it("rejects a binary file at its first non-text byte without quoting it", () => {
    const r = parseIptablesSave("*filter\n:INPUT ACCEPT\n\u007fELF\u0002\u0001\u0001\u0000\n", {
      file: "bin.rules",
    });
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        message: "not an iptables-save ruleset: the file holds the control character 0x7f",
        hint: expect.any(String),
        position: { file: "bin.rules", line: 3, column: 1 },
      },
    ]);
    expect(r.rules.tables.size).toBe(0);
    expect(parseIptablesSave("*filter\n# caf\ufffd\n").diagnostics[0]?.message).toBe(
      "not an iptables-save ruleset: the file holds bytes that are not UTF-8",
    );
  });

  it("never throws on garbage", () => {
    for (const junk of ["\u0000\u0001", "*", ":", "-A", '"', "*filter\n-A", "*filter\n:X\n-A X ! ! -s"]) {
      expect(() => parseIptablesSave(junk)).not.toThrow();
    }
  });
});
