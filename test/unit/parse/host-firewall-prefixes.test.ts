/**
 * ufw's fixed LOG prefixes parse without a prefix map: ufw logs from the filter table, so each line's
 * devices choose INPUT, FORWARD or OUTPUT, and an IPv6 line is ip6tables'. A user's map wins; any
 * other unknown prefix still warns, at its column in the line as saved.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HookId } from "../../../src/core/model/hook.ts";
import {
  firewalldPrefixHook,
  HOST_FIREWALL_DROPS,
  hostFirewallDrop,
} from "../../../src/core/parse/host-firewall-prefixes.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { ARP_PREFIX_HINT } from "../../../src/core/parse/parse-hints.ts";
import { planPath, stepVerdict } from "../../../src/core/render/plan-path.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";

const FIX = join(import.meta.dirname, "../../fixtures/parse");
const v4 = (prefix: string, devices: string, id: number) =>
  `[100.${id}] ${prefix}${devices} MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.7 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=${id} DF PROTO=TCP SPT=5151${id} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 `;

describe("ufw's prefixes", () => {
  it("each line goes to the filter chain its devices allow, IPv4 and IPv6, with no warning", () => {
    const text = [
      v4("[UFW BLOCK] ", "IN=eth0 OUT=", 1),
      v4("[UFW ALLOW] ", "IN= OUT=eth0", 2),
      v4("[UFW LIMIT BLOCK] ", "IN=eth1 OUT=eth0", 3),
      v4("[UFW AUDIT] ", "IN=eth0 OUT=", 4),
      v4("[UFW AUDIT INVALID] ", "IN=eth0 OUT=", 5),
      "[100.6] [UFW BLOCK] IN=eth1 OUT=eth0 MAC=52:54:00:12:34:02:52:54:00:12:34:01:86:dd SRC=2001:db8::7 DST=2001:db8:1::2 LEN=104 TC=0 HOPLIMIT=63 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=1 ",
    ].join("\n");
    const r = parseTraceText(text, { file: "ufw.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.events.map((e) => e.hook))).toEqual([
      ["ip:filter:INPUT"],
      ["ip:filter:OUTPUT"],
      ["ip:filter:FORWARD"],
      ["ip:filter:INPUT"],
      ["ip:filter:INPUT"],
      ["ip6:filter:FORWARD"],
    ]);
  });

  it("a user's prefix map names them first", () => {
    const r = parseTraceText(v4("[UFW BLOCK] ", "IN=eth0 OUT=", 1), {
      prefixMap: { "[UFW BLOCK] ": "ip:mangle:PREROUTING" },
    });
    expect(r.packets[0]?.events[0]?.hook).toBe("ip:mangle:PREROUTING");
  });

  it("a user's list of chains for a prefix is chosen from before any built-in convention", () => {
    // firewalld's iptables backend writes `IN_<zone>_DROP:`, which alone reads as filter INPUT.
    const text = [v4("IN_ssh_DROP: ", "IN=eth0 OUT=", 1), v4("IN_ssh_DROP: ", "IN=eth0 OUT=eth1", 2)].join(
      "\n",
    );
    const r = parseTraceText(text, {
      prefixMap: { "IN_ssh_DROP: ": ["ip:mangle:INPUT", "ip:mangle:FORWARD"] },
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.events[0]?.hook)).toEqual(["ip:mangle:INPUT", "ip:mangle:FORWARD"]);
    // Not in the filter table, where firewalld logs before its drop: nothing is said dropped.
    expect(r.packets.map((p) => p.events[0]?.drop)).toEqual([undefined, undefined]);
  });

  it("devices that fit no filter chain leave the line unplaced, with the unknown-prefix warning", () => {
    const r = parseTraceText(v4("[UFW BLOCK] ", "IN= OUT=", 1), { file: "odd.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "unknown LOG prefix '[UFW BLOCK]' (1 line): which table and chain wrote it?",
    ]);
  });

  it("another tool's prefix still warns", () => {
    const r = parseTraceText(v4("fw-in: ", "IN=eth0 OUT=", 1), { file: "fw.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics[0]?.message).toBe(
      "unknown LOG prefix 'fw-in:' (1 line): which table and chain wrote it?",
    );
  });

  it.each([
    ["dmesg-color", 29],
    ["dmesg-color-decoded", 62],
  ])(
    "%s: a ufw line's position is its prefix's column in the saved line, colour codes counted",
    (name, column) => {
      const input = readFileSync(join(FIX, name, "input.log"), "utf8");
      const ufw = parseTraceText(input, { file: "input.log" }).packets.filter((p) =>
        p.events.some((e) => e.prefix.startsWith("[UFW BLOCK]")),
      );
      expect(
        ufw.map((p) => [p.events[0]?.hook, p.events[0]?.position.line, p.events[0]?.position.column]),
      ).toEqual([
        ["ip6:filter:INPUT", 19, column],
        ["ip6:filter:INPUT", 20, column],
      ]);
    },
  );
});

describe("ufw's drop-announcing prefixes (test/fixtures/parse/real-ufw-drops)", () => {
  const recorded = parseTraceText(readFileSync(join(FIX, "real-ufw-drops", "input.log"), "utf8"), {
    file: "input.log",
  });
  const packet = (dport: number, n = 0) =>
    recorded.packets.filter((p) => p.events[0]?.l4?.dport === dport)[n] as (typeof recorded.packets)[number];

  it("[UFW BLOCK] is a DROP or REJECT (the line does not say), [UFW AUDIT INVALID] a DROP, [UFW LIMIT BLOCK] a REJECT; [UFW AUDIT] lines are none", () => {
    expect(
      recorded.packets.map((p) =>
        p.events.map((e) => `${e.prefix.trim()}${e.drop ? ` ${e.drop.verdict}` : ""}`),
      ),
    ).toEqual([
      ["[UFW AUDIT]"],
      ["[UFW AUDIT]"],
      ["[UFW AUDIT]", "[UFW BLOCK] DROP or REJECT"],
      ["[UFW AUDIT INVALID] DROP", "[UFW BLOCK] DROP or REJECT"],
      ...Array.from({ length: 5 }, () => ["[UFW AUDIT]"]),
      ["[UFW LIMIT BLOCK] REJECT"],
      ["[UFW LIMIT BLOCK] REJECT"],
      ["[UFW AUDIT]", "[UFW BLOCK] DROP or REJECT"],
      ["[UFW AUDIT]"],
    ]);
  });

  it("the diagram ends a blocked packet in a dropped box at the chain its devices chose", () => {
    const telnet = planPath(packet(23), "nft");
    const at = telnet.dropped;
    expect([at?.hook, at?.verdict, at?.chain, at?.policy]).toEqual([
      "ip:filter:INPUT",
      "DROP or REJECT",
      "INPUT",
      false,
    ]);
    expect(telnet.exitLabel).toBe("dropped: DROP or REJECT in INPUT");
    expect(toMermaid(packet(23), { view: "path" })).toContain("class exit dropped");
    expect(planPath(packet(2222, 5), "nft").exitLabel).toBe("dropped: REJECT in INPUT");
    expect(planPath(packet(80, 1), "nft").dropped).toMatchObject({
      hook: "ip:filter:FORWARD",
      verdict: "DROP or REJECT",
    });
    // The step itself says it, as a TRACE line's verdict does.
    expect(stepVerdict(packet(23).events[1] as (typeof recorded.packets)[number]["events"][number])).toEqual({
      verdict: "drop or reject",
      policy: false,
    });
    expect(toMermaid(packet(23), { view: "path" })).toContain('exit("dropped#58; DROP or REJECT in INPUT")');
  });

  it("accepted packets keep their destination: ufw logged them with [UFW AUDIT] only", () => {
    for (const p of [packet(22), packet(2222), recorded.packets[0], recorded.packets.at(-1)]) {
      const plan = planPath(p as (typeof recorded.packets)[number], "nft");
      expect(plan.dropped).toBeUndefined();
      expect(toMermaid(p as (typeof recorded.packets)[number], { view: "path" })).not.toContain("dropped");
    }
  });

  it("a prefix mapped by the user is still ufw's drop; [UFW ALLOW], look-alikes and other tools' prefixes are not", () => {
    const mapped = parseTraceText(v4("[UFW BLOCK] ", "IN=eth0 OUT=", 1), {
      prefixMap: { "[UFW BLOCK] ": "ip:filter:INPUT" },
    });
    expect(mapped.packets[0]?.events[0]?.drop).toEqual({ verdict: "DROP or REJECT", by: "ufw" });
    // Mapped out of the filter table, where ufw never logs, the prefix announces no drop.
    const mangle = parseTraceText(v4("[UFW BLOCK] ", "IN=eth0 OUT=", 1), {
      prefixMap: { "[UFW BLOCK] ": "ip:mangle:PREROUTING" },
    });
    expect(mangle.packets[0]?.events[0]?.drop).toBeUndefined();
    expect(planPath(mangle.packets[0] as (typeof recorded.packets)[number], "nft").dropped).toBeUndefined();
    // A prefix named like an Object property must not find one in the table of drops.
    const input: HookId = "ip:filter:INPUT";
    const lookAlikes = Object.fromEntries([
      ["[UFW BLOCKED]", input],
      ["constructor", input],
    ]);
    const others = parseTraceText(
      [
        v4("[UFW ALLOW] ", "IN= OUT=eth0", 2),
        v4("[UFW BLOCKED] ", "IN=eth0 OUT=", 3),
        v4("constructor ", "IN=eth0 OUT=", 4),
      ].join("\n"),
      { prefixMap: lookAlikes },
    );
    expect(others.packets.map((p) => p.events[0]?.drop)).toEqual([undefined, undefined, undefined]);
  });
});

describe("a drop-announcing line that is not its packet's last", () => {
  it("marks no drop at its step: only the packet's last line ends it", () => {
    // Two lines of one IPv6 packet 1 µs apart: ufw's deny logging, then an audit line of the same packet.
    const line = (t: string, prefix: string) =>
      `[${t}] ${prefix}IN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:86:dd SRC=2001:0db8:0000:0000:0000:0000:0000:0007 DST=2001:0db8:0001:0000:0000:0000:0000:0002 LEN=80 TC=0 HOPLIMIT=63 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=23 WINDOW=64800 RES=0x00 SYN URGP=0 `;
    const r = parseTraceText(
      [line("100.000001", "[UFW BLOCK] "), line("100.000002", "[UFW AUDIT] ")].join("\n"),
      {
        file: "x.log",
        prefixMap: { "[UFW AUDIT] ": "ip:filter:INPUT" },
      },
    );
    const p = r.packets[0] as (typeof r.packets)[number];
    expect(r.packets.length).toBe(1);
    expect(p.events.map((e) => e.prefix.trim())).toEqual(["[UFW BLOCK]", "[UFW AUDIT]"]);
    const plan = planPath(p, "nft");
    expect(plan.steps.map((s) => s.verdict)).toEqual([undefined, undefined]);
    expect(plan.dropped).toBeUndefined();
    expect(stepVerdict(p.events[0] as (typeof p.events)[number], false)).toBeUndefined();
  });
});

describe("firewalld's prefixes (test/fixtures/parse/real-firewalld-drops)", () => {
  const recorded = parseTraceText(readFileSync(join(FIX, "real-firewalld-drops", "input.log"), "utf8"), {
    file: "input.log",
  });

  it("every line parses without a map or a warning, at the chain its prefix or devices name", () => {
    expect(recorded.diagnostics).toEqual([]);
    expect(recorded.packets.map((p) => p.events.map((e) => `${e.prefix.trim()} ${e.hook}`))).toEqual([
      ["IN_public_REJECT: ip:filter:INPUT"],
      ["FINAL_REJECT: ip:filter:INPUT"],
      ["FWD_public_DROP: ip:filter:FORWARD"],
      ["STATE_INVALID_DROP: ip:filter:INPUT"],
      ["filter_IN_public_REJECT: ip:firewalld:filter_INPUT"],
      ["filter_FWD_public_DROP: ip:firewalld:filter_FORWARD"],
    ]);
  });

  it("FINAL_REJECT is a REJECT and STATE_INVALID_DROP a DROP, by firewalld, as ufw's block is", () => {
    const drops = recorded.packets.map((p) => p.events.map((e) => e.drop));
    expect(drops[1]).toEqual([{ verdict: "REJECT", by: "firewalld" }]);
    expect(drops[3]).toEqual([{ verdict: "DROP", by: "firewalld" }]);
    expect(planPath(recorded.packets[1] as (typeof recorded.packets)[number], "nft").exitLabel).toBe(
      "dropped: REJECT in INPUT",
    );
  });

  it("the nftables backend's chains (table firewalld's filter_INPUT, filter_FORWARD) are drawn in the IP hook they run at", () => {
    // Without a lab's ruleset the map knows no table firewalld: the chain's name says the hook.
    const plans = recorded.packets.map((p) => planPath(p, "nft"));
    expect(plans.map((plan) => plan.steps.map((s) => s.key))).toEqual([
      ["ip_INPUT"],
      ["ip_INPUT"],
      ["ip_FORWARD"],
      ["ip_INPUT"],
      ["ip_INPUT"],
      ["ip_FORWARD"],
    ]);
    expect(plans.flatMap((plan) => plan.extraNodes.map((n) => n.key))).toEqual([]);
    // Table firewalld is nftables', not iptables' (which has no table of that name).
    const drawn = toMermaid(recorded.packets[4] as (typeof recorded.packets)[number], { view: "path" });
    expect(drawn).toContain("nft firewalld filter_INPUT");
    expect(drawn).not.toContain("iptables firewalld");
    // On the map, firewalld's filter_INPUT (priority filter + 10) runs after filter, before nat and confirm.
    const map = toMermaid(recorded.packets[4] as (typeof recorded.packets)[number], { view: "map" });
    const input = /<b>IP INPUT<\/b><br\/>(.*)"\]/.exec(map)?.[1] ?? "";
    const order = [...input.matchAll(/>([a-z]+)<\/span>/g)].map((m) => m[1]);
    expect(order).toEqual(["mangle", "filter", "firewalld", "nat", "confirm"]);
  });

  it("reads the verdict of every zone and policy prefix firewalld writes, and of nothing else", () => {
    for (const e of recorded.packets.flatMap((p) => p.events))
      expect(hostFirewallDrop(e.prefix.trim()), e.prefix).toEqual({
        verdict: /REJECT/.test(e.prefix) ? "REJECT" : "DROP",
        by: "firewalld",
      });
    expect(hostFirewallDrop("filter_FWD_policy_lan-to-wan_REJECT:")).toEqual({
      verdict: "REJECT",
      by: "firewalld",
    });
    expect(hostFirewallDrop("filter_IN_public_ICMP_BLOCK:")?.verdict).toBe("DROP or REJECT");
    expect(hostFirewallDrop("[UFW BLOCK]")).toEqual({ verdict: "DROP or REJECT", by: "ufw" });
    for (const other of ["filter_IN_public_ACCEPT:", "IN_public_DENY:", "filter_IN_public_REJECT", "fw-in"])
      expect(hostFirewallDrop(other), other).toBeUndefined();
    expect(firewalldPrefixHook("FWDO_home_DROP:")).toBe("ip:filter:FORWARD");
    expect(firewalldPrefixHook("filter_OUT_policy_p_REJECT:")).toBe("ip:firewalld:filter_OUTPUT");
    expect(firewalldPrefixHook("FINAL_REJECT:")).toBeUndefined();
  });

  it("announces drops only for prefixes ending in ':' or ']', the parser's shortcut before any lookup", () => {
    for (const prefix of Object.keys(HOST_FIREWALL_DROPS)) expect(prefix, prefix).toMatch(/[:\]]$/);
    // The patterns too: the same names without their last character announce nothing.
    for (const prefix of ["FWD_home_DROP:", "filter_IN_public_ICMP_BLOCK:", "FINAL_REJECT:", "[UFW BLOCK]"]) {
      expect(hostFirewallDrop(prefix), prefix).toBeDefined();
      expect(hostFirewallDrop(prefix.slice(0, -1)), prefix.slice(0, -1)).toBeUndefined();
    }
  });
});

describe("firewalld's rpfilter_DROP and its zones' ICMP blocks (firewalld#1436, Fedora and RHEL lines)", () => {
  it("places rpfilter_DROP at firewalld's filter_PREROUTING and a zone's ICMP_BLOCK at the zone's chain, both drops", () => {
    // Each used to be an unknown prefix (the ICMP block's drop was known, its chain not).
    const text = [
      "[ 1.000000] rpfilter_DROP: IN=eth0 OUT= MAC=33:33:00:00:00:02:34:40:b5:ab:f2:b8:86:dd SRC=fe80:0000:0000:0000:3640:b5ff:feab:f2b8 DST=ff02:0000:0000:0000:0000:0000:0000:0002 LEN=56 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=133 CODE=0 ",
      "[ 2.000000] filter_IN_public_ICMP_BLOCK: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.5 DST=192.0.2.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ",
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => [p.events[0]?.hook, p.events[0]?.drop?.verdict])).toEqual([
      ["ip6:firewalld:filter_PREROUTING", "DROP"],
      ["ip:firewalld:filter_INPUT", "DROP or REJECT"],
    ]);
  });
});

describe("OpenWrt's zone verdicts: fw4's 'drop wan in: ' and fw3's 'REJECT(src wan)'", () => {
  it("places each at the chain its devices allow and reads the verdict after it", () => {
    // Forms from OpenWrt's fw4 template (zone-verdict.uc) and a Freifunk Gluon report (fw3); they were unknown prefixes.
    const line = (prefix: string, devices: string, dst: string, id: number) =>
      `[874004.${id}] ${prefix}${devices} MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.5 DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=${id} DF PROTO=TCP SPT=5123${id} DPT=23 WINDOW=29200 RES=0x00 SYN URGP=0 `;
    const r = parseTraceText(
      [
        line("drop wan in: ", "IN=eth0 OUT=", "192.0.2.10", 1),
        line("reject wan in: ", "IN=eth0 OUT=br-lan", "192.168.1.10", 2),
        line("drop lan out: ", "IN= OUT=br-lan", "192.168.1.11", 3),
        // fw4's forward_<zone> chain logs its forward policy's verdict after the zone's own (ruleset.uc).
        line("drop wan forward: ", "IN=eth0 OUT=br-lan", "192.168.1.13", 6),
        line("REJECT(src wan)", "IN=br-wan OUT=", "192.0.2.10", 4),
        line("DROP(dest lan)", "IN=br-wan OUT=br-lan", "192.168.1.12", 5),
      ].join("\n"),
    );
    expect(r.diagnostics).toEqual([]);
    expect(
      r.packets.map((p) => [p.events[0]?.hook, p.events[0]?.drop?.verdict, p.events[0]?.drop?.by]),
    ).toEqual([
      ["ip:fw4:input", "DROP", "OpenWrt fw4"],
      ["ip:fw4:forward", "REJECT", "OpenWrt fw4"],
      ["ip:fw4:output", "DROP", "OpenWrt fw4"],
      ["ip:fw4:forward", "DROP", "OpenWrt fw4"],
      ["ip:filter:INPUT", "REJECT", "OpenWrt fw3"],
      ["ip:filter:FORWARD", "DROP", "OpenWrt fw3"],
    ]);
  });
});

describe("other firewall tools' prefixes (Shorewall, csf, FireHOL, APF, AIF, NixOS, guides), as their sources write them", () => {
  // Each: prefix as the line has it, devices, the hook, the drop it announces ("" for none).
  const cases: [string, string, HookId, string][] = [
    ["Shorewall:net2fw:DROP:", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP Shorewall"],
    ["Shorewall:fw2net:REJECT:", "IN= OUT=eth1", "ip:filter:OUTPUT", "REJECT Shorewall"],
    ["Shorewall:all2all:REJECT:", "IN=eth2 OUT=eth1", "ip:filter:FORWARD", "REJECT Shorewall"],
    ["Shorewall:loc2net:ACCEPT:", "IN=eth2 OUT=eth1", "ip:filter:FORWARD", ""],
    ["Shorewall:net_dnat:REDIRECT:", "IN=eth1 OUT=", "ip:nat:PREROUTING", ""],
    ["Shorewall:nat:PREROUTING:", "IN=eth1 OUT=", "ip:nat:PREROUTING", ""],
    ["Shorewall:rplog:DROP:", "IN=eth1 OUT=", "ip:mangle:PREROUTING", ""],
    ["net-fw DROP ", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP Shorewall or foomuuri"],
    ["loc2net A_REJECT ", "IN=eth2 OUT=eth1", "ip:filter:FORWARD", "REJECT Shorewall or foomuuri"],
    // foomuuri's output chain writes it too (an nftables table of its own).
    ["OUTPUT REJECT ", "IN= OUT=eth1", "ip:filter:OUTPUT", "REJECT Shorewall or foomuuri"],
    ["Firewall: *TCP_IN Blocked* ", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP or REJECT csf"],
    ["Firewall: *UDP_OUT Blocked* ", "IN= OUT=eth0", "ip:filter:OUTPUT", "DROP or REJECT csf"],
    ["Firewall: *INVALID* ", "IN= OUT=eth0", "ip:filter:OUTPUT", "DROP or REJECT csf"],
    ["'IN-internet':", "IN=ppp0 OUT=", "ip:filter:INPUT", ""],
    ["'OUT-unknown:'", "IN= OUT=eth1", "ip:filter:OUTPUT", ""],
    ["DROP UNMATCHED OUT-wan:", "IN= OUT=eth0", "ip:filter:OUTPUT", "DROP FireHOL"],
    ["[firehol]PASS-unknown:", "IN=virbr0 OUT=eth0", "ip:filter:FORWARD", ""],
    ["IN-unknown:", "IN=eth0 OUT=", "ip:filter:INPUT", ""],
    ["fw: OUT-unknown:", "IN= OUT=eth0", "ip:filter:OUTPUT", ""],
    ["fw: REJECT UNMATCHED PASS-lan:", "IN=eth1 OUT=eth0", "ip:filter:FORWARD", "REJECT FireHOL"],
    ["BLOCKED NEW TCP w/o SYN:", "IN=eth0 OUT=eth1", "ip:filter:FORWARD", "DROP FireHOL"],
    ["** IN_TCP DROP ** ", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP APF"],
    ["AIF:LAN->INET denied: ", "IN=eth1 OUT=eth0", "ip:filter:FORWARD", "DROP or REJECT AIF"],
    ["refused connection: ", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP or REJECT NixOS"],
    ["[INPUT] ", "IN=eth0 OUT=", "ip:filter:INPUT", ""],
    ["[NAT_PREROUTING] ", "IN=eth0 OUT=", "ip:nat:PREROUTING", ""],
    ["IPTables-Dropped: ", "IN= OUT=lo", "ip:filter:OUTPUT", "DROP the LOGGING chain of a common guide"],
    [
      "DROP ",
      "IN=br0 OUT=vlan2",
      "ip:filter:FORWARD",
      "DROP a LOG rule named so (DD-WRT's, Tomato's and Asuswrt's logdrop chains, psad's setup)",
    ],
    ["ACCEPT ", "IN=eth0 OUT=", "ip:filter:INPUT", ""],
    ["[filter-forward]", "IN=virbr0 OUT=eth1", "ip:filter:FORWARD", ""],
    ["calico-packet: ", "IN=eth0 OUT=cali21f32b9552e", "ip:filter:FORWARD", ""],
    // k3s's kube-router NFLOG, as ulogd wrote it (a harvested syslog).
    [
      "DROP by policy default/test-network-policy ",
      "IN=cni0 OUT=cni0",
      "ip:filter:FORWARD",
      "DROP or REJECT kube-router",
    ],
    // SuSEfirewall2, quoted in a mailing-list post.
    ["SFW2-INext-DROP-DEFLT ", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP SuSEfirewall2"],
    ["SFW2-OUT-ERROR ", "IN= OUT=eth0", "ip:filter:OUTPUT", ""],
    ["SFW2-FWDint-REJECT ", "IN=eth1 OUT=eth0", "ip:filter:FORWARD", "REJECT SuSEfirewall2"],
    ["SFW2-INext-ACC-TCP ", "IN=eth0 OUT=", "ip:filter:INPUT", ""],
    ["[ipv4-FWD-filter-200-A]", "IN=bond1.10 OUT=bond2.20", "ip:filter:FORWARD", ""],
    ["[ipv4-INP-filter-default-D]", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP VyOS"],
    ["[ipv4-NAM-TEST-10-R]", "IN=eth1 OUT=", "ip:filter:INPUT", "REJECT VyOS"],
    ["[DST-NAT-1]", "IN=eth4 OUT=", "ip:nat:PREROUTING", ""],
    ["[WAN_IN-10-A]", "IN=eth0 OUT=eth1", "ip:filter:FORWARD", ""],
    ["[WAN_LOCAL-default-D]", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP EdgeOS, VyOS 1.3 or UniFi"],
    // UniFi OS's ulogd writes the rule's description after the prefix: not part of it.
    ['[LAN_LOCAL-RET-2147483647] DESCR="no rule description" ', "IN=wg0 OUT=", "ip:filter:INPUT", ""],
    // UniFi Network 9's zone pairs (a Cloud Gateway Ultra's line in wazuh/wazuh#32914) and EdgeOS's zone policies.
    ['[LAN_CUSTOM3-A-10000] DESCR="Allow_Trusted_To_VMNet" ', "IN=br50 OUT=br20", "ip:filter:FORWARD", ""],
    ["[WAN_LAN-D-10001]", "IN=eth8 OUT=br0", "ip:filter:FORWARD", "DROP UniFi"],
    ["[LOCAL_WAN-R-2]", "IN= OUT=eth8", "ip:filter:OUTPUT", "REJECT UniFi"],
    ["[wan-lan-default-D]", "IN=eth0 OUT=eth1", "ip:filter:FORWARD", "DROP EdgeOS"],
    ["[wan-local-10-A]", "IN=eth0 OUT=", "ip:filter:INPUT", ""],
    // harvest43: Tomato's logreject (a reset follows for TCP alone), IPFire's chains, policies and
    // protections (its firewall initscript), AFWall+'s reject chain, Firewall Builder's default, guides' bare chain names.
    ["REJECT ", "IN=vlan2 OUT=br0", "ip:filter:FORWARD", ""],
    ["FORWARDFW ", "IN=green0 OUT=red0", "ip:filter:FORWARD", ""],
    ["INPUTFW ", "IN=green0 OUT=", "ip:filter:INPUT", ""],
    ["OUTGOINGFW ", "IN= OUT=red0", "ip:filter:OUTPUT", ""],
    ["DROP_INPUT ", "IN=red0 OUT=", "ip:filter:INPUT", "DROP IPFire"],
    ["DROP_CTINVALID ", "IN=blue0 OUT=", "ip:filter:INPUT", "DROP IPFire"],
    ["DROP_TCP Scan ", "IN=red0 OUT=green0", "ip:filter:FORWARD", "DROP IPFire"],
    ["{AFL}", "IN= OUT=wlan0", "ip:filter:OUTPUT", "REJECT AFWall+"],
    ["RULE 24 -- DROP ", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP Firewall Builder"],
    ["RULE 3 -- ACCEPT ", "IN=eth0 OUT=eth1", "ip:filter:FORWARD", ""],
    ["RULE 7 -- DENY ", "IN=eth0 OUT=", "ip:filter:INPUT", "DROP Firewall Builder"],
    ["FORWARD", "IN=br0 OUT=ppp0", "ip:filter:FORWARD", ""],
    ["INPUT: ", "IN=eth0 OUT=", "ip:filter:INPUT", ""],
    // Firestarter, as iptables-save -c of its rules shows them in a forum post (pastes54 P1): LSI drops
    // after `Inbound `, LSO rejects after `Outbound `, the catch-alls (no space) end chains of DROP policy.
    ["Inbound ", "IN=wlan0 OUT=", "ip:filter:INPUT", "DROP Firestarter"],
    ["Inbound ", "IN=eth1 OUT=eth0", "ip:filter:FORWARD", "DROP Firestarter"],
    ["Outbound ", "IN= OUT=wlan0", "ip:filter:OUTPUT", "REJECT Firestarter"],
    ["Unknown Input", "IN=wlan0 OUT=", "ip:filter:INPUT", "DROP Firestarter"],
    ["Unknown Output", "IN= OUT=wlan0", "ip:filter:OUTPUT", "DROP Firestarter"],
    ["Unknown Forward", "IN=eth0 OUT=eth1", "ip:filter:FORWARD", "DROP Firestarter"],
  ];
  it.each(cases)("%s (%s) is read at %s", (prefix, devices, hook, drop) => {
    const r = parseTraceText(v4(prefix, devices, 1), { file: "tool.log" });
    expect(r.diagnostics).toEqual([]);
    const e = r.packets[0]?.events[0];
    expect(e?.hook).toBe(hook);
    expect(e?.drop ? `${e.drop.verdict} ${e.drop.by}` : "").toBe(drop);
  });

  it("leaves prefixes people write for chains of their own to a prefix map: a bare IN-wan:, any BLOCKED ...:", () => {
    for (const prefix of ["IN-wan:", "ssh IN-ok:", "BLOCKED INPUT:"]) {
      const r = parseTraceText(v4(prefix, "IN=eth0 OUT=", 1), { file: "own.log" });
      expect(r.packets, prefix).toEqual([]);
      expect(r.diagnostics[0]?.message, prefix).toMatch(/^unknown LOG prefix/);
    }
  });

  it("a line whose devices fit none of a prefix's chains stays unknown, with the warning", () => {
    // csf logs in INPUT and OUTPUT only: a forwarded packet's line is not its.
    const r = parseTraceText(v4("Firewall: *TCP_IN Blocked* ", "IN=eth0 OUT=eth1", 1), { file: "tool.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics[0]?.message).toMatch(/^unknown LOG prefix 'Firewall: \*TCP_IN Blocked\*'/);
  });
});

describe("OpenWrt fw4's 'drop <zone> invalid ct state: '", () => {
  // fw4's ruleset.uc includes zone-drop-invalid.uc (`ct state invalid log prefix "drop {{ zone.name }}
  // invalid ct state: " drop`) in accept_to_<zone> of a masqueraded zone, which forward_<zone> and
  // output_<zone> jump to: traffic to the zone, forwarded or sent by the router itself.
  const LINES = [
    "Dec  7 10:00:12 fw kernel: drop wan invalid ct state: IN=br-lan OUT=eth0.2 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=192.168.1.20 DST=203.0.113.9 LEN=40 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=50000 DPT=443 WINDOW=0 RES=0x00 RST URGP=0 ",
    "Dec  7 10:00:13 fw kernel: drop wan invalid ct state: IN= OUT=eth0.2 SRC=203.0.113.1 DST=203.0.113.9 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=50001 DPT=443 WINDOW=0 RES=0x00 RST URGP=0 ",
  ];

  it("places it at forward or output by the line's devices, with fw4's drop after it", () => {
    const r = parseTraceText(LINES.join("\n"), { file: "fw4.log" });
    expect(r.diagnostics).toEqual([]);
    expect(
      r.packets.map((p) => [p.events[0]?.hook, p.events[0]?.drop?.verdict, p.events[0]?.drop?.by]),
    ).toEqual([
      ["ip:fw4:forward", "DROP", "OpenWrt fw4"],
      ["ip:fw4:output", "DROP", "OpenWrt fw4"],
    ]);
  });

  it("leaves a line coming in to the router (no OUT=) unknown: fw4 logs it only for traffic to the zone", () => {
    const input = (LINES[0] as string).replace("IN=br-lan OUT=eth0.2", "IN=eth0.2 OUT=");
    const r = parseTraceText(input, { file: "fw4.log" });
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "unknown LOG prefix 'drop wan invalid ct state:' (1 line): which table and chain wrote it?",
    ]);
  });
});

describe("a LOG prefix naming Docker's DOCKER-USER chain", () => {
  it("is read at filter FORWARD, the one chain that jumps to DOCKER-USER", () => {
    // libnetwork (firewall_linux.go) creates DOCKER-USER in the filter table and jumps to it from FORWARD.
    const line =
      "Dec  7 10:00:17 fw kernel: DOCKER-USER: IN=eth0 OUT=docker0 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.17 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=17 DF PROTO=TCP SPT=417 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 ";
    const r = parseTraceText(line, { file: "docker.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => [p.events[0]?.hook, p.events[0]?.drop])).toEqual([
      ["ip:filter:FORWARD", undefined],
    ]);
  });
});

describe("the unknown-prefix hint on an ARP line", () => {
  it("shows the arp form of a --prefix-map entry, which reads the line", () => {
    // 44-arptables.log: nf_log_arp's line under a prefix no chain is known by.
    const line =
      "Mar  3 10:00:05 host kernel: [ 104.000001] arp-in: IN=eth0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:12:34:56 IPSRC=192.0.2.10 MACDST=00:00:00:00:00:00 IPDST=192.0.2.1";
    const r = parseTraceText(line, { file: "arp.log" });
    expect(r.diagnostics.map((d) => [d.message, d.hint])).toEqual([
      ["unknown LOG prefix 'arp-in:' (1 line): which table and chain wrote it?", ARP_PREFIX_HINT],
    ]);
    expect(ARP_PREFIX_HINT).toContain('{"<prefix>": "arp:filter:INPUT"}');
    // The form it shows places the line.
    const mapped = parseTraceText(line, { file: "arp.log", prefixMap: { "arp-in:": "arp:filter:INPUT" } });
    expect(mapped.diagnostics).toEqual([]);
    expect(mapped.packets.map((p) => p.events[0]?.hook)).toEqual(["arp:filter:INPUT"]);
  });
});
