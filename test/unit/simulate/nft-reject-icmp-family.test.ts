/**
 * nft's implicit family match before `reject with icmp ...` / `reject with icmpv6 ...` in a table of
 * several families (inet, bridge, netdev): kernel 6.18 with nft 1.0.6 lists `meta nfproto ipv4` first in
 * the rule's bytecode (`nft --debug=netlink`), and a ping6 through `meta l4proto { icmp, ipv6-icmp }
 * reject with icmp port-unreachable` in an inet input chain was answered, the counter after it counting
 * the IPv6 packets while the IPv4 ping was rejected. Before, the IPv6 packet was rejected here too.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const DUAL_STACK = join(import.meta.dirname, "../../../traces/dual-stack");

/** An nft ruleset with one table of `family` whose input chain (policy accept) holds `rules`. */
const input = (family: string, ...rules: string[]) =>
  `table ${family} t {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\t${rules.join("\n\t\t")}\n\t}\n}\n`;

const REJECT_V4 = "meta l4proto { icmp, ipv6-icmp } reject with icmp port-unreachable";
const REJECT_V6 = "meta l4proto { icmp, ipv6-icmp } reject with icmpv6 type admin-prohibited";

/** The fate of a ping to the lab's host, from `from` to `to`, under `text`. */
function ping(text: string, lab: string | undefined, from: string, to: string) {
  const w = lab ? textWorld(text, "t.nft", lab) : textWorld(text, "t.nft");
  return runScenario(w, { from, to, proto: "icmp" }).packets[0]?.fate;
}

describe("reject with icmp in an inet table", () => {
  it("rejects IPv4, as recorded", () => {
    expect(ping(input("inet", REJECT_V4), undefined, "c1", "172.17.0.1")).toMatchObject({
      kind: "dropped",
      hook: "ip:t:input",
    });
  });

  it("lets IPv6 go on past it, as recorded", () => {
    expect(ping(input("inet", REJECT_V4), DUAL_STACK, "wan", "2001:db8:1::10")).toEqual({
      kind: "delivered",
      host: "host",
    });
  });

  it("with icmpv6: rejects IPv6 and lets IPv4 go on", () => {
    // The rule takes every ICMPv6 packet: the neighbour solicitation before the ping is rejected first.
    expect(ping(input("inet", REJECT_V6), DUAL_STACK, "wan", "2001:db8:1::10")).toEqual({
      kind: "lost",
      reason:
        "wan asks for 2001:db8:1::10's MAC address by neighbour discovery, and line 4 of t.nft rejects the neighbour solicitation (conntrack leaves it untracked, so an established,related accept does not let it through): no answer, the packet is never sent; accept ICMPv6 types nd-neighbor-solicit and nd-neighbor-advert before it",
    });
    const echoOnly = input(
      "inet",
      REJECT_V6.replace("meta l4proto { icmp, ipv6-icmp }", "icmpv6 type echo-request"),
    );
    expect(ping(echoOnly, DUAL_STACK, "wan", "2001:db8:1::10")).toMatchObject({ kind: "dropped" });
    expect(ping(input("inet", REJECT_V6), undefined, "c1", "172.17.0.1")).toEqual({
      kind: "delivered",
      host: "host",
    });
  });

  it("puts the family match first, and none for icmpx, plain reject or a one-family table", () => {
    const kinds = (family: string, rule: string) =>
      parseNftRuleset(input(family, rule))
        .tables[0]?.chains.get("input")
        ?.rules[0]?.conditions.map((c) => (c.kind === "ethertype" ? `ethertype ${c.ethertype}` : c.kind));
    expect(kinds("inet", "tcp dport 22 reject with icmp type port-unreachable")).toEqual([
      "ethertype 0x0800",
      "proto",
      "dport",
    ]);
    expect(kinds("inet", "tcp dport 22 reject with icmpx type admin-prohibited")).toEqual(["proto", "dport"]);
    expect(kinds("inet", "tcp dport 22 reject")).toEqual(["proto", "dport"]);
    expect(kinds("ip", "tcp dport 22 reject with icmp type port-unreachable")).toEqual(["proto", "dport"]);
  });
});
