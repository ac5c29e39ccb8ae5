import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const rulesets = join(import.meta.dirname, "../../../traces/docker-bridge-nft/rulesets");
const docker = parseRulesetFile(
  readFileSync(join(rulesets, "docker-29-nft-forward-drop-fixed.rules"), "utf8"),
);
const bridges = docker.nft?.find((t) => t.name === "docker-bridges");

describe("explainNftRule", () => {
  it("names a port forward map's elements, and says when the map is not in the ruleset", () => {
    const file = join(import.meta.dirname, "../../fixtures/simulate/nft-nat-map/nft-list.nft");
    const nat = parseRulesetFile(readFileSync(file, "utf8")).nft?.find((t) => t.name === "nat");
    const n = explainNftRule('iifname "eth0" dnat ip to tcp dport map @portfwd', nat?.sets);
    expect(n.en).toBe(
      "from eth0: rewrite the destination to what map @portfwd gives for the TCP destination port (DNAT; 2222 → 192.168.1.20 . 22, 8080 → 192.168.1.30 . 80; any other: next rule), which accepts (ends this base chain only)",
    );
    expect(n["zh-TW"]).toContain("把目的地改成 map @portfwd 依");
    expect(n.unknown).toEqual([]);
    expect(explainNftRule("snat to ip saddr map @gone").en).toBe(
      "every packet: rewrite the source to what map @gone gives for the source address (SNAT; map @gone is not in this ruleset; a key it lacks: next rule), which accepts (ends this base chain only)",
    );
  });

  it("says a prefix NAT maps into its whole prefix, each host keeping its bits, and a range NAT picks one of its addresses", () => {
    for (const text of [
      'oifname "eth0" snat ip prefix to 198.51.100.64/26',
      'oifname "eth0" snat prefix to 198.51.100.64/26',
    ])
      expect(explainNftRule(text).en, text).toBe(
        "to eth0: map the source into 198.51.100.64-198.51.100.127, each host keeping its host bits (SNAT prefix), which accepts (ends this base chain only)",
      );
    expect(explainNftRule("ip daddr 198.51.100.64/26 dnat ip prefix to 192.0.2.0/26")["zh-TW"]).toBe(
      "目的位址是 198.51.100.64/26：把目的地對應到 192.0.2.0-192.0.2.63，每台主機保留自己的主機位元（DNAT prefix），並接受（只結束這個 base chain）",
    );
    expect(explainNftRule('oifname "eth0" snat to 198.51.100.0/30').en).toBe(
      "to eth0: rewrite the source to one address of 198.51.100.0-198.51.100.3 (SNAT), which accepts (ends this base chain only)",
    );
    expect(explainNftRule("tcp dport 8080 dnat ip to 172.17.0.2:80").en).toBe(
      "to tcp port 8080: rewrite the destination to 172.17.0.2:80 (DNAT), which accepts (ends this base chain only)",
    );
  });

  it("phrases an interface pair, and says an accept ends only its base chain", () => {
    const n = explainNftRule('iifname "docker0" oifname != "docker0" accept');
    expect(n.en).toBe("from docker0 to another interface: accept (ends this base chain only)");
    expect(n["zh-TW"]).toBe("從 docker0 進來、往其他介面出去：接受（只結束這個 base chain）");
    expect(n.unknown).toEqual([]);
  });

  it("says a drop is final, and keeps the rule's comment", () => {
    const n = explainNftRule(
      'ip daddr 172.17.0.2 iifname != "docker0" counter drop comment "DROP DIRECT ACCESS"',
    );
    expect(n.en).toBe(
      'not from docker0, to 172.17.0.2: drop (final: the packet ends here) (comment: "DROP DIRECT ACCESS")',
    );
    expect(n["zh-TW"]).toContain("丟棄（最終結果：封包到此為止）");
  });

  it("names the chain a verdict map jumps to for each interface, from the table's maps", () => {
    const n = explainNftRule("oifname vmap @filter-forward-in-jumps", bridges?.sets);
    expect(n.en).toBe(
      "jumps to the chain named for the output interface (map @filter-forward-in-jumps: docker0 → jump filter-forward-in__docker0; any other: next rule)",
    );
    expect(n["zh-TW"]).toBe(
      "跳到送出介面對應的 chain（map @filter-forward-in-jumps：docker0 → jump filter-forward-in__docker0；其他：下一條規則）",
    );
    // Without the table's maps it says so rather than inventing elements.
    expect(explainNftRule("oifname vmap @filter-forward-in-jumps").en).toBe(
      "jumps to the chain named for the output interface (map @filter-forward-in-jumps is not in this ruleset)",
    );
    // An anonymous verdict map names its own elements.
    expect(explainNftRule("meta mark vmap { 0x1 : accept, 0x2 : drop }").en).toBe(
      "takes the verdict the rule's map gives for the mark (0x1 → accept, 0x2 → drop; any other: next rule)",
    );
  });

  it("explains fib, conntrack, NAT and marks", () => {
    expect(explainNftRule("fib daddr type local counter jump nat-prerouting-and-output").en).toBe(
      "to an address of this host: continue in chain nat-prerouting-and-output, then come back",
    );
    expect(explainNftRule("ct state established,related counter accept").en).toBe(
      "part of a connection conntrack already knows (established or related): accept (ends this base chain only)",
    );
    expect(explainNftRule("ct state established,related counter accept")["zh-TW"]).toBe(
      "屬於 conntrack 已知的連線（已建立或相關）：接受（只結束這個 base chain）",
    );
    // (A port needs a transport protocol before it: nft refuses `dnat ip to 172.17.0.2:80` alone.)
    expect(explainNftRule("meta l4proto tcp dnat ip to 172.17.0.2:80").en).toBe(
      "tcp: rewrite the destination to 172.17.0.2:80 (DNAT), which accepts (ends this base chain only)",
    );
    expect(explainNftRule('iifname != "docker0" tcp dport 8080 counter dnat to 172.17.0.2:80').en).toMatch(
      /^not from docker0, to tcp port 8080: rewrite the destination to 172\.17\.0\.2:80/,
    );
    expect(explainNftRule("masquerade").en).toContain("outgoing interface's address (masquerade)");
    expect(explainNftRule("meta mark 0x1 accept").en).toBe(
      "whose mark is 0x1: accept (ends this base chain only)",
    );
    expect(explainNftRule("meta mark & 0x3 == 0x2 counter accept")["zh-TW"]).toBe(
      "mark 與 0x3 遮罩後是 0x2：接受（只結束這個 base chain）",
    );
    expect(explainNftRule("meta mark set 0x1").en).toBe(
      "every packet: set its mark to 0x1, then go on with the next rule",
    );
  });

  it("says a statement written before a match acts on every packet that gets there, one after a map only when the rule goes on", () => {
    // As nft evaluates a rule left to right (test/fixtures/simulate/nft-statement-order, checked against the kernel).
    const early = explainNftRule('log prefix "pw-early " meta mark set 0x7 tcp dport 7000 accept');
    expect(early.en).toBe(
      'every packet: write it to the kernel log with prefix "pw-early ", then set its mark to 0x7; then, to tcp port 7000: accept (ends this base chain only)',
    );
    expect(early["zh-TW"]).toBe(
      "所有封包：記錄到 kernel log，前綴為「pw-early 」，然後把 mark 設為 0x7；然後 tcp 目的埠是 7000：接受（只結束這個 base chain）",
    );
    expect(explainNftRule("tcp dport 7002 ct mark set 0x9 ct mark 0x9 drop").en).toBe(
      // `ct mark set` does nothing without a connection; the `ct mark` read after it breaks the rule (kernel 6.18).
      "to tcp port 7002: set its connection's mark to 0x9; then, whose connection's mark is 0x9 (a packet without a connection, e.g. untracked, ends the rule at 'ct mark': no match, nothing after it runs): drop (final: the packet ends here)",
    );
    expect(explainNftRule("meta mark set 0x1 tcp dport 7000").en).toBe(
      "every packet: set its mark to 0x1; then, to tcp port 7000: no verdict, go on with the next rule",
    );
    expect(explainNftRule('iifname "eth0" tcp dport vmap { 9997 : continue } meta mark set 0x6').en).toBe(
      "from eth0: takes the verdict the rule's map gives for the TCP destination port (9997 → continue; any other: next rule), then if the rule goes on past that, set its mark to 0x6",
    );
    // Written after every match: said as before.
    expect(explainNftRule("tcp dport 7000 meta mark set 0x7 accept").en).toBe(
      "to tcp port 7000: set its mark to 0x7, then accept (ends this base chain only)",
    );
  });

  it("names the unexplained match a statement written after it depends on, and keeps a NAT's family to the NAT", () => {
    // Only the packets the limit lets through get the mark (the rule stops at the limit for the rest).
    expect(explainNftRule("limit rate 1/second meta mark set 0x5 tcp dport 8080 accept").en).toBe(
      "packets that pass 'limit rate 1/second': set its mark to 0x5; then, to tcp port 8080: accept (ends this base chain only) (expression 'limit rate 1/second': not explained by packetwalk)",
    );
    const logged = explainNftRule('ct state new limit rate 1/second log prefix "x " tcp dport 22 accept');
    expect(logged.en).toMatch(
      /^connection state new, packets that pass 'limit rate 1\/second': write it to the kernel log with prefix "x "; then, to tcp port 22: accept/,
    );
    expect(logged["zh-TW"]).toContain("通過「limit rate 1/second」的封包：記錄到 kernel log");
    // notrack lets every packet on: the mark after it is set for all that reach it.
    const nt = explainNftRule("tcp dport 9999 notrack meta mark set 0x7 accept");
    expect(nt.en).toBe(
      "to tcp port 9999: leave it untracked if conntrack has not seen it yet (no connection, no NAT), then set its mark to 0x7, then accept (ends this base chain only)",
    );
    expect(nt.unknown).toEqual([]);
    const zone = explainNftRule('iifname "br0" ct original zone set 1');
    expect(zone.en).toBe(
      "from br0: if conntrack has not seen it yet (untracked too), look it up in conntrack zone 1 (original direction), then go on with the next rule",
    );
    // nft's template replaces an untracked mark, xt_CT's does not (kernel 6.18, nft-notrack-ct-state).
    expect(zone["zh-TW"]).toContain(
      "若 conntrack 尚未看到它（未追蹤的也算），在 conntrack zone 1（原方向）查找它的連線",
    );
    expect(zone.unknown).toEqual([]);
    expect(explainNftRule("ct zone 1 accept").en).toBe(
      "the connection's conntrack zone is 1 (a packet without a connection, e.g. untracked, ends the rule at 'ct zone': no match, nothing after it runs): accept (ends this base chain only)",
    );
    const nat = explainNftRule("meta l4proto tcp meta mark set 0x1 dnat ip6 to [fd00::1]:80");
    expect(nat.en).toMatch(/^tcp: set its mark to 0x1; then, an IPv6 packet: rewrite the destination to /);
  });

  it("writes an IPv6 NAT address before a port in brackets, and says the family once", () => {
    // `fd00::1:80` would read as one address.
    expect(explainNftRule("meta nfproto ipv6 tcp dport 1 dnat ip6 to [fd00::1]:80").en).toBe(
      "an IPv6 packet, to tcp port 1: rewrite the destination to [fd00::1]:80 (DNAT), which accepts (ends this base chain only)",
    );
    expect(explainNftRule("meta l4proto tcp snat ip6 to fd00::2/127:100")["zh-TW"]).toContain(
      "把來源改成 [fd00::2]-[fd00::3]:100 其中一個位址（SNAT）",
    );
    expect(explainNftRule("tcp dport 8081 dnat ip6 to fd00::1").en).toContain(
      "rewrite the destination to fd00::1 (DNAT)",
    );
  });

  it("says what is written after a verdict map acts only when the map's element goes on", () => {
    expect(
      explainNftRule(
        "tcp dport vmap { 9999 : continue } meta mark set 0x6 ip saddr 192.0.2.1 meta mark set 0x8 accept",
      ).en,
    ).toBe(
      "takes the verdict the rule's map gives for the TCP destination port (9999 → continue; any other: next rule), then if the rule goes on past that, set its mark to 0x6, then if from 192.0.2.1, then set its mark to 0x8, then accept (ends this base chain only)",
    );
  });

  it("names an expression it does not know as not explained, and explains the rest", () => {
    const n = explainNftRule('iifname "veth*" limit rate 10/second accept');
    expect(n.unknown).toEqual(["limit rate 10/second"]);
    expect(n.en).toBe(
      "from an interface named veth*: accept (ends this base chain only) (expression 'limit rate 10/second': not explained by packetwalk)",
    );
    expect(n["zh-TW"]).toContain("（運算式「limit rate 10/second」：packetwalk 未說明）");
    // A rule whose only condition is unknown does not claim to apply to every packet.
    expect(explainNftRule("quota over 10 mbytes drop").en).toBe(
      "when what packetwalk does not explain matches: drop (final: the packet ends here) (expression 'quota over 10 mbytes': not explained by packetwalk)",
    );
    const q = explainNftRule("tcp dport { 80, 443 } queue");
    expect(q.unknown).toEqual(["queue"]);
    expect(q.en).toBe("the TCP destination port is one of 80, 443: 'queue' (not explained by packetwalk)");
  });

  it("does not guess a rule it cannot read", () => {
    const n = explainNftRule('iifname "docker0 accept');
    expect(n.en).toMatch(
      /^this rule could not be read \(unterminated string\): not explained by packetwalk$/,
    );
    expect(n.unknown).toEqual(['iifname "docker0 accept']);
  });

  it("explains every rule of Docker 29's committed ruleset without an unexplained part", () => {
    const rules = (docker.nft ?? []).flatMap((t) =>
      [...t.chains.values()].flatMap((c) => c.rules.map((r) => ({ r, sets: t.sets }))),
    );
    expect(rules.length).toBeGreaterThan(10);
    for (const { r, sets } of rules) {
      const n = explainNftRule(r.text, sets);
      expect(n.unknown, r.text).toEqual([]);
      expect(n.en, r.text).not.toMatch(/not explained|could not be read/);
      expect(n["zh-TW"], r.text).not.toMatch(/未說明|無法讀取/);
    }
  });

  it("explains reverse path filters, strict and loose", () => {
    const strict = explainNftRule("fib saddr . iif oif missing drop");
    expect(strict.unknown).toEqual([]);
    expect(strict.en).toContain(
      "with no route back to its source that leaves by the interface it came in on (reverse path check)",
    );
    expect(strict["zh-TW"]).toContain("沒有一條從進來的介面出去、回到來源的路由（反向路徑檢查）");
    expect(explainNftRule("fib saddr oif exists accept").en).toContain(
      "with a route back to its source (reverse path check)",
    );
  });

  it("explains packet types, MACs, DSCPs and their rewrite, and address types on one interface", () => {
    const cases: [string, string, string][] = [
      ["meta pkttype != host drop", "a frame not addressed to this host", "訊框不是送給這台主機"],
      [
        "meta pkttype other drop",
        "a frame addressed to another host (bridged past this one)",
        "訊框是送給其他主機",
      ],
      [
        "ether saddr != 2:42:ac:11:0:2 drop",
        "from MAC other than 02:42:ac:11:00:02",
        "來源 MAC不是 02:42:ac:11:00:02",
      ],
      ["ip dscp ef drop", "IPv4 DSCP 46", "IPv4 DSCP 是 46"],
      ["ip dscp set cs1 accept", "set its DSCP to 8", "把 DSCP 設為 8"],
      [
        "fib daddr . iif type local accept",
        "to an address of this host on the interface it came in on",
        "目的地是這台主機自己的位址（且在它進來的介面上）",
      ],
      [
        "fib daddr . iif type vmap { local : accept }",
        "the destination address type on the input interface",
        "目的位址在進入介面上的類型",
      ],
      [
        "meta pkttype { broadcast, multicast } drop",
        "how the frame was addressed (packet type) is one of",
        "訊框的定址方式",
      ],
    ];
    for (const [rule, en, zh] of cases) {
      const n = explainNftRule(rule);
      expect(n.unknown, rule).toEqual([]);
      expect(n.en, rule).toContain(en);
      expect(n["zh-TW"], rule).toContain(zh);
    }
  });
});

