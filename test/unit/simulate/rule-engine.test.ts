import { describe, expect, it } from "vitest";
import type { MatchContext } from "../../../src/core/simulate/match-rule.ts";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { routedContext, synPacket } from "./helpers.ts";

function table(text: string, name = "filter"): TableDef {
  const r = parseIptablesSave(text);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.rules.tables.get(name) as TableDef;
}

const pkt = (): SimPacket => synPacket();
const ctx = routedContext();

describe("runChain", () => {
  it("jumps, falls off user chains back to the caller, and applies the policy", () => {
    const t = table(
      "*filter\n:FORWARD DROP\n:A - [0:0]\n:B - [0:0]\n-A FORWARD -j A\n-A FORWARD -j B\n-A A -p udp -j ACCEPT\n-A B -j RETURN\nCOMMIT\n",
    );
    const run = runChain(t, "FORWARD", pkt(), ctx);
    expect(run.verdict).toBe("DROP");
    expect(run.steps.map((s) => `${s.kind}:${s.chain}:${s.verdict}`)).toEqual([
      "rule:FORWARD:JUMP",
      "return:A:RETURN",
      "rule:FORWARD:JUMP",
      "rule:B:RETURN",
      "policy:FORWARD:DROP",
    ]);
    expect(run.steps[0]?.target).toBe("A");
  });

  it("goto does not come back to the chain that jumped", () => {
    const t = table(
      "*filter\n:FORWARD ACCEPT\n:G - [0:0]\n:X - [0:0]\n-A FORWARD -j X\n-A FORWARD -j DROP\n-A X -g G\n-A X -j ACCEPT\n-A G -j RETURN\nCOMMIT\n",
    );
    const run = runChain(t, "FORWARD", pkt(), ctx);
    // G returns to FORWARD (X's caller), skipping X's ACCEPT, so FORWARD's DROP applies.
    expect(run.verdict).toBe("DROP");
    expect(run.steps.at(-1)?.text).toBe("-A FORWARD -j DROP");
  });

  it("LOG and TRACE do not terminate; MARK changes the mark seen by later rules", () => {
    const t = table(
      '*mangle\n:PREROUTING ACCEPT\n-A PREROUTING -j LOG --log-prefix "p1 "\n-A PREROUTING -j TRACE\n-A PREROUTING -j MARK --set-mark 0x5\n-A PREROUTING -m mark --mark 0x5 -j DROP\nCOMMIT\n',
      "mangle",
    );
    const p = pkt();
    const run = runChain(t, "PREROUTING", p, ctx);
    expect(run.logs).toEqual([{ prefix: "p1 ", level: undefined, line: 3 }]);
    expect(run.trace).toBe(true);
    expect(p.mark).toBe(5);
    expect(run.verdict).toBe("DROP");
  });

  it("returns NAT targets instead of a verdict", () => {
    const t = table(
      "*nat\n:PREROUTING ACCEPT\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.17.0.2:8080\nCOMMIT\n",
      "nat",
    );
    const run = runChain(t, "PREROUTING", pkt(), ctx);
    expect(run.nat).toEqual({ kind: "DNAT", addr: "172.17.0.2", port: 8080 });
    expect(run.steps[0]?.verdict).toBe("DNAT");
  });

  it("REJECT ends the chain", () => {
    const t = table(
      "*filter\n:INPUT ACCEPT\n-A INPUT -p tcp -j REJECT --reject-with tcp-reset\n-A INPUT -j DROP\nCOMMIT\n",
    );
    expect(runChain(t, "INPUT", pkt(), ctx).verdict).toBe("REJECT");
  });

  it("reports unmodelled rules with their text and carries on", () => {
    const t = table(
      "*filter\n:FORWARD ACCEPT\n-A FORWARD -m cpu --cpu 1 -j DROP\n-A FORWARD -j NFQUEUE --queue-num 1\nCOMMIT\n",
    );
    // (`-j CT --notrack` was the example here; it is modelled now, as nft's notrack.)
    const run = runChain(t, "FORWARD", pkt(), ctx);
    expect(run.unmodelled.map((u) => u.line)).toEqual([3, 4]);
    expect(run.unmodelled[0]?.what).toBe("-m cpu --cpu 1");
    expect(run.unmodelled[1]?.text).toBe("-A FORWARD -j NFQUEUE --queue-num 1");
    expect(run.steps.filter((s) => s.unmodelled)).toHaveLength(2);
    expect(run.verdict).toBe("ACCEPT");
  });

  it("goes on, decided, past a target that never ends the walk (TCPMSS, NFLOG), and stops uncertain at one that may", () => {
    const t = table(
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu\n-A FORWARD -j NFLOG --nflog-group 5\n-A FORWARD -p tcp --dport 80 -j ACCEPT\nCOMMIT\n",
    );
    const run = runChain(t, "FORWARD", pkt(), ctx);
    expect(run.unmodelled).toEqual([]);
    expect(run.verdict).toBe("ACCEPT");
    const queued = table(
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -j NFQUEUE --queue-num 1\n-A FORWARD -j ACCEPT\nCOMMIT\n",
    );
    // Queued: the program's verdict resumes at the next hook, so the ACCEPT after it is never reached.
    const q = runChain(queued, "FORWARD", pkt(), ctx);
    expect(q.unmodelled.map((u) => u.what)).toEqual([
      "NFQUEUE --queue-num 1: a userspace program decides; taken as accepting the packet, which goes on at the next hook (none listening: the kernel drops it)",
    ]);
    expect(q.steps.map((s) => s.verdict)).toEqual(["QUEUE"]);
    expect(q.verdict).toBe("ACCEPT");
  });

  it("nft: a bare 'tcp flags syn' tests the bit; an MSS clamp (modelled) changes no verdict", () => {
    const parsed = parseNftRuleset(
      "table inet t {\n\tchain fwdc {\n\t\ttype filter hook forward priority mangle; policy drop;\n\t\ttcp flags syn tcp option maxseg size set rt mtu\n\t\ttcp flags syn accept\n\t}\n}\n",
    );
    expect(parsed.diagnostics).toEqual([]);
    const t = parsed.tables[0] as TableDef;
    expect(runChain(t, "fwdc", pkt(), ctx)).toMatchObject({ verdict: "ACCEPT", unmodelled: [] });
    expect(runChain(t, "fwdc", { ...pkt(), tcpFlags: ["ACK"] }, ctx)).toMatchObject({
      verdict: "DROP",
      unmodelled: [],
    });
  });
});

