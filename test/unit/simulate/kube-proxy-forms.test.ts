/**
 * Forms kube-proxy (iptables mode) writes that iptables-save prints differently: `-j MARK --xor-mark`
 * is `--set-xmark BITS/0`, and session affinity's `-m recent --set` before an endpoint's DNAT always
 * matches (xt_recent records the source and matches), so the DNAT is decided, not a chance; in
 * nftables mode the affinity set, named with slashes, is filled by `update @set` so a lookup in it is a
 * chance. The kernel's behaviour is the fixtures test/fixtures/simulate/k8s-kube-proxy-affinity and
 * k8s-kube-proxy-nft-affinity.
 */
import { describe, expect, it } from "vitest";
import { parseRuleArgs } from "../../../src/core/simulate/parse-rule-args.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";
import { labWorld } from "./helpers.ts";

/** The parsed conditions and target of one rule's words. */
const rule = (text: string) => {
  const tk = tokenizeRule(text);
  if (!tk.ok) throw new Error(tk.message);
  const r = parseRuleArgs(tk.tokens);
  if (!r.ok) throw new Error(r.error.message);
  return r;
};

describe("MARK --xor-mark", () => {
  it("is the target iptables-save prints back as --set-xmark BITS/0x0", () => {
    expect(rule("-j MARK --xor-mark 0x4000").target).toEqual(rule("-j MARK --set-xmark 0x4000/0x0").target);
    expect(rule("-j MARK --xor-mark 0x4000").target).toMatchObject({ kind: "MARK", value: 0x4000, mask: 0 });
  });
});

describe("MARK and CONNMARK --set-mark VALUE/MASK", () => {
  it("clear VALUE|MASK, as libxt_MARK and libxt_CONNMARK read them and iptables-save prints them back", () => {
    // The kernel held --set-xmark 0x1/0x3 for both after iptables-nft-restore of --set-mark 0x1/0x2.
    expect(rule("-j MARK --set-mark 0x1/0x2").target).toMatchObject({ kind: "MARK", value: 1, mask: 3 });
    expect(rule("-j MARK --set-mark 0x1").target).toMatchObject({ kind: "MARK", value: 1, mask: 0xffffffff });
    expect(rule("-j CONNMARK --set-mark 0x1/0x2").target).toMatchObject({
      kind: "CONNMARK",
      value: 1,
      mask: 3,
    });
  });

  it("--and-mark, --or-mark and --xor-mark with a mask are errors at the value, as in iptables", () => {
    for (const opt of ["--and-mark", "--or-mark", "--xor-mark"]) {
      const tk = tokenizeRule(`-j MARK ${opt} 0x1/0x2`);
      if (!tk.ok) throw new Error(tk.message);
      const r = parseRuleArgs(tk.tokens);
      expect(r.ok, opt).toBe(false);
      if (!r.ok) {
        expect(r.error.column).toBe(10 + opt.length);
        expect(r.error.message).toBe(`${opt} takes bits, not value/mask: '0x1/0x2'`);
        expect(r.error.hint).toMatch(/--set-xmark/);
      }
    }
  });
});

describe("quoted words after and before the target", () => {
  it("a quoted -g, -s or ! is a value, never an option", () => {
    const comment = rule('-p tcp -m comment --comment "-g" -m tcp --dport 22 -m mark --mark 0x1 -j ACCEPT');
    expect(comment.target).toEqual({ kind: "ACCEPT" });
    expect(comment.conditions.map((c) => c.kind)).toEqual(["proto", "dport", "mark"]);
    const prefix = rule('-j NFLOG --nflog-prefix "-s" --nflog-group 2');
    expect(prefix.conditions).toEqual([]);
    expect(prefix.target).toMatchObject({
      kind: "unknown",
      name: "NFLOG",
      text: "NFLOG --nflog-prefix -s --nflog-group 2",
    });
    const bang = rule('-j NFLOG --nflog-prefix "!" -s 203.0.113.1');
    // Not `! -s`: the source is tested as written.
    expect(bang.conditions).toEqual(rule("-s 203.0.113.1 -j ACCEPT").conditions);
    expect(bang.conditions).toMatchObject([{ kind: "src", neg: false }]);
    expect(bang.target).toMatchObject({ text: "NFLOG --nflog-prefix !" });
  });

  it("reads iptables-save's unquoted --comment -g and --nflog-prefix -s as values", () => {
    // What iptables-nft-save printed for --comment "-g" (kernel 6.x, iptables 1.8.9).
    const saved = rule("-p tcp -m comment --comment -g -m tcp --dport 23 -m mark --mark 0x1 -j ACCEPT");
    expect(saved.target).toEqual({ kind: "ACCEPT" });
    expect(saved.conditions.map((c) => c.kind)).toEqual(["proto", "dport", "mark"]);
    expect(rule("-j NFLOG --nflog-prefix -s --nflog-group 2").conditions).toEqual([]);
  });
});

