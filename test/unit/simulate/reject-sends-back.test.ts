/**
 * The packet a REJECT sends back, simulated as the kernel sends it: an ICMP error or TCP RST generated
 * by the host that rejected, crossing that host's OUTPUT and POSTROUTING (RELATED to the rejected
 * connection, so the nat chains are skipped and the connection's NAT is undone on it), then on to the
 * rejected packet's source like any reply (the bridge's output hooks on its way to a container). The
 * FORWARD case is the contributor's capture (kernel 6.18, DOCKER-USER REJECT --reject-with
 * icmp-admin-prohibited of c1's ping to 198.51.100.10): raw, mangle and filter OUTPUT, mangle
 * POSTROUTING, bridge filter OUTPUT, nat OUTPUT and nat POSTROUTING; from 172.17.0.1, LEN=112, TOS 0xC0.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { checkConformance } from "../../../src/core/simulate/conformance.ts";
import type { OverlayRule } from "../../../src/core/simulate/log-overlay.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { labWorld, logEverywhere, RELATED_OUT, RELATED_TO_CONTAINER, textWorld } from "./helpers.ts";

/** The ufw-docker lab: dual-stack host (br-a fd00:a::1/64 with a1 fd00:a::2; wan0 2001:db8:1::10 toward the wan). */
const V6_LAB = join(import.meta.dirname, "../../../traces/ufw-docker");

/** An iptables rule at the top of `chain` of the filter table. */
const filterRule = (chain: string, ...args: string[]): OverlayRule => ({
  family: "ip",
  table: "filter",
  chain,
  args,
});

/** The docker-28 lab, logged everywhere, with `rules` on top. */
const world = (...rules: OverlayRule[]) => labWorld("docker-28", {}, [...logEverywhere(), ...rules]);

const hooks = (p: { events: { hook: string }[] } | undefined) => p?.events.map((e) => e.hook);