describe("runChain on nftables concatenations (kube-proxy's service maps)", () => {
  const parsed = parseNftRuleset(
    [
      "table ip t {",
      "\tset svc {\n\t\ttype ipv4_addr . inet_proto . inet_service\n\t\tflags interval\n\t\telements = { 10.0.0.1 . tcp . 22, 10.0.0.0/24 . udp . 53 }\n\t}",
      '\tmap svcmap {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n\t\telements = { 10.0.0.2 . tcp . 80 comment "default/web:http" : goto web }\n\t}',
      "\tchain c {\n\t\ttype filter hook forward priority filter; policy drop;",
      "\t\tip saddr . meta l4proto . th dport @svc accept",
      "\t\tip daddr . meta l4proto . th dport vmap @svcmap",
      '\t\tiifname . oifname vmap { "eth0" . "eth1" : jump out }',
      "\t\tip daddr . tcp dport { 10.0.0.9 . 443, 10.0.0.8 . 8443 } accept",
      "\t}",
      "\tchain web {\n\t\treject\n\t}",
      "\tchain out {\n\t\tmeta mark set 0x1\n\t}",
      "}",
    ].join("\n"),
  );
  const tbl = parsed.tables[0] as TableDef;
  const run = (p: Partial<SimPacket>, c: Partial<MatchContext> = {}) =>
    runChain(tbl, "c", { ...pkt(), ...p }, { ...ctx, ...c });

  it("reads concatenated sets, maps (with element comments) and anonymous ones without a warning", () => {
    expect(parsed.diagnostics).toEqual([]);
    expect(tbl.sets?.get("svcmap")?.verdicts[0]?.key).toEqual({
      kind: "concat",
      parts: [
        { kind: "value", value: "10.0.0.2" },
        { kind: "value", value: "tcp" },
        { kind: "value", value: "80" },
      ],
    });
  });

  it("matches every part of an element, prefixes and names included, and nothing when one part differs", () => {
    expect(run({ src: "10.0.0.1", dport: 22 }).verdict).toBe("ACCEPT");
    expect(run({ src: "10.0.0.1", dport: 23 }).verdict).toBe("DROP");
    expect(run({ src: "10.0.0.77", proto: "udp", dport: 53 }).verdict).toBe("ACCEPT");
    expect(run({ dst: "10.0.0.2", dport: 80 })).toMatchObject({ verdict: "REJECT", unmodelled: [] });
    expect(run({ dst: "10.0.0.2", proto: "udp", dport: 80 }).verdict).toBe("DROP");
    expect(run({ dst: "10.0.0.8", dport: 8443 }).verdict).toBe("ACCEPT");
    expect(run({ dst: "10.0.0.8", dport: 443 }).verdict).toBe("DROP");
    const p = { ...pkt(), dst: "10.0.0.50" };
    runChain(tbl, "c", p, { ...ctx, in: "eth0", out: "eth1" });
    expect(p.mark).toBe(1);
  });
});

