/**
 * The zh-TW rule notes are spaced as the zh-TW lessons, traces and playground strings are (Taiwan
 * practice): a half-width space between a Chinese character and a Latin letter or digit (`如果 mark
 * 是 0x1`), none beside full-width punctuation (`（SNAT），改成`), none between two Chinese characters.
 * One exception, stated here: what the rule's author wrote inside 「」 (a comment, a log prefix) is
 * quoted as written.
 */
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule, joinZh } from "../../../src/core/render/explain-rule.ts";

/** iptables-save and ebtables rules: addresses, masks, ports, interfaces, marks, states, targets and their options. */
const IPTABLES = [
  "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
  "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
  "-A INPUT -i eth0 -s 192.0.2.1 -d 198.51.100.0/24 -p udp --sport 53 --dport 1024:65535 -j ACCEPT",
  "-A INPUT ! -p tcp -j DROP",
  "-A INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT",
  "-A PREROUTING -m mark --mark 0x1 -j MARK --set-xmark 0x2/0xffffffff",
  "-A PREROUTING -m mark --mark 0x100/0xff00 -j ACCEPT",
  "-A PREROUTING -m mark ! --mark 0x101/0xff00 -j ACCEPT",
  "-A PREROUTING -m connmark --mark 0x1/0xf -j ACCEPT",
  "-A INPUT -s 10.0.0.0/255.0.255.0 -j DROP",
  "-A INPUT ! -d 10.0.0.2/0.0.0.255 -j DROP",
  "-A INPUT -s fd00::/ffff:0:0:0:0:0:0:ff -j DROP",
  "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
  "-A PREROUTING -m conntrack --ctstate DNAT -j ACCEPT",
  "-A INPUT -m conntrack ! --ctstate NEW,SNAT -j DROP",
  "-A INPUT -m conntrack --ctstate UNTRACKED --ctorigsrc 10.0.0.0/255.0.0.255 -j ACCEPT",
  "-A INPUT -m conntrack --ctorigdst 10.0.0.1 --ctorigdstport 80 -j ACCEPT",
  "-A INPUT -p icmp --icmp-type 8 -m limit --limit 1/s --limit-burst 5 -j ACCEPT",
  "-A INPUT -m ttl --ttl-lt 5 -j DROP",
  "-A INPUT -m hl --hl-eq 255 -j ACCEPT",
  "-A INPUT -m tos --tos 0x10 -j ACCEPT",
  "-A INPUT -m dscp --dscp 10 -j ACCEPT",
  '-A INPUT -p tcp --tcp-flags SYN,ACK SYN -j LOG --log-prefix "IN: "',
  "-A INPUT -m set --match-set pairs src,dst --packets-gt 10 -j DROP",
  "-A INPUT -j SET --add-set seen src --timeout 60",
  "-A INPUT -m recent --set --name ssh --rsource -p tcp --dport 22",
  "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff",
  "-A PREROUTING -j MARK --or-mark 0x4",
  "-A PREROUTING -j MARK --set-mark 0x1 --left-shift-mark 2",
  "-A PREROUTING -i br0 -j CT --zone 1",
  "-A POSTROUTING -j SNAT --to-source 198.51.100.2 --random",
  "-A OUTPUT -p tcp --dport 80 -j REDIRECT --to-ports 8080",
  "-A INPUT -m addrtype --src-type BROADCAST --limit-iface-in -j DROP",
  '-A INPUT -m comment --comment "ssh連線" -p tcp --dport 22 -j REJECT --reject-with tcp-reset',
  "-A INPUT -j NFLOG --nflog-prefix x --nflog-group 2",
  "-A INPUT -m pkttype --pkt-type PACKET_HOST -j ACCEPT",
  "-A INPUT -m length --length 100:200 -j ACCEPT",
  "-A FORWARD -g DOCKER-ISOLATION",
  "--logical-in br0 -p IPv4 --ip-src 10.0.0.1 --ip-proto udp --ip-dport 53 -j ACCEPT",
  "-p ARP --log-level info --log-prefix arp --log-arp -j ACCEPT",
  "-d ff:ff:ff:ff:ff:ff --pkttype-type broadcast -j DROP",
];