describe("tcp flags in words, as the simulator decides them", () => {
  it("says every form nft prints, and iptables' --syn and --tcp-flags, in both languages", () => {
    const nft: [string, string, string][] = [
      [
        "tcp flags syn / fin,syn,rst,ack jump syn_flood",
        "of the TCP flags FIN, SYN, RST, ACK, those set are exactly SYN (a connection's opening SYN): continue in chain syn_flood",
        "TCP 旗標 FIN、SYN、RST、ACK 之中，有設的是剛好 SYN（連線開頭的 SYN）",
      ],
      [
        "tcp flags != syn / fin,syn,rst,ack drop",
        "those set are not exactly SYN (anything but a connection's opening SYN)",
        "有設的不是剛好 SYN（連線開頭的 SYN 以外）",
      ],
      [
        "tcp flags ! fin,syn,rst,psh,ack,urg drop",
        "none of the TCP flags FIN, SYN, RST, PSH, ACK, URG is set",
        "都沒設",
      ],
      ["tcp flags syn,ack drop", "any of the TCP flags SYN, ACK is set", "至少一個有設"],
      ["tcp flags syn accept", "the TCP flag SYN is set", "TCP 旗標 SYN 有設"],
      ["tcp flags == 0x12 accept", "the TCP flags are exactly SYN, ACK", "TCP 旗標剛好是 SYN、ACK"],
      [
        "tcp flags syn,ack / syn drop",
        "never: it asks SYN, ACK set but looks at the TCP flags SYN only",
        "永遠不符合",
      ],
    ];
    for (const [rule, en, zh] of nft) {
      const n = explainNftRule(rule);
      expect(n.unknown, rule).toEqual([]);
      expect(n.en, rule).toContain(en);
      expect(n["zh-TW"], rule).toContain(zh);
      // The flags say tcp: the protocol is not said again.
      expect(n.en, rule).not.toMatch(/^tcp/);
    }
    const xt: [string, string][] = [
      ["-A INPUT -p tcp --syn -j DROP", "exactly SYN (a connection's opening SYN)"],
      ["-A INPUT -p tcp ! --syn -j DROP", "not exactly SYN (anything but a connection's opening SYN)"],
      [
        "-A INPUT -p tcp --tcp-flags ALL NONE -j DROP",
        "none of the TCP flags FIN, SYN, RST, PSH, ACK, URG is set",
      ],
      [
        "-A INPUT -p tcp --tcp-flags SYN,RST SYN,RST -j DROP",
        "of the TCP flags SYN, RST, those set are exactly SYN, RST",
      ],
    ];
    for (const [rule, en] of xt) {
      const n = explainRule(rule);
      expect(n.unknown, rule).toEqual([]);
      expect(n.en, rule).toContain(en);
    }
  });
  it("says a NAT's random port and a masquerade's port range", () => {
    const masq = explainNftRule('oifname "eth0" meta l4proto tcp masquerade to :1024-2000 fully-random');
    expect(masq.unknown).toEqual([]);
    expect(masq.en).toContain(
      "rewrite the source to the outgoing interface's address, port 1024-2000 (masquerade), with a source port the kernel draws at random from that range, which accepts",
    );
    expect(masq["zh-TW"]).toContain(
      "送出介面的位址、埠 1024-2000（masquerade），來源埠由 kernel 從該範圍隨機選取",
    );
    expect(explainNftRule("dnat to 10.0.0.1 random").en).toContain(
      "(DNAT) (random: without a port range the destination port is kept), which accepts",
    );
    expect(explainNftRule("masquerade").en).not.toMatch(/random/);
  });
});
