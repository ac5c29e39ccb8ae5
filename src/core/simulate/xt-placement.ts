/**
 * Where the kernel takes an iptables extension: x_tables checks each match and target against the
 * table and the hooks its rule can run at (`.table`, `.hooks` and the extensions' own checkentry), and
 * iptables-restore fails with "RULE_APPEND failed (Invalid argument)" otherwise. A rule of a user chain
 * runs at every hook whose built-in chain reaches it by jumps: iptables-nft refuses the rule, or the
 * jump that makes it reachable, whichever comes second (each checked on kernel 6.18 with iptables-nft
 * 1.8.9). NAT targets, REJECT's table, `CT` and the owner match of a built-in chain are checked by the
 * save reader itself; this module holds the rest and the hooks of user chains.
 */
import type { Condition, Rule, TableDef, Target } from "./ruleset.ts";

/** One kernel restriction a rule's extension puts on where the rule sits. */
export interface Placement {
  /** How the message names it: `target CLASSIFY`, `match socket`, `--physdev-out`. */
  what: string;
  /** The words the problem is said at (the first found in the rule). */
  options: readonly string[];
  /** The tables it is registered for; undefined: any. */
  tables?: readonly string[];
  /** The built-in chains (hooks) it may run at; undefined: any. */
  hooks?: readonly string[];
  /** What to write instead. */
  hint: string;
}

/** Targets registered for one table (and some hooks), by name as written after `-j`. */
const TARGETS: Readonly<Record<string, Omit<Placement, "what" | "options">>> = {
  TTL: { tables: ["mangle"], hint: "put the rule in *mangle (the kernel registers TTL there alone)" },
  HL: { tables: ["mangle"], hint: "put the rule in *mangle (the kernel registers HL there alone)" },
  TOS: { tables: ["mangle"], hint: "put the rule in *mangle (the kernel registers TOS there alone)" },
  DSCP: { tables: ["mangle"], hint: "put the rule in *mangle (the kernel registers DSCP there alone)" },
  ECN: { tables: ["mangle"], hint: "put the rule in *mangle (the kernel registers ECN there alone)" },
  CHECKSUM: { tables: ["mangle"], hint: "put the rule in *mangle, in POSTROUTING as the guides do" },
  TCPOPTSTRIP: {
    tables: ["mangle"],
    hint: "put the rule in *mangle (the kernel registers TCPOPTSTRIP there alone)",
  },
  SECMARK: { tables: ["mangle", "security"], hint: "put the rule in *security (or *mangle)" },
  CONNSECMARK: { tables: ["mangle", "security"], hint: "put the rule in *security (or *mangle)" },
  CLASSIFY: {
    tables: ["mangle"],
    hooks: ["OUTPUT", "FORWARD", "POSTROUTING"],
    hint: "classify a packet on its way out: *mangle POSTROUTING (or OUTPUT, FORWARD)",
  },
  TPROXY: {
    tables: ["mangle"],
    hooks: ["PREROUTING"],
    hint: "put the rule in *mangle PREROUTING, where a packet is taken before routing",
  },
  SYNPROXY: {
    hooks: ["INPUT", "FORWARD"],
    hint: "put the rule in INPUT (the host's own services) or FORWARD, after a raw rule that marks the SYNs NOTRACK",
  },
};

/** Matches registered for some tables or hooks, by `-m` module: the option that selects the check, if one. */
const MATCHES: readonly (Omit<Placement, "options"> & { module: string; options: readonly string[] })[] = [
  {
    module: "rpfilter",
    what: "match rpfilter",
    options: ["rpfilter"],
    tables: ["raw", "mangle"],
    hooks: ["PREROUTING"],
    hint: "put the rule in *raw PREROUTING (or *mangle PREROUTING): the reverse path is checked as a packet comes in",
  },
  {
    module: "mac",
    what: "match mac",
    options: ["--mac-source"],
    hooks: ["PREROUTING", "INPUT", "FORWARD"],
    hint: "match a frame's source MAC where it came in: PREROUTING, INPUT or FORWARD",
  },
  {
    module: "socket",
    what: "match socket",
    options: ["socket"],
    hooks: ["PREROUTING", "INPUT"],
    hint: "look a packet's socket up as it comes in: PREROUTING (mangle, as TPROXY setups do) or INPUT",
  },
  {
    module: "owner",
    what: "match owner",
    options: ["--uid-owner", "--gid-owner", "--socket-exists", "--suppl-groups"],
    hooks: ["OUTPUT", "POSTROUTING"],
    hint: "match a packet's sending user in OUTPUT (or POSTROUTING); a packet that comes in has no socket yet",
  },
];

/** The hooks where a packet has an input device, and those where it has an output device. */
const HAS_IN = ["PREROUTING", "INPUT", "FORWARD"];
const HAS_OUT = ["FORWARD", "OUTPUT", "POSTROUTING"];

