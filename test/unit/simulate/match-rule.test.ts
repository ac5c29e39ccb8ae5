import { describe, expect, it } from "vitest";
import { ifaceMatches, type MatchContext, matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { synPacket } from "./helpers.ts";

function rule(spec: string): Rule {
  const r = parseIptablesSave(`*filter\n:FORWARD ACCEPT\n-A FORWARD ${spec}\nCOMMIT\n`);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules[0] as Rule;
}

const tcp: SimPacket = synPacket({ src: "172.17.0.2", dst: "198.51.100.10", sport: 40000, mark: 0x12 });
const icmp: SimPacket = {
  src: "172.17.0.2",
  dst: "172.17.0.1",
  proto: "icmp",
  icmpType: 8,
  icmpCode: 0,
  icmpId: 1,
  icmpSeq: 1,
  ttl: 64,
  id: 2,
  len: 84,
  ipFlags: [],
  mark: 0,
};

function ctx(over: Partial<MatchContext> = {}): MatchContext {
  return {
    in: "docker0",
    out: "eth0",
    bridged: false,
    ethType: "0x0800",
    ctState: "NEW",
    addrType: (a) =>
      a === "172.17.0.1" || a === "203.0.113.2" ? "LOCAL" : a === "172.17.255.255" ? "BROADCAST" : "UNICAST",
    ...over,
  };
}

describe("matchRule", () => {
  it.each([
    ["-s 172.17.0.0/16", tcp, true],
    ["! -s 172.17.0.0/16", tcp, false],
    ["-d 198.51.100.0/24", tcp, true],
    ["-d 198.51.100.11/32", tcp, false],
    ["-i docker0", tcp, true],
    ["-i docker+", tcp, true],
    ["-i veth+", tcp, false],
    ["! -o docker0", tcp, true],
    ["-p tcp", tcp, true],
    ["-p udp", tcp, false],
    ["-p 6", tcp, true],
    ["-p tcp -m tcp --dport 80", tcp, true],
    ["-p tcp -m tcp --dport 81:90", tcp, false],
    ["-p tcp --sport 39000:41000", tcp, true],
    ["-p tcp -m tcp ! --dport 80", tcp, false],
    ["-p tcp -m multiport --dports 22,80", tcp, true],
    ["-p tcp -m multiport --sports 22,80", tcp, false],
    ["-p tcp -m multiport --ports 40000", tcp, true],
    ["-p icmp -m icmp --icmp-type echo-request", icmp, true],
    ["-p icmp -m icmp --icmp-type 0", icmp, false],
    ["-p icmp -m icmp --icmp-type any", icmp, true],
    ["-p tcp -m tcp --dport 80", icmp, false],
    ["-m addrtype --dst-type LOCAL", icmp, true],
    ["-m addrtype --dst-type LOCAL", tcp, false],
    ["-m addrtype ! --dst-type LOCAL", tcp, true],
    ["-m addrtype --src-type UNICAST", tcp, true],
    ["-m conntrack --ctstate NEW", tcp, true],
    ["-m conntrack --ctstate RELATED,ESTABLISHED", tcp, false],
    ["-m state --state NEW,ESTABLISHED", tcp, true],
    ["-m mark --mark 0x2/0xf", tcp, true],
    ["-m mark --mark 0x12", tcp, true],
    ["-m mark --mark 0x1", tcp, false],
    ['-m comment --comment "anything at all"', tcp, true],
  ] as const)("%s", (spec, pkt, expected) => {
    expect(matchRule(rule(spec), { ...pkt }, ctx())).toBe(expected);
  });

  it("sees conntrack states as given", () => {
    expect(
      matchRule(rule("-m conntrack --ctstate RELATED,ESTABLISHED"), tcp, ctx({ ctState: "ESTABLISHED" })),
    ).toBe(true);
    expect(
      matchRule(rule("-m conntrack --ctstate DNAT"), tcp, ctx({ ctNat: { snat: false, dnat: true } })),
    ).toBe(true);
    expect(matchRule(rule("-m conntrack --ctstate INVALID"), tcp, ctx({ ctState: undefined }))).toBe(false);
  });

  it("physdev matches only bridged packets, and only negated options match a routed one", () => {
    const bridged = ctx({ bridged: true, physIn: "veth-c1", physOut: "veth-c2" });
    expect(matchRule(rule("-m physdev --physdev-in veth-c1"), tcp, bridged)).toBe(true);
    expect(matchRule(rule("-m physdev --physdev-out veth+"), tcp, bridged)).toBe(true);
    expect(matchRule(rule("-m physdev --physdev-out veth-c1"), tcp, bridged)).toBe(false);
    expect(matchRule(rule("-m physdev --physdev-is-bridged"), tcp, bridged)).toBe(true);
    expect(
      matchRule(rule("-m physdev --physdev-is-bridged"), tcp, ctx({ bridged: true, physIn: "veth-c1" })),
    ).toBe(false);
    expect(
      matchRule(rule("-m physdev --physdev-is-in"), tcp, ctx({ bridged: true, physIn: "veth-c1" })),
    ).toBe(true);
    expect(matchRule(rule("-m physdev --physdev-in veth-c1"), tcp, ctx())).toBe(false);
    expect(matchRule(rule("-m physdev ! --physdev-is-bridged"), tcp, ctx())).toBe(true);
  });

  it("says unknown for an unmodelled match unless a known one already fails", () => {
    expect(matchRule(rule("-m set --match-set x dst -j ACCEPT"), tcp, ctx())).toBe("unknown");
    expect(matchRule(rule("-p udp -m set --match-set x dst -j ACCEPT"), tcp, ctx())).toBe(false);
    // An option of a known module that is not modelled (TCP options are not simulated).
    expect(matchRule(rule("-p tcp -m tcp --tcp-option 2 -j ACCEPT"), tcp, ctx())).toBe("unknown");
  });

  it("matches interface names with the + wildcard only as a prefix", () => {
    expect(ifaceMatches("veth+", "veth-c1")).toBe(true);
    expect(ifaceMatches("+", "eth0")).toBe(true);
    expect(ifaceMatches("eth0", "eth01")).toBe(false);
    expect(ifaceMatches("eth0", undefined)).toBe(false);
  });
});

describe("matchRule: iprange and TCP flags, as host firewalls (ufw) write them", () => {
  it.each([
    ["-m iprange --src-range 172.17.0.1-172.17.0.9", tcp, true],
    ["-m iprange --src-range 172.17.0.3-172.17.0.9", tcp, false],
    ["-m iprange ! --dst-range 198.51.100.0-198.51.100.9", tcp, true],
    ["-p tcp --syn", tcp, true],
    ["-p tcp --syn", { ...tcp, tcpFlags: ["SYN", "ACK"] } as SimPacket, false],
    ["-p tcp --tcp-flags FIN,SYN,RST,ACK SYN", tcp, true],
    ["-p tcp --tcp-flags SYN,ACK SYN,ACK", tcp, false],
    ["-p tcp ! --tcp-flags SYN,ACK SYN,ACK", tcp, true],
    ["-p tcp --tcp-flags ALL NONE", icmp, false],
  ] as [string, SimPacket, boolean][])("%s", (spec, packet, expected) => {
    expect(matchRule(rule(spec), packet, ctx())).toBe(expected);
  });

  it("rejects TCP flags in a rule without -p tcp, at the option (iptables: unknown option)", () => {
    const r = parseIptablesSave(
      "*filter\n:FORWARD ACCEPT\n-A FORWARD --tcp-flags ALL NONE -j DROP\nCOMMIT\n",
    );
    expect(r.diagnostics.map((d) => [d.severity, d.position.column, d.message])).toEqual([
      ["error", 12, "--tcp-flags needs -p tcp in the rule: iptables-restore refuses it in a rule without -p"],
    ]);
  });

  it("rejects a range or a flag list it cannot read, at its column", () => {
    for (const spec of ["-m iprange --src-range 10.0.0.1-10.0.0.x", "-p tcp --tcp-flags SYN,BOGUS SYN"]) {
      const r = parseIptablesSave(`*filter\n:FORWARD ACCEPT\n-A FORWARD ${spec}\nCOMMIT\n`);
      expect(
        r.diagnostics.map((d) => d.severity),
        spec,
      ).toContain("error");
      expect(r.diagnostics[0]?.position.column, spec).toBeGreaterThan(12);
    }
  });
});
