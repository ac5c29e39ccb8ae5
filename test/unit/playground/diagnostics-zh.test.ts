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
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import {
  diagnosticZh,
  KNOWN_HINT_SHAPES,
  KNOWN_HINTS,
  KNOWN_MESSAGES,
} from "../../../src/playground/diagnostics-zh.ts";

const ROOT = join(import.meta.dirname, "../../..");

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, keep);
    return keep(name) ? [path] : [];
  });
}

/** `rule` alone in a chain of an inet table. */
const inChain = (rule: string) => `table inet fw1 {\n\tchain in2 {\n\t\t${rule}\n\t}\n}\n`;
/** `rule` added by a script to a chain of an ip table (a brace it leaves open stays in the rule). */
const added = (rule: string) => `add table ip t1\nadd chain ip t1 in2\nadd rule ip t1 in2 ${rule}\n`;

/**
 * Broken nft rulesets and `nft -f` scripts, each made to draw one of the reader's problems (its
 * tokenizer, variables, blocks, script commands, references and one rule's words). Names hold a digit
 * (`fw1`, `in2`, `s3`) so that the test can tell that the Chinese keeps them.
 */
const BROKEN_NFT: readonly [what: string, text: string][] = [
  ["'!' before a set of tcp flags", inChain("tcp flags ! { syn, ack } drop")],
  ["'!' before a named set of tcp flags", inChain("tcp flags ! @f3 drop")],
  [
    "a '\\' with a space after it",
    "table inet fw1 {\n\tchain in2 {\n\t\ttcp dport 1 \\  \n\t\taccept\n\t}\n}\n",
  ],
  ["a string not closed", 'table inet fw1 {\n\tchain in2 {\n\t\tcomment "abc\n\t}\n}\n'],
  [
    "a variable of a table block used in another table",
    "table inet fw1 {\n\tdefine P7 = 443\n}\ntable inet fw2 {\n\tchain in2 {\n\t\ttcp dport $P7 accept\n\t}\n}\n",
  ],
  ["a variable never defined", inChain("ip saddr $WAN9 accept")],
  ["a '$' without a name", inChain("tcp dport $ accept")],
  ["a define twice", "define P7 = 22\ndefine P7 = 23\n"],
  ["a define without a name", "define\n"],
  ["a redefine without a name", "redefine = 5\n"],
  ["a define without a value", "define X8\n"],
  ["an undefine of no variable", "undefine Z9\n"],
  ["a verdict in a variable", "define J1 = jump other\n"],
  ["a match in a variable", "define M1 = tcp dport 22\n"],
  ["a comment from a variable", `define COM1 = "hello"\n${inChain("counter comment $COM1")}`],
  ["a variable as a rule's map", `define V6 = { 22 : accept }\n${inChain("tcp dport vmap $V6")}`],
  ["no ';' before a '}'", "table inet fw1 { chain in2 { tcp dport 1 accept } }\n"],
  ["no ';' before a chain", "table inet fw1 { chain a1 { } chain b2 { } ; }\n"],
  ["no ';' in an anonymous chain", "table inet fw1 { chain in2 { jump { accept } ; } ; }\n"],
  [
    "an anonymous chain in another",
    'table inet fw1 {\n\tchain in2 {\n\t\tiifname "eth0" jump {\n\t\t\tcounter goto {\n\t\t\t\tcounter\n\t\t\t}\n\t\t}\n\t}\n}\n',
  ],
  ["an anonymous chain not closed", "table inet fw1 {\n\tchain in2 {\n\t\tjump {\n\t\t\tcounter\n"],
  ["a flowtable without a name", "table inet fw1 {\n\tflowtable\n}\n"],
  ["a flowtable not closed", "table inet fw1 {\n\tflowtable ft5 {\n\t\thook ingress priority filter;\n"],
  [
    "a flowtable at another hook",
    "table inet fw1 {\n\tflowtable ft5 {\n\t\thook egress priority filter; devices = { eth0 };\n\t}\n}\n",
  ],
  [
    "a flowtable without devices",
    "table inet fw1 {\n\tflowtable ft5 {\n\t\thook ingress priority filter;\n\t}\n}\n",
  ],
  [
    "elements without braces",
    "table inet fw1 {\n\tset s3 {\n\t\ttype ipv4_addr\n\t\telements = 10.0.0.1\n\t}\n}\n",
  ],
  [
    "a data map's element without data",
    "table inet fw1 {\n\tmap m4 {\n\t\ttype inet_service : ipv4_addr\n\t\telements = { 80 }\n\t}\n}\n",
  ],
  [
    "a verdict map's element without a verdict",
    'table inet fw1 {\n\tmap m4 {\n\t\ttype ifname : verdict\n\t\telements = { "eth0" : bogus }\n\t}\n}\n',
  ],
  ["an element added to no set", "add table ip t1\nadd element ip t1 s3 { 1 }\n"],
  ["a set without a name", "table inet fw1 {\n\tset\n}\n"],
  ["a set without a body", "table inet fw1 {\n\tset s3\n}\n"],
  ["a set not closed", "table inet fw1 {\n\tset s3 {\n\t\ttype ipv4_addr\n"],
  ["a map not closed", "table inet fw1 {\n\tmap m4 {\n\t\ttype ipv4_addr : verdict\n"],
  ["a stray line in a set", "table inet fw1 {\n\tset s3 {\n\t\ttype ipv4_addr\n\t\tbogus 1\n\t}\n}\n"],
  ["a chain without a name", "table inet fw1 {\n\tchain\n}\n"],
  ["a chain without a body", "table inet fw1 {\n\tchain in2\n}\n"],
  ["a chain not closed", "table inet fw1 {\n\tchain in2 {\n\t\taccept\n"],
  [
    "a base chain given another hook",
    "table inet fw1 {\n\tchain in2 {\n\t\ttype filter hook input priority 0;\n\t}\n\tchain in2 {\n\t\ttype filter hook output priority 0;\n\t}\n}\n",
  ],
  [
    "a regular chain made a base chain",
    "add table ip t1\nadd chain ip t1 in2\nadd chain ip t1 in2 { type filter hook input priority 0; }\n",
  ],
  ["a policy nft does not know", inChain("type filter hook input priority 0; policy bogus;")],
  ["a hook nft does not know", inChain("type filter hook nowhere priority 0;")],
  ["a base chain without a priority", inChain("type filter hook input;")],
  ["a priority nft does not know", inChain("type filter hook input priority bogus;")],
  ["a table not closed", "table inet fw1 {\n\tchain in2 {\n\t\taccept\n\t}\n"],
  ["a stray line in a table", "table inet fw1 {\n\tbogus thing\n}\n"],
  ["a rule added to no table", "add rule ip t1 in2 accept\n"],
  ["a command without its table", "flush table\n"],
  ["a command without its table and name", "add chain ip\n"],
  ["a table without a name", "table\n"],
  ["a table without a body", "table ip t1 chain\n"],
  ["a table created twice", "create table ip t1\ncreate table ip t1\n"],
  ["a chain created twice", "add table ip t1\nadd chain ip t1 in2\ncreate chain ip t1 in2\n"],
  ["a command no ruleset holds", "add table ip t1\ninsert table ip t1\n"],
  ["a chain flushed that is not there", "add table ip t1\nflush chain ip t1 c3\n"],
  ["a set flushed that is not there", "add table ip t1\nflush set ip t1 s3\n"],
  ["a map deleted that is not there", "add table ip t1\ndelete map ip t1 m4\n"],
  ["a command not modelled", "add table ip t1\ndelete counter ip t1 c5\n"],
  ["a rule added to no chain", "add table ip t1\nadd rule ip t1 c3 accept\n"],
  ["a rule deleted by its handle", "add table ip t1\nadd chain ip t1 in2\ndelete rule ip t1 in2 handle 3\n"],
  ["a rule placed by a handle", "add table ip t1\nadd chain ip t1 in2\nadd rule ip t1 in2 handle 3 accept\n"],
  [
    "a rule placed in an empty chain",
    "add table ip t1\nadd chain ip t1 in2\nadd rule ip t1 in2 index 5 accept\n",
  ],
  ["a rule placed past the rules", added("tcp dport 1 accept\nadd rule ip t1 in2 index 5 accept")],
  ["a rule command without a rule", "add table ip t1\nadd chain ip t1 in2\nadd rule ip t1 in2\n"],
  ["an include", 'include "/etc/nftables.d/main.nft"\n'],
  ["an include of a pattern", 'include "/etc/nftables.d/*.nft"\n'],
  ["a word outside any table", "bogus\n"],
  ["a jump to no chain", inChain("jump nowhere3")],
  [
    "a map's jump to no chain",
    'table inet fw1 {\n\tmap m4 {\n\t\ttype ifname : verdict\n\t\telements = { "eth0" : jump nowhere3 }\n\t}\n}\n',
  ],
  ["a verdict map that is not there", inChain("iifname vmap @m4")],
  ["a set that is not there", inChain("ip saddr @s3 accept")],
  [
    "a set the rules fill",
    "table inet fw1 {\n\tset s3 {\n\t\ttype ipv4_addr\n\t}\n\tchain in2 {\n\t\tadd @s3 { ip saddr }\n\t\tip saddr @s3 drop\n\t}\n}\n",
  ],
  [
    "a flowtable that is not there, outside forward",
    inChain("type filter hook input priority 0;\n\t\tflow add @ft5"),
  ],
  ["a typographic quote", inChain("accept comment \u201cbad\u201d")],
  ["a NAT map that is not there", inChain("dnat ip to tcp dport map @m4")],
  ["a NAT map's reversed range", inChain("dnat ip to tcp dport map { 80 : 10.0.0.9-10.0.0.1 }")],
  ["a NAT map's port range", inChain("dnat ip to tcp dport map { 81 : 10.0.0.1 . 80-90 }")],
  [
    "a reversed range in a set and a map",
    inChain("tcp dport { 9-1 } accept\n\t\ttcp dport vmap { 100-50 : accept }"),
  ],
  ["a verdict after the verdict", inChain("accept drop")],
  ["a statement after the verdict", inChain("accept meta mark set 1")],
  ["a key without a value", inChain("iifname")],
  ["a vmap without a map", inChain("oifname vmap")],
  ["an anonymous set not closed", added("ip saddr { 1.2.3.4")],
  ["a verdict map not closed", added("tcp dport vmap { 22 : accept")],
  ["a jump without a chain", inChain("jump")],
  ["a verdict map's element without ':'", inChain("tcp dport vmap { 22 accept }")],
  ["a verdict map's element without a verdict", inChain("tcp dport vmap { 22 : bogus }")],
  [
    "a conntrack port in a concatenation",
    inChain("meta l4proto tcp ip saddr . ct original proto-dst { 10.0.0.1 . 22 } accept"),
  ],
  ["an ICMP code range listed backwards", inChain("icmp code 8-0 accept")],
  ["a port range listed backwards", inChain("tcp dport 5000-80 accept")],
  ["a statement after flow add", inChain("flow add @ft5 counter")],
  ["nftrace set to 5", inChain("meta nftrace set 5")],
  ["meta mark set without a value", inChain("meta mark set")],
  ["a zone past 16 bits", inChain("ct zone set 70000")],
  ["a comment without a string", inChain("comment")],
  ["a reject type nft does not know", inChain("reject with bogus")],
  ["dnat without to", inChain("dnat")],
  ["dnat to nothing", inChain("dnat to")],
  ["dnat to no address", inChain("dnat to bogus!")],
  ["dnat ip6 to no address", inChain("dnat ip6 to bogus!")],
  ["dnat to a reversed range", inChain("dnat to 10.0.0.9-10.0.0.1")],
  ["a reversed address range", added("ip saddr 10.0.0.9-10.0.0.1 accept")],
  ["no IPv4 address", inChain("ip saddr 10.0.0.300 accept")],
  ["no IPv6 address", inChain("ip6 saddr zz::1 accept")],
  ["a TTL past a byte", inChain("ip ttl 300 accept")],
  ["a port past 16 bits", inChain("tcp dport 99999 accept")],
  ["a TTL that is no number", inChain("ip ttl x accept")],
  ["a port range whose last port is a service name below its first", inChain("tcp dport 80-ssh accept")],
  // nft 1.0.6 refused it too: "syntax error, unexpected -" at the second dash.
  ["a port with two dashes", inChain("tcp dport 1-2-3 accept")],
  ["no ICMP type", inChain("icmp type bogus accept")],
  ["no ICMPv6 type", inChain("icmpv6 type bogus accept")],
  ["no ICMP code", inChain("icmp code bogus accept")],
  ["no conntrack state", inChain("ct state bogus accept")],
  ["no zone", inChain("ct zone bogus accept")],
  ["no mark", inChain("meta mark bogus accept")],
  ["no packet type", inChain("meta pkttype bogus accept")],
  ["no MAC address", inChain("ether saddr bogus accept")],
  ["no DSCP", inChain("ip dscp bogus accept")],
  ["a value outside the mask", inChain("ip saddr & 0.0.0.255 == 0.0.1.2 accept")],
  ["a negated value outside the mask", inChain("meta mark & 0xff00 != 0x101 accept")],
  ["an IPv6 mask of an IPv4 key", inChain("ip saddr & ::ff == ::1 accept")],
  ["an IPv4 mask of an IPv6 key", inChain("ip6 saddr & 0.0.0.255 == ::1 accept")],
  ["no value after a mask", inChain("tcp dport & 0xff00 == accept")],
  ["no mask", inChain("ip saddr & accept")],
  ["a value of the wrong type", inChain("tcp dport & 0xff00 == foo accept")],
  ["a whole-state compare that never matches", inChain("ct state == established,related accept")],
  [
    "a helper compare in a table iptables-nft may keep",
    'table ip filter {\n\tchain in2 {\n\t\tct helper != "ftp3" drop\n\t}\n}\n',
  ],
  ["a whole-state compare that always matches", inChain("ct state != new,untracked drop")],
];

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
  // A LOG line without a prefix, one that lost its last space where the kernel goes on (UID= without
  // its GID=: a whole line without its last space warns of nothing) and a cut list: rare in the committed files.
  out.push(
    ...parseTraceText(
      "[ 1.000000] IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1\n",
    ).diagnostics,
    ...parseTraceText(
      "[ 1.000000] iptable/filter-INPUT: IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 UID=0\n".repeat(
        2,
      ),
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
        '{"level":"info","event":"started"}',
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
        'include "/etc/nftables.d/main.nft"',
        "table inet fw {",
        " chain input {",
        "  type filter hook input priority filter;",
        "  ip saddr $WAN accept",
        " }",
        "}",
        "add rule inet fw input handle 5 accept",
        "delete rule inet fw input handle 5",
        "delete counter inet fw c",
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
    // An iptables-nft save and an iptables-legacy save of one table.
    ...parseRulesetFile(
      "# Generated by iptables-nft-save v1.8.9 (nf_tables)\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n# Generated by iptables-legacy-save v1.8.9\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
      "two.rules",
    ).diagnostics,
    unlistedNote(12, { file: "-", line: 9, column: 1 }),
    ...BROKEN_NFT.flatMap(([, text]) => parseNftRuleset(text, { file: "nftables.conf" }).diagnostics),
  );
  return out;
}

