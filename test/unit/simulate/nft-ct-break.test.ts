/**
 * nftables' break on a packet without a connection: nft_ct's load of any key but `state` ends the rule
 * there (NFT_BREAK), the statements written before it having acted, nothing after it running. Checked on
 * kernel 6.18 with counters before and after each expression: the whole ruleset, with how it was checked,
 * is the fixture test/fixtures/simulate/nft-ct-break. Here: the walk's break point (what acts, what does
 * not, the note that says why), on a packet met before conntrack's lookup (priority raw) or untracked by
 * `notrack`, against the same rules on a tracked packet; and the rule notes in both languages.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { ctLoadWords } from "../../../src/core/simulate/ct-break.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { preroutingAndInput, textWorld, wanTcpFates } from "./helpers.ts";

const FIXTURE = join(import.meta.dirname, "../../fixtures/simulate/nft-ct-break");

/** Rules `raw` in a chain at priority raw (before conntrack), `input` in filter input; port 7100 left tracked. */
function world(raw: string, input: string) {
  return textWorld(preroutingAndInput(`tcp dport 7101-7199 notrack\n\t\t${raw}`, input, true));
}

/** The first packet from the WAN to the host's TCP port `dport`. */
function first(raw: string, input: string, dport: number) {
  return runScenario(world(raw, input), { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets[0];
}

describe("a rule that loads a connection value of a packet without a connection", () => {
  it("breaks at `meta mark set ct mark`: the mark set before it stays, the accept after it never runs", () => {
    // Priority raw: conntrack has not looked the packet up yet (kernel: dropped by the next rule).
    const raw =
      "tcp dport 7000 meta mark set 0x00000005 meta mark set ct mark accept\n\t\ttcp dport 7000 meta mark 0x00000005 drop";
    const p = first(raw, "", 7000);
    expect(p?.fate).toMatchObject({ kind: "dropped", hook: "ip:raw:pre" });
    expect(p?.fate.kind === "dropped" && p.fate.reason).toContain("meta mark 0x00000005 drop");
    expect(p?.notes).toEqual([
      "rule at line 5 of t.nft (ip:raw:pre, chain pre: tcp dport 7000 meta mark set 0x00000005 meta mark set ct mark accept) abandoned at 'ct mark': the packet has no connection (untracked, not looked up by conntrack yet, invalid, or given only a zone template), so the rule did not match and nothing written after 'ct mark' ran; the statements before it had acted",
    ]);
    expect(p?.unmodelled).toEqual([]);
  });

  it("copies the mark and accepts for a tracked packet (the same rule after conntrack's lookup)", () => {
    const input =
      "tcp dport 7100 meta mark set 0x00000007 meta mark set ct mark accept\n\t\ttcp dport 7100 drop";
    const p = first("", input, 7100);
    expect(p?.fate).toMatchObject({ kind: "delivered" });
    // The connection's mark (0) replaced the 0x7 set before it.
    expect(p?.received?.mark).toBe(0);
    expect(p?.notes).toEqual([]);
  });

  it("breaks an untracked packet's rule the same way later on, and no statement after the break acts", () => {
    const input = [
      "tcp dport 7104 meta mark set 0x00000007 meta mark set ct mark accept",
      "tcp dport 7104 meta mark 0x00000007 drop",
      // Written after the break: neither the mark nor the log happens.
      'tcp dport 7105 meta mark set ct mark meta mark set 0x00000009 log prefix "after "',
      "tcp dport 7105 meta mark 0x00000009 drop",
    ].join("\n\t\t");
    expect(wanTcpFates(world("", input), 7104, 7105)).toEqual(["7104: dropped", "7105: host"]);
    const p = first("", input, 7105);
    expect(p?.events.flatMap((e) => e.logs ?? [])).toEqual([]);
    expect(p?.received?.mark).toBe(0);
  });

  it("does not match `ct mark != 5` nor `ct mark != { 1, 2 }` (negated, yet the rule breaks)", () => {
    const input = [
      "tcp dport 7102 ct mark != 0x00000005 drop",
      "tcp dport { 7100, 7103 } ct mark != { 0x00000001, 0x00000002 } drop",
    ].join("\n\t\t");
    expect(wanTcpFates(world("", input), 7102, 7103, 7100)).toEqual([
      "7102: host",
      "7103: host",
      // Tracked, its connection's mark 0 is neither: dropped.
      "7100: dropped",
    ]);
    expect(first("", input, 7103)?.notes).toEqual([expect.stringContaining("abandoned at 'ct mark'")]);
  });

  it("decides the ct keys it does not model (`ct bytes`, `ct direction`, ...) for an untracked packet only", () => {
    const input = [
      "tcp dport { 7100, 7105 } ct bytes != 1000 drop",
      "tcp dport 7106 ct direction != reply drop",
      "tcp dport 7107 ct status != dnat drop",
      "tcp dport 7108 ct original ip saddr != 192.0.2.1 drop",
    ].join("\n\t\t");
    const w = world("", input);
    expect(wanTcpFates(w, 7105, 7106, 7107, 7108)).toEqual([
      "7105: host",
      "7106: host",
      "7107: host",
      "7108: host",
    ]);
    for (const dport of [7105, 7106, 7107, 7108]) {
      const p = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets[0];
      expect(p?.unmodelled, String(dport)).toEqual([]);
    }
    // A tracked packet has byte counters the model does not keep: still undecided.
    const tracked = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 7100 }).packets[0];
    expect(tracked?.unmodelled.map((u) => u.what)).toEqual(["ct bytes != 1000"]);
  });

  it("breaks at a statement that loads the connection's mark, and at a map keyed on it", () => {
    const input = [
      "tcp dport 7112 ct mark set ct mark | 0x00000001 accept",
      "tcp dport 7112 drop",
      "tcp dport 7113 ct mark vmap { 0x00000000 : accept }",
      "tcp dport 7113 drop",
      // After a verdict map's continue: the same load, the rule abandoned there.
      "tcp dport vmap { 7114 : continue } meta mark set ct mark accept",
      "tcp dport 7114 drop",
    ].join("\n\t\t");
    expect(wanTcpFates(world("", input), 7112, 7113, 7114)).toEqual([
      "7112: dropped",
      "7113: dropped",
      "7114: dropped",
    ]);
    expect(first("", input, 7114)?.notes).toEqual([expect.stringContaining("abandoned at 'ct mark'")]);
  });

  it("goes on past `ct mark set 0x9`, `ct mark set meta mark` and `ct state`, which load nothing from the connection", () => {
    const input = [
      "tcp dport 7114 ct mark set 0x00000009 accept",
      "tcp dport 7115 ct mark set meta mark accept",
      "tcp dport 7116 ct state untracked accept",
      "tcp dport 7114-7116 drop",
    ].join("\n\t\t");
    expect(wanTcpFates(world("", input), 7114, 7115, 7116)).toEqual([
      "7114: host",
      "7115: host",
      "7116: host",
    ]);
  });

  it("breaks after a zone template too (the template is no connection)", () => {
    const raw = [
      "tcp dport 7000 ct zone set 1",
      "tcp dport 7000 meta mark set 0x00000003 meta mark set ct mark accept",
      "tcp dport 7000 drop",
    ].join("\n\t\t");
    expect(first(raw, "", 7000)?.fate).toMatchObject({ kind: "dropped", hook: "ip:raw:pre" });
  });
});

