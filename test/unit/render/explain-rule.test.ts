import { describe, expect, it } from "vitest";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";

describe("explainRule", () => {
  it("explains Docker's addrtype jump in both languages", () => {
    const n = explainRule("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER");
    expect(n.en).toBe("if the destination is one of this host's addresses, continue in chain DOCKER");
    expect(n["zh-TW"]).toBe("如果目的地是這台主機自己的位址，接著檢查 chain DOCKER");
    expect(n.unknown).toEqual([]);
  });
  it("names a target extension as one, never as a chain to continue in (TCPMSS, NFQUEUE, TTL, HL, others)", () => {
    expect(explainRule("-A FORWARD -p tcp -j TCPMSS --clamp-mss-to-pmtu").en).toBe(
      "if it is protocol tcp, lower the TCP MSS option to what the smaller MTU of the route on and the route back allows and go on",
    );
    expect(explainRule("-A FORWARD -j NFQUEUE --queue-num 1").en).toMatch(
      /^hand the packet to a userspace program \(NFQUEUE\), which decides its fate/,
    );
    const ttl = explainRule("-A PREROUTING -j TTL --ttl-set 1");
    expect([ttl.en, ttl["zh-TW"], ttl.unknown]).toEqual([
      "set the TTL to 1 and go on",
      "把 TTL 設為 1，然後繼續",
      [],
    ]);
    expect(explainRule("-A PREROUTING -j HL --hl-dec 2").en).toBe("lower the hop limit by 2 and go on");
    expect(explainRule("-A PREROUTING -j HL --hl-inc 1").en).toBe("raise the hop limit by 1 and go on");
    // One no note knows: its options say it is no chain.
    expect(explainRule("-A PREROUTING -j FOO --bar 1").en).toBe(
      "apply the FOO target (option --bar: not explained by packetwalk)",
    );
    expect(explainRule("-A FORWARD -j MY-CHAIN").en).toBe("continue in chain MY-CHAIN");
  });
  it("handles negation before an option and MASQUERADE", () => {
    expect(explainRule("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE").en).toBe(
      "if the source is 172.17.0.0/16 and it does not go out on docker0, rewrite the source to the outgoing interface's address (SNAT)",
    );
  });
  it("explains a published port's DNAT", () => {
    expect(
      explainRule("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80")
        .en,
    ).toBe(
      "if it did not come in on docker0 and it is protocol tcp and the destination port is 8080, rewrite the destination (DNAT) to 172.17.0.2:80",
    );
  });
  it("explains conntrack and state matches", () => {
    expect(
      explainRule("-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")["zh-TW"],
    ).toBe("如果從 docker0 出去且連線狀態是相關或已建立，接受封包（不再檢查這個 table 的其他規則）");
    expect(explainRule("-A INPUT -m state ! --state NEW -j DROP").en).toBe(
      "if the connection is not NEW, drop the packet silently",
    );
  });
  it("explains iptables' notrack targets (CT --notrack, NOTRACK) as nft's notrack", () => {
    for (const target of ["CT --notrack", "NOTRACK"]) {
      const n = explainRule(`-A PREROUTING -p tcp --dport 9999 -j ${target}`);
      expect(n.en, target).toBe(
        "if it is protocol tcp and the destination port is 9999, leave it untracked if conntrack has not seen it yet (no connection, no NAT)",
      );
      expect(n["zh-TW"], target).toContain("不被追蹤");
      expect(n.unknown, target).toEqual([]);
    }
  });
  it("explains CT's zone templates (--zone, --zone-orig, --zone-reply)", () => {
    expect(explainRule("-A PREROUTING -i br0 -j CT --zone 1").en).toBe(
      "if it came in on br0, if conntrack has not seen it yet, look it up in conntrack zone 1",
    );
    const orig = explainRule("-A PREROUTING -i br0 -j CT --zone-orig 4097");
    expect(orig.en).toContain("look it up in conntrack zone 4097 (original direction)");
    expect(orig["zh-TW"]).toContain("conntrack zone 4097（原方向）");
    expect(orig.unknown).toEqual([]);
    expect(explainRule("-A OUTPUT -j CT --zone-reply 2").en).toContain("zone 2 (reply direction)");
  });
  it("tells jump from goto, and a rule without target", () => {
    expect(explainRule("-A FORWARD -j DOCKER-USER").en).toBe("continue in chain DOCKER-USER");
    expect(explainRule("-A FORWARD -g DOCKER-ISOLATION").en).toBe(
      "go to chain DOCKER-ISOLATION (no return here)",
    );
    expect(explainRule("-A FORWARD -i docker0").en).toBe(
      "if it came in on docker0, count the packet and go on (no target)",
    );
  });
  it("explains physdev, multiport, mark, comment and REJECT", () => {
    expect(explainRule("-A FORWARD -m physdev --physdev-in veth-c1 --physdev-is-bridged -j ACCEPT").en).toBe(
      "if it entered the bridge by port veth-c1 and it is bridged, accept the packet (stop checking this table's chains)",
    );
    expect(explainRule("-A INPUT -p udp -m multiport --dports 53,67 -j RETURN").en).toBe(
      "if it is protocol udp and the destination port is one of 53, 67, return to the calling chain",
    );
    expect(explainRule("-A PREROUTING -m mark --mark 0x1 -j MARK --set-xmark 0x2/0xffffffff").en).toBe(
      "if the mark is 0x1, mark the packet set the mark to 0x2/0xffffffff",
    );
    expect(
      explainRule(
        '-A INPUT -m comment --comment "keep ssh" -p tcp --dport 22 -j REJECT --reject-with tcp-reset',
      ).en,
    ).toBe(
      'if it is protocol tcp and the destination port is 22, drop the packet and send an error back with tcp-reset (comment: "keep ssh")',
    );
  });
  it("explains LOG and ebtables --log watchers once", () => {
    expect(explainRule('-A INPUT -j LOG --log-prefix "iptable/filter-INPUT "').en).toBe(
      'write the packet to the kernel log and go on with prefix "iptable/filter-INPUT "',
    );
    expect(
      explainRule("-A FORWARD --log-level info --log-ip --log-prefix ebtable/filter-FORWARD -j CONTINUE").en,
    ).toBe(
      'write the packet to the kernel log and go on with prefix "ebtable/filter-FORWARD" go on with the next rule',
    );
    expect(explainRule("-A PREROUTING -j TRACE").en).toBe("trace the packet through every later rule");
  });
  it("says a match it cannot explain as a condition written out, never as a rule without one", () => {
    const n = explainRule('-A INPUT -p tcp -m string --algo bm --from 0 --to 100 --string "GET /x" -j DROP');
    expect(n.en).toBe(
      "if it is protocol tcp and the string match '--algo bm --from 0 --to 100 --string \"GET /x\"' holds (not explained by packetwalk), drop the packet silently",
    );
    expect(n["zh-TW"]).toContain(
      'string match「--algo bm --from 0 --to 100 --string "GET /x"」成立（packetwalk 未說明）',
    );
    expect(n.unknown).toEqual(["--algo", "--from", "--to", "--string"]);
    expect(explainRule("-A INPUT -m owner ! --uid-owner 0 -m time --timestart 09:00 -j ACCEPT").en).toBe(
      "if the owner match '! --uid-owner 0' holds (not explained by packetwalk) and the time match '--timestart 09:00' holds (not explained by packetwalk), accept the packet (stop checking this table's chains)",
    );
  });
  it("names options it cannot explain instead of guessing", () => {
    const n = explainRule("-A INPUT --foo bar -j ACCEPT");
    expect(n.unknown).toEqual(["--foo"]);
    expect(n.en).toContain("(option --foo: not explained by packetwalk)");
    expect(n["zh-TW"]).toContain("選項 --foo：packetwalk 未說明");
  });
});

