/**
 * What iptables-nft-save, ip6tables-nft-save and ebtables-nft-save 1.8.9 print, read as the kernel runs
 * it. Checked on kernel 6.18: each rule below was loaded with `iptables-nft` (`ip6tables-nft`,
 * `ebtables-nft`) in a throwaway namespace and is here as `*-save` (`-c`, `ebtables -L --Ln --Lc`)
 * printed it back (iptables-legacy-save printed the same rules); where a rule's matching is modelled
 * from the kernel, the counters of bounded pings between two namespaces over a veth pair say what it
 * counted. A form the tools accepted is never an error here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type MatchContext, matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseXtablesRuleset } from "../../../src/core/simulate/parse-xtables-ruleset.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { icmpPacket, LAB_DIR, rulesetText } from "./helpers.ts";

/** `iptables-nft-save` of every rule of an audit list that iptables-nft 1.8.9 accepted (headers dropped). */
const SAVE4 = [
  "*mangle",
  ":PREROUTING ACCEPT [0:0]",
  ":INPUT ACCEPT [0:0]",
  ":FORWARD ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  ":POSTROUTING ACCEPT [0:0]",
  "-A PREROUTING -m mark --mark 0x5/0xff -j ACCEPT",
  "-A PREROUTING -m mark --mark 0x5 -j ACCEPT",
  "-A PREROUTING -m mark ! --mark 0x5/0xff -j ACCEPT",
  "-A PREROUTING -j MARK --set-xmark 0x5/0xff",
  "-A PREROUTING -j MARK --set-xmark 0x5/0xff",
  "-A PREROUTING -j MARK --set-xmark 0x7/0xffffffff",
  "-A PREROUTING -j MARK --set-xmark 0x0/0xfffffff0",
  "-A PREROUTING -j MARK --set-xmark 0xf/0xf",
  "-A PREROUTING -j MARK --set-xmark 0xf/0x0",
  "-A PREROUTING -m connmark --mark 0x1/0x1 -j ACCEPT",
  "-A PREROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff",
  "-A PREROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff",
  "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff",
  "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff",
  "-A PREROUTING -j CONNMARK --set-xmark 0x1/0x1",
  "-A PREROUTING -j CONNMARK --set-xmark 0x1/0x1",
  "-A PREROUTING -m length --length 100:200 -j ACCEPT",
  "-A PREROUTING -m length ! --length 100 -j ACCEPT",
  "-A PREROUTING -m ttl --ttl-eq 64 -j ACCEPT",
  "-A PREROUTING -m ttl ! --ttl-eq 64 -j ACCEPT",
  "-A PREROUTING -m ttl --ttl-lt 10 -j ACCEPT",
  "-A PREROUTING -m dscp --dscp 0x0a -j ACCEPT",
  "-A PREROUTING -m dscp --dscp 0x0a -j ACCEPT",
  "-A PREROUTING -m dscp --dscp 0x0a -j ACCEPT",
  "-A PREROUTING -m dscp ! --dscp 0x2e -j ACCEPT",
  "-A PREROUTING -m tos --tos 0x10/0xff -j ACCEPT",
  "-A PREROUTING -m tos --tos 0x10/0x3f -j ACCEPT",
  "-A PREROUTING -m tos --tos 0x10/0x3f -j ACCEPT",
  "-A PREROUTING -p tcp -m ecn --ecn-tcp-cwr -j ACCEPT",
  "-A PREROUTING -p tcp -m ecn --ecn-ip-ect 1 -j ACCEPT",
  "-A PREROUTING -p tcp -m multiport --dports 1:100,443 -j ACCEPT",
  "-A PREROUTING -p tcp -m multiport ! --sports 1:100,443 -j ACCEPT",
  "-A PREROUTING -p udp -m multiport --ports 53,1000:2000 -j ACCEPT",
  "-A PREROUTING -m iprange --src-range 198.51.100.1-198.51.100.9 -j ACCEPT",
  "-A PREROUTING -m iprange ! --dst-range 198.51.100.1-198.51.100.9 -j ACCEPT",
  '-A PREROUTING -m u32 --u32 "0x0>>0x16&0x3c@0x4>>0x10=0x1234" -j ACCEPT',
  "-A PREROUTING -m statistic --mode random --probability 0.25000000000 -j ACCEPT",
  "-A PREROUTING -m statistic --mode nth --every 3 --packet 0 -j ACCEPT",
  "-A PREROUTING -m hashlimit --hashlimit-upto 10/sec --hashlimit-burst 5 --hashlimit-mode srcip --hashlimit-name foo -j ACCEPT",
  "-A PREROUTING -m limit --limit 3/min -j ACCEPT",
  "-A PREROUTING -m limit --limit 3/min --limit-burst 10 -j ACCEPT",
  "-A PREROUTING -m recent --rcheck --seconds 60 --hitcount 4 --name bad --mask 255.255.255.255 --rsource -j DROP",
  "-A PREROUTING -m recent --set --name bad --mask 255.255.255.255 --rsource -j ACCEPT",
  "-A PREROUTING -m time --timestart 09:00:00 --timestop 17:00:00 --weekdays Mon,Tue --datestop 2038-01-19T03:14:07 -j ACCEPT",
  '-A PREROUTING -m string --hex-string "|00|" --algo bm -j ACCEPT',
  '-A PREROUTING -m string --string "GET /" --algo kmp -j ACCEPT',
  '-A PREROUTING -m comment --comment "with \\"quotes\\"" -j ACCEPT',
  '-A PREROUTING -m comment --comment "back\\\\slash" -j ACCEPT',
  '-A PREROUTING -m comment --comment "it\\\'s" -j ACCEPT',
  "-A PREROUTING -m policy --dir in --pol ipsec -j ACCEPT",
  "-A PREROUTING -m policy --dir in --pol none -j ACCEPT",
  "-A PREROUTING -m policy --dir in --pol ipsec --strict --reqid 1 --proto esp -j ACCEPT",
  "-A PREROUTING -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT",
  "-A PREROUTING -m addrtype ! --src-type LOCAL,BROADCAST -j ACCEPT",
  "-A PREROUTING -m conntrack --ctorigdst 198.51.100.1 -j ACCEPT",
  "-A PREROUTING -m conntrack --ctstatus ASSURED -j ACCEPT",
  "-A PREROUTING -m conntrack --ctdir ORIGINAL -j ACCEPT",
  "-A PREROUTING -m conntrack --ctstate NEW --ctproto 6 -j ACCEPT",
  "-A PREROUTING -m conntrack ! --ctstate NEW,ESTABLISHED -j ACCEPT",
  "-A PREROUTING -m conntrack --ctstate DNAT -j ACCEPT",
  "-A PREROUTING -m conntrack --ctexpire 10:20 -j ACCEPT",
  "-A PREROUTING -m connbytes --connbytes 10000 --connbytes-mode bytes --connbytes-dir both -j ACCEPT",
  "-A PREROUTING -m helper --helper ftp -j ACCEPT",
  "-A PREROUTING -m socket --transparent --nowildcard -j ACCEPT",
  "-A PREROUTING -m socket -j ACCEPT",
  "-A PREROUTING -m rpfilter --loose --invert -j DROP",
  "-A PREROUTING -m rpfilter -j DROP",
  "-A PREROUTING -m pkttype --pkt-type broadcast -j ACCEPT",
  "-A PREROUTING -m pkttype ! --pkt-type multicast -j ACCEPT",
  "-A PREROUTING -m mac --mac-source 02:42:ac:11:00:02 -j ACCEPT",
  "-A PREROUTING -m mac ! --mac-source 02:42:ac:11:00:02 -j ACCEPT",
  "-A PREROUTING -m physdev --physdev-in veth+ --physdev-is-bridged -j ACCEPT",
  "-A PREROUTING -p tcp -j TPROXY --on-port 8080 --on-ip 198.51.100.1 --tproxy-mark 0x1/0x1",
  "-A PREROUTING -j NFQUEUE --queue-balance 0:3 --queue-bypass",
  "-A PREROUTING -j NFQUEUE --queue-num 3",
  "-A OUTPUT -m owner --uid-owner 0 -j ACCEPT",
  "-A OUTPUT -m owner ! --uid-owner 0 --gid-owner 0 -j ACCEPT",
  "-A OUTPUT -m owner --socket-exists -j ACCEPT",
  '-A OUTPUT -m cgroup --path "/" -j ACCEPT',
  "-A OUTPUT -m cgroup --cgroup 1 -j ACCEPT",
  "-A POSTROUTING -m physdev ! --physdev-is-bridged -j ACCEPT",
  "-A POSTROUTING -m physdev --physdev-is-out --physdev-out eth0 -j ACCEPT",
  "-A POSTROUTING -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
  "-A POSTROUTING -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400",
  "-A POSTROUTING -j DSCP --set-dscp 0x0a",
  "-A POSTROUTING -j DSCP --set-dscp 0x2e",
  "-A POSTROUTING -j TOS --set-tos 0x10/0xff",
  "-A POSTROUTING -j TOS --set-tos 0x10/0x3f",
  "-A POSTROUTING -j TOS --set-tos 0x00/0xef",
  "-A POSTROUTING -j TOS --set-tos 0x10/0x10",
  "-A POSTROUTING -j TOS --set-tos 0x10/0x00",
  "-A POSTROUTING -j TTL --ttl-set 64",
  "-A POSTROUTING -j TTL --ttl-inc 1",
  "-A POSTROUTING -p udp -j CHECKSUM --checksum-fill",
  "-A POSTROUTING -j CLASSIFY --set-class 0001:0010",
  "-A POSTROUTING -j CONNSECMARK --save",
  "-A POSTROUTING -j AUDIT --type accept",
  "-A POSTROUTING -j HMARK --hmark-src-prefix 32 --hmark-dst-prefix 32 --hmark-rnd 0x00000001 --hmark-mod 10 --hmark-offset 1",
  "-A POSTROUTING -j IDLETIMER --timeout 10 --label foo",
  "COMMIT",
  "*raw",
  ":PREROUTING ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  "-A PREROUTING -j CT --zone-orig 1",
  "-A PREROUTING -j CT --zone 1",
  "-A PREROUTING -j CT --notrack",
  "-A PREROUTING -j CT --ctevents new,related",
  "-A PREROUTING -j CT --zone mark",
  "-A PREROUTING -j CT --zone-reply 2",
  "-A PREROUTING -j NOTRACK",
  "-A PREROUTING -j TRACE",
  "COMMIT",
  "*filter",
  ":INPUT ACCEPT [0:0]",
  ":FORWARD ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  "-A INPUT -j SET --add-set foo src",
  "-A INPUT -j SET --add-set foo src,dst --exist --timeout 10",
  "-A INPUT -j SET --del-set foo src",
  "-A INPUT -m set --match-set foo src -j ACCEPT",
  "-A INPUT -m set ! --match-set foo src,dst --return-nomatch -j ACCEPT",
  "-A INPUT -p tcp -j REJECT --reject-with tcp-reset",
  "-A INPUT -j REJECT --reject-with icmp-admin-prohibited",
  "-A INPUT -j REJECT --reject-with icmp-host-prohibited",
  "-A INPUT -j REJECT --reject-with icmp-net-unreachable",
  "-A INPUT -j REJECT --reject-with icmp-port-unreachable",
  "-A INPUT ! -i eth+ -j ACCEPT",
  "-A INPUT ! -s 198.51.100.0/24 -i eth+ -j ACCEPT",
  "-A INPUT ! -p tcp -j ACCEPT",
  "-A INPUT -p gre -j ACCEPT",
  "-A INPUT -p gre -j ACCEPT",
  "-A INPUT -p sctp -m sctp --dport 5 -j ACCEPT",
  "-A INPUT -p udplite -j ACCEPT",
  "-A INPUT -p dccp -m dccp --dport 5 -j ACCEPT",
  "-A INPUT -p esp -j ACCEPT",
  "-A INPUT -j ACCEPT",
  "-A INPUT -p icmp -m icmp --icmp-type 3/4 -j ACCEPT",
  "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT",
  "-A INPUT -p icmp -m icmp ! --icmp-type any -j ACCEPT",
  "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT",
  "-A INPUT -f -j DROP",
  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT",
  "-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT",
  "-A INPUT -p tcp -m tcp --tcp-option 2 -j ACCEPT",
  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE -j DROP",
  '-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m limit --limit 3/min -j LOG --log-prefix "ssh: "',
  '-A INPUT -j LOG --log-prefix "x " --log-level 7 --log-tcp-options --log-uid',
  '-A INPUT -j NFLOG --nflog-prefix "foo bar" --nflog-group 5 --nflog-threshold 2',
  "-A INPUT -j NFLOG --nflog-group 5 --nflog-size 64",
  "-A INPUT -m connlimit --connlimit-above 3 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with icmp-port-unreachable",
  "-A INPUT -m quota --quota 1000 -j ACCEPT",
  "-A INPUT -m devgroup --src-group 0x1 -j ACCEPT",
  "-A INPUT -m realm --realm 0x1 -j ACCEPT",
  "-A INPUT -m cpu --cpu 0 -j ACCEPT",
  "-A INPUT -m state --state INVALID -j DROP",
  '-A INPUT -m bpf --bytecode "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0" -j ACCEPT',
  "-A INPUT -p esp -m esp --espspi 1:2 -j ACCEPT",
  "-A INPUT -p ah -m ah --ahspi 1 -j ACCEPT",
  "-A INPUT -p tcp -m tcpmss --mss 1000:1500 -j ACCEPT",
  "-A INPUT -m cluster --cluster-local-nodemask 0x00000001 --cluster-total-nodes 2 --cluster-hash-seed 0xdeadbeef -j ACCEPT",
  "-A INPUT -p sctp -m sctp --chunk-types any INIT -j ACCEPT",
  "-A INPUT -p dccp -m dccp --dccp-types REQUEST -j ACCEPT",
  "-A INPUT -p ipcomp -m ipcomp --ipcompspi 1 -j ACCEPT",
  '-A INPUT -m connlabel --label "1" -j ACCEPT',
  "COMMIT",
  "*nat",
  ":PREROUTING ACCEPT [0:0]",
  ":INPUT ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  ":POSTROUTING ACCEPT [0:0]",
  "-A PREROUTING -p tcp -j DNAT --to-destination 198.51.100.2:8080",
  "-A PREROUTING -p tcp -j DNAT --to-destination 198.51.100.2:8080-8090/8000",
  "-A PREROUTING -p tcp -j DNAT --to-destination :8080",
  "-A PREROUTING -j NETMAP --to 198.51.100.0/24",
  "-A PREROUTING -p tcp -j REDIRECT --to-ports 3128",
  "-A PREROUTING -p tcp -j REDIRECT --to-ports 3128-3130 --random",
  "-A PREROUTING -p tcp -j REDIRECT",
  "-A POSTROUTING -o eth0 -p tcp -j MASQUERADE --to-ports 1024-65535 --random-fully",
  "-A POSTROUTING -o eth0 -j MASQUERADE",
  "-A POSTROUTING -p tcp -j SNAT --to-source 203.0.113.1-203.0.113.5:1000-2000 --persistent",
  "-A POSTROUTING -j SNAT --to-source 203.0.113.1 --random",
  "-A POSTROUTING -j SNAT --to-source 203.0.113.1 --random-fully",
  "-A POSTROUTING -j NETMAP --to 198.51.100.0/24",
  "COMMIT",
].join("\n");

