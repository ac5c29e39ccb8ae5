/**
 * Parses one iptables/ip6tables/ebtables-nft `LOG` line (kernel
 * `nf_log_syslog` format): `<prefix>IN=.. OUT=.. [PHYSIN=..] [MAC=..] SRC=.. ...`.
 */
import { blankEvent, type ParsedLine, SKIP } from "./parsed-line.ts";
import { findFieldsStart, readLogFields } from "./read-log-fields.ts";

/**
 * Parses the message that starts at `bodyStart` of `line`. The prefix is
 * everything before `IN=` (it may lack its trailing space). The hook is left
 * empty for the prefix mapping; `at` is where `IN=` starts when the caller found it already; `familyHint` is `ip6` for IPv6 addresses,
 * `arp` for ARP, else `ip`. Returns `skip` when the line is not a LOG line.
 */
export function parseLogLine(
  line: string,
  bodyStart: number,
  at: number = findFieldsStart(line, bodyStart),
): ParsedLine {
  if (at < 0) return SKIP;
  const ev = blankEvent("log", line);
  ev.prefix = line.slice(bodyStart, at);
  const err = readLogFields(line, at, ev, true);
  if (err && !err.warning) return { kind: "error", ...err };
  const familyHint = ev.ip?.src.includes(":") ? "ip6" : ev.arp && !ev.ip ? "arp" : "ip";
  return err
    ? { kind: "event", event: ev, familyHint, warning: err }
    : { kind: "event", event: ev, familyHint };
}