/** Match options that read a device the packet may not have yet (addrtype's and devgroup's). */
const DEVICE_OPTIONS: readonly { module: string; option: string; hooks: readonly string[]; hint: string }[] =
  [
    {
      module: "addrtype",
      option: "--limit-iface-in",
      hooks: HAS_IN,
      hint: "a packet has an input device in PREROUTING, INPUT and FORWARD; use --limit-iface-out on the way out",
    },
    {
      module: "addrtype",
      option: "--limit-iface-out",
      hooks: HAS_OUT,
      hint: "a packet has an output device in FORWARD, OUTPUT and POSTROUTING; use --limit-iface-in on the way in",
    },
    {
      module: "devgroup",
      option: "--src-group",
      hooks: HAS_IN,
      hint: "a packet has an input device in PREROUTING, INPUT and FORWARD",
    },
    {
      module: "devgroup",
      option: "--dst-group",
      hooks: HAS_OUT,
      hint: "a packet has an output device in FORWARD, OUTPUT and POSTROUTING",
    },
  ];

/** The option `-m module` of the rule written `words`, with the options after it up to the next `-m` or `-j`. */
function moduleOptions(words: readonly string[], module: string): string[] | undefined {
  for (let k = 0; k < words.length; k++) {
    if ((words[k] !== "-m" && words[k] !== "--match") || words[k + 1] !== module) continue;
    const out: string[] = [];
    for (let j = k + 2; j < words.length; j++) {
      const w = words[j] as string;
      if (w === "-m" || w === "--match" || w === "-j" || w === "--jump" || w === "-g" || w === "--goto")
        break;
      out.push(w);
    }
    return out;
  }
  return undefined;
}

/** The target's name as written after `-j` (`CT`, `HL`, `DSCP`), or undefined. */
export function writtenTarget(words: readonly string[]): string | undefined {
  const k = words.findIndex((w) => w === "-j" || w === "--jump");
  return k < 0 ? undefined : words[k + 1];
}

/**
 * The placement restrictions of the rule written `words` (its tokens' values) that the save reader does
 * not check itself: targets registered for one table or some hooks, the matches rpfilter, mac, socket,
 * owner, addrtype's `--limit-iface-in|out`, devgroup's groups, physdev's output port, and TCPMSS's
 * `--clamp-mss-to-pmtu`.
 */
export function placements(words: readonly string[]): Placement[] {
  const out: Placement[] = [];
  const target = writtenTarget(words);
  const t = target ? TARGETS[target] : undefined;
  if (target && t) out.push({ what: `target ${target}`, options: ["-j", "--jump"], ...t });
  // Given with --set-mss, the later of the two is the rule's: the kernel sees a clamp only if it is last.
  if (target === "TCPMSS" && words.lastIndexOf("--clamp-mss-to-pmtu") > words.lastIndexOf("--set-mss"))
    out.push({
      what: "TCPMSS --clamp-mss-to-pmtu",
      options: ["--clamp-mss-to-pmtu"],
      hooks: ["FORWARD", "OUTPUT", "POSTROUTING"],
      hint: "clamp where the output route is known: FORWARD (a router's usual place), OUTPUT or POSTROUTING; or write --set-mss N",
    });
  for (const m of MATCHES) {
    const opts = moduleOptions(words, m.module);
    if (opts) out.push({ what: m.what, options: m.options, hint: m.hint, ...pick(m) });
  }
  for (const d of DEVICE_OPTIONS)
    if (moduleOptions(words, d.module)?.includes(d.option))
      out.push({
        what: `${d.module} ${d.option}`,
        options: [d.option],
        hooks: d.hooks,
        hint: d.hint,
      });
  const physdev = moduleOptions(words, "physdev");
  // xt_physdev refuses an output port at LOCAL_OUT alone, unless the rule also asks for a bridged packet.
  if (
    physdev &&
    (physdev.includes("--physdev-out") || physdev.includes("--physdev-is-out")) &&
    !physdev.some((w, k) => w === "--physdev-is-bridged" && physdev[k - 1] !== "!")
  )
    out.push({
      what: physdev.includes("--physdev-out") ? "--physdev-out" : "--physdev-is-out",
      options: ["--physdev-out", "--physdev-is-out"],
      hooks: ["PREROUTING", "INPUT", "FORWARD", "POSTROUTING"],
      hint: "a packet the host sends has no bridge port yet in OUTPUT: match it in FORWARD or POSTROUTING, or add --physdev-is-bridged",
    });
  return out;
}

