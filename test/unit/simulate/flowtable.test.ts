/**
 * nftables flowtables (`flowtable ft { hook ingress ...; devices = { ... } }`, `flow add @ft`, the older
 * `flow offload @ft`), as OpenWrt's fw4 writes them with software flow offloading. This machine's kernel
 * (6.18, CONFIG_NF_FLOW_TABLE unset) refuses every flowtable: in a throwaway namespace `nft -f` of fw4's
 * flowtable, `add flowtable` alone, and `flow add @nope` or `flow offload @nope` in a forward chain all
 * failed with "Could not process rule: No such file or directory". So what is asserted here comes from the
 * kernel's source (net/netfilter/nft_flow_offload.c of 6.18, nf_flow_table_ip.c of a 2025 tree), not from a capture:
 * a TCP connection is offloaded by the first packet that sees it established (the client's ACK ending the
 * handshake), a UDP one by its second packet either way (the first is not yet confirmed); a packet not
 * offloaded ends the rule; later packets entering on a flowtable device are forwarded at its ingress hook,
 * skipping the IP prerouting, forward and postrouting hooks, NAT kept; a FIN or RST is forwarded too and
 * marks the flow closing (nf_flow_state_check with NF_FLOW_CLOSING; older kernels sent it the normal path).
 * The whole fw4 ruleset is the fixture test/fixtures/simulate/nft-flowtable-offload.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario, type ScriptItem } from "../../../src/core/simulate/run-scenario.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { textWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/nft-flowtable-offload");
const FW4 = readFileSync(join(DIR, "nft-list.nft"), "utf8");

/** `line:column: severity: message` of each diagnostic of `text`. */
function diagnostics(text: string, file = "t.nft"): string[] {
  return parseRulesetFile(text, file).diagnostics.map(
    (d) => `${d.position.line}:${d.position.column}: ${d.severity}: ${d.message}`,
  );
}

/** An inet table `t` with `decl` at its top and `rule` in its forward chain (or the chain `hook`). */
function table(decl: string, rule: string, hook = "forward"): string {
  return `table inet t {\n${decl}\n\tchain c {\n\t\ttype filter hook ${hook} priority filter; policy accept;\n\t\t${rule}\n\t}\n}\n`;
}

const FT = "\tflowtable ft {\n\t\thook ingress priority filter\n\t\tdevices = { br-lan, eth0 }\n\t}";

/** The TCP exchange: handshake, one segment each way, then the client's FIN. */
const TCP: ScriptItem[] = [
  { direction: "request", tcpFlags: ["SYN"] },
  { direction: "reply", tcpFlags: ["ACK", "SYN"] },
  { direction: "request", tcpFlags: ["ACK"] },
  { direction: "request", tcpFlags: ["ACK", "PSH"] },
  { direction: "reply", tcpFlags: ["ACK"] },
  { direction: "request", tcpFlags: ["ACK", "FIN"] },
];

