/**
 * Rules nft refuses for their words alone, which the rule reader would otherwise take or only call
 * unmodelled: a `log` statement with `group` (a netlink log) and `flags` or `level` (a kernel log line's
 * options: "flags and group are mutually exclusive"), and `ip exthdr` or `ip6 exthdr` (the extension
 * header expression is `exthdr frag` alone: "syntax error, unexpected exthdr"), a limit's unit, zero
 * rate or zero packet burst, a mark with a prefix length, and queue flags where nft's grammar has none.
 * Each was checked with nft 1.0.6 (`nft -f` in a fresh namespace), message and column.
 */
import { isNftKeyword } from "./nft-reserved-names.ts";
import type { NftToken } from "./tokenize-nft.ts";

/** A refusal, positioned at the token nft points at. */
export interface GrammarRefusal {
  at: NftToken;
  message: string;
  hint: string;
}

/** The options of nft's `log` statement. */
const LOG_OPTIONS = new Set(["prefix", "level", "group", "snaplen", "queue-threshold", "flags"]);

/** The words of `log flags`' list (`flags tcp sequence,options`, `flags all`). */
const FLAG_WORDS = new Set(["all", "tcp", "ip", "sequence", "options", "skuid", "ether", ","]);

/** The options of the `log` statement at `words[k]`, by name, each with its token. */
function logOptions(words: readonly NftToken[], k: number): Map<string, NftToken> {
  const out = new Map<string, NftToken>();
  let value = false;
  // Inside `flags`' list: its words, and a comma before the next (`flags tcp sequence,options`).
  let flags = false;
  for (let j = k + 1; j < words.length; j++) {
    const w = words[j] as NftToken;
    if (value) {
      value = false;
      continue;
    }
    if (w.type === "word" && LOG_OPTIONS.has(w.value)) {
      out.set(w.value, w);
      flags = w.value === "flags";
      value = !flags;
      continue;
    }
    if (!flags || !FLAG_WORDS.has(w.value)) break;
  }
  return out;
}

/** The values compared after `words[k]`: one (after `==` or `!=`), or those of `{ a, b }`. */
function comparedValues(words: readonly NftToken[], k: number): NftToken[] {
  let at = words[k]?.value === "==" || words[k]?.value === "!=" ? k + 1 : k;
  if (words[at]?.value !== "{") return words[at] ? [words[at] as NftToken] : [];
  const out: NftToken[] = [];
  for (at++; words[at] && words[at]?.value !== "}"; at++)
    if ((words[at] as NftToken).value !== "," && (words[at] as NftToken).type !== "nl")
      out.push(words[at] as NftToken);
  return out;
}

/** The time units of nft's `limit rate N/UNIT`. */
const LIMIT_UNITS = new Set(["second", "minute", "hour", "day", "week"]);

/** A refusal of `what` at `at`, nft's words `said` quoted. */
const refusal = (at: NftToken, what: string, said: string, hint: string): GrammarRefusal => ({
  at,
  message: `${what}: nft refuses it ("${said}")`,
  hint,
});

/** nft's refusal of the `limit rate` at `words[k]`: an unknown unit, a rate of 0, a packet burst of 0. */
function limitRefusal(words: readonly NftToken[], k: number): GrammarRefusal | undefined {
  let j = k + (words[k + 2]?.value === "over" ? 3 : 2);
  const rate = words[j] as NftToken;
  // The unit follows the slash: `10/second`, `10 kbytes/second`, `10 / second`.
  for (; j < k + 7 && words[j] && !words[j]?.value.includes("/"); j++);
  const w = words[j];
  const slash = w?.value.indexOf("/") ?? -1;
  if (!w || slash < 0) return undefined;
  const unit =
    slash === w.value.length - 1
      ? words[j + 1]
      : { ...w, value: w.value.slice(slash + 1), column: w.column + slash + 1 };
  if (unit && !LIMIT_UNITS.has(unit.value))
    return refusal(
      unit,
      `'${unit.value}' is not a time unit`,
      "syntax error, unexpected string",
      "write second, minute, hour, day or week",
    );
  if (Number.parseInt(rate.value, 10) === 0)
    return refusal(
      words[0] as NftToken,
      "'limit rate 0' passes no packet",
      "Could not process rule: Invalid argument",
      "write a rate of 1 or more",
    );
  const burst = words.findIndex((b, n) => n > j && n < j + 3 && b.value === "burst");
  return burst > 0 && words[burst + 1]?.value === "0" && words[burst + 2]?.value === "packets"
    ? refusal(
        words[burst] as NftToken,
        "'burst 0 packets' passes no packet",
        "packet limit burst must be > 0",
        "write a burst of 1 or more",
      )
    : undefined;
}