describe("REJECT sends back an ICMP error or a TCP RST", () => {
  it("FORWARD (DOCKER-USER) reject of a container's ping: the ICMP error crosses the host's output hooks and the bridge's", () => {
    const w = world(
      filterRule(
        "DOCKER-USER",
        "-s",
        "172.17.0.2/32",
        "-d",
        "198.51.100.10/32",
        "-p",
        "icmp",
        "-j",
        "REJECT",
        "--reject-with",
        "icmp-admin-prohibited",
      ),
    );
    const r = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    const [req, err] = r.packets;
    expect(req?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:FORWARD" });
    expect(req?.fate.kind === "dropped" && req.fate.reason).toMatch(
      /^REJECT by rule at line 0: -A DOCKER-USER/,
    );
    expect(err).toMatchObject({
      direction: "reply",
      answers: 1,
      from: "host",
      fate: { kind: "delivered", host: "c1" },
    });
    // RELATED: no nat OUTPUT or POSTROUTING; the bridge's output hooks on the way to c1's port.
    expect(hooks(err)).toEqual(RELATED_TO_CONTAINER);
    expect(err?.sent).toMatchObject({
      src: "172.17.0.1",
      dst: "172.17.0.2",
      proto: "icmp",
      icmpType: 3,
      icmpCode: 13,
      len: 112,
      tos: 0xc0,
      ttl: 64,
      ipFlags: [],
      quoted: { src: "172.17.0.2", dst: "198.51.100.10", ttl: 63, icmpType: 8 },
    });
    expect(req?.notes).toContain(
      "REJECT at ip:filter:FORWARD sends an ICMP error (type 3 code 13) from 172.17.0.1 to 172.17.0.2: packet 2",
    );
    // The echo reply of the default script is not sent: the request never arrived.
    expect(r.packets).toHaveLength(2);
  });

  it("the ICMP error is RELATED for the host's rules", () => {
    const w = world(
      filterRule("DOCKER-USER", "-p", "icmp", "-j", "REJECT"),
      filterRule("OUTPUT", "-m", "conntrack", "--ctstate", "RELATED", "-j", "DROP"),
    );
    const err = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets[1];
    expect(err?.sent).toMatchObject({ icmpType: 3, icmpCode: 3 });
    expect(err?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:OUTPUT" });
  });

  it("the code follows --reject-with", () => {
    const code = (type: string) => {
      const w = world(filterRule("DOCKER-USER", "-p", "icmp", "-j", "REJECT", "--reject-with", type));
      return runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets[1]?.sent.icmpCode;
    };
    expect(
      ["icmp-net-unreachable", "icmp-host-unreachable", "icmp-host-prohibited", "icmp-net-prohibited"].map(
        code,
      ),
    ).toEqual([0, 1, 10, 9]);
  });

  it("tcp-reset of a frame br_netfilter brought in: a RST,ACK from the rejected destination, straight out of the container's bridge port, no hook (kernel 6.18 capture)", () => {
    const w = world(filterRule("DOCKER-USER", "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"));
    const r = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 });
    const [, rst] = r.packets;
    expect(rst?.sent).toMatchObject({
      src: "198.51.100.10",
      dst: "172.17.0.2",
      sport: 80,
      dport: 40000,
      proto: "tcp",
      tcpFlags: ["ACK", "RST"],
      len: 40,
      ipFlags: ["DF"],
    });
    // nf_send_reset: with nf_bridge info it builds the frame itself and dev_queue_xmit()s it on the physindev.
    expect(hooks(rst)).toEqual([]);
    expect(rst?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(r.packets[0]?.notes.join("\n")).toContain("straight out of bridge port");
    // No line logs it, so its summary is made from the packet sent: a RST, not a bare TCP packet.
    expect(toTrace(r.packets).packets[1]?.summary).toBe(
      "TCP RST-ACK 198.51.100.10:80 -> 172.17.0.2:40000 (no LOG rule printed it)",
    );
  });

  it("tcp-reset of a frame br_netfilter brought in after a DNAT: the client drops the RST, which kept the DNATed source (kernel 6.18: connect timed out)", () => {
    const w = world(
      {
        family: "ip",
        table: "nat",
        chain: "PREROUTING",
        args: [
          "-i",
          "docker0",
          "-d",
          "172.17.0.1",
          "-p",
          "tcp",
          "--dport",
          "9090",
          "-j",
          "DNAT",
          "--to-destination",
          "172.17.0.2:80",
        ],
      },
      filterRule("DOCKER-USER", "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"),
    );
    const r = runScenario(w, { from: "c2", to: "172.17.0.1", proto: "tcp", dport: 9090 });
    const rst = r.packets[1];
    expect(rst?.received).toMatchObject({ src: "172.17.0.2", sport: 80, dst: "172.17.0.3" });
    expect(rst?.notes).toEqual([
      "c2 drops this RST: it comes from 172.17.0.2:80, and its connection is to 172.17.0.1:9090 (the RST left without its NAT undone), so the connect retries and times out",
    ]);
  });

  it("a rejected reply: the server's socket is an accepted one, so no connect error is claimed for it", () => {
    const w = world(
      filterRule(
        "DOCKER-USER",
        "-s",
        "172.17.0.2",
        "-p",
        "tcp",
        "--tcp-flags",
        "SYN,ACK",
        "SYN,ACK",
        "-j",
        "REJECT",
        "--reject-with",
        "tcp-reset",
      ),
    );
    const r = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 });
    const rst = r.packets.find((p) => p.sent.tcpFlags?.includes("RST"));
    expect(rst?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(rst?.notes.join("\n") ?? "").not.toContain("reports");
  });

  it("tcp-reset of a DNATed connection: the RST leaves with the published address and port (DNAT undone)", () => {
    const w = world(filterRule("DOCKER-USER", "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"));
    const r = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 });
    const rst = r.packets[1];
    expect(rst?.sent).toMatchObject({ src: "172.17.0.2", sport: 80, dst: "203.0.113.1", dport: 40000 });
    expect(rst?.received).toMatchObject({
      src: "203.0.113.2",
      sport: 8080,
      dst: "203.0.113.1",
      dport: 40000,
    });
    expect(rst?.fate).toEqual({ kind: "delivered", host: "wan" });
  });

  it("an ICMP error about a DNATed connection quotes the packet as the client sent it", () => {
    const w = world(filterRule("DOCKER-USER", "-p", "tcp", "-j", "REJECT"));
    const err = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 }).packets[1];
    expect(err?.sent).toMatchObject({ src: "203.0.113.2", dst: "203.0.113.1", icmpType: 3, icmpCode: 3 });
    expect(err?.sent.quoted).toMatchObject({ dst: "172.17.0.2", dport: 80 });
    expect(err?.received?.quoted).toMatchObject({ src: "203.0.113.1", dst: "203.0.113.2", dport: 8080 });
  });

  it("INPUT reject: the error comes from the address the packet was sent to, out of the host's own interface", () => {
    const w = world(filterRule("INPUT", "-p", "icmp", "-j", "REJECT"));
    const r = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "icmp" });
    const [req, err] = r.packets;
    expect(req?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:INPUT" });
    expect(err?.sent).toMatchObject({ src: "203.0.113.2", dst: "203.0.113.1", icmpType: 3, icmpCode: 3 });
    expect(hooks(err)).toEqual(RELATED_OUT);
    expect(err?.fate).toEqual({ kind: "delivered", host: "wan" });
  });

  it("nft `reject with icmpx admin-prohibited` in an inet forward chain: ICMP code 13, related at the output chain", () => {
    const w = textWorld(`table inet f {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr 198.51.100.10 reject with icmpx admin-prohibited
	}
	chain output {
		type filter hook output priority filter; policy accept;
		ct state related log prefix "related "
	}
}
`);
    const r = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    const err = r.packets[1];
    expect(err?.sent).toMatchObject({ src: "172.17.0.1", dst: "172.17.0.2", icmpType: 3, icmpCode: 13 });
    expect(hooks(err)).toEqual(["ip:f:output"]);
    expect(err?.events[0]?.logs.map((l) => l.prefix)).toEqual(["related "]);
    expect(err?.fate).toEqual({ kind: "delivered", host: "c1" });
  });

  it("ip6tables: an ICMPv6 error (type 1, the icmp6-* code) to a container, a RST from the host's own address", () => {
    const ip6 = (filter: string) =>
      textWorld(
        `# Generated by ip6tables-save\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${filter}\nCOMMIT\n`,
        "t.rules",
        V6_LAB,
      );
    const fwd = ip6("-A FORWARD -p ipv6-icmp -j REJECT --reject-with icmp6-adm-prohibited");
    const err = runScenario(fwd, { from: "a1", to: "2001:db8:2::10", proto: "icmp" }).packets[1];
    expect(err?.sent).toMatchObject({
      v6: true,
      src: "fd00:a::1",
      dst: "fd00:a::2",
      proto: "icmpv6",
      icmpType: 1,
      icmpCode: 1,
      len: 48 + 104,
      quoted: { src: "fd00:a::2", dst: "2001:db8:2::10", icmpType: 128 },
    });
    expect(hooks(err)).toEqual(["ip6:filter:OUTPUT"]);
    expect(err?.fate).toEqual({ kind: "delivered", host: "a1" });
    const input = ip6("-A INPUT -p tcp -j REJECT --reject-with tcp-reset");
    const rst = runScenario(input, { from: "wan", to: "2001:db8:1::10", proto: "tcp", dport: 23 }).packets[1];
    expect(rst?.sent).toMatchObject({
      v6: true,
      src: "2001:db8:1::10",
      sport: 23,
      dst: "2001:db8:1::1",
      tcpFlags: ["ACK", "RST"],
      len: 60,
    });
    expect(rst?.fate).toEqual({ kind: "delivered", host: "wan" });
  });

  it("a rejected ICMP error is not answered", () => {
    // The wan answers c1's ping with an error; the host rejects what comes in on eth0.
    const w = world(filterRule("DOCKER-USER", "-i", "eth0", "-p", "icmp", "-j", "REJECT"));
    const r = runScenario(w, {
      from: "c1",
      to: "198.51.100.10",
      proto: "icmp",
      script: [
        { direction: "request", icmpType: 8 },
        { direction: "reply", icmpType: 3 },
      ],
    });
    expect(r.packets).toHaveLength(2);
    const [, err] = r.packets;
    expect(err?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:FORWARD" });
    expect(err?.notes).toContain(
      "REJECT at ip:filter:FORWARD sends nothing back: the kernel sends no ICMP error about an ICMP error",
    );
  });

  it("a drop's reason names the ruleset file of the rule's line", () => {
    const w = textWorld(
      "table ip f {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tip daddr 198.51.100.10 reject\n\t}\n}\n",
      "edited.nft",
    );
    const req = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets[0];
    expect(req?.fate.kind === "dropped" && req.fate.reason).toBe(
      "REJECT by rule at line 4 of edited.nft: ip daddr 198.51.100.10 reject",
    );
  });
});

