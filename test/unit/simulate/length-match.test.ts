/**
 * `-m length`, nft `meta length`, `ip length` and `ip6 length`, decided on the simulated packet's `len`
 * (the kernel log's `LEN=`: an IPv4 packet's total length, an IPv6 packet's payload length plus its
 * 40-byte header). Checked on kernel 6.18 (iptables-nft 1.8.9, nft 1.0.6): namespaces h1 - r - b - h2
 * (198.51.100.2 -> router -> 203.0.113.2, 2001:db8:1::2 -> 2001:db8:2::2; b bridges r and h2), one
 * `ping -c1 -W1 -s 56` (84 bytes, IPv6 104) and one `-s 1000` (1028 bytes) across, and the counters
 * (request and reply, each counted once per hook; see {@link KERNEL}). xt_length compared the IPv4 total
 * length and the IPv6 payload length + 40; `meta length` the same length at the IP hooks and at the bridge's
 * (98, the length with the Ethernet header, counted nothing); `ip6 length` the payload length (64, not 104).
 * iptables-nft-save printed `--length :100` as `0:100`, `100:` as `100:65535`, `0x54` and `84:84` as `84`,
 * `010` as `8`, `00` as `0`, kept `200:100`, and refused `65536` ("bad value for option "--length" near
 * "65536", or out of range (0-65535)"), `08` and `0x` ("has unexpected characters"); nft took `meta length 70000` and refused `ip length 65536` ("Value 65536 exceeds valid
 * range 0-65535").
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logStepMatches } from "../../../src/core/listing/log-step-matches.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { Condition } from "../../../src/core/simulate/ruleset.ts";
import { runScenario, type ScenarioSpec } from "../../../src/core/simulate/run-scenario.ts";
import { nftJsonChain, textWorld } from "./helpers.ts";

/** The packets each rule counted on the kernel (request and reply of one ping of each size), by hook. */
const KERNEL: Record<string, [rule: string, packets: number][]> = {
  "r iptables FORWARD": [
    ["-p icmp -m length --length 84", 2],
    ["-p icmp -m length --length 0:100", 2],
    ["-p icmp -m length ! --length 85:65535", 2],
    ["-p icmp -m length --length 1028", 2],
    ["-p icmp -m length --length 1000", 0],
  ],
  "r ip6tables FORWARD": [
    ["-p ipv6-icmp -m length --length 104", 2],
    ["-p ipv6-icmp -m length --length 64", 0],
  ],
  "h1 iptables OUTPUT (one 84-byte ping to r too)": [
    ["-p icmp -m length --length 84", 2],
    ["-p icmp -m length --length 1028", 1],
  ],
  "r nft forward": [
    ["meta l4proto icmp meta length 84", 2],
    ["meta l4proto icmp ip length 84", 2],
    ["meta l4proto icmp meta length 80-90", 2],
    ["meta l4proto icmp meta length { 84, 1028 }", 4],
    ["meta l4proto icmp meta length > 1000", 2],
    ["meta l4proto icmp meta length != 84", 2],
    ["meta l4proto ipv6-icmp meta length 104", 2],
    ["meta l4proto ipv6-icmp ip6 length 64", 2],
    ["meta l4proto ipv6-icmp ip6 length 104", 0],
    ["meta l4proto ipv6-icmp ip6 length { 64, 1008 }", 2],
  ],
  "h1 nft output": [
    ["meta l4proto icmp meta length 84", 2],
    ["meta l4proto icmp ip length 84", 2],
    ["meta l4proto icmp meta length 1028", 1],
  ],
  "b nft bridge prerouting, forward, postrouting (the same at each)": [
    ["meta l4proto icmp meta length 84", 2],
    ["meta l4proto icmp meta length 98", 0],
    ["meta l4proto icmp ip length 84", 2],
    ["meta l4proto ipv6-icmp meta length 104", 2],
  ],
};

const IPV6_LAB = join(import.meta.dirname, "../../fixtures/import/ipv6-iptables/expected");

