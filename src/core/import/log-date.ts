/**
 * The day a log was recorded, read from its envelope's timestamps, for a trace's
 * `environment.date` when `--date` is not given: a log imported a week after it was
 * recorded would otherwise be dated the day of the import.
 */
import type { Packet } from "../model/packet.ts";

/** Seconds since 1970 from 2001 on: no uptime is that long, and a year-less syslog time is smaller. */
const EPOCH_FROM = 1e9;

/**
 * The UTC day (`YYYY-MM-DD`) of the first event whose envelope gives a full date and time
 * (journal JSON and export, ISO and RFC 5424 stamps, `dmesg -T`), or undefined when none does
 * (`dmesg`'s uptime, a syslog stamp without a year, `journalctl -o cat`).
 */
export function logDate(packets: readonly Packet[]): string | undefined {
  for (const p of packets)
    for (const e of p.events)
      if (e.time !== undefined && e.time >= EPOCH_FROM)
        return new Date(e.time * 1000).toISOString().slice(0, 10);
  return undefined;
}
