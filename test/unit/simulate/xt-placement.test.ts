/**
 * Where the kernel takes an iptables extension: each row was loaded with iptables-restore (1.8.9, nf_tables)
 * into a fresh network namespace on kernel 6.18; the refused ones failed with "RULE_APPEND failed (Invalid
 * argument)", the taken ones loaded. The reader says the same, at the option that breaks the rule.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

/** The errors of a one-table save holding `lines`, as `line:column message`. */
function errors(table: string, lines: string[]): string[] {
  const r = parseIptablesSave(`*${table}\n${lines.join("\n")}\nCOMMIT\n`, { file: "r.rules" });
  return r.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `${d.position.line}:${d.position.column} ${d.message}`);
}

const REFUSED = ': the kernel refuses it (iptables-restore: "RULE_APPEND failed (Invalid argument)")';

describe("iptables extensions the kernel takes in some tables or hooks only", () => {
  it.each([
    [
      "filter",
      "-A INPUT -j TTL --ttl-set 1",
      "2:10 target TTL is only valid in the mangle table, not in filter INPUT",
    ],
    [
      "raw",
      "-A PREROUTING -j TTL --ttl-set 1",
      "2:15 target TTL is only valid in the mangle table, not in raw PREROUTING",
    ],
    [
      "filter",
      "-A INPUT -j DSCP --set-dscp 1",
      "2:10 target DSCP is only valid in the mangle table, not in filter INPUT",
    ],
    [
      "filter",
      "-A FORWARD -j TOS --set-tos 0x10",
      "2:12 target TOS is only valid in the mangle table, not in filter FORWARD",
    ],
    [
      "filter",
      "-A FORWARD -p tcp -j ECN --ecn-tcp-remove",
      "2:19 target ECN is only valid in the mangle table, not in filter FORWARD",
    ],
    [
      "filter",
      "-A INPUT -j SECMARK --selctx system_u:object_r:ssh_packet_t:s0",
      "2:10 target SECMARK is only valid in the mangle and security tables, not in filter INPUT",
    ],
    [
      "mangle",
      "-A PREROUTING -j CLASSIFY --set-class 1:1",
      "2:15 target CLASSIFY is only valid in the mangle table's OUTPUT, FORWARD and POSTROUTING, not in mangle PREROUTING",
    ],
    [
      "mangle",
      "-A FORWARD -p tcp -j TPROXY --on-port 1 --tproxy-mark 1",
      "2:19 target TPROXY is only valid in the mangle table's PREROUTING, not in mangle FORWARD",
    ],
    [
      "filter",
      "-A OUTPUT -p tcp -j SYNPROXY",
      "2:18 target SYNPROXY is only valid in INPUT and FORWARD, not in filter OUTPUT",
    ],
    [
      "mangle",
      "-A INPUT -p tcp --syn -j TCPMSS --clamp-mss-to-pmtu",
      "2:33 TCPMSS --clamp-mss-to-pmtu is only valid in FORWARD, OUTPUT and POSTROUTING, not in mangle INPUT",
    ],
    [
      "mangle",
      "-A INPUT -m rpfilter -j DROP",
      "2:13 match rpfilter is only valid in the raw and mangle tables' PREROUTING, not in mangle INPUT",
    ],
    [
      "raw",
      "-A OUTPUT -m rpfilter -j DROP",
      "2:14 match rpfilter is only valid in the raw and mangle tables' PREROUTING, not in raw OUTPUT",
    ],
    [
      "filter",
      "-A OUTPUT -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT",
      "2:18 match mac is only valid in PREROUTING, INPUT and FORWARD, not in filter OUTPUT",
    ],
    [
      "filter",
      "-A FORWARD -m socket -j ACCEPT",
      "2:15 match socket is only valid in PREROUTING and INPUT, not in filter FORWARD",
    ],
    [
      "filter",
      "-A INPUT -m addrtype --dst-type LOCAL --limit-iface-out -j ACCEPT",
      "2:39 addrtype --limit-iface-out is only valid in FORWARD, OUTPUT and POSTROUTING, not in filter INPUT",
    ],
    [
      "filter",
      "-A OUTPUT -m physdev --physdev-out x -j ACCEPT",
      "2:22 --physdev-out is only valid in PREROUTING, INPUT, FORWARD and POSTROUTING, not in filter OUTPUT",
    ],
    [
      "filter",
      "-A INPUT -m devgroup --dst-group 1 -j ACCEPT",
      "2:22 devgroup --dst-group is only valid in FORWARD, OUTPUT and POSTROUTING, not in filter INPUT",
    ],
  ])("refuses, in %s, %s", (table, rule, said) => {
    expect(errors(table, [rule])).toEqual([`${said}${REFUSED}`]);
  });

  it.each([
    ["mangle", "-A FORWARD -j TTL --ttl-set 1"],
    ["mangle", "-A POSTROUTING -j CLASSIFY --set-class 1:1"],
    ["mangle", "-A PREROUTING -p udp -j TPROXY --on-port 1 --tproxy-mark 1"],
    ["mangle", "-A INPUT -p tcp -j SYNPROXY"],
    ["filter", "-A INPUT -p tcp -j SYNPROXY"],
    ["mangle", "-A FORWARD -p tcp -j TCPMSS --clamp-mss-to-pmtu"],
    ["mangle", "-A PREROUTING -p tcp --syn -j TCPMSS --set-mss 1000"],
    ["mangle", "-A PREROUTING -m rpfilter -j DROP"],
    ["raw", "-A PREROUTING -j NOTRACK"],
    ["filter", "-A INPUT -m socket -j ACCEPT"],
    ["filter", "-A FORWARD -m physdev --physdev-out x -j ACCEPT"],
    ["filter", "-A OUTPUT -m physdev --physdev-out x --physdev-is-bridged -j ACCEPT"],
    ["filter", "-A FORWARD -m addrtype --dst-type LOCAL --limit-iface-out -j ACCEPT"],
    ["filter", "-A INPUT -j TEE --gateway 198.51.100.1"],
    ["filter", "-A INPUT -p 6 -j REJECT --reject-with tcp-reset"],
  ])("takes, in %s, %s", (table, rule) => {
    expect(errors(table, [rule])).toEqual([]);
  });

  it.each([
    [
      "filter",
      "-A INPUT -p udp -j REJECT --reject-with tcp-reset",
      "2:27 --reject-with tcp-reset needs a rule of -p tcp",
    ],
    [
      "filter",
      "-A INPUT ! -p tcp -j REJECT --reject-with tcp-reset",
      "2:29 --reject-with tcp-reset needs a rule of -p tcp",
    ],
    ["filter", "-A INPUT -j SYNPROXY --mss 1460", "2:10 target SYNPROXY needs a rule of -p tcp"],
    ["mangle", "-A FORWARD -j TCPMSS --clamp-mss-to-pmtu", "2:12 target TCPMSS needs a rule of -p tcp"],
    [
      "mangle",
      "-A PREROUTING -p icmp -j TPROXY --on-port 1 --tproxy-mark 1",
      "2:23 target TPROXY needs a rule of -p tcp or -p udp",
    ],
  ])("refuses, in %s, %s for its protocol", (table, rule, said) => {
    expect(errors(table, [rule])).toEqual([
      `${said}: the kernel refuses it for any other protocol (iptables-restore: "RULE_APPEND failed (Invalid argument)")`,
    ]);
  });

  it("refuses CT and NOTRACK outside raw", () => {
    expect(errors("filter", ["-A INPUT -p tcp -j CT --notrack"])).toEqual([
      "2:17 target 'CT' is only valid in the raw table, not 'filter'",
    ]);
    expect(errors("mangle", ["-A PREROUTING -j NOTRACK"])).toEqual([
      "2:15 target 'NOTRACK' is only valid in the raw table, not 'mangle'",
    ]);
  });

  it("checks a user chain's rule at the hooks whose chains jump to it, and a NAT target's table there", () => {
    // iptables-nft refused the jump (CLASSIFY below INPUT) or the rule (DNAT in filter) on kernel 6.18.
    expect(errors("mangle", [":X - [0:0]", "-A X -j CLASSIFY --set-class 1:1", "-A INPUT -j X"])).toEqual([
      `3:6 target CLASSIFY is only valid in the mangle table's OUTPUT, FORWARD and POSTROUTING, not in mangle X, which INPUT reaches (the jump at line 4)${REFUSED}`,
    ]);
    expect(
      errors("nat", [
        ":X - [0:0]",
        ":Y - [0:0]",
        "-A Y -j DNAT --to-destination 198.51.100.1",
        "-A X -j Y",
        "-A POSTROUTING -j X",
      ]),
    ).toEqual([
      `4:6 target DNAT is only valid in the nat table's PREROUTING and OUTPUT, not in nat Y, which POSTROUTING reaches (the jump at line 6)${REFUSED}`,
    ]);
    expect(errors("filter", [":X - [0:0]", "-A X -j DNAT --to-destination 198.51.100.1"])).toEqual([
      `3:6 target DNAT is only valid in the nat table's PREROUTING and OUTPUT, not in filter X${REFUSED}`,
    ]);
    // Reached from PREROUTING alone, the same rules load.
    expect(
      errors("nat", [":X - [0:0]", "-A X -j DNAT --to-destination 198.51.100.1", "-A PREROUTING -j X"]),
    ).toEqual([]);
    expect(errors("raw", [":X - [0:0]", "-A X -m rpfilter -j DROP", "-A PREROUTING -j X"])).toEqual([]);
    // A chain nothing jumps to is not checked for its hooks (iptables-nft took it).
    expect(errors("mangle", [":X - [0:0]", "-A X -j CLASSIFY --set-class 1:1"])).toEqual([]);
  });

  it("reads -j SYNPROXY without options as the target, not a missing chain", () => {
    const r = parseIptablesSave("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j SYNPROXY\nCOMMIT\n");
    expect(r.diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      "warning 'SYNPROXY' answers a SYN with the host's own SYN cookie and takes the client's ACK, which the simulator does not model",
    ]);
  });

  it.each([
    ["mangle", "-A PREROUTING -j TEE", 'TEE: option "--gateway" must be specified'],
    [
      "mangle",
      "-A PREROUTING -j MARK",
      "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required",
    ],
    ["mangle", "-A POSTROUTING -j CLASSIFY", 'CLASSIFY: option "--set-class" must be specified'],
  ])("refuses a target that needs options written bare, in %s: %s", (table, rule, said) => {
    expect(errors(table, [rule])).toEqual([
      `2:${rule.indexOf("-j ") + 4} target ${rule.split(" ").at(-1)} needs options: iptables-restore refuses it without them ("${said}")`,
    ]);
  });

  it("takes the targets that load bare", () => {
    for (const [table, rule] of [
      ["mangle", "-A INPUT -p tcp -j TCPOPTSTRIP"],
      ["raw", "-A PREROUTING -j CT"],
      ["raw", "-A PREROUTING -j TRACE"],
      ["filter", "-A INPUT -j NFLOG"],
      ["nat", "-A POSTROUTING -j MASQUERADE"],
    ])
      expect(errors(table as string, [rule as string]), rule).toEqual([]);
  });
});
