/**
 * Lines in which the kernel or a log daemon says that messages were lost, or
 * that packets were dropped before netfilter's rules saw them. A LOG line lost
 * there makes its packet look as if it skipped a hook, so such a line is worth
 * a warning at its position rather than a silent skip.
 */
import { LOST_HINT } from "./parse-hints.ts";

/** What a loss line says, for a warning at its position. */
export interface LogLoss {
  /** 1-based column where the loss line's own words start. */
  column: number;
  message: string;
  hint: string;
}

/** The words of every loss line this reader knows; one search per skipped line. */
const LOSS =
  /(\S+: )?(\d+) callbacks suppressed|printk: (\d+) messages suppressed|\*\* (\d+) printk messages dropped|Missed (\d+) kernel messages|(\d+) messages lost due to rate-limiting|nf_conntrack: table full, dropping packet/;

/** Words every loss line holds, searched for before the pattern. */
const ANCHORS = [
  "callbacks suppressed",
  "messages suppressed",
  "printk messages dropped",
  "kernel messages",
  "lost due to rate-limiting",
  "table full, dropping packet",
];

/** Characters read on each side of an anchor: more than any loss line's words around it. */
const WINDOW = 160;

/**
 * The rate limits whose suppressed messages may be LOG lines: the networking one (`net_ratelimit`),
 * netfilter's own and printk's. Another call site's count (`show_signal_msg`, a segfault report) is
 * about its own messages only.
 */
const LOG_RATE_LIMITS = /^(?:net_ratelimit|printk|nf_\w+|nft_\w+|xt_\w+|ipt_\w+|ip6t_\w+|ebt_\w+)$/;

/** Plural of `message` for `n`. */
function messages(n: string): string {
  return n === "1" ? "1 message" : `${n} messages`;
}

/**
 * What `line` (a line that is not netfilter output) says about lost log lines or dropped
 * packets, or undefined. Kernel rate limits (`net_ratelimit: N callbacks suppressed`,
 * `printk: N messages suppressed`), an overflowed printk buffer (`** N printk messages
 * dropped **`), journald reading /dev/kmsg too slowly (`Missed N kernel messages`), rsyslog's
 * rate limit (`N messages lost due to rate-limiting`) and a full conntrack table.
 */