describe("explainRule on ipset and reverse path rules", () => {
  it.each([
    [
      "-A DOCKER-USER -m set --match-set wanside src --return-nomatch -j RETURN",
      "if the source is in ipset wanside (--return-nomatch: an entry marked nomatch counts as in, any other as not), return to the calling chain",
      "如果來源在 ipset wanside 中（--return-nomatch：標為 nomatch 的項目算在內，其他不算），返回呼叫它的 chain",
    ],
    [
      "-A DOCKER-USER -m set ! --match-set pinghosts dst,dst -j DROP",
      "if the packet is not in ipset pinghosts (looked up by destination, destination), drop the packet silently",
      "如果封包不在 ipset pinghosts 中（依目的、目的查詢），直接丟棄封包",
    ],
    [
      "-A INPUT -j SET --add-set seen src --exist --timeout 10",
      "add the packet's source to ipset seen for 10 seconds",
      "把封包的來源加入 ipset seen，保留 10 秒",
    ],
    [
      "-A PREROUTING -m rpfilter --invert -j DROP",
      "if there is no route back to its source that leaves by the interface it came in on (reverse path check), drop the packet silently",
      "如果沒有一條從進來的介面出去、回到來源的路由（反向路徑檢查），直接丟棄封包",
    ],
    [
      "-A PREROUTING -m rpfilter --loose --accept-local -j ACCEPT",
      "if there is a route back to its source (reverse path check), accept the packet (stop checking this table's chains)",
      "如果有一條回到來源的路由（反向路徑檢查），接受封包（不再檢查這個 table 的其他規則）",
    ],
    [
      "-A INPUT -m pkttype ! --pkt-type unicast -j DROP",
      "if the frame is not addressed to this host (unicast), drop the packet silently",
      "如果訊框不是送給這台主機（單播），直接丟棄封包",
    ],
    [
      "-A FORWARD --pkttype-type otherhost -j DROP",
      "if the frame is addressed to another host, drop the packet silently",
      "如果訊框是送給其他主機，直接丟棄封包",
    ],
    [
      "-A FORWARD -m mac --mac-source 02:42:ac:11:00:02 -j DROP",
      "if the source MAC is 02:42:ac:11:00:02, drop the packet silently",
      "如果來源 MAC 是 02:42:ac:11:00:02，直接丟棄封包",
    ],
    [
      "-A FORWARD -m dscp --dscp-class EF -j ACCEPT",
      "if the DSCP is EF, accept the packet (stop checking this table's chains)",
      "如果 DSCP 是 EF，接受封包（不再檢查這個 table 的其他規則）",
    ],
    [
      "-A FORWARD -m tos ! --tos 0x10/0x3f -j DROP",
      "if the TOS byte is not 0x10/0x3f, drop the packet silently",
      "如果 TOS 位元組不是 0x10/0x3f，直接丟棄封包",
    ],
    [
      "-A FORWARD -p IPv4 --ip-tos 0x10 -j DROP",
      "if it is protocol IPv4 and the TOS byte is 0x10, drop the packet silently",
      "如果是協定 IPv4 且 TOS 位元組是 0x10，直接丟棄封包",
    ],
    [
      "-A PREROUTING -i docker0 -j DSCP --set-dscp-class EF",
      "if it came in on docker0, set the DSCP to EF and go on",
      "如果從 docker0 進來，把 DSCP 設為 EF，然後繼續",
    ],
    [
      "-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT",
      "if the destination is one of this host's addresses (on the interface it came in on), accept the packet (stop checking this table's chains)",
      "如果目的地是這台主機自己的位址（限進來的介面上），接受封包（不再檢查這個 table 的其他規則）",
    ],
  ])("%s", (rule, en, zh) => {
    const n = explainRule(rule);
    expect(n.unknown).toEqual([]);
    expect(n.en).toBe(en);
    expect(n["zh-TW"]).toBe(zh);
  });
});