describe("flowtables in the nft reader", () => {
  it("reads fw4's flowtable and its flow add statement with no 'not modelled' warning", () => {
    const rs = parseRulesetFile(FW4, "nft-list.nft");
    expect(rs.diagnostics.map((d) => d.message).filter((m) => m.includes("flow"))).toEqual([]);
    const fw4 = rs.nft?.find((t) => t.name === "fw4");
    expect(fw4?.flowtables?.get("ft")).toEqual({
      name: "ft",
      hook: "ingress",
      priorityText: "filter",
      devices: ["br-lan", "eth0"],
      line: 2,
    });
    const rule = fw4?.chains.get("forward")?.rules[0];
    expect(rule?.effects).toEqual([{ kind: "FLOWOFFLOAD", flowtable: "ft", devices: ["br-lan", "eth0"] }]);
    // Nothing for the packet: no verdict.
    expect(rule?.target).toEqual({ kind: "NONE" });
  });

  it("reads the older 'flow offload @ft' as the same statement", () => {
    const rs = parseRulesetFile(table(FT, "ip protocol { tcp, udp } flow offload @ft"));
    expect(rs.diagnostics).toEqual([]);
    expect(rs.nft?.[0]?.chains.get("c")?.rules[0]?.effects).toEqual([
      { kind: "FLOWOFFLOAD", flowtable: "ft", devices: ["br-lan", "eth0"] },
    ]);
  });

  it("says where a flow add names a flowtable the table does not have (nft: No such file or directory)", () => {
    expect(diagnostics(table(FT, "meta l4proto tcp flow add @nope"))).toEqual([
      "8:20: error: flowtable 'nope' does not exist in table inet t",
    ]);
    expect(diagnostics(table("", "flow offload @ft"))).toEqual([
      "5:3: error: flowtable 'ft' does not exist in table inet t",
    ]);
  });

  it("says where a flow add is outside a forward chain (the kernel's hook check)", () => {
    expect(diagnostics(table(FT, "flow add @ft", "input"))).toEqual([
      "8:3: error: flow add @ft works only in a forward chain of an ip, ip6 or inet table",
    ]);
  });

  it("warns at a flowtable without devices, and refuses one not at the ingress hook", () => {
    const none = "\tflowtable ft {\n\t\thook ingress priority filter\n\t}";
    expect(diagnostics(table(none, "flow add @ft"))).toEqual([
      "2:2: warning: flowtable ft has no devices: no connection is offloaded through it",
    ]);
    const egress = "\tflowtable ft {\n\t\thook egress priority filter\n\t\tdevices = { eth0 }\n\t}";
    expect(diagnostics(table(egress, "flow add @ft"))).toEqual([
      "2:2: error: flowtable ft needs 'hook ingress'",
    ]);
  });

  it("warns that what follows flow add acts only on the packet that offloads", () => {
    expect(diagnostics(table(FT, "meta l4proto tcp flow add @ft counter accept"))).toEqual([
      "8:20: warning: what follows 'flow add @ft' acts only on the packet that offloads the connection",
    ]);
  });

  it("reads nft -j's flowtable (one device as a string) and flow statement as the text", () => {
    const json = JSON.stringify({
      nftables: [
        { table: { family: "inet", name: "t", handle: 1 } },
        {
          flowtable: {
            family: "inet",
            name: "ft",
            table: "t",
            handle: 2,
            hook: "ingress",
            prio: 0,
            dev: "eth0",
          },
        },
        {
          chain: {
            family: "inet",
            table: "t",
            name: "c",
            handle: 3,
            type: "filter",
            hook: "forward",
            prio: 0,
            policy: "accept",
          },
        },
        {
          rule: {
            family: "inet",
            table: "t",
            chain: "c",
            handle: 4,
            expr: [
              { match: { op: "==", left: { meta: { key: "l4proto" } }, right: "tcp" } },
              { flow: { op: "add", flowtable: "@ft" } },
            ],
          },
        },
      ],
    });
    const rs = parseRulesetFile(json, "t.json");
    expect(rs.diagnostics).toEqual([]);
    expect(rs.nft?.[0]?.flowtables?.get("ft")?.devices).toEqual(["eth0"]);
    expect(rs.nft?.[0]?.chains.get("c")?.rules[0]?.effects).toEqual([
      { kind: "FLOWOFFLOAD", flowtable: "ft", devices: ["eth0"] },
    ]);
  });
});

