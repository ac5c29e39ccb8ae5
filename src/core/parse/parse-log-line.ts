/**
 * Parses one iptables/ip6tables/ebtables-nft `LOG` line (kernel
 * `nf_log_syslog` format): `<prefix>IN=.. OUT=.. [PHYSIN=..] [MAC=..] SRC=.. ...`.
 */

import type { LogFieldMemo } from "./log-field-memo.ts";
import { blankEvent, type ParsedLine, SKIP } from "./parsed-line.ts";
import { findFieldsStart, readLogFields } from "./read-log-fields.ts";
import { scanLogFields } from "./scan-log-line.ts";

/**
 * Parses the message that starts at `bodyStart` of `line`. The prefix is
 * everything before `IN=` (it may lack its trailing space). The hook is left
 * empty for the prefix mapping; `at` is where `IN=` starts when the caller found it already; `familyHint` is `ip6` for IPv6 addresses,
 * `arp` for ARP, else `ip`. Returns `skip` when the line is not a LOG line.
 * With `fast` (default true), the common line shapes are read by `scan-log-line.ts`
 * (the same event), and with a {@link LogFieldMemo} copied from a recent line with the
 * same fields; false reads every line with the general reader.
 */
export function parseLogLine(
  line: string,
  bodyStart: number,
  at: number = findFieldsStart(line, bodyStart),
  fast: boolean | LogFieldMemo = true,
): ParsedLine {
  if (at < 0) return SKIP;
  let ev = blankEvent("log", line);
  let prefix = line.slice(bodyStart, at);
  // UniFi OS's ulogd writes the rule's description after its prefix: `[LAN_LOCAL-RET-2147483647] DESCR="..." `.
  const descr = prefix.length > 9 ? prefix.indexOf(' DESCR="') : -1;
  if (descr > 0 && /^ DESCR="[^"]*" ?$/.test(prefix.slice(descr))) prefix = prefix.slice(0, descr + 1);
  ev.prefix = prefix;
  if (fast) {
    const memo = fast === true ? undefined : fast;
    if (memo?.fill(line, at, ev)) return { kind: "event", event: ev, familyHint: "ip" };
    if (scanLogFields(line, at, ev)) {
      memo?.remember(line, at, ev);
      return { kind: "event", event: ev, familyHint: "ip" };
    }
    // The scan gave up part way: start from a blank event.
    ev = blankEvent("log", line);
    ev.prefix = prefix;
  }
  const err = readLogFields(line, at, ev, true);
  if (err && !err.warning) return { kind: "error", ...err };
  const familyHint = ev.ip?.src.includes(":") ? "ip6" : ev.arp && !ev.ip ? "arp" : "ip";
  return err
    ? { kind: "event", event: ev, familyHint, warning: err }
    : { kind: "event", event: ev, familyHint };
}
