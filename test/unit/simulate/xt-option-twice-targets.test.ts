/**
 * Options given twice to -j NFLOG, TCPMSS, TTL, HL and to -m bpf, cluster, ipvs, and the pairs of them
 * that exclude each other, as iptables-restore 1.8.9 (nf_tables) refuses them: each verdict below is
 * what `unshare -n iptables-restore --test` (ip6tables-restore for HL) printed for the rule in a
 * mangle table. They were taken (an unmodelled target or match, its options unread).
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

/** The problems of a mangle table whose chains hold `rule` (line 7). */
const problems = (rule: string, family?: "ip6") =>
  parseIptablesSave(
    `*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n${rule}\nCOMMIT\n`,
    family ? { family } : {},
  ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message} | ${d.hint}`);

const SYN = "-A FORWARD -p tcp --tcp-flags SYN,RST SYN";

describe("a target's option given twice", () => {
  it.each([
    // NFLOG: option "--nflog-group" can only be used once. (and so on for each)
    ["-A INPUT -j NFLOG --nflog-group 1 --nflog-group 2", "7:35", "NFLOG", "--nflog-group"],
    ["-A INPUT -j NFLOG --nflog-prefix a --nflog-prefix b", "7:36", "NFLOG", "--nflog-prefix"],
    ["-A INPUT -j NFLOG --nflog-size 1 --nflog-size 2", "7:34", "NFLOG", "--nflog-size"],
    ["-A INPUT -j NFLOG --nflog-range 1 --nflog-range 2", "7:35", "NFLOG", "--nflog-range"],
    ["-A INPUT -j NFLOG --nflog-threshold 1 --nflog-threshold 2", "7:39", "NFLOG", "--nflog-threshold"],
    // A shortened option is the same one, said by its whole name (NFLOG: option "--nflog-group" can only be used once.)
    ["-A INPUT -j NFLOG --nflog-group 1 --nflog-gr 2", "7:35", "NFLOG", "--nflog-group"],
    // TCPMSS: option "--set-mss" can only be used once.
    [`${SYN} -j TCPMSS --set-mss 1 --set-mss 2`, "7:65", "TCPMSS", "--set-mss"],
    [`${SYN} -j TCPMSS --clamp-mss-to-pmtu --clamp-mss-to-pmtu`, "7:73", "TCPMSS", "--clamp-mss-to-pmtu"],
    // TTL: option "--ttl-set" can only be used once.
    ["-A PREROUTING -j TTL --ttl-set 1 --ttl-set 2", "7:34", "TTL", "--ttl-set"],
    ["-A PREROUTING -j TTL --ttl-dec 1 --ttl-dec 2", "7:34", "TTL", "--ttl-dec"],
    ["-A PREROUTING -j TTL --ttl-inc 1 --ttl-inc 2", "7:34", "TTL", "--ttl-inc"],
  ])("refuses %s", (rule, at, target, option) => {
    expect(problems(rule)).toEqual([
      `error ${at} '${option}' is given twice to -j ${target}: iptables-restore refuses it ("${target}: option "${option}" can only be used once.") | give it once: -j ${target} takes one ${option}`,
    ]);
  });

  it('refuses HL\'s twice, as ip6tables-restore did (HL: option "--hl-set" can only be used once.)', () => {
    expect(problems("-A PREROUTING -j HL --hl-set 1 --hl-set 2", "ip6")).toEqual([
      `error 7:32 '--hl-set' is given twice to -j HL: iptables-restore refuses it ("HL: option "--hl-set" can only be used once.") | give it once: -j HL takes one --hl-set`,
    ]);
  });

  it.each([
    // Each loaded (rc 0): one of each, a shortened option, and TCPMSS's two (iptables-save kept the later).
    "-A INPUT -j NFLOG --nflog-group 1 --nflog-prefix a --nflog-size 2 --nflog-threshold 3",
    "-A INPUT -j NFLOG --nflog-g 1",
    "-A PREROUTING -j TTL --ttl-s 5",
    `${SYN} -j TCPMSS --set-mss 1 --clamp-mss-to-pmtu`,
  ])("takes %s", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});

describe("a target's options that exclude each other", () => {
  it.each([
    // NFLOG: option "--nflog-range" cannot be used together with "--nflog-size". (both orders)
    [
      "-A INPUT -j NFLOG --nflog-range 1 --nflog-size 2",
      "7:35 '--nflog-size' cannot be given with '--nflog-range'",
      "NFLOG",
      "--nflog-range",
      "--nflog-size",
    ],
    [
      "-A INPUT -j NFLOG --nflog-size 1 --nflog-range 2",
      "7:34 '--nflog-range' cannot be given with '--nflog-size'",
      "NFLOG",
      "--nflog-range",
      "--nflog-size",
    ],
    // TTL: option "--ttl-set" cannot be used together with "--ttl-inc". / "--ttl-dec" ... "--ttl-inc".
    [
      "-A PREROUTING -j TTL --ttl-inc 1 --ttl-set 2",
      "7:34 '--ttl-set' cannot be given with '--ttl-inc'",
      "TTL",
      "--ttl-set",
      "--ttl-inc",
    ],
    [
      "-A PREROUTING -j TTL --ttl-dec 1 --ttl-inc 2",
      "7:34 '--ttl-inc' cannot be given with '--ttl-dec'",
      "TTL",
      "--ttl-dec",
      "--ttl-inc",
    ],
    [
      "-A PREROUTING -j TTL --ttl-set 1 --ttl-dec 2",
      "7:34 '--ttl-dec' cannot be given with '--ttl-set'",
      "TTL",
      "--ttl-set",
      "--ttl-dec",
    ],
  ])("refuses %s in the tool's order", (rule, said, target, a, b) => {
    const [got] = problems(rule);
    expect(got).toContain(
      `error ${said} in one -j ${target}: iptables-restore refuses it ("${target}: option "${a}" cannot be used together with "${b}".")`,
    );
  });

  it('refuses HL\'s, as ip6tables-restore did (HL: option "--hl-dec" cannot be used together with "--hl-inc".)', () => {
    const [got] = problems("-A PREROUTING -j HL --hl-dec 1 --hl-inc 2", "ip6");
    expect(got).toContain(`("HL: option "--hl-dec" cannot be used together with "--hl-inc".")`);
  });
});

describe("an option given twice in one -m bpf, cluster or ipvs", () => {
  const CL = "-A INPUT -m cluster --cluster-total-nodes 2";
  it.each([
    // bpf: option "--bytecode" can only be used once.
    ['-A INPUT -m bpf --bytecode "1,6 0 0 0" --bytecode "1,6 0 0 0" -j ACCEPT', "7:40", "bpf", "--bytecode"],
    // With two programs pinned in a bpffs of the namespace: bpf: option "--object-pinned" can only be used once.
    [
      "-A INPUT -m bpf --object-pinned /sys/fs/bpf/x --object-pinned /sys/fs/bpf/y -j ACCEPT",
      "7:47",
      "bpf",
      "--object-pinned",
    ],
    // cluster: option "--cluster-local-node" can only be used once. (and so on)
    [
      `${CL} --cluster-local-node 1 --cluster-local-node 2 -j ACCEPT`,
      "7:68",
      "cluster",
      "--cluster-local-node",
    ],
    [
      `${CL} --cluster-total-nodes 2 --cluster-local-node 1 -j ACCEPT`,
      "7:45",
      "cluster",
      "--cluster-total-nodes",
    ],
    [
      `${CL} --cluster-local-nodemask 1 --cluster-local-nodemask 1 -j ACCEPT`,
      "7:72",
      "cluster",
      "--cluster-local-nodemask",
    ],
    [
      `${CL} --cluster-local-node 1 --cluster-hash-seed 1 --cluster-hash-seed 2 -j ACCEPT`,
      "7:90",
      "cluster",
      "--cluster-hash-seed",
    ],
    // ipvs: option "--vproto" can only be used once. (and so on)
    ["-A INPUT -m ipvs --ipvs --ipvs -j ACCEPT", "7:25", "ipvs", "--ipvs"],
    ["-A INPUT -m ipvs --vproto tcp --vproto udp -j ACCEPT", "7:31", "ipvs", "--vproto"],
    ["-A INPUT -m ipvs --vaddr 1.2.3.4 --vaddr 1.2.3.5 -j ACCEPT", "7:34", "ipvs", "--vaddr"],
    ["-A INPUT -m ipvs --vport 1 --vport 2 -j ACCEPT", "7:28", "ipvs", "--vport"],
    ["-A INPUT -m ipvs --vdir ORIGINAL --vdir REPLY -j ACCEPT", "7:34", "ipvs", "--vdir"],
    ["-A INPUT -m ipvs --vmethod GATE --vmethod NAT -j ACCEPT", "7:33", "ipvs", "--vmethod"],
    ["-A INPUT -m ipvs --vportctl 1 --vportctl 2 -j ACCEPT", "7:31", "ipvs", "--vportctl"],
  ])("refuses %s", (rule, at, module, option) => {
    expect(problems(rule)).toEqual([
      `error ${at} '${option}' is given twice in one -m ${module}: iptables-restore refuses it ("${module}: option "${option}" can only be used once.") | give it once: a second test needs a -m of its own`,
    ]);
  });

  it.each([
    // cluster: option "--cluster-local-node" cannot be used together with "--cluster-local-nodemask". (both orders)
    [
      `${CL} --cluster-local-node 1 --cluster-local-nodemask 1 -j ACCEPT`,
      "7:68 '--cluster-local-nodemask' cannot be given with '--cluster-local-node'",
    ],
    [
      `${CL} --cluster-local-nodemask 1 --cluster-local-node 1 -j ACCEPT`,
      "7:72 '--cluster-local-node' cannot be given with '--cluster-local-nodemask'",
    ],
  ])("refuses %s's two ways of naming the node", (rule, said) => {
    const [got] = problems(rule);
    expect(got).toContain(
      `error ${said} in one -m cluster: iptables-restore refuses it ("cluster: option "--cluster-local-node" cannot be used together with "--cluster-local-nodemask".")`,
    );
  });
});

describe("TCPMSS's --set-mss with --clamp-mss-to-pmtu", () => {
  /** The one rule of the mangle table holding `rule`, as read. */
  const target = (rule: string) =>
    parseIptablesSave(`*mangle\n:PREROUTING ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n${rule}\nCOMMIT\n`)
      .rules.tables.get("mangle")
      ?.chains.get(rule.split(" ")[1] as string)?.rules[0]?.target;

  it("reads the later of the two, as iptables-save printed it back (-j TCPMSS --set-mss 1; --clamp-mss-to-pmtu)", () => {
    expect(target(`${SYN} -j TCPMSS --clamp-mss-to-pmtu --set-mss 1`)).toEqual({ kind: "TCPMSS", mss: 1 });
    expect(target(`${SYN} -j TCPMSS --set-mss 1 --clamp-mss-to-pmtu`)).toEqual({ kind: "TCPMSS" });
  });

  it("takes a clamp before --set-mss in PREROUTING, which the kernel loaded (rc 0, saved --set-mss 1)", () => {
    expect(
      problems("-A PREROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu --set-mss 1"),
    ).toEqual([]);
  });

  it("refuses a clamp after --set-mss there (RULE_APPEND failed (Invalid argument): rule in chain PREROUTING)", () => {
    expect(
      problems("-A PREROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1 --clamp-mss-to-pmtu")[0],
    ).toMatch(/^error 7:\d+ TCPMSS --clamp-mss-to-pmtu is only valid in FORWARD, OUTPUT and POSTROUTING/);
  });
});

describe("-m bpf's program", () => {
  const HINT = 'give the program: --bytecode "N,..." (nfbpf_compile\'s output) or --object-pinned PATH';
  it("refuses -m bpf without one (bpf: one of --bytecode or --pinned is required)", () => {
    expect(problems("-A INPUT -m bpf -j ACCEPT")).toEqual([
      `error 7:13 -m bpf needs --bytecode or --object-pinned: iptables-restore refuses the rule without it ("bpf: one of --bytecode or --pinned is required") | ${HINT}`,
    ]);
  });

  it.each([
    // With /sys/fs/bpf/x pinned in the namespace, in either order: bpf: one of --bytecode or --pinned is required
    '-A INPUT -m bpf --bytecode "1,6 0 0 0" --object-pinned /sys/fs/bpf/x -j ACCEPT',
    '-A INPUT -m bpf --object-pinned /sys/fs/bpf/x --bytecode "1,6 0 0 0" -j ACCEPT',
  ])("refuses %s, the program given both ways", (rule) => {
    expect(problems(rule)).toEqual([
      `error 7:13 -m bpf takes --bytecode or --object-pinned, not both: iptables-restore refuses the rule ("bpf: one of --bytecode or --pinned is required") | ${HINT}`,
    ]);
  });

  it("takes one pinned object (rc 0 with /sys/fs/bpf/x pinned)", () => {
    expect(
      problems("-A INPUT -m bpf --object-pinned /sys/fs/bpf/x -j ACCEPT").filter((p) =>
        p.startsWith("error"),
      ),
    ).toEqual([]);
  });
});
