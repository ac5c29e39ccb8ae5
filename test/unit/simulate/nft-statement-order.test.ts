/**
 * A rule's statements act when nft's left-to-right evaluation reaches them: before a match that then
 * fails, before a map lookup that finds nothing, never after a verdict or a NAT. The kernel's
 * behaviour for the loadable forms is the fixture test/fixtures/simulate/nft-statement-order (nft
 * monitor trace and the log lines of the same run).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { natPreroutingAndInput, preroutingAndInput, textWorld, wanTcpFates } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/nft-statement-order");

/** The fixture's router (wan 203.0.113.1 -> host 203.0.113.2, nas 192.168.1.30 behind br-lan) under `text`. */
const world = (text: string, file = "t.nft"): World => textWorld(text, file, DIR);

const rules = natPreroutingAndInput;
const fates = wanTcpFates;

/** The packets of a TCP connection from the WAN to the router's port `dport`. */
const first = (w: World, dport: number) =>
  runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets;

describe("where a rule's statements are written", () => {
  it("is kept as the number of matches before each (after the target: one more than there are)", () => {
    const text = readFileSync(join(DIR, "nft-list.nft"), "utf8");
    const tables = parseNftRuleset(text).tables;
    const chain = (table: string, name: string) =>
      tables.find((t) => t.name === table)?.chains.get(name)?.rules ?? [];
    const [vmap] = chain("filter", "prerouting");
    // `iifname "eth0" tcp dport vmap { 9997 : continue } meta mark set 0x6`: after the target.
    expect(vmap?.effectAt).toEqual([(vmap?.conditions.length ?? 0) + 1]);
    const input = chain("filter", "input");
    // `log prefix "pw-early " meta mark set 0x7 tcp dport 7000 accept`: both before every match.
    expect(input[3]?.effectAt).toEqual([0, 0]);
    // `tcp dport 7002 ct mark set 0x9 ct mark 0x9 drop`: after the port (proto and dport), before the mark match.
    expect(input[5]?.effectAt).toEqual([2]);
    // `iifname "eth0" tcp dport { 8080, 9998 } meta mark set 0x5 dnat ...`: after every match, the default.
    expect(chain("nat", "prerouting")[0]?.effectAt).toBeUndefined();
  });
});

describe("statements before a match that fails", () => {
  it("act, as the kernel ran them (the recorded fixture's rules: mark, ct mark, log)", () => {
    const w = world(readFileSync(join(DIR, "nft-list.nft"), "utf8"), "nft-list.nft");
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(fates(w, 7000, 7001, 7002, 7003, 7004)).toEqual([
      "7000: host",
      "7001: dropped",
      "7002: dropped",
      "7003: dropped",
      "7004: host",
    ]);
  });

  it("a log statement before the failing match prints its line; the broken rule is not traced", () => {
    const w = world(readFileSync(join(DIR, "nft-list.nft"), "utf8"), "nft-list.nft");
    // The kernel printed `pw-early` for 9999, 7000, 7001, 7002, 7003 and 7004 alike (dmesg of the recorded run).
    for (const port of [9999, 7001, 7004]) {
      const p = first(w, port);
      const lines = toTrace(p.slice(0, 1)).lines.filter((l) => l.includes("pw-early "));
      expect(lines, `port ${port}`).toHaveLength(1);
      expect(lines[0]).toContain(`DPT=${port} `);
      const steps = p[0]?.events.find((e) => e.hook === "ip:filter:input")?.steps ?? [];
      expect(steps.some((s) => s.text.includes("pw-early"))).toBe(false);
    }
  });

  it("a log line prints the mark as it stands when the statement runs, as the kernel's did", () => {
    // Recorded with nft -f and nf_log: pw-entry printed no MARK, pw-after MARK=0x7 (its rule then failed), pw-second MARK=0x9.
    const w = world(
      rules(
        "",
        'log prefix "pw-entry " meta mark set 0x7 log prefix "pw-after " tcp dport 1 accept\n\t\tmeta mark set 0x9 log prefix "pw-second "',
      ),
    );
    const lines = toTrace(first(w, 7010).slice(0, 1)).lines;
    expect(lines.map((l) => [l.match(/\] (\S+) /)?.[1], l.match(/MARK=(\S+)/)?.[1]])).toEqual([
      ["pw-entry", undefined],
      ["pw-after", "0x7"],
      ["pw-second", "0x9"],
    ]);
  });

  it("the mark they set is what a later rule reads, and a match after them in the same rule", () => {
    const w = world(rules("", "meta mark set 0x7 tcp dport 8080 accept\n\t\tmeta mark 0x7 drop"));
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(fates(w, 8080, 9999)).toEqual(["8080: host", "9999: dropped"]);
    // Read in order: the match before the statement sees the packet's own mark, the one after the new one.
    const early = world(rules("", "tcp dport 9999 meta mark 0x7 meta mark set 0x7 drop"));
    const after = world(rules("", "tcp dport 9999 meta mark set 0x7 meta mark 0x7 drop"));
    expect(fates(early, 9999)).toEqual(["9999: host"]);
    expect(fates(after, 9999)).toEqual(["9999: dropped"]);
  });

  it("a statement after a match that fails does not act", () => {
    const w = world(rules("", "tcp dport 8080 meta mark set 0x7 accept\n\t\tmeta mark 0x7 drop"));
    expect(fates(w, 8080, 9999)).toEqual(["8080: host", "9999: host"]);
  });
});

