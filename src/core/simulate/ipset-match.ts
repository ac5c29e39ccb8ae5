/**
 * iptables' `-m set`: reading its options, and looking a packet up in an ipset the way the
 * kernel's `ip_set_test` does (one flag per dimension, the set's family, the most specific
 * `hash:net` element, `nomatch` exceptions, `list:set` members in order).
 */
import { groupsValue, parseIpv6 } from "../parse/ipv6.ts";
import { addressInIpCidr } from "./ip-address.ts";
import { parseIpv4 } from "./ipv4.ts";
import type { MatchContext } from "./match-rule.ts";
import type { Condition, IpSet, IpSetDim, IpSetEntry, IpSetPart } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";
import type { Token } from "./tokenize-rule.ts";

/** What {@link readSetMatch} returns: the condition and the index after its options, or a positioned problem. */
export type SetMatchRead =
  | { ok: true; condition: Extract<Condition, { kind: "ipset" }>; next: number }
  | { ok: false; column: number; message: string; hint: string };

/** `-m set` options with a value, other than `--match-set` (counter comparisons). */
const COUNTER_OPTIONS = new Set([
  "--packets-eq",
  "--packets-lt",
  "--packets-gt",
  "--bytes-eq",
  "--bytes-lt",
  "--bytes-gt",
]);

/**
 * Reads the options of `-m set` from `tokens[at]` (the word after the module name): `[!] --match-set
 * NAME src|dst[,...]`, `--return-nomatch`, `! --update-counters`, `! --update-subcounters` and the
 * counter comparisons, up to the first word that is none of them.
 */
export function readSetMatch(tokens: readonly Token[], at: number, moduleColumn: number): SetMatchRead {
  let j = at;
  let name: string | undefined;
  let dirs: ("src" | "dst")[] = [];
  let neg = false;
  let returnNomatch = false;
  let counters = false;
  const parts = ["-m set"];
  while (j < tokens.length) {
    const bang = tokens[j]?.value === "!";
    const opt = tokens[bang ? j + 1 : j];
    if (!opt) break;
    const o = opt.value;
    if (o === "--match-set") {
      const n = tokens[bang ? j + 2 : j + 1];
      const f = tokens[bang ? j + 3 : j + 2];
      if (!n || !f || n.value.startsWith("-"))
        return {
          ok: false,
          column: opt.column,
          message: "--match-set needs a set name and flags",
          hint: "write e.g. -m set --match-set blocked src",
        };
      const flags = f.value.split(",");
      if (!flags.every((x) => x === "src" || x === "dst") || flags.length > 6)
        return {
          ok: false,
          column: f.column,
          message: `--match-set flags are src or dst, one per dimension, found '${f.value}'`,
          hint: "write e.g. src, or dst,dst for a hash:ip,port set",
        };
      name = n.value;
      dirs = flags as ("src" | "dst")[];
      neg = bang;
      parts.push(`${bang ? "! " : ""}--match-set ${n.value} ${f.value}`);
      j += bang ? 4 : 3;
    } else if (o === "--return-nomatch" || o === "--update-counters" || o === "--update-subcounters") {
      if (o === "--return-nomatch") returnNomatch = true;
      parts.push(`${bang ? "! " : ""}${o}`);
      j += bang ? 2 : 1;
    } else if (COUNTER_OPTIONS.has(o)) {
      const v = tokens[bang ? j + 2 : j + 1];
      if (!v)
        return { ok: false, column: opt.column, message: `${o} needs a number`, hint: `write e.g. ${o} 10` };
      counters = true;
      parts.push(`${bang ? "! " : ""}${o} ${v.value}`);
      j += bang ? 3 : 2;
    } else break;
  }
  if (name === undefined)
    return {
      ok: false,
      column: moduleColumn,
      message: "-m set needs --match-set NAME FLAGS",
      hint: "write e.g. -m set --match-set blocked src",
    };
  return {
    ok: true,
    condition: {
      kind: "ipset",
      name,
      dirs,
      returnNomatch,
      neg,
      text: parts.join(" "),
      ...(counters ? { counters } : {}),
    },
    next: j,
  };
}

