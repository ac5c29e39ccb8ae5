/**
 * An option given twice to the match that reads it, as iptables-restore 1.8.9 (nf_tables) refuses it:
 * each verdict below is what `unshare -n iptables-restore --test` (ip6tables-restore for the IPv6
 * rules) printed for a filter table whose INPUT chain held the rule.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

/** The problems of a filter table whose INPUT chain holds `rule` (line 3). */
const problems = (rule: string, family?: "ip6") =>
  parseIptablesSave(
    `*filter\n:INPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`,
    family ? { family } : {},
  ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`);

describe("a protocol's option given twice", () => {
  it.each([
    // The match `-p` loads for an option no loaded match has (these were taken).
    [
      "-A INPUT -p udp --dport 53 --dport 54 -j ACCEPT",
      `error 3:28 '--dport' is given twice in the udp match of the rule's -p: iptables-restore refuses it ("udp: option "--destination-port" can only be used once.")`,
    ],
    [
      "-A INPUT -p tcp --dport 53 --dport 54 -j ACCEPT",
      "error 3:28 '--dport' is given twice in the tcp match of the rule's -p: iptables-restore refuses it (\"Only one `--destination-port' allowed\")",
    ],
    [
      "-A INPUT -p tcp --sport 1 --source-port 2 -j ACCEPT",
      "error 3:27 '--source-port' is given twice in the tcp match of the rule's -p: iptables-restore refuses it (\"Only one `--source-port' allowed\")",
    ],
    // --syn and --tcp-flags are one option to tcp.
    [
      "-A INPUT -p tcp --syn --tcp-flags SYN SYN -j ACCEPT",
      "error 3:23 '--tcp-flags' is given twice in the tcp match of the rule's -p: iptables-restore refuses it (\"Only one of `--syn' or `--tcp-flags'  allowed\")",
    ],
    [
      "-A INPUT -p tcp --syn --syn -j ACCEPT",
      "error 3:23 '--syn' is given twice in the tcp match of the rule's -p: iptables-restore refuses it (\"Only one of `--syn' or `--tcp-flags'  allowed\")",
    ],
    [
      "-A INPUT -p tcp --tcp-option 2 --tcp-option 3 -j ACCEPT",
      "error 3:32 '--tcp-option' is given twice in the tcp match of the rule's -p: iptables-restore refuses it (\"Only one `--tcp-option' allowed\")",
    ],
    [
      "-A INPUT -p icmp --icmp-type 8 --icmp-type 0 -j ACCEPT",
      `error 3:32 '--icmp-type' is given twice in the icmp match of the rule's -p: iptables-restore refuses it ("icmp: option "--icmp-type" can only be used once.")`,
    ],
    [
      "-A INPUT -p 6 --dport 1 ! --dport 2 -j ACCEPT",
      "error 3:27 '--dport' is given twice in the tcp match of the rule's -p: iptables-restore refuses it (\"Only one `--destination-port' allowed\")",
    ],
    [
      "-A INPUT -p sctp --chunk-types any INIT --chunk-types any DATA -j ACCEPT",
      "error 3:41 '--chunk-types' is given twice in the sctp match of the rule's -p: iptables-restore refuses it (\"Only one `--chunk-types' allowed\")",
    ],
    [
      "-A INPUT -p dccp --sport 1 --sport 2 -j ACCEPT",
      `error 3:28 '--sport' is given twice in the dccp match of the rule's -p: iptables-restore refuses it ("dccp: option "--source-port" can only be used once.")`,
    ],
    // Another match between the two, or -j: the option still goes to the match that has it.
    [
      "-A INPUT -p udp --dport 1 -m comment --comment x --dport 2 -j ACCEPT",
      `error 3:50 '--dport' is given twice in the udp match of the rule's -p: iptables-restore refuses it ("udp: option "--destination-port" can only be used once.")`,
    ],
    [
      "-A INPUT -p udp --dport 1 -j ACCEPT --dport 2",
      `error 3:37 '--dport' is given twice in the udp match of the rule's -p: iptables-restore refuses it ("udp: option "--destination-port" can only be used once.")`,
    ],
    [
      "-A INPUT -p udp -m udp --dport 1 -m comment --comment x --dport 2 -j ACCEPT",
      `error 3:57 '--dport' is given twice in one -m udp: iptables-restore refuses it ("udp: option "--destination-port" can only be used once.")`,
    ],
    // tcp's whole --dport wins over a start of multiport's --dports once -p loaded tcp.
    [
      "-A INPUT -p tcp --dport 1 -m multiport --dports 2 --dport 3 -j ACCEPT",
      "error 3:51 '--dport' is given twice in the tcp match of the rule's -p: iptables-restore refuses it (\"Only one `--destination-port' allowed\")",
    ],
    [
      "-A INPUT -p tcp -m tcp --dport 1 --dport 2 -j ACCEPT",
      "error 3:34 '--dport' is given twice in one -m tcp: iptables-restore refuses it (\"Only one `--destination-port' allowed\")",
    ],
  ])("%s", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it("refuses icmpv6's --icmpv6-type twice, as ip6tables-restore did", () => {
    expect(problems("-A INPUT -p ipv6-icmp --icmpv6-type 128 --icmpv6-type 129 -j ACCEPT", "ip6")).toEqual([
      `error 3:41 '--icmpv6-type' is given twice in the icmp6 match of the rule's -p: iptables-restore refuses it ("icmp6: option "--icmpv6-type" can only be used once.")`,
    ]);
  });

  it.each([
    // A second -m of the protocol is a match of its own: the option after it is its first.
    "-A INPUT -p udp --dport 1 -m udp --dport 2 -j ACCEPT",
    "-A INPUT -p udp -m udp --dport 1 -m udp --dport 2 -j ACCEPT",
    "-A INPUT -p tcp --dport 1 -m tcp --dport 2 -j ACCEPT",
    "-A INPUT -p tcp --syn -m tcp --syn -j ACCEPT",
    "-A INPUT -p icmp --icmp-type 8 -m icmp --icmp-type 0 -j ACCEPT",
    "-A INPUT -p tcp --dport 1 -m multiport --dports 2 -j ACCEPT",
    "-A INPUT -p tcp --sport 1 --dport 2 --syn --tcp-option 2 -j ACCEPT",
  ])("takes %s, as iptables-restore did", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});