describe("statements after a map lookup or a NAT", () => {
  it("are refused after the NAT, as nft refuses them (nft 1.0.6: at 4:78), and the rule is not walked", () => {
    // nft refuses to load a statement after dnat ('Statement after terminal statement has no effect').
    const w = world(
      rules(
        "tcp dport { 9999, 8080 } dnat to tcp dport map { 8080 : 192.168.1.30 . 80 } meta mark set 0x5",
        "meta mark 0x5 drop",
      ),
    );
    expect(fates(w, 9999, 8080)).toEqual(["9999: host", "8080: host"]);
    expect(
      w.ruleset.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message]),
    ).toEqual([
      [
        "error",
        4,
        79,
        `statement 'meta mark set 0x5' after the rule's verdict or NAT does not act once that is reached: it ends the rule, and nft refuses the rule ("Statement after terminal statement has no effect")`,
      ],
    ]);
  });

  it("act when the verdict map's element is continue, and not when its key finds none", () => {
    const w = world(
      rules("", "tcp dport vmap { 9997 : continue } meta mark set 0x6\n\t\tmeta mark 0x6 drop"),
    );
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(fates(w, 9997, 9999)).toEqual(["9997: dropped", "9999: host"]);
  });

  it("statements before the lookup still act when it finds nothing (the fixture's 9998)", () => {
    const w = world(readFileSync(join(DIR, "nft-list.nft"), "utf8"), "nft-list.nft");
    expect(fates(w, 9998, 8080, 9999, 9997)).toEqual([
      "9998: dropped",
      "8080: nas",
      "9999: host",
      "9997: dropped",
    ]);
  });
});

describe("statements behind a match the simulator cannot decide", () => {
  it("a log between a rate limit and a failing match is printed by chance; the walk stays decided", () => {
    const w = world(rules("", 'limit rate 1/second log prefix "maybe " tcp dport 8080 accept'));
    const p = first(w, 9999);
    expect(p[0]?.fate.kind).toBe("delivered");
    expect(p[0]?.unmodelled ?? []).toEqual([]);
    const logs = p[0]?.events.find((e) => e.hook === "ip:filter:input")?.logs ?? [];
    expect(logs.map((l) => [l.prefix, l.chance])).toEqual([["maybe ", true]]);
  });

  it("a mark set between them leaves the packet's fate undecided, naming the other outcome", () => {
    const w = world(
      rules("", "limit rate 1/second meta mark set 0x5 tcp dport 8080 accept\n\t\tmeta mark 0x5 drop"),
    );
    const p = first(w, 9999)[0];
    const u = p?.unmodelled.find((x) => x.text.includes("limit rate"));
    // Walked as matched (a fresh bucket passes the first packet): marked, then dropped by the next rule.
    expect(p?.fate.kind).toBe("dropped");
    expect(u?.alternatives).toEqual(["if it did not match: ACCEPT"]);
  });

  it("a statement before the undecided match acts either way", () => {
    const w = world(
      rules("", "meta mark set 0x5 limit rate 1/second tcp dport 8080 accept\n\t\tmeta mark 0x5 drop"),
    );
    const p = first(w, 9999)[0];
    expect(p?.fate.kind).toBe("dropped");
    expect(p?.unmodelled ?? []).toEqual([]);
  });
});