describe("iptables' matches on a packet without a connection (xt_connmark, xt_conntrack)", () => {
  /** The fixture's iptables-nft rules (raw notrack of 7130-7139), as iptables-nft-save printed them. */
  const ipt = textWorld(
    readFileSync(join(FIXTURE, "iptables-nft-save.rules"), "utf8"),
    "iptables-nft-save.rules",
    FIXTURE,
  );

  it("fail -m connmark whatever its `!`, and decide -m conntrack by --ctstate alone", () => {
    expect(wanTcpFates(ipt, 7130, 7131, 7132, 7133, 7134, 7135, 7136)).toEqual([
      // `! --mark 0x5` and `--mark 0x0` fail.
      "7130: host",
      // `! --ctstate NEW`: untracked is not new.
      "7131: dropped",
      // `! --ctstatus ASSURED`, `--ctdir ORIGINAL` alone fail.
      "7132: host",
      // With `--ctstate UNTRACKED` in the same match, the state decides: `! --ctstatus ASSURED` passes.
      "7133: dropped",
      "7134: host",
      "7135: host",
      // So does `--ctorigsrc 192.0.2.1` for a packet from 203.0.113.1.
      "7136: dropped",
    ]);
    for (const dport of [7132, 7133, 7134]) {
      const p = runScenario(ipt, { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets[0];
      expect(p?.unmodelled, String(dport)).toEqual([]);
    }
  });

  it("decides --ctstatus for a tracked packet (a SYN is not assured), and --ctorigsrc by the tuple", () => {
    const rules = (line: string) =>
      textWorld(`*filter\n:INPUT ACCEPT [0:0]\n${line}\nCOMMIT\n`, "t.rules", FIXTURE);
    const status = runScenario(
      rules("-A INPUT -p tcp -m conntrack --ctstate NEW ! --ctstatus ASSURED -j DROP"),
      { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 7000 },
    ).packets[0];
    expect(status?.unmodelled).toEqual([]);
    expect(status?.fate.kind).toBe("dropped");
    expect(
      wanTcpFates(rules("-A INPUT -p tcp -m conntrack --ctstate NEW --ctorigsrc 192.0.2.1 -j DROP"), 7000),
    ).toEqual(["7000: host"]);
  });

  it("is explained: the state alone decides a packet without a connection", () => {
    const n = explainRule("-A INPUT -p tcp -m conntrack --ctstate UNTRACKED --ctorigsrc 192.0.2.1 -j DROP");
    expect(n.en).toContain(
      "the connection's original source (before NAT) is 192.0.2.1 (a packet without a connection has no tuple: it matches on the state alone)",
    );
    expect(n["zh-TW"]).toContain("（沒有連線的封包沒有 tuple，只要狀態符合就算符合）");
    // A state no packet without a connection has (DNAT): nothing to add.
    expect(
      explainRule("-A FORWARD -m conntrack --ctstate DNAT --ctorigdstport 8080 -j ACCEPT").en,
    ).not.toContain("without a connection");
  });
});

describe("iptables-nft's conntrack matches as nft lists them", () => {
  /**
   * The fixture's iptables-nft tables as `nft list ruleset` printed them after record.sh (kernel 6.18, nft
   * 1.1): xt_conntrack's options translated, `--ctorigsrc` as `ct original saddr` (a native expression is
   * listed `ct original ip saddr`), `! --ctstatus` as `ct status ! assured` and `! --ctstate` as `ct state
   * ! new` (native: `!=`).
   */
  const listed = textWorld(
    `table ip raw {
\tchain PREROUTING {
\t\ttype filter hook prerouting priority raw; policy accept;
\t\ttcp dport 7130-7139 counter packets 7 bytes 420 notrack
\t}
}
table ip filter {
\tchain INPUT {
\t\ttype filter hook input priority filter; policy accept;
\t\ttcp dport 7131 ct state ! new counter packets 1 bytes 60 drop
\t\ttcp dport 7132 ct status ! assured counter packets 0 bytes 0 drop
\t\ttcp dport 7133 ct state untracked ct status ! assured counter packets 1 bytes 60 drop
\t\ttcp dport 7136 ct state untracked ct original saddr 192.0.2.1 counter packets 1 bytes 60 drop
\t\ttcp dport 7137 ct original saddr 192.0.2.1 counter packets 0 bytes 0 drop
\t}
}
`,
    "iptables-nft-list.nft",
    FIXTURE,
  );

  it("are xt_conntrack, not nft_ct: decided by the state alone, no rule abandoned (the kernel's counters)", () => {
    // 7133 and 7136 counted and dropped the untracked packet; 7132 did not (no state in its match). 7137,
    // not in the capture: a tuple with no state in its match fails, as 7132's status did.
    // Read without an error (`ct state ! new` was "'!' is not a conntrack state") or a warning.
    expect(listed.ruleset.diagnostics.map((d) => d.message)).toEqual([]);
    expect(wanTcpFates(listed, 7131, 7132, 7133, 7136, 7137)).toEqual([
      // `! --ctstate NEW`, listed `ct state ! new`: untracked is not new.
      "7131: dropped",
      "7132: host",
      "7133: dropped",
      "7136: dropped",
      "7137: host",
    ]);
    for (const dport of [7131, 7132, 7133, 7136, 7137]) {
      const p = runScenario(listed, { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets[0];
      expect(p?.notes, String(dport)).toEqual([]);
      expect(p?.unmodelled, String(dport)).toEqual([]);
    }
  });
});

describe("the ct expressions that load a value", () => {
  it("are every ct key but state and count, never the head of a set statement", () => {
    expect(ctLoadWords('ct helper != "ftp"')).toBe("ct helper");
    expect(ctLoadWords("ct original ip saddr 192.0.2.1")).toBe("ct original ip saddr");
    expect(ctLoadWords("meta mark set ct mark and 0xff")).toBe("ct mark");
    expect(ctLoadWords("ct mark set ct mark and 0xff")).toBe("ct mark");
    expect(ctLoadWords("ct mark set meta mark and 0xff")).toBeUndefined();
    expect(ctLoadWords('ct helper set "ftp"')).toBeUndefined();
    // nft -j's `{"ct helper": "helper-ftp"}` (firewalld) is that statement.
    expect(ctLoadWords("ct helper (json)")).toBeUndefined();
    expect(ctLoadWords("ct count over 2")).toBeUndefined();
    expect(ctLoadWords("ct state new")).toBeUndefined();
  });
});

describe("the rule notes", () => {
  it("say where a packet without a connection ends the rule, in English and Chinese", () => {
    const n = explainNftRule("meta mark set ct mark accept");
    expect(n.en).toBe(
      "every packet: copy its connection's mark to it (a packet without a connection, e.g. untracked, ends the rule at 'ct mark': no match, nothing after it runs), then accept (ends this base chain only)",
    );
    expect(n["zh-TW"]).toBe(
      "所有封包：把連線的 mark 複製給它（沒有連線的封包（例如未追蹤）在「ct mark」就結束這條規則：不符合，之後的都不執行），然後接受（只結束這個 base chain）",
    );
    expect(explainNftRule("ct mark != { 0x1, 0x2 } drop").en).toBe(
      "the connection's mark is none of 0x1, 0x2 (a packet without a connection, e.g. untracked, ends the rule at 'ct mark': no match, nothing after it runs): drop (final: the packet ends here)",
    );
    // An unexplained expression is named with it.
    expect(explainNftRule("ct bytes != 1000 drop")["zh-TW"]).toContain(
      "（運算式「ct bytes != 1000」：packetwalk 未說明（沒有連線的封包（例如未追蹤）在「ct bytes」就結束這條規則",
    );
  });

  it("say it once, at the first load, and not for rules that load nothing from the connection", () => {
    const twice = explainNftRule("ct mark 0x1 meta mark set ct mark accept").en;
    expect(twice.match(/without a connection/g)).toHaveLength(1);
    expect(twice).toContain("whose connection's mark is 0x1 (a packet without a connection");
    for (const r of ["ct mark set 0x5 accept", "ct mark set meta mark", "ct state established accept"])
      expect(explainNftRule(r).en, r).not.toContain("without a connection");
  });

  it("say that iptables' connmark match never matches a packet without a connection, `!` or not", () => {
    const n = explainRule("-A INPUT -m connmark ! --mark 0x5 -j DROP");
    expect(n.en).toBe(
      "if the connection's mark is not 0x5 (a packet without a connection never matches), drop the packet silently",
    );
    expect(n["zh-TW"]).toBe("如果連線的 mark 不是 0x5（沒有連線的封包一律不符合），直接丟棄封包");
  });
});
