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
    // A protocol's match the reader does not model, loaded by -m.
    [
      "-A INPUT -m sctp --chunk-types any INIT --chunk-types any DATA -j ACCEPT",
      "error 3:41 '--chunk-types' is given twice in one -m sctp: iptables-restore refuses it (\"Only one `--chunk-types' allowed\")",
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

describe("an option given twice in one -m", () => {
  /** iptables-restore's words for `opt` given twice in `-m module`. */
  const once = (column: number, opt: string, module: string, name = opt) =>
    `error 3:${column} '${opt}' is given twice in one -m ${module}: iptables-restore refuses it ("${module}: option "${name}" can only be used once.")`;
  it.each([
    // Each was taken; iptables-restore 1.8.9 printed the quoted line for it.
    ["-A INPUT -m tos --tos 0x10 --tos 0x08 -j ACCEPT", once(28, "--tos", "tos")],
    ["-A INPUT -m socket --transparent --transparent -j ACCEPT", once(34, "--transparent", "socket")],
    ["-A INPUT -m devgroup --src-group 1 --src-group 2 -j ACCEPT", once(36, "--src-group", "devgroup")],
    ["-A INPUT -m cgroup --path a --path b -j ACCEPT", once(29, "--path", "cgroup")],
    [
      '-A INPUT -m u32 --u32 "0>>22&0x3C@0>>16=53" --u32 "0>>22&0x3C@0>>16=54" -j ACCEPT',
      once(45, "--u32", "u32"),
    ],
    [
      "-A INPUT -m connlimit --connlimit-above 2 --connlimit-above 3 -j ACCEPT",
      once(43, "--connlimit-above", "connlimit"),
    ],
    ["-A INPUT -m quota --quota 100 --quota 200 -j ACCEPT", once(31, "--quota", "quota")],
    ["-A INPUT -m ecn --ecn-ip-ect 1 --ecn-ip-ect 2 -j ACCEPT", once(32, "--ecn-ip-ect", "ecn")],
    ["-A INPUT -m esp --espspi 1 --espspi 2 -j ACCEPT", once(28, "--espspi", "esp")],
    [
      "-A INPUT -m connbytes --connbytes 1 --connbytes 2 --connbytes-dir both --connbytes-mode bytes -j ACCEPT",
      once(37, "--connbytes", "connbytes"),
    ],
    // policy: --dir, --pol, --strict once in the match; an element's options once in the element.
    ["-A INPUT -m policy --dir in --dir out --pol none -j ACCEPT", once(29, "--dir", "policy")],
    ["-A INPUT -m policy --dir in --pol none --pol ipsec -j ACCEPT", once(40, "--pol", "policy")],
    [
      "-A INPUT -m policy --dir in --pol ipsec --strict --strict --proto esp -j ACCEPT",
      once(50, "--strict", "policy"),
    ],
    [
      "-A INPUT -m policy --dir in --pol ipsec --proto esp ! --proto ah -j ACCEPT",
      `error 3:55 '--proto' is given twice in one policy element: iptables-restore refuses it ("policy match: double --proto option")`,
    ],
    [
      "-A INPUT -m policy --dir in --pol ipsec --reqid 1 --proto esp --reqid 2 -j ACCEPT",
      `error 3:63 '--reqid' is given twice in one policy element: iptables-restore refuses it ("policy match: double --reqid option")`,
    ],
  ])("%s", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it.each([
    ["-A INPUT -m hl --hl-eq 1 --hl-eq 2 -j ACCEPT", once(26, "--hl-eq", "hl")],
    ["-A INPUT -m rt --rt-len 1 --rt-len 2 -j ACCEPT", once(27, "--rt-len", "rt")],
    ["-A INPUT -m frag --fraglast --fraglast -j ACCEPT", once(29, "--fraglast", "frag")],
    ["-A INPUT -m ipv6header --header frag --header esp -j ACCEPT", once(38, "--header", "ipv6header")],
  ])("%s (ip6tables-restore)", (rule, said) => {
    expect(problems(rule, "ip6")).toEqual([said]);
  });

  it.each([
    "-A INPUT -m tos --tos 0x10 -m tos --tos 0x08 -j ACCEPT",
    "-A INPUT -m policy --dir in --pol ipsec --strict --proto esp --next --proto ah -j ACCEPT",
    "-A INPUT -m policy --dir in --pol ipsec --proto esp -m policy --dir in --pol ipsec --proto ah -j ACCEPT",
  ])("takes %s, as iptables-restore did", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});

/** The problems of a table `table` whose chain `chain` holds `rule` (line 3). */
const inTable = (table: string, chain: string, rule: string) =>
  parseIptablesSave(`*${table}\n:${chain} ACCEPT [0:0]\n${rule}\nCOMMIT\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("a target's option given twice", () => {
  /** iptables-restore's words for `opt` given twice to `-j target`. */
  const once = (column: number, opt: string, target: string, name = opt) =>
    `error 3:${column} '${opt}' is given twice to -j ${target}: iptables-restore refuses it ("${target}: option "${name}" can only be used once.")`;
  it.each([
    // Each was taken; iptables-restore 1.8.9 printed the quoted line for it.
    ["filter", "INPUT", "-A INPUT -j LOG --log-prefix a --log-prefix b", once(32, "--log-prefix", "LOG")],
    ["filter", "INPUT", "-A INPUT -j LOG --log-uid --log-uid", once(27, "--log-uid", "LOG")],
    [
      "filter",
      "INPUT",
      "-A INPUT -p tcp -j REJECT --reject-with tcp-reset --reject-with icmp-port-unreachable",
      once(51, "--reject-with", "REJECT"),
    ],
    [
      "mangle",
      "PREROUTING",
      "-A PREROUTING -j MARK --set-mark 1 --set-mark 2",
      once(36, "--set-mark", "MARK"),
    ],
    ["mangle", "PREROUTING", "-A PREROUTING -j TOS --set-tos 1 --set-tos 2", once(34, "--set-tos", "TOS")],
    [
      "nat",
      "PREROUTING",
      "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1 --to-destination 10.0.0.2",
      once(56, "--to-destination", "DNAT"),
    ],
    // `--to` is getopt's start of --to-destination.
    [
      "nat",
      "PREROUTING",
      "-A PREROUTING -p tcp -j DNAT --to 10.0.0.1 --to-destination 10.0.0.2",
      once(44, "--to-destination", "DNAT"),
    ],
    [
      "nat",
      "POSTROUTING",
      "-A POSTROUTING -j SNAT --to-source 10.0.0.1 --to-source 10.0.0.2",
      once(45, "--to-source", "SNAT"),
    ],
    [
      "nat",
      "POSTROUTING",
      "-A POSTROUTING -j MASQUERADE --random --random",
      once(39, "--random", "MASQUERADE"),
    ],
    [
      "nat",
      "PREROUTING",
      "-A PREROUTING -j NETMAP --to 10.0.0.0/24 --to 10.0.1.0/24",
      once(42, "--to", "NETMAP"),
    ],
  ])("%s %s: %s", (table, chain, rule, said) => {
    expect(inTable(table, chain, rule)).toEqual([said]);
  });
});

describe("options that exclude each other", () => {
  /** iptables-restore's words for `later` given with `earlier` in `-m module` / `-j TARGET`, `a` and `b` in its order. */
  const clash = (column: number, later: string, earlier: string, where: string, a: string, b: string) =>
    `error 3:${column} '${later}' cannot be given with '${earlier}' in one ${where}: iptables-restore refuses it ("${where.slice(3)}: option "${a}" cannot be used together with "${b}".")`;
  it.each([
    // Each was taken; iptables-restore 1.8.9 printed the quoted line (the same in either order).
    [
      "-A INPUT -m connlimit --connlimit-upto 2 --connlimit-above 3 -j ACCEPT",
      clash(
        42,
        "--connlimit-above",
        "--connlimit-upto",
        "-m connlimit",
        "--connlimit-upto",
        "--connlimit-above",
      ),
    ],
    [
      "-A INPUT -m connlimit --connlimit-above 2 --connlimit-daddr --connlimit-saddr -j ACCEPT",
      clash(
        61,
        "--connlimit-saddr",
        "--connlimit-daddr",
        "-m connlimit",
        "--connlimit-saddr",
        "--connlimit-daddr",
      ),
    ],
    [
      "-A INPUT -m hashlimit --hashlimit-above 2/s --hashlimit-upto 3/s --hashlimit-name a -j ACCEPT",
      clash(
        45,
        "--hashlimit-upto",
        "--hashlimit-above",
        "-m hashlimit",
        "--hashlimit-upto",
        "--hashlimit-above",
      ),
    ],
    [
      "-A INPUT -m dscp --dscp-class EF --dscp 1 -j ACCEPT",
      clash(34, "--dscp", "--dscp-class", "-m dscp", "--dscp", "--dscp-class"),
    ],
    [
      "-A INPUT -m ttl --ttl-eq 1 --ttl-lt 3 -j ACCEPT",
      clash(28, "--ttl-lt", "--ttl-eq", "-m ttl", "--ttl-lt", "--ttl-eq"),
    ],
    [
      "-A INPUT -m string --hex-string |41| --string a --algo bm -j ACCEPT",
      clash(38, "--string", "--hex-string", "-m string", "--string", "--hex-string"),
    ],
    [
      "-A INPUT -m statistic --mode nth --every 2 --probability 0.5 -j ACCEPT",
      clash(44, "--probability", "--every", "-m statistic", "--probability", "--every"),
    ],
    [
      "-A INPUT -m recent --set --name A --rcheck -j DROP",
      clash(35, "--rcheck", "--set", "-m recent", "--set", "--rcheck"),
    ],
    [
      "-A INPUT -m recent --update --rcheck -j ACCEPT",
      clash(29, "--rcheck", "--update", "-m recent", "--rcheck", "--update"),
    ],
    [
      "-A INPUT -p tcp -m multiport --dports 1 --sports 2 -j ACCEPT",
      clash(41, "--sports", "--destination-ports", "-m multiport", "--source-ports", "--destination-ports"),
    ],
    [
      "-A INPUT -m addrtype --src-type LOCAL --limit-iface-out --limit-iface-in -j ACCEPT",
      clash(
        57,
        "--limit-iface-in",
        "--limit-iface-out",
        "-m addrtype",
        "--limit-iface-in",
        "--limit-iface-out",
      ),
    ],
    [
      "-A INPUT -m time --kerneltz --utc -j ACCEPT",
      clash(29, "--utc", "--kerneltz", "-m time", "--utc", "--kerneltz"),
    ],
    [
      "-A INPUT -j MARK --or-mark 1 --and-mark 2",
      clash(30, "--and-mark", "--or-mark", "-j MARK", "--and-mark", "--or-mark"),
    ],
    [
      "-A INPUT -j MARK --set-mark 1 --set-xmark 2",
      clash(31, "--set-xmark", "--set-mark", "-j MARK", "--set-xmark", "--set-mark"),
    ],
    [
      "-A INPUT -j CONNMARK --restore-mark --set-mark 1",
      clash(37, "--set-mark", "--restore-mark", "-j CONNMARK", "--set-mark", "--restore-mark"),
    ],
    [
      "-A INPUT -j CONNMARK --save-mark --restore-mark",
      clash(34, "--restore-mark", "--save-mark", "-j CONNMARK", "--save-mark", "--restore-mark"),
    ],
    // "can only be used once" is found while the rule is read, before any pair is checked.
    [
      "-A INPUT -m recent --set --rcheck --set -j ACCEPT",
      `error 3:35 '--set' is given twice in one -m recent: iptables-restore refuses it ("recent: option "--set" can only be used once.")`,
    ],
  ])("%s", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it.each([
    [
      "-A PREROUTING -j TOS --xor-tos 1 --or-tos 1",
      clash(34, "--or-tos", "--xor-tos", "-j TOS", "--or-tos", "--xor-tos"),
    ],
    [
      "-A PREROUTING -j DSCP --set-dscp 1 --set-dscp-class EF",
      clash(36, "--set-dscp-class", "--set-dscp", "-j DSCP", "--set-dscp", "--set-dscp-class"),
    ],
  ])("%s (mangle)", (rule, said) => {
    expect(inTable("mangle", "PREROUTING", rule)).toEqual([said]);
  });

  it.each([
    // iptables-restore 1.8.9 took each.
    "-A INPUT -j CONNMARK --save-mark --mask 1 --nfmask 2",
    "-A INPUT -j CONNMARK --set-xmark 1 --ctmask 2",
    "-A INPUT -m recent --rsource --rdest --set -j ACCEPT",
    "-A INPUT -m connlimit --connlimit-above 2 --connlimit-mask 24 --connlimit-saddr -j ACCEPT",
    "-A INPUT -m ttl --ttl-eq 1 -m ttl --ttl-lt 3 -j ACCEPT",
  ])("takes %s, as iptables-restore did", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});

describe("a udplite rule's ports", () => {
  it.each([
    // iptables-restore 1.8.9: unknown option "--dport" (udplite has no match of its own); they were taken.
    [
      "-A INPUT -p udplite --dport 1 -j ACCEPT",
      "error 3:21 --dport needs -p tcp, udp, sctp or dccp in the rule: iptables-restore refuses it with -p udplite",
    ],
    [
      "-A INPUT -p 136 --sport 1 -j ACCEPT",
      "error 3:17 --sport needs -p tcp, udp, sctp or dccp in the rule: iptables-restore refuses it with -p udplite",
    ],
  ])("%s", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it("takes -m multiport's ports, as iptables-restore did", () => {
    expect(problems("-A INPUT -p udplite -m multiport --dports 1 -j ACCEPT")).toEqual([]);
  });
});
