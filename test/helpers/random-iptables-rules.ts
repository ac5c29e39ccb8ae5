/**
 * Random iptables and ebtables rules on top of Docker 28's ruleset (the docker-bridge lab's
 * `docker-28.rules`), for comparing the simulator with the kernel on rules nobody wrote by hand:
 * raw, mangle, filter (DOCKER-USER, INPUT, OUTPUT, a user chain) and nat rules, and bridge FORWARD
 * rules, made of the matches and targets real rulesets use, each valid where it is put (no `-o` at
 * PREROUTING, REJECT only in filter). Deterministic for a seed.
 */
import { prng } from "../../bench/generate-log.ts";
import { LAB } from "../../src/capture/lab-topology.ts";

/**
 * Matches over the lab's packets, with the chains they are valid in (`in`: not at OUTPUT and
 * POSTROUTING; `out`: not at PREROUTING and INPUT; `pre`: at PREROUTING only, as xt_rpfilter).
 */
const MATCHES: readonly { text: string; only?: "in" | "out" | "pre"; proto?: string }[] = [
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
  // ipsets (IPSETS): addresses, a subnet with a `nomatch` hole, address and port pairs.
  { text: "-m set --match-set fz-hosts src" },
  { text: "-m set ! --match-set fz-nets src" },
  { text: "-m set --match-set fz-nets dst" },
  { text: "-m set --match-set fz-svc dst,dst" },
  { text: "-m set --match-set fz-nets src --return-nomatch" },
  // The connection's tuple, and conntrack states the others leave out.
  { text: `-m conntrack --ctorigdst ${LAB.hostEthIp}` },
  { text: `-m conntrack --ctorigsrc ${LAB.subnetCidr}` },
  { text: `-m conntrack --ctrepldst ${LAB.hostEthIp}` },
  { text: `-m conntrack --ctreplsrc ${LAB.c1Ip}` },
  { text: "-p tcp -m conntrack --ctorigdstport 8080", proto: "tcp" },
  { text: "-m conntrack --ctstate INVALID" },
  { text: "-m state --state INVALID" },
  // Header fields as users compare them: ranges, `!`, named ICMP types, a type and code.
  { text: `-m iprange --dst-range ${LAB.bridgeIp}-${LAB.c2Ip}` },
  { text: `-m iprange ! --src-range ${LAB.bridgeIp}-${LAB.c2Ip}` },
  { text: "-m length --length :100" },
  { text: "-m length ! --length 84" },
  { text: "-m ttl --ttl-eq 64" },
  { text: "-m ttl --ttl-gt 62" },
  { text: "-m ttl ! --ttl-eq 63" },
  { text: "-m addrtype --dst-type UNICAST" },
  { text: "-m addrtype --dst-type BROADCAST,MULTICAST" },
  { text: "-m addrtype --src-type LOCAL --limit-iface-in", only: "in" },
  { text: "-m addrtype --dst-type LOCAL --limit-iface-out", only: "out" },
  { text: "-m pkttype --pkt-type broadcast" },
  { text: "-m pkttype ! --pkt-type unicast" },
  { text: "-m comment --comment fz" },
  { text: "-p tcp -m multiport --sports 80,8080", proto: "tcp" },
  { text: "-p tcp -m multiport --ports 80,1000:2000", proto: "tcp" },
  { text: "-p icmp -m icmp --icmp-type echo-request", proto: "icmp" },
  { text: "-p icmp -m icmp ! --icmp-type 8", proto: "icmp" },
  { text: "-p icmp -m icmp --icmp-type 3/3", proto: "icmp" },
  { text: "-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN", proto: "tcp" },
  { text: "-m dscp --dscp-class AF11" },
  { text: "-m tos --tos 0x10" },
  // The marks TARGETS set, read in a later rule, chain or hook.
  { text: "-m mark ! --mark 0x1" },
  { text: "-m mark --mark 0x8/0x8" },
  { text: "-m connmark --mark 0x1/0x1" },
  { text: "-m connmark ! --mark 0x0" },
  // The bridge port (br_netfilter), and the reverse path.
  { text: "-m physdev --physdev-in veth-c1", only: "in" },
  { text: "-m physdev --physdev-is-bridged" },
  { text: "-m physdev --physdev-out veth-c2 --physdev-is-bridged", only: "out" },
  { text: "-m rpfilter --invert", only: "pre" },
  { text: "-m rpfilter --loose", only: "pre" },
];

