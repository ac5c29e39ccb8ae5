/**
 * Where nft's `fib` expression may stand. nft_fib_validate refuses (Operation not supported) a fib
 * whose answer is an output interface (`oif`, `oifname`) or an address type looked up on the input
 * interface (`. iif type`) anywhere but prerouting, input and forward, and an address type looked up on
 * the output interface (`. oif type`) anywhere but forward, output and postrouting; `fib daddr type`
 * works at those five hooks, and no fib at an inet table's ingress hook. The kernel checks a regular
 * chain at every hook its base chains reach it from, through jumps, gotos and verdict maps; one no base
 * chain reaches is not checked. Recorded on kernel
 * 6.18 with nft 1.0.6, each form at each hook of an `ip` table, and through a jump and a verdict map.
 * `rt mtu` (the route's TCP MSS, nft_rt_validate) is checked the same way: forward, output and
 * postrouting only, where the packet has a route. A bridge or arp table has no fib at all (ENOENT).
 * `socket` and `tproxy` (nft_socket, nft_tproxy) are held to their hooks in a regular chain the same way
 * (nft 1.0.6 points at the base chain's jump; the reader says the expression, with the chain reaching it).
 */
import { chainExits } from "./jump-loops.ts";
import type { ChainDef, Rule, TableDef } from "./ruleset.ts";

/** A fib, `rt mtu`, `socket` or `tproxy` expression of a rule and the hooks it works at. */
export interface FibPlace {
  /** Which fib or `rt mtu` of the rule it is, from 0. */
  nth: number;
  /** The expression's words up to its result, e.g. `fib daddr oif`. */
  words: string;
  /** The hooks the kernel accepts it at. */
  hooks: readonly string[];
}

const INPUT_SIDE = ["prerouting", "input", "forward"] as const;
const OUTPUT_SIDE = ["forward", "output", "postrouting"] as const;
const IP_HOOKS = ["prerouting", "input", "forward", "output", "postrouting"] as const;

/** `fib FLAG [. FLAG]... oif|oifname|type`, the flags (`saddr`, `daddr`, `iif`, `oif`, `mark`) in any order, as nft takes them. */
const FIB =
  /\bfib\s+((?:saddr|daddr|iif|oif|mark)(?:\s*\.\s*(?:saddr|daddr|iif|oif|mark))*)\s+(oif|oifname|type)\b/g;

/** `rt mtu`: the MSS of the packet's route, which exists only once it is routed. */
const RT_MTU = /\brt\s+mtu\b/g;

/** `socket` (a local socket, met at prerouting, input and output) and `tproxy` (prerouting only). */
const SOCKET = /(?<![\w@$-])(socket|tproxy)(?![\w-])/g;

/**
 * The fib and `rt mtu` expressions of `text` (not those inside a quoted string), in the order they
 * stand, each with the hooks the kernel accepts it at.
 */
export function fibPlaces(text: string): FibPlace[] {
  // A comment or a set element may say `fib`: strings are blanked, keeping the offsets.
  const words = text.replace(/"[^"]*"/g, (q) => " ".repeat(q.length));
  const fibs = [...words.matchAll(FIB)].map((m) => {
    const flags = m[1] ?? "";
    const hooks =
      m[2] !== "type" || /\biif\b/.test(flags) ? INPUT_SIDE : /\boif\b/.test(flags) ? OUTPUT_SIDE : IP_HOOKS;
    return { index: m.index, words: m[0].replace(/\s+/g, " "), hooks };
  });
  const mtus = [...words.matchAll(RT_MTU)].map((m) => ({
    index: m.index,
    words: "rt mtu",
    hooks: OUTPUT_SIDE,
  }));
  const sockets = [...words.matchAll(SOCKET)].map((m) => ({
    index: m.index,
    words: m[0],
    hooks: m[0] === "tproxy" ? ["prerouting"] : ["prerouting", "input", "output"],
  }));
  return [...fibs, ...mtus, ...sockets]
    .sort((a, b) => a.index - b.index)
    .map(({ words, hooks }, nth) => ({ nth, words, hooks }));
}