/** The contributor's capture (kernel 6.18, ebtables-nft), its prefix tag as the committed lab's pwid capture. */
const CAPTURE = `[19225.647870] pwid/ebtable/nat-PREROUTE IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172.17.0.2 IP DST=198.51.100.10, IP tos=0x00, IP proto=1
[19225.647896] pwid/iptable/raw-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 
[19225.647910] pwid/iptable/mangle-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 
[19225.647916] pwid/iptable/nat-PREROUTEIN=docker0 OUT= PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 
[19225.647935] pwid/ebtable/filter-INPUT IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:5e:1a:b0:01 proto = 0x0800 IP SRC=172.17.0.2 IP DST=198.51.100.10, IP tos=0x00, IP proto=1
[19225.647949] pwid/iptable/mangle-FORWARDIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 
[19225.647954] pwid/iptable/filter-FORWARDIN=docker0 OUT=eth0 PHYSIN=veth-c1 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 
[19225.648145] pwid/iptable/raw-OUTPUTIN= OUT=docker0 SRC=172.17.0.1 DST=172.17.0.2 LEN=112 TOS=0x00 PREC=0xC0 TTL=64 ID=24114 PROTO=ICMP TYPE=3 CODE=13 [SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 ] 
[19225.648152] pwid/iptable/mangle-OUTPUTIN= OUT=docker0 SRC=172.17.0.1 DST=172.17.0.2 LEN=112 TOS=0x00 PREC=0xC0 TTL=64 ID=24114 PROTO=ICMP TYPE=3 CODE=13 [SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 ] 
[19225.648157] pwid/iptable/filter-OUTPUTIN= OUT=docker0 SRC=172.17.0.1 DST=172.17.0.2 LEN=112 TOS=0x00 PREC=0xC0 TTL=64 ID=24114 PROTO=ICMP TYPE=3 CODE=13 [SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 ] 
[19225.648162] pwid/iptable/mangle-POSTROUTEIN= OUT=docker0 SRC=172.17.0.1 DST=172.17.0.2 LEN=112 TOS=0x00 PREC=0xC0 TTL=64 ID=24114 PROTO=ICMP TYPE=3 CODE=13 [SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=40886 DF PROTO=ICMP TYPE=8 CODE=0 ID=27509 SEQ=1 ] 
[19225.648168] pwid/ebtable/filter-OUTPUT IN= OUT=veth-c1 MAC source = 02:42:5e:1a:b0:01 MAC dest = 02:42:ac:11:00:02 proto = 0x0800 IP SRC=172.17.0.1 IP DST=172.17.0.2, IP tos=0xC0, IP proto=1
[19225.648224] pwid/ebtable/nat-OUTPUT IN= OUT=veth-c1 MAC source = 02:42:5e:1a:b0:01 MAC dest = 02:42:ac:11:00:02 proto = 0x0800 IP SRC=172.17.0.1 IP DST=172.17.0.2, IP tos=0xC0, IP proto=1
[19225.648229] pwid/ebtable/nat-POSTROUTE IN= OUT=veth-c1 MAC source = 02:42:5e:1a:b0:01 MAC dest = 02:42:ac:11:00:02 proto = 0x0800 IP SRC=172.17.0.1 IP DST=172.17.0.2, IP tos=0xC0, IP proto=1
`;

