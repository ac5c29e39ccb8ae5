/**
 * `capture --host` keeps the lines of the host's own logging rules (in the saves import simulates)
 * with the run's tagged ones, cut as the kernel prints them; nothing else of the kernel log.
 */
import { describe, expect, it } from "vitest";
import { hostLogPrefixes } from "../../../src/capture/host-log-prefixes.ts";
import { linesWithTag } from "../../../src/capture/read-kernel-log.ts";

const material = {
  "iptables-save.txt": [
    "*filter",
    '-A INPUT -j LOG --log-prefix "[UFW BLOCK] "',
    "-A FORWARD -j LOG --log-prefix fw-fwd:",
    '-A FORWARD -m comment --comment pw-h1 -j LOG --log-prefix "pwh1/iptable/filter-FORWARD "',
    '-A OUTPUT -j LOG --log-prefix "a prefix longer than twenty-nine characters "',
    "COMMIT",
  ].join("\n"),
  "ebtables-save.txt": '-A FORWARD --log-level notice --log-prefix "br fwd" -j CONTINUE\n',
  "nft-ruleset.txt":
    'table inet home {\n\tchain pre {\n\t\tiifname "lan0" log prefix "home pre: " level info\n\t}\n}\n',
  "ip-addr.json": '[{"ifname": "lo", "note": "--log-prefix x"}]',
};

describe("hostLogPrefixes", () => {
  it("lists every saved ruleset's own prefixes, cut as the kernel prints them, not the run's", () => {
    expect(hostLogPrefixes(material, "pwh1/").sort()).toEqual(
      ["[UFW BLOCK] ", "fw-fwd:", "a prefix longer than twenty-n", "br fwd", "home pre: "].sort(),
    );
  });

  it("gives nothing for a host without logging rules", () => {
    expect(
      hostLogPrefixes({ "iptables-save.txt": "*filter\n-A INPUT -j ACCEPT\nCOMMIT\n" }, "pwh1/"),
    ).toEqual([]);
  });
});

describe("linesWithTag with the host's prefixes", () => {
  const record = (message: string, seq: number) => ({ seq, usec: seq * 1000, priority: 4, message });
  const records = [
    record("pwh1/iptable/filter-FORWARD IN=docker0 OUT=docker0 SRC=172.17.0.2", 1),
    record("home pre: IN=lan0 OUT= SRC=192.168.50.10", 2),
    record("eth0: link becomes ready", 3),
    record("audit: home pre: not a log line of the rule", 4),
  ];

  it("keeps the run's lines and those starting with a host prefix, nothing else", () => {
    const kept = linesWithTag(records, "pwh1/", ["home pre: "]);
    expect(kept).toHaveLength(2);
    expect(kept[0]).toContain("pwh1/iptable/filter-FORWARD");
    expect(kept[1]).toContain("home pre: IN=lan0");
  });

  it("keeps only the run's lines without prefixes", () => {
    expect(linesWithTag(records, "pwh1/")).toHaveLength(1);
  });
});