/**
 * The values an English message or hint carries, which its Chinese words must keep: quoted words
 * (an apostrophe after a letter opens no quote) and words holding a digit (`fw1`, `0x101`, `1.0.6`).
 */
function valuesOf(english: string): string[] {
  const quoted = /(?<![A-Za-z])'([^']*)'/g;
  return [
    ...[...english.matchAll(quoted)].map((m) => m[1] as string),
    ...(english.replace(quoted, " ").match(/[^\s'",;:()[\]{}]*\d[^\s'",;:()[\]{}]*/g) ?? []),
  ];
}

/** English words a translation must not keep outside its quoted values (code examples hold none of them). */
const ENGLISH_LEFT = /\b(is|are|the|which|not|here|was|must|cannot|does|its|this|than|only)\b/;

/** `text` without its quoted values, code in double quotes and the words of nft or the kernel in 「」, which stay as written. */
const unquoted = (text: string) => text.replace(/(?<![A-Za-z])'[^']*'|"[^"]*"|「[^」]*」/g, "");

/**
 * Taiwan practice, as the zh-TW lessons and strings write it: a half-width space between a Chinese
 * character and a Latin letter or digit, none beside full-width punctuation.
 */
const CJK_TOUCHES_LATIN = /[\u3400-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u3400-\u9fff]/;
const SPACE_BY_FULL_WIDTH = /[\u3000-\u303f\uff00-\uffef] | [\u3000-\u303f\uff00-\uffef]/;

const real = realDiagnostics();

describe("the zh-TW playground's translation of problems", () => {
  it.each(KNOWN_MESSAGES.map((k) => k.code))("knows %s as the core prints it", (code) => {
    const translated = real.filter((d) => diagnosticZh(d)?.code === code);
    expect(translated.length, `no real diagnostic is translated as ${code}`).toBeGreaterThan(0);
    for (const d of translated) {
      const zh = diagnosticZh(d);
      // Every value in the English ('[raw-pre]', '-m limit ...', counts, names) is in the Chinese too.
      for (const value of valuesOf(d.message)) expect(zh?.message, d.message).toContain(value);
      expect(zh?.message).toMatch(/^(警告|錯誤)：/);
      // No English sentence left in it.
      expect(unquoted(zh?.message ?? ""), d.message).not.toMatch(ENGLISH_LEFT);
    }
  });

  it("knows only hints the core gives, each in Chinese", () => {
    const given = new Set(real.map((d) => d.hint));
    for (const [english, zh] of KNOWN_HINTS) {
      expect(given.has(english), `no real diagnostic has the hint "${english}"`).toBe(true);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("knows each hint built from values by its shape, as the core builds it", () => {
    const given = real.flatMap((d) => (d.hint === undefined ? [] : [d.hint]));
    for (const shape of KNOWN_HINT_SHAPES)
      expect(
        given.some((h) => shape.english.test(h) && !KNOWN_HINTS.has(h)),
        `no real diagnostic has a hint of the shape ${shape.english}`,
      ).toBe(true);
  });

  it("spaces Chinese from Latin words and numbers, as the zh-TW pages do", () => {
    for (const d of real) {
      const zh = diagnosticZh(d);
      for (const text of [zh?.message, zh?.hint].filter((t) => t !== undefined)) {
        expect(text, d.message).not.toMatch(CJK_TOUCHES_LATIN);
        expect(text, d.message).not.toMatch(SPACE_BY_FULL_WIDTH);
      }
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

describe("the nft reader's problems, in the zh-TW playground", () => {
  it.each(BROKEN_NFT)("says %s in Chinese, with its values and its hint", (_, text) => {
    const diagnostics = parseNftRuleset(text, { file: "nftables.conf" }).diagnostics;
    expect(diagnostics.length, "the reader finds the problem this text was made to show").toBeGreaterThan(0);
    for (const d of diagnostics) {
      const zh = diagnosticZh(d);
      expect(zh, `no Chinese for "${d.message}"`).toBeDefined();
      expect(zh?.message).toMatch(/[\u4e00-\u9fff]/);
      for (const value of valuesOf(d.message)) expect(zh?.message, d.message).toContain(value);
      expect(unquoted(zh?.message ?? ""), d.message).not.toMatch(ENGLISH_LEFT);
      if (d.hint === undefined) continue;
      expect(zh?.hint, `no Chinese for the hint "${d.hint}"`).toBeDefined();
      expect(zh?.hint).toMatch(/[\u4e00-\u9fff]/);
      for (const value of valuesOf(d.hint)) expect(zh?.hint, d.hint).toContain(value);
      expect(unquoted(zh?.hint ?? ""), d.hint).not.toMatch(ENGLISH_LEFT);
    }
  });
});
