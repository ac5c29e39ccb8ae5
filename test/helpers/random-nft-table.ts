/**
 * Random nft tables for the docker-bridge-nft lab, for comparing the simulator with the kernel on
 * rulesets nobody wrote by hand: base chains at the IPv4 hooks (at priorities no chain of Docker's or
 * of the capture's shares, so no tie decides an order), user chains reached by jump and goto, rules
 * made of the matches, statements and verdicts real rulesets use, over the lab's addresses,
 * interfaces and ports. Deterministic for a seed.
 */
import { prng } from "../../bench/generate-log.ts";
import { LAB } from "../../src/capture/lab-topology.ts";

/** The bridge subnet's network address (`172.17.0.0`). */
const NET = LAB.subnetCidr.split("/")[0] as string;

/**
 * The protocol a match or verdict map ties its rule to (`tcp dport`, `ip saddr . tcp dport @s`), if any;
 * `tcp,icmp` for `meta l4proto { tcp, icmp }`, which nft 1.0.6 refuses with either protocol's header
 * after it ("conflicting protocols specified: icmp vs. tcp").
 */
function protoOf(text: string): string | undefined {
  if (text.startsWith("meta l4proto { tcp, icmp }")) return "tcp,icmp";
  return (
    /^(?:ip protocol |meta l4proto )?(tcp|udp|icmp)\b/.exec(text)?.[1] ??
    /\b(tcp|udp|icmp) (?:dport|sport|flags|type|code|option)\b/.exec(text)?.[1]
  );
}

/** Matches over the lab's packets: each matches some of the scenarios' packets and not others. */
const MATCHES: readonly string[] = [
  `ip saddr ${LAB.subnetCidr}`,
  `ip saddr != ${LAB.c1Ip}`,
  `ip daddr ${LAB.serverIp}`,
  `ip daddr { ${LAB.c2Ip}, ${LAB.hostEthIp} }`,
  `ip saddr . ip daddr { ${LAB.c1Ip} . ${LAB.serverIp}, ${LAB.serverIp} . ${LAB.hostEthIp} }`,
  "ip protocol icmp",
  "ip protocol tcp",
  "meta l4proto tcp",
  "tcp dport { 80, 8080 }",
  "tcp sport 80",
  "tcp flags syn",
  "tcp flags & (syn | ack) == syn | ack",
  "icmp type echo-request",
  "icmp type echo-reply",
  `iifname "${LAB.bridge}"`,
  'iifname != "eth0"',
  'oifname "eth0"',
  `oifname "${LAB.bridge}"`,
  "ct state new",
  "ct state established,related",
  "ct state != established",
  "ct direction reply",
  "ct status dnat",
  "meta mark 0x00000001",
  "meta mark & 0x00000002 == 0x00000002",
  "ct mark 0x00000005",
  "ip ttl < 64",
  "ip ttl 63",
  "ip length > 100",
  "meta pkttype host",
  "fib daddr type local",
  "ip dscp cs0",
  "udp dport 53",
  // Forms users' rulesets hold (firewalld, fw4, hand-written): ranges, wildcards, anonymous and named
  // sets, transport-generic ports, the connection's tuple, reverse-path lookups.
  "th dport 80",
  "tcp dport != 80",
  "tcp dport 1-1024",
  "meta l4proto { tcp, icmp }",
  "ip protocol != icmp",
  "icmp type { echo-request, echo-reply }",
  `ip saddr ${LAB.c1Ip}-${LAB.c2Ip}`,
  'iifname "eth*"',
  'oifname != "docker*"',
  "meta nfproto ipv4",
  "ip saddr @near",
  "ip daddr != @near",
  `ct original ip daddr ${LAB.hostEthIp}`,
  "fib saddr . iif oif missing",
  "fib daddr . iif type local",
  // The connection's status bits, and nft's whole-word compares of them.
  "ct status seen-reply",
  "ct status ! assured",
  "ct status assured,confirmed",
  "ct status == seen-reply,confirmed",
  "ct status != confirmed",
  // The TCP MSS option (SYN and SYN-ACK only) and its clamp.
  "tcp option maxseg size 1460",
  "tcp option maxseg size != 1400",
  "tcp option maxseg missing",
  // The connection's protocol, family and helper (none is assigned: `ct helper` ends the rule).
  "ct protocol tcp",
  "ct protocol != icmp",
  "ct l3proto ipv4",
  'ct helper != "ftp"',
  // Named sets keyed by a concatenation, with intervals in a part (`flags interval`), and three parts.
  "ip saddr . tcp dport @svc",
  "ip daddr . tcp dport @svc",
  "ip saddr . ip daddr . ip protocol @pairs",
  // Header fields compared as users compare them: negated, in sets, over ranges, under a mask.
  "ip dscp != cs0",
  "ip dscp { cs0, af11 }",
  "meta pkttype { broadcast, multicast }",
  "meta pkttype != host",
  "ip length 60-100",
  "meta length > 100",
  "ip ttl != 64",
  "icmp type 0-8",
  "icmp type != { echo-request, echo-reply }",
  "icmp code 0",
  "tcp flags syn / syn,ack",
  `ip daddr & 255.255.255.252 == ${NET}`,
  // The connection's tuple: original and reply addresses, the original destination port.
  `ct original ip saddr ${LAB.c1Ip}`,
  `ct reply ip saddr ${LAB.c1Ip}`,
  "meta l4proto tcp ct original proto-dst 8080",
  // The marks STATEMENTS set, read in the same chain, a later chain or a later hook.
  "meta mark 0x00000008",
  "ct mark 0x00000007",
  "ct mark & 0x00000004 != 0",
  "meta mark & 0x000000ff == 0x00000001",
  "meta mark { 0x00000001, 0x00000008 }",
];