describe("tokenizeRule (the iptables reader's, which explainRule reads with)", () => {
  it("keeps quoted words together", () => {
    const tk = tokenizeRule('-A X -m comment --comment "a \\"b\\" c" -j ACCEPT');
    if (!tk.ok) throw new Error(tk.message);
    expect(tk.tokens.map((t) => t.value)).toEqual([
      "-A",
      "X",
      "-m",
      "comment",
      "--comment",
      'a "b" c',
      "-j",
      "ACCEPT",
    ]);
  });
});

describe("explainRule reads quoted words as the iptables reader does", () => {
  it("a quoted word is a value, never an option or a '!'", () => {
    const nflog = explainRule('-A INPUT -p tcp -j NFLOG --nflog-prefix "-s x" --nflog-group 2');
    expect(nflog.en).toBe(
      'if it is protocol tcp, pass the packet to a userspace logger over netlink (NFLOG) and go on with prefix "-s x" (netlink group 2)',
    );
    expect(nflog.unknown).toEqual([]);
    const bare = explainRule('-A INPUT -j NFLOG --nflog-prefix "-s" --nflog-range 64');
    expect(bare.en).not.toMatch(/source/);
    expect(bare.unknown).toEqual(["--nflog-range"]);
    // An unexplained option's quoted value that looks like an option is skipped with it.
    const other = explainRule('-A INPUT -j ULOG --ulog-prefix "-j DROP " -s 198.51.100.1');
    expect(other.unknown).toEqual(["--ulog-prefix"]);
    expect(other.en).toMatch(/^if the source is 198\.51\.100\.1, /);
    expect(other.en).not.toMatch(/drop the packet/);
    expect(explainRule('-A INPUT -j LOG --log-prefix "-j DROP "').en).toBe(
      'write the packet to the kernel log and go on with prefix "-j DROP "',
    );
    // A quoted '!' is a comment, not a negation of the next option.
    expect(explainRule('-A INPUT -m comment --comment "!" -s 198.51.100.1 -j DROP').en).toBe(
      'if the source is 198.51.100.1, drop the packet silently (comment: "!")',
    );
  });
  it("says where a quote is not closed", () => {
    expect(explainRule('-A INPUT -j LOG --log-prefix "open').en).toBe(
      '(not explained: unterminated " quote at column 30)',
    );
  });
});

