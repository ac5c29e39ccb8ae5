import { describe, expect, it } from "vitest";
import {
  buildLogRules,
  deleteTaggedRulesText,
  EBTABLES_CHAINS,
  ebtablesArgv,
  IPTABLES_CHAINS,
  iptablesRestoreText,
  logPrefix,
  MAX_PREFIX,
  runTag,
  traceRuleArgvs,
} from "../../../src/capture/log-rules.ts";

const rules = buildLogRules({ tag: runTag("k3") });

describe("LOG rules", () => {
  it("puts one rule per match at the top of every iptables and ebtables chain", () => {
    expect(rules.filter((r) => r.family === "ip")).toHaveLength(IPTABLES_CHAINS.length * 2);
    expect(rules.filter((r) => r.family === "bridge")).toHaveLength(EBTABLES_CHAINS.length * 2);
    expect(EBTABLES_CHAINS.some(([table]) => table === "broute")).toBe(false);
  });

  it("keeps every prefix within the kernel's 29 characters, in the seed's spelling", () => {
    for (const rule of rules) expect(rule.prefix.length).toBeLessThanOrEqual(MAX_PREFIX);
    expect(logPrefix("pwk3", "ip", "mangle", "POSTROUTING")).toBe("pwk3/iptable/mangle-POSTROUTE");
    expect(logPrefix("pwk3", "bridge", "nat", "PREROUTING")).toBe("pwk3/ebtable/nat-PREROUTE");
    // `ip6table/` would make this one 30 characters.
    expect(logPrefix("pwk3", "ip6", "mangle", "POSTROUTING")).toBe("pwk3/ip6t/mangle-POSTROUTE");
    expect(() => logPrefix("pwk33", "ip", "mangle", "POSTROUTING")).toThrow(
      /30 characters; the kernel keeps 29/,
    );
  });

  it("deletes exactly what it inserts", () => {
    const insert = iptablesRestoreText(rules, "pw-k3", "insert").split("\n");
    const remove = iptablesRestoreText(rules, "pw-k3", "delete").split("\n");
    expect(insert.filter((l) => l.startsWith("-I"))).toHaveLength(IPTABLES_CHAINS.length * 2);
    expect(insert.map((l) => l.replace(/^-I (\S+) \d+ /, "-D $1 "))).toEqual(remove);
    for (const line of insert.filter((l) => l.startsWith("-I")))
      expect(line).toContain("-m comment --comment pw-k3 -j LOG");
    for (const rule of rules.filter((r) => r.family === "bridge")) {
      const add = ebtablesArgv(rule, "insert");
      const del = ebtablesArgv(rule, "delete");
      expect(add.filter((a, i) => !(a === String(rule.position) && add[i - 1] === rule.chain))).toEqual(
        del.map((a) => (a === "-D" ? "-I" : a)),
      );
      expect(add).toEqual(expect.arrayContaining(["--log", "--log-ip", "--log-level", "debug"]));
    }
  });

  it("writes ip6tables rules only when asked, as ip6tables-restore text of their own", () => {
    expect(rules.some((r) => r.family === "ip6")).toBe(false);
    const both = buildLogRules({ tag: "pwk3", ip6Matches: [["-p", "ipv6-icmp"]] });
    expect(both.filter((r) => r.family === "ip6")).toHaveLength(IPTABLES_CHAINS.length);
    const v6 = iptablesRestoreText(both, "pw-k3", "insert", "ip6");
    expect(v6).toContain(
      "-I OUTPUT 1 -p ipv6-icmp -m comment --comment pw-k3 -j LOG --log-prefix pwk3/ip6t/raw-OUTPUT",
    );
    expect(v6).not.toContain("iptable/");
    expect(iptablesRestoreText(both, "pw-k3", "insert")).toBe(iptablesRestoreText(rules, "pw-k3", "insert"));
  });

  it("finds only the rules carrying the run's comment in an iptables-save listing", () => {
    const save = [
      "*filter",
      ":INPUT ACCEPT [0:0]",
      "-A INPUT -p icmp -m comment --comment pw-k3 -j LOG --log-prefix pwk3/iptable/filter-INPUT --log-level 7",
      "-A INPUT -p icmp -m comment --comment pw-k30 -j LOG",
      '-A INPUT -m comment --comment "keep pw-k3" -j ACCEPT',
      "-A FORWARD -j DOCKER-USER",
      "COMMIT",
      "*nat",
      '-A OUTPUT -p icmp -m comment --comment "pw-k3" -j LOG',
      "COMMIT",
    ].join("\n");
    expect(deleteTaggedRulesText(save, "pw-k3")).toBe(
      "*filter\n-D INPUT -p icmp -m comment --comment pw-k3 -j LOG --log-prefix pwk3/iptable/filter-INPUT --log-level 7\nCOMMIT\n" +
        '*nat\n-D OUTPUT -p icmp -m comment --comment "pw-k3" -j LOG\nCOMMIT\n',
    );
    expect(deleteTaggedRulesText("*filter\n-A INPUT -j ACCEPT\nCOMMIT\n", "pw-k3")).toBe("");
  });

  it("traces in raw PREROUTING and OUTPUT, and removes the same rules", () => {
    const add = traceRuleArgvs([["-p", "icmp"]], "pw-k3", "insert");
    const del = traceRuleArgvs([["-p", "icmp"]], "pw-k3", "delete");
    expect(add.map((a) => a[4])).toEqual(["PREROUTING", "OUTPUT"]);
    expect(add.map((a) => a.filter((x) => x !== "1").map((x) => (x === "-I" ? "-D" : x)))).toEqual(del);
  });
});
