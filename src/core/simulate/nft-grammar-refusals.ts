/**
 * Rules nft refuses for their words alone, which the rule reader would otherwise take or only call
 * unmodelled: a `log` statement with `group` (a netlink log) and `flags` or `level` (a kernel log line's
 * options: "flags and group are mutually exclusive"), and `ip exthdr` or `ip6 exthdr` (the extension
 * header expression is `exthdr frag` alone: "syntax error, unexpected exthdr"). Each was checked with
 * nft 1.0.6 (`nft -f` in a fresh namespace), message and column.
 */
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

/** nft 1.0.6's packet type names (`meta pkttype`); ebtables' `otherhost` is its `other`. */
const PKTTYPES = new Set(["host", "unicast", "broadcast", "multicast", "other"]);

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

/** The first of the rule `words`' expressions nft refuses for its grammar alone, or undefined. */
export function grammarRefusal(words: readonly NftToken[]): GrammarRefusal | undefined {
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as NftToken;
    if (w.type !== "word") continue;
    // A device name has 15 characters at most (IFNAMSIZ), a trailing `*` counted.
    if ((w.value === "iifname" || w.value === "oifname") && words[k + 1]?.value !== "set") {
      const long = comparedValues(words, k + 1).find((v) => v.type === "string" && v.value.length > 15);
      if (long)
        return {
          at: long,
          message: `interface name '${long.value}' has ${long.value.length} characters, a device's name 15 at most: nft refuses it ("String exceeds maximum length of 16")`,
          hint: "write the name as 'ip link' shows it; a prefix with '*' (\"cali*\") matches the longer ones",
        };
    }
    if (w.value === "pkttype" && words[k - 1]?.value === "meta" && words[k + 1]?.value !== "set") {
      const odd = comparedValues(words, k + 1).find(
        (v) => v.type === "word" && !PKTTYPES.has(v.value) && !/^\d+$/.test(v.value),
      );
      if (odd)
        return {
          at: odd,
          message: `'${odd.value}' is not a packet type: nft refuses it ("Could not parse packet type")`,
          hint: `write host, broadcast, multicast or other${odd.value === "otherhost" ? " (ebtables' otherhost is nft's other)" : ""}`,
        };
    }
    // `numgen random mod 0`: no value to draw (the kernel: "Numerical result out of range").
    if (w.value === "numgen" && words[k + 2]?.value === "mod" && words[k + 3]?.value === "0")
      return {
        at: w,
        message: `'numgen ${words[k + 1]?.value} mod 0' draws from no value: the kernel refuses the rule (nft: "Could not process rule: Numerical result out of range")`,
        hint: "write mod N with N the number of choices, 1 or more",
      };
    if (w.value === "exthdr" && (words[k - 1]?.value === "ip" || words[k - 1]?.value === "ip6"))
      return {
        at: w,
        message: `'${words[k - 1]?.value} exthdr': nft refuses it ("syntax error, unexpected exthdr")`,
        hint: `write the extension header without the family: 'exthdr ${words[k + 1]?.value ?? "frag"} exists'`,
      };
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
