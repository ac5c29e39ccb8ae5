/**
 * `-m policy` and nft's `meta secpath` / `ipsec in|out`: the simulator has no IPsec, so a packet it
 * simulates never has a secpath and is never routed into a transform. Checked on kernel 6.18
 * (iptables-nft 1.8.9, nft 1.0.6): namespaces h1 - r - h2 (198.51.100.2 -> 203.0.113.2), no xfrm
 * state or policy anywhere, bounded pings across r and to r, and the counters (see {@link KERNEL}):
 * every `--pol none` counted the pings, every `--pol ipsec` none, in both directions and every hook that
 * takes one; nft's `meta secpath missing` counted, `exists` and `ipsec in reqid 1` (and `!= 1`: the
 * rule breaks without a transform) did not. iptables refused (RULE_APPEND failed (Invalid argument))
 * `--dir in` in OUTPUT and POSTROUTING and `--dir out` in PREROUTING and INPUT, but took `--dir in` in a
 * user chain jumped to from OUTPUT; it refused a rule without `--dir` ("policy match: neither --dir in nor
 * --dir out specified"), `! --dir` and `! --pol` ("cannot be inverted"), `--next` without `--strict`;
 * without `--pol` it saved `--pol ipsec`. nft printed `meta secpath` as `meta ipsec` (iptables-nft's
 * `--dir in --pol none` as `meta secpath missing`), `nft -j` as `{"meta": {"key": "ipsec"}}` with `true` /
 * `false`, and refused `meta secpath` and `ipsec in` at output and postrouting, `ipsec out` at prerouting.
 */
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario, type ScenarioSpec } from "../../../src/core/simulate/run-scenario.ts";
import { nftJsonChain, textWorld } from "./helpers.ts";

/** What the kernel counted: `table CHAIN rule`, and the packets of the pings (0: none). */
const KERNEL: [rule: string, packets: number][] = [
  ["mangle PREROUTING -p icmp -m policy --dir in --pol none", 3],
  ["mangle PREROUTING -p icmp -m policy --dir in --pol ipsec", 0],
  ["mangle INPUT -p icmp -m policy --dir in --pol none", 1],
  ["mangle INPUT -p icmp -m policy --dir in --pol ipsec", 0],
  ["mangle FORWARD -p icmp -m policy --dir in --pol none", 2],
  ["mangle FORWARD -p icmp -m policy --dir in --pol ipsec", 0],
  ["mangle FORWARD -p icmp -m policy --dir out --pol none", 2],
  ["mangle FORWARD -p icmp -m policy --dir out --pol ipsec", 0],
  ["mangle OUTPUT -p icmp -m policy --dir out --pol none", 1],
  ["mangle OUTPUT -p icmp -m policy --dir out --pol ipsec", 0],
  ["mangle POSTROUTING -p icmp -m policy --dir out --pol none", 3],
  ["mangle POSTROUTING -p icmp -m policy --dir out --pol ipsec", 0],
  [
    "filter FORWARD -p icmp -m policy --dir in --pol ipsec --strict --reqid 1 --proto esp --mode tunnel --tunnel-dst 192.0.2.2 --tunnel-src 192.0.2.1",
    0,
  ],
  ["filter FORWARD -p icmp -m policy --dir in --pol ipsec ! --reqid 1", 0],
];

/** The nft rules the kernel counted the same pings on (inet table, forward chain). */
const KERNEL_NFT: [rule: string, packets: number][] = [
  ["meta l4proto icmp meta ipsec missing", 2],
  ["meta l4proto icmp meta ipsec exists", 0],
  ["meta l4proto icmp ipsec in reqid 1", 0],
  ["meta l4proto icmp ipsec out reqid 1", 0],
  ["meta l4proto icmp ipsec out reqid != 1", 0],
  ["meta l4proto icmp ipsec out spnum 1 ip daddr 192.0.2.2", 0],
  ["meta ipsec != exists", 2],
  ["ipsec in reqid 1-5", 0],
  ["ipsec in reqid { 1, 5 }", 0],
];

/** c1 pinging the internet through the docker-bridge lab's host (PREROUTING, FORWARD, POSTROUTING). */
const FORWARDED: ScenarioSpec = { from: "c1", to: "198.51.100.10", proto: "icmp" };
/** wan pinging the host (PREROUTING, INPUT). */
const RECEIVED: ScenarioSpec = { from: "wan", to: "203.0.113.2", proto: "icmp" };
/** The host pinging wan (OUTPUT, POSTROUTING). */
const SENT: ScenarioSpec = { from: "host", to: "203.0.113.1", proto: "icmp" };

