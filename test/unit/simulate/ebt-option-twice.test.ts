/**
 * An ebtables option given twice, and a command's long name shortened: each verdict is what
 * `unshare -n ebtables-restore` (ebtables-nft 1.8.9) printed for a bridge filter table whose FORWARD
 * chain held the rule.
 */
import { describe, expect, it } from "vitest";
import { parseEbtables, parseEbtRuleArgs } from "../../../src/core/simulate/parse-ebtables.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";

/** The problems of a bridge filter table whose FORWARD chain holds `rule` (line 5). */
const problems = (rule: string) =>
  parseEbtables(`*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${rule}\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

/** The rule's conditions and target, as the reader reads its words. */
const rule = (words: string) => {
  const tk = tokenizeRule(words);
  if (!tk.ok) throw new Error(tk.message);
  const r = parseEbtRuleArgs(tk.tokens);
  if ("error" in r) throw new Error(r.error.message);
  return r;
};

/** ebtables' words for `opt` given a second time at `column`. */
const twice = (column: number, opt: string) =>
  `error 5:${column} ${opt} is given twice: ebtables refuses it ("Multiple use of same option not allowed")`;

describe("an option ebtables-restore takes once", () => {
  it.each([
    // Each was taken.
    ["-A FORWARD -i eth0 -i eth1 -j ACCEPT", twice(20, "-i")],
    ["-A FORWARD -i eth0 --in-if eth1 -j ACCEPT", twice(20, "--in-if")],
    ["-A FORWARD -p IPv4 -p ARP -j ACCEPT", twice(20, "-p")],
    ["-A FORWARD -s 00:11:22:33:44:55 --src 00:11:22:33:44:56 -j ACCEPT", twice(33, "--src")],
    ["-A FORWARD --logical-in br0 --logical-in br1 -j ACCEPT", twice(29, "--logical-in")],
    ["-A FORWARD -p 802_1Q --vlan-id 1 --vlan-id 2 -j ACCEPT", twice(34, "--vlan-id")],
    ["-A FORWARD -p ARP --arp-op 1 --arp-op 2 -j ACCEPT", twice(30, "--arp-op")],
    // Under a start of its name too (getopt_long reads `--arp-h` as --arp-htype): each refused alike.
    ["-A FORWARD -p ARP --arp-h 1 --arp-htype 1 -j ACCEPT", twice(29, "--arp-htype")],
    ["-A FORWARD -p ARP --arp-ht 1 --arp-h 1 -j ACCEPT", twice(30, "--arp-h")],
    ["-A FORWARD -p ARP --arp-pt 0x800 --arp-ptype 0x800 -j ACCEPT", twice(34, "--arp-ptype")],
    ["-A FORWARD -p ARP --arp-g --arp-gratuitous -j ACCEPT", twice(27, "--arp-gratuitous")],
    ["-A FORWARD -p ARP --arp-op 1 --arp-opc 1 -j ACCEPT", twice(30, "--arp-op")],
    ["-A FORWARD --limit 1/s --limit-burst 2 --limit-burst 3 -j ACCEPT", twice(40, "--limit-burst")],
    ["-A FORWARD --stp-type 1 --stp-type 2 -j ACCEPT", twice(25, "--stp-type")],
    // After a verdict ebtables reads on: a second -i or -j is refused alike (the reader dropped them).
    ["-A FORWARD -i eth0 -j ACCEPT -i eth1", twice(30, "-i")],
    ["-A FORWARD -j ACCEPT --jump DROP", twice(22, "--jump")],
  ])("%s", (text, said) => {
    expect(problems(text)).toEqual([said]);
  });

  it("takes a start of an ip option after its whole name: ebtables keeps the second (not refused)", () => {
    // ebtables-restore took `-p IPv4 --ip-src 1.2.3.4 --ip-sr 1.2.3.5` without a word.
    expect(problems("-A FORWARD -p IPv4 --ip-src 1.2.3.4 --ip-sr 1.2.3.5 -j ACCEPT")).toEqual([]);
  });

  it("reads an option after -j ACCEPT as the rule's, as ebtables-save printed it back (-i eth1 -j ACCEPT)", () => {
    expect(rule("-j ACCEPT -i eth1").conditions).toEqual([{ kind: "in", name: "eth1", neg: false }]);
    expect(rule("-j ACCEPT -i eth1").target).toEqual({ kind: "ACCEPT" });
  });

  it("reads --src, --dst and --proto, the names ebtables -h gives -s, -d and -p", () => {
    expect(rule("--src 00:11:22:33:44:55 --proto IPv4 -j DROP").conditions).toEqual(
      rule("-s 00:11:22:33:44:55 -p IPv4 -j DROP").conditions,
    );
    expect(rule("--dst 00:11:22:33:44:55 -j DROP").conditions).toEqual(
      rule("-d 00:11:22:33:44:55 -j DROP").conditions,
    );
    expect(
      problems("-A FORWARD --src 00:11:22:33:44:55 --dst 00:11:22:33:44:56 --proto IPv4 -j ACCEPT"),
    ).toEqual([]);
  });

  it.each([
    // ebtables-restore took each.
    "-A FORWARD --among-src 00:11:22:33:44:55 --among-src 00:11:22:33:44:56 -j ACCEPT",
    "-A FORWARD -p 802_1Q --vlan-id 1 --vlan-prio 2 -j ACCEPT",
    "-A FORWARD -i eth0 -o eth1 --logical-in br0 --logical-out br0 -j ACCEPT",
  ])("takes %s, as ebtables-restore did", (text) => {
    expect(problems(text).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});

describe("a command's long name shortened", () => {
  it.each([
    // `--po` is --policy and `--ne` --new-chain (ebtables: "Multiple commands are not allowed"); the
    // reader kept them as unmodelled matches, as iptables' --ports and --next start with them.
    ["-A FORWARD --po 1 -j ACCEPT", "--po"],
    ["-A FORWARD --ne -j ACCEPT", "--ne"],
    ["-A FORWARD --pol ACCEPT -j ACCEPT", "--pol"],
  ])("%s", (text, word) => {
    expect(problems(text)).toEqual([
      `error 5:12 a second command '${word}' in one line: ebtables-restore refuses it ("Multiple commands are not allowed")`,
    ]);
  });

  it("takes --log and --limit, which no command starts", () => {
    expect(problems("-A FORWARD --log --limit 1/s -j ACCEPT").filter((p) => p.startsWith("error"))).toEqual(
      [],
    );
  });
});

describe("an option whose second value replaces the first", () => {
  it.each([
    // ebtables-restore took each, and ebtables-save printed the second form back (a `!` on either kept).
    ["-p IPv4 --ip-src 1.2.3.4 --ip-src 1.2.3.5 -j ACCEPT", "-p IPv4 --ip-src 1.2.3.5 -j ACCEPT"],
    ["-p IPv4 ! --ip-src 1.2.3.4 --ip-src 1.2.3.5 -j ACCEPT", "-p IPv4 ! --ip-src 1.2.3.5 -j ACCEPT"],
    ["-p IPv4 --ip-src 1.2.3.4 ! --ip-src 1.2.3.5 -j ACCEPT", "-p IPv4 ! --ip-src 1.2.3.5 -j ACCEPT"],
    ["-p IPv4 --ip-dst 1.2.3.4 --ip-destination 1.2.3.5 -j ACCEPT", "-p IPv4 --ip-dst 1.2.3.5 -j ACCEPT"],
    ["-p IPv6 --ip6-src ::1 ! --ip6-src ::2 -j ACCEPT", "-p IPv6 ! --ip6-src ::2 -j ACCEPT"],
    [
      "-p IPv4 --ip-proto udp --ip-proto tcp --ip-dport 1 --ip-dport 2 -j ACCEPT",
      "-p IPv4 --ip-proto tcp --ip-dport 2 -j ACCEPT",
    ],
    ["--mark 1 ! --mark 2 -j ACCEPT", "! --mark 2 -j ACCEPT"],
    ["--pkttype-type ! host --pkttype-type multicast -j ACCEPT", "! --pkttype-type multicast -j ACCEPT"],
  ])("reads %s as %s", (twiceGiven, saved) => {
    expect(rule(twiceGiven).conditions).toEqual(rule(saved).conditions);
  });

  it("refuses a port once the last --ip-proto has none, as ebtables-restore did (RULE_APPEND failed (Invalid argument))", () => {
    expect(problems("-A FORWARD -p IPv4 --ip-proto tcp --ip-proto icmp --ip-dport 1 -j ACCEPT")).toEqual([
      "error 5:51 --ip-dport needs --ip-proto tcp, udp, udplite, sctp or dccp, not negated, in the same rule (ebtables refuses it: Invalid argument)",
    ]);
  });
});

describe("ebtables' own options as getopt_long takes them", () => {
  it.each([
    // ebtables-restore took each, and ebtables-save printed the second form back; they were kept unmodelled.
    ["--in-i eth0 -j ACCEPT", "-i eth0 -j ACCEPT"],
    ["--in-interface=eth0 -j ACCEPT", "-i eth0 -j ACCEPT"],
    ["--out eth0 -j ACCEPT", "-o eth0 -j ACCEPT"],
    ["--sr 00:11:22:33:44:55 -j ACCEPT", "-s 00:11:22:33:44:55 -j ACCEPT"],
    ["--so 00:11:22:33:44:55 -j ACCEPT", "-s 00:11:22:33:44:55 -j ACCEPT"],
    ["--ds 00:11:22:33:44:55 -j ACCEPT", "-d 00:11:22:33:44:55 -j ACCEPT"],
    ["--pro IPv4 -j ACCEPT", "-p IPv4 -j ACCEPT"],
    ["--ju ACCEPT", "-j ACCEPT"],
    ["-p IPv4 --ip-src=1.2.3.4 -j ACCEPT", "-p IPv4 --ip-src 1.2.3.4 -j ACCEPT"],
  ])("reads %s as %s", (form, saved) => {
    expect(rule(form)).toEqual(rule(saved));
  });

  it("refuses a shortened -i in OUTPUT as it refuses -i there", () => {
    const out = parseEbtables(
      "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A OUTPUT --in-i eth0 -j ACCEPT\n",
    ).diagnostics.map((d) => `${d.severity} ${d.position.column} ${d.message}`);
    // ebtables-restore: "Use -i only in INPUT, FORWARD, PREROUTING and BROUTING chains".
    expect(out).toEqual([
      expect.stringMatching(/^error 11 -i is not valid in OUTPUT: .*\(ebtables: Use -i only in /),
    ]);
  });
});

describe("the rule's options after a MAC NAT, redirect or user chain target", () => {
  // ebtables-restore (ebtables-nft 1.8.9) took each, and ebtables-save printed the rule's options
  // before the target: `-i eth0 -j dnat --to-dst 00:11:22:33:44:55 --dnat-target ACCEPT`,
  // `-p IPv4 --ip-src 1.1.1.1 -j dnat ...`, `-i eth0 -j redirect`, `-o eth0 -j snat --to-src ... --snat-arp`,
  // `-i eth0 -j MYCH`. They were refused (unexpected '-i' after -j dnat; expected --redirect-target) or
  // kept as a target not modelled.
  it.each([
    ["-j dnat --to-dst 00:11:22:33:44:55 -i eth0", "-i eth0 -j dnat --to-dst 00:11:22:33:44:55"],
    ["-j dnat -i eth0 --to-dst 00:11:22:33:44:55", "-i eth0 -j dnat --to-dst 00:11:22:33:44:55"],
    [
      "-j dnat --to-dst 00:11:22:33:44:55 -p IPv4 --ip-src 1.1.1.1",
      "-p IPv4 --ip-src 1.1.1.1 -j dnat --to-dst 00:11:22:33:44:55",
    ],
    ["-j redirect -i eth0", "-i eth0 -j redirect"],
    [
      "-j snat --to-src 00:11:22:33:44:55 -o eth0 --snat-arp",
      "-o eth0 -j snat --to-src 00:11:22:33:44:55 --snat-arp",
    ],
    ["-j MYCH ! -i eth0", "! -i eth0 -j MYCH"],
  ])("reads %s as %s", (written, saved) => {
    const { conditions, target } = rule(written);
    expect({ conditions, target }).toEqual({
      conditions: rule(saved).conditions,
      target: rule(saved).target,
    });
    expect(target.kind).not.toBe("unknown");
  });

  it("still refuses an option given twice across the target (ebtables: Multiple use of same option not allowed)", () => {
    expect(problems("-A FORWARD -i eth0 -j MYCH -i eth1")).toEqual([twice(28, "-i")]);
  });
});
