/**
 * ebtables' `-p`: every form ebtables accepts and prints reads as the ethertype the kernel compares.
 * The save text and nft listing below are what ebtables-nft 1.8.9 wrote on kernel 6.18 after
 * `ebtables -A FORWARD -p X -j DROP` for X = 802_1Q, 0x88b5, Length, 800, ip6, ! ARP, LLDP (in a
 * namespace); `bogus` and `0x5dc` it refused.
 */
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { ebtablesEthertype } from "../../../src/core/simulate/ebtables-ethertype.ts";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { rulesetText, textWorld } from "./helpers.ts";

const SAVED =
  "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD -p 802_1Q -j DROP\n-A FORWARD -p 0x88b5 -j DROP\n-A FORWARD -p Length -j DROP\n-A FORWARD -p IPv4 -j DROP\n-A FORWARD -p IPv6 -j DROP\n-A FORWARD -p ! ARP -j DROP\n-A FORWARD -p LLDP -j DROP\n";

const LISTED =
  "table bridge filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tether type 8021q counter packets 0 bytes 0 drop\n\t\tether type 0x88b5 counter packets 0 bytes 0 drop\n\t\tether type < 0x0600 counter packets 0 bytes 0 drop\n\t\tether type ip counter packets 0 bytes 0 drop\n\t\tether type ip6 counter packets 0 bytes 0 drop\n\t\tether type != arp counter packets 0 bytes 0 drop\n\t\tether type 0x88cc counter packets 0 bytes 0 drop\n\t}\n}\n";

const WANT = [
  ["0x8100", false],
  ["0x88b5", false],
  ["length", false],
  ["0x0800", false],
  ["0x86dd", false],
  ["0x0806", true],
  ["0x88cc", false],
];

const conditions = (text: string) => {
  const r = parseEbtables(text);
  expect(r.diagnostics).toEqual([]);
  return (r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules ?? []).map((x) =>
    x.conditions.map((c) => (c.kind === "ethertype" ? [c.ethertype, c.neg] : c.kind)),
  );
};

describe("ebtables -p", () => {
  it("reads ebtables-save's names and numbers as the ethertypes nft lists for the same rules", () => {
    expect(conditions(SAVED)).toEqual(WANT.map((w) => [w]));
    expect(conditions(LISTED)).toEqual(WANT.map((w) => [w]));
  });

  it("reads what ebtables accepts on its command line: any case, aliases, hex with or without 0x", () => {
    const et = (v: string) => {
      const r = ebtablesEthertype(v);
      return "ethertype" in r ? r.ethertype : r.error;
    };
    expect(["ipv4", "IP", "ip4", "0800", "800", "0x800", "0X0800"].map(et)).toEqual(Array(7).fill("0x0800"));
    expect(["arp", "ether-arp", "0x806"].map(et)).toEqual(Array(3).fill("0x0806"));
    expect(["802_1q", "8021q", "1q", "802.1Q", "dot1q", "8100"].map(et)).toEqual(Array(6).fill("0x8100"));
    expect(["ip6", "IPv6", "86dd"].map(et)).toEqual(Array(3).fill("0x86dd"));
    expect(et("length")).toBe("length");
    expect(et("0x0600")).toBe("0x0600");
  });

  it("refuses, at the value, what ebtables refuses", () => {
    const r = parseEbtables(
      "*filter\n:FORWARD ACCEPT\n-A FORWARD -p bogus -j DROP\n-A FORWARD -p 0x5dc -j DROP\n",
    );
    expect(r.diagnostics.map((d) => [d.position?.line, d.position?.column, d.message])).toEqual([
      [3, 15, "unknown protocol 'bogus' for -p"],
      [4, 15, expect.stringMatching(/^-p 0x5dc is below 0x0600/)],
    ]);
    expect(r.diagnostics[0]?.hint).toMatch(/IPv4, ARP, IPv6, 802_1Q/);
    expect(r.diagnostics[1]?.hint).toBe("use -p Length to match 802.3 frames");
  });

  it("drops a bridged ping with `-p 0800` (a number without 0x) and not with `-p 802_1Q` or `-p Length`", () => {
    const fate = (rule: string) => {
      const ipt = rulesetText("docker-28").split("# ebtables-save (bridge family)")[0] as string;
      const w = textWorld(
        // ARP let through first: `-p ! Length` drops ARP frames too, and the walk would end at c1's ARP request.
        `${ipt}# ebtables-save (bridge family)\n*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD -p ARP -j ACCEPT\n-A FORWARD ${rule} -j DROP\n`,
        "t.rules",
      );
      expect(w.ruleset.diagnostics).toEqual([]);
      return runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate.kind;
    };
    expect(fate("-p 0800")).toBe("dropped");
    expect(fate("-p ! 0806")).toBe("dropped");
    expect(fate("-p 802_1Q")).toBe("delivered");
    expect(fate("-p Length")).toBe("delivered");
    expect(fate("-p ! Length")).toBe("dropped");
  });

  it("loses the ping when the rule drops c1's ARP request too (Ethernet II, like the ping)", () => {
    const ipt = rulesetText("docker-28").split("# ebtables-save (bridge family)")[0] as string;
    const w = textWorld(
      `${ipt}# ebtables-save (bridge family)\n*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD -p ! Length -j DROP\n`,
      "t.rules",
    );
    expect(runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" }).packets[0]?.fate).toEqual({
      kind: "lost",
      reason: expect.stringMatching(
        /^c1 asks who-has 172\.17\.0\.3 by ARP \(between two ports of the bridge\), and line \d+ of t\.rules drops the ARP request there/,
      ),
    });
  });

  it("names the ethertype in the rule's explanation, in both forms", () => {
    expect(explainRule("-A FORWARD -p 802_1Q -j DROP").en).toMatch(
      /^if it is a VLAN-tagged \(802\.1Q\) frame,/,
    );
    expect(explainRule("-A FORWARD -p ! Length -j DROP").en).toMatch(/^if it is not an 802\.3 frame/);
    expect(explainNftRule("ether type 8021q drop").en).toMatch(/^an 802\.1Q \(VLAN-tagged\) packet: drop/);
    expect(explainNftRule("ether type < 0x0600 drop").en).toMatch(
      /^an 802\.3 frame \(its type field, below 0x0600/,
    );
    expect(explainNftRule("ether type != arp drop").en).toMatch(/^not ARP: drop/);
  });
});
