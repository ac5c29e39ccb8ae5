/**
 * nft forms found in rulesets projects publish (nftables' own test dumps, the nft(8) connlimit idiom,
 * firewalld 2.x, `nft -j` output), each once read wrong or refused. Checked on kernel 6.18 in a
 * throwaway namespace where nft 1.0.6 loads the form: `log ... flags tcp sequence,options counter
 * reject with tcp reset` rejected (the reject's counter 1, the next rule's 0); `add @s { ip saddr ct
 * count over 3 }` did not match a first connection (the set then held `127.0.0.1 ct count over 3`);
 * `quota name ip saddr map @m` loaded.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { nftJsonInput, onlyInputRule, preroutingAndInput, textWorld, wanTcpFates } from "./helpers.ts";

/** An ip table `t` whose input chain holds `rules`, after `decl` (sets, objects). */
const input = (rules: string, decl = "") =>
  `table ip t {\n${decl}\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t\t${rules}\n\t}\n}\n`;

describe("log flags of more than one word", () => {
  it.each([
    'log prefix "NFT REJECT IN " flags ip options flags ether reject with tcp reset',
    'log prefix "a" flags tcp sequence,options counter reject with tcp reset',
    "log flags tcp options flags skuid reject with tcp reset",
  ])("end with the log statement: the reject after them rejects (%s)", (rule) => {
    const w = textWorld(input(`tcp dport 22 ${rule}`));
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(wanTcpFates(w, 22, 80)).toEqual(["22: dropped", "80: host"]);
  });
});

describe("a set statement holding a connection count (nft's connlimit)", () => {
  it("inline, is a match the connections decide, followed both ways, not a statement that decides nothing", () => {
    const { rule, diagnostics } = onlyInputRule(
      input(
        "tcp dport 22 ct state new add @s { ip saddr ct count over 3 } counter reject with tcp reset",
        "\tset s {\n\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic\n\t}\n",
      ),
      "connlimit.nft",
    );
    expect(diagnostics).toEqual(["expression 'add @s { ip saddr ct count over 3}' is not modelled"]);
    expect(rule.conditions.at(-1)).toMatchObject({ kind: "unknown", chance: "state" });
  });

  it("declared for the whole set, makes every add to it such a match, the set line read without a warning", () => {
    const { rule, diagnostics } = onlyInputRule(
      input(
        "tcp dport 22 ct state new add @s { ip saddr } reject with tcp reset",
        "\tset s {\n\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic\n\t\tct count over 20\n\t}\n",
      ),
      "connlimit.nft",
    );
    expect(diagnostics).toEqual(["expression 'add @s { ip saddr}' is not modelled"]);
    expect(rule.conditions.at(-1)).toMatchObject({ kind: "unknown", chance: "state" });
  });
});

describe("named object maps", () => {
  const objects =
    '\tquota q1 { over 10 mbytes }\n\tcounter c1 { }\n\tmap qm {\n\t\ttype ipv4_addr : quota\n\t\telements = { 198.51.100.9 : "q1" }\n\t}\n';

  it("a quota picked by the packet's key is a chance match; the file is read (it was refused)", () => {
    const rs = parseRulesetFile(input("quota name ip saddr map @qm drop", objects), "q.nft");
    expect(rs.diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([
      "warning: expression 'quota name ip saddr map @qm' is not modelled",
    ]);
  });

  it("a counter picked by the packet's key only counts: the rule's verdict stands", () => {
    const w = textWorld(
      input('tcp dport 22 counter name ip saddr map { 198.51.100.9 : "c1" } drop', objects),
    );
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(wanTcpFates(w, 22, 80)).toEqual(["22: dropped", "80: host"]);
  });
});

describe("firewalld 2.x's reverse path test, written with nft 1.0.8's 'check'", () => {
  it("reads as the 'oif missing' form it replaces", () => {
    const check = onlyInputRule(input("fib saddr . mark . iif check missing drop"), "fw.nft");
    const oif = onlyInputRule(input("fib saddr . mark . iif oif missing drop"), "fw.nft");
    expect(check.diagnostics).toEqual([]);
    expect(check.rule.conditions).toEqual(oif.rule.conditions);
    expect(onlyInputRule(input("fib saddr . iif check exists accept"), "fw.nft").rule.conditions).toEqual(
      onlyInputRule(input("fib saddr . iif oif exists accept"), "fw.nft").rule.conditions,
    );
  });
});

describe("a bare IPv6 address range (nft -j's listing of a one-range set)", () => {
  it("is matched as the set it stands for, in text and in JSON", () => {
    const text = onlyInputRule(
      input("ip6 saddr 2001:db8::1-2001:db8::2 drop").replace("table ip", "table ip6"),
      "r.nft",
    );
    expect(text.diagnostics).toEqual([]);
    expect(text.rule.conditions).toEqual([
      {
        kind: "nft-set",
        key: "ip6 saddr",
        elements: [{ kind: "range", lo: "2001:db8::1", hi: "2001:db8::2" }],
        neg: false,
      },
    ]);
    const json = onlyInputRule(
      nftJsonInput("ip6", [
        [
          {
            match: {
              op: "==",
              left: { payload: { protocol: "ip6", field: "saddr" } },
              right: { range: ["2001:db8::1", "2001:db8::2"] },
            },
          },
          { drop: null },
        ],
      ]),
      "r.json",
    );
    expect(json.diagnostics).toEqual([]);
    expect(json.rule.conditions).toEqual(text.rule.conditions);
  });

  it("an IPv4 one is decided as before (unchanged)", () => {
    const w = textWorld(preroutingAndInput("", "ip saddr 203.0.113.1-203.0.113.5 tcp dport 22 drop"));
    expect(wanTcpFates(w, 22, 80)).toEqual(["22: dropped", "80: host"]);
  });
});
