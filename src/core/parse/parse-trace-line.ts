/**
 * Parses one legacy iptables `TRACE` line (kernel `nf_log_trace`):
 * `TRACE: raw:PREROUTING:rule:2 IN=eth0 OUT= MAC=.. SRC=..` (also `:policy:` and `:return:`).
 */
import { CHAINS } from "../model/hook.ts";
import type { RuleVerdict } from "../model/packet.ts";
import { blankEvent, type ParsedLine, SKIP } from "./parsed-line.ts";
import { findFieldsStart, readLogFields } from "./read-log-fields.ts";

const KINDS = new Set(["rule", "policy", "return"]);

/**
 * Parses the message at `bodyStart`; `skip` when it is not a legacy TRACE line.
 * The hook is `<family>:<table>:<chain>`; for a user chain (e.g. `DOCKER-USER`)
 * the chain is that name and the grouping step folds it into the base chain it was called from.
 */
export function parseTraceLine(line: string, bodyStart: number): ParsedLine {
  if (!line.startsWith("TRACE: ", bodyStart)) return SKIP;
  const labelAt = bodyStart + 7;
  const sp = line.indexOf(" ", labelAt);
  const fieldsAt = findFieldsStart(line, labelAt);
  if (sp < 0 || fieldsAt < 0 || fieldsAt < sp) return SKIP;
  const parts = line.slice(labelAt, sp).split(":");
  // `TRACE: eb:broute:BROUTING IN=..`: a LOG prefix written to look like one (a much-copied blog), read as a prefix.
  if (parts.length < 4 && !parts.some((p) => KINDS.has(p))) return SKIP;
  if (parts.length !== 4 || !KINDS.has(parts[2] as string)) {
    return {
      kind: "error",
      column: labelAt + 1,
      message: `expected 'table:chain:rule|policy|return:N' after 'TRACE: ', found '${line.slice(labelAt, sp)}'`,
      hint: "legacy TRACE lines look like 'TRACE: raw:PREROUTING:rule:2 IN=...'",
    };
  }
  const [table, chain, kind, num] = parts as [string, string, RuleVerdict["kind"], string];
  const ev = blankEvent("trace", line);
  ev.prefix = line.slice(bodyStart, fieldsAt);
  const err = readLogFields(line, fieldsAt, ev, true);
  if (err && !err.warning) return { kind: "error", ...err };
  const family = ev.ip?.src.includes(":") ? "ip6" : "ip";
  const upper = chain.toUpperCase();
  const builtin = (CHAINS as readonly string[]).includes(upper);
  ev.hook = `${family}:${table.toLowerCase()}:${builtin ? upper : chain}`;
  const verdict: RuleVerdict = { kind, chain, rule: num };
  ev.verdict = verdict;
  ev.verdicts = [verdict];
  return err
    ? { kind: "event", event: ev, familyHint: family, warning: err }
    : { kind: "event", event: ev, familyHint: family };
}
