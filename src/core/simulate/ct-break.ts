/**
 * nftables' break on a packet with no connection. nft_ct loads every key but `state` (the mark, the
 * zone, the helper, the direction, the status, the expiration, a tuple field, the byte count, a label)
 * from the packet's conntrack entry; a packet without one (untracked by `notrack`, not looked up yet at
 * a chain before priority -200, found invalid, or carrying only a zone template) ends the rule there
 * with NFT_BREAK: the rule does not match, whatever its `!=`, and nothing written after that expression
 * runs, while the statements written before it have acted. `ct count` (nft_connlimit) and `ct ... set`
 * statements (nft_ct_set_eval does nothing without a connection) do not break. Checked on kernel 6.18
 * with counters before and after each expression (see test/fixtures/simulate/nft-ct-break).
 */
import type { MatchContext } from "./match-rule.ts";
import type { Condition, CtAddrKey, NftKey, Target } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";

/** The connection's addresses as nft keys (`ct original ip saddr`, ..., `ct reply ip6 daddr`). */
export const CT_ADDR_KEYS = ["original", "reply"].flatMap((dir) =>
  ["ip", "ip6"].flatMap((ip) => ["saddr", "daddr"].map((f) => `ct ${dir} ${ip} ${f}` as CtAddrKey)),
);

/** The nft keys read from the packet's connection entry (`ct state` is not: it reads untracked or invalid). */
export const CT_ENTRY_KEYS: ReadonlySet<NftKey> = new Set([
  "ct mark",
  "ct zone",
  "ct original zone",
  "ct reply zone",
  "ct direction",
  "ct protocol",
  "ct l3proto",
  "ct helper",
  ...CT_ADDR_KEYS,
]);

/** `ct` keys that never break the rule: the state (read without a connection) and nft_connlimit's count. */
const NO_BREAK = new Set(["state", "count"]);

/**
 * Whether `p` has no connection nft_ct could read at this hook: untracked, not looked up yet or
 * invalid (its state reads so), or given only a zone template (kernel 6.18 broke `meta mark set ct
 * mark` and `ct mark != 5` after `ct zone set 1`). False where the context cannot tell (a LOG line's
 * step whose state is not known): then nothing is decided by it.
 */
export function noConnection(p: SimPacket, ctx: MatchContext): boolean {
  if (p.untracked) return true;
  if (p.ct) return false;
  return p.ctZone !== undefined || ctx.ctState === "INVALID" || ctx.ctState === "UNTRACKED";
}

/**
 * Whether xt_conntrack finds no connection on `p`: untracked, or not looked up yet or invalid (its state
 * reads so). A packet given only a zone template is not taken for one (not checked on the kernel for xt).
 */
export function xtWithoutConnection(p: SimPacket, ctx: MatchContext): boolean {
  if (p.untracked) return true;
  return !p.ct && !p.ctZone && (ctx.ctState === "INVALID" || ctx.ctState === "UNTRACKED");
}

/**
 * The first `ct` expression in nft words `text` that loads a value from the connection (`ct helper`
 * in `ct helper != "ftp"`, `ct mark` in `meta mark set ct mark and 0xff`), as written; undefined when
 * there is none (`ct state`, `ct count over 2`, the head of `ct mark set 0x1`).
 */
export function ctLoadWords(text: string): string | undefined {
  const words = text.split(/\s+/);
  for (let k = 0; k < words.length; k++) {
    if (words[k] !== "ct") continue;
    let j = k + 1;
    if (words[j] === "original" || words[j] === "reply") j++;
    if (words[j] === "ip" || words[j] === "ip6") j++;
    const key = words[j];
    if (key === undefined || NO_BREAK.has(key) || !/^[a-z][a-z0-9-]*$/.test(key)) continue;
    // `ct mark set ...`, `ct helper set "ftp"`: a statement that writes, it loads nothing itself; so is
    // a JSON statement the JSON reader keeps by its key (`... (json)`).
    if (words[j + 1] === "set" || words[j + 1] === "(json)") continue;
    // `ct status ! assured`: nft's print of iptables-nft's xt_conntrack, which does not break the rule.
    if (words[j + 1] === "!") continue;
    return words.slice(k, j + 1).join(" ");
  }
  return undefined;
}

/** The `ct` expression condition `c` loads from the connection (`ct mark`, `ct original ip saddr`), or undefined when it loads none. */
export function conditionLoad(c: Condition): string | undefined {
  switch (c.kind) {
    case "ctmark":
      return "ct mark";
    // iptables' --ctstatus (an xt match in an iptables-nft table) fails instead.
    case "ctstatus":
      return c.xt ? undefined : "ct status";
    case "ct-tuple": {
      // nft's print of iptables-nft's xt_conntrack (see the condition's `xt`): no nft_ct to break.
      if (c.xt) return undefined;
      const field = { src: "saddr", dst: "daddr", sport: "proto-src", dport: "proto-dst" }[c.field];
      const ip = c.cidr ? ("v6" in c.cidr ? "ip6 " : "ip ") : "";
      return `ct ${c.dir === "orig" ? "original" : "reply"} ${ip}${field}`;
    }
    case "nft-set":
      return (c.concat ?? [c.key]).find((k) => CT_ENTRY_KEYS.has(k));
    case "unknown":
      return c.xt ? undefined : ctLoadWords(c.text);
    default:
      return undefined;
  }
}

/**
 * The `ct` expression at which nft abandons a rule at condition `c` for `p` (`ct mark`, `ct helper`),
 * or undefined when `c` loads nothing from a connection or `p` has one. Only for nftables rules:
 * iptables' matches fail instead (xt_connmark, xt_conntrack's tuple checks), which the matches model.
 */
export function conditionBreak(c: Condition, p: SimPacket, ctx: MatchContext): string | undefined {
  const load = conditionLoad(c);
  return load !== undefined && noConnection(p, ctx) ? load : undefined;
}

/**
 * The `ct` expression at which nft abandons a rule at statement `t` for `p`: a value read from the
 * connection's mark (`meta mark set ct mark`, `ct mark set ct mark or 0x1`, see `CONNMARK.fromCt`).
 */
export function effectBreak(t: Target, p: SimPacket, ctx: MatchContext): string | undefined {
  return t.kind === "CONNMARK" && t.fromCt && noConnection(p, ctx) ? "ct mark" : undefined;
}

/** The `ct` key among a map's keys (`ct mark vmap { ... }`) at which nft abandons the rule for `p`. */
export function keysBreak(keys: readonly NftKey[], p: SimPacket, ctx: MatchContext): string | undefined {
  const load = keys.find((k) => CT_ENTRY_KEYS.has(k));
  return load !== undefined && noConnection(p, ctx) ? load : undefined;
}

/**
 * A packet note for a rule the kernel abandoned at hook `hook` (`ip:t:input`): which rule, at which
 * expression, and why, for the simulator's readers (a TRACE shows no line for such a rule).
 */
export function breakNote(
  hook: string,
  b: { chain: string; line: number; text: string; at: string },
  file?: string,
): string {
  return `rule at line ${b.line}${file ? ` of ${file}` : ""} (${hook}, chain ${b.chain}: ${b.text}) abandoned at '${b.at}': the packet has no connection (untracked, not looked up by conntrack yet, invalid, or given only a zone template), so the rule did not match and nothing written after '${b.at}' ran; the statements before it had acted`;
}
