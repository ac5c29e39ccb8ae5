/**
 * What `packetwalk import` publishes of a journalctl JSON record (`-o json`, `-o json-seq`): the
 * fields a reader and the parser use (the message, its time, transport, priority, tag and host),
 * whether or not `--anonymize` is given. The rest identify the machine, its boot and its journal
 * (`_MACHINE_ID`, `_BOOT_ID`, `__CURSOR`, `_SYSTEMD_INVOCATION_ID`, ...) and say nothing about the
 * packet: a contributor sharing a firewall trace does not expect to publish them. Pure.
 */

/** The fields kept, in the record's own order (`_HOSTNAME` is replaced by `--anonymize`). */
export const PUBLISHED_JOURNAL_FIELDS: ReadonlySet<string> = new Set([
  "MESSAGE",
  "__REALTIME_TIMESTAMP",
  "__MONOTONIC_TIMESTAMP",
  "_SOURCE_MONOTONIC_TIMESTAMP",
  "_TRANSPORT",
  "PRIORITY",
  "SYSLOG_FACILITY",
  "SYSLOG_IDENTIFIER",
  "_HOSTNAME",
]);

/** A journalctl JSON record line without the fields that are not published, and their names. */
export function publishedJournalLine(line: string): { line: string; dropped: string[] } {
  // json-seq puts an RS byte before each record.
  const rs = line.startsWith("\x1e") ? "\x1e" : "";
  const body = line.slice(rs.length).trim();
  if (!body.startsWith("{") || !body.includes('"MESSAGE"')) return { line, dropped: [] };
  let record: unknown;
  try {
    record = JSON.parse(body);
  } catch {
    // Not one record on one line (json-pretty's MESSAGE line): nothing but the message is on it.
    return { line, dropped: [] };
  }
  if (!record || typeof record !== "object" || Array.isArray(record)) return { line, dropped: [] };
  const kept: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(record))
    if (PUBLISHED_JOURNAL_FIELDS.has(k)) kept[k] = v;
    else dropped.push(k);
  if (!dropped.length) return { line, dropped };
  return { line: `${rs}${JSON.stringify(kept)}`, dropped };
}
