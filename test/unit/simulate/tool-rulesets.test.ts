/**
 * Forms that rulesets written by other tools bring, as the kernel's own listings print them (OpenWrt
 * fw4, pve-firewall through iptables-nft, wg-quick, tailscale, fail2ban, Calico; the whole rulesets are
 * the fixtures test/fixtures/simulate/{nft-openwrt-fw4,ipt-proxmox-pve,wg-quick,ipt-tailscale,fail2ban,ipt-calico}).
 *
 * The `tcp flags` forms were checked on kernel 6.18: the ruleset below loaded with nft -f in a throwaway
 * namespace, one TCP connection from 203.0.113.1 to the router's port 22, then the rule counters:
 * `== syn` 1 (the SYN), `== ack` 2 (the handshake's ACK and the last ACK), `!= syn / fin,syn,rst,ack` 3
 * (every packet but the SYN), `syn / fin,syn,rst,ack` 1, and both output rules 1 (the SYN-ACK). nft
 * prints `tcp flags == syn,ack` and `== syn | ack` back as `tcp flags == 0x12`.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

/** A router lab with eth0 203.0.113.2 toward the wan 203.0.113.1 (the fw4 fixture's). */
const LAB = join(import.meta.dirname, "../../fixtures/simulate/nft-openwrt-fw4");

/** The flag tests as `nft list ruleset` printed them back. */
const FLAGS = `table inet t {
	chain in {
		type filter hook input priority filter; policy accept;
		iifname "eth0" tcp flags == syn counter packets 0 bytes 0
		iifname "eth0" tcp flags == ack counter packets 0 bytes 0
		iifname "eth0" tcp flags != syn / fin,syn,rst,ack counter packets 0 bytes 0
		iifname "eth0" tcp flags syn / fin,syn,rst,ack counter packets 0 bytes 0
	}

	chain out {
		type filter hook output priority filter; policy accept;
		oifname "eth0" tcp flags == 0x12 counter packets 0 bytes 0
	}
}
`;

/** Per packet of a WAN connection to port 22: the lines of the rules it matched, by chain. */
function matchedLines(text: string): string[] {
  const packets = runScenario(textWorld(text, "t.nft", LAB), {
    from: "wan",
    to: "203.0.113.2",
    proto: "tcp",
    dport: 22,
  }).packets;
  return packets.map(
    (p) =>
      `${p.direction}: ${p.events
        .flatMap((e) => e.steps.filter((s) => s.kind === "rule").map((s) => `${e.chain}:${s.line}`))
        .join(" ")}`,
  );
}

describe("tcp flags as nft lists them", () => {
  it("reads every form without a diagnostic", () => {
    expect(parseRulesetFile(FLAGS, "t.nft").diagnostics).toEqual([]);
  });

  it("matches the packets the kernel counted", () => {
    // SYN: `== syn` (line 4) and the masked syn (line 7); SYN-ACK: `== 0x12` (line 12);
    // ACK: `== ack` (line 5) and the negated masked syn (line 6).
    expect(matchedLines(FLAGS)).toEqual(["request: in:4 in:7", "reply: out:12", "request: in:5 in:6"]);
  });

  it("drops every packet but the SYN for pve-firewall's ! --tcp-flags FIN,SYN,RST,ACK SYN", () => {
    const text = FLAGS.replace(
      'iifname "eth0" tcp flags != syn / fin,syn,rst,ack counter packets 0 bytes 0',
      'iifname "eth0" tcp flags != syn / fin,syn,rst,ack counter packets 0 bytes 0 drop',
    );
    const fates = runScenario(textWorld(text, "t.nft", LAB), {
      from: "wan",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 22,
    }).packets.map((p) => (p.fate.kind === "dropped" ? `dropped at line ${p.fate.rule?.line}` : p.fate.kind));
    expect(fates).toEqual(["delivered", "delivered", "dropped at line 6"]);
  });
});

describe("nft -j statements named as nft prints them", () => {
  it("reads OpenWrt's MSS clamp as the text listing's statement", () => {
    const json = JSON.stringify({
      nftables: [
        { table: { family: "inet", name: "fw4", handle: 1 } },
        {
          chain: {
            family: "inet",
            table: "fw4",
            name: "mangle_forward",
            handle: 1,
            type: "filter",
            hook: "forward",
            prio: -150,
            policy: "accept",
          },
        },
        {
          rule: {
            family: "inet",
            table: "fw4",
            chain: "mangle_forward",
            handle: 2,
            expr: [
              { match: { op: "==", left: { meta: { key: "oifname" } }, right: "eth0" } },
              { match: { op: "in", left: { payload: { protocol: "tcp", field: "flags" } }, right: "syn" } },
              {
                mangle: {
                  key: { "tcp option": { name: "maxseg", field: "size" } },
                  value: { rt: { key: "mtu" } },
                },
              },
            ],
          },
        },
      ],
    });
    // Read as the text listing's `tcp option maxseg size set rt mtu`: the MSS lowered to the route's MTU.
    const parsed = parseRulesetFile(json, "nft.json");
    expect(parsed.diagnostics.map((d) => d.message)).toEqual([]);
    expect(parsed.nft?.[0]?.chains.values().next().value?.rules[0]?.effects).toEqual([
      { kind: "TCPMSS", nft: true },
    ]);
  });
});