/** `ip6tables-nft-save` of the IPv6 audit list (headers dropped). */
const SAVE6 = [
  "*mangle",
  ":PREROUTING ACCEPT [0:0]",
  ":INPUT ACCEPT [0:0]",
  ":FORWARD ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  ":POSTROUTING ACCEPT [0:0]",
  "-A PREROUTING -m hl --hl-eq 64 -j ACCEPT",
  "-A PREROUTING -m hl ! --hl-eq 64 -j ACCEPT",
  "-A PREROUTING -m hl --hl-gt 1 -j ACCEPT",
  "-A PREROUTING -m rt --rt-type 0 --rt-segsleft 0 -j DROP",
  "-A PREROUTING -m rt --rt-type 2 -j ACCEPT",
  "-A PREROUTING -m frag --fragid 1:10 --fragfirst -j ACCEPT",
  "-A PREROUTING -m frag --fragmore -j ACCEPT",
  "-A PREROUTING -m frag ! --fragid 5 -j ACCEPT",
  "-A PREROUTING -m hbh --hbh-len 0 -j ACCEPT",
  "-A PREROUTING -m hbh --hbh-opts 1:2,5 -j ACCEPT",
  "-A PREROUTING -m dst --dst-len 0 -j ACCEPT",
  "-A PREROUTING -m ipv6header --header ipv6-frag --soft -j ACCEPT",
  "-A PREROUTING -m ipv6header ! --header hop-by-hop,ipv6-opts -j ACCEPT",
  "-A PREROUTING -m ipv6header --header ipv6-nonxt -j ACCEPT",
  "-A PREROUTING -p mobility-header -m mh --mh-type 5 -j ACCEPT",
  "-A PREROUTING -p mobility-header -j ACCEPT",
  "-A PREROUTING -j HL --hl-set 64",
  "-A PREROUTING -j HL --hl-dec 1",
  "-A PREROUTING -p tcp -j TPROXY --on-port 8080 --on-ip 2001:db8::1 --tproxy-mark 0x1/0x1",
  "-A PREROUTING -j DSCP --set-dscp 0x0a",
  "-A PREROUTING -m dscp --dscp 0x0a -j ACCEPT",
  "-A PREROUTING -m tos --tos 0x10/0xff -j ACCEPT",
  "-A PREROUTING -j TOS --set-tos 0x10/0xff",
  "-A PREROUTING -m ecn --ecn-ip-ect 3 -j ACCEPT",
  "-A POSTROUTING -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
  "COMMIT",
  "*security",
  ":INPUT ACCEPT [0:0]",
  ":FORWARD ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  "-A INPUT -j ACCEPT",
  "COMMIT",
  "*raw",
  ":PREROUTING ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  "-A PREROUTING -j CT --notrack",
  "-A PREROUTING -p ipv6-icmp -j CT --zone 5",
  "COMMIT",
  "*filter",
  ":INPUT ACCEPT [0:0]",
  ":FORWARD ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT",
  "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT",
  "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1/3 -j ACCEPT",
  "-A INPUT -p ipv6-icmp -m icmp6 ! --icmpv6-type 134 -j ACCEPT",
  "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT",
  "-A INPUT -s fe80::/10 -d ff02::1/128 -j ACCEPT",
  "-A INPUT ! -s fe80::/10 -j ACCEPT",
  "-A INPUT -s 2001:db8::1/128 -j ACCEPT",
  "-A INPUT -s 2001:db8::/32 -j ACCEPT",
  "-A INPUT -m iprange --src-range 2001:db8::1-2001:db8::9 -j ACCEPT",
  "-A INPUT -p tcp -j REJECT --reject-with tcp-reset",
  "-A INPUT -j REJECT --reject-with icmp6-adm-prohibited",
  "-A INPUT -j REJECT --reject-with icmp6-adm-prohibited",
  "-A INPUT -j REJECT --reject-with icmp6-no-route",
  "-A INPUT -j REJECT --reject-with icmp6-port-unreachable",
  "-A INPUT -m conntrack --ctorigsrc 2001:db8::1 -j ACCEPT",
  "-A INPUT -m set --match-set foo6 src -j ACCEPT",
  "-A INPUT -m mac --mac-source 02:00:00:00:00:01 -j ACCEPT",
  "-A INPUT -m addrtype --dst-type MULTICAST -j ACCEPT",
  "-A INPUT -m length --length 0:1280 -j ACCEPT",
  "-A INPUT -m ah --ahspi 1 -j ACCEPT",
  "-A INPUT -m eui64 -j ACCEPT",
  "-A INPUT -d fe80::/64 -p udp -m udp --dport 546 -j ACCEPT",
  "COMMIT",
  "*nat",
  ":PREROUTING ACCEPT [0:0]",
  ":INPUT ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  ":POSTROUTING ACCEPT [0:0]",
  "-A PREROUTING -p tcp -j DNAT --to-destination [2001:db8::2]:8080",
  "-A PREROUTING -p tcp -j DNAT --to-destination 2001:db8::2",
  "-A PREROUTING -p tcp -j DNAT --to-destination [2001:db8::2-2001:db8::5]:80-90",
  "-A PREROUTING -j NETMAP --to 2001:db8:1::/64",
  "-A PREROUTING -p tcp -j REDIRECT --to-ports 8080",
  "-A POSTROUTING -o eth0 -j MASQUERADE",
  "-A POSTROUTING -j SNAT --to-source 2001:db8::1",
  "COMMIT",
].join("\n");