describe("check: a recorded REJECT agrees with the prediction", () => {
  it("the contributor's capture: the request to the REJECT, then the ICMP error to c1", () => {
    const w = labWorld("docker-28.instrumented-pwid", {}, [
      filterRule(
        "DOCKER-USER",
        "-s",
        "172.17.0.2/32",
        "-d",
        "198.51.100.10/32",
        "-p",
        "icmp",
        "-j",
        "REJECT",
        "--reject-with",
        "icmp-admin-prohibited",
      ),
    ]);
    const r = checkConformance(w, parseTraceText(CAPTURE), {
      mode: "log",
      from: "c1",
      proto: "icmp",
      answered: false,
    });
    expect(r.divergences).toEqual([]);
    expect(r.recorded.map((p) => p.direction)).toEqual(["request", "reply"]);
    expect(r.simulated.map((p) => p.answers)).toEqual([undefined, 1]);
  });

  it("a simulated trace prints the error's quoted packet as LOG does, and reads back agreeing", () => {
    const w = world(
      filterRule("DOCKER-USER", "-p", "icmp", "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"),
    );
    const run = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    const lines = toTrace(run.packets).lines;
    expect(lines.find((l) => l.includes("t/ip/raw-OUTPUT"))).toMatch(
      /SRC=172\.17\.0\.1 DST=172\.17\.0\.2 LEN=112 TOS=0x00 PREC=0xC0 TTL=64 ID=\d+ PROTO=ICMP TYPE=3 CODE=13 \[SRC=172\.17\.0\.2 DST=198\.51\.100\.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=\d+ DF PROTO=ICMP TYPE=8 CODE=0 ID=4242 SEQ=1 \]/,
    );
    const r = checkConformance(w, parseTraceText(`${lines.join("\n")}\n`), {
      mode: "log",
      from: "c1",
      proto: "icmp",
    });
    expect(r.divergences).toEqual([]);
  });

  it("an answer no chain logs is not one the recording can show", () => {
    // The LOG rules of the capture match ICMP: a RST is logged nowhere but in the TCP-port LOG rules.
    const w = labWorld("docker-28.instrumented-pwid", {}, [
      filterRule("DOCKER-USER", "-p", "icmp", "-j", "REJECT"),
      filterRule("OUTPUT", "-j", "ACCEPT"),
      { family: "ip", table: "raw", chain: "OUTPUT", args: ["-j", "ACCEPT"] },
      { family: "ip", table: "mangle", chain: "OUTPUT", args: ["-j", "ACCEPT"] },
      { family: "ip", table: "mangle", chain: "POSTROUTING", args: ["-j", "ACCEPT"] },
      { family: "bridge", table: "filter", chain: "OUTPUT", args: ["-j", "DROP"] },
    ]);
    const request = CAPTURE.split("\n").slice(0, 7).join("\n");
    const r = checkConformance(w, parseTraceText(`${request}\n`), {
      mode: "log",
      from: "c1",
      proto: "icmp",
      answered: false,
    });
    expect(r.divergences).toEqual([]);
    expect(r.simulated).toHaveLength(1);
  });
});