/** A raw prerouting chain `pre` and a filter input chain `input`, both in inet tables (policy accept). */
const rawAndInput = (pre: string, input: string) => preroutingAndInput(pre, input, true);

/** The rule `text` as the nft reader reads it (one chain of one inet table). */
const readRule = (text: string) => {
  const r = parseNftRuleset(rawAndInput(text, "")).tables[0]?.chains.get("pre")?.rules[0];
  if (!r) throw new Error(`no rule in ${text}`);
  return r;
};

// The notrack, verdict-map and unknown-mark-set cases below were checked on kernel 6.18 with nft 1.0.6 in a
// throwaway namespace (rule counters): the kernel dropped 9999/9998 after notrack, counted mark 0x6 (not
// 0x8) after the verdict map's continue, let no 9997 packet past a map whose element is drop, and
// dropped 9999 by its mark 0x7 after the unknown set.
describe("statements after one that never ends the rule (notrack, counter)", () => {
  it("act: notrack is not the rule's verdict, and the accept after them is", () => {
    for (const pre of [
      "tcp dport 9999 notrack meta mark set 0x7 accept",
      "tcp dport 9999 notrack counter meta mark set 0x7",
      "tcp dport 9999 notrack counter meta mark set 0x7 accept",
    ]) {
      const w = world(rawAndInput(pre, "meta mark 0x7 drop"));
      expect(fates(w, 9999, 8080), pre).toEqual(["9999: dropped", "8080: host"]);
      // The rule is decided, and the packet untracked after it (modelled: nothing left unsaid).
      expect(first(w, 9999)[0]?.unmodelled ?? [], pre).toEqual([]);
    }
  });

  it("notrack is read as one word: the statement after it is read", () => {
    const r = readRule('tcp dport 9999 notrack log prefix "nt " meta mark set 0x7 accept');
    expect(r.effects).toEqual([
      { kind: "NOTRACK" },
      { kind: "LOG", prefix: "nt " },
      { kind: "MARK", value: 7, mask: 0xffffffff, op: "set" },
    ]);
    expect(r.target).toEqual({ kind: "ACCEPT" });
    // notrack itself is a statement of the rule, in its place (before the log), not a match.
    const nt = readRule("tcp dport 9999 notrack meta mark set 0x7");
    expect([nt.effects, nt.effectAt, nt.conditions.map((c) => c.kind)]).toEqual([
      [{ kind: "NOTRACK" }, { kind: "MARK", value: 7, mask: 0xffffffff, op: "set" }],
      undefined,
      ["proto", "dport"],
    ]);
    const w = world(rawAndInput("tcp dport 9999 notrack meta mark set 0x7", ""));
    expect(w.ruleset.diagnostics).toEqual([]);
  });

  it("a second verdict after a first is refused where it is written, as nft refuses it (nft 1.0.6: at its column)", () => {
    const w = world(rules("", "tcp dport 9999 drop accept"));
    // The refused rule is not walked: the input policy accepts.
    expect(fates(w, 9999)).toEqual(["9999: host"]);
    expect(
      w.ruleset.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message]),
    ).toEqual([
      [
        "error",
        10,
        23,
        `'accept' after the rule's verdict or NAT does not act: the first one ends the rule, and nft refuses the rule ("Statement after terminal statement has no effect")`,
      ],
    ]);
  });
});

