/**
 * The zh-TW playground's translation of the core's problems: every known message and hint is one
 * the real parser and ruleset readers print (a reworded English message fails here, not silently
 * on the page), the Chinese words carry the same values, most warnings of the committed traces and
 * fixtures are translated, and an unknown message stays English.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { unlistedNote } from "../../../src/core/parse/trace-parser.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { diagnosticZh, KNOWN_HINTS, KNOWN_MESSAGES } from "../../../src/playground/diagnostics-zh.ts";

const ROOT = join(import.meta.dirname, "../../..");

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, keep);
    return keep(name) ? [path] : [];
  });
}

/** What the real core says about the committed logs and rulesets, and about a few made to say the rarer things. */
function realDiagnostics(): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of [
    ...filesUnder(join(ROOT, "traces"), (n) => n.endsWith(".log")),
    ...filesUnder(join(ROOT, "test/fixtures/parse"), (n) => n === "input.log"),
  ])
    out.push(...parseTraceText(readFileSync(file, "utf8"), { file }).diagnostics);
  for (const file of [
    ...filesUnder(join(ROOT, "traces"), (n) => n.endsWith(".rules")),
    ...filesUnder(join(ROOT, "test/fixtures"), (n) => /\.(rules|nft)$/.test(n)),
  ])
    out.push(...parseRulesetFile(readFileSync(file, "utf8"), file).diagnostics);
  // A LOG line without a prefix, one that lost its last space (a copy from a web page) and a cut list: rare in the committed files.
  out.push(
    ...parseTraceText(
      "[ 1.000000] IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1\n",
    ).diagnostics,
    ...parseTraceText(
      "[ 1.000000] iptable/filter-INPUT: IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1\n",
    ).diagnostics,
    // rsyslog's folding of identical lines (on by default in Debian's rsyslog.conf).
    ...parseTraceText(
      [1, 3]
        .map(
          (n) =>
            `Dec  3 10:00:0${n} host kernel: message repeated ${n} times: [ [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ]\n`,
        )
        .join(""),
    ).diagnostics,
    // JSON records without a packet's words: journalctl -o json without MESSAGE, ulogd's JSON output
    // without IP2STR or of its conntrack input, another tool's JSON.
    ...parseTraceText(
      [
        '{"__CURSOR":"s=1;i=1","__REALTIME_TIMESTAMP":"1796093523958230","_TRANSPORT":"kernel","_HOSTNAME":"gw"}',
        '{"timestamp":"2026-12-03T10:00:00","oob.prefix":"in","oob.in":"eth0","oob.out":"","raw.pktlen":84,"oob.family":2,"ip.protocol":1}',
        '{"timestamp":"2026-12-03T10:00:01","oob.prefix":"in","oob.in":"eth0","oob.out":"","raw.pktlen":84,"oob.family":2,"ip.protocol":1}',
        '{"ct.event":1,"orig.ip.protocol":6}',
        '{"level":"info","msg":"started"}',
      ].join("\n"),
    ).diagnostics,
    // Proxmox VE's pvefw-logger: its full queue, and an IPv6 packet it does not print.
    ...parseTraceText(
      [
        "0 3 - 03/Dec/2026:10:00:00 +0100 skipped 12 log entries (queue full)",
        "101 6 tap101i0-IN 03/Dec/2026:10:00:01 +0100 policy DROP: IN=fwbr101i0 OUT=fwbr101i0 MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:86:dd IPV6 logging not implemented ",
      ].join("\n"),
    ).diagnostics,
    // nft bitmask matches: a value outside the mask, a missing mask or value, a mask or value of the wrong type.
    ...parseRulesetFile(
      [
        "table inet fw {",
        " chain input {",
        "  type filter hook input priority filter;",
        "  ip saddr & 0.0.0.255 == 0.0.1.2 accept",
        "  meta mark & 0xff00 != 0x101 accept",
        "  ip saddr & ::ff == ::1 accept",
        "  tcp dport & 0xff00 == accept",
        "  ip saddr & accept",
        "  tcp dport & 0xff00 == foo accept",
        "  tcp dport { 100-50 } accept",
        " }",
        "}",
      ].join("\n"),
      "bitmask.nft",
    ).diagnostics,
    // An nft -f script: variables, include, a rule placed by handle, a command not modelled.
    ...parseRulesetFile(
      [
        "define LAN = 10.0.0.0/8",
        "define EMPTY",
        "define = 5",
        "undefine NOPE",
        "define LAN = 192.168.1.0/24",
        'include "/etc/nftables.d/*.nft"',
        "table inet fw {",
        " chain input {",
        "  type filter hook input priority filter;",
        "  ip saddr $WAN accept",
        " }",
        "}",
        "add rule inet fw input handle 5 accept",
        "delete rule inet fw input handle 5",
        "add counter inet fw c",
        "list ruleset",
      ].join("\n"),
      "nftables.conf",
    ).diagnostics,
    // iptables-save cut from its header: IPv6 rules only, or one among IPv4 rules.
    ...parseRulesetFile(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s fd00::1/128 -j ACCEPT\nCOMMIT\n",
      "v6.rules",
    ).diagnostics,
    ...parseRulesetFile(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.1/32 -j ACCEPT\n-A INPUT -s fd00::1/128 -j ACCEPT\nCOMMIT\n",
      "mixed.rules",
    ).diagnostics,
    unlistedNote(12, { file: "-", line: 9, column: 1 }),
  );
  return out;
}