/**
 * M3 of the kernel probe: a REJECT of a connection that was DNATed answers from the address the client
 * sent to. Kernel 6.18: a client (198.51.100.2) connecting to 192.0.2.10:80, which its router DNATed to
 * 203.0.113.2:8080 and its forward chain rejected with an ICMP port unreachable, got "Connection refused",
 * and its input chain counted the error from 192.0.2.10, none from 203.0.113.2 or the router's own
 * 198.51.100.1 (a `reject with tcp reset` after a DNAT to :8081: the RST came from 192.0.2.10:81).
 */
describe("REJECT of a DNATed connection", () => {
  it("the ICMP error reaches the client from the pre-DNAT destination, quoting the packet as the client sent it", () => {
    const w = textWorld(
      "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -d 192.0.2.10/32 -p tcp --dport 80 -j DNAT --to-destination 198.51.100.10:8080\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n",
      "t.rules",
    );
    const r = runScenario(w, { from: "c1", to: "192.0.2.10", proto: "tcp", dport: 80 });
    const err = r.packets[1];
    // Sent from the host's docker0 address; un-DNATed at POSTROUTING (nf_nat_icmp_reply_translation).
    expect(err?.sent).toMatchObject({ src: "172.17.0.1", quoted: { dst: "198.51.100.10", dport: 8080 } });
    expect(err?.received).toMatchObject({
      src: "192.0.2.10",
      dst: "172.17.0.2",
      quoted: { src: "172.17.0.2", dst: "192.0.2.10", dport: 80 },
    });
    expect(err?.notes).toContain("c1 reports connect: Connection refused");
  });
});
