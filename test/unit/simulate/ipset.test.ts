/**
 * ipsets: `ipset save` read as the real ipset 7.17 printed it (in a scratch namespace), `-m set`
 * matches decided as the kernel's ip_set_test decides them, and what stays unknown (a set the file
 * lacks, one rules fill, counter comparisons) said with positions.
 */
import { describe, expect, it } from "vitest";
import { type MatchContext, matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseIpsetSave } from "../../../src/core/simulate/parse-ipset-save.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { routedContext, synPacket } from "./helpers.ts";

/** `ipset save` output of ipset 7.17 (kernel 6.18), set by set as the tool printed it. */
const SAVED = `create blocked hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x1bf26139
add blocked 203.0.113.7
create f2b-sshd hash:ip family inet hashsize 1024 maxelem 65536 timeout 600 bucketsize 12 initval 0x126d45f1
add f2b-sshd 198.51.100.9 timeout 599
create svc hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x5ebf6e2e
add svc 10.96.0.11,icmp:echo-request
add svc 10.96.0.10,udp:53
add svc 10.96.0.10,tcp:443
add svc 10.96.0.12,tcp:80
create nets6 hash:net family inet6 hashsize 1024 maxelem 65536 bucketsize 12 initval 0x8c3bd706
add nets6 2001:db8::/32
create nets hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x390b7aae
add nets 203.0.113.10/31
add nets 198.51.100.0/25 nomatch
add nets 203.0.113.20
add nets 198.51.100.0/24
create ifs hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xae9104f0
add ifs 172.16.0.0/12,physdev:eth1
add ifs 10.0.0.0/8,eth0
create ports bitmap:port range 0-1024
add ports 22
add ports 80
create bip bitmap:ip range 192.0.2.0-192.0.2.255
add bip 192.0.2.5
create c hash:ip family inet hashsize 1024 maxelem 65536 counters comment bucketsize 12 initval 0x20d24703
add c 192.0.2.9 packets 0 bytes 0 comment "bad guy"
create lst list:set size 8
add lst blocked
add lst nets`;

const RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m set --match-set blocked src -j DROP
-A FORWARD -m set ! --match-set svc dst,dst -j DROP
-A FORWARD -m set --match-set nets src -j DROP
-A FORWARD -m set --match-set nets src --return-nomatch -j DROP
-A FORWARD -m set --match-set ifs src,src -j DROP
-A FORWARD -m set --match-set ports dst -j DROP
-A FORWARD -m set --match-set lst src -j DROP
-A FORWARD -m set --match-set svc dst -j DROP
-A FORWARD -m set --match-set nets6 src -j DROP
COMMIT
`;

const ruleset = parseRulesetFile(`${SAVED}\n${RULES}`, "host.rules");
const rules = ruleset.ip.tables.get("filter")?.chains.get("FORWARD")?.rules as Rule[];
const sets = ruleset.ipsets;

const packet = (over: Partial<SimPacket>): SimPacket =>
  synPacket({ src: "172.17.0.2", dst: "198.51.100.10", sport: 40000, ...over });

const ctx = (over: Partial<MatchContext> = {}): MatchContext =>
  routedContext({ out: "docker0", ...(sets ? { ipsets: sets } : {}), ...over });

/** The result of rule `n` (1-based, as in RULES) for packet `p`. */
const at = (n: number, p: SimPacket, c = ctx()) => matchRule(rules[n - 1] as Rule, p, c);

describe("ipset save", () => {
  it("reads every set of the kernel's types, with their elements", () => {
    expect(ruleset.diagnostics).toEqual([]);
    expect([...(sets?.keys() ?? [])]).toEqual([
      "blocked",
      "f2b-sshd",
      "svc",
      "nets6",
      "nets",
      "ifs",
      "ports",
      "bip",
      "c",
      "lst",
    ]);
    expect(sets?.get("svc")?.dims).toEqual(["ip", "port"]);
    expect(sets?.get("svc")?.entries[0]?.parts[1]).toEqual({
      kind: "port",
      proto: "icmp",
      lo: 8,
      hi: 8,
      code: 0,
    });
    expect(sets?.get("nets")?.entries.map((e) => e.nomatch)).toEqual([false, true, false, false]);
    expect(sets?.get("lst")?.members).toEqual(["blocked", "nets"]);
    expect(sets?.get("nets6")?.family).toBe(6);
    expect(sets?.get("ports")?.family).toBeUndefined();
    expect(sets?.get("c")?.entries).toHaveLength(1);
  });

  it("points at what it cannot read, by line and column", () => {
    const r = parseIpsetSave(
      [
        "create s hash:ip,port family inet",
        "add s 10.0.0.1,tcp:99999",
        "add t 10.0.0.1",
        "add s 10.0.0.1",
        "create m hash:foo",
      ],
      "x.rules",
      7,
    );
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.severity, d.message])).toEqual([
      [8, 16, "error", "expected a port or PORT-PORT, found '99999'"],
      [9, 5, "error", "set 't' is added to before it is created"],
      [10, 7, "error", "a hash:ip,port element has 2 parts separated by commas, found '10.0.0.1'"],
      [11, 10, "warning", "ipset type 'hash:foo' is not modelled"],
    ]);
  });
});

describe("-m set --match-set", () => {
  it("looks up one address", () => {
    expect(at(1, packet({ src: "203.0.113.7" }))).toBe(true);
    expect(at(1, packet({ src: "203.0.113.8" }))).toBe(false);
  });

  it("takes one flag per dimension, the protocol with the port, and ! after -m set", () => {
    expect(at(2, packet({ dst: "10.96.0.10", proto: "tcp", dport: 443 }))).toBe(false);
    expect(at(2, packet({ dst: "10.96.0.10", proto: "udp", dport: 443 }))).toBe(true);
    expect(at(2, packet({ dst: "10.96.0.12", proto: "tcp", dport: 80 }))).toBe(false);
    expect(
      at(2, packet({ dst: "10.96.0.11", proto: "icmp", dport: undefined, icmpType: 8, icmpCode: 0 })),
    ).toBe(false);
    expect(
      at(2, packet({ dst: "10.96.0.11", proto: "icmp", dport: undefined, icmpType: 0, icmpCode: 0 })),
    ).toBe(true);
    // One flag for a two-dimension set: the kernel's ip_set_test answers no.
    expect(at(8, packet({ dst: "10.96.0.10", proto: "tcp", dport: 443 }))).toBe(false);
  });

  it("lets the most specific hash:net element decide, nomatch as an exception, swapped by --return-nomatch", () => {
    expect(at(3, packet({ src: "198.51.100.200" }))).toBe(true);
    expect(at(3, packet({ src: "198.51.100.10" }))).toBe(false);
    expect(at(4, packet({ src: "198.51.100.10" }))).toBe(true);
    expect(at(4, packet({ src: "198.51.100.200" }))).toBe(false);
    expect(at(3, packet({ src: "203.0.113.11" }))).toBe(true);
    expect(at(3, packet({ src: "203.0.113.12" }))).toBe(false);
  });

  it("reads interfaces and bridge ports of hash:net,iface", () => {
    expect(at(5, packet({ src: "10.1.2.3" }), ctx({ in: "eth0" }))).toBe(true);
    expect(at(5, packet({ src: "10.1.2.3" }), ctx({ in: "eth1" }))).toBe(false);
    expect(at(5, packet({ src: "172.16.9.9" }), ctx({ in: "br0", physIn: "eth1" }))).toBe(true);
  });

  it("reads bitmap:port, list:set members, and never matches the other family", () => {
    expect(at(6, packet({ dport: 22 }))).toBe(true);
    expect(at(6, packet({ dport: 23 }))).toBe(false);
    expect(at(7, packet({ src: "203.0.113.7" }))).toBe(true);
    expect(at(7, packet({ src: "198.51.100.200" }))).toBe(true);
    expect(at(7, packet({ src: "198.51.100.10" }))).toBe(false);
    expect(at(9, packet({ src: "2001:db8::5", dst: "2001:db8::6", v6: true }))).toBe(true);
    expect(at(1, packet({ src: "2001:db8::5", dst: "2001:db8::6", v6: true }))).toBe(false);
  });

  it("leaves unknown a set the file lacks, one rules fill, and counter comparisons, each with a warning", () => {
    const r = parseRulesetFile(
      `create seen hash:ip family inet\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set gone src -j DROP\n-A INPUT -m set --match-set seen src -j DROP\n-A INPUT -j SET --add-set seen src\n-A INPUT -m set --match-set seen src --packets-gt 5 -j DROP\nCOMMIT\n`,
      "h.rules",
    );
    const input = r.ip.tables.get("filter")?.chains.get("INPUT")?.rules as Rule[];
    expect(input.map((x) => x.conditions[0]?.kind)).toEqual(["unknown", "unknown", undefined, "unknown"]);
    expect(input[2]?.target).toMatchObject({ kind: "unknown", name: "SET", continues: true });
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.message])).toEqual([
      [4, 10, "match '-m set --match-set gone src' is not modelled: ipset 'gone' is not in this file"],
      [
        5,
        10,
        "match '-m set --match-set seen src' is chance: rules change set 'seen' as packets pass (-j SET at line 6)",
      ],
      [6, 10, "target 'SET' is not modelled"],
      [
        7,
        10,
        "match '-m set --match-set seen src --packets-gt 5' is chance: rules change set 'seen' as packets pass (-j SET at line 6)",
      ],
    ]);
  });

  it("says what -m set lacks", () => {
    const r = parseRulesetFile(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set blocked sideways -j DROP\nCOMMIT\n",
      "h.rules",
    );
    expect(r.diagnostics[0]).toMatchObject({
      severity: "error",
      message: "--match-set flags are src or dst, one per dimension, found 'sideways'",
      position: { line: 3, column: 37 },
    });
  });
});