describe("explainRule on -m recent", () => {
  it("says that --set always matches and records the source, and that ! --set never matches", () => {
    const set = explainRule(
      "-A KUBE-SEP-X -p tcp -m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.0.0.1:80",
    );
    expect(set.en).toBe(
      "if it is protocol tcp, record the source address (masked with 255.255.255.255) in recent list KUBE-SEP-X (-m recent --set always matches), rewrite the destination (DNAT) to 10.0.0.1:80",
    );
    expect(set["zh-TW"]).toBe(
      "如果是協定 tcp，把來源位址（以 255.255.255.255 遮罩）記到 recent 清單 KUBE-SEP-X（-m recent --set 一定符合），改寫目的地（DNAT），改成 10.0.0.1:80",
    );
    expect(set.unknown).toEqual([]);
    const never = explainRule("-A INPUT -m recent ! --set --name seen -j DROP");
    expect(never.en).toBe(
      "if -m recent ! --set matches, which it never does (it records the source address in recent list seen and answers no: the rule is never taken), drop the packet silently",
    );
    expect(never.unknown).toEqual([]);
  });
  it("records before the matches written after --set are checked, after the IP header's part and the matches before it", () => {
    // Checked in a namespace (kernel 6.18, iptables-nft 1.8.9): with the first rule a TCP packet to
    // port 80 was recorded in list t though the rule did not match (iptables-save puts -m tcp after
    // recent); -s and a -m udp before recent are checked first: lists u and w stayed empty.
    expect(
      explainRule(
        "-A INPUT -p tcp -m recent --set --name t --mask 255.255.255.255 --rsource -m tcp --dport 22 -j ACCEPT",
      ).en,
    ).toBe(
      "if it is protocol tcp, record the source address (masked with 255.255.255.255) in recent list t (-m recent --set always matches), then if the destination port is 22, accept the packet (stop checking this table's chains)",
    );
    expect(explainRule("-A INPUT -p tcp -m recent --set --name t -m tcp --dport 22 -j ACCEPT")["zh-TW"]).toBe(
      "如果是協定 tcp，把來源位址記到 recent 清單 t（-m recent --set 一定符合），然後如果目的埠是 22，接受封包（不再檢查這個 table 的其他規則）",
    );
    // The IP header's part is checked first wherever it is written.
    expect(explainRule("-A INPUT -m recent --set --name u -s 203.0.113.99 -j ACCEPT").en).toBe(
      "if the source is 203.0.113.99, record the source address in recent list u (-m recent --set always matches), accept the packet (stop checking this table's chains)",
    );
    expect(
      explainRule(
        "-A INPUT -m recent --set --name s -m recent --update --seconds 60 --hitcount 4 --name s -j DROP",
      ).en,
    ).toBe(
      "record the source address in recent list s (-m recent --set always matches), then if the source address was seen in recent list s within the last 60 seconds at least 4 times (its entry's time is updated), drop the packet silently",
    );
  });
  it("says that --rttl narrows a lookup to the TTL recorded", () => {
    expect(explainRule("-A INPUT -m recent --rcheck --rttl --name x -j DROP").en).toBe(
      "if the source address was seen in recent list x with the TTL it was recorded with, drop the packet silently",
    );
  });
  it("explains a lookup with its window and count, and an inverted one", () => {
    expect(
      explainRule(
        "-A INPUT -p tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --name ssh -j DROP",
      ).en,
    ).toBe(
      "if it is protocol tcp and the destination port is 22 and the source address was seen in recent list ssh within the last 60 seconds at least 4 times (its entry's time is updated), drop the packet silently",
    );
    expect(explainRule("-A INPUT -m recent ! --rcheck --rdest -j ACCEPT").en).toBe(
      "if the destination address was not seen in recent list DEFAULT, accept the packet (stop checking this table's chains)",
    );
  });
});