describe("flow add in the simulator", () => {
  const world = textWorld(FW4, "nft-list.nft", DIR);

  it("offloads a TCP connection at the client's ACK, not at the SYN or the SYN-ACK", () => {
    const r = runScenario(world, { from: "laptop", to: "198.51.100.10", proto: "tcp", script: TCP });
    const notes = r.packets.map((p) => p.notes.join(" | "));
    expect(notes[0]).toMatch(
      /flow add @ft at ip:fw4:forward \(line 18 of nft-list\.nft\): the TCP handshake is not complete/,
    );
    expect(notes[1]).toMatch(/the TCP handshake is not complete/);
    expect(notes[2]).toMatch(/offloads the connection to flowtable ft: .*entering on br-lan or eth0 skip/);
    // The statement decides nothing: every packet of the handshake is forwarded as without it.
    expect(r.packets.slice(0, 3).map((p) => p.fate.kind)).toEqual(["delivered", "delivered", "delivered"]);
  });

  it("forwards later packets at the flowtable device's ingress: no IP hook, NAT kept, both ways", () => {
    const r = runScenario(world, { from: "laptop", to: "198.51.100.10", proto: "tcp", script: TCP });
    const [, , , data, reply, fin] = r.packets;
    expect(data?.events).toEqual([]);
    expect(data?.received).toMatchObject({ src: "203.0.113.2", dst: "198.51.100.10", sport: 40000 });
    expect(data?.notes).toEqual([
      "forwarded by flowtable ft at br-lan's ingress hook (offloaded at line 18 of nft-list.nft): it skips prerouting, forward and postrouting, NAT kept",
    ]);
    expect(reply?.events).toEqual([]);
    expect(reply?.received).toMatchObject({ src: "198.51.100.10", dst: "192.0.2.20", dport: 40000 });
    // A FIN is forwarded by the flowtable too (kernel source since NF_FLOW_CLOSING): it marks the flow closing.
    expect(fin?.events).toEqual([]);
    expect(fin?.notes[0]).toMatch(/this FIN or RST marks the flow closing/);
  });

  it("offloads a UDP connection at its second packet, the reply or another datagram", () => {
    const reply = runScenario(world, {
      from: "laptop",
      to: "198.51.100.10",
      proto: "udp",
      dport: 53,
      script: [{ direction: "request" }, { direction: "reply" }, { direction: "request" }],
    });
    expect(reply.packets[0]?.notes[0]).toMatch(/the connection's first packet/);
    expect(reply.packets[1]?.notes[0]).toMatch(/offloads the connection to flowtable ft/);
    expect(reply.packets[2]?.events).toEqual([]);
    const again = runScenario(world, {
      from: "laptop",
      to: "198.51.100.10",
      proto: "udp",
      dport: 123,
      script: [{ direction: "request" }, { direction: "request" }],
    });
    expect(again.packets[1]?.notes[0]).toMatch(/offloads the connection to flowtable ft/);
  });

  it("leaves packets entering on a device the flowtable lacks on the normal path", () => {
    const r = runScenario(world, {
      from: "laptop",
      to: "198.51.100.130",
      proto: "tcp",
      script: TCP.slice(0, 5),
    });
    expect(r.packets[2]?.notes[0]).toMatch(
      /wg0 is not a device of ft, so packets entering there still cross every hook/,
    );
    expect(r.packets[3]?.events).toEqual([]);
    expect(r.packets[4]?.events.map((e) => e.hook)).toContain("ip:fw4:forward");
    expect(r.packets[4]?.notes[0]).toMatch(/the connection is already offloaded \(line 18\)/);
  });
});

describe("a rule going on past flow add", () => {
  it("acts only on the packet that offloads the connection: the rule ends for the others", () => {
    const text = `table inet t {\n${FT}\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tmeta l4proto tcp flow add @ft counter accept\n\t}\n}\n`;
    const r = runScenario(textWorld(text, "t.nft", DIR), {
      from: "laptop",
      to: "198.51.100.10",
      proto: "tcp",
      script: TCP.slice(0, 3),
    });
    const verdicts = r.packets.map((p) =>
      p.events.find((e) => e.hook === "ip:t:c")?.steps.map((x) => `${x.kind} ${x.verdict}`),
    );
    // SYN and SYN-ACK: the rule breaks, the policy accepts; the ACK offloads, and the rule's accept acts.
    expect(verdicts).toEqual([["policy ACCEPT"], ["policy ACCEPT"], ["rule ACCEPT"]]);
    expect(r.packets.every((p) => p.unmodelled.length === 0)).toBe(true);
  });
});

describe("the flow add rule's note", () => {
  it("says when the connection is offloaded and what its later packets skip, in English and Chinese", () => {
    const note = explainNftRule('meta l4proto { tcp, udp } flow add @ft comment "!fw4: Traffic offloading"');
    expect(note.unknown).toEqual([]);
    expect(note.en).toMatch(
      /offload its connection to flowtable ft once established \(TCP: at the ACK ending the handshake; UDP: at its second packet\)/,
    );
    expect(note.en).toMatch(/skip prerouting, forward and postrouting, NAT kept/);
    expect(note["zh-TW"]).toMatch(/卸載到 flowtable ft/);
    const then = explainNftRule("meta l4proto tcp flow add @ft counter accept");
    expect(then.unknown).toEqual([]);
    expect(then.en).toMatch(/; then, if it offloaded the connection: accept/);
    expect(then["zh-TW"]).toMatch(/若它卸載了連線/);
  });
});

describe("an undecided rule before flow add", () => {
  /** The TCP handshake and one segment through forward chain `rules` beside the flowtable. */
  const through = (rules: string) =>
    runScenario(
      textWorld(
        `table inet t {\n${FT}\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n${rules}\n\t}\n}\n`,
        "t.nft",
        DIR,
      ),
      { from: "laptop", to: "198.51.100.10", proto: "tcp", script: TCP.slice(0, 4) },
    ).packets;

  it("is followed both ways when only the way past it offloads the connection (both accept)", () => {
    const [, , ack, data] = through("\t\tnumgen random mod 2 0 accept\n\t\tmeta l4proto tcp flow add @ft");
    expect(ack?.unmodelled.map((u) => [u.what, u.alternatives])).toEqual([
      ["numgen random mod 2 0", ["if it matched: ACCEPT"]],
    ]);
    expect(ack?.notes.join("\n")).toMatch(
      /flow add @ft at ip:t:c \(line 9 of t\.nft\): offloads the connection/,
    );
    // The way shown (it did not match) offloaded the connection: the data segment is the flowtable's.
    expect(data?.events).toEqual([]);
  });

  it("names the offload in the outcome of the way not shown", () => {
    // A fresh rate limit passes: the way shown accepted at the limit and offloaded nothing.
    const [, , ack, data] = through("\t\tlimit rate 10/second accept\n\t\tmeta l4proto tcp flow add @ft");
    expect(ack?.unmodelled.map((u) => u.alternatives)).toEqual([
      ["if it did not match: ACCEPT, the connection offloaded to flowtable ft"],
    ]);
    expect(data?.events.map((e) => e.hook)).toContain("ip:t:c");
  });
});

describe("a second flow add met by the packet that offloaded the connection", () => {
  it("finds the connection already offloaded: the rule ends there, and the first flowtable keeps it", () => {
    const text = `table inet t {\n${FT}\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tmeta l4proto tcp flow add @ft\n\t\tmeta l4proto tcp flow add @ft counter drop\n\t}\n}\n`;
    const [, , ack, data] = runScenario(textWorld(text, "t.nft", DIR), {
      from: "laptop",
      to: "198.51.100.10",
      proto: "tcp",
      script: TCP.slice(0, 4),
    }).packets;
    // nft_flow_offload_eval's test_and_set_bit of IPS_OFFLOAD_BIT fails the second time: NFT_BREAK, no drop.
    expect(ack?.fate.kind).toBe("delivered");
    expect(ack?.notes[0]).toMatch(/\(line 8 of t\.nft\): offloads the connection/);
    expect(ack?.notes[1]).toMatch(/\(line 9 of t\.nft\): the connection is already offloaded \(line 8\)/);
    expect(data?.notes).toEqual([
      "forwarded by flowtable ft at br-lan's ingress hook (offloaded at line 8 of t.nft): it skips prerouting, forward and postrouting, NAT kept",
    ]);
  });
});

describe("a packet of an offloaded connection arriving with TTL 1", () => {
  // Not capturable here (CONFIG_NF_FLOW_TABLE unset, see the top). Kernel source: nf_flow_tuple_ip refuses a
  // TTL of 1 or less (nf_flow_tuple_ipv6 a hop limit of 1 or less) before looking the flow up, so the ingress
  // hook accepts the packet unforwarded; it then crosses prerouting and routing, and ip_forward, before the
  // forward hook, refuses it and sends an ICMP time exceeded, as for a connection never offloaded.
  const world = textWorld(FW4, "nft-list.nft", DIR);
  const udp = (ttl: number) =>
    runScenario(world, {
      from: "laptop",
      to: "198.51.100.10",
      proto: "udp",
      dport: 53,
      script: [{ direction: "request" }, { direction: "reply" }, { direction: "request", ttl }],
    }).packets[2];

  it("is left to the normal path, which refuses to forward it and answers time exceeded", () => {
    const late = udp(1);
    expect(late?.notes[0]).toBe(
      "flowtable ft does not forward a packet that arrives with TTL 1: it takes the normal path, where the kernel refuses to forward it",
    );
    expect(late?.events.map((e) => e.hook)).toContain("ip:fw4:prerouting");
    expect(late?.events.map((e) => e.hook)).not.toContain("ip:fw4:forward");
    expect(late?.fate).toMatchObject({ kind: "lost" });
    expect(late?.fate.kind === "lost" && late.fate.reason).toMatch(
      /^TTL exceeded at router: .* ICMP time exceeded$/,
    );
    expect(late?.received).toBeUndefined();
  });

  it("is forwarded by the flowtable with TTL 2, arriving with TTL 1", () => {
    const ok = udp(2);
    expect(ok?.events).toEqual([]);
    expect(ok?.notes[0]).toMatch(/^forwarded by flowtable ft at br-lan's ingress hook/);
    expect(ok?.received).toMatchObject({ ttl: 1 });
  });
});

describe("a packet of an offloaded connection longer than the MTU of its way out", () => {
  // Kernel source: nf_flow_offload_ip_hook returns NF_ACCEPT when nf_flow_exceeds_mtu (the flow's route
  // MTU, eth0's 1500 here), so the packet takes the normal path like any other.
  it("takes the normal path", () => {
    // A jumbo-frame LAN carries the laptop's 1600 bytes whole: over a 1500-byte link it would leave in
    // fragments, which the flowtable's ingress hook never looks up (nf_flow_tuple_ip refuses a fragment).
    const world = textWorld(FW4, "nft-list.nft", DIR);
    for (const key of ["laptop/eth0", "router/veth-laptop", "router/br-lan"]) {
      const iface = world.topology.ifaces.get(key);
      if (iface) iface.mtu = 9000;
    }
    const run = runScenario(world, {
      from: "laptop",
      to: "198.51.100.10",
      proto: "udp",
      dport: 53,
      script: [{ direction: "request" }, { direction: "reply" }, { direction: "request", len: 1600 }],
    });
    const big = run.packets[2];
    expect(big?.notes[0]).toBe(
      "flowtable ft does not forward a packet of 1600 bytes, longer than the 1500-byte MTU of its way out by eth0: it takes the normal path",
    );
    // On the normal path ip_forward refuses it before forward: DF set, longer than eth0's MTU (kernel 6.18,
    // see path-mtu.test.ts: only prerouting saw such a packet, and the router sent fragmentation needed).
    expect(big?.events.map((e) => e.hook)).toEqual(expect.arrayContaining(["ip:fw4:prerouting"]));
    expect(big?.events.map((e) => e.hook)).not.toContain("ip:fw4:forward");
    expect(big?.fate.kind === "lost" && big.fate.reason).toMatch(/ICMP fragmentation needed \(MTU 1500\)$/);
  });
});

describe("a TCP packet of an offloaded connection longer than the MTU of its way out", () => {
  // Kernel source: nf_flow_exceeds_mtu lets a GSO packet whose segments fit pass, and a TCP packet longer
  // than the MTU is one (the sender's TCP sizes segments by the MSS).
  it("is forwarded by the flowtable", () => {
    const run = runScenario(textWorld(FW4, "nft-list.nft", DIR), {
      from: "laptop",
      to: "198.51.100.10",
      proto: "tcp",
      script: [...TCP.slice(0, 3), { direction: "request", tcpFlags: ["ACK", "PSH"], len: 2948 }],
    });
    const big = run.packets[3];
    expect(big?.events).toEqual([]);
    expect(big?.notes[0]).toMatch(/^forwarded by flowtable ft at br-lan's ingress hook/);
    expect(big?.fate).toEqual({ kind: "delivered", host: "wan" });
  });
});

describe("an IPv6 packet of an offloaded connection arriving with hop limit 1", () => {
  // Kernel source, as above: nf_flow_tuple_ipv6 refuses a hop limit of 1 or less before the lookup.
  const lab = labSchema.parse({
    version: 1,
    name: "v6-router",
    description: "A router between two IPv6 hosts, its flowtable on both devices.",
    sysctls: { "net.ipv6.conf.all.forwarding": "1" },
    hosts: [
      {
        name: "a",
        role: "container",
        interfaces: [
          { name: "eth0", mac: "02:00:00:00:0a:01", addresses: ["2001:db8:1::2/64"], kind: "veth" },
        ],
        routes: [{ to: "default", via: "2001:db8:1::1", dev: "eth0" }],
      },
      {
        name: "r",
        role: "docker-host",
        interfaces: [
          {
            name: "r0",
            mac: "02:00:00:00:0a:02",
            addresses: ["2001:db8:1::1/64"],
            kind: "veth",
            peer: "a/eth0",
          },
          {
            name: "r1",
            mac: "02:00:00:00:0b:02",
            addresses: ["2001:db8:2::1/64"],
            kind: "veth",
            peer: "b/eth0",
          },
        ],
        routes: [],
      },
      {
        name: "b",
        role: "container",
        interfaces: [
          { name: "eth0", mac: "02:00:00:00:0b:01", addresses: ["2001:db8:2::2/64"], kind: "veth" },
        ],
        routes: [{ to: "default", via: "2001:db8:2::1", dev: "eth0" }],
      },
    ],
  });
  const text =
    "table inet t {\n\tflowtable ft {\n\t\thook ingress priority filter\n\t\tdevices = { r0, r1 }\n\t}\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tmeta l4proto udp flow add @ft\n\t}\n}\n";
  const world = {
    topology: buildTopology(lab),
    ruleset: parseRulesetFile(text, "t.nft"),
    ebtables: "nft" as const,
    sysctls: lab.sysctls,
  };

  it("is left to the normal path, which refuses it with an ICMPv6 time exceeded", () => {
    const run = runScenario(world, {
      from: "a",
      to: "2001:db8:2::2",
      proto: "udp",
      dport: 53,
      script: [{ direction: "request" }, { direction: "reply" }, { direction: "request", ttl: 1 }],
    });
    const [, reply, late] = run.packets;
    expect(reply?.notes[0]).toMatch(/offloads the connection to flowtable ft/);
    expect(late?.notes[0]).toBe(
      "flowtable ft does not forward a packet that arrives with hop limit 1: it takes the normal path, where the kernel refuses to forward it",
    );
    expect(late?.fate.kind === "lost" && late.fate.reason).toMatch(
      /^hop limit exceeded at r: .* ICMPv6 time exceeded$/,
    );
  });
});