/** nft's refusal of the mark after `words[k]` (`meta mark`, `ct mark`) with a prefix length (`0x10/28`, `0x1 / 0xff`). */
function markPrefixRefusal(words: readonly NftToken[], k: number): GrammarRefusal | undefined {
  const set = words[k + 1]?.value === "set";
  const at = k + (set || /^(==|!=|eq|ne)$/.test(words[k + 1]?.value ?? "") ? 2 : 1);
  const v = words[at];
  if (v?.type !== "word") return undefined;
  const slash = v.value.indexOf("/");
  const length =
    slash > 0 ? v.value.slice(slash + 1) : words[at + 1]?.value === "/" ? words[at + 2]?.value : undefined;
  if (length === undefined) return undefined;
  const written = `${v.value}${slash > 0 ? "" : ` / ${length}`}`;
  const hint =
    "mask the bits instead: 'meta mark and 0xff == 0x1', 'meta mark set meta mark and 0xff00 or 0x1'";
  // Past 32 bits nft says so first; a prefix it takes is a match's only.
  const bits = Number(length);
  return !(bits <= 32)
    ? refusal(
        v,
        `'${written}': a mark has 32 bits, and nft reads '/' as a prefix length`,
        `Prefix length ${Number.isNaN(bits) ? length : bits} is invalid for type of 32 bits width`,
        hint,
      )
    : set
      ? refusal(
          v,
          `'mark set ${written}': a mark is set to a value, not a prefix`,
          "BUG: unknown expression type range",
          hint,
        )
      : undefined;
}

/** Words of nft's queue statement before its number: the flags and how they are given. */
const QUEUE_FLAGS = new Set(["bypass", "fanout", ","]);

/**
 * nft's refusal of the `queue` at `words[k]`: flags after `to N` or after `flags ... num N` (only the
 * older `queue num N bypass` takes them there), bare flags before `to`, and `fanout` over one queue.
 */
function queueRefusal(words: readonly NftToken[], k: number): GrammarRefusal | undefined {
  let keyword = false;
  let bare = false;
  let fanout = false;
  let num: NftToken | undefined;
  let n: NftToken | undefined;
  for (let j = k + 1; j < words.length; j++) {
    const w = words[j] as NftToken;
    const flag = QUEUE_FLAGS.has(w.value);
    const to = w.value === "num" || w.value === "to";
    if (w.value === "flags") keyword = true;
    else if (to && !n && !(w.value === "to" && bare && !keyword)) {
      num = w;
      n = words[++j];
    } else if (to || (flag && n && (keyword || num?.value === "to")))
      return refusal(
        w,
        `'${w.value}' where nft's queue takes no ${w.value}`,
        `syntax error, unexpected ${w.value}`,
        "write 'queue flags bypass,fanout to 1-4' or 'queue num 1 bypass'",
      );
    else if (flag) {
      fanout ||= w.value === "fanout";
      bare ||= !keyword;
    } else break;
  }
  return fanout && n && !n.value.includes("-")
    ? refusal(
        keyword ? n : (num as NftToken),
        `'fanout' needs a range of queues, and '${num?.value} ${n.value}' names one`,
        "fanout requires a range to be specified",
        "write a range ('to 1-4'), or leave fanout out",
      )
    : undefined;
}

/** Payload protocols: after a stray word nft reads them as its operand ("No symbol type information"). */
const PAYLOAD = /^(ip6?|tcp|udp|udplite|sctp|dccp|icmp|icmpv6|ether|vlan|arp|th|ah|esp|comp)$/;

/**
 * The statements that use a stateful object by name, by their words: what nft's parser expects where the
 * name stands instead (none: the name is read as a stray expression after the statement), and the
 * statement's own form for the hint.
 */
const NAMED: Readonly<Record<string, [expecting?: string, own?: string]>> = {
  counter: [undefined, "'counter' alone"],
  synproxy: [undefined, "'synproxy mss 1460 wscale 7'"],
  quota: ["number", "'quota over 10 mbytes'"],
  limit: ["name or rate", "'limit rate 10/second'"],
  "ct timeout": ["set"],
  "ct expectation": ["set"],
};

/**
 * nft's refusal of an object's name right after its statement (`words[k]`), without `name` (or `set`):
 * `counter "c"`, `counter c`, `quota over q`, `limit "l"`, `synproxy "x"`, `ct timeout "t"`; nft 1.0.6 takes
 * `counter name "c"`, `ct timeout set "t"` only. Where the parser expects a number, a rate or `set`, any
 * name is refused; after `counter` or `synproxy`, a quoted one or a word the reader knows no expression
 * by (`unknown`).
 */
