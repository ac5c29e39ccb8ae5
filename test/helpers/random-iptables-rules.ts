/**
 * Random iptables and ebtables rules on top of Docker 28's ruleset (the docker-bridge lab's
 * `docker-28.rules`), for comparing the simulator with the kernel on rules nobody wrote by hand:
 * raw, mangle, filter (DOCKER-USER, INPUT, OUTPUT, a user chain) and nat rules, and bridge FORWARD
 * rules, made of the matches and targets real rulesets use, each valid where it is put (no `-o` at
 * PREROUTING, REJECT only in filter). Deterministic for a seed.
 */
import { prng } from "../../bench/generate-log.ts";
import { LAB } from "../../src/capture/lab-topology.ts";

/** Matches over the lab's packets, with the chains they are valid in (`in`: not at OUTPUT and POSTROUTING; `out`: not at PREROUTING and INPUT). */
const MATCHES: readonly { text: string; only?: "in" | "out"; proto?: string }[] = [
  { text: `-s ${LAB.subnetCidr}` },
  { text: `! -s ${LAB.c1Ip}/32` },
  { text: `-d ${LAB.serverIp}/32` },
  { text: `-d ${LAB.hostEthIp}/32` },
  { text: "-p icmp", proto: "icmp" },
  { text: "-p tcp", proto: "tcp" },
  { text: "-p tcp -m tcp --dport 80", proto: "tcp" },
  { text: "-p tcp -m tcp --sport 80", proto: "tcp" },
  { text: "-p tcp -m multiport --dports 80,8080", proto: "tcp" },
  { text: "-p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK", proto: "tcp" },
  { text: "-p tcp -m tcp --syn", proto: "tcp" },
  { text: "-p icmp -m icmp --icmp-type 8", proto: "icmp" },
  { text: "-p icmp -m icmp --icmp-type 0", proto: "icmp" },
  { text: `-i ${LAB.bridge}`, only: "in" },
  { text: "! -i eth0", only: "in" },
  { text: "-o eth0", only: "out" },
  { text: `-o ${LAB.bridge}`, only: "out" },
  { text: "-m conntrack --ctstate NEW" },
  { text: "-m conntrack --ctstate RELATED,ESTABLISHED" },
  { text: "-m conntrack --ctstate DNAT" },
  { text: "-m conntrack --ctdir ORIGINAL" },
  { text: "-m conntrack --ctdir REPLY" },
  { text: "-m conntrack --ctstate UNTRACKED,RELATED --ctdir REPLY" },
  { text: "-m state --state ESTABLISHED" },
  { text: "-m conntrack --ctstatus SEEN_REPLY" },
  { text: "-m conntrack ! --ctstatus ASSURED" },
  { text: "-m conntrack --ctstate NEW,UNTRACKED --ctstatus CONFIRMED" },
  { text: "-m mark --mark 0x1" },
  { text: "-m mark --mark 0x2/0x2" },
  { text: "-m connmark --mark 0x5" },
  { text: "-m ttl --ttl-lt 64" },
  { text: "-m length --length 100:65535" },
  { text: "-p tcp -m tcpmss --mss 1460", proto: "tcp" },
  { text: "-p tcp -m tcpmss ! --mss 1400", proto: "tcp" },
  { text: "-m pkttype --pkt-type unicast" },
  { text: "-m addrtype --dst-type LOCAL" },
  { text: "-m addrtype ! --src-type LOCAL" },
  { text: "-m dscp --dscp 0x00" },
  { text: `-m iprange --src-range ${LAB.c1Ip}-${LAB.c2Ip}` },
  { text: `-m mac --mac-source ${LAB.c1Mac}`, only: "in" },
  { text: "-m conntrack --ctproto tcp" },
  { text: "-m conntrack ! --ctproto icmp" },
  { text: "-m conntrack --ctstate NEW,UNTRACKED --ctproto icmp" },
  { text: "-m helper ! --helper ftp" },
];

/** Targets per table (MARK, CONNMARK, DSCP in mangle; REJECT in filter). */
const TARGETS: Record<string, readonly string[]> = {
  raw: ["-j ACCEPT", "-j CT --notrack", "-j DROP"],
  mangle: [
    "-j MARK --set-xmark 0x1/0xffffffff",
    "-j MARK --or-mark 0x2",
    "-j CONNMARK --set-xmark 0x5/0xffffffff",
    "-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff",
    "-j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff",
    "-j DSCP --set-dscp 0x0a",
    // Without a SYN match, which iptables-nft allows: it also gives an ACK without data an MSS option.
    "-j TCPMSS --set-mss 1400",
    "-j ACCEPT",
    "-j RETURN",
  ],
  filter: [
    "-j ACCEPT",
    "-j DROP",
    "-j RETURN",
    "-j REJECT --reject-with icmp-port-unreachable",
    "-j REJECT --reject-with icmp-admin-prohibited",
    "-j REJECT --reject-with tcp-reset",
  ],
};