/**
 * For each chain of `table` a base chain reaches (itself included), the hooks it is reached from and,
 * per hook, the first base chain found reaching it there.
 */
export function hooksReaching(table: TableDef): Map<string, Map<string, string>> {
  const reached = new Map<string, Map<string, string>>();
  for (const base of table.chains.values()) {
    const hook = base.base?.hook;
    if (!hook) continue;
    const todo: ChainDef[] = [base];
    for (let chain = todo.pop(); chain; chain = todo.pop()) {
      const hooks = reached.get(chain.name) ?? new Map<string, string>();
      if (hooks.has(hook)) continue;
      hooks.set(hook, base.name);
      reached.set(chain.name, hooks);
      for (const { to } of chainExits(chain, table)) {
        const next = table.chains.get(to);
        if (next) todo.push(next);
      }
    }
  }
  return reached;
}

/** A fib a base chain reaches from a hook the kernel refuses it at. */
export interface FibProblem {
  rule: Rule;
  /** Which fib or `rt mtu` of the rule it is, from 0 (the reader knows where each one stands). */
  nth: number;
  message: string;
  hint: string;
}

/** The fib expressions of `table`'s rules that the kernel refuses where they stand (see the module comment). */
export function fibHookProblems(table: TableDef): FibProblem[] {
  const problems: FibProblem[] = [];
  // No fib for a bridge's or ARP's packets: the kernel refuses it in any chain of those tables.
  if (table.family === "bridge" || table.family === "arp")
    for (const chain of table.chains.values())
      for (const rule of chain.rules)
        for (const fib of fibPlaces(rule.text))
          if (fib.words.startsWith("fib"))
            problems.push({
              rule,
              nth: fib.nth,
              message: `'${fib.words}' in an nft ${table.family} table: the kernel has no fib lookup for its packets and refuses the rule (nft: "Could not process rule: No such file or directory")`,
              hint: "look routes up in an ip, ip6 or inet table",
            });
  if (!["ip", "ip6", "inet"].includes(table.family ?? "ip")) return problems;
  let reached: Map<string, Map<string, string>> | undefined;
  for (const chain of table.chains.values())
    for (const rule of chain.rules)
      for (const fib of fibPlaces(rule.text)) {
        reached ??= hooksReaching(table);
        const wrong = [...(reached.get(chain.name) ?? [])].find(([hook]) => !fib.hooks.includes(hook));
        // A base chain's socket or tproxy is said by the rule reader (nft-hook-support.ts).
        if (!wrong || (chain.base && !fib.words.includes(" "))) continue;
        const [hook, base] = wrong;
        const where =
          base === chain.name
            ? `chain ${chain.name} is at the ${hook} hook`
            : `chain ${chain.name} is reached from chain ${base} at the ${hook} hook`;
        problems.push({
          rule,
          nth: fib.nth,
          message: `'${fib.words}' works only in ${fib.hooks.length > 1 ? `${fib.hooks.slice(0, -1).join(", ")} and ` : ""}${fib.hooks.at(-1)} chains, and ${where}`,
          hint: `the kernel refuses the ruleset (Operation not supported): move the rule to a chain at one of those hooks${
            // A route's MSS exists once the packet is routed: clamping is done in forward or output.
            fib.words === "rt mtu"
              ? ", e.g. clamp the MSS in forward ('tcp option maxseg size set rt mtu')"
              : ""
          }${
            // Only an address type has a form that works everywhere; a route's interface has none.
            / type$/.test(fib.words) && fib.hooks !== IP_HOOKS
              ? ", or look the type up without an interface ('fib daddr type'), which works at all five IP hooks"
              : ""
          }`,
        });
      }
  return problems;
}
