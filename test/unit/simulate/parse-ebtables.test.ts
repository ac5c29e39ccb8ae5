import { describe, expect, it } from "vitest";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { icmpPacket } from "./helpers.ts";

/** A reader's problems, `severity line:column message`. */
const problems = (r: {
  diagnostics: { severity: string; message: string; position?: { line: number; column: number } }[];
}) => r.diagnostics.map((d) => `${d.severity} ${d.position?.line}:${d.position?.column} ${d.message}`);

describe("parseEbtables", () => {
  it("reads ebtables-save text with a --log watcher, -p IPv4 and --ip-proto", () => {
    const r = parseEbtables(
      '*filter\n:INPUT ACCEPT\n:FORWARD DROP\n:OUTPUT ACCEPT\n-A FORWARD -p IPv4 --ip-proto icmp --log-level debug --log-prefix "x/ebtable/filter-FORWARD" --log-ip -j CONTINUE\n-A FORWARD -i veth+ -j ACCEPT\n',
    );
    expect(r.diagnostics).toEqual([]);
    const fwd = r.rules.tables.get("filter")?.chains.get("FORWARD");
    expect(fwd?.policy).toBe("DROP");
    expect(fwd?.rules[0]?.log).toEqual({ prefix: "x/ebtable/filter-FORWARD", level: "debug" });
    expect(fwd?.rules[0]?.conditions).toEqual([
      { kind: "ethertype", ethertype: "0x0800", neg: false },
      { kind: "ip-proto", proto: "icmp", neg: false },
    ]);
    expect(fwd?.rules[0]?.target).toEqual({ kind: "CONTINUE" });
    expect(fwd?.rules[1]?.target).toEqual({ kind: "ACCEPT" });
  });

  it("keeps a backslash in a quoted prefix, as ebtables-save prints it (iptables-save escapes it, ebtables does not)", () => {
    const r = parseEbtables(
      '*filter\n:INPUT ACCEPT\n-A INPUT --log-level notice --log-prefix "fw\\x" -j CONTINUE\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.rules.tables.get("filter")?.chains.get("INPUT")?.rules[0]?.log?.prefix).toBe("fw\\x");
  });

  it("says an unmodelled match with its '!' (libvirt's nwfilter rules), and ebtables' limit once for its two options", () => {
    const r = parseEbtables(
      "*filter\n:INPUT ACCEPT\n-A INPUT -p ARP --arp-htype ! 1 -j DROP\n-A INPUT --limit 10/sec --limit-burst 5 -j ACCEPT\n",
    );
    // The '!' was left out (the warning read as the opposite test), and the limit came as two warnings.
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "match '! --arp-htype 1' is not modelled",
      "match '--limit 10/sec --limit-burst 5' is not modelled",
    ]);
  });

  it("reads ebt_arp's operation and addresses, with their '!', as the ARP frames the walk sends are matched", () => {
    const r = parseEbtables(
      "*filter\n:INPUT ACCEPT\n-A INPUT -p ARP --arp-mac-src ! 52:54:00:56:44:32 --arp-op Request --arp-ip-dst 198.51.100.0/24 -j DROP\n",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.rules.tables.get("filter")?.chains.get("INPUT")?.rules[0]?.conditions).toEqual([
      { kind: "ethertype", ethertype: "0x0806", neg: false },
      { kind: "arp-field", field: "saddr ether", values: ["52:54:00:56:44:32"], neg: true },
      { kind: "arp-field", field: "operation", values: ["request"], neg: false },
      { kind: "arp-field", field: "daddr ip", values: ["198.51.100.0/24"], neg: false },
    ]);
  });

  it("reads the IPv6 options (as ebtables-nft 1.8.9 saved capture --host's bridge LOG rule) and decides them", () => {
    const r = parseEbtables(
      '*filter\n:FORWARD ACCEPT\n-A FORWARD -p IPv6 --ip6-proto ipv6-icmp --ip6-icmp-type 128:129 --log-level debug --log-prefix "pwab/ebt/filter-FORWARD" --log-ip6 -j CONTINUE\n-A FORWARD -p IPv6 --ip6-src fd00:a::/64 --ip6-proto tcp --ip6-dport 80 -j DROP\n-A FORWARD -p IPv6 --ip6-proto ipv6-icmp --ip6-icmp-type neighbour-solicitation -j ACCEPT\n',
    );
    expect(r.diagnostics).toEqual([]);
    const rules = r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules ?? [];
    expect(rules[0]?.conditions).toEqual([
      { kind: "ethertype", ethertype: "0x86dd", neg: false },
      { kind: "ip-proto", proto: "icmpv6", neg: false },
      { kind: "icmp-type", type: 128, typeHi: 129, neg: false, family: 6 },
    ]);
    const echo: SimPacket = {
      v6: true,
      src: "fd00:a::2",
      dst: "fd00:a::3",
      proto: "icmpv6",
      icmpType: 128,
      icmpCode: 0,
      ttl: 64,
      id: 0,
      len: 104,
      ipFlags: [],
      mark: 0,
    };
    const ctx = { bridged: false, ethType: "0x86dd", addrType: () => "UNICAST" };
    expect(rules.map((x) => matchRule(x, echo, ctx))).toEqual([true, false, false]);
    expect(matchRule(rules[0] as Rule, { ...echo, icmpType: 135 }, ctx)).toBe(false);
    expect(matchRule(rules[2] as Rule, { ...echo, icmpType: 135 }, ctx)).toBe(true);
    const syn: SimPacket = { ...echo, proto: "tcp", sport: 40000, dport: 80, tcpFlags: ["SYN"] };
    expect(matchRule(rules[1] as Rule, syn, ctx)).toBe(true);
  });

  it("reads --ip-icmp-type as ebtables-nft 1.8.9 takes and saves it, and refuses it without its protocol (kernel 6.18)", () => {
    const r = parseEbtables(
      "*filter\n:FORWARD ACCEPT\n-A FORWARD -p IPv4 --ip-proto icmp --ip-icmp-type echo-reply -j DROP\n-A FORWARD -p IPv4 --ip-proto icmp --ip-icmp-type 3:5/0:2 -j DROP\n-A FORWARD -p IPv4 --ip-proto icmp --ip-icmp-type ! echo-request -j DROP\n",
    );
    expect(r.diagnostics).toEqual([]);
    const rules = r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules ?? [];
    expect(rules.map((x) => x.conditions.at(-1))).toEqual([
      { kind: "icmp-type", type: 0, neg: false },
      { kind: "icmp-type", type: 3, typeHi: 5, code: 0, codeHi: 2, neg: false },
      { kind: "icmp-type", type: 8, neg: true },
    ]);
    const reply = icmpPacket({ src: "172.17.0.3", dst: "172.17.0.2", icmpType: 0 });
    const ctx = { bridged: false, ethType: "0x0800", addrType: () => "UNICAST" };
    const unreachable = { ...reply, icmpType: 3, icmpCode: 3 };
    expect([reply, unreachable].map((p) => rules.map((x) => matchRule(x, p, ctx)))).toEqual([
      [true, false, true],
      [false, false, true],
    ]);
    const columnAndMessage = (rule: string) =>
      parseEbtables(`*filter\n:FORWARD ACCEPT\n-A FORWARD ${rule} -j DROP\n`).diagnostics.map(
        (d) => `${d.position?.column} ${d.message}`,
      );
    expect(
      [
        "-p IPv4 --ip-icmp-type echo-reply",
        "-p IPv6 --ip6-icmp-type echo-request",
        "-p IPv4 ! --ip-proto icmp --ip-icmp-type echo-reply",
        "-p IPv4 --ip6-proto icmp --ip-icmp-type echo-reply",
        "-p IPv4 --ip-proto icmp --ip-icmp-type bogus",
      ].flatMap(columnAndMessage),
    ).toEqual([
      "20 --ip-icmp-type needs --ip-proto icmp, not negated, in the same rule (ebtables refuses it: Invalid argument)",
      "20 --ip6-icmp-type needs --ip6-proto ipv6-icmp, not negated, in the same rule (ebtables refuses it: Invalid argument)",
      "38 --ip-icmp-type needs --ip-proto icmp, not negated, in the same rule (ebtables refuses it: Invalid argument)",
      "37 --ip-icmp-type needs --ip-proto icmp, not negated, in the same rule (ebtables refuses it: Invalid argument)",
      "51 'bogus' is not an ICMP type",
    ]);
    // The protocol may come after the type, as a hand-written rule puts it.
    expect(columnAndMessage("-p IPv4 --ip-icmp-type echo-reply --ip-proto 1")).toEqual([]);
  });

  it("refuses a port without a transport that has ports, as ebtables-restore 1.8.9 refused it (RULE_APPEND failed: Invalid argument)", () => {
    const columnAndMessage = (rule: string) =>
      parseEbtables(`*filter\n:FORWARD ACCEPT\n-A FORWARD ${rule} -j DROP\n`).diagnostics.map(
        (d) => `${d.position?.column} ${d.message}`,
      );
    const refused = (column: number, option: string, proto: string) =>
      `${column} ${option} needs ${proto} tcp, udp, udplite, sctp or dccp, not negated, in the same rule (ebtables refuses it: Invalid argument)`;
    expect(columnAndMessage("-p IPv4 --ip-dport 22")).toEqual([refused(20, "--ip-dport", "--ip-proto")]);
    expect(columnAndMessage("-p IPv4 --ip-proto ! tcp --ip-dport 22")).toEqual([
      refused(37, "--ip-dport", "--ip-proto"),
    ]);
    expect(columnAndMessage("-p IPv4 --ip-proto icmp --ip-sport 22")).toEqual([
      refused(36, "--ip-sport", "--ip-proto"),
    ]);
    expect(columnAndMessage("-p IPv6 --ip6-dport 22")).toEqual([refused(20, "--ip6-dport", "--ip6-proto")]);
    // Taken: a named or numbered transport with ports, before or after the port.
    for (const ok of [
      "-p IPv4 --ip-proto tcp --ip-dport 22",
      "-p IPv4 --ip-proto 6 --ip-dport 22",
      "-p IPv4 --ip-proto dccp --ip-sport 22",
      "-p IPv4 --ip-dport 22 --ip-proto udp",
      "-p IPv6 --ip6-proto udplite --ip6-dport 22",
    ])
      expect(columnAndMessage(ok), ok).toEqual([]);
  });

  it("reads an `ebtables -L` listing", () => {
    const r = parseEbtables(
      "Bridge table: nat\n\nBridge chain: PREROUTING, entries: 1, policy: ACCEPT\n-p IPv4 --ip-dst 172.17.0.3 -j DROP\n",
    );
    const rule = r.rules.tables.get("nat")?.chains.get("PREROUTING")?.rules[0];
    expect(rule?.target).toEqual({ kind: "DROP" });
    expect(rule?.conditions[1]).toMatchObject({ kind: "dst" });
    expect(rule?.line).toBe(4);
  });

  it("refuses '-j LOG' as ebtables does, and reads the log watcher on another target", () => {
    // ebtables-nft 1.8.9 in a throwaway namespace: `-j LOG` "RULE_APPEND failed (No such file or
    // directory)"; `--log-prefix "x" -j CONTINUE` taken (a libvirt guide's `ebtables -L --Lc` had the former).
    const r = parseEbtables(
      'Bridge table: filter\n\nBridge chain: FORWARD, entries: 2, policy: DROP\n-i vnet0 -j LOG --log-prefix "L2-SPOOF: " --log-level 4 --log-arp , pcnt = 3 -- bcnt = 126\n-i vnet0 --log-prefix "L2-SPOOF: " --log-level 4 --log-arp -j CONTINUE\n',
    );
    expect(problems(r)).toEqual([
      `error 4:10 ebtables has no LOG target: it logs with the log watcher, options on a rule of any target, and refuses '-j LOG' ("RULE_APPEND failed (No such file or directory)")`,
    ]);
    expect(
      r.rules.tables
        .get("filter")
        ?.chains.get("FORWARD")
        ?.rules.map((x) => x.line),
    ).toEqual([5]);
  });

  it("a target written alone that is no chain: '-j LOG' refused, another said not modelled (ebtables-nft takes -j NFLOG)", () => {
    const r = parseEbtables(
      "*filter\n:FORWARD ACCEPT\n-A FORWARD -i vnet0 -j LOG\n-A FORWARD -i vnet0 -j NFLOG\n",
    );
    expect(problems(r)).toEqual([
      `error 3:21 ebtables has no LOG target: it logs with the log watcher, options on a rule of any target, and refuses '-j LOG' ("RULE_APPEND failed (No such file or directory)")`,
      "warning 4:21 'NFLOG' is neither a chain of table 'filter' nor a modelled target",
    ]);
    // In an `ebtables -L --Ln` listing the column counts the rule's number too.
    const listed = parseEbtables(
      "Bridge table: filter\n\nBridge chain: FORWARD, entries: 1, policy: ACCEPT\n1. -p IPv4 --ip-src 10.0.0.1 -j NOSUCH , pcnt = 0 -- bcnt = 0\n",
    );
    expect(problems(listed)).toEqual([
      "warning 4:30 'NOSUCH' is neither a chain of table 'filter' nor a modelled target",
    ]);
  });

  it("refuses a jump to a name that is no chain and no target extension, as ebtables-restore does; takes the extensions", () => {
    // ebtables-nft 1.8.9: "Chain 'nosuchtarget' does not exist" (line 3); `-j NFLOG`, `-j TRACE`, `-j nflog` load.
    const r = parseEbtables("*filter\n:FORWARD ACCEPT\n-A FORWARD -j nosuchtarget\n-A FORWARD -j TRACE\n");
    expect(problems(r)).toEqual([
      `error 3:12 'nosuchtarget' is neither a chain of table 'filter' nor a target ebtables knows: ebtables-restore refuses the rule ("Chain 'nosuchtarget' does not exist")`,
      "warning 4:12 'TRACE' is neither a chain of table 'filter' nor a modelled target",
    ]);
    // A device option in a user chain, whatever hook reaches it: ebtables-restore and kernel 6.18 took
    // `-A OUTPUT -j U` with `-A U -i eth0 -j DROP` (the built-in chains' check is ebtables' own).
    const user = parseEbtables("*filter\n:OUTPUT ACCEPT\n:U ACCEPT\n-A OUTPUT -j U\n-A U -i eth0 -j DROP\n");
    expect(problems(user)).toEqual([]);
  });

  it("reads the bridge tables of `nft list ruleset` and skips other families", () => {
    const text = [
      "table ip filter {",
      "\tchain FORWARD {",
      "\t\ttype filter hook forward priority filter; policy drop;",
      "\t}",
      "}",
      "table bridge filter {",
      "\tchain FORWARD {",
      "\t\ttype filter hook forward priority filter; policy accept;",
      '\t\tiifname "veth-c1" log prefix "brlog" counter packets 0 bytes 0 drop',
      "\t}",
      "}",
    ].join("\n");
    const r = parseEbtables(text);
    expect([...r.rules.tables.keys()]).toEqual(["filter"]);
    const rule = r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules[0];
    expect(rule?.conditions).toEqual([{ kind: "in", name: "veth-c1", neg: false }]);
    expect(rule?.log?.prefix).toBe("brlog");
    expect(rule?.target).toEqual({ kind: "DROP" });
    expect(rule?.line).toBe(9);
  });

  it("reports a rule in an undeclared chain with its position", () => {
    const r = parseEbtables("*filter\n-A NOPE -j DROP\n", { file: "b.rules", firstLine: 10 });
    expect(r.diagnostics[0]?.position).toEqual({ file: "b.rules", line: 11, column: 4 });
  });

  it("splits a .rules file into the iptables and the bridge part", () => {
    const rs = parseRulesetFile(
      "# iptables-save\n*filter\n:INPUT ACCEPT\nCOMMIT\n# ebtables-save (bridge family)\n*nat\n:PREROUTING ACCEPT\n-A PREROUTING -j DROP\n",
    );
    expect(rs.diagnostics).toEqual([]);
    expect(rs.ip.tables.has("filter")).toBe(true);
    expect(rs.bridge.tables.get("nat")?.chains.get("PREROUTING")?.rules[0]?.line).toBe(8);
  });

  it("MAC NAT targets end the chain with their verdict, as ebt_snat, ebt_dnat and ebt_arpreply return it", () => {
    // As ebtables-nft 1.8.9 saved them (kernel 6.18, a throwaway namespace).
    const r = parseEbtables(
      [
        "*nat",
        ":PREROUTING DROP",
        ":POSTROUTING DROP",
        "-A PREROUTING -j dnat --to-dst 02:00:00:00:00:01 --dnat-target ACCEPT",
        "-A PREROUTING -p ARP -j arpreply --arpreply-mac 02:00:00:00:00:02",
        "-A PREROUTING -j dnat --to-dst 02:00:00:00:00:04 --dnat-target RETURN",
        "-A POSTROUTING -j snat --to-src 02:00:00:00:00:03 --snat-arp --snat-target CONTINUE",
        "-A POSTROUTING -j snat --to-src 02:00:00:00:00:03",
        "",
      ].join("\n"),
    );
    const nat = r.rules.tables.get("nat");
    expect(nat?.chains.get("PREROUTING")?.rules.map((x) => x.target.kind)).toEqual([
      "ACCEPT",
      "DROP",
      "RETURN",
    ]);
    expect(nat?.chains.get("POSTROUTING")?.rules.map((x) => x.target.kind)).toEqual(["CONTINUE", "ACCEPT"]);
    // What dnat and arpreply do to the frame is not followed, and said so; snat changes no path.
    expect(problems(r)).toEqual([
      "warning 4:15 not followed: -j dnat --to-destination 02:00:00:00:00:01: the frame goes to that MAC, maybe out of another port",
      "warning 5:22 not followed: -j arpreply --arpreply-mac 02:00:00:00:00:02: the bridge answers the ARP request with that MAC",
      "warning 6:15 not followed: -j dnat --to-destination 02:00:00:00:00:04: the frame goes to that MAC, maybe out of another port",
    ]);
    expect(
      problems(parseEbtables("*nat\n:PREROUTING ACCEPT\n-A PREROUTING -j dnat --dnat-target ACCEPT\n")),
    ).toEqual(["error 3:18 -j dnat needs --to-destination MAC: ebtables refuses it without"]);
  });

  it("a broute table (ebtables-legacy's; ebtables-nft refuses it) is said not to be simulated, at its header", () => {
    const r = parseEbtables("*broute\n:BROUTING ACCEPT\n-A BROUTING -p ! IPv6 -i eth3 -j DROP\n");
    expect(problems(r)).toEqual([
      "warning 1:1 the broute table is not simulated: a frame its BROUTING chain DROPs is routed by the host, not bridged, and the walk bridges it",
    ]);
  });
});