/** An iptables-save of `table` whose chains hold `rules` (`CHAIN rule`), from line 2. */
function save(table: string, rules: string[]): string {
  const chains = [...new Set(rules.map((r) => r.split(" ")[0]))];
  return `*${table}\n${chains.map((c) => `:${c} ACCEPT [0:0]`).join("\n")}\n${rules.map((r) => `-A ${r}`).join("\n")}\nCOMMIT\n`;
}

/** The texts of the rules the first packet of `spec` matched, and what was left undecided. */
function matched(text: string, file: string, spec: ScenarioSpec) {
  const w = textWorld(text, file);
  expect(w.ruleset.diagnostics).toEqual([]);
  const p = runScenario(w, spec).packets[0];
  return {
    rules: p?.events.flatMap((e) => e.steps.filter((s) => s.kind === "rule").map((s) => s.text)) ?? [],
    undecided: p?.unmodelled.map((u) => u.what) ?? [],
  };
}

describe("-m policy on a packet that never came through IPsec", () => {
  const mangle = KERNEL.filter(([r]) => r.startsWith("mangle ")).map(([r]) => r.slice("mangle ".length));
  const text = save("mangle", mangle);
  const none = (chains: string[]) =>
    mangle
      .filter((r) => r.endsWith("--pol none") && chains.includes(r.split(" ")[0] as string))
      .map((r) => `-A ${r}`);

  it("--pol none matches in both directions at every hook the packet crosses, --pol ipsec nowhere", () => {
    expect(matched(text, "t.rules", FORWARDED)).toEqual({
      rules: none(["PREROUTING", "FORWARD", "POSTROUTING"]),
      undecided: [],
    });
    expect(matched(text, "t.rules", RECEIVED)).toEqual({
      rules: none(["PREROUTING", "INPUT"]),
      undecided: [],
    });
    expect(matched(text, "t.rules", SENT)).toEqual({ rules: none(["OUTPUT", "POSTROUTING"]), undecided: [] });
    // The kernel counted every --pol none rule and no --pol ipsec one.
    expect(KERNEL.filter(([, n]) => n > 0).every(([r]) => r.endsWith("--pol none"))).toBe(true);
  });

  it("--pol ipsec with a transform's options never matches, nor with one of them negated", () => {
    const filter = KERNEL.filter(([r]) => r.startsWith("filter ")).map(
      ([r]) => `${r.slice("filter ".length)} -j DROP`,
    );
    const p = runScenario(textWorld(save("filter", filter), "t.rules"), FORWARDED).packets[0];
    expect(p?.fate.kind).not.toBe("dropped");
    expect(p?.unmodelled).toEqual([]);
  });

  it("a DROP behind --pol none is decided and taken", () => {
    const p = runScenario(
      textWorld(save("filter", ["FORWARD -m policy --dir in --pol none -j DROP"]), "t.rules"),
      FORWARDED,
    ).packets[0];
    expect(p).toMatchObject({ fate: { kind: "dropped" }, unmodelled: [] });
  });

  it("reads the condition iptables-save prints, and no --pol as --pol ipsec", () => {
    const conditions = (rule: string) =>
      parseRulesetFile(save("filter", [rule]), "t.rules")
        .ip.tables.get("filter")
        ?.chains.get("FORWARD")?.rules[0]?.conditions;
    expect(conditions("FORWARD -m policy --dir in --pol none -j ACCEPT")).toEqual([
      { kind: "ipsec", dir: "in", neg: true },
    ]);
    expect(
      conditions("FORWARD -m policy --dir out --pol ipsec --strict --reqid 1 --next --spi 7 -j ACCEPT"),
    ).toEqual([{ kind: "ipsec", dir: "out", neg: false }]);
    expect(conditions("FORWARD -m policy --dir in -p tcp -j ACCEPT")).toEqual([
      { kind: "ipsec", dir: "in", neg: false },
      { kind: "proto", proto: "tcp", neg: false },
    ]);
  });
});