describe("explainRule on MARK and CONNMARK bit operations", () => {
  it("names the operation and whose mark", () => {
    expect(explainRule("-A PREROUTING -j MARK --or-mark 0x4").en).toBe(
      "mark the packet OR the mark with 0x4",
    );
    expect(explainRule("-A PREROUTING -j CONNMARK --and-mark 0xff").en).toBe(
      "AND the connection's mark with 0xff",
    );
    expect(explainRule("-A PREROUTING -j CONNMARK --xor-mark 0x1").unknown).toEqual([]);
  });
  it("says what --random and --random-fully do to a NAT's port, as the simulator draws it", () => {
    const masq = explainRule("-A POSTROUTING -o eth0 -j MASQUERADE --random-fully");
    expect(masq.unknown).toEqual([]);
    expect(masq.en).toMatch(/\(SNAT\) with a source port the kernel draws at random$/);
    expect(masq["zh-TW"]).toMatch(/來源埠由 kernel 隨機選取$/);
    expect(explainRule("-A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1:2000-3000 --random").en).toMatch(
      /to 192\.0\.2\.1:2000-3000 with a source port the kernel draws at random from that range$/,
    );
    // A destination NAT changes the port only within a range it is given.
    expect(explainRule("-A PREROUTING -j DNAT --to-destination 10.0.0.1 --random").en).toMatch(
      /\(random: without a port range the destination port is kept\)$/,
    );
    expect(explainRule("-A PREROUTING -p tcp -j REDIRECT --to-ports 8000-8100 --random").en).toMatch(
      /with a port the kernel draws at random from that range$/,
    );
  });
});

describe("explainRule on NETMAP", () => {
  it("says the prefix it maps into, that each host keeps its bits, and which address at which hook", () => {
    const n = explainRule("-A PREROUTING -d 198.51.100.0/26 -j NETMAP --to 192.0.2.0/26");
    expect(n.unknown).toEqual([]);
    expect(n.en).toBe(
      "if the destination is 198.51.100.0/26, map the address (NETMAP) to 192.0.2.0/26, each host keeping its host bits (the destination at PREROUTING and OUTPUT, the source at POSTROUTING and INPUT)",
    );
    expect(n["zh-TW"]).toContain("對應到 192.0.2.0/26，每台主機保留自己的主機位元");
  });

  it("leaves another extension's --to unexplained, not read as a prefix", () => {
    const n = explainRule("-A INPUT -m string --algo bm --from 0 --to 100 --string x -j DROP");
    expect(n.unknown).toContain("--to");
    expect(n.en).not.toContain("host bits");
  });
});