/** c1 (172.17.0.2) pinging the internet through the docker-bridge lab's host: FORWARD. */
const FORWARDED: ScenarioSpec = { from: "c1", to: "198.51.100.10", proto: "icmp" };
/** The same with `ping -s 1000`: 1028 bytes. */
const FORWARDED_1000: ScenarioSpec = {
  ...FORWARDED,
  script: [{ direction: "request", icmpType: 8, len: 1028 }],
};
/** The host pinging wan itself: OUTPUT and POSTROUTING. */
const SENT: ScenarioSpec = { from: "host", to: "203.0.113.1", proto: "icmp" };
/** c1 pinging c2 over docker0: the bridge's hooks. */
const BRIDGED: ScenarioSpec = { from: "c1", to: "172.17.0.3", proto: "icmp" };
/** The IPv6 lab's a1 pinging the internet through its host (ICMPv6, 104 bytes). */
const FORWARDED_V6: ScenarioSpec = { from: "a1", to: "2001:db8:2::10", proto: "icmp" };

/** The lines of the rules the first packet matched, and whether anything was left undecided. */
function matched(text: string, file: string, spec: ScenarioSpec, labDir?: string) {
  const w = textWorld(text, file, labDir);
  expect(w.ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const p = runScenario(w, spec).packets[0];
  return {
    lines: p?.events.flatMap((e) => e.steps.filter((s) => s.kind === "rule").map((s) => s.line)) ?? [],
    undecided: p?.unmodelled.map((u) => u.what) ?? [],
  };
}

/** An iptables-save (`ip6`: with ip6tables-save's header) whose `chain` of `table` holds `rules` (line 3 on, 4 for `ip6`). */
function save(chain: string, rules: string[], table = "filter", ip6 = false): string {
  const header = ip6 ? "# Generated by ip6tables-save v1.8.9 (nf_tables)\n" : "";
  return `${header}*${table}\n:${chain} ACCEPT [0:0]\n${rules.map((r) => `-A ${chain} ${r}`).join("\n")}\nCOMMIT\n`;
}

/** An nft table of `family` with one base chain at `hook` holding `rules` (lines 4 on). */
function nft(family: string, hook: string, rules: string[]): string {
  return `table ${family} t {\n\tchain c {\n\t\ttype filter hook ${hook} priority 0; policy accept;\n${rules.map((r) => `\t\t${r} counter\n`).join("")}\t}\n}\n`;
}

/** The lines (from `first`) of the rules of `counted` the kernel counted a packet of one ping on. */
const countedLines = (counted: [string, number][], first: number) =>
  counted.flatMap(([, n], k) => (n > 0 ? [first + k] : []));

describe("-m length reads the IP length the kernel's xt_length reads", () => {
  const forward = KERNEL["r iptables FORWARD"] as [string, number][];
  it("FORWARD: an 84-byte ping matches 84, 0:100 and ! 85:65535, not 1028 or 1000", () => {
    const text = save(
      "FORWARD",
      forward.map(([r]) => r),
    );
    const r = matched(text, "t.rules", FORWARDED);
    expect(r).toEqual({ lines: [3, 4, 5], undecided: [] });
    // The 1028-byte ping: only --length 1028 (the kernel counted the 1000 one on neither).
    expect(matched(text, "t.rules", FORWARDED_1000)).toEqual({ lines: [6], undecided: [] });
  });

  it("ip6tables FORWARD: an IPv6 ping matches 104 (payload 64 + 40), not 64", () => {
    const text = save(
      "FORWARD",
      (KERNEL["r ip6tables FORWARD"] as [string, number][]).map(([r]) => r),
      "filter",
      true,
    );
    expect(matched(text, "t.rules", FORWARDED_V6, IPV6_LAB)).toEqual({ lines: [4], undecided: [] });
  });

  it("OUTPUT and POSTROUTING: the host's own ping is 84 bytes too", () => {
    const text = save("OUTPUT", ["-p icmp -m length --length 84", "-p icmp -m length --length 1028"]);
    expect(matched(text, "t.rules", SENT)).toEqual({ lines: [3], undecided: [] });
    const post = save("POSTROUTING", ["-p icmp -m length --length 84"], "mangle");
    expect(matched(post, "t.rules", SENT)).toEqual({ lines: [3], undecided: [] });
  });

  it("a DROP behind it is decided: taken for a length in range, passed for one outside", () => {
    const drop = (length: string) =>
      runScenario(
        textWorld(save("FORWARD", [`-p icmp -m length --length ${length} -j DROP`]), "t.rules"),
        FORWARDED,
      ).packets[0];
    expect(drop("0:100")).toMatchObject({ fate: { kind: "dropped" }, unmodelled: [] });
    expect(drop("101:65535")?.fate.kind).not.toBe("dropped");
    expect(drop("101:65535")?.unmodelled).toEqual([]);
  });
});

describe("the forms iptables-nft-save printed, and the one it refused", () => {
  /** The length condition iptables reads `--length value`. */
  const condition = (value: string): Condition | undefined => {
    const rs = parseRulesetFile(save("INPUT", [`-m length --length ${value} -j ACCEPT`]), "t.rules");
    return rs.ip.tables.get("filter")?.chains.get("INPUT")?.rules[0]?.conditions[0];
  };
  it.each([
    [":100", 0, 100],
    ["100:", 100, 65535],
    ["0x54", 84, 84],
    ["84:84", 84, 84],
    ["010", 8, 8],
    ["00", 0, 0],
    ["200:100", 200, 100],
  ])("--length %s is %i to %i", (value, lo, hi) => {
    expect(condition(value)).toEqual({ kind: "length", range: { lo, hi }, neg: false });
  });

  it("200:100 holds no length: a DROP behind it is never taken, its negation always", () => {
    const fate = (rule: string) =>
      runScenario(textWorld(save("FORWARD", [rule]), "t.rules"), FORWARDED).packets[0]?.fate.kind;
    expect(fate("-p icmp -m length --length 200:100 -j DROP")).not.toBe("dropped");
    expect(fate("-p icmp -m length ! --length 200:100 -j DROP")).toBe("dropped");
  });

  it("--length 08 and 0x are errors, as iptables refuses them (not octal, no hex digit)", () => {
    for (const value of ["08", "0x"]) {
      const rs = parseRulesetFile(save("INPUT", [`-m length --length ${value} -j ACCEPT`]), "t.rules");
      expect(rs.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
        `3:29 --length needs a length or a range of lengths from 0 to 65535, not '${value}'`,
      ]);
    }
  });

  it("--length 65536 is an error at its value, as iptables refuses it", () => {
    const rs = parseRulesetFile(save("INPUT", ["-m length --length 65536 -j ACCEPT"]), "t.rules");
    expect(
      rs.diagnostics.map((d) => [d.position.line, d.position.column, d.severity, d.message, d.hint]),
    ).toEqual([
      [
        3,
        29,
        "error",
        "--length needs a length or a range of lengths from 0 to 65535, not '65536'",
        "write e.g. --length 84 or --length 0:100 (iptables refuses a value past 65535)",
      ],
    ]);
  });
});

