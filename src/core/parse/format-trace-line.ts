/**
 * Writes an event as a legacy iptables `TRACE` line (kernel `nf_log_trace`):
 * `TRACE: raw:PREROUTING:rule:2 IN=...` followed by the LOG fields.
 */
import type { TraceEvent } from "../model/packet.ts";
import { formatLogLine } from "./format-log-line.ts";

/**
 * The TRACE line of `event`: table from `hook`, chain/kind/rule from
 * `verdict` (default: the hook's chain, `rule`, `1`), then the LOG fields.
 */
export function formatTraceLine(event: TraceEvent): string {
  const [, table = "raw", hookChain = "PREROUTING"] = event.hook.split(":");
  const v = event.verdict;
  const prefix = `TRACE: ${table}:${v?.chain ?? hookChain}:${v?.kind ?? "rule"}:${v?.rule ?? "1"} `;
  return formatLogLine({ ...event, prefix });
}