export function readLogLoss(line: string): LogLoss | undefined {
  // Found by fixed words first, then read in a window around them: the pattern alone backtracks
  // on a long line without spaces (a line of a megabyte, read with --max-line-bytes raised).
  let at = -1;
  for (const w of ANCHORS) {
    const i = line.indexOf(w);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return undefined;
  const from = Math.max(0, at - WINDOW);
  const m = LOSS.exec(line.slice(from, at + WINDOW));
  if (!m) return undefined;
  const column = from + m.index + 1;
  if (m[2] !== undefined) {
    if (m[1] && !LOG_RATE_LIMITS.test(m[1].slice(0, -2))) return undefined;
    const who = m[1] ? ` (${m[1].slice(0, -2)})` : "";
    return {
      column,
      message: `the kernel's rate limit${who} suppressed ${messages(m[2])} here: LOG lines may be among them`,
      hint: LOST_HINT,
    };
  }
  if (m[3] !== undefined)
    return {
      column,
      message: `the kernel's rate limit (printk) suppressed ${messages(m[3])} here: LOG lines may be among them`,
      hint: LOST_HINT,
    };
  if (m[4] !== undefined)
    return {
      column,
      message: `the kernel dropped ${messages(m[4])} here (its log buffer was full): LOG lines may be among them`,
      hint: LOST_HINT,
    };
  if (m[5] !== undefined)
    return {
      column,
      message: `journald missed ${m[5] === "1" ? "1 kernel message" : `${m[5]} kernel messages`} here (it read the kernel's log too slowly): LOG lines may be among them`,
      hint: LOST_HINT,
    };
  if (m[6] !== undefined)
    return {
      column,
      message: `the syslog daemon's rate limit dropped ${messages(m[6])} here: LOG lines may be among them`,
      hint: LOST_HINT,
    };
  return {
    column,
    message: `the conntrack table was full here: the kernel dropped packets before any netfilter rule saw them`,
    hint: "such a packet is in no LOG line and the simulator does not model it: raise net.netfilter.nf_conntrack_max, or record when the table is not full",
  };
}

/** What to do about rsyslog's folded lines (the playground translates it by this text). */
export const REPEATED_HINT =
  "identical LOG lines (a packet sent again with the same header, logged without a time stamp) are folded by rsyslog's $RepeatedMsgReduction: turn it off in rsyslog.conf, or read the kernel log with journalctl -k or dmesg";

/** rsyslog's `$RepeatedMsgReduction` (on in Debian's and Ubuntu's rsyslog.conf): `message repeated 3 times: [ <message>]`. */
const REPEATED = /^message repeated (\d+) times?: \[/;

/**
 * What a LOG prefix that starts with rsyslog's repeat note says, or undefined: the message inside
 * came N more times right after the line before, identical, and rsyslog kept one line for them all,
 * so those N LOG lines are not in the log (the one in brackets is the line before's again).
 */
export function readRepeatedMessage(prefix: string): Omit<LogLoss, "column"> | undefined {
  if (!prefix.startsWith("message repeated ")) return undefined;
  const m = REPEATED.exec(prefix);
  if (!m) return undefined;
  const n = m[1] as string;
  return {
    message: `the syslog daemon folded ${n === "1" ? "1 more copy" : `${n} more copies`} of the line before into this one ('message repeated ${n} times'): ${n === "1" ? "that LOG line is" : `those ${n} LOG lines are`} not in the log`,
    hint: REPEATED_HINT,
  };
}

/** xtables-monitor's exit message (`xtables_error`): `xtables-monitor v1.8.9 (nf_tables): <why>`. */
const MONITOR_EXIT = /^xtables-monitor v\d[\w.]*(?: \([\w-]+\))?: (.+)$/;

/**
 * What xtables-monitor's own exit message says, or undefined. It stops there (1.8.9 does on
 * `Parsing nftables rule failed`, meeting an ip6tables DNAT rule it cannot print), so the trace
 * of every later packet is missing: a warning, not a silent skip.
 */
export function readMonitorExit(line: string, from = 0): LogLoss | undefined {
  if (!line.startsWith("xtables-monitor v", from)) return undefined;
  const m = MONITOR_EXIT.exec(line.slice(from));
  if (!m) return undefined;
  return {
    column: from + 1,
    message: `xtables-monitor stopped with its own error ('${(m[1] as string).trim()}'): its trace ends at the rule it could not print`,
    hint: "the packets it traced are read, also those below this line: with its output and its errors in one file, the output it held back comes after the error; record again with `nft monitor trace`, which prints every rule, or with a newer iptables",
  };
}

/**
 * The record types of a packet's audit record: `type=NETFILTER_PKT` (auditd's file) or `audit: type=1324`
 * (the kernel log, by number: AUDIT_NETFILTER_PKT; 1325 is AUDIT_NETFILTER_CFG, a ruleset change).
 */
const AUDIT_TYPES = ["type=NETFILTER_PKT", "type=1324"];

/** Whether `line[i]` is a word character (the `\b` test, without a regex's backtracking over long lines). */
function wordAt(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Where `text` first starts a word in `line` at or after `from` (and, with `whole`, also ends one),
 * else -1.
 */
function wordIndex(line: string, text: string, from = 0, whole = true): number {
  for (let i = line.indexOf(text, from); i >= 0; i = line.indexOf(text, i + 1))
    if (!wordAt(line, i - 1) && !(whole && wordAt(line, i + text.length))) return i;
  return -1;
}

/**
 * What a packet's audit record (nft `log level audit`, iptables `-j AUDIT`) says, or undefined:
 * it names no hook, chain or prefix, so no trace can be made of it; said once for all such lines.
 */
export function readAuditPacket(line: string): LogLoss | undefined {
  let at = -1;
  for (const type of AUDIT_TYPES) {
    const i = wordIndex(line, type);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  // The record's packet fields follow its type: a word starting `saddr=`.
  if (at < 0 || wordIndex(line, "saddr=", at, false) < 0) return undefined;
  return {
    column: at + 1,
    message:
      "audit record of a packet (nft `log level audit` or iptables -j AUDIT): it names no hook, chain or prefix, so packetwalk cannot place it",
    hint: 'log to the kernel log instead: nft `log prefix "..."` (without `level audit`) or iptables -j LOG --log-prefix "..."',
  };
}
