/**
 * The connection's protocol, family and helper beyond what the recorded fixture shows
 * (test/fixtures/simulate/ct-protocol-helper, kernel 6.18): their explanations in both languages, a
 * ruleset that assigns helpers leaving nft's `ct helper` undecided, and xt_helper in a listing of LOG
 * lines, decided where the line's connection state says it has no master.
 */
import { describe, expect, it } from "vitest";
import { logStepMatches } from "../../../src/core/listing/log-step-matches.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

describe("explained", () => {
  it("says that a connection no helper expected ends an nft helper compare, negated or not", () => {
    const note = explainNftRule('ct helper != "sip" drop');
    expect(note.en).toMatch(
      /^the helper that expected its connection is not sip \(a packet without a connection, or whose connection no helper expected, .* ends the rule at 'ct helper': no match, negated or not/,
    );
    expect(note["zh-TW"]).toContain("預期這條連線的 helper 不是 sip");
    expect(explainNftRule("ct original protocol 6 drop").en).toMatch(/^the protocol of its connection is 6/);
  });

  it("says what iptables' --ctproto and -m helper test", () => {
    expect(explainRule("-A INPUT -m conntrack ! --ctproto 17 -j DROP").en).toBe(
      "if its connection's protocol is not udp, drop the packet silently",
    );
    const helper = explainRule("-A INPUT -m helper --helper ftp -j ACCEPT");
    expect(helper.unknown).toEqual([]);
    expect(helper.en).toContain("its connection is one that helper ftp expected");
    expect(helper["zh-TW"]).toContain("連線是 helper ftp 預期的連線");
  });
});

describe("a ruleset that assigns helpers", () => {
  it("still ends nft's ct helper on the control connection it gave one: the helper is read from the master", () => {
    const filter =
      '\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tct helper != "sip" drop\n\t}\n';
    const fates = (text: string) => {
      const run = runScenario(textWorld(text), { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 21 });
      return run.packets.map((p) => [p.fate.kind, p.unmodelled.length]);
    };
    expect(fates(`table inet t {\n${filter}}\n`)[0]).toEqual(["delivered", 0]);
    const assigned = `table inet t {\n\tct helper h1 {\n\t\ttype "ftp" protocol tcp\n\t}\n\tchain pre {\n\t\ttype filter hook prerouting priority filter; policy accept;\n\t\ttcp dport 21 ct helper set "h1"\n\t}\n${filter}}\n`;
    expect(fates(assigned)[0]).toEqual(["delivered", 0]);
  });

  it("leaves the negated compare of an iptables-nft table undecided, untracked packets too, and reads the other as nft's", () => {
    const table = (rules: string) =>
      `table ip raw {\n\tchain PREROUTING {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tudp dport 53 notrack\n\t}\n}\ntable ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t\t${rules}\n\t}\n}\n`;
    const run = (text: string, proto: "tcp" | "udp") =>
      runScenario(textWorld(text), {
        from: "wan",
        to: "203.0.113.2",
        proto,
        dport: proto === "udp" ? 53 : 21,
      }).packets[0];
    const negated = table('ct helper != "ftp" drop');
    expect(textWorld(negated).ruleset.diagnostics.map((d) => d.position.column)).toEqual([3]);
    for (const proto of ["tcp", "udp"] as const)
      expect(
        run(negated, proto)?.unmodelled.map((u) => u.what),
        proto,
      ).toEqual(['ct helper != "ftp"']);
    const positive = table('ct helper "ftp" drop');
    expect(textWorld(positive).ruleset.diagnostics).toEqual([]);
    expect(run(positive, "tcp")?.fate.kind).toBe("delivered");
  });
});

describe("xt_helper in a listing of LOG lines", () => {
  const rules = parseRulesetFile(
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m helper --helper ftp -j ACCEPT\n-A INPUT -m helper ! --helper ftp -j ACCEPT\nCOMMIT\n",
    "r.rules",
  );
  const line = (flags: string, id: number, reply = false) =>
    reply
      ? `IN= OUT=eth0 SRC=203.0.113.2 DST=198.51.100.1 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=TCP SPT=21 DPT=40000 WINDOW=64240 RES=0x00 ${flags} URGP=0`
      : `IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=198.51.100.1 DST=203.0.113.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=TCP SPT=40000 DPT=21 WINDOW=64240 RES=0x00 ${flags} URGP=0`;

  /** The rules the INPUT step of each packet of `lines` (an `OUT=` line: the host's reply) matched, with their verdicts. */
  function marks(...lines: string[]): [number, string][][] {
    const text = lines
      .map((l, k) => `[1.${k}] pw/${l.startsWith("IN= ") ? "output" : "input"} ${l} `)
      .join("\n");
    const parsed = parseTraceText(text, {
      prefixMap: { "pw/input": "ip:filter:INPUT", "pw/output": "ip:filter:OUTPUT" },
    });
    return parsed.packets
      .filter((p) => !p.events.some((e) => e.hook === "ip:filter:OUTPUT"))
      .map(
        (p) =>
          logStepMatches(p, rules, parsed.packets)
            .at(-1)
            ?.map((m) => [m.ruleLine, m.verdict] as [number, string]) ?? [],
      );
  }

  it("decides it for a packet of a new connection, which no helper expected, and not for an established one", () => {
    expect(rules.diagnostics).toEqual([]);
    const [syn, ack] = marks(line("SYN", 1), line("ACK SYN", 7, true), line("ACK", 2));
    expect(syn).toEqual([[4, "ACCEPT"]]);
    // An established connection may be one a helper expected (an FTP data connection): undecided.
    expect(ack?.map(([, v]) => v)).toContain("UNKNOWN");
  });
});
