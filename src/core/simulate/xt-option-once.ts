/**
 * An option given twice in one match (`-m hashlimit --hashlimit-upto 5/s --hashlimit-upto 6/s`):
 * iptables 1.8.9 refuses the rule ("hashlimit: option "--hashlimit-upto" can only be used once."),
 * checked for each module listed here; a second `-m` of the module starts a match of its own.
 */
import { IPTABLES_LONG } from "./xt-long-options.ts";

/** Modules whose options iptables-restore 1.8.9 was seen to take once each (a protocol's own options: {@link protoOptionTwice}; policy's: its reader). */
const ONCE = new Set(
  "addrtype ah bpf cgroup cluster comment connbytes connlimit connmark conntrack cpu devgroup dscp dst ecn esp frag hashlimit hbh helper hl icmp ipcomp iprange ipv6header ipvs length limit mac mark mh multiport nfacct osf owner physdev pkttype quota realm recent rt socket state statistic string tcpmss time tos ttl u32 udp".split(
    " ",
  ),
);

/** The names iptables reports an option by. */
const NAMED: Readonly<Record<string, string>> = {
  "--dports": "--destination-ports",
  "--sports": "--source-ports",
  "--dport": "--destination-port",
  "--sport": "--source-port",
  "--hashlimit": "--hashlimit-upto",
  "--ttl": "--ttl-eq",
};

const PORTS = ["--sport", "--source-port", "--dport", "--destination-port"];
/** Each protocol's own match (loaded by `-m` or, for an option no loaded match has, by `-p`) and its options. */
const PROTO_MATCH: Readonly<Record<string, readonly string[]>> = {
  tcp: [...PORTS, "--syn", "--tcp-flags", "--tcp-option"],
  udp: PORTS,
  sctp: [...PORTS, "--chunk-types"],
  dccp: [...PORTS, "--dccp-types", "--dccp-option"],
  icmp: ["--icmp-type"],
  icmp6: ["--icmpv6-type"],
};
/** The match `-p` loads for a protocol named as the rule reader names it. */
const PROTO_MODULE: Readonly<Record<string, string>> = { icmpv6: "icmp6", "ipv6-icmp": "icmp6" };
/** Options of a protocol's match, read by the latest match that has them whatever `-m` came last. */
const PROTO_OPTION = new Set(Object.values(PROTO_MATCH).flat());

/**
 * Records option `opt` of `-m module` in `seen` (the options of that match so far) and returns
 * iptables-restore's refusal when it was given before, or undefined.
 */
export function optionTwice(
  module: string | undefined,
  opt: string,
  seen: Set<string>,
): { message: string; hint: string } | undefined {
  if (!module || !ONCE.has(module) || !opt.startsWith("--") || IPTABLES_LONG.includes(opt)) return undefined;
  if (PROTO_OPTION.has(opt)) return undefined;
  const name = NAMED[opt] ?? opt;
  if (!seen.has(name)) {
    seen.add(name);
    return undefined;
  }
  return {
    message: `'${opt}' is given twice in one -m ${module}: iptables-restore refuses it ("${module}: option "${name}" can only be used once.")`,
    hint: "give it once: a second test needs a -m of its own",
  };
}

/** A match of the rule with the options given to it so far. */
export interface LoadedMatch {
  readonly module: string;
  /** Loaded by `-p` for an option no loaded match had (`-p tcp --dport 22`), not by `-m`. */
  readonly implicit: boolean;
  readonly seen: Set<string>;
}

/**
 * Records option `opt` of a protocol's match (`--dport`, `--syn`, `--icmp-type`) in the match that
 * reads it: the latest loaded one that has it (getopt puts a new match's options first), else the
 * match of the rule's `-p` (`proto`), loaded then into `loaded`. Returns iptables-restore's refusal
 * when that match was given it before: `-p tcp --dport 1 -m comment --comment x --dport 2` is
 * refused ("Only one `--destination-port' allowed"), `-p udp --dport 1 -m udp --dport 2` is taken.
 */