/** The rules of every table of the family read, in order. */
function rulesOf(text: string, family: "ip" | "ip6" | "bridge" = "ip"): Rule[] {
  const rs = parseXtablesRuleset(text, "t.rules");
  const fam = family === "ip" ? rs.ip : family === "ip6" ? rs.ip6 : rs.bridge;
  return [...(fam?.tables.values() ?? [])].flatMap((t) => [...t.chains.values()].flatMap((c) => c.rules));
}

/** `file:line:col message` of each diagnostic of `severity`. */
function diags(text: string, severity: "error" | "warning"): string[] {
  return parseXtablesRuleset(text, "t.rules")
    .diagnostics.filter((d) => d.severity === severity)
    .map((d) => `${d.position.line}:${d.position.column} ${d.message}`);
}

describe("every rule iptables-nft-save printed back is read", () => {
  const header = "# Generated by iptables-nft-save v1.8.9 (nf_tables) on Thu Dec  3 09:26:03 2026\n";
  it("IPv4, plain and with -c counters: no error", () => {
    expect(diags(header + SAVE4, "error")).toEqual([]);
    const counted = SAVE4.split("\n")
      .map((l) => (l.startsWith("-A ") ? `[0:0] ${l}` : l))
      .join("\n");
    expect(diags(header + counted, "error")).toEqual([]);
    expect(rulesOf(header + counted)).toHaveLength(rulesOf(header + SAVE4).length);
  });

  it("IPv6: no error", () => {
    const six = "# Generated by ip6tables-nft-save v1.8.9 (nf_tables) on Thu Dec  3 09:26:47 2026\n";
    expect(diags(six + SAVE6, "error")).toEqual([]);
    expect(rulesOf(six + SAVE6, "ip6").length).toBeGreaterThan(50);
  });

  it("DNAT's shifted port range (`/BASE`, revision 2) is an unmodelled target, not an error", () => {
    const save = `*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j DNAT --to-destination 198.51.100.2:8080-8090/8000\nCOMMIT\n`;
    expect(diags(save, "error")).toEqual([]);
    expect(diags(save, "warning")).toEqual(["3:22 target 'DNAT' is not modelled"]);
    expect(rulesOf(save)[0]?.target).toMatchObject({ kind: "unknown", name: "DNAT" });
    const six = `*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j DNAT --to-destination [2001:db8::2]:80-90/8000\nCOMMIT\n`;
    expect(diags(`# Generated by ip6tables-nft-save v1.8.9\n${six}`, "error")).toEqual([]);
  });

  it("an address range that is not one stays an error in a shifted DNAT", () => {
    const save = `*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j DNAT --to-destination 198.51.100.300:8080-8090/8000\nCOMMIT\n`;
    expect(diags(save, "error")).toEqual([
      "3:47 '198.51.100.300:8080-8090/8000' is not addr[-addr][:port[-port]]",
    ]);
  });

  it("TTL and HL are TTL targets, not targets that change nothing: -m ttl/-m hl and forwarding read what they set", () => {
    for (const [t, target] of [
      ["TTL --ttl-set 1", { kind: "TTL", op: "set", value: 1 }],
      ["TTL --ttl-dec 1", { kind: "TTL", op: "dec", value: 1 }],
      ["HL --hl-set 64", { kind: "TTL", op: "set", value: 64 }],
      ["HL --hl-inc 1", { kind: "TTL", op: "inc", value: 1 }],
    ] as const) {
      const save = `*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ${t}\nCOMMIT\n`;
      expect(rulesOf(save)[0]?.target, t).toEqual(target);
    }
  });

  it("targets that always go on and change nothing modelled (IDLETIMER, ...) leave the rules after them decided", () => {
    for (const t of ["IDLETIMER --timeout 10 --label foo", "CONNSECMARK --save"]) {
      const save = `*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ${t}\nCOMMIT\n`;
      expect(rulesOf(save)[0]?.target, t).toMatchObject({ kind: "unknown", continues: true });
    }
    const raw = "*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j CT --ctevents new,related\nCOMMIT\n";
    expect(rulesOf(raw)[0]?.target).toMatchObject({ kind: "unknown", continues: true });
  });
});