function namedObjectRefusal(
  words: readonly NftToken[],
  k: number,
  unknown: readonly string[],
): GrammarRefusal | undefined {
  const ct = words[k]?.value === "ct";
  const kind = ct ? `ct ${words[k + 1]?.value}` : (words[k]?.value as string);
  const [expecting, own] = NAMED[kind] ?? [];
  if (!NAMED[kind]) return undefined;
  const at = k + (ct ? 2 : 1);
  const over =
    kind === "quota" && /^(over|until)$/.test(words[at]?.value ?? "") ? words[at]?.value : undefined;
  const name = words[at + (over ? 1 : 0)];
  if (!name || name.type === "punct" || name.type === "nl" || /^(name|rate|over|set)$/.test(name.value))
    return undefined;
  const quoted = name.type === "string";
  // A keyword after a counter starts the next statement (`counter tproxy ip to ...`, `counter jhash ...`).
  if (!quoted && !expecting && isNftKeyword(name.value)) return undefined;
  // nft's words are of the word after a counter's name, which its parser meets first.
  const next = words[at + 1];
  const payload = PAYLOAD.test(next?.value ?? "");
  // The reader reads a stray word with the payload match after it as one expression (`c tcp dport 22`).
  const stray = expecting
    ? /^[a-z_]/i.test(name.value)
    : unknown.some((u) => u === name.value || (payload && u.startsWith(`${name.value} `)));
  if (!quoted && !stray) return undefined;
  const by = ct ? "set" : "name";
  return refusal(
    name,
    `'${kind} ${over ? `${over} ` : ""}${quoted ? `"${name.value}"` : name.value}': a ${kind} object is named after '${by}'`,
    expecting
      ? `syntax error, unexpected ${quoted ? "quoted " : ""}string, expecting ${expecting}`
      : !next
        ? "syntax error, unexpected newline"
        : payload
          ? "No symbol type information"
          : `syntax error, unexpected ${next.type === "string" ? "quoted string" : next.value}`,
    `write '${kind} ${by} ${JSON.stringify(name.value)}' for the ${kind} object ${name.value}${own ? `, or ${own} for the rule's own` : ""}`,
  );
}

/**
 * The first of the rule `words`' expressions nft refuses for its grammar alone, or undefined; `unknown`:
 * the texts of the expressions the rule reader knows not (a stray word after `counter` is one).
 */
export function grammarRefusal(
  words: readonly NftToken[],
  unknown: readonly string[] = [],
): GrammarRefusal | undefined {
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as NftToken;
    if (w.type !== "word") continue;
    const named = namedObjectRefusal(words, k, unknown);
    if (named) return named;
    // A device name has 15 characters at most (IFNAMSIZ), a trailing `*` counted.
    if ((w.value === "iifname" || w.value === "oifname") && words[k + 1]?.value !== "set") {
      const long = comparedValues(words, k + 1).find((v) => v.type === "string" && v.value.length > 15);
      if (long)
        return refusal(
          long,
          `interface name '${long.value}' has ${long.value.length} characters, a device's name 15 at most`,
          "String exceeds maximum length of 16",
          "write the name as 'ip link' shows it; a prefix with '*' (\"cali*\") matches the longer ones",
        );
    }
    // `numgen random mod 0`: no value to draw (the kernel: "Numerical result out of range").
    if (w.value === "numgen" && words[k + 2]?.value === "mod" && words[k + 3]?.value === "0")
      return {
        at: w,
        message: `'numgen ${words[k + 1]?.value} mod 0' draws from no value: the kernel refuses the rule (nft: "Could not process rule: Numerical result out of range")`,
        hint: "write mod N with N the number of choices, 1 or more",
      };
    // `jump "c"`: nft 1.0.6 takes no quoted chain name, as in `chain "c"` ("expecting string" there).
    const target = words[k + 1];
    if ((w.value === "jump" || w.value === "goto") && target?.type === "string")
      return refusal(
        target,
        `'${w.value} "${target.value}"': a quoted chain name`,
        "syntax error, unexpected quoted string, expecting '{'",
        `write the chain's name without quotes: '${w.value} ${target.value}'`,
      );
    if (w.value === "exthdr" && (words[k - 1]?.value === "ip" || words[k - 1]?.value === "ip6"))
      return refusal(
        w,
        `'${words[k - 1]?.value} exthdr'`,
        "syntax error, unexpected exthdr",
        `write the extension header without the family: 'exthdr ${words[k + 1]?.value ?? "frag"} exists'`,
      );
    const refused =
      w.value === "limit" && words[k + 1]?.value === "rate"
        ? limitRefusal(words, k)
        : w.value === "mark" && words[k - 1]?.value !== "set"
          ? markPrefixRefusal(words, k)
          : w.value === "queue"
            ? queueRefusal(words, k)
            : undefined;
    if (refused) return refused;
    if (w.value !== "log") continue;
    const opts = logOptions(words, k);
    // `snaplen` and `queue-threshold` are a netlink log's options: they make it one, as `group` does.
    const netlink = opts.has("group") || opts.has("snaplen") || opts.has("queue-threshold");
    const other = netlink
      ? opts.has("flags")
        ? "flags"
        : opts.has("level")
          ? "level"
          : undefined
      : undefined;
    if (other)
      return {
        at: w,
        message: `'log ... ${other} ... group': ${other} shapes the kernel's log line, and group sends the packet to a netlink listener (ulogd) instead: nft refuses the rule ("${other} and group are mutually exclusive")`,
        hint: `keep 'group N' for ulogd, or drop it for a kernel log line with its ${other}`,
      };
  }
  return undefined;
}