/** The ipsets the `-m set` matches read (`ipset save` lines), restored before the rules. */
const IPSETS: readonly string[] = [
  "create fz-hosts hash:ip family inet hashsize 1024 maxelem 65536",
  `add fz-hosts ${LAB.c1Ip}`,
  `add fz-hosts ${LAB.serverIp}`,
  "create fz-nets hash:net family inet hashsize 1024 maxelem 65536",
  `add fz-nets ${LAB.subnetCidr}`,
  `add fz-nets ${LAB.c2Ip} nomatch`,
  "create fz-svc hash:ip,port family inet hashsize 1024 maxelem 65536",
  `add fz-svc ${LAB.c1Ip},tcp:80`,
  `add fz-svc ${LAB.hostEthIp},tcp:8080`,
  `add fz-svc ${LAB.c2Ip},icmp:8/0`,
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
    // Marks, TTL and TOS in the other forms users write (the matches above read them back).
    "-j MARK --set-mark 0x8",
    "-j MARK --and-mark 0xfffffffe",
    "-j CONNMARK --restore-mark",
    "-j CONNMARK --save-mark --mask 0x1",
    "-j CONNMARK --set-mark 0x1/0x1",
    "-j TTL --ttl-set 63",
    "-j TTL --ttl-dec 1",
    "-j TOS --set-tos 0x10",
    "-j DSCP --set-dscp-class AF11",
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
  // Destination fields, the frame's mark (set above, or ORed in), ARP's opcode.
  `-p IPv4 --ip-dst ${LAB.serverIp} -j ACCEPT`,
  "-p IPv4 --ip-proto tcp --ip-dport 80 -j ACCEPT",
  `-d ${LAB.c1Mac} -j ACCEPT`,
  "--mark 0x3 -j DROP",
  "-p ARP --arp-op Request -j ACCEPT",
  "-i veth-c2 -j mark --mark-or 0x4 --mark-target CONTINUE",
];

/**
 * Docker 28's `base` ruleset (iptables-save, then `# ebtables-save (bridge family)`) with random rules
 * for seed `seed` (see the module comment).
 */
export function randomIptablesRules(seed: number, base: string): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  // `where`: the chain's direction; "any" for FZ, which chains of both directions jump to.
  const rule = (table: string, where: "in" | "out" | "both" | "any", user: boolean, chain = ""): string => {
    const parts: string[] = [];
    let proto: string | undefined;
    for (let m = Math.floor(r() * 3); m > 0; m--) {
      const match = pick(MATCHES);
      if (
        match.only === "pre" ? chain !== "PREROUTING" : match.only && where !== "both" && match.only !== where
      )
        continue;
      // A second `-p` replaces nothing: iptables refuses it.
      if (match.proto && proto) continue;
      if (parts.includes(match.text)) continue;
      proto ??= match.proto;
      parts.push(match.text);
    }
    const targets = (TARGETS[table] ?? []).filter((t) => t !== "-j RETURN" || user);
    const target =
      table === "filter" && r() < 0.2
        ? r() < 0.3
          ? "-g FZ"
          : "-j FZ"
        : pick(targets.filter((t) => !(t.includes("tcp-reset") || t.includes("TCPMSS")) || proto === "tcp"));
    return `${parts.join(" ")}${parts.length ? " " : ""}${target}`;
  };
  const lines: Record<string, string[]> = { raw: [], mangle: [], filter: [], fz: [] };
  for (const table of ["raw", "mangle", "filter"] as const) {
    const chains = Object.entries(CHAINS[table] ?? {});
    for (let n = Math.floor(r() * 4); n > 0; n--) {
      const [chain, where] = pick(chains);
      lines[table]?.push(`-A ${chain} ${rule(table, where, chain === "DOCKER-USER", chain)}`);
    }
  }
  // FZ is jumped to from filter chains of either direction: only direction-free matches.
  for (let n = 1 + Math.floor(r() * 2); n > 0; n--)
    lines.fz?.push(`-A FZ ${rule("filter", "any", true).replace(/-[jg] FZ$/, "-j RETURN")}`);
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
  const text = `${filterFirst(raw(ipt)).replace("*filter\n", `${mangle}\n*filter\n`)}# ebtables-save (bridge family)${ebtables}`;
  // The ipsets only where a rule reads one (the capture then needs ipset installed), before the rules.
  return text.includes("--match-set") ? `# ipset save\n${IPSETS.join("\n")}\n${text}` : text;
}