/** nftables rules whose notes are assembled from words of their own. */
const NFT = [
  'iifname "docker0" oifname != "docker0" accept',
  "ct state established,related accept",
  "meta mark 0x1 accept",
  "meta mark & 0xff00 == 0x100 accept",
  "meta mark & 0xff00 != 0x101 accept",
  "ct mark & 0xff == 0x1 meta mark set ct mark",
  "ip saddr & 0.0.0.255 == 0.0.0.2 accept",
  "ip saddr & 255.0.255.0 != 10.0.1.0 drop",
  "ip6 saddr & ::ffff == ::1 accept",
  "ip saddr 10.0.0.0/8 ip daddr 192.0.2.1 tcp dport 22 accept",
  "tcp dport & 0xff00 == 0x100 accept",
  "tcp dport & 0x0f0f == 0x0101 accept",
  "tcp dport & 0xff00 { 0x100, 0x200 } accept",
  "tcp dport & 0xff00 != { 0x100, 0x2ff } accept",
  "ip ttl & 0xf0 == 0x40 accept",
  "ct reply ip daddr & 255.0.0.255 == 10.0.0.1 accept",
  "ct zone set 1",
  "ct original zone set 4097",
  "ip daddr 10.0.0.1 dnat to 172.17.0.2:80",
  "snat to 198.51.100.2 fully-random",
  "masquerade random",
  "tcp flags syn / fin,syn,rst,ack drop",
  'iifname "eth0" tcp dport 22 counter comment "ssh連線" accept',
  "notrack",
];

/**
 * nftables rules whose notes join statements, maps and matches written after a verdict map (once
 * `然後tcp`, `若mark`, `依TCP 目的埠`, `map的`): joined with {@link joinZh} in explain-nft-rule.ts.
 */
const NFT_JOINED_ELSEWHERE = [
  "meta mark set 0x1 tcp dport 22 accept",
  "tcp dport vmap { 22 : continue } meta mark 0x1 accept",
  "tcp dport vmap { 22 : accept, 80 : drop }",
];

/** The note without what its rule's author wrote inside 「」 (the one exception). */
const authored = (zh: string) => zh.replace(/「[^」]*」/g, "「」");

/** Where `zh` breaks the spacing of the zh-TW pages, or an empty list. */
function spacingFaults(zh: string): string[] {
  const text = authored(zh);
  return [
    ...text.matchAll(/[\u3400-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u3400-\u9fff]/g),
    ...text.matchAll(/[\u3000-\u303f\uff00-\uffef] | [\u3000-\u303f\uff00-\uffef]/g),
    ...text.matchAll(/[\u3400-\u9fff] [\u3400-\u9fff]/g),
  ].map((m) => `'${m[0]}' at ${m.index}`);
}

describe("the zh-TW rule notes, spaced as the zh-TW pages are", () => {
  it.each(IPTABLES)("iptables %s", (rule) => {
    const zh = explainRule(rule)["zh-TW"];
    expect(spacingFaults(zh), zh).toEqual([]);
  });

  it.each(NFT)("nft %s", (rule) => {
    const zh = explainNftRule(rule)["zh-TW"];
    expect(spacingFaults(zh), zh).toEqual([]);
  });

  it.each(NFT_JOINED_ELSEWHERE)("nft %s (joined in explain-nft-rule.ts)", (rule) => {
    const zh = explainNftRule(rule)["zh-TW"];
    expect(spacingFaults(zh), zh).toEqual([]);
  });

  it("keeps the author's words inside 「」 as written", () => {
    const zh = explainRule('-A INPUT -m comment --comment "ssh連線" -j ACCEPT')["zh-TW"];
    expect(zh).toContain("（註解：「ssh連線」）");
  });
});

describe("joinZh", () => {
  it("spaces a Chinese character from a Latin word or a number, and nothing else", () => {
    expect(joinZh(["如果", joinZh(["mark 是 0x1", "來源是 10.0.0.1"], "且")])).toBe(
      "如果 mark 是 0x1 且來源是 10.0.0.1",
    );
    expect(joinZh(["改寫目的地（DNAT）", "，", "改成 172.17.0.2:80"])).toBe(
      "改寫目的地（DNAT），改成 172.17.0.2:80",
    );
    expect(joinZh(["從 eth0 進來", "是協定 tcp"], "且")).toBe("從 eth0 進來且是協定 tcp");
    expect(joinZh(["TCP", "eth0"], " ")).toBe("TCP eth0");
    expect(joinZh([])).toBe("");
  });
});