/** A match's table and hook lists, without its other fields. */
function pick(m: {
  tables?: readonly string[];
  hooks?: readonly string[];
}): Pick<Placement, "tables" | "hooks"> {
  return { ...(m.tables ? { tables: m.tables } : {}), ...(m.hooks ? { hooks: m.hooks } : {}) };
}

/** `a`, `a and b`, `a, b and c`. */
function listed(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** Where `p` may stand, said: `the mangle table's OUTPUT, FORWARD and POSTROUTING`, `PREROUTING and INPUT`. */
export function placeText(p: Pick<Placement, "tables" | "hooks">): string {
  const tables = p.tables ? `the ${listed(p.tables)} ${p.tables.length > 1 ? "tables" : "table"}` : undefined;
  if (tables && p.hooks) return `${tables}${p.tables && p.tables.length > 1 ? "'" : "'s"} ${listed(p.hooks)}`;
  return tables ?? listed(p.hooks ?? []);
}

/** The kernel's refusal, said: `<what> is only valid in <place>, not in <table> <chain><via>: ...`. */
export function placementMessage(p: Placement, table: string, chain: string, via = ""): string {
  return `${p.what} is only valid in ${placeText(p)}, not in ${table} ${chain}${via}: the kernel refuses it (iptables-restore: "RULE_APPEND failed (Invalid argument)")`;
}

/**
 * The first restriction of `list` that table `table` breaks, or that built-in chain `hook` breaks
 * (undefined `hook`: a user chain, whose hooks are checked once the table is read).
 */
export function brokenPlacement(
  list: readonly Placement[],
  table: string,
  hook: string | undefined,
): Placement | undefined {
  return list.find(
    (p) => (p.tables && !p.tables.includes(table)) || (hook && p.hooks && !p.hooks.includes(hook)),
  );
}

/**
 * The built-in chains of `table` that reach each user chain by jumps and gotos, each with the line of
 * the rule that first jumps on the way (what the message names).
 */
export function reachingHooks(
  table: TableDef,
  builtins: readonly string[],
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const hook of builtins) {
    const start = table.chains.get(hook);
    if (!start) continue;
    const queue: { chain: string; line: number }[] = [];
    const visit = (rules: readonly Rule[], line: number | undefined) => {
      for (const r of rules) {
        const t: Target = r.target;
        if (t.kind !== "jump" && t.kind !== "goto") continue;
        if (builtins.includes(t.chain)) continue;
        const seen = out.get(t.chain) ?? new Map<string, number>();
        out.set(t.chain, seen);
        if (seen.has(hook)) continue;
        const at = line ?? r.line;
        seen.set(hook, at);
        queue.push({ chain: t.chain, line: at });
      }
    };
    visit(start.rules, undefined);
    for (let q = queue.shift(); q; q = queue.shift()) visit(table.chains.get(q.chain)?.rules ?? [], q.line);
  }
  return out;
}

/**
 * The protocol a target needs its rule to match, when the rule's `-p` does not give it: REJECT's
 * `--reject-with tcp-reset`, SYNPROXY and TCPMSS need `-p tcp`, TPROXY `-p tcp` or `-p udp` (their
 * checkentry refuses any other, and an inverted `! -p tcp`).
 */
export function missingProtocol(
  words: readonly string[],
  conditions: readonly Condition[],
  target: Target,
): { what: string; needs: string; option: string; hint: string } | undefined {
  const name = writtenTarget(words);
  const protos = conditions.flatMap((c) => (c.kind === "proto" && !c.neg ? [c.proto] : []));
  const tcp = protos.includes("tcp");
  if (target.kind === "REJECT" && target.with?.startsWith("tcp-") && !tcp)
    return {
      what: "--reject-with tcp-reset",
      needs: "-p tcp",
      option: "--reject-with",
      hint: "add -p tcp to the rule, and reject other protocols with an ICMP error in a rule of their own (--reject-with icmp-port-unreachable)",
    };
  if ((name === "SYNPROXY" || name === "TCPMSS") && !tcp)
    return {
      what: `target ${name}`,
      needs: "-p tcp",
      option: "-j",
      hint:
        name === "TCPMSS"
          ? "write -p tcp --tcp-flags SYN,RST SYN before -j TCPMSS"
          : "write -p tcp before -j SYNPROXY",
    };
  if (name === "TPROXY" && !tcp && !protos.includes("udp"))
    return {
      what: "target TPROXY",
      needs: "-p tcp or -p udp",
      option: "-j",
      hint: "write -p tcp (or -p udp) before -j TPROXY, one rule per protocol",
    };
  return undefined;
}

/** The kernel's refusal of a target for the rule's protocol, said. */
export function missingProtocolMessage(m: { what: string; needs: string }): string {
  return `${m.what} needs a rule of ${m.needs}: the kernel refuses it for any other protocol (iptables-restore: "RULE_APPEND failed (Invalid argument)")`;
}
