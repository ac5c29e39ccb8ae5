/**
 * Port forwards kept in nftables data maps (`dnat ip to tcp dport map @fwdc`, `snat to ip saddr map {
 * ... }`): the element the key finds gives the address (and port), a key without an element breaks
 * the rule, in the text and JSON forms alike. The recorded kernel's behaviour is the fixture
 * test/fixtures/simulate/nft-nat-map.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { natRangeAddress } from "../../../src/core/simulate/nat-range-address.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { natPreroutingAndInput, textWorld, wanTcpFates } from "./helpers.ts";

/** The docker-bridge lab, or the lab in `labDir`, under `text`. */
const world = textWorld;

const nat = (prerouting: string, postrouting = 'oifname "eth0" masquerade') => `table ip nat {
	map fwdc {
		type inet_service : ipv4_addr . inet_service
		elements = { 8080 : 172.17.0.2 . 80, 8081 : 172.17.0.3 . 81 }
	}

	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		${prerouting}
		tcp dport 9000 dnat to 172.17.0.3:90
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		${postrouting}
	}
}
`;

const fromWan = (dport: number, proto: "tcp" | "udp" = "tcp") => ({
  from: "wan",
  to: "203.0.113.2",
  proto,
  dport,
});

describe("dnat to a data map", () => {
  it("rewrites to the address and port of the element the key finds (a named map of addr . port)", () => {
    const w = world(nat('iifname "eth0" dnat ip to tcp dport map @fwdc'));
    expect(w.ruleset.diagnostics).toEqual([]);
    const c1 = runScenario(w, fromWan(8080)).packets[0];
    expect(c1?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(c1?.received).toMatchObject({ dst: "172.17.0.2", dport: 80 });
    expect(c1?.unmodelled).toEqual([]);
    const c2 = runScenario(w, fromWan(8081)).packets[0];
    expect(c2?.received).toMatchObject({ dst: "172.17.0.3", dport: 81 });
  });

  it("reads the form written by hand (ip addr . port to) and an anonymous map the same way", () => {
    const w = world(
      nat(
        'iifname "eth0" dnat ip addr . port to tcp dport map { 8080 : 172.17.0.2 . 80, 8082 : 172.17.0.3 . 82 }',
      ),
    );
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(runScenario(w, fromWan(8082)).packets[0]?.received).toMatchObject({
      dst: "172.17.0.3",
      dport: 82,
    });
  });

  it("keeps the port when the map gives an address only", () => {
    const w = world(nat("dnat to udp dport map { 5353 : 172.17.0.3 }"));
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(runScenario(w, fromWan(5353, "udp")).packets[0]?.received).toMatchObject({
      dst: "172.17.0.3",
      dport: 5353,
    });
  });

  it("a key without an element breaks the rule: the next rule decides (a tcp key never finds a udp packet)", () => {
    const w = world(nat('iifname "eth0" dnat ip to tcp dport map @fwdc'));
    const next = runScenario(w, fromWan(9000)).packets[0];
    expect(next?.received).toMatchObject({ dst: "172.17.0.3", dport: 90 });
    const steps = next?.events.find((e) => e.hook === "ip:nat:prerouting")?.steps ?? [];
    expect(steps.map((s) => `${s.line}:${s.verdict}`)).toEqual(["10:DNAT"]);
    const udp = runScenario(w, fromWan(8080, "udp")).packets[0];
    expect(udp?.fate).toMatchObject({ kind: "delivered", host: "host" });
  });

  it("snat by a concatenated key (ip saddr . meta l4proto); a packet it does not list falls to masquerade", () => {
    const w = world(
      nat(
        "tcp dport 1 drop",
        'oifname "eth0" snat to ip saddr . meta l4proto map { 172.17.0.2 . icmp : 203.0.113.9 }\n\t\toifname "eth0" masquerade',
      ),
    );
    expect(w.ruleset.diagnostics).toEqual([]);
    const ping = (from: string) => runScenario(w, { from, to: "198.51.100.10", proto: "icmp" }).packets[0];
    expect(ping("c1")?.received?.src).toBe("203.0.113.9");
    expect(ping("c2")?.received?.src).toBe("203.0.113.2");
  });

  it("a missing map is an error; data it cannot rewrite to is a positioned warning and the packet is uncertain", () => {
    const missing = world(nat('iifname "eth0" dnat ip to tcp dport map @nope'));
    expect(missing.ruleset.diagnostics.map((d) => `${d.position.line}:${d.severity}: ${d.message}`)).toEqual([
      "9:error: map '@nope' does not exist in table ip nat",
    ]);
    // A port range as data (nft -f takes it) is not modelled.
    const ranged = world(nat("dnat ip to tcp dport map { 8080 : 172.17.0.2 . 80-90 }"));
    expect(
      ranged.ruleset.diagnostics.map((d) => `${d.position.line}:${d.position.column}: ${d.message}`),
    ).toEqual(["9:3: dnat to '172.17.0.2 . 80-90' (an element of the rule's map) is not modelled"]);
    const p = runScenario(ranged, fromWan(8080)).packets[0];
    expect(p?.unmodelled.map((u) => u.line)).toEqual([9]);
  });

  it("a range whose last address is below its first is an error, as nft refuses it (in a map and in the statement)", () => {
    // nft 1.0.6 in a namespace: "Error: Range has zero or negative size" for both.
    const mapped = world(nat("dnat to tcp dport map { 8080 : 172.17.0.3-172.17.0.2 }"));
    expect(
      mapped.ruleset.diagnostics.map(
        (d) => `${d.position.line}:${d.position.column}:${d.severity}: ${d.message}`,
      ),
    ).toEqual([
      "9:3:error: dnat to '172.17.0.3-172.17.0.2' (an element of the rule's map): the range has zero or negative size",
    ]);
    const plain = world(nat("tcp dport 8080 dnat to 172.17.0.3-172.17.0.2"));
    expect(
      plain.ruleset.diagnostics.map(
        (d) => `${d.position.line}:${d.position.column}:${d.severity}: ${d.message}`,
      ),
    ).toEqual(["9:26:error: '172.17.0.3-172.17.0.2': the range has zero or negative size"]);
  });

  it("a map mixing one address and a range, as nft lists it (the one address as a /32), rewrites to each", () => {
    // nft 1.0.6 on 6.18: { 80 : A-A, 81 : A-B } loads and lists as { 80 : A/32, 81 : A/31 }; a bare
    // address beside a range (or in any map whose data is an interval) is refused: "Invalid argument".
    const mixed = world(nat("dnat to tcp dport map { 8080 : 172.17.0.2/32, 8081 : 172.17.0.2/31 }"));
    expect(mixed.ruleset.diagnostics).toEqual([]);
    expect(runScenario(mixed, fromWan(8080)).packets[0]?.received?.dst).toBe("172.17.0.2");
    expect(runScenario(mixed, fromWan(8081)).packets[0]?.received?.dst).toBe(
      natRangeAddress("172.17.0.2", "172.17.0.3", "198.51.100.10", "203.0.113.2", "dst"),
    );
  });

  it("an address range as data is the kernel's pick of the range, with no warning", () => {
    // kernel-maps.txt (record-maps.sh): the pick is that of `dnat to A-B`, hashed from the addresses.
    const ranged = world(nat("dnat to tcp dport map { 8080 : 172.17.0.2-172.17.0.3 }"));
    expect(ranged.ruleset.diagnostics).toEqual([]);
    const p = runScenario(ranged, fromWan(8080)).packets[0];
    expect(p?.unmodelled).toEqual([]);
    expect(p?.received?.dst).toBe(
      natRangeAddress("172.17.0.2", "172.17.0.3", "198.51.100.10", "203.0.113.2", "dst"),
    );
  });

  it.each(["nft-nat-map", "nft-nat-map-ranges"])(
    "reads nft -j's data maps (named, with concatenated data, and anonymous; %s) as the text form",
    (fixture) => {
      const dir = join(import.meta.dirname, "../../fixtures/simulate", fixture);
      const rules = (file: string) =>
        parseRulesetFile(readFileSync(join(dir, file), "utf8"), file).nft?.map((t) => [
          t.name,
          [...(t.sets?.values() ?? [])].map((s) => s.data),
          [...t.chains.values()].map((c) => c.rules.map((r) => r.target)),
        ]);
      const fromJson = rules("nft-list.json");
      expect(fromJson).toEqual(rules("nft-list.nft"));
      // Every element's data is one the simulator rewrites to: no 'not modelled' warning.
      for (const file of ["nft-list.json", "nft-list.nft"]) {
        const read = parseRulesetFile(readFileSync(join(dir, file), "utf8"), file);
        expect(read.diagnostics).toEqual([]);
        const all = (read.nft ?? []).flatMap((t) => [...t.chains.values()].flatMap((c) => c.rules));
        expect(all.map((r) => r.target?.kind)).toContain("nat-map");
      }
    },
  );
});

describe("statements before a map lookup that finds nothing", () => {
  /** `pre` in the nat prerouting chain, `input` in a filter input chain; packets from the WAN to the host. */
  const marked = natPreroutingAndInput;
  const fates = wanTcpFates;

  it("still act, as the kernel runs a rule's expressions up to the one that breaks it (dnat map, vmap)", () => {
    const dnat = world(
      marked(
        "tcp dport { 9999, 8080 } meta mark set 0x5 dnat to tcp dport map { 8080 : 172.17.0.3 . 80 }",
        "meta mark 0x5 drop",
      ),
    );
    expect(dnat.ruleset.diagnostics).toEqual([]);
    expect(fates(dnat, 9999, 8080, 7000)).toEqual(["9999: dropped", "8080: c2", "7000: host"]);
    const vmap = world(
      marked("tcp dport 9999 ct mark set 0x5 tcp dport vmap { 8080 : accept }", "ct mark 0x5 drop"),
    );
    expect(vmap.ruleset.diagnostics).toEqual([]);
    expect(fates(vmap, 9999, 7000)).toEqual(["9999: dropped", "7000: host"]);
  });

  it("a log statement before the lookup prints its line (nothing is traced for the broken rule)", () => {
    const w = world(
      marked('tcp dport 9999 log prefix "pre-map " dnat to tcp dport map { 8080 : 172.17.0.3 . 80 }', ""),
    );
    const p = runScenario(w, fromWan(9999)).packets;
    expect(toTrace(p).lines.filter((l) => l.includes("pre-map "))).toHaveLength(1);
    const steps = p[0]?.events.find((e) => e.hook === "ip:nat:prerouting")?.steps ?? [];
    expect(steps.map((s) => s.kind)).toEqual(["policy"]);
  });
});

describe("a data-map NAT of one family in an inet table", () => {
  /** The dual-stack lab `packetwalk import` wrote (host wan0 203.0.113.10 and 2001:db8:1::10, br-a fd00:a::/64). */
  const V6_LAB = join(import.meta.dirname, "../../fixtures/import/ipv6-iptables/expected");
  const dual = (text: string, file = "t.nft"): World => world(text, file, V6_LAB);
  const inet = `table inet nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		dnat ip to tcp dport map { 8080 : 172.20.0.2 . 80 }
		tcp dport 8080 dnat ip6 to [fd00:a::3]:80
	}
}
`;
  const v6 = { from: "wan", to: "2001:db8:1::10", proto: "tcp", dport: 8080 } as const;

  it("leaves a packet of the other family alone: the next rule decides it (text and nft -j)", () => {
    const json = JSON.stringify({
      nftables: [
        { table: { family: "inet", name: "nat" } },
        {
          chain: {
            family: "inet",
            table: "nat",
            name: "pre",
            type: "nat",
            hook: "prerouting",
            prio: -100,
            policy: "accept",
          },
        },
        {
          rule: {
            family: "inet",
            table: "nat",
            chain: "pre",
            expr: [
              {
                dnat: {
                  family: "ip",
                  addr: {
                    map: {
                      key: { payload: { protocol: "tcp", field: "dport" } },
                      data: { set: [[8080, { concat: ["172.20.0.2", 80] }]] },
                    },
                  },
                },
              },
            ],
          },
        },
        {
          rule: {
            family: "inet",
            table: "nat",
            chain: "pre",
            expr: [
              { match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: 8080 } },
              { dnat: { family: "ip6", addr: "fd00:a::3", port: 80 } },
            ],
          },
        },
      ],
    });
    for (const w of [dual(inet), dual(json, "t.json")]) {
      expect(w.ruleset.diagnostics).toEqual([]);
      const p = runScenario(w, v6).packets[0];
      expect(p?.received).toMatchObject({ dst: "fd00:a::3", dport: 80 });
      const steps = p?.events.find((e) => e.hook === "ip6:nat:pre")?.steps ?? [];
      // The first rule is traced, its verdict continue (nft_nat_inet_eval leaves it alone).
      expect(steps.map((s) => `${s.index}:${s.verdict}`)).toEqual(["1:CONTINUE", "2:DNAT"]);
    }
    // A statement before the NAT still acts on the other family's packet: a forward rule drops its mark.
    const marked = dual(
      `${inet.replace("\t\tdnat ip to", "\t\tmeta mark set 0x5 dnat ip to")}table inet f {
	chain fwdc {
		type filter hook forward priority filter; policy accept;
		meta mark 0x5 drop
	}
}
`,
    );
    expect(runScenario(marked, v6).packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip6:f:fwdc" });
  });

  it("still rewrites a packet of its own family", () => {
    const w = world(inet.replace("172.20.0.2", "172.17.0.2").replace("fd00:a::3", "fd00:b::3"));
    expect(runScenario(w, fromWan(8080)).packets[0]?.received).toMatchObject({
      dst: "172.17.0.2",
      dport: 80,
    });
    // And an ip6 map leaves an IPv4 packet to the next rule.
    const v6map = world(`table inet nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		dnat ip6 to tcp dport map { 8080 : fd00:b::3 . 80 }
		tcp dport 8080 dnat ip to 172.17.0.3:81
	}
}
`);
    expect(v6map.ruleset.diagnostics).toEqual([]);
    expect(runScenario(v6map, fromWan(8080)).packets[0]?.received).toMatchObject({
      dst: "172.17.0.3",
      dport: 81,
    });
  });
});