/**
 * ICMP codes, alone and with the type (OpenWrt's Allow-MLD rule is `ip6 saddr fe80::/10 icmpv6 type .
 * icmpv6 code { mld-listener-query . no-route, ... }`). Checked on kernel 6.18: the ruleset below
 * loaded with nft -f in a throwaway namespace, one ping from 203.0.113.1; counters: rules 1 and 2 none,
 * rule 3 (`icmp code net-unreachable`, as nft prints `icmp code 0`) 1, rule 4 1 (the ping dropped).
 */
const CODES = `table inet t {
	chain in {
		type filter hook input priority filter; policy accept;
		iifname "eth0" icmp type . icmp code { echo-request . host-unreachable } counter packets 0 bytes 0 drop
		iifname "eth0" icmp code != net-unreachable counter packets 0 bytes 0 drop
		iifname "eth0" icmp code net-unreachable counter packets 0 bytes 0
		iifname "eth0" icmp type . icmp code { echo-reply . net-unreachable, echo-request . net-unreachable } counter packets 0 bytes 0 drop
	}
}
`;

describe("icmp and icmpv6 codes", () => {
  it("reads the code alone, negated, and concatenated with the type, without a diagnostic", () => {
    const mld =
      'table inet fw4 {\n\tchain input_wan {\n\t\tip6 saddr fe80::/10 icmpv6 type . icmpv6 code { mld-listener-query . no-route, mld2-listener-report . no-route } counter packets 0 bytes 0 accept comment "!fw4: Allow-MLD"\n\t}\n}\n';
    expect(parseRulesetFile(CODES, "t.nft").diagnostics).toEqual([]);
    expect(parseRulesetFile(mld, "t.nft").diagnostics).toEqual([]);
  });

  it("matches an echo request's code 0 as the kernel counted", () => {
    const [ping] = runScenario(textWorld(CODES, "t.nft", LAB), {
      from: "wan",
      to: "203.0.113.2",
      proto: "icmp",
    }).packets;
    const lines = ping?.events.flatMap((e) => e.steps.filter((s) => s.kind === "rule").map((s) => s.line));
    expect(lines).toEqual([6, 7]);
    expect(ping?.fate).toMatchObject({ kind: "dropped", rule: { line: 7 } });
  });
});

/**
 * LXD's and Incus's `ip version 4` in their inet tables (the whole ruleset is the fixture
 * test/fixtures/simulate/lxd-incus-bridge). Checked on kernel 6.18: the ruleset below loaded with nft -f
 * in a throwaway namespace, one TCP connection from 203.0.113.1 to 203.0.113.2 port 22 and one to port
 * 80; the port-22 SYN (and its retry) was dropped (counter 2), the port-80 connection was answered and
 * the `ip6 version 6` rule counted nothing.
 */
const VERSIONS = `table inet t {
	chain in {
		type filter hook input priority filter; policy accept;
		iifname "eth0" ip version 4 tcp dport 22 counter packets 0 bytes 0 drop
		iifname "eth0" ip6 version 6 tcp dport 80 counter packets 0 bytes 0 drop
	}
}
`;

describe("ip version and ip6 version", () => {
  it("reads both without a diagnostic", () => {
    expect(parseRulesetFile(VERSIONS, "t.nft").diagnostics).toEqual([]);
  });

  it("matches IPv4 with ip version 4 and never with ip6 version 6, as the kernel counted", () => {
    const fate = (dport: number) =>
      runScenario(textWorld(VERSIONS, "t.nft", LAB), { from: "wan", to: "203.0.113.2", proto: "tcp", dport })
        .packets[0]?.fate;
    expect(fate(22)).toMatchObject({ kind: "dropped", rule: { line: 4 } });
    expect(fate(80)).toMatchObject({ kind: "delivered" });
  });
});

describe("VyOS's fragment mark (test/fixtures/simulate/nft-vyos-zones)", () => {
  // Kernel 6.18: every whole packet of the fixture left VYOS_FRAG_MARK by its policy (nft monitor trace).
  const chain = (rule: string) =>
    `table ip vyos_filter {\n\tchain VYOS_FRAG_MARK {\n\t\ttype filter hook prerouting priority -450; policy accept;\n\t\t${rule}\n\t}\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tmeta mark 0x000ffff1 drop\n\t}\n}\n`;
  const first = (rule: string) => {
    const w = textWorld(chain(rule), "t.nft");
    const p = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 22 }).packets[0];
    return { diagnostics: w.ruleset.diagnostics.map((d) => d.message), p };
  };
  it("decides `ip frag-off & 16383 != 0`: a whole packet is no fragment, so no mark is set", () => {
    const { diagnostics, p } = first("ip frag-off & 16383 != 0 meta mark set 0x000ffff1 return");
    expect(diagnostics).toEqual([]);
    expect(p?.fate).toEqual({ kind: "delivered", host: "host" });
    expect(p?.unmodelled).toEqual([]);
  });
  it("leaves a mask with the don't-fragment bit unmodelled (whether it is set is not known)", () => {
    expect(first("ip frag-off & 0x4000 != 0 meta mark set 0x000ffff1 return").diagnostics).toEqual([
      "expression 'ip frag-off & 0x4000 != 0' is not modelled",
    ]);
  });
});