describe("what iptables refuses of -m policy", () => {
  /** `line:column message (hint)` of each error of `text`. */
  const errors = (text: string) =>
    parseRulesetFile(text, "t.rules")
      .diagnostics.filter((d) => d.severity === "error")
      .map((d) => `${d.position.line}:${d.position.column} ${d.message} (${d.hint})`);

  it.each([
    ["filter", "OUTPUT", "in"],
    ["mangle", "POSTROUTING", "in"],
    ["filter", "INPUT", "out"],
    ["mangle", "PREROUTING", "out"],
  ])("%s %s --dir %s, at its --dir", (table, chain, dir) => {
    expect(errors(save(table, [`${chain} -p icmp -m policy --dir ${dir} --pol none -j ACCEPT`]))).toEqual([
      `3:${chain.length + 23} -m policy --dir ${dir} is not valid in ${chain}: the kernel refuses it (iptables: "RULE_APPEND failed (Invalid argument)") (write --dir in in PREROUTING and INPUT, --dir out in OUTPUT and POSTROUTING (FORWARD takes both))`,
    ]);
  });

  it("takes --dir in in a user chain, as iptables-nft took one reached from OUTPUT", () => {
    const text =
      "*filter\n:OUTPUT ACCEPT [0:0]\n:UC - [0:0]\n-A OUTPUT -j UC\n-A UC -m policy --dir in --pol none\nCOMMIT\n";
    expect(errors(text)).toEqual([]);
  });

  it("refuses no --dir, another --dir or --pol, a negated --dir or --pol, --next without --strict", () => {
    const rule = (args: string) => errors(save("filter", [`FORWARD -m policy ${args} -j ACCEPT`]));
    expect(rule("--pol none")).toEqual([
      "3:12 -m policy needs --dir in or --dir out (iptables: policy match: neither --dir in nor --dir out specified) (write e.g. -m policy --dir in --pol none)",
    ]);
    expect(rule("--dir both --pol none")).toEqual([
      "3:28 'both' is not a policy direction (write --dir in or --dir out)",
    ]);
    expect(rule("--dir in --pol bogus")).toEqual([
      "3:37 'bogus' is not a policy (write --pol none or --pol ipsec)",
    ]);
    expect(rule("--dir in ! --pol none")).toEqual([
      `3:31 iptables refuses '! --pol': policy: option "--pol" cannot be inverted (--pol none is the negation of --pol ipsec: write that instead)`,
    ]);
    expect(rule("! --dir in --pol none")).toEqual([
      `3:22 iptables refuses '! --dir': policy: option "--dir" cannot be inverted (write --dir in or --dir out)`,
    ]);
    expect(rule("--dir in --pol ipsec --reqid 1 --next --spi 7")).toEqual([
      `3:53 iptables refuses --next without --strict (policy: option "--next" also requires "--strict") (add --strict before the first element's options, or drop --next)`,
    ]);
  });
});

