/**
 * nft's implicit `meta l4proto tcp` before `reject with tcp reset` (evaluate.c,
 * stmt_reject_gen_dependency): put first in the rule when no match before the reject names a
 * transport protocol, in every family. A hand-written `ip daddr X reject with tcp reset` (as in
 * /etc/nftables.conf) rejects only TCP; a ping passes to the next rule (kernel 6.18, a reviewer's run).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { parseNftRule } from "../../../src/core/simulate/parse-nft-rule.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { tokenizeNft } from "../../../src/core/simulate/tokenize-nft.ts";
import { textWorld } from "./helpers.ts";

/** The parsed rule of the nft statements `text`. */
function rule(text: string) {
  const tk = tokenizeNft(text);
  if (!tk.ok) throw new Error(tk.message);
  const r = parseNftRule(tk.tokens.filter((t) => t.type !== "nl"));
  expect(r.problems).toEqual([]);
  return r;
}

/** An nft ruleset with one table of `family` whose forward chain (policy accept) holds `rules`. */
const forward = (family: string, ...rules: string[]) =>
  `table ${family} f {\n\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\t${rules.join("\n\t\t")}\n\t}\n}\n`;

describe("reject with tcp reset: nft's implied meta l4proto tcp", () => {
  it("is put first in the rule, before the statements written before the reject", () => {
    const r = rule('ip daddr 198.51.100.10 log prefix "rst " reject with tcp reset');
    expect(r.conditions.map((c) => c.kind)).toEqual(["proto", "dst"]);
    expect(r.conditions[0]).toEqual({ kind: "proto", proto: "tcp", neg: false });
    // The log is written after both matches, the reject after them too.
    expect(r.effectAt).toEqual([2]);
    expect(r.targetAt).toBe(2);
    expect(r.target).toEqual({ kind: "REJECT", with: "tcp reset" });
  });

  it("is not added when a match before the reject names the protocol, nor for another reject", () => {
    expect(rule("tcp dport 22 reject with tcp reset").conditions.map((c) => c.kind)).toEqual([
      "proto",
      "dport",
    ]);
    expect(rule("meta l4proto tcp reject with tcp reset").conditions).toHaveLength(1);
    expect(rule("ip daddr 198.51.100.10 reject").conditions.map((c) => c.kind)).toEqual(["dst"]);
    expect(
      rule("ip daddr 198.51.100.10 reject with icmp port-unreachable").conditions.map((c) => c.kind),
    ).toEqual(["dst"]);
    // A negated protocol match sets no protocol context: the dependency is still added.
    expect(rule("meta l4proto != udp reject with tcp reset").conditions[0]).toMatchObject({
      proto: "tcp",
      neg: false,
    });
  });

  it("is added in a bridge table too", () => {
    const r = parseEbtables(
      'table bridge filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tiifname "veth-c1" reject with tcp reset\n\t}\n}\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules[0]?.conditions).toEqual([
      { kind: "proto", proto: "tcp", neg: false },
      { kind: "in", name: "veth-c1", neg: false },
    ]);
  });

  it("lets c1's ping to 198.51.100.10 through and still rejects its TCP (docker-bridge lab)", () => {
    const w = textWorld(forward("ip", "ip daddr 198.51.100.10 reject with tcp reset"));
    expect(w.ruleset.diagnostics).toEqual([]);
    const ping = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets[0];
    expect(ping?.fate).toMatchObject({ kind: "delivered", host: "wan" });
    const tcp = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 }).packets[0];
    expect(tcp?.fate).toMatchObject({ kind: "dropped", hook: "ip:f:forward" });
    expect(tcp?.fate.kind === "dropped" && tcp.fate.reason).toContain("REJECT by rule at line 4");
  });

  it("lets an ICMP ping reach the next rule, which decides it", () => {
    const w = textWorld(
      forward("ip", "ip daddr 198.51.100.10 reject with tcp reset", "ip daddr 198.51.100.10 drop"),
    );
    const ping = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets[0];
    expect(ping?.fate).toMatchObject({
      kind: "dropped",
      reason: expect.stringContaining("DROP by rule at line 5"),
    });
  });

  it("lets an ICMPv6 ping through in ip6 and inet tables; TCP is rejected (dual-stack lab)", () => {
    const dual = join(import.meta.dirname, "../../fixtures/import/ipv6-iptables/expected");
    for (const family of ["ip6", "inet"]) {
      const w = textWorld(forward(family, "ip6 daddr 2001:db8:2::10 reject with tcp reset"), "t.nft", dual);
      expect(w.ruleset.diagnostics).toEqual([]);
      const ping = runScenario(w, { from: "a1", to: "2001:db8:2::10", proto: "icmp" }).packets[0];
      expect(ping?.fate, family).toMatchObject({ kind: "delivered", host: "wan" });
      const tcp = runScenario(w, { from: "a1", to: "2001:db8:2::10", proto: "tcp", dport: 443 }).packets[0];
      expect(tcp?.fate, family).toMatchObject({ kind: "dropped", hook: "ip6:f:forward" });
    }
  });
});