const real = realDiagnostics();

describe("the zh-TW playground's translation of problems", () => {
  it.each(KNOWN_MESSAGES.map((k) => k.code))("knows %s as the core prints it", (code) => {
    const translated = real.filter((d) => diagnosticZh(d)?.code === code);
    expect(translated.length, `no real diagnostic is translated as ${code}`).toBeGreaterThan(0);
    for (const d of translated) {
      const zh = diagnosticZh(d);
      // Every value quoted in the English ('[raw-pre]', '-m limit ...', counts) is in the Chinese too; an
      // apostrophe after a letter (the packet's fields) opens no quote.
      for (const value of [...d.message.matchAll(/(?<![A-Za-z])'([^']*)'|\b(\d+)\b/g)].map(
        (m) => m[1] ?? m[2],
      ))
        expect(zh?.message, d.message).toContain(value);
      expect(zh?.message).toMatch(/^(警告|錯誤)：/);
      // No English sentence left in it.
      expect(zh?.message.replace(/'[^']*'/g, "")).not.toMatch(/\b(is|the|which|not|here|was)\b/);
    }
  });

  it("knows only hints the core gives, each in Chinese", () => {
    const given = new Set(real.map((d) => d.hint));
    for (const [english, zh] of KNOWN_HINTS) {
      expect(given.has(english), `no real diagnostic has the hint "${english}"`).toBe(true);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("translates nearly every warning of the committed traces and fixtures, message and hint", () => {
    const warnings = real.filter((d) => d.severity === "warning");
    const whole = warnings.filter((d) => {
      const zh = diagnosticZh(d);
      return zh && (d.hint === undefined || zh.hint !== undefined);
    });
    expect(warnings.length).toBeGreaterThan(100);
    expect(whole.length / warnings.length).toBeGreaterThan(0.9);
  });

  it("leaves a message it does not know in English", () => {
    expect(
      diagnosticZh({
        severity: "error",
        message: "something new went wrong",
        position: { file: "-", line: 1, column: 1 },
      }),
    ).toBeUndefined();
  });

  it("keeps an unknown hint out (the English one stays) but translates the message", () => {
    const zh = diagnosticZh({
      severity: "warning",
      message: "match '-m foo' is not modelled",
      hint: "a hint nobody translated",
      position: { file: "-", line: 1, column: 1 },
    });
    expect(zh).toEqual({ code: "not-modelled", message: "警告：比對條件 '-m foo' 不在模擬範圍內" });
  });
});