/** The built-in chains per table, and whether a packet arrives (`in`) or leaves (`out`) there. */
const CHAINS: Record<string, Record<string, "in" | "out" | "both">> = {
  raw: { PREROUTING: "in", OUTPUT: "out" },
  mangle: { PREROUTING: "in", INPUT: "in", FORWARD: "both", OUTPUT: "out", POSTROUTING: "out" },
  filter: { INPUT: "in", FORWARD: "both", OUTPUT: "out", "DOCKER-USER": "both" },
};

/** Bridge rules (ebtables-nft: no broute) for FORWARD. */
const EBT_RULES: readonly string[] = [
  "-p IPv4 --ip-proto icmp -j ACCEPT",
  `-p IPv4 --ip-src ${LAB.c1Ip} --ip-proto tcp -j DROP`,
  `-s ${LAB.c2Mac} -p IPv4 --ip-proto icmp --ip-icmp-type echo-reply -j DROP`,
  "-p ARP -j ACCEPT",
  "--pkttype-type otherhost -j CONTINUE",
  `-i veth-c1 -o veth-c2 -p IPv4 -j mark --mark-set 0x3 --mark-target CONTINUE`,
];

/**
 * Docker 28's `base` ruleset (iptables-save, then `# ebtables-save (bridge family)`) with random rules
 * for seed `seed` (see the module comment).
 */
export function randomIptablesRules(seed: number, base: string): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  // `where`: the chain's direction; "any" for FZ, which chains of both directions jump to.
  const rule = (table: string, where: "in" | "out" | "both" | "any", user: boolean): string => {
    const parts: string[] = [];
    let proto: string | undefined;
    for (let m = Math.floor(r() * 3); m > 0; m--) {
      const match = pick(MATCHES);
      if (match.only && where !== "both" && match.only !== where) continue;
      // A second `-p` replaces nothing: iptables refuses it.
      if (match.proto && proto) continue;
      if (parts.includes(match.text)) continue;
      proto ??= match.proto;
      parts.push(match.text);
    }
    const targets = (TARGETS[table] ?? []).filter((t) => t !== "-j RETURN" || user);
    const target =
      table === "filter" && r() < 0.2
        ? "-j FZ"
        : pick(targets.filter((t) => !(t.includes("tcp-reset") || t.includes("TCPMSS")) || proto === "tcp"));
    return `${parts.join(" ")}${parts.length ? " " : ""}${target}`;
  };
  const lines: Record<string, string[]> = { raw: [], mangle: [], filter: [], fz: [] };
  for (const table of ["raw", "mangle", "filter"] as const) {
    const chains = Object.entries(CHAINS[table] ?? {});
    for (let n = Math.floor(r() * 4); n > 0; n--) {
      const [chain, where] = pick(chains);
      lines[table]?.push(`-A ${chain} ${rule(table, where, chain === "DOCKER-USER")}`);
    }
  }
  // FZ is jumped to from filter chains of either direction: only direction-free matches.
  for (let n = 1 + Math.floor(r() * 2); n > 0; n--)
    lines.fz?.push(`-A FZ ${rule("filter", "any", true).replace("-j FZ", "-j RETURN")}`);
  const [ipt, ebt] = base.split("# ebtables-save (bridge family)") as [string, string];
  const mangle = [
    "*mangle",
    ...Object.keys(CHAINS.mangle ?? {}).map((c) => `:${c} ACCEPT [0:0]`),
    ...(lines.mangle ?? []),
    "COMMIT",
  ].join("\n");
  // Filter rules go first in their chain (before Docker's), as `iptables -I` puts them.
  const filterFirst = (text: string) => {
    let out = text.replace(":DOCKER-USER - [0:0]", ":DOCKER-USER - [0:0]\n:FZ - [0:0]");
    const fz = [...(lines.fz ?? []), ...(lines.filter ?? [])];
    out = out.replace(
      /(\*filter\n(?::[^\n]*\n)+)/,
      (head) => `${head}${fz.join("\n")}${fz.length ? "\n" : ""}`,
    );
    return out;
  };
  const raw = (text: string) =>
    text.replace(
      /(\*raw\n(?::[^\n]*\n)+)/,
      (head) => `${head}${(lines.raw ?? []).map((l) => `${l}\n`).join("")}`,
    );
  const bridge = Array.from({ length: Math.floor(r() * 3) }, () => `-A FORWARD ${pick(EBT_RULES)}`);
  const ebtables = bridge.length
    ? `\n*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${bridge.join("\n")}\n`
    : ebt;
  return `${filterFirst(raw(ipt)).replace("*filter\n", `${mangle}\n*filter\n`)}# ebtables-save (bridge family)${ebtables}`;
}