/** An address as a number of its family (IPv6 as a bigint), for ranges. */
function addressValue(text: string): number | bigint | undefined {
  if (text.includes(":")) {
    const g = parseIpv6(text);
    return g ? groupsValue(g) : undefined;
  }
  return parseIpv4(text);
}

/** How specific a part is: a prefix's length (hash:net picks the longest), else the most. */
function specificity(part: IpSetPart): number {
  return part.kind === "addr" ? part.cidr.len : 128;
}

/** Whether `part` (of dimension `dim`) holds the packet's field that flag `dir` names. */
function partMatches(
  dim: IpSetDim,
  part: IpSetPart,
  dir: "src" | "dst",
  p: SimPacket,
  ctx: MatchContext,
): boolean {
  switch (part.kind) {
    case "addr":
      return addressInIpCidr(dir === "src" ? p.src : p.dst, part.cidr);
    case "range": {
      const [lo, hi, v] = [part.lo, part.hi, dir === "src" ? p.src : p.dst].map(addressValue);
      return (
        lo !== undefined &&
        hi !== undefined &&
        v !== undefined &&
        typeof lo === typeof v &&
        v >= lo &&
        v <= hi
      );
    }
    case "port": {
      if (part.proto !== p.proto) return false;
      if (part.proto === "icmp" || part.proto === "icmpv6")
        return p.icmpType === part.lo && (p.icmpCode ?? 0) === part.code;
      const port = dir === "src" ? p.sport : p.dport;
      return port !== undefined && port >= part.lo && port <= part.hi;
    }
    case "iface": {
      const name = part.physdev
        ? dir === "src"
          ? ctx.physIn
          : ctx.physOut
        : dir === "src"
          ? ctx.in
          : ctx.out;
      return name !== undefined && name === part.name;
    }
    case "mac": {
      const mac = dir === "src" ? p.macSrc : p.macDst;
      return mac !== undefined && mac.toLowerCase() === part.mac;
    }
    case "mark":
      return dim === "mark" && p.mark === part.value;
  }
}

/** Members of a `list:set` deeper than this are not followed (ipset forbids loops; a file may not). */
const MAX_LIST_DEPTH = 4;

/**
 * Whether the packet is in `set` under flags `dirs`, as `-m set --match-set` tests it (before `!`):
 * fewer flags than dimensions or a packet of the other family never match; of the elements that
 * hold the packet the most specific decides, and one marked `nomatch` does not match (with
 * `returnNomatch` the two answers swap). A `list:set` matches when one of its members does.
 */
export function ipsetMatches(
  set: IpSet,
  dirs: readonly ("src" | "dst")[],
  returnNomatch: boolean,
  p: SimPacket,
  ctx: MatchContext,
  sets: ReadonlyMap<string, IpSet>,
  depth = 0,
): boolean {
  if (set.members) {
    if (depth >= MAX_LIST_DEPTH) return false;
    return set.members.some((m) => {
      const member = sets.get(m);
      return member !== undefined && ipsetMatches(member, dirs, returnNomatch, p, ctx, sets, depth + 1);
    });
  }
  if (dirs.length < set.dims.length) return false;
  if (set.family !== undefined && set.family !== (p.v6 ? 6 : 4)) return false;
  let best: IpSetEntry | undefined;
  let bestScore = -1;
  for (const e of set.entries) {
    if (
      !e.parts.every((part, k) =>
        partMatches(set.dims[k] as IpSetDim, part, dirs[k] as "src" | "dst", p, ctx),
      )
    )
      continue;
    const score = e.parts.reduce((sum, part) => sum * 256 + specificity(part), 0);
    // Among equally specific elements a plain one wins: the kernel finds it whatever the order.
    if (score > bestScore || (score === bestScore && best?.nomatch && !e.nomatch)) {
      best = e;
      bestScore = score;
    }
  }
  if (!best) return false;
  return best.nomatch ? returnNomatch : !returnNomatch;
}
