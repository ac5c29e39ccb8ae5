/**
 * kube-proxy's nftables mode balances a service with `meta l4proto tcp dnat ip to numgen random mod N
 * map { 0 : ADDR . PORT, ... }` (one element per endpoint; the listing of a Kubernetes 1.36 cluster),
 * and nft's own tests write `dnat to jhash ip saddr mod 2 map { ... }`. The reader took the expression
 * for an unmodelled NAT and the `mod N map { ... }` after it for an unmodelled match, so no endpoint's
 * DNAT ever applied and the packet went on to the ClusterIP. nft 1.0.6 (`nft -c -f`) accepts every form
 * below but the last, which it refuses with "transport protocol mapping is only valid after transport
 * protocol match".
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { routedContext, synPacket } from "./helpers.ts";

const pkt = (): SimPacket => synPacket({ src: "10.244.1.9", dst: "10.96.0.10", sport: 41000 });
const ctx = routedContext();

/** A table `family t` whose nat prerouting chain `pre` holds `rule`: its diagnostics and the table. */
function read(rule: string, family = "ip") {
  const parsed = parseNftRuleset(
    `table ${family} t {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\t${rule}\n\t}\n}\n`,
  );
  return {
    problems: parsed.diagnostics.map(
      (d) => `${d.severity} ${d.position?.line}:${d.position?.column} ${d.message}`,
    ),
    table: parsed.tables[0] as TableDef,
  };
}

describe("a NAT drawn by numgen or jhash from an address map", () => {
  it("kube-proxy's service chain: the first endpoint's DNAT, the other named as another pick", () => {
    const { problems, table } = read(
      "meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.10 . 9898, 1 : 10.244.0.8 . 9898 }",
    );
    expect(problems).toEqual([]);
    const run = runChain(table, "pre", pkt(), ctx);
    expect(run.nat).toEqual({ kind: "DNAT", addr: "10.244.0.10", port: 9898 });
    expect(run.unmodelled.map((u) => u.alternatives)).toEqual([["another pick: DNAT to 10.244.0.8:9898"]]);
  });

  it("mod 1 (one endpoint) is no chance: the DNAT, decided", () => {
    const { problems, table } = read(
      "meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 192.168.0.231 . 6443 }",
    );
    expect(problems).toEqual([]);
    expect(runChain(table, "pre", pkt(), ctx)).toMatchObject({
      nat: { kind: "DNAT", addr: "192.168.0.231", port: 6443 },
      unmodelled: [],
    });
  });

  it("jhash with a seed and an offset, addresses only; a value without an element breaks the rule", () => {
    const { problems, table } = read(
      "dnat to jhash ip saddr . ip daddr mod 2 seed 0xdeadbeef offset 5 map { 5 : 192.168.20.100, 7 : 192.168.30.100 }",
    );
    expect(problems).toEqual([]);
    const run = runChain(table, "pre", pkt(), ctx);
    expect(run.nat).toEqual({ kind: "DNAT", addr: "192.168.20.100" });
    // 6 has no element: that pick breaks the rule, and the chain's policy takes the packet un-NATed.
    expect(run.unmodelled.map((u) => u.alternatives)).toEqual([["another pick: ACCEPT"]]);
  });

  it("in an inet table, 'dnat ip to' leaves an IPv6 packet alone", () => {
    const { problems, table } = read(
      "meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.10 . 9898 }",
      "inet",
    );
    expect(problems).toEqual([]);
    const v6 = runChain(table, "pre", { ...pkt(), v6: true, src: "fd00::9", dst: "fd00::10" }, ctx);
    expect(v6.nat).toBeUndefined();
  });

  it("ranges as keys cover each value they hold", () => {
    const { problems, table } = read("dnat to numgen inc mod 4 map { 0-1 : 10.1.0.1, 2-3 : 10.1.0.2 }");
    expect(problems).toEqual([]);
    const run = runChain(table, "pre", pkt(), ctx);
    expect(run.nat).toEqual({ kind: "DNAT", addr: "10.1.0.1" });
    expect(run.unmodelled.map((u) => u.alternatives)).toEqual([["another pick: DNAT to 10.1.0.2"]]);
  });

  it("a set of protocols before it sets the protocol context for the port, as NixOS writes it", () => {
    expect(
      read(
        "meta l4proto { tcp, udp } dnat ip to numgen random mod 2 map { 0 : 10.0.0.1 . 80, 1 : 10.0.0.2 . 80 }",
      ).problems,
    ).toEqual([]);
  });

  it("'ct mark set jhash ... mod 2 seed S' (nft's tests/py/ip/hash.t) is one statement that leaves the mark unknown, not a match", () => {
    const { problems } = read("ct mark set jhash ip saddr . ip daddr mod 2 seed 0xdeadbeef");
    expect(problems).toEqual([
      "warning 4:3 expression 'ct mark set jhash ip saddr . ip daddr mod 2 seed 0xdeadbeef' is not modelled",
    ]);
  });

  it("a port in the map's data without a protocol match before it is refused, as nft refuses it", () => {
    expect(
      read("dnat ip to numgen random mod 2 map { 0 : 10.0.0.1 . 80, 1 : 10.0.0.2 . 80 }").problems,
    ).toEqual([
      `error 4:14 nft refuses a port in dnat's map data without a transport protocol match before it ("transport protocol mapping is only valid after transport protocol match")`,
    ]);
  });
});