describe("nft's meta length, ip length and ip6 length", () => {
  const forward = KERNEL["r nft forward"] as [string, number][];
  it("at forward, as the kernel counted an 84-byte ping and an IPv6 one", () => {
    const text = nft(
      "inet",
      "forward",
      forward.map(([r]) => r),
    );
    // The IPv4 rules of the 84-byte ping: 84, ip length 84, 80-90 and the set (lines 4 to 7).
    expect(matched(text, "t.nft", FORWARDED)).toEqual({ lines: [4, 5, 6, 7], undecided: [] });
    // The 1028-byte one: the set, > 1000, != 84 (the kernel's other two counts of 4 and 2).
    expect(matched(text, "t.nft", FORWARDED_1000)).toEqual({ lines: [7, 8, 9], undecided: [] });
    // IPv6: meta length 104 and ip6 length 64 and { 64, 1008 }, not ip6 length 104.
    expect(matched(text, "t.nft", FORWARDED_V6, IPV6_LAB)).toEqual({ lines: [10, 11, 13], undecided: [] });
    // Every rule the kernel counted a packet of on this hook, the simulator matched for some ping.
    expect(countedLines(forward, 4)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 13]);
  });

  it("at output", () => {
    const rules = (KERNEL["h1 nft output"] as [string, number][]).map(([r]) => r);
    expect(matched(nft("ip", "output", rules), "t.nft", SENT)).toEqual({ lines: [4, 5], undecided: [] });
  });

  it("at the bridge's hooks: the IP length, the Ethernet header not counted", () => {
    const rules = (
      KERNEL["b nft bridge prerouting, forward, postrouting (the same at each)"] as [string, number][]
    ).map(([r]) => r);
    for (const hook of ["prerouting", "forward", "postrouting"])
      expect(matched(nft("bridge", hook, rules), "t.nft", BRIDGED), hook).toEqual({
        lines: [4, 6],
        undecided: [],
      });
  });

  it("nft -j's forms read alike", () => {
    const meta = { meta: { key: "length" } };
    const ip6 = { payload: { protocol: "ip6", field: "length" } };
    const json = nftJsonChain("inet", { type: "filter", hook: "forward", prio: 0 }, [
      [{ match: { op: "==", left: meta, right: { range: [80, 90] } } }, { counter: null }],
      [{ match: { op: ">", left: meta, right: 1000 } }, { counter: null }],
      [{ match: { op: "==", left: ip6, right: { set: [64, 1008] } } }, { counter: null }],
    ]);
    const rs = parseRulesetFile(json, "t.json");
    expect(rs.diagnostics).toEqual([]);
    const c = rs.nft?.[0]?.chains.get("c")?.rules.map((r) => r.conditions) ?? [];
    expect(c).toEqual([
      [
        {
          kind: "nft-set",
          key: "meta length",
          elements: [{ kind: "range", lo: "80", hi: "90" }],
          neg: false,
        },
      ],
      [
        {
          kind: "nft-set",
          key: "meta length",
          elements: [{ kind: "range", lo: "1001", hi: "4294967295" }],
          neg: false,
        },
      ],
      [
        {
          kind: "nft-set",
          key: "ip6 length",
          elements: [
            { kind: "value", value: "64" },
            { kind: "value", value: "1008" },
          ],
          neg: false,
        },
      ],
    ]);
  });

  it("a length past the field's width is an error where nft refuses it, and not where it takes it", () => {
    const errors = (rule: string) =>
      parseRulesetFile(nft("ip", "input", [rule]), "t.nft").diagnostics.map(
        (d) => `${d.position.line}:${d.position.column} ${d.message}`,
      );
    expect(errors("meta length 70000")).toEqual([]);
    expect(errors("ip length 65536")).toEqual([
      `4:13 ip length value 65536 exceeds its valid range 0-65535: nft refuses it ("Value 65536 exceeds valid range 0-65535"), and with it the whole file`,
    ]);
    expect(errors("meta length 4294967296")).toEqual([
      `4:15 meta length value 4294967296 exceeds its valid range 0-4294967295: nft refuses it ("Value 4294967296 exceeds valid range 0-4294967295"), and with it the whole file`,
    ]);
  });
});