describe("nft's meta secpath and ipsec expressions", () => {
  const rules = (text: string[]) =>
    `table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n${text.map((r) => `\t\t${r} counter\n`).join("")}\t}\n}\n`;

  it("as the kernel counted them: missing matches, exists and every ipsec field do not", () => {
    const r = matched(rules(KERNEL_NFT.map(([x]) => x)), "t.nft", FORWARDED);
    const counted = KERNEL_NFT.filter(([, n]) => n > 0).map(([x]) => `${x} counter`);
    expect(r).toEqual({ rules: counted, undecided: [] });
  });

  it("reads every form nft lists: secpath or ipsec, names, numbers (nft -n), a negation", () => {
    const conditions = (rule: string) =>
      parseRulesetFile(rules([rule]), "t.nft").nft?.[0]?.chains.get("c")?.rules[0]?.conditions;
    for (const missing of [
      "meta secpath missing",
      "meta ipsec missing",
      "meta ipsec 0",
      "meta ipsec != exists",
    ])
      expect(conditions(missing), missing).toEqual([{ kind: "ipsec", dir: "in", neg: true }]);
    for (const exists of [
      "meta secpath exists",
      "meta ipsec exists",
      "meta ipsec 1",
      "meta ipsec != missing",
    ])
      expect(conditions(exists), exists).toEqual([{ kind: "ipsec", dir: "in", neg: false }]);
    expect(conditions("ipsec out spnum 1 ip daddr 192.0.2.2")).toEqual([
      { kind: "ipsec", dir: "out", neg: false, field: "ipsec out spnum 1 ip daddr 192.0.2.2" },
    ]);
    expect(conditions("ipsec in reqid { 1, 5 }")).toEqual([
      { kind: "ipsec", dir: "in", neg: false, field: "ipsec in reqid { 1, 5}" },
    ]);
  });

  it("nft -j's forms read alike, with no warning", () => {
    const ipsec = (key: string, dir: string, extra = {}) => ({ ipsec: { key, dir, spnum: 0, ...extra } });
    const json = nftJsonChain("inet", { type: "filter", hook: "forward", prio: 0 }, [
      [{ match: { op: "==", left: { meta: { key: "ipsec" } }, right: false } }, { counter: null }],
      [{ match: { op: "!=", left: { meta: { key: "ipsec" } }, right: true } }, { counter: null }],
      [{ match: { op: "!=", left: ipsec("reqid", "in"), right: 1 } }, { counter: null }],
      [{ match: { op: "==", left: ipsec("daddr", "out", { family: "ip", spnum: 1 }), right: "192.0.2.2" } }],
    ]);
    const rs = parseRulesetFile(json, "t.json");
    expect(rs.diagnostics).toEqual([]);
    expect(rs.nft?.[0]?.chains.get("c")?.rules.map((r) => [r.text, r.conditions])).toEqual([
      ["meta ipsec missing counter", [{ kind: "ipsec", dir: "in", neg: true }]],
      ["meta ipsec != exists counter", [{ kind: "ipsec", dir: "in", neg: true }]],
      [
        "ipsec in reqid != 1 counter",
        [{ kind: "ipsec", dir: "in", neg: false, field: "ipsec in reqid != 1" }],
      ],
      [
        "ipsec out spnum 1 ip daddr 192.0.2.2",
        [{ kind: "ipsec", dir: "out", neg: false, field: "ipsec out spnum 1 ip daddr 192.0.2.2" }],
      ],
    ]);
  });

  it("iptables-nft's --dir in --pol none, as nft lists it, accepts", () => {
    const text = `table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tmeta secpath missing counter packets 0 bytes 0 accept\n\t}\n}\n`;
    expect(runScenario(textWorld(text, "t.nft"), RECEIVED).packets[0]).toMatchObject({
      fate: { kind: "delivered" },
      unmodelled: [],
    });
  });
});

describe("the rule notes say it in words", () => {
  it("iptables: from or into an IPsec tunnel, with the transform's options", () => {
    const say = (rule: string) => {
      const n = explainRule(rule);
      return [n.en, n["zh-TW"], n.unknown];
    };
    expect(say("-A INPUT -m policy --dir in --pol none -j ACCEPT")).toEqual([
      "if it did not come from an IPsec tunnel, accept the packet (stop checking this table's chains)",
      "如果它不是來自 IPsec 通道，接受封包（不再檢查這個 table 的其他規則）",
      [],
    ]);
    expect(
      say(
        "-A FORWARD -m policy --dir out --pol ipsec --strict --reqid 1 --proto esp ! --mode tunnel -j DROP",
      ),
    ).toEqual([
      "if it will go into an IPsec tunnel (IPsec encrypts it) (IPsec policy: reqid 1, proto esp, mode not tunnel), drop the packet silently",
      "如果它會進入 IPsec 通道（經 IPsec 加密）（IPsec 政策：reqid 1、proto esp、mode 不是 tunnel），直接丟棄封包",
      [],
    ]);
    expect(say("-A OUTPUT -m policy --dir out --pol none -j ACCEPT")[0]).toBe(
      "if it will not go into an IPsec tunnel, accept the packet (stop checking this table's chains)",
    );
    expect(say("-A INPUT -m policy --dir in --pol ipsec -j ACCEPT")[0]).toBe(
      "if it came from an IPsec tunnel (IPsec decrypted it), accept the packet (stop checking this table's chains)",
    );
  });

  it("nft: secpath missing and an ipsec field", () => {
    const m = explainNftRule("meta secpath missing accept");
    expect([m.en, m["zh-TW"], m.unknown]).toEqual([
      "not from an IPsec tunnel (no IPsec decrypted it): accept (ends this base chain only)",
      "不是來自 IPsec 通道（沒有經 IPsec 解密）：接受（只結束這個 base chain）",
      [],
    ]);
    expect(explainNftRule("ipsec in reqid 1 drop").en).toBe(
      "whose IPsec transform matches 'ipsec in reqid 1' (a packet not from or into an IPsec tunnel never matches): drop (final: the packet ends here)",
    );
  });
});