/** Statements that change what later rules see. */
const STATEMENTS: readonly string[] = [
  "meta mark set 0x00000001",
  "meta mark set meta mark | 0x00000002",
  "ct mark set 0x00000005",
  "ct mark set meta mark",
  "ip dscp set af11",
  "counter",
  "meta mark set ct mark",
  "ct mark set ct mark | 0x00000001",
  "tcp option maxseg size set 1400",
  // Marks the later matches read (`ct mark 0x00000007`, `meta mark 0x00000008`), a TTL they compare.
  "ct mark set 0x00000007",
  "meta mark set 0x00000008",
  "ct mark set 0x00000007 meta mark set ct mark",
  "ip ttl set 63",
  // Only at prerouting and output; a no-op after conntrack (priority above -200).
  "notrack",
];

/** NAT rules by hook, over the lab's flows: each rewrites some of the scenarios' packets. */
const NAT_RULES: Record<string, readonly string[]> = {
  prerouting: [
    `tcp dport 8080 dnat ip to ${LAB.c2Ip}:80`,
    `ip daddr ${LAB.hostEthIp} tcp dport 8080 dnat ip to ${LAB.c1Ip}:80`,
    "tcp dport 8080 redirect to :8081",
    `icmp type echo-request ip daddr ${LAB.serverIp} dnat ip to ${LAB.c2Ip}`,
  ],
  output: [`ip daddr ${LAB.c1Ip} dnat ip to ${LAB.c2Ip}`],
  input: [`ip saddr ${LAB.wanEthIp} snat ip to ${LAB.wanEthIp}`],
  postrouting: [
    'oifname "eth0" masquerade',
    `oifname "eth0" snat ip to ${LAB.hostEthIp}`,
    `oifname "${LAB.bridge}" ip saddr != ${LAB.subnetCidr} snat ip to ${LAB.bridgeIp}`,
    `ip daddr ${LAB.serverIp} snat ip to ${LAB.hostEthIp}`,
  ],
};

/** Rejects, valid at the input, forward and output hooks. */
const REJECTS = [
  "reject",
  "reject with tcp reset",
  "reject with icmp type admin-prohibited",
  "reject with icmpx type host-unreachable",
];

/** Base chain hooks with priorities free in the lab (Docker's and the capture's chains use -301 ... 300). */
/** Verdict maps, keyed as users key theirs. */
const VMAPS = [
  `ip daddr vmap { ${LAB.serverIp} : accept, ${LAB.c2Ip} : drop }`,
  "meta l4proto vmap { icmp : continue, tcp : accept }",
  "ct state vmap { established : accept, related : accept, invalid : drop }",
  // A named verdict map, port ranges, a concatenated key, marks, ICMP types.
  "tcp dport vmap @ports",
  "tcp dport vmap { 80 : accept, 8080-8081 : drop }",
  `iifname . ip protocol vmap { "${LAB.bridge}" . icmp : accept, "eth0" . tcp : continue }`,
  "meta mark vmap { 0x00000001 : accept, 0x00000008 : drop }",
  "icmp type vmap { echo-request : accept, echo-reply : continue }",
];

const HOOKS = ["prerouting", "input", "forward", "output", "postrouting"] as const;
const PRIORITIES = [-250, -150, -50, -10, 10, 50, 150, 250];