describe("matches and statements after a verdict map", () => {
  it("are read after the map's element, and only when it is continue", () => {
    // Kernel: continue, the mark becomes 0x6, `ip saddr` fails and the rule breaks with mark 0x6.
    const rule = "tcp dport vmap { 9999 : continue } meta mark set 0x6 ip saddr 192.0.2.1 meta mark set 0x8";
    expect(fates(world(rules("", `${rule}\n\t\tmeta mark 0x6 drop`)), 9999, 9998)).toEqual([
      "9999: dropped",
      "9998: host",
    ]);
    expect(fates(world(rules("", `${rule}\n\t\tmeta mark 0x8 drop`)), 9999)).toEqual(["9999: host"]);
    // The lab's wan is 203.0.113.1: the match holds and the second set runs.
    const holds = rule.replace("192.0.2.1", "203.0.113.1");
    expect(fates(world(rules("", `${holds}\n\t\tmeta mark 0x8 drop`)), 9999)).toEqual(["9999: dropped"]);
    // No match before the map (its key brings none), the set after it: one more than the matches before each.
    const read = readRule(rule);
    expect([read.targetAt, read.effectAt]).toEqual([0, [1, 2]]);
  });

  it("a verdict element ends the rule there; a verdict written after the map acts only past continue", () => {
    const map = "tcp dport vmap { 9999 : drop, 9998 : continue, 9997 : accept }";
    const w = world(rules("", `${map} ip saddr 203.0.113.1 accept\n\t\tdrop`));
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(fates(w, 9999, 9998, 9997, 9996)).toEqual([
      "9999: dropped",
      "9998: host",
      "9997: host",
      "9996: dropped",
    ]);
    const other = world(rules("", `${map} ip saddr 192.0.2.1 accept\n\t\tdrop`));
    expect(fates(other, 9999, 9998, 9997)).toEqual(["9999: dropped", "9998: dropped", "9997: host"]);
  });
});

describe("a second map written after a verdict map's continue", () => {
  it("a verdict map decides by its own element; the statements after it act only past its continue", () => {
    const w = world(rules("", "tcp dport vmap { 9999 : continue } ip saddr vmap { 203.0.113.1 : drop }"));
    expect(fates(w, 9999, 9998)).toEqual(["9999: dropped", "9998: host"]);
    // Its key finds no element: the rule breaks there.
    const miss = world(rules("", "tcp dport vmap { 9999 : continue } ip saddr vmap { 192.0.2.1 : drop }"));
    expect(fates(miss, 9999)).toEqual(["9999: host"]);
    const past = (saddr: string) =>
      world(
        rules(
          "",
          `tcp dport vmap { 9999 : continue } ip saddr vmap { ${saddr} : continue } meta mark set 0x8\n\t\tmeta mark 0x8 drop`,
        ),
      );
    expect(fates(past("203.0.113.1"), 9999)).toEqual(["9999: dropped"]);
    expect(fates(past("192.0.2.1"), 9999)).toEqual(["9999: host"]);
    // A statement written before the second map acts even when its key finds nothing.
    const early = world(
      rules(
        "",
        "tcp dport vmap { 9999 : continue } meta mark set 0x6 ip saddr vmap { 192.0.2.1 : continue } meta mark set 0x8\n\t\tmeta mark 0x6 drop",
      ),
    );
    expect(fates(early, 9999)).toEqual(["9999: dropped"]);
  });

  it("a NAT map NATs by its element (nat prerouting)", () => {
    const w = world(
      rules("tcp dport vmap { 9999 : continue } dnat to tcp dport map { 9999 : 192.168.1.30 }", ""),
    );
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(fates(w, 9999, 9998)).toEqual(["9999: nas", "9998: host"]);
  });

  it("a pick (numgen random) is not followed: the rule is said undecided where it stands", () => {
    const pick = "numgen random mod 2 vmap { 0 : drop, 1 : accept }";
    const w = world(rules("", `tcp dport vmap { 9999 : continue } ${pick}`));
    const p = first(w, 9999)[0];
    const input = p?.events.find((e) => e.hook === "ip:filter:input");
    expect(input?.steps.map((s) => [s.verdict, s.unmodelled])).toEqual([
      ["UNKNOWN", true],
      ["ACCEPT", undefined],
    ]);
    expect(p?.unmodelled.map((u) => u.what)).toEqual(["numgen random mod 2 vmap { 0 : drop, 1 : accept}"]);
  });
});