describe("a listing of recorded lines decides a length match by what the line prints", () => {
  /** The rule lines and verdicts marked at the first step of the first packet of `log`. */
  const marks = (rules: string, file: string, log: string, prefixMap: Record<string, string>) => {
    const parsed = parseTraceText(log, { prefixMap: prefixMap as never });
    const p = parsed.packets[0];
    if (!p) throw new Error("no packet");
    return logStepMatches(p, parseRulesetFile(rules, file), parsed.packets)[0]?.map((m) => [
      m.ruleLine,
      m.verdict,
    ]);
  };

  it("a LOG line's LEN=", () => {
    const log =
      "[1.0] pw/fwd IN=docker0 OUT=eth0 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ";
    const rules = save("FORWARD", [
      "-p icmp -m length --length 85:65535 -j DROP",
      "-p icmp -m length --length 84 -j ACCEPT",
    ]);
    expect(marks(rules, "r.rules", log, { "pw/fwd": "ip:filter:FORWARD" })).toEqual([[4, "ACCEPT"]]);
  });

  it("an ebtables line, which prints none: undecided", () => {
    const log =
      "[1.0] pw/br IN=veth-c1 OUT=veth-c2 MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP SRC=172.17.0.2 IP DST=172.17.0.3, IP tos=0x00, IP proto=1";
    // The counter before the verdict: nft 1.0.6 refuses `drop counter` ("Statement after terminal statement has no effect").
    const rules = nft("bridge", "forward", ["meta length 84 drop"]).replace("drop counter", "counter drop");
    expect(marks(rules, "r.nft", log, { "pw/br": "bridge:t:c" })).toEqual([
      [4, "UNKNOWN"],
      [0, "ACCEPT"],
    ]);
  });
});