/** A random `table inet NAME { ... }` (see the module comment). */
export function randomNftTable(seed: number, name = "fz"): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const users = Array.from({ length: Math.floor(r() * 3) }, (_, k) => `u${k}`);
  const bases: { hook: string; priority: number; policy: string; nat: boolean }[] = [];
  const used = new Set<string>();
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const hook = pick(HOOKS);
    const nat = hook !== "forward" && r() < 0.3;
    // The kernel refuses a NAT chain before conntrack (priority -200 and below).
    const priority = pick(nat ? PRIORITIES.filter((p) => p > -200) : PRIORITIES);
    if (used.has(`${hook} ${priority}`)) continue;
    used.add(`${hook} ${priority}`);
    bases.push({ hook, priority, policy: !nat && r() < 0.1 ? "drop" : "accept", nat });
  }
  // A user chain jumps only to later ones: no loop, which nft refuses.
  const rules = (chain: number, hook?: string): string[] =>
    Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
      const parts: string[] = [];
      let proto: string | undefined;
      for (let m = Math.floor(r() * 3); m > 0; m--) {
        const match = pick(MATCHES);
        // The kernel takes a fib on the input interface only where a chain sees one (see fib-hooks.ts).
        if (match.includes(". iif") && !(hook && /^(prerouting|input|forward)$/.test(hook))) continue;
        // nft refuses two protocols in one rule (`icmp type ...` after `tcp dport ...`).
        const p = protoOf(match);
        if (p && proto && p !== proto) continue;
        proto ??= p;
        parts.push(match);
      }
      if (r() < 0.3) {
        const statement = pick(STATEMENTS);
        // The MSS clamp is TCP's: not in a rule of another protocol. The kernel takes notrack only at
        // prerouting and output (a user chain may be reached from another hook).
        const fits =
          (!statement.startsWith("tcp ") || !proto || proto === "tcp") &&
          (statement !== "notrack" || /^(prerouting|output)$/.test(hook ?? ""));
        if (fits) parts.push(statement);
      }
      const later = users.slice(chain + 1);
      const v = r();
      if (later.length && v < 0.3) parts.push(`${r() < 0.7 ? "jump" : "goto"} ${pick(later)}`);
      else if (v < 0.4) parts.push("accept");
      else if (v < 0.47)
        parts.push(
          hook && /^(input|forward|output)$/.test(hook) && r() < 0.5
            ? // nft refuses a TCP reset in a rule of another protocol ("you cannot use tcp reset with this protocol").
              pick(REJECTS.filter((x) => !x.includes("tcp reset") || !proto || proto === "tcp"))
            : "drop",
        );
      else if (v < 0.55 && chain >= 0) parts.push("return");
      else if (v < 0.6) {
        // A verdict map jumping to a later chain, or one of VMAPS (of the rule's protocol, if it has one).
        const vmap =
          later.length && r() < 0.3
            ? `ip protocol vmap { icmp : jump ${pick(later)}, tcp : goto ${pick(later)} }`
            : pick(VMAPS);
        const p = protoOf(vmap);
        parts.push(!p || !proto || p === proto ? vmap : "counter");
      } else if (!parts.length) parts.push("counter");
      return parts.join(" ");
    });
  const out = [
    `table inet ${name} {`,
    // The named set the matches' `@near` reads: the bridge's subnet start and the WAN server.
    `\tset near {\n\t\ttype ipv4_addr; flags interval;\n\t\telements = { ${LAB.c1Ip}-${LAB.c2Ip}, ${LAB.serverIp} }\n\t}`,
    // `@svc`: an address (or subnet) and a port (or range); `@pairs`: source, destination, protocol.
    `\tset svc {\n\t\ttype ipv4_addr . inet_service; flags interval;\n\t\telements = { ${LAB.subnetCidr} . 80, ${LAB.serverIp} . 1-1024, ${LAB.hostEthIp} . 8080-8081 }\n\t}`,
    `\tset pairs {\n\t\ttype ipv4_addr . ipv4_addr . inet_proto;\n\t\telements = { ${LAB.c1Ip} . ${LAB.serverIp} . icmp, ${LAB.serverIp} . ${LAB.hostEthIp} . tcp, ${LAB.c1Ip} . ${LAB.bridgeIp} . icmp }\n\t}`,
    // The verdict map `tcp dport vmap @ports` reads.
    "\tmap ports {\n\t\ttype inet_service : verdict;\n\t\telements = { 80 : accept, 8080 : drop, 8081 : continue }\n\t}",
  ];
  for (const b of bases) {
    out.push(`\tchain ${b.hook}_${b.priority < 0 ? `m${-b.priority}` : b.priority} {`);
    out.push(
      `\t\ttype ${b.nat ? "nat" : "filter"} hook ${b.hook} priority ${b.priority}; policy ${b.policy};`,
    );
    const nat = NAT_RULES[b.hook] ?? [];
    // A NAT chain's rules: some matches, then a rewrite (nat chains see a connection's first packet only).
    if (b.nat)
      for (let n = 1 + Math.floor(r() * 2); n > 0; n--)
        out.push(
          `\t\t${r() < 0.3 ? `${pick(MATCHES.filter((m) => !/^(tcp|udp|icmp|ip protocol|meta l4proto)/.test(m) && !protoOf(m) && (!m.includes(". iif") || /^(prerouting|input)$/.test(b.hook))))} ` : ""}${pick(nat)}`,
        );
    else for (const rule of rules(-1, b.hook)) out.push(`\t\t${rule}`);
    out.push("\t}");
  }
  users.forEach((u, k) => {
    out.push(`\tchain ${u} {`);
    for (const rule of rules(k)) out.push(`\t\t${rule}`);
    out.push("\t}");
  });
  out.push("}");
  return `${out.join("\n")}\n`;
}