/** What the matches ask of the host, for a packet that is not bridged. */
const CTX: MatchContext = { bridged: false, ethType: "0x0800", addrType: () => "UNICAST" };

/** An ICMP echo request from 198.51.100.1 to 198.51.100.2 with TOS byte `tos`. */
function ping(tos: number): SimPacket {
  return icmpPacket({ src: "198.51.100.1", dst: "198.51.100.2", tos });
}

/**
 * `-m ecn --ecn-ip-ect` against `ping -c1 -W1 -Q TOS` from one namespace to the other: the rules'
 * counters after each ping (iptables-nft-save -c), by TOS byte sent. xt_ecn compares the TOS byte's
 * two low bits.
 */
const ECN_COUNTED: [match: string, tosCounted: number[]][] = [
  ["-m ecn --ecn-ip-ect 1", [0x01, 0x11]],
  ["-m ecn ! --ecn-ip-ect 1", [0x03, 0x10]],
  ["-m ecn --ecn-ip-ect 3", [0x03]],
  ["-m ecn --ecn-ip-ect 0", [0x10]],
];

describe("-m ecn as the kernel counted it", () => {
  const sent = [0x01, 0x03, 0x10, 0x11];
  for (const [match, counted] of ECN_COUNTED)
    it(match, () => {
      const rule = rulesOf(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p icmp ${match}\nCOMMIT\n`)[0] as Rule;
      expect(rule.conditions.some((c) => c.kind === "unknown")).toBe(false);
      const matched = sent.map((tos) => matchRule(rule, ping(tos), CTX));
      expect(matched).toEqual(sent.map((tos) => counted.includes(tos)));
    });

  it("--ecn-tcp-ece / --ecn-tcp-cwr test the TCP flag, each inverted on its own (xt_ecn.c)", () => {
    const rule = rulesOf(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m ecn ! --ecn-tcp-ece --ecn-tcp-cwr\nCOMMIT\n",
    )[0] as Rule;
    const seg = (flags: string[]): SimPacket => ({
      ...ping(0),
      proto: "tcp",
      icmpType: undefined,
      icmpCode: undefined,
      sport: 40000,
      dport: 22,
      tcpFlags: flags,
    });
    expect(matchRule(rule, seg(["SYN", "CWR"]), CTX)).toBe(true);
    expect(matchRule(rule, seg(["SYN", "ECE", "CWR"]), CTX)).toBe(false);
    expect(matchRule(rule, seg(["SYN"]), CTX)).toBe(false);
  });
});

/** `ebtables-nft-save -c` as printed (an ebtables-nft 1.8.9 chain MYC, rules added with ebtables-nft). */
const EBT_SAVE_C = `# Generated by ebtables-nft-save v1.8.9 (nf_tables) on Thu Dec  3 09:27:50 2026
*filter
:INPUT ACCEPT
:FORWARD ACCEPT
:OUTPUT ACCEPT
:MYC ACCEPT
[0:0] -A FORWARD --mark 0x5 -j ACCEPT
[0:0] -A FORWARD --mark /0x1 -j ACCEPT
[0:0] -A FORWARD --mark ! 0x5/0xff -j ACCEPT
[0:0] -A FORWARD --mark ! 0x6/0xff -j ACCEPT
[0:0] -A FORWARD --nflog-group 1 -j ACCEPT
[0:0] -A FORWARD --nflog-group 3 -j MYC
[0:0] -A FORWARD -j MYC
[0:0] -A MYC -j RETURN
# Completed on Thu Dec  3 09:27:50 2026
`;

/** `ebtables-nft -L --Ln --Lc` of the same rules: numbers without a dot, counters after. */
const EBT_LIST = `Bridge table: filter

Bridge chain: INPUT, entries: 0, policy: ACCEPT

Bridge chain: FORWARD, entries: 7, policy: ACCEPT
1 --mark 0x5 -j ACCEPT , pcnt = 0 -- bcnt = 0
2 --mark /0x1 -j ACCEPT , pcnt = 0 -- bcnt = 0
3 --mark ! 0x5/0xff -j ACCEPT , pcnt = 0 -- bcnt = 0
4 --mark ! 0x6/0xff -j ACCEPT , pcnt = 0 -- bcnt = 0
5 --nflog-group 1 -j ACCEPT , pcnt = 0 -- bcnt = 0
6 --nflog-group 3 -j MYC , pcnt = 0 -- bcnt = 0
7 -j MYC , pcnt = 0 -- bcnt = 0

Bridge chain: OUTPUT, entries: 0, policy: ACCEPT

Bridge chain: MYC, entries: 1, policy: RETURN
1 -j RETURN , pcnt = 0 -- bcnt = 0
`;

describe("ebtables-nft's own forms", () => {
  const plain = EBT_SAVE_C.replace(/^\[\d+:\d+\] /gm, "");
  for (const [name, text] of [
    ["ebtables-nft-save (its header names ebtables-nft-save)", plain],
    ["ebtables-nft-save -c ([pkts:bytes] before each rule)", EBT_SAVE_C],
    ["ebtables-nft -L --Ln --Lc", EBT_LIST],
  ] as const)
    it(`${name}: bridge rules, marks read, nflog a watcher, jumps to MYC`, () => {
      expect(diags(text, "error")).toEqual([]);
      expect(diags(text, "warning")).toEqual([]);
      const rules = rulesOf(text, "bridge");
      expect(rules.map((r) => r.text)).toEqual(
        [
          "--mark 0x5 -j ACCEPT",
          "--mark /0x1 -j ACCEPT",
          "--mark ! 0x5/0xff -j ACCEPT",
          "--mark ! 0x6/0xff -j ACCEPT",
          "--nflog-group 1 -j ACCEPT",
          "--nflog-group 3 -j MYC",
          "-j MYC",
          "-j RETURN",
        ].map((t, i) => (text === EBT_LIST ? t : `-A ${rules[i]?.chain} ${t}`)),
      );
      expect(rules.map((r) => r.conditions)).toEqual([
        [{ kind: "mark", value: 5, mask: 0xffffffff, neg: false }],
        [{ kind: "mark", value: 0, mask: 1, neg: true }],
        [{ kind: "mark", value: 5, mask: 0xff, neg: true }],
        [{ kind: "mark", value: 6, mask: 0xff, neg: true }],
        [],
        [],
        [],
        [],
      ]);
      expect(rules.map((r) => r.target.kind)).toEqual([
        "ACCEPT",
        "ACCEPT",
        "ACCEPT",
        "ACCEPT",
        "ACCEPT",
        "jump",
        "jump",
        "RETURN",
      ]);
    });

  it("ebtables-nft-save's header alone starts the bridge rules after an iptables-save", () => {
    const text = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n${plain}`;
    expect(diags(text, "error")).toEqual([]);
    expect(rulesOf(text, "bridge")).toHaveLength(8);
  });
});

/**
 * iptables-nft-save of a namespace whose tables iptables-nft and nft both wrote (`nft add rule ip nat
 * POSTROUTING ... masquerade fully-random`, `nft add chain ip filter extra { type filter hook forward
 * priority 5; }`): it names what it leaves out in a comment, which is no longer passed over silently.
 */
const INCOMPATIBLE_SAVE = `# Table \`filter' contains incompatible base-chains, use 'nft' tool to list them.
# Generated by iptables-nft-save v1.8.9 (nf_tables) on Thu Dec  3 09:31:51 2026
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 198.51.100.1/32 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22
COMMIT
# Completed on Thu Dec  3 09:31:51 2026
# Table \`nat' is incompatible, use 'nft' tool.
`;

describe("what iptables-nft-save leaves out", () => {
  it("a table or base chains it could not print are warnings at their comment", () => {
    expect(diags(INCOMPATIBLE_SAVE, "error")).toEqual([]);
    expect(diags(INCOMPATIBLE_SAVE, "warning")).toEqual([
      "1:1 chains of table 'filter' are left out: iptables-nft-save could not print them (nft chains of the host's own), so their rules are not simulated",
      "11:1 table 'nat' is left out: iptables-nft-save could not print it (it holds nft rules of the host's own), so its rules are not simulated",
    ]);
    expect(rulesOf(INCOMPATIBLE_SAVE)).toHaveLength(2);
  });
});

/**
 * A restore file with family markers, as iptables-nft-restore and iptables-legacy-restore took it
 * (rc 0): iptables-save listed the `-4` rules (also `-4 -A ...`) and `-c 5 10` as `[5:10]`, and
 * left the `-6` rule out; ip6tables-nft-restore of the same lines kept only the `-6` rule.
 */
const MARKED = `*filter
:INPUT ACCEPT [0:0]
-A INPUT -4 -s 198.51.100.1 -j ACCEPT
-A INPUT -6 -s 2001:db8::1 -j ACCEPT
-4 -A INPUT -s 198.51.100.2 -j DROP
-A INPUT -c 5 10 -j ACCEPT
COMMIT
`;

describe("-m ecn values as libxt_ecn reads them", () => {
  it("takes --ecn-ip-ect in hex or with a leading zero, and refuses 4", () => {
    for (const v of ["1", "0x1", "01"]) {
      const save = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m ecn --ecn-ip-ect ${v} -j ACCEPT\nCOMMIT\n`;
      expect(diags(save, "error"), v).toEqual([]);
      expect(rulesOf(save)[0]?.conditions, v).toEqual([{ kind: "tos", values: [1], mask: 3, neg: false }]);
    }
    const four = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m ecn --ecn-ip-ect 4 -j ACCEPT\nCOMMIT\n`;
    expect(diags(four, "error")).toHaveLength(1);
  });
});

describe("-4 and -6 in a restore file", () => {
  it("iptables keeps the -4 rules and skips the -6 one, without an error", () => {
    expect(diags(`# Generated by iptables-save v1.8.9\n${MARKED}`, "error")).toEqual([]);
    expect(
      rulesOf(`# Generated by iptables-save v1.8.9\n${MARKED}`).map((r) => [r.line, r.target.kind]),
    ).toEqual([
      [4, "ACCEPT"],
      [6, "DROP"],
      [7, "ACCEPT"],
    ]);
  });

  it("ip6tables keeps the -6 rule only", () => {
    const six = `# Generated by ip6tables-save v1.8.9\n${MARKED.replace(/^-A INPUT -c.*\n/m, "")}`;
    expect(diags(six, "error")).toEqual([]);
    expect(rulesOf(six, "ip6").map((r) => r.line)).toEqual([5]);
  });

  it("a -6 that is an option's value (getopt gives it to the option) is no marker: the rule is kept", () => {
    for (const rule of [
      "-A INPUT -m comment --comment -6 -j ACCEPT",
      "-A INPUT -m recent --name -6 --set -j ACCEPT",
      "-A INPUT -m hashlimit --hashlimit-upto 5/sec --hashlimit-name -6 -j ACCEPT",
    ]) {
      const save = `*filter\n:INPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`;
      expect(rulesOf(save), rule).toHaveLength(1);
    }
  });
});

/**
 * ebtables' mark target and match as the kernel ran them: three namespaces, two veths on a bridge in
 * the middle, `ping -c1 -W1` across it; these rules in the bridge's FORWARD chain (ebtables-nft),
 * with the packets `ebtables-nft-save -c` counted (2: the request and the reply; the ARP frames went
 * to the last rule).
 */
const EBT_MARK_COUNTED: [rule: string, packets: number][] = [
  ["-A FORWARD -p IPv4 --mark 0x0 -j CONTINUE", 2],
  ["-A FORWARD -p IPv4 -j mark --mark-set 0x5 --mark-target CONTINUE", 2],
  ["-A FORWARD -p IPv4 --mark 0x5 -j CONTINUE", 2],
  ["-A FORWARD -p IPv4 -j mark --mark-or 0x2 --mark-target CONTINUE", 2],
  ["-A FORWARD -p IPv4 --mark 0x7 -j CONTINUE", 2],
  ["-A FORWARD -p IPv4 --mark 0x2/0x2 -j CONTINUE", 2],
  ["-A FORWARD -p IPv4 --mark 0x5/0x4 -j CONTINUE", 0],
  ["-A FORWARD -p IPv4 --mark ! 0x7 -j CONTINUE", 0],
  ["-A FORWARD -p IPv4 -j mark --mark-and 0x6 --mark-target CONTINUE", 2],
  ["-A FORWARD -p IPv4 --mark 0x6 -j CONTINUE", 2],
  ["-A FORWARD -p IPv4 -j mark --mark-xor 0x3 --mark-target RETURN", 2],
  ["-A FORWARD -p IPv4 -j DROP", 0],
  ["-A FORWARD -p ARP -j ACCEPT", 2],
];

describe("ebtables -j mark and --mark as the kernel counted them", () => {
  /** The docker-bridge lab's c1 pinging c2 across docker0, with `rules` in the bridge FORWARD chain. */
  const fate = (rules: string[]) => {
    const base = rulesetText("docker-28");
    const text = `${base}\n# Generated by ebtables-nft-save v1.8.9 (nf_tables)\n*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${rules.join("\n")}\n`;
    const ruleset = parseXtablesRuleset(text, "t.rules");
    expect(
      ruleset.diagnostics.filter((d) => d.position.line > base.split("\n").length || d.severity === "error"),
    ).toEqual([]);
    const l = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
    const w = { topology: buildTopology(l), ruleset, ebtables: l.ebtables, sysctls: l.sysctls };
    const p = runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0];
    return {
      fate: p?.fate.kind === "dropped" ? `dropped at ${p.fate.hook}` : p?.fate.kind,
      unmodelled: p?.unmodelled,
    };
  };

  it("the request and reply cross: the rules the kernel counted 0 for stay untaken", () => {
    // A rule the kernel never took becomes a DROP: the ping still crosses only if the simulator agrees.
    const rules = EBT_MARK_COUNTED.map(([r, n]) =>
      n === 0 && r.includes("--mark") ? r.replace("CONTINUE", "DROP") : r,
    );
    expect(fate(rules)).toEqual({ fate: "delivered", unmodelled: [] });
  });

  it("each mark the kernel matched is the packet's mark there", () => {
    // A match the kernel took, inverted into a DROP: it drops only if the simulator's mark differs.
    const rules = EBT_MARK_COUNTED.filter(([r]) => !r.includes("-j DROP")).map(([r, n]) =>
      n === 2 && / --mark 0x/.test(r) ? r.replace("--mark ", "--mark ! ").replace("CONTINUE", "DROP") : r,
    );
    expect(fate(rules)).toEqual({ fate: "delivered", unmodelled: [] });
  });

  it("--mark-target RETURN returns, and a mark target without one accepts", () => {
    expect(
      fate(
        EBT_MARK_COUNTED.map(([r]) =>
          r.replace("--mark-xor 0x3 --mark-target RETURN", "--mark-xor 0x3 --mark-target DROP"),
        ),
      ),
    ).toEqual({
      fate: "dropped at bridge:filter:FORWARD",
      unmodelled: [],
    });
    const rules = [
      "-A FORWARD -p IPv4 -j mark --mark-set 0x5 --mark-target ACCEPT",
      "-A FORWARD -p IPv4 -j DROP",
    ];
    expect(fate(rules).fate).toBe("delivered");
  });
});

describe("a chain line with text after its counters", () => {
  // iptables-restore 1.8.9 loaded this (a router's dump with comments); iptables-save printed the chain back.
  it("is read as the chain, the text ignored as iptables-restore ignores it", () => {
    const r = parseXtablesRuleset(
      "*filter\n:INPUT ACCEPT [0:0]\n:ts-forward - [0:0]    # created by Tailscale\n:FORWARD DROP # policy\n-A INPUT -j ts-forward\nCOMMIT\n",
    );
    expect(r.diagnostics).toEqual([]);
    const filter = r.ip.tables.get("filter");
    expect(filter?.chains.get("FORWARD")?.policy).toBe("DROP");
    expect(filter?.chains.has("ts-forward")).toBe(true);
  });
});

describe("an iprange whose first address is above its last", () => {
  // iptables-restore 1.8.9 loaded both rules, printing "xt_iprange: range 10.0.0.9-10.0.0.1 is reversed
  // and will never match"; the reader refused the file ("--dst-range needs an address range").
  const text =
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m iprange --dst-range 10.0.0.9-10.0.0.1 -j ACCEPT\n-A INPUT -m iprange ! --src-range 10.0.0.9-10.0.0.1 -j DROP\nCOMMIT\n";
  const r = parseXtablesRuleset(text);

  it("is taken with iptables' warning: the range never matches, and inverted always holds", () => {
    expect(
      r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity} ${d.message}`),
    ).toEqual(["3:21 warning match '--dst-range 10.0.0.9-10.0.0.1' never matches: the rule is never taken"]);
    const rules = r.ip.tables.get("filter")?.chains.get("INPUT")?.rules ?? [];
    const packet = icmpPacket({ src: "10.0.0.5", dst: "10.0.0.5" });
    expect(rules.map((rule) => matchRule(rule, packet, CTX))).toEqual([false, true]);
  });
});