describe("an unmodelled statement that acts, written after a verdict map's continue", () => {
  it("lets the rule go on to its verdict, the statements after it acting", () => {
    const rule = "tcp dport vmap { 9999 : continue } notrack meta mark set 0x5 accept";
    // Accepted with mark 0x5: the filter lets only that pass; a rule broken here would meet the raw drop.
    const w = world(rawAndInput(`${rule}\n\t\tdrop`, "meta mark 0x5 accept\n\t\tdrop"));
    expect(fates(w, 9999)).toEqual(["9999: host"]);
    const p = first(w, 9999)[0];
    const raw = p?.events.find((e) => e.hook === "ip:raw:pre");
    expect(raw?.steps.map((s) => s.verdict)).toEqual(["ACCEPT"]);
    // notrack is modelled, after the map as before the target: nothing is left unsaid.
    expect(p?.unmodelled ?? []).toEqual([]);
  });
});

describe("an unmodelled statement that sets a field (an unknown that acts)", () => {
  it("lets the rule go on: the statements after it act, and a later whole set makes the mark known", () => {
    const w = world(
      rules(
        "",
        "meta mark set ct mark and 0xff meta mark set 0x7 tcp dport 8080 accept\n\t\tmeta mark 0x7 drop",
      ),
    );
    const p = first(w, 9999)[0];
    expect(p?.fate.kind).toBe("dropped");
    expect(p?.unmodelled ?? []).toEqual([]);
    expect(fates(w, 8080)).toEqual(["8080: host"]);
    // The connection's whole mark copied makes it known too (a new connection's is 0).
    const copied = world(rules("", "meta mark set ct mark and 0xff meta mark set ct mark meta mark 0 drop"));
    expect(fates(copied, 9999)).toEqual(["9999: dropped"]);
    expect(first(copied, 9999)[0]?.unmodelled ?? []).toEqual([]);
  });

  it("a statement that never decides (ct zone set) lets the statements after it act", () => {
    const w = world(
      rawAndInput("tcp dport 9999 ct zone set 1 meta mark set 0x7 accept", "meta mark 0x7 drop"),
    );
    expect(fates(w, 9999, 8080)).toEqual(["9999: dropped", "8080: host"]);
  });

  it("a match on the mark it left unknown is undecided, in its rule and in the rules after it", () => {
    const read = world(rules("", "meta mark set ct mark and 0xff meta mark 0x7 drop"));
    const u = first(read, 9999)[0]?.unmodelled ?? [];
    expect(u.map((x) => x.what)).toEqual(["meta mark set ct mark and 0xff"]);
    const left = world(
      rules("", "meta mark set ct mark and 0xff tcp dport 8080 accept\n\t\tmeta mark 0x7 drop"),
    );
    const p = first(left, 9999)[0];
    expect(p?.fate.kind).toBe("delivered");
    // The next rule reads the mark the broken rule's statement left unknown: undecided too, with why.
    expect((p?.unmodelled ?? []).map((x) => x.what)).toEqual([
      "meta mark set ct mark and 0xff",
      "mark (the mark was last changed by a rule that is not modelled (line 10: meta mark set ct mark and 0xff), so the mark match is left undecided, not guessed)",
    ]);
  });
});

describe("a LOG rule after an iptables MARK", () => {
  it("prints the mark the MARK rule set (nf_log prints the packet's current mark)", () => {
    const w = textWorld(
      `*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp --dport 9999 -j MARK --set-mark 0x7
-A INPUT -p tcp --dport 9999 -j LOG --log-prefix "after-mark "
COMMIT
`,
      "t.rules",
      DIR,
    );
    const lines = toTrace(first(w, 9999).slice(0, 1)).lines.filter((l) => l.includes("after-mark "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ MARK=0x7 /);
  });
});