describe("runChain on chance rules (rate limits, random draws)", () => {
  const steps = (run: ReturnType<typeof runChain>) =>
    run.steps.map((s) => `${s.kind}:${s.chain}:${s.verdict}${s.chance ? " (chance)" : ""}`);
  const LIMIT = "-m limit --limit 3/min --limit-burst 10";

  it("a rate-limited LOG decides nothing: the path is the same, decided, and only the log line is chance", () => {
    const t = table(
      `*filter\n:INPUT DROP [0:0]\n-A INPUT ${LIMIT} -j LOG --log-prefix "[UFW BLOCK] "\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n`,
    );
    const run = runChain(t, "INPUT", pkt(), ctx);
    expect(run.unmodelled).toEqual([]);
    expect(run.verdict).toBe("ACCEPT");
    expect(steps(run)).toEqual(["rule:INPUT:CONTINUE (chance)", "rule:INPUT:ACCEPT"]);
    expect(run.logs).toEqual([{ prefix: "[UFW BLOCK] ", level: undefined, line: 3, chance: true }]);
    // The same ruleset without the limit walks the same path.
    const plain = table(
      '*filter\n:INPUT DROP [0:0]\n-A INPUT -j LOG --log-prefix "[UFW BLOCK] "\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n',
    );
    expect(runChain(plain, "INPUT", pkt(), ctx).steps.map((s) => s.verdict)).toEqual(
      run.steps.map((s) => s.verdict),
    );
  });

  it("a rate-limited DROP is uncertain, walked as matched (a fresh bucket passes the first packet), and names what not matching would do", () => {
    // Kernel 6.18 (namespaces, counters): a fresh `-m limit --limit 1/second` and nft `limit rate 1/second` matched the first packet.
    const t = table(
      `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp ${LIMIT} -j DROP\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n`,
    );
    const run = runChain(t, "INPUT", pkt(), ctx);
    expect(run.verdict).toBe("DROP");
    expect(run.unmodelled).toEqual([
      {
        table: "filter",
        chain: "INPUT",
        line: 3,
        text: `-A INPUT -p tcp ${LIMIT} -j DROP`,
        what: LIMIT,
        alternatives: ["if it did not match: ACCEPT"],
        index: 1,
        ways: 2,
        way: 0,
      },
    ]);
    expect(steps(run)).toEqual(["rule:INPUT:DROP"]);
    expect(run.steps[0]?.unmodelled).toBe(true);
    // The other way is still there for a caller that asks for it.
    const other = runChain(t, "INPUT", pkt(), ctx, () => 1);
    expect(other.verdict).toBe("ACCEPT");
    expect(steps(other)).toEqual(["rule:INPUT:UNKNOWN", "rule:INPUT:ACCEPT"]);
  });

  it("a rate-limited DROP before an unconditional DROP is decided: both ways drop", () => {
    const t = table(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ${LIMIT} -j DROP\n-A INPUT -j DROP\nCOMMIT\n`);
    const run = runChain(t, "INPUT", pkt(), ctx);
    expect(run).toMatchObject({ verdict: "DROP", unmodelled: [] });
    expect(steps(run)).toEqual(["rule:INPUT:DROP (chance)"]);
  });

  it("a limited jump to a chain that only logs and returns (ufw-logging-deny) is decided; one that marks is not", () => {
    const t = table(
      `*filter\n:INPUT DROP [0:0]\n:ufw-logging-deny - [0:0]\n:marks - [0:0]\n-A INPUT ${LIMIT} -j ufw-logging-deny\n-A INPUT -m mark --mark 0x1 -j ACCEPT\n-A INPUT -p tcp --dport 80 ${LIMIT} -j marks\n-A INPUT -m mark --mark 0x1 -j ACCEPT\n` +
        `-A ufw-logging-deny -m conntrack --ctstate NEW ${LIMIT} -j RETURN\n-A ufw-logging-deny ${LIMIT} -j LOG --log-prefix "[UFW BLOCK] "\n-A marks -j MARK --set-mark 0x1\nCOMMIT\n`,
    );
    const run = runChain(t, "INPUT", pkt(), ctx);
    // The packet is NEW, so ufw-logging-deny may RETURN before its LOG: either way it comes back to INPUT.
    // The limited jump to `marks` differs by outcome: walked taken, as a fresh bucket passes the first packet.
    expect(steps(run).slice(0, 3)).toEqual([
      "rule:INPUT:JUMP (chance)",
      "rule:ufw-logging-deny:RETURN (chance)",
      "rule:INPUT:JUMP",
    ]);
    expect(run.unmodelled.map((u) => [u.line, u.alternatives])).toEqual([[7, ["if it did not match: DROP"]]]);
    expect(run.verdict).toBe("ACCEPT");
    // Shown taken, the RETURN skipped the LOG: no line, and none marked certain.
    expect(run.logs).toEqual([]);
  });

  it("a logging chain jumped to by a limit logs a chance line when the limited RETURN does not skip it", () => {
    const t = table(
      `*filter\n:INPUT DROP [0:0]\n:deny - [0:0]\n-A INPUT ${LIMIT} -j deny\n-A deny -m conntrack --ctstate INVALID ${LIMIT} -j RETURN\n-A deny -j LOG --log-prefix "[UFW BLOCK] "\nCOMMIT\n`,
    );
    const run = runChain(t, "INPUT", pkt(), ctx);
    expect(run).toMatchObject({ verdict: "DROP", unmodelled: [] });
    expect(run.logs).toEqual([{ prefix: "[UFW BLOCK] ", level: undefined, line: 6, chance: true }]);
  });

  it("kube-proxy's -m statistic endpoints: uncertain, walked to the last endpoint, the others named", () => {
    const t = table(
      "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC-A - [0:0]\n:KUBE-SEP-1 - [0:0]\n:KUBE-SEP-2 - [0:0]\n:KUBE-SEP-3 - [0:0]\n" +
        "-A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j KUBE-SVC-A\n" +
        "-A KUBE-SVC-A -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-1\n" +
        "-A KUBE-SVC-A -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-2\n" +
        "-A KUBE-SVC-A -j KUBE-SEP-3\n" +
        "-A KUBE-SEP-1 -p tcp -j DNAT --to-destination 10.244.1.5:8080\n" +
        "-A KUBE-SEP-2 -p tcp -j DNAT --to-destination 10.244.2.6:8080\n" +
        "-A KUBE-SEP-3 -p tcp -j DNAT --to-destination 10.244.3.7:8080\nCOMMIT\n",
      "nat",
    );
    const run = runChain(t, "PREROUTING", { ...pkt(), dst: "10.96.0.10" }, ctx);
    expect(run.nat).toEqual({ kind: "DNAT", addr: "10.244.3.7", port: 8080 });
    expect(run.unmodelled.map((u) => [u.line, u.alternatives])).toEqual([
      [8, ["if it matched: DNAT to 10.244.1.5:8080"]],
      [9, ["if it matched: DNAT to 10.244.2.6:8080"]],
    ]);
  });

  it("nft: a limited log is decided; 'limit rate over ... drop' is not; numgen picks follow every choice", () => {
    const parsed = parseNftRuleset(
      "table ip t {\n\tchain in {\n\t\ttype filter hook input priority filter; policy accept;\n" +
        '\t\tlimit rate 3/minute burst 10 packets log prefix "[nft] "\n' +
        "\t\ttcp dport 22 limit rate over 10/second drop\n\t\ttcp dport 80 accept\n\t}\n" +
        "\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n" +
        "\t\ttcp dport 80 numgen random mod 2 vmap { 0 : goto ep1, 1 : goto ep2 }\n" +
        "\t\ttcp dport 81 numgen random mod 1 vmap { 0 : goto ep1 }\n\t}\n" +
        "\tchain ep1 {\n\t\tmeta l4proto tcp dnat to 10.244.1.5:8080\n\t}\n\tchain ep2 {\n\t\tmeta l4proto tcp dnat to 10.244.2.6:8080\n\t}\n}\n",
    );
    expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const tbl = parsed.tables[0] as TableDef;
    const web = runChain(tbl, "in", pkt(), ctx);
    expect(web).toMatchObject({ verdict: "ACCEPT", unmodelled: [] });
    expect(web.logs).toEqual([{ prefix: "[nft] ", line: 4, chance: true }]);
    const ssh = runChain(tbl, "in", { ...pkt(), dport: 22 }, ctx);
    expect(ssh.unmodelled.map((u) => u.alternatives)).toEqual([["if it matched: DROP"]]);
    const lb = runChain(tbl, "pre", pkt(), ctx);
    expect(lb.nat).toEqual({ kind: "DNAT", addr: "10.244.1.5", port: 8080 });
    expect(lb.unmodelled).toEqual([
      expect.objectContaining({
        line: 10,
        what: "numgen random mod 2 vmap { 0 : goto ep1, 1 : goto ep2}",
        alternatives: ["another pick: DNAT to 10.244.2.6:8080"],
      }),
    ]);
    const one = runChain(tbl, "pre", { ...pkt(), dport: 81 }, ctx);
    expect(one).toMatchObject({ nat: { kind: "DNAT", addr: "10.244.1.5", port: 8080 }, unmodelled: [] });
  });

  it("an unmodelled match is followed both ways too: a LOG behind it decides nothing, a DROP is uncertain", () => {
    const t = table(
      '*filter\n:INPUT DROP [0:0]\n-A INPUT -m string --string own --algo bm -j LOG --log-prefix "[own] "\n-A INPUT -m string --string own --algo bm -j DROP\n-A INPUT -p tcp -j ACCEPT\nCOMMIT\n',
    );
    const run = runChain(t, "INPUT", pkt(), ctx);
    expect(run.verdict).toBe("ACCEPT");
    expect(run.logs).toEqual([{ prefix: "[own] ", level: undefined, line: 3, chance: true }]);
    expect(run.unmodelled).toEqual([
      expect.objectContaining({
        line: 4,
        what: "-m string --string own --algo bm",
        alternatives: ["if it matched: DROP"],
      }),
    ]);
    // Told to take the other way, the walk drops there, and names the way not taken.
    const taken = runChain(t, "INPUT", pkt(), ctx, (rule) => (rule.line === 4 ? 0 : undefined));
    expect(taken.verdict).toBe("DROP");
    expect(taken.unmodelled).toEqual([
      expect.objectContaining({ line: 4, alternatives: ["if it did not match: ACCEPT"], ways: 2, way: 0 }),
    ]);
    expect(steps(taken).at(-1)).toBe("rule:INPUT:DROP");
  });

  it("an unmodelled match before a policy of the same verdict is decided", () => {
    const t = table(
      "*filter\n:INPUT DROP [0:0]\n-A INPUT -m string --string own --algo bm -j DROP\nCOMMIT\n",
    );
    expect(runChain(t, "INPUT", pkt(), ctx)).toMatchObject({ verdict: "DROP", unmodelled: [] });
  });

  it("stops following unmodelled matches after the same bound", () => {
    const rules = Array.from(
      { length: 12 },
      (_, k) => `-A INPUT -p tcp -m string --string s${k} --algo bm -j X${k % 2}`,
    ).join("\n");
    const t = table(
      `*filter\n:INPUT ACCEPT [0:0]\n:X0 - [0:0]\n:X1 - [0:0]\n${rules}\n-A X0 -j RETURN\n-A X1 -j MARK --set-mark 0x1\nCOMMIT\n`,
    );
    const run = runChain(t, "INPUT", pkt(), ctx);
    expect(run.verdict).toBe("ACCEPT");
    expect(run.unmodelled.length).toBeGreaterThan(0);
    // Past the bound a rule is reported as unknown without the ways it was not followed.
    expect(run.unmodelled.some((u) => u.alternatives === undefined)).toBe(true);
  });

  it("stops following chance rules after a bound and reports the rest as unknown", () => {
    const rules = Array.from({ length: 12 }, (_, k) => `-A INPUT -p tcp ${LIMIT} -j X${k % 2}`).join("\n");
    const t = table(
      `*filter\n:INPUT ACCEPT [0:0]\n:X0 - [0:0]\n:X1 - [0:0]\n${rules}\n-A X0 -j RETURN\n-A X1 -j MARK --set-mark 0x1\nCOMMIT\n`,
    );
    const run = runChain(t, "INPUT", pkt(), ctx);
    // 2^12 ways exceed the bound: the run ends, every undecided rule is reported, none is silently taken.
    expect(run.verdict).toBe("ACCEPT");
    expect(run.unmodelled.length).toBeGreaterThan(0);
  });
});