export function protoOptionTwice(
  loaded: LoadedMatch[],
  proto: string | undefined,
  opt: string,
): { message: string; hint: string } | undefined {
  if (!PROTO_OPTION.has(opt)) return undefined;
  let match = loaded.findLast((m) => PROTO_MATCH[m.module]?.includes(opt));
  if (!match) {
    const module = proto === undefined ? undefined : (PROTO_MODULE[proto] ?? proto);
    if (!module || !PROTO_MATCH[module]?.includes(opt)) return undefined;
    match = { module, implicit: true, seen: new Set() };
    loaded.push(match);
  }
  // tcp keeps one flag for --syn and --tcp-flags (--syn is --tcp-flags FIN,SYN,RST,ACK SYN).
  const name = opt === "--syn" ? "--tcp-flags" : (NAMED[opt] ?? opt);
  if (!match.seen.has(name)) {
    match.seen.add(name);
    return undefined;
  }
  const { module } = match;
  const said =
    name === "--tcp-flags"
      ? "Only one of `--syn' or `--tcp-flags'  allowed"
      : module === "tcp" || module === "sctp"
        ? `Only one \`${name}' allowed`
        : `${module}: option "${name}" can only be used once.`;
  const where = match.implicit ? `the ${module} match of the rule's -p` : `one -m ${module}`;
  return {
    message: `'${opt}' is given twice in ${where}: iptables-restore refuses it ("${said}")`,
    hint: PORTS.includes(opt)
      ? `give it once: for several ports write -m multiport ${name === "--source-port" ? "--sports" : "--dports"} a,b (or one rule each)`
      : name === "--tcp-flags"
        ? "give one of them: --syn is --tcp-flags FIN,SYN,RST,ACK SYN"
        : "give it once: a second test needs a -m of its own",
  };
}

/**
 * Options of a match or target that exclude each other, each group in the order iptables-restore
 * 1.8.9 names a pair (`-m recent --rcheck --set`: "recent: option "--set" cannot be used together
 * with "--rcheck"."), every pair of each group probed in both orders.
 */
const EXCLUSIVE: Readonly<Record<string, readonly (readonly string[])[]>> = {
  addrtype: [["--limit-iface-in", "--limit-iface-out"]],
  cluster: [["--cluster-local-node", "--cluster-local-nodemask"]],
  connlimit: [
    ["--connlimit-upto", "--connlimit-above"],
    ["--connlimit-saddr", "--connlimit-daddr"],
  ],
  dscp: [["--dscp", "--dscp-class"]],
  hashlimit: [["--hashlimit-upto", "--hashlimit-above"]],
  hl: [["--hl-lt", "--hl-gt", "--hl-eq"]],
  multiport: [["--source-ports", "--destination-ports", "--ports"]],
  recent: [["--set", "--rcheck", "--update", "--remove"]],
  statistic: [
    ["--probability", "--every"],
    ["--probability", "--packet"],
  ],
  string: [["--string", "--hex-string"]],
  time: [["--utc", "--kerneltz"]],
  ttl: [["--ttl-lt", "--ttl-gt", "--ttl-eq"]],
  MARK: [["--set-xmark", "--set-mark", "--and-mark", "--or-mark", "--xor-mark"]],
  CONNMARK: [
    ["--set-xmark", "--set-mark", "--and-mark", "--or-mark", "--xor-mark", "--save-mark", "--restore-mark"],
  ],
  TOS: [["--set-tos", "--and-tos", "--or-tos", "--xor-tos"]],
  DSCP: [["--set-dscp", "--set-dscp-class"]],
  NFLOG: [["--nflog-range", "--nflog-size"]],
  TTL: [["--ttl-set", "--ttl-dec", "--ttl-inc"]],
  HL: [["--hl-set", "--hl-dec", "--hl-inc"]],
};

/**
 * iptables-restore's refusal of option `opt` of `-m module` (or of target `module`, upper case),
 * just recorded in `seen`, when an option given before in that match excludes it (`--connlimit-upto 2
 * --connlimit-above 3`); undefined otherwise. The tool checks this once the whole rule is read.
 */
export function optionClash(
  module: string | undefined,
  opt: string,
  seen: ReadonlySet<string>,
): { message: string; hint: string } | undefined {
  const name = NAMED[opt] ?? opt;
  // The first group holding `name` with another of its options given (`--probability` is in two).
  const group = (module ? EXCLUSIVE[module] : undefined)?.find(
    (g) => g.includes(name) && g.some((o) => o !== name && seen.has(o)),
  );
  const other = group?.find((o) => o !== name && seen.has(o));
  if (!group || !other) return undefined;
  const [a, b] = group.indexOf(name) < group.indexOf(other) ? [name, other] : [other, name];
  const target = module === module?.toUpperCase();
  return {
    message: `'${opt}' cannot be given with '${other}' in one ${target ? "-j" : "-m"} ${module}: iptables-restore refuses it ("${module}: option "${a}" cannot be used together with "${b}".")`,
    hint: target
      ? `give one of ${group.join(", ")}: another change needs a rule of its own`
      : `give one of ${group.join(", ")}: a second test needs a -m of its own`,
  };
}