describe("-m recent", () => {
  it("--set alone leaves no condition: it always matches", () => {
    expect(rule("-m recent --name KUBE-SEP-A --set -j ACCEPT").conditions).toEqual([]);
    expect(
      rule("-m recent --set --name KUBE-SEP-A --mask 255.255.255.255 --rsource -p tcp -j ACCEPT").conditions,
    ).toEqual([{ kind: "proto", proto: "tcp", neg: false }]);
  });

  it("--rcheck, --update and --remove stay chance matches", () => {
    for (const words of [
      "--name A --rcheck --seconds 10800 --reap",
      "--name A --update --seconds 60 --hitcount 6",
      "--name A --remove",
      "--name A ! --rcheck",
      // "--set --name A --rcheck" left this list: iptables-restore 1.8.9 refuses it ("recent: option
      // "--set" cannot be used together with "--rcheck"."), as xt-option-twice.test.ts asserts.
    ])
      expect(rule(`-m recent ${words} -j DROP`).conditions).toEqual([
        { kind: "unknown", text: `-m recent ${words}`, neg: false, chance: "state" },
      ]);
  });

  it("an inverted --set never matches (xt_recent returns !invert for --set)", () => {
    expect(rule("-m recent --name A ! --set -j DROP").conditions).toEqual([
      { kind: "never", text: "-m recent --name A ! --set", neg: false },
    ]);
  });

  it("takes only its own options: a --dport or --syn after it is the tcp match's", () => {
    // iptables-restore accepts this order (-p tcp loads the tcp match); the kernel tests port 22.
    expect(rule("-p tcp -m recent --set --name SSH --dport 22 -j ACCEPT").conditions).toEqual([
      { kind: "proto", proto: "tcp", neg: false },
      { kind: "dport", range: { lo: 22, hi: 22 }, neg: false },
    ]);
    const check = rule(
      "-p tcp -m recent --rcheck --seconds 60 --name SSH ! --syn --dport 22 -j DROP",
    ).conditions;
    expect(check[1]).toEqual({
      kind: "unknown",
      text: "-m recent --rcheck --seconds 60 --name SSH",
      neg: false,
      chance: "state",
    });
    expect(check.slice(2).map((c) => [c.kind, c.neg])).toEqual([
      ["tcp-flags", true],
      ["dport", false],
    ]);
  });

  // docker-bridge lab: c1 (172.17.0.2) to a service address DNATed as kube-proxy's affinity endpoint does.
  const RULES = (recent: string) => `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 198.51.100.80/32 -p tcp -m tcp --dport 443 -m recent ${recent} -j DNAT --to-destination 172.17.0.3:8443
COMMIT
`;

  it("a DNAT behind an inverted --set never happens, decided", () => {
    const spec = { from: "c1", to: "198.51.100.80", proto: "tcp" as const, dport: 443 };
    const never = parseRulesetFile(RULES("--name KUBE-SEP-A ! --set"), "never.rules");
    expect(never.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual(
      [
        [
          "warning",
          6,
          61,
          "match '-m recent --name KUBE-SEP-A ! --set' never matches: the rule is never taken",
        ],
      ],
    );
    const packet = runScenario({ ...labWorld(), ruleset: never }, spec).packets[0];
    expect(packet?.unmodelled).toEqual([]);
    expect(packet?.fate).not.toEqual({ kind: "delivered", host: "c2" });
  });

  it("a DNAT behind --set is decided; behind --rcheck it is uncertain and names the DNAT", () => {
    const spec = { from: "c1", to: "198.51.100.80", proto: "tcp" as const, dport: 443 };
    const set = parseRulesetFile(
      RULES("--set --name KUBE-SEP-A --mask 255.255.255.255 --rsource"),
      "set.rules",
    );
    expect(set.diagnostics).toEqual([]);
    const decided = runScenario({ ...labWorld(), ruleset: set }, spec).packets[0];
    expect(decided?.unmodelled).toEqual([]);
    expect(decided?.fate).toEqual({ kind: "delivered", host: "c2" });
    const check = parseRulesetFile(
      RULES("--rcheck --seconds 10800 --reap --name KUBE-SEP-A"),
      "rcheck.rules",
    );
    const uncertain = runScenario({ ...labWorld(), ruleset: check }, spec).packets[0];
    expect(uncertain?.unmodelled.map((u) => u.alternatives)).toEqual([
      ["if it matched: DNAT to 172.17.0.3:8443"],
    ]);
  });
});

describe("nft session affinity", () => {
  // kube-proxy's nftables mode names each affinity set after its endpoint, slashes included.
  const SET = "affinity-AAAA-default/sticky/tcp/https__172.17.0.3/8443";
  const NFT = `table ip kube-proxy {
	set ${SET} { type ipv4_addr; flags dynamic,timeout; timeout 10800s; }
	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 198.51.100.80 tcp dport 443 jump service
	}
	chain service {
		ip saddr @${SET} goto endpoint
	}
	chain endpoint {
		update @${SET} { ip saddr }
		meta l4proto tcp dnat to 172.17.0.3:8443
	}
}
`;

  it("a lookup in a set that update fills is a chance, whatever its name holds", () => {
    const ruleset = parseRulesetFile(NFT, "kube-proxy.nft");
    expect(ruleset.diagnostics.map((d) => `${d.position.line}: ${d.message}`)).toEqual([
      `8: match 'ip saddr @${SET}' on dynamic set @${SET} is not modelled`,
      `11: statement 'update @${SET} { ip saddr}' is not modelled`,
    ]);
    const packet = runScenario(
      { ...labWorld(), ruleset },
      { from: "c1", to: "198.51.100.80", proto: "tcp", dport: 443 },
    ).packets[0];
    expect(packet?.unmodelled.map((u) => u.alternatives)).toEqual([
      ["if it matched: DNAT to 172.17.0.3:8443"],
    ]);
  });
});
